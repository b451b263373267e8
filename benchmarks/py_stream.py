"""The seeded event stream for bench_python.py: a plausible sales story per opportunity, as events in
pursuit's canonical form, interleaved by time."""

from __future__ import annotations

import random
import time
from typing import Any, Optional

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
    rows = list(_timed_events(random.Random(seed), range(n)))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    return [{"id": f"e-{n_:07d}", **d} for n_, (_, _, _, d) in enumerate(rows)]


def write_stream(n: int, seed: int, path: str, chunk: int = 50_000) -> int:
    """The same stream as ``generate(n, seed)``, written as JSON Lines without holding
    it: sorted runs of ``chunk`` opportunities on disk, then merged. Returns the events."""
    import heapq
    import json
    import os
    import tempfile

    rng, runs = random.Random(seed), []
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(path))) as tmp:
        for start in range(0, n, chunk):
            rows = sorted(_timed_events(rng, range(start, min(n, start + chunk))), key=lambda r: (r[0], r[1], r[2]))
            runs.append(os.path.join(tmp, f"run-{len(runs)}"))
            with open(runs[-1], "w", encoding="utf-8") as fh:  # fixed-width keys: text order is (t, i, k) order
                fh.writelines(f"{t:012d}\t{i:09d}\t{k:04d}\t{json.dumps(d, ensure_ascii=False)[1:]}\n"
                              for t, i, k, d in rows)
        files = [open(r, encoding="utf-8") for r in runs]
        count = 0
        try:
            with open(path, "w", encoding="utf-8") as out:
                for line in heapq.merge(*files):
                    out.write(f'{{"id": "e-{count:07d}", {line.split(chr(9), 3)[3]}')
                    count += 1
        finally:
            for fh in files:
                fh.close()
    return count


def _timed_events(rng: random.Random, opportunities: range):
    """(time, opportunity, place in its story, event without id) for each event of each story."""
    for i in opportunities:
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
            yield t, i, k, d
