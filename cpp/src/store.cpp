// The SQLite event store. Every statement is prepared once with bound
// parameters; nothing user-supplied is ever spliced into SQL text.
#include "store_impl.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
#include <future>
#include <iterator>
#include <mutex>
#include <string_view>
#include <utility>

namespace pursuit {

StoreError::StoreError(std::string path, std::string reason)
    : std::runtime_error(path + ": " + reason), path_(std::move(path)), reason_(std::move(reason)) {}

namespace {

// "purs": marks the file as ours, so a foreign SQLite file is refused, not altered.
constexpr int application_id = 0x70757273;

// migrations[v] takes a store from schema v to v + 1; a new file starts at 0.
// Adding a version means appending one entry here and bumping schema_version.
constexpr const char* migrations[] = {
    R"sql(
    CREATE TABLE batches (
        id INTEGER PRIMARY KEY,
        ingested_at INTEGER NOT NULL,   -- UTC microseconds
        source TEXT NOT NULL,
        events INTEGER NOT NULL
    );
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY,        -- arrival order
        id TEXT NOT NULL UNIQUE,
        opportunity TEXT NOT NULL,
        at INTEGER NOT NULL,            -- UTC microseconds
        type TEXT NOT NULL,
        body TEXT NOT NULL,             -- the canonical JSON form
        batch INTEGER NOT NULL REFERENCES batches(id)
    );
    CREATE INDEX events_by_time ON events(at);
    CREATE INDEX events_by_opportunity ON events(opportunity, at);
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
    )sql",
    // v2: only the id is indexed (it is what makes ingest idempotent). Every other
    // index is one more B-tree to update per stored event: the time index cost ~40%
    // of ingest and the opportunity index ~30% (benchmarks/README.md, ingest). A
    // replay reads the whole log anyway, and one opportunity's events are a scan.
    R"sql(
    DROP INDEX events_by_time;
    DROP INDEX events_by_opportunity;
    )sql",
};
static_assert(std::size(migrations) == Store::schema_version, "one migration per schema version");

}  // namespace

void Store::Impl::open(Mode mode) {
    read_only = mode == Mode::read_only;
    const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                      SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK)
        throw StoreError(path, read_only ? "cannot open the store (does it exist?): " + std::string(sqlite3_errmsg(db))
                                         : "cannot open the store: " + std::string(sqlite3_errmsg(db)));
    // Before the first statement: opening takes locks too (WAL mode, migrations).
    sqlite3_busy_timeout(db, busy_timeout_ms);  // wait (SQLite retries) rather than fail at once
    sqlite3_extended_result_codes(db, 1);
    std::int64_t app = 0, version = 0, objects = 0;
    try {
        app = pragma("PRAGMA application_id");
        version = pragma("PRAGMA user_version");
        objects = pragma("SELECT count(*) FROM sqlite_schema");
    } catch (const StoreError& err) {
        throw StoreError(path, "not a pursuit store: the file is not a readable SQLite database (" + err.reason() + ")");
    }
    if (app != application_id) {
        if (app != 0 || objects != 0) throw StoreError(path, "not a pursuit store: a SQLite database of another application");
        if (read_only) throw StoreError(path, "not a pursuit store: the database is empty");
    }
    if (version > schema_version)
        throw StoreError(path, "the store has schema version " + std::to_string(version) + ", newer than this pursuit reads (" +
                                   std::to_string(schema_version) + "); upgrade pursuit");
    if (!read_only) {
        // Only a new file can choose its page size (and before WAL is on). Large pages
        // mean fewer B-tree splits and fewer WAL frames per batch; measured in
        // benchmarks/README.md (ingest).
        if (objects == 0) exec("PRAGMA page_size=32768");
        exec("PRAGMA journal_mode=WAL");   // readers never block the writer, nor it them
        exec("PRAGMA synchronous=FULL");   // a committed batch survives a power cut
        // Not enforced per row (it cost 5-7% of ingest): the only writer of
        // events.batch is ingest(), which inserts the batch row first in the same
        // transaction, and a rolled-back batch takes its events with it.
        exec("PRAGMA foreign_keys=OFF");
        exec("PRAGMA cache_size=-65536");  // 64 MiB: the id index takes random inserts
        // Checkpoint (and fsync the file) every 64 MiB of WAL, not every 4.
        exec(("PRAGMA wal_autocheckpoint=" + std::to_string((64 << 20) / pragma("PRAGMA page_size"))).c_str());
        migrate(static_cast<int>(version));
    } else if (version < schema_version) {
        throw StoreError(path, "the store has schema version " + std::to_string(version) +
                                   " and needs migrating: open it once for writing");
    }
}

void Store::Impl::migrate(int from) {
    for (int v = from; v < schema_version; ++v) {
        exec("BEGIN IMMEDIATE");
        try {
            exec(migrations[v]);
            exec(("PRAGMA application_id=" + std::to_string(application_id)).c_str());
            exec(("PRAGMA user_version=" + std::to_string(v + 1)).c_str());
            exec("COMMIT");
        } catch (...) {
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }
}

Store::Store(const std::string& path, Mode mode, std::chrono::milliseconds busy_timeout)
    : impl_(std::make_unique<Impl>()) {
    impl_->path = path;
    // sqlite3_busy_timeout takes an int of milliseconds; negative means "do not wait".
    impl_->busy_timeout_ms = static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(busy_timeout.count(), 0, INT_MAX));
    impl_->open(mode);
}
Store::~Store() = default;
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;

const std::string& Store::path() const { return impl_->path; }

namespace {

// A row that does not parse (written by something else, or damaged) stops
// the read, or is set aside in `unreadable` so the rest can be replayed.
std::vector<Event> read_events(Statement& query, const std::string& path, std::vector<StoreError>* unreadable) {
    std::vector<Event> out;
    while (query.step()) {
        try {
            out.push_back(parse_event(query.view(1)));
        } catch (const EventError& err) {
            StoreError bad(path, "stored event #" + std::to_string(query.integer(0)) + " cannot be read: " + err.what());
            if (!unreadable) throw bad;
            unreadable->push_back(std::move(bad));
        }
    }
    return out;
}

// Without indexes on time or opportunity (schema v2) the log is read in arrival
// order; a stable sort by time then gives (time, arrival), the replay order.
std::vector<Event> in_replay_order(std::vector<Event> events) {
    std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.at < b.at; });
    return events;
}

}  // namespace

std::vector<Event> Store::events(std::optional<Timestamp> as_of, std::vector<StoreError>* unreadable) const {
    std::lock_guard lock(impl_->mutex);
    Statement q(impl_->db, "SELECT seq, body FROM events WHERE at <= ?1 ORDER BY seq", impl_->path);
    q.bind(1, as_of.value_or(INT64_MAX));
    return in_replay_order(read_events(q, impl_->path, unreadable));
}

std::vector<Event> Store::events_of(const std::string& opportunity, std::optional<Timestamp> as_of,
                                    std::vector<StoreError>* unreadable) const {
    std::lock_guard lock(impl_->mutex);
    Statement q(impl_->db, "SELECT seq, body FROM events WHERE opportunity = ?1 AND at <= ?2 ORDER BY seq", impl_->path);
    q.bind(1, opportunity).bind(2, as_of.value_or(INT64_MAX));
    return in_replay_order(read_events(q, impl_->path, unreadable));
}

StoreStats Store::stats() const {
    std::lock_guard lock(impl_->mutex);
    Statement q(impl_->db,
                "SELECT count(*), count(DISTINCT opportunity), min(at), max(at), (SELECT count(*) FROM batches) FROM events",
                impl_->path);
    q.step();
    StoreStats st;
    st.events = static_cast<std::size_t>(q.integer(0));
    st.opportunities = static_cast<std::size_t>(q.integer(1));
    if (!q.is_null(2)) st.first_at = q.integer(2);
    if (!q.is_null(3)) st.last_at = q.integer(3);
    st.batches = static_cast<std::size_t>(q.integer(4));
    return st;
}

std::optional<std::string> Store::setting(const std::string& key) const {
    std::lock_guard lock(impl_->mutex);
    Statement q(impl_->db, "SELECT value FROM settings WHERE key = ?1", impl_->path);
    q.bind(1, key);
    if (!q.step()) return std::nullopt;
    return q.text(0);
}

void Store::set_setting(const std::string& key, const std::string& value) {
    std::lock_guard lock(impl_->mutex);
    impl_->writable();
    Statement q(impl_->db, "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
                impl_->path);
    q.bind(1, key).bind(2, value).step();
}

}  // namespace pursuit
