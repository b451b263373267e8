"""Bad input never crashes, bricks a store or half-applies: the cases of issue 14, each on every path it has."""

import json
import sqlite3
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import pursuit
from pursuit import EventError, Pipeline, Store, StoreError, StoreWarning, Verdict

from conftest import event

OPEN = event("open", account="Acme", name="Deal")
HUGE = '{"id":"e-9","opportunity":"OPP-1","at":"2026-03-03T10:00:00Z","type":"open","account":"A","name":"N","amount":1e400}'


def lines_file(tmp_path, lines, name="events.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- numbers beyond a double ---
@pytest.mark.parametrize("number", ["1e400", "-1e400", "9" * 400])
def test_an_out_of_range_number_is_an_error_naming_line_id_and_field_on_every_reader(tmp_path, number):
    good = json.dumps(OPEN)
    bad = HUGE.replace("1e400", number)
    path = lines_file(tmp_path, [good, bad])
    result = pursuit.read_jsonl(path, on_error="collect")
    assert len(result.events) == 1
    (err,) = result.errors
    assert (err.line, err.event_id, err.field) == (2, "e-9", "amount")
    assert "is out of range" in err.reason
    with pytest.raises(EventError):
        Pipeline().apply(path)
    summary = Pipeline().apply(path, on_error="collect")
    assert summary.applied == 1 and len(summary.errors) == 1
    store = Store(tmp_path / "s.db")
    with pytest.raises(EventError):
        store.ingest(path)
    assert len(store) == 0
    assert store.ingest(path, on_error="collect").inserted == 1


def test_an_out_of_range_number_in_a_playbook_names_its_place():
    doc = json.loads(pursuit.Playbook.default().to_json())
    doc["gates"]["qualification"][1]["min"] = "HUGE"
    text = json.dumps(doc).replace('"HUGE"', "1e400")
    with pytest.raises(pursuit.PlaybookError, match=r"/gates/qualification/1/min: the number 1e400 is out of range"):
        pursuit.Playbook.from_json(text)


def test_a_playbook_repeating_a_key_is_refused():
    with pytest.raises(pursuit.PlaybookError, match=r"playbook /name: appears twice in one object"):
        pursuit.Playbook.from_json('{"name": "a", "name": "b", "gates": {}}')


def test_a_playbook_with_a_lone_surrogate_or_bytes_not_utf8_is_a_playbook_error(tmp_path):
    with pytest.raises(pursuit.PlaybookError, match="not valid Unicode"):
        pursuit.Playbook.from_json('{"name": "\udc80", "gates": {}}')
    path = tmp_path / "latin1.json"
    path.write_bytes('{"name": "caf\u00e9", "gates": {}}'.encode("latin-1"))
    with pytest.raises(pursuit.PlaybookError):
        pursuit.Playbook.load(path)
    assert pursuit.Playbook.from_json(pursuit.Playbook.default().to_json().encode()).name


# --- numpy scalars of every kind, in dicts and object columns ---
@pytest.mark.parametrize("scalar", [np.longdouble(2.5e6), np.float16(2048), np.int8(100), np.uint64(2500000)])
def test_a_numpy_scalar_of_any_kind_is_a_number(scalar):
    by_dict, by_frame = Pipeline(), Pipeline()
    by_dict.apply([dict(OPEN, amount=scalar)])
    frame = pd.DataFrame([dict(OPEN, amount=None)])
    frame["amount"] = pd.Series([scalar], dtype=object)
    by_frame.apply(frame)
    for p in (by_dict, by_frame):
        assert p["OPP-1"].facts["header"]["amount"] == pytest.approx(float(scalar))


def test_skip_invalid_stores_every_valid_event_whatever_the_bad_lines(tmp_path, sample_path):
    lines = [l for l in sample_path.read_text(encoding="utf-8").splitlines() if l.strip()]
    bad_at = len(lines) * 4 // 5
    lines.insert(bad_at, HUGE)
    path = lines_file(tmp_path, lines)
    db = tmp_path / "s.db"
    run = subprocess.run([sys.executable, "-m", "pursuit", "ingest", str(path), "--db", str(db),
                          "--batch-size", "100", "--skip-invalid"], capture_output=True, text=True)
    assert run.returncode == 1, run.stderr  # problems reported, the rest stored
    assert "Traceback" not in run.stderr
    assert f"line {bad_at + 1}" in run.stderr and "out of range" in run.stderr
    assert len(Store(db)) == len(lines) - 1


# --- what the store accepts, it replays ---
def test_a_time_at_the_edge_of_the_years_is_refused_at_ingest_not_at_replay(tmp_path):
    edge = dict(OPEN, id="e-2", opportunity="OPP-2", at="1900-01-01T00:00:00+18:00")
    store = Store(tmp_path / "s.db")
    summary = store.ingest([OPEN, edge], on_error="collect")
    assert summary.inserted == 1
    assert summary.errors[0].field == "at"
    assert list(store.pipeline()) == ["OPP-1"]


def test_an_unreadable_stored_row_is_named_and_the_rest_replays_with_collect(tmp_path):
    path = tmp_path / "s.db"
    store = Store(path)
    store.ingest([OPEN, event("signal", id="e-2", kind="implicit_need")])
    store.close()
    with sqlite3.connect(path) as con:  # a row pursuit would not write, as another program might
        con.execute("INSERT INTO events(id, opportunity, at, type, body, batch) VALUES "
                    "('e-3', 'OPP-1', 0, 'signal', '{\"id\":\"e-3\",\"amount\":1e400}', 1)")
    store = Store(path)
    with pytest.raises(StoreError, match=r"stored event #3 cannot be read: .*out of range"):
        store.pipeline()
    with pytest.warns(StoreWarning, match=r"1 stored events skipped"):
        pipeline = store.pipeline(on_error="collect")
    assert pipeline["OPP-1"].history["event_id"].tolist() == ["e-1", "e-2"]
    with pytest.warns(StoreWarning):
        assert [e.id for e in store.events(on_error="collect")] == ["e-1", "e-2"]


# --- ids: once per pipeline, all or nothing in a raising ingest ---
def test_a_pipeline_rejects_an_id_applied_by_an_earlier_batch():
    p = Pipeline()
    p.apply([OPEN])
    p.apply([event("signal", id="e-1", at="2026-04-01T00:00:00Z", kind="implicit_need")])
    out = p.outcomes()
    assert out["verdict"].tolist() == [Verdict.REJECTED]
    assert "was already applied" in out["reason"].iloc[0]
    assert len(p["OPP-1"].history) == 1


def test_an_opportunity_view_applies_through_its_pipeline():
    p = Pipeline()
    p.apply([OPEN, dict(OPEN, id="e-2", opportunity="OPP-2")])
    # e-2 was applied to OPP-2: OPP-1's view must not take it again.
    r = p["OPP-1"].apply(event("signal", id="e-2", at="2026-04-01T00:00:00Z", kind="implicit_need"))
    assert r.verdict is Verdict.REJECTED and "to opportunity 'OPP-2'" in r.reason
    r = p["OPP-1"].apply(event("signal", id="e-3", at="2026-04-01T00:00:00Z", kind="implicit_need"))
    assert r.verdict is Verdict.ACCEPTED and len(p["OPP-1"].history) == 2
    r = p["OPP-1"].apply(event("signal", id="e-4", opportunity="OPP-2", kind="implicit_need"))
    assert r.verdict is Verdict.REJECTED and "not 'OPP-1'" in r.reason


def test_a_conflict_in_a_raising_ingest_stores_nothing_of_the_input(tmp_path):
    store = Store(tmp_path / "s.db")
    store.ingest([OPEN])
    many = [dict(OPEN, id=f"x-{i}", opportunity=f"OPP-X{i}") for i in range(50)]
    conflicting = dict(OPEN, name="Another name")  # id e-1, other content
    with pytest.raises(EventError, match="already stored with different content"):
        store.ingest(many + [conflicting], batch_size=10)
    assert len(store) == 1
    summary = store.ingest(many + [conflicting], batch_size=10, on_conflict="collect")
    assert (summary.inserted, len(summary.conflicts)) == (50, 1)


# --- DataFrames ---
@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                                   "float16", "float32", "Int32", "UInt16"])
def test_any_integer_or_float_width_works(dtype):
    frame = pd.DataFrame([dict(event("interaction", channel="call", direction="inbound"), volume=7)])
    frame["volume"] = frame["volume"].astype(dtype)
    p = Pipeline()
    p.apply([OPEN])
    summary = p.apply(frame.assign(id="e-2"))
    assert summary.applied == 1, summary


def test_a_frame_with_two_columns_of_one_name_is_refused(tmp_path):
    frame = pd.DataFrame([OPEN])
    twice = pd.concat([frame, frame[["name"]]], axis=1)
    with pytest.raises(EventError) as info:
        Pipeline().apply(twice)
    assert info.value.field == "name" and "2 columns named 'name'" in info.value.reason
    with pytest.raises(EventError):  # the whole frame is in doubt, even when collecting
        Pipeline().apply(twice, on_error="collect")
    store = Store(tmp_path / "s.db")
    with pytest.raises(EventError):
        store.ingest(twice)
    assert len(store) == 0


# --- files that are not UTF-8 JSON Lines ---
@pytest.mark.parametrize("encoding, sep, expected", [
    ("utf-16", "\n", "likely UTF-16"),
    ("utf-16-le", "\n", "likely UTF-16"),
    ("utf-8", "\r", "carriage return alone"),
])
def test_a_file_in_another_encoding_or_with_cr_line_ends_gets_one_clear_error(tmp_path, encoding, sep, expected):
    path = tmp_path / "odd.jsonl"
    path.write_bytes(sep.join([json.dumps(OPEN), json.dumps(dict(OPEN, id="e-2", opportunity="O2"))]).encode(encoding) + sep.encode(encoding))
    result = pursuit.read_jsonl(path, on_error="collect")
    assert result.events == [] and len(result.errors) == 1
    assert result.errors[0].line == 1 and expected in result.errors[0].reason
    with pytest.raises(EventError, match=expected):
        pursuit.read_jsonl(path)
    store = Store(tmp_path / "s.db")
    with pytest.raises(EventError, match=expected):
        store.ingest(path)
    summary = store.ingest(path, on_error="collect")
    assert summary.inserted == 0 and expected in summary.errors[0].reason


def test_the_report_of_a_store_with_an_unreadable_row_shows_the_rest_and_names_the_row(tmp_path):
    path = tmp_path / "s.db"
    Store(path).ingest([OPEN])
    with sqlite3.connect(path) as con:
        con.execute("INSERT INTO events(id, opportunity, at, type, body, batch) VALUES "
                    "('e-3', 'OPP-1', 0, 'signal', '{\"amount\":1e400}', 1)")
    run = subprocess.run([sys.executable, "-m", "pursuit", "report", "--db", str(path), "--format", "json"],
                         capture_output=True, text=True)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert "stored event #2 cannot be read" in run.stderr and "out of range" in run.stderr
    report = json.loads(run.stdout)
    assert sum(row["opportunities"] for row in report["by_step"]) == 1, report["by_step"]
