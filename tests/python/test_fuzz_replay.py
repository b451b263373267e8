"""The fuzz harnesses' seeds and every kept finding, replayed through the same oracle
(docs/fuzzing.md): a fixed finding stays fixed, and a known one still fails until
it is fixed and taken off tests/fuzz/known-findings.txt. No atheris or clang needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import pursuit

ROOT = Path(__file__).resolve().parents[2]
FUZZ = ROOT / "tests" / "fuzz"
REPLAY = FUZZ / "python" / "replay.py"
KNOWN = FUZZ / "known-findings.txt"
HARNESSES = ["py_jsonl", "py_dicts", "py_frame", "py_arrow", "py_playbook"]

sys.path.insert(0, str(FUZZ / "python"))
import _fuzzlib  # noqa: E402 - the harnesses' directory, added above


def seeds(harness: str) -> Path:
    own = FUZZ / "corpus" / harness
    return own if own.is_dir() else FUZZ / "corpus" / harness.removeprefix("py_")


def replay(harness: str, *paths: Path, known: Path = KNOWN, skip_known: bool = False) -> subprocess.CompletedProcess:
    # A process of its own: a crash (the longdouble recursion was one) fails the test, not the session.
    env = {**os.environ, "PURSUIT_FUZZ_SKIP_KNOWN": "1"} if skip_known else {
        k: v for k, v in os.environ.items() if k != "PURSUIT_FUZZ_SKIP_KNOWN"}
    return subprocess.run([sys.executable, str(REPLAY), harness, "--known", str(known), *map(str, paths)],
                          capture_output=True, text=True, timeout=600, env=env)


@pytest.mark.parametrize("harness", HARNESSES)
def test_regressions_pass(harness):
    result = replay(harness, FUZZ / "regressions" / harness)
    assert result.returncode == 0, result.stderr[-4000:]
    assert " inputs passed" in result.stdout


@pytest.mark.parametrize("harness", HARNESSES)
def test_seeds_pass(harness):
    # As fuzzing runs them: steering clear of the known findings, which any seed
    # that is not UTF-8 would hit (the regressions hold one input for each).
    result = replay(harness, seeds(harness), skip_known=True)
    assert result.returncode == 0, result.stderr[-4000:]


def test_every_known_finding_has_its_input():
    for line in KNOWN.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, what = line.partition("  ")
            assert (FUZZ / "regressions" / name).is_file(), name
            assert what.strip(), f"{name}: say what happens"


def test_a_known_finding_that_passes_fails_the_replay(tmp_path):
    # A seed that passes, listed as a known finding: the replay must say it is fixed.
    listing = tmp_path / "known.txt"
    listing.write_text("jsonl/sample-head.jsonl  pretend\n", encoding="utf-8")
    result = replay("py_jsonl", FUZZ / "corpus" / "jsonl" / "sample-head.jsonl", known=listing)
    assert result.returncode != 0
    assert "take it off the list" in result.stderr


def test_an_undocumented_exception_is_a_finding():
    assert _fuzzlib.only((pursuit.EventError,), lambda: pursuit.Event({"id": 1}), "x")[0] is False
    with pytest.raises(_fuzzlib.Finding, match="TypeError"):
        _fuzzlib.only((pursuit.EventError,), lambda: pursuit.Event(1), "Event(1)")
    with pytest.raises(_fuzzlib.Finding, match="ValueError"):
        _fuzzlib.only((pursuit.EventError,), lambda: int("x"), "int")


def test_recipes_make_the_values_a_regression_needs():
    value = _fuzzlib.recipe(b'{"$recipe": [{"$numpy": "longdouble", "value": 1.5}, "\\ud800", {"$tuple": [1]}]}')
    assert type(value[0]).__name__ == "longdouble" and value[1] == "\ud800" and value[2] == (1,)
    assert _fuzzlib.recipe(b'{"$recipe": ') is None
