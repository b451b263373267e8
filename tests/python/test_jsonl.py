import json

import jsonschema
import pytest

import pursuit
from pursuit import EventError, EventType

GOOD1 = '{"id":"e-1","opportunity":"O","at":"2026-03-02T02:00:00Z","type":"advance"}'
GOOD2 = '{"id":"e-2","opportunity":"O","at":"2026-03-02T03:00:00Z","type":"win"}'
BAD = '{"id":"e-3","opportunity":"O","at":"2026-03-02T03:00:00Z","type":"evidence","kind":"x"}'


def test_parse_jsonl_in_order():
    result = pursuit.parse_jsonl(f"{GOOD1}\n\n{GOOD2}\n")
    assert [e.id for e in result] == ["e-1", "e-2"]
    assert result.ok and result.lines == 3 and len(result) == 2


def test_raise_stops_at_the_first_error_with_its_line():
    with pytest.raises(EventError) as info:
        pursuit.parse_jsonl(f"{GOOD1}\n{BAD}\n{{oops\n")
    assert (info.value.line, info.value.event_id, info.value.field) == (2, "e-3", "kind")
    assert str(info.value).startswith("event 'e-3' (line 2), field 'kind': unknown evidence kind 'x'")


def test_collect_returns_every_error_and_every_valid_event(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text(f"{GOOD1}\n{BAD}\n{{oops\n{GOOD2}\n{GOOD1}\n", encoding="utf-8")
    result = pursuit.read_jsonl(path, on_error="collect")
    assert [e.id for e in result.events] == ["e-1", "e-2"]
    assert not result.ok
    assert [(e.line, e.event_id, e.field) for e in result.errors] == [
        (2, "e-3", "kind"), (3, None, None), (5, "e-1", "id")]
    assert str(result.errors[2]) == "event 'e-1' (line 5), field 'id': duplicate event id (first on line 1)"
    assert all(isinstance(e, EventError) for e in result.errors)


def test_bad_arguments(tmp_path):
    with pytest.raises(FileNotFoundError):
        pursuit.read_jsonl(tmp_path / "missing.jsonl")
    with pytest.raises(ValueError, match="on_error must be 'raise' or 'collect'"):
        pursuit.parse_jsonl(GOOD1, on_error="ignore")


def test_the_sample_is_valid_and_covers_the_catalogue(sample_path):
    result = pursuit.read_jsonl(sample_path)
    assert result.ok
    assert {e.type for e in result} == set(EventType)
    assert len({e.opportunity for e in result}) >= 10
    # every Chinese label survives the trip, and notes come in both languages
    notes = [e.note for e in result if e.note]
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in notes)
    assert any(n.isascii() for n in notes)


def test_the_sample_round_trips_line_by_line(sample_path):
    for e in pursuit.read_jsonl(sample_path):
        assert pursuit.Event(e.to_json()) == e


def test_the_schema_accepts_the_canonical_sample(sample_path):
    schema = pursuit.data.event_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for e in pursuit.read_jsonl(sample_path):
        validator.validate(e.to_dict())


def test_the_schema_refuses_what_the_parser_refuses(malformed_cases):
    validator = jsonschema.Draft202012Validator(pursuit.data.event_schema())
    for case in malformed_cases:
        try:
            value = json.loads(case["input"])
        except ValueError:
            continue
        if any(m in case["message"] for m in ("appears twice", "day does not exist", "in UTC")):
            continue  # beyond what JSON Schema can say (duplicate keys, calendars, offsets)
        if case["field"] in ("actor", "contact", "competitor", "criteria_aligned") and "null" in case["input"]:
            continue
        assert not validator.is_valid(value), case["input"][:160]


@pytest.mark.parametrize("field, limit", [("name", 256), ("account", 256), ("owner", 256)])
def test_lengths_are_counted_in_characters_by_the_parser_and_the_schema_alike(field, limit):
    # A Chinese character is 3 bytes of UTF-8 but one character: both judges count characters.
    validator = jsonschema.Draft202012Validator(pursuit.data.event_schema())
    base = {"id": "e-1", "opportunity": "O", "at": "2026-03-02T10:00:00Z", "type": "open", "account": "A", "name": "N"}
    at_limit, over = dict(base, **{field: "机" * limit}), dict(base, **{field: "机" * (limit + 1)})
    assert validator.is_valid(at_limit)
    assert pursuit.Event(at_limit).to_dict()[field] == "机" * limit
    assert not validator.is_valid(over)
    with pytest.raises(pursuit.EventError) as info:
        pursuit.Event(over)
    assert info.value.field == field
    assert info.value.reason == f"is {limit + 1} characters, longer than the limit of {limit}"
