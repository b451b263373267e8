"""Forecast and pipeline analytics: what the coming periods may bring, and how deals move.

Every table is built from the columns of a replayed pipeline (``snapshot``,
``assess``, ``outcomes``) with pandas and numpy, never event by event. Money is
grouped by currency and never added across currencies. Labels follow
``lang`` (default ``pursuit.options.lang``); ids stay ids.

``funnel`` and ``velocity`` read the moves from :meth:`Pipeline.outcomes`, which
covers the latest batch: the whole history when the pipeline was built by
:meth:`Store.pipeline` or a single :meth:`Pipeline.apply`. One replay gives every
move as columns, where per-opportunity histories would mean a Python loop.
"""

from __future__ import annotations

from typing import Any, Mapping, NamedTuple, Optional

import numpy as np
import pandas as pd

from .events import moment_us, utc
from .options import resolve_lang
from .pipeline import Pipeline
from .vocabulary import ForecastCategory, LossReason, Outcome, Step, Verdict

__all__ = ["weighted_pipeline", "simulate", "funnel", "velocity", "win_rate", "loss_reasons", "waterfall",
           "Waterfall", "PERIODS", "MOVEMENTS"]

PERIODS = {"W": "week", "M": "month", "Q": "quarter", "Y": "year"}
MOVEMENTS = ("new", "advanced", "fell_back", "won", "lost", "slipped", "unchanged")
_OPEN_CATEGORIES = [c.value for c in (ForecastCategory.PIPELINE, ForecastCategory.BEST_CASE, ForecastCategory.COMMIT,
                                      ForecastCategory.OMITTED)]
_WORDS = {
    "en": {"no_date": "no date", "none_named": "none named", "new": "New", "advanced": "Advanced",
           "lost": "Lost or disqualified", "slipped": "Slipped", "unchanged": "Unchanged"},
    "zh": {"no_date": "无日期", "none_named": "未注明", "new": "新增", "advanced": "推进",
           "lost": "失去或放弃", "slipped": "延期", "unchanged": "未变"},
}
_BLOCK = 512  # opportunities per block of Monte Carlo draws: memory stays runs x 512


def _movement_label(movement: str, lang: str) -> str:
    if movement == "won":
        return Outcome.WON.label(lang)
    if movement == "fell_back":
        return Verdict.FELL_BACK.label(lang)
    return _WORDS[lang][movement]


# --- shared columns ---

def _check_period(period: str) -> str:
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}; expected one of "
                         + ", ".join(f"{k} ({v})" for k, v in PERIODS.items()))
    return period


def _periods(dates: pd.Series, period: str, no_date: str) -> pd.Series:
    """Period text of naive dates ("2026Q3"); missing dates get the ``no_date`` label."""
    text = dates.dt.to_period(period).astype(str)
    return text.where(dates.notna(), no_date)


def _currency(s: pd.Series) -> pd.Series:
    return s.fillna("").replace("", "?")


def _sorted(df: pd.DataFrame, no_date: str) -> pd.DataFrame:
    """By period (the "no date" row last), then currency."""
    last = df["period"] == no_date
    return (df.assign(_last=last).sort_values(["_last", "period", "currency"])
            .drop(columns="_last").reset_index(drop=True))


def _p_win(p_win: Any, ids: pd.Series, prior: pd.Series) -> pd.Series:
    """Probabilities by opportunity: the stage priors, or a Series/mapping by id, or values in ``ids`` order."""
    if p_win is None:
        return pd.Series(prior.to_numpy(float), index=ids)
    if isinstance(p_win, Mapping):
        p_win = pd.Series(p_win, dtype=float)
    if isinstance(p_win, pd.Series) and not isinstance(p_win.index, pd.RangeIndex):
        p = p_win.astype(float).reindex(ids)
    else:
        values = np.asarray(p_win, dtype=float)
        if values.shape != (len(ids),):
            raise ValueError(f"p_win has {values.size} values for {len(ids)} opportunities; "
                             "pass a Series indexed by opportunity id")
        p = pd.Series(values, index=ids)
    if ((p < 0) | (p > 1)).any():
        raise ValueError("p_win must hold probabilities between 0 and 1")
    return p


def _deals(pipeline: Pipeline, p_win: Any, period: str, as_of: Any, lang: str) -> pd.DataFrame:
    """One row per opportunity: period of expected close, currency, amount, p_win, category, outcome, close period."""
    no_date = _WORDS[lang]["no_date"]
    snap = pipeline.snapshot(as_of=as_of)
    a = pipeline.assess(as_of).set_index("opportunity").reindex(snap["opportunity"])
    closed_at = pd.to_datetime(a["judged_at"].to_numpy("int64"), unit="us")  # the close, for closed ones (UTC)
    df = pd.DataFrame({
        "opportunity": snap["opportunity"].to_numpy(), "currency": _currency(snap["currency"]).to_numpy(),
        "amount": snap["amount"].to_numpy(float),
        "period": _periods(snap["expected_close"], period, no_date).to_numpy(),
        "closed_in": _periods(pd.Series(closed_at), period, no_date).to_numpy(),
        "category": a["category"].astype(object).to_numpy(), "outcome": snap["outcome"].astype(object).to_numpy(),
    })
    p = _p_win(p_win, snap["opportunity"], a["stage_prior"].reset_index(drop=True))
    df["p_win"] = p.to_numpy()
    active = df["outcome"].isna()
    if df.loc[active, "p_win"].isna().any():
        missing = df.loc[active & df["p_win"].isna(), "opportunity"]
        raise ValueError(f"p_win has no probability for {len(missing)} open opportunities, e.g. {missing.iloc[0]!r}")
    return df


# --- forecasts ---

def weighted_pipeline(pipeline: Pipeline, p_win: Any = None, *, period: str = "Q", as_of: Any = None,
                      lang: Optional[str] = None) -> pd.DataFrame:
    """Open opportunities by period of expected close and currency.

    Columns: ``opportunities``, ``amount``, ``weighted`` (amount x p_win; p_win defaults
    to the stage priors of :meth:`Pipeline.assess`, or pass e.g. ``WinModel.predict``),
    the amount in each forecast category (``pipeline``, ``best_case``, ``commit``, and
    ``omitted``: open but left out of the forecast, e.g. unfunded), and ``closed``: the
    amount won in that period (by when it was won). ``weighted`` counts every open
    opportunity, so it is the mean of :func:`simulate`. ``as_of`` is when the
    assessment is made (default: the latest event); for the pipeline as it stood on a
    date, replay it with ``store.pipeline(as_of=...)``.
    """
    lang = resolve_lang(lang)
    df = _deals(pipeline, p_win, _check_period(period), as_of, lang)
    active = df[df["outcome"].isna()].assign(weighted=lambda d: d["amount"] * d["p_win"])
    keys = ["period", "currency"]
    out = active.groupby(keys).agg(opportunities=("opportunity", "size"), amount=("amount", "sum"),
                                   weighted=("weighted", "sum"))
    by_category = active.groupby(keys + ["category"])["amount"].sum().unstack("category")
    out = out.join(by_category.reindex(columns=_OPEN_CATEGORIES), how="outer")
    won = df[df["outcome"] == Outcome.WON.value]
    closed = won.groupby(["closed_in", "currency"])["amount"].sum().rename("closed").rename_axis(keys)
    out = out.join(closed, how="outer").fillna(0.0)
    out["opportunities"] = out["opportunities"].astype(int)
    return _sorted(out.reset_index(), _WORDS[lang]["no_date"])


def simulate(pipeline: Pipeline, p_win: Any = None, *, period: str = "Q", runs: int = 10_000, seed: Any = 0,
             as_of: Any = None, draws: bool = False, lang: Optional[str] = None) -> pd.DataFrame:
    """Monte Carlo bookings from the open opportunities, per period of expected close and currency.

    In each of ``runs`` runs every open opportunity is won (its whole amount) with
    its probability, independently. Returns ``mean`` and the ``p10``/``p50``/``p90``
    of the bookings of each row (each row's own distribution: P90s of two quarters do
    not add up to a P90 of the half-year). The same ``seed`` gives the same numbers.
    ``draws=True`` adds a column holding each row's ``runs`` simulated totals.
    Bookings already won are in :func:`weighted_pipeline`'s ``closed`` column.
    """
    if isinstance(runs, bool) or not isinstance(runs, (int, np.integer)) or runs < 1:
        raise ValueError(f"runs must be a whole number >= 1, not {runs!r}")
    lang = resolve_lang(lang)
    df = _deals(pipeline, p_win, _check_period(period), as_of, lang)
    active = df[df["outcome"].isna() & df["amount"].notna()]
    groups = active.groupby(["period", "currency"], sort=True)
    keys = groups.size()
    g = groups.ngroup().to_numpy()
    amounts = np.zeros((len(active), len(keys)))
    amounts[np.arange(len(active)), g] = active["amount"].to_numpy()
    p = active["p_win"].to_numpy()
    rng = np.random.default_rng(seed)
    totals = np.zeros((runs, len(keys)))
    for start in range(0, len(active), _BLOCK):  # a few blocks: memory bounded whatever the pipeline's size
        part = slice(start, start + _BLOCK)
        totals += (rng.random((runs, len(p[part]))) < p[part]) @ amounts[part]
    q10, q50, q90 = np.percentile(totals, [10, 50, 90], axis=0) if len(keys) else np.zeros((3, 0))
    out = keys.rename("opportunities").reset_index()
    out = out.assign(mean=totals.mean(axis=0), p10=q10, p50=q50, p90=q90)
    if draws:
        out["draws"] = list(totals.T)
    return _sorted(out, _WORDS[lang]["no_date"])


# --- how deals move ---

def _outcomes(pipeline: Pipeline) -> pd.DataFrame:
    """The pipeline's latest batch, refused when it is not the whole history."""
    out = pipeline.outcomes()
    opened = out.loc[(out["type"] == "open") & (out["verdict"] == Verdict.ACCEPTED.value), "opportunity"]
    if not pd.Index(pipeline.ids).isin(opened).all():
        raise ValueError("the pipeline's latest batch is not its whole history; build it with Store.pipeline() "
                         "or one Pipeline.apply, or pass outcomes=")
    return out


def _moves(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Each time an opportunity entered a step or an outcome: opportunity, state, at, left (next move)."""
    ok = outcomes[outcomes["verdict"].isin([Verdict.ACCEPTED.value, Verdict.FELL_BACK.value])]
    state = ok["outcome_after"].astype(object).where(ok["outcome_after"].notna(), ok["step_after"].astype(object))
    entered = state.ne(state.groupby(ok["opportunity"]).shift())
    moves = pd.DataFrame({"opportunity": ok["opportunity"][entered], "state": state[entered], "at": ok["at"][entered]})
    moves["left"] = moves.groupby("opportunity")["at"].shift(-1)
    return moves


def velocity(pipeline: Pipeline, *, as_of: Any = None, lang: Optional[str] = None,
             outcomes: Optional[pd.DataFrame] = None) -> pd.DataFrame:
    """Days per step, from when each opportunity entered a step to when it left it.

    ``finished`` stays give ``median_days`` and ``mean_days``; opportunities still in
    the step (``in_step_now``) give ``median_days_so_far``, counted to ``as_of``
    (default: the latest event). ``outcomes`` defaults to ``pipeline.outcomes()``.
    """
    lang = resolve_lang(lang)
    if outcomes is None:
        outcomes = _outcomes(pipeline)
    if as_of is not None:
        now_us = moment_us(as_of)
    else:
        now_us = pipeline._core.latest_us()
    moves = _moves(outcomes)
    now = pd.Timestamp(utc(now_us))
    day = pd.Timedelta(days=1)
    rows = []
    for step in Step:
        stays = moves[moves["state"] == step.value]
        done = (stays["left"] - stays["at"]).dropna() / day
        current = (now - stays.loc[stays["left"].isna(), "at"]) / day
        rows.append({"step": step.value, "label": step.label(lang), "finished": len(done),
                     "median_days": float(np.median(done)) if len(done) else None,
                     "mean_days": float(done.mean()) if len(done) else None,
                     "in_step_now": len(current),
                     "median_days_so_far": float(np.median(current)) if len(current) else None})
    return pd.DataFrame(rows)


def funnel(pipeline: Pipeline, *, lang: Optional[str] = None) -> pd.DataFrame:
    """Of the opportunities that reached each step, how many reached the next and how many were won.

    An opportunity reached a step if it ever entered it or a later one (a fall-back
    does not undo having got there). ``reached_next`` for verification counts the
    won. ``in_step_now`` are still there: they count in ``reached`` but have not had
    their chance at the next step, so a young pipeline converts less than it will.
    """
    lang = resolve_lang(lang)
    moves = _moves(_outcomes(pipeline))
    order = {s.value: i for i, s in enumerate(Step)}
    furthest = moves["state"].map(order).groupby(moves["opportunity"]).max()
    snap = pipeline.snapshot().set_index("opportunity")
    furthest = furthest.reindex(snap.index)
    won = (snap["outcome"] == Outcome.WON.value).to_numpy()
    active_step = snap["step"].where(snap["outcome"].isna())
    rows = []
    for i, step in enumerate(Step):
        reached = (furthest >= i).to_numpy()
        nxt = (furthest >= i + 1).to_numpy() if i + 1 < len(Step) else won
        n = int(reached.sum())
        rows.append({"step": step.value, "label": step.label(lang), "reached": n,
                     "reached_next": int((reached & nxt).sum()), "won": int((reached & won).sum()),
                     "in_step_now": int((active_step == step.value).sum())})
    out = pd.DataFrame(rows)
    reached = out["reached"].where(out["reached"] > 0)
    return out.assign(conversion=out["reached_next"] / reached, win_rate=out["won"] / reached)


def win_rate(pipeline: Pipeline, by: str = "owner") -> pd.DataFrame:
    """Win rate among closed opportunities by a snapshot column (owner, currency, account …)
    or a segment (a column of :meth:`Pipeline.segments`, e.g. sector).

    ``win_rate`` is won / (won + lost): disqualifying a deal early is the method at
    work (界定), not a loss, so disqualified deals are counted but left out of the rate.
    """
    snap = pipeline.snapshot()
    if by in snap.columns:
        key = snap[by].astype(object)
    else:
        seg = pipeline.segments() if hasattr(pipeline, "segments") else pd.DataFrame(columns=["opportunity"])
        if by not in seg.columns or by == "opportunity":
            raise ValueError(f"unknown column {by!r}; expected a snapshot column ({', '.join(snap.columns)}) or a "
                             f"segment ({', '.join(c for c in seg.columns if c != 'opportunity') or 'none recorded'})")
        key = seg.set_index("opportunity")[by].reindex(snap["opportunity"]).astype(object).reset_index(drop=True)
    closed = snap["outcome"].notna()
    df = pd.DataFrame({by: key[closed].fillna(""), "outcome": snap.loc[closed, "outcome"].astype(object)})
    t = pd.crosstab(df[by], df["outcome"]).reindex(columns=[o.value for o in Outcome], fill_value=0)
    t.columns.name = None
    t["closed"] = t.sum(axis=1)
    decided = (t[Outcome.WON.value] + t[Outcome.LOST.value]).where(lambda s: s > 0)
    t["win_rate"] = t[Outcome.WON.value] / decided
    return t.reset_index().sort_values(["closed", by], ascending=[False, True]).reset_index(drop=True)


def loss_reasons(pipeline: Pipeline, *, lang: Optional[str] = None) -> pd.DataFrame:
    """Lost opportunities by loss reason and the competitor named, with counts and share of all lost."""
    lang = resolve_lang(lang)
    snap = pipeline.snapshot()
    a = pipeline.assess().set_index("opportunity").reindex(snap["opportunity"])
    lost = (snap["outcome"] == Outcome.LOST.value).to_numpy()
    df = pd.DataFrame({"reason": a["loss_reason"].astype(object).to_numpy()[lost],
                       "competitor": a["lost_to"].astype(object).to_numpy()[lost]})
    df["reason"] = df["reason"].fillna(LossReason.OTHER.value).replace("", LossReason.OTHER.value)
    df["competitor"] = df["competitor"].fillna("")
    out = df.groupby(["reason", "competitor"]).size().rename("opportunities").reset_index()
    out["share"] = out["opportunities"] / max(len(df), 1)
    # the most frequent reason first; within it, named competitors before "none named"
    out = out.assign(_total=out.groupby("reason")["opportunities"].transform("sum"), _unnamed=out["competitor"] == "")
    out = out.sort_values(["_total", "reason", "_unnamed", "opportunities", "competitor"],
                          ascending=[False, True, True, False, True]).drop(columns=["_total", "_unnamed"])
    out.insert(1, "label", [LossReason(r).label(lang) for r in out["reason"]])
    out["competitor"] = out["competitor"].replace("", _WORDS[lang]["none_named"])
    return out.reset_index(drop=True)


# --- between two dates ---

class Waterfall(NamedTuple):
    """What happened to the pipeline between two dates."""

    summary: pd.DataFrame        # movement, label, currency, opportunities, amount (at the end)
    opportunities: pd.DataFrame  # one row per opportunity and its movement


def waterfall(store, start: Any, end: Any, *, lang: Optional[str] = None, on_error: str = "raise") -> Waterfall:
    """Compare the store's pipeline as of ``start`` with the one as of ``end``.

    Each opportunity open at either date gets one movement, the first that applies:
    ``won``; ``lost`` (lost or disqualified); ``new`` (opened after ``start``, or
    reopened); ``slipped`` (still open, and it was due by ``end`` or its expected
    close moved later); ``fell_back``; ``advanced``; ``unchanged``. Deals closed
    before ``start`` are left out. Amounts are as of ``end``.
    """
    lang = resolve_lang(lang)
    start_us, end_us = moment_us(start), moment_us(end)
    if start_us > end_us:
        raise ValueError(f"start ({start}) is after end ({end})")
    cols = ["opportunity", "step", "outcome", "expected_close", "amount"]
    before = store.pipeline(as_of=utc(start_us), on_error=on_error).snapshot()[cols].set_index("opportunity")
    after = store.pipeline(as_of=utc(end_us), on_error=on_error).snapshot()
    df = after[["opportunity", "account", "name", "owner", "currency"]].assign(
        currency=_currency(after["currency"]), amount=after["amount"],
        step_start=before["step"].reindex(after["opportunity"]).to_numpy(), step_end=after["step"].to_numpy(),
        outcome_start=before["outcome"].reindex(after["opportunity"]).astype(object).to_numpy(),
        outcome_end=after["outcome"].astype(object).to_numpy(),
        close_start=before["expected_close"].reindex(after["opportunity"]).to_numpy(),
        close_end=after["expected_close"].to_numpy())
    closed_before = df["outcome_start"].notna() & df["outcome_start"].eq(df["outcome_end"])
    df = df[~closed_before].reset_index(drop=True)
    step_code = {s.value: i for i, s in enumerate(Step)}
    s0, s1 = df["step_start"].astype(object).map(step_code), df["step_end"].astype(object).map(step_code)
    due = pd.Timestamp(utc(end_us)).tz_localize(None).normalize()
    open_end = df["outcome_end"].isna()
    slipped = open_end & ((df["close_start"] <= due) | (df["close_end"] <= due) | (df["close_end"] > df["close_start"]))
    conditions = [df["outcome_end"] == Outcome.WON.value, df["outcome_end"].notna(),
                  df["step_start"].isna() | df["outcome_start"].notna(), slipped, s1 < s0, s1 > s0]
    df["movement"] = np.select(conditions, ["won", "lost", "new", "slipped", "fell_back", "advanced"], "unchanged")
    df["label"] = df["movement"].map(lambda m: _movement_label(m, lang))
    order = pd.Categorical(df["movement"], categories=MOVEMENTS, ordered=True)
    summary = (df.assign(movement=order).groupby(["movement", "currency"], observed=True)
               .agg(opportunities=("opportunity", "size"), amount=("amount", "sum")).reset_index())
    summary.insert(1, "label", summary["movement"].astype(str).map(lambda m: _movement_label(m, lang)))
    summary["movement"] = summary["movement"].astype(str)
    return Waterfall(summary, df.assign(movement=df["movement"].astype(str)))
