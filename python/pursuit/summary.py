"""A first look at an events file: how many events of each type, per opportunity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import pandas as pd

from ._table import render
from .events import Event
from .vocabulary import BuyerStage, EventType, Gate, Outcome, Step

__all__ = ["EventSummary", "summarize", "standing"]


@dataclass
class EventSummary:
    by_type: pd.DataFrame         # one row per event type present
    by_opportunity: pd.DataFrame  # one row per opportunity
    lang: str = "en"

    def __str__(self) -> str:
        zh = self.lang == "zh"
        headers = _HEADERS_ZH if zh else {}
        return (
            f"{'各类事件' if zh else 'Events by type'}\n{render(self.by_type, headers)}\n\n"
            f"{'各机会事件' if zh else 'Events by opportunity'}\n{render(self.by_opportunity, headers)}"
        )


_HEADERS_ZH = {
    "type": "类型", "label": "名称", "events": "事件数", "opportunities": "机会数", "opportunity": "机会",
    "account": "客户", "first": "首次", "last": "最近", "types": "事件类型",
}


def summarize(events: Iterable[Event], lang: str = "en") -> EventSummary:
    """Count events per type and per opportunity (labels in ``lang``)."""
    rows = [(e.opportunity, e.type.value, e.at, e.fields.get("account", "") if e.type is EventType.OPEN else "")
            for e in events]
    df = pd.DataFrame(rows, columns=["opportunity", "type", "at", "account"])
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
            "account": df[df["account"] != ""].groupby("opportunity")["account"].last()
            .reindex(spans.index, fill_value="").to_numpy(),
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


def standing(pipeline, lang: str = "en") -> str:
    """Where each opportunity stands after its events: step or outcome, the buyer's stage, what blocks it."""
    snap = pipeline.snapshot()
    zh = lang == "zh"

    def where(row) -> str:
        if isinstance(row.outcome, str):
            return f"{Outcome(row.outcome).label(lang)} ({Step(row.step).label(lang)})"
        return Step(row.step).label(lang)

    def blocked(row) -> str:
        if isinstance(row.outcome, str):
            return ""
        opp = pipeline[row.opportunity]
        report = opp.requirements()
        if report.open:
            return "可推进" if zh else "can advance"
        return "; ".join(i.text[lang] for i in report.unmet)

    table = pd.DataFrame({
        "opportunity": snap["opportunity"],
        "where": [where(r) for r in snap.itertuples()],
        "buyer": [BuyerStage(b).label(lang) for b in snap["buyer_stage"]],
        "days": snap["days_in_step"].round().astype(int),
        "next gate needs": [blocked(r) for r in snap.itertuples()],
    }).sort_values("opportunity")
    headers = {"opportunity": "机会", "where": "所处位置", "buyer": "客户阶段", "days": "天数", "next gate needs": "下一关口还需要"} if zh else {}
    title = "各机会现状" if zh else "Where each opportunity stands"
    return f"{title}\n{render(table, headers)}"
