// Facts that name a contact keep its place in the contact list (interned),
// and the saved state still writes the contact's id.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "builders.hpp"
#include "pursuit/opportunity.hpp"

using namespace pursuit;
using namespace pursuit::test;

namespace {

Event interaction_with(Story& s, const std::string& contact) {
    return s.make(events::Interaction{Channel::visit, Direction::outbound, 2, contact});
}

}  // namespace

TEST_CASE("facts name contacts by their place, once per contact", "[facts][contacts]") {
    Opportunity opp("OPP-1");
    Story s;
    for (const auto& e : {s.open(), s.contact("c-1"), s.contact("c-2"), s.signal(), interaction_with(s, "c-2"),
                          s.evidence(EvidenceKind::trial, "c-1"), s.evidence(EvidenceKind::time_commitment),
                          s.contact("c-2", {Role::stakeholder})})
        REQUIRE(opp.apply(e).verdict == Verdict::accepted);
    const Facts& f = opp.facts();
    REQUIRE(f.contacts.size() == 2);  // the upsert of c-2 added no one
    CHECK(f.contact_index("c-1") == ContactIndex{0});
    CHECK(f.contact_index("c-2") == ContactIndex{1});
    CHECK_FALSE(f.contact_index("c-3"));
    CHECK(f.contact_at(1)->id == "c-2");
    CHECK(f.contact_at(kNoContact) == nullptr);
    CHECK(f.signals.front().contact == kNoContact);
    CHECK(f.interactions.front().contact == 1);
    CHECK(f.evidence[0].contact == 0);
    CHECK(f.evidence[1].contact == kNoContact);

    SECTION("a contact who leaves keeps their place; their evidence goes and the signal names them") {
        REQUIRE(opp.apply(s.left("c-1")).verdict == Verdict::accepted);
        CHECK(opp.facts().signals.back().contact == 0);
        CHECK(opp.facts().signals.back().derived);
        CHECK_FALSE(opp.facts().evidence[0].valid);
        CHECK(opp.facts().evidence[1].valid);
        CHECK(opp.facts().valid_evidence(EvidenceKind::trial) == 0);
        REQUIRE(opp.apply(s.contact("c-1")).verdict == Verdict::accepted);  // back again
        CHECK(opp.facts().contacts.size() == 2);
        CHECK(opp.facts().contacts[0].active);
    }

    SECTION("the saved state writes ids, and reads them back into places") {
        const nlohmann::json state = opp.to_json();
        const auto& facts = state.at("facts");
        CHECK(facts.at("interactions")[0].at("contact") == "c-2");
        CHECK(facts.at("evidence")[0].at("contact") == "c-1");
        CHECK(facts.at("evidence")[1].at("contact").is_null());
        CHECK(facts.at("signals")[0].at("contact").is_null());
        CHECK(facts.at("interactions")[0] ==
              nlohmann::json{{"channel", "visit"}, {"direction", "outbound"}, {"volume", 2}, {"contact", "c-2"},
                             {"at", opp.facts().interactions[0].at}});
        const Opportunity back = Opportunity::from_json(nlohmann::json::parse(state.dump()));
        CHECK(back.facts() == opp.facts());
        CHECK(back.to_json() == state);
    }

    SECTION("a saved state naming a contact it does not have is refused") {
        nlohmann::json state = opp.to_json();
        state["facts"]["evidence"][0]["contact"] = "c-9";
        CHECK_THROWS_WITH(Opportunity::from_json(state),
                          "saved opportunity is damaged: its facts name unknown contact \"c-9\"");
    }
}

TEST_CASE("contacts are told apart by every byte of their ids, at every length", "[facts][contacts]") {
    // Ids are compared in word-sized pieces; a difference anywhere must tell.
    for (std::size_t n = 1; n <= 20; ++n) {
        Opportunity opp("OPP-1");
        Story s;
        opp.apply(s.open());
        const std::string base(n, 'a');
        std::vector<std::string> ids{base};
        for (std::size_t at = 0; at < n; ++at) {
            std::string id = base;
            id[at] = 'b';
            ids.push_back(id);
        }
        for (const auto& id : ids) REQUIRE(opp.apply(s.contact(id)).verdict == Verdict::accepted);
        REQUIRE(opp.facts().contacts.size() == ids.size());
        for (std::size_t i = 0; i < ids.size(); ++i) CHECK(opp.facts().contact_index(ids[i]) == i);
        CHECK_FALSE(opp.facts().contact_index(std::string(n, 'c')));
        CHECK_FALSE(opp.facts().contact_index(base + "a"));
        CHECK_FALSE(opp.facts().contact_index(base.substr(1)));
    }
}

TEST_CASE("repeated text in facts is held once, and reads and saves as text", "[facts][names]") {
    const Name a("Acme 华东"), b(std::string("Acme 华东")), other("Kestrel");
    CHECK(&a.str() == &b.str());  // one interned copy
    CHECK(a == b);
    CHECK(a != other);
    CHECK(a == "Acme 华东");
    CHECK(std::string_view(a) == "Acme 华东");
    const Name absent, from_null(std::nullopt), from_empty{std::string_view{}};
    CHECK_FALSE(absent.has_value());
    CHECK(absent == from_null);
    CHECK(absent == from_empty);
    CHECK(absent.value_or("none") == "none");
    CHECK(a.value_or("none") == "Acme 华东");
    CHECK(sizeof(Name) == sizeof(void*));

    Opportunity one("OPP-1"), two("OPP-2");
    Story s1("OPP-1"), s2("OPP-2");
    REQUIRE(one.apply(s1.open()).verdict == Verdict::accepted);
    REQUIRE(two.apply(s2.open()).verdict == Verdict::accepted);
    CHECK(&one.facts().header.account.str() == &two.facts().header.account.str());
    CHECK(one.facts().header.currency == "CNY");
    CHECK_FALSE(one.facts().header.owner.has_value());
    const auto saved = one.to_json();
    CHECK(saved["facts"]["header"]["account"] == "Acme");
    CHECK(saved["facts"]["header"]["owner"].is_null());
    const Opportunity back = Opportunity::from_json(saved);
    CHECK(back.facts() == one.facts());
    CHECK(back.to_json() == saved);
}

TEST_CASE("answers are kept for the criteria answered, saved one per criterion", "[facts][answers]") {
    Opportunity opp("OPP-1");
    Story s;
    opp.apply(s.open());
    opp.apply(s.make(events::Qualify{Criterion::timing, Answer::no}));
    opp.apply(s.make(events::Qualify{Criterion::funding, Answer::yes}));
    opp.apply(s.make(events::Qualify{Criterion::timing, Answer::yes}));  // the latest answer replaces
    const Facts& f = opp.facts();
    CHECK(f.answers.size() == 2);
    CHECK(f.answer(Criterion::timing) == Answer::yes);
    CHECK(f.answer(Criterion::funding) == Answer::yes);
    CHECK_FALSE(f.answer(Criterion::unique_value));
    const auto saved = opp.to_json()["facts"]["answers"];
    REQUIRE(saved.size() == size<Criterion>());
    CHECK(saved[static_cast<std::size_t>(Criterion::timing)]["answer"] == "yes");
    CHECK(saved[static_cast<std::size_t>(Criterion::unique_value)].is_null());
    CHECK(Opportunity::from_json(opp.to_json()).facts() == f);
    auto damaged = opp.to_json();
    damaged["facts"]["answers"].erase(0);
    CHECK_THROWS_AS(Opportunity::from_json(damaged), std::invalid_argument);
}
