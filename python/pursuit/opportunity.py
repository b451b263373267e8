"""One opportunity, for notebooks: apply events, see where it stands and why."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional, Union

import pandas as pd

from . import _core
from .events import Event, utc
from .options import resolve_lang
from .playbook import Playbook
from .vocabulary import BuyerStage, Criterion, EventType, Gate, Outcome, Step, Verdict

__all__ = ["Opportunity", "Result", "GateReport", "RequirementStatus"]

_FORMAT_VERSION = 1
EventLike = Union[Event, Mapping[str, Any], str]


@dataclass(frozen=True)
class RequirementStatus:
    """One requirement of a gate and how much of it is there."""

    gate: Gate
    code: str
    kind: str
    text: dict
    action: dict
    met: bool = False
    have: int = 0
    need: int = 1

    def describe(self, lang: str | None = None) -> str:
        lang = resolve_lang(lang)
        return f"{self.text[lang]} ({self.have}/{self.need})"


@dataclass(frozen=True)
class GateReport:
    """What a gate needs and which parts are met."""

    gate: Gate
    open: bool
    items: list[RequirementStatus]

    @property
    def unmet(self) -> list[RequirementStatus]:
        return [i for i in self.items if not i.met]

    def to_frame(self, lang: str | None = None) -> pd.DataFrame:
        lang = resolve_lang(lang)
        return pd.DataFrame(
            [{"code": i.code, "met": i.met, "have": i.have, "need": i.need,
              "requirement": i.text[lang], "action": i.action[lang]} for i in self.items],
            columns=["code", "met", "have", "need", "requirement", "action"],
        )


def _report(d: dict) -> GateReport:
    gate = Gate(d["gate"])
    items = [RequirementStatus(gate, i["code"], i["kind"], i["text"], i["action"], i["met"], i["have"], i["need"])
             for i in d["items"]]
    return GateReport(gate, d["open"], items)


@dataclass(frozen=True)
class Result:
    """What applying one event did. Refusals are results, not exceptions."""

    event_id: str
    at: Any
    type: EventType
    verdict: Verdict
    step_before: Step
    step_after: Step
    outcome_before: Optional[Outcome]
    outcome_after: Optional[Outcome]
    buyer_before: BuyerStage
    buyer_after: BuyerStage
    unmet: list[RequirementStatus] = field(default_factory=list)
    late_entry: bool = False
    buyer_backward: bool = False
    reason: str = ""

    @property
    def accepted(self) -> bool:
        return self.verdict is Verdict.ACCEPTED

    @classmethod
    def _from(cls, d: dict) -> "Result":
        unmet = [RequirementStatus(Gate(u["gate"]), u["code"], u["kind"], u["text"], u["action"]) for u in d["unmet"]]
        opt = lambda v: Outcome(v) if v else None  # noqa: E731
        return cls(d["event_id"], utc(d["at_us"]), EventType(d["type"]), Verdict(d["verdict"]),
                   Step(d["step_before"]), Step(d["step_after"]), opt(d["outcome_before"]), opt(d["outcome_after"]),
                   BuyerStage(d["buyer_before"]), BuyerStage(d["buyer_after"]), unmet,
                   d["late_entry"], d["buyer_backward"], d["reason"])


def as_event(value: EventLike) -> Event:
    return value if isinstance(value, Event) else Event(value)


class Opportunity:
    """An opportunity: its facts, its place in the method's steps and the buyer's stages, its history.

    >>> opp = Opportunity("OPP-1")
    >>> opp.apply({"id": "e-1", "opportunity": "OPP-1", "at": "2026-03-02T10:00:00+08:00",
    ...            "type": "open", "account": "Acme", "name": "Analytics"}).verdict
    <Verdict.ACCEPTED: 'accepted'>
    >>> opp.step, opp.can_advance()
    (<Step.IDENTIFICATION: 'identification'>, False)

    It pickles, but unpickling data from an untrusted source is unsafe (a pickle
    can run any code): exchange state as :meth:`to_json` / :meth:`from_json` text.
    """

    __slots__ = ("_core", "_playbook", "_owner")

    def __init__(self, id: str, playbook: Playbook | None = None) -> None:
        self._playbook = playbook or Playbook.default()
        self._core = _core.Opportunity(id, self._playbook._core)
        self._owner = None

    @classmethod
    def _view(cls, core: _core.Opportunity, playbook: Playbook | None = None, owner: Any = None) -> "Opportunity":
        """A view of a compiled opportunity held elsewhere (a pipeline, a check's argument)."""
        self = cls.__new__(cls)
        self._core, self._playbook, self._owner = core, playbook, owner
        return self

    # --- applying events ---
    def apply(self, event: EventLike) -> Result:
        """Apply one event (a dict, JSON text or :class:`Event`)."""
        event = as_event(event)
        if hasattr(self._owner, "_apply_one"):  # in a pipeline: judged against all of it
            return Result._from(self._owner._apply_one(event, self.id))
        return Result._from(self._core.apply(event))

    def apply_all(self, events: Iterable[EventLike]) -> list[Result]:
        return [self.apply(e) for e in events]

    # --- where it stands ---
    @property
    def id(self) -> str:
        return self._core.id

    @property
    def step(self) -> Step:
        """The step it is in (or was closed from)."""
        return Step(self._core.step)

    @property
    def outcome(self) -> Optional[Outcome]:
        o = self._core.outcome
        return Outcome(o) if o else None

    @property
    def is_active(self) -> bool:
        return self._core.outcome is None

    @property
    def buyer_stage(self) -> BuyerStage:
        return BuyerStage(self._core.buyer_stage)

    @property
    def next_gate(self) -> Optional[Gate]:
        g = self._core.next_gate
        return Gate(g) if g else None

    @property
    def facts(self) -> dict[str, Any]:
        """Everything its events established (contacts, evidence, answers …), as plain data."""
        facts = self._core.facts()
        facts["answers"] = {c.value: a for c, a in zip(Criterion, facts["answers"]) if a is not None}
        return facts

    def requirements(self, gate: Union[Gate, str, None] = None) -> Optional[GateReport]:
        """What the next gate (or ``gate``) needs, and which parts are met. No side effects."""
        d = self._core.requirements(None if gate is None else Gate(gate).value)
        return _report(d) if d else None

    def can_advance(self) -> bool:
        """Whether the next gate's requirements are all met now."""
        return self._core.can_advance()

    @property
    def history(self) -> pd.DataFrame:
        """One row per applied event: what it did, when, and what was unmet."""
        cols = self._core.history_columns()
        df = pd.DataFrame(cols)
        df.insert(1, "at", pd.to_datetime(df.pop("at_us"), unit="us", utc=True))
        return df

    def assess(self, as_of: Any = None):
        """Indicators, risk flags and guidance as of ``as_of`` (default: its latest event).

        Returns an :class:`~pursuit.assessment.Assessment`.
        """
        from .assessment import assess_opportunity

        return assess_opportunity(self, as_of)

    def explain(self, lang: str | None = None) -> str:
        """Where it stands and what is missing, in words."""
        from .display import explain

        return explain(self, resolve_lang(lang))

    def _repr_html_(self) -> str:
        from .display import opportunity_html

        return opportunity_html(self)

    def __repr__(self) -> str:
        where = self.outcome.value if self.outcome else self.step.value
        return f"<Opportunity {self.id!r}: {where}, buyer at {self.buyer_stage.value}>"

    # --- saving ---
    def state(self) -> dict[str, Any]:
        """The whole state as a versioned document (``Opportunity.from_state`` reads it)."""
        return self._core.state()

    def to_json(self) -> str:
        """The state as JSON text, with the playbook's document: the safe form to
        exchange or keep (:meth:`from_json` reads it). Unlike a pickle, reading it runs no code."""
        return json.dumps({"format": "pursuit.exchange.opportunity", "version": _FORMAT_VERSION,
                           **_playbook_doc(self._playbook), "state": self.state()}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: Union[str, bytes], playbook: Playbook | None = None) -> "Opportunity":
        """An opportunity from :meth:`to_json`'s text, with ``playbook`` (default: the
        one saved in it). Malformed or foreign text raises ``ValueError`` saying why."""
        doc = _document(text, "pursuit.exchange.opportunity")
        playbook = _saved_playbook(doc, playbook)
        return _checked("opportunity", lambda: cls.from_state(_field(doc, "state", dict), playbook))

    @classmethod
    def from_state(cls, state: Mapping[str, Any], playbook: Playbook | None = None) -> "Opportunity":
        self = cls.__new__(cls)
        self._playbook = playbook or Playbook.default()
        self._core = _core.Opportunity.from_state(dict(state), self._playbook._core)
        self._owner = None
        return self

    def __reduce__(self):
        """Pickle support. Unpickling runs code named by the pickle: load pickles
        only from sources you trust; exchange :meth:`to_json` text instead."""
        return (_restore, (_FORMAT_VERSION, self.state(), self._playbook))

    @staticmethod
    def diagram(format: str = "dot") -> str:
        """The lifecycle machine as Graphviz DOT or Mermaid, generated from its transition table."""
        return _core.Opportunity.diagram(format)


def _restore(version: int, state: dict, playbook: Playbook | None) -> Opportunity:
    if version != _FORMAT_VERSION:
        raise ValueError(f"saved opportunity has version {version}; this pursuit reads version {_FORMAT_VERSION}")
    return Opportunity.from_state(state, playbook)


# --- the JSON exchange form (shared with Pipeline.to_json / from_json) ---

def _playbook_doc(playbook: Playbook | None) -> dict[str, Any]:
    """The playbook as data. Python checks are code and cannot travel: their codes are
    listed so that reading the text without that playbook fails instead of dropping them."""
    playbook = playbook or Playbook.default()
    custom = [code for _gate, code, *_ in playbook._custom] + [f.code for f in playbook._flags]
    return {"playbook": playbook.to_dict(), "python_checks": custom}


def _document(text: Union[str, bytes], kind: str) -> dict[str, Any]:
    try:
        doc = json.loads(text)
    except (TypeError, ValueError) as err:  # JSONDecodeError and undecodable bytes are ValueErrors
        raise ValueError(f"not a {kind} document: not JSON text ({err})") from None
    if not isinstance(doc, dict) or doc.get("format") != kind:
        raise ValueError(f"not a {kind} document: expected a JSON object with \"format\": \"{kind}\"")
    if doc.get("version") != _FORMAT_VERSION:
        raise ValueError(f"{kind} document has version {doc.get('version')!r}; "
                         f"this pursuit reads version {_FORMAT_VERSION}")
    return doc


def _field(doc: dict, name: str, kind: type) -> Any:
    value = doc.get(name)
    if not isinstance(value, kind):
        what = "object" if kind is dict else "array"
        raise ValueError(f"{doc['format']} document: field {name!r} must be a JSON {what}")
    return value


def _saved_playbook(doc: dict, playbook: Playbook | None) -> Playbook:
    if playbook is not None:
        return playbook
    checks = doc.get("python_checks") or []
    if checks:
        raise ValueError(f"{doc['format']} document was saved with a playbook with Python checks "
                         f"({', '.join(map(str, checks))}); pass that playbook as playbook=")
    saved = _field(doc, "playbook", dict)
    return _checked("playbook", lambda: Playbook.from_dict(saved))


def _checked(what: str, build):
    """``build()``, with the core's complaints about a malformed state as ValueError."""
    try:
        return build()
    except ValueError:
        raise
    except (RuntimeError, KeyError, TypeError) as err:
        raise ValueError(f"malformed {what} state: {err}") from None
