"""Tables through the Arrow C stream: pyarrow Tables and readers, pandas frames,
Parquet files and directories, anything with ``__arrow_c_stream__``. Each path must
judge exactly as JSON Lines does."""

import json
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import pursuit
from pursuit import EventError, Pipeline, Store

from conftest import event


def _events(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _table(events):
    return pa.Table.from_pandas(pd.DataFrame(events), preserve_index=False)


class _Result:
    """What a batch did, comparable (NaN equal to NaN, as DataFrame.equals has it)."""

    def __init__(self, batch):
        p = Pipeline()
        self.verdicts = p.apply(batch).verdicts
        self.snapshot, self.outcomes = p.snapshot(), p.outcomes()

    def __eq__(self, other):
        return (self.verdicts == other.verdicts and self.snapshot.equals(other.snapshot)
                and self.outcomes.equals(other.outcomes))


_result = _Result


class _Stream:
    """A producer known only by the PyCapsule interface (as polars or DuckDB results are)."""

    def __init__(self, table):
        self._table = table

    def __arrow_c_stream__(self, requested_schema=None):
        return self._table.__arrow_c_stream__(requested_schema)


def test_every_table_path_gives_what_json_lines_gives(stories_path, tmp_path):
    events = _events(stories_path)
    table = _table(events)
    expected = _result(stories_path)
    pq.write_table(table, tmp_path / "stories.parquet")
    folder = tmp_path / "parts"
    folder.mkdir()
    for i, start in enumerate(range(0, len(events), 7)):  # files cut inside opportunities, each with its own columns
        pq.write_table(_table(events[start:start + 7]), folder / f"part-{i:03}.parquet")
    batches = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=5))
    for batch in (events, pd.DataFrame(events), table, batches, _Stream(table),
                  tmp_path / "stories.parquet", folder):
        assert _result(batch) == expected, type(batch)


def test_arrow_types_beyond_pandas_defaults():
    open_ = event("open", account="Acme", name="Deal", amount=5, expected_close="2026-06-30",
                  segments={"region": "east"})
    plain = _result([open_])
    table = pa.table({
        "id": pa.array(["e-1"]).dictionary_encode(),
        "opportunity": pa.array(["OPP-1"], pa.string_view()),
        "at": pa.array([pd.Timestamp("2026-03-02T02:00:00Z")], pa.timestamp("s", tz="Asia/Shanghai")),
        "type": pa.array(["open"], pa.large_string()),
        "account": ["Acme"], "name": ["Deal"],
        "amount": pa.array([5], pa.uint8()),
        "expected_close": pa.array([pd.Timestamp("2026-06-30").date()], pa.date32()),
        "segments": pa.array([{"region": "east"}]),
    })
    assert _result(table) == plain
    for unit in ("ms", "us", "ns"):
        assert _result(table.set_column(2, "at", table["at"].cast(pa.timestamp(unit, tz="UTC")))) == plain


@pytest.mark.parametrize("at, accepted", [
    ("1900-01-01T00:00:00Z", True), ("9999-12-31T23:59:59.999999Z", True), ("2026-03-02T10:00:00.000001Z", True),
    ("1899-12-31T23:59:59.999999Z", False), ("1677-09-21T00:12:44Z", False),
])
def test_a_timestamp_column_is_judged_as_its_text_at_the_edges_of_the_years(at, accepted):
    # A timestamp cell is taken as it is inside the years 1900..9999 and judged
    # as its UTC text outside them: the same answer and the same error either way.
    as_text = [event("open", account="Acme", name="Deal", at=at)]
    table = pa.table({"id": ["e-1"], "opportunity": ["OPP-1"],
                      "at": pa.array([pd.Timestamp(at)], pa.timestamp("ns" if at < "1678" else "us", tz="UTC")),
                      "type": ["open"], "account": ["Acme"], "name": ["Deal"]})
    got, expected = Pipeline().apply(table, on_error="collect"), Pipeline().apply(as_text, on_error="collect")
    assert (got.applied, [str(e) for e in got.errors]) == (expected.applied, [str(e) for e in expected.errors])
    assert got.applied == accepted
    if accepted:
        assert _result(table) == _result(as_text)


def test_a_time_finer_than_a_microsecond_is_refused_as_its_text_and_a_pandas_timestamp_are():
    at = pd.Timestamp("2026-03-02T10:00:00.000000001+08:00")
    rows = [event("open", account="Acme", name="Deal", at=at)]
    table = pa.table({"id": ["e-1"], "opportunity": ["OPP-1"], "at": pa.array([at], pa.timestamp("ns", tz="Asia/Shanghai")),
                      "type": ["open"], "account": ["Acme"], "name": ["Deal"]})
    whole = table.set_column(2, "at", pa.array([at.floor("us")], pa.timestamp("ns", tz="UTC")))
    as_text = [event("open", account="Acme", name="Deal", at="2026-03-02T02:00:00.000000001Z")]
    said = []
    for batch in (rows, table, as_text):
        errors = Pipeline().apply(batch, on_error="collect").errors
        assert [(e.line, e.field) for e in errors] == [(1, "at")], batch
        said.append(str(errors[0]))
    assert said[1] == said[2] == "event 'e-1' (line 1), field 'at': more than 6 fractional digits"
    assert _result(whole) == _result([event("open", account="Acme", name="Deal", at="2026-03-02T10:00:00+08:00")])


def test_a_chunked_column_and_an_empty_table():
    rows = [event("open", account="Acme", name="Deal"), dict(event("note", note="hello"), id="e-2")]
    table = pa.concat_tables([_table(rows[:1]), _table(rows[1:])], promote_options="default")
    assert table["id"].num_chunks == 2
    assert _result(table) == _result(rows)
    summary = Pipeline().apply(table.slice(0, 0))
    assert summary.applied == 0 and not summary.errors


@pytest.mark.parametrize("column, value, field, reason", [
    ("opportunity", pa.array([None], pa.string()), "opportunity", "is missing"),
    ("type", pa.array([3]), "type", "expected a string, got a number"),
    ("colour", pa.array(["red"]), "colour", "is not a field of 'open' events"),
    ("account", pa.array([["A", "B"]]), "account", "expected a string, got an array"),
])
def test_a_bad_cell_names_the_row_the_event_and_the_column(column, value, field, reason):
    row = _table([dict(event("open", account="B", name="N"), id="e-2", opportunity="OPP-2")])
    if column in row.column_names:
        row = row.drop_columns([column])
    row = row.append_column(column, value)
    with pytest.raises(EventError) as info:
        Pipeline().apply(row)
    assert (info.value.line, info.value.event_id, info.value.field, info.value.reason) == (1, "e-2", field, reason)


def test_rows_are_counted_across_batches_and_a_bad_one_applies_nothing_or_alone():
    rows = [event("open", account="Acme", name="Deal"), dict(event("open", account="B", name="N"), id="e-2", opportunity=None),
            dict(event("open", account="C", name="N"), id="e-3", opportunity="OPP-3")]
    table = _table(rows)
    stream = lambda: pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=1))  # noqa: E731
    p = Pipeline()
    with pytest.raises(EventError) as info:
        p.apply(stream())
    assert (info.value.line, info.value.event_id, info.value.field, info.value.reason) == (2, "e-2", "opportunity", "is missing")
    assert len(p) == 0
    summary = p.apply(stream(), on_error="collect")
    assert summary.applied == 2 and [e.line for e in summary.errors] == [2] and sorted(p) == ["OPP-1", "OPP-3"]


def test_bad_rows_far_apart_in_one_batch_are_named_in_row_order_as_json_lines_names_them(tmp_path):
    # A batch is read in blocks of rows on every core; errors must still come out
    # in row order, with the row numbers and the first error that JSON Lines gives.
    rows = [dict(event("open", account="A", name="N"), id=f"e-{i}", opportunity=f"OPP-{i}") for i in range(9000)]
    for bad in (7, 2500, 2501, 8999):
        rows[bad]["opportunity"] = None
    table, path = _table(rows), tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(EventError) as info:
        Pipeline().apply(table)
    assert (info.value.line, info.value.event_id) == (8, "e-7")
    by_table, by_lines = Pipeline(), Pipeline()
    from_table = by_table.apply(table, on_error="collect")
    from_lines = by_lines.apply(path, on_error="collect")
    assert [(e.line, e.event_id) for e in from_table.errors] == [(8, "e-7"), (2501, "e-2500"), (2502, "e-2501"), (9000, "e-8999")]
    assert [(e.line, e.event_id) for e in from_lines.errors] == [(e.line, e.event_id) for e in from_table.errors]
    assert from_table.applied == from_lines.applied == 8996 and by_table.snapshot().equals(by_lines.snapshot())


def test_naive_times_repeated_columns_and_unsupported_types_are_refused():
    base = _table([event("open", account="Acme", name="Deal")])
    naive = base.set_column(base.column_names.index("at"), "at", pa.array([pd.Timestamp("2026-03-02")], pa.timestamp("us")))
    with pytest.raises(EventError, match="holds times without a time zone") as info:
        Pipeline().apply(naive)
    assert info.value.field == "at"
    twice = pa.Table.from_arrays(base.columns + [base["name"]], names=base.column_names + ["name"])
    with pytest.raises(EventError, match="2 columns named 'name'"):
        Pipeline().apply(twice)
    for nul in (base.rename_columns([*base.column_names[:-1], "na\x00me"]),
                base.rename_columns([*base.column_names[:-1], "na\x00me"]).to_pandas()):
        with pytest.raises(EventError, match="holds a NUL character") as info:  # the C interface would cut it to 'na'
            Pipeline().apply(nul)
        assert info.value.field == "na\x00me"
    binary = base.append_column("amount", pa.array([b"1"], pa.binary()))
    with pytest.raises(EventError, match="Arrow type 'z'"):
        Pipeline().apply(binary)



def test_a_frame_read_from_parquet_with_list_columns_takes_the_arrow_path(tmp_path):
    # pyarrow gives list columns back as numpy arrays of objects: no reason to leave Arrow.
    rows = [dict(event("open", account="A", name="N"), id="e-1", opportunity="OPP-1"),
            dict(event("contact", contact="c-1", name="Li", roles=["key_person", "sales_guide"]), id="e-2", opportunity="OPP-1")]
    pq.write_table(_table(rows), tmp_path / "events.parquet")
    frame = pq.read_table(tmp_path / "events.parquet").to_pandas()
    assert isinstance(frame["roles"].iloc[1], __import__("numpy").ndarray)
    assert pursuit._inputs.batch_input(frame)[0] == "arrow"
    assert _result(frame) == _result(rows)


def test_numpy_times_mixed_into_an_object_column_are_judged_not_a_crash():
    # pyarrow 26 crashes the process converting such a column: pursuit reads it itself.
    import numpy as np

    for cells in ([np.datetime64("2026-03-02T10:00:00"), np.float16(91.0)],
                  [(np.datetime64("NaT"), np.int8(0)), None],
                  [{"sector": [np.datetime64("NaT"), np.int8(0)]}, None]):
        frame = pd.DataFrame([dict(event("open", account="A", name="N"), id=f"e-{i}", opportunity=f"OPP-{i}")
                              for i in range(2)])
        field = "at" if isinstance(cells[0], np.datetime64) else "owner"
        frame[field] = pd.Series(cells, dtype=object)
        with pytest.raises(EventError) as info:
            Pipeline().apply(frame)
        assert (info.value.line, info.value.event_id) == (1, "e-0")
        assert info.value.field == field


def test_a_decimal_column_is_a_number_as_a_decimal_in_a_dict_is():
    base = _table([event("open", account="Acme", name="Deal")])
    for value, expected in ((Decimal("12.25"), 12.25), (Decimal("123456789.5"), 123456789.5)):
        p = Pipeline()
        p.apply(base.append_column("amount", pa.array([value], pa.decimal128(12, 2))))
        assert p.snapshot()["amount"].tolist() == [expected]
    with pytest.raises(EventError, match="must be between 0 and 1e15"):
        Pipeline().apply(base.append_column("amount", pa.array([Decimal("-12.25")], pa.decimal128(5, 2))))



def test_a_file_that_is_not_parquet_is_named(tmp_path):
    fake = tmp_path / "events.parquet"
    fake.write_text('{"id": 1}\n', encoding="utf-8")
    with pytest.raises(EventError, match="is not a Parquet file"):
        Pipeline().apply(fake)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 and then nothing")
    with pytest.raises(EventError, match="cannot be read as Parquet"):
        Pipeline().apply(broken)


def test_a_store_ingests_a_table_as_it_ingests_the_file(stories_path, tmp_path):
    table = _table(_events(stories_path))
    by_file, by_table = Store(tmp_path / "a.db"), Store(tmp_path / "b.db")
    by_file.ingest(stories_path)
    summary = by_table.ingest(table)
    assert summary.inserted == len(by_file)
    assert by_table.pipeline().snapshot().equals(by_file.pipeline().snapshot())


def test_to_arrow_gives_the_snapshot_and_the_outcomes_as_tables(sample_path, tmp_path):
    p = Pipeline()
    p.apply(sample_path)
    snap = p.to_arrow()
    assert snap.num_rows == len(p) and snap.column_names == list(p.snapshot().columns)
    assert snap.schema.field("step").type == pa.dictionary(pa.int8(), pa.string(), ordered=True)
    assert snap.schema.field("last_at").type == pa.timestamp("us", tz="UTC")
    assert snap.to_pandas(date_as_object=False).equals(p.snapshot())
    pq.write_table(snap, tmp_path / "snapshot.parquet")
    assert pq.read_table(tmp_path / "snapshot.parquet").equals(snap)
    outcomes = p.to_arrow("outcomes")
    assert outcomes.num_rows == sum(1 for line in open(sample_path, encoding="utf-8") if line.strip())
    assert outcomes["opportunity"].null_count == 0
    later = p.to_arrow(as_of="2030-01-01T00:00:00Z")["days_in_step"].to_pylist()
    assert all(a > b for a, b in zip(later, snap["days_in_step"].to_pylist()))
    with pytest.raises(ValueError, match="'snapshot' or 'outcomes'"):
        p.to_arrow("history")


def test_to_arrow_of_an_empty_pipeline_and_of_a_rejected_event():
    empty = Pipeline()
    assert empty.to_arrow().num_rows == 0 and empty.snapshot().empty and empty.outcomes().empty
    p = Pipeline()
    p.apply([event("note", note="before any open")])
    row = p.to_arrow("outcomes").to_pylist()[0]
    assert row["opportunity"] is None and row["verdict"] == "rejected" and row["reason"]
