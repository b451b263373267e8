import datetime as dt
import json
import pickle

import numpy as np
import pandas as pd
import pytest

import pursuit
from pursuit import EventError, Pipeline, Step, Verdict

from story import Story


def stories(n: int = 30) -> list[dict]:
    """n interleaved opportunities at different depths."""
    steps = ["identification", "qualification", "tracking", "monitoring", "verification"]
    per = [Story(f"OPP-{i:03d}").to(steps[i % 5]) for i in range(n)]
    events = [e for s in per for e in s]
    return sorted(events, key=lambda e: e["at"])


def test_apply_list_of_dicts_and_snapshot():
    p = Pipeline()
    summary = p.apply(stories())
    assert summary.verdicts[Verdict.ACCEPTED] == len(stories()) and not summary.errors
    assert summary.applied == len(stories())
    assert len(p) == 30 and "OPP-004" in p and "OPP-999" not in p
    snap = p.snapshot()
    assert len(snap) == 30
    assert snap.set_index("opportunity").loc["OPP-004", "step"] == "verification"
    assert snap["step"].value_counts()["tracking"] == 6
    assert isinstance(snap["step"].dtype, pd.CategoricalDtype)
    assert list(snap["step"].cat.categories) == [s.value for s in Step]
    assert snap["amount"].eq(1000.0).all() and snap["account"].eq("Acme").all()
    assert (snap["days_in_step"] >= 0).all()
    assert snap["outcome"].isna().all()


def test_all_input_forms_give_the_same_pipeline(tmp_path):
    events = stories()
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in events) + "\n", encoding="utf-8")
    frame = pd.DataFrame(events)
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    pipelines = []
    for source in (events, [pursuit.Event(e) for e in events], str(path), path, frame, iter(events)):
        p = Pipeline()
        p.apply(source)
        pipelines.append(p)
    states = [[p[i].state() for i in sorted(p)] for p in pipelines]
    assert all(s == states[0] for s in states[1:])


def test_threads_give_the_same_result_as_one_thread():
    events = stories(200)
    one, four, every_core = Pipeline(), Pipeline(), Pipeline()
    one.apply(events, threads=1)
    four.apply(events, threads=4)
    every_core.apply(events)  # the default: every core
    assert [one[i].state() for i in one] == [four[i].state() for i in four] == [every_core[i].state() for i in every_core]
    pd.testing.assert_frame_equal(one.outcomes(), four.outcomes())
    pd.testing.assert_frame_equal(one.outcomes(), every_core.outcomes())


def test_events_are_ordered_in_time_within_an_opportunity():
    events = Story().to("tracking")
    p = Pipeline()
    p.apply(list(reversed(events)))
    assert p["OPP-1"].step is Step.TRACKING


def test_outcomes_say_what_each_event_did_in_batch_order():
    s = Story()
    events = s.to("qualification") + [s.make("advance"), s.make("evidence", kind="trial", contact="nobody")]
    events.append({"id": "x-1", "opportunity": "OPP-404", "at": "2026-05-01T00:00:00Z", "type": "advance"})
    events.append(dict(events[1]))  # the same id twice in one batch
    p = Pipeline()
    summary = p.apply(events)
    assert summary.verdicts[Verdict.REFUSED] == 1 and summary.verdicts[Verdict.REJECTED] == 3
    out = p.outcomes()
    assert list(out["event_id"]) == [e["id"] for e in events]
    refused = out[out["verdict"] == "refused"].iloc[0]
    assert refused["unmet"] == "funding,timing,unique_value,business_driver,decision_process,key_person_access"
    reasons = out[out["verdict"] == "rejected"]["reason"].tolist()
    assert reasons == ["unknown contact 'nobody': record it with a 'contact' event first",
                       "unknown opportunity 'OPP-404': its first event must be 'open'",
                       f"duplicate event id '{events[1]['id']}' in this batch"]
    assert pd.isna(out["opportunity"].iloc[-2])


def test_raise_stops_before_applying_anything():
    events = stories(3)
    bad = dict(events[4], id="bad-1", type="evidence", kind="nonsense")
    with pytest.raises(EventError) as info:
        Pipeline().apply(events[:5] + [bad] + events[5:])
    assert info.value.line == 6 and info.value.field == "kind" and info.value.event_id == "bad-1"
    p = Pipeline()
    with pytest.raises(EventError):
        p.apply(events + [bad])
    assert len(p) == 0


def test_collect_applies_the_readable_events_and_returns_the_errors(tmp_path):
    events = stories(3)
    lines = [json.dumps(e) for e in events]
    lines.insert(2, '{"id": "broken"')
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    p = Pipeline()
    summary = p.apply(path, on_error="collect")
    assert summary.verdicts[Verdict.ACCEPTED] == len(events)
    assert [e.line for e in summary.errors] == [3]
    assert "malformed JSON" in str(summary.errors[0])


def test_dataframe_errors_name_the_row_and_column():
    frame = pd.DataFrame(stories(2))
    frame.loc[3, "type"] = "promote"
    with pytest.raises(EventError) as info:
        Pipeline().apply(frame)
    assert info.value.line == 4 and info.value.field == "type"
    odd = pd.DataFrame(stories(2))
    odd["note"] = pd.Series([None] * len(odd), dtype=object)
    odd.loc[2, "note"] = object()  # a cell JSON cannot hold: named by its column
    with pytest.raises(EventError, match="has no JSON form") as info:
        Pipeline().apply(odd)
    assert info.value.line == 3 and info.value.field == "note"
    naive = pd.DataFrame(stories(2))
    naive["at"] = pd.to_datetime(naive["at"], utc=True).dt.tz_localize(None)
    with pytest.raises(ValueError, match="without a time zone"):
        Pipeline().apply(naive)


def test_bad_arguments(tmp_path):
    p = Pipeline()
    with pytest.raises(ValueError, match="on_error"):
        p.apply([], on_error="ignore")
    with pytest.raises(ValueError, match="threads"):
        p.apply([], threads=0)
    for bad in (True, 1.5, "2"):
        with pytest.raises(ValueError, match="threads"):
            p.apply([], threads=bad)
    with pytest.raises(FileNotFoundError):
        p.apply(tmp_path / "missing.jsonl")
    with pytest.raises(KeyError):
        p["nope"]


def test_views_follow_later_batches_and_pickling_round_trips():
    events = stories(10)
    p = Pipeline()
    p.apply(events[: len(events) // 2])
    view = p["OPP-004"]
    p.apply(events[len(events) // 2:])
    assert view.step is Step.VERIFICATION  # a live view
    again = pickle.loads(pickle.dumps(p))
    assert [again[i].state() for i in again] == [p[i].state() for i in p]
    pd.testing.assert_frame_equal(again.snapshot(), p.snapshot())


def test_snapshot_as_of():
    p = Pipeline()
    p.apply(stories(5))
    later = p.snapshot(as_of=dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc))
    assert (later["days_in_step"] > p.snapshot()["days_in_step"]).all()
    # A date alone means the end of that day; a time without an offset is UTC.
    end_of_day = p.snapshot(as_of=dt.datetime(2027, 1, 1, 23, 59, 59, 999999, tzinfo=dt.timezone.utc))
    assert np.allclose(p.snapshot(as_of="2027-01-01")["days_in_step"], end_of_day["days_in_step"])
    assert np.allclose(p.snapshot(as_of=dt.date(2027, 1, 1))["days_in_step"], end_of_day["days_in_step"])
    assert np.allclose(p.snapshot(as_of="2027-01-01T00:00:00")["days_in_step"], later["days_in_step"])
    with pytest.raises(ValueError, match="not a date or time"):
        p.snapshot(as_of="next tuesday")


def test_the_stories(stories_path):
    p = Pipeline()
    summary = p.apply(stories_path)
    assert summary.verdicts[Verdict.REJECTED] == 0
    snap = p.snapshot().set_index("opportunity")
    assert snap.loc["OPP-001", "outcome"] == "won"
    assert snap.loc["OPP-002", "outcome"] == "lost"
    assert snap.loc["OPP-004", "fell_back"] == 1
    assert snap.loc["OPP-005", "late_entry"] and snap.loc["OPP-005", "criteria_misaligned"]
    assert snap.loc["OPP-006", "outcome"] == "disqualified"


def test_dataframe_columns_with_gaps_and_nullable_types():
    s = Story()
    events = s.to("qualification") + [s.make("interaction", channel="call", direction="inbound", volume=3)]
    frame = pd.DataFrame(events)  # volume becomes float64 with NaN gaps
    assert frame["volume"].dtype == "float64"
    p = Pipeline()
    assert p.apply(frame).verdicts[Verdict.ACCEPTED] == len(events)
    assert p["OPP-1"].facts["interactions"][0]["volume"] == 3
    nullable = pd.DataFrame(events).astype({"volume": "Int64"})
    q = Pipeline()
    q.apply(nullable)
    assert q["OPP-1"].state() == p["OPP-1"].state()


def test_outcomes_of_many_blocks_keep_the_batch_order_and_its_gaps():
    # Outcomes are read in blocks of 65,536 rows on every core and joined: rows, text
    # and nulls (events naming no opportunity) must land where the batch had them.
    events = [{"id": f"e-{i}", "opportunity": f"OPP-{i}", "at": "2026-03-02T10:00:00Z", "type": "open",
               "account": "A", "name": f"机会 {i}"} for i in range(140_000)]
    unknown = {3, 65_535, 65_536, 65_541, 139_999}
    for i in unknown:
        events[i] = {"id": f"e-{i}", "opportunity": f"NOPE-{i}", "at": "2026-03-02T10:00:00Z", "type": "advance"}
    p = Pipeline()
    p.apply(events)
    out = p.outcomes()
    assert list(out["event_id"]) == [e["id"] for e in events]
    assert set(out.index[out["opportunity"].isna()]) == unknown
    assert list(out["opportunity"].dropna()) == [f"OPP-{i}" for i in range(140_000) if i not in unknown]
    assert (out["verdict"] == "rejected").sum() == len(unknown)
    assert out.loc[65_536, "reason"] == "unknown opportunity 'NOPE-65536': its first event must be 'open'"
