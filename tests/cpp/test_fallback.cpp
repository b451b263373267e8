// Fall-back: when a fact weakens the evidence behind the current step, the
// opportunity returns to the latest step whose gates all hold.
#include <catch2/catch.hpp>

#include "builders.hpp"

using namespace pursuit;
using namespace pursuit::test;
using Codes = std::vector<std::string>;

TEST_CASE("qualification falls back to identification when the only contact leaves", "[fallback]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::qualification);
    const Record r = opp.apply(s.left("c-1"));
    CHECK(r.verdict == Verdict::fell_back);
    CHECK(r.before.step == Step::qualification);
    CHECK(r.after.step == Step::identification);
    CHECK(codes(opp, r.unmet) == Codes{"account_contact"});
    // the departure is itself a warning signal
    CHECK(opp.facts().signals.back().kind == SignalKind::people_change);
    CHECK(opp.facts().signals.back().derived);
}

TEST_CASE("tracking falls back to qualification when key-person access is revoked", "[fallback]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::tracking);
    const Record r = opp.apply(s.revoke(EvidenceKind::key_person_access));
    CHECK(r.verdict == Verdict::fell_back);
    CHECK(r.after.step == Step::qualification);
    CHECK(codes(opp, r.unmet) == Codes{"key_person_access"});
    CHECK_FALSE(opp.facts().evidence.front().valid);
}

TEST_CASE("tracking falls back when a qualification answer turns to no", "[fallback]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::tracking);
    const Record r = opp.apply(s.qualify(Criterion::funding, Answer::no));
    CHECK(r.verdict == Verdict::fell_back);
    CHECK(opp.step() == Step::qualification);
    CHECK(codes(opp, r.unmet) == Codes{"funding"});
}

TEST_CASE("monitoring falls back to tracking when the advocate turns skeptic", "[fallback]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::monitoring);
    const Record r = opp.apply(s.stance("c-adv", Stance::skeptic));
    CHECK(r.verdict == Verdict::fell_back);
    CHECK(r.after.step == Step::tracking);
    CHECK(codes(opp, r.unmet) == Codes{"advocate"});
}

TEST_CASE("verification falls back to monitoring when the buyer goes back before evaluation", "[fallback]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::verification);
    const Record r = opp.apply(s.buyer(BuyerStage::need_definition));
    CHECK(r.verdict == Verdict::fell_back);
    CHECK(r.buyer_backward);
    CHECK(r.after.step == Step::monitoring);
    CHECK(codes(opp, r.unmet) == Codes{"buyer_evaluating"});
}

TEST_CASE("a key person leaving verification falls back several steps at once", "[fallback]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::verification);
    const Record r = opp.apply(s.left("c-kp"));
    CHECK(r.verdict == Verdict::fell_back);
    CHECK(r.before.step == Step::verification);
    CHECK(r.after.step == Step::qualification);  // the latest step whose gates all hold
    // what broke, gate by gate up to the step we were in
    CHECK(codes(opp, r.unmet) == Codes{"key_person_access", "key_person_mapped"});
    CHECK(r.reason == "fell back from verification to qualification: no longer met: key_person_access, key_person_mapped");
    // the evidence the key person carried went with them
    CHECK(opp.facts().valid_evidence(EvidenceKind::key_person_access) == 0);
    CHECK(opp.facts().evidence.front().revoked_by == r.event_id);
}

TEST_CASE("weakening that leaves the gates intact does not fall back", "[fallback]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::tracking);
    apply_all(opp, {s.contact("c-2", {Role::key_person}, Authority::high, Stance::neutral, true),
                    s.evidence(EvidenceKind::key_person_access, "c-2")});
    const Record r = opp.apply(s.left("c-kp"));  // a second key person still gives access
    CHECK(r.verdict == Verdict::accepted);
    CHECK(opp.step() == Step::tracking);
}

TEST_CASE("facts that only add evidence never trigger a fall-back", "[fallback]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::monitoring);
    for (Event e : {s.signal(), s.insight(InsightTopic::industry), s.evidence(EvidenceKind::trial), s.interaction(),
                    s.competitor("Other"), s.note()})
        CHECK(opp.apply(e).verdict == Verdict::accepted);
    CHECK(opp.step() == Step::monitoring);
}

TEST_CASE("closed opportunities do not fall back", "[fallback]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::tracking);
    apply_all(opp, {s.lose(), s.revoke(EvidenceKind::key_person_access)});
    CHECK(opp.outcome() == Outcome::lost);
    CHECK(opp.step() == Step::tracking);
    apply_all(opp, {s.reopen()});
    CHECK(opp.step() == Step::tracking);  // reopen returns to the step it was closed from
    CHECK_FALSE(opp.can_advance());
}

TEST_CASE("after a fall-back the opportunity can advance again once evidence returns", "[fallback]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::tracking);
    CHECK(opp.apply(s.left("c-kp")).verdict == Verdict::fell_back);
    CHECK(opp.step() == Step::qualification);
    CHECK(opp.apply(s.advance()).verdict == Verdict::refused);
    apply_all(opp, {s.contact("c-new", {Role::key_person}, Authority::high, Stance::supporter, true),
                    s.evidence(EvidenceKind::key_person_access, "c-new"), s.advance()});
    CHECK(opp.step() == Step::tracking);
}
