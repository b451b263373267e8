"""Playbooks: what each gate requires, as data (plus Python checks)."""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Mapping, Union

import pandas as pd

from . import _core
from .vocabulary import Gate

__all__ = ["Playbook", "PlaybookError", "RequirementError"]

PlaybookError = _core.PlaybookError
_FORMAT_VERSION = 1


class RequirementError(RuntimeError):
    """A Python requirement check raised: names the requirement, its gate and the event being applied."""

    def __init__(self, requirement: str, gate: str, event_id: str | None, error: BaseException) -> None:
        where = f" while applying event {event_id!r}" if event_id else ""
        super().__init__(f"requirement {requirement!r} (gate {gate}) raised {type(error).__name__}: {error}{where}")
        self.requirement, self.gate, self.event_id, self.error = requirement, gate, event_id, error


def _bilingual(value: Union[str, Mapping[str, str]], what: str) -> dict[str, str]:
    if isinstance(value, str):
        return {"en": value, "zh": value}
    if not isinstance(value, Mapping) or not value.get("en") or not value.get("zh"):
        raise ValueError(f"{what} must be a string or a dict with non-empty 'en' and 'zh'")
    return {"en": str(value["en"]), "zh": str(value["zh"])}


class Playbook:
    """The gates' requirements. Start from :meth:`default` (DOMAIN.md's table) or load JSON.

    >>> pb = Playbook.default()
    >>> [r["code"] for r in pb.requirements("qualification")]
    ['warning_signal', 'account_contact']
    """

    __slots__ = ("_core", "_custom", "_flags")

    def __init__(self, core: _core.Playbook) -> None:
        self._core = core
        self._custom: list[tuple] = []
        self._flags: list = []  # CustomFlag, evaluated in Python after the C++ assessment

    @classmethod
    def default(cls) -> "Playbook":
        return cls(_core.Playbook.default())

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> "Playbook":
        """Validate a playbook document; errors are :class:`PlaybookError` with ``.path``."""
        return cls(_core.Playbook.from_dict(dict(document)))

    @classmethod
    def from_json(cls, text: Union[str, bytes]) -> "Playbook":
        """Parse a playbook document (UTF-8 bytes or text); errors are :class:`PlaybookError`."""
        return cls(_core.Playbook.from_json(text))

    @classmethod
    def load(cls, path: Union[str, os.PathLike]) -> "Playbook":
        # Bytes, so that a file that is not UTF-8 is a PlaybookError, not a UnicodeDecodeError.
        with open(path, "rb") as f:
            return cls.from_json(f.read())

    @property
    def name(self) -> str:
        return self._core.name

    def to_dict(self) -> dict[str, Any]:
        """The document (Python checks are code, not data: they are left out)."""
        return self._core.to_dict()

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def requirements(self, gate: Union[Gate, str]) -> list[dict[str, Any]]:
        """The requirements of one gate: code, kind, text and action in both languages."""
        return self._core.gate(str(Gate(gate)))

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Every gate's requirements as a table."""
        rows = [
            {"gate": g.value, "code": r["code"], "kind": r["kind"], "requirement": r["text"][lang], "action": r["action"][lang]}
            for g in Gate for r in self.requirements(g)
        ]
        return pd.DataFrame(rows, columns=["gate", "code", "kind", "requirement", "action"])

    def add_requirement(
        self,
        gate: Union[Gate, str],
        code: str,
        check: Callable[[Any], bool],
        *,
        text: Union[str, Mapping[str, str]],
        action: Union[str, Mapping[str, str]],
    ) -> "Playbook":
        """Add a Python check to a gate. ``check(opportunity)`` returns whether it is met.

        The C++ guards call it (taking the GIL). If it raises, the event being applied
        is not applied and :class:`RequirementError` names the requirement and the event.
        """
        if not callable(check):
            raise TypeError("check must be callable")
        gate = Gate(gate)
        text, action = _bilingual(text, "text"), _bilingual(action, "action")
        self._core.add_custom(gate.value, code, text, action, _guarded(check, code, gate.value))
        self._custom.append((gate.value, code, check, text, action))
        return self

    def add_flag(
        self,
        code: str,
        check: Callable[[Any, Any], Any],
        *,
        text: Union[str, Mapping[str, str]],
        severity: str = "medium",
    ) -> "Playbook":
        """Add a risk flag written in Python.

        ``check(opportunity, assessment)`` returns a falsy value (not raised), True, or a
        dict of the facts it found (raised, with those facts).
        """
        from .assessment import CustomFlag
        from .vocabulary import RiskFlag, Severity

        if not callable(check):
            raise TypeError("check must be callable")
        if not code or code in {f.value for f in RiskFlag} or code in {f.code for f in self._flags}:
            raise ValueError(f"flag code {code!r} must be new (not empty, not a built-in flag, not added before)")
        self._flags.append(CustomFlag(code, check, Severity(severity), _bilingual(text, "text")))
        return self

    def __reduce__(self):
        return (_restore, (_FORMAT_VERSION, self.to_dict(), self._custom,
                           [(f.code, f.check, f.severity.value, f.text) for f in self._flags]))

    def __repr__(self) -> str:
        counts = ", ".join(f"{g.value}: {len(self.requirements(g))}" for g in Gate)
        return f"<Playbook {self.name!r} ({counts})>"


def _guarded(check: Callable, code: str, gate: str) -> Callable:
    from .opportunity import Opportunity  # the view passed to checks

    def guarded(core_opportunity: _core.Opportunity) -> bool:
        try:
            return bool(check(Opportunity._view(core_opportunity)))
        except RequirementError:
            raise
        except Exception as exc:
            raise RequirementError(code, gate, core_opportunity.applying, exc) from exc

    return guarded


def _restore(version: int, document: dict, custom: list, flags: list = ()) -> Playbook:
    if version != _FORMAT_VERSION:
        raise ValueError(f"saved playbook has version {version}; this pursuit reads version {_FORMAT_VERSION}")
    playbook = Playbook.from_dict(document)
    for gate, code, check, text, action in custom:
        playbook.add_requirement(gate, code, check, text=text, action=action)
    for code, check, severity, text in flags:
        playbook.add_flag(code, check, text=text, severity=severity)
    return playbook
