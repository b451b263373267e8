"""Assessment from Python: the columns, one opportunity's flags and guidance, flags written in Python."""

import pickle

import pandas as pd
import pytest

import pursuit
from pursuit import ConnectionLevel, ForecastCategory, Pipeline, Playbook, RiskFlag, Severity

from story import Story


def pipeline_of(*stories, playbook=None) -> Pipeline:
    p = Pipeline(playbook)
    p.apply([e for s in stories for e in s])
    return p


def test_pipeline_assess_has_a_row_per_opportunity_and_a_column_per_flag():
    a, b = Story("A"), Story("B")
    p = pipeline_of(a.to("qualification"), b.to("tracking"))
    df = p.assess()
    assert list(df["opportunity"]) == p.ids
    for flag in RiskFlag:
        assert df[f"flag:{flag.value}"].dtype == bool
    row = df.set_index("opportunity").loc["A"]
    assert row["flag:single_threaded"] and row["flag:no_key_person_access"]
    assert row["next_action"] == "key_person_access"  # needed again to win: unblocks most
    assert row["stage_prior"] == pytest.approx(0.10)
    assert row["category"] == ForecastCategory.PIPELINE.value
    assert row["connection"] == ConnectionLevel.COLD.value
    assert row["max_severity"] == Severity.HIGH.value
    assert isinstance(df["judged_at"].dtype, pd.DatetimeTZDtype)
    b_row = df.set_index("opportunity").loc["B"]
    assert b_row["flag:no_advocate"] and not b_row["flag:single_threaded"]
    assert b_row["evidence_missing"] == "time_commitment,resource_commitment,budget_commitment"  # vocabulary order


def test_as_of_moves_time_based_flags():
    s = Story("A")
    p = pipeline_of(s.to("tracking"))
    assert not p.assess()["flag:stalled"].iloc[0]
    assert p.assess(as_of="2027-01-01")["flag:stalled"].iloc[0]


def test_one_opportunity(sample_path):
    p = Pipeline()
    p.apply(sample_path)
    snap = p.snapshot()
    blocked = snap[snap["outcome"].isna() & ~snap["can_advance"]]["opportunity"].iloc[0]
    a = p[blocked].assess()
    assert a.guidance and all(g.action["zh"] for g in a.guidance)
    assert [g.unblocks for g in a.guidance] == sorted((g.unblocks for g in a.guidance), reverse=True)
    flags = a.flags_frame("zh")
    assert list(flags.columns) == ["flag", "severity", "text", "facts"]
    assert all(isinstance(f.code, RiskFlag) for f in a.flags)
    if a.flags:
        assert a.flags[0].describe("en").startswith("[")
    assert a.guidance_frame()["code"].tolist() == [g.code for g in a.guidance]
    assert a.category in set(ForecastCategory)


def test_an_unopened_opportunity_cannot_be_assessed():
    with pytest.raises(ValueError, match="has not been opened"):
        pursuit.Opportunity("X").assess()


def big_deal(opp, assessment):
    amount = opp.facts["header"].get("amount") or 0
    return {"amount": amount} if amount > 5000 else None


def test_flags_written_in_python():
    pb = Playbook.default()
    pb.add_flag("big_deal", big_deal, text={"en": "A big deal", "zh": "大单"}, severity="high")
    small, big = Story("S"), Story("B")
    p = pipeline_of([small.open(amount=100.0)], [big.open(amount=9000.0)], playbook=pb)
    df = p.assess().set_index("opportunity")
    assert df.loc["B", "flag:big_deal"] and not df.loc["S", "flag:big_deal"]
    assert df.loc["B", "max_severity"] == "high"
    flag = [f for f in p["B"].assess().flags if f.code == "big_deal"][0]
    assert flag.facts == {"amount": 9000.0} and flag.text["zh"] == "大单" and flag.severity is Severity.HIGH
    again = pickle.loads(pickle.dumps(pb))
    assert [f.code for f in again._flags] == ["big_deal"]
    with pytest.raises(ValueError, match="must be new"):
        pb.add_flag("stalled", lambda o, a: True, text="x")
    with pytest.raises(TypeError):
        pb.add_flag("x", "not callable", text="x")


def test_a_failing_python_flag_names_itself_and_the_opportunity():
    pb = Playbook.default().add_flag("boom", lambda o, a: 1 / 0, text="boom")
    p = pipeline_of([Story("A").open()], playbook=pb)
    with pytest.raises(RuntimeError, match="risk flag 'boom' failed on opportunity 'A'"):
        p.assess()


def test_playbook_assessment_thresholds_are_data():
    doc = Playbook.default().to_dict()
    assert doc["assessment"]["flags"]["stalled_evidence_days"] == 45
    doc["assessment"]["flags"]["stalled_evidence_days"] = 400
    doc["assessment"]["flags"]["stalled_step_days"] = 400
    relaxed = Playbook.from_dict(doc)
    s = Story("A")
    events = s.to("tracking")
    assert pipeline_of(events).assess(as_of="2026-12-01")["flag:stalled"].iloc[0]
    assert not pipeline_of(events, playbook=relaxed).assess(as_of="2026-12-01")["flag:stalled"].iloc[0]
    with pytest.raises(pursuit.PlaybookError) as info:
        Playbook.from_dict({**doc, "assessment": {"flags": {"cooling_drop": 3}}})
    assert info.value.path == "/assessment/flags/cooling_drop"


def test_loss_reasons_and_segments_columns():
    s = Story("A")
    p = pipeline_of([s.open(segments={"sector": "retail"}), s.make("lose", reason="budget", competitor="Kestrel")])
    df = p.assess()
    assert df["loss_reason"].iloc[0] == "budget" and df["lost_to"].iloc[0] == "Kestrel"
    assert p.segments().to_dict("records") == [{"opportunity": "A", "sector": "retail"}]
