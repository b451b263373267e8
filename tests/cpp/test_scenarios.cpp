// The article's stories, told as events.
#include <catch2/catch.hpp>

#include "builders.hpp"

using namespace pursuit;
using namespace pursuit::test;
using Codes = std::vector<std::string>;

TEST_CASE("scenario: a warning signal becomes a qualified opportunity", "[scenario]") {
    Opportunity opp("OPP-1");
    Story s;
    apply_all(opp, {s.open(), s.signal(SignalKind::implicit_need)});
    // A signal alone is not an opportunity: nobody at the account yet.
    Record r = opp.apply(s.advance());
    CHECK(codes(opp, r.unmet) == Codes{"account_contact"});
    CHECK(r.reason == "the gate to qualification is not met: account_contact");
    apply_all(opp, {s.contact("c-1", {Role::stakeholder}), s.advance()});
    CHECK(opp.step() == Step::qualification);
    // Worth pursuing? Money and time secured, people in place, a clear advantage.
    apply_all(opp, {s.qualify(Criterion::funding), s.qualify(Criterion::timing),
                    s.qualify(Criterion::business_driver), s.qualify(Criterion::unique_value),
                    s.qualify(Criterion::decision_process)});
    r = opp.apply(s.advance());
    CHECK(codes(opp, r.unmet) == Codes{"key_person_access"});
    CHECK(opp.requirement(r.unmet[0]).action.en == "Meet a key person and record the access");
    apply_all(opp, {s.contact("c-cfo", {Role::key_person}, Authority::high, Stance::neutral, true),
                    s.evidence(EvidenceKind::key_person_access, "c-cfo"), s.advance()});
    CHECK(opp.step() == Step::tracking);
}

TEST_CASE("scenario: the buyer set its criteria without us (late entry, misaligned)", "[scenario]") {
    Opportunity opp("OPP-1");
    Story s;
    apply_all(opp, {s.open(), s.signal(SignalKind::criteria_change), s.contact("c-1")});
    const Record seen = opp.apply(s.buyer(BuyerStage::evaluation, false));
    CHECK(seen.late_entry);
    CHECK(opp.facts().criteria_aligned == false);
    CHECK(opp.buyer_stage() == BuyerStage::evaluation);
    // We are at identification while the buyer evaluates: far behind the buyer.
    CHECK(opp.step() == Step::identification);
    // Changing the criteria is the remaining opportunity; once aligned it is recorded.
    apply_all(opp, {s.advance(), s.buyer(BuyerStage::evaluation, true)});
    CHECK(opp.facts().criteria_aligned == true);
    CHECK(opp.step() == Step::qualification);
}

TEST_CASE("scenario: a deal falls back when its advocate leaves", "[scenario]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::monitoring);
    const Record r = opp.apply(s.left("c-adv"));
    CHECK(r.verdict == Verdict::fell_back);
    CHECK(r.before.step == Step::monitoring);
    CHECK(r.after.step == Step::tracking);
    CHECK(codes(opp, r.unmet) == Codes{"advocate"});
    CHECK(opp.facts().signals.back().kind == SignalKind::people_change);
    // The history says which event caused it.
    CHECK(opp.history().back().event_id == r.event_id);
    CHECK(opp.history().back().verdict == Verdict::fell_back);
    // Develop a new advocate and the deal moves again.
    apply_all(opp, {s.contact("c-new", {Role::stakeholder}, Authority::medium, Stance::advocate), s.advance()});
    CHECK(opp.step() == Step::monitoring);
}

TEST_CASE("scenario: a deal lost to a competitor with an insider", "[scenario]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::monitoring);
    apply_all(opp, {s.contact("c-ins", {Role::competitor_tie, Role::key_opinion_leader}, Authority::high, Stance::opponent)});
    events::Competitor kestrel;
    kestrel.name = "Kestrel";
    kestrel.strengths = {"price"};
    kestrel.ties = {"c-ins"};
    apply_all(opp, {s.make(kestrel), s.buyer(BuyerStage::evaluation)});
    // Without a sales guide and a communicator we cannot get to verification.
    Record r = opp.apply(s.advance());
    CHECK(codes(opp, r.unmet) == Codes{"sales_guide", "communicator"});
    apply_all(opp, {s.buyer(BuyerStage::purchased)});
    events::Lose lost{LossReason::competitor, std::string("Kestrel")};
    r = opp.apply(s.make(lost));
    CHECK(r.verdict == Verdict::accepted);
    CHECK(opp.outcome() == Outcome::lost);
    REQUIRE(opp.facts().closing);
    CHECK(opp.facts().closing->loss_reason == LossReason::competitor);
    CHECK(opp.facts().closing->lost_to == "Kestrel");
    CHECK(opp.facts().competitors.front().ties == Names{"c-ins"});
}
