"""pursuit: sales opportunity management (销售机会管理) as a verified state machine."""

from __future__ import annotations

from importlib import metadata as _metadata

from . import data
from .events import Event, EventError, EventFile, parse_jsonl, read_jsonl
from .opportunity import GateReport, Opportunity, RequirementStatus, Result
from .options import options
from .pipeline import BatchSummary, Pipeline
from .playbook import Playbook, PlaybookError, RequirementError
from .store import IngestSummary, Store, StoreError, StoreStats, StoreWarning
from .summary import EventSummary, summarize
from .vocabulary import (
    Answer, Authority, BuyerStage, Channel, Criterion, Direction, EventType, EvidenceKind, Gate,
    InsightTopic, Lang, LossReason, Outcome, RequirementKind, Role, SignalKind, Stance, Step, Term,
    Verdict, RiskFlag, Severity, ConnectionLevel, ForecastCategory,
)

__version__ = _metadata.version("pursuit")

__all__ = [
    "Answer", "Authority", "BatchSummary", "BuyerStage", "Channel", "Criterion", "Direction", "Event", "EventError",
    "GateReport", "Opportunity", "Pipeline", "Playbook", "PlaybookError", "RequirementError", "RequirementStatus",
    "Result", "options", "Store", "StoreError", "StoreStats", "StoreWarning", "IngestSummary",
    "EventFile", "EventSummary", "EventType", "EvidenceKind", "Gate", "InsightTopic", "Lang",
    "LossReason", "Outcome", "RequirementKind", "Role", "SignalKind", "Stance", "Step", "Term",
    "Verdict", "RiskFlag", "Severity", "ConnectionLevel", "ForecastCategory", "data", "parse_jsonl", "read_jsonl", "summarize", "__version__",
]
