"""Property tests (issue 14, item 6): for generated valid event streams, the state is the same
whatever the chunking, the thread count, the input path, the order within a batch (within the
documented rule), a pickle round trip mid-way and a store round trip.

Each property compares the whole observable state: the snapshot, every opportunity's
``state()`` (facts, position, history) and ``history`` frame, and what each event did
(``outcomes()``, in batch order where the batches are the same, by event id where not).
The strategies are in ``strategies.py``; ``PURSUIT_HYPOTHESIS_SCALE=20`` runs more examples.
"""

from __future__ import annotations

import json
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any, Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import example, given, note, settings
from hypothesis import strategies as st

import pursuit
from pursuit import Opportunity, Pipeline, Store

import strategies as S

settings.load_profile(os.environ.get("PURSUIT_HYPOTHESIS_PROFILE", "pursuit"))


# --- the observable state ---
def snapshot(p: Pipeline) -> pd.DataFrame:
    return p.snapshot().sort_values("opportunity", kind="stable").reset_index(drop=True)


def outcomes_by_id(p: Pipeline) -> pd.DataFrame:
    return p.outcomes().sort_values("event_id", kind="stable").reset_index(drop=True)


def assert_frames_equal(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    if not got.equals(expected):  # the quick check; pandas' own assertion says what differs
        pd.testing.assert_frame_equal(got, expected)


def assert_same_state(got: Pipeline, expected: Pipeline, *, histories: bool = True) -> None:
    """Snapshot, each opportunity's state (facts, position, history) and history frame:
    everything but the latest batch's outcomes."""
    assert sorted(got.ids) == sorted(expected.ids)
    assert_frames_equal(snapshot(got), snapshot(expected))
    for id in sorted(expected.ids):
        assert got[id].state() == expected[id].state(), id
        if histories:
            assert_frames_equal(got[id].history, expected[id].history)


def assert_same(got: Pipeline, expected: Pipeline, *, in_order: bool = True, histories: bool = True) -> None:
    """The state and the latest batch's outcomes (in batch order, or by event id when the batches'
    orders differ)."""
    assert_same_state(got, expected, histories=histories)
    if in_order:
        assert_frames_equal(got.outcomes(), expected.outcomes())
    else:
        assert_frames_equal(outcomes_by_id(got), outcomes_by_id(expected))


def applied(*batches: Any, threads: int = 1, on_error: str = "raise") -> Pipeline:
    p = Pipeline()
    for batch in batches:
        p.apply(batch, threads=threads, on_error=on_error)
    return p


def concat_outcomes(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Batches' outcomes one after the other (an empty batch's frame has other dtypes: left out)."""
    full = [f for f in frames if len(f)]
    return pd.concat(full, ignore_index=True) if full else frames[0]


def write_jsonl(path: Path, events: Sequence[dict]) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
    return path


def frame(events: Sequence[dict], times: bool = False) -> pd.DataFrame:
    df = pd.DataFrame(list(events))
    if times:
        df["at"] = pd.to_datetime(df["at"], utc=True, format="ISO8601")
    return df


def tables(events: Sequence[dict], batch_size: int, folder: Path) -> list:
    """The events as Arrow inputs: a Table (types inferred from the values, not through pandas),
    a reader of batches of ``batch_size`` rows (batches cut inside opportunities) and a Parquet file;
    none when Arrow cannot type a column (a field holding values of two types)."""
    keys = dict.fromkeys(k for e in events for k in e)  # from_pylist would take the first row's keys only
    try:
        table = pa.Table.from_pydict({k: [e.get(k) for e in events] for k in keys})
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return []
    pq.write_table(table, folder / "events.parquet")
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=batch_size))
    return [table, reader, folder / "events.parquet"]


def describe(events: Sequence[dict]) -> None:
    note("events:\n" + "\n".join(json.dumps(e, ensure_ascii=False) for e in events))


streams = S.event_streams()


# --- chunking ---
@settings(max_examples=S.examples(30))
@given(stream=streams, data=st.data())
def test_chunking_does_not_matter(stream, data):
    """The time-sorted stream in one batch == the same in k consecutive batches (random cuts,
    empty batches allowed); the batches' outcomes, one after the other, are the one batch's."""
    events = stream.sorted
    describe(events)
    k = data.draw(st.integers(2, 6), label="batches")
    cuts = sorted(data.draw(st.lists(st.integers(0, len(events)), min_size=k - 1, max_size=k - 1), label="cuts"))
    whole = applied(events)
    chunked, outcomes = Pipeline(), []
    for part in S.split(events, cuts):
        chunked.apply(part)
        outcomes.append(chunked.outcomes())
    assert_same_state(chunked, whole)
    assert_frames_equal(concat_outcomes(outcomes), whole.outcomes())


# --- threads ---
@settings(max_examples=S.examples(10))
@given(stream=streams)
def test_two_threads_give_what_one_gives(stream):
    """threads=1 == threads=2. A batch is split over threads only from 1,024 events on, so the
    stream is tiled (copies under new ids) to at least 2,100 events."""
    events = S.tiled(stream.events, -(-2100 // len(stream)))
    one, two = applied(events, threads=1), applied(events, threads=2)
    assert_same(two, one, histories=False)  # state() holds the histories too


# --- input paths ---
@settings(max_examples=S.examples(15))
@given(stream=streams, batch_size=st.integers(1, 40))
def test_every_input_path_gives_the_same_state(stream, batch_size):
    """dicts == pursuit.Event == DataFrame (``at`` as text, and as tz-aware datetimes) == a JSON
    Lines file == Store.ingest (dicts, file and DataFrame) then store.pipeline()."""
    events = stream.events
    describe(events)
    reference = applied(events)
    assert_same(applied([pursuit.Event(e) for e in events]), reference)
    assert_same(applied(frame(events)), reference)
    assert_same(applied(frame(events, times=True)), reference)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_jsonl(Path(tmp) / "events.jsonl", events)
        assert_same(applied(path), reference)
        for table in tables(events, batch_size, Path(tmp)):
            assert_same(applied(table), reference)
        for k, source in enumerate((events, path, frame(events), *tables(events, batch_size, Path(tmp))[:1])):
            with Store(Path(tmp) / f"s{k}.db") as store:
                summary = store.ingest(source, batch_size=batch_size)
                assert summary.inserted == len(events) and summary.ok
                # the store replays in (time, arrival) order: other outcome rows order
                assert_same(store.pipeline(), reference, in_order=False)


def error_tuples(errors) -> list[tuple]:
    return [(e.event_id, e.line, e.field, str(e)) for e in errors]


@settings(max_examples=S.examples(15))
@given(case=S.streams_with_bad_events())
def test_every_path_collects_the_same_errors(case):
    """With invalid events in the batch and ``on_error="collect"``: the same errors (id, line,
    field, message) from dicts, a DataFrame, a JSON Lines file and Store.ingest, and the same
    state from the valid rest; ``on_error="raise"`` raises the first of them and applies (or stores)
    nothing."""
    stream, bad_ids = case
    events = stream.events
    describe(events)
    valid = [e for e in events if e["id"] not in bad_ids]
    reference = applied(valid)
    p = Pipeline()
    errors = error_tuples(p.apply(events, on_error="collect").errors)
    assert sorted({e[0] for e in errors}) == sorted(bad_ids)
    assert [e[1] for e in errors] == sorted(e[1] for e in errors)
    assert_same_state(p, reference)
    with pytest.raises(pursuit.EventError) as info:
        Pipeline().apply(events)
    assert error_tuples([info.value]) == errors[:1]

    q = Pipeline()
    assert error_tuples(q.apply(frame(events), on_error="collect").errors) == errors
    assert_same_state(q, reference)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_jsonl(Path(tmp) / "events.jsonl", events)
        r = Pipeline()
        assert error_tuples(r.apply(path, on_error="collect").errors) == errors
        assert_same_state(r, reference)
        assert error_tuples(pursuit.read_jsonl(path, on_error="collect").errors) == errors
        for table in tables(events, 5, Path(tmp)):
            t = Pipeline()
            assert error_tuples(t.apply(table, on_error="collect").errors) == errors
            assert_same_state(t, reference)
        for k, source in enumerate((events, path)):
            with Store(Path(tmp) / f"s{k}.db") as store:
                with pytest.raises(pursuit.EventError) as info:
                    store.ingest(source, batch_size=7)
                assert error_tuples([info.value]) == errors[:1] and len(store) == 0  # nothing stored
                summary = store.ingest(source, on_error="collect", batch_size=7)
                assert error_tuples(summary.errors) == errors
                assert summary.inserted == len(valid)
                assert_same_state(store.pipeline(), reference)


# --- order within a batch ---
# An event placed in a batch before its opportunity's `open` (though later in time) is applied
# after it: the properties run with each open moved first (S.open_first) and as generated.
OPEN_BEFORE = {"id": "a", "opportunity": "O", "at": "2026-01-05T09:00:00Z", "type": "open", "account": "A", "name": "N"}
SIGNAL_AFTER = {"id": "b", "opportunity": "O", "at": "2026-01-05T09:01:00Z", "type": "signal", "kind": "implicit_need"}
open_rule = pytest.mark.parametrize("open_first", [True, False])


def test_an_event_before_its_open_in_the_batch_is_applied_in_time_order():
    p = Pipeline()
    p.apply([SIGNAL_AFTER, OPEN_BEFORE])  # in time order: the open, then the signal
    assert p.outcomes()["verdict"].tolist() == ["accepted", "accepted"]


def reorder(events, order, open_first):
    moved = S.permuted(events, order)
    return S.open_first(moved) if open_first else moved


@open_rule
@settings(max_examples=S.examples(30))
@given(case=S.reordered_streams())
@example(case=(S.Stream([OPEN_BEFORE, SIGNAL_AFTER]), [1, 0]))
def test_any_order_that_keeps_same_instant_events_in_order_gives_the_same_state(case, open_first):
    """The documented rule: an opportunity's events of one batch are applied in time order, and
    its events at one instant in their input order. So any permutation that keeps those in
    order (opportunities interleaved otherwise, events of different instants moved) gives the
    same state, and the same outcome for each event."""
    stream, order = case
    moved = S.permuted_keeping_ties(stream.events, order)
    moved = S.open_first(moved) if open_first else moved
    describe(moved)
    assert_same(applied(moved), applied(stream.events), in_order=False)


@open_rule
@settings(max_examples=S.examples(30))
@given(case=S.reordered_streams())
@example(case=(S.Stream([OPEN_BEFORE, SIGNAL_AFTER]), [1, 0]))
def test_a_full_shuffle_changes_the_state_only_through_same_instant_events(case, open_first):
    """Any permutation at all gives the state of the same events in time order with the
    permutation's order among each opportunity's same-instant events (a stable sort by time)."""
    stream, order = case
    shuffled = reorder(stream.events, order, open_first)
    describe(shuffled)
    assert_same(applied(shuffled), applied(S.time_sorted(shuffled)), in_order=False)


@open_rule
@settings(max_examples=S.examples(20))
@given(case=S.reordered_streams(ties=False))
@example(case=(S.Stream([OPEN_BEFORE, SIGNAL_AFTER]), [1, 0]))
def test_without_same_instant_events_any_order_gives_the_same_state(case, open_first):
    """No opportunity has two events at one instant: then every permutation gives one state."""
    stream, order = case
    shuffled = reorder(stream.events, order, open_first)
    assert not S.has_ties(shuffled)
    describe(shuffled)
    assert_same(applied(shuffled), applied(stream.events), in_order=False)


# --- one at a time ---
@settings(max_examples=S.examples(20))
@given(stream=streams)
def test_one_event_at_a_time_gives_what_one_batch_gives(stream):
    """Pipeline.apply of single-event batches, and Opportunity.apply of each opportunity's
    events, in time order == one batch: the same state, and each event's outcome the same."""
    events = stream.sorted
    describe(events)
    whole = applied(events)
    one, outcomes = Pipeline(), []
    for e in events:
        one.apply([e])
        outcomes.append(one.outcomes())
    assert_same_state(one, whole)
    assert_frames_equal(concat_outcomes(outcomes), whole.outcomes())

    by_id = whole.outcomes().set_index("event_id")
    for id in stream.opportunities:
        opp = Opportunity(id)
        for e in (e for e in events if e["opportunity"] == id):
            r = opp.apply(e)
            row = by_id.loc[e["id"]]
            assert (r.verdict.value, r.reason, r.step_after.value) == (row["verdict"], row["reason"], row["step_after"])
        assert opp.state() == whole[id].state()
        assert_frames_equal(opp.history, whole[id].history)


# --- pickle ---
@settings(max_examples=S.examples(20))
@given(stream=streams, data=st.data())
def test_a_pickle_round_trip_mid_way_changes_nothing(stream, data):
    """Apply a prefix of the time-sorted stream, pickle and unpickle the pipeline, apply the
    rest: the state of applying everything at once; the last batch's outcomes those of the
    same two batches without the round trip. The same for one opportunity, event by event."""
    events = stream.sorted
    cut = data.draw(st.integers(0, len(events)), label="cut")
    describe(events[:cut])
    describe(events[cut:])
    first = applied(events[:cut])
    restored = pickle.loads(pickle.dumps(first))
    assert_same_state(restored, first)
    restored.apply(events[cut:])
    assert_same_state(restored, applied(events))
    assert_frames_equal(restored.outcomes(), applied(events[:cut], events[cut:]).outcomes())

    for id in stream.opportunities:
        mine = [e for e in events if e["opportunity"] == id]
        k = data.draw(st.integers(0, len(mine)), label=f"cut of {id}")
        opp = Opportunity(id)
        opp.apply_all(mine[:k])
        opp = pickle.loads(pickle.dumps(opp))
        opp.apply_all(mine[k:])
        assert opp.state() == applied(events)[id].state()


# --- the store ---
@settings(max_examples=S.examples(15))
@given(stream=streams, batch_size=st.integers(1, 50), data=st.data())
def test_a_store_round_trip_and_as_of(stream, batch_size, data):
    """Store.ingest (random batch_size) then store.pipeline() == Pipeline.apply; threads=2 too;
    store.opportunity(id) == that opportunity of the pipeline;
    store.pipeline(as_of=t) == applying only the events with at <= t (t at an event's instant,
    a microsecond either side, written in any offset; or a date, meaning the end of that UTC day)."""
    events = stream.events
    describe(events)
    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "s.db") as store:
            summary = store.ingest(events, batch_size=batch_size)
            assert (summary.inserted, summary.batches) == (len(events), -(-len(events) // batch_size))
            # replay order is (time, arrival): the outcomes are those of the time-sorted batch
            reference = applied(stream.sorted)
            assert_same(store.pipeline(), reference)
            assert_same(store.pipeline(threads=2), reference)
            assert_same_state(store.pipeline(), applied(events))
            assert [e.to_dict() for e in store.events()] == [pursuit.Event(e).to_dict() for e in stream.sorted]
            for id in stream.opportunities:  # one opportunity replayed from its own events
                assert store.opportunity(id).state() == reference[id].state()
            for _ in range(3):
                base = data.draw(st.sampled_from(events), label="as_of event")
                us = S.instant(base) + data.draw(st.sampled_from([-1, 0, 0, 1]), label="shift")
                if data.draw(st.booleans(), label="as a date"):
                    day = pd.Timestamp(us * 1000, tz="UTC").date()
                    as_of: Any = day.isoformat() if data.draw(st.booleans(), label="as text") else day
                    us = (pd.Timestamp(day, tz="UTC").value // 1000) + 86_400_000_000 - 1
                else:
                    as_of = S.at_text(us, data.draw(st.sampled_from(S.OFFSETS), label="offset"), 6)
                before = [e for e in stream.sorted if S.instant(e) <= us]
                note(f"as_of={as_of!r}: {len(before)} events")
                past = applied(before)
                assert_same(store.pipeline(as_of=as_of), past)
                for id in past.ids:
                    assert store.opportunity(id, as_of=as_of).state() == past[id].state()
