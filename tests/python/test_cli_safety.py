"""The command line is safe to point at real data: outputs never clobber inputs and
are written atomically, user text never drives the terminal, no traceback ever
reaches the user, and every bad line of a refused file is listed."""

import hashlib
import json
import os
import re
import subprocess
import sys

import pytest

import pursuit
from pursuit.cli import main
from pursuit._files import OutputError, atomic_write, guard_output
from pursuit._terminal import visible, visible_json, visible_lines

HOSTILE = "Acme\u001b[2J\u001b]0;pwned\u0007\u202e\u009b"  # clears the screen, retitles the terminal, reorders text
RAW = [b"\x1b", b"\x07", "\u202e".encode(), "\u009b".encode()]


def run(*args, env=None, timeout=180):
    """`python -m pursuit ARGS` in a real process; bytes out, so that raw control bytes can be looked for."""
    return subprocess.run([sys.executable, "-m", "pursuit", *map(str, args)], capture_output=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def assert_no_raw(proc):
    for raw in RAW:
        assert raw not in proc.stdout, (raw, proc.stdout[-400:])
        assert raw not in proc.stderr, (raw, proc.stderr[-400:])


def write_jsonl(path, events):
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
    return path


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


OPEN = {"id": "e-0", "opportunity": "O-1", "at": "2026-03-01T02:00:00Z", "type": "open", "account": HOSTILE,
        "name": "Deal " + HOSTILE, "owner": "Owner " + HOSTILE}


@pytest.fixture
def hostile_db(tmp_path):
    db = tmp_path / "hostile.db"
    events = [OPEN, {"id": "e-1", "opportunity": "O-1", "at": "2026-03-02T02:00:00Z", "type": "note", "note": HOSTILE},
              # rejected on replay (no open), with an id that reorders what follows it
              {"id": "e\u202e-2", "opportunity": "O-2", "at": "2026-03-02T02:00:00Z", "type": "advance"}]
    pursuit.Store(db).ingest(events)
    return db


@pytest.fixture
def sample_db(tmp_path, sample_path):
    db = tmp_path / "sample.db"
    pursuit.Store(db).ingest(sample_path)
    return db


# --- the one function ---

def test_visible_escapes_controls_and_bidi_and_keeps_the_rest():
    assert visible(HOSTILE) == "Acme\\x1b[2J\\x1b]0;pwned\\x07\\u202e\\x9b"
    assert visible("a\tb\nc\x7f\x00\u2066\u2069") == "a\\x09b\\x0ac\\x7f\\x00\\u2066\\u2069"
    assert visible("华东精密 · OEE → 交付 ok") == "华东精密 · OEE → 交付 ok"
    assert visible_lines("a\tb\nc\x1b") == "a\tb\nc\\x1b"
    text = json.dumps({"k": HOSTILE}, ensure_ascii=False)
    assert json.loads(visible_json(text)) == {"k": HOSTILE} and "\u202e" not in visible_json(text)


# --- 1. outputs never clobber inputs ---

@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_report_refuses_to_write_over_the_store_or_its_side_files(sample_db, suffix):
    before = digest(sample_db)
    target = f"{sample_db}{suffix}"
    proc = run("report", "--db", sample_db, "--format", "html", "--out", target)
    assert proc.returncode == 2, proc.stderr
    err = proc.stderr.decode()
    assert f"refusing to write --out {target}" in err and str(sample_db) in err and "Choose another output file" in err
    assert "拒绝写入" in err
    assert digest(sample_db) == before and pursuit.Store(sample_db, read_only=True).stats().events > 0
    assert not [p for p in sample_db.parent.iterdir() if p.name.endswith(".tmp")]


def test_report_refuses_the_store_by_another_name(sample_db, tmp_path, capsys):
    (tmp_path / "sub").mkdir()
    os.symlink(sample_db, tmp_path / "link.db")
    os.link(sample_db, tmp_path / "hard.db")
    before = digest(sample_db)
    for other in (tmp_path / "sub" / ".." / sample_db.name, tmp_path / "link.db", tmp_path / "hard.db"):
        assert main(["report", "--db", str(sample_db), "--out", str(other)]) == 2
        assert "refusing to write" in capsys.readouterr().err
    # and the other way round: the store given through the link, the output its real name
    assert main(["report", "--db", str(tmp_path / "link.db"), "--out", str(sample_db)]) == 2
    assert "refusing to write" in capsys.readouterr().err
    assert digest(sample_db) == before


def test_guard_output_compares_paths_and_inodes(tmp_path):
    db, other = tmp_path / "s.db", tmp_path / "r.html"
    guard_output(other, store=db)  # neither exists: fine
    guard_output("-", store=db)
    guard_output(None, store=db)
    with pytest.raises(OutputError, match="it is the store given with --db"):
        guard_output(tmp_path / "." / "s.db", store=db)
    with pytest.raises(OutputError, match="write-ahead log"):
        guard_output(f"{db}-wal", store=db)
    src = tmp_path / "in.csv"
    src.write_text("x", encoding="utf-8")
    os.link(src, tmp_path / "alias.csv")
    with pytest.raises(OutputError, match="an input of this command"):
        guard_output(tmp_path / "alias.csv", inputs=[src])


def test_report_writes_atomically_replacing_the_old_file(sample_db, tmp_path):
    out = tmp_path / "r.json"
    out.write_text("old", encoding="utf-8")
    os.chmod(out, 0o640)
    inode = os.stat(out).st_ino
    proc = run("report", "--db", sample_db, "--format", "json", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "pursuit.report"
    assert os.stat(out).st_ino != inode  # a new file renamed into place, not the old one truncated
    assert os.stat(out).st_mode & 0o777 == 0o640
    assert b"wrote" in proc.stderr and not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path):
    out = tmp_path / "r.txt"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(TypeError):
        atomic_write(out, 42)  # fails after the temporary file exists
    assert out.read_text(encoding="utf-8") == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["r.txt"]


def test_report_out_dash_is_stdout_and_a_bad_directory_is_a_clear_error(sample_db, tmp_path):
    proc = run("report", "--db", sample_db, "--format", "json", "--out", "-")
    assert proc.returncode == 0 and json.loads(proc.stdout)["format"] == "pursuit.report"
    assert not (tmp_path / "-").exists()
    proc = run("report", "--db", sample_db, "--out", tmp_path / "no" / "such" / "dir.txt")
    assert proc.returncode == 2 and b"cannot write" in proc.stderr and b"Traceback" not in proc.stderr


CSV = ("opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"
       "A1,Ann,GTX Pro,Acme,Won,2017-01-02,2017-02-03,5000\n")


def test_import_csv_refuses_to_write_over_its_inputs_or_the_store(tmp_path, capsys):
    (tmp_path / "products.csv").write_text("product,series,sales_price\nGTX Pro,GTX,4821\n", encoding="utf-8")
    (tmp_path / "accounts.csv").write_text("account,sector\nAcme,retail\n", encoding="utf-8")
    (tmp_path / "sales_teams.csv").write_text("sales_agent,manager,regional_office\nAnn,M,East\n", encoding="utf-8")
    csv_path = tmp_path / "pipeline.csv"
    csv_path.write_text(CSV, encoding="utf-8")
    db = tmp_path / "s.db"
    for target in (csv_path, tmp_path / "products.csv", tmp_path / "accounts.csv", db, f"{db}-wal"):
        before = os.path.exists(target) and open(target, "rb").read()
        assert main(["import-csv", str(csv_path), "--db", str(db), "--out", str(target)]) == 2
        assert "refusing to write --out" in capsys.readouterr().err
        assert (os.path.exists(target) and open(target, "rb").read()) == before
    assert not db.exists()  # refused before anything was stored
    out = tmp_path / "events.jsonl"
    assert main(["import-csv", str(csv_path), "--db", str(db), "--out", str(out)]) == 0
    assert len(pursuit.read_jsonl(out)) == len(pursuit.Store(db))
    proc = run("import-csv", csv_path, "--out", "-")
    assert proc.returncode == 0 and len(pursuit.parse_jsonl(proc.stdout.decode())) == len(pursuit.Store(db))
    assert b"1 rows" in proc.stderr  # the summary is not mixed into the events


def test_demo_refuses_html_over_its_store(tmp_path):
    db = tmp_path / "demo.db"
    assert run("demo", "--db", db, "--html", tmp_path / "demo.html").returncode == 0
    before = digest(db)
    proc = run("demo", "--db", db, "--html", db)
    assert proc.returncode == 2 and b"refusing to write --html" in proc.stderr
    assert digest(db) == before


# --- 2. user text never reaches the terminal raw ---

@pytest.mark.parametrize("fmt", ["table", "json", "html"])
def test_report_shows_hostile_names_as_escapes(hostile_db, fmt):
    proc = run("report", "--db", hostile_db, "--format", fmt)
    assert proc.returncode == 0, proc.stderr
    assert_no_raw(proc)
    if fmt == "json":  # the same data, escaped differently
        doc = json.loads(proc.stdout)
        assert any(r["account"] == HOSTILE for r in doc["blocked"])
    else:
        assert b"Acme\\x1b[2J\\x1b]0;pwned\\x07" in proc.stdout  # shown, not dropped


def test_explain_shows_hostile_names_and_rejected_events_as_escapes(hostile_db):
    proc = run("explain", "O-1", "--db", hostile_db)
    assert proc.returncode == 0, proc.stderr
    assert_no_raw(proc)
    assert b"Acme\\x1b[2J" in proc.stdout
    proc = run("explain", "O-2", "--db", hostile_db)  # no open: its rejected event, with an id holding U+202E
    assert_no_raw(proc)
    assert b"e\\u202e-2" in proc.stdout


def test_check_and_error_messages_show_hostile_text_as_escapes(tmp_path):
    path = write_jsonl(tmp_path / "h.jsonl", [
        OPEN, {"id": "e-1", "opportunity": "O-1", "at": "2026-03-02T02:00:00Z", "type": "signal", "kind": HOSTILE},
        {"id": "e\u202e-2", "opportunity": "O-9", "at": "2026-03-02T02:00:00Z", "type": "advance"}])
    proc = run("check", path)
    assert proc.returncode == 1
    assert_no_raw(proc)
    assert b"unknown signal kind" in proc.stdout and b"\\u202e" in proc.stdout
    missing = tmp_path / f"missing{HOSTILE}.jsonl"
    for args in (["check", missing], ["ingest", missing, "--db", tmp_path / "s.db"],
                 ["report", "--db", missing], ["explain", "x", "--db", missing]):
        proc = run(*args)
        assert proc.returncode in (2, 3) and proc.stderr, args
        assert_no_raw(proc)
        assert b"missing" in proc.stderr


# --- 3. never a traceback ---

# A command that fails unexpectedly: the real CLI in a real process, with one command
# replaced by one that raises (nothing else is faked).
FAULT = """
import sys
import pursuit._cli.commands as commands
def boom(args):
    raise {exc}
commands.report = boom
from pursuit.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run_faulty(exc, *args, env=None):
    return subprocess.run([sys.executable, "-c", FAULT.format(exc=exc), "report", "--db", "x.db", *args],
                          capture_output=True, timeout=120, env={**os.environ, **(env or {})})


def test_an_unexpected_error_is_one_line_and_exit_3():
    proc = run_faulty("ZeroDivisionError('boom \\x1b[2J')", env={"PURSUIT_DEBUG": ""})
    assert proc.returncode == 3
    err = proc.stderr.decode()
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("pursuit: internal error (内部错误): ZeroDivisionError: boom \\x1b[2J")
    assert "please report it with the command you ran" in err and "报告" in err
    assert b"\x1b" not in proc.stderr


def test_pursuit_debug_shows_the_traceback():
    proc = run_faulty("ZeroDivisionError('boom')", env={"PURSUIT_DEBUG": "1"})
    assert proc.returncode == 3
    err = proc.stderr.decode()
    assert "Traceback (most recent call last)" in err and "internal error" in err


def test_ctrl_c_exits_130_quietly():
    proc = run_faulty("KeyboardInterrupt()")
    assert proc.returncode == 130 and proc.stderr == b""


def test_a_closed_pipe_is_a_quiet_exit(sample_db):
    proc = subprocess.Popen([sys.executable, "-m", "pursuit", "report", "--db", str(sample_db), "--format", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # `| head` that has read enough: gone before the report is written
    err = proc.stderr.read()
    assert proc.wait(timeout=180) == 141
    assert err == b"", err


# --- 4. a refused file lists every error ---

@pytest.mark.parametrize("kind", ["all-bad", "utf-16", "cr-only"])
def test_ingest_lists_every_error_when_no_line_is_valid(tmp_path, kind):
    lines = ['{"id":"e-0","opportunity":"O","at":"2026-03-01T02:00:00Z","type":"open","account":"A","name":"N"}',
             '{"id":"e-1","opportunity":"O","at":"2026-03-02T02:00:00Z","type":"advance"}']
    path = tmp_path / "f.jsonl"
    if kind == "all-bad":
        path.write_text('{"id":"e-1","at":"x"}\nnot json\n{"id":"e-3","opportunity":"O","at":"2026-03-01T02:00:00Z",'
                        '"type":"promote"}\n', encoding="utf-8")
    elif kind == "utf-16":
        path.write_bytes(("\n".join(lines) + "\n").encode("utf-16"))
    else:
        path.write_bytes(("\r".join(lines) + "\r").encode())
    db = tmp_path / "s.db"
    proc = run("ingest", path, "--db", db)
    assert proc.returncode == 1
    err = proc.stderr.decode()
    listed = re.findall(r"\(line (\d+)\)", err)
    assert listed and listed[0] == "1", err
    count = re.search(r"(\S+) invalid events; nothing stored from this file", err)
    assert count and count.group(1) == str(len(listed)), err  # a number, never "some"
    assert "个无效事件" in err
    assert len(pursuit.Store(db)) == 0
    if kind == "all-bad":
        assert listed == ["1", "2", "3"]
