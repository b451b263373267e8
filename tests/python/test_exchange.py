"""The JSON exchange form of opportunities and pipelines: the safe alternative to
pickle for state from elsewhere. It round-trips, and malformed text is a clear
ValueError, never a crash nor a half-built object."""

import json
import pickle

import pandas as pd
import pytest

import pursuit


@pytest.fixture(scope="module")
def pipeline(stories_path):
    p = pursuit.Pipeline()
    p.apply(stories_path)
    return p


OPEN = {"id": "e-1", "opportunity": "O", "at": "2026-03-02T02:00:00Z", "type": "open", "account": "A", "name": "N"}


def same_state(a, b):
    assert a.ids == b.ids
    for i in a:
        assert a[i].state() == b[i].state()
    pd_a, pd_b = a.snapshot(), b.snapshot()
    assert pd_a.equals(pd_b)


def test_pipeline_round_trip(pipeline):
    text = pipeline.to_json()
    doc = json.loads(text)
    assert doc["format"] == "pursuit.exchange.pipeline" and doc["version"] == 1
    assert doc["playbook"]["name"] == pipeline.playbook.name and len(doc["opportunities"]) == len(pipeline)
    back = pursuit.Pipeline.from_json(text)
    same_state(pipeline, back)
    same_state(pipeline, pursuit.Pipeline.from_json(text.encode("utf-8")))
    # it goes on as the original would
    last = max(pipeline.snapshot()["last_at"])
    event = {"id": "x-1", "opportunity": pipeline.ids[0], "type": "note", "note": "after the round trip",
             "at": (last + pd.Timedelta(days=1)).isoformat()}
    pipeline_copy = pickle.loads(pickle.dumps(pipeline))
    pipeline_copy.apply([event])
    back.apply([event])
    same_state(pipeline_copy, back)


def test_opportunity_round_trip(pipeline):
    opp = pipeline[pipeline.ids[0]]
    back = pursuit.Opportunity.from_json(opp.to_json())
    assert back.state() == opp.state() and back.step == opp.step and back.explain() == opp.explain()
    assert json.loads(opp.to_json())["format"] == "pursuit.exchange.opportunity"


def test_the_saved_playbook_is_used_unless_one_is_given(tmp_path):
    crm = pursuit.Playbook.load(pursuit.data.playbook_path("crm-stages"))
    p = pursuit.Pipeline(crm)
    p.apply([OPEN])
    assert pursuit.Pipeline.from_json(p.to_json()).playbook.name == crm.name
    assert pursuit.Opportunity.from_json(p["O"].to_json())._playbook.name == crm.name
    assert pursuit.Pipeline.from_json(p.to_json(), playbook=pursuit.Playbook.default()).playbook.name != crm.name


def test_python_checks_cannot_travel_silently():
    book = pursuit.Playbook.default().add_requirement("qualification", "signed_nda", lambda o: True,
                                                     text="NDA signed", action="get the NDA signed")
    p = pursuit.Pipeline(book)
    p.apply([OPEN])
    text = p.to_json()
    with pytest.raises(ValueError, match="signed_nda.*pass that playbook as playbook="):
        pursuit.Pipeline.from_json(text)
    assert pursuit.Pipeline.from_json(text, playbook=book)["O"].state() == p["O"].state()


def damaged(text, change):
    doc = json.loads(text)
    change(doc)
    return json.dumps(doc)


@pytest.mark.parametrize("make, message", [
    (lambda t: "", "not JSON text"),
    (lambda t: t[: len(t) // 2], "not JSON text"),
    (lambda t: b"\xff\xfe{", "not JSON text"),
    (lambda t: "[1, 2]", 'expected a JSON object with "format"'),
    (lambda t: damaged(t, lambda d: d.update(format="pursuit.exchange.opportunity")),
     "not a pursuit.exchange.pipeline"),
    (lambda t: damaged(t, lambda d: d.update(version=2)), "has version 2"),
    (lambda t: damaged(t, lambda d: d.update(opportunities={})), "'opportunities' must be a JSON array"),
    (lambda t: damaged(t, lambda d: d.update(opportunities=[1])), "not a saved pursuit opportunity"),
    (lambda t: damaged(t, lambda d: d["opportunities"][0].pop("facts")), "damaged"),
    (lambda t: damaged(t, lambda d: d["opportunities"][0].update(buyer_stage="nowhere")), "unknown buyer stage"),
    (lambda t: damaged(t, lambda d: d["opportunities"].append(d["opportunities"][0])), "already in the pipeline"),
    (lambda t: damaged(t, lambda d: d.update(playbook={"name": "x"})), "playbook"),
    (lambda t: damaged(t, lambda d: d.pop("playbook")), "'playbook' must be a JSON object"),
])
def test_malformed_pipeline_text_is_a_clear_value_error(pipeline, make, message):
    with pytest.raises(ValueError, match=message):
        pursuit.Pipeline.from_json(make(pipeline.to_json()))


@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("state"), "'state' must be a JSON object"),
    (lambda d: d["state"].update(history="x"), "damaged"),
    (lambda d: d["state"].update(version=99), "version 99"),
])
def test_malformed_opportunity_text_is_a_clear_value_error(pipeline, change, message):
    with pytest.raises(ValueError, match=message):
        pursuit.Opportunity.from_json(damaged(pipeline[pipeline.ids[0]].to_json(), change))


def test_the_pickle_warning_is_documented():
    for obj in (pursuit.Pipeline, pursuit.Opportunity):
        assert "trust" in obj.__reduce__.__doc__ and "to_json" in obj.__reduce__.__doc__
        assert "to_json" in obj.__doc__ and "untrusted" in obj.__doc__
