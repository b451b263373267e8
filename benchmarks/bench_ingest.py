"""Ingest speed: pursuit's Store against Python's own sqlite3 executemany.

Both write the same rows into the same schema (the baseline's file is created
by pursuit, then filled through the sqlite3 module, so it has the store's page
size and indexes), with the same pragmas (WAL, synchronous=FULL: a committed batch
survives a power cut; a 64 MiB page cache; a checkpoint every 64 MiB of WAL;
foreign keys not enforced per row, sqlite3's default and the store's writer
setting) and one transaction per batch of 10,000 events. The baseline is handed ready-made rows (id,
opportunity, time, type, canonical JSON), so it does no parsing at all; pursuit
is measured from a JSON Lines file (parse, validate, write) and from parsed
Events. A second sqlite3 row starts from the file, as a script would (json.loads
and a time conversion per line, no validation), to set beside the JSON Lines path.
Run: .venv/bin/python benchmarks/bench_ingest.py [--copies N]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pursuit

BATCH = 10_000
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


# The twelve hand-written stories (238 events), not the generated sample, so that the
# figures in benchmarks/README.md stay comparable across sample changes.
STORIES = Path(__file__).resolve().parents[1] / "tests" / "data" / "stories.jsonl"


def scaled(copies: int) -> list[str]:
    """The stories repeated under new ids: a realistic mix of event types."""
    base = [json.loads(l) for l in STORIES.read_text(encoding="utf-8").splitlines() if l]
    return [json.dumps({**e, "id": f"{e['id']}#{k}", "opportunity": f"{e['opportunity']}#{k}"}, ensure_ascii=False)
            for k in range(copies) for e in base]


def fresh(directory: str, name: str) -> str:
    path = os.path.join(directory, name)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return path


def baseline(path: str, rows: list[tuple]) -> None:
    pursuit.Store(path).close()  # the same schema, indexes and triggers
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA cache_size=-65536")       # the store's writer settings, for a like-for-like run
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    con.execute(f"PRAGMA wal_autocheckpoint={(64 << 20) // page_size}")  # every 64 MiB of WAL, as the store
    for begin in range(0, len(rows), BATCH):
        con.execute("BEGIN IMMEDIATE")
        cur = con.execute("INSERT INTO batches(ingested_at, source, events) VALUES (?, ?, ?)",
                          (time.time_ns() // 1000, "baseline", 0))
        batch_id = cur.lastrowid
        con.executemany("INSERT INTO events(id, opportunity, at, type, body, batch) VALUES (?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT(id) DO NOTHING", [r + (batch_id,) for r in rows[begin:begin + BATCH]])
        con.execute("COMMIT")
    con.close()


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=1200, help="copies of the stories (default 1200)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of all variants (default 5)")
    args = parser.parse_args()
    lines = scaled(args.copies)
    n = len(lines)
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "events.jsonl"
        jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
        events = pursuit.read_jsonl(jsonl).events
        rows = [(e.id, e.opportunity, e.at_us, e.type_id, e.to_json()) for e in events]

        def run_baseline():
            baseline(fresh(tmp, "baseline.db"), rows)

        def run_baseline_file():  # what a script would do with the file: json.loads per line, no validation
            out = []
            with open(jsonl, encoding="utf-8") as fh:
                for line in fh:
                    d = json.loads(line)
                    at = datetime.fromisoformat(d["at"])
                    out.append((d["id"], d["opportunity"], (at - EPOCH) // timedelta(microseconds=1), d["type"], line))
            baseline(fresh(tmp, "baseline-file.db"), out)

        def run_file():
            pursuit.Store(fresh(tmp, "file.db")).ingest(jsonl, batch_size=BATCH)

        def run_events():
            pursuit.Store(fresh(tmp, "events.db")).ingest(events, batch_size=BATCH)

        def run_again():  # everything already stored: the idempotent path
            pursuit.Store(os.path.join(tmp, "file.db")).ingest(jsonl, batch_size=BATCH)

        variants = [("sqlite3 executemany (baseline, rows ready-made)", run_baseline),
                    ("sqlite3 executemany from the file (json.loads per line)", run_baseline_file),
                    ("pursuit Store.ingest(JSON Lines path)", run_file),
                    ("pursuit Store.ingest(parsed Events)", run_events),
                    ("pursuit re-ingest of the same file (all duplicates)", run_again)]
        # Rounds of every variant in turn, so that a burst of load on this shared
        # machine falls on all of them, not on one.
        times: dict[str, list[float]] = {name: [] for name, _ in variants}
        for _ in range(args.repeat):
            for name, fn in variants:
                times[name].append(timed(fn))
        results = {name: statistics.median(t) for name, t in times.items()}
        size = os.path.getsize(os.path.join(tmp, "file.db")) + os.path.getsize(os.path.join(tmp, "file.db-wal")) \
            if os.path.exists(os.path.join(tmp, "file.db-wal")) else os.path.getsize(os.path.join(tmp, "file.db"))
    base = results["sqlite3 executemany (baseline, rows ready-made)"]
    print(f"{n:,} events, batches of {BATCH:,}, WAL + synchronous=FULL, median of {args.repeat} rounds")
    print(f"{'':55s} {'events/s':>12s} {'vs baseline':>12s} {'range':>17s}")
    for name, seconds in results.items():
        low, high = n / max(times[name]), n / min(times[name])
        print(f"{name:55s} {n / seconds:>12,.0f} {base / seconds:>11.2f}x {low / 1000:>8,.0f}-{high / 1000:,.0f} k")
    print(f"store size: {size / n:.0f} bytes per event")


if __name__ == "__main__":
    main()
