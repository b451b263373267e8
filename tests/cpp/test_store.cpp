// The SQLite event store: idempotent ingest, batches as transactions, replay
// order and as-of reads, conflicts, settings, and the files it must refuse.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "builders.hpp"
#include "pursuit/pipeline.hpp"
#include "pursuit/store.hpp"

using namespace pursuit;
using namespace pursuit::test;
namespace fs = std::filesystem;

namespace {

// A fresh file name in the temp dir, removed (with its WAL files) afterwards.
struct TempPath {
    std::string path;
    explicit TempPath(const std::string& name) {
        path = (fs::temp_directory_path() / ("pursuit-test-" + name + "-" + std::to_string(::getpid()) + ".db")).string();
        clean();
    }
    ~TempPath() { clean(); }
    void clean() const {
        for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
    }
};

std::vector<Event> story(const std::string& id) {
    Story s(id);
    std::vector<Event> out{s.open(), s.signal(), s.contact("c-1")};
    out.push_back(s.advance());
    return out;
}

std::vector<std::string> ids(const std::vector<Event>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.id);
    return out;
}

void raw_sql(const std::string& path, const char* sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
}

}  // namespace

TEST_CASE("ingesting stores every event once; the same events again change nothing", "[store]") {
    TempPath tmp("idempotent");
    Store store(tmp.path);
    const auto events = story("OPP-1");
    const auto first = store.ingest(events);
    CHECK(first.inserted == 4);
    CHECK(first.duplicates == 0);
    CHECK(first.batches == 1);
    const auto again = store.ingest(events);
    CHECK(again.inserted == 0);
    CHECK(again.duplicates == 4);
    CHECK(again.batches == 0);  // nothing new: no batch recorded
    const auto st = store.stats();
    CHECK(st.events == 4);
    CHECK(st.opportunities == 1);
    CHECK(st.batches == 1);
    CHECK(st.first_at == events.front().at);
    CHECK(st.last_at == events.back().at);
    CHECK(store.events() == events);  // round trip, field for field
}

TEST_CASE("each batch is one transaction and progress is reported per batch", "[store]") {
    TempPath tmp("batches");
    Store store(tmp.path);
    std::vector<Event> events;
    for (int i = 0; i < 5; ++i)
        for (auto& e : story("OPP-" + std::to_string(i))) events.push_back(e);
    std::vector<std::size_t> progress;
    IngestOptions options;
    options.batch_size = 6;
    options.source = "five.jsonl";
    options.progress = [&](std::size_t done, std::size_t total) {
        CHECK(total == 20);
        progress.push_back(done);
    };
    const auto r = store.ingest(events, options);
    CHECK(r.inserted == 20);
    CHECK(r.batches == 4);
    CHECK(progress == std::vector<std::size_t>{0, 6, 12, 18, 20});
    CHECK(store.stats().batches == 4);
}

TEST_CASE("the log is replayed in time order, and as of a moment", "[store]") {
    TempPath tmp("order");
    Store store(tmp.path);
    auto events = story("OPP-1");
    std::vector<Event> reversed(events.rbegin(), events.rend());
    store.ingest(reversed);  // arrival order differs from time order
    CHECK(ids(store.events()) == ids(events));
    CHECK(ids(store.events(events[1].at)) == std::vector<std::string>{events[0].id, events[1].id});
    CHECK(store.events(events[0].at - 1).empty());
    // Ties in time keep arrival order.
    Event late = events[3];
    late.id = "OPP-1/tie";
    store.ingest(std::vector<Event>{late});
    CHECK(store.events().back().id == "OPP-1/tie");

    const auto other = story("OPP-2");
    store.ingest(other);
    CHECK(ids(store.events_of("OPP-2")) == ids(other));
    CHECK(store.events_of("OPP-2", other[0].at).size() == 1);
    CHECK(store.events_of("nobody").empty());
}

TEST_CASE("an id stored with different content is a conflict", "[store]") {
    TempPath tmp("conflict");
    Store store(tmp.path);
    auto events = story("OPP-1");
    store.ingest(events);
    auto changed = events;
    changed[2].note = "edited afterwards";
    Event fresh = events[3];
    fresh.id = "OPP-1/new";

    SECTION("raise: the batch holding the conflict is rolled back") {
        std::vector<Event> batch{fresh, changed[2]};
        try {
            store.ingest(batch);
            FAIL("no conflict reported");
        } catch (const EventError& err) {
            CHECK(err.event_id() == events[2].id);
            CHECK(err.field() == "id");
            CHECK(err.reason() == "an event with this id is already stored with different content");
        }
        CHECK(store.stats().events == 4);
    }
    SECTION("collect: the conflicts are reported, the rest stored") {
        IngestOptions options;
        options.on_error = OnError::collect;
        const auto r = store.ingest(std::vector<Event>{fresh, changed[2], changed[1]}, options);
        CHECK(r.inserted == 1);
        CHECK(r.duplicates == 1);
        REQUIRE(r.conflicts.size() == 1);
        CHECK(r.conflicts[0].event_id() == events[2].id);
        CHECK(store.stats().events == 5);
        CHECK(store.events()[2].note == std::nullopt);  // the stored event is unchanged
    }
}

TEST_CASE("hostile text is stored as data, never as SQL", "[store]") {
    TempPath tmp("hostile");
    Store store(tmp.path);
    Story s("OPP'); DROP TABLE events; --");
    Event e = s.open();
    e.note = "Robert'); DELETE FROM events; -- 中文 \"quoted\"";
    store.ingest(std::vector<Event>{e});
    store.set_setting("x'y", "a'); DROP TABLE settings; --");
    const auto back = store.events();
    REQUIRE(back.size() == 1);
    CHECK(back[0] == e);
    CHECK(store.setting("x'y") == "a'); DROP TABLE settings; --");
    CHECK(store.events_of("OPP'); DROP TABLE events; --").size() == 1);
}

TEST_CASE("settings are kept with the log and survive reopening", "[store]") {
    TempPath tmp("settings");
    {
        Store store(tmp.path);
        CHECK(store.setting("playbook") == std::nullopt);
        store.set_setting("playbook", "{\"name\": \"a\"}");
        store.set_setting("playbook", "{\"name\": \"b\"}");
        store.ingest(story("OPP-1"));
    }
    Store again(tmp.path, Store::Mode::read_only);
    CHECK(again.setting("playbook") == "{\"name\": \"b\"}");
    CHECK(again.stats().events == 4);
}

TEST_CASE("a read-only store refuses writes and needs an existing file", "[store]") {
    TempPath tmp("readonly");
    CHECK_THROWS_WITH(Store(tmp.path, Store::Mode::read_only), Catch::Contains("cannot open the store"));
    { Store create(tmp.path); }
    Store store(tmp.path, Store::Mode::read_only);
    CHECK_THROWS_WITH(store.ingest(story("OPP-1")), Catch::Contains("the store is open read-only"));
    CHECK_THROWS_AS(store.set_setting("k", "v"), StoreError);
}

TEST_CASE("a reader sees committed batches while a writer holds the store open", "[store]") {
    TempPath tmp("readers");
    Store writer(tmp.path);
    writer.ingest(story("OPP-1"));
    Store reader1(tmp.path, Store::Mode::read_only), reader2(tmp.path, Store::Mode::read_only);
    CHECK(reader1.stats().events == 4);
    writer.ingest(story("OPP-2"));
    CHECK(reader1.events().size() == 8);
    CHECK(reader2.stats().opportunities == 2);
}

TEST_CASE("the event log is append-only even through SQL", "[store]") {
    TempPath tmp("append-only");
    { Store(tmp.path).ingest(story("OPP-1")); }
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(tmp.path.c_str(), &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "DELETE FROM events", nullptr, nullptr, nullptr) != SQLITE_OK);
    CHECK(std::string(sqlite3_errmsg(db)) == "the event log is append-only");
    CHECK(sqlite3_exec(db, "UPDATE events SET body = ''", nullptr, nullptr, nullptr) != SQLITE_OK);
    sqlite3_close(db);
}

TEST_CASE("files that are not pursuit stores are refused with a clear error", "[store]") {
    TempPath tmp("foreign");
    SECTION("a text file") {
        std::ofstream(tmp.path) << "this is not a database, just some text that is long enough to have a header\n";
        CHECK_THROWS_WITH(Store(tmp.path), Catch::Contains("not a pursuit store: the file is not a readable SQLite database"));
    }
    SECTION("another application's database") {
        raw_sql(tmp.path, "CREATE TABLE invoices (id INTEGER)");
        CHECK_THROWS_WITH(Store(tmp.path), Catch::Contains("not a pursuit store: a SQLite database of another application"));
    }
    SECTION("an empty database opened read-only") {
        raw_sql(tmp.path, "PRAGMA user_version=0");
        CHECK_THROWS_WITH(Store(tmp.path, Store::Mode::read_only), Catch::Contains("the database is empty"));
    }
    SECTION("a store from a newer pursuit") {
        { Store create(tmp.path); }
        raw_sql(tmp.path, "PRAGMA user_version=99");
        CHECK_THROWS_WITH(Store(tmp.path), Catch::Contains("schema version 99, newer than this pursuit reads"));
    }
    SECTION("a stored event that no longer parses") {
        { Store(tmp.path).ingest(story("OPP-1")); }
        raw_sql(tmp.path, "DROP TRIGGER events_no_update; UPDATE events SET body = '{\"id\": 1}' WHERE seq = 2");
        Store store(tmp.path);
        CHECK_THROWS_WITH(store.events(), Catch::Contains("stored event #2 cannot be read"));
    }
    SECTION("the error names the file") {
        std::ofstream(tmp.path) << std::string(4096, 'x');
        try {
            Store s(tmp.path);
            FAIL("opened");
        } catch (const StoreError& err) {
            CHECK(err.path() == tmp.path);
        }
    }
}

TEST_CASE("a pipeline replayed from the store equals one fed the same events", "[store]") {
    TempPath tmp("replay");
    Store store(tmp.path);
    std::vector<Event> events;
    for (int i = 0; i < 3; ++i)
        for (auto& e : story("OPP-" + std::to_string(i))) events.push_back(e);
    store.ingest(events);
    Pipeline direct, replayed;
    direct.apply(events);
    replayed.apply(store.events());
    REQUIRE(replayed.size() == direct.size());
    for (std::size_t i = 0; i < direct.size(); ++i) {
        const auto j = replayed.find(direct.at(i).id());
        REQUIRE(j);
        CHECK(replayed.at(*j).step() == direct.at(i).step());
        CHECK(replayed.at(*j).history().size() == direct.at(i).history().size());
    }
}

namespace {

// Schema version 1 exactly as pursuit 1 wrote it (the first migration), filled
// through SQL the way that version stored events.
constexpr const char* schema_v1 = R"sql(
    PRAGMA application_id = 1886745203;
    CREATE TABLE batches (id INTEGER PRIMARY KEY, ingested_at INTEGER NOT NULL, source TEXT NOT NULL,
                          events INTEGER NOT NULL);
    CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, opportunity TEXT NOT NULL,
                         at INTEGER NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL,
                         batch INTEGER NOT NULL REFERENCES batches(id));
    CREATE INDEX events_by_time ON events(at);
    CREATE INDEX events_by_opportunity ON events(opportunity, at);
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
    INSERT INTO batches VALUES (1, 0, 'v1', 0);
    PRAGMA user_version = 1;
)sql";

void insert_v1(const std::string& path, const std::vector<Event>& events) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "INSERT INTO events(id, opportunity, at, type, body, batch) VALUES (?, ?, ?, ?, ?, 1)",
                               -1, &st, nullptr) == SQLITE_OK);
    for (const auto& e : events) {
        const std::string body = to_json_line(e);
        const std::string type(to_id(e.type()));
        sqlite3_bind_text(st, 1, e.id.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, e.opportunity.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 3, e.at);
        sqlite3_bind_text(st, 4, type.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 5, body.c_str(), -1, SQLITE_TRANSIENT);
        CHECK(sqlite3_step(st) == SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
}

std::int64_t pragma_value(const std::string& path, const char* sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK);
    const std::int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

}  // namespace

TEST_CASE("a version 1 store is migrated when opened for writing, its log intact", "[store]") {
    TempPath tmp("v1");
    raw_sql(tmp.path, schema_v1);
    auto events = story("OPP-1");
    const std::vector<Event> arrival(events.rbegin(), events.rend());
    insert_v1(tmp.path, arrival);
    CHECK_THROWS_WITH(Store(tmp.path, Store::Mode::read_only), Catch::Contains("needs migrating"));

    Store store(tmp.path);
    CHECK(pragma_value(tmp.path, "PRAGMA user_version") == 2);
    CHECK(pragma_value(tmp.path, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'events_by_%'") == 0);
    CHECK(store.events() == events);  // time order, though stored in reverse
    CHECK(ids(store.events(events[1].at)) == std::vector<std::string>{events[0].id, events[1].id});
    const auto again = store.ingest(events);  // the v1 rows are recognised as the same events
    CHECK(again.inserted == 0);
    CHECK(again.duplicates == 4);
    CHECK(store.ingest(story("OPP-2")).inserted == 4);
    CHECK(store.stats().events == 8);
    CHECK(Store(tmp.path, Store::Mode::read_only).events_of("OPP-1") == events);
}

TEST_CASE("a new store is created at the current schema with large pages", "[store]") {
    TempPath tmp("fresh");
    { Store create(tmp.path); }
    CHECK(pragma_value(tmp.path, "PRAGMA user_version") == Store::schema_version);
    CHECK(pragma_value(tmp.path, "PRAGMA page_size") == 32768);
    // Only the id is indexed (the automatic index of its UNIQUE constraint, and the settings key).
    CHECK(pragma_value(tmp.path, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events'") == 1);
}

TEST_CASE("every stored event names a recorded batch, also after rolled-back batches", "[store]") {
    TempPath tmp("batch-refs");
    Store store(tmp.path);
    auto events = story("OPP-1");
    store.ingest(events);
    auto changed = events;
    changed[1].note = "edited";
    Event fresh = events[3];
    fresh.id = "OPP-1/new";
    CHECK_THROWS_AS(store.ingest(std::vector<Event>{fresh, changed[1]}), EventError);  // rolled back whole
    IngestOptions collect;
    collect.on_error = OnError::collect;
    collect.batch_size = 1;
    CHECK(store.ingest(std::vector<Event>{changed[1], fresh, events[0]}, collect).inserted == 1);
    CHECK(pragma_value(tmp.path, "SELECT count(*) FROM events WHERE batch NOT IN (SELECT id FROM batches)") == 0);
    CHECK(pragma_value(tmp.path, "SELECT count(*) FROM batches") == 2);
    CHECK(pragma_value(tmp.path, "SELECT sum(events) FROM batches") == 5);
}

TEST_CASE("as-of reads keep (time, arrival) order across many batches and equal times", "[store]") {
    TempPath tmp("as-of-order");
    Store store(tmp.path);
    std::vector<Event> all;
    // Three opportunities whose events share moments, ingested in an order that is
    // neither time nor id order, in batches of two.
    for (const char* name : {"OPP-C", "OPP-A", "OPP-B"})
        for (auto& e : story(name)) all.push_back(e);
    std::vector<Event> arrival;
    for (std::size_t i = 0; i < all.size(); ++i) arrival.push_back(all[(i * 5) % all.size()]);
    IngestOptions options;
    options.batch_size = 2;
    store.ingest(arrival, options);
    const auto by_time = [](const Event& a, const Event& b) { return a.at < b.at; };
    auto expected = arrival;
    std::stable_sort(expected.begin(), expected.end(), by_time);
    CHECK(ids(store.events()) == ids(expected));
    for (const auto& cut : expected) {
        std::vector<std::string> upto, of_b;
        for (const auto& e : expected) {
            if (e.at <= cut.at) upto.push_back(e.id);
            if (e.at <= cut.at && e.opportunity == "OPP-B") of_b.push_back(e.id);
        }
        CHECK(ids(store.events(cut.at)) == upto);
        CHECK(ids(store.events_of("OPP-B", cut.at)) == of_b);
    }
}
