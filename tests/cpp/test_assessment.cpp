// Assessment: each indicator, each risk flag raised and not raised, the
// guidance order, the forecast category, the model's features, and the
// playbook's assessment section.
#include <catch2/catch.hpp>

#include <algorithm>

#include "builders.hpp"
#include "pursuit/assessment.hpp"

using namespace pursuit;
using namespace pursuit::test;

namespace {

bool raised(const Assessment& a, RiskFlag code) {
    return std::any_of(a.flags.begin(), a.flags.end(), [&](const Flag& f) { return f.code == code; });
}
const Flag& flag(const Assessment& a, RiskFlag code) {
    return *std::find_if(a.flags.begin(), a.flags.end(), [&](const Flag& f) { return f.code == code; });
}
Event interaction(Story& s, Direction d, std::uint32_t volume = 1) {
    return s.make(events::Interaction{Channel::email, d, volume, std::nullopt});
}
Timestamp days_after(Timestamp t, double days) { return t + static_cast<Timestamp>(days * kMicrosPerDay); }

}  // namespace

TEST_CASE("connection state: volume by direction, the recent window against the one before, recency", "[assessment]") {
    Story s;
    Opportunity o("OPP-1");
    apply_all(o, {s.open()});
    SECTION("no interaction: cold, and cooling once the cooling days pass since it was opened") {
        auto a = assess(o, days_after(s.now(), 1));
        CHECK(a.connection.level == ConnectionLevel::cold);
        CHECK(a.connection.days_since_last == -1);
        CHECK_FALSE(a.connection.cooling);
        CHECK(assess(o, days_after(s.now(), 30)).connection.cooling);
    }
    SECTION("a two-way exchange in the window is hot") {
        apply_all(o, {interaction(s, Direction::outbound, 3), interaction(s, Direction::inbound, 3)});
        auto a = assess(o, s.now());
        CHECK(a.connection.inbound == 3);
        CHECK(a.connection.outbound == 3);
        CHECK(a.connection.recent == 6);
        CHECK(a.connection.level == ConnectionLevel::hot);
        CHECK(a.connection.days_since_last == 0);
        CHECK_FALSE(a.connection.cooling);
    }
    SECTION("our own emails alone are warm at most") {
        apply_all(o, {interaction(s, Direction::outbound, 10)});
        CHECK(assess(o, s.now()).connection.level == ConnectionLevel::warm);
    }
    SECTION("falling volume or a long silence is cooling") {
        apply_all(o, {interaction(s, Direction::mutual, 8)});
        const Timestamp last = s.now();
        auto later = assess(o, days_after(last, 40));  // 8 in the previous window, 0 in this one
        CHECK(later.connection.previous == 8);
        CHECK(later.connection.recent == 0);
        CHECK(later.connection.cooling);
        CHECK(later.connection.days_since_last == Approx(40));
        REQUIRE(raised(later, RiskFlag::connection_cooling));
        CHECK(flag(later, RiskFlag::connection_cooling).facts[0] == std::pair<std::string, std::string>{"days_since_last", "40.0"});
        CHECK(assess(o, days_after(last, 5)).connection.cooling == false);
        CHECK_FALSE(raised(assess(o, days_after(last, 5)), RiskFlag::connection_cooling));
    }
}

TEST_CASE("progress: evidence held against what the gates ahead ask for", "[assessment]") {
    Story s;
    Opportunity o("OPP-1");
    reach(o, s, Step::tracking);  // holds key_person_access
    auto a = assess(o, s.now());
    CHECK(a.progress.held.kinds() == std::vector<EvidenceKind>{EvidenceKind::key_person_access});
    // monitoring asks for time / resource / budget; won asks for budget and key_person_access
    CHECK(a.progress.needed.kinds() == std::vector<EvidenceKind>{EvidenceKind::key_person_access, EvidenceKind::time_commitment,
                                                                 EvidenceKind::resource_commitment, EvidenceKind::budget_commitment});
    CHECK(a.progress.missing.size() == 3);
    CHECK(a.progress.share() == Approx(0.25));
}

TEST_CASE("coupling: our step against the buyer's stage", "[assessment]") {
    Story s;
    Opportunity o("OPP-1");
    apply_all(o, {s.open()});
    CHECK_FALSE(assess(o, s.now()).coupling.behind);
    apply_all(o, {s.buyer(BuyerStage::evaluation)});
    auto a = assess(o, s.now());
    CHECK(a.coupling.behind);
    CHECK(a.coupling.latest == BuyerStage::need_definition);
    REQUIRE(raised(a, RiskFlag::behind_buyer));
    CHECK(flag(a, RiskFlag::behind_buyer).severity == Severity::high);
    CHECK_FALSE(raised(a, RiskFlag::ahead_of_buyer));
}

TEST_CASE("ahead of the buyer: monitoring while the buyer is only aware of a need", "[assessment]") {
    Story s;
    Opportunity o("OPP-1");
    reach(o, s, Step::monitoring);  // the story never moved the buyer on
    auto a = assess(o, s.now());
    CHECK(a.coupling.earliest == BuyerStage::need_definition);
    CHECK(a.coupling.ahead);
    CHECK(raised(a, RiskFlag::ahead_of_buyer));
}

TEST_CASE("each people flag is raised when its facts hold, and not otherwise", "[assessment][flags]") {
    Story s;
    Opportunity o("OPP-1");
    apply_all(o, {s.open()});
    auto a = assess(o, s.now());
    // identification: people flags wait until qualification
    CHECK_FALSE(raised(a, RiskFlag::single_threaded));
    CHECK_FALSE(raised(a, RiskFlag::no_key_person_access));

    apply_all(o, s.evidence_for(Gate::qualification));
    apply_all(o, {s.advance()});
    a = assess(o, s.now());
    CHECK(raised(a, RiskFlag::single_threaded));
    CHECK(flag(a, RiskFlag::single_threaded).facts == std::vector<std::pair<std::string, std::string>>{{"active_contacts", "1"}});
    CHECK(raised(a, RiskFlag::no_key_person_access));
    CHECK_FALSE(raised(a, RiskFlag::no_advocate));  // asked for from tracking on

    apply_all(o, s.evidence_for(Gate::tracking));
    apply_all(o, {s.advance()});
    a = assess(o, s.now());
    CHECK_FALSE(raised(a, RiskFlag::single_threaded));
    CHECK_FALSE(raised(a, RiskFlag::no_key_person_access));
    CHECK(raised(a, RiskFlag::no_advocate));

    apply_all(o, s.evidence_for(Gate::monitoring));
    apply_all(o, {s.advance()});
    a = assess(o, s.now());
    CHECK_FALSE(raised(a, RiskFlag::no_advocate));
    CHECK(raised(a, RiskFlag::no_sales_guide));
    apply_all(o, {s.contact("c-guide", {Role::sales_guide})});
    CHECK_FALSE(raised(assess(o, s.now()), RiskFlag::no_sales_guide));
}

TEST_CASE("a competitor-tied contact with high authority", "[assessment][flags]") {
    Story s;
    Opportunity o("OPP-1");
    apply_all(o, {s.open(), s.contact("c-1", {Role::competitor_tie}, Authority::medium)});
    CHECK_FALSE(raised(assess(o, s.now()), RiskFlag::competitor_tie_authority));
    apply_all(o, {s.contact("c-1", {Role::competitor_tie}, Authority::high)});
    auto a = assess(o, s.now());
    REQUIRE(raised(a, RiskFlag::competitor_tie_authority));
    CHECK(flag(a, RiskFlag::competitor_tie_authority).facts[0] == std::pair<std::string, std::string>{"contact", "c-1"});
    // ties named on a competitor count too
    Story t("OPP-2");
    Opportunity p("OPP-2");
    events::Competitor comp;
    comp.name = "Kestrel";
    comp.ties = {"c-9"};
    apply_all(p, {t.open(), t.contact("c-9", {Role::stakeholder}, Authority::high), t.make(comp)});
    CHECK(raised(assess(p, t.now()), RiskFlag::competitor_tie_authority));
}

TEST_CASE("criteria misaligned only once the buyer is past need definition", "[assessment][flags]") {
    Story s;
    Opportunity o("OPP-1");
    apply_all(o, {s.open(), s.buyer(BuyerStage::need_definition, false)});
    CHECK_FALSE(raised(assess(o, s.now()), RiskFlag::criteria_misaligned));
    apply_all(o, {s.buyer(BuyerStage::evaluation)});
    CHECK(raised(assess(o, s.now()), RiskFlag::criteria_misaligned));
    apply_all(o, {s.buyer(BuyerStage::evaluation, true)});
    CHECK_FALSE(raised(assess(o, s.now()), RiskFlag::criteria_misaligned));
}

TEST_CASE("stalled: no new evidence for long, or too long in a step", "[assessment][flags]") {
    Story s;
    Opportunity o("OPP-1");
    reach(o, s, Step::tracking);
    CHECK_FALSE(raised(assess(o, s.now()), RiskFlag::stalled));
    auto a = assess(o, days_after(s.now(), 50));  // default: 45 days without evidence
    REQUIRE(raised(a, RiskFlag::stalled));
    CHECK(a.days_since_evidence == Approx(50).margin(1));
    apply_all(o, {s.evidence(EvidenceKind::time_commitment)});
    CHECK_FALSE(raised(assess(o, days_after(s.now(), 40)), RiskFlag::stalled));
    CHECK(raised(assess(o, days_after(s.now(), 100)), RiskFlag::stalled));
}

TEST_CASE("unfunded and a key person changed after qualification", "[assessment][flags]") {
    Story s;
    Opportunity o("OPP-1");
    reach(o, s, Step::tracking);
    CHECK_FALSE(raised(assess(o, s.now()), RiskFlag::unfunded));
    CHECK_FALSE(raised(assess(o, s.now()), RiskFlag::key_person_changed));
    o.apply(s.qualify(Criterion::funding, Answer::no));  // falls back: funding is a tracking requirement
    o.apply(s.left("c-kp"));
    auto a = assess(o, s.now());
    CHECK(raised(a, RiskFlag::unfunded));
    REQUIRE(raised(a, RiskFlag::key_person_changed));
    CHECK(flag(a, RiskFlag::key_person_changed).facts[0] == std::pair<std::string, std::string>{"contact", "c-kp"});
    // a key person who leaves before qualification is no change to a qualified deal
    Story t("OPP-2");
    Opportunity p("OPP-2");
    apply_all(p, {t.open(), t.contact("c-k", {Role::key_person}), t.left("c-k")});
    CHECK_FALSE(raised(assess(p, t.now()), RiskFlag::key_person_changed));
}

TEST_CASE("guidance: the next gate's unmet requirements, most unblocking first", "[assessment]") {
    Story s;
    Opportunity o("OPP-1");
    reach(o, s, Step::qualification);
    auto a = assess(o, s.now());
    REQUIRE(a.guidance.size() == 6);
    // key_person_access evidence is needed again to win: it unblocks two requirements
    CHECK(o.requirement(a.guidance[0].ref).code == "key_person_access");
    CHECK(a.guidance[0].unblocks == 2);
    for (std::size_t i = 1; i < a.guidance.size(); ++i) CHECK(a.guidance[i].unblocks == 1);
    // ties keep the playbook's order
    CHECK(o.requirement(a.guidance[1].ref).code == "funding");
    apply_all(o, s.evidence_for(Gate::tracking));
    CHECK(assess(o, s.now()).guidance.empty());
}

TEST_CASE("stage prior and forecast category", "[assessment]") {
    Story s;
    Opportunity o("OPP-1");
    reach(o, s, Step::monitoring);
    auto a = assess(o, s.now());
    CHECK(a.stage_prior == Approx(0.45));
    CHECK(a.category == ForecastCategory::best_case);
    apply_all(o, s.evidence_for(Gate::verification));
    apply_all(o, {s.advance()});
    CHECK(assess(o, s.now()).category == ForecastCategory::best_case);
    apply_all(o, {s.evidence(EvidenceKind::budget_commitment)});
    CHECK(assess(o, s.now()).category == ForecastCategory::commit);
    apply_all(o, {s.buyer(BuyerStage::final_approval), s.win()});
    a = assess(o, s.now());
    CHECK(a.stage_prior == 1.0);
    CHECK(a.category == ForecastCategory::closed);
    CHECK(a.guidance.empty());

    Story t("OPP-2");
    Opportunity p("OPP-2");
    apply_all(p, {t.open()});
    CHECK(assess(p, t.now()).category == ForecastCategory::pipeline);
    apply_all(p, {t.qualify(Criterion::funding, Answer::no)});
    CHECK(assess(p, t.now()).category == ForecastCategory::omitted);
    apply_all(p, {t.lose()});
    CHECK(assess(p, t.now()).stage_prior == 0.0);
}

TEST_CASE("a closed opportunity is judged as it stood when it closed", "[assessment]") {
    Story s;
    Opportunity o("OPP-1");
    reach(o, s, Step::tracking);
    apply_all(o, {s.lose()});
    const Timestamp closed = s.now();
    auto a = assess(o, days_after(closed, 400));
    CHECK(a.as_of == closed);
    CHECK_FALSE(raised(a, RiskFlag::stalled));
}

TEST_CASE("win features: steps and buyer stages reached, evidence, roles, flags, owner", "[assessment][model]") {
    Story s;
    Opportunity o("OPP-1");
    events::Open open{"Acme", "Deal", 10.0, std::nullopt, std::nullopt, std::string("li.wei"), {{"sector", "retail"}}};
    apply_all(o, {s.make(open)});
    apply_all(o, s.evidence_for(Gate::qualification));
    apply_all(o, {s.advance(), s.buyer(BuyerStage::need_definition)});
    const auto a = assess(o, s.now());
    CHECK(win_features(o, a, true) == std::vector<std::string>{"reached:identification", "reached:qualification",
                                                              "buyer:need_awareness", "buyer:need_definition",
                                                              "flag:no_key_person_access", "flag:single_threaded",
                                                              "owner=li.wei", "segment:sector=retail"});
    // scoring names only the stage it is at
    CHECK(win_features(o, a, false) == std::vector<std::string>{"reached:qualification", "buyer:need_definition",
                                                               "flag:no_key_person_access", "flag:single_threaded",
                                                               "owner=li.wei", "segment:sector=retail"});
}

TEST_CASE("the playbook's assessment section: defaults, overrides, round trip, errors", "[assessment][playbook]") {
    const auto& d = Playbook::default_playbook()->assessment();
    CHECK(d.cooling_days == 21);
    auto doc = Playbook::default_playbook()->to_json();
    CHECK(Playbook::from_json(doc).assessment() == d);
    doc["assessment"] = {{"flags", {{"stalled_step_days", 10}, {"severity", {{"stalled", "high"}}}}},
                         {"stage_priors", {{"tracking", 0.3}}},
                         {"in_step", {{"identification", {"need_awareness", "evaluation"}}}}};
    const auto custom = Playbook::from_json(doc);
    CHECK(custom.assessment().stalled_step_days == 10);
    CHECK(custom.assessment().severity[static_cast<std::size_t>(RiskFlag::stalled)] == Severity::high);
    CHECK(custom.assessment().stage_priors[2] == 0.3);
    CHECK(custom.assessment().cooling_days == 21);  // untouched keys keep their defaults
    CHECK(Playbook::from_json(custom.to_json()).assessment() == custom.assessment());

    auto error = [&](nlohmann::json section) {
        auto bad = Playbook::default_playbook()->to_json();
        bad["assessment"] = std::move(section);
        try {
            Playbook::from_json(bad);
        } catch (const PlaybookError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(error({{"speed", 1}}) == "playbook /assessment/speed: unexpected key 'speed'");
    CHECK(error({{"flags", {{"cooling_drop", 2}}}}) == "playbook /assessment/flags/cooling_drop: expected a number from 0 to 1");
    CHECK(error({{"flags", {{"severity", {{"gloom", "high"}}}}}}).find("/assessment/flags/severity/gloom: unknown risk flag") != std::string::npos);
    CHECK(error({{"flags", {{"severity", {{"stalled", "dire"}}}}}}).find("/assessment/flags/severity/stalled: expected a severity") != std::string::npos);
    CHECK(error({{"stage_priors", {{"tracking", 1.5}}}}) == "playbook /assessment/stage_priors/tracking: expected a number from 0 to 1");
    CHECK(error({{"in_step", {{"tracking", {"evaluation", "need_awareness"}}}}}) ==
          "playbook /assessment/in_step/tracking/1: must not come before 'evaluation'");
    CHECK(error({{"connection", {{"warm_volume", 9}}}}) == "playbook /assessment/connection/warm_volume: must not exceed hot_volume");
}
