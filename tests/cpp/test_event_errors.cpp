// Malformed events: each case asserts the whole message, which must name the
// event (when its id is readable) and the field.
#include <catch2/catch.hpp>
#include <fstream>

#include "pursuit/json.hpp"

using namespace pursuit;

namespace {

std::string ev(const std::string& type, const std::string& rest = "") {
    return R"({"id":"e-1","opportunity":"OPP-1","at":"2026-03-02T10:00:00+08:00","type":")" + type + "\"" + rest + "}";
}

}  // namespace

// The cases live in tests/data/malformed-events.json, shared with pytest so
// that C++ and Python are held to the same messages.
TEST_CASE("malformed events are refused with a message naming the event and the field", "[event][errors]") {
    std::ifstream in(PURSUIT_TEST_DATA "/malformed-events.json");
    REQUIRE(in);
    const auto cases = nlohmann::json::parse(in);
    REQUIRE(cases.size() >= 30);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& c = cases[i];
        const auto input = c["input"].get<std::string>();
        DYNAMIC_SECTION("case " << i) {
            INFO(input.substr(0, 200));
            try {
                parse_event(input);
                FAIL("accepted a malformed event");
            } catch (const EventError& err) {
                CHECK(std::string(err.what()) == c["message"].get<std::string>());
                CHECK(err.field() == (c["field"].is_null() ? "" : c["field"].get<std::string>()));
                CHECK(err.event_id() == (c["event_id"].is_null() ? "" : c["event_id"].get<std::string>()));
            }
        }
    }
}

TEST_CASE("invalid UTF-8 is refused without echoing the bytes", "[event][errors]") {
    CHECK_THROWS_WITH(parse_event("{\"id\":\"e-1\",\"note\":\"\xff\"}"),
                      "event 'e-1': malformed JSON at column 21: syntax error while parsing value - invalid string: "
                      "ill-formed UTF-8 byte");
}

TEST_CASE("an EventError exposes the event id, line, field and reason", "[event][errors]") {
    try {
        parse_event(ev("evidence", R"(,"kind":"nope")"), 12);
        FAIL("accepted");
    } catch (const EventError& err) {
        CHECK(err.event_id() == "e-1");
        CHECK(err.line() == 12);
        CHECK(err.field() == "kind");
        CHECK(err.reason().rfind("unknown evidence kind 'nope'", 0) == 0);
        CHECK(std::string(err.what()).rfind("event 'e-1' (line 12), field 'kind': ", 0) == 0);
    }
}

TEST_CASE("an oversized record is refused before parsing", "[event][errors]") {
    const std::string huge = ev("note", R"(,"note":")" + std::string(Limits::line, 'n') + "\"");
    try {
        parse_event(huge, 3);
        FAIL("accepted");
    } catch (const EventError& err) {
        CHECK(err.line() == 3);
        CHECK(err.field().empty());
        CHECK(std::string(err.what()).find("longer than the limit of 1048576") != std::string::npos);
    }
}
