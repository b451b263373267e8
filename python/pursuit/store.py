"""The event store: events kept durably in an embedded SQLite file.

Ingesting is idempotent (events are keyed by id), each batch is one
transaction, and :meth:`Store.pipeline` replays the log as it stood at any
moment (``as_of``), through the same batch path as :meth:`Pipeline.apply`.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Optional, Union

import pandas as pd

from . import _core
from .events import Event, EventError, _on_error, moment_us, utc
from .opportunity import Opportunity
from . import _inputs
from ._inputs import batch_input
from .pipeline import Pipeline
from .playbook import Playbook

__all__ = ["Store", "StoreError", "StoreWarning", "IngestSummary", "StoreStats"]

StoreError = _core.StoreError


class StoreWarning(UserWarning):
    """Stored rows were skipped because they cannot be read (``on_error="collect"``)."""


_PLAYBOOK_KEY = "playbook"
DEFAULT_TIMEOUT = _core.Store.default_busy_timeout_ms / 1000  # seconds: 10 minutes
Progress = Union[bool, Callable[[int, int], Any], None]


@dataclass
class IngestSummary:
    """What one :meth:`Store.ingest` did."""

    inserted: int
    duplicates: int
    batches: int
    errors: list[EventError] = field(default_factory=list)     # unreadable events (with on_error="collect")
    conflicts: list[EventError] = field(default_factory=list)  # ids already stored with other content

    @property
    def ok(self) -> bool:
        return not self.errors and not self.conflicts


@dataclass(frozen=True)
class StoreStats:
    events: int
    opportunities: int
    batches: int
    first_at: Optional[_dt.datetime]
    last_at: Optional[_dt.datetime]


def _tqdm_progress(total_hint: str) -> Callable[[int, int], None]:
    from tqdm.auto import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="event", desc=total_hint, unit_scale=True)
        bar.total = total  # a file's total is its lines until it is all read, then exact
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


class _Closed:
    def __getattr__(self, name: str):
        raise ValueError("the store is closed")


class Store:
    """An append-only event log in a SQLite file (created if missing).

    >>> with Store("pipeline.db") as store:                    # doctest: +SKIP
    ...     store.ingest("events.jsonl")
    ...     pipeline = store.pipeline(as_of="2025-03-31")
    """

    __slots__ = ("_core", "_timeout")

    def __init__(self, path: Union[str, os.PathLike], *, read_only: bool = False,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        """``timeout``: seconds to wait for another process's lock on the file (a
        second writer queues behind the first) before :class:`StoreError` says who
        holds it and what to do; ``0`` fails at once."""
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout >= 0:
            raise ValueError(f"timeout must be a number of seconds >= 0, not {timeout!r}")
        self._timeout = float(timeout)
        with self._waiting(os.fspath(path)):
            self._core = _core.Store(os.fspath(path), read_only, int(min(timeout, 2**31 / 1000) * 1000))

    @contextlib.contextmanager
    def _waiting(self, path: str | None = None):
        """Turns SQLite's "database is locked" (the timeout ran out) into what happened and what to do."""
        try:
            yield
        except StoreError as err:
            if "database is locked" not in str(err):
                raise
            path = getattr(err, "path", None) or path or self.path
            reason = (f"another process holds the store (another pursuit ingest, or a program with the file open "
                      f"for writing); gave up after waiting {self._timeout:g} s. Run this again when it has finished, "
                      f"or wait longer: Store(..., timeout=SECONDS), or --wait SECONDS on the command line "
                      f"/ 另一个进程正占用该存储（另一个 pursuit ingest，或以写方式打开该文件的程序）；"
                      f"已等待 {self._timeout:g} 秒后放弃。请待其完成后重试，或延长等待：命令行加 --wait 秒数")
            clear = StoreError(f"{path}: {reason}")
            clear.path, clear.reason = path, reason
            raise clear from err

    @property
    def path(self) -> str:
        return self._core.path

    # --- writing ---
    def ingest(
        self,
        events: Union[str, os.PathLike, pd.DataFrame, Iterable[Union[Event, Mapping[str, Any]]]],
        *,
        on_error: str = "raise",
        on_conflict: str | None = None,
        batch_size: int = 10_000,
        progress: Progress = None,
        source: str | None = None,
    ) -> IngestSummary:
        """Append events (a JSON Lines path, a DataFrame, or dicts / :class:`Event`).

        Events already stored (same id, same content) are skipped, so ingesting a file
        twice changes nothing. ``on_error`` decides for unreadable events and
        ``on_conflict`` (default: as ``on_error``) for ids stored with other content:

        - ``"raise"``: all or nothing. The first problem raises (:class:`EventError`) and
          nothing of this input is stored; until the input is all checked and written it
          is one transaction, so an interrupted ingest leaves nothing of it either.
        - ``"collect"``: the problems are reported in the summary and everything else is
          stored, each ``batch_size`` events one transaction: an interrupted ingest leaves
          whole batches, and running it again completes it exactly.

        ``progress=True`` shows a progress bar; a callable gets ``(done, total)`` after
        each batch. For a JSON Lines file ``total`` is its non-blank lines until the file
        is all read, then the exact count; the file is read and parsed a block at a time
        while earlier batches are written, so memory does not grow with its size. Tables,
        Parquet, frames, dicts and Events are likewise converted a slice of rows at a time.
        """
        collect = _on_error(on_error)
        conflicts = collect if on_conflict is None else _on_error(on_conflict, "on_conflict")
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError("batch_size must be a whole number >= 1")
        kind, batch, label = batch_input(events)
        label = source or label
        report = self._progress(progress, label)
        with self._waiting():
            if kind == "jsonl":
                raw = self._core.ingest_jsonl(batch, collect, conflicts, batch_size, label, report)
            elif kind == "arrow":
                raw = self._core.ingest_arrow(batch.stream(), collect, conflicts, batch_size, label, report, batch.rows)
            elif kind == "columns":
                raw = self._core.ingest_columns(batch, len(events), collect, conflicts, batch_size, label, report)
            else:
                raw = self._core.ingest_items(batch, collect, conflicts, batch_size, label, report)
        return IngestSummary(**raw)

    @staticmethod
    def _progress(progress: Progress, label: str):
        if progress is True:
            return _tqdm_progress(label)
        return progress or None

    @property
    def playbook(self) -> Playbook:
        """The playbook this store's events are replayed with (the default unless one was set)."""
        text = self._core.setting(_PLAYBOOK_KEY)
        return Playbook.from_json(text) if text else Playbook.default()

    @playbook.setter
    def playbook(self, playbook: Playbook) -> None:
        if playbook._custom:
            raise ValueError("a playbook with Python requirements cannot be stored; pass it to pipeline() instead")
        with self._waiting():
            self._core.set_setting(_PLAYBOOK_KEY, playbook.to_json())

    # --- reading ---
    def events(self, as_of: Any = None, *, on_error: str = "raise") -> list[Event]:
        """The stored events in replay order (time, then arrival), up to ``as_of``.

        A stored row that cannot be read (damaged, or written by another program) raises
        :class:`StoreError` naming it; ``on_error="collect"`` skips it with a :class:`StoreWarning`.
        """
        return self._read(self._core.events, on_error, self._as_of(as_of)).to_list()

    def pipeline(self, *, as_of: Any = None, playbook: Playbook | None = None, threads: int | None = None,
                 on_error: str = "raise") -> Pipeline:
        """The pipeline as it stood at ``as_of`` (default: now), replayed in C++.

        ``as_of`` is a datetime, a date (meaning the end of that day) or ISO text.
        ``on_error`` as in :meth:`events`: ``"collect"`` replays every readable row.
        ``threads`` as in :meth:`Pipeline.apply` (default: every core).
        """
        threads = _inputs.threads_to_use(threads)
        pipeline = Pipeline(playbook or self.playbook)
        pipeline._core.apply_batch(self._read(self._core.events, on_error, self._as_of(as_of)), threads)
        return pipeline

    def opportunity(self, id: str, *, as_of: Any = None, playbook: Playbook | None = None,
                    on_error: str = "raise") -> Opportunity:
        """One opportunity replayed from its own events; ``KeyError`` if none are stored."""
        batch = self._read(self._core.events_of, on_error, id, self._as_of(as_of))
        if not len(batch):
            raise KeyError(id)
        pipeline = Pipeline(playbook or self.playbook)
        pipeline._core.apply_batch(batch, 1)
        return pipeline[id]

    def outcomes(self, opportunity: str | None = None, *, as_of: Any = None,
                 playbook: Playbook | None = None, on_error: str = "raise") -> pd.DataFrame:
        """What each stored event (of ``opportunity``, or all) did when replayed: the
        rows of :meth:`Pipeline.outcomes`. Rejected events (an opportunity with no
        ``open``, an unknown contact …) are here with their ``reason``, also for an
        opportunity that never opened and so is not in the pipeline."""
        events = self._read(self._core.events, on_error, self._as_of(as_of)) if opportunity is None else \
            self._read(self._core.events_of, on_error, opportunity, self._as_of(as_of))
        pipeline = Pipeline(playbook or self.playbook)
        pipeline._core.apply_batch(events, 1)
        return pipeline.outcomes()

    def stats(self) -> StoreStats:
        raw = self._core.stats()
        first, last = raw.pop("first_at_us"), raw.pop("last_at_us")
        return StoreStats(**raw, first_at=None if first is None else utc(first),
                          last_at=None if last is None else utc(last))

    def __len__(self) -> int:
        return self._core.stats()["events"]

    @staticmethod
    def _read(read: Callable[..., Any], on_error: str, *args: Any) -> Any:
        batch, unreadable = read(*args, collect=_on_error(on_error))
        if unreadable:
            shown = "; ".join(unreadable[:3]) + (f"; and {len(unreadable) - 3} more" if len(unreadable) > 3 else "")
            warnings.warn(StoreWarning(f"{len(unreadable)} stored events skipped (无法读取的事件已跳过): {shown}"),
                          stacklevel=3)
        return batch

    @staticmethod
    def _as_of(as_of: Any) -> Optional[int]:
        return None if as_of is None else moment_us(as_of)

    # --- lifetime ---
    def close(self) -> None:
        """Close the file (also done when the store is garbage-collected)."""
        self._core = _Closed()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        if isinstance(self._core, _Closed):
            return "<Store (closed)>"
        s = self._core.stats()
        return f"<Store {self.path!r}: {s['events']} events, {s['opportunities']} opportunities>"
