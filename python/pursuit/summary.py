"""A first look at an events file: how many events of each type, per opportunity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import pandas as pd

from .events import Event
from .vocabulary import EventType

__all__ = ["EventSummary", "summarize"]


@dataclass
class EventSummary:
    by_type: pd.DataFrame         # one row per event type present
    by_opportunity: pd.DataFrame  # one row per opportunity
    lang: str = "en"

    def __str__(self) -> str:
        return (
            f"{_title('Events by type', '各类事件', self.lang)}\n{self.by_type.to_string(index=False)}\n\n"
            f"{_title('Events by opportunity', '各机会事件', self.lang)}\n"
            f"{self.by_opportunity.to_string(index=False)}"
        )


def _title(en: str, zh: str, lang: str) -> str:
    return zh if lang == "zh" else en


def summarize(events: Iterable[Event], lang: str = "en") -> EventSummary:
    """Count events per type and per opportunity (labels in ``lang``)."""
    rows = [(e.opportunity, e.type.value, e.at) for e in events]
    df = pd.DataFrame(rows, columns=["opportunity", "type", "at"])
    order = [t.value for t in EventType]
    present = [t for t in order if t in set(df["type"])]
    label = {t.value: t.label(lang) for t in EventType}

    by_type = (
        df.groupby("type")
        .agg(events=("opportunity", "size"), opportunities=("opportunity", "nunique"))
        .reindex(present)
        .reset_index()
    )
    by_type.insert(1, "label", by_type["type"].map(label))

    counts = pd.crosstab(df["opportunity"], df["type"]).reindex(columns=present, fill_value=0)
    spans = df.groupby("opportunity")["at"].agg(["size", "min", "max"])
    by_opp = pd.DataFrame(
        {
            "opportunity": spans.index,
            "events": spans["size"].to_numpy(),
            "first": spans["min"].dt.strftime("%Y-%m-%d").to_numpy(),
            "last": spans["max"].dt.strftime("%Y-%m-%d").to_numpy(),
            "types": [
                ", ".join(f"{label[t]}×{n}" if n > 1 else label[t] for t, n in row.items() if n)
                for _, row in counts.loc[spans.index].iterrows()
            ],
        }
    )
    return EventSummary(by_type, by_opp, lang)
