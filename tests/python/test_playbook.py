import pickle

import pytest

import pursuit
from pursuit import Gate, Opportunity, Pipeline, Playbook, PlaybookError, RequirementError, Step, Verdict

from story import Story


def test_default_playbook_and_its_table():
    pb = Playbook.default()
    assert pb.name == "default"
    assert [r["code"] for r in pb.requirements("won")] == ["final_approval", "budget_commitment", "key_person_access_valid"]
    assert pb.requirements(Gate.TRACKING)[0]["text"]["zh"] == "资金已划拨到位"
    frame = pb.to_frame("zh")
    assert len(frame) == 19 and set(frame["gate"]) == {"qualification", "tracking", "monitoring", "verification", "won"}
    assert "Playbook 'default'" in repr(pb)


def test_load_from_json_and_dict(tmp_path):
    doc = Playbook.default().to_dict()
    doc["gates"]["qualification"] = doc["gates"]["qualification"][:1]
    path = tmp_path / "playbook.json"
    path.write_text(Playbook.from_dict(doc).to_json(), encoding="utf-8")
    pb = Playbook.load(path)
    assert len(pb.requirements("qualification")) == 1
    s = Story()
    opp = Opportunity("OPP-1", pb)
    opp.apply_all([s.open(), s.make("signal", kind="intent_change"), s.make("advance")])
    assert opp.step is Step.QUALIFICATION  # relaxed: no contact needed


def test_numpy_values_in_a_playbook_dict_read_as_their_plain_form_as_in_events():
    np = pytest.importorskip("numpy")
    doc = Playbook.default().to_dict()
    doc["assessment"] = {"flags": {"cooling_drop": np.float32(0.5)}}
    plain = {**doc, "assessment": {"flags": {"cooling_drop": 0.5}}}
    assert Playbook.from_dict(doc).to_dict() == Playbook.from_dict(plain).to_dict()
    with pytest.raises(PlaybookError) as info:
        Playbook.from_dict({**doc, "name": object()})
    assert info.value.path == "/name" and info.value.reason == "a value of type object has no JSON form"


@pytest.mark.parametrize("doc, path, reason", [
    ({}, "/gates", "is missing"),
    ({"gates": {"tracking": [{"code": "x", "kind": "contacts", "min": 0,
                              "text": {"en": "t", "zh": "z"}, "action": {"en": "a", "zh": "b"}}]}},
     "/gates/tracking/0/min", "expected a whole number from 1 to 1000000"),
    ({"gates": {"later": []}}, "/gates/later", "unknown gate; expected one of qualification, tracking, monitoring, "
                                               "verification, won, lost, disqualified"),
])
def test_playbook_errors_carry_the_path(doc, path, reason):
    with pytest.raises(PlaybookError) as info:
        Playbook.from_dict(doc)
    assert info.value.path == path and info.value.reason == reason
    assert str(info.value) == f"playbook {path}: {reason}"
    assert isinstance(info.value, ValueError)


def test_malformed_json():
    with pytest.raises(PlaybookError, match="malformed JSON"):
        Playbook.from_json("{")


def test_python_requirements_are_checked_by_the_gates():
    pb = Playbook.default().add_requirement(
        "qualification", "big_enough", lambda opp: opp.facts["header"]["amount"] >= 5000,
        text={"en": "Deal of at least 5000", "zh": "金额至少5000"}, action={"en": "Grow the deal", "zh": "扩大金额"})
    s = Story()
    opp = Opportunity("OPP-1", pb)
    opp.apply_all([s.open(amount=1000.0)] + s.evidence_for("qualification"))
    r = opp.apply(s.make("advance"))
    assert r.verdict is Verdict.REFUSED and [u.code for u in r.unmet] == ["big_enough"]
    assert r.unmet[0].kind == "custom" and r.unmet[0].text["zh"] == "金额至少5000"
    big = Opportunity("OPP-2", pb)
    s2 = Story("OPP-2")
    big.apply_all([s2.open(amount=9000.0)] + s2.evidence_for("qualification"))
    assert big.apply(s2.make("advance")).accepted


def test_a_raising_requirement_names_itself_and_the_event_and_changes_nothing():
    def explode(opp):
        raise ZeroDivisionError("bad maths")

    pb = Playbook.default().add_requirement("tracking", "explodes", explode, text="Explodes", action="Fix it")
    s = Story()
    opp = Opportunity("OPP-1", pb)
    opp.apply_all(s.to("qualification"))
    before = opp.state()
    event = s.make("advance")
    with pytest.raises(RequirementError) as info:
        opp.apply(event)
    err = info.value
    assert err.requirement == "explodes" and err.gate == "tracking" and err.event_id == event["id"]
    assert isinstance(err.error, ZeroDivisionError) and isinstance(err.__cause__, ZeroDivisionError)
    assert str(err) == f"requirement 'explodes' (gate tracking) raised ZeroDivisionError: bad maths while applying event '{event['id']}'"
    assert opp.state() == before


def test_a_raising_requirement_in_a_threaded_batch_surfaces_too():
    def explode(opp):
        raise RuntimeError("no")

    pb = Playbook.default().add_requirement("qualification", "explodes", explode, text="x", action="y")
    p = Pipeline(pb)
    with pytest.raises(RequirementError, match="requirement 'explodes'"):
        p.apply(Story().to("qualification"), threads=2)


def test_requirement_arguments_are_validated():
    pb = Playbook.default()
    with pytest.raises(TypeError):
        pb.add_requirement("won", "x", "not callable", text="t", action="a")
    with pytest.raises(ValueError, match="unknown gate"):
        pb.add_requirement("later", "x", bool, text="t", action="a")
    with pytest.raises(ValueError, match="'en' and 'zh'"):
        pb.add_requirement("won", "x", bool, text={"en": "only english"}, action="a")
    with pytest.raises(PlaybookError, match="duplicate code 'budget_commitment'"):
        pb.add_requirement("won", "budget_commitment", bool, text="t", action="a")


def always(opp):
    return True


def test_pickling_keeps_python_requirements():
    pb = Playbook.default().add_requirement("won", "signed", always, text="Signed", action="Sign")
    again = pickle.loads(pickle.dumps(pb))
    assert [r["code"] for r in again.requirements("won")][-1] == "signed"
    assert again.to_dict() == pb.to_dict()
