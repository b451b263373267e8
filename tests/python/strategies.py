"""Hypothesis strategies for valid event streams (docs/events.md), and helpers to reorder them.

A stream is a few opportunities, each starting with ``open`` and then a random mix of
fact events (signals, qualify answers, contacts with role/authority/stance changes and
``contact_left``, insights, competitors, evidence and ``evidence_revoked``, interactions,
``buyer_stage``, notes) and moves (``advance``, ``win``, ``lose``, ``disqualify``,
``reopen``), with bursts that meet the next gate's requirements so that opportunities get deep
enough to advance, win, fall back and reopen. Times are whole minutes from a common
origin (so several opportunities share instants), with ties inside an opportunity
(several of its events at one instant), written in several UTC offsets and with zero to
six fraction digits (the same instant written in different ways).

Every event is valid; some are refused or rejected by the opportunity (a move its gate
refuses, a reference to a contact not recorded yet), which is part of the state too.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# --- profiles: modest by default (the file runs in well under a minute on 2 cores) ---
settings.register_profile(
    "pursuit", max_examples=25, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile(
    "pursuit-long", max_examples=500, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
_SCALE = float(os.environ.get("PURSUIT_HYPOTHESIS_SCALE", "1"))


def examples(n: int) -> int:
    """``n`` examples, scaled by $PURSUIT_HYPOTHESIS_SCALE (e.g. 20 for a long local run)."""
    return max(1, round(n * _SCALE))


# --- vocabularies (docs/events.md) ---
SIGNAL_KINDS = ["people_change", "role_change", "criteria_change", "intent_change", "process_change", "implicit_need"]
CRITERIA = ["funding", "timing", "business_driver", "unique_value", "relationship", "decision_process"]
ANSWERS = ["yes", "no", "unknown"]
TOPICS = ["industry", "goals", "problem", "investment_reason", "benefits", "political_ecology"]
EVIDENCE = ["key_person_access", "time_commitment", "resource_commitment", "budget_commitment", "trial",
            "buyer_follows_plan"]
ROLES = ["key_person", "key_opinion_leader", "stakeholder", "communicator", "sales_guide", "competitor_tie"]
AUTHORITIES = ["low", "medium", "high"]
STANCES = ["advocate", "supporter", "neutral", "skeptic", "opponent"]
BUYER_STAGES = ["need_awareness", "need_definition", "evaluation", "final_approval", "purchased"]
LOSS_REASONS = ["competitor", "no_decision", "budget", "timing", "fit", "other"]
CHANNELS = ["email", "call", "meeting", "visit", "message", "demo"]
DIRECTIONS = ["inbound", "outbound", "mutual"]
CURRENCIES = ["CNY", "USD", "EUR"]
# Offsets in minutes east of UTC: Z, +00:00, China, US East, India, Newfoundland, the extremes.
OFFSETS = [None, 0, 480, -300, 330, -210, 840, -720, 345]
CONTACTS = ["c-1", "c-2", "c-3", "c-王", "c-5"]
TEXTS = ["learned", "排程靠 Excel / scheduling on Excel", "budget review in May", "x"]
COMPETITORS = ["Kestrel Systems", "北辰软件", "Acme"]

ORIGIN = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
US_PER_MINUTE = 60_000_000


def at_text(us: int, offset: int | None, digits: int) -> str:
    """The instant ``us`` (microseconds since 1970, UTC) written at ``offset`` minutes (None: ``Z``)
    with ``digits`` fraction digits (at least as many as the instant needs)."""
    t = _EPOCH + dt.timedelta(microseconds=us)
    frac = f"{t.microsecond:06d}"
    need = len(frac.rstrip("0")) if t.microsecond else 0
    digits = max(digits, need)
    if offset is None:
        suffix, local = "Z", t
    else:
        local = t + dt.timedelta(minutes=offset)
        sign = "-" if offset < 0 else "+"
        suffix = f"{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += "." + frac[:digits]
    return text + suffix


def instant(e: dict) -> int:
    """Microseconds since 1970 (UTC) of an event dict's ``at``, parsed by Python (not by pursuit)."""
    t = dt.datetime.fromisoformat(e["at"].replace("Z", "+00:00"))
    return (t - _EPOCH) // dt.timedelta(microseconds=1)


# --- one opportunity ---
# Events that meet a gate's requirements under the default playbook (as tests/python/story.py).
def _gate_burst(gate: str) -> list[dict]:
    return {
        "qualification": [{"type": "signal", "kind": "implicit_need"}, {"type": "contact", "contact": "c-1"}],
        "tracking": [{"type": "qualify", "criterion": c, "answer": "yes"}
                     for c in ("funding", "timing", "unique_value", "business_driver")]
        + [{"type": "qualify", "criterion": "decision_process", "answer": "no"},
           {"type": "contact", "contact": "c-kp", "roles": ["key_person"], "authority": "high", "stance": "supporter",
            "access": True},
           {"type": "evidence", "kind": "key_person_access", "contact": "c-kp"}],
        "monitoring": [{"type": "insight", "topic": t, "text": "learned"}
                       for t in ("goals", "problem", "investment_reason", "benefits")]
        + [{"type": "contact", "contact": "c-adv", "roles": ["stakeholder"], "stance": "advocate"},
           {"type": "evidence", "kind": "time_commitment"}],
        "verification": [{"type": "competitor", "name": "Kestrel"}, {"type": "contact", "contact": "c-g", "roles": ["sales_guide"]},
                         {"type": "contact", "contact": "c-c", "roles": ["communicator"]},
                         {"type": "buyer_stage", "stage": "evaluation"}],
        "won": [{"type": "buyer_stage", "stage": "final_approval"}, {"type": "evidence", "kind": "budget_commitment"}],
    }[gate]


_BURST_EVIDENCE = ["key_person_access", "time_commitment", "budget_commitment"]


def _maybe(draw, strategy, p_present: float = 0.5):
    return draw(strategy) if draw(st.integers(0, 99)) < p_present * 100 else None


def _contact_ref(draw, known: list[str]):
    # Mostly a contact already recorded; sometimes one that is not (the event is rejected).
    if known and draw(st.integers(0, 9)) < 8:
        return draw(st.sampled_from(known))
    return draw(st.sampled_from(CONTACTS))


def _fact(draw, kind: str, known: list[str]) -> dict:
    f: dict[str, Any] = {"type": kind}
    if kind == "signal":
        f["kind"] = draw(st.sampled_from(SIGNAL_KINDS))
        f["contact"] = _maybe(draw, st.just(_contact_ref(draw, known)), 0.3)
    elif kind == "qualify":
        f["criterion"], f["answer"] = draw(st.sampled_from(CRITERIA)), draw(st.sampled_from(ANSWERS))
    elif kind == "contact":
        c = draw(st.sampled_from(CONTACTS + known))  # new, or a change to a known one
        f["contact"] = c
        f["name"] = _maybe(draw, st.sampled_from(["王强", "Ann Lee", "李 Li"]), 0.3)
        f["title"] = _maybe(draw, st.sampled_from(["COO", "首席信息官 / CIO"]), 0.2)
        f["roles"] = _maybe(draw, st.lists(st.sampled_from(ROLES), max_size=3, unique=True), 0.6)
        f["authority"] = _maybe(draw, st.sampled_from(AUTHORITIES), 0.5)
        f["stance"] = _maybe(draw, st.sampled_from(STANCES), 0.5)
        f["access"] = _maybe(draw, st.booleans(), 0.5)
        f["focus"] = _maybe(draw, st.lists(st.sampled_from(["OEE", "交付周期", "cost"]), min_size=1, max_size=2), 0.2)
        if c not in known:
            known.append(c)
    elif kind == "contact_left":
        f["contact"] = _contact_ref(draw, known)
    elif kind == "insight":
        f["topic"], f["text"] = draw(st.sampled_from(TOPICS)), draw(st.sampled_from(TEXTS))
    elif kind == "competitor":
        if draw(st.integers(0, 4)) == 0:
            f["none"] = True
        else:
            f["name"] = draw(st.sampled_from(COMPETITORS))
            f["strengths"] = _maybe(draw, st.lists(st.sampled_from(["price", "incumbent"]), min_size=1, max_size=2), 0.3)
            f["weaknesses"] = _maybe(draw, st.lists(st.sampled_from(["support"]), min_size=1, max_size=1), 0.2)
            f["strategy"] = _maybe(draw, st.sampled_from(["bundle hardware"]), 0.2)
            f["ties"] = _maybe(draw, st.lists(st.sampled_from(CONTACTS), min_size=1, max_size=2, unique=True), 0.3)
    elif kind in ("evidence", "evidence_revoked"):
        # revoked: mostly a kind the gate bursts record, so that revoking can make it fall back
        f["kind"] = draw(st.sampled_from(EVIDENCE if kind == "evidence" else EVIDENCE + _BURST_EVIDENCE * 3))
        f["contact"] = _maybe(draw, st.just(_contact_ref(draw, known)), 0.4)
    elif kind == "interaction":
        f["channel"], f["direction"] = draw(st.sampled_from(CHANNELS)), draw(st.sampled_from(DIRECTIONS))
        f["volume"] = _maybe(draw, st.integers(1, 1_000_000), 0.4)
        f["contact"] = _maybe(draw, st.just(_contact_ref(draw, known)), 0.4)
    elif kind == "buyer_stage":
        f["stage"] = draw(st.sampled_from(BUYER_STAGES))
        f["criteria_aligned"] = _maybe(draw, st.booleans(), 0.4)
    elif kind == "note":
        f["note"] = draw(st.sampled_from(TEXTS))
    elif kind == "lose":
        f["reason"] = draw(st.sampled_from(LOSS_REASONS))
        f["competitor"] = _maybe(draw, st.sampled_from(COMPETITORS), 0.4)
    elif kind == "disqualify":
        f["reason"] = draw(st.sampled_from(["资金未划拨 / no funding", "no project"]))
    return {k: v for k, v in f.items() if v is not None}


# What an opportunity's next item is: a fact, a move, or a burst that meets a gate and advances.
_FACTS = ["signal", "qualify", "contact", "contact", "contact_left", "insight", "competitor", "evidence", "evidence",
          "evidence_revoked", "interaction", "buyer_stage", "note"]
_ITEMS = _FACTS * 2 + ["advance"] * 3 + ["win", "lose", "disqualify", "reopen", "reopen"] + ["burst"] * 12
_GATES = ["qualification", "tracking", "monitoring", "verification", "won"]
# Minutes to the next event: 0 is a tie (the same instant); most are whole minutes.
_GAPS = [0, 0, 0, 1, 5, 60, 60 * 24, 60 * 24 * 3, 60 * 24 * 17]
_GAPS_NO_TIES = [g for g in _GAPS if g]


@st.composite
def opportunity_events(draw, opp: str, max_items: int = 14, ties: bool = True) -> list[dict]:
    """One opportunity's events in their (non-decreasing) time order, ``open`` first.
    ``at`` is given in several offsets and precisions; ``_us`` is not part of an event
    and is removed by :func:`event_streams`."""
    minute = draw(st.integers(0, 60 * 24 * 10))  # a shared grid: opportunities also meet at instants
    t = ORIGIN.timestamp() * 1_000_000 + minute * US_PER_MINUTE
    t = int(t) + draw(st.sampled_from([0, 0, 0, 250_000, 1, 999_999]))
    bodies: list[dict] = []
    openf = {"type": "open", "account": draw(st.sampled_from(["Acme", "华东精密制造有限公司"])),
             "name": draw(st.sampled_from(["Deal", "MES 升级项目 / MES upgrade"]))}
    openf["amount"] = _maybe(draw, st.sampled_from([0, 1000, 1280000, 99.5]), 0.7)
    openf["currency"] = _maybe(draw, st.sampled_from(CURRENCIES), 0.7)
    openf["expected_close"] = _maybe(draw, st.sampled_from(["2026-06-30", "2026-12-31"]), 0.5)
    openf["owner"] = _maybe(draw, st.sampled_from(["陈静 Chen Jing", "Sam"]), 0.5)
    openf["segments"] = _maybe(draw, st.sampled_from([{"sector": "retail"}, {"sector": "energy", "product": "GTX Pro"}]), 0.3)
    bodies.append({k: v for k, v in openf.items() if v is not None})
    known: list[str] = []
    gates = 0
    for _ in range(draw(st.integers(0, max_items))):  # a burst is one item of several events
        item = draw(st.sampled_from(_ITEMS))
        if item == "burst":  # what the next gate needs (in order), then the move through it
            gate = _GATES[min(gates, len(_GATES) - 1)]
            gates += 1
            burst = [dict(b) for b in _gate_burst(gate)]
            known += [b["contact"] for b in burst if b["type"] == "contact" and b["contact"] not in known]
            bodies += burst + [{"type": "win" if gate == "won" else "advance"}]
        else:
            bodies.append(_fact(draw, item, known))
    events = []
    for k, body in enumerate(bodies):
        if k:
            t += draw(st.sampled_from(_GAPS if ties else _GAPS_NO_TIES)) * US_PER_MINUTE
        e = {"id": f"{opp}/e{k}", "opportunity": opp,
             "at": at_text(t, draw(st.sampled_from(OFFSETS)), draw(st.sampled_from([0, 0, 0, 3, 6]))), **body}
        if draw(st.integers(0, 4)) == 0:
            e["actor"] = draw(st.sampled_from(["Sam", "陈静"]))
        if "note" not in e and draw(st.integers(0, 5)) == 0:
            e["note"] = draw(st.sampled_from(TEXTS))
        e["_us"] = t
        events.append(e)
    return events


@dataclass
class Stream:
    """A generated batch: ``events`` in input order (opportunities interleaved, each one's
    events in its own order), ``sorted`` the same events in time order (a stable sort, so
    ties keep the input order)."""

    events: list[dict]

    @property
    def sorted(self) -> list[dict]:
        return time_sorted(self.events)

    @property
    def opportunities(self) -> list[str]:
        return sorted({e["opportunity"] for e in self.events})

    def __len__(self) -> int:
        return len(self.events)


def time_sorted(events: Sequence[dict]) -> list[dict]:
    return sorted(events, key=instant)


@st.composite
def event_streams(draw, min_opportunities: int = 1, max_opportunities: int = 4, max_items: int = 14,
                  ties: bool = True) -> Stream:
    """A valid stream: several opportunities, interleaved at random (each one's events in order).
    ``ties=False``: no two events of one opportunity at the same instant."""
    n = draw(st.integers(min_opportunities, max_opportunities))
    per = [draw(opportunity_events(f"OPP-{i}", max_items, ties)) for i in range(n)]
    # Interleave: a random sequence of opportunity picks, each taking that opportunity's next event.
    picks = [i for i, evs in enumerate(per) for _ in evs]
    picks = [picks[k] for k in draw(st.permutations(range(len(picks))))]
    nexts = [0] * n
    out = []
    for i in picks:
        e = dict(per[i][nexts[i]])
        nexts[i] += 1
        del e["_us"]
        out.append(e)
    return Stream(out)


# --- reordering a batch ---
def tie_groups(events: Sequence[dict]) -> dict[tuple[str, int], list[int]]:
    """Positions of the events of one opportunity at one instant, per (opportunity, instant)."""
    groups: dict[tuple[str, int], list[int]] = {}
    for i, e in enumerate(events):
        groups.setdefault((e["opportunity"], instant(e)), []).append(i)
    return groups


def has_ties(events: Sequence[dict]) -> bool:
    return any(len(g) > 1 for g in tie_groups(events).values())


def permuted(events: Sequence[dict], order: Sequence[int]) -> list[dict]:
    """``events`` in the order ``order`` (a permutation of their positions)."""
    return [events[k] for k in order]


def permuted_keeping_ties(events: Sequence[dict], order: Sequence[int]) -> list[dict]:
    """``events`` permuted by ``order``, except that the events of one opportunity at one
    instant keep their relative order (the documented rule): everything else moves."""
    where = {old: new for new, old in enumerate(order)}  # event index -> new position
    out: list[dict | None] = [None] * len(events)
    for members in tie_groups(events).values():
        slots = sorted(where[m] for m in members)
        for slot, m in zip(slots, members):
            out[slot] = events[m]
    return out  # type: ignore[return-value]


def split(events: Sequence[Any], cuts: Sequence[int]) -> list[list[Any]]:
    bounds = [0, *cuts, len(events)]
    return [list(events[a:b]) for a, b in zip(bounds, bounds[1:])]


def tiled(events: Sequence[dict], copies: int) -> list[dict]:
    """``copies`` copies of a stream under new opportunity ids and event ids, interleaved copy by copy."""
    out = []
    for e in events:
        for c in range(copies):
            out.append({**e, "id": f"{e['id']}#{c}", "opportunity": f"{e['opportunity']}#{c}"})
    return out


# --- invalid events (for the paths that collect errors) ---
Mutation = Callable[[dict], dict]
BAD_EVENTS: list[tuple[str, dict]] = [
    ("unknown signal kind", {"type": "signal", "kind": "gossip"}),
    ("unknown evidence kind", {"type": "evidence", "kind": "handshake"}),
    ("missing required field", {"type": "qualify", "criterion": "funding"}),
    ("misspelt field", {"type": "qualify", "criterion": "funding", "answer": "yes", "criterium": "timing"}),
    ("field of another type", {"type": "advance", "kind": "trial"}),
    ("string for a boolean", {"type": "contact", "contact": "c-1", "access": "yes"}),
    ("volume not whole", {"type": "interaction", "channel": "call", "direction": "inbound", "volume": 2.5}),
    ("volume out of range", {"type": "interaction", "channel": "call", "direction": "inbound", "volume": 0}),
    ("lower-case currency", {"type": "open", "account": "A", "name": "N", "currency": "cny"}),
    ("unknown type", {"type": "promote"}),
    ("none is false", {"type": "competitor", "none": False}),
    ("empty account", {"type": "open", "account": "", "name": "N"}),
    ("duplicate role", {"type": "contact", "contact": "c-1", "roles": ["key_person", "key_person"]}),
    ("note without text", {"type": "note"}),
    ("bad date", {"type": "open", "account": "A", "name": "N", "expected_close": "2026-02-30"}),
]
BAD_TIMES = ["2026-01-05T10:00:00", "2026-01-05 10:00:00Z", "2026-13-01T00:00:00Z", "2026-01-05T10:00:00.1234567Z"]


@st.composite
def streams_with_bad_events(draw, max_bad: int = 3) -> tuple[Stream, set[str]]:
    """A valid stream with a few invalid events inserted; the ids of the invalid ones."""
    stream = draw(event_streams(max_opportunities=3, max_items=6))
    events = list(stream.events)
    bad_ids = set()
    for k in range(draw(st.integers(1, max_bad))):
        base = draw(st.sampled_from(events))
        if draw(st.integers(0, 3)) == 0:
            bad = {**base, "at": draw(st.sampled_from(BAD_TIMES))}
        else:
            _, body = draw(st.sampled_from(BAD_EVENTS))
            bad = {"id": None, "opportunity": base["opportunity"], "at": base["at"], **body}
        bad["id"] = f"bad-{k}"
        events.insert(draw(st.integers(0, len(events))), bad)
        bad_ids.add(bad["id"])
    return Stream(events), bad_ids


@st.composite
def reordered_streams(draw, ties: bool = True) -> tuple[Stream, list[int]]:
    """A stream and a permutation of its positions (shrinking towards the identity)."""
    stream = draw(event_streams(ties=ties))
    return stream, list(draw(st.permutations(range(len(stream)))))


def open_first(events: Sequence[dict]) -> list[dict]:
    """``events`` with each opportunity's ``open`` moved to just before that opportunity's first
    event in the batch (where it is not first already); nothing else moves."""
    first: dict[str, int] = {}
    opens: dict[str, dict] = {}
    for i, e in enumerate(events):
        first.setdefault(e["opportunity"], i)
        if e["type"] == "open" and e["opportunity"] not in opens:
            opens[e["opportunity"]] = e
    out = []
    for i, e in enumerate(events):
        if first[e["opportunity"]] == i and e["opportunity"] in opens:
            out.append(opens[e["opportunity"]])
        if e is not opens.get(e["opportunity"]):
            out.append(e)
    return out
