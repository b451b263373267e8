import subprocess
import sys

import pytest

import pursuit
from pursuit.cli import main

GOOD = '{"id":"e-1","opportunity":"O","at":"2026-03-02T02:00:00Z","type":"advance"}'


def test_check_a_valid_file(tmp_path, capsys):
    path = tmp_path / "ok.jsonl"
    path.write_text(GOOD + "\n", encoding="utf-8")
    assert main(["check", str(path)]) == 0
    assert f"{path}: 1 valid events, 0 errors, 1 lines" in capsys.readouterr().out


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


@pytest.mark.parametrize("lang, heading, label, standing, blocked", [
    ("en", "Events by type", "Evidence", "Where each opportunity stands", "Someone will argue for us (an advocate)"),
    ("zh", "各类事件", "进展证据", "各机会现状", "有人愿意为我们说话（代言人）"),
])
def test_demo_summarises_the_sample(capsys, lang, heading, label, standing, blocked):
    assert main(["demo", "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert heading in out and label in out and standing in out and blocked in out
    assert "OPP-001" in out and "12 opportunities" in out or "on 12 opportunities" in out


def test_python_dash_m_and_help():
    run = subprocess.run([sys.executable, "-m", "pursuit", "--help"], capture_output=True, text=True, check=True)
    assert "check" in run.stdout and "demo" in run.stdout
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
