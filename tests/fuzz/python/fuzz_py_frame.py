"""atheris harness: the DataFrame reader (``Pipeline.apply(df)``).

Columns get fuzzed names (duplicates, non-strings, empty) and dtypes: int8 …
uint64, float16/32/64, longdouble, bool, nullable Int64, string, category,
object columns of mixed values, datetimes naive and aware, with NaN / None / NaT
holes. Oracle (_fuzzlib.py): only ``EventError`` escapes, and the documented
``ValueError`` for a column of times without a time zone; collect and raise agree.

    .venv/bin/python tests/fuzz/python/fuzz_py_frame.py -max_total_time=60 CORPUS_DIR tests/fuzz/corpus/py_frame
"""

from __future__ import annotations

import decimal
import sys
import warnings

import numpy as np
import pandas as pd
from _fuzzlib import SKIP_KNOWN, Choices, Finding, event_dicts, only, recipe

import pursuit

DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32",
          "float64", "longdouble", "bool", "Int64", "Float64", "string", "category", "datetime64[ns]",
          "datetime64[ns, UTC]", "datetime64[ns, Asia/Shanghai]"]


def column(values: list, dtype: str | None) -> pd.Series:
    """The values as a column of that dtype, or of objects when they do not convert (not the reader's business)."""
    series = pd.Series(values, dtype=object)
    if dtype is None:
        return series
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if dtype.startswith("datetime64"):
                tz = dtype[len("datetime64[ns, "):-1] if "," in dtype else None
                converted = pd.to_datetime(series, utc=tz is not None, errors="raise")
                return converted.dt.tz_convert(tz) if tz else converted
            return series.astype(dtype)
    except Exception:  # noqa: BLE001 - pandas' own refusal: the column stays objects
        return series


def tame(v, nested: bool = False):
    """The value without what sets off the known findings (under PURSUIT_FUZZ_SKIP_KNOWN only)."""
    if isinstance(v, (list, tuple)):
        return type(v)(tame(x, True) for x in v)
    if isinstance(v, dict):
        return {k: tame(x, True) for k, x in v.items()}
    if isinstance(v, decimal.Decimal) and v.is_snan():
        return 1
    return v


def frame(c: Choices) -> pd.DataFrame:
    events = event_dicts(c, 8)[: c.below(9)]
    names = sorted({k for e in events for k in e}, key=str) or ["id"]
    columns, labels = [], []
    for name in names:
        values = [e.get(name, c.pick([None, np.nan, pd.NaT])) for e in events]
        if SKIP_KNOWN:  # the known finding py_frame/decimal-snan-columns-path.json
            values = [tame(v) for v in values]
        columns.append(column(values, c.pick(DTYPES) if c.chance(3) else None))
        labels.append(c.pick([name.upper(), 0, None, "", names[0], ("id",)]) if c.chance(12) else name)
    df = pd.concat(columns, axis=1) if columns else pd.DataFrame(index=range(len(events)))
    df.columns = pd.Index(labels, dtype=object)  # objects: pyarrow-backed strings refuse lone surrogates themselves
    return df


def from_recipe(doc) -> pd.DataFrame | None:
    """``{"$recipe": [[name, dtype or null, [values…]], …]}``: a kept regression."""
    if not isinstance(doc, list) or not all(
            isinstance(c, list) and len(c) == 3 and isinstance(c[1], (str, type(None))) and isinstance(c[2], list)
            and len(c[2]) == len(doc[0][2]) for c in doc):
        return None  # a mutated recipe: not one
    cols = [column(list(values), dtype) for _, dtype, values in doc]
    df = pd.concat(cols, axis=1) if cols else pd.DataFrame()
    try:
        df.columns = pd.Index([name if not isinstance(name, list) else tuple(name) for name, _, _ in doc], dtype=object)
    except TypeError:  # names pandas cannot hold (unhashable)
        return None
    return df


def documented(err: Exception) -> bool:
    return isinstance(err, pursuit.EventError) or "without a time zone" in str(err)


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris and libFuzzer use
    df = from_recipe(recipe(data))
    if df is None:
        df = frame(Choices(data))
    pipeline = pursuit.Pipeline()
    ok, summary = only((ValueError,), lambda: pipeline.apply(df, on_error="collect"), "Pipeline.apply(df, collect)")
    if not ok and not documented(summary):
        raise Finding(f"Pipeline.apply(df, collect): undocumented ValueError: {summary!r}") from summary
    raised_ok, err = only((ValueError,), lambda: pursuit.Pipeline().apply(df), "Pipeline.apply(df)")
    if not raised_ok and not documented(err):
        raise Finding(f"Pipeline.apply(df): undocumented ValueError: {err!r}") from err
    if ok and raised_ok == bool(summary.errors):
        raise Finding(f"Pipeline.apply(df): collect found {len(summary.errors)} errors, raise {'did not' if raised_ok else 'did'} raise")
    only((), pipeline.snapshot, "Pipeline.snapshot")


if __name__ == "__main__":
    import atheris
    from _fuzzlib import instrument

    instrument()
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
