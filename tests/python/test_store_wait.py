"""A second writer queues behind the first instead of failing after a few seconds,
and when its wait (Store(timeout=…), --wait) runs out it says who holds the store
and what to do. The lock is held by a real SQLite connection, as another writer would."""

import json
import os
import sqlite3
import subprocess
import sys
import time

import pytest

import pursuit
from pursuit.store import DEFAULT_TIMEOUT


def events(prefix, n):
    out = [{"id": f"{prefix}-open", "opportunity": f"{prefix}", "at": "2026-01-01T00:00:00Z", "type": "open",
            "account": "A", "name": "N"}]
    out += [{"id": f"{prefix}-{i}", "opportunity": prefix, "at": f"2026-01-02T00:00:{i % 60:02d}Z", "type": "note",
             "note": f"n{i}"} for i in range(n - 1)]
    return out


def write_jsonl(path, evs):
    path.write_text("".join(json.dumps(e) + "\n" for e in evs), encoding="utf-8")
    return path


def ingest(path, db, *extra):
    return subprocess.Popen([sys.executable, "-m", "pursuit", "ingest", str(path), "--db", str(db), *map(str, extra)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture
def locked(tmp_path):
    """A store whose write lock another connection holds until released."""
    db = tmp_path / "s.db"
    pursuit.Store(db).close()  # a pursuit store (in WAL mode)
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")

    def release():
        if holder.in_transaction:
            holder.execute("ROLLBACK")

    yield db, release
    release()
    holder.close()


def test_the_default_wait_is_long():
    assert DEFAULT_TIMEOUT == 600


def test_two_writers_queue_behind_a_lock_and_both_succeed(tmp_path, locked):
    db, release = locked
    a = write_jsonl(tmp_path / "a.jsonl", events("A", 30_000))
    b = write_jsonl(tmp_path / "b.jsonl", events("B", 3_000))
    first, second = ingest(a, db, "--batch-size", "1000"), ingest(b, db, "--batch-size", "100")
    time.sleep(3)
    assert first.poll() is None and second.poll() is None  # both waiting, neither failed
    release()
    for proc, n in ((first, 30_000), (second, 3_000)):
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        assert f"{n} new events stored".encode() in out
    assert len(pursuit.Store(db)) == 33_000


def test_a_reader_does_not_wait_for_a_writer(tmp_path, locked):
    db, _ = locked
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "pursuit", "report", "--db", str(db), "--wait", "0"],
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    assert time.monotonic() - start < 60


def test_when_the_wait_runs_out_the_message_says_what_to_do(tmp_path, locked):
    db, _ = locked
    path = write_jsonl(tmp_path / "a.jsonl", events("A", 10))
    start = time.monotonic()
    proc = ingest(path, db, "--wait", "0.3")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 3
    assert time.monotonic() - start < 9  # not the old fixed 10 s
    err = err.decode()
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"pursuit: {db}: another process holds the store" in err
    assert "gave up after waiting 0.3 s" in err and "--wait SECONDS" in err and "另一个进程正占用该存储" in err


def test_the_library_waits_as_long_as_told(tmp_path, locked):
    db, release = locked
    store = pursuit.Store(db, timeout=0.2)
    with pytest.raises(pursuit.StoreError) as info:
        store.ingest(events("A", 5))
    assert info.value.path == str(db) and "another process holds the store" in info.value.reason
    assert "waiting 0.2 s" in str(info.value)
    with pytest.raises(pursuit.StoreError, match="another process holds the store"):
        store.playbook = pursuit.Playbook.default()
    patient = pursuit.Store(db, timeout=60)
    timer = __import__("threading").Timer(1.5, release)
    timer.start()
    start = time.monotonic()
    assert patient.ingest(events("A", 5)).inserted == 5  # waited for the release
    assert time.monotonic() - start >= 1
    timer.join()


@pytest.mark.parametrize("bad", [-1, float("nan"), "10", True])
def test_timeout_must_be_seconds(tmp_path, bad):
    with pytest.raises(ValueError, match="timeout must be a number of seconds"):
        pursuit.Store(tmp_path / "s.db", timeout=bad)
    assert not os.path.exists(tmp_path / "s.db")


def test_wait_must_be_seconds(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pursuit", "ingest", "x.jsonl", "--db", str(tmp_path / "s.db"),
                           "--wait", "soon"], capture_output=True, timeout=60)
    assert proc.returncode == 2 and b"expected a number of seconds" in proc.stderr
