import enum
import pickle

import pytest

import pursuit
from pursuit import _core
from pursuit.vocabulary import Term

VOCABULARIES = [getattr(pursuit, name) for name in _core.vocabularies()]


def test_every_cpp_vocabulary_is_a_python_enum():
    assert {v.__name__ for v in VOCABULARIES} == set(_core.vocabularies())
    assert len(VOCABULARIES) == 23


@pytest.mark.parametrize("vocab", VOCABULARIES, ids=lambda v: v.__name__)
def test_members_are_str_valued_with_bilingual_labels(vocab):
    table = _core.vocabularies()[vocab.__name__]["terms"]
    assert [m.value for m in vocab] == [t[0] for t in table]
    for member, (id_, en, zh) in zip(vocab, table):
        assert issubclass(vocab, Term) and issubclass(vocab, str) and issubclass(vocab, enum.Enum)
        assert member == id_ and str(member) == id_ and f"{member}" == id_
        assert vocab(id_) is member
        assert member.name == id_.upper()
        assert member.label() == member.label("en") == en
        assert member.label("zh") == zh
        assert member.label(pursuit.Lang.ZH) == zh
        assert pickle.loads(pickle.dumps(member)) is member


def test_the_documented_examples():
    assert pursuit.Step("qualification") is pursuit.Step.QUALIFICATION
    assert pursuit.Step.QUALIFICATION.label("zh") == "界定"
    assert [s.label("zh") for s in pursuit.Step] == ["识别", "界定", "跟踪", "监控", "验证"]
    assert pursuit.BuyerStage.FINAL_APPROVAL.label("zh") == "最终认可"
    assert pursuit.EvidenceKind.TRIAL.label("en") == "Trial order or test"


def test_unknown_ids_name_the_vocabulary_and_the_choices():
    with pytest.raises(ValueError, match=r"unknown step 'won'; expected one of identification, qualification"):
        pursuit.Step("won")
    with pytest.raises(ValueError, match="unknown evidence kind 'handshake'"):
        pursuit.EvidenceKind("handshake")


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language 'fr'; expected one of en, zh"):
        pursuit.Step.TRACKING.label("fr")
