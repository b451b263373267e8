"""Replays inputs through an atheris harness, without atheris (the pytest suite runs it).

    .venv/bin/python tests/fuzz/python/replay.py HARNESS [--known tests/fuzz/known-findings.txt] PATH...

PATHs are files or directories (their files, sorted). Every input must pass,
except those the known-findings list names: each of those must still fail (in
a process of its own: some crash), until it is fixed and taken off the list.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def inputs(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith("."))
        elif p.is_file():
            out.append(p)
        else:
            sys.exit(f"replay: no such file or directory: {p}")
    return out


def known_names(listing: Path) -> set[str]:
    names = set()
    for line in listing.read_text(encoding="utf-8").splitlines():
        words = line.split()
        if words and not words[0].startswith("#"):
            names.add(Path(words[0]).name)
    return names


def main(argv: list[str]) -> int:
    harness, rest = argv[0], argv[1:]
    known: set[str] = set()
    if rest[:1] == ["--known"]:
        known, rest = known_names(Path(rest[1])), rest[2:]
    files = inputs(rest)
    if not files:  # a replay of nothing would pass whatever the harness does
        sys.exit("replay: no inputs")
    module = importlib.import_module(f"fuzz_{harness}")
    status = passed = still_failing = 0
    for f in files:
        if f.name in known:
            child = subprocess.run([sys.executable, __file__, harness, str(f)], capture_output=True)
            if child.returncode == 0:
                print(f"replay: {f} is listed as a known finding but passes: take it off the list", file=sys.stderr)
                status = 1
            else:
                still_failing += 1
            continue
        print(f"replay: {f}", file=sys.stderr, flush=True)  # the last one named is the culprit of a crash
        module.TestOneInput(f.read_bytes())
        passed += 1
    print(f"replay {harness}: {passed} inputs passed, {still_failing} known findings still fail")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
