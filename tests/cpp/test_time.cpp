#include <catch2/catch.hpp>

#include "pursuit/time.hpp"

using namespace pursuit;

TEST_CASE("timestamps are parsed to UTC microseconds", "[time]") {
    const auto utc = parse_timestamp("2026-03-02T02:00:00Z");
    REQUIRE(utc);
    CHECK(parse_timestamp("2026-03-02T10:00:00+08:00") == utc);
    CHECK(parse_timestamp("2026-03-01T21:00:00-05:00") == utc);
    CHECK(*utc == (days_from_civil(2026, 3, 2) * 86400 + 2 * 3600) * kMicrosPerSecond);
    CHECK(parse_timestamp("1970-01-01T00:00:00Z") == Timestamp{0});
    CHECK(parse_timestamp("2026-03-02T02:00:00.5Z") == *utc + 500'000);
    CHECK(parse_timestamp("2026-03-02T02:00:00.000001Z") == *utc + 1);
    CHECK(parse_timestamp("2024-02-29T00:00:00Z"));  // leap day
}

TEST_CASE("timestamps format in canonical UTC and round-trip", "[time]") {
    CHECK(format_timestamp(*parse_timestamp("2026-03-02T10:00:00+08:00")) == "2026-03-02T02:00:00Z");
    CHECK(format_timestamp(*parse_timestamp("2026-03-02T10:00:00.250+08:00")) == "2026-03-02T02:00:00.25Z");
    CHECK(format_timestamp(*parse_timestamp("1969-12-31T23:59:59.5Z")) == "1969-12-31T23:59:59.5Z");
    for (const char* text : {"2026-01-01T00:00:00Z", "2000-02-29T23:59:59.999999Z", "1999-12-31T12:30:45.1Z"})
        CHECK(format_timestamp(*parse_timestamp(text)) == text);
}

TEST_CASE("bad timestamps say what is wrong", "[time]") {
    const std::pair<const char*, const char*> cases[] = {
        {"2026-03-02T10:00:00", "no UTC offset: add Z or an offset like +08:00"},
        {"2026-03-02 10:00:00Z", "expected an ISO-8601 time with offset, like 2026-03-02T10:00:00+08:00"},
        {"2026-13-02T10:00:00Z", "month out of range 01..12"},
        {"2026-02-30T10:00:00Z", "day does not exist in that month"},
        {"2025-02-29T10:00:00Z", "day does not exist in that month"},
        {"2026-03-02T24:00:00Z", "time of day out of range"},
        {"2026-03-02T10:00:00+0800", "offset must look like +08:00 or -05:00"},
        {"2026-03-02T10:00:00+19:00", "offset out of range"},
        {"2026-03-02T10:00:00.1234567Z", "more than 6 fractional digits"},
        {"2026-03-02T10:00:00Zjunk", "unexpected characters after the offset"},
        {"0026-03-02T10:00:00Z", "year out of range 1900..9999"},
        {"yesterday", "expected an ISO-8601 time with offset, like 2026-03-02T10:00:00+08:00"},
    };
    for (const auto& [text, message] : cases) {
        std::string why;
        INFO(text);
        CHECK_FALSE(parse_timestamp(text, &why));
        CHECK(why == message);
    }
}

TEST_CASE("dates parse, validate and format", "[time]") {
    CHECK(parse_date("1970-01-02") == Date{1});
    CHECK(format_date(*parse_date("2026-12-31")) == "2026-12-31");
    std::string why;
    CHECK_FALSE(parse_date("2026-04-31", &why));
    CHECK(why == "day does not exist in that month");
    CHECK_FALSE(parse_date("2026-4-1", &why));
    CHECK(why == "expected a date as YYYY-MM-DD");
    CHECK_FALSE(parse_date("2026-04-01T00:00:00Z", &why));
    CHECK(why == "expected a date as YYYY-MM-DD");
}

TEST_CASE("a time whose UTC instant leaves the years 1900..9999 is refused, so what is stored reads back",
          "[time][errors]") {
    std::string why;
    CHECK_FALSE(parse_timestamp("1900-01-01T00:00:00+18:00", &why));
    CHECK(why == "in UTC this time falls outside the years 1900..9999");
    CHECK_FALSE(parse_timestamp("9999-12-31T23:59:59-00:30", &why));
    const auto first = parse_timestamp("1900-01-01T00:00:00Z");
    const auto last = parse_timestamp("9999-12-31T23:59:59.999999-00:00");
    REQUIRE(first);
    REQUIRE(last);
    CHECK(parse_timestamp(format_timestamp(*first)) == first);
    CHECK(parse_timestamp(format_timestamp(*last)) == last);
    CHECK_FALSE(parse_timestamp("1900-01-01T17:59:59+18:00"));  // 1899-12-31T23:59:59Z
    CHECK(parse_timestamp("1900-01-01T18:00:00+18:00") == first);
}
