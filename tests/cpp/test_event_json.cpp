#include <catch2/catch.hpp>
#include <set>

#include "pursuit/json.hpp"

using namespace pursuit;

namespace {

// One canonical line per event type: parsing then writing must give it back
// byte for byte.
const char* const kCanonical[] = {
    R"({"id":"e-1","opportunity":"OPP-1","at":"2026-03-02T02:00:00Z","type":"open","account":"华东电力","name":"Grid analytics","amount":250000.0,"currency":"CNY","expected_close":"2026-09-30","owner":"li.wei"})",
    R"({"id":"e-2","opportunity":"OPP-1","at":"2026-03-02T02:00:00Z","type":"signal","kind":"implicit_need","contact":"c-1"})",
    R"({"id":"e-3","opportunity":"OPP-1","at":"2026-03-02T02:00:00Z","type":"qualify","criterion":"funding","answer":"yes","note":"预算已批 / budget approved"})",
    R"({"id":"e-4","opportunity":"OPP-1","at":"2026-03-02T02:00:00Z","type":"contact","contact":"c-1","name":"王芳","title":"CIO","roles":["key_person","sales_guide"],"authority":"high","stance":"advocate","access":true,"focus":["cost","uptime"]})",
    R"({"id":"e-5","opportunity":"OPP-1","at":"2026-03-02T02:00:00Z","type":"contact_left","contact":"c-1"})",
    R"({"id":"e-6","opportunity":"OPP-1","at":"2026-03-02T02:00:00Z","type":"insight","topic":"problem","text":"outages cost 2% of revenue"})",
    R"({"id":"e-7","opportunity":"OPP-1","at":"2026-03-02T02:00:00Z","type":"competitor","name":"Kestrel","strengths":["price"],"weaknesses":["support"],"strategy":"undercut","ties":["c-9"]})",
    R"({"id":"e-8","opportunity":"OPP-1","at":"2026-03-02T02:00:00Z","type":"evidence","kind":"trial","contact":"c-2","note":"试用三个月 / three-month trial agreed"})",
    R"({"id":"e-9","opportunity":"OPP-1","at":"2026-03-02T02:00:00Z","type":"evidence_revoked","kind":"budget_commitment"})",
    R"({"id":"e-10","opportunity":"OPP-1","at":"2026-03-02T02:00:00Z","type":"interaction","channel":"meeting","direction":"mutual","volume":3,"contact":"c-1"})",
    R"({"id":"e-11","opportunity":"OPP-1","at":"2026-03-02T02:00:00Z","type":"buyer_stage","stage":"evaluation","criteria_aligned":false})",
    R"({"id":"e-12","opportunity":"OPP-1","at":"2026-03-02T02:00:00Z","type":"advance","actor":"li.wei"})",
    R"({"id":"e-13","opportunity":"OPP-1","at":"2026-03-02T02:00:00Z","type":"win"})",
    R"({"id":"e-14","opportunity":"OPP-1","at":"2026-03-02T02:00:00Z","type":"lose","reason":"competitor","competitor":"Kestrel"})",
    R"({"id":"e-15","opportunity":"OPP-1","at":"2026-03-02T02:00:00Z","type":"disqualify","reason":"no budget this year"})",
    R"({"id":"e-16","opportunity":"OPP-1","at":"2026-03-02T02:00:00Z","type":"reopen"})",
    R"({"id":"e-17","opportunity":"OPP-1","at":"2026-03-02T02:00:00Z","type":"note","note":"客户下周回复"})",
};

}  // namespace

TEST_CASE("every event type round-trips exactly through its canonical JSON", "[event][json]") {
    std::set<EventType> seen;
    for (const char* line : kCanonical) {
        INFO(line);
        const Event e = parse_event(line);
        seen.insert(e.type());
        CHECK(to_json_line(e) == line);
        CHECK(parse_event(to_json_line(e)) == e);
    }
    CHECK(seen.size() == size<EventType>());
}

TEST_CASE("parsed events carry typed fields, not JSON", "[event][json]") {
    const Event open = parse_event(kCanonical[0]);
    CHECK(open.type() == EventType::open);
    const auto& o = std::get<events::Open>(open.body);
    CHECK(o.account == "华东电力");
    CHECK(o.amount == 250000.0);
    CHECK(o.expected_close == parse_date("2026-09-30"));

    const Event contact = parse_event(kCanonical[3]);
    const auto& c = std::get<events::Contact>(contact.body);
    REQUIRE(c.roles);
    CHECK(*c.roles == std::vector<Role>{Role::key_person, Role::sales_guide});
    CHECK(c.authority == Authority::high);
    CHECK(c.access == true);

    const Event interaction = parse_event(kCanonical[9]);
    const auto& i = std::get<events::Interaction>(interaction.body);
    CHECK(i.channel == Channel::meeting);
    CHECK(i.volume == 3);
}

TEST_CASE("non-canonical input is normalised", "[event][json]") {
    SECTION("times are stored as UTC") {
        const Event e = parse_event(
            R"({"type":"win","at":"2026-03-02T10:00:00+08:00","opportunity":"O","id":"x"})");
        CHECK(to_json_line(e) == R"({"id":"x","opportunity":"O","at":"2026-03-02T02:00:00Z","type":"win"})");
    }
    SECTION("null optional fields are absent and default volume is omitted") {
        const Event e = parse_event(
            R"({"id":"x","opportunity":"O","at":"2026-03-02T02:00:00Z","type":"interaction","channel":"call","direction":"inbound","volume":1,"contact":null,"actor":null})");
        CHECK(to_json_line(e) ==
              R"({"id":"x","opportunity":"O","at":"2026-03-02T02:00:00Z","type":"interaction","channel":"call","direction":"inbound"})");
        CHECK(std::get<events::Interaction>(e.body).volume == 1);
    }
    SECTION("a contact upsert keeps an explicit empty role list apart from an absent one") {
        const Event cleared = parse_event(
            R"({"id":"x","opportunity":"O","at":"2026-03-02T02:00:00Z","type":"contact","contact":"c","roles":[]})");
        const Event untouched = parse_event(
            R"({"id":"x","opportunity":"O","at":"2026-03-02T02:00:00Z","type":"contact","contact":"c"})");
        CHECK(std::get<events::Contact>(cleared.body).roles == std::vector<Role>{});
        CHECK_FALSE(std::get<events::Contact>(untouched.body).roles);
        CHECK(cleared != untouched);
        CHECK(to_json_line(cleared).find(R"("roles":[])") != std::string::npos);
    }
    SECTION("competitor none") {
        const Event e = parse_event(
            R"({"id":"x","opportunity":"O","at":"2026-03-02T02:00:00Z","type":"competitor","none":true})");
        CHECK(std::get<events::Competitor>(e.body).none);
        CHECK(to_json_line(e) == R"({"id":"x","opportunity":"O","at":"2026-03-02T02:00:00Z","type":"competitor","none":true})");
    }
    SECTION("integral amounts are kept as numbers") {
        const Event e = parse_event(
            R"({"id":"x","opportunity":"O","at":"2026-03-02T02:00:00Z","type":"open","account":"A","name":"N","amount":5})");
        CHECK(std::get<events::Open>(e.body).amount == 5.0);
        CHECK(parse_event(to_json_line(e)) == e);
    }
}

TEST_CASE("events compare field by field", "[event]") {
    Event a = parse_event(kCanonical[7]);
    Event b = a;
    CHECK(a == b);
    b.note = "changed";
    CHECK(a != b);
    b = a;
    std::get<events::Evidence>(b.body).kind = EvidenceKind::time_commitment;
    CHECK(a != b);
}

TEST_CASE("the direct text writer gives what dumping the JSON value gives", "[event][json]") {
    // to_json_line writes text directly (the store's hot path); to_json builds a
    // value. Both follow one field order; this keeps their bytes identical.
    std::vector<Event> events;
    for (const char* line : kCanonical) events.push_back(parse_event(line));
    for (const auto& e : read_jsonl_file(PURSUIT_SAMPLE_EVENTS).events) events.push_back(e);
    Event hostile = parse_event(kCanonical[0]);
    hostile.note = std::string("quote \" backslash \\ tab \t newline \n cr \r bell \x07 nul ") + '\0' +
                   " del \x7f 中文 😀 </script>";
    hostile.actor = "\x1f\b\f";
    events.push_back(hostile);
    for (double amount : {0.0, -1.5, 1e-7, 123456789.125, 1e21, 0.1 + 0.2}) {
        Event e = parse_event(kCanonical[0]);
        std::get<events::Open>(e.body).amount = amount;
        events.push_back(e);
    }
    // Every ASCII byte at every offset of a word, and around the 8-byte steps the writer scans in.
    for (std::size_t length : {1u, 7u, 8u, 9u, 16u, 17u}) {
        for (std::size_t at = 0; at < length; ++at) {
            for (int c = 0; c < 128; ++c) {
                Event e = parse_event(kCanonical[0]);
                std::string text(length, 'a');
                text[at] = static_cast<char>(c);
                e.note = text;
                events.push_back(e);
            }
        }
    }
    for (const auto& e : events) {
        INFO(e.id << " " << e.note.value_or(""));
        CHECK(to_json_line(e) == to_json(e).dump());
    }
}

TEST_CASE("segments on an open event: sorted keys, strict values", "[event][json]") {
    const Event e = parse_event(
        R"({"id":"e-1","opportunity":"O","at":"2026-03-02T02:00:00Z","type":"open","account":"A","name":"N","segments":{"sector":"retail","product":"GTX Pro"}})");
    const auto& open = std::get<events::Open>(e.body);
    CHECK(open.segments == std::map<std::string, std::string>{{"product", "GTX Pro"}, {"sector", "retail"}});
    CHECK(to_json_line(e) ==
          R"({"id":"e-1","opportunity":"O","at":"2026-03-02T02:00:00Z","type":"open","account":"A","name":"N","segments":{"product":"GTX Pro","sector":"retail"}})");
    CHECK(to_json_line(e) == to_json(e).dump());
    auto error = [](const std::string& segments) {
        try {
            parse_event(R"({"id":"e-1","opportunity":"O","at":"2026-03-02T02:00:00Z","type":"open","account":"A","name":"N","segments":)" +
                        segments + "}");
        } catch (const EventError& err) {
            return err.field() + ": " + err.reason();
        }
        return std::string("no error");
    };
    CHECK(error("[]") == "segments: expected an object, got an array");
    CHECK(error(R"({"Sector":"x"})") == "segments.Sector: a segment key is 1 to 32 lower-case letters, digits or _");
    CHECK(error(R"({"sector":1})") == "segments.sector: expected a string, got a number");
    CHECK(error(R"({"sector":""})") == "segments.sector: must not be empty");
}
