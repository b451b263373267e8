"""atheris harness: ``Playbook.from_json`` (bytes, and text with undecodable
bytes as lone surrogates) and ``Playbook.from_dict`` (the document with leaves
swapped for fuzzed Python values: numpy scalars, NaN, huge ints, tuples …).
Oracle (_fuzzlib.py): only ``PlaybookError`` escapes; an accepted playbook
writes JSON that reads as the same playbook.

    .venv/bin/python tests/fuzz/python/fuzz_py_playbook.py -max_total_time=60 CORPUS_DIR tests/fuzz/corpus/playbook
"""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np
from _fuzzlib import PLAYBOOK_ERRORS, SKIP_KNOWN, Choices, Finding, only, recipe, scalar

import pursuit


def mutate(value: Any, c: Choices) -> Any:
    if isinstance(value, dict):
        return {k: mutate(v, c) for k, v in value.items()}
    if isinstance(value, list):
        return [mutate(v, c) for v in value]
    value = scalar(c, value) if c.chance(6) else value
    return no_arrays(value) if SKIP_KNOWN else value


def no_arrays(value: Any) -> Any:
    """Arrays as lists, at any depth: known finding py_playbook/from-dict-ndarray.json."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return type(value)(no_arrays(v) for v in value)
    if isinstance(value, dict):
        return {k: no_arrays(v) for k, v in value.items()}
    return value


def round_trip(playbook: pursuit.Playbook, where: str) -> None:
    text = playbook.to_json()
    _, again = only((), lambda: pursuit.Playbook.from_json(text), where)
    if again.to_json() != text:
        raise Finding(f"{where}: the written playbook reads as another one")


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris and libFuzzer use
    doc = recipe(data)
    if doc is None:
        ok, playbook = only(PLAYBOOK_ERRORS, lambda: pursuit.Playbook.from_json(data), "Playbook.from_json(bytes)")
        if ok:
            round_trip(playbook, "Playbook.from_json(to_json())")
        text = data.decode("utf-8", "surrogateescape")
        only(PLAYBOOK_ERRORS, lambda: pursuit.Playbook.from_json(text), "Playbook.from_json(str)")
        try:
            doc = json.loads(data)
        except (ValueError, RecursionError):
            return
    if not isinstance(doc, dict):
        return
    doc = mutate(doc, Choices(data[::-1]))
    ok, playbook = only(PLAYBOOK_ERRORS, lambda: pursuit.Playbook.from_dict(doc), "Playbook.from_dict")
    if ok:
        round_trip(playbook, "Playbook.from_dict, then from_json(to_json())")


if __name__ == "__main__":
    import atheris
    from _fuzzlib import instrument

    instrument()
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
