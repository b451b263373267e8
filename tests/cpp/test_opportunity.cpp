// The facade: invalid events are rejected whole, queries have no side
// effects, and replaying the same events gives the same opportunity.
#include <catch2/catch.hpp>

#include <map>
#include <stdexcept>

#include "builders.hpp"
#include "pursuit/json.hpp"

using namespace pursuit;
using namespace pursuit::test;

TEST_CASE("the first event must open the opportunity", "[opportunity][errors]") {
    Opportunity opp("OPP-1");
    Story s;
    const Record r = opp.apply(s.signal());
    CHECK(r.verdict == Verdict::rejected);
    CHECK(r.reason == "unknown opportunity 'OPP-1': its first event must be 'open'");
    CHECK_FALSE(opp.opened());
    CHECK(opp.history().empty());
}

TEST_CASE("invalid events are rejected with a reason and leave nothing behind", "[opportunity][errors]") {
    Opportunity opp("OPP-1");
    Story s;
    apply_all(opp, {s.open(), s.contact("c-1")});
    const auto history = opp.history();
    const Facts facts = opp.facts();
    Record r;
    SECTION("an event for another opportunity") {
        Story other("OPP-2");
        r = opp.apply(other.signal());
        CHECK(r.reason == "the event is for opportunity 'OPP-2', not 'OPP-1'");
    }
    SECTION("a second open") {
        r = opp.apply(s.open());
        CHECK(r.reason == "the opportunity is already open (since 2026-01-02T00:00:00Z)");
    }
    SECTION("an event earlier than the latest applied one") {
        Event e = s.signal();
        e.at = opp.last_at() - 1;
        r = opp.apply(e);
        CHECK(r.reason == "out of order: at 2026-01-02T23:59:59.999999Z, before the latest applied event "
                          "(2026-01-03T00:00:00Z); apply events in time order");
    }
    SECTION("an event applied twice") {
        Event again = s.contact("c-1");
        again.id = opp.history().back().event_id;
        again.at = opp.last_at();
        r = opp.apply(again);
        CHECK(r.reason == "event id 'OPP-1/e-2' was already applied (at 2026-01-03T00:00:00Z); each event id applies once");
    }
    SECTION("evidence from an unknown contact") {
        r = opp.apply(s.evidence(EvidenceKind::trial, "c-9"));
        CHECK(r.reason == "unknown contact 'c-9': record it with a 'contact' event first");
    }
    SECTION("evidence from a contact who has left") {
        apply_all(opp, {s.left("c-1")});
        r = opp.apply(s.evidence(EvidenceKind::trial, "c-1"));
        CHECK(r.reason == "contact 'c-1' has left the account");
        return;  // the departure itself was applied
    }
    SECTION("a contact leaving twice") {
        apply_all(opp, {s.left("c-1")});
        r = opp.apply(s.left("c-1"));
        CHECK(r.reason == "contact 'c-1' has left the account");
        return;
    }
    SECTION("revoking evidence that was never recorded") {
        r = opp.apply(s.revoke(EvidenceKind::budget_commitment));
        CHECK(r.reason == "no 'budget_commitment' evidence was recorded to revoke");
    }
    SECTION("a competitor tied to an unknown contact") {
        events::Competitor c;
        c.name = "Kestrel";
        c.ties = {"c-404"};
        r = opp.apply(s.make(c));
        CHECK(r.reason == "unknown contact 'c-404' in ties");
    }
    SECTION("an interaction with an unknown contact") {
        events::Interaction i{Channel::email, Direction::inbound, 1, std::string("c-x")};
        r = opp.apply(s.make(i));
        CHECK(r.reason == "unknown contact 'c-x': record it with a 'contact' event first");
    }
    CHECK(r.verdict == Verdict::rejected);
    CHECK(opp.history() == history);
    CHECK(opp.facts() == facts);
}

TEST_CASE("revoking evidence already revoked (its contact left) is accepted and changes nothing", "[opportunity]") {
    Opportunity opp("OPP-1");
    Story s;
    apply_all(opp, {s.open(), s.contact("c-1"), s.evidence(EvidenceKind::trial, "c-1"), s.left("c-1")});
    const Facts facts = opp.facts();
    CHECK(opp.apply(s.revoke(EvidenceKind::trial, "c-1")).verdict == Verdict::accepted);
    CHECK(opp.facts().evidence == facts.evidence);
}

TEST_CASE("events at the same instant are applied in order", "[opportunity]") {
    Opportunity opp("OPP-1");
    Story s;
    apply_all(opp, {s.open()});
    Event a = s.signal(), b = s.contact("c-1");
    b.at = a.at;
    apply_all(opp, {a, b});
    CHECK(opp.history().size() == 3);
}

TEST_CASE("queries have no side effects and report have/need", "[opportunity][queries]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::qualification);
    const auto history = opp.history();
    CHECK(opp.next_gate() == Gate::tracking);
    const GateReport report = *opp.requirements();
    CHECK(report.gate == Gate::tracking);
    CHECK_FALSE(report.open());
    CHECK(report.items.size() == 6);
    CHECK(report.items[5].have == 0);
    CHECK(report.items[5].need == 1);
    CHECK_FALSE(opp.can_advance());
    CHECK(opp.requirements(Gate::qualification).open());  // any gate can be asked about
    CHECK(opp.history() == history);
    CHECK(opp.step() == Step::qualification);
}

TEST_CASE("the next gate follows the step; verification leads to won", "[opportunity][queries]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::verification);
    CHECK(opp.next_gate() == Gate::won);
    CHECK(opp.requirements()->gate == Gate::won);
}

TEST_CASE("history records every applied event with its time and positions", "[opportunity][history]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::tracking);
    const auto& h = opp.history();
    REQUIRE(h.size() == 1 + 2 + 1 + 7 + 1);
    CHECK(h.front().type == EventType::open);
    for (std::size_t i = 1; i < h.size(); ++i) CHECK(h[i].at > h[i - 1].at);
    CHECK(h[3].type == EventType::advance);
    CHECK(h[3].before.step == Step::identification);
    CHECK(h[3].after.step == Step::qualification);
    CHECK(h.back().after.step == Step::tracking);
}

TEST_CASE("the returned record names its event, whatever the lengths of successive ids", "[opportunity]") {
    // Ids of the last one's length (up to 16 bytes) are copied in fixed-size pieces; others the usual way.
    Opportunity opp("OPP-1");
    Story s;
    std::vector<std::size_t> lengths{1, 1, 9, 9, 9, 15, 15, 14, 16, 16, 17, 17, 40, 3, 3, 5, 5, 15, 2, 2};
    for (std::size_t n = 0; n < lengths.size(); ++n) {
        Event e = n == 0 ? s.open() : s.note();
        e.id = std::string(lengths[n], static_cast<char>('a' + n));
        const Record& r = opp.apply(e);
        CHECK(r.event_id == e.id);
        CHECK(r.event_id.size() == lengths[n]);
        CHECK(std::string(r.event_id.c_str()) == e.id);  // terminated where it ends
        CHECK(opp.history().event_id(n) == e.id);
    }
}

TEST_CASE("copies are independent; moves keep custom checks pointing at the right opportunity", "[opportunity]") {
    auto playbook = std::make_shared<Playbook>(*Playbook::default_playbook());
    playbook->add_custom(Gate::qualification, "named", {"n", "n"}, {"n", "n"},
                         [](const Opportunity& o) { return o.facts().header.name == "Deal"; });
    Opportunity a("OPP-1", playbook);
    Story s;
    reach(a, s, Step::qualification);
    Opportunity b = a;
    apply_all(b, {s.lose()});
    CHECK(a.position().active());
    CHECK(b.outcome() == Outcome::lost);
    Opportunity c = std::move(a);
    CHECK(c.requirements(Gate::qualification).open());
    CHECK(c.step() == Step::qualification);
}

TEST_CASE("replaying the same events gives an identical opportunity", "[opportunity][replay]") {
    const auto file = read_jsonl_file(PURSUIT_STORIES);  // the hand-written stories, twelve opportunities
    auto replay = [&] {
        std::map<std::string, Opportunity> opps;
        for (const auto& e : file.events) opps.try_emplace(e.opportunity, e.opportunity).first->second.apply(e);
        return opps;
    };
    const auto first = replay(), second = replay();
    REQUIRE(first.size() == 12);
    std::size_t records = 0;
    for (const auto& [id, a] : first) {
        const Opportunity& b = second.at(id);
        CHECK(a.position() == b.position());
        CHECK(a.buyer_stage() == b.buyer_stage());
        CHECK(a.facts() == b.facts());
        CHECK(a.history() == b.history());
        records += a.history().size();
        for (const auto& r : a.history()) CHECK(r.verdict != Verdict::rejected);
    }
    CHECK(records == file.events.size());  // every sample event applies
}

TEST_CASE("a custom check that throws leaves the opportunity as it was", "[opportunity][custom]") {
    auto playbook = std::make_shared<Playbook>(*Playbook::default_playbook());
    bool fail = false;
    playbook->add_custom(Gate::tracking, "flaky", {"f", "f"}, {"f", "f"}, [&](const Opportunity& o) {
        if (fail) throw std::runtime_error("check failed while applying " + o.applying());
        return true;
    });
    Opportunity opp("OPP-1", playbook);
    Story s;
    reach(opp, s, Step::tracking);
    const auto history = opp.history();
    const Facts facts = opp.facts();
    fail = true;
    const Event change = s.qualify(Criterion::funding, Answer::no);  // re-checks the gates, custom included
    CHECK_THROWS_WITH(opp.apply(change), "check failed while applying " + change.id);
    CHECK(opp.history() == history);
    CHECK(opp.facts() == facts);
    CHECK(opp.step() == Step::tracking);
    CHECK(opp.applying().empty());
    fail = false;
    CHECK(opp.apply(change).verdict == Verdict::fell_back);
    CHECK(opp.step() == Step::qualification);
}
