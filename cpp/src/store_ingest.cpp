// Writing to the store: one transaction per batch, each event keyed by its id
// so that ingesting the same events again changes nothing.
#include <algorithm>
#include <chrono>
#include <exception>
#include <memory>
#include <utility>

#include <tbb/task_group.h>

#include "store_impl.hpp"

namespace pursuit {
namespace {

std::int64_t now_us() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

// Events already in memory: all read, nothing left to check.
class VectorFeed : public EventFeed {
public:
    explicit VectorFeed(const std::vector<const Event*>& events) : events_(events) {}
    std::vector<const Event*> next(std::size_t max) override {
        const std::size_t begin = std::min(taken_, events_.size()), end = std::min(events_.size(), begin + max);
        taken_ = end;
        return {events_.begin() + static_cast<std::ptrdiff_t>(begin), events_.begin() + static_cast<std::ptrdiff_t>(end)};
    }
    bool checked() override { return true; }
    void check() override {}
    std::optional<std::size_t> total() override { return events_.size(); }

private:
    const std::vector<const Event*>& events_;
    std::size_t taken_ = 0;
};

std::vector<std::string> write_bodies(const std::vector<const Event*>& events) {
    std::vector<std::string> bodies;
    bodies.reserve(events.size());
    for (const Event* e : events) bodies.push_back(to_json_line(*e));
    return bodies;
}

// Below this many events a thread costs more than it saves.
constexpr std::size_t kThreadedBatch = 512;

// The text of the next batch, written by a TBB task while this one inserts.
class BodiesAhead {
public:
    BodiesAhead() : tasks_(std::make_unique<tbb::task_group>()) {}
    BodiesAhead(const BodiesAhead&) = delete;
    BodiesAhead& operator=(const BodiesAhead&) = delete;
    ~BodiesAhead() { wait(); }  // the task reads the caller's events: never outlive it

    void start(const std::vector<const Event*>& events) {
        started_ = true;
        if (events.size() < kThreadedBatch) return write(events);
        running_ = true;
        tasks_->run([this, &events] { write(events); });
    }
    bool started() const { return started_; }
    std::vector<std::string> take() {
        wait();
        started_ = false;
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
        return std::move(bodies_);
    }

private:
    void write(const std::vector<const Event*>& events) {
        try {
            bodies_ = write_bodies(events);
        } catch (...) {  // kept for take(): a task must not throw into the group
            error_ = std::current_exception();
        }
    }
    void wait() {
        if (running_) tasks_->wait();
        running_ = false;
    }
    std::unique_ptr<tbb::task_group> tasks_;  // its destructor may throw: ours waits first
    std::vector<std::string> bodies_;
    std::exception_ptr error_;
    bool started_ = false, running_ = false;
};

}  // namespace

IngestResult Store::ingest(const std::vector<Event>& events, const IngestOptions& options) {
    std::vector<const Event*> pointers;
    pointers.reserve(events.size());
    for (const auto& e : events) pointers.push_back(&e);
    return ingest(pointers, options);
}

IngestResult Store::ingest(const std::vector<const Event*>& events, const IngestOptions& options) {
    VectorFeed feed(events);
    return ingest(feed, options);
}

IngestResult Store::ingest(EventFeed& feed, const IngestOptions& options) {
    Impl& s = *impl_;
    std::lock_guard lock(s.mutex);
    s.writable();
    Statement batch(s.db, "INSERT INTO batches(ingested_at, source, events) VALUES (?1, ?2, 0)", s.path);
    Statement count(s.db, "UPDATE batches SET events = ?1 WHERE id = ?2", s.path);
    Statement insert(s.db,
                     "INSERT INTO events(id, opportunity, at, type, body, batch) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                     "ON CONFLICT(id) DO NOTHING",
                     s.path);
    Statement stored(s.db, "SELECT body FROM events WHERE id = ?1", s.path);

    IngestResult result;
    const std::size_t size = options.batch_size ? options.batch_size : SIZE_MAX;
    // Progress needs a total: exact once the feed is all read, maybe an upper
    // bound before (a file's lines); reports wait until there is one.
    std::vector<std::size_t> unreported{0};
    std::size_t done = 0;
    std::optional<std::size_t> reported_total;
    auto report = [&] {
        const auto total = feed.total();
        if (!options.progress || !total) return;
        for (std::size_t d : unreported) options.progress(d, *total);
        if (unreported.empty() && total != reported_total) options.progress(done, *total);  // the bound became exact
        unreported.clear();
        reported_total = total;
    };
    report();

    // A conflict that raises undoes the whole ingest, so under raise the input
    // is one transaction; under collect each batch commits as it is written.
    const bool all_or_nothing = options.on_error == OnError::raise;
    bool open = false;        // a transaction is open
    std::size_t pending = 0;  // batches written in it, not yet committed
    auto commit = [&] {
        s.exec("COMMIT");
        open = false;
        result.batches += pending;
        pending = 0;
    };
    try {
        std::vector<const Event*> current = feed.next(size), upcoming;
        std::vector<std::string> bodies = write_bodies(current);
        BodiesAhead next_bodies;
        while (!current.empty()) {
            // Once nothing can raise any more, the next batch's text is written on
            // another thread while this one inserts.
            if (feed.checked() && feed.total()) {
                upcoming = feed.next(size);
                next_bodies.start(upcoming);
            }
            if (!open) {
                s.exec("BEGIN IMMEDIATE");
                open = true;
            }
            s.exec("SAVEPOINT batch");
            batch.reset().bind(1, now_us()).bind(2, options.source).step();
            const std::int64_t batch_id = sqlite3_last_insert_rowid(s.db);
            std::size_t inserted = 0;
            for (std::size_t i = 0; i < current.size(); ++i) {
                const Event& e = *current[i];
                insert.reset().bind(1, e.id).bind(2, e.opportunity).bind(3, e.at).bind(4, to_id(e.type()))
                    .bind(5, bodies[i]).bind(6, batch_id).step();
                if (sqlite3_changes(s.db) == 1) {
                    ++inserted;
                    continue;
                }
                stored.reset().bind(1, e.id).step();
                if (stored.view(0) == bodies[i]) {
                    ++result.duplicates;
                    continue;
                }
                EventError conflict(e.id, 0, "id", "an event with this id is already stored with different content");
                if (options.on_error == OnError::collect) {
                    result.conflicts.push_back(std::move(conflict));
                    continue;
                }
                feed.check();  // an unreadable event in the input comes first
                throw conflict;  // nothing stays (see all_or_nothing)
            }
            if (inserted == 0) {
                s.exec("ROLLBACK TO batch; RELEASE batch");  // nothing new: no batch recorded
            } else {
                count.reset().bind(1, static_cast<std::int64_t>(inserted)).bind(2, batch_id).step();
                s.exec("RELEASE batch");
                ++pending;
            }
            result.inserted += inserted;
            // Held open while an error in the input could still undo everything.
            if (feed.checked() && !all_or_nothing) commit();
            done += current.size();
            unreported.push_back(done);
            report();
            if (next_bodies.started()) {
                bodies = next_bodies.take();  // first: the writing task reads `upcoming`
                current = std::move(upcoming);
            } else {
                current = feed.next(size);
                bodies = write_bodies(current);
            }
        }
        if (open) {
            feed.check();
            commit();
        }
    } catch (...) {
        if (open) sqlite3_exec(s.db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    report();
    result.errors = feed.errors();
    return result;
}

}  // namespace pursuit
