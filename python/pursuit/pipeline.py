"""Many opportunities, for batch scripts: apply thousands of events in one call."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Union

import numpy as np
import pandas as pd

from . import _core
from ._inputs import batch_input
from .events import Event, EventError, _on_error, moment_us
from .opportunity import Opportunity, _checked, _document, _field, _playbook_doc, _saved_playbook
from .playbook import Playbook
from .vocabulary import BuyerStage, EventType, Gate, Outcome, Step, Verdict

__all__ = ["Pipeline", "BatchSummary"]

_FORMAT_VERSION = 1
_US_PER_DAY = 86_400_000_000


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


def _categorical(codes: np.ndarray, vocabulary) -> pd.Categorical:
    return pd.Categorical.from_codes(codes.astype(np.int16), categories=[t.value for t in vocabulary], ordered=True)


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
        threads: int = 1,
    ) -> BatchSummary:
        """Apply a batch of events.

        ``on_error="raise"``: an unreadable event raises :class:`EventError` (naming its
        line or row, id and field) and nothing is applied. ``"collect"``: the readable
        events are applied and the errors returned in the summary. Events an opportunity
        rejects (out of order, unknown contact …) are outcomes, see :meth:`outcomes`.
        ``threads`` splits the work by opportunity; the result is the same.
        """
        collect = _on_error(on_error)
        if not isinstance(threads, int) or threads < 1:
            raise ValueError("threads must be a whole number >= 1")
        kind, batch, _ = batch_input(events)
        if kind == "jsonl":
            raw = self._core.apply_jsonl(batch, collect, threads)
        elif kind == "arrow":
            raw = self._core.apply_arrow(batch, collect, threads)
        elif kind == "columns":
            raw = self._core.apply_columns(batch, len(events), collect, threads)
        else:
            raw = self._core.apply_items(batch, collect, threads)
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
        c = self._core.snapshot()
        last = c["last_at"]
        now = (int(last.max()) if len(last) else 0) if as_of is None else moment_us(as_of)
        close = c["expected_close"].astype("int64")
        return pd.DataFrame({
            "opportunity": c["opportunity"], "account": c["account"], "name": c["name"], "owner": c["owner"],
            "amount": c["amount"], "currency": c["currency"],
            "expected_close": pd.to_datetime(np.where(close == np.iinfo(np.int64).min, np.iinfo(np.int64).min,
                                                      close * _US_PER_DAY * 1000), unit="ns"),
            "step": _categorical(c["step"], Step), "outcome": _categorical(c["outcome"], Outcome),
            "buyer_stage": _categorical(c["buyer_stage"], BuyerStage), "next_gate": _categorical(c["next_gate"], Gate),
            "unmet": c["unmet"], "can_advance": c["can_advance"].astype(bool),
            "days_in_step": (now - c["step_since"]) / _US_PER_DAY,
            "events": c["events"], "refused": c["refused"], "fell_back": c["fell_back"],
            "late_entry": c["late_entry"].astype(bool), "criteria_misaligned": c["criteria_misaligned"].astype(bool),
            "contacts": c["contacts"], "evidence": c["evidence"],
            "opened_at": pd.to_datetime(c["opened_at"], unit="us", utc=True),
            "last_at": pd.to_datetime(last, unit="us", utc=True),
        })

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
        c = self._core.outcomes()
        return pd.DataFrame({
            "event_id": c["event_id"], "opportunity": c["opportunity"],
            "at": pd.to_datetime(c["at_us"], unit="us", utc=True),
            "type": _categorical(c["type"], EventType), "verdict": _categorical(c["verdict"], Verdict),
            "step_before": _categorical(c["step_before"], Step), "step_after": _categorical(c["step_after"], Step),
            "outcome_after": _categorical(c["outcome_after"], Outcome),
            "buyer_before": _categorical(c["buyer_before"], BuyerStage),
            "buyer_after": _categorical(c["buyer_after"], BuyerStage),
            "unmet": c["unmet"], "late_entry": c["late_entry"].astype(bool),
            "buyer_backward": c["buyer_backward"].astype(bool), "reason": c["reason"],
        })

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
