"""Store.ingest of a JSON Lines file and of the same events as Parquet, end to end,
with peak memory: both are read a block (a slice of rows) at a time, so peak RSS
should not grow with the input's size. Beside them,
Python's sqlite3 ``executemany`` of the same lines (json.loads per line, no checks)
into a plain table, in the same run.

    .venv/bin/python benchmarks/bench_store_feed.py [--opportunities N ...]

Each run is a fresh interpreter (its peak RSS, VmHWM, is its own).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bench_data_path import _peak_rss, _prepare  # noqa: E402


def _child(what: str, path: str, db: str) -> dict:
    t0 = time.perf_counter()
    if what in ("jsonl", "parquet"):
        import pursuit

        pursuit.Store(db).ingest(path)
    else:
        import sqlite3

        con = sqlite3.connect(db)
        con.execute("CREATE TABLE events(id TEXT PRIMARY KEY, body TEXT)")
        with open(path, encoding="utf-8") as fh:
            con.executemany("INSERT INTO events VALUES (?, ?)", ((json.loads(line)["id"], line) for line in fh))
        con.commit()
    return {"seconds": time.perf_counter() - t0, "peak_rss": _peak_rss()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--opportunities", type=int, nargs="+", default=[20_000, 100_000])
    ap.add_argument("--seed", type=int, default=20260302)
    ap.add_argument("--folder", default="/tmp")
    ap.add_argument("--_child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._child:
        print(json.dumps(_child(*args._child)))
        return
    print("| opportunities | events | JSONL | ingest | events/s | peak RSS | Parquet ingest | peak RSS "
          "| sqlite3 executemany | peak RSS |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.opportunities:
        jsonl, parquet, events = _prepare(n, args.seed, args.folder)
        rows = {}
        for what, path in (("jsonl", jsonl), ("parquet", parquet), ("sqlite3", jsonl)):
            with tempfile.TemporaryDirectory() as tmp:
                r = subprocess.run([sys.executable, __file__, "--_child", what, path, os.path.join(tmp, "s.db")],
                                   capture_output=True, text=True)
                if r.returncode:
                    raise SystemExit(f"{what} failed:\n{r.stderr}")
                rows[what] = json.loads(r.stdout.strip().splitlines()[-1])
        p, q, b = rows["jsonl"], rows["parquet"], rows["sqlite3"]
        print(f"| {n:,} | {events:,} | {os.path.getsize(jsonl) / 1e6:.0f} MB | {p['seconds']:.2f} s | "
              f"{events / p['seconds'] / 1e3:.0f} k | {p['peak_rss'] / 2**20:,.0f} MB | {q['seconds']:.2f} s | "
              f"{q['peak_rss'] / 2**20:,.0f} MB | {b['seconds']:.2f} s | {b['peak_rss'] / 2**20:,.0f} MB |")


if __name__ == "__main__":
    main()
