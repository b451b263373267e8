"""The stories of :mod:`pursuit.sample`: one opportunity's events, built step by step of the method.

Each story is a function of a :class:`Deal` that appends events in the account's local time; the
phases (``_identify`` … ``_win``) record the evidence each stage gate of the default playbook asks for.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, Callable, Optional, Sequence

from . import _sample_text as T

FIRST_DAY = dt.datetime(2025, 1, 6, 9)  # local times; the sales year runs to LAST_DAY
LAST_DAY = dt.datetime(2026, 9, 30, 18)
_DAY = dt.timedelta(days=1)


class Deal:
    """One opportunity's events in its account's local time, built phase by phase."""

    def __init__(self, rng: random.Random, id: str, start: dt.datetime) -> None:
        self.rng, self.id = rng, id
        region = rng.choices(T.REGIONS, weights=T.REGION_WEIGHTS)[0]
        self.region, self.offsets, self.currency, self.amounts, self.lang, owners, accounts = region
        self.owner, self.account = rng.choice(owners), rng.choice(accounts)
        self.t = start
        self.events: list[tuple[dt.datetime, str, dict[str, Any], Optional[str]]] = []
        self.contacts = 0
        self.stage = "need_awareness"
        self.first = self.key = ""  # contact ids: our first contact (a communicator), the key person

    # --- words ---
    def text(self, pair: tuple[str, str]) -> str:
        zh, en = pair
        if self.lang != "zh":
            return en
        return self.rng.choices((zh, f"{zh} / {en}", en), weights=(5, 4, 1))[0]

    def line(self, key: str) -> str:
        return self.text(self.rng.choice(T.NOTES[key]))

    def pair(self, pair: tuple[str, str]) -> str:
        return f"{pair[0]} / {pair[1]}" if self.lang == "zh" else pair[1]

    # --- time and events ---
    def wait(self, lo: int, hi: int) -> None:
        """On by lo..hi working days (to an office hour), or by minutes within the day."""
        days = self.rng.randint(lo, hi)
        if days == 0 and self.t.hour < 19:
            self.t += dt.timedelta(minutes=self.rng.randint(5, 90))
            return
        t = self.t
        for _ in range(max(days, 1)):  # counted in working days, so that no weekday is favoured
            t += _DAY
            while t.weekday() >= 5:
                t += _DAY
        self.t = t.replace(hour=self.rng.randint(9, 17), minute=self.rng.choice((0, 15, 30, 45)))

    def add(self, type_: str, lo: int = 0, hi: int = 2, note: Optional[str] = None, **fields: Any) -> None:
        self.wait(lo, hi)
        self.events.append((self.t, type_, {k: v for k, v in fields.items() if v is not None}, note))

    def person(self, titles: Sequence[tuple[str, str]], lo: int = 0, hi: int = 3, note: Optional[str] = None,
               **fields: Any) -> str:
        rng = self.rng
        self.contacts += 1
        cid = f"c-{self.id[4:]}-{self.contacts}"
        name = rng.choice(T.SURNAMES) + rng.choice(T.GIVEN) if self.region == "cn" else rng.choice(T.NAMES[self.region])
        focus = [self.text(f) for f in rng.sample(T.FOCUS, rng.randint(1, 2))]
        self.add("contact", lo, hi, note, contact=cid, name=name, title=self.pair(rng.choice(titles)), **fields, focus=focus)
        return cid

    def touch(self, contact: str, lo: int = 1, hi: int = 6, note: Optional[str] = None,
              channels: Sequence[str] = ("email", "call", "meeting", "visit", "message", "demo")) -> None:
        channel = self.rng.choice(channels)
        volume = self.rng.randint(2, 9) if channel in ("email", "message") else None
        self.add("interaction", lo, hi, note, channel=channel, direction=self.rng.choice(("inbound", "outbound", "mutual")),
                 volume=volume, contact=contact)

    def buyer(self, stage: str, lo: int = 1, hi: int = 10, note: Optional[str] = None, aligned: Optional[bool] = None) -> None:
        self.stage = stage
        self.add("buyer_stage", lo, hi, note, stage=stage, criteria_aligned=aligned)

    def offset(self, t: dt.datetime) -> int:
        return self.offsets[1] if 4 <= t.month <= 10 else self.offsets[0]  # summer time, by month

    def fit(self) -> None:
        """Move the whole story back by whole weeks so that it ends within the sales year."""
        late = self.events[-1][0] - LAST_DAY
        if late > dt.timedelta(0):
            back = dt.timedelta(weeks=late.days // 7 + 1)
            self.events = [(t - back, ty, f, n) for t, ty, f, n in self.events]
            f = self.events[0][2]
            f["expected_close"] -= back
        assert self.events[0][0] >= FIRST_DAY, f"{self.id}: the story is longer than the sales year"
        self.events[0][2]["expected_close"] = self.events[0][2]["expected_close"].date().isoformat()


# --- the method's steps, as phases of a story ---

def _identify(d: Deal, late: bool = False, advance: bool = True) -> None:
    rng = d.rng
    product = rng.choice(T.PRODUCTS)
    lo, hi, step = d.amounts
    d.add("open", 0, 0, account=d.account, name=d.pair(product), amount=rng.randrange(lo, hi, step),
          currency=d.currency, expected_close=d.t + rng.randint(90, 270) * _DAY, owner=d.owner)
    d.first = d.person(T.STAFF_TITLES, 0, 0, roles=["stakeholder", "communicator"], authority="medium",
                       stance="supporter", access=True)
    if late:  # the buyer is already evaluating, against criteria written without us
        d.buyer("evaluation", 0, 2, d.line("late"), aligned=False)
    kind = "criteria_change" if late else rng.choice(("implicit_need", "people_change", "intent_change", "process_change"))
    d.add("signal", 0, 2, d.text(rng.choice(T.SIGNALS[kind])), kind=kind, contact=d.first if rng.random() < 0.7 else None)
    if not late and rng.random() < 0.6:
        d.buyer("need_awareness", 0, 3)
    d.touch(d.first, 1, 6, d.line("first_meeting"), channels=("meeting", "visit", "call"))
    if advance:
        d.add("advance", 1, 6)


def _qualify(d: Deal, advance: bool = True, hesitant: Optional[bool] = None) -> None:
    rng = d.rng
    hesitant = rng.random() < 0.2 if hesitant is None else hesitant
    d.add("qualify", 2, 8, d.text(rng.choice(T.INSIGHTS["goals"])), criterion="business_driver", answer="yes")
    if hesitant:  # asked too early: the gate lists what is missing
        d.add("qualify", 0, 3, d.line("funding_unknown"), criterion="funding", answer="unknown")
        d.add("advance", 1, 4)
    d.add("qualify", 2, 12, d.line("funding_yes"), criterion="funding", answer="yes")
    for criterion, answer in (("timing", "yes"), ("unique_value", "yes"), ("decision_process", rng.choice(("yes", "no"))),
                              ("relationship", rng.choice(("yes", "no", "unknown")))):
        d.add("qualify", 0, 4, criterion=criterion, answer=answer)
    roles = ["key_person", "key_opinion_leader"] if rng.random() < 0.3 else ["key_person"]
    d.key = d.person(T.DECIDER_TITLES, 2, 10, roles=roles, authority="high", stance=rng.choice(("neutral", "supporter")),
                     access=True)
    d.add("evidence", 0, 5, d.line("access"), kind="key_person_access", contact=d.key)
    if advance:
        d.add("advance", 1, 5)


def _track(d: Deal, advocate: Optional[str] = "first", commit: Optional[str] = None, advance: bool = True) -> None:
    """Situation knowledge, an advocate (``first``, ``key``, ``new`` or None) and the buyer's commitment."""
    rng = d.rng
    topics = ["goals", "problem", "investment_reason", "benefits"] + rng.sample(("industry", "political_ecology"), rng.randint(0, 2))
    for topic in topics:
        d.add("insight", 1, 7, topic=topic, text=d.text(rng.choice(T.INSIGHTS[topic])))
    if d.stage == "need_awareness":  # never backwards: a late entry's buyer is already evaluating
        d.buyer("need_definition", 1, 8, aligned=True if rng.random() < 0.5 else None)
    d.touch(rng.choice((d.first, d.key)))
    if advocate == "new":
        d.person(T.STAFF_TITLES, 2, 10, d.line("advocate"), roles=["key_opinion_leader"], authority="medium",
                 stance="advocate", access=True)
    elif advocate:
        d.add("contact", 2, 10, d.line("advocate"), contact=d.key if advocate == "key" else d.first, stance="advocate")
    if commit != "none":
        kind = rng.choice(("time_commitment", "resource_commitment"))
        d.add("evidence", 1, 8, d.line("time" if kind == "time_commitment" else "resource"), kind=kind,
              contact=commit or rng.choice((d.first, d.key)))
    if rng.random() < 0.3:
        d.add("note", 1, 6, d.line("misc"))
    if advance:
        d.add("advance", 1, 5)


def _competitor(d: Deal, name: str, ties: Optional[list[str]] = None) -> None:
    rng = d.rng
    d.add("competitor", 1, 6, name=name, strengths=[d.text(p) for p in rng.sample(T.STRENGTHS, 2)],
          weaknesses=[d.text(p) for p in rng.sample(T.WEAKNESSES, rng.randint(1, 2))],
          strategy=d.text(rng.choice(T.STRATEGIES)), ties=ties)


def _monitor(d: Deal, advance: bool = True, rival: Optional[str] = None) -> None:
    rng = d.rng
    # (a rival with an insider inside the account is already recorded, with its ties)
    if not rival and rng.random() < 0.2:
        d.add("competitor", 1, 6, d.text(("客户确认没有邀请其他厂商", "Customer confirms no other vendor invited")), none=True)
    elif not rival:
        for name in rng.sample(T.COMPETITORS, rng.randint(1, 2)):
            _competitor(d, name)
    d.person(T.STAFF_TITLES, 2, 12, d.line("sales_guide"), roles=["sales_guide", "stakeholder"],
             authority=rng.choice(("low", "medium")), stance="supporter", access=True)
    if d.stage in ("need_awareness", "need_definition"):
        d.buyer("evaluation", 2, 15)
    d.touch(d.key, 1, 8)
    if advance:
        d.add("advance", 1, 6)


def _verify(d: Deal) -> None:
    d.add("evidence", 2, 12, d.line("trial"), kind="trial", contact=d.first)
    if d.rng.random() < 0.6:
        d.add("evidence", 2, 10, d.line("follows_plan"), kind="buyer_follows_plan", contact=d.first)
    d.touch(d.key, 1, 8)


def _win(d: Deal) -> None:
    d.buyer("final_approval", 3, 20)
    d.add("evidence", 1, 8, d.line("budget"), kind="budget_commitment", contact=d.key)
    if d.rng.random() < 0.5:
        d.add("note", 2, 10, d.line("legal"))
    d.add("win", 2, 12, d.line("won"))


# --- the stories ---

def _won(d: Deal) -> None:
    _identify(d)
    _qualify(d)
    _track(d, d.rng.choice(("first", "key", "new")))
    _monitor(d)
    _verify(d)
    _win(d)


def _lost_insider(d: Deal) -> None:
    rng = d.rng
    _identify(d)
    _qualify(d)
    _track(d)
    rival = rng.choice(T.COMPETITORS)  # someone with authority inside the account is tied to it
    roles = ["key_person", "competitor_tie"] if rng.random() < 0.5 else ["stakeholder", "competitor_tie"]
    insider = d.person(T.DECIDER_TITLES, 3, 15, d.line("insider"), roles=roles, authority="high",
                       stance=rng.choice(("skeptic", "opponent")), access=rng.random() < 0.4)
    if rng.random() < 0.5:
        d.add("signal", 0, 5, kind="people_change", contact=insider)
    _competitor(d, rival, [insider])
    if rng.random() < 0.6:
        _monitor(d, rival=rival)
        _verify(d)
        d.buyer("final_approval", 3, 20)
    else:
        _monitor(d, advance=False, rival=rival)
    d.add("lose", 5, 25, d.line("lost"), reason="competitor", competitor=rival)


def _stalled(d: Deal) -> None:
    rng = d.rng
    _identify(d)
    _qualify(d)
    _track(d, advocate=None, commit="none" if rng.random() < 0.4 else None, advance=False)
    d.add("note", 3, 15, d.line("no_advocate"))
    d.add("advance", 1, 10)  # refused: nobody argues for us
    for _ in range(rng.randint(0, 2)):
        d.touch(rng.choice((d.first, d.key)), 10, 30)
        d.add("note", 2, 20, d.line("stalled"))
        d.add("advance", 1, 10)


def _fell_back(d: Deal) -> None:
    rng = d.rng
    carried = rng.random() < 0.5  # the key person was also our advocate and gave the commitment
    _identify(d)
    _qualify(d, hesitant=False)
    _track(d, "key" if carried else rng.choice(("first", "new")), commit=d.key if carried else d.first)
    reached = rng.choice(("monitoring", "verification"))
    _monitor(d, advance=reached == "verification")
    if reached == "verification":
        _verify(d)
    d.add("contact_left", 5, 30, d.line("left"), contact=d.key)  # falls back: the access went with them
    if rng.random() < 0.3:
        d.add("evidence_revoked", 0, 2, kind="key_person_access", contact=d.key)
    d.key = d.person(T.DECIDER_TITLES, 5, 25, d.line("successor"), roles=["key_person"], authority="high",
                     stance="neutral", access=True)
    if rng.random() < 0.5:
        d.add("signal", 0, 3, kind="people_change", contact=d.key)
    d.add("evidence", 3, 15, d.line("access"), kind="key_person_access", contact=d.key)
    d.add("advance", 1, 5)
    if carried:
        if rng.random() < 0.5:
            d.add("advance", 3, 15)  # refused: the advocate and the commitment left too
            return
        d.add("contact", 5, 20, d.line("advocate"), contact=d.key, stance="advocate")
        d.add("evidence", 2, 10, d.line("time"), kind="time_commitment", contact=d.key)
    d.add("advance", 1, 5)
    if reached == "verification" or rng.random() < 0.5:
        d.add("advance", 1, 8)
        fate = rng.random()
        if fate < 0.6:
            _win(d)
        elif fate < 0.8:
            d.add("lose", 10, 30, d.line("lost"), reason="competitor", competitor=rng.choice(T.COMPETITORS))


def _late_entry(d: Deal) -> None:
    rng = d.rng
    _identify(d, late=True)
    _qualify(d)
    fate = rng.random()
    if fate < 0.45:
        if rng.random() < 0.5:
            _track(d, advance=False)
        d.add("lose", 5, 25, d.line("lost"), reason=rng.choice(("fit", "competitor")),
              competitor=rng.choice(T.COMPETITORS) if rng.random() < 0.6 else None)
    elif fate < 0.75:  # changing the criteria is the only way left
        d.add("signal", 2, 10, d.line("realign"), kind="criteria_change", contact=d.first)
        d.buyer("evaluation", 1, 8, aligned=True)
        _track(d)
        _monitor(d)
        if rng.random() < 0.6:
            _verify(d)
            _win(d)
    elif rng.random() < 0.5:
        _track(d, advance=False)


def _disqualified(d: Deal) -> None:
    rng = d.rng
    _identify(d)
    d.add("qualify", 2, 10, d.line("funding_no"), criterion="funding", answer="no")
    d.add("qualify", 0, 5, criterion="timing", answer=rng.choice(("no", "unknown")))
    if rng.random() < 0.5:
        d.add("advance", 1, 5)  # refused: no funding
    d.add("disqualify", 2, 15, reason=d.line("funding_no"))
    if rng.random() < 0.35:
        d.add("reopen", 40, 150, d.line("reopen"))
        _qualify(d, hesitant=False)
        if rng.random() < 0.5:
            _track(d)


def _lost_other(d: Deal) -> None:
    rng = d.rng
    _identify(d)
    _qualify(d)
    if rng.random() < 0.6:
        _track(d)
    reason = rng.choice(("no_decision", "budget", "timing"))
    note = {"no_decision": "no_decision", "budget": "funding_no", "timing": "stalled"}[reason]
    d.add("lose", 10, 40, d.line(note), reason=reason)


def _open(d: Deal) -> None:
    """Still open, at any step, with some work done in it."""
    at = d.rng.randrange(5)  # the step it stays in
    for i, phase in enumerate((_identify, _qualify, _track, _monitor)[:at + 1]):
        phase(d, advance=i < at)
    if at == 4:
        _verify(d)


BUILDERS: dict[str, Callable[[Deal], None]] = {
    "won": _won, "lost_insider": _lost_insider, "stalled": _stalled, "fell_back": _fell_back,
    "late_entry": _late_entry, "disqualified": _disqualified, "lost_other": _lost_other, "open": _open,
}
# Open stories start later, so that they are current; closed ones anywhere in the year.
STARTS = {"open": (dt.datetime(2025, 12, 1, 9), 240), "stalled": (dt.datetime(2025, 3, 3, 9), 360)}


def tell(rng: random.Random, id: str, kind: str) -> Deal:
    """Opportunity ``id``'s story of ``kind``, ending within the sales year."""
    first, span = STARTS.get(kind, (FIRST_DAY, 450))
    start = first + rng.randrange(span) * _DAY
    while start.weekday() >= 5:
        start += _DAY
    d = Deal(rng, id, start)
    BUILDERS[kind](d)
    d.fit()
    return d
