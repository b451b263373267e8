// The event store: an append-only log of events in an embedded SQLite file.
// Ingesting is idempotent (events are keyed by id), each batch is one
// transaction, and the log can be read back as it stood at any past moment.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "pursuit/arrow.hpp"
#include "pursuit/json.hpp"

namespace pursuit {

// The store cannot be opened or used: a missing, corrupt or foreign file, a
// newer schema, a full disk. Names the file.
class StoreError : public std::runtime_error {
public:
    StoreError(std::string path, std::string reason);
    const std::string& path() const noexcept { return path_; }
    const std::string& reason() const noexcept { return reason_; }

private:
    std::string path_, reason_;
};

struct IngestOptions {
    std::size_t batch_size = 10'000;  // events per transaction
    // For ids stored with other content. raise: the whole ingest is one
    // transaction, undone by a conflict; collect: reported, one transaction per batch.
    OnError on_error = OnError::raise;
    std::string source;                // recorded with each batch (a file name, say)
    // Called after each batch with the events handled so far and the total.
    std::function<void(std::size_t done, std::size_t total)> progress;
};

struct IngestResult {
    std::size_t inserted = 0;    // new events stored
    std::size_t duplicates = 0;  // already stored with the same content: skipped
    std::size_t batches = 0;     // transactions committed
    // Events whose id is stored with different content (only with OnError::collect;
    // OnError::raise throws the first, after rolling back its batch).
    std::vector<EventError> conflicts;
    // Input that could not be read, from an EventFeed (only with OnError::collect).
    std::vector<EventError> errors;
};

// Events still being read (a JSON Lines file read and parsed a block at a
// time) while the store writes those already read.
class EventFeed {
public:
    virtual ~EventFeed() = default;
    // The next events in input order, at most `max`, waiting for them if need
    // be; empty at the end. They stay valid until the call after the next one
    // (a writer holds two batches). Under OnError::raise, throws the input's
    // first error once it is reached.
    virtual std::vector<const Event*> next(std::size_t max) = 0;
    // True once nothing in the input can raise any more (always under OnError::collect).
    virtual bool checked() = 0;
    // Reads the rest of the input and throws its first error if it has one.
    // Call it last (at the end, or before raising): a feed need not keep the
    // events it reads past.
    virtual void check() = 0;
    // How many events the input holds: exact once it is all read; before, an
    // upper bound if the feed knows one (a file's non-blank lines), for progress.
    virtual std::optional<std::size_t> total() = 0;
    // The input's errors under OnError::collect, once it is all read.
    virtual std::vector<EventError> errors() { return {}; }
};

// A JSON Lines file as an EventFeed, with read_jsonl's verdicts: the same
// events, and the same errors and duplicates, judged in line order. Memory
// stays bounded whatever the file's size (a few blocks of lines, and 24 bytes
// an event to judge repeated ids).
std::unique_ptr<EventFeed> jsonl_feed(const std::string& path, OnError on_error);
// An Arrow stream (which stays the caller's to release) as an EventFeed, a
// slice of rows at a time, with read_arrow_stream's events and errors; `rows`,
// if the caller knows how many the stream holds, is the total until it is read.
std::unique_ptr<EventFeed> arrow_feed(ArrowArrayStream& stream, OnError on_error,
                                      std::optional<std::size_t> rows = std::nullopt);

struct StoreStats {
    std::size_t events = 0, opportunities = 0, batches = 0;
    std::optional<Timestamp> first_at, last_at;
};

class Store {
public:
    // The schema this build writes; older stores are migrated when opened for writing.
    static constexpr int schema_version = 2;

    enum class Mode { read_write, read_only };
    // How long an operation waits for another connection's lock (a writer holds
    // it for a batch, or for a whole file being checked) before failing with
    // "database is locked". Long by default so that a second writer queues.
    static constexpr std::chrono::milliseconds default_busy_timeout{10 * 60 * 1000};
    // read_write creates the file if it is missing; read_only requires it.
    explicit Store(const std::string& path, Mode mode = Mode::read_write,
                   std::chrono::milliseconds busy_timeout = default_busy_timeout);
    ~Store();
    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;

    const std::string& path() const;

    IngestResult ingest(const std::vector<const Event*>& events, const IngestOptions& options = {});
    IngestResult ingest(const std::vector<Event>& events, const IngestOptions& options = {});
    // Writes while the feed is still being read. Under OnError::raise an error
    // anywhere in the input leaves the store as it was: batches written before
    // the whole input is checked are held in one transaction until it is.
    IngestResult ingest(EventFeed& feed, const IngestOptions& options = {});

    // The log in replay order (time, then arrival), up to and including `as_of`.
    // A row that cannot be read throws, or with `unreadable` is reported there
    // and skipped.
    std::vector<Event> events(std::optional<Timestamp> as_of = std::nullopt,
                              std::vector<StoreError>* unreadable = nullptr) const;
    // One opportunity's events, in the same order.
    std::vector<Event> events_of(const std::string& opportunity, std::optional<Timestamp> as_of = std::nullopt,
                                 std::vector<StoreError>* unreadable = nullptr) const;
    StoreStats stats() const;

    // Small named documents kept with the log, e.g. the playbook to replay with.
    std::optional<std::string> setting(const std::string& key) const;
    void set_setting(const std::string& key, const std::string& value);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace pursuit
