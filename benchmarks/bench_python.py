"""Throughput and memory of pursuit from Python, against the Python state-machine
libraries an analyst would reach for (pytransitions, python-statemachine).

Run from the repository root:

    .venv/bin/python benchmarks/bench_python.py [--opportunities N] [--seed S] [--repeats R]
                                                [--machine-per-object] [--memory-limit M]

The default (N = 10,000, about 275,000 events) takes about 100 s on 2 vCPUs;
python-statemachine is a quarter of that.

One run does everything:

1. Generates a seeded, realistic, mixed event stream for N opportunities (25-30
   events each) as dicts in pursuit's canonical event form (docs/events.md),
   interleaved by time as a real stream would be. Checks once that pursuit
   rejects none of them and prints the verdict mix.
2. Replays the same stream through the same lifecycle and default gates written
   with ``transitions`` and ``python-statemachine`` (facts in plain Python
   objects, gates as condition callbacks) and prints their final positions
   beside pursuit's.
3. Times every path on the same stream and prints events/s and the ratio of each
   pursuit path to pytransitions. The baseline is the more favourable of the two
   pytransitions figures (with and without registering the models).
4. Measures resident memory per opportunity (fresh subprocesses).

Needs ``pip install transitions python-statemachine`` in the venv.
"""

from __future__ import annotations

import argparse
import collections
import ctypes
import gc
import json
import os
import platform
import subprocess
import sys
import time
from typing import Any, Callable, Optional

import pandas as pd

import pursuit

try:
    import transitions
except ImportError:  # pragma: no cover
    sys.exit("pip install transitions python-statemachine  (into the project venv)")
try:
    import statemachine
except ImportError:  # pragma: no cover
    sys.exit("pip install transitions python-statemachine  (into the project venv)")

from py_baselines import (OUTCOMES, STEPS, OppModel, OppStateMachine, apply_event, run_statemachine,
                          run_transitions, transitions_machine)
from py_stream import generate

# --------------------------------------------------------------------------
# 3. pursuit paths
# --------------------------------------------------------------------------
def run_pursuit_objects(events: list[dict]) -> tuple[dict[str, pursuit.Opportunity], collections.Counter]:
    opps: dict[str, pursuit.Opportunity] = {}
    verdicts: collections.Counter = collections.Counter()
    for e in events:
        oid = e["opportunity"]
        opp = opps.get(oid)
        if opp is None:
            opp = opps[oid] = pursuit.Opportunity(oid)
        verdicts[opp.apply(e).verdict.value] += 1
    return opps, verdicts


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def malloc_trim() -> None:
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:  # pragma: no cover - not glibc
        pass


def timed(fn: Callable[..., Any], repeats: int, setup: Optional[Callable[[], Any]] = None) -> tuple[float, float, Any]:
    """Best wall time (perf_counter) of `repeats` runs of fn(setup()) (setup untimed), the process CPU time
    of that run (both threads' with threads=2), and the last result."""
    best, cpu, result = float("inf"), 0.0, None
    for _ in range(repeats):
        arg = setup() if setup else None
        gc.collect()
        c0, t0 = time.process_time(), time.perf_counter()
        result = fn(arg) if setup else fn()
        t1, c1 = time.perf_counter(), time.process_time()
        if t1 - t0 < best:
            best, cpu = t1 - t0, c1 - c0
        del arg
    return best, cpu, result


def events_frame(events: list[dict]) -> pd.DataFrame:
    """The stream as a DataFrame, one row per event, one column per field.

    pandas turns an integer column with missing cells into float64, which pursuit refuses for
    `volume` ("expected a whole number"), and so does nullable Int64; an object column of ints
    and None is accepted.
    """
    df = pd.DataFrame(events)
    df["volume"] = pd.Series([e.get("volume") for e in events], dtype=object, index=df.index)
    return df


def positions_of_models(opps: dict[str, OppModel]) -> dict[str, str]:
    return {oid: (m.position()[1] or m.position()[0]) for oid, m in opps.items()}


def positions_of_pipeline(p: pursuit.Pipeline) -> dict[str, str]:
    snap = p.snapshot()
    where = snap["outcome"].astype(object).where(snap["outcome"].notna(), snap["step"].astype(object))
    return dict(zip(snap["opportunity"], where))


def verdicts_of_models(opps: dict[str, OppModel]) -> collections.Counter:
    c: collections.Counter = collections.Counter()
    for m in opps.values():
        for h in m.history:
            c[h[3]] += 1
    return c


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# --------------------------------------------------------------------------
# 4. memory (in a fresh subprocess)
# --------------------------------------------------------------------------
def _memory_child(kind: str, path: str, limit: int) -> dict:
    """Runs in a fresh interpreter: RSS growth for building the opportunities of the JSONL file."""
    if kind == "pursuit":
        p = pursuit.Pipeline()
        gc.collect(); malloc_trim()
        rss0 = rss_bytes()
        p.apply(path)  # events parsed and applied in C++: no Python event objects at all
        gc.collect(); malloc_trim()
        rss1 = rss_bytes()
        p.apply([])  # drops the latest batch's per-event outcomes, keeps the opportunities
        gc.collect(); malloc_trim()
        rss2 = rss_bytes()
        return {"n": len(p), "with_outcomes": rss1 - rss0, "opportunities": rss2 - rss0}
    # Python models: stream the file one event at a time so that the models own what they keep
    # (the strings they hold are theirs, as pursuit's are); only the first `limit` opportunities.
    machine = transitions_machine() if kind.startswith("transitions") else None
    opps: dict[str, OppModel] = {}
    fires: dict = {}
    tracing = kind.endswith("+tracemalloc")
    if tracing:
        import tracemalloc
        tracemalloc.start()
    gc.collect(); malloc_trim()
    rss0 = rss_bytes()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            e = json.loads(line)
            oid = e["opportunity"]
            if e["type"] == "open" and len(opps) < limit:
                m = opps[oid] = OppModel(oid)
                if machine is not None:
                    machine.add_model(m)
                    fires[oid] = m.trigger
                else:
                    sm = OppStateMachine(model=m)
                    fires[oid] = lambda t, sm=sm, m=m: (lambda b: (sm.send(t), m.state != b)[1])(m.state)
            if oid in opps:
                apply_event(opps[oid], fires[oid], e)
            del e, line
    gc.collect(); malloc_trim()
    out = {"n": len(opps), "opportunities": rss_bytes() - rss0}
    if tracing:
        out["traced"] = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
    return out


def measure_memory(kind: str, path: str, limit: int) -> dict:
    r = subprocess.run([sys.executable, os.path.abspath(__file__), "--_memory", kind, "--_jsonl", path,
                        "--_limit", str(limit)], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"memory subprocess ({kind}) failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--opportunities", type=int, default=10_000, help="N (default 10,000: about 100 s in all)")
    ap.add_argument("--seed", type=int, default=20260302)
    ap.add_argument("--repeats", type=int, default=3, help="best of R for the fast (batch) paths")
    ap.add_argument("--jsonl", default="/tmp/pursuit-bench-events.jsonl", help="the events file written for (g)")
    ap.add_argument("--machine-per-object", action="store_true",
                    help="also time pytransitions with a Machine per opportunity (slower than a shared one)")
    ap.add_argument("--memory-limit", type=int, default=2000,
                    help="opportunities replayed for the Python libraries' memory figures (default 2,000)")
    ap.add_argument("--_memory", help=argparse.SUPPRESS)
    ap.add_argument("--_jsonl", help=argparse.SUPPRESS)
    ap.add_argument("--_limit", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._memory:
        print(json.dumps(_memory_child(args._memory, args._jsonl, args._limit)))
        return

    started = time.perf_counter()
    n = args.opportunities
    print(f"machine: nproc {os.cpu_count()}, CPU {cpu_model()!r}, Linux {platform.release()}, "
          f"Python {platform.python_version()}; load average at start {os.getloadavg()[0]:.2f}")
    print(f"versions: pursuit {pursuit.__version__}, transitions {transitions.__version__}, "
          f"python-statemachine {statemachine.__version__}, pandas {pd.__version__}")

    # ---- 1. the stream ----
    t0 = time.perf_counter()
    events = generate(n, args.seed)
    ne = len(events)
    mix = collections.Counter(e["type"] for e in events)
    print(f"\n[1] stream: {ne:,} events for {n:,} opportunities ({ne / n:.1f} per opportunity), "
          f"seed {args.seed}, generated in {time.perf_counter() - t0:.1f} s")
    print("    types: " + ", ".join(f"{t} {c:,}" for t, c in mix.most_common()))

    check = pursuit.Pipeline()
    check.apply(events)
    outcomes = check.outcomes()
    verdicts = outcomes["verdict"].value_counts()
    rejected = int(verdicts.get("rejected", 0))
    print("    pursuit verdicts: " + ", ".join(f"{v} {int(c):,}" for v, c in verdicts.items()))
    if rejected:
        bad = outcomes[outcomes["verdict"] == "rejected"].head(5)
        sys.exit(f"pursuit rejected {rejected} events; first reasons:\n{bad[['event_id', 'reason']].to_string()}")
    print("    rejected: 0 (pursuit accepts every event of the stream as valid)")
    pursuit_where = positions_of_pipeline(check)
    pursuit_verdicts = collections.Counter({str(v): int(c) for v, c in verdicts.items() if c})
    del check, outcomes

    # ---- 3a/3b/3c: the slow paths, one run each ----
    machine = transitions_machine()
    t_tr, c_tr, tr_opps = timed(lambda: run_transitions(events, machine), 1)
    tr_where, vt = positions_of_models(tr_opps), verdicts_of_models(tr_opps)
    # (a2): the same models, still registered with the machine (add_model is what costs), reset to a fresh
    # opportunity; only the events are timed
    for m in tr_opps.values():
        m.__init__(m.id)
        machine.set_state("identification", model=m)
    t_trr, c_trr, _ = timed(lambda: run_transitions(events, machine, "registered", tr_opps), 1)
    del tr_opps
    t_tro = c_tro = None
    if args.machine_per_object:
        t_tro, c_tro, _ = timed(lambda: run_transitions(events, None, "per-object"), 1)
    t_sm, c_sm, sm_opps = timed(lambda: run_statemachine(events), 1)
    t_obj, c_obj, (objs, obj_verdicts) = timed(lambda: run_pursuit_objects(events), 1)
    del objs

    # ---- 2. faithfulness ----
    sm_where = positions_of_models(sm_opps)
    dist = {name: collections.Counter(w.values()) for name, w in
            (("pursuit", pursuit_where), ("transitions", tr_where), ("statemachine", sm_where))}
    print("\n[2] final positions (the step, or the outcome if closed): pursuit vs the Python versions")
    print(f"    {'position':<16}{'pursuit':>10}{'transitions':>13}{'statemachine':>14}")
    for k in STEPS + OUTCOMES:
        print(f"    {k:<16}{dist['pursuit'][k]:>10,}{dist['transitions'][k]:>13,}{dist['statemachine'][k]:>14,}")
    same_tr = sum(pursuit_where[o] == tr_where.get(o) for o in pursuit_where)
    same_sm = sum(pursuit_where[o] == sm_where.get(o) for o in pursuit_where)
    print(f"    opportunities in the same final position as in pursuit: transitions {same_tr:,}/{n:,}, "
          f"python-statemachine {same_sm:,}/{n:,}")
    vs = verdicts_of_models(sm_opps)
    print(f"    {'verdict':<16}{'pursuit':>10}{'transitions':>13}{'statemachine':>14}{'pursuit (c)':>13}")
    for k in ("accepted", "refused", "fell_back", "not_applicable", "rejected"):
        print(f"    {k:<16}{pursuit_verdicts[k]:>10,}{vt[k]:>13,}{vs[k]:>14,}{obj_verdicts[k]:>13,}")
    del sm_opps
    gc.collect()

    # ---- 3d-h: pursuit batch paths, best of R; a fresh Pipeline each run (made untimed) ----
    repeats = args.repeats
    t_list, c_list, s_list = timed(lambda p: p.apply(events), repeats, setup=pursuit.Pipeline)
    df = events_frame(events)  # not timed
    t_df, c_df, s_df = timed(lambda p: p.apply(df), repeats, setup=pursuit.Pipeline)
    del df
    parsed = [pursuit.Event(d) for d in events]  # not timed
    t_ev, c_ev, s_ev = timed(lambda p: p.apply(parsed), repeats, setup=pursuit.Pipeline)
    t_ev2, c_ev2, s_ev2 = timed(lambda p: p.apply(parsed, threads=2), repeats, setup=pursuit.Pipeline)
    del parsed
    with open(args.jsonl, "w", encoding="utf-8") as fh:  # written once, not timed
        for e in events:
            fh.write(json.dumps(e, ensure_ascii=False, separators=(",", ":")))
            fh.write("\n")
    t_file, c_file, s_file = timed(lambda p: p.apply(args.jsonl), repeats, setup=pursuit.Pipeline)
    for name, s in (("list", s_list), ("DataFrame", s_df), ("Events", s_ev), ("Events, 2 threads", s_ev2),
                    ("JSONL", s_file)):  # every path did the same thing
        assert not s.errors and {v.value: c for v, c in s.verdicts.items() if c} == dict(pursuit_verdicts), (name, s)

    rows = [
        ("(a) pytransitions: shared Machine, add_model at open", t_tr, c_tr, False),
        ("(a2) pytransitions: models registered beforehand", t_trr, c_trr, False),
    ]
    if t_tro is not None:
        rows.append(("(a3) pytransitions: a Machine per opportunity", t_tro, c_tro, False))
    rows += [
        ("(b) python-statemachine: a StateMachine per opp.", t_sm, c_sm, False),
        ("(c) pursuit per object: Opportunity(id).apply(dict)", t_obj, c_obj, True),
        ("(d) pursuit batch: Pipeline().apply(list of dicts)", t_list, c_list, True),
        ("(e) pursuit batch: Pipeline().apply(DataFrame)", t_df, c_df, True),
        ("(f) pursuit batch: Pipeline().apply(list of Event)", t_ev, c_ev, True),
        ("(g) pursuit batch: Pipeline().apply(JSONL path)", t_file, c_file, True),
        ("(h) pursuit batch: list of Event, threads=2", t_ev2, c_ev2, True),
    ]
    base = min(t_tr, t_trr)  # the more favourable pytransitions figure is the baseline
    print(f"\n[3] throughput on the same {ne:,} events (wall time, perf_counter; batch paths best of {repeats}, "
          f"the others one run)")
    print(f"    {'path':<53}{'wall s':>8}{'CPU s':>8}{'events/s':>13}{'vs pytransitions':>18}")
    for name, t, c, is_pursuit in rows:
        ratio = f"{base / t:>17.1f}x" if (is_pursuit or t != base) else f"{'(baseline)':>18}"
        print(f"    {name:<53}{t:>8.3f}{c:>8.3f}{ne / t:>13,.0f}{ratio}")
    print(f"    baseline: the faster of (a) and (a2) = {ne / base:,.0f} events/s. Targets: batch >= 300x "
          f"pytransitions ({300 * ne / base:,.0f} events/s) and >= 5,000,000 events/s.")
    best_batch = max(ne / t for t in (t_list, t_df, t_ev, t_file, t_ev2))
    print(f"    best pursuit batch path: {best_batch:,.0f} events/s = {best_batch * base / ne:.1f}x pytransitions, "
          f"{best_batch / 5e6:.0%} of 5 M events/s")

    # ---- 4. memory ----
    lim = min(args.memory_limit, n)
    print(f"\n[4] memory per opportunity: RSS growth in a fresh subprocess (after gc and malloc_trim) / N")
    mp = measure_memory("pursuit", args.jsonl, n)
    mt = measure_memory("transitions", args.jsonl, lim)
    mtt = measure_memory("transitions+tracemalloc", args.jsonl, lim)
    ms = measure_memory("statemachine", args.jsonl, lim)
    print(f"    pursuit Pipeline, N={mp['n']:,} (apply(JSONL path)):")
    print(f"      opportunities with facts and history       {mp['opportunities'] / mp['n']:>9,.0f} B/opportunity")
    print(f"      ... plus the batch's per-event outcomes    {mp['with_outcomes'] / mp['n']:>9,.0f} B/opportunity")
    print(f"    pytransitions models, shared Machine, N={mt['n']:,}:")
    print(f"      RSS                                        {mt['opportunities'] / mt['n']:>9,.0f} B/opportunity")
    print(f"      tracemalloc (Python heap)                  {mtt['traced'] / mtt['n']:>9,.0f} B/opportunity")
    print(f"    python-statemachine models, N={ms['n']:,}:")
    print(f"      RSS                                        {ms['opportunities'] / ms['n']:>9,.0f} B/opportunity")
    print(f"    (about {ne / n:.0f} events per opportunity; events file {args.jsonl}, "
          f"{os.path.getsize(args.jsonl) / 1e6:.0f} MB)")
    print(f"\ntotal {time.perf_counter() - started:.0f} s; load average at end {os.getloadavg()[0]:.2f} "
          f"(on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
