"""Readable accounts of opportunities and pipelines: text and Jupyter HTML.

Every piece of user text goes through html.escape before it reaches HTML, and
through ``_terminal.visible`` before it reaches text.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from ._terminal import visible
from .options import options
from .vocabulary import BuyerStage, EventType, Step, Verdict

if TYPE_CHECKING:
    from .opportunity import Opportunity
    from .pipeline import Pipeline

_WORDS = {
    "en": {"is_in": "is in", "closed": "is closed", "buyer": "the buyer is at", "needs": "To pass the {gate} it needs:",
           "ready": "It can pass the {gate} now.", "do": "do", "none": "No next gate: it is closed.",
           "recent": "Recent history", "at": "at", "event": "event", "verdict": "verdict", "missing": "missing",
           "opportunities": "opportunities", "by_step": "By step", "by_buyer": "By buyer stage",
           "blocked": "blocked at a gate", "count": "count", "flags": "Risk flags (as of its latest event)"},
    "zh": {"is_in": "处于", "closed": "已关闭", "buyer": "客户处于", "needs": "通过{gate}还需要：",
           "ready": "现在可以通过{gate}。", "do": "行动", "none": "没有下一个关口：机会已关闭。",
           "recent": "最近记录", "at": "时间", "event": "事件", "verdict": "结果", "missing": "缺少",
           "opportunities": "个机会", "by_step": "按步骤", "by_buyer": "按购买阶段",
           "blocked": "卡在关口", "count": "数量", "flags": "风险标记（截至最近事件）"},
}


def _where(opp: "Opportunity", lang: str) -> str:
    w = _WORDS[lang]
    if opp.outcome:
        return f"{w['closed']}: {opp.outcome.label(lang)} ({opp.step.label(lang)})"
    return f"{w['is_in']} {opp.step.label(lang)}"


def explain(opp: "Opportunity", lang: str) -> str:
    """Where the opportunity stands, what its next gate is missing, and what to do."""
    w = _WORDS[lang]
    header = opp.facts["header"]
    title = visible(opp.id) + (f" ({visible(header['account'])} · {visible(header['name'])})"
                               if header.get("account") else "")
    lines = [f"{title} {_where(opp, lang)}; {w['buyer']} {opp.buyer_stage.label(lang)}."]
    report = opp.requirements()
    if report is None:
        lines.append(w["none"])
    elif report.open:
        lines.append(w["ready"].format(gate=report.gate.label(lang)))
    else:
        lines.append(w["needs"].format(gate=report.gate.label(lang)))
        for item in report.unmet:  # a playbook's own texts are user text too
            lines.append(f"  - {visible(item.describe(lang))} → {w['do']}: {visible(item.action[lang])}")
    return "\n".join(lines)


_STYLE = (
    "<style>.pursuit td,.pursuit th{padding:2px 8px;text-align:left}"
    ".pursuit .step{display:inline-block;padding:2px 8px;margin:1px;border-radius:4px;background:#eee}"
    ".pursuit .current{background:#2b6cb0;color:#fff;font-weight:bold}"
    ".pursuit .done{background:#c6f6d5}</style>"
)


def _steps_html(opp: "Opportunity", lang: str) -> str:
    spans = []
    for s in Step:
        cls = "current" if s is opp.step and opp.is_active else "done" if list(Step).index(s) < list(Step).index(opp.step) else ""
        spans.append(f'<span class="step {cls}">{escape(s.label(lang))}</span>')
    if opp.outcome:
        spans.append(f'<span class="step current">{escape(opp.outcome.label(lang))}</span>')
    return "→".join(spans)


def opportunity_html(opp: "Opportunity") -> str:
    lang = options.lang
    w = _WORDS[lang]
    header = opp.facts["header"]
    title = escape(opp.id) + (f" — {escape(header['account'])} · {escape(header['name'])}" if header.get("account") else "")
    parts = [_STYLE, f'<div class="pursuit"><h4>{title}</h4>', f"<p>{_steps_html(opp, lang)}</p>",
             f"<p>{escape(w['buyer'])} <b>{escape(opp.buyer_stage.label(lang))}</b></p>"]
    report = opp.requirements()
    if report is not None and not report.open:
        rows = "".join(
            f"<tr><td>{escape(i.text[lang])}</td><td>{i.have}/{i.need}</td><td>{escape(i.action[lang])}</td></tr>"
            for i in report.unmet)
        parts.append(f"<p>{escape(w['needs'].format(gate=report.gate.label(lang)))}</p><table>{rows}</table>")
    elif report is not None:
        parts.append(f"<p>{escape(w['ready'].format(gate=report.gate.label(lang)))}</p>")
    if opp._core.opened:
        flags = opp.assess().flags
        if flags:
            items = "".join(f"<li>{escape(f.describe(lang))}</li>" for f in flags)
            parts.append(f"<p>{escape(w['flags'])}</p><ul>{items}</ul>")
    history = opp.history.tail(5)
    if len(history):
        rows = "".join(
            f"<tr><td>{escape(r.at.strftime('%Y-%m-%d %H:%M'))} UTC</td><td>{escape(r.event_id)}</td>"
            f"<td>{escape(EventType(r.type).label(lang))}</td><td>{escape(Verdict(r.verdict).label(lang))}</td>"
            f"<td>{escape(', '.join(r.unmet))}</td></tr>"
            for r in history.itertuples())
        parts.append(f"<p>{escape(w['recent'])}</p><table><tr><th>{escape(w['at'])}</th><th>id</th>"
                     f"<th>{escape(w['event'])}</th><th>{escape(w['verdict'])}</th><th>{escape(w['missing'])}</th></tr>"
                     f"{rows}</table>")
    parts.append("</div>")
    return "".join(parts)


def pipeline_html(pipeline: "Pipeline") -> str:
    lang = options.lang
    w = _WORDS[lang]
    snap = pipeline.snapshot()
    active = snap[snap["outcome"].isna()]
    by_step = active["step"].value_counts(sort=False)
    by_buyer = snap["buyer_stage"].value_counts(sort=False)
    closed = snap["outcome"].value_counts(sort=False)

    def table(title: str, rows) -> str:
        body = "".join(f"<tr><td>{escape(label)}</td><td>{n}</td></tr>" for label, n in rows)
        return f"<td style='vertical-align:top'><b>{escape(title)}</b><table>{body}</table></td>"

    step_rows = [(Step(s).label(lang), n) for s, n in by_step.items()]
    step_rows += [(_outcome_label(o, lang), n) for o, n in closed.items()]
    buyer_rows = [(BuyerStage(b).label(lang), n) for b, n in by_buyer.items()]
    blocked = int((~active["can_advance"]).sum())
    return (f"{_STYLE}<div class='pursuit'><p><b>{len(snap)}</b> {escape(w['opportunities'])}; "
            f"{blocked} {escape(w['blocked'])}</p><table><tr>"
            f"{table(w['by_step'], step_rows)}{table(w['by_buyer'], buyer_rows)}</tr></table></div>")


def _outcome_label(outcome: str, lang: str) -> str:
    from .vocabulary import Outcome

    return Outcome(outcome).label(lang)
