"""``pursuit check`` and ``pursuit explain``: what a replay does with events, and why.

``check`` dry-runs each file the way ``pursuit ingest`` and then the report take
it: ids already stored with the same content are skipped, with other content
refused; the rest are replayed with the events already known (the store's with
``--db``, and the files before) in replay order, and every event the replay
rejects is listed with its line, id and reason. Nothing is written.
"""

from __future__ import annotations

import argparse
import json
from typing import Iterable

import pandas as pd

from .._terminal import both, say, visible, visible_lines
from ..events import Event
from ..options import resolve_lang
from ..pipeline import Pipeline
from ..playbook import Playbook
from ..vocabulary import EventType, Verdict
from .common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, cannot_read, open_store, read_events


def _line_numbers(path: str, ids: set[str]) -> dict[str, int]:
    """The line of each of ``ids`` in a JSON Lines file (read again only when some
    event was rejected: the reader's events do not carry their line)."""
    found: dict[str, int] = {}
    with open(path, "rb") as f:
        for n, raw in enumerate(f, start=1):
            try:
                doc = json.loads(raw.decode("utf-8-sig" if n == 1 else "utf-8"))
            except ValueError:
                continue
            if isinstance(doc, dict) and doc.get("id") in ids and doc["id"] not in found:
                found[doc["id"]] = n
                if len(found) == len(ids):
                    break
    return found


def _rejections(known: list[Event], new: list[Event], playbook: Playbook) -> pd.DataFrame:
    """The replay's rejected events among ``new``, replayed after ``known`` (one
    batch, in replay order, as the report replays the store once they are stored)."""
    pipeline = Pipeline(playbook)
    pipeline.apply(known + new)
    outcomes = pipeline.outcomes()
    ids = {e.id for e in new}
    return outcomes[(outcomes["verdict"] == Verdict.REJECTED.value) & outcomes["event_id"].isin(ids)]


def check(args: argparse.Namespace) -> int:
    try:
        playbook = Playbook.load(args.playbook) if args.playbook else None
    except OSError as err:
        cannot_read(args.playbook, err)
        return EXIT_USAGE
    except ValueError as err:  # PlaybookError names the key; not UTF-8 is a ValueError too
        say(f"{args.playbook}: " + both(f"not a playbook: {err}", f"不是有效的行动手册：{err}"), err=True)
        return EXIT_USAGE
    known: list[Event] = []
    if args.db:
        store = open_store(args, read_only=True)
        playbook = playbook or store.playbook
        known = store.events()
    playbook = playbook or Playbook.default()
    stored = {e.id: e for e in known}
    worst = EXIT_OK
    for path in args.files:
        result = read_events(path)
        if result is None:
            return EXIT_USAGE
        for err in result.errors:
            say(f"{path}: {err}")
        new, conflicts = [], []
        for e in result.events:
            before = stored.get(e.id)
            if before is None:
                new.append(e)
            elif before.to_json() != e.to_json():
                conflicts.append(e)  # ingest refuses it; the same content would be skipped
        rejected = _rejections(known, new, playbook)
        lines = _line_numbers(path, {e.id for e in conflicts} | set(rejected["event_id"])) \
            if conflicts or len(rejected) else {}
        problems = [(e.id, e.opportunity, both("already stored with different content (ingest refuses it)",
                                               "已以不同内容存储（导入会拒绝）")) for e in conflicts]
        by_id = {e.id: e for e in new}  # an unknown opportunity has no row of its own: name it from the event
        problems += [(r.event_id, by_id[r.event_id].opportunity, r.reason) for r in rejected.itertuples()]
        for id, opportunity, reason in sorted(problems, key=lambda p: lines.get(p[0], 0)):
            where = f"event {id!r} (line {lines[id]})" if id in lines else f"event {id!r}"
            say(f"{path}: {where}, opportunity {opportunity!r}: "
                + both("rejected on replay", "重放时被拒收") + f": {reason}")
        say(f"{path}: {len(result.events)} valid events, {len(result.errors)} errors, {result.lines} lines, "
            f"{len(problems)} rejected on replay / 有效事件 {len(result.events)} 个，错误 {len(result.errors)} 个，"
            f"共 {result.lines} 行，重放时被拒收 {len(problems)} 个")
        if result.errors or problems:
            worst = EXIT_INVALID
        known = known + new  # a later file is checked as if this one were stored
        stored.update((e.id, e) for e in new)
    return worst


_WORDS = {
    "en": {"recent": "Recent history", "rejected": "Rejected events (not applied; fix or resend them)",
           "no_open": "{id}: {n} stored events, but none opens it: no `open` event, so every one was rejected"},
    "zh": {"recent": "最近记录", "rejected": "被拒收的事件（未应用；请修正或重新发送）",
           "no_open": "{id}：已存 {n} 个事件，但没有 `open` 事件开启它，因此全部被拒收"},
}


def _rejected_lines(rejected: pd.DataFrame, lang: str) -> Iterable[str]:
    for r in rejected.itertuples():
        yield (f"  {r.at:%Y-%m-%d %H:%M} UTC  {visible(r.event_id)} ({EventType(r.type).label(lang)}): "
               f"{visible(r.reason)}")


def explain(args: argparse.Namespace) -> int:
    store = open_store(args, read_only=True)
    lang = resolve_lang(args.lang)
    w = _WORDS[lang]
    outcomes = store.outcomes(args.opportunity, as_of=args.as_of)
    if not len(outcomes):
        say(f"{args.db}: " + both(f"no events for opportunity {args.opportunity!r}",
                                  f"没有机会 {args.opportunity!r} 的事件"), err=True)
        return EXIT_INVALID
    rejected = outcomes[outcomes["verdict"] == Verdict.REJECTED.value]
    try:
        opp = store.opportunity(args.opportunity, as_of=args.as_of)
    except KeyError:  # it has events, but none of them opened it
        print(visible_lines(w["no_open"].format(id=visible(args.opportunity), n=len(outcomes))))
        print("\n" + w["rejected"])
        print(visible_lines("\n".join(_rejected_lines(rejected, lang))))
        return EXIT_INVALID
    print(visible_lines(opp.explain(lang)))
    history = opp.history.tail(args.history)
    if len(history):
        print("\n" + w["recent"])
        for row in history.itertuples():
            reason = f" — {visible(row.reason)}" if row.reason else ""
            print(f"  {row.at:%Y-%m-%d %H:%M} UTC  {EventType(row.type).label(lang)}: {Verdict(row.verdict).label(lang)}"
                  f"{reason}")
    if len(rejected):
        print("\n" + w["rejected"])
        print(visible_lines("\n".join(_rejected_lines(rejected, lang))))
    return EXIT_OK
