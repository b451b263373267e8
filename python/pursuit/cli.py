"""The ``pursuit`` command line."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from . import data
from .events import read_jsonl
from .pipeline import Pipeline
from .summary import standing, summarize

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _check(args: argparse.Namespace) -> int:
    bad = 0
    for path in args.files:
        try:
            result = read_jsonl(path, on_error="collect")
        except OSError as err:
            print(f"{path}: cannot read: {err.strerror or err}", file=sys.stderr)
            return EXIT_USAGE
        for err in result.errors:
            print(f"{path}: {err}")
        bad += len(result.errors)
        print(f"{path}: {len(result.events)} valid events, {len(result.errors)} errors, {result.lines} lines")
    return EXIT_INVALID if bad else EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    path = data.sample_events_path()
    result = read_jsonl(path, on_error="collect")
    if result.errors:
        for err in result.errors:
            print(err, file=sys.stderr)
        return EXIT_INVALID
    opportunities = len({e.opportunity for e in result})
    print(f"pursuit demo: the bundled sample, {len(result)} valid events on {opportunities} opportunities\n")
    print(summarize(result, lang=args.lang))
    pipeline = Pipeline()
    pipeline.apply(result.events)
    print(f"\n{standing(pipeline, args.lang)}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pursuit", description="Sales opportunity management (销售机会管理).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = sub.add_parser("check", help="validate events files (JSON Lines); report every error")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.set_defaults(run=_check)
    demo = sub.add_parser("demo", help="summarise the bundled sample events")
    demo.add_argument("--lang", choices=("en", "zh"), default="en")
    demo.set_defaults(run=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
