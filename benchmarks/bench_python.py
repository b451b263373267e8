"""Throughput and memory of pursuit from Python, against the Python state-machine
libraries an analyst would reach for (pytransitions, python-statemachine).

Run from the repository root:

    .venv/bin/python benchmarks/bench_python.py [--opportunities N] [--seed S] [--repeats R]
                                                [--machine-per-object] [--memory-limit M]

The default (N = 10,000, about 275,000 events) takes about 100 s on 2 vCPUs;
python-statemachine is a quarter of that.

One run does everything:

1. Generates a seeded, realistic, mixed event stream for N opportunities (25-30
   events each) as dicts in pursuit's canonical event form (docs/events.md),
   interleaved by time as a real stream would be. Checks once that pursuit
   rejects none of them and prints the verdict mix.
2. Replays the same stream through the same lifecycle and default gates written
   with ``transitions`` and ``python-statemachine`` (facts in plain Python
   objects, gates as condition callbacks) and prints their final positions
   beside pursuit's.
3. Times every path on the same stream and prints events/s and the ratio of each
   pursuit path to pytransitions. The baseline is the more favourable of the two
   pytransitions figures (with and without registering the models).
4. Measures resident memory per opportunity (fresh subprocesses).

Needs ``pip install transitions python-statemachine`` in the venv.
"""

from __future__ import annotations

import argparse
import collections
import ctypes
import gc
import json
import os
import platform
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import pandas as pd

import pursuit

try:
    import transitions
    from transitions import Machine
except ImportError:  # pragma: no cover
    sys.exit("pip install transitions python-statemachine  (into the project venv)")
try:
    import statemachine
    from statemachine import State, StateMachine
except ImportError:  # pragma: no cover
    sys.exit("pip install transitions python-statemachine  (into the project venv)")

# --------------------------------------------------------------------------
# 1. The event stream
# --------------------------------------------------------------------------

SIGNALS = ["people_change", "role_change", "criteria_change", "intent_change", "process_change", "implicit_need"]
CHANNELS = ["email", "call", "meeting", "visit", "message", "demo"]
DIRECTIONS = ["inbound", "outbound", "mutual"]
OFFSETS = [("+08:00", 8 * 3600), ("Z", 0), ("-05:00", -5 * 3600), ("+01:00", 3600), ("+05:30", 5 * 3600 + 1800)]
OWNERS = ["陈静 Chen Jing", "黄磊", "Maria Schulz", "John Park", "Priya Nair", "王芳", "Luis Ortega", "李娜 Li Na"]
ACCOUNTS = ["华东精密制造有限公司", "深圳云启科技有限公司", "Nordwind Logistik GmbH", "Acme Health Systems",
            "北方电网设备公司", "Blue Harbor Retail", "成都天府银行", "Kestrel Foods plc"]
PROJECTS = ["MES 升级项目 / MES upgrade", "数据平台建设 / Data platform", "WMS rollout", "CRM consolidation",
            "预测性维护 / Predictive maintenance", "Cloud migration"]
COMPETITORS = ["Kestrel Systems", "Orbital Soft", "用友 Yonyou", "Helix Analytics", "Northwind Cloud"]
NOTES = ["客户反馈积极 / positive feedback", "follow-up agreed", "需要法务审核 / needs legal review",
         "asked for references", "预算待确认 / budget to be confirmed"]

# archetype of an opportunity's story, and its share of the stream
ARCHETYPES = ["won", "lost", "disqualified", "stall_identification", "stall_qualification", "stall_tracking",
              "stall_monitoring", "stall_verification", "fallback"]
ARCHETYPE_WEIGHTS = [22, 13, 9, 5, 12, 13, 10, 8, 8]

EPOCH_2025 = 1735689600  # 2025-01-01T00:00:00Z


def _story(rng: random.Random, i: int) -> list[tuple[str, dict]]:
    """One opportunity's events (type, fields) in order, a plausible sales story."""
    out: list[tuple[str, dict]] = []
    active: list[str] = []  # contacts at the account (never reference one that left)
    evidence: set[str] = set()
    add = lambda t, **kw: out.append((t, kw))  # noqa: E731

    def chat(lo: int, hi: int) -> None:
        for _ in range(rng.randint(lo, hi)):
            kw: dict[str, Any] = {"channel": rng.choice(CHANNELS), "direction": rng.choice(DIRECTIONS)}
            if rng.random() < 0.4:
                kw["volume"] = rng.randint(2, 12)
            if active and rng.random() < 0.75:
                kw["contact"] = rng.choice(active)
            add("interaction", **kw)

    def contact(cid: str, **kw: Any) -> None:
        add("contact", contact=cid, **kw)
        if cid not in active:
            active.append(cid)

    def prove(kind: str, cid: Optional[str] = None) -> None:
        if cid is not None and cid in active:
            add("evidence", kind=kind, contact=cid)
        else:
            add("evidence", kind=kind)
        evidence.add(kind)

    arche = rng.choices(ARCHETYPES, ARCHETYPE_WEIGHTS)[0]
    stall = arche.startswith("stall_")
    c1, c2, c3, c4, c5, c6 = (f"c{i}-{k}" for k in range(1, 7))

    add("open", account=rng.choice(ACCOUNTS), name=rng.choice(PROJECTS), amount=rng.randrange(50_000, 5_000_000, 1000),
        currency=rng.choice(["CNY", "USD", "EUR"]), expected_close=f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        owner=rng.choice(OWNERS))
    chat(0, 1)
    add("signal", kind=rng.choice(SIGNALS))
    if rng.random() < 0.15:
        add("advance")  # premature: no contact yet, refused
    # --- identification ---
    if arche == "stall_identification":
        chat(1, 4)
        if rng.random() < 0.6:
            add("advance")
        return out
    contact(c1, name="张伟", title="IT 总监 / IT Director",
            roles=rng.sample(["stakeholder", "communicator", "key_opinion_leader"], rng.randint(1, 2)),
            authority=rng.choice(["low", "medium"]), stance=rng.choice(["supporter", "neutral"]), access=True)
    if rng.random() < 0.3:
        add("signal", kind=rng.choice(SIGNALS), contact=c1)
    chat(0, 2)
    add("advance")  # -> qualification
    # --- qualification ---
    add("qualify", criterion="funding", answer="no" if arche == "disqualified" else "yes")
    if arche == "disqualified":
        chat(0, 2)
        add("disqualify", reason="资金未划拨 / funding not allocated")
        chat(0, 1)
        return out
    add("qualify", criterion="timing", answer="yes")
    add("qualify", criterion="business_driver", answer="yes")
    missing_q = rng.choice(["decision_process", "unique_value", "access"]) if arche == "stall_qualification" else None
    add("qualify", criterion="unique_value", answer="unknown" if missing_q == "unique_value" else "yes")
    add("qualify", criterion="decision_process",
        answer="unknown" if missing_q == "decision_process" else rng.choice(["yes", "yes", "no"]))
    if rng.random() < 0.3:
        add("qualify", criterion="relationship", answer=rng.choice(["yes", "no", "unknown"]))
    contact(c2, name="王强", title="首席运营官 / COO", roles=["key_person", "key_opinion_leader"], authority="high",
            stance=rng.choice(["supporter", "neutral"]), access=missing_q != "access", focus=["OEE", "交付周期"])
    chat(0, 2)
    if rng.random() < 0.15:
        add("advance")  # premature: no key-person access yet, refused
    if missing_q != "access":
        prove("key_person_access", c2)
    if arche == "stall_qualification":
        chat(1, 3)
        if rng.random() < 0.6:
            add("advance")
        return out
    add("advance")  # -> tracking
    # --- tracking ---
    missing_t = rng.choice(["insight", "advocate", "commitment"]) if arche == "stall_tracking" else None
    topics = ["goals", "problem", "investment_reason", "benefits"]
    rng.shuffle(topics)
    if missing_t == "insight":
        topics.pop()
    if rng.random() < 0.4:
        topics.append(rng.choice(["industry", "political_ecology"]))
    for topic in topics:
        add("insight", topic=topic, text=f"{topic}: 客户访谈记录 / notes from the interview")
        if rng.random() < 0.25:
            chat(1, 1)
    add("buyer_stage", stage="need_definition", criteria_aligned=rng.random() < 0.9)
    if missing_t != "advocate":
        if rng.random() < 0.5:
            contact(c1, stance="advocate")
        else:
            contact(c3, name="Maria Lopez", title="Head of Planning", roles=["stakeholder"], authority="medium",
                    stance="advocate", access=True)
    if missing_t != "commitment":
        prove(rng.choice(["time_commitment", "resource_commitment"]), rng.choice([c1, c2]))
    chat(0, 2)
    if arche == "lost" and rng.random() < 0.25:
        add("lose", reason=rng.choice(["no_decision", "timing"]))
        chat(0, 1)
        return out
    if arche == "fallback" and rng.random() < 0.5:
        return _fall_back(rng, out, active, add, chat, contact, prove, c2, c6, again=1)
    if arche == "stall_tracking":
        if rng.random() < 0.6:
            add("advance")
        chat(0, 2)
        return out
    if rng.random() < 0.03:  # budget frozen: funding answer weakened, falls back to qualification
        add("qualify", criterion="funding", answer="unknown")
        chat(0, 1)
        add("lose", reason="budget")
        if rng.random() < 0.5:
            chat(1, 2)
            add("reopen")
            add("qualify", criterion="funding", answer="yes")
            add("advance")
        return out
    add("advance")  # -> monitoring
    # --- monitoring ---
    missing_m = rng.choice(["sales_guide", "buyer", "competition"]) if arche == "stall_monitoring" else None
    if missing_m != "competition":
        if rng.random() < 0.8:
            ties = [c3] if c3 in active and rng.random() < 0.2 else []
            add("competitor", name=rng.choice(COMPETITORS), strengths=["Lower licence price"],
                weaknesses=["No multi-site support"], strategy="Bundle hardware at cost", **({"ties": ties} if ties else {}))
        else:
            add("competitor", none=True)
    if missing_m != "sales_guide":
        contact(c4, name="刘洋", title="采购经理 / Procurement manager", roles=["sales_guide"], authority="medium",
                stance="supporter", access=True)
    if rng.random() < 0.5:
        contact(c1, roles=["stakeholder", "communicator"])
    else:
        contact(c5, name="Tom Becker", title="CFO office", roles=["communicator"], authority="medium", access=True)
    chat(0, 2)
    if missing_m != "buyer":
        add("buyer_stage", stage="evaluation", criteria_aligned=rng.random() < 0.85)
    if arche == "lost" and rng.random() < 0.4:
        add("lose", reason="competitor", competitor=rng.choice(COMPETITORS))
        chat(0, 1)
        return out
    if arche == "fallback":
        return _fall_back(rng, out, active, add, chat, contact, prove, c2, c6, again=2)
    if arche == "stall_monitoring":
        if rng.random() < 0.6:
            add("advance")
        chat(0, 2)
        return out
    add("advance")  # -> verification
    # --- verification ---
    chat(0, 2)
    if rng.random() < 0.02:  # the buyer went back to defining needs: falls back to monitoring
        add("buyer_stage", stage="need_definition")
        chat(0, 1)
        return out
    if rng.random() < 0.3:
        prove("trial", c2)
    if rng.random() < 0.3:
        prove("buyer_follows_plan")
    if rng.random() < 0.1:
        add("win")  # premature: buyer not at final approval, refused
    if rng.random() < 0.01:
        add("advance")  # verification is the last step: not applicable
    add("buyer_stage", stage="final_approval")
    if arche == "stall_verification":
        if rng.random() < 0.5:
            add("win")  # no budget commitment yet: refused
        chat(0, 2)
        return out
    prove("budget_commitment", c2)
    if rng.random() < 0.05:
        add("evidence_revoked", kind="budget_commitment")
        add("win")  # refused
        prove("budget_commitment", c2)
    chat(0, 2)
    if arche == "lost":
        add("lose", reason="competitor", competitor=rng.choice(COMPETITORS))
        if rng.random() < 0.05:
            add("reopen")
    else:
        add("win")
    if rng.random() < 0.3:
        add("note")
    return out


def _fall_back(rng, out, active, add, chat, contact, prove, c2, c6, again):
    """The key person leaves (their evidence goes with them): falls back to qualification."""
    add("contact_left", contact=c2)
    active.remove(c2)
    chat(0, 2)
    if rng.random() < 0.5:
        contact(c6, name="赵敏", title="新任运营副总 / new VP operations", roles=["key_person"], authority="high",
                stance="supporter", access=True)
        prove("key_person_access", c6)
        prove("time_commitment", c6)
        chat(0, 2)
        for _ in range(again):
            add("advance")
    return out


def generate(n: int, seed: int) -> list[dict]:
    """The stream: every opportunity's story, interleaved by time, ids in arrival order."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        story = _story(rng, i)
        oid = f"OPP-{i:06d}"
        suffix, offset = rng.choice(OFFSETS)
        actor = rng.choice(OWNERS)
        t = EPOCH_2025 + rng.randrange(0, 300 * 86400)
        for k, (etype, fields) in enumerate(story):
            t += rng.randrange(600, 4 * 86400)
            at = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t + offset)) + suffix
            d = {"opportunity": oid, "at": at, "type": etype}
            if rng.random() < 0.4:
                d["actor"] = actor
            d.update(fields)
            if etype == "note" or rng.random() < 0.1:
                d["note"] = rng.choice(NOTES)
            rows.append((t, i, k, d))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    events = []
    for n_, (_, _, _, d) in enumerate(rows):
        events.append({"id": f"e-{n_:07d}", **d})
    return events


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


# --------------------------------------------------------------------------
# 3. pursuit paths
# --------------------------------------------------------------------------
def run_pursuit_objects(events: list[dict]) -> tuple[dict[str, pursuit.Opportunity], collections.Counter]:
    opps: dict[str, pursuit.Opportunity] = {}
    verdicts: collections.Counter = collections.Counter()
    for e in events:
        oid = e["opportunity"]
        opp = opps.get(oid)
        if opp is None:
            opp = opps[oid] = pursuit.Opportunity(oid)
        verdicts[opp.apply(e).verdict.value] += 1
    return opps, verdicts


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def malloc_trim() -> None:
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:  # pragma: no cover - not glibc
        pass


def timed(fn: Callable[..., Any], repeats: int, setup: Optional[Callable[[], Any]] = None) -> tuple[float, float, Any]:
    """Best wall time (perf_counter) of `repeats` runs of fn(setup()) (setup untimed), the process CPU time
    of that run (both threads' with threads=2), and the last result."""
    best, cpu, result = float("inf"), 0.0, None
    for _ in range(repeats):
        arg = setup() if setup else None
        gc.collect()
        c0, t0 = time.process_time(), time.perf_counter()
        result = fn(arg) if setup else fn()
        t1, c1 = time.perf_counter(), time.process_time()
        if t1 - t0 < best:
            best, cpu = t1 - t0, c1 - c0
        del arg
    return best, cpu, result


def events_frame(events: list[dict]) -> pd.DataFrame:
    """The stream as a DataFrame, one row per event, one column per field.

    pandas turns an integer column with missing cells into float64, which pursuit refuses for
    `volume` ("expected a whole number"), and so does nullable Int64; an object column of ints
    and None is accepted.
    """
    df = pd.DataFrame(events)
    df["volume"] = pd.Series([e.get("volume") for e in events], dtype=object, index=df.index)
    return df


def positions_of_models(opps: dict[str, OppModel]) -> dict[str, str]:
    return {oid: (m.position()[1] or m.position()[0]) for oid, m in opps.items()}


def positions_of_pipeline(p: pursuit.Pipeline) -> dict[str, str]:
    snap = p.snapshot()
    where = snap["outcome"].astype(object).where(snap["outcome"].notna(), snap["step"].astype(object))
    return dict(zip(snap["opportunity"], where))


def verdicts_of_models(opps: dict[str, OppModel]) -> collections.Counter:
    c: collections.Counter = collections.Counter()
    for m in opps.values():
        for h in m.history:
            c[h[3]] += 1
    return c


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# --------------------------------------------------------------------------
# 4. memory (in a fresh subprocess)
# --------------------------------------------------------------------------
def _memory_child(kind: str, path: str, limit: int) -> dict:
    """Runs in a fresh interpreter: RSS growth for building the opportunities of the JSONL file."""
    if kind == "pursuit":
        p = pursuit.Pipeline()
        gc.collect(); malloc_trim()
        rss0 = rss_bytes()
        p.apply(path)  # events parsed and applied in C++: no Python event objects at all
        gc.collect(); malloc_trim()
        rss1 = rss_bytes()
        p.apply([])  # drops the latest batch's per-event outcomes, keeps the opportunities
        gc.collect(); malloc_trim()
        rss2 = rss_bytes()
        return {"n": len(p), "with_outcomes": rss1 - rss0, "opportunities": rss2 - rss0}
    # Python models: stream the file one event at a time so that the models own what they keep
    # (the strings they hold are theirs, as pursuit's are); only the first `limit` opportunities.
    machine = transitions_machine() if kind.startswith("transitions") else None
    opps: dict[str, OppModel] = {}
    fires: dict = {}
    tracing = kind.endswith("+tracemalloc")
    if tracing:
        import tracemalloc
        tracemalloc.start()
    gc.collect(); malloc_trim()
    rss0 = rss_bytes()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            e = json.loads(line)
            oid = e["opportunity"]
            if e["type"] == "open" and len(opps) < limit:
                m = opps[oid] = OppModel(oid)
                if machine is not None:
                    machine.add_model(m)
                    fires[oid] = m.trigger
                else:
                    sm = OppStateMachine(model=m)
                    fires[oid] = lambda t, sm=sm, m=m: (lambda b: (sm.send(t), m.state != b)[1])(m.state)
            if oid in opps:
                apply_event(opps[oid], fires[oid], e)
            del e, line
    gc.collect(); malloc_trim()
    out = {"n": len(opps), "opportunities": rss_bytes() - rss0}
    if tracing:
        out["traced"] = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
    return out


def measure_memory(kind: str, path: str, limit: int) -> dict:
    r = subprocess.run([sys.executable, os.path.abspath(__file__), "--_memory", kind, "--_jsonl", path,
                        "--_limit", str(limit)], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"memory subprocess ({kind}) failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--opportunities", type=int, default=10_000, help="N (default 10,000: about 100 s in all)")
    ap.add_argument("--seed", type=int, default=20260302)
    ap.add_argument("--repeats", type=int, default=3, help="best of R for the fast (batch) paths")
    ap.add_argument("--jsonl", default="/tmp/pursuit-bench-events.jsonl", help="the events file written for (g)")
    ap.add_argument("--machine-per-object", action="store_true",
                    help="also time pytransitions with a Machine per opportunity (slower than a shared one)")
    ap.add_argument("--memory-limit", type=int, default=2000,
                    help="opportunities replayed for the Python libraries' memory figures (default 2,000)")
    ap.add_argument("--_memory", help=argparse.SUPPRESS)
    ap.add_argument("--_jsonl", help=argparse.SUPPRESS)
    ap.add_argument("--_limit", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._memory:
        print(json.dumps(_memory_child(args._memory, args._jsonl, args._limit)))
        return

    started = time.perf_counter()
    n = args.opportunities
    print(f"machine: nproc {os.cpu_count()}, CPU {cpu_model()!r}, Linux {platform.release()}, "
          f"Python {platform.python_version()}; load average at start {os.getloadavg()[0]:.2f}")
    print(f"versions: pursuit {pursuit.__version__}, transitions {transitions.__version__}, "
          f"python-statemachine {statemachine.__version__}, pandas {pd.__version__}")

    # ---- 1. the stream ----
    t0 = time.perf_counter()
    events = generate(n, args.seed)
    ne = len(events)
    mix = collections.Counter(e["type"] for e in events)
    print(f"\n[1] stream: {ne:,} events for {n:,} opportunities ({ne / n:.1f} per opportunity), "
          f"seed {args.seed}, generated in {time.perf_counter() - t0:.1f} s")
    print("    types: " + ", ".join(f"{t} {c:,}" for t, c in mix.most_common()))

    check = pursuit.Pipeline()
    check.apply(events)
    outcomes = check.outcomes()
    verdicts = outcomes["verdict"].value_counts()
    rejected = int(verdicts.get("rejected", 0))
    print("    pursuit verdicts: " + ", ".join(f"{v} {int(c):,}" for v, c in verdicts.items()))
    if rejected:
        bad = outcomes[outcomes["verdict"] == "rejected"].head(5)
        sys.exit(f"pursuit rejected {rejected} events; first reasons:\n{bad[['event_id', 'reason']].to_string()}")
    print("    rejected: 0 (pursuit accepts every event of the stream as valid)")
    pursuit_where = positions_of_pipeline(check)
    pursuit_verdicts = collections.Counter({str(v): int(c) for v, c in verdicts.items() if c})
    del check, outcomes

    # ---- 3a/3b/3c: the slow paths, one run each ----
    machine = transitions_machine()
    t_tr, c_tr, tr_opps = timed(lambda: run_transitions(events, machine), 1)
    tr_where, vt = positions_of_models(tr_opps), verdicts_of_models(tr_opps)
    # (a2): the same models, still registered with the machine (add_model is what costs), reset to a fresh
    # opportunity; only the events are timed
    for m in tr_opps.values():
        m.__init__(m.id)
        machine.set_state("identification", model=m)
    t_trr, c_trr, _ = timed(lambda: run_transitions(events, machine, "registered", tr_opps), 1)
    del tr_opps
    t_tro = c_tro = None
    if args.machine_per_object:
        t_tro, c_tro, _ = timed(lambda: run_transitions(events, None, "per-object"), 1)
    t_sm, c_sm, sm_opps = timed(lambda: run_statemachine(events), 1)
    t_obj, c_obj, (objs, obj_verdicts) = timed(lambda: run_pursuit_objects(events), 1)
    del objs

    # ---- 2. faithfulness ----
    sm_where = positions_of_models(sm_opps)
    dist = {name: collections.Counter(w.values()) for name, w in
            (("pursuit", pursuit_where), ("transitions", tr_where), ("statemachine", sm_where))}
    print("\n[2] final positions (the step, or the outcome if closed): pursuit vs the Python versions")
    print(f"    {'position':<16}{'pursuit':>10}{'transitions':>13}{'statemachine':>14}")
    for k in STEPS + OUTCOMES:
        print(f"    {k:<16}{dist['pursuit'][k]:>10,}{dist['transitions'][k]:>13,}{dist['statemachine'][k]:>14,}")
    same_tr = sum(pursuit_where[o] == tr_where.get(o) for o in pursuit_where)
    same_sm = sum(pursuit_where[o] == sm_where.get(o) for o in pursuit_where)
    print(f"    opportunities in the same final position as in pursuit: transitions {same_tr:,}/{n:,}, "
          f"python-statemachine {same_sm:,}/{n:,}")
    vs = verdicts_of_models(sm_opps)
    print(f"    {'verdict':<16}{'pursuit':>10}{'transitions':>13}{'statemachine':>14}{'pursuit (c)':>13}")
    for k in ("accepted", "refused", "fell_back", "not_applicable", "rejected"):
        print(f"    {k:<16}{pursuit_verdicts[k]:>10,}{vt[k]:>13,}{vs[k]:>14,}{obj_verdicts[k]:>13,}")
    del sm_opps
    gc.collect()

    # ---- 3d-h: pursuit batch paths, best of R; a fresh Pipeline each run (made untimed) ----
    repeats = args.repeats
    t_list, c_list, s_list = timed(lambda p: p.apply(events), repeats, setup=pursuit.Pipeline)
    df = events_frame(events)  # not timed
    t_df, c_df, s_df = timed(lambda p: p.apply(df), repeats, setup=pursuit.Pipeline)
    del df
    parsed = [pursuit.Event(d) for d in events]  # not timed
    t_ev, c_ev, s_ev = timed(lambda p: p.apply(parsed), repeats, setup=pursuit.Pipeline)
    t_ev2, c_ev2, s_ev2 = timed(lambda p: p.apply(parsed, threads=2), repeats, setup=pursuit.Pipeline)
    del parsed
    with open(args.jsonl, "w", encoding="utf-8") as fh:  # written once, not timed
        for e in events:
            fh.write(json.dumps(e, ensure_ascii=False, separators=(",", ":")))
            fh.write("\n")
    t_file, c_file, s_file = timed(lambda p: p.apply(args.jsonl), repeats, setup=pursuit.Pipeline)
    for name, s in (("list", s_list), ("DataFrame", s_df), ("Events", s_ev), ("Events, 2 threads", s_ev2),
                    ("JSONL", s_file)):  # every path did the same thing
        assert not s.errors and {v.value: c for v, c in s.verdicts.items() if c} == dict(pursuit_verdicts), (name, s)

    rows = [
        ("(a) pytransitions: shared Machine, add_model at open", t_tr, c_tr, False),
        ("(a2) pytransitions: models registered beforehand", t_trr, c_trr, False),
    ]
    if t_tro is not None:
        rows.append(("(a3) pytransitions: a Machine per opportunity", t_tro, c_tro, False))
    rows += [
        ("(b) python-statemachine: a StateMachine per opp.", t_sm, c_sm, False),
        ("(c) pursuit per object: Opportunity(id).apply(dict)", t_obj, c_obj, True),
        ("(d) pursuit batch: Pipeline().apply(list of dicts)", t_list, c_list, True),
        ("(e) pursuit batch: Pipeline().apply(DataFrame)", t_df, c_df, True),
        ("(f) pursuit batch: Pipeline().apply(list of Event)", t_ev, c_ev, True),
        ("(g) pursuit batch: Pipeline().apply(JSONL path)", t_file, c_file, True),
        ("(h) pursuit batch: list of Event, threads=2", t_ev2, c_ev2, True),
    ]
    base = min(t_tr, t_trr)  # the more favourable pytransitions figure is the baseline
    print(f"\n[3] throughput on the same {ne:,} events (wall time, perf_counter; batch paths best of {repeats}, "
          f"the others one run)")
    print(f"    {'path':<53}{'wall s':>8}{'CPU s':>8}{'events/s':>13}{'vs pytransitions':>18}")
    for name, t, c, is_pursuit in rows:
        ratio = f"{base / t:>17.1f}x" if (is_pursuit or t != base) else f"{'(baseline)':>18}"
        print(f"    {name:<53}{t:>8.3f}{c:>8.3f}{ne / t:>13,.0f}{ratio}")
    print(f"    baseline: the faster of (a) and (a2) = {ne / base:,.0f} events/s. Targets: batch >= 300x "
          f"pytransitions ({300 * ne / base:,.0f} events/s) and >= 5,000,000 events/s.")
    best_batch = max(ne / t for t in (t_list, t_df, t_ev, t_file, t_ev2))
    print(f"    best pursuit batch path: {best_batch:,.0f} events/s = {best_batch * base / ne:.1f}x pytransitions, "
          f"{best_batch / 5e6:.0%} of 5 M events/s")

    # ---- 4. memory ----
    lim = min(args.memory_limit, n)
    print(f"\n[4] memory per opportunity: RSS growth in a fresh subprocess (after gc and malloc_trim) / N")
    mp = measure_memory("pursuit", args.jsonl, n)
    mt = measure_memory("transitions", args.jsonl, lim)
    mtt = measure_memory("transitions+tracemalloc", args.jsonl, lim)
    ms = measure_memory("statemachine", args.jsonl, lim)
    print(f"    pursuit Pipeline, N={mp['n']:,} (apply(JSONL path)):")
    print(f"      opportunities with facts and history       {mp['opportunities'] / mp['n']:>9,.0f} B/opportunity")
    print(f"      ... plus the batch's per-event outcomes    {mp['with_outcomes'] / mp['n']:>9,.0f} B/opportunity")
    print(f"    pytransitions models, shared Machine, N={mt['n']:,}:")
    print(f"      RSS                                        {mt['opportunities'] / mt['n']:>9,.0f} B/opportunity")
    print(f"      tracemalloc (Python heap)                  {mtt['traced'] / mtt['n']:>9,.0f} B/opportunity")
    print(f"    python-statemachine models, N={ms['n']:,}:")
    print(f"      RSS                                        {ms['opportunities'] / ms['n']:>9,.0f} B/opportunity")
    print(f"    (about {ne / n:.0f} events per opportunity; events file {args.jsonl}, "
          f"{os.path.getsize(args.jsonl) / 1e6:.0f} MB)")
    print(f"\ntotal {time.perf_counter() - started:.0f} s; load average at end {os.getloadavg()[0]:.2f} "
          f"(on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
