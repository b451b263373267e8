import json
from pathlib import Path

import pytest

import pursuit

ROOT = Path(__file__).resolve().parents[2]
TEST_DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return pursuit.data.sample_events_path()


@pytest.fixture(scope="session")
def malformed_cases() -> list[dict]:
    return json.loads((TEST_DATA / "malformed-events.json").read_text(encoding="utf-8"))


def event(type_: str, **fields) -> dict:
    """A valid event dict of `type_` with `fields` added."""
    return {"id": "e-1", "opportunity": "OPP-1", "at": "2026-03-02T10:00:00+08:00", "type": type_, **fields}
