"""atheris harness: Arrow tables (``Pipeline.apply(table)``), typed as Arrow producers type them.

Each column gets an Arrow type: string, large_string, string_view, dictionary of int8 or
int32 indices, list and large_list of strings, int8 … uint64, float32/64, bool, decimal128,
timestamps of every unit with and without a time zone, date32, null; the table comes in
fuzzed chunks, sometimes as a RecordBatchReader. Oracle (_fuzzlib.py): only ``EventError``
escapes; collect and raise agree; and a table whose columns the reader takes is judged as
its rows are as dicts (``to_pylist``, nulls left out): the same verdicts, snapshot and
errors (row, event id, field).

    .venv/bin/python tests/fuzz/python/fuzz_py_arrow.py -max_total_time=60 CORPUS_DIR tests/fuzz/corpus/py_arrow
"""

from __future__ import annotations

import sys

import numpy as np
import pyarrow as pa
from _fuzzlib import Choices, Finding, event_dicts, only

import pursuit

TYPES = [pa.string(), pa.large_string(), pa.string_view(), pa.dictionary(pa.int8(), pa.string()),
         pa.dictionary(pa.int32(), pa.large_string()), pa.list_(pa.string()), pa.large_list(pa.large_string()),
         pa.int8(), pa.int16(), pa.int32(), pa.int64(), pa.uint8(), pa.uint16(), pa.uint32(), pa.uint64(),
         pa.float32(), pa.float64(), pa.bool_(), pa.decimal128(12, 2), pa.date32(), pa.null()]
TYPES += [pa.timestamp(unit, tz) for unit in ("s", "ms", "us", "ns") for tz in (None, "UTC", "Asia/Shanghai", "-05:00")]

# Whole-column refusals: the reader names the column, not a row, so no dict compares.
COLUMN_ERRORS = ("Arrow type", "without a time zone", "columns named", "NUL character")


def arrow_safe(v):
    """The value without numpy datetime64s: pyarrow 26 crashes the process converting them
    among other values (pursuit's frames steer around it; py_frame fuzzes that)."""
    if isinstance(v, np.datetime64):
        return None
    if isinstance(v, (list, tuple)):
        return type(v)(arrow_safe(x) for x in v)
    if isinstance(v, dict):
        return {k: arrow_safe(x) for k, x in v.items()}
    if isinstance(v, np.ndarray) and v.dtype.kind in "mMO":
        return None
    return v


def array(c: Choices, values: list) -> pa.Array | None:
    """The values as an array of a fuzzed type, else of the type Arrow infers, else none."""
    values = [arrow_safe(v) for v in values]
    for typ in ([c.pick(TYPES)] if not c.chance(4) else []) + [None]:
        try:
            return pa.array(values, type=typ, from_pandas=True)
        except (pa.ArrowException, TypeError, ValueError, OverflowError, ArithmeticError):
            continue
    return None


def table(c: Choices) -> tuple[pa.Table | None, bool]:
    """A table of fuzzed events, and whether each of its columns held the values given."""
    events = event_dicts(c, 8)[: c.below(9)]
    names = sorted({k for e in events for k in e if isinstance(k, str)})
    columns, labels = [], []
    for name in names:
        col = array(c, [e.get(name) for e in events])
        if col is not None:
            columns.append(col)
            labels.append(names[0] if c.chance(16) else name)
    try:
        t = pa.Table.from_arrays(columns, names=labels) if columns else pa.table({"id": pa.array([], pa.string())})
    except (pa.ArrowException, UnicodeEncodeError):  # names Arrow cannot hold (lone surrogates)
        return None, False
    if t.num_rows > 1 and c.chance(2):  # chunks of fuzzed sizes
        cut = sorted({c.below(t.num_rows) for _ in range(c.below(3) + 1)} - {0})
        bounds = [0, *cut, t.num_rows]
        t = pa.concat_tables([t.slice(a, b - a) for a, b in zip(bounds, bounds[1:])])
    return t, True


def judged(batch) -> tuple:
    """What a fresh pipeline does with the batch: (verdicts, errors, snapshot) or the error raised."""
    p = pursuit.Pipeline()
    summary = p.apply(batch, on_error="collect")
    return summary.verdicts, [(e.line, e.event_id, e.field) for e in summary.errors], p.snapshot()


def as_dicts(t: pa.Table) -> list[dict]:
    return [{k: v for k, v in row.items() if v is not None} for row in t.to_pylist()]


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris and libFuzzer use
    c = Choices(data)
    t, _ = table(c)
    if t is None:
        return
    as_reader = c.chance(3)
    source = (lambda: pa.RecordBatchReader.from_batches(t.schema, t.to_batches(max_chunksize=1 + c.below(4)))) \
        if as_reader else (lambda: t)
    ok, got = only((pursuit.EventError,), lambda: judged(source()), "Pipeline.apply(table, collect)")
    raised_ok, err = only((pursuit.EventError,), lambda: pursuit.Pipeline().apply(source()), "Pipeline.apply(table)")
    if ok and raised_ok == bool(got[1]):
        raise Finding(f"Pipeline.apply(table): collect found {len(got[1])} errors, raise {'did not' if raised_ok else 'did'} raise")
    if not ok:
        if any(s in str(got) for s in COLUMN_ERRORS):
            return
        raise Finding(f"Pipeline.apply(table, collect) raised {got!r}")
    if not raised_ok and (err.line, err.event_id, err.field) != got[1][0]:
        raise Finding(f"Pipeline.apply(table) raised {err!r}, not the first error collect found: {got[1][0]}")
    try:
        rows = as_dicts(t)
    except (OverflowError, ValueError):  # dates and times Python cannot hold: the table has no dicts to compare
        return
    same_ok, same = only((pursuit.EventError,), lambda: judged(rows), "Pipeline.apply(rows as dicts, collect)")
    if not same_ok:
        raise Finding(f"the rows as dicts raised {same!r} under collect")
    if "id" in t.column_names and not pa.types.is_string(t.schema.field("id").type):
        # An id that is no text is named as each path writes it (a time in UTC or with its offset).
        got, same = [(g[0], [(line, field) for line, _, field in g[1]], g[2]) for g in (got, same)]
    if got[0] != same[0] or got[1] != same[1]:
        raise Finding(f"a table and its rows as dicts are judged apart:\n  table {got[0]} {got[1]}\n  dicts {same[0]} {same[1]}"
                      f"\n  schema {t.schema}\n  rows {rows!r}"[:4000])
    if not got[2].equals(same[2]):
        raise Finding(f"a table and its rows as dicts give other snapshots:\n{got[2]}\n{same[2]}"[:4000])


if __name__ == "__main__":
    import atheris
    from _fuzzlib import instrument

    instrument()
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
