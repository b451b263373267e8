// Ingesting a JSON Lines file while it is parsed: the verdicts of read_jsonl
// (errors and duplicates in line order), and nothing half-applied, although
// batches are written before the whole file is read.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <unistd.h>

#include "pursuit/pieces.hpp"
#include "pursuit/store.hpp"

using namespace pursuit;
namespace fs = std::filesystem;

namespace {

// Enough lines for several of the feed's chunks and many batches.
constexpr std::size_t kLines = 9000;
constexpr std::size_t kBatch = 500;

std::string good(std::size_t i, const std::string& note = "a note") {
    return R"({"id":"e-)" + std::to_string(i) + R"(","opportunity":"O-)" + std::to_string(i % 50) +
           R"(","at":"2026-03-02T02:00:00Z","type":"note","note":")" + note + "\"}";
}

struct Files {
    std::string db, jsonl;
    explicit Files(const std::string& name) {
        const auto base = fs::temp_directory_path() / ("pursuit-feed-" + name + "-" + std::to_string(::getpid()));
        db = base.string() + ".db";
        jsonl = base.string() + ".jsonl";
        clean();
    }
    ~Files() { clean(); }
    void clean() const {
        for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix);
        fs::remove(jsonl);
    }
    // kLines good lines, with `replace` putting other text on some of them (1-based).
    void write(const std::map<std::size_t, std::string>& replace = {}) const {
        std::ofstream out(jsonl, std::ios::binary);
        for (std::size_t i = 1; i <= kLines; ++i) {
            const auto it = replace.find(i);
            out << (it == replace.end() ? good(i) : it->second) << '\n';
        }
    }
};

IngestOptions options(OnError on_error) {
    IngestOptions o;
    o.batch_size = kBatch;
    o.on_error = on_error;
    return o;
}

IngestResult ingest_file(Store& store, const std::string& path, OnError on_error) {
    const auto feed = jsonl_feed(path, on_error);
    return store.ingest(*feed, options(on_error));
}

}  // namespace

TEST_CASE("a fed file is stored as read_jsonl reads it, with the same progress", "[store][feed]") {
    Files f("same");
    f.write({{10, "   "}, {4000, good(7)}});  // a blank line; a duplicate of line 7
    Store fed(f.db);
    std::vector<std::pair<std::size_t, std::size_t>> calls;
    auto o = options(OnError::collect);
    o.progress = [&](std::size_t done, std::size_t total) { calls.emplace_back(done, total); };
    const auto feed = jsonl_feed(f.jsonl, OnError::collect);
    const auto r = fed.ingest(*feed, o);

    const auto direct = read_jsonl_file(f.jsonl, OnError::collect);
    CHECK(r.inserted == direct.events.size());
    CHECK(r.inserted == kLines - 2);
    CHECK(r.batches == (r.inserted + kBatch - 1) / kBatch);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].line() == 4000);
    CHECK(r.errors[0].reason() == "duplicate event id (first on line 7)");
    CHECK(fed.events() == direct.events);
    REQUIRE(calls.size() == r.batches + 1);
    // From the start the total is the file's non-blank lines (an upper bound), then exact.
    CHECK(calls.front() == std::make_pair(std::size_t{0}, kLines - 1));
    CHECK(calls.back() == std::make_pair(direct.events.size(), direct.events.size()));
}

TEST_CASE("raise: an error anywhere in a fed file leaves the store as it was", "[store][feed]") {
    Files f("raise");
    Store store(f.db);
    SECTION("a bad field near the end") {
        f.write({{3, good(3)}, {8800, R"({"id":"e-8800","opportunity":"O","at":"2026-03-02T02:00:00Z","type":"nope"})"}});
        try {
            ingest_file(store, f.jsonl, OnError::raise);
            FAIL("no error");
        } catch (const EventError& err) {
            CHECK(err.line() == 8800);
            CHECK(err.field() == "type");
            CHECK(err.event_id() == "e-8800");
        }
    }
    SECTION("a duplicate id near the end") {
        f.write({{8999, good(12)}});
        try {
            ingest_file(store, f.jsonl, OnError::raise);
            FAIL("no error");
        } catch (const EventError& err) {
            CHECK(err.line() == 8999);
            CHECK(err.field() == "id");
            CHECK(err.reason() == "duplicate event id (first on line 12)");
        }
    }
    SECTION("malformed JSON: the first error in line order") {
        f.write({{7000, "{not json"}, {8000, "{\"id\": 1}"}});
        CHECK_THROWS_WITH(ingest_file(store, f.jsonl, OnError::raise), Catch::Contains("(line 7000)") && Catch::Contains("malformed JSON"));
    }
    CHECK(store.stats().events == 0);
    CHECK(store.stats().batches == 0);
    // The same file, mended, then stores completely.
    f.write();
    CHECK(ingest_file(store, f.jsonl, OnError::raise).inserted == kLines);
    CHECK(store.stats().batches == kLines / kBatch);
}

TEST_CASE("a fed file's conflicts: raise stores nothing of the file, collect reports them", "[store][feed]") {
    Files f("conflict");
    Store store(f.db);
    {
        // e-2600 stored first with other content.
        const auto feed = jsonl_feed([&] {
            std::ofstream(f.jsonl) << good(2600, "earlier") << '\n';
            return f.jsonl;
        }(), OnError::raise);
        store.ingest(*feed);
    }
    SECTION("raise: the conflict undoes the whole file, the batches before it too") {
        f.write();
        try {
            ingest_file(store, f.jsonl, OnError::raise);
            FAIL("no conflict");
        } catch (const EventError& err) {
            CHECK(err.event_id() == "e-2600");
            CHECK(err.reason() == "an event with this id is already stored with different content");
        }
        CHECK(store.stats().events == 1);  // all or nothing
    }
    SECTION("raise: an unreadable line after the conflict comes first, and nothing stays") {
        f.write({{8500, "{"}});
        CHECK_THROWS_WITH(ingest_file(store, f.jsonl, OnError::raise), Catch::Contains("(line 8500)"));
        CHECK(store.stats().events == 1);
    }
    SECTION("collect: the conflict and the errors are reported, the rest stored") {
        f.write({{8500, "{"}});
        const auto r = ingest_file(store, f.jsonl, OnError::collect);
        REQUIRE(r.conflicts.size() == 1);
        CHECK(r.conflicts[0].event_id() == "e-2600");
        REQUIRE(r.errors.size() == 1);
        CHECK(r.errors[0].line() == 8500);
        CHECK(r.inserted == kLines - 2);
        CHECK(store.stats().events == kLines - 1);
    }
}

TEST_CASE("a fed file that cannot be opened is an error before anything", "[store][feed]") {
    CHECK_THROWS_WITH(jsonl_feed("/nonexistent/pursuit/events.jsonl", OnError::raise), Catch::Contains("cannot open"));
}

// A small file has one parsing thread, which can finish before the feed has
// recorded it as started; the feed must still see its end (it once waited forever).
TEST_CASE("a small fed file always ends, however soon its parser finishes", "[store][feed]") {
    Files files("small");
    {
        std::ofstream out(files.jsonl);
        out << good(1) << "\n" << good(2) << "\n";
    }
    std::atomic<int> finished{0};
    std::thread runs([&] {
        for (int i = 0; i < 3000; ++i) {
            const auto feed = jsonl_feed(files.jsonl, i % 2 ? OnError::collect : OnError::raise);
            const auto got = feed->next(10).size();
            feed->check();
            if (got == 2 && feed->total() == std::size_t{2}) ++finished;
        }
    });
    // Bounded wait: a hang fails the test instead of stopping the run.
    for (int waited = 0; waited < 1200 && finished < 3000; ++waited)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (finished < 3000) runs.detach();  // hung: fail below rather than wait for it
    else runs.join();
    REQUIRE(finished == 3000);
}

TEST_CASE("a fed file of many blocks: repeats across blocks, batches across blocks, errors in line order", "[store][feed]") {
    // Past the feed's blocks of lines several times over, with batches that
    // straddle blocks (a batch's events must stay valid while the next is read).
    const std::size_t lines = 70000;
    Files f("blocks");
    {
        std::ofstream out(f.jsonl, std::ios::binary);
        for (std::size_t i = 1; i <= lines; ++i) {
            if (i == 50001) out << good(5) << '\n';  // the id of line 5, three blocks later
            else if (i == 33333) out << "{oops\n";
            else out << good(i) << "\r\n";  // CRLF line ends
        }
    }
    const auto direct = read_jsonl_file(f.jsonl, OnError::collect);
    for (std::size_t batch : {std::size_t{7000}, std::size_t{16384}, std::size_t{40000}}) {
        DYNAMIC_SECTION("batches of " << batch) {
            Store store(f.db);
            IngestOptions o = options(OnError::collect);
            o.batch_size = batch;
            const auto feed = jsonl_feed(f.jsonl, OnError::collect);
            const auto r = store.ingest(*feed, o);
            CHECK(r.inserted == lines - 2);
            REQUIRE(r.errors.size() == 2);
            CHECK(r.errors[0].line() == 33333);
            CHECK(r.errors[1].line() == 50001);
            CHECK(r.errors[1].reason() == "duplicate event id (first on line 5)");
            CHECK(store.events() == direct.events);
        }
    }
    SECTION("raise: the repeat three blocks on raises it, naming the first line, and stores nothing") {
        Store store(f.db);
        const auto feed = jsonl_feed(f.jsonl, OnError::raise);
        CHECK_THROWS_WITH(store.ingest(*feed, options(OnError::raise)), Catch::Contains("(line 33333)"));
        CHECK(store.stats().events == 0);
    }
}

namespace {

// `rows` note events as an Arrow stream of one batch; a type of "nope" on the rows in `bad` (1-based).
struct NoteStream {
    ArrowArrayStream s{};
    NoteStream(std::size_t rows, const std::vector<std::size_t>& bad) {
        ArrowTableBuilder t(rows);
        std::vector<std::string> ids, opps, types, notes;
        std::vector<std::int64_t> at;
        for (std::size_t i = 1; i <= rows; ++i) {
            ids.push_back("e-" + std::to_string(i));
            opps.push_back("O-" + std::to_string(i % 50));
            types.push_back(std::find(bad.begin(), bad.end(), i) == bad.end() ? "note" : "nope");
            notes.push_back("note " + std::to_string(i));
            at.push_back(1'772'416'800'000'000 + static_cast<std::int64_t>(i));
        }
        t.strings("id", ids);
        t.strings("opportunity", opps);
        t.timestamps("at", at);
        t.strings("type", types);
        t.strings("note", notes);
        std::move(t).export_stream(s);
    }
    ~NoteStream() {
        if (s.release) s.release(&s);
    }
};

}  // namespace

TEST_CASE("an Arrow stream fed a slice at a time: read_arrow_stream's events and errors, whole batches", "[store][feed][arrow]") {
    const std::size_t rows = 2 * kPieceEvents + 123;  // three slices
    const std::vector<std::size_t> bad = {70000, 130000};
    NoteStream direct_stream(rows, bad);
    const auto direct = read_arrow_stream(direct_stream.s, OnError::collect);
    Files f("arrow");
    SECTION("collect: every readable row stored, errors in row order, progress from the row count") {
        Store store(f.db);
        NoteStream in(rows, bad);
        std::vector<std::pair<std::size_t, std::size_t>> calls;
        IngestOptions o = options(OnError::collect);
        o.batch_size = 30000;  // batches across slices
        o.progress = [&](std::size_t done, std::size_t total) { calls.emplace_back(done, total); };
        const auto feed = arrow_feed(in.s, OnError::collect, rows);
        const auto r = store.ingest(*feed, o);
        CHECK(r.inserted == rows - 2);
        REQUIRE(r.errors.size() == 2);
        CHECK(r.errors[0].line() == 70000);
        CHECK(r.errors[1].line() == 130000);
        CHECK(r.errors[1].field() == "type");
        CHECK(store.events() == direct.events);
        CHECK(calls.front() == std::make_pair(std::size_t{0}, rows));
        CHECK(calls.back() == std::make_pair(rows - 2, rows - 2));
    }
    SECTION("raise: the error in the second slice leaves nothing stored") {
        Store store(f.db);
        NoteStream in(rows, bad);
        const auto feed = arrow_feed(in.s, OnError::raise);
        try {
            store.ingest(*feed, options(OnError::raise));
            FAIL("no error");
        } catch (const EventError& err) {
            CHECK(err.line() == 70000);
            CHECK(err.event_id() == "e-70000");
        }
        CHECK(store.stats().events == 0);
    }
}
