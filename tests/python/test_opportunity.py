import pickle

import pandas as pd
import pytest

import pursuit
from pursuit import BuyerStage, EventType, Gate, Opportunity, Outcome, Step, Verdict

from story import Story


def test_a_new_opportunity():
    opp = Opportunity("OPP-1")
    assert opp.step is Step.IDENTIFICATION and opp.outcome is None and opp.is_active
    assert opp.buyer_stage is BuyerStage.NEED_AWARENESS
    assert opp.next_gate is Gate.QUALIFICATION
    assert opp.history.empty
    assert repr(opp) == "<Opportunity 'OPP-1': identification, buyer at need_awareness>"


def test_apply_dicts_json_and_events():
    s = Story()
    opp = Opportunity("OPP-1")
    r = opp.apply(s.open())
    assert r.accepted and r.type is EventType.OPEN and r.verdict is Verdict.ACCEPTED
    import json
    assert opp.apply(json.dumps(s.make("signal", kind="implicit_need"))).accepted
    assert opp.apply(pursuit.Event(s.make("contact", contact="c-1"))).accepted
    assert opp.can_advance()
    results = opp.apply_all([s.make("advance")])
    assert results[0].step_before is Step.IDENTIFICATION and results[0].step_after is Step.QUALIFICATION
    assert opp.step is Step.QUALIFICATION


def test_a_refusal_is_a_result_with_every_unmet_requirement():
    s = Story()
    opp = Opportunity("OPP-1")
    opp.apply_all(s.to("qualification"))
    r = opp.apply(s.make("advance"))
    assert r.verdict is Verdict.REFUSED and not r.accepted
    assert [u.code for u in r.unmet] == ["funding", "timing", "unique_value", "business_driver", "decision_process",
                                         "key_person_access"]
    assert r.unmet[0].gate is Gate.TRACKING
    assert r.unmet[5].action["zh"] == "约见关键人并记录接触证据"
    assert opp.step is Step.QUALIFICATION


def test_requirements_and_can_advance_are_side_effect_free():
    s = Story()
    opp = Opportunity("OPP-1")
    opp.apply_all(s.to("qualification"))
    before = opp.history
    report = opp.requirements()
    assert report.gate is Gate.TRACKING and not report.open
    assert [i.code for i in report.unmet][-1] == "key_person_access"
    assert report.items[-1].have == 0 and report.items[-1].need == 1
    frame = report.to_frame("zh")
    assert list(frame.columns) == ["code", "met", "have", "need", "requirement", "action"]
    assert frame["requirement"].iloc[0] == "资金已划拨到位"
    assert opp.requirements("qualification").open
    assert not opp.can_advance()
    pd.testing.assert_frame_equal(opp.history, before)


def test_fall_back_and_history_frame():
    s = Story()
    opp = Opportunity("OPP-1")
    opp.apply_all(s.to("monitoring"))
    r = opp.apply(s.make("contact_left", contact="c-adv"))
    assert r.verdict is Verdict.FELL_BACK
    assert (r.step_before, r.step_after) == (Step.MONITORING, Step.TRACKING)
    assert [u.code for u in r.unmet] == ["advocate"]
    h = opp.history
    assert list(h.columns[:4]) == ["event_id", "at", "type", "verdict"]
    assert str(h["at"].dt.tz) == "UTC"
    assert h.iloc[-1]["verdict"] == "fell_back" and h.iloc[-1]["unmet"] == ["advocate"]
    assert h["step_after"].tolist()[-1] == "tracking"


def test_lose_reopen_and_outcomes():
    s = Story()
    opp = Opportunity("OPP-1")
    opp.apply_all(s.to("tracking"))
    assert opp.apply(s.make("lose", reason="budget")).accepted
    assert opp.outcome is Outcome.LOST and opp.step is Step.TRACKING and not opp.is_active
    assert opp.requirements() is None and opp.next_gate is None
    assert opp.facts["closing"]["loss_reason"] == "budget"
    r = opp.apply(s.make("advance"))
    assert r.verdict is Verdict.NOT_APPLICABLE and r.reason == (
        "'advance' applies from identification, qualification, tracking or monitoring; "
        "the opportunity is lost, where only 'reopen' applies"
    )
    assert opp.apply(s.make("reopen")).accepted and opp.step is Step.TRACKING


def test_rejected_events_say_why_and_change_nothing():
    s = Story()
    opp = Opportunity("OPP-1")
    r = opp.apply(s.make("signal", kind="implicit_need"))
    assert r.verdict is Verdict.REJECTED and "first event must be 'open'" in r.reason
    opp.apply(s.open())
    r = opp.apply(s.make("evidence", kind="trial", contact="c-9"))
    assert r.reason == "unknown contact 'c-9': record it with a 'contact' event first"
    assert len(opp.history) == 1


def test_bad_events_raise_event_error_naming_the_field():
    opp = Opportunity("OPP-1")
    with pytest.raises(pursuit.EventError) as info:
        opp.apply({"id": "e-1", "opportunity": "OPP-1", "at": "2026-01-01T00:00:00Z", "type": "evidence", "kind": "hug"})
    assert info.value.field == "kind" and info.value.event_id == "e-1"


def test_facts_are_plain_data():
    s = Story()
    opp = Opportunity("OPP-1")
    opp.apply_all(s.to("tracking"))
    facts = opp.facts
    assert facts["header"]["account"] == "Acme"
    assert [c["id"] for c in facts["contacts"]] == ["c-1", "c-kp"]
    assert facts["contacts"][1]["roles"] == ["key_person"]
    assert facts["evidence"][0]["kind"] == "key_person_access" and facts["evidence"][0]["valid"]
    assert facts["answers"]["decision_process"]["answer"] == "no" and "relationship" not in facts["answers"]


def test_explain_in_both_languages():
    s = Story()
    opp = Opportunity("OPP-1")
    opp.apply_all(s.to("tracking"))
    en = opp.explain("en")
    assert en.startswith("OPP-1 (Acme · Deal) is in Tracking; the buyer is at Need awareness.")
    assert "To pass the Gate to monitoring it needs:" in en
    assert "Develop an advocate who speaks for us when we are absent" in en
    zh = opp.explain("zh")
    assert "处于 跟踪" in zh and "培养在我们不在场时为我们说话的代言人" in zh
    pursuit.options.lang = "zh"
    try:
        assert opp.explain() == zh
    finally:
        pursuit.options.lang = "en"
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        opp.explain("fr")


def test_state_and_pickle_round_trip():
    s = Story()
    opp = Opportunity("OPP-1")
    opp.apply_all(s.to("monitoring") + [s.make("contact_left", contact="c-adv"), s.make("lose", reason="competitor")])
    again = pickle.loads(pickle.dumps(opp))
    assert again.state() == opp.state()
    assert (again.step, again.outcome, again.buyer_stage) == (opp.step, opp.outcome, opp.buyer_stage)
    pd.testing.assert_frame_equal(again.history, opp.history)
    # the restored opportunity carries on like the original
    e = s.make("reopen")
    assert again.apply(e).accepted and opp.apply(e).accepted
    assert again.state() == opp.state()


def test_damaged_or_foreign_state_is_refused():
    with pytest.raises(ValueError, match="not a saved pursuit opportunity"):
        Opportunity.from_state({"format": "something else"})
    state = Opportunity("OPP-1").state()
    with pytest.raises(ValueError, match="version 99; this pursuit reads version 1"):
        Opportunity.from_state({**state, "version": 99})
    with pytest.raises(ValueError, match="damaged"):
        Opportunity.from_state({**state, "facts": 7})


def test_diagram_comes_from_the_machine():
    dot = Opportunity.diagram()
    assert dot.startswith("digraph opportunity") and dot.count(" -> ") == 35
    assert "monitoring --> verification : advance [gate verification]" in Opportunity.diagram("mermaid")
    with pytest.raises(ValueError):
        Opportunity.diagram("svg")
