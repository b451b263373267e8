import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pandas as pd
import pytest

import pursuit
from pursuit import EventError, Playbook, Store, StoreError, Verdict

from conftest import event, python_shaped


def scaled_sample(sample_path, at_least: int) -> list[str]:
    """The sample repeated under new ids until there are `at_least` valid events."""
    lines = [json.loads(l) for l in sample_path.read_text(encoding="utf-8").splitlines() if l.strip()]
    out = []
    for k in range(-(-at_least // len(lines))):
        for e in lines:
            out.append(json.dumps({**e, "id": f"{e['id']}#{k}", "opportunity": f"{e['opportunity']}#{k}"},
                                  ensure_ascii=False))
    return out


def test_ingest_is_idempotent(tmp_path, sample_path):
    store = Store(tmp_path / "s.db")
    first = store.ingest(sample_path)
    n = len(pursuit.read_jsonl(sample_path))
    assert (first.inserted, first.duplicates, first.batches) == (n, 0, 1)
    assert first.ok
    again = store.ingest(sample_path)
    assert (again.inserted, again.duplicates, again.batches) == (0, n, 0)
    assert len(store) == n
    stats = store.stats()
    assert stats.batches == 1
    assert stats.opportunities == len({e.opportunity for e in pursuit.read_jsonl(sample_path)})
    assert stats.first_at <= stats.last_at


def test_ingest_from_dicts_events_and_dataframe(tmp_path, sample_path):
    events = pursuit.read_jsonl(sample_path).events
    a, b, c = Store(tmp_path / "a.db"), Store(tmp_path / "b.db"), Store(tmp_path / "c.db")
    a.ingest(events)
    b.ingest([e.to_dict() for e in events])
    frame = pd.DataFrame([{**e.to_dict(), "at": e.at} for e in events if e.type_id == "open"])
    c.ingest(frame, source="crm export")
    assert a.events() == b.events()
    assert len(c) == len(frame)


def test_replay_equals_applying_the_events(tmp_path, sample_path):
    store = Store(tmp_path / "s.db")
    store.ingest(sample_path)
    direct = pursuit.Pipeline()
    direct.apply(sample_path)
    replayed = store.pipeline(threads=2).snapshot().set_index("opportunity").sort_index()
    expected = direct.snapshot().set_index("opportunity").sort_index()
    pd.testing.assert_frame_equal(replayed, expected)


def test_as_of_rebuilds_the_past(tmp_path, sample_path):
    store = Store(tmp_path / "s.db")
    store.ingest(sample_path)
    events = pursuit.read_jsonl(sample_path).events
    cut = sorted(e.at for e in events)[len(events) // 2]
    before = [e for e in events if e.at <= cut]
    past = store.pipeline(as_of=cut)
    direct = pursuit.Pipeline()
    direct.apply(before)
    assert sorted(past.ids) == sorted(direct.ids)
    for id in direct:
        assert past[id].step == direct[id].step
        assert len(past[id].history) == len(direct[id].history)
    # a date means the end of that day
    day = cut.date()
    assert len(store.events(as_of=day)) == sum(e.at.date() <= day for e in events)
    assert store.pipeline(as_of="1990-01-01").ids == []
    assert len(store.pipeline().ids) >= len(past.ids)


def test_one_opportunity_from_the_store(tmp_path, sample_path):
    store = Store(tmp_path / "s.db")
    store.ingest(sample_path)
    full = store.pipeline()
    id = full.ids[0]
    one = store.opportunity(id)
    assert one.step == full[id].step
    assert one.history.equals(full[id].history)
    with pytest.raises(KeyError):
        store.opportunity("no such opportunity")


def test_unreadable_events_stop_a_raising_ingest_before_anything_is_written(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(event("open", account="A", name="N")) + "\n" +
                    json.dumps({**event("signal", kind="gossip"), "id": "e-2"}) + "\n", encoding="utf-8")
    store = Store(tmp_path / "s.db")
    with pytest.raises(EventError) as info:
        store.ingest(path)
    assert (info.value.event_id, info.value.line, info.value.field) == ("e-2", 2, "kind")
    assert len(store) == 0
    summary = store.ingest(path, on_error="collect")
    assert summary.inserted == 1 and len(summary.errors) == 1 and not summary.ok
    assert summary.errors[0].line == 2


def test_conflicting_ids(tmp_path):
    store = Store(tmp_path / "s.db")
    store.ingest([event("open", account="A", name="N")])
    changed = event("open", account="A", name="Another name")
    with pytest.raises(EventError, match="already stored with different content") as info:
        store.ingest([changed])
    assert info.value.event_id == "e-1" and info.value.field == "id"
    summary = store.ingest([changed, {**event("advance"), "id": "e-2"}], on_error="collect")
    assert summary.inserted == 1 and [c.event_id for c in summary.conflicts] == ["e-1"]
    assert store.events()[0].fields["name"] == "N"


@pytest.mark.parametrize("as_file", [False, True])
def test_on_conflict_is_decided_apart_from_unreadable_events(tmp_path, as_file):
    store = Store(tmp_path / "s.db")
    store.ingest([event("open", account="A", name="N")])
    changed, new = event("open", account="A", name="Another name"), {**event("advance"), "id": "e-2"}
    bad = {**event("signal", kind="gossip"), "id": "e-3"}

    def batch(*events):
        if not as_file:
            return list(events)
        path = tmp_path / f"b{len(events)}.jsonl"
        path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
        return path

    # Unreadable input still refuses the whole batch, conflicts or not.
    with pytest.raises(EventError) as info:
        store.ingest(batch(changed, new, bad), on_conflict="collect")
    assert info.value.event_id == "e-3" and len(store) == 1
    # Readable input with a conflict: the conflict is reported, the rest stored.
    summary = store.ingest(batch(changed, new), on_conflict="collect")
    assert summary.inserted == 1 and [c.event_id for c in summary.conflicts] == ["e-1"] and not summary.errors
    with pytest.raises(ValueError, match="on_conflict"):
        store.ingest([], on_conflict="ignore")


def test_progress_reports_batches(tmp_path, stories_path):
    calls = []
    Store(tmp_path / "s.db").ingest(stories_path, batch_size=100, progress=lambda done, total: calls.append((done, total)))
    n = len(pursuit.read_jsonl(stories_path))  # 238: two whole batches and a part
    assert calls == [(0, n), (100, n), (200, n), (n, n)]


def test_progress_of_a_file_starts_from_its_lines_and_ends_exact(tmp_path, stories_path):
    lines = stories_path.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines[:50] + ["", "   ", lines[3]] + lines[50:]) + "\n", encoding="utf-8")
    calls = []
    summary = Store(tmp_path / "s.db").ingest(path, batch_size=100, on_error="collect",
                                              progress=lambda done, total: calls.append((done, total)))
    assert [e.reason for e in summary.errors] == ["duplicate event id (first on line 4)"]
    n = len(lines)
    assert calls[0] == (0, n + 1)  # the non-blank lines: an upper bound until the file is read
    assert calls[-1] == (n, n)


def test_the_store_keeps_its_playbook(tmp_path):
    path = tmp_path / "s.db"
    relaxed = Playbook.from_dict({**Playbook.default().to_dict(), "name": "relaxed"})
    with Store(path) as store:
        assert store.playbook.name == "default"
        store.playbook = relaxed
    with Store(path, read_only=True) as again:
        assert again.playbook.name == "relaxed"
        assert again.pipeline().playbook.name == "relaxed"
    custom = Playbook.default()
    custom.add_requirement("qualification", "x", lambda o: True, text="x", action="y")
    with pytest.raises(ValueError, match="cannot be stored"):
        Store(path).playbook = custom


def test_bad_arguments(tmp_path):
    store = Store(tmp_path / "s.db")
    with pytest.raises(ValueError, match="on_error"):
        store.ingest([], on_error="ignore")
    with pytest.raises(ValueError, match="batch_size"):
        store.ingest([], batch_size=0)
    with pytest.raises(FileNotFoundError):
        store.ingest(tmp_path / "missing.jsonl")
    with pytest.raises(ValueError, match="not a date"):
        store.pipeline(as_of="soon")
    store.close()
    with pytest.raises(ValueError, match="closed"):
        len(store)
    assert repr(store) == "<Store (closed)>"


@pytest.mark.parametrize("content, message", [
    (b"just text, not a database at all" * 10, "not a readable SQLite database"),
    (None, "another application"),
])
def test_foreign_or_corrupt_files_are_refused(tmp_path, content, message):
    path = tmp_path / "other.db"
    if content is None:
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE invoices (id INTEGER)")
        con.commit()
        con.close()
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    with pytest.raises(StoreError, match=message) as info:
        Store(path)
    assert info.value.path == str(path)
    assert path.read_bytes() == before  # refused, not altered


def test_read_only_needs_an_existing_store(tmp_path):
    with pytest.raises(StoreError, match="cannot open the store"):
        Store(tmp_path / "missing.db", read_only=True)
    Store(tmp_path / "s.db")
    reader = Store(tmp_path / "s.db", read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        reader.ingest([event("open", account="A", name="N")])


def test_readers_read_while_a_writer_ingests(tmp_path, sample_path):
    path = tmp_path / "s.db"
    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(scaled_sample(sample_path, 15_000)) + "\n", encoding="utf-8")
    Store(path)
    writer = subprocess.Popen([sys.executable, "-m", "pursuit", "ingest", str(big), "--db", str(path),
                               "--batch-size", "500", "--quiet"])
    readers = [Store(path, read_only=True), Store(path, read_only=True)]
    total = len(scaled_sample(sample_path, 15_000))
    seen = set()
    while writer.poll() is None:
        for r in readers:
            n = len(r)
            assert n % 500 == 0 or n == total  # a reader never sees part of a batch
            seen.add(n)
        readers[1].pipeline()
        time.sleep(0.01)
    assert writer.returncode == 0
    assert all(len(r) == total for r in readers)


def _ingest_command(big, path, batch):
    # --skip-invalid: batches commit as they are written (without it a file is all or nothing)
    return [sys.executable, "-m", "pursuit", "ingest", str(big), "--db", str(path), "--batch-size", str(batch),
            "--quiet", "--skip-invalid"]


def _kill_mid_ingest(big, path, batch):
    """Starts ``pursuit ingest`` and kills it once two batches are stored; the
    number of events stored then."""
    proc = subprocess.Popen(_ingest_command(big, path, batch))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if path.exists():
            try:
                stored = len(Store(path, read_only=True))
            except StoreError:
                stored = 0  # the schema is being created
            if stored >= 2 * batch:
                break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return len(Store(path, read_only=True))


def test_a_killed_ingest_leaves_whole_batches_and_rerunning_completes_it(tmp_path, sample_path):
    lines = scaled_sample(sample_path, 40_000)
    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # A busy machine can pause this process while the ingest runs to its end:
    # then again, with smaller batches (a slower ingest).
    for attempt, batch in enumerate((100, 20, 5)):
        path = tmp_path / f"killed-{attempt}.db"
        after_kill = _kill_mid_ingest(big, path, batch)
        if after_kill < len(lines):
            break
    assert 0 < after_kill < len(lines), "every ingest finished before it could be killed; make the input bigger"
    assert after_kill % batch == 0  # whole batches only

    cmd = _ingest_command(big, path, batch)
    assert subprocess.run(cmd).returncode == 0
    clean = tmp_path / "clean.db"
    Store(clean).ingest(big)
    killed_events, clean_events = Store(path).events(), Store(clean).events()
    assert [e.id for e in killed_events] == [e.id for e in clean_events]
    assert killed_events == clean_events
    pd.testing.assert_frame_equal(Store(path).pipeline().snapshot(), Store(clean).pipeline().snapshot())


def test_each_batch_records_its_source_without_formatting_the_events(tmp_path, sample_path, monkeypatch):
    events = pursuit.read_jsonl(sample_path).events

    def no_repr(self):
        raise AssertionError("ingest formatted an event")  # it used to, for the batch's label: 30% of the time

    monkeypatch.setattr(pursuit.Event, "__repr__", no_repr)
    store = Store(tmp_path / "s.db")
    store.ingest(events[:3])
    store.ingest(events[3:5], source="crm export")
    store.ingest(sample_path)
    store.close()
    with sqlite3.connect(tmp_path / "s.db") as con:
        sources = [r[0] for r in con.execute("SELECT source FROM batches ORDER BY id")]
    assert sources == ["Python", "crm export", sample_path.name]


def test_a_large_file_is_written_while_parsed_and_an_error_at_its_end_still_stops_everything(tmp_path, sample_path):
    lines = scaled_sample(sample_path, 12_000)
    first = json.loads(lines[5])
    lines.append(json.dumps({**first}))  # a duplicate of line 6
    lines.append(json.dumps({**json.loads(lines[7]), "id": "last", "type": "signal", "kind": "gossip"}))
    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = Store(tmp_path / "s.db")
    with pytest.raises(EventError) as info:
        store.ingest(big, batch_size=500)
    assert (info.value.event_id, info.value.line, info.value.field) == (first["id"], len(lines) - 1, "id")
    assert "first on line 6" in str(info.value)
    assert len(store) == 0 and store.stats().batches == 0
    summary = store.ingest(big, batch_size=500, on_error="collect")
    assert [(e.line, e.field) for e in summary.errors] == [(len(lines) - 1, "id"), (len(lines), "kind")]
    assert summary.inserted == len(lines) - 2 == len(store)
    assert sorted(e.id for e in store.events()) == sorted(e.id for e in pursuit.read_jsonl(big, on_error="collect").events)


def test_a_table_is_stored_a_slice_at_a_time_with_progress_from_its_rows(tmp_path, stories_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    events = pursuit.read_jsonl(stories_path).events
    frame = pd.DataFrame([e.to_dict() for e in events])
    frame["at"] = pd.to_datetime(frame["at"], utc=True, format="ISO8601")
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, tmp_path / "events.parquet", row_group_size=50)
    expected = [e.to_dict() for e in events]
    n = len(events)
    inputs = {
        "table": (table, n),
        "parquet": (tmp_path / "events.parquet", n),
        "reader": (pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=40)), None),
    }
    for name, (source, rows) in inputs.items():
        calls = []
        store = Store(tmp_path / f"{name}.db")
        summary = store.ingest(source, batch_size=60, progress=lambda done, total: calls.append((done, total)))
        assert summary.inserted == n, name
        assert sorted((e.to_dict() for e in store.events()), key=lambda d: d["id"]) == sorted(expected, key=lambda d: d["id"])
        assert calls[-1] == (n, n), name
        if rows is not None:  # known up front: progress from the first batch
            assert calls[0] == (0, rows) and len(calls) == (n + 59) // 60 + 1, name


def test_a_table_with_a_bad_row_late_stores_nothing_under_raise(tmp_path, stories_path):
    import pyarrow as pa

    frame = pd.DataFrame([e.to_dict() for e in pursuit.read_jsonl(stories_path).events])
    frame["at"] = pd.to_datetime(frame["at"], utc=True, format="ISO8601")
    n = len(frame)
    frame.loc[n - 3, "type"] = "nope"
    table = pa.Table.from_pandas(frame, preserve_index=False)
    store = Store(tmp_path / "s.db")
    with pytest.raises(pursuit.EventError) as info:
        store.ingest(table, batch_size=20)
    assert info.value.field == "type" and info.value.line == n - 2
    assert store.stats().events == 0
    summary = store.ingest(table, batch_size=20, on_error="collect")
    assert summary.inserted == n - 1 and [e.line for e in summary.errors] == [n - 2]


@pytest.mark.parametrize("shape", ["dicts", "events", "numpy columns"])
def test_python_events_are_stored_a_slice_at_a_time_and_a_bad_one_late_stores_nothing(tmp_path, sample_path, shape):
    # More than one slice (65,536 events) of dicts, Events or a frame's numpy columns:
    # converted a slice at a time, judged as one input.
    dicts = [json.loads(line) for line in scaled_sample(sample_path, 70_000)]
    n = len(dicts)
    items = python_shaped(dicts, shape)
    store = Store(tmp_path / "s.db")
    with pytest.raises(EventError) as info:
        store.ingest(items, batch_size=5_000)
    first = (1, "amount", dicts[0]["id"]) if shape == "numpy columns" else (n - 1, "type", dicts[n - 2]["id"])
    assert (info.value.line, info.value.field, info.value.event_id) == first
    assert len(store) == 0 and store.stats().batches == 0
    calls = []
    summary = store.ingest(items, batch_size=5_000, on_error="collect", progress=lambda done, total: calls.append((done, total)))
    assert [(e.line, e.field) for e in summary.errors] == ([(1, "amount")] if shape == "numpy columns" else []) + [(n - 1, "type")]
    assert summary.inserted == len(store) == n - 1 - (shape == "numpy columns")
    read = n - len(summary.errors)  # the exact count, once all is read
    assert calls[0] == (0, n) and calls[-1] == (read, read)
