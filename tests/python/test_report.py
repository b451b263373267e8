"""The pipeline report: each table on hand-made stories, and every renderer."""

import json

import pandas as pd
import pytest

import pursuit
from pursuit import Pipeline, Store
from pursuit.report import build, from_store
from pursuit.report_format import to_html, to_json, to_text

from story import Story

HOSTILE = "<script>alert('x')</script> & \"quotes\" 中文"


def stories() -> list[dict]:
    events = []
    # A: qualified, then stuck at the tracking gate with a refused advance, for a known number of days
    a = Story("A")
    events += a.to("qualification") + [a.make("qualify", criterion="funding", answer="yes"), a.make("advance")]
    # B: reaches monitoring, then its key person leaves: falls back to qualification
    b = Story("B")
    events += b.to("monitoring") + [b.make("contact_left", contact="c-kp")]
    # C: we join late, the buyer is already evaluating with criteria set without us
    c = Story("C")
    events += [c.open(account=HOSTILE, name=HOSTILE), c.make("buyer_stage", stage="evaluation", criteria_aligned=False)]
    # D: won, in USD
    d = Story("D")
    events.append(d.open(currency="USD", amount=500.0))
    for gate in ("qualification", "tracking", "monitoring", "verification"):
        events += d.evidence_for(gate) + [d.make("advance")]
    events += d.evidence_for("won") + [d.make("win")]
    return events


@pytest.fixture
def report():
    p = Pipeline()
    p.apply(stories())
    return build(p, p.outcomes(), as_of="2026-03-01", source="stories")


def test_overview_and_by_step(report):
    o = report.overview
    assert (o["opportunities"], o["active"], o["won"], o["lost"]) == (4, 3, 1, 0)
    assert o["refused_moves"] == 1 and o["rejected_events"] == 0
    assert o["open_amount"] == {"CNY": 3000.0} and o["won_amount"] == {"USD": 500.0}
    steps = report.by_step.set_index("stage")["opportunities"]
    assert steps["identification"] == 1 and steps["qualification"] == 2 and steps["won"] == 1
    assert steps.sum() == 4


def test_by_buyer_stage(report):
    t = report.by_buyer_stage.set_index("buyer_stage")
    assert t.loc["evaluation", "opportunities"] == 1 and t.loc["evaluation", "in_identification"] == 1
    assert t["opportunities"].sum() == 3  # active only


def test_blocked_lists_what_is_missing_with_actions(report):
    blocked = report.blocked.set_index("opportunity")
    assert set(blocked.index) == {"A", "B", "C"}
    assert blocked.loc["A", "refused"] == 1
    assert report.blocked["opportunity"].iloc[0] == "A"  # the most refused first
    assert len(blocked.loc["A", "missing"]) == 5 and "Funding is allocated" not in blocked.loc["A", "missing"]
    assert blocked.loc["C", "missing"] == ["At least one warning signal recorded", "At least one contact at the account"]
    assert len(blocked.loc["C", "actions"]) == 2


def test_fell_back_and_late_entries(report):
    fb = report.fell_back
    assert list(fb["opportunity"]) == ["B"]
    assert (fb["from_step"].iloc[0], fb["to_step"].iloc[0]) == ("Monitoring", "Qualification")
    assert "key_person_mapped" in fb["reason"].iloc[0]
    late = report.late_entries
    # C joined with the buyer already evaluating; D's buyer jumped from need awareness to evaluation
    assert list(late["opportunity"]) == ["C", "D"]
    assert list(late["criteria_misaligned"]) == [True, False]


def test_durations_are_days_between_moves(report):
    d = report.durations.set_index("step")
    # each story leaves identification 3 days after opening (a signal, a contact, then the advance, a day each)
    assert d.loc["identification", "finished"] == 3
    assert d.loc["identification", "median_days"] == pytest.approx(3.0)
    assert d.loc["identification", "in_step_now"] == 1  # C, opened on 2026-01-02
    assert d.loc["identification", "median_days_so_far"] == pytest.approx(59.0, abs=1e-6)  # to 2026-03-01, end of day
    assert d.loc["verification", "finished"] == 1  # D left it by winning
    assert d.loc["qualification", "in_step_now"] == 2
    assert d.loc["monitoring", "median_days_so_far"] is None or d.loc["monitoring", "in_step_now"] == 0


def test_risk_flags_on_active_opportunities(report):
    flags = report.flags.set_index("flag")
    assert "D" not in " ".join(flags["examples"])  # won: no longer at risk
    assert flags.loc["single_threaded", "opportunities"] >= 1  # A has one contact
    assert "A" in flags.loc["single_threaded", "examples"].split(", ")
    assert flags.loc["behind_buyer", "examples"] == "C"  # identification while the buyer evaluates
    assert list(report.flags["opportunities"]) == sorted(report.flags["opportunities"], reverse=True)


def test_text_and_json_in_both_languages(report):
    text = to_text(report)
    assert "Blocked at a gate" in text and "A  Acme · Deal · Qualification" in text
    doc = json.loads(to_json(report))
    assert doc["as_of"] == "2026-03-01T23:59:59.999999Z"
    assert doc["fell_back"][0]["at"].endswith("Z")
    zh = build(*(lambda p: (p, p.outcomes()))(_pipeline()), lang="zh")
    assert "卡在关口的机会" in to_text(zh) and json.loads(to_json(zh))["lang"] == "zh"


def _pipeline() -> Pipeline:
    p = Pipeline()
    p.apply(stories())
    return p


def test_html_is_one_escaped_file(report):
    html = to_html(report)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&quot;quotes&quot;" in html and "中文" in html
    assert "<link" not in html and "src=" not in html  # self-contained
    assert html.count("<h2>") == 12


def test_report_from_a_store_as_of(tmp_path):
    store = Store(tmp_path / "s.db")
    store.ingest(stories())
    now = from_store(store)
    early = from_store(store, as_of="2026-01-03")
    assert now.overview["opportunities"] == 4
    assert early.overview["events"] < now.overview["events"]
    assert early.as_of.isoformat().startswith("2026-01-03T23:59:59")
