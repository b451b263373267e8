"""Event dicts for the Python tests: one opportunity's story, a day per event."""

from __future__ import annotations

import datetime as dt


class Story:
    def __init__(self, opportunity: str = "OPP-1") -> None:
        self.opportunity = opportunity
        self.n = 0
        self.t = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)

    def make(self, type_: str, **fields) -> dict:
        self.n += 1
        self.t += dt.timedelta(days=1)
        return {"id": f"{self.opportunity}/e-{self.n}", "opportunity": self.opportunity,
                "at": self.t.isoformat(), "type": type_, **fields}

    def open(self, **fields) -> dict:
        return self.make("open", **{"account": "Acme", "name": "Deal", "amount": 1000.0, "currency": "CNY", **fields})

    def to(self, step: str) -> list[dict]:
        """Events that take a new opportunity to `step` under the default playbook."""
        out = [self.open()]
        steps = ["identification", "qualification", "tracking", "monitoring", "verification"]
        for target in steps[1:steps.index(step) + 1]:
            out += self.evidence_for(target) + [self.make("advance")]
        return out

    def evidence_for(self, gate: str) -> list[dict]:
        m = self.make
        # Lazy: only the asked gate's events are made (each one a day later).
        return {
            "qualification": lambda: [m("signal", kind="implicit_need"), m("contact", contact="c-1")],
            "tracking": lambda: [m("qualify", criterion=c, answer="yes") for c in ("funding", "timing", "unique_value", "business_driver")]
            + [m("qualify", criterion="decision_process", answer="no"),
               m("contact", contact="c-kp", roles=["key_person"], authority="high", stance="supporter", access=True),
               m("evidence", kind="key_person_access", contact="c-kp")],
            "monitoring": lambda: [m("insight", topic=t, text="learned") for t in ("goals", "problem", "investment_reason", "benefits")]
            + [m("contact", contact="c-adv", roles=["stakeholder"], stance="advocate"), m("evidence", kind="time_commitment")],
            "verification": lambda: [m("competitor", name="Kestrel"), m("contact", contact="c-g", roles=["sales_guide"]),
                                     m("contact", contact="c-c", roles=["communicator"]), m("buyer_stage", stage="evaluation")],
            "won": lambda: [m("buyer_stage", stage="final_approval"), m("evidence", kind="budget_commitment")],
        }[gate]()
