"""The generated sample (pursuit.sample): reproducible, valid, and each story ends as it should."""

import collections
import datetime as dt
import json
import subprocess
import sys

import pandas as pd
import pytest

import pursuit
from pursuit import Pipeline, Step, Verdict, sample

N = sample.DEFAULT_OPPORTUNITIES


@pytest.fixture(scope="module")
def events() -> list[dict]:
    return sample.generate()


@pytest.fixture(scope="module")
def replay():
    pipeline = Pipeline()
    summary = pipeline.apply(pursuit.data.sample_events_path())
    return pipeline, summary, pipeline.snapshot().set_index("opportunity")


@pytest.fixture(scope="module")
def story() -> dict[str, list[str]]:
    """Opportunity ids per story."""
    out = collections.defaultdict(list)
    for opp, kind in sample.plan().items():
        out[kind].append(opp)
    return out


def test_the_bundled_sample_is_the_generators_output(tmp_path):
    out = tmp_path / "sample.jsonl"
    assert sample.write(out) == len(sample.generate())
    assert out.read_bytes() == pursuit.data.sample_events_path().read_bytes()


def test_python_dash_m_writes_the_same_as_write(tmp_path):
    out, ref = tmp_path / "cli.jsonl", tmp_path / "ref.jsonl"
    run = subprocess.run([sys.executable, "-m", "pursuit.sample", str(out), "--seed", "7", "--opportunities", "25"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "on 25 opportunities (seed 7)" in run.stdout
    sample.write(ref, seed=7, opportunities=25)
    assert out.read_bytes() == ref.read_bytes()


def test_a_seed_gives_one_stream_and_another_seed_another():
    a = sample.generate(seed=11, opportunities=40)
    assert a == sample.generate(seed=11, opportunities=40)
    assert a != sample.generate(seed=12, opportunities=40)
    assert sample.plan(11, 40) != sample.plan(12, 40)
    assert len({e["opportunity"] for e in sample.generate(seed=3, opportunities=7)}) == 7


def test_every_event_passes_the_strict_parser(events):
    text = "\n".join(json.dumps(e, ensure_ascii=False) for e in events)
    parsed = pursuit.parse_jsonl(text)  # raises on the first invalid event
    assert len(parsed) == len(events)
    assert [e.to_dict()["type"] for e in parsed] == [e["type"] for e in events]
    assert len({e["id"] for e in events}) == len(events)


def test_times_are_ordered_and_within_the_sales_year(events):
    parsed = pursuit.read_jsonl(pursuit.data.sample_events_path())
    first, last = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2026, 10, 1, tzinfo=dt.timezone.utc)
    assert all(first <= e.at < last for e in parsed)
    assert [e.at for e in parsed] == sorted(e.at for e in parsed)  # the file is in time order
    stories = collections.defaultdict(list)
    for e in parsed:
        stories[e.opportunity].append(e)
    for opp, evs in stories.items():
        assert evs[0].type.value == "open", opp
        assert all(a.at < b.at for a, b in zip(evs, evs[1:])), opp
        assert evs[0].fields["expected_close"] > evs[0].at.date().isoformat(), opp


def test_replaying_rejects_nothing(replay, events):
    pipeline, summary, snap = replay
    assert summary.errors == []
    assert summary.verdicts[Verdict.REJECTED] == 0
    assert summary.verdicts[Verdict.NOT_APPLICABLE] == 0
    assert summary.applied == len(events)
    assert len(pipeline) == N and (snap["events"] > 0).all()


def test_the_counts_are_in_the_intended_ranges(events, story, replay):
    _, summary, snap = replay
    assert 5_000 <= len(events) <= 12_000
    assert {k: len(v) for k, v in story.items() if k != sample.OPEN} == {k: round(N * s) for k, s in sample.STORIES}
    assert 0.15 * N <= len(story[sample.OPEN]) <= 0.30 * N
    assert 100 <= summary.verdicts[Verdict.REFUSED] <= 400
    assert {e["type"] for e in events} == {t.value for t in pursuit.EventType}
    assert snap["currency"].nunique() >= 5 and snap["account"].nunique() >= 30 and snap["owner"].nunique() >= 10
    notes = [e["note"] for e in events if "note" in e]
    chinese = sum(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in notes)
    assert 0.2 * len(notes) <= chinese <= 0.8 * len(notes)  # both languages, neither rare


def test_won_stories_are_won_with_full_evidence(replay, story):
    pipeline, _, snap = replay
    for opp in story["won"]:
        assert snap.loc[opp, "outcome"] == "won", opp
        kinds = {e["kind"] for e in pipeline[opp].facts["evidence"] if e["valid"]}
        assert {"key_person_access", "budget_commitment", "trial"} <= kinds, opp
        assert kinds & {"time_commitment", "resource_commitment"}, opp


def test_lost_insider_stories_lose_to_the_competitor_their_insider_is_tied_to(replay, story):
    pipeline, _, snap = replay
    for opp in story["lost_insider"]:
        facts = pipeline[opp].facts
        assert snap.loc[opp, "outcome"] == "lost", opp
        assert facts["closing"]["loss_reason"] == "competitor", opp
        insiders = {c["id"] for c in facts["contacts"] if "competitor_tie" in c["roles"] and c["authority"] == "high"}
        rival = next(c for c in facts["competitors"] if c["name"] == facts["closing"]["lost_to"])
        assert insiders and insiders <= set(rival["ties"]), opp


def test_stalled_stories_are_refused_for_want_of_an_advocate(replay, story):
    pipeline, _, snap = replay
    for opp in story["stalled"]:
        row = snap.loc[opp]
        assert pd.isna(row["outcome"]) and row["step"] == Step.TRACKING.value, opp  # still open
        assert row["refused"] >= 1 and row["next_gate"] == "monitoring", opp
        assert "advocate" in [u.code for u in pipeline[opp].requirements().unmet], opp
        history = pipeline[opp].history
        refused = history[history["verdict"] == "refused"]
        assert "advocate" in refused["unmet"].iloc[-1], opp  # the latest refusal names it


def test_fell_back_stories_lost_a_key_person_and_mapped_a_successor(replay, story):
    pipeline, _, snap = replay
    outcomes = collections.Counter()
    for opp in story["fell_back"]:
        assert snap.loc[opp, "fell_back"] >= 1, opp
        opp_ = pipeline[opp]
        history = opp_.history
        assert (history[history["verdict"] == "fell_back"]["type"] == "contact_left").all(), opp
        key_people = [c for c in opp_.facts["contacts"] if "key_person" in c["roles"]]
        assert [c["active"] for c in key_people] == [False, True], opp  # the one who left, the successor
        outcomes[opp_.outcome.value if opp_.outcome else "open"] += 1
    assert outcomes["won"] and outcomes["open"]  # some advance again to the end, some are still stuck


def test_late_entries_start_with_the_buyer_evaluating_on_misaligned_criteria(events, replay, story):
    _, _, snap = replay
    realigned = {e["opportunity"] for e in events if e.get("criteria_aligned") is True and e["stage"] == "evaluation"}
    for opp in story["late_entry"]:
        assert snap.loc[opp, "late_entry"], opp
        assert snap.loc[opp, "criteria_misaligned"] == (opp not in realigned), opp
    assert 0 < len(realigned & set(story["late_entry"])) < len(story["late_entry"])


def test_disqualified_stories_had_no_funding_and_some_were_reopened(replay, story):
    pipeline, _, snap = replay
    reopened = 0
    for opp in story["disqualified"]:
        history = pipeline[opp].history
        assert "disqualify" in set(history["type"]), opp
        if "reopen" in set(history["type"]):
            reopened += 1
            assert pipeline[opp].is_active, opp
        else:
            assert snap.loc[opp, "outcome"] == "disqualified", opp
            assert pipeline[opp].facts["answers"]["funding"]["answer"] == "no", opp
    assert 0 < reopened < len(story["disqualified"])


def test_open_stories_are_open_at_every_step(replay, story):
    _, _, snap = replay
    rows = snap.loc[story[sample.OPEN]]
    assert rows["outcome"].isna().all()
    assert set(rows["step"]) == {s.value for s in Step}


def test_only_their_stories_fall_back_or_enter_late(replay, story):
    _, _, snap = replay
    assert set(snap.index[snap["fell_back"] > 0]) == set(story["fell_back"])
    assert set(snap.index[snap["late_entry"]]) == set(story["late_entry"])


def test_the_command_line_refuses_a_bad_count(tmp_path):
    with pytest.raises(SystemExit) as info:
        sample.main([str(tmp_path / "x.jsonl"), "--opportunities", "0"])
    assert info.value.code == 2
