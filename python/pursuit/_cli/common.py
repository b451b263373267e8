"""What the commands share: exit codes, reading an events file, opening the
store, writing an output."""

from __future__ import annotations

import argparse
import sys

from .._files import STDOUT, OutputError, atomic_write
from .._terminal import both, say
from ..events import EventFile, read_jsonl
from ..store import Store

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_STORE = 0, 1, 2, 3
EXIT_INTERRUPTED = 130        # 128 + SIGINT, as a shell reports Ctrl-C
EXIT_OUTPUT_CLOSED = 141      # 128 + SIGPIPE: the reader went away (`| head`)


def quiet_say(args: argparse.Namespace, text: str) -> None:
    if not getattr(args, "quiet", False):
        say(text)


def cannot_read(path: str, err: OSError) -> None:
    say(f"{path}: " + both(f"cannot read: {err.strerror or err}", f"无法读取：{err.strerror or err}"), err=True)


def read_events(path: str) -> EventFile | None:
    """The file's events and errors, or None (said on stderr) when it cannot be read."""
    try:
        return read_jsonl(path, on_error="collect")
    except OSError as err:
        cannot_read(path, err)
        return None


def open_store(args: argparse.Namespace, *, read_only: bool = False) -> Store:
    """The store named by --db, waiting up to --wait seconds for another process's lock."""
    return Store(args.db, read_only=read_only, timeout=args.wait)


def write_file(out: str, text: str) -> None:
    """``text`` written atomically to ``out`` (checked beforehand against the
    command's inputs by guard_output); a file that cannot be written is an OutputError."""
    try:
        atomic_write(out, text)
    except OSError as err:
        reason = err.strerror or str(err)
        raise OutputError(f"{out}: " + both(f"cannot write: {reason}", f"无法写入：{reason}")) from err


def write_output(out: str | None, text: str) -> None:
    """The command's output: to standard output (no --out, or --out -), or to a file."""
    if out is None or out == STDOUT:
        sys.stdout.write(text)
        return
    write_file(out, text)
    say(both(f"wrote {out}", f"已写入 {out}"), err=True)
