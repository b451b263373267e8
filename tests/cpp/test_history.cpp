// The compact history: records go in and come back unchanged, including the
// rare ones with unmet requirements and reasons, and the saved state keeps
// its format.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "builders.hpp"
#include "pursuit/opportunity.hpp"

using namespace pursuit;
using namespace pursuit::test;

namespace {

Record record(std::string id, Timestamp at, Verdict v) {
    Record r;
    r.event_id = std::move(id);
    r.at = at;
    r.type = EventType::advance;
    r.verdict = v;
    return r;
}

}  // namespace

TEST_CASE("a history gives back every field of its records", "[history]") {
    History h;
    CHECK(h.empty());
    Record plain = record("e-1", 10, Verdict::accepted);
    plain.before = {Step::monitoring, std::nullopt};
    plain.after = {Step::tracking, Outcome::disqualified};
    plain.buyer_before = BuyerStage::purchased;
    plain.buyer_after = BuyerStage::need_definition;
    plain.late_entry = true;
    Record refused = record("a much longer event id than the small-string buffer holds", 20, Verdict::refused);
    refused.unmet = {{Gate::tracking, 2}, {Gate::tracking, 5}};
    refused.reason = "the gate to tracking is not met: a, b";
    refused.buyer_backward = true;
    Record empty_id = record("", 30, Verdict::not_applicable);
    empty_id.reason = "does not apply";
    Record won = record("e-4", 40, Verdict::accepted);
    won.after = {Step::verification, Outcome::won};
    won.buyer_after = BuyerStage::purchased;

    for (const auto& r : {plain, refused, empty_id, won}) h.push_back(r);
    REQUIRE(h.size() == 4);
    CHECK(h[0] == plain);
    CHECK(h[1] == refused);
    CHECK(h[2] == empty_id);
    CHECK(h.back() == won);
    CHECK(h.front() == plain);
    CHECK(h.event_id(1) == refused.event_id);
    CHECK(h.at(3) == 40);
    CHECK(h.verdict(2) == Verdict::not_applicable);
    std::vector<Record> all(h.begin(), h.end());
    CHECK(all == std::vector<Record>{plain, refused, empty_id, won});

    SECTION("pop_back removes the last record with its id and detail") {
        History copy = h;
        CHECK(copy == h);
        copy.pop_back();
        copy.pop_back();
        CHECK(copy != h);
        REQUIRE(copy.size() == 2);
        copy.push_back(won);
        CHECK(copy.size() == 3);
        CHECK(copy[1] == refused);
        CHECK(copy[2] == won);
        CHECK(copy.event_id(2) == "e-4");
        CHECK(h.size() == 4);  // copies do not share their long ids or details
        CHECK(h[1] == refused);
        CHECK(h[2] == empty_id);
        History assigned;
        assigned = h;
        CHECK(assigned == h);
        History moved = std::move(assigned);
        CHECK(moved == h);
    }
    SECTION("ids of up to 11 bytes are kept inside, longer ones aside, and both come back") {
        History ids;
        for (const char* id : {"0123456789a", "0123456789ab", "x", "another id well past eleven bytes"})
            ids.push_back(record(id, 1, Verdict::accepted));
        CHECK(ids.event_id(0) == "0123456789a");
        CHECK(ids.event_id(1) == "0123456789ab");
        CHECK(ids.event_id(2) == "x");
        ids.pop_back();
        ids.push_back(record("a replacement that is also long", 2, Verdict::accepted));
        CHECK(ids.event_id(3) == "a replacement that is also long");
        CHECK(ids[1].event_id == "0123456789ab");
        CHECK(ids[2].verdict == Verdict::accepted);
        CHECK(ids[2].type == EventType::advance);
    }
}

TEST_CASE("ids of every length come back, whether packed quickly or aside", "[history]") {
    // With room reserved, short ids take the quick path; details and long ids the other.
    History h;
    h.reserve(64);
    std::vector<Record> in;
    for (std::size_t n = 0; n <= 14; ++n) {
        Record r = record(std::string(n, static_cast<char>('a' + n)), static_cast<Timestamp>(n), Verdict::accepted);
        r.before = {Step::tracking, std::nullopt};
        r.after = {Step::monitoring, std::nullopt};
        r.buyer_after = BuyerStage::evaluation;
        if (n % 5 == 3) r.reason = "a reason";  // aside, between quick ones
        in.push_back(r);
        h.push_back(r);
    }
    REQUIRE(h.size() == in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        CHECK(h[i] == in[i]);
        CHECK(h.event_id(i) == in[i].event_id);
    }
    // The id given apart from the record (as the opportunity does) is the one kept.
    Record r = record("", 99, Verdict::accepted);
    h.push_back(r, std::string("e-given"));
    CHECK(h.event_id(h.size() - 1) == "e-given");
    CHECK(h.back().at == 99);
}

TEST_CASE("the saved state round-trips a history with refusals and fall-backs", "[history][state]") {
    Opportunity opp("OPP-1");
    Story s;
    std::vector<Event> events{s.open(), s.advance()};  // refused: no signal, no contact
    for (auto& e : s.evidence_for(Gate::qualification)) events.push_back(e);
    events.push_back(s.advance());
    events.push_back(s.win());  // not applicable in qualification
    for (auto& e : s.evidence_for(Gate::tracking)) events.push_back(e);
    events.push_back(s.advance());
    events.push_back(s.left("c-kp"));  // falls back
    for (const auto& e : events) opp.apply(e);
    REQUIRE(opp.history().verdict(1) == Verdict::refused);
    REQUIRE(opp.history().verdict(5) == Verdict::not_applicable);
    REQUIRE(opp.history().back().verdict == Verdict::fell_back);

    const nlohmann::json state = opp.to_json();
    const auto& saved = state.at("history");
    REQUIRE(saved.size() == opp.history().size());
    // The format is unchanged: each record is an object with these keys.
    CHECK(saved[1].at("verdict") == "refused");
    CHECK(saved[1].at("unmet").size() == 2);
    CHECK(saved[1].at("reason").get<std::string>().rfind("the gate to qualification is not met", 0) == 0);
    CHECK(saved[0].at("event_id") == "OPP-1/e-1");
    CHECK(saved[0].at("before") == nlohmann::json{{"step", "identification"}, {"outcome", nullptr}});
    for (const char* key : {"event_id", "at", "type", "verdict", "before", "after", "buyer_before", "buyer_after",
                            "unmet", "late_entry", "buyer_backward", "reason"})
        CHECK(saved.back().contains(key));

    const Opportunity back = Opportunity::from_json(nlohmann::json::parse(state.dump()));
    CHECK(back.history() == opp.history());
    CHECK(back.position() == opp.position());
    CHECK(back.to_json() == state);
    // A restored opportunity still knows its applied ids.
    Opportunity again = back;
    Event dup = events.back();
    dup.at = again.last_at();
    CHECK(again.apply(dup).verdict == Verdict::rejected);
}

TEST_CASE("every event type, verdict, position and buyer stage survives the packing", "[history]") {
    History h;
    std::vector<Record> all;
    for (std::size_t t = 0; t < size<EventType>(); ++t)
        for (std::size_t v = 0; v < size<Verdict>(); ++v) {
            Record r = record("e-" + std::to_string(all.size()), static_cast<Timestamp>(all.size()), static_cast<Verdict>(v));
            r.type = static_cast<EventType>(t);
            r.before = {static_cast<Step>(t % size<Step>()), std::nullopt};
            if (v % 2) r.after = {static_cast<Step>(v % size<Step>()), static_cast<Outcome>((t + v) % size<Outcome>())};
            r.buyer_before = static_cast<BuyerStage>(t % size<BuyerStage>());
            r.buyer_after = static_cast<BuyerStage>(v % size<BuyerStage>());
            h.push_back(r);
            all.push_back(r);
        }
    REQUIRE(h.size() == all.size());
    for (std::size_t i = 0; i < all.size(); ++i) CHECK(h[i] == all[i]);
}
