"""The method's common language (通用语言) as str-valued enums.

The classes are generated from the C++ tables (``_core.vocabularies()``), so
every id and label lives in one place::

    >>> Step("qualification").label("zh")
    '界定'
"""

from __future__ import annotations

import enum

from . import _core

__all__ = [
    "Term", "Lang", "Step", "Outcome", "BuyerStage", "SignalKind", "Criterion", "Answer",
    "InsightTopic", "EvidenceKind", "Role", "Authority", "Stance", "LossReason", "Channel",
    "Direction", "Gate", "RequirementKind", "Verdict", "EventType", "RiskFlag", "Severity", "ConnectionLevel",
    "ForecastCategory", "LANGS",
]

LANGS = ("en", "zh")


class Term(str, enum.Enum):
    """A term of the method's vocabulary: its value is the id, with English and Chinese labels."""

    def label(self, lang: str = "en") -> str:
        """The display label in ``lang`` ("en" or "zh")."""
        lang = str(lang)
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
        return type(self)._labels[self.value][lang]

    def __str__(self) -> str:
        return self.value

    @classmethod
    def _missing_(cls, value: object) -> None:
        raise ValueError(
            f"unknown {cls._kind} {value!r}; expected one of {', '.join(m.value for m in cls)}"
        )


_TABLES = _core.vocabularies()


def _make(name: str) -> type[Term]:
    table = _TABLES[name]
    cls = Term(name, [(id_.upper(), id_) for id_, _, _ in table["terms"]], module=__name__, qualname=name)
    cls._labels = {id_: {"en": en, "zh": zh} for id_, en, zh in table["terms"]}
    cls._kind = table["kind"]
    return cls


Lang = _make("Lang")
Step = _make("Step")
Outcome = _make("Outcome")
BuyerStage = _make("BuyerStage")
SignalKind = _make("SignalKind")
Criterion = _make("Criterion")
Answer = _make("Answer")
InsightTopic = _make("InsightTopic")
EvidenceKind = _make("EvidenceKind")
Role = _make("Role")
Authority = _make("Authority")
Stance = _make("Stance")
LossReason = _make("LossReason")
Channel = _make("Channel")
Direction = _make("Direction")
Gate = _make("Gate")
RequirementKind = _make("RequirementKind")
Verdict = _make("Verdict")
RiskFlag = _make("RiskFlag")
Severity = _make("Severity")
ConnectionLevel = _make("ConnectionLevel")
ForecastCategory = _make("ForecastCategory")
EventType = _make("EventType")

# A vocabulary added in C++ but not named here would be invisible to users.
assert set(_TABLES) == {n for n in __all__ if n not in ("Term", "LANGS")}, sorted(_TABLES)
