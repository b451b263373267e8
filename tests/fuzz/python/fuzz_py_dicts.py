"""atheris harness: events as dicts, with fuzzed values (numpy scalars of every
dtype, NaN and None, datetimes naive and aware, huge ints, lone surrogates,
nested and foreign objects) through ``Pipeline.apply`` and ``Opportunity.apply``.
Oracle (_fuzzlib.py): only ``EventError`` escapes, none with ``on_error="collect"``.

    .venv/bin/python tests/fuzz/python/fuzz_py_dicts.py -max_total_time=60 CORPUS_DIR tests/fuzz/corpus/py_dicts
"""

from __future__ import annotations

import sys

from _fuzzlib import EVENT_ERRORS, Choices, Finding, event_dicts, only, recipe

import pursuit


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris and libFuzzer use
    events = recipe(data)  # a kept regression, else a batch made from the bytes
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        events = event_dicts(Choices(data))
    pipeline = pursuit.Pipeline()
    _, summary = only((), lambda: pipeline.apply(events, on_error="collect"), "Pipeline.apply(dicts, collect)")
    ok, _ = only(EVENT_ERRORS, lambda: pursuit.Pipeline().apply(events), "Pipeline.apply(dicts)")
    if ok == bool(summary.errors):
        raise Finding(f"Pipeline.apply(dicts): collect found {len(summary.errors)} errors, raise {'did not' if ok else 'did'} raise")
    only((), pipeline.snapshot, "Pipeline.snapshot")
    opportunity = pursuit.Opportunity("OPP-1")
    for event in events:
        only(EVENT_ERRORS, lambda: opportunity.apply(event), "Opportunity.apply(dict)")
    only((), lambda: pursuit.Opportunity.from_json(opportunity.to_json()), "Opportunity.from_json(to_json())")


if __name__ == "__main__":
    import atheris
    from _fuzzlib import instrument

    instrument()
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
