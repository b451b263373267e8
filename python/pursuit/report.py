"""The pipeline report: what a sales team looks at on Monday morning.

:func:`build` turns a replayed pipeline into tables (all DataFrames, built from
columns): the pipeline by step and by buyer stage, the opportunities blocked at
a gate with what each is missing, fall-backs, late entries and stage
durations. ``report_format`` renders it as text, JSON or one HTML file.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Optional

import pandas as pd

from .events import moment_us, utc
from . import forecast as _forecast
from .forecast import velocity
from .options import resolve_lang
from .pipeline import Pipeline
from .vocabulary import BuyerStage, Outcome, RiskFlag, Step, Verdict

__all__ = ["Report", "build", "from_store"]

@dataclass
class Report:
    """Every table of the report; labels are in ``lang``, ids stay ids."""

    lang: str
    as_of: Optional[_dt.datetime]   # None: everything stored
    source: str
    overview: dict[str, Any]
    by_step: pd.DataFrame           # step or outcome, opportunities, amount per currency
    by_buyer_stage: pd.DataFrame    # active opportunities by the buyer's stage
    blocked: pd.DataFrame           # active opportunities whose next gate is not met
    fell_back: pd.DataFrame         # each fall-back: when, from, to, why
    late_entries: pd.DataFrame      # opportunities we joined after the buyer had moved on
    durations: pd.DataFrame         # days per step: finished stays and current ones (forecast.velocity)
    flags: pd.DataFrame             # risk flags on active opportunities: how many raise each, which
    forecast: pd.DataFrame          # open amount by expected-close quarter: weighted by the stage priors, P10/P50/P90
    funnel: pd.DataFrame            # conversion from each step to the next, and to won
    win_rate: pd.DataFrame          # by owner
    loss_reasons: pd.DataFrame
    weights: str = "prior"          # what weighted the forecast: the stage priors, or the fitted win model
    waterfall: Optional[pd.DataFrame] = None  # movements since an earlier date (from_store(since=…))
    since: Optional[_dt.datetime] = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (times as ISO-8601 UTC text)."""

        def records(df: pd.DataFrame) -> list[dict]:
            out = df.copy()
            for c in out.columns:
                if isinstance(out[c].dtype, pd.DatetimeTZDtype):
                    out[c] = out[c].map(lambda t: None if pd.isna(t) else t.isoformat().replace("+00:00", "Z"))
                elif isinstance(out[c].dtype, pd.CategoricalDtype):
                    out[c] = out[c].astype(object)
            out = out.astype(object).where(out.notna(), None)
            return out.to_dict(orient="records")

        return {
            "format": "pursuit.report", "version": 1, "lang": self.lang, "source": self.source,
            "as_of": None if self.as_of is None else self.as_of.isoformat().replace("+00:00", "Z"),
            "overview": self.overview,
            **{name: records(getattr(self, name)) for name in
               ("by_step", "by_buyer_stage", "blocked", "fell_back", "late_entries", "durations", "flags",
                "forecast", "funnel", "win_rate", "loss_reasons")},
            "weights": self.weights,
            "since": None if self.since is None else self.since.isoformat().replace("+00:00", "Z"),
            "waterfall": None if self.waterfall is None else records(self.waterfall),
        }


def _amounts(df: pd.DataFrame) -> dict[str, float]:
    """Amount per currency (mixed currencies are never added together)."""
    known = df[df["amount"].notna()]
    sums = known.groupby(known["currency"].replace("", "?"), sort=True)["amount"].sum()
    return {str(c): float(v) for c, v in sums.items()}


def _by_step(snap: pd.DataFrame, lang: str) -> pd.DataFrame:
    rows = []
    active = snap[snap["outcome"].isna()]
    for step in Step:
        part = active[active["step"] == step.value]
        rows.append({"stage": step.value, "label": step.label(lang), "opportunities": len(part), "amount": _amounts(part)})
    for outcome in Outcome:
        part = snap[snap["outcome"] == outcome.value]
        rows.append({"stage": outcome.value, "label": outcome.label(lang), "opportunities": len(part),
                     "amount": _amounts(part)})
    return pd.DataFrame(rows)


def _by_buyer_stage(snap: pd.DataFrame, lang: str) -> pd.DataFrame:
    active = snap[snap["outcome"].isna()]
    table = pd.crosstab(active["buyer_stage"], active["step"], dropna=False)
    rows = []
    for stage in BuyerStage:
        counts = table.loc[stage.value] if stage.value in table.index else pd.Series(dtype=int)
        rows.append({"buyer_stage": stage.value, "label": stage.label(lang),
                     "opportunities": int(counts.sum()) if len(counts) else 0,
                     **{f"in_{s.value}": int(counts.get(s.value, 0)) for s in Step}})
    return pd.DataFrame(rows)


def _blocked(pipeline: Pipeline, snap: pd.DataFrame, lang: str) -> pd.DataFrame:
    stuck = snap[snap["outcome"].isna() & ~snap["can_advance"] & snap["next_gate"].notna()]
    stuck = stuck.sort_values(["refused", "days_in_step", "opportunity"], ascending=[False, False, True])
    missing, actions = [], []
    for id in stuck["opportunity"]:
        unmet = pipeline[id].requirements().unmet
        missing.append([u.text[lang] for u in unmet])
        actions.append([u.action[lang] for u in unmet])
    return pd.DataFrame({
        "opportunity": stuck["opportunity"].to_numpy(), "account": stuck["account"].to_numpy(),
        "name": stuck["name"].to_numpy(), "owner": stuck["owner"].to_numpy(),
        "step": [Step(s).label(lang) for s in stuck["step"]],
        "next_gate": stuck["next_gate"].astype(str).to_numpy(),
        "days_in_step": stuck["days_in_step"].round(1).to_numpy(), "refused": stuck["refused"].to_numpy(),
        "missing": missing, "actions": actions,
    })


def _fell_back(outcomes: pd.DataFrame, lang: str) -> pd.DataFrame:
    fb = outcomes[outcomes["verdict"] == Verdict.FELL_BACK.value]
    return pd.DataFrame({
        "opportunity": fb["opportunity"].to_numpy(), "at": fb["at"].to_numpy(), "event_id": fb["event_id"].to_numpy(),
        "from_step": [Step(s).label(lang) for s in fb["step_before"]],
        "to_step": [Step(s).label(lang) for s in fb["step_after"]],
        "reason": fb["reason"].to_numpy(),
    })


def _late_entries(outcomes: pd.DataFrame, snap: pd.DataFrame, lang: str) -> pd.DataFrame:
    late = outcomes[outcomes["late_entry"]].drop_duplicates("opportunity")
    misaligned = snap.set_index("opportunity")["criteria_misaligned"]
    return pd.DataFrame({
        "opportunity": late["opportunity"].to_numpy(), "at": late["at"].to_numpy(),
        "buyer_stage": [BuyerStage(b).label(lang) for b in late["buyer_after"]],
        "criteria_misaligned": misaligned.reindex(late["opportunity"]).fillna(False).astype(bool).to_numpy(),
    })


def _flags(assessed: pd.DataFrame, snap: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per risk flag, the active opportunities raising it (most common first)."""
    active = assessed[snap["outcome"].isna().to_numpy()]
    rows = []
    for flag in RiskFlag:
        raised = active.loc[active[f"flag:{flag.value}"], "opportunity"]
        if len(raised):
            rows.append({"flag": flag.value, "label": flag.label(lang), "opportunities": len(raised),
                         "examples": ", ".join(raised.head(5))})
    out = pd.DataFrame(rows, columns=["flag", "label", "opportunities", "examples"])
    return out.sort_values("opportunities", ascending=False, kind="stable").reset_index(drop=True)


SIMULATION_RUNS = 10_000  # seeded: the same store gives the same report


def _forecast_table(pipeline: Pipeline, as_of, lang: str, p_win=None) -> pd.DataFrame:
    """Weighted pipeline and the Monte Carlo spread per quarter and currency (p_win: the stage priors by default)."""
    weighted = _forecast.weighted_pipeline(pipeline, p_win, as_of=as_of, lang=lang)
    spread = _forecast.simulate(pipeline, p_win, as_of=as_of, runs=SIMULATION_RUNS, seed=0, lang=lang)
    table = weighted.merge(spread[["period", "currency", "p10", "p50", "p90"]], on=["period", "currency"], how="left")
    return table[table["opportunities"] > 0].reset_index(drop=True)


def build(pipeline: Pipeline, outcomes: pd.DataFrame, *, as_of: Any = None, lang: str | None = None,
          source: str = "", weights: str = "prior") -> Report:
    """The report of a pipeline whose whole history is ``outcomes`` (one replayed batch)."""
    lang = resolve_lang(lang)
    snap = pipeline.snapshot(as_of=as_of)
    now_us = moment_us(as_of) if as_of is not None else (int(snap["last_at"].max().value // 1000) if len(snap) else 0)
    outcome = snap["outcome"]
    overview = {
        "opportunities": len(snap), "active": int(outcome.isna().sum()),
        **{o.value: int((outcome == o.value).sum()) for o in Outcome},
        "blocked": int((outcome.isna() & ~snap["can_advance"]).sum()),
        "events": int(len(outcomes)),
        "rejected_events": int((outcomes["verdict"] == Verdict.REJECTED.value).sum()),
        "refused_moves": int((outcomes["verdict"] == Verdict.REFUSED.value).sum()),
        "open_amount": _amounts(snap[outcome.isna()]),
        "won_amount": _amounts(snap[outcome == Outcome.WON.value]),
    }
    return Report(
        lang=lang, as_of=None if as_of is None else utc(moment_us(as_of)), source=source, overview=overview,
        by_step=_by_step(snap, lang), by_buyer_stage=_by_buyer_stage(snap, lang),
        blocked=_blocked(pipeline, snap, lang), fell_back=_fell_back(outcomes, lang),
        late_entries=_late_entries(outcomes, snap, lang),
        durations=velocity(pipeline, as_of=utc(now_us), lang=lang, outcomes=outcomes),
        flags=_flags(pipeline.assess(as_of=utc(now_us)), snap, lang),
        forecast=_forecast_table(pipeline, utc(now_us), lang, _p_win(pipeline, weights)),
        weights=weights,
        funnel=_forecast.funnel(pipeline, lang=lang),
        win_rate=_forecast.win_rate(pipeline, by="owner"),
        loss_reasons=_forecast.loss_reasons(pipeline, lang=lang),
    )


def _p_win(pipeline: Pipeline, weights: str):
    if weights == "prior":
        return None
    if weights != "model":
        raise ValueError(f"weights must be 'prior' or 'model', not {weights!r}")
    from .model import WinModel

    return WinModel.fit(pipeline).predict(pipeline)


def from_store(store, *, as_of: Any = None, lang: str | None = None, threads: int | None = None, since: Any = None,
               weights: str = "prior", on_error: str = "raise") -> Report:
    """Replay the store (as of a moment) and build its report; ``since`` adds the
    waterfall from that date; ``weights="model"`` weights the forecast by a win model
    fitted on the store's closed opportunities instead of the stage priors.
    ``on_error="collect"`` skips stored rows that cannot be read (see :meth:`Store.pipeline`)."""
    pipeline = store.pipeline(as_of=as_of, threads=threads, on_error=on_error)
    report = build(pipeline, pipeline.outcomes(), as_of=as_of, lang=lang, source=store.path, weights=weights)
    if since is not None:
        end = as_of if as_of is not None else utc(int(pipeline.snapshot()["last_at"].max().value // 1000))
        report.waterfall = _forecast.waterfall(store, since, end, lang=report.lang, on_error=on_error).summary
        report.since = utc(moment_us(since))
    return report
