"""Events: the facts and requests that drive an opportunity (docs/events.md)."""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Union

from . import _core
from .vocabulary import EventType

__all__ = ["Event", "EventError", "EventFile", "read_jsonl", "parse_jsonl"]

EventError = _core.EventError

_COMMON = ("id", "opportunity", "at", "type", "actor", "note")
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


class Event:
    """One validated event. Build it from a dict or a JSON string; it is immutable.

    >>> e = Event({"id": "e-1", "opportunity": "OPP-1", "at": "2026-03-02T10:00:00+08:00",
    ...            "type": "evidence", "kind": "trial"})
    >>> e.at.isoformat(), e.type.label("zh")
    ('2026-03-02T02:00:00+00:00', '进展证据')
    """

    __slots__ = ("_event",)

    def __init__(self, value: Union[Mapping[str, Any], str, "Event"]) -> None:
        if isinstance(value, Event):
            self._event = value._event
        elif isinstance(value, str):
            self._event = _core.Event.from_json(value)
        elif isinstance(value, Mapping):
            self._event = _core.Event.from_dict(dict(value))
        else:
            raise TypeError(f"an event is a dict or a JSON string, not {type(value).__name__}")

    @classmethod
    def _wrap(cls, core_event: _core.Event) -> "Event":
        self = cls.__new__(cls)
        self._event = core_event
        return self

    @property
    def id(self) -> str:
        return self._event.id

    @property
    def opportunity(self) -> str:
        return self._event.opportunity

    @property
    def at(self) -> _dt.datetime:
        """When it happened, as an aware UTC datetime."""
        return _EPOCH + _dt.timedelta(microseconds=self._event.at_us)

    @property
    def type(self) -> EventType:
        return EventType(self._event.type_id)

    @property
    def actor(self) -> str | None:
        return self._event.actor

    @property
    def note(self) -> str | None:
        return self._event.note

    @property
    def fields(self) -> dict[str, Any]:
        """The type's own fields (everything but the common ones)."""
        return {k: v for k, v in self.to_dict().items() if k not in _COMMON}

    def to_dict(self) -> dict[str, Any]:
        """The canonical form, as ``json.loads(event.to_json())`` would give it."""
        return self._event.to_dict()

    def to_json(self) -> str:
        """The canonical JSON line: UTC time, fields in catalogue order."""
        return self._event.to_json()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Event) and self._event == other._event

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self):
        return (Event, (self.to_json(),))

    def __repr__(self) -> str:
        return f"Event({self.to_json()})"


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


def _on_error(on_error: str) -> bool:
    if on_error not in ("raise", "collect"):
        raise ValueError(f"on_error must be 'raise' or 'collect', not {on_error!r}")
    return on_error == "collect"


def _file(result: tuple) -> EventFile:
    events, errors, lines = result
    return EventFile([Event._wrap(e) for e in events], errors, lines)


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
    return _file(_core.read_jsonl(path, collect))


def parse_jsonl(text: str, *, on_error: str = "raise") -> EventFile:
    """Like :func:`read_jsonl`, on JSON Lines text."""
    return _file(_core.parse_jsonl(text, _on_error(on_error)))
