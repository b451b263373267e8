import json
import subprocess
import sys

import pytest

import pursuit
from pursuit.cli import main

GOOD = '{"id":"e-1","opportunity":"O","at":"2026-03-02T02:00:00Z","type":"advance"}'


OPEN = '{"id":"e-0","opportunity":"O","at":"2026-03-01T02:00:00Z","type":"open","account":"A","name":"N"}'


def test_check_a_valid_file(tmp_path, capsys):
    path = tmp_path / "ok.jsonl"
    path.write_text(OPEN + "\n" + GOOD + "\n", encoding="utf-8")
    assert main(["check", str(path)]) == 0
    assert f"{path}: 2 valid events, 0 errors, 2 lines, 0 rejected on replay" in capsys.readouterr().out


def test_check_reports_every_error_with_line_and_field(tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        GOOD + "\n"
        '{"id":"e-2","opportunity":"O","at":"2026-03-02","type":"win"}\n'
        '{"id":"e-3","opportunity":"O","at":"2026-03-02T02:00:00Z","type":"signal","kind":"gossip"}\n',
        encoding="utf-8",
    )
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "event 'e-2' (line 2), field 'at': " in out
    assert "event 'e-3' (line 3), field 'kind': unknown signal kind 'gossip'" in out
    assert "1 valid events, 2 errors, 3 lines" in out


def test_check_a_missing_file(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["demo", "--lang", "fr"])
    assert info.value.code == 2


@pytest.mark.parametrize("lang, heading, blocked_title, requirement", [
    ("en", "Pipeline report", "Blocked at a gate: what each is missing", "Someone will argue for us (an advocate)"),
    ("zh", "销售机会管道报告", "卡在关口的机会：各自还缺什么", "有人愿意为我们说话（代言人）"),
])
def test_demo_ingests_the_sample_prints_the_report_and_writes_html(tmp_path, monkeypatch, capsys, lang, heading,
                                                                   blocked_title, requirement):
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert heading in out and blocked_title in out and requirement in out
    n = len(pursuit.read_jsonl(pursuit.data.sample_events_path()))
    assert (f"{n} events" if lang == "en" else f"共 {n} 个事件") in out  # the demo speaks --lang
    assert (tmp_path / "demo.db").exists()
    html = (tmp_path / "demo-report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and requirement in html
    # running it again changes nothing
    assert main(["demo", "--lang", lang]) == 0
    assert len(pursuit.Store(tmp_path / "demo.db")) == n


def test_python_dash_m_and_help(capsys):
    run = subprocess.run([sys.executable, "-m", "pursuit", "--help"], capture_output=True, text=True, check=True)
    for command in ("check", "ingest", "report", "explain", "calibrate", "import-csv", "demo"):
        assert command in run.stdout
        with pytest.raises(SystemExit) as info:
            main([command, "--help"])
        assert info.value.code == 0 and "usage: pursuit " + command in capsys.readouterr().out
    run = subprocess.run([sys.executable, "-m", "pursuit", "check", str(pursuit.data.sample_events_path())],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert " 0 errors" in run.stdout


def test_summarize_counts(sample_path):
    result = pursuit.read_jsonl(sample_path)
    summary = pursuit.summarize(result)
    assert summary.by_type["events"].sum() == len(result)
    assert summary.by_opportunity["events"].sum() == len(result)
    assert len(summary.by_opportunity) == len({e.opportunity for e in result})
    assert list(summary.by_type["type"]) == [t.value for t in pursuit.EventType if t in {e.type for e in result}]


# --- ingest ---

def test_ingest_then_again_changes_nothing(tmp_path, sample_path, capsys):
    db = tmp_path / "s.db"
    n = len(pursuit.read_jsonl(sample_path))
    assert main(["ingest", str(sample_path), "--db", str(db)]) == 0
    assert f"{n} new events stored, 0 already stored" in capsys.readouterr().out
    assert main(["ingest", str(sample_path), "--db", str(db), "--batch-size", "7"]) == 0
    assert f"0 new events stored, {n} already stored" in capsys.readouterr().out
    assert len(pursuit.Store(db)) == n


def test_ingest_refuses_a_file_with_invalid_events_unless_told(tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text(GOOD + "\n" + '{"id":"e-2","opportunity":"O","at":"yesterday","type":"win"}\n'
                    + '{"id":"e-3","opportunity":"O","at":"2026-01-01T10:00:00+00:00","type":"promote"}\n', encoding="utf-8")
    db = tmp_path / "s.db"
    assert main(["ingest", str(path), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "event 'e-2' (line 2), field 'at'" in err and "event 'e-3' (line 3), field 'type'" in err  # every error
    assert "2 invalid events; nothing stored from this file" in err
    assert len(pursuit.Store(db)) == 0
    assert main(["ingest", str(path), "--db", str(db), "--skip-invalid"]) == 1
    captured = capsys.readouterr()
    assert "(line 3), field 'type'" in captured.err and "2 invalid events skipped" in captured.out
    assert len(pursuit.Store(db)) == 1


def test_ingest_reports_conflicts(tmp_path, capsys):
    db = tmp_path / "s.db"
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text(GOOD + "\n", encoding="utf-8")
    b.write_text(GOOD.replace("advance", "win") + "\n", encoding="utf-8")
    c = tmp_path / "c.jsonl"  # a new event before the conflicting one
    c.write_text(GOOD.replace('"e-1"', '"e-0"').replace("OPP-1", "OPP-0") + "\n" + GOOD.replace("advance", "win") + "\n",
                 encoding="utf-8")
    assert main(["ingest", str(a), "--db", str(db)]) == 0
    assert main(["ingest", str(c), "--db", str(db)]) == 1  # refused whole
    captured = capsys.readouterr()
    assert "already stored with different content" in captured.err and "nothing stored from this file" in captured.err
    assert len(pursuit.Store(db)) == 1
    assert main(["ingest", str(b), "--db", str(db), "--skip-invalid"]) == 1
    captured = capsys.readouterr()
    assert "already stored with different content" in captured.err and "1 conflicts" in captured.out


def test_ingest_errors(tmp_path, capsys):
    assert main(["ingest", str(tmp_path / "missing.jsonl"), "--db", str(tmp_path / "s.db")]) == 2
    assert "cannot read" in capsys.readouterr().err
    foreign = tmp_path / "foreign.db"
    foreign.write_text("not a database" * 100, encoding="utf-8")
    good = tmp_path / "ok.jsonl"
    good.write_text(GOOD + "\n", encoding="utf-8")
    assert main(["ingest", str(good), "--db", str(foreign)]) == 3
    assert "not a pursuit store" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["ingest", str(good), "--db", str(tmp_path / "s.db"), "--batch-size", "0"])
    assert info.value.code == 2
    with pytest.raises(SystemExit):
        main(["ingest", str(good)])  # --db is required


# --- report and explain ---

@pytest.fixture
def sample_db(tmp_path, sample_path):
    db = tmp_path / "sample.db"
    pursuit.Store(db).ingest(sample_path)
    return db


def test_report_formats(sample_db, tmp_path, capsys):
    assert main(["report", "--db", str(sample_db)]) == 0
    text = capsys.readouterr().out
    for title in ("The pipeline by step", "Active opportunities by buyer stage", "Blocked at a gate",
                  "Fall-backs", "Late entries", "Days in each step"):
        assert title in text
    assert main(["report", "--db", str(sample_db), "--format", "json", "--lang", "zh"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["format"] == "pursuit.report" and doc["lang"] == "zh" and doc["as_of"] is None
    assert doc["overview"]["opportunities"] == len(pursuit.Store(sample_db).pipeline())
    assert {r["stage"] for r in doc["by_step"]} >= {"identification", "won"}
    out = tmp_path / "r.html"
    assert main(["report", "--db", str(sample_db), "--format", "html", "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html and "http" not in html.split("<body>")[1]


def test_report_as_of(sample_db, capsys):
    events = pursuit.Store(sample_db).events()
    first_day = events[0].at.date().isoformat()
    assert main(["report", "--db", str(sample_db), "--as-of", first_day, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["as_of"].startswith(first_day + "T23:59:59")
    assert doc["overview"]["events"] == sum(e.at.date().isoformat() <= first_day for e in events)
    with pytest.raises(SystemExit) as info:
        main(["report", "--db", str(sample_db), "--as-of", "someday"])
    assert info.value.code == 2


def test_report_on_a_missing_store(tmp_path, capsys):
    assert main(["report", "--db", str(tmp_path / "none.db")]) == 3
    assert "cannot open the store" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()  # reading never creates a store


def test_explain(sample_db, capsys):
    store = pursuit.Store(sample_db)
    blocked = store.pipeline().snapshot().query("outcome.isna() and not can_advance")["opportunity"].iloc[0]
    assert main(["explain", blocked, "--db", str(sample_db), "--history", "3"]) == 0
    out = capsys.readouterr().out
    assert blocked in out and "it needs:" in out and "→ do:" in out and "Recent history" in out
    assert out.count(" UTC ") == 3
    assert main(["explain", blocked, "--db", str(sample_db), "--lang", "zh"]) == 0
    assert "最近记录" in capsys.readouterr().out
    assert main(["explain", "NOPE", "--db", str(sample_db)]) == 1
    assert "no events for opportunity 'NOPE'" in capsys.readouterr().err


# --- import-csv ---

CSV_HEADER = "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"


def test_import_csv_accounts_for_every_row(tmp_path, capsys):
    (tmp_path / "products.csv").write_text("product,series,sales_price\nGTX Pro,GTX,4821\n", encoding="utf-8")
    (tmp_path / "accounts.csv").write_text("account,sector\nAcme,technolgy\nBeta,retail\n", encoding="utf-8")
    (tmp_path / "sales_teams.csv").write_text("sales_agent,manager,regional_office\nAnn,M,East\n", encoding="utf-8")
    csv_path = tmp_path / "pipeline.csv"
    csv_path.write_text(CSV_HEADER +
                        "A1,Ann,GTXPro,Acme,Won,2017-01-02,2017-02-03,5000\n"
                        "A2,Ann,GTX Pro,,Engaging,2017-01-05,,\n"
                        "A3,Bob,GTX Pro,Beta,Prospecting,,,\n"
                        "A4,Bob,GTX Pro,Beta,Lost,2017-13-01,2017-02-01,0\n"
                        "A1,Bob,GTX Pro,Beta,Lost,2017-01-01,2017-02-01,0\n"
                        "A5,Bob,GTX Pro,Beta,Stalled,2017-01-01,,\n"
                        f"A6,Bob,GTX Pro,{'X' * 300},Engaging,2017-01-01,,\n"
                        "A7,Bob,GTX Pro,Beta,Won,2017-01-01,2017-02-01,-5\n", encoding="utf-8")
    db, out = tmp_path / "s.db", tmp_path / "events.jsonl"
    assert main(["import-csv", str(csv_path), "--db", str(db), "--out", str(out), "--quiet"]) == 1
    text = capsys.readouterr().out
    assert "8 rows: 3 imported" in text and "5 skipped" in text
    assert "skipped line 5 (A4), column 'engage_date': '2017-13-01' is not a date" in text
    assert "skipped line 6 (A1), column 'opportunity_id': opportunity id 'A1' repeats an earlier row" in text
    assert "skipped line 7 (A5), column 'deal_stage': stage 'Stalled' is not in the mapping" in text
    assert "skipped line 8 (A6), column 'account': is 300 characters, longer than the limit of 256" in text
    assert "skipped line 9 (A7), column 'amount': must be between 0 and 1e15" in text
    assert "note: product … reconciled to … (1 row)" in text
    assert "note: no close value: list price used (2 rows)" in text
    assert len(pursuit.read_jsonl(out)) == len(pursuit.Store(db))
    store = pursuit.Store(db)
    assert store.playbook.name == "crm-stages"
    snap = store.pipeline().snapshot().set_index("opportunity")
    assert snap.loc["A1", "outcome"] == "won" and snap.loc["A1", "amount"] == 5000
    assert snap.loc["A2", "step"] == "tracking" and snap.loc["A2", "account"] == "(no account)"
    assert snap.loc["A2", "amount"] == 4821  # the list price stands in
    assert snap.loc["A3", "step"] == "identification"
    seg = store.pipeline().segments().set_index("opportunity")
    assert seg.loc["A1"].to_dict() == {"product": "GTX Pro", "series": "GTX", "sector": "technology", "region": "East"}
    assert "note: sector … reconciled to … (1 row)" in text


def test_import_csv_errors(tmp_path, capsys):
    assert main(["import-csv", str(tmp_path / "none.csv")]) == 2
    bad = tmp_path / "m.json"
    bad.write_text('{"columns": {}}', encoding="utf-8")
    csv_path = tmp_path / "p.csv"
    csv_path.write_text(CSV_HEADER, encoding="utf-8")
    assert main(["import-csv", str(csv_path), "--mapping", str(bad)]) == 2
    assert "'stages' must be an object" in capsys.readouterr().err
    other = tmp_path / "other.csv"
    other.write_text("id,stage\n1,Won\n", encoding="utf-8")
    assert main(["import-csv", str(other)]) == 2
    assert "the CSV has no column 'opportunity_id'" in capsys.readouterr().err
    assert main(["import-csv", str(csv_path)]) == 2  # the maven mapping needs products.csv beside the CSV
    assert "products.csv: cannot read" in capsys.readouterr().err


def test_report_waterfall_and_model_weights(sample_db, capsys):
    events = pursuit.Store(sample_db).events()
    middle = events[len(events) // 2].at.date().isoformat()
    assert main(["report", "--db", str(sample_db), "--since", middle, "--weights", "model", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["weights"] == "model" and doc["since"].startswith(middle)
    assert {r["movement"] for r in doc["waterfall"]} <= {"new", "advanced", "fell_back", "won", "lost", "slipped", "unchanged"}
    assert main(["report", "--db", str(sample_db), "--since", middle, "--lang", "zh"]) == 0
    assert "以来的变化" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["report", "--db", str(sample_db), "--weights", "hunch"])


def test_report_on_an_empty_store(tmp_path, capsys):
    db = tmp_path / "empty.db"
    pursuit.Store(db).close()
    assert main(["report", "--db", str(db), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["overview"]["opportunities"] == 0 and doc["blocked"] == [] and doc["forecast"] == []


def test_calibrate(sample_db, capsys):
    assert main(["calibrate", "--db", str(sample_db), "--split", "2026-01-01", "--features", "steps"]) == 0
    out = capsys.readouterr().out
    assert "Brier score (lower is better): win model" in out and "predicted (model)" in out
    assert main(["calibrate", "--db", str(sample_db), "--split", "2030-01-01"]) == 2
    assert "nothing to score" in capsys.readouterr().err
    assert main(["calibrate", "--db", str(sample_db), "--split", "2026-01-01", "--features", "tarot"]) == 2
