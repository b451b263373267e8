import datetime as dt
import json
import math
import pickle

import numpy as np
import pytest

import pursuit
from pursuit import Event, EventError, EventType

from conftest import event

# One canonical event per type, as its JSON line.
CANONICAL = [
    {"id": "e-1", "opportunity": "OPP-1", "at": "2026-03-02T02:00:00Z", "type": "open", "account": "华东电力",
     "name": "Grid analytics", "amount": 250000.0, "currency": "CNY", "expected_close": "2026-09-30", "owner": "li.wei"},
    {"id": "e-2", "opportunity": "OPP-1", "at": "2026-03-02T02:00:00Z", "type": "signal", "kind": "implicit_need", "contact": "c-1"},
    {"id": "e-3", "opportunity": "OPP-1", "at": "2026-03-02T02:00:00Z", "type": "qualify", "criterion": "funding", "answer": "yes", "note": "预算已批"},
    {"id": "e-4", "opportunity": "OPP-1", "at": "2026-03-02T02:00:00Z", "type": "contact", "contact": "c-1", "name": "王芳",
     "title": "CIO", "roles": ["key_person", "sales_guide"], "authority": "high", "stance": "advocate", "access": True, "focus": ["cost"]},
    {"id": "e-5", "opportunity": "OPP-1", "at": "2026-03-02T02:00:00Z", "type": "contact_left", "contact": "c-1"},
    {"id": "e-6", "opportunity": "OPP-1", "at": "2026-03-02T02:00:00Z", "type": "insight", "topic": "problem", "text": "outages"},
    {"id": "e-7", "opportunity": "OPP-1", "at": "2026-03-02T02:00:00Z", "type": "competitor", "name": "Kestrel",
     "strengths": ["price"], "weaknesses": ["support"], "strategy": "undercut", "ties": ["c-9"]},
    {"id": "e-7b", "opportunity": "OPP-1", "at": "2026-03-02T02:00:00Z", "type": "competitor", "none": True},
    {"id": "e-8", "opportunity": "OPP-1", "at": "2026-03-02T02:00:00Z", "type": "evidence", "kind": "trial", "contact": "c-2"},
    {"id": "e-9", "opportunity": "OPP-1", "at": "2026-03-02T02:00:00Z", "type": "evidence_revoked", "kind": "budget_commitment"},
    {"id": "e-10", "opportunity": "OPP-1", "at": "2026-03-02T02:00:00Z", "type": "interaction", "channel": "meeting",
     "direction": "mutual", "volume": 3, "contact": "c-1"},
    {"id": "e-11", "opportunity": "OPP-1", "at": "2026-03-02T02:00:00Z", "type": "buyer_stage", "stage": "evaluation", "criteria_aligned": False},
    {"id": "e-12", "opportunity": "OPP-1", "at": "2026-03-02T02:00:00Z", "type": "advance", "actor": "li.wei"},
    {"id": "e-13", "opportunity": "OPP-1", "at": "2026-03-02T02:00:00Z", "type": "win"},
    {"id": "e-14", "opportunity": "OPP-1", "at": "2026-03-02T02:00:00Z", "type": "lose", "reason": "competitor", "competitor": "Kestrel"},
    {"id": "e-15", "opportunity": "OPP-1", "at": "2026-03-02T02:00:00Z", "type": "disqualify", "reason": "no budget"},
    {"id": "e-16", "opportunity": "OPP-1", "at": "2026-03-02T02:00:00Z", "type": "reopen"},
    {"id": "e-17", "opportunity": "OPP-1", "at": "2026-03-02T02:00:00Z", "type": "note", "note": "客户下周回复"},
]


def test_the_catalogue_is_covered():
    assert {d["type"] for d in CANONICAL} == {t.value for t in EventType}


@pytest.mark.parametrize("data", CANONICAL, ids=lambda d: d["id"] + "-" + d["type"])
def test_round_trip_is_exact(data):
    e = Event(data)
    assert e.to_dict() == data
    assert list(e.to_dict()) == list(data)  # canonical key order
    line = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    assert e.to_json() == line
    assert Event(e.to_json()) == e
    assert Event(line) == e
    assert pickle.loads(pickle.dumps(e)) == e
    assert e.type is EventType(data["type"])


def test_properties():
    e = Event(event("evidence", kind="trial", contact="c-2", actor="li.wei", note="试用三个月 / three-month trial agreed"))
    assert e.id == "e-1" and e.opportunity == "OPP-1"
    assert e.at == dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.timezone.utc)
    assert e.type is EventType.EVIDENCE and e.type.label("zh") == "进展证据"
    assert e.actor == "li.wei" and e.note.startswith("试用")
    assert e.fields == {"kind": "trial", "contact": "c-2"}
    assert "trial" in repr(e)
    assert Event(e) == e
    with pytest.raises(TypeError):
        hash(e)


def test_events_compare_by_value():
    a = Event(event("win"))
    assert a == Event(event("win", at="2026-03-02T02:00:00Z"))  # same instant
    assert a != Event(event("win", note="x"))
    assert a != "not an event"


def test_malformed_events_from_json_text(malformed_cases):
    assert len(malformed_cases) >= 30
    for case in malformed_cases:
        with pytest.raises(EventError) as info:
            Event(case["input"])
        err = info.value
        assert str(err) == case["message"], case["input"][:120]
        assert err.field == case["field"]
        assert err.event_id == case["event_id"]
        assert err.line is None
        assert err.reason and str(err).endswith(err.reason)
        assert isinstance(err, ValueError)


def test_malformed_events_from_dicts(malformed_cases):
    """The same cases reach the same messages when given as dicts."""
    checked = 0
    for case in malformed_cases:
        try:
            data = json.loads(case["input"])
        except ValueError:
            continue  # not JSON at all: only text input can say so
        if not isinstance(data, dict) or "appears twice" in case["message"]:
            continue  # a dict cannot repeat a key
        if "nesting" in case["message"]:
            continue  # checked separately below
        if "is out of range" in case["message"]:
            continue  # json.loads made an infinity or a big int of it: refused by the field's own rule
        with pytest.raises(EventError) as info:
            Event(data)
        assert str(info.value) == case["message"]
        checked += 1
    assert checked >= 30


_OPEN = {"id": "e-1", "opportunity": "OPP-1", "at": "2026-03-02T10:00:00+08:00", "type": "open",
         "account": "A", "name": "N"}


# A dict is judged as its JSON text would be (field by field, in the same order);
# a value JSON cannot hold is refused where the field is read.
@pytest.mark.parametrize(
    "value, field, message",
    [
        (dict(_OPEN, segments={1: 2}), "segments", "dictionary keys must be strings"),
        (dict(_OPEN, amount=object()), "amount", "a value of type object has no JSON form"),
        (dict(_OPEN, amount=10**30), "amount", "must be between 0 and 1e15"),
        (dict(_OPEN, owner="\udc80"), "owner", "text is not valid Unicode (lone surrogate?)"),
        (dict(_OPEN, at=dt.datetime(2026, 3, 2, 10)), "at", "datetime has no time zone: give an aware datetime"),
        (dict(_OPEN, type="contact", contact="c", roles=[[[["x"]]]]), "roles[0]", "expected a string, got an array"),
        (dict(_OPEN, x={1: 2}), "x", "is not a field of 'open' events"),
    ],
)
def test_python_values_json_cannot_hold(value, field, message):
    with pytest.raises(EventError) as info:
        Event(value)
    assert info.value.field == field and info.value.reason == message
    assert info.value.event_id == "e-1"


def test_dataframe_friendly_values():
    """numpy scalars, NaN for "missing" and aware datetimes are accepted."""
    e = Event({
        "id": "e-1", "opportunity": "OPP-1", "type": "interaction",
        "at": dt.datetime(2026, 3, 2, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        "channel": "call", "direction": "inbound", "volume": np.int64(4), "contact": math.nan,
        "note": float("nan"),
    })
    assert e.fields == {"channel": "call", "direction": "inbound", "volume": 4}
    assert e.at.hour == 2 and e.note is None
    e = Event(event("open", account="A", name="N", amount=np.float64(12.5), expected_close="2026-09-30"))
    assert e.fields["amount"] == 12.5


def test_surrogates_and_control_characters():
    with pytest.raises(EventError, match="lone surrogate"):
        Event(event("note", note="bad \ud800"))
    with pytest.raises(EventError, match="field 'id': must not contain control characters"):
        Event({**event("win"), "id": "e\x001"})


def test_non_event_values_are_type_errors():
    with pytest.raises(TypeError, match="an event is a dict or a JSON string, not int"):
        Event(42)
    with pytest.raises(EventError, match="expected a JSON object, got an array"):
        Event("[1]")


def test_pandas_missing_values_in_a_dict_are_absent_fields():
    import pandas as pd

    plain = Event(dict(_OPEN))
    for missing in (None, float("nan"), pd.NA, pd.NaT, np.datetime64("NaT")):
        assert Event(dict(_OPEN, owner=missing, amount=missing)) == plain
