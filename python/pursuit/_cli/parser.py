"""The command line's arguments."""

from __future__ import annotations

import argparse
import math

from .. import data
from ..events import moment_us
from ..store import DEFAULT_TIMEOUT
from . import check as _check, commands as _commands


def _as_of(text: str) -> str:
    try:
        moment_us(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date or time: {text!r} (use YYYY-MM-DD or ISO-8601) "
                                         f"/ 不是日期或时间：{text!r}（请用 YYYY-MM-DD 或 ISO-8601）")
    return text


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, not {text!r} / 应为 >= 1 的整数，而不是 {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (value >= 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, not {text!r} / 应为 >= 0 的秒数，而不是 {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pursuit", description="Sales opportunity management (销售机会管理) as a verified state machine.",
        epilog="Exit codes: 0 done; 1 problems in the input (reported); 2 usage or unreadable file; "
               "3 the store cannot be used, or an internal error; 130 interrupted; 141 the output was closed (| head). "
               "退出码：0 完成；1 输入有问题（已列出）；2 用法错误或文件无法读取；3 存储无法使用或内部错误；"
               "130 被中断；141 输出被关闭（| head）。")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def db(p: argparse.ArgumentParser, required: bool = True, help: str = "the SQLite event store") -> None:
        p.add_argument("--db", required=required, metavar="FILE", help=help)
        p.add_argument("--wait", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                       help=f"how long to wait while another process writes the store (default {DEFAULT_TIMEOUT:g})")

    def lang(p: argparse.ArgumentParser) -> None:
        p.add_argument("--lang", choices=("en", "zh"), default=None, help="labels in English or Chinese")

    def batches(p: argparse.ArgumentParser) -> None:
        p.add_argument("--batch-size", type=_positive, default=10_000, help="events per transaction (default 10000)")
        p.add_argument("--quiet", action="store_true", help="no progress bar or summary lines")

    p = sub.add_parser("check", help="validate events files (JSON Lines); report every error and every event "
                                     "the replay would reject",
                       description="Validate JSON Lines events files: every error with its line and field, then "
                                   "every valid event that ingest or the replay would reject (no `open`, an id "
                                   "stored with other content, an unknown contact …) with its line, id and reason. "
                                   "With --db the store's events are replayed first. Nothing is written.")
    p.add_argument("files", nargs="+", metavar="FILE")
    db(p, required=False, help="replay after this store's events, with its playbook (read only)")
    p.add_argument("--playbook", metavar="FILE", help="the playbook JSON to replay with (default: the store's, or "
                                                      "the default playbook)")
    p.set_defaults(run=_check.check)

    p = sub.add_parser("ingest", help="append events files to the store (idempotent)",
                       description="Append JSON Lines events files to the store. Events already stored are "
                                   "skipped; a file with invalid events is refused whole unless --skip-invalid. "
                                   "A second writer waits for the first (see --wait).")
    p.add_argument("files", nargs="+", metavar="FILE")
    db(p)
    batches(p)
    p.add_argument("--skip-invalid", action="store_true", help="store a file's valid events; report the rest")
    p.set_defaults(run=_commands.ingest)

    p = sub.add_parser("report", help="the pipeline report: by step and buyer stage, blocked, fall-backs, durations")
    db(p)
    p.add_argument("--as-of", type=_as_of, help="the pipeline as it stood then (a date means the end of that day)")
    lang(p)
    p.add_argument("--format", choices=("table", "json", "html"), default="table")
    p.add_argument("--out", metavar="FILE", help="write to FILE (atomically; never the store) instead of the "
                                                 "terminal; - is standard output")
    p.add_argument("--threads", type=_positive, default=None, help="replay threads (default: every core)")
    p.add_argument("--since", type=_as_of, help="add what moved since this date (the waterfall)")
    p.add_argument("--weights", choices=("prior", "model"), default="prior",
                   help="weight the forecast by the playbook's stage priors (default) or a win model fitted on the closed deals")
    p.set_defaults(run=_commands.report)

    p = sub.add_parser("explain", help="where one opportunity stands, what its next gate is missing, what to do, "
                                       "and its rejected events")
    p.add_argument("opportunity")
    db(p)
    p.add_argument("--as-of", type=_as_of)
    lang(p)
    p.add_argument("--history", type=_positive, default=8, help="recent history rows to show (default 8)")
    p.set_defaults(run=_check.explain)

    p = sub.add_parser("calibrate", help="is the win model better than the stage priors? a time split on the store",
                       description="Fit the win model on what had closed by SPLIT, score the opportunities open at "
                                   "SPLIT that have closed since, and compare Brier scores and a reliability table "
                                   "with the playbook's stage priors.")
    db(p)
    p.add_argument("--split", type=_as_of, required=True, metavar="DATE")
    p.add_argument("--features", help="comma-separated feature families (default: all): "
                                      "steps,buyer,evidence,roles,flags,owner,segments")
    p.set_defaults(run=_commands.calibrate)

    p = sub.add_parser("import-csv", help="turn a CRM export (CSV) into events through a column mapping",
                       description="Every row is imported or reported with its reason. --mapping is a JSON file "
                                   "or a bundled name: " + ", ".join(data.MAPPINGS))
    p.add_argument("csv", metavar="CSV")
    p.add_argument("--mapping", default="maven", help="mapping JSON file or bundled name (default: maven)")
    p.add_argument("--out", metavar="FILE", help="write the events as JSON Lines (atomically; never an input or "
                                                 "the store); - is standard output")
    db(p, required=False)
    batches(p)
    p.add_argument("--verbose", action="store_true", help="list every note, row by row")
    p.set_defaults(run=_commands.import_csv_command)

    p = sub.add_parser("demo", help="ingest the bundled sample into a store, print its report, write it as HTML")
    p.add_argument("--db", default="demo.db", metavar="FILE", help="default: demo.db")
    p.add_argument("--wait", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS", help=argparse.SUPPRESS)
    p.add_argument("--html", default="demo-report.html", metavar="FILE", help="default: demo-report.html")
    lang(p)
    p.add_argument("--batch-size", type=_positive, default=10_000, help=argparse.SUPPRESS)
    p.set_defaults(run=_commands.demo)
    return parser
