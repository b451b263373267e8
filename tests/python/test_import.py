"""The whole Maven Analytics CRM export, imported and checked against the CSV itself."""

import csv
from collections import Counter

import pytest

import pursuit
from pursuit.cli import main
from pursuit.importer import MappingError, import_csv, load_mapping

from conftest import TEST_DATA

MAVEN = TEST_DATA / "maven-crm"


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    with open(MAVEN / "sales_pipeline.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def imported():
    return import_csv(MAVEN / "sales_pipeline.csv", "maven")


def test_every_row_is_accounted_for(rows, imported):
    assert imported.rows == len(rows) == 8800
    assert imported.accounted()
    assert imported.imported == [r["opportunity_id"] for r in rows]  # nothing in this export needs skipping
    assert imported.skipped == []


def test_the_notes_match_the_exports_known_problems(rows, imported):
    with open(MAVEN / "products.csv", newline="", encoding="utf-8") as f:
        products = {r["product"] for r in csv.DictReader(f)}
    notes = Counter(n.message for n in imported.notes)
    mismatched = Counter(r["product"] for r in rows if r["product"] not in products)
    assert mismatched == {"GTXPro": 1480}
    assert notes["product 'GTXPro' reconciled to 'GTX Pro'"] == 1480
    assert notes["no account"] == sum(not r["account"] for r in rows)
    assert notes["no date: placed at the export date"] == sum(not r["engage_date"] and not r["close_date"] for r in rows)
    assert notes["no close value: list price used"] == sum(not r["close_value"] for r in rows)
    with open(MAVEN / "accounts.csv", newline="", encoding="utf-8") as f:
        typo = {r["account"] for r in csv.DictReader(f) if r["sector"] == "technolgy"}
    assert notes["sector 'technolgy' reconciled to 'technology'"] == sum(r["account"] in typo for r in rows) > 0


def test_segments_come_from_the_reference_tables(rows, imported):
    pipeline = pursuit.Pipeline(imported.playbook)
    pipeline.apply(imported.events)
    seg = pipeline.segments().set_index("opportunity")
    assert set(seg.columns) == {"product", "series", "sector", "region"}
    assert seg["series"].notna().all() and seg["region"].notna().all()  # reconciled names find their series
    assert seg["sector"].isna().sum() == sum(not r["account"] for r in rows)
    assert "technolgy" not in set(seg["sector"].dropna())
    assert seg.loc[rows[1]["opportunity_id"], "product"] == "GTX Pro"


def test_the_replayed_pipeline_matches_the_crm_stages(rows, imported):
    pipeline = pursuit.Pipeline(imported.playbook)
    summary = pipeline.apply(imported.events)
    assert summary.verdicts[pursuit.Verdict.ACCEPTED] == len(imported.events)
    snap = pipeline.snapshot().set_index("opportunity")
    stages = Counter(r["deal_stage"] for r in rows)
    assert (snap["outcome"] == "won").sum() == stages["Won"]
    assert (snap["outcome"] == "lost").sum() == stages["Lost"]
    active = snap[snap["outcome"].isna()]
    assert (active["step"] == "tracking").sum() == stages["Engaging"]
    assert (active["step"] == "identification").sum() == stages["Prospecting"]
    won = [r for r in rows if r["deal_stage"] == "Won"]
    assert snap.loc[[r["opportunity_id"] for r in won], "amount"].sum() == sum(float(r["close_value"]) for r in won)
    sample = rows[0]
    assert snap.loc[sample["opportunity_id"], "owner"] == sample["sales_agent"]
    assert snap.loc[sample["opportunity_id"], "last_at"].date().isoformat() == sample["close_date"]


def test_imported_events_pass_the_strict_parser(imported):
    events = [pursuit.Event(e) for e in imported.events[:2000]]
    assert all(e.to_dict()["opportunity"] for e in events)


def test_import_into_a_store_through_the_cli(tmp_path, capsys):
    db = tmp_path / "maven.db"
    assert main(["import-csv", str(MAVEN / "sales_pipeline.csv"), "--db", str(db), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "8800 rows: 8800 imported" in out and "0 skipped" in out
    assert "note: product … reconciled to … (1480 rows)" in out
    store = pursuit.Store(db)
    assert store.stats().opportunities == 8800
    assert store.playbook.name == "crm-stages"
    # as of the end of the first quarter of 2017, nothing engaged later exists yet
    early = store.pipeline(as_of="2017-03-31")
    assert 0 < len(early) < 8800


def test_bad_mappings():
    with pytest.raises(MappingError, match="columns.id is required"):
        load_mapping({"columns": {"stage": "s"}, "stages": {}})
    with pytest.raises(MappingError, match="'closing' is not a step"):
        load_mapping({"columns": {"id": "i", "stage": "s"}, "stages": {"X": "closing"}})
    with pytest.raises(MappingError, match="cannot read mapping"):
        load_mapping("no-such-mapping.json")


def test_calibration_on_the_maven_export(imported):
    """As of mid-2017 the engaged deals are all in tracking (a won deal's later steps are dated
    at its close), so the step gives nothing away; the model, learning from what had closed,
    beats the stage prior, which knows nothing of this company's win rate."""
    from pursuit.model import calibrate

    c = calibrate(imported.events, "2017-06-30", playbook=imported.playbook)
    assert c.n_test > 500
    assert set(c.scores["step"]) == {"tracking"}
    assert c.brier_model < c.brier_prior
