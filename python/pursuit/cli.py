"""The ``pursuit`` command line: batch jobs over events files and the store.

Exit codes: 0 done; 1 the input had problems (invalid events, skipped rows,
conflicts, events the replay rejects), reported line by line; 2 wrong usage, a
file that cannot be read, or an output that would overwrite an input; 3 the
store cannot be opened or written, or an internal error (one line, never a
traceback unless ``PURSUIT_DEBUG=1``); 130 interrupted (Ctrl-C); 141 the output
was closed early (``pursuit report … | head``).

The commands live in ``pursuit._cli``: ``check`` (check, explain), ``commands``
(ingest, report, calibrate, import-csv, demo); ``parser`` holds the arguments.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Sequence

from ._cli.common import EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, EXIT_OUTPUT_CLOSED, EXIT_STORE, EXIT_USAGE
from ._cli.parser import build_parser
from ._files import OutputError
from ._terminal import both, say
from .events import EventError
from .store import StoreError

__all__ = ["main", "build_parser", "EXIT_OK", "EXIT_INVALID", "EXIT_USAGE", "EXIT_STORE"]


def _output_closed() -> int:
    """The reader of our output went away (`| head`): stop quietly. Standard output
    is pointed at /dev/null so that the interpreter's own flush at exit is quiet too."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_OUTPUT_CLOSED


def _run(args) -> int:
    try:
        return args.run(args)
    except StoreError as err:
        say(f"pursuit: {err}", err=True)
        return EXIT_STORE
    except EventError as err:
        say(f"pursuit: {err}", err=True)
        return EXIT_INVALID
    except OutputError as err:
        say(f"pursuit: {err}", err=True)
        return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        status = _run(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return status
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return _output_closed()
    except Exception as err:  # noqa: BLE001 — the promise: no traceback, one line, exit 3
        if os.environ.get("PURSUIT_DEBUG") == "1":
            traceback.print_exc()
        say("pursuit: " + both(f"internal error (内部错误): {type(err).__name__}: {err}"
                               " — please report it with the command you ran",
                               "请连同所运行的命令一起报告此问题"), err=True)
        return EXIT_STORE


if __name__ == "__main__":
    sys.exit(main())
