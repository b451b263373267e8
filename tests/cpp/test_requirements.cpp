// Every requirement kind, judged through a one-requirement gate into qualification.
#include <catch2/catch.hpp>

#include "builders.hpp"

using namespace pursuit;
using namespace pursuit::test;

namespace {

const char* kTexts = R"("text":{"en":"t","zh":"要求"},"action":{"en":"a","zh":"行动"})";

// An opportunity whose only gate into qualification is `requirement`.
struct Gated {
    Opportunity opp;
    Story s;
    explicit Gated(const std::string& requirement)
        : opp("OPP-1", std::make_shared<const Playbook>(Playbook::parse(
                           R"({"gates":{"qualification":[{"code":"r",)" + requirement + "," + kTexts + "}]}}"))) {
        apply_all(opp, {s.open()});
    }
    RequirementStatus status() const { return opp.requirements(Gate::qualification).items.at(0); }
    bool met() const { return status().met; }
};

}  // namespace

TEST_CASE("requirement: answer is one of the given answers", "[requirements]") {
    Gated g(R"("kind":"answer","criterion":"decision_process","answers":["yes","no"])");
    CHECK_FALSE(g.met());  // not answered
    apply_all(g.opp, {g.s.qualify(Criterion::decision_process, Answer::unknown)});
    CHECK_FALSE(g.met());
    apply_all(g.opp, {g.s.qualify(Criterion::decision_process, Answer::no)});
    CHECK(g.met());
    apply_all(g.opp, {g.s.qualify(Criterion::funding, Answer::unknown)});  // another criterion
    CHECK(g.met());
}

TEST_CASE("requirement: at least n signals, optionally of given kinds", "[requirements]") {
    Gated g(R"("kind":"signals","min":2,"signal_kinds":["intent_change","process_change"])");
    apply_all(g.opp, {g.s.signal(SignalKind::intent_change), g.s.signal(SignalKind::implicit_need)});
    CHECK(g.status().have == 1);
    CHECK(g.status().need == 2);
    CHECK_FALSE(g.met());
    apply_all(g.opp, {g.s.signal(SignalKind::process_change)});
    CHECK(g.met());
}

TEST_CASE("requirement: contacts with role, authority, stance and access", "[requirements]") {
    Gated g(R"("kind":"contacts","min":2,"role":"key_person","min_authority":"medium","stances":["advocate","supporter"],"access":true)");
    apply_all(g.opp, {
        g.s.contact("a", {Role::key_person}, Authority::high, Stance::advocate, true),     // counts
        g.s.contact("b", {Role::key_person}, Authority::low, Stance::advocate, true),      // authority too low
        g.s.contact("c", {Role::stakeholder}, Authority::high, Stance::advocate, true),    // wrong role
        g.s.contact("d", {Role::key_person}, Authority::medium, Stance::neutral, true),    // wrong stance
        g.s.contact("e", {Role::key_person}, Authority::medium, Stance::supporter, false), // no access
        g.s.contact("f", {Role::key_person}, std::nullopt, Stance::supporter, true),       // authority unknown
    });
    CHECK(g.status().have == 1);
    CHECK_FALSE(g.met());
    apply_all(g.opp, {g.s.contact("g", {Role::key_person, Role::sales_guide}, Authority::medium, Stance::supporter, true)});
    CHECK(g.status().have == 2);
    CHECK(g.met());
    apply_all(g.opp, {g.s.left("g")});  // only active contacts count
    CHECK(g.status().have == 1);
}

TEST_CASE("requirement: valid evidence of any of the kinds, within an age", "[requirements]") {
    Gated g(R"("kind":"evidence","evidence_kinds":["trial","budget_commitment"],"min":2,"max_age_days":30)");
    apply_all(g.opp, {g.s.contact("c", {}), g.s.evidence(EvidenceKind::trial, "c"),
                      g.s.evidence(EvidenceKind::time_commitment)});
    CHECK(g.status().have == 1);
    apply_all(g.opp, {g.s.evidence(EvidenceKind::budget_commitment)});
    CHECK(g.met());
    apply_all(g.opp, {g.s.left("c")});  // contact-borne evidence leaves with its contact
    CHECK(g.status().have == 1);
    apply_all(g.opp, {g.s.evidence(EvidenceKind::trial)});
    CHECK(g.met());
    g.s.skip_days(30);
    apply_all(g.opp, {g.s.note()});  // judged at the latest event: both are now too old
    CHECK(g.status().have == 0);
}

TEST_CASE("requirement: revoked evidence no longer counts", "[requirements]") {
    Gated g(R"("kind":"evidence","evidence_kinds":["trial"])");
    apply_all(g.opp, {g.s.evidence(EvidenceKind::trial)});
    CHECK(g.met());
    apply_all(g.opp, {g.s.revoke(EvidenceKind::trial)});
    CHECK_FALSE(g.met());
}

TEST_CASE("requirement: insights cover every topic", "[requirements]") {
    Gated g(R"("kind":"insights","topics":["goals","problem"])");
    apply_all(g.opp, {g.s.insight(InsightTopic::goals), g.s.insight(InsightTopic::goals)});
    CHECK(g.status().have == 1);
    CHECK(g.status().need == 2);
    apply_all(g.opp, {g.s.insight(InsightTopic::problem)});
    CHECK(g.met());
}

TEST_CASE("requirement: competition assessed, by a competitor or the finding there is none", "[requirements]") {
    Gated a(R"("kind":"competitor_assessed")");
    CHECK_FALSE(a.met());
    apply_all(a.opp, {a.s.competitor("Kestrel")});
    CHECK(a.met());
    Gated b(R"("kind":"competitor_assessed")");
    apply_all(b.opp, {b.s.no_competitor()});
    CHECK(b.met());
}

TEST_CASE("requirement: the buyer at a stage or later (the coupling of the two regions)", "[requirements]") {
    Gated g(R"("kind":"buyer_stage","min_stage":"evaluation")");
    apply_all(g.opp, {g.s.buyer(BuyerStage::need_definition)});
    CHECK_FALSE(g.met());
    apply_all(g.opp, {g.s.buyer(BuyerStage::final_approval)});
    CHECK(g.met());
}

TEST_CASE("requirement: custom checks run as guards", "[requirements][custom]") {
    auto playbook = std::make_shared<Playbook>(*Playbook::default_playbook());
    bool allow = false;
    playbook->add_custom(Gate::qualification, "approved", {"Manager approved", "经理已批准"},
                         {"Ask the manager", "请经理批准"}, [&](const Opportunity&) { return allow; });
    Opportunity opp("OPP-1", playbook);
    Story s;
    apply_all(opp, {s.open()});
    apply_all(opp, s.evidence_for(Gate::qualification));
    const Record r = opp.apply(s.advance());
    CHECK(r.verdict == Verdict::refused);
    CHECK(codes(opp, r.unmet) == std::vector<std::string>{"approved"});
    CHECK(opp.requirement(r.unmet[0]).kind == RequirementKind::custom);
    CHECK(opp.requirement(r.unmet[0]).text.zh == "经理已批准");
    allow = true;
    CHECK(opp.apply(s.advance()).verdict == Verdict::accepted);
    allow = false;  // a custom gate that stops holding falls back like any other
    CHECK(opp.apply(s.qualify(Criterion::relationship)).verdict == Verdict::fell_back);
    CHECK(opp.step() == Step::identification);
}

TEST_CASE("requirement: a custom check that throws changes nothing", "[requirements][custom]") {
    auto playbook = std::make_shared<Playbook>(*Playbook::default_playbook());
    bool explode = false;
    auto check = [&](const Opportunity&) -> bool {
        if (explode) throw std::runtime_error("check failed");
        return true;
    };
    playbook->add_custom(Gate::qualification, "q", {"q", "q"}, {"q", "q"}, check);
    playbook->add_custom(Gate::tracking, "t", {"t", "t"}, {"t", "t"}, check);
    Opportunity opp("OPP-1", playbook);
    Story s;
    reach(opp, s, Step::qualification);
    explode = true;
    const auto history = opp.history();
    const Facts facts = opp.facts();

    SECTION("in a gate guard") {
        CHECK_THROWS_WITH(opp.apply(s.advance()), "check failed");
    }
    SECTION("in the re-check after a fact was recorded") {
        CHECK_THROWS_WITH(opp.apply(s.buyer(BuyerStage::evaluation, false)), "check failed");
        CHECK(opp.buyer_stage() == BuyerStage::need_awareness);
    }
    SECTION("in a query") {
        CHECK_THROWS_WITH(opp.can_advance(), "check failed");
    }
    CHECK(opp.history() == history);
    CHECK(opp.facts() == facts);
    CHECK(opp.step() == Step::qualification);
    explode = false;  // and the opportunity carries on
    apply_all(opp, s.evidence_for(Gate::tracking));
    CHECK(opp.apply(s.advance()).verdict == Verdict::accepted);
}
