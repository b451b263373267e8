"""The ``pursuit`` command line: batch jobs over events files and the store.

Exit codes: 0 done; 1 the input had problems (invalid events, skipped rows,
conflicts), reported line by line; 2 wrong usage or a file that cannot be read;
3 the store cannot be opened or written.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

from . import data
from .events import EventError, moment_us, read_jsonl
from .importer import MappingError, import_csv
from .options import resolve_lang
from .store import Store, StoreError
from .vocabulary import EventType, Verdict

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_STORE = 0, 1, 2, 3


def _say(args: argparse.Namespace, text: str) -> None:
    if not getattr(args, "quiet", False):
        print(text)


def _read(path: str):
    """The file's events and errors, or None (said on stderr) when it cannot be read."""
    try:
        return read_jsonl(path, on_error="collect")
    except OSError as err:
        print(f"{path}: cannot read: {err.strerror or err}", file=sys.stderr)
        return None


def _check(args: argparse.Namespace) -> int:
    bad = 0
    for path in args.files:
        result = _read(path)
        if result is None:
            return EXIT_USAGE
        for err in result.errors:
            print(f"{path}: {err}")
        bad += len(result.errors)
        print(f"{path}: {len(result.events)} valid events, {len(result.errors)} errors, {result.lines} lines")
    return EXIT_INVALID if bad else EXIT_OK


def _ingest_into(args: argparse.Namespace, store: Store, events, label: str, skip_invalid: bool = True) -> int:
    """Store events (a JSON Lines path, parsed while it is written, or a list). Input
    with unreadable events is refused whole (nothing stored) unless ``skip_invalid``;
    conflicts with stored events are reported either way."""
    try:
        summary = store.ingest(events, on_error="collect" if skip_invalid else "raise", on_conflict="collect",
                               batch_size=args.batch_size, source=label,
                               progress=not args.quiet and sys.stderr.isatty())
    except EventError:
        # Only a file can get here (a list is collected). Nothing was stored: name every error.
        result = _read(events)
        for err in result.errors if result else []:
            print(f"{events}: {err}", file=sys.stderr)
        print(f"{events}: {len(result.errors) if result else 'some'} invalid events; nothing stored from this file "
              "(fix them, or pass --skip-invalid to store the valid ones)", file=sys.stderr)
        return EXIT_INVALID
    for err in summary.errors + summary.conflicts:
        print(f"{label}: {err}", file=sys.stderr)
    _say(args, f"{label}: {summary.inserted} new events stored, {summary.duplicates} already stored"
               + (f", {len(summary.conflicts)} conflicts" if summary.conflicts else "")
               + (f", {len(summary.errors)} invalid events skipped" if summary.errors else ""))
    return EXIT_OK if summary.ok else EXIT_INVALID


def _ingest(args: argparse.Namespace) -> int:
    store = Store(args.db)
    worst = EXIT_OK
    for path in args.files:
        try:
            with open(path, "rb"):
                pass
        except OSError as err:
            print(f"{path}: cannot read: {err.strerror or err}", file=sys.stderr)
            return EXIT_USAGE
        worst = max(worst, _ingest_into(args, store, path, os.path.basename(path), args.skip_invalid))
    return worst


def _write(args: argparse.Namespace, text: str) -> None:
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def _report(args: argparse.Namespace) -> int:
    from .report import from_store
    from .report_format import to_html, to_json, to_text

    report = from_store(Store(args.db, read_only=True), as_of=args.as_of, lang=args.lang, threads=args.threads,
                        since=args.since, weights=args.weights)
    render = {"table": to_text, "json": to_json, "html": to_html}[args.format]
    _write(args, render(report))
    return EXIT_OK


def _explain(args: argparse.Namespace) -> int:
    store = Store(args.db, read_only=True)
    try:
        opp = store.opportunity(args.opportunity, as_of=args.as_of)
    except KeyError:
        print(f"{args.db}: no events for opportunity {args.opportunity!r}", file=sys.stderr)
        return EXIT_INVALID
    lang = resolve_lang(args.lang)
    print(opp.explain(lang))
    history = opp.history.tail(args.history)
    if len(history):
        print("\n" + ("最近记录" if lang == "zh" else "Recent history"))
        for row in history.itertuples():
            reason = f" — {row.reason}" if row.reason else ""
            print(f"  {row.at:%Y-%m-%d %H:%M} UTC  {EventType(row.type).label(lang)}: {Verdict(row.verdict).label(lang)}"
                  f"{reason}")
    return EXIT_OK


def _calibrate(args: argparse.Namespace) -> int:
    from .model import FEATURES, calibrate

    features = tuple(args.features.split(",")) if args.features else tuple(FEATURES)
    try:
        c = calibrate(Store(args.db, read_only=True), args.split, features=features)
    except ValueError as err:
        print(f"pursuit: {err}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{args.db}: fitted on {c.n_train} closed by {args.split}; scored {c.n_test} open then and closed since")
    print(f"Brier score (lower is better): win model {c.brier_model:.3f}, stage priors {c.brier_prior:.3f}"
          f" -> {'the model' if c.brier_model < c.brier_prior else 'the stage priors'} did better")
    rel = c.reliability.rename(columns={"n_model": "n (model)", "mean_predicted_model": "predicted (model)",
                                        "win_rate_model": "won (model)", "n_prior": "n (prior)",
                                        "mean_predicted_prior": "predicted (prior)", "win_rate_prior": "won (prior)"})
    from ._table import render

    print(render(rel.round(3).astype(object).where(rel.notna(), "-")))
    return EXIT_OK


def _import_csv(args: argparse.Namespace) -> int:
    try:
        result = import_csv(args.csv, args.mapping)
    except OSError as err:
        print(f"{err.filename or args.csv}: cannot read: {err.strerror or err}", file=sys.stderr)
        return EXIT_USAGE
    except MappingError as err:
        print(err, file=sys.stderr)
        return EXIT_USAGE
    s = result.summary()
    print(f"{args.csv}: {s['rows']} rows: {s['imported']} imported as {s['events']} events, {s['skipped']} skipped")
    for issue in result.skipped:
        print(f"  skipped line {issue.line} ({issue.row_id or 'no id'}), column {issue.field!r}: {issue.message}")
    for message, n in s["notes"].items():
        print(f"  note: {message} ({n} row{'' if n == 1 else 's'})")
    if args.verbose:
        for issue in result.notes:
            print(f"  line {issue.line} ({issue.row_id}), column {issue.field!r}: {issue.message}")
    if args.out:
        import json

        with open(args.out, "w", encoding="utf-8") as f:
            for e in result.events:
                f.write(json.dumps(e, ensure_ascii=False) + "\n")
        print(f"wrote {len(result.events)} events to {args.out}")
    status = EXIT_INVALID if result.skipped else EXIT_OK
    if args.db:
        store = Store(args.db)
        if result.playbook is not None:
            store.playbook = result.playbook
            print(f"{args.db}: replays with playbook {result.playbook.name!r}")
        status = max(status, _ingest_into(args, store, result.events, os.path.basename(args.csv)))
    return status


_HOW_TO_READ = {
    "en": "How to read it: an opportunity moves to its next step only when the evidence its gate asks for is "
          "recorded (access to the people who decide, the buyer's commitments …). The blocked ones below are each "
          "missing some of it, with what to do next; risk flags warn of what could lose a deal.",
    "zh": "阅读方法：只有记录了关口所要求的进展证据（接触到决策者、客户的投入……），机会才能进入下一步。"
          "下面卡在关口的机会各自缺少部分证据，并列出下一步行动；风险标记提示可能导致失去机会的因素。",
}


def _demo(args: argparse.Namespace) -> int:
    from .report import from_store
    from .report_format import to_html, to_text

    store = Store(args.db)
    args.quiet = True
    _ingest_into(args, store, str(data.sample_events_path()), "sample-events.jsonl", skip_invalid=False)
    stats = store.stats()
    print(f"pursuit demo: the bundled sample in {args.db} — {stats.events} events on "
          f"{stats.opportunities} opportunities\n")
    report = from_store(store, lang=args.lang)
    print(_HOW_TO_READ[resolve_lang(args.lang)] + "\n")
    print(to_text(report))
    Path(args.html).write_text(to_html(report), encoding="utf-8")
    print(f"The same report as one HTML file: {args.html}")
    print(f"Next: pursuit explain {report.blocked['opportunity'].iloc[0] if len(report.blocked) else '<id>'} "
          f"--db {args.db}   (why it is blocked and what to do)")
    return EXIT_OK


def _as_of(text: str) -> str:
    try:
        moment_us(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date or time: {text!r} (use YYYY-MM-DD or ISO-8601)")
    return text


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, not {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pursuit", description="Sales opportunity management (销售机会管理) as a verified state machine.",
        epilog="Exit codes: 0 done; 1 problems in the input (reported); 2 usage or unreadable file; "
               "3 the store cannot be used.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def db(p: argparse.ArgumentParser, required: bool = True) -> None:
        p.add_argument("--db", required=required, metavar="FILE", help="the SQLite event store")

    def lang(p: argparse.ArgumentParser) -> None:
        p.add_argument("--lang", choices=("en", "zh"), default=None, help="labels in English or Chinese")

    def batches(p: argparse.ArgumentParser) -> None:
        p.add_argument("--batch-size", type=_positive, default=10_000, help="events per transaction (default 10000)")
        p.add_argument("--quiet", action="store_true", help="no progress bar or summary lines")

    p = sub.add_parser("check", help="validate events files (JSON Lines); report every error")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(run=_check)

    p = sub.add_parser("ingest", help="append events files to the store (idempotent)",
                       description="Append JSON Lines events files to the store. Events already stored are "
                                   "skipped; a file with invalid events is refused whole unless --skip-invalid.")
    p.add_argument("files", nargs="+", metavar="FILE")
    db(p)
    batches(p)
    p.add_argument("--skip-invalid", action="store_true", help="store a file's valid events; report the rest")
    p.set_defaults(run=_ingest)

    p = sub.add_parser("report", help="the pipeline report: by step and buyer stage, blocked, fall-backs, durations")
    db(p)
    p.add_argument("--as-of", type=_as_of, help="the pipeline as it stood then (a date means the end of that day)")
    lang(p)
    p.add_argument("--format", choices=("table", "json", "html"), default="table")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of the terminal")
    p.add_argument("--threads", type=_positive, default=1, help="replay threads")
    p.add_argument("--since", type=_as_of, help="add what moved since this date (the waterfall)")
    p.add_argument("--weights", choices=("prior", "model"), default="prior",
                   help="weight the forecast by the playbook's stage priors (default) or a win model fitted on the closed deals")
    p.set_defaults(run=_report)

    p = sub.add_parser("explain", help="where one opportunity stands, what its next gate is missing, what to do")
    p.add_argument("opportunity")
    db(p)
    p.add_argument("--as-of", type=_as_of)
    lang(p)
    p.add_argument("--history", type=_positive, default=8, help="recent history rows to show (default 8)")
    p.set_defaults(run=_explain)

    p = sub.add_parser("calibrate", help="is the win model better than the stage priors? a time split on the store",
                       description="Fit the win model on what had closed by SPLIT, score the opportunities open at "
                                   "SPLIT that have closed since, and compare Brier scores and a reliability table "
                                   "with the playbook's stage priors.")
    db(p)
    p.add_argument("--split", type=_as_of, required=True, metavar="DATE")
    p.add_argument("--features", help="comma-separated feature families (default: all): "
                                      "steps,buyer,evidence,roles,flags,owner,segments")
    p.set_defaults(run=_calibrate)

    p = sub.add_parser("import-csv", help="turn a CRM export (CSV) into events through a column mapping",
                       description="Every row is imported or reported with its reason. --mapping is a JSON file "
                                   "or a bundled name: " + ", ".join(data.MAPPINGS))
    p.add_argument("csv", metavar="CSV")
    p.add_argument("--mapping", default="maven", help="mapping JSON file or bundled name (default: maven)")
    p.add_argument("--out", metavar="FILE", help="write the events as JSON Lines")
    db(p, required=False)
    batches(p)
    p.add_argument("--verbose", action="store_true", help="list every note, row by row")
    p.set_defaults(run=_import_csv)

    p = sub.add_parser("demo", help="ingest the bundled sample into a store, print its report, write it as HTML")
    p.add_argument("--db", default="demo.db", metavar="FILE", help="default: demo.db")
    p.add_argument("--html", default="demo-report.html", metavar="FILE", help="default: demo-report.html")
    lang(p)
    p.add_argument("--batch-size", type=_positive, default=10_000, help=argparse.SUPPRESS)
    p.set_defaults(run=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except StoreError as err:
        print(f"pursuit: {err}", file=sys.stderr)
        return EXIT_STORE
    except EventError as err:
        print(f"pursuit: {err}", file=sys.stderr)
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
