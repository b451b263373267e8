"""atheris harness: JSON Lines through the Python API.

The bytes are a file for ``read_jsonl`` and ``Pipeline.apply(path)``, and text
(undecodable bytes as lone surrogates) for ``parse_jsonl``. Oracle
(_fuzzlib.py): only ``EventError`` escapes, and none at all with
``on_error="collect"``; collect and raise agree; a file and its text read alike.

    .venv/bin/python tests/fuzz/python/fuzz_py_jsonl.py -max_total_time=60 CORPUS_DIR tests/fuzz/corpus/jsonl
"""

from __future__ import annotations

import os
import sys
import tempfile

from _fuzzlib import EVENT_ERRORS, SKIP_KNOWN, Finding, only

import pursuit

_PATH = os.path.join(tempfile.mkdtemp(prefix="pursuit-fuzz-"), "events.jsonl")


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris and libFuzzer use
    with open(_PATH, "wb") as f:
        f.write(data)
    _, collected = only((), lambda: pursuit.read_jsonl(_PATH, on_error="collect"), "read_jsonl(collect)")
    ok, raised = only(EVENT_ERRORS, lambda: pursuit.read_jsonl(_PATH), "read_jsonl(raise)")
    if ok == bool(collected.errors):
        raise Finding(f"read_jsonl: collect found {len(collected.errors)} errors, raise {'did not' if ok else 'did'} raise")
    if not ok and raised.line != collected.errors[0].line:
        raise Finding(f"read_jsonl: raise reported line {raised.line}, collect's first error is on {collected.errors[0].line}")

    text = data.decode("utf-8", "surrogateescape")
    valid = data.decode("utf-8", "replace") == text
    if SKIP_KNOWN and not valid:
        return  # known finding py_jsonl/parse-jsonl-lone-surrogate.jsonl (known-findings.txt)
    ok, parsed = only(EVENT_ERRORS, lambda: pursuit.parse_jsonl(text, on_error="collect"), "parse_jsonl(collect)")
    if ok and valid:  # the text is the file
        if [e.to_json() for e in parsed.events] != [e.to_json() for e in collected.events]:
            raise Finding("parse_jsonl and read_jsonl read other events from the same bytes")

    pipeline = pursuit.Pipeline()
    # A file that begins with PAR1 is read as Parquet: one that is not is an EventError for the whole file.
    parquet = data.startswith(b"PAR1")
    ok, summary = only(EVENT_ERRORS if parquet else (), lambda: pipeline.apply(_PATH, on_error="collect"),
                       "Pipeline.apply(path, collect)")
    if parquet:
        return
    if len(summary.errors) != len(collected.errors):
        raise Finding("Pipeline.apply(path) and read_jsonl found different errors")
    only(EVENT_ERRORS, lambda: pursuit.Pipeline().apply(_PATH), "Pipeline.apply(path)")
    only((), pipeline.snapshot, "Pipeline.snapshot")


if __name__ == "__main__":
    import atheris
    from _fuzzlib import instrument

    instrument()
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
