"""The pure-Python baselines for bench_python.py: the same lifecycle and default gates written with
pytransitions and python-statemachine, with the facts in plain Python objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from statemachine import State, StateMachine
from transitions import Machine

# --------------------------------------------------------------------------
# 2. The same lifecycle with Python state-machine libraries
# --------------------------------------------------------------------------
# Facts live in plain Python objects; the gates are the default playbook's
# (DOMAIN.md "Default stage gates"), written as condition callbacks. Both
# libraries share the facts, the gates and the event driver below; only the
# machine differs.
#
# Simplifications against pursuit (all of them make the Python versions do
# less work than pursuit does, so the ratios are, if anything, flattering to
# them):
# - no validation: events are trusted as they come (no schema, vocabulary,
#   timestamp, ordering, duplicate or contact-reference checks); `at` is kept
#   as the string it arrived as, never parsed;
# - the buyer's stages are a plain attribute (pursuit: an orthogonal region of
#   the machine moving one stage at a time); the late-entry / backward flags
#   and risk flags are not computed;
# - the history keeps a small tuple per event (pursuit keeps a full record);
# - gates are hard-coded Python functions (pursuit interprets the playbook
#   document, so an organisation can change them without code);
# - refused vs not-applicable is decided from a static table of which trigger
#   has a row from which state (the libraries only report "did not move").
# Fall-back is done as pursuit does it: after a fact that can weaken evidence
# (contact, contact_left, evidence_revoked, qualify, buyer_stage), fire a
# `recheck` trigger whose rows go one step back under a "gates broken"
# condition, until it no longer moves.

STEPS = ["identification", "qualification", "tracking", "monitoring", "verification"]
OUTCOMES = ["won", "lost", "disqualified"]
BUYER = {"need_awareness": 0, "need_definition": 1, "evaluation": 2, "final_approval": 3, "purchased": 4}
AUTH = {"low": 0, "medium": 1, "high": 2}
WEAKENING = frozenset(["contact", "contact_left", "evidence_revoked", "qualify", "buyer_stage"])
LIFECYCLE = frozenset(["advance", "win", "lose", "disqualify", "reopen"])
ACTIVE_ABOVE_IDENT = frozenset(STEPS[1:])

# (state, trigger) pairs with at least one row; anything else is "not applicable".
APPLICABLE = frozenset(
    [(s, "advance") for s in STEPS[:4]] + [("verification", "win")] + [(s, "lose") for s in STEPS]
    + [(s, "disqualify") for s in STEPS[:4]] + [(o, "reopen") for o in OUTCOMES]
)


@dataclass
class ContactFact:
    name: Optional[str] = None
    title: Optional[str] = None
    roles: frozenset = frozenset()
    authority: Optional[str] = None
    stance: Optional[str] = None
    access: Optional[bool] = None
    focus: Optional[list] = None
    active: bool = True
    since: str = ""


@dataclass
class EvidenceFact:
    kind: str
    contact: Optional[str]
    at: str
    valid: bool = True


@dataclass
class Facts:
    header: dict = field(default_factory=dict)
    signals: list = field(default_factory=list)
    answers: dict = field(default_factory=dict)
    contacts: dict = field(default_factory=dict)
    evidence: list = field(default_factory=list)
    insights: list = field(default_factory=list)
    competitors: dict = field(default_factory=dict)
    no_competitor: bool = False
    interactions: list = field(default_factory=list)
    buyer: int = 0
    criteria_aligned: Optional[bool] = None
    closing: Optional[tuple] = None


def _revoke(f: Facts, kind: Optional[str], contact: Optional[str]) -> None:
    for ev in f.evidence:
        if ev.valid and (kind is None or ev.kind == kind) and (contact is None or ev.contact == contact):
            ev.valid = False


def _fact_open(f, e):
    f.header = {k: e.get(k) for k in ("account", "name", "amount", "currency", "expected_close", "owner")}
    f.header["opened_at"] = e["at"]


def _fact_contact(f, e):
    c = f.contacts.get(e["contact"])
    if c is None:
        c = f.contacts[e["contact"]] = ContactFact(since=e["at"])
    elif not c.active:
        c.active, c.since = True, e["at"]
    for k in ("name", "title", "authority", "stance", "access", "focus"):
        v = e.get(k)
        if v is not None:
            setattr(c, k, v)
    if e.get("roles") is not None:
        c.roles = frozenset(e["roles"])


def _fact_contact_left(f, e):
    c = f.contacts[e["contact"]]
    c.active = False
    f.signals.append(("people_change", e["contact"], e["at"]))
    _revoke(f, None, e["contact"])


def _fact_competitor(f, e):
    if e.get("none"):
        f.no_competitor = True
    else:
        f.competitors[e["name"]] = (e.get("strengths"), e.get("weaknesses"), e.get("strategy"), e.get("ties"), e["at"])


def _fact_buyer(f, e):
    if e.get("criteria_aligned") is not None:
        f.criteria_aligned = e["criteria_aligned"]
    f.buyer = BUYER[e["stage"]]


RECORD_FACT: dict[str, Callable[[Facts, dict], None]] = {
    "open": _fact_open,
    "signal": lambda f, e: f.signals.append((e["kind"], e.get("contact"), e["at"])),
    "qualify": lambda f, e: f.answers.__setitem__(e["criterion"], e["answer"]),
    "contact": _fact_contact,
    "contact_left": _fact_contact_left,
    "insight": lambda f, e: f.insights.append((e["topic"], e["text"], e["at"])),
    "competitor": _fact_competitor,
    "evidence": lambda f, e: f.evidence.append(EvidenceFact(e["kind"], e.get("contact"), e["at"])),
    "evidence_revoked": lambda f, e: _revoke(f, e["kind"], e.get("contact")),
    "interaction": lambda f, e: f.interactions.append(
        (e["channel"], e["direction"], e.get("volume", 1), e.get("contact"), e["at"])),
    "buyer_stage": _fact_buyer,
    "note": lambda f, e: None,
}
CLOSING = {
    "win": lambda f, e: setattr(f, "closing", ("won", None, e["at"])),
    "lose": lambda f, e: setattr(f, "closing", ("lost", e["reason"], e["at"])),
    "disqualify": lambda f, e: setattr(f, "closing", ("disqualified", e["reason"], e["at"])),
    "reopen": lambda f, e: setattr(f, "closing", None),
    "advance": lambda f, e: None,
}


# --- the default gates: each returns the codes of its unmet requirements ---
def _valid_evidence(f: Facts, kinds) -> int:
    n = 0
    for ev in f.evidence:
        if ev.valid and ev.kind in kinds:
            if ev.contact is not None:
                c = f.contacts.get(ev.contact)
                if c is None or not c.active:
                    continue
            n += 1
    return n


def _contacts(f: Facts, role=None, min_authority=None, stances=None) -> int:
    n = 0
    for c in f.contacts.values():
        if not c.active:
            continue
        if role is not None and role not in c.roles:
            continue
        if min_authority is not None and (c.authority is None or AUTH[c.authority] < AUTH[min_authority]):
            continue
        if stances is not None and c.stance not in stances:
            continue
        n += 1
    return n


def unmet_qualification(f: Facts) -> list[str]:
    return [code for code, ok in (("warning_signal", len(f.signals) >= 1), ("account_contact", _contacts(f) >= 1))
            if not ok]


def unmet_tracking(f: Facts) -> list[str]:
    a = f.answers
    return [code for code, ok in (
        ("funding", a.get("funding") == "yes"), ("timing", a.get("timing") == "yes"),
        ("unique_value", a.get("unique_value") == "yes"), ("business_driver", a.get("business_driver") == "yes"),
        ("decision_process", a.get("decision_process") in ("yes", "no")),
        ("key_person_access", _valid_evidence(f, ("key_person_access",)) >= 1)) if not ok]


_SITUATION = ("goals", "problem", "investment_reason", "benefits")


def unmet_monitoring(f: Facts) -> list[str]:
    topics = {t for t, _, _ in f.insights}
    return [code for code, ok in (
        ("situation_insights", all(t in topics for t in _SITUATION)),
        ("key_person_mapped", _contacts(f, role="key_person", min_authority="high") >= 1),
        ("advocate", _contacts(f, stances=("advocate",)) >= 1),
        ("buyer_commitment", _valid_evidence(f, ("time_commitment", "resource_commitment", "budget_commitment")) >= 1),
    ) if not ok]


def unmet_verification(f: Facts) -> list[str]:
    return [code for code, ok in (
        ("competition_assessed", bool(f.competitors) or f.no_competitor),
        ("sales_guide", _contacts(f, role="sales_guide") >= 1),
        ("communicator", _contacts(f, role="communicator") >= 1),
        ("buyer_evaluating", f.buyer >= BUYER["evaluation"])) if not ok]


def unmet_won(f: Facts) -> list[str]:
    return [code for code, ok in (
        ("final_approval", f.buyer >= BUYER["final_approval"]),
        ("budget_commitment", _valid_evidence(f, ("budget_commitment",)) >= 1),
        ("key_person_access_valid", _valid_evidence(f, ("key_person_access",)) >= 1)) if not ok]


GATE_INTO = {"qualification": unmet_qualification, "tracking": unmet_tracking, "monitoring": unmet_monitoring,
             "verification": unmet_verification}


def unmet_through(f: Facts, step: str) -> list[str]:
    """Every gate from qualification up to the one into `step` (pursuit's holds_through)."""
    out: list[str] = []
    for s in STEPS[1:STEPS.index(step) + 1]:
        out += GATE_INTO[s](f)
    return out


class OppModel:
    """One opportunity's facts and the condition callbacks both libraries call."""

    def __init__(self, oid: str) -> None:
        self.id = oid
        self.facts = Facts()
        self.closed_from = "identification"
        self.unmet: list[str] = []
        self.history: list[tuple] = []

    # conditions (the gates)
    def gate_qualification(self) -> bool:
        self.unmet = unmet_qualification(self.facts)
        return not self.unmet

    def gate_tracking(self) -> bool:
        self.unmet = unmet_tracking(self.facts)
        return not self.unmet

    def gate_monitoring(self) -> bool:
        self.unmet = unmet_monitoring(self.facts)
        return not self.unmet

    def gate_verification(self) -> bool:
        self.unmet = unmet_verification(self.facts)
        return not self.unmet

    def gate_won(self) -> bool:
        self.unmet = unmet_won(self.facts)
        return not self.unmet

    def gates_broken(self) -> bool:
        self.unmet = unmet_through(self.facts, self.state)
        return bool(self.unmet)

    # actions
    def close(self) -> None:  # runs before the state changes: remember where it closed from
        self.closed_from = self.state

    def from_identification(self) -> bool:
        return self.closed_from == "identification"

    def from_qualification(self) -> bool:
        return self.closed_from == "qualification"

    def from_tracking(self) -> bool:
        return self.closed_from == "tracking"

    def from_monitoring(self) -> bool:
        return self.closed_from == "monitoring"

    def from_verification(self) -> bool:
        return self.closed_from == "verification"

    def position(self) -> tuple[str, Optional[str]]:
        s = self.state
        if s == "won":
            return "verification", "won"
        if s in OUTCOMES:
            return self.closed_from, s
        return s, None


def apply_event(m: OppModel, fire: Callable[[str], bool], e: dict) -> str:
    """Apply one event to a Python model; `fire(trigger)` says whether the machine moved. Returns the verdict."""
    t = e["type"]
    f = m.facts
    unmet = None
    if t in LIFECYCLE:
        if (m.state, t) not in APPLICABLE:
            verdict = "not_applicable"
        elif fire(t):
            CLOSING[t](f, e)
            verdict = "accepted"
        else:
            verdict, unmet = "refused", m.unmet
    elif t == "buyer_stage" and f.buyer == 4 and e["stage"] != "purchased":
        verdict = "not_applicable"
    else:
        RECORD_FACT[t](f, e)
        verdict = "accepted"
        if t in WEAKENING and m.state in ACTIVE_ABOVE_IDENT and fire("recheck"):
            verdict, unmet = "fell_back", m.unmet
            while m.state != "identification" and fire("recheck"):
                pass
    m.history.append((e["id"], e["at"], t, verdict, m.state, unmet))
    return verdict


# --- the machine's rows, shared by both libraries (source, trigger, dest, condition, before) ---
ROWS = [
    ("identification", "advance", "qualification", "gate_qualification", None),
    ("qualification", "advance", "tracking", "gate_tracking", None),
    ("tracking", "advance", "monitoring", "gate_monitoring", None),
    ("monitoring", "advance", "verification", "gate_verification", None),
    ("verification", "win", "won", "gate_won", "close"),
    *[(s, "lose", "lost", None, "close") for s in STEPS],
    *[(s, "disqualify", "disqualified", None, "close") for s in STEPS[:4]],
    ("qualification", "recheck", "identification", "gates_broken", None),
    ("tracking", "recheck", "qualification", "gates_broken", None),
    ("monitoring", "recheck", "tracking", "gates_broken", None),
    ("verification", "recheck", "monitoring", "gates_broken", None),
    ("won", "reopen", "verification", None, None),
    *[("lost", "reopen", s, f"from_{s}", None) for s in STEPS],
    *[("disqualified", "reopen", s, f"from_{s}", None) for s in STEPS[:4]],
]


# --- (a) pytransitions: one shared Machine, a model per opportunity (add_model) ---
TRANSITIONS_ROWS = [
    dict({"trigger": t, "source": s, "dest": d}, **({"conditions": c} if c else {}), **({"before": b} if b else {}))
    for s, t, d, c, b in ROWS]


def transitions_machine() -> Machine:
    return Machine(model=None, states=STEPS + OUTCOMES, transitions=TRANSITIONS_ROWS, initial="identification",
                   auto_transitions=False, ignore_invalid_triggers=True)


def run_transitions(events: list[dict], machine: Optional[Machine], idiom: str = "shared",
                    models: Optional[dict[str, OppModel]] = None) -> dict[str, OppModel]:
    """idiom "shared": one Machine, add_model() when an opportunity opens (the library's documented way to
    drive many objects); "per-object": a Machine per opportunity; "registered": the models were created and
    registered beforehand (untimed), so only the events are timed."""
    opps: dict[str, OppModel] = {}
    fires: dict[str, Callable[[str], bool]] = {}
    for e in events:
        oid = e["opportunity"]
        if e["type"] == "open":
            if idiom == "registered":
                m = models[oid]
            else:
                m = OppModel(oid)
                if idiom == "per-object":
                    Machine(model=m, states=STEPS + OUTCOMES, transitions=TRANSITIONS_ROWS, initial="identification",
                            auto_transitions=False, ignore_invalid_triggers=True)
                else:
                    machine.add_model(m)
            opps[oid] = m
            fires[oid] = m.trigger  # model.trigger(name) -> True if it moved
        apply_event(opps[oid], fires[oid], e)
    return opps


# --- (b) python-statemachine: a StateMachine per opportunity, facts on its model ---
class OppStateMachine(StateMachine):
    # tolerate a trigger that does not move (refused by a condition); the driver tells refused from n/a
    allow_event_without_transition = True

    identification = State(initial=True)
    qualification = State()
    tracking = State()
    monitoring = State()
    verification = State()
    won = State()
    lost = State()
    disqualified = State()

    advance = (identification.to(qualification, cond="gate_qualification")
               | qualification.to(tracking, cond="gate_tracking")
               | tracking.to(monitoring, cond="gate_monitoring")
               | monitoring.to(verification, cond="gate_verification"))
    win = verification.to(won, cond="gate_won", before="close")
    lose = (identification.to(lost, before="close") | qualification.to(lost, before="close")
            | tracking.to(lost, before="close") | monitoring.to(lost, before="close")
            | verification.to(lost, before="close"))
    disqualify = (identification.to(disqualified, before="close") | qualification.to(disqualified, before="close")
                  | tracking.to(disqualified, before="close") | monitoring.to(disqualified, before="close"))
    recheck = (qualification.to(identification, cond="gates_broken")
               | tracking.to(qualification, cond="gates_broken")
               | monitoring.to(tracking, cond="gates_broken")
               | verification.to(monitoring, cond="gates_broken"))
    reopen = (won.to(verification)
              | lost.to(identification, cond="from_identification") | lost.to(qualification, cond="from_qualification")
              | lost.to(tracking, cond="from_tracking") | lost.to(monitoring, cond="from_monitoring")
              | lost.to(verification, cond="from_verification")
              | disqualified.to(identification, cond="from_identification")
              | disqualified.to(qualification, cond="from_qualification")
              | disqualified.to(tracking, cond="from_tracking") | disqualified.to(monitoring, cond="from_monitoring"))


def run_statemachine(events: list[dict]) -> dict[str, OppModel]:
    opps: dict[str, OppModel] = {}
    fires: dict[str, Callable[[str], bool]] = {}
    for e in events:
        oid = e["opportunity"]
        if e["type"] == "open":
            m = OppModel(oid)
            sm = OppStateMachine(model=m)  # state kept in m.state

            def fire(trigger: str, sm=sm, m=m) -> bool:
                before = m.state
                sm.send(trigger)
                return m.state != before

            opps[oid] = m
            fires[oid] = fire
        apply_event(opps[oid], fires[oid], e)
    return opps
