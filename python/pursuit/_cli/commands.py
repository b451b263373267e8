"""The commands that write the store or a report: ingest, report, calibrate,
import-csv, demo (check and explain are in ``check``)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path

from .. import data
from .._files import STDOUT, guard_output
from .._terminal import both, say, visible_json, visible_lines
from ..events import EventError
from ..importer import MappingError, import_csv, load_mapping
from ..options import resolve_lang
from ..store import Store, StoreWarning
from .common import (EXIT_INVALID, EXIT_OK, EXIT_USAGE, cannot_read, open_store, quiet_say, read_events,
                      write_file, write_output)


CONFLICT = "an event with this id is already stored with different content"  # the store's reason


def ingest_into(args: argparse.Namespace, store: Store, events, label: str, skip_invalid: bool = True) -> int:
    """Store events (a JSON Lines path, parsed while it is written, or a list). Input
    with unreadable events or ids stored with other content is refused whole (nothing
    stored) unless ``skip_invalid``, which stores the rest and lists every problem."""
    policy = "collect" if skip_invalid else "raise"
    try:
        summary = store.ingest(events, on_error=policy, on_conflict=policy,
                               batch_size=args.batch_size, source=label,
                               progress=not args.quiet and sys.stderr.isatty())
    except EventError as raised:
        if raised.reason == CONFLICT:
            say(f"{label}: {raised}", err=True)
            say(f"{label}: " + both("an id is already stored with other content; nothing stored from this file "
                                    "(fix it, or pass --skip-invalid to store the rest and list every conflict)",
                                    "有事件 id 已以不同内容存入；此文件未存入任何事件（请修正，或加 --skip-invalid "
                                    "存入其余事件并列出全部冲突）"), err=True)
            return EXIT_INVALID
        # Only a file can get here (a list is collected). Nothing was stored: name every error.
        # (`if result` would be wrong: a file whose every line is bad has no events, so is falsy.)
        result = read_events(events)
        errors = result.errors if result is not None and result.errors else [raised]
        for err in errors:
            say(f"{events}: {err}", err=True)
        say(f"{events}: " + both(f"{len(errors)} invalid events; nothing stored from this file "
                                 "(fix them, or pass --skip-invalid to store the valid ones)",
                                 f"{len(errors)} 个无效事件；此文件未存入任何事件（请修正，或加 --skip-invalid 只存入有效事件）"),
            err=True)
        return EXIT_INVALID
    for err in summary.errors + summary.conflicts:
        say(f"{label}: {err}", err=True)
    en = (f"{summary.inserted} new events stored, {summary.duplicates} already stored"
          + (f", {len(summary.conflicts)} conflicts" if summary.conflicts else "")
          + (f", {len(summary.errors)} invalid events skipped" if summary.errors else ""))
    zh = (f"新存入 {summary.inserted} 个事件，{summary.duplicates} 个已存在"
          + (f"，{len(summary.conflicts)} 个冲突" if summary.conflicts else "")
          + (f"，跳过 {len(summary.errors)} 个无效事件" if summary.errors else ""))
    quiet_say(args, f"{label}: " + both(en, zh))
    return EXIT_OK if summary.ok else EXIT_INVALID


def ingest(args: argparse.Namespace) -> int:
    for path in args.files:  # every file readable before the store is opened (or created)
        try:
            with open(path, "rb"):
                pass
        except OSError as err:
            cannot_read(path, err)
            return EXIT_USAGE
    store = open_store(args)
    worst = EXIT_OK
    for path in args.files:
        worst = max(worst, ingest_into(args, store, path, os.path.basename(path), args.skip_invalid))
    return worst


def report(args: argparse.Namespace) -> int:
    from ..report import from_store
    from ..report_format import to_html, to_json, to_text

    guard_output(args.out, store=args.db)
    # A damaged row must not hide the whole pipeline: report the rest, and say what was skipped.
    with warnings.catch_warnings(record=True) as skipped:
        warnings.simplefilter("always", StoreWarning)
        rep = from_store(open_store(args, read_only=True), as_of=args.as_of, lang=args.lang, threads=args.threads,
                         since=args.since, weights=args.weights, on_error="collect")
    render = {"table": to_text, "json": to_json, "html": to_html}[args.format]
    write_output(args.out, render(rep))
    problems = {str(w.message) for w in skipped if issubclass(w.category, StoreWarning)}
    for message in sorted(problems):
        say(f"{args.db}: {message}", err=True)
    return EXIT_INVALID if problems else EXIT_OK


def calibrate(args: argparse.Namespace) -> int:
    from .._table import render
    from ..model import FEATURES, calibrate as calibrate_model

    features = tuple(args.features.split(",")) if args.features else tuple(FEATURES)
    try:
        c = calibrate_model(open_store(args, read_only=True), args.split, features=features)
    except ValueError as err:
        say(f"pursuit: {err}", err=True)
        return EXIT_USAGE
    say(f"{args.db}: " + both(f"fitted on {c.n_train} closed by {args.split}; "
                              f"scored {c.n_test} open then and closed since",
                              f"以 {args.split} 前关闭的 {c.n_train} 个机会训练；"
                              f"对当时在途、之后关闭的 {c.n_test} 个评分"))
    better = c.brier_model < c.brier_prior
    say(both(f"Brier score (lower is better): win model {c.brier_model:.3f}, stage priors {c.brier_prior:.3f}"
             f" -> {'the model' if better else 'the stage priors'} did better",
             f"Brier 分数（越低越好）：赢单模型 {c.brier_model:.3f}，阶段先验 {c.brier_prior:.3f}"
             f" -> {'模型' if better else '阶段先验'}更好"))
    rel = c.reliability.rename(columns={"n_model": "n (model)", "mean_predicted_model": "predicted (model)",
                                        "win_rate_model": "won (model)", "n_prior": "n (prior)",
                                        "mean_predicted_prior": "predicted (prior)", "win_rate_prior": "won (prior)"})
    print(visible_lines(render(rel.round(3).astype(object).where(rel.notna(), "-"))))
    return EXIT_OK


def _import_inputs(csv: str, mapping: str) -> list[str]:
    """Every file import-csv reads: the CSV, the mapping and the files it names."""
    doc = load_mapping(mapping)
    base, csv_dir = Path(doc.get("_base", ".")), Path(csv).parent
    inputs = [csv] + ([mapping] if mapping not in data.MAPPINGS else [])
    lookups = [(spec or {}).get("lookup") or {} for spec in (doc.get("segments") or {}).values()]
    for ref in [doc.get("products") or {}] + lookups:
        if isinstance(ref, dict) and ref.get("file"):
            inputs.append(str(ref["file"] if Path(ref["file"]).is_absolute() else csv_dir / ref["file"]))
    if doc.get("playbook") and doc["playbook"] not in data.PLAYBOOKS:
        inputs.append(str(base / doc["playbook"]))
    return inputs


def import_csv_command(args: argparse.Namespace) -> int:
    try:
        guard_output(args.out, store=args.db, inputs=_import_inputs(args.csv, args.mapping))
        result = import_csv(args.csv, args.mapping)
    except OSError as err:
        cannot_read(err.filename or args.csv, err)
        return EXIT_USAGE
    except MappingError as err:
        say(err, err=True)
        return EXIT_USAGE
    to_stdout = args.out == STDOUT  # then the events are the output, and what is said goes to stderr
    s = result.summary()
    say(f"{args.csv}: " + both(f"{s['rows']} rows: {s['imported']} imported as {s['events']} events, "
                               f"{s['skipped']} skipped",
                               f"共 {s['rows']} 行：导入 {s['imported']} 行（{s['events']} 个事件），跳过 {s['skipped']} 行"),
        err=to_stdout)
    for issue in result.skipped:
        say(f"  skipped line {issue.line} ({issue.row_id or 'no id'}), column {issue.field!r}: {issue.message}",
            err=to_stdout)
    for message, n in s["notes"].items():
        say(f"  note: {message} ({n} row{'' if n == 1 else 's'})", err=to_stdout)
    if args.verbose:
        for issue in result.notes:
            say(f"  line {issue.line} ({issue.row_id}), column {issue.field!r}: {issue.message}", err=to_stdout)
    if args.out:
        write_output(args.out, visible_json("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in result.events)))
    status = EXIT_INVALID if result.skipped else EXIT_OK
    if args.db:
        store = open_store(args)
        if result.playbook is not None:
            store.playbook = result.playbook
            say(f"{args.db}: " + both(f"replays with playbook {result.playbook.name!r}",
                                      f"以行动手册 {result.playbook.name!r} 重放"))
        status = max(status, ingest_into(args, store, result.events, os.path.basename(args.csv)))
    return status


_DEMO = {
    "en": {"how": "How to read it: an opportunity moves to its next step only when the evidence its gate asks for is "
                  "recorded (access to the people who decide, the buyer's commitments …). The blocked ones below are "
                  "each missing some of it, with what to do next; risk flags warn of what could lose a deal.",
           "head": "pursuit demo: the bundled sample in {db} — {events} events on {opps} opportunities",
           "html": "The same report as one HTML file: {html}",
           "next": "Next: pursuit explain {id} --db {db}   (why it is blocked and what to do)"},
    "zh": {"how": "阅读方法：只有记录了关口所要求的进展证据（接触到决策者、客户的投入……），机会才能进入下一步。"
                  "下面卡在关口的机会各自缺少部分证据，并列出下一步行动；风险标记提示可能导致失去机会的因素。",
           "head": "pursuit 演示：内置样例存于 {db} — {opps} 个机会，共 {events} 个事件",
           "html": "同一份报告的 HTML 文件：{html}",
           "next": "下一步：pursuit explain {id} --db {db}   （为何卡住、该做什么）"},
}


def demo(args: argparse.Namespace) -> int:
    from ..report import from_store
    from ..report_format import to_html, to_text

    guard_output(args.html, store=args.db, option="--html")
    w = _DEMO[resolve_lang(args.lang)]
    store = open_store(args)
    args.quiet = True
    ingest_into(args, store, str(data.sample_events_path()), "sample-events.jsonl", skip_invalid=False)
    stats = store.stats()
    say(w["head"].format(db=args.db, events=stats.events, opps=stats.opportunities))
    rep = from_store(store, lang=args.lang)
    print("\n" + w["how"] + "\n")
    print(to_text(rep))
    write_file(args.html, to_html(rep))
    say(w["html"].format(html=args.html))
    say(w["next"].format(id=rep.blocked["opportunity"].iloc[0] if len(rep.blocked) else "<id>", db=args.db))
    return EXIT_OK
