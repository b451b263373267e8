"""Tables in and out: what a batch of events is, for the C++ batch paths (pipelines and
the store), and pursuit's own tables handed to Arrow.

Every table reaches C++ as an Arrow C stream (``__arrow_c_stream__``), read there
column by column without a Python object per cell; JSON Lines files are read by
C++ itself; dicts and Events are read one by one.
"""

from __future__ import annotations

import itertools
import os
from typing import Any

import numpy as np
import pandas as pd

from .events import EventError

_PARQUET_MAGIC = b"PAR1"
# Events per piece when a file or table is applied piece by piece (tests make it small).
PIECE_EVENTS = 65536
_PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")


def threads_to_use(threads: int | None) -> int:
    """``threads`` as given, or (None) every core this process may run on."""
    if threads is None:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError("threads must be a whole number >= 1, or None for every core")
    return threads


def _input_error(where: str, reason: str, column: str | None = None) -> EventError:
    err = EventError(f"{where}: {reason}")
    err.event_id, err.line, err.field, err.reason = None, None, column, reason
    return err


def _no_nul(names: list[str], what: str) -> None:
    """Arrow's C interface ends a column name at a NUL: refuse such a name rather than misread it."""
    for name in names:
        if "\x00" in name:
            raise _input_error(f"{what}, column {name!r}", "the column name holds a NUL character (\\x00); rename the column",
                               name)


def _unique_names(df: pd.DataFrame) -> None:
    names = [str(name) for name in df.columns]
    _no_nul(names, "DataFrame")
    seen: set[str] = set()
    for name in names:
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            raise _input_error(f"DataFrame, column {name!r}", "the column name is not valid Unicode (a lone surrogate?)",
                               name.encode("utf-8", "backslashreplace").decode()) from None
        if name in seen:
            # A dict of columns would keep only the last: refuse rather than guess.
            raise _input_error(f"DataFrame, column {name!r}", f"the DataFrame has {names.count(name)} columns named {name!r}; "
                                     "rename or drop all but one (df.loc[:, ~df.columns.duplicated()])", name)
        seen.add(name)


def _columns(df: pd.DataFrame) -> dict[str, np.ndarray]:
    """DataFrame columns as numpy arrays, for the frames Arrow cannot type (an object
    column mixing kinds of value): one conversion per column, never per event."""
    out = {}
    for name, col in zip((str(n) for n in df.columns), (df.iloc[:, i] for i in range(df.shape[1]))):
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            out[name] = col.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[ns]")
        elif pd.api.types.is_datetime64_dtype(col.dtype):
            raise ValueError(f"column {name!r} holds times without a time zone; localize it (e.g. .dt.tz_localize('UTC'))")
        elif isinstance(col.dtype, pd.api.extensions.ExtensionDtype) and col.dtype.kind in "iuf":
            out[name] = col.to_numpy(dtype="float64", na_value=np.nan)  # nullable Int64 and friends
        elif isinstance(col.dtype, np.dtype) and col.dtype.kind == "f" and col.dtype.itemsize not in (4, 8):
            out[name] = col.to_numpy(dtype="float64")  # float16, longdouble
        elif isinstance(col.dtype, np.dtype) and col.dtype.kind in "fiub":
            out[name] = np.ascontiguousarray(col.to_numpy()).astype(col.dtype.newbyteorder("="), copy=False)
        else:
            out[name] = cells = col.to_numpy(dtype=object, copy=True)  # never write into the frame
            try:
                cells[pd.isna(col).to_numpy()] = None  # NaN, NaT, pd.NA: an absent field
            except Exception:  # noqa: BLE001 - a cell pandas cannot test (Decimal("sNaN")): the reader judges it
                pass
    return out


class ArrowSource:
    """A table to read as Arrow C streams: ``stream()`` makes one; ``again`` says whether a
    second can be made (a table, a frame, a file), which lets C++ read it in pieces and,
    should its opportunities' events come out of time order across pieces, once more whole."""

    __slots__ = ("stream", "again", "rows")

    def __init__(self, stream: Any, again: bool, rows: int | None = None) -> None:
        self.stream, self.again, self.rows = stream, again, rows  # rows, where known: the store's progress


def _once(obj: Any) -> Any:
    capsule = obj.__arrow_c_stream__()
    return lambda: capsule


def _first_then(first: Any, make: Any) -> Any:
    """``first`` the first time (a stream made early, to fail before anything is applied), then new ones."""
    pending = [first]
    return lambda: pending.pop() if pending else make()


def _parquet_stream(path: str) -> Any:
    """A Parquet file or directory as an Arrow C stream, read in record batches."""
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    try:
        if os.path.isfile(path):
            # Batch by batch within each row group: a scanner decodes a whole row group
            # (a million rows by default) and reads ahead, several times the memory.
            file = pq.ParquetFile(path)
            return pa.RecordBatchReader.from_batches(
                file.schema_arrow, file.iter_batches(batch_size=PIECE_EVENTS)).__arrow_c_stream__()
        dataset = ds.dataset(path, format="parquet")
        # Files of a directory may each have their own columns: read them all, not the first one's.
        schema = pa.unify_schemas([fragment.physical_schema for fragment in dataset.get_fragments()])
        reader = ds.dataset(path, schema=schema, format="parquet").scanner().to_reader()
    except (pa.ArrowInvalid, OSError) as exc:
        raise _input_error(path, f"cannot be read as Parquet: {exc}") from None
    return reader.__arrow_c_stream__()


def _parquet_rows(path: str) -> int | None:
    """The rows a Parquet file's footer says it holds (None if it cannot be read: the
    reader then says why)."""
    import pyarrow.parquet as pq

    try:
        return pq.read_metadata(path).num_rows
    except Exception:  # noqa: BLE001 - reading the file proper reports the problem
        return None


def _is_parquet(path: str) -> bool:
    with open(path, "rb") as f:
        head = f.read(4)
    if head == _PARQUET_MAGIC:
        return True
    if path.lower().endswith(_PARQUET_SUFFIXES):
        raise _input_error(path, "is not a Parquet file (it does not begin with PAR1)")
    return False


def _holds_numpy_time(cells: Any, depth: int = 0) -> bool:
    """Whether numpy datetime64 values sit among the cells, or in the lists, tuples and
    dicts they hold (nesting deeper than events have counts as yes: the numpy path
    judges it). The cells' types are gathered at C speed and only Python containers are
    opened, not the numpy arrays pyarrow makes of list columns, so that a frame read
    from Parquet costs next to nothing here."""
    types = set(map(type, cells))
    if np.datetime64 in types:
        return True
    if not types & {list, tuple, dict}:
        return False
    if depth >= 2:
        return True
    held = (x.values() if type(x) is dict else x for x in cells if type(x) in (list, tuple, dict))
    return _holds_numpy_time(list(itertools.chain.from_iterable(held)), depth + 1)


def _frame_stream(df: pd.DataFrame) -> Any:
    """A pandas DataFrame as an Arrow table, or None when Arrow cannot type a column."""
    import pyarrow as pa

    for i in range(df.shape[1]):
        col = df.iloc[:, i]
        # pyarrow 26 crashes the process converting numpy datetime64 mixed with numpy
        # scalars of other types: those columns take the numpy path.
        if (col.dtype == object and pd.api.types.infer_dtype(col, skipna=True).startswith("mixed")  # "mixed-integer" too
                and _holds_numpy_time(col.to_numpy())):
            return None
    try:
        table = pa.Table.from_pandas(df, preserve_index=False)
    except Exception:  # noqa: BLE001 - whatever Arrow cannot convert (mixed kinds, an int past 64 bits,
        return None    # Decimal("sNaN")), the numpy path reads, and its reader says what is wrong
    return table


def batch_input(events: Any) -> tuple[str, Any, str]:
    """(kind, batch, label): ("jsonl", path), ("arrow", an :class:`ArrowSource`),
    ("columns", numpy columns of a DataFrame Arrow cannot type) or ("items", a list
    of dicts / Events); the label names the input in the store's log."""
    if isinstance(events, (str, os.PathLike)):
        path = os.fspath(events)
        label = os.path.basename(os.path.normpath(path))
        if os.path.isdir(path):
            return "arrow", ArrowSource(_first_then(_parquet_stream(path), lambda: _parquet_stream(path)), True), label
        if not os.path.isfile(path):
            raise FileNotFoundError(path)
        if _is_parquet(path):
            return "arrow", ArrowSource(_first_then(_parquet_stream(path), lambda: _parquet_stream(path)), True,
                                        _parquet_rows(path)), label
        return "jsonl", path, label
    if isinstance(events, pd.DataFrame):
        _unique_names(events)
        table = _frame_stream(events)
        if table is not None:
            return "arrow", ArrowSource(table.__arrow_c_stream__, True, len(events)), "DataFrame"
        return "columns", _columns(events), "DataFrame"
    if hasattr(events, "__arrow_c_stream__"):
        import pyarrow as pa

        if isinstance(events, (pa.Table, pa.RecordBatch, pa.RecordBatchReader)):
            _no_nul(events.schema.names, type(events).__name__)
        # A table exports as often as asked; a reader (or an unknown producer) only once.
        again = isinstance(events, (pa.Table, pa.RecordBatch))
        rows = events.num_rows if again else None
        return "arrow", ArrowSource(events.__arrow_c_stream__ if again else _once(events), again, rows), type(events).__name__
    return "items", events if isinstance(events, (list, tuple)) else list(events), "Python"


class _Capsule:
    """An Arrow C stream capsule made by pursuit, as the PyCapsule interface hands it over."""

    __slots__ = ("_capsule",)

    def __init__(self, capsule: Any) -> None:
        self._capsule = capsule

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self._capsule


def arrow_table(capsule: Any) -> Any:
    """A pyarrow.Table from a capsule of pursuit's own (snapshot, outcomes)."""
    import pyarrow as pa

    return pa.table(_Capsule(capsule))
