"""Rendering a :class:`~pursuit.report.Report`: terminal text, JSON, or one
self-contained HTML file (inline CSS, no scripts, every value escaped)."""

from __future__ import annotations

import dataclasses
import json
from html import escape as _html_escape

import pandas as pd

from ._table import render
from ._terminal import visible, visible_json, visible_lines
from .report import Report
from .vocabulary import Step

__all__ = ["to_text", "to_json", "to_html"]


def escape(text: str) -> str:
    """HTML-escaped, with control characters and bidi overrides shown as escapes:
    invalid in HTML, and the HTML may well be printed to a terminal (no --out)."""
    return _html_escape(visible(text))


_WORDS = {
    "en": {
        "title": "Pipeline report", "source": "Store", "as_of": "As of", "now": "everything stored",
        "overview": "Overview", "by_step": "The pipeline by step", "by_buyer": "Active opportunities by buyer stage",
        "blocked": "Blocked at a gate: what each is missing", "fell_back": "Fall-backs",
        "late": "Late entries (the buyer had moved on before we joined)", "durations": "Days in each step",
        "flags": "Risk flags on active opportunities", "flag": "flag", "examples": "for example",
        "forecast": "Forecast by expected close (weighted by the playbook's stage priors; P10/P50/P90 of 10,000 seeded runs)",
        "period": "period", "currency": "currency", "weighted": "weighted", "commit": "commit", "best_case": "best case",
        "funnel": "Funnel: of those that reached a step, how many went on", "reached": "reached",
        "next": "went on", "conversion": "conversion", "win_rate_col": "win rate", "won": "won",
        "win_rate": "Win rate by owner (won / (won + lost))", "owner": "owner", "lost": "lost",
        "loss_reasons": "Why deals were lost", "competitor": "competitor", "share": "share",
        "forecast_model": "Forecast by expected close (weighted by the win model fitted on the closed deals; P10/P50/P90 of 10,000 seeded runs)",
        "waterfall": "What moved since {since}", "movement": "movement",
        "none": "none", "more": "… and {n} more (see --format json)",
        "stage": "stage", "opportunities": "opportunities", "amount": "amount", "buyer_stage": "buyer stage",
        "opportunity": "opportunity", "account": "account", "step": "step", "next_gate": "next gate",
        "days": "days", "day_unit": "days", "refused": "refused", "missing": "missing", "actions": "what to do", "at": "at",
        "from": "from", "to": "to", "reason": "why", "misaligned": "criteria misaligned", "finished": "finished stays",
        "median": "median days", "mean": "mean days", "now_in": "in step now", "so_far": "median days so far",
        "yes": "yes", "no": "no",
        "keys": {"opportunities": "opportunities", "active": "active", "won": "won", "lost": "lost",
                 "disqualified": "disqualified", "blocked": "blocked at a gate", "events": "events replayed",
                 "rejected_events": "events rejected", "refused_moves": "moves refused at a gate",
                 "open_amount": "open amount", "won_amount": "won amount"},
    },
    "zh": {
        "title": "销售机会管道报告", "source": "存储", "as_of": "截至", "now": "全部已存事件",
        "overview": "概览", "by_step": "按步骤的管道", "by_buyer": "活跃机会按客户购买阶段",
        "blocked": "卡在关口的机会：各自还缺什么", "fell_back": "回退",
        "late": "迟到的机会（我们介入前客户已推进）", "durations": "各步骤停留天数",
        "flags": "活跃机会的风险标记", "flag": "风险", "examples": "例如",
        "forecast": "按预计成交期的预测（按行动手册的阶段先验加权；10,000 次固定种子模拟的 P10/P50/P90）",
        "period": "期间", "currency": "币种", "weighted": "加权金额", "commit": "承诺", "best_case": "最佳情况",
        "funnel": "漏斗：到达某一步的机会中，有多少继续推进", "reached": "到达", "next": "继续推进",
        "conversion": "转化率", "win_rate_col": "赢单率", "won": "赢得",
        "win_rate": "按负责人的赢单率（赢 / (赢 + 输)）", "owner": "负责人", "lost": "失去",
        "loss_reasons": "失单原因", "competitor": "竞争对手", "share": "占比",
        "forecast_model": "按预计成交期的预测（按已关闭机会训练的赢单模型加权；10,000 次固定种子模拟的 P10/P50/P90）",
        "waterfall": "自 {since} 以来的变化", "movement": "变化",
        "none": "无", "more": "……另有 {n} 个（见 --format json）",
        "stage": "阶段", "opportunities": "机会数", "amount": "金额", "buyer_stage": "客户阶段",
        "opportunity": "机会", "account": "客户", "step": "步骤", "next_gate": "下一关口",
        "days": "天数", "day_unit": "天", "refused": "被拒次数", "missing": "缺少", "actions": "建议行动", "at": "时间",
        "from": "从", "to": "到", "reason": "原因", "misaligned": "标准不一致", "finished": "已完成停留",
        "median": "中位天数", "mean": "平均天数", "now_in": "当前停留", "so_far": "当前中位天数",
        "yes": "是", "no": "否",
        "keys": {"opportunities": "机会总数", "active": "活跃", "won": "赢得", "lost": "失去",
                 "disqualified": "放弃", "blocked": "卡在关口", "events": "重放事件",
                 "rejected_events": "被拒收事件", "refused_moves": "关口拒绝的推进",
                 "open_amount": "在途金额", "won_amount": "赢得金额"},
    },
}

_TEXT_ROWS = 20  # blocked opportunities listed in the terminal; JSON and HTML list all


def _money(amounts: dict[str, float]) -> str:
    return "; ".join(f"{c} {v:,.0f}" for c, v in amounts.items()) or "-"


def _days(v) -> str:
    return "-" if v is None or pd.isna(v) else f"{v:.1f}"


def _when(t) -> str:
    return t.strftime("%Y-%m-%d %H:%M") + " UTC"


def _sections(report: Report) -> list[tuple[str, pd.DataFrame]]:
    """The report's tables with display headers, shared by text and HTML."""
    w = _WORDS[report.lang]
    yes_no = {True: w["yes"], False: w["no"]}
    steps = pd.DataFrame({w["stage"]: report.by_step["label"], w["opportunities"]: report.by_step["opportunities"],
                          w["amount"]: report.by_step["amount"].map(_money)})
    buyer = report.by_buyer_stage.rename(columns={"label": w["buyer_stage"], "opportunities": w["opportunities"],
                                                  **{f"in_{s.value}": s.label(report.lang) for s in Step}})
    buyer = buyer.drop(columns=["buyer_stage"])
    b = report.blocked
    blocked = pd.DataFrame({w["opportunity"]: b["opportunity"], w["account"]: b["account"], w["step"]: b["step"],
                            w["days"]: b["days_in_step"].map(_days), w["refused"]: b["refused"],
                            w["missing"]: b["missing"].map("; ".join)})
    f = report.fell_back
    fell = pd.DataFrame({w["opportunity"]: f["opportunity"], w["at"]: f["at"].map(_when), w["from"]: f["from_step"],
                         w["to"]: f["to_step"], w["reason"]: f["reason"]})
    le = report.late_entries
    late = pd.DataFrame({w["opportunity"]: le["opportunity"], w["at"]: le["at"].map(_when),
                         w["buyer_stage"]: le["buyer_stage"], w["misaligned"]: le["criteria_misaligned"].map(yes_no)})
    d = report.durations
    durations = pd.DataFrame({w["step"]: d["label"], w["finished"]: d["finished"], w["median"]: d["median_days"].map(_days),
                              w["mean"]: d["mean_days"].map(_days), w["now_in"]: d["in_step_now"],
                              w["so_far"]: d["median_days_so_far"].map(_days)})
    fl = report.flags
    flags = pd.DataFrame({w["flag"]: fl["label"], w["opportunities"]: fl["opportunities"], w["examples"]: fl["examples"]})
    money = lambda v: "-" if pd.isna(v) else f"{v:,.0f}"  # noqa: E731
    pct = lambda v: "-" if pd.isna(v) else f"{v:.0%}"  # noqa: E731
    fc = report.forecast
    forecast = pd.DataFrame({w["period"]: fc["period"], w["currency"]: fc["currency"], w["opportunities"]: fc["opportunities"],
                             w["amount"]: fc["amount"].map(money), w["weighted"]: fc["weighted"].map(money),
                             w["commit"]: fc["commit"].map(money), w["best_case"]: fc["best_case"].map(money),
                             "P10": fc["p10"].map(money), "P50": fc["p50"].map(money), "P90": fc["p90"].map(money)})
    fu = report.funnel
    funnel = pd.DataFrame({w["step"]: fu["label"], w["reached"]: fu["reached"], w["next"]: fu["reached_next"],
                           w["conversion"]: fu["conversion"].map(pct), w["won"]: fu["won"],
                           w["win_rate_col"]: fu["win_rate"].map(pct)})
    wr = report.win_rate
    win_rate = pd.DataFrame({w["owner"]: wr["owner"], w["won"]: wr["won"], w["lost"]: wr["lost"],
                             w["win_rate_col"]: wr["win_rate"].map(pct)})
    lr = report.loss_reasons
    losses = pd.DataFrame({w["reason"]: lr["label"], w["competitor"]: lr["competitor"],
                           w["opportunities"]: lr["opportunities"], w["share"]: lr["share"].map(pct)})
    sections = [(w["by_step"], steps), (w["by_buyer"], buyer), (w["blocked"], blocked), (w["flags"], flags),
            (w["forecast" if report.weights == "prior" else "forecast_model"], forecast), (w["funnel"], funnel), (w["win_rate"], win_rate), (w["loss_reasons"], losses),
            (w["fell_back"], fell), (w["late"], late), (w["durations"], durations)]
    if report.waterfall is not None:
        wf = report.waterfall
        sections.append((w["waterfall"].format(since=report.since.strftime("%Y-%m-%d")),
                         pd.DataFrame({w["movement"]: wf["label"], w["currency"]: wf["currency"],
                                       w["opportunities"]: wf["opportunities"], w["amount"]: wf["amount"].map(money)})))
    return sections


def _overview_lines(report: Report) -> list[tuple[str, str]]:
    w = _WORDS[report.lang]
    return [(w["keys"][k], _money(v) if isinstance(v, dict) else str(v)) for k, v in report.overview.items()]


def _visible_value(v):
    if isinstance(v, str):
        return visible(v)
    if isinstance(v, list):
        return [_visible_value(x) for x in v]
    return v


def _visible_report(report: Report) -> Report:
    """A copy whose text cells are safe for a terminal (control characters and bidi
    overrides as visible escapes), so that user text cannot drive the terminal nor
    break the layout; widths are then measured on what is shown."""
    changes = {"source": visible(report.source)}
    for f in dataclasses.fields(report):
        df = getattr(report, f.name)
        if isinstance(df, pd.DataFrame):
            df = df.copy()
            for c in df.columns:
                if df[c].dtype == object:
                    df[c] = df[c].map(_visible_value)
            changes[f.name] = df
    return dataclasses.replace(report, **changes)


def to_text(report: Report) -> str:
    """The report for a terminal; user text in it is shown, never obeyed (see pursuit._terminal)."""
    report = _visible_report(report)
    return visible_lines(_text(report))


def _text(report: Report) -> str:
    w = _WORDS[report.lang]
    as_of = _when(report.as_of) if report.as_of is not None else w["now"]
    out = [f"{w['title']} — {w['source']}: {report.source} — {w['as_of']}: {as_of}", "", w["overview"]]
    out += [f"  {k}: {v}" for k, v in _overview_lines(report)]
    for title, table in _sections(report):
        out += ["", title]
        if table.empty:
            out.append(f"  ({w['none']})")
            continue
        if title == w["blocked"]:
            out += _blocked_text(report)
        else:
            out.append(render(table))
    return "\n".join(out) + "\n"


def _blocked_text(report: Report) -> list[str]:
    """One block per opportunity: the missing requirements are too long for a table row."""
    w = _WORDS[report.lang]
    out = []
    for r in report.blocked.head(_TEXT_ROWS).itertuples(index=False):
        out.append(f"{r.opportunity}  {r.account} · {r.name} · {r.step} · {_days(r.days_in_step)} {w['day_unit']}"
                   + (f" · {w['refused']} {r.refused}" if r.refused else ""))
        out += [f"    - {m} → {a}" for m, a in zip(r.missing, r.actions)]
    if len(report.blocked) > _TEXT_ROWS:
        out.append(w["more"].format(n=len(report.blocked) - _TEXT_ROWS))
    return out


def to_json(report: Report) -> str:
    return visible_json(json.dumps(report.to_dict(), ensure_ascii=False, indent=1)) + "\n"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;margin:2em;color:#1a202c}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #cbd5e0}
table{border-collapse:collapse;margin:.4em 0}td,th{padding:3px 10px;text-align:left;vertical-align:top}
th{background:#edf2f7}tr:nth-child(even) td{background:#f7fafc}.num{text-align:right}
.bar{display:inline-block;height:.8em;background:#3182ce;margin-right:6px}.meta{color:#4a5568}
ul{margin:0;padding-left:1.2em}
"""


def _html_table(table: pd.DataFrame, none: str) -> str:
    if table.empty:
        return f"<p>({escape(none)})</p>"
    head = "".join(f"<th>{escape(str(c))}</th>" for c in table.columns)
    rows = []
    for row in table.itertuples(index=False):
        cells = []
        for v in row:
            num = isinstance(v, (int, float)) and not isinstance(v, bool)
            cells.append(f"<td class='num'>{escape(str(v))}</td>" if num else f"<td>{escape(str(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _blocked_html(report: Report) -> str:
    w = _WORDS[report.lang]
    b = report.blocked
    if b.empty:
        return f"<p>({escape(w['none'])})</p>"
    head = "".join(f"<th>{escape(w[k])}</th>" for k in ("opportunity", "account", "step", "days", "refused", "missing"))
    rows = []
    for r in b.itertuples(index=False):
        items = "".join(f"<li>{escape(m)} → <i>{escape(a)}</i></li>" for m, a in zip(r.missing, r.actions))
        rows.append(f"<tr><td>{escape(r.opportunity)}</td><td>{escape(r.account)}<br><span class='meta'>"
                    f"{escape(r.name)}</span></td><td>{escape(r.step)}</td><td class='num'>{escape(_days(r.days_in_step))}"
                    f"</td><td class='num'>{int(r.refused)}</td><td><ul>{items}</ul></td></tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _funnel_html(report: Report) -> str:
    w = _WORDS[report.lang]
    s = report.by_step
    top = max(int(s["opportunities"].max()), 1)
    rows = "".join(
        f"<tr><td>{escape(r.label)}</td><td class='num'>{int(r.opportunities)}</td>"
        f"<td><span class='bar' style='width:{int(240 * r.opportunities / top)}px'></span></td>"
        f"<td>{escape(_money(r.amount))}</td></tr>" for r in s.itertuples(index=False))
    return (f"<table><tr><th>{escape(w['stage'])}</th><th>{escape(w['opportunities'])}</th><th></th>"
            f"<th>{escape(w['amount'])}</th></tr>{rows}</table>")


def to_html(report: Report) -> str:
    w = _WORDS[report.lang]
    as_of = _when(report.as_of) if report.as_of is not None else w["now"]
    overview = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in _overview_lines(report))
    parts = [f"<!DOCTYPE html><html lang='{'zh-CN' if report.lang == 'zh' else 'en'}'><head><meta charset='utf-8'>",
             f"<title>{escape(w['title'])}</title><style>{_CSS}</style></head><body>",
             f"<h1>{escape(w['title'])}</h1><p class='meta'>{escape(w['source'])}: {escape(report.source)} · "
             f"{escape(w['as_of'])}: {escape(as_of)}</p>",
             f"<h2>{escape(w['overview'])}</h2><table>{overview}</table>",
             f"<h2>{escape(w['by_step'])}</h2>{_funnel_html(report)}"]
    for title, table in _sections(report)[1:]:
        body = _blocked_html(report) if title == w["blocked"] else _html_table(table, w["none"])
        parts.append(f"<h2>{escape(title)}</h2>{body}")
    parts.append("</body></html>\n")
    return "".join(parts)
