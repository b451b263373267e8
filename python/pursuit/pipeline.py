"""Many opportunities, for batch scripts: apply thousands of events in one call."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Union

import pandas as pd

from . import _core
from . import _inputs
from ._inputs import arrow_table, batch_input
from .events import Event, EventError, _on_error, moment_us
from .opportunity import Opportunity, _checked, _document, _field, _playbook_doc, _saved_playbook
from .playbook import Playbook
from .vocabulary import BuyerStage, EventType, Gate, Outcome, Step, Verdict

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["Pipeline", "BatchSummary"]

_FORMAT_VERSION = 1


@dataclass
class BatchSummary:
    """What one :meth:`Pipeline.apply` did: events per verdict, and the events that could not be read."""

    verdicts: dict[Verdict, int]
    errors: list[EventError] = field(default_factory=list)

    @property
    def applied(self) -> int:
        return sum(n for v, n in self.verdicts.items() if v is not Verdict.REJECTED)

    def __repr__(self) -> str:
        counts = ", ".join(f"{v.value}={n}" for v, n in self.verdicts.items() if n)
        return f"<BatchSummary {counts or 'empty'}; {len(self.errors)} errors>"


class Pipeline:
    """Opportunities under one playbook.

    ``apply`` takes a JSON Lines or Parquet path (or a directory of Parquet files),
    a table (pandas or polars DataFrame, pyarrow Table or RecordBatchReader, anything
    with ``__arrow_c_stream__``: one row per event, one column per field) or an
    iterable of dicts / :class:`Event`; the events are read and applied in C++ with
    the GIL released.

    It pickles, but unpickling data from an untrusted source is unsafe (a pickle
    can run any code): exchange state as :meth:`to_json` / :meth:`from_json` text.
    """

    __slots__ = ("_core", "_playbook", "__weakref__")

    def __init__(self, playbook: Playbook | None = None) -> None:
        self._playbook = playbook or Playbook.default()
        self._core = _core.Pipeline(self._playbook._core)

    @property
    def playbook(self) -> Playbook:
        return self._playbook

    def apply(
        self,
        events: Union[str, os.PathLike, pd.DataFrame, Iterable[Union[Event, Mapping[str, Any]]]],
        *,
        on_error: str = "raise",
        threads: int | None = None,
    ) -> BatchSummary:
        """Apply a batch of events.

        ``on_error="raise"``: an unreadable event raises :class:`EventError` (naming its
        line or row, id and field) and nothing is applied. ``"collect"``: the readable
        events are applied and the errors returned in the summary. Events an opportunity
        rejects (out of order, unknown contact …) are outcomes, see :meth:`outcomes`.
        ``threads`` splits the work by opportunity (default: every core); the result is
        the same whatever the number.
        """
        collect = _on_error(on_error)
        threads = _inputs.threads_to_use(threads)
        kind, batch, _ = batch_input(events)
        if kind == "jsonl":
            raw = self._core.apply_jsonl(batch, collect, threads, _inputs.PIECE_EVENTS)
        elif kind == "arrow":
            raw = self._core.apply_arrow(batch.stream, collect, threads, _inputs.PIECE_EVENTS if batch.again else 0)
        elif kind == "columns":
            raw = self._core.apply_columns(batch, len(events), collect, threads, _inputs.PIECE_EVENTS)
        else:
            raw = self._core.apply_items(batch, collect, threads, _inputs.PIECE_EVENTS)
        return BatchSummary({Verdict(k): v for k, v in raw["verdicts"].items()}, raw["errors"])

    # --- the opportunities ---
    def __len__(self) -> int:
        return len(self._core)

    def __contains__(self, id: object) -> bool:
        try:
            self._core.get(id)
            return True
        except (KeyError, TypeError):
            return False

    def _apply_one(self, event: Event, opportunity: str) -> Any:
        """One event for the opportunity ``opportunity`` (its view's ``apply``), as a batch of one."""
        return self._core.apply_one(event, opportunity)

    def __getitem__(self, id: str) -> Opportunity:
        """The opportunity ``id`` (a live view: later batches update it)."""
        return Opportunity._view(self._core.get(id), self._playbook, owner=self)

    def __iter__(self) -> Iterator[str]:
        return iter(self._core.ids())

    @property
    def ids(self) -> list[str]:
        return self._core.ids()

    # --- tables ---
    def snapshot(self, as_of: Any = None) -> pd.DataFrame:
        """One row per opportunity: where it stands, what it waits for, how long it has been there.

        ``days_in_step`` is counted to ``as_of`` (default: the latest event in the pipeline).
        """
        return self.to_arrow("snapshot", as_of=as_of).to_pandas(date_as_object=False)

    def to_arrow(self, table: str = "snapshot", *, as_of: Any = None) -> "pa.Table":
        """The snapshot (``"snapshot"``) or the latest batch's outcomes (``"outcomes"``) as a
        ``pyarrow.Table``, built in C++ without Python objects per cell: write it to Parquet
        (``pyarrow.parquet.write_table``) or hand it to polars or DuckDB without pandas."""
        if table == "snapshot":
            capsule = self._core.snapshot(None if as_of is None else moment_us(as_of))
        elif table == "outcomes":
            capsule = self._core.outcomes()
        else:
            raise ValueError(f"table must be 'snapshot' or 'outcomes', not {table!r}")
        return arrow_table(capsule)

    def assess(self, as_of: Any = None) -> pd.DataFrame:
        """One row per opportunity: connection, progress, coupling, a boolean column per
        risk flag (``flag:<code>``), stage prior, forecast category, next action.

        ``as_of`` defaults to the latest event in the pipeline.
        """
        from .assessment import assess_pipeline

        return assess_pipeline(self, as_of)

    def segments(self) -> pd.DataFrame:
        """The segment fields of each opportunity's open event (sector, product …), one column per key."""
        cols = _core.segments(self._core)
        df = pd.DataFrame({"opportunity": self.ids})
        for key, values in cols.items():
            df[key] = [v or None for v in values]
        return df

    def outcomes(self) -> pd.DataFrame:
        """What each event of the latest batch did, in the batch's order."""
        return self.to_arrow("outcomes").to_pandas()

    def _repr_html_(self) -> str:
        from .display import pipeline_html

        return pipeline_html(self)

    def __repr__(self) -> str:
        return f"<Pipeline of {len(self)} opportunities, playbook {self._playbook.name!r}>"

    # --- saving ---
    def to_json(self) -> str:
        """Every opportunity's state as JSON text, with the playbook's document: the
        safe form to exchange or keep (:meth:`from_json` reads it). Unlike a pickle,
        reading it runs no code."""
        return json.dumps({"format": "pursuit.exchange.pipeline", "version": _FORMAT_VERSION,
                           **_playbook_doc(self._playbook), "opportunities": [self[i].state() for i in self]},
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, text: Union[str, bytes], playbook: Playbook | None = None) -> "Pipeline":
        """A pipeline from :meth:`to_json`'s text, with ``playbook`` (default: the one
        saved in it). Malformed or foreign text raises ``ValueError`` saying why."""
        doc = _document(text, "pursuit.exchange.pipeline")
        states = _field(doc, "opportunities", list)
        return _checked("pipeline", lambda: _restore(_FORMAT_VERSION, _saved_playbook(doc, playbook), states))

    def __reduce__(self):
        """Pickle support (also what sends a pipeline to another process). Unpickling
        runs code named by the pickle: load pickles only from sources you trust;
        exchange :meth:`to_json` text instead."""
        return (_restore, (_FORMAT_VERSION, self._playbook, [self[i].state() for i in self]))


def _restore(version: int, playbook: Playbook, states: list) -> Pipeline:
    if version != _FORMAT_VERSION:
        raise ValueError(f"saved pipeline has version {version}; this pursuit reads version {_FORMAT_VERSION}")
    pipeline = Pipeline(playbook)
    for state in states:
        pipeline._core.adopt(_core.Opportunity.from_state(state, playbook._core))
    return pipeline
