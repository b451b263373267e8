"""What the atheris harnesses share: the oracle, and fuzzed bytes read as choices.

The oracle: bad input has documented answers (:class:`pursuit.EventError` for
events, :class:`pursuit.PlaybookError` for playbooks, both ``ValueError``);
any other exception escaping the API (``TypeError``, ``RuntimeError``,
``RecursionError``, ``SystemError`` …) is a finding, and so is a crash.
Choices are read from the bytes by :class:`Choices` rather than atheris'
FuzzedDataProvider, so that the replay (``replay.py``, the pytest suite) needs
no atheris.
"""

from __future__ import annotations

import datetime as dt
import decimal
import fractions
import json
import os
import sys
import types
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

import pursuit

ROOT = Path(__file__).resolve().parents[3]
# Set by `make fuzz`: steer clear of the known findings (tests/fuzz/known-findings.txt)
# so that fuzzing goes on past them; the replay leaves it unset, so they must still fail.
SKIP_KNOWN = bool(os.environ.get("PURSUIT_FUZZ_SKIP_KNOWN"))
SEEDS = ROOT / "tests" / "fuzz" / "corpus" / "jsonl"


class Finding(Exception):
    """An exception that the documentation does not promise (the oracle's verdict)."""


def only(allowed: tuple[type[BaseException], ...], call: Callable[[], Any], where: str) -> tuple[bool, Any]:
    """Runs ``call``: (True, its result), or (False, the exception) when it raised an allowed type.

    Anything else is re-raised as a :class:`Finding` naming ``where`` and the original type.
    """
    try:
        return True, call()
    except allowed as err:
        return False, err
    except Exception as err:  # noqa: BLE001 - every other type is what the oracle reports
        raise Finding(f"{where}: undocumented {type(err).__module__}.{type(err).__qualname__}: {err!r}"[:2000]) from err


class Choices:
    """Fuzzed bytes read as choices; past the end every read is 0, so any input is a valid program."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    @property
    def empty(self) -> bool:
        return self.pos >= len(self.data)

    def byte(self) -> int:
        if self.pos >= len(self.data):
            return 0
        self.pos += 1
        return self.data[self.pos - 1]

    def below(self, n: int) -> int:
        return self.byte() % n if n > 0 else 0

    def chance(self, one_in: int) -> bool:
        return self.below(one_in) == 0

    def pick(self, options: Sequence[Any]) -> Any:
        return options[self.below(len(options))]

    def int64(self) -> int:
        return int.from_bytes(bytes(self.byte() for _ in range(8)), "little", signed=True)

    def raw(self, max_len: int) -> bytes:
        return bytes(self.byte() for _ in range(self.below(max_len + 1)))


def _load_templates() -> list[dict]:
    """One valid event of each type (the seed corpus' sample head), to mutate from."""
    by_type: dict[str, dict] = {}
    for line in (SEEDS / "sample-head.jsonl").read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        by_type.setdefault(event["type"], event)
    for line in (SEEDS / "story-OPP-004.jsonl").read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        by_type.setdefault(event["type"], event)
    return list(by_type.values())


TEMPLATES = _load_templates()
FIELDS = sorted({key for e in TEMPLATES for key in e} | {"volume", "criteria_aligned", "segments", "none", "ties"})

_NUMPY_TYPES = (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
                np.float16, np.float32, np.float64, np.longdouble, np.bool_)
_AWARE = dt.timezone(dt.timedelta(hours=8))


def scalar(c: Choices, like: Any = None, depth: int = 0) -> Any:
    """A value for a field: often the template's own (maybe retyped), else anything JSON-ish or not."""
    k = c.below(24)
    if depth > 8 and 15 <= k <= 17:  # containers: the harness' own recursion stays bounded
        k = 0
    if k < 6 and like is not None:
        return like
    if k == 6 and isinstance(like, (int, float)) and not isinstance(like, bool):
        t = c.pick(_NUMPY_TYPES)
        try:
            return t(like)
        except (OverflowError, ValueError):
            return t(0)
    if k == 7:  # a byte's bits in any dtype (wrapping, as numpy casts do)
        return np.array(c.byte(), dtype=np.uint8).astype(c.pick(_NUMPY_TYPES))[()]
    if k == 8:
        return c.pick([float("nan"), float("inf"), -float("inf"), -0.0, 1e308, 5e-324, 1e15, 1e15 + 1, 2.0])
    if k == 9:
        return c.pick([0, -1, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**400, True, False])
    if k == 10:
        return c.pick([None, np.nan, pd_na(), np.datetime64("NaT")])
    if k == 11:
        return dt.datetime(2026, 1, 1 + c.below(28), c.below(24), tzinfo=_AWARE if c.chance(2) else None)
    if k == 12:
        return c.pick([dt.date(2026, 6, 30), np.datetime64("2026-03-02T10:00:00"), dt.time(10), dt.timedelta(1)])
    if k == 13:
        return c.raw(12).decode("utf-8", "surrogateescape")  # lone surrogates now and then
    if k == 14:
        return c.pick(["", " ", "\x00", "\ud800", "机会", "\u202e", "x" * 257, "2026-03-02T10:00:00+08:00"])
    if k == 15:
        return [scalar(c, None, depth + 1) for _ in range(c.below(4))]
    if k == 16:
        return tuple(scalar(c, None, depth + 1) for _ in range(c.below(3)))
    if k == 17:
        return {c.pick(["sector", "a", "", 1, None, ("t",)]): scalar(c, None, depth + 1) for _ in range(c.below(3))}
    if k == 18:
        return nested(c.below(40))
    if k == 19:
        return c.pick([b"bytes", bytearray(b"x"), decimal.Decimal("1.5"), decimal.Decimal("NaN"),
                       fractions.Fraction(1, 3), complex(1, 2), object(), np.str_("yes"), np.bytes_(b"y"),
                       decimal.Decimal("sNaN")])
    if k == 20:
        return np.array([c.byte(), c.byte()], dtype=np.uint8).astype(c.pick(_NUMPY_TYPES))
    if k == 21:
        return c.pick(["yes", "no", "trial", "email", "inbound", "evaluation", "key_person", "high", "advocate"])
    return like


def nested(depth: int) -> Any:
    value: Any = 1
    for i in range(depth):
        value = [value] if i % 2 else {"a": value}
    return value


def pd_na() -> Any:
    import pandas as pd

    return pd.NA


def event_dicts(c: Choices, max_events: int = 12) -> list[dict]:
    """Events as dicts: templates with fields dropped, added or given other values and types."""
    out = []
    clock = 0
    for n in range(1 + c.below(max_events)):
        event = dict(c.pick(TEMPLATES))
        event["id"] = f"e-{c.below(4) if c.chance(8) else n}"
        event["opportunity"] = c.pick(["OPP-1", "OPP-2", event["opportunity"]])
        clock += c.below(200) - 20
        event["at"] = (dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(hours=clock)).isoformat()
        for _ in range(c.below(4)):
            key = c.pick(FIELDS) if not c.chance(8) else c.raw(6).decode("utf-8", "surrogateescape")
            if c.chance(4):
                event.pop(key, None)
            else:
                event[key] = scalar(c, event.get(key))
        out.append(event)
    return out


def encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _untag(v: Any) -> Any:
    if isinstance(v, list):
        return [_untag(x) for x in v]
    if not isinstance(v, dict):
        return v
    if "$numpy" in v:
        return np.array(v["value"]).astype(v["$numpy"])[()]
    if "$array" in v:
        return np.array(v["$array"]).astype(v.get("dtype", "int64"))
    if "$datetime" in v:
        return dt.datetime.fromisoformat(v["$datetime"])
    if "$tuple" in v:
        return tuple(_untag(v["$tuple"]))
    if "$float" in v:
        return float(v["$float"])
    if "$decimal" in v:
        return decimal.Decimal(v["$decimal"])
    return {k: _untag(x) for k, x in v.items()}


def recipe(data: bytes) -> Any:
    """A regression kept readable: ``{"$recipe": …}`` JSON whose tagged objects ({"$numpy": "longdouble",
    "value": 1.5}, {"$array": [1, 2], "dtype": "int8"}, {"$datetime": "…"}, {"$tuple": […]},
    {"$float": "nan"}, {"$decimal": "sNaN"}) become those values (JSON's \\ud800 escapes give lone surrogates). None if it is not one."""
    if not data.startswith(b'{"$recipe"'):
        return None
    try:
        return _untag(json.loads(data)["$recipe"])
    except Exception:  # noqa: BLE001 - a mutated recipe (numpy even raises SyntaxError on a bad dtype): not one
        return None


def instrument() -> None:
    """atheris coverage for pursuit's Python code and the harness. (atheris.instrument_all takes
    ~100 s here, numpy and pandas included; instrument_imports misses the editable install's modules.)"""
    import atheris

    seen: set[int] = set()

    def ours(module: str) -> bool:
        return module == "pursuit" or module.startswith(("pursuit.", "fuzz_", "_fuzzlib", "__main__"))

    def visit(obj: Any) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, types.FunctionType):
            if ours(getattr(obj, "__module__", "") or ""):
                atheris.instrument_func(obj)
        elif isinstance(obj, type) and ours(obj.__module__):
            for member in vars(obj).values():
                visit(member)
        elif isinstance(obj, (staticmethod, classmethod)):
            visit(obj.__func__)
        elif isinstance(obj, property):
            for f in (obj.fget, obj.fset, obj.fdel):
                visit(f)

    for name, module in list(sys.modules.items()):
        if ours(name):
            for member in list(vars(module).values()):
                visit(member)


EVENT_ERRORS = (pursuit.EventError,)
PLAYBOOK_ERRORS = (pursuit.PlaybookError,)
