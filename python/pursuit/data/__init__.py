"""Files shipped with pursuit: the sample events, the event JSON Schema, CSV import
mappings and playbooks."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["sample_events_path", "event_schema_path", "event_schema", "mapping_path", "playbook_path",
           "MAPPINGS", "PLAYBOOKS"]

# Bundled CSV import mappings and playbooks, by the name users pass.
MAPPINGS = {"maven": "maven-crm.mapping.json"}
PLAYBOOKS = {"crm-stages": "crm-stages.playbook.json"}


def _path(name: str) -> Path:
    return Path(str(resources.files(__name__).joinpath(name)))


def sample_events_path() -> Path:
    """The bundled sample, written by :mod:`pursuit.sample`: 300 opportunities, notes in English and Chinese."""
    return _path("sample-events.jsonl")


def event_schema_path() -> Path:
    """The JSON Schema (draft 2020-12) of one event."""
    return _path("event.schema.json")


def event_schema() -> dict[str, Any]:
    return json.loads(event_schema_path().read_text(encoding="utf-8"))


def mapping_path(name: str) -> Path:
    """A bundled CSV import mapping: ``"maven"`` is for the Maven Analytics CRM export."""
    return _path(MAPPINGS[name])


def playbook_path(name: str) -> Path:
    """A bundled playbook: ``"crm-stages"`` has gates without requirements (a CRM stage is all that is known)."""
    return _path(PLAYBOOKS[name])
