// Every row of the transition table, accepted and refused.
#include <catch2/catch.hpp>

#include "builders.hpp"

using namespace pursuit;
using namespace pursuit::test;
using Codes = std::vector<std::string>;

namespace {

Step next(Step s) { return static_cast<Step>(static_cast<int>(s) + 1); }

}  // namespace

TEST_CASE("a new opportunity starts in identification with the buyer at need awareness", "[lifecycle]") {
    Opportunity opp("OPP-1");
    CHECK(opp.step() == Step::identification);
    CHECK_FALSE(opp.outcome());
    CHECK(opp.buyer_stage() == BuyerStage::need_awareness);
    CHECK_FALSE(opp.opened());
    CHECK(opp.history().empty());
}

TEST_CASE("advance: each gate refuses without its evidence, listing every unmet requirement", "[lifecycle][gates]") {
    const std::vector<std::pair<Step, Codes>> rows = {
        {Step::identification, {"warning_signal", "account_contact"}},
        {Step::qualification, {"funding", "timing", "unique_value", "business_driver", "decision_process", "key_person_access"}},
        {Step::tracking, {"situation_insights", "advocate", "buyer_commitment"}},  // the key person is mapped already
        {Step::monitoring, {"competition_assessed", "sales_guide", "communicator", "buyer_evaluating"}},
    };
    for (const auto& [from, unmet] : rows) {
        DYNAMIC_SECTION("from " << to_id(from)) {
            Opportunity opp("OPP-1");
            Story s;
            reach(opp, s, from);
            const Record refused = opp.apply(s.advance());
            CHECK(refused.verdict == Verdict::refused);
            CHECK(codes(opp, refused.unmet) == unmet);
            CHECK(refused.before.step == from);
            CHECK(refused.after.step == from);
            CHECK(opp.history().back().verdict == Verdict::refused);  // refusals are history too

            apply_all(opp, s.evidence_for(gate_on_from(from)));
            CHECK(opp.can_advance());
            const Record accepted = opp.apply(s.advance());
            CHECK(accepted.verdict == Verdict::accepted);
            CHECK(accepted.unmet.empty());
            CHECK(opp.step() == next(from));
        }
    }
}

TEST_CASE("a gate met in part reports exactly the missing part", "[lifecycle][gates]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::qualification);
    apply_all(opp, {s.qualify(Criterion::funding), s.qualify(Criterion::timing, Answer::no),
                    s.qualify(Criterion::decision_process, Answer::unknown)});
    const Record r = opp.apply(s.advance());
    CHECK(codes(opp, r.unmet) == Codes{"timing", "unique_value", "business_driver", "decision_process", "key_person_access"});
}

TEST_CASE("win: refused until the buyer approves with budget and access, then won", "[lifecycle][gates]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::verification);
    const Record refused = opp.apply(s.win());
    CHECK(refused.verdict == Verdict::refused);
    CHECK(codes(opp, refused.unmet) == Codes{"final_approval", "budget_commitment"});
    apply_all(opp, s.evidence_for(Gate::won));
    const Record won = opp.apply(s.win());
    CHECK(won.verdict == Verdict::accepted);
    CHECK(opp.outcome() == Outcome::won);
    CHECK(opp.step() == Step::verification);
    REQUIRE(opp.facts().closing);
    CHECK(opp.facts().closing->outcome == Outcome::won);
}

TEST_CASE("win applies only in verification", "[lifecycle]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::monitoring);
    const Record r = opp.apply(s.win());
    CHECK(r.verdict == Verdict::not_applicable);
    CHECK(r.reason ==
          "'win' applies from verification; the opportunity is in monitoring, where 'advance', 'lose' or 'disqualify' apply");
    CHECK(opp.step() == Step::monitoring);
}

TEST_CASE("advance in verification is not applicable", "[lifecycle]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::verification);
    const Record r = opp.apply(s.advance());
    CHECK(r.verdict == Verdict::not_applicable);
    CHECK(r.reason ==
          "'advance' applies from identification, qualification, tracking or monitoring; the opportunity is in verification, "
          "where 'win' or 'lose' apply");
}

TEST_CASE("lose: from every active step, with its reason; reopen returns to that step", "[lifecycle]") {
    for (Step from : {Step::identification, Step::qualification, Step::tracking, Step::monitoring, Step::verification}) {
        DYNAMIC_SECTION("from " << to_id(from)) {
            Opportunity opp("OPP-1");
            Story s;
            reach(opp, s, from);
            const Record lost = opp.apply(s.lose(LossReason::budget));
            CHECK(lost.verdict == Verdict::accepted);
            CHECK(opp.outcome() == Outcome::lost);
            CHECK(opp.step() == from);
            CHECK(opp.facts().closing->loss_reason == LossReason::budget);
            CHECK_FALSE(opp.requirements());  // closed: no next gate
            const Record reopened = opp.apply(s.reopen());
            CHECK(reopened.verdict == Verdict::accepted);
            CHECK_FALSE(opp.outcome());
            CHECK(opp.step() == from);
            CHECK_FALSE(opp.facts().closing);
        }
    }
}

TEST_CASE("disqualify: up to monitoring; reopen returns to that step; not in verification", "[lifecycle]") {
    for (Step from : {Step::identification, Step::qualification, Step::tracking, Step::monitoring}) {
        DYNAMIC_SECTION("from " << to_id(from)) {
            Opportunity opp("OPP-1");
            Story s;
            reach(opp, s, from);
            CHECK(opp.apply(s.disqualify()).verdict == Verdict::accepted);
            CHECK(opp.outcome() == Outcome::disqualified);
            CHECK(opp.facts().closing->disqualified_why == "not worth it");
            CHECK(opp.apply(s.reopen()).verdict == Verdict::accepted);
            CHECK(opp.step() == from);
            CHECK(opp.position().active());
        }
    }
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::verification);
    const Record r = opp.apply(s.disqualify());
    CHECK(r.verdict == Verdict::not_applicable);
    CHECK(r.reason ==
          "'disqualify' applies from identification, qualification, tracking or monitoring; the opportunity is in "
          "verification, where 'win' or 'lose' apply");
}

TEST_CASE("each lifecycle event applies exactly where the table has its rows, and says so where not", "[lifecycle]") {
    // Not applicable is read off the transition table: the steps each event leaves from.
    const std::vector<std::pair<Event (Story::*)(), std::vector<Step>>> applies = {
        {&Story::advance, {Step::identification, Step::qualification, Step::tracking, Step::monitoring}},
        {&Story::win, {Step::verification}},
        {&Story::disqualify, {Step::identification, Step::qualification, Step::tracking, Step::monitoring}},
        {&Story::reopen, {}},
    };
    for (Step at : {Step::identification, Step::qualification, Step::tracking, Step::monitoring, Step::verification}) {
        Opportunity opp("OPP-1");
        Story s;
        reach(opp, s, at);
        for (const auto& [make, steps] : applies) {
            Opportunity copy(opp);
            Story t = s;
            const Event e = (t.*make)();
            const Record r = copy.apply(e);
            const bool applies_here = std::find(steps.begin(), steps.end(), at) != steps.end();
            INFO(to_id(e.type()) << " in " << to_id(at) << ": " << r.reason);
            CHECK((r.verdict != Verdict::not_applicable) == applies_here);
            if (!applies_here)
                CHECK_THAT(r.reason, Catch::Matchers::Contains("; the opportunity is in " + std::string(to_id(at)) + ", where "));
        }
    }
}

TEST_CASE("reopen after a win returns to verification", "[lifecycle]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::verification);
    apply_all(opp, s.evidence_for(Gate::won));
    apply_all(opp, {s.win(), s.reopen()});
    CHECK(opp.step() == Step::verification);
    CHECK_FALSE(opp.outcome());
}

TEST_CASE("closed opportunities accept no lifecycle event but reopen, and still record facts", "[lifecycle]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::tracking);
    apply_all(opp, {s.lose()});
    for (Event e : {s.advance(), s.win(), s.lose(), s.disqualify()}) {
        const Record r = opp.apply(e);
        CHECK(r.verdict == Verdict::not_applicable);
        CHECK_THAT(r.reason, Catch::Matchers::StartsWith("'" + std::string(to_id(e.type())) + "' applies from ") &&
                                 Catch::Matchers::EndsWith("; the opportunity is lost, where only 'reopen' applies"));
        CHECK(opp.outcome() == Outcome::lost);
    }
    CHECK(opp.apply(s.interaction()).verdict == Verdict::accepted);  // the customer still calls
    CHECK(opp.facts().interactions.size() == 1);
}

TEST_CASE("reopen on an active opportunity is not applicable", "[lifecycle]") {
    Opportunity opp("OPP-1");
    Story s;
    reach(opp, s, Step::qualification);
    const Record r = opp.apply(s.reopen());
    CHECK(r.verdict == Verdict::not_applicable);
    CHECK(r.reason ==
          "'reopen' applies from won, lost or disqualified; the opportunity is in qualification, where 'advance', 'lose' "
          "or 'disqualify' apply");
}

TEST_CASE("the buyer region moves forward, jumps (late entry) and goes back", "[lifecycle][buyer]") {
    Opportunity opp("OPP-1");
    Story s;
    apply_all(opp, {s.open()});
    SECTION("one stage at a time is a normal observation") {
        for (BuyerStage b : {BuyerStage::need_definition, BuyerStage::evaluation, BuyerStage::final_approval, BuyerStage::purchased}) {
            const Record r = opp.apply(s.buyer(b));
            CHECK(r.verdict == Verdict::accepted);
            CHECK_FALSE(r.late_entry);
            CHECK(r.buyer_after == b);
        }
        const Record r = opp.apply(s.buyer(BuyerStage::evaluation));
        CHECK(r.verdict == Verdict::not_applicable);
        CHECK(r.reason ==
              "'buyer_stage' applies from need_awareness, need_definition, evaluation or final_approval; the buyer is in "
              "purchased, where no event applies");
        CHECK(opp.buyer_stage() == BuyerStage::purchased);
    }
    SECTION("a jump past a stage we never saw is a late entry, criteria noted") {
        const Record r = opp.apply(s.buyer(BuyerStage::evaluation, false));
        CHECK(r.verdict == Verdict::accepted);
        CHECK(r.late_entry);
        CHECK(r.buyer_before == BuyerStage::need_awareness);
        CHECK(r.buyer_after == BuyerStage::evaluation);
        CHECK(opp.facts().criteria_aligned == false);
    }
    SECTION("going back (the buyer reopens evaluation) is recorded") {
        apply_all(opp, {s.buyer(BuyerStage::final_approval)});
        const Record r = opp.apply(s.buyer(BuyerStage::need_definition));
        CHECK(r.verdict == Verdict::accepted);
        CHECK(r.buyer_backward);
        CHECK(opp.buyer_stage() == BuyerStage::need_definition);
    }
    SECTION("seeing the same stage again confirms it") {
        apply_all(opp, {s.buyer(BuyerStage::need_definition)});
        const Record r = opp.apply(s.buyer(BuyerStage::need_definition, true));
        CHECK(r.verdict == Verdict::accepted);
        CHECK_FALSE(r.late_entry);
        CHECK_FALSE(r.buyer_backward);
        CHECK(opp.facts().criteria_aligned == true);
    }
}

TEST_CASE("the machine's diagram is generated from its transition table", "[lifecycle][diagram]") {
    const std::string dot = Opportunity::diagram(DiagramFormat::dot);
    CHECK(dot.rfind("digraph opportunity {", 0) == 0);
    CHECK(dot.find("identification -> qualification [label=\"advance [gate qualification]\"];") != std::string::npos);
    CHECK(dot.find("verification -> won [label=\"win [gate won]\"];") != std::string::npos);
    CHECK(dot.find("lost -> tracking [label=\"reopen [closed from tracking]\"];") != std::string::npos);
    CHECK(dot.find("final_approval -> evaluation [label=\"buyer_stage [observed earlier]\"];") != std::string::npos);
    std::size_t rows = 0;
    for (std::size_t at = dot.find(" -> "); at != std::string::npos; at = dot.find(" -> ", at + 1)) ++rows;
    CHECK(rows == 35);
    const std::string mermaid = Opportunity::diagram(DiagramFormat::mermaid);
    CHECK(mermaid.rfind("stateDiagram-v2", 0) == 0);
    CHECK(mermaid.find("monitoring --> verification : advance [gate verification]") != std::string::npos);
}
