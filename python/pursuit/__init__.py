"""pursuit: sales opportunity management (销售机会管理) as a verified state machine."""

from __future__ import annotations

from importlib import metadata as _metadata

from . import data
from .events import Event, EventError, EventFile, parse_jsonl, read_jsonl
from .summary import EventSummary, summarize
from .vocabulary import (
    Answer, Authority, BuyerStage, Channel, Criterion, Direction, EventType, EvidenceKind, Gate,
    InsightTopic, Lang, LossReason, Outcome, RequirementKind, Role, SignalKind, Stance, Step, Term,
    Verdict,
)

__version__ = _metadata.version("pursuit")

__all__ = [
    "Answer", "Authority", "BuyerStage", "Channel", "Criterion", "Direction", "Event", "EventError",
    "EventFile", "EventSummary", "EventType", "EvidenceKind", "Gate", "InsightTopic", "Lang",
    "LossReason", "Outcome", "RequirementKind", "Role", "SignalKind", "Stance", "Step", "Term",
    "Verdict", "data", "parse_jsonl", "read_jsonl", "summarize", "__version__",
]
