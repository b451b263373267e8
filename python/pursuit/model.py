"""Win probability: a stage prior from the playbook, and a model learned from
closed opportunities — frequency-based naive Bayes with smoothing, in the
spirit of Odoo's predictive lead scoring, fitted and scored in C++.

An opportunity is described by tokens: the step and buyer stage (learnt as
"reached at least this far", scored at the stage it is at), the evidence kinds
it holds, the roles its contacts cover, the risk flags raised, its owner, and
optional segment fields (``segments``: a DataFrame with one row per
opportunity, e.g. sector or product). A closed opportunity is described as it
stood when it closed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _core
from .events import moment_us, utc
from .vocabulary import Outcome

__all__ = ["WinModel", "Calibration", "calibrate", "FEATURES"]

# Token families, by the prefix of their tokens.
FEATURES = {"steps": "reached:", "buyer": "buyer:", "evidence": "evidence:", "roles": "role:", "flags": "flag:",
            "owner": "owner=", "segments": "segment:"}


def _segment_tokens(ids: Sequence[str], segments: Optional[pd.DataFrame]) -> list[list[str]]:
    if segments is None:
        return [[] for _ in ids]
    seg = segments.set_index("opportunity") if "opportunity" in segments.columns else segments
    seg = seg.reindex(list(ids))
    cols = [c for c in seg.columns]
    out = []
    for row in seg.itertuples(index=False):
        out.append([f"segment:{c}={v}" for c, v in zip(cols, row) if pd.notna(v) and v != ""])
    return out


def _tokens(pipeline, as_of_us: int, features: Iterable[str], segments: Optional[pd.DataFrame],
            for_fitting: bool) -> list[list[str]]:
    prefixes = tuple(FEATURES[f] for f in features)
    base = _core.win_features(pipeline._core, as_of_us, for_fitting)
    seg = _segment_tokens(pipeline.ids, segments) if "segments" in features else [[] for _ in base]
    return [[t for t in b if t.startswith(prefixes)] + s for b, s in zip(base, seg)]


def _check_features(features: Iterable[str]) -> tuple[str, ...]:
    features = tuple(features)
    unknown = [f for f in features if f not in FEATURES]
    if unknown:
        raise ValueError(f"unknown feature families {unknown}; expected some of {list(FEATURES)}")
    return features


def _closed(pipeline, as_of_us: int) -> pd.DataFrame:
    """Each opportunity's outcome and the moment it is judged at (its close, when closed)."""
    snap = pipeline.snapshot()
    judged = _core.assess_pipeline(pipeline._core, as_of_us)["judged_at"]
    return pd.DataFrame({"opportunity": snap["opportunity"], "outcome": snap["outcome"].astype(object),
                         "closed_at": pd.to_datetime(judged, unit="us", utc=True)})


class WinModel:
    """P(won) per opportunity, learnt from closed ones.

    >>> model = WinModel.fit(pipeline)                          # doctest: +SKIP
    >>> pipeline.assess().assign(p_win=model.predict(pipeline)) # doctest: +SKIP
    """

    __slots__ = ("_core", "features")

    def __init__(self, core: _core.WinModel, features: Sequence[str]) -> None:
        self._core = core
        self.features = tuple(features)

    @classmethod
    def fit(cls, pipeline, *, segments: Optional[pd.DataFrame] = None, closed_before: Any = None,
            features: Iterable[str] = tuple(FEATURES), alpha: float = 1.0) -> "WinModel":
        """Learn from the won (1) and lost or disqualified (0) opportunities of ``pipeline``,
        those closed before ``closed_before`` when given."""
        features = _check_features(features)
        as_of = _latest(pipeline)
        closed = _closed(pipeline, as_of)
        mask = closed["outcome"].notna()
        if closed_before is not None:
            mask &= closed["closed_at"] < pd.Timestamp(utc(moment_us(closed_before)))
        tokens = _tokens(pipeline, as_of, features, segments, for_fitting=True)
        samples = [t for t, m in zip(tokens, mask) if m]
        won = [o == Outcome.WON.value for o, m in zip(closed["outcome"], mask) if m]
        return cls(_core.WinModel.fit(samples, won, alpha), features)

    def predict(self, pipeline, *, as_of: Any = None, segments: Optional[pd.DataFrame] = None) -> pd.Series:
        """P(won) for every opportunity (closed ones scored as they stood at their close)."""
        as_of_us = _latest(pipeline) if as_of is None else moment_us(as_of)
        tokens = _tokens(pipeline, as_of_us, self.features, segments, for_fitting=False)
        return pd.Series(self._core.probabilities(tokens), index=pipeline.ids, name="p_win")

    def explain(self, opportunity_tokens: Sequence[str]) -> pd.DataFrame:
        """How each token moves the odds (log-odds added; 0 for tokens never seen)."""
        return pd.DataFrame({"token": list(opportunity_tokens),
                             "log_odds": [self._core.contribution(t) for t in opportunity_tokens]})

    @property
    def trained_on(self) -> dict[str, int]:
        return {"won": self._core.won, "lost": self._core.lost}

    def to_json(self) -> str:
        doc = json.loads(self._core.to_json())
        doc["features"] = list(self.features)
        return json.dumps(doc, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "WinModel":
        doc = json.loads(text)
        features = _check_features(doc.pop("features", FEATURES))
        return cls(_core.WinModel.from_json(json.dumps(doc)), features)

    def save(self, path: Union[str, os.PathLike]) -> None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_json())

    @classmethod
    def load(cls, path: Union[str, os.PathLike]) -> "WinModel":
        with open(path, encoding="utf-8") as f:
            return cls.from_json(f.read())

    def __repr__(self) -> str:
        return f"<WinModel trained on {self._core.won} won / {self._core.lost} lost; features {', '.join(self.features)}>"


def _latest(pipeline) -> int:
    return pipeline._core.latest_us()


@dataclass
class Calibration:
    """A time split: fitted on what had closed by ``split``, scored on the opportunities
    open at ``split`` that have closed since, as they stood at ``split``."""

    split: Any
    n_train: int
    n_test: int
    brier_model: float
    brier_prior: float
    reliability: pd.DataFrame  # per bin of predicted probability: model and prior against the observed win rate
    scores: pd.DataFrame       # each test opportunity: won, p_model, p_prior, step at the split


def _reliability(p: np.ndarray, y: np.ndarray, bins: int) -> pd.DataFrame:
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        m = idx == b
        rows.append({"bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}", "n": int(m.sum()),
                     "mean_predicted": float(p[m].mean()) if m.any() else np.nan,
                     "win_rate": float(y[m].mean()) if m.any() else np.nan})
    return pd.DataFrame(rows)


def _pipelines(events, split_us: int, playbook):
    """The pipeline as it stood at the split, and as it stands now."""
    from .events import read_jsonl
    from .pipeline import Pipeline
    from .store import Store

    if isinstance(events, Store):
        pb = playbook or events.playbook
        return events.pipeline(as_of=utc(split_us), playbook=pb), events.pipeline(playbook=pb)
    if isinstance(events, (str, os.PathLike)):
        events = read_jsonl(events).events
    events = [e if isinstance(e, _core.Event) else _core.Event(e) for e in events]
    then, now = Pipeline(playbook), Pipeline(playbook)
    then.apply([e for e in events if e.at_us <= split_us])
    now.apply(events)
    return then, now


def calibrate(events, split: Any, *, playbook=None, segments: Optional[pd.DataFrame] = None,
              features: Iterable[str] = tuple(FEATURES), bins: int = 5, alpha: float = 1.0) -> Calibration:
    """Is the model better than the stage priors at telling, on a date, which open deals will win?

    ``events`` is a :class:`~pursuit.Store` (replayed as of ``split`` and now) or events
    (a JSON Lines path or a list). The model learns from what had closed by ``split``; it
    and the playbook's stage priors then score the opportunities open at ``split`` that
    have closed since, as they stood at ``split``. Brier scores and a reliability table
    compare the two.
    """
    split_us = moment_us(split)
    then, now = _pipelines(events, split_us, playbook)
    model = WinModel.fit(then, segments=segments, features=features, alpha=alpha)
    snap_then = then.snapshot().set_index("opportunity")
    outcome_now = now.snapshot().set_index("opportunity")["outcome"].astype(object)
    open_then = snap_then.index[snap_then["outcome"].isna()]
    test = [id for id in open_then if pd.notna(outcome_now.get(id))]
    if not test:
        raise ValueError(f"no opportunity open at {split} has closed since: nothing to score")
    p_model = model.predict(then, as_of=utc(split_us), segments=segments).loc[test].to_numpy()
    priors = then.playbook.to_dict()["assessment"]["stage_priors"]
    steps = snap_then.loc[test, "step"].astype(str)
    p_prior = steps.map(priors).to_numpy(dtype=float)
    y = (outcome_now.loc[test] == Outcome.WON.value).to_numpy(dtype=float)
    rel = _reliability(p_model, y, bins).merge(_reliability(p_prior, y, bins), on="bin", suffixes=("_model", "_prior"))
    return Calibration(
        split=split, n_train=model._core.won + model._core.lost, n_test=len(test),
        brier_model=float(np.mean((p_model - y) ** 2)), brier_prior=float(np.mean((p_prior - y) ** 2)),
        reliability=rel,
        scores=pd.DataFrame({"opportunity": test, "step": steps.to_numpy(), "won": y.astype(bool),
                             "p_model": p_model, "p_prior": p_prior}),
    )
