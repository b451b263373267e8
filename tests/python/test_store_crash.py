"""Crash and concurrency tests of the SQLite store (issue 14, item 7), on real files and real
processes: an ingest killed with SIGKILL at seeded random points leaves whole batches and a
re-run completes it exactly; two writers ingesting overlapping files at once store every event
once; a reader replaying the store during a write sees whole batches only.

A busy machine can pause this process while an ingest runs to its end (nothing left to kill,
no intermediate state seen): then the run is tried again with smaller batches (a slower
ingest), as in test_store.py.
"""

from __future__ import annotations

import json
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import pursuit
from pursuit import Pipeline, Store, cli

EVENTS = 20_000  # at least this many: ~1 s of ingest on a quiet 2-core machine


def scaled_sample(at_least: int) -> list[dict]:
    """The bundled sample repeated under new ids (copy by copy) until there are `at_least` events."""
    lines = [json.loads(l) for l in pursuit.data.sample_events_path().read_text(encoding="utf-8").splitlines() if l.strip()]
    return [{**e, "id": f"{e['id']}#{k}", "opportunity": f"{e['opportunity']}#{k}"}
            for k in range(-(-at_least // len(lines))) for e in lines]


def write_jsonl(path: Path, events: list[dict]) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
    return path


class Clean:
    """A store that ingested the input cleanly in one go, and what it holds (computed once)."""

    def __init__(self, path: Path) -> None:
        with Store(path, read_only=True) as store:
            self.events = store.events()
            self.pipeline = store.pipeline()


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> tuple[Path, list[dict], Clean]:
    """The input file, its events, and a clean ingest of it."""
    d = tmp_path_factory.mktemp("crash")
    events = scaled_sample(EVENTS)
    path = write_jsonl(d / "big.jsonl", events)
    with Store(d / "clean.db") as store:
        assert store.ingest(path).inserted == len(events)
    return path, events, Clean(d / "clean.db")


def assert_same_store(got: Path, expected: Clean) -> None:
    """The same events (content and replay order) and the same replayed pipeline."""
    with Store(got, read_only=True) as store:
        events = store.events()
        assert len(events) == len(expected.events)
        assert [e.id for e in events] == [e.id for e in expected.events]
        assert events == expected.events
        assert_same_pipeline(store.pipeline(), expected.pipeline)


def assert_same_pipeline(got: Pipeline, expected: Pipeline) -> None:
    def snap(p):
        return p.snapshot().sort_values("opportunity", kind="stable").reset_index(drop=True)

    assert sorted(got.ids) == sorted(expected.ids)
    pd.testing.assert_frame_equal(snap(got), snap(expected))
    assert [got[i].state() for i in sorted(got.ids)] == [expected[i].state() for i in sorted(expected.ids)]


# --- kill -9 at seeded random points ---
def cli_ingest(path: Path, db: Path, batch: int) -> list[str]:
    return [sys.executable, "-m", "pursuit", "ingest", str(path), "--db", str(db), "--batch-size", str(batch), "--quiet", "--skip-invalid"]  # batches commit as they go


def python_ingest(path: Path, db: Path, batch: int) -> list[str]:
    # Store.ingest of Event objects with conflicts collected: one transaction per batch.
    code = ("import sys, pursuit; events = pursuit.read_jsonl(sys.argv[1]).events; "
            "pursuit.Store(sys.argv[2]).ingest(events, on_error='collect', batch_size=int(sys.argv[3]))")
    return [sys.executable, "-c", code, str(path), str(db), str(batch)]


def kill_at(command: list[str], db: Path, target: int, delay: float) -> int:
    """Runs `command`, waits until `target` events are stored, `delay` seconds more, then
    SIGKILL; the number of events stored then."""
    with Store(db):
        pass  # the schema exists before the writer starts, so that a reader can watch
    # Watched through sqlite3 with a plain count (Store.stats() also counts opportunities: slower).
    reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    proc = subprocess.Popen(command)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None and \
                reader.execute("SELECT count(*) FROM events").fetchone()[0] < target:
            time.sleep(0.002)
        time.sleep(delay)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        reader.close()
    # Counted by a connection opened after the kill, once no other is open: a kill between the
    # WAL write of a commit and the update of the WAL index leaves a batch that is committed
    # (SQLite's recovery of the WAL finds it) but that a connection open through the kill does
    # not see. Either way whole batches; what counts is what the store holds now.
    with Store(db, read_only=True) as after:
        return len(after)


@pytest.mark.parametrize("how, seed", [("cli", 1), ("cli", 2), ("cli", 3), ("python", 4), ("python", 5), ("python", 6)])
def test_a_killed_ingest_leaves_whole_batches_and_a_rerun_completes_it_exactly(tmp_path, big, how, seed):
    path, events, clean = big
    rng = random.Random(seed)
    command = {"cli": cli_ingest, "python": python_ingest}[how]
    batch = rng.choice([50, 100, 250])
    for attempt in range(4):
        db = tmp_path / f"killed-{attempt}.db"
        batches = -(-len(events) // batch)
        target = rng.randint(1, max(1, batches * 2 // 3)) * batch  # kill once this much is stored ...
        delay = rng.uniform(0, 0.05)                                # ... and a moment later
        after_kill = kill_at(command(path, db, batch), db, target, delay)
        print(f"attempt {attempt}: batch {batch}, killed {delay * 1000:.0f} ms after {target} stored: {after_kill} stored")
        if after_kill < len(events):
            break
        batch = max(1, batch // 5)  # it ran to its end first: again, slower
    assert after_kill < len(events), "every ingest finished before it could be killed"
    assert after_kill % batch == 0  # whole batches only
    with Store(db, read_only=True) as store:
        assert store.stats().batches == after_kill // batch
        # what is stored is the input's first batches, nothing else
        assert sorted(e.id for e in store.events()) == sorted(e["id"] for e in events[:after_kill])

    if how == "cli":  # the same command again (in this process: the same code without the start-up)
        assert cli.main(cli_ingest(path, db, batch)[3:]) == 0
    else:
        with Store(db) as store:
            summary = store.ingest(path, batch_size=batch)
            assert (summary.inserted, summary.duplicates) == (len(events) - after_kill, after_kill) and summary.ok
    assert_same_store(db, clean)


# --- two writers ---
NEW = re.compile(r": (\d+) new events stored, (\d+) already stored")


def test_two_writers_with_overlapping_files_store_every_event_once(tmp_path, big):
    """Two `pursuit ingest` at once, of the first three fifths and the last three fifths of the
    input (split between copies of the sample, so that each opportunity's events come from one
    file or from both in the same order): every event stored once, the state of one ingest of all."""
    path, events, clean = big
    per_copy = len(events) // len({e["id"].rsplit("#", 1)[1] for e in events})
    copies = len(events) // per_copy
    a_end, b_start = -(-copies * 3 // 5) * per_copy, (copies * 2 // 5) * per_copy
    assert 0 < b_start < a_end < len(events)
    a = write_jsonl(tmp_path / "a.jsonl", events[:a_end])
    b = write_jsonl(tmp_path / "b.jsonl", events[b_start:])
    db = tmp_path / "s.db"
    with Store(db):
        pass
    writers = [subprocess.Popen([sys.executable, "-m", "pursuit", "ingest", str(f), "--db", str(db), "--batch-size", "200"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in (a, b)]
    results = [w.communicate(timeout=120) for w in writers]
    for w, (out, err) in zip(writers, results):
        assert w.returncode == 0, err
    counts = [tuple(map(int, NEW.search(out).groups())) for out, _ in results]
    assert [n + d for n, d in counts] == [a_end, len(events) - b_start]
    assert sum(n for n, _ in counts) == len(events)  # each event inserted by exactly one writer
    with Store(db, read_only=True) as store:
        assert len(store) == len(events)
        by_id = lambda e: e.id  # noqa: E731 (arrival order of different opportunities' events varies)
        assert sorted(store.events(), key=by_id) == sorted(clean.events, key=by_id)
        assert_same_pipeline(store.pipeline(), clean.pipeline)


# --- a reader during a write ---
def test_a_reader_replaying_during_a_write_sees_whole_batches(tmp_path, big):
    """store.pipeline() again and again while `pursuit ingest` writes: each replays a whole number
    of batches (or everything), and the pipeline it gives is that of the input's first events."""
    path, events, clean = big
    for attempt, batch in enumerate((500, 100, 20)):
        db = tmp_path / f"s{attempt}.db"
        with Store(db):
            pass
        reader = Store(db, read_only=True)
        writer = subprocess.Popen(cli_ingest(path, db, batch))
        seen: dict[int, Pipeline] = {}
        try:
            while writer.poll() is None:
                p = reader.pipeline()
                n = len(p.outcomes())  # every event replayed has an outcome
                assert n % batch == 0 or n == len(events), n  # never part of a batch
                if 0 < n < len(events) and len(seen) < 3:
                    seen.setdefault(n, p)
        finally:
            writer.wait(timeout=120)
        assert writer.returncode == 0
        if seen:
            break
    assert seen, "no replay during the write saw part of the input"
    assert len(reader) == len(events)
    for n, p in seen.items():
        expected = Pipeline()
        expected.apply(events[:n])
        assert_same_pipeline(p, expected)
