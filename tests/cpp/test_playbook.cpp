#include <catch2/catch.hpp>

#include "builders.hpp"

using namespace pursuit;
using namespace pursuit::test;

namespace {

const std::string kTexts = R"("text":{"en":"t","zh":"要求"},"action":{"en":"a","zh":"行动"})";

std::string gate_with(const std::string& requirement) {
    return R"({"gates":{"tracking":[)" + requirement + "]}}";
}

}  // namespace

TEST_CASE("the default playbook is DOMAIN.md's table", "[playbook]") {
    const auto& p = *Playbook::default_playbook();
    CHECK(p.name() == "default");
    CHECK(p.gate(Gate::qualification).size() == 2);
    CHECK(p.gate(Gate::tracking).size() == 6);
    CHECK(p.gate(Gate::monitoring).size() == 4);
    CHECK(p.gate(Gate::verification).size() == 4);
    CHECK(p.gate(Gate::won).size() == 3);
    CHECK(p.gate(Gate::lost).empty());
    CHECK(p.gate(Gate::disqualified).empty());
    for (std::size_t g = 0; g < size<Gate>(); ++g)
        for (const auto& q : p.gate(static_cast<Gate>(g))) {
            INFO(q.code);
            CHECK(!q.text.en.empty());
            CHECK(!q.text.zh.empty());
            CHECK(!q.action.en.empty());
            CHECK(!q.action.zh.empty());
        }
    CHECK_FALSE(p.has_custom());
}

TEST_CASE("a playbook round-trips through its JSON", "[playbook]") {
    const auto& p = *Playbook::default_playbook();
    const auto json = p.to_json();
    const Playbook again = Playbook::from_json(nlohmann::json::parse(json.dump()));
    CHECK(again.to_json() == json);
    CHECK(json["gates"]["tracking"][5]["code"] == "key_person_access");
    CHECK(json["gates"]["tracking"][4]["answers"] == nlohmann::ordered_json::array({"yes", "no"}));
}

TEST_CASE("an organisation can relax or tighten a gate without recompiling", "[playbook]") {
    SECTION("relaxed: tracking needs only funding") {
        auto doc = Playbook::default_playbook()->to_json();
        doc["gates"]["tracking"] = nlohmann::ordered_json::parse(
            R"([{"code":"funding","kind":"answer","criterion":"funding","answers":["yes"],)" + kTexts + "}]");
        Opportunity opp("OPP-1", std::make_shared<const Playbook>(Playbook::parse(doc.dump())));
        Story s;
        reach(opp, s, Step::qualification);
        apply_all(opp, {s.qualify(Criterion::funding), s.advance()});
        CHECK(opp.step() == Step::tracking);
    }
    SECTION("tightened: qualification needs two contacts") {
        auto doc = Playbook::default_playbook()->to_json();
        doc["gates"]["qualification"][1]["min"] = 2;
        Opportunity opp("OPP-1", std::make_shared<const Playbook>(Playbook::parse(doc.dump())));
        Story s;
        apply_all(opp, {s.open(), s.signal(), s.contact("c-1")});
        const auto report = *opp.requirements();
        CHECK(report.items[1].have == 1);
        CHECK(report.items[1].need == 2);
        CHECK(opp.apply(s.advance()).verdict == Verdict::refused);
        apply_all(opp, {s.contact("c-2"), s.advance()});
        CHECK(opp.step() == Step::qualification);
    }
}

TEST_CASE("playbook errors name the path in the document and what was expected", "[playbook][errors]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"{", "playbook /: malformed JSON at column 2: syntax error while parsing object key - unexpected end of input; expected string literal"},
        {R"({"name":"a","name":"b"})", "playbook /name: appears twice in one object"},
        {gate_with(R"({"code":"x","kind":"contacts","min":1e400,)" + kTexts + "}"), "playbook /gates/tracking/0/min: the number 1e400 is out of range (a number must be finite and within ±1.7e308)"},
        {"[]", "playbook /: expected an object"},
        {R"({"gates":{},"extra":1})", "playbook /extra: unexpected key 'extra'"},
        {R"({})", "playbook /gates: is missing"},
        {R"({"gates":[]})", "playbook /gates: expected an object keyed by gate"},
        {R"({"gates":{"negotiation":[]}})", "playbook /gates/negotiation: unknown gate; expected one of qualification, tracking, monitoring, verification, won, lost, disqualified"},
        {R"({"gates":{"tracking":{}}})", "playbook /gates/tracking: expected an array of requirements"},
        {gate_with("1"), "playbook /gates/tracking/0: expected a requirement object"},
        {gate_with(R"({"code":"x","kind":"vibes",)" + kTexts + "}"), "playbook /gates/tracking/0/kind: expected a requirement kind: one of answer, signals, contacts, evidence, insights, competitor_assessed, buyer_stage, custom"},
        {gate_with(R"({"code":"x","kind":"custom",)" + kTexts + "}"), "playbook /gates/tracking/0/kind: custom requirements are added from code (Playbook.add_requirement), not from JSON"},
        {gate_with(R"({"kind":"competitor_assessed",)" + kTexts + "}"), "playbook /gates/tracking/0/code: is missing"},
        {gate_with(R"({"code":"Bad Code","kind":"competitor_assessed",)" + kTexts + "}"), "playbook /gates/tracking/0/code: expected lower-case letters, digits and _, got 'Bad Code'"},
        {gate_with(R"({"code":"x","kind":"competitor_assessed","text":{"en":"t"},"action":{"en":"a","zh":"行动"}})"), "playbook /gates/tracking/0/text/zh: is missing"},
        {gate_with(R"({"code":"x","kind":"competitor_assessed","text":{"en":"t","zh":""},"action":{"en":"a","zh":"行动"}})"), "playbook /gates/tracking/0/text/zh: expected a non-empty string"},
        {gate_with(R"({"code":"x","kind":"competitor_assessed","text":{"en":"t","zh":"z","fr":"f"},"action":{"en":"a","zh":"行动"}})"), "playbook /gates/tracking/0/text/fr: unexpected key 'fr'"},
        {gate_with(R"({"code":"x","kind":"competitor_assessed","min":2,)" + kTexts + "}"), "playbook /gates/tracking/0/min: unexpected key 'min'"},
        {gate_with(R"({"code":"x","kind":"answer","answers":["yes"],)" + kTexts + "}"), "playbook /gates/tracking/0/criterion: is missing"},
        {gate_with(R"({"code":"x","kind":"answer","criterion":"money","answers":["yes"],)" + kTexts + "}"), "playbook /gates/tracking/0/criterion: expected a qualification criterion: one of funding, timing, business_driver, unique_value, relationship, decision_process"},
        {gate_with(R"({"code":"x","kind":"answer","criterion":"funding","answers":[],)" + kTexts + "}"), "playbook /gates/tracking/0/answers: expected a non-empty array"},
        {gate_with(R"({"code":"x","kind":"answer","criterion":"funding","answers":["yes","perhaps"],)" + kTexts + "}"), "playbook /gates/tracking/0/answers/1: expected an answer: one of yes, no, unknown"},
        {gate_with(R"({"code":"x","kind":"answer","criterion":"funding","answers":["yes","yes"],)" + kTexts + "}"), "playbook /gates/tracking/0/answers/1: repeats 'yes'"},
        {gate_with(R"({"code":"x","kind":"contacts","min":0,)" + kTexts + "}"), "playbook /gates/tracking/0/min: expected a whole number from 1 to 1000000"},
        {gate_with(R"({"code":"x","kind":"contacts","min":1.5,)" + kTexts + "}"), "playbook /gates/tracking/0/min: expected a whole number from 1 to 1000000"},
        {gate_with(R"({"code":"x","kind":"contacts","access":"yes",)" + kTexts + "}"), "playbook /gates/tracking/0/access: expected true or false"},
        {gate_with(R"({"code":"x","kind":"contacts","role":"boss",)" + kTexts + "}"), "playbook /gates/tracking/0/role: expected a contact role: one of key_person, key_opinion_leader, stakeholder, communicator, sales_guide, competitor_tie"},
        {gate_with(R"({"code":"x","kind":"evidence",)" + kTexts + "}"), "playbook /gates/tracking/0/evidence_kinds: is missing"},
        {gate_with(R"({"code":"x","kind":"evidence","evidence_kinds":["trial"],"max_age_days":0,)" + kTexts + "}"), "playbook /gates/tracking/0/max_age_days: expected a whole number from 1 to 1000000"},
        {gate_with(R"({"code":"x","kind":"insights","topics":["weather"],)" + kTexts + "}"), "playbook /gates/tracking/0/topics/0: expected an insight topic: one of industry, goals, problem, investment_reason, benefits, political_ecology"},
        {gate_with(R"({"code":"x","kind":"buyer_stage",)" + kTexts + "}"), "playbook /gates/tracking/0/min_stage: is missing"},
        {gate_with(R"({"code":"x","kind":"competitor_assessed",)" + kTexts + R"(},{"code":"x","kind":"competitor_assessed",)" + kTexts + "}"), "playbook /gates/tracking/1/code: duplicate code 'x' in this gate"},
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        DYNAMIC_SECTION("case " << i) {
            INFO(cases[i].first);
            try {
                Playbook::parse(cases[i].first);
                FAIL("accepted");
            } catch (const PlaybookError& err) {
                CHECK(std::string(err.what()) == cases[i].second);
            }
        }
    }
}

TEST_CASE("a PlaybookError carries the path and the reason", "[playbook][errors]") {
    try {
        Playbook::parse(gate_with(R"({"code":"x","kind":"contacts","min":0,)" + kTexts + "}"));
        FAIL("accepted");
    } catch (const PlaybookError& err) {
        CHECK(err.path() == "/gates/tracking/0/min");
        CHECK(err.reason() == "expected a whole number from 1 to 1000000");
    }
}

TEST_CASE("custom requirements are validated too", "[playbook][custom]") {
    Playbook p = *Playbook::default_playbook();
    auto yes = [](const Opportunity&) { return true; };
    CHECK_THROWS_WITH(p.add_custom(Gate::won, "", {"a", "b"}, {"a", "b"}, yes), "playbook /gates/won: a custom requirement needs a code");
    CHECK_THROWS_WITH(p.add_custom(Gate::won, "x", {"a", ""}, {"a", "b"}, yes),
                      "playbook /gates/won: custom requirement 'x' needs English and Chinese text and action");
    CHECK_THROWS_WITH(p.add_custom(Gate::won, "x", {"a", "b"}, {"a", "b"}, nullptr), "playbook /gates/won: custom requirement 'x' needs a check");
    CHECK_THROWS_WITH(p.add_custom(Gate::won, "budget_commitment", {"a", "b"}, {"a", "b"}, yes),
                      "playbook /gates/won: duplicate code 'budget_commitment' in this gate");
    p.add_custom(Gate::won, "signed", {"a", "b"}, {"a", "b"}, yes);
    CHECK(p.has_custom());
    CHECK(p.gate(Gate::won).size() == 4);
    CHECK(p.to_json()["gates"]["won"].size() == 3);  // code is not data
}
