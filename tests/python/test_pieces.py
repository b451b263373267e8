"""Inputs applied piece by piece (issue 15): a JSON Lines file is read a block of lines at a
time and a re-readable table (pyarrow Table, DataFrame, Parquet) a slice of rows at a time, so
neither exists whole in memory. The answer must be the one batch's whatever the piece size:
the same state, the same outcomes in the same order, the same errors; an input whose
opportunities' events go back in time across pieces is applied whole instead; under
``on_error="raise"`` an error anywhere (the last line too) leaves the pipeline as it was.

Pieces are made tiny here (``pursuit._inputs.PIECE_EVENTS``) so every boundary case occurs.
"""

from __future__ import annotations

import json
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pursuit
from pursuit import Pipeline, _inputs

from conftest import python_shaped
import strategies as S
from test_properties import applied, assert_same, assert_same_state, describe, error_tuples, frame, tables, write_jsonl


@contextmanager
def pieces(n: int):
    old = _inputs.PIECE_EVENTS
    _inputs.PIECE_EVENTS = n
    try:
        yield
    finally:
        _inputs.PIECE_EVENTS = old


def inputs(events, folder: Path) -> list:
    """The events as every input that is read in pieces (and a reader, read whole)."""
    return [write_jsonl(folder / "events.jsonl", events), frame(events), list(events), *tables(events, 3, folder)]


def prefixed(prefix, rest) -> Pipeline:
    p = Pipeline()
    if prefix:
        p.apply(prefix)
    p.apply(rest)
    return p


@settings(max_examples=S.examples(25))
@given(case=S.reordered_streams(), piece=st.integers(1, 6), sort=st.booleans(), data=st.data())
def test_pieces_give_the_one_batch_answer(case, piece, sort, data):
    """In time order (pieces all the way) or shuffled (pieces, or whole once an event goes back
    in time), onto an empty pipeline or one holding a prefix: the answer of one batch of dicts."""
    stream, order = case
    events = S.time_sorted(stream.events) if sort else S.permuted(stream.events, order)
    cut = data.draw(st.integers(0, len(events) // 2), label="prefix")
    prefix, rest = S.time_sorted(events[:cut]), events[cut:]
    describe(rest)
    reference = prefixed(prefix, rest)
    with tempfile.TemporaryDirectory() as tmp, pieces(piece):
        for source in inputs(rest, Path(tmp)):
            assert_same(prefixed(prefix, source), reference)


@settings(max_examples=S.examples(15))
@given(case=S.streams_with_bad_events(), piece=st.integers(1, 5))
def test_pieces_collect_the_same_errors_and_raise_leaves_nothing(case, piece):
    stream, bad_ids = case
    events = stream.events
    valid = [e for e in events if e["id"] not in bad_ids]
    describe(events)
    p = Pipeline()
    errors = error_tuples(p.apply(events, on_error="collect").errors)
    with tempfile.TemporaryDirectory() as tmp, pieces(piece):
        for k in range(len(inputs(events, Path(tmp)))):
            source = inputs(events, Path(tmp))[k]  # anew each time: a reader is read once
            q = Pipeline()
            assert error_tuples(q.apply(source, on_error="collect").errors) == errors
            source = inputs(events, Path(tmp))[k]
            assert_same_state(q, p)
            r = applied(S.time_sorted(valid[:2]))
            before = r.snapshot()
            with pytest.raises(pursuit.EventError) as info:
                r.apply(source)
            assert error_tuples([info.value]) == errors[:1]
            pd.testing.assert_frame_equal(r.snapshot(), before)


def ev(id, opp, minute, type, **fields):
    return {"id": id, "opportunity": opp, "at": f"2026-01-05T09:{minute:02d}:00Z", "type": type, **fields}


def open_(id, opp, minute):
    return ev(id, opp, minute, "open", account="A", name="N")


def signal(id, opp, minute):
    return ev(id, opp, minute, "signal", kind="implicit_need")


def each_input(events, piece=1):
    """(name, in pieces, whole) for each input read in pieces: the pipelines after applying
    it a piece of ``piece`` events at a time and in one piece (each source keeps its own rule
    for a repeated id: an error in JSON Lines, a rejection in a table)."""
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(len(inputs(events, Path(tmp)))):
            got = []
            for size in (piece, 1 << 20):
                with pieces(size):
                    p = Pipeline()
                    p.apply(inputs(events, Path(tmp))[k], on_error="collect")
                    got.append(p)
            yield type(inputs(events, Path(tmp))[k]).__name__, got[0], got[1]


def test_an_event_waits_across_pieces_for_its_opportunitys_open():
    events = [signal("s", "O", 2), open_("o", "O", 1), signal("t", "P", 3)]  # P is never opened
    reference = applied(events, on_error="collect")
    assert reference.outcomes()["verdict"].tolist() == ["accepted", "accepted", "rejected"]
    for name, p, whole in each_input(events):
        assert_same(p, reference), name
        assert_same(whole, reference), name


def test_a_repeated_id_across_pieces_is_judged_as_in_one_batch():
    events = [open_("o", "O", 1), signal("s", "O", 2), signal("s", "O", 3), signal("u", "O", 4)]
    with tempfile.TemporaryDirectory() as tmp, pieces(1):
        path = write_jsonl(Path(tmp) / "e.jsonl", events)
        summary = Pipeline().apply(path, on_error="collect")
        assert [(e.event_id, e.line, str(e.reason)) for e in summary.errors] == [
            ("s", 3, "duplicate event id (first on line 2)")]
        table = pa.Table.from_pydict({k: [e.get(k) for e in events] for k in dict.fromkeys(k for e in events for k in e)})
        p = Pipeline()
        p.apply(table)
        assert_same(p, applied(events))
        assert "duplicate event id 's' in this batch" in p.outcomes()["reason"].tolist()


def test_a_repeat_of_a_rejected_event_across_pieces_is_still_a_repeat():
    events = [signal("x", "Q", 1), open_("o", "O", 2), signal("x", "O", 3)]  # Q never opened
    for name, p, whole in each_input(events):
        assert_same(p, whole), name
    assert applied(events).outcomes()["reason"].str.contains("in this batch").sum() == 1


def test_events_going_back_in_time_across_pieces_are_applied_as_one_batch():
    events = [open_("o", "O", 1), signal("late", "O", 9), signal("early", "O", 5), ev("a", "O", 6, "advance")]
    reference = applied(events)
    for name, p, whole in each_input(events):
        assert_same(p, reference), name
        assert_same(whole, reference), name


def test_an_error_on_the_last_line_of_a_long_file_leaves_the_pipeline_untouched(tmp_path):
    events = [open_(f"o{i}", f"O{i}", 1) for i in range(50)] + [signal(f"s{i}", f"O{i}", 2) for i in range(50)]
    p = Pipeline()
    p.apply(events[:10])  # opportunities of an earlier input are touched, then put back
    before = {id: p[id].state() for id in p.ids}
    path = tmp_path / "e.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events[10:]) + '{"id": "bad"\n', encoding="utf-8")
    with pieces(7), pytest.raises(pursuit.EventError) as info:
        p.apply(path)
    assert info.value.line == 91
    assert {id: p[id].state() for id in p.ids} == before
    p.apply(events[10:])  # and it takes the events afterwards as if nothing happened
    assert len(p) == 50 and p.outcomes()["verdict"].eq("accepted").all()


def test_a_reader_is_read_once_whole():
    events = [open_("o", "O", 1), signal("late", "O", 9), signal("early", "O", 5)]
    table = pa.Table.from_pydict({k: [e.get(k) for e in events] for k in dict.fromkeys(k for e in events for k in e)})
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=1))
    with pieces(1):
        p = Pipeline()
        p.apply(reader)
    assert_same(p, applied(events))


def test_a_blank_or_bom_first_block_and_an_empty_file(tmp_path):
    events = [open_("o", "O", 1), signal("s", "O", 2)]
    path = tmp_path / "e.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b"\n\n".join(json.dumps(e).encode() for e in events) + b"\r\n")
    with pieces(1):
        p = Pipeline()
        p.apply(path)
        assert_same(p, applied(events))
        (tmp_path / "empty.jsonl").write_bytes(b"")
        q = Pipeline()
        assert q.apply(tmp_path / "empty.jsonl").errors == []
        assert len(q) == 0


@pytest.mark.parametrize("shape", ["dicts", "events", "numpy columns"])
def test_python_events_are_converted_a_slice_at_a_time_and_a_bad_one_late_applies_nothing(stories_path, shape):
    # Dicts, Events and a frame's numpy columns are converted a piece at a time and
    # applied as they come: the one batch's answer, errors by row, and under raise a
    # bad row near the end leaves the pipeline as it was.
    dicts = [json.loads(line) for line in stories_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    n = len(dicts)
    items = python_shaped(dicts, shape)
    with pieces(1 << 20):
        whole = Pipeline()
        expected = error_tuples(whole.apply(items, on_error="collect").errors)
    assert expected[-1][1:3] == (n - 1, "type")
    with pieces(5):
        p = Pipeline()
        assert error_tuples(p.apply(items, on_error="collect").errors) == expected
        assert_same_state(p, whole)
        r = applied(S.time_sorted([d for d in dicts[:40] if d["type"] == "open"][:2]))
        before = r.snapshot()
        with pytest.raises(pursuit.EventError) as info:
            r.apply(items)
        assert error_tuples([info.value]) == expected[:1]
        pd.testing.assert_frame_equal(r.snapshot(), before)
