"""`pursuit check` reports what ingest and the report would reject; `pursuit explain`
shows an opportunity's rejected events, also when it was never opened."""

import json
import re

import pursuit
from pursuit.cli import main


def ev(id, opp, day, type_, **fields):
    return {"id": id, "opportunity": opp, "at": f"2026-03-{day:02d}T02:00:00Z", "type": type_, **fields}


def write_jsonl(path, events):
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
    return path


OPEN_1 = ev("o-1", "OPP-1", 1, "open", account="Acme", name="Analytics")
FILE = [
    OPEN_1,
    ev("e-2", "OPP-1", 2, "qualify", criterion="funding", answer="yes"),
    ev("e-3", "OPP-2", 3, "advance"),                                # OPP-2 was never opened
    ev("e-4", "OPP-1", 4, "contact_left", contact="c-nobody"),       # an unknown contact
    ev("e-5", "OPP-1", 5, "note", note="fine"),
]


def rejected_lines(out):
    return re.findall(r"event '([^']+)' \(line (\d+)\), opportunity '([^']+)': rejected on replay / 重放时被拒收: (.*)", out)


def test_check_lists_every_event_the_replay_would_reject(tmp_path, capsys):
    path = write_jsonl(tmp_path / "f.jsonl", FILE)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    found = rejected_lines(out)
    assert [(i, n, o) for i, n, o, _ in found] == [("e-3", "3", "OPP-2"), ("e-4", "4", "OPP-1")]
    assert "first event must be 'open'" in found[0][3] and "unknown contact 'c-nobody'" in found[1][3]
    assert f"{path}: 5 valid events, 0 errors, 5 lines, 2 rejected on replay" in out
    assert "重放时被拒收 2 个" in out


def test_check_counts_what_the_report_then_rejects(tmp_path, capsys, stories_path):
    path = write_jsonl(tmp_path / "f.jsonl", FILE)
    db = tmp_path / "s.db"
    for events in (path, stories_path):
        main(["check", str(events)])
        n = int(re.search(r"(\d+) rejected on replay", capsys.readouterr().out).group(1))
        before = pursuit.Store(db).outcomes()
        assert main(["ingest", str(events), "--db", str(db), "--quiet"]) == 0  # ingest stores them all ...
        after = pursuit.Store(db).outcomes()
        # ... and the replay rejects exactly those check named
        assert (after["verdict"] == "rejected").sum() - (before["verdict"] == "rejected").sum() == n
    assert main(["report", "--db", str(db), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["overview"]["rejected_events"] == 2


def test_check_with_the_store_counts_the_opportunities_it_knows(tmp_path, capsys):
    db = tmp_path / "s.db"
    pursuit.Store(db).ingest([OPEN_1])
    later = write_jsonl(tmp_path / "later.jsonl", [ev("e-2", "OPP-1", 2, "qualify", criterion="funding", answer="yes")])
    assert main(["check", str(later)]) == 1  # alone, OPP-1 has no open
    assert "first event must be 'open'" in capsys.readouterr().out
    assert main(["check", str(later), "--db", str(db)]) == 0
    assert "0 rejected on replay" in capsys.readouterr().out
    assert len(pursuit.Store(db)) == 1  # a dry run: nothing written


def test_check_with_the_store_names_ids_stored_with_other_content(tmp_path, capsys):
    db = tmp_path / "s.db"
    pursuit.Store(db).ingest([OPEN_1, ev("e-2", "OPP-1", 2, "note", note="first")])
    again = write_jsonl(tmp_path / "again.jsonl", [OPEN_1, ev("e-2", "OPP-1", 2, "note", note="changed")])
    assert main(["check", str(again), "--db", str(db)]) == 1
    out = capsys.readouterr().out
    assert [(i, n) for i, n, _, _ in rejected_lines(out)] == [("e-2", "2")]  # o-1, the same content, is skipped
    assert "already stored with different content" in out and "1 rejected on replay" in out
    assert main(["ingest", str(again), "--db", str(db)]) == 1  # what ingest then does
    assert "already stored with different content" in capsys.readouterr().err


def test_check_takes_files_in_order_as_ingest_would(tmp_path, capsys):
    a = write_jsonl(tmp_path / "a.jsonl", [OPEN_1])
    b = write_jsonl(tmp_path / "b.jsonl", [ev("e-2", "OPP-1", 2, "note", note="n"),
                                           ev("o-1", "OPP-1", 1, "note", note="x")])
    assert main(["check", str(a), str(b)]) == 1
    out = capsys.readouterr().out
    assert f"{a}: 1 valid events, 0 errors, 1 lines, 0 rejected on replay" in out
    assert [(i, n) for i, n, _, _ in rejected_lines(out)] == [("o-1", "2")]  # a's id, other content


def test_check_with_a_playbook(tmp_path, capsys):
    path = write_jsonl(tmp_path / "f.jsonl", FILE[:2])
    book = tmp_path / "book.json"
    book.write_text(pursuit.Playbook.load(pursuit.data.playbook_path("crm-stages")).to_json(), encoding="utf-8")
    assert main(["check", str(path), "--playbook", str(book)]) == 0
    book.write_text('{"name": "x"}', encoding="utf-8")
    assert main(["check", str(path), "--playbook", str(book)]) == 2
    assert "not a playbook" in capsys.readouterr().err
    assert main(["check", str(path), "--playbook", str(tmp_path / "none.json")]) == 2


def test_explain_an_opportunity_that_was_never_opened(tmp_path, capsys):
    db = tmp_path / "s.db"
    pursuit.Store(db).ingest(FILE + [ev("e-6", "OPP-2", 6, "note", note="n")], on_error="collect")
    assert main(["explain", "OPP-2", "--db", str(db)]) == 1
    out = capsys.readouterr().out
    assert "OPP-2: 2 stored events, but none opens it" in out and "Rejected events" in out
    assert re.search(r"2026-03-03 02:00 UTC  e-3 \(.*\): unknown opportunity 'OPP-2'", out)
    assert "e-6" in out
    assert main(["explain", "OPP-2", "--db", str(db), "--lang", "zh"]) == 1
    assert "没有 `open` 事件" in capsys.readouterr().out
    assert main(["explain", "OPP-3", "--db", str(db)]) == 1
    assert "no events for opportunity 'OPP-3'" in capsys.readouterr().err


def test_explain_lists_rejected_events_with_their_reasons(tmp_path, capsys):
    db = tmp_path / "s.db"
    pursuit.Store(db).ingest(FILE)
    assert main(["explain", "OPP-1", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OPP-1 (Acme · Analytics)")
    section = out.split("Rejected events (not applied; fix or resend them)\n")[1]
    assert re.match(r"  2026-03-04 02:00 UTC  e-4 \(.*\): unknown contact 'c-nobody'", section)
    pursuit.Store(db).ingest([ev("e-0", "OPP-9", 1, "open", account="B", name="N")])
    assert main(["explain", "OPP-9", "--db", str(db)]) == 0
    assert "Rejected events" not in capsys.readouterr().out  # only when there are some


def test_store_outcomes(tmp_path):
    store = pursuit.Store(tmp_path / "s.db")
    store.ingest(FILE)
    every = store.outcomes()
    assert len(every) == len(FILE)
    assert sorted(every.loc[every["verdict"] == "rejected", "event_id"]) == ["e-3", "e-4"]
    two = store.outcomes("OPP-2")
    assert list(two["event_id"]) == ["e-3"] and "first event must be 'open'" in two["reason"].iloc[0]
    assert len(store.outcomes("OPP-1", as_of="2026-03-02")) == 2
    assert len(store.outcomes("nope")) == 0
