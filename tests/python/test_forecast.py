"""Forecast and pipeline analytics on hand-made stories, with numbers worked out by hand."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from pursuit import Pipeline, Store, forecast

from story import Story


def on(story: Story, day: str) -> Story:
    """The story's next event happens the day after ``day``."""
    story.t = dt.datetime.fromisoformat(day).replace(tzinfo=dt.timezone.utc)
    return story


STEPS = ["identification", "qualification", "tracking", "monitoring", "verification"]


def reach(story: Story, step: str, **open_fields) -> list[dict]:
    """Like Story.to, with the open event's fields given."""
    events = [story.open(**open_fields)]
    for target in STEPS[1:STEPS.index(step) + 1]:
        events += story.evidence_for(target) + [story.make("advance")]
    return events


def stories() -> list[dict]:
    """Events from 2026-01-02 (each story's clock: a day per event)."""
    ev = []
    a = Story("A")  # in qualification, due in Q1: stage prior 0.10, category pipeline
    ev += reach(a, "qualification", amount=1000.0, expected_close="2026-03-15", owner="Wang")
    b = Story("B")  # in monitoring, due in Q2: prior 0.45, best case
    ev += reach(b, "monitoring", amount=2000.0, expected_close="2026-05-10", owner="Wang")
    c = Story("C")  # just opened, no expected close: prior 0.05
    ev += [c.open(amount=500.0, currency="USD", owner="Wang")]
    d = Story("D")  # won on 2026-01-28
    ev += reach(d, "verification", amount=800.0, currency="USD", expected_close="2026-02-01", owner="Li")
    ev += d.evidence_for("won") + [d.make("win")]
    f = Story("F")  # in verification with the budget committed: commit, prior 0.70
    ev += reach(f, "verification", amount=4000.0, expected_close="2026-03-31", owner="Wang")
    ev += f.evidence_for("won")
    h = Story("H")  # funding answered no: omitted from the forecast, prior 0.05
    ev += [h.open(amount=600.0, expected_close="2026-04-20", owner="Wang"),
           h.make("qualify", criterion="funding", answer="no")]
    for id_, owner, reason in (("E", "Li", {"reason": "competitor", "competitor": "Kestrel"}),
                               ("I", "Li", {"reason": "competitor"}), ("J", "Wang", {"reason": "budget"})):
        s = Story(id_)  # lost the day after opening
        ev += [s.open(amount=300.0, expected_close="2026-03-01", owner=owner), s.make("lose", **reason)]
    g = Story("G")  # disqualified the day after opening
    ev += [g.open(amount=100.0, owner="Wang"), g.make("disqualify", reason="no budget this year")]
    return ev


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    p = Pipeline()
    p.apply(stories())
    return p


def test_weighted_pipeline_by_quarter_and_currency(pipeline):
    w = forecast.weighted_pipeline(pipeline)
    assert list(zip(w["period"], w["currency"])) == [("2026Q1", "CNY"), ("2026Q1", "USD"), ("2026Q2", "CNY"),
                                                    ("no date", "USD")]
    w = w.set_index(["period", "currency"])
    q1 = w.loc[("2026Q1", "CNY")]
    assert (q1["opportunities"], q1["amount"], q1["pipeline"], q1["commit"]) == (2, 5000.0, 1000.0, 4000.0)
    assert q1["weighted"] == pytest.approx(1000 * 0.10 + 4000 * 0.70)
    won = w.loc[("2026Q1", "USD")]  # D, won in January: closed, not open
    assert (won["opportunities"], won["amount"], won["closed"]) == (0, 0.0, 800.0)
    q2 = w.loc[("2026Q2", "CNY")]
    assert (q2["best_case"], q2["omitted"], q2["pipeline"]) == (2000.0, 600.0, 0.0)
    assert q2["weighted"] == pytest.approx(2000 * 0.45 + 600 * 0.05)
    assert w.loc[("no date", "USD"), "weighted"] == pytest.approx(25.0)
    assert w["opportunities"].sum() == 5  # the open ones; lost and disqualified are nowhere


def test_weighted_pipeline_with_given_probabilities_and_months(pipeline):
    p = pd.Series({"A": 0.5, "B": 1.0, "C": 0.0, "F": 0.25, "H": 0.0})  # open ones only is enough
    w = forecast.weighted_pipeline(pipeline, p, period="M").set_index(["period", "currency"])
    assert w.loc[("2026-03", "CNY"), "weighted"] == pytest.approx(500 + 1000)
    assert w.loc[("2026-05", "CNY"), "weighted"] == 2000.0
    assert w.loc[("2026-01", "USD"), "closed"] == 800.0
    zh = forecast.weighted_pipeline(pipeline, lang="zh")
    assert zh["period"].iloc[-1] == "无日期"


def test_simulate_is_exact_when_outcomes_are_certain(pipeline):
    p = {"A": 1.0, "B": 1.0, "C": 1.0, "F": 0.0, "H": 0.0}
    s = forecast.simulate(pipeline, p, runs=50).set_index(["period", "currency"])
    assert s.loc[("2026Q1", "CNY"), ["mean", "p10", "p50", "p90"]].tolist() == [1000.0] * 4
    assert s.loc[("2026Q2", "CNY"), "p50"] == 2000.0 and s.loc[("no date", "USD"), "p90"] == 500.0
    assert s["opportunities"].tolist() == [2, 2, 1]


def test_simulate_is_reproducible_by_seed(pipeline):
    one = forecast.simulate(pipeline, runs=2000, seed=7, draws=True)
    again = forecast.simulate(pipeline, runs=2000, seed=7, draws=True)
    other = forecast.simulate(pipeline, runs=2000, seed=8, draws=True)
    pd.testing.assert_frame_equal(one.drop(columns="draws"), again.drop(columns="draws"))
    assert all(np.array_equal(x, y) for x, y in zip(one["draws"], again["draws"]))
    assert not all(np.array_equal(x, y) for x, y in zip(one["draws"], other["draws"]))
    assert len(one["draws"].iloc[0]) == 2000
    # the mean of many runs is close to the weighted pipeline; the quantiles bracket it
    weighted = forecast.weighted_pipeline(pipeline).set_index(["period", "currency"])["weighted"]
    for _, row in one.iterrows():
        assert row["mean"] == pytest.approx(weighted[(row["period"], row["currency"])], rel=0.1)
        assert row["p10"] <= row["p50"] <= row["p90"]


def test_funnel_counts_the_furthest_step_reached(pipeline):
    f = forecast.funnel(pipeline).set_index("step")
    assert f["reached"].tolist() == [10, 4, 3, 3, 2]
    assert f["reached_next"].tolist() == [4, 3, 3, 2, 1]  # into verification's "next": won
    assert f["won"].tolist() == [1] * 5
    assert f["in_step_now"].tolist() == [2, 1, 0, 1, 1]
    assert f["conversion"].tolist() == pytest.approx([0.4, 0.75, 1.0, 2 / 3, 0.5])
    assert f.loc["monitoring", "win_rate"] == pytest.approx(1 / 3)
    assert forecast.funnel(pipeline, lang="zh")["label"].iloc[0] == "识别"


def test_funnel_counts_a_fall_back_as_having_reached():
    s = Story("B")
    p = Pipeline()
    p.apply(s.to("monitoring") + [s.make("contact_left", contact="c-kp")])
    assert p["B"].step.value == "qualification"
    f = forecast.funnel(p).set_index("step")
    assert f.loc["monitoring", "reached"] == 1 and f.loc["qualification", "in_step_now"] == 1


def test_velocity_is_days_between_moves(pipeline):
    v = forecast.velocity(pipeline).set_index("step")
    # four stories left identification after 3 days, four closed after 1 day
    assert v.loc["identification", "finished"] == 8
    assert v.loc["identification", "median_days"] == pytest.approx(2.0)
    assert v.loc["identification", "mean_days"] == pytest.approx(2.0)
    assert v.loc["identification", "in_step_now"] == 2  # C and H, opened 2026-01-02
    assert v.loc["identification", "median_days_so_far"] == pytest.approx(26.0)  # to the latest event, 2026-01-28
    assert v.loc["verification", "finished"] == 1  # D left it by winning


def test_the_report_durations_are_velocity(pipeline):
    from pursuit.report import build

    report = build(pipeline, pipeline.outcomes(), as_of="2026-03-01", lang="zh")
    pd.testing.assert_frame_equal(report.durations, forecast.velocity(pipeline, as_of="2026-03-01", lang="zh"))


def test_analytics_need_the_whole_history():
    a, b = Story("A"), Story("B")
    p = Pipeline()
    p.apply([a.open()])
    p.apply([b.open()])
    with pytest.raises(ValueError, match="whole history"):
        forecast.funnel(p)
    with pytest.raises(ValueError, match="whole history"):
        forecast.velocity(p)


def test_win_rate_by_owner_and_currency(pipeline):
    by_owner = forecast.win_rate(pipeline)
    assert by_owner["owner"].tolist() == ["Li", "Wang"]
    li, wang = by_owner.set_index("owner").loc["Li"], by_owner.set_index("owner").loc["Wang"]
    assert (li["won"], li["lost"], li["disqualified"], li["closed"]) == (1, 2, 0, 3)
    assert li["win_rate"] == pytest.approx(1 / 3)
    assert (wang["lost"], wang["disqualified"], wang["win_rate"]) == (1, 1, 0.0)  # disqualified not in the rate
    by_currency = forecast.win_rate(pipeline, by="currency").set_index("currency")
    assert by_currency["win_rate"].to_dict() == {"CNY": 0.0, "USD": 1.0}
    with pytest.raises(ValueError, match="unknown column 'colour'"):
        forecast.win_rate(pipeline, by="colour")


def test_win_rate_by_segment():
    events = []
    for id_, sector, ending in (("S1", "retail", "win"), ("S2", "retail", "lose"), ("S3", "energy", "win")):
        s = Story(id_)
        if ending == "win":
            events += reach(s, "verification", segments={"sector": sector}) + s.evidence_for("won") + [s.make("win")]
        else:
            events += [s.open(segments={"sector": sector}), s.make("lose", reason="timing")]
    p = Pipeline()
    p.apply(events)
    t = forecast.win_rate(p, by="sector").set_index("sector")
    assert t["win_rate"].to_dict() == {"retail": 0.5, "energy": 1.0}


def test_loss_reasons_with_competitors(pipeline):
    r = forecast.loss_reasons(pipeline)
    assert r[["reason", "competitor", "opportunities"]].values.tolist() == [
        ["competitor", "Kestrel", 1], ["competitor", "none named", 1], ["budget", "none named", 1]]
    assert r["share"].tolist() == pytest.approx([1 / 3] * 3)
    assert r["label"].iloc[0] == "Lost to a competitor"
    assert forecast.loss_reasons(pipeline, lang="zh")["label"].iloc[-1] == "预算"


def waterfall_events() -> list[dict]:
    """Between 2026-01-31 and 2026-03-31, one story per movement."""
    ev = []
    w1 = Story("W1")  # in verification by 01-25, won on 02-18
    ev += reach(w1, "verification", amount=800.0, currency="USD")
    ev += on(w1, "2026-02-15").evidence_for("won") + [w1.make("win")]
    w2 = Story("W2")  # open since 01-02, lost on 03-02
    ev += [w2.open(amount=300.0), on(w2, "2026-03-01").make("lose", reason="no_decision")]
    w3 = on(Story("W3"), "2026-02-01")  # opened on 02-02
    ev += [w3.open(amount=1000.0, expected_close="2026-06-30")]
    w4 = Story("W4")  # due on 03-15, still in identification at the end
    ev += [w4.open(amount=2000.0, expected_close="2026-03-15"),
           on(w4, "2026-02-10").make("signal", kind="intent_change")]
    w5 = Story("W5")  # in qualification from 01-05, into tracking on 02-09
    ev += reach(w5, "qualification", amount=500.0, expected_close="2026-09-30")
    ev += on(w5, "2026-02-01").evidence_for("tracking") + [w5.make("advance")]
    w6 = Story("W6")  # in monitoring from 01-20; its key person leaves on 02-11
    ev += reach(w6, "monitoring", amount=700.0, expected_close="2026-12-31")
    ev += [on(w6, "2026-02-10").make("contact_left", contact="c-kp")]
    w7 = Story("W7")
    ev += [w7.open(amount=400.0, expected_close="2026-12-31")]
    w8 = Story("W8")  # closed before the start: not in the waterfall
    ev += [w8.open(amount=50.0), w8.make("lose", reason="fit")]
    w9 = on(Story("W9"), "2026-04-04")  # opened after the end
    ev += [w9.open(amount=60.0)]
    w10 = on(Story("W10"), "2026-02-04")  # opened and disqualified in the window: counted as lost
    ev += [w10.open(amount=100.0), w10.make("disqualify", reason="no fit")]
    return ev


def test_waterfall_between_two_dates(tmp_path):
    with Store(tmp_path / "w.db") as store:
        store.ingest(waterfall_events())
        summary, opps = forecast.waterfall(store, "2026-01-31", "2026-03-31")
    movement = opps.set_index("opportunity")["movement"].to_dict()
    assert movement == {"W1": "won", "W2": "lost", "W3": "new", "W4": "slipped", "W5": "advanced",
                        "W6": "fell_back", "W7": "unchanged", "W10": "lost"}
    assert summary[["movement", "currency", "opportunities", "amount"]].values.tolist() == [
        ["new", "CNY", 1, 1000.0], ["advanced", "CNY", 1, 500.0], ["fell_back", "CNY", 1, 700.0],
        ["won", "USD", 1, 800.0], ["lost", "CNY", 2, 400.0], ["slipped", "CNY", 1, 2000.0],
        ["unchanged", "CNY", 1, 400.0]]
    assert summary.set_index("movement").loc["fell_back", "label"] == "Fell back"
    w6 = opps.set_index("opportunity").loc["W6"]
    assert (w6["step_start"], w6["step_end"]) == ("monitoring", "qualification")


def test_waterfall_labels_in_chinese(tmp_path):
    with Store(tmp_path / "w.db") as store:
        store.ingest(waterfall_events())
        summary = forecast.waterfall(store, "2026-01-31", "2026-03-31", lang="zh").summary
    assert summary.set_index("movement")["label"].to_dict()["slipped"] == "延期"


def test_bad_arguments_say_what_is_wrong(pipeline, tmp_path):
    with pytest.raises(ValueError, match=r"unknown period 'D'; expected one of W \(week\), M \(month\)"):
        forecast.weighted_pipeline(pipeline, period="D")
    with pytest.raises(ValueError, match="unknown period"):
        forecast.simulate(pipeline, period="quarter")
    for runs in (0, -5, 2.5, True):
        with pytest.raises(ValueError, match="runs must be a whole number >= 1"):
            forecast.simulate(pipeline, runs=runs)
    with pytest.raises(ValueError, match="no probability for 1 open opportunities, e.g. 'H'"):
        forecast.weighted_pipeline(pipeline, {"A": 0.1, "B": 0.1, "C": 0.1, "F": 0.1})
    with pytest.raises(ValueError, match="between 0 and 1"):
        forecast.simulate(pipeline, {"A": 1.5, "B": 0.1, "C": 0.1, "F": 0.1, "H": 0.1})
    with pytest.raises(ValueError, match="3 values for 10 opportunities"):
        forecast.weighted_pipeline(pipeline, [0.1, 0.2, 0.3])
    with Store(tmp_path / "s.db") as store:
        with pytest.raises(ValueError, match=r"start \(2026-04-01\) is after end \(2026-03-31\)"):
            forecast.waterfall(store, "2026-04-01", "2026-03-31")


def test_an_empty_pipeline_gives_empty_tables():
    p = Pipeline()
    assert forecast.weighted_pipeline(p).empty and forecast.simulate(p).empty
    assert forecast.funnel(p)["reached"].sum() == 0
