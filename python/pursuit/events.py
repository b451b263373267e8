"""Events: the facts and requests that drive an opportunity (docs/events.md).

:class:`Event` is the compiled event itself, so batches of them reach C++
without conversion; this module adds the Python conveniences.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from typing import Any, Iterator, Union

from . import _core
from .vocabulary import EventType

__all__ = ["Event", "EventError", "EventFile", "read_jsonl", "parse_jsonl"]

Event = _core.Event
EventError = _core.EventError

_COMMON = ("id", "opportunity", "at", "type", "actor", "note")
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


def utc(microseconds: int) -> _dt.datetime:
    """An aware UTC datetime from microseconds since 1970."""
    return _EPOCH + _dt.timedelta(microseconds=microseconds)


def moment_us(value: Any) -> int:
    """Microseconds since 1970 (UTC) for a moment given as a datetime, date, pandas
    Timestamp or ISO-8601 text. A date alone means the end of that day (so "as of
    2025-03-31" includes the 31st); a time without an offset is taken as UTC."""
    import pandas as pd

    day_only = isinstance(value, _dt.date) and not isinstance(value, _dt.datetime)
    if isinstance(value, str):
        day_only = len(value.strip()) == 10
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as err:
        raise ValueError(f"not a date or time: {value!r}") from err
    if ts is pd.NaT:
        raise ValueError(f"not a date or time: {value!r}")
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    us = ts.value // 1000
    return us + 86_400_000_000 - 1 if day_only else us


def _at(self: Event) -> _dt.datetime:
    """When it happened, as an aware UTC datetime."""
    return utc(self.at_us)


def _type(self: Event) -> EventType:
    return EventType(self.type_id)


def _fields(self: Event) -> dict[str, Any]:
    """The type's own fields (everything but the common ones)."""
    return {k: v for k, v in self.to_dict().items() if k not in _COMMON}


def _repr(self: Event) -> str:
    return f"Event({self.to_json()})"


Event.at = property(_at)
Event.type = property(_type)
Event.fields = property(_fields)
Event.__repr__ = _repr
Event.__hash__ = None


@dataclass
class EventFile:
    """What a JSON Lines file held: the valid events, the errors, and the lines read."""

    events: list[Event]
    errors: list[EventError] = field(default_factory=list)
    lines: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def __len__(self) -> int:
        return len(self.events)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)


def _on_error(on_error: str, name: str = "on_error") -> bool:
    if on_error not in ("raise", "collect"):
        raise ValueError(f"{name} must be 'raise' or 'collect', not {on_error!r}")
    return on_error == "collect"


def read_jsonl(path: Union[str, os.PathLike], *, on_error: str = "raise") -> EventFile:
    """Read a JSON Lines events file.

    ``on_error="raise"`` raises the first :class:`EventError`; ``"collect"`` keeps
    reading and returns every error (each naming its line, event id and field)
    beside the valid events. Duplicate ids within the file are errors.
    """
    collect = _on_error(on_error)
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(path)
    return EventFile(*_core.read_jsonl(path, collect))


def parse_jsonl(text: str, *, on_error: str = "raise") -> EventFile:
    """Like :func:`read_jsonl`, on JSON Lines text."""
    return EventFile(*_core.parse_jsonl(text, _on_error(on_error)))
