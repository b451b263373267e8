"""The bundled sample, generated: a few hundred opportunities telling the method's typical stories.

Each opportunity follows one story of :data:`STORIES`: won with full evidence; lost to a competitor
with an insider who has authority; stalled without an advocate (advances refused at the gate into
monitoring); fallen back when a key person left; entered late, the buyer already evaluating with
criteria that do not fit us; disqualified for lack of funding (some reopened); or still open at
some step. The shipped ``pursuit/data/sample-events.jsonl`` is ``write(path)`` with the defaults::

    python -m pursuit.sample python/pursuit/data/sample-events.jsonl

The output depends only on the seed and the count: one ``random.Random``, fixed tuples, no clock.
The stories themselves are in ``_sample_stories.py``, their words in ``_sample_text.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path
from typing import Any, Optional, Sequence

from ._files import atomic_write
from ._sample_stories import tell

__all__ = ["DEFAULT_SEED", "DEFAULT_OPPORTUNITIES", "STORIES", "plan", "generate", "write", "main"]

DEFAULT_SEED = 5
DEFAULT_OPPORTUNITIES = 300
# Share of the sample per story; the rest stays open, at any of the five steps.
STORIES = (("won", 0.20), ("lost_insider", 0.12), ("stalled", 0.12), ("fell_back", 0.12),
           ("late_entry", 0.08), ("disqualified", 0.10), ("lost_other", 0.05))
OPEN = "open"


def _plan(rng: random.Random, n: int) -> list[str]:
    # Fixed quotas, then shuffled: the counts per story do not drift with the seed.
    kinds = [k for k, share in STORIES for _ in range(round(n * share))][:n]
    kinds += [OPEN] * (n - len(kinds))
    rng.shuffle(kinds)
    return kinds


def _opp_id(num: int) -> str:
    return f"OPP-{num:03d}"


def plan(seed: int = DEFAULT_SEED, opportunities: int = DEFAULT_OPPORTUNITIES) -> dict[str, str]:
    """The story each opportunity id tells in ``generate(seed, opportunities)``."""
    return {_opp_id(i): k for i, k in enumerate(_plan(random.Random(seed), opportunities), 1)}


def _stamp(t: dt.datetime, hours: int) -> str:
    off = "Z" if hours == 0 else f"{'+' if hours > 0 else '-'}{abs(hours):02d}:00"
    return t.strftime("%Y-%m-%dT%H:%M:%S") + off


def generate(seed: int = DEFAULT_SEED, opportunities: int = DEFAULT_OPPORTUNITIES) -> list[dict[str, Any]]:
    """The sample's events as dicts in the canonical field order, sorted by time (UTC)."""
    rng = random.Random(seed)
    rows = []
    for num, kind in enumerate(_plan(rng, opportunities), 1):
        d = tell(rng, _opp_id(num), kind)
        for seq, (t, type_, fields, note) in enumerate(d.events):
            hours = d.offset(t)
            rows.append((t - dt.timedelta(hours=hours), num, seq, d, _stamp(t, hours), type_, fields, note))
    rows.sort(key=lambda r: r[:3])  # by UTC time; ties by opportunity number, then story order
    events = []
    for i, (_, _, _, d, at, type_, fields, note) in enumerate(rows, 1):
        e = {"id": f"e-{i:05d}", "opportunity": d.id, "at": at, "type": type_, "actor": d.owner, **fields}
        if note:
            e["note"] = note
        events.append(e)
    return events


def write(path: str | Path, seed: int = DEFAULT_SEED, opportunities: int = DEFAULT_OPPORTUNITIES) -> int:
    """Write the sample as JSON Lines (UTF-8, ``\\n``); returns the number of events."""
    events = generate(seed, opportunities)
    text = "".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in events)
    atomic_write(path, text.encode("utf-8"))  # a reader never sees half a file
    return len(events)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pursuit.sample", description="Write the generated sample events.")
    parser.add_argument("out", metavar="OUT.jsonl")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--opportunities", type=int, default=DEFAULT_OPPORTUNITIES)
    args = parser.parse_args(argv)
    if args.opportunities < 1:
        parser.error("--opportunities must be at least 1")
    n = write(args.out, args.seed, args.opportunities)
    print(f"{args.out}: {n} events on {args.opportunities} opportunities (seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
