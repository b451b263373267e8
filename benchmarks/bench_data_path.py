"""The data path end to end (issue 15): from what a user has (a JSON Lines file, a
Parquet file, an Arrow table, a pandas DataFrame, a list of dicts) to what the user
gets (the snapshot DataFrame), beside the pytransitions playbook and pandas'
sort + groupby-last on the same stream, in one run.

Run from the repository root:

    .venv/bin/python benchmarks/bench_data_path.py [--opportunities N] [--repeats R]

Each path runs in a fresh interpreter (so that its peak RSS is its own): the input
is loaded untimed, then the timed part is ``Pipeline().apply(input)`` plus
``snapshot()``; ``outcomes()`` is timed apart (its peak is in the RSS). Figures are
the best of R runs; ratios are to the pytransitions baseline measured in the same
run (these machines are noisy).

The stream is written to FOLDER once per (N, seed), without holding it
(``py_stream.write_stream``: sorted runs merged), so N = 1,000,000 (27.7 M events,
5.2 GB of JSON Lines) works: ``--opportunities 1000000 --repeats 1 --paths parquet,jsonl``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

PATHS = ["jsonl", "parquet", "arrow", "dataframe", "dicts", "pytransitions", "pandas-groupby-last"]


def _prepare(n: int, seed: int, folder: str) -> tuple[str, str, int]:
    """The stream as JSON Lines and Parquet, written once per (n, seed)."""
    from py_stream import generate, write_stream

    jsonl = os.path.join(folder, f"stream-{n}-{seed}.jsonl")
    parquet = jsonl.replace(".jsonl", ".parquet")
    if not os.path.exists(jsonl):
        write_stream(n, seed, jsonl + ".part")
        os.replace(jsonl + ".part", jsonl)
    if not os.path.exists(parquet):
        _to_parquet(jsonl, parquet + ".part", generate(min(n, 3000), seed))
        os.replace(parquet + ".part", parquet)
    with open(jsonl, encoding="utf-8") as fh:
        count = sum(1 for _ in fh)
    return jsonl, parquet, count


def _to_parquet(jsonl: str, parquet: str, sample: list[dict], rows: int = 1_000_000) -> None:
    """The JSON Lines file as Parquet, a million rows at a time, with the columns pandas
    gives a sample of the same stream (which has every kind of event; a field it lacks fails)."""
    import itertools

    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.Schema.from_pandas(pd.DataFrame(sample), preserve_index=False)
    with open(jsonl, encoding="utf-8") as fh, pq.ParquetWriter(parquet, schema) as writer:
        while chunk := [json.loads(line) for line in itertools.islice(fh, rows)]:
            df = pd.DataFrame(chunk)
            if extra := set(df.columns) - set(schema.names):
                raise SystemExit(f"fields {sorted(extra)} are not in the sample's columns")
            writer.write_table(pa.Table.from_pandas(df.reindex(columns=schema.names), schema=schema, preserve_index=False))


def _child(path: str, jsonl: str, parquet: str, repeats: int) -> dict:
    """In a fresh interpreter: load the input (untimed), time input -> snapshot."""
    import pandas as pd
    import pyarrow.parquet as pq

    import pursuit

    if path == "jsonl":
        data = jsonl
    elif path == "parquet":
        data = parquet
    elif path == "arrow":
        data = pq.read_table(parquet)
    elif path in ("dataframe", "pandas-groupby-last"):
        data = pq.read_table(parquet).to_pandas()
    else:
        with open(jsonl, encoding="utf-8") as fh:
            data = [json.loads(line) for line in fh]
    if path == "pytransitions":
        from py_baselines import run_transitions, transitions_machine

        run = lambda: run_transitions(data, transitions_machine())  # noqa: E731
    elif path == "pandas-groupby-last":
        run = lambda: data.sort_values("at").groupby("opportunity").tail(1)  # noqa: E731
    else:
        def run():
            p = pursuit.Pipeline()
            p.apply(data)
            t = time.perf_counter()
            snapshot = p.snapshot()
            parts["snapshot"] = min(parts.get("snapshot", float("inf")), time.perf_counter() - t)
            t = time.perf_counter()
            p.outcomes()  # not in the timed whole: what the user gets besides the snapshot
            untimed[0] = time.perf_counter() - t
            parts["outcomes"] = min(parts.get("outcomes", float("inf")), untimed[0])
            return snapshot
    best, parts, untimed = float("inf"), {}, [0.0]
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - t0 - untimed[0])
        del result
    return {"seconds": best, "peak_rss": _peak_rss(), **parts}


def _peak_rss() -> int:
    # VmHWM, not getrusage's ru_maxrss: that one keeps the parent's figure across fork and exec.
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--opportunities", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=20260302)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--folder", default="/tmp")
    ap.add_argument("--paths", default=",".join(PATHS))
    ap.add_argument("--_child", help=argparse.SUPPRESS)
    ap.add_argument("--_inputs", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._child:
        print(json.dumps(_child(args._child, *args._inputs, args.repeats)))
        return
    jsonl, parquet, events = _prepare(args.opportunities, args.seed, args.folder)
    print(f"{args.opportunities:,} opportunities, {events:,} events; JSONL {os.path.getsize(jsonl) / 1e6:.0f} MB, "
          f"Parquet {os.path.getsize(parquet) / 1e6:.0f} MB; load average {os.getloadavg()[0]:.1f}")
    rows = {}
    for path in args.paths.split(","):
        repeats = 1 if path == "pytransitions" else args.repeats
        r = subprocess.run([sys.executable, __file__, "--_child", path, "--_inputs", jsonl, parquet,
                            "--repeats", str(repeats)], capture_output=True, text=True)
        if r.returncode:
            raise SystemExit(f"{path} failed:\n{r.stderr}")
        rows[path] = json.loads(r.stdout.strip().splitlines()[-1])
    base = rows.get("pytransitions", {}).get("seconds")
    print(f"| path | seconds | events/s | × pytransitions | peak RSS |\n|---|---:|---:|---:|---:|")
    for path, r in rows.items():
        ratio = f"{base / r['seconds']:.1f}×" if base else "—"
        parts = f" (snapshot {r['snapshot']:.2f} s; outcomes {r['outcomes']:.2f} s)" if "snapshot" in r else ""
        print(f"| {path}{parts} | {r['seconds']:.3f} | {events / r['seconds'] / 1e6:.2f} M | {ratio} | "
              f"{r['peak_rss'] / 2**20:,.0f} MB |")


if __name__ == "__main__":
    main()
