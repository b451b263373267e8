"""What a sales manager acts on: indicators, risk flags and next-step guidance.

Computed in C++ (``assess``) from an opportunity's facts and history as of a
moment; the playbook's ``assessment`` section holds the thresholds, and
:meth:`Playbook.add_flag` adds flags written in Python.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, Union

import numpy as np
import pandas as pd

from . import _core
from .events import moment_us, utc
from .options import resolve_lang
from .vocabulary import ConnectionLevel, EvidenceKind, ForecastCategory, LossReason, RiskFlag, Severity

if TYPE_CHECKING:
    from .opportunity import Opportunity
    from .pipeline import Pipeline

__all__ = ["Assessment", "FlagResult", "GuidanceItem", "CustomFlag", "assess_opportunity", "assess_pipeline"]


@dataclass(frozen=True)
class FlagResult:
    """A raised risk flag and the facts it was computed from."""

    code: Union[RiskFlag, str]  # a RiskFlag, or the code of a flag added in Python
    severity: Severity
    facts: dict[str, Any]
    text: dict[str, str]        # {"en": …, "zh": …}

    def describe(self, lang: str | None = None) -> str:
        lang = resolve_lang(lang)
        facts = ", ".join(f"{k}={v}" for k, v in self.facts.items())
        return f"[{self.severity.label(lang)}] {self.text[lang]}" + (f" ({facts})" if facts else "")


@dataclass(frozen=True)
class GuidanceItem:
    """An unmet requirement of the next gate and what to do; ``unblocks`` counts the
    requirements (here and in the gates ahead) the same fact would satisfy."""

    code: str
    gate: str
    text: dict[str, str]
    action: dict[str, str]
    unblocks: int
    have: int
    need: int


@dataclass
class Assessment:
    as_of: _dt.datetime
    connection: dict[str, Any]   # level, inbound, outbound, mutual, recent, previous, days_since_last, cooling
    progress: dict[str, Any]     # held, needed, missing (evidence kinds) and share
    coupling: dict[str, Any]     # buyer stage, the stages in step with ours, behind / ahead
    flags: list[FlagResult]
    guidance: list[GuidanceItem]
    stage_prior: float
    category: ForecastCategory
    days_in_step: float
    days_since_evidence: Optional[float]

    def flags_frame(self, lang: str | None = None) -> pd.DataFrame:
        lang = resolve_lang(lang)
        return pd.DataFrame([{"flag": str(f.code), "severity": f.severity.value, "text": f.text[lang], "facts": f.facts}
                             for f in self.flags], columns=["flag", "severity", "text", "facts"])

    def guidance_frame(self, lang: str | None = None) -> pd.DataFrame:
        lang = resolve_lang(lang)
        return pd.DataFrame([{"code": g.code, "gate": g.gate, "requirement": g.text[lang], "action": g.action[lang],
                              "unblocks": g.unblocks, "have": g.have, "need": g.need} for g in self.guidance],
                            columns=["code", "gate", "requirement", "action", "unblocks", "have", "need"])


@dataclass(frozen=True)
class CustomFlag:
    """A risk flag written in Python: ``check(opportunity, assessment)`` returns False /
    None (not raised), True, or a dict of the facts it found (raised)."""

    code: str
    check: Callable[["Opportunity", Assessment], Any]
    severity: Severity
    text: dict[str, str]


def _flag(d: Mapping[str, Any]) -> FlagResult:
    code = RiskFlag(d["code"])
    return FlagResult(code, Severity(d["severity"]), dict(d["facts"]), {"en": code.label("en"), "zh": code.label("zh")})


def _custom_flags(flags: list[CustomFlag], opp: "Opportunity", a: Assessment) -> list[FlagResult]:
    out = []
    for f in flags:
        try:
            found = f.check(opp, a)
        except Exception as exc:
            raise RuntimeError(f"risk flag {f.code!r} failed on opportunity {opp.id!r}: {exc}") from exc
        if found:
            out.append(FlagResult(f.code, f.severity, dict(found) if isinstance(found, Mapping) else {}, f.text))
    return out


def _as_of_us(as_of: Any, default_us: int) -> int:
    return default_us if as_of is None else moment_us(as_of)


def assess_opportunity(opp: "Opportunity", as_of: Any = None) -> Assessment:
    if not opp._core.opened:
        raise ValueError(f"opportunity {opp.id!r} has not been opened: nothing to assess")
    d = _core.assess_opportunity(opp._core, _as_of_us(as_of, opp._core.last_at_us))
    a = Assessment(
        as_of=utc(d["as_of_us"]), connection={**d["connection"], "level": ConnectionLevel(d["connection"]["level"])},
        progress={**d["progress"], **{k: [EvidenceKind(x) for x in d["progress"][k]] for k in ("held", "needed", "missing")}},
        coupling=d["coupling"], flags=[_flag(f) for f in d["flags"]],
        guidance=[GuidanceItem(g["code"], g["gate"], g["text"], g["action"], g["unblocks"], g["have"], g["need"])
                  for g in d["guidance"]],
        stage_prior=d["stage_prior"], category=ForecastCategory(d["category"]),
        days_in_step=d["days_in_step"], days_since_evidence=d["days_since_evidence"],
    )
    playbook = opp._playbook
    if playbook is not None and playbook._flags:
        a.flags.extend(_custom_flags(playbook._flags, opp, a))
    return a


def _categorical(codes: np.ndarray, vocabulary) -> pd.Categorical:
    return pd.Categorical.from_codes(codes.astype(np.int16), categories=[t.value for t in vocabulary], ordered=True)


def assess_pipeline(pipeline: "Pipeline", as_of: Any = None) -> pd.DataFrame:
    """One row per opportunity: indicators, one boolean column per flag, prior, category."""
    as_of_us = _as_of_us(as_of, pipeline._core.latest_us())
    c = _core.assess_pipeline(pipeline._core, as_of_us)
    df = pd.DataFrame({"opportunity": pipeline.ids})
    for name, values in c.items():
        if name == "connection":
            df[name] = _categorical(values, ConnectionLevel)
        elif name == "category":
            df[name] = _categorical(values, ForecastCategory)
        elif name == "max_severity":
            df[name] = _categorical(values, Severity)
        elif name == "judged_at":
            df[name] = pd.to_datetime(values, unit="us", utc=True)
        elif name == "loss_reason":
            df[name] = pd.Categorical([v or None for v in values], categories=[t.value for t in LossReason])
        elif name in ("cooling", "behind_buyer", "ahead_of_buyer") or name.startswith("flag:"):
            df[name] = np.asarray(values).astype(bool)
        else:
            df[name] = values
    custom = pipeline.playbook._flags
    if custom:  # flags written in Python: one call per opportunity and flag
        order = list(Severity)
        for f in custom:
            df[f"flag:{f.code}"] = False
        severity = df["max_severity"].astype(object)
        for i, id in enumerate(df["opportunity"]):
            opp = pipeline[id]
            for r in _custom_flags(custom, opp, assess_opportunity(opp, utc(as_of_us))):
                df.loc[i, f"flag:{r.code}"] = True
                df.loc[i, "flags"] += 1
                if pd.isna(severity[i]) or order.index(r.severity) > order.index(Severity(severity[i])):
                    severity[i] = r.severity.value
        df["max_severity"] = pd.Categorical(severity, categories=[s.value for s in Severity], ordered=True)
    return df
