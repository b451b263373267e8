#include <catch2/catch.hpp>
#include <algorithm>
#include <set>
#include <sstream>

#include "pursuit/json.hpp"

using namespace pursuit;

namespace {

const std::string kGood1 = R"({"id":"e-1","opportunity":"O","at":"2026-03-02T02:00:00Z","type":"advance"})";
const std::string kGood2 = R"({"id":"e-2","opportunity":"O","at":"2026-03-02T03:00:00Z","type":"win"})";
const std::string kBadKind = R"({"id":"e-3","opportunity":"O","at":"2026-03-02T03:00:00Z","type":"evidence","kind":"x"})";

JsonlResult read(const std::string& text, OnError on_error) {
    std::istringstream in(text);
    return read_jsonl(in, on_error);
}

}  // namespace

TEST_CASE("JSON Lines: valid events in file order, blank lines and CRLF tolerated", "[jsonl]") {
    const auto r = read(kGood1 + "\r\n\n   \n" + kGood2 + "\n", OnError::raise);
    REQUIRE(r.events.size() == 2);
    CHECK(r.events[0].id == "e-1");
    CHECK(r.events[1].id == "e-2");
    CHECK(r.errors.empty());
    CHECK(r.lines == 4);
}

TEST_CASE("JSON Lines: a byte-order mark on the first line is ignored", "[jsonl]") {
    const auto r = read("\xEF\xBB\xBF" + kGood1 + "\n", OnError::raise);
    CHECK(r.events.size() == 1);
}

TEST_CASE("JSON Lines: raise stops at the first error with its line number", "[jsonl]") {
    try {
        read(kGood1 + "\n" + kBadKind + "\n{oops\n", OnError::raise);
        FAIL("accepted");
    } catch (const EventError& err) {
        CHECK(err.line() == 2);
        CHECK(err.event_id() == "e-3");
        CHECK(err.field() == "kind");
    }
}

TEST_CASE("JSON Lines: collect keeps every error and every valid event", "[jsonl]") {
    const auto r = read(kGood1 + "\n" + kBadKind + "\n{oops\n" + kGood2 + "\n" + kGood1 + "\n", OnError::collect);
    REQUIRE(r.events.size() == 2);
    REQUIRE(r.errors.size() == 3);
    CHECK(std::string(r.errors[0].what()).rfind("event 'e-3' (line 2), field 'kind': unknown evidence kind 'x'", 0) == 0);
    CHECK(r.errors[1].line() == 3);
    CHECK(r.errors[1].event_id().empty());
    CHECK(std::string(r.errors[1].what()).rfind("event (line 3): malformed JSON at column 2: ", 0) == 0);
    CHECK(std::string(r.errors[2].what()) == "event 'e-1' (line 5), field 'id': duplicate event id (first on line 1)");
}

TEST_CASE("JSON Lines: an empty input has no events", "[jsonl]") {
    const auto r = read("", OnError::raise);
    CHECK(r.events.empty());
    CHECK(r.lines == 0);
}

TEST_CASE("JSON Lines: a missing file is reported", "[jsonl]") {
    CHECK_THROWS_WITH(read_jsonl_file("/nonexistent/events.jsonl"), "cannot open /nonexistent/events.jsonl");
}

TEST_CASE("the bundled sample and the stories fixture are valid, have every event type and round-trip", "[jsonl][sample]") {
    const std::string path = GENERATE(as<std::string>{}, PURSUIT_SAMPLE_EVENTS, PURSUIT_STORIES);
    CAPTURE(path);
    const auto r = read_jsonl_file(path, OnError::collect);
    for (const auto& err : r.errors) UNSCOPED_INFO(err.what());
    CHECK(r.errors.empty());
    std::set<EventType> types;
    std::set<std::string> opportunities;
    for (const auto& e : r.events) {
        types.insert(e.type());
        opportunities.insert(e.opportunity);
        CHECK(parse_event(to_json_line(e)) == e);
    }
    CHECK(types.size() == size<EventType>());
    CHECK(opportunities.size() >= 10);
}

TEST_CASE("a large input parsed in parallel reads as it would line by line", "[jsonl]") {
    // Enough lines for several threads; errors, duplicates and blanks spread through it.
    std::string text;
    std::vector<std::size_t> bad_lines, duplicate_lines;
    const std::size_t n = 20'000;
    for (std::size_t i = 1; i <= n; ++i) {
        if (i % 997 == 0) {
            text += "{\"id\": \"broken\"\n";
            bad_lines.push_back(i);
        } else if (i % 1009 == 0) {
            text += "   \n";
        } else if (i % 1013 == 0) {
            text += R"({"id":"e-1","opportunity":"O","at":"2026-03-02T02:00:00Z","type":"advance"})" "\n";
            duplicate_lines.push_back(i);
        } else {
            text += R"({"id":"e-)" + std::to_string(i) + R"(","opportunity":"O","at":"2026-03-02T02:00:00Z","type":"advance"})" "\n";
        }
    }
    std::istringstream in(text);
    const auto r = read_jsonl(in, OnError::collect);
    CHECK(r.lines == n);
    REQUIRE(r.errors.size() == bad_lines.size() + duplicate_lines.size());
    std::vector<std::size_t> error_lines;
    for (const auto& e : r.errors) error_lines.push_back(e.line());
    CHECK(std::is_sorted(error_lines.begin(), error_lines.end()));
    for (std::size_t line : duplicate_lines)
        CHECK(std::find(error_lines.begin(), error_lines.end(), line) != error_lines.end());
    for (const auto& e : r.errors) {
        if (e.event_id() != "e-1") continue;  // the duplicates, in every thread's share, point at line 1
        CHECK(e.field() == "id");
        CHECK(e.reason() == "duplicate event id (first on line 1)");
    }
    CHECK(r.events.size() == n - bad_lines.size() - duplicate_lines.size() - n / 1009);
    CHECK(r.events.front().id == "e-1");
    CHECK(r.events.back().id == "e-" + std::to_string(n));
    // raise: the first error in line order, not whichever thread finished first
    std::istringstream again(text);
    try {
        read_jsonl(again, OnError::raise);
        FAIL("no error raised");
    } catch (const EventError& err) {
        CHECK(err.line() == bad_lines.front());
    }
}
