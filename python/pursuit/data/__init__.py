"""Files shipped with pursuit: the sample events and the event JSON Schema."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["sample_events_path", "event_schema_path", "event_schema"]


def _path(name: str) -> Path:
    return Path(str(resources.files(__name__).joinpath(name)))


def sample_events_path() -> Path:
    """The bundled sample: a dozen opportunities, every event type, notes in English and Chinese."""
    return _path("sample-events.jsonl")


def event_schema_path() -> Path:
    """The JSON Schema (draft 2020-12) of one event."""
    return _path("event.schema.json")


def event_schema() -> dict[str, Any]:
    return json.loads(event_schema_path().read_text(encoding="utf-8"))
