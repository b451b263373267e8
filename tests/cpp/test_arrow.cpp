// Arrow in and out: a table built by ArrowTableBuilder, exported as a C stream,
// read back as events by read_arrow_stream; each row as JSON text would be.
#include <catch2/catch.hpp>

#include <cmath>
#include <optional>

#include "pursuit/arrow.hpp"

using namespace pursuit;

namespace {

struct Stream {
    ArrowArrayStream s{};
    explicit Stream(ArrowTableBuilder t) { std::move(t).export_stream(s); }
    ~Stream() {
        if (s.release) s.release(&s);
    }
};

ArrowTableBuilder opens(std::size_t rows) {
    ArrowTableBuilder t(rows);
    std::vector<std::string> ids, opps, types, accounts, names, owners;
    std::vector<std::int64_t> at, close;
    std::vector<double> amount;
    std::vector<std::int8_t> currency;
    for (std::size_t i = 0; i < rows; ++i) {
        ids.push_back("e-" + std::to_string(i));
        opps.push_back("OPP-" + std::to_string(i));
        types.push_back("open");
        accounts.push_back("华东精密 " + std::to_string(i));
        names.push_back("Deal");
        owners.push_back(i % 2 ? "Ann" : "");
        at.push_back(1'772'416'800'000'000 + static_cast<std::int64_t>(i));
        close.push_back(i % 3 ? 20'600 : INT64_MIN);
        amount.push_back(i % 4 ? 1000.0 * static_cast<double>(i) : std::nan(""));
        currency.push_back(i % 2 ? 1 : -1);
    }
    t.strings("id", ids);
    t.strings("opportunity", opps);
    t.timestamps("at", at);
    t.codes("type", std::vector<std::int8_t>(rows, 0), {"open"});
    t.strings("account", accounts);
    t.strings("name", names);
    t.strings("owner", owners, true);
    t.dates("expected_close", close);
    t.float64("amount", amount);
    t.codes("currency", currency, {"CNY", "USD"});
    return t;
}

}  // namespace

TEST_CASE("a table exported to Arrow reads back as the events its rows describe", "[arrow]") {
    Stream stream(opens(50));
    const ArrowEvents read = read_arrow_stream(stream.s);
    REQUIRE(read.rows == 50);
    REQUIRE(read.events.size() == 50);
    for (std::size_t i = 0; i < 50; ++i) {
        std::string json = R"({"id":"e-)" + std::to_string(i) + R"(","opportunity":"OPP-)" + std::to_string(i) +
                           R"(","at":")" + format_timestamp(1'772'416'800'000'000 + static_cast<std::int64_t>(i)) +
                           R"(","type":"open","account":"华东精密 )" + std::to_string(i) + R"(","name":"Deal")";
        if (i % 4) json += R"(,"amount":)" + std::to_string(1000 * i);
        if (i % 2) json += R"(,"currency":"USD")";
        if (i % 3) json += R"(,"expected_close":")" + format_date(20'600) + "\"";
        if (i % 2) json += R"(,"owner":"Ann")";
        INFO(json);
        CHECK(to_json_line(read.events[i]) == to_json_line(parse_event(json + "}")));
    }
}

TEST_CASE("a bad row names its row, its id and its column; collect keeps the others", "[arrow]") {
    ArrowTableBuilder t = opens(3);
    t.strings("colour", {"", "red", ""}, true);
    Stream raising(std::move(t));
    try {
        read_arrow_stream(raising.s);
        FAIL("accepted an unknown column");
    } catch (const EventError& err) {
        CHECK(err.line() == 2);
        CHECK(err.event_id() == "e-1");
        CHECK(err.field() == "colour");
    }
    ArrowTableBuilder u = opens(3);
    u.strings("colour", {"", "red", ""}, true);
    Stream collecting(std::move(u));
    const ArrowEvents read = read_arrow_stream(collecting.s, OnError::collect);
    CHECK(read.events.size() == 2);
    REQUIRE(read.errors.size() == 1);
    CHECK(read.errors[0].line() == 2);
}

TEST_CASE("an empty table and an unsupported or repeated column", "[arrow]") {
    Stream empty(opens(0));
    CHECK(read_arrow_stream(empty.s).events.empty());
    ArrowTableBuilder twice = opens(1);
    twice.strings("name", {"again"});
    Stream repeated(std::move(twice));
    CHECK_THROWS_WITH(read_arrow_stream(repeated.s), Catch::Contains("2 columns named 'name'"));
}

TEST_CASE("text columns built apart and joined read as one, nulls where the text was empty", "[arrow]") {
    std::vector<std::string> whole;
    TextColumn joined(0, true);
    for (std::size_t part = 0; part < 3; ++part) {
        TextColumn piece(16, true);
        for (std::size_t i = 0; i < (part == 2 ? 5 : 16); ++i) {
            const std::string text = i % 3 ? "机会 " + std::to_string(part * 16 + i) : "";
            piece.push_back(text);
            whole.push_back(text);
        }
        joined.append(piece);
    }
    REQUIRE(joined.size() == whole.size());
    ArrowTableBuilder t(whole.size());
    t.strings("id", std::move(joined));
    t.strings("same", whole, true);
    Stream stream(std::move(t));
    ArrowSchema schema{};
    REQUIRE(stream.s.get_schema(&stream.s, &schema) == 0);
    ArrowArray batch{};
    REQUIRE(stream.s.get_next(&stream.s, &batch) == 0);
    auto text = [&](int column, std::size_t row) -> std::optional<std::string> {
        const ArrowArray& c = *batch.children[column];
        const auto* valid = static_cast<const std::uint8_t*>(c.buffers[0]);
        if (valid && !(valid[row / 8] >> (row % 8) & 1)) return std::nullopt;
        const auto* offsets = static_cast<const std::int64_t*>(c.buffers[1]);
        return std::string(static_cast<const char*>(c.buffers[2]) + offsets[row],
                           static_cast<std::size_t>(offsets[row + 1] - offsets[row]));
    };
    CHECK(batch.children[0]->null_count == batch.children[1]->null_count);
    for (std::size_t row = 0; row < whole.size(); ++row) {
        INFO(row);
        CHECK(text(0, row) == text(1, row));
        CHECK(text(0, row) == (whole[row].empty() ? std::nullopt : std::optional<std::string>(whole[row])));
    }
    TextColumn one(1, true);
    one.push_back("x");
    CHECK_THROWS_AS(one.append(TextColumn(1, true)), std::logic_error);  // 1 row: not on a byte boundary
    batch.release(&batch);
    schema.release(&schema);
}
