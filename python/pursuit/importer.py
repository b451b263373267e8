"""Importing a CRM export (CSV) as pursuit events, through a column mapping.

A CRM export holds one row per opportunity with a coarse stage and a few dates;
the mapping says which columns mean what and which step each CRM stage stands
for. Every row is accounted for: imported (perhaps with notes on what was
assumed or reconciled) or skipped with its reason. A CRM stage is not evidence,
so a mapping names the playbook to replay with (``crm-stages`` by default:
gates without requirements, the CRM's own stage being all that is known).
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Union

import pandas as pd

from . import _core, data
from .playbook import Playbook
from .vocabulary import LossReason, Outcome, Step

__all__ = ["ImportResult", "MappingError", "RowIssue", "import_csv", "load_mapping"]

PathLike = Union[str, os.PathLike]
_STEPS = [s.value for s in Step]


@dataclass
class RowIssue:
    line: int          # line in the CSV (the header is line 1)
    row_id: str
    field: str
    message: str


@dataclass
class ImportResult:
    rows: int
    events: list[dict]
    imported: list[str] = field(default_factory=list)      # opportunity ids, in file order
    skipped: list[RowIssue] = field(default_factory=list)  # rows not imported, with why
    notes: list[RowIssue] = field(default_factory=list)    # imported rows: what was assumed or reconciled
    playbook: Optional[Playbook] = None

    def accounted(self) -> bool:
        return len(self.imported) + len(self.skipped) == self.rows

    def notes_frame(self) -> pd.DataFrame:
        return pd.DataFrame([vars(n) for n in self.notes], columns=["line", "row_id", "field", "message"])

    def skipped_frame(self) -> pd.DataFrame:
        return pd.DataFrame([vars(n) for n in self.skipped], columns=["line", "row_id", "field", "message"])

    def summary(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for n in self.notes:
            key = re.sub(r"'[^']*'", "…", n.message)
            counts[key] = counts.get(key, 0) + 1
        return {"rows": self.rows, "imported": len(self.imported), "skipped": len(self.skipped),
                "events": len(self.events), "notes": counts}


class MappingError(ValueError):
    """A mapping document that cannot be used; the message names the key."""


def load_mapping(spec: Union[PathLike, Mapping[str, Any]]) -> dict[str, Any]:
    """A mapping from a dict, a JSON file, or a bundled name (``"maven"``)."""
    if isinstance(spec, Mapping):
        doc = dict(spec)
    else:
        path = data.mapping_path(str(spec)) if str(spec) in data.MAPPINGS else Path(spec)
        try:
            doc = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as err:
            raise MappingError(f"cannot read mapping {spec}: {err.strerror or err}") from err
        except json.JSONDecodeError as err:
            raise MappingError(f"mapping {spec} is not valid JSON: {err}") from err
        doc.setdefault("_base", str(Path(path).parent))
    for key in ("columns", "stages"):
        if not isinstance(doc.get(key), dict):
            raise MappingError(f"mapping: '{key}' must be an object")
    for key in ("id", "stage"):
        if key not in doc["columns"]:
            raise MappingError(f"mapping: columns.{key} is required")
    if doc.get("engaged", "tracking") not in _STEPS:
        raise MappingError(f"mapping: engaged: '{doc['engaged']}' is not a step")
    for crm, target in doc["stages"].items():
        if target not in _STEPS and target not in ("won", "lost"):
            raise MappingError(f"mapping: stages.{crm}: '{target}' is not a step or won/lost")
    return doc


def _date(value: str) -> Optional[str]:
    """ISO-8601 UTC midnight for a YYYY-MM-DD cell; None when empty; ValueError when bad."""
    value = value.strip()
    if not value:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(value)
    try:
        pd.Timestamp(value)  # 2017-02-30 matches the pattern but is no date
    except ValueError:
        raise ValueError(value) from None
    return f"{value}T00:00:00Z"


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _products(doc: dict, csv_dir: Path) -> dict[str, tuple[str, Optional[float]]]:
    """Normalised product name -> (the reference name, its list price)."""
    ref = doc.get("products")
    if not ref:
        return {}
    path = Path(ref["file"])
    if not path.is_absolute():
        path = csv_dir / path
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = row[ref.get("name", "product")].strip()
            price = row.get(ref.get("price", "")) or ""
            out[_key(name)] = (name, float(price) if price.strip() else None)
    return out


def _lookups(doc: dict, csv_dir: Path) -> dict[str, dict[str, str]]:
    """Segment name -> {key value -> segment value} for segments read from another table."""
    out = {}
    for name, spec in (doc.get("segments") or {}).items():
        lookup = spec.get("lookup")
        if not lookup:
            continue
        path = Path(lookup["file"])
        path = path if path.is_absolute() else csv_dir / path
        with open(path, newline="", encoding="utf-8") as f:
            out[name] = {r[lookup["key"]].strip(): (r[lookup["value"]] or "").strip() for r in csv.DictReader(f)}
    return out


def _segments(doc: dict, row: dict, name: str, lookups: dict, note) -> dict[str, str]:
    """An opportunity's segments: from its own columns or looked up, with typos fixed (and noted)."""
    out = {}
    for seg, spec in (doc.get("segments") or {}).items():
        if "column" in spec:
            value = name if spec["column"] == doc["columns"].get("name") else (row.get(spec["column"]) or "").strip()
        else:
            column = spec["lookup"]["key"]
            key = name if column == doc["columns"].get("name") else (row.get(column) or "").strip()  # reconciled
            value = lookups[seg].get(key, "")
        fixed = spec.get("fix", {}).get(value)
        if fixed:
            note(seg, f"{seg} '{value}' reconciled to '{fixed}'")
            value = fixed
        if value:
            out[seg] = value
    return out


def _invalid(events: list[dict]) -> Optional[tuple[str, str]]:
    """(field, reason) of the first event the strict parser refuses, or None."""
    for e in events:
        try:
            _core.Event(e)
        except _core.EventError as err:
            return (err.field or "", err.reason)
    return None


def import_csv(path: PathLike, mapping: Union[PathLike, Mapping[str, Any]] = "maven") -> ImportResult:
    """Turn a CRM export into events (dicts in the canonical form) per ``mapping``."""
    doc = load_mapping(mapping)
    path = Path(path)
    cols, stages = doc["columns"], doc["stages"]
    currency = doc.get("currency")
    undated = doc.get("undated")
    missing_account = doc.get("missing_account", "(unknown account)")
    reason = LossReason(doc.get("lost_reason", "other")).value
    prefix = doc.get("id_prefix", "")
    result = ImportResult(rows=0, events=[])
    if doc.get("playbook"):
        result.playbook = Playbook.load(data.playbook_path(doc["playbook"])) if doc["playbook"] in data.PLAYBOOKS \
            else Playbook.load(Path(doc.get("_base", ".")) / doc["playbook"])
    seen: set[str] = set()
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = [c for c in cols.values() if c not in (reader.fieldnames or [])]
        if missing:
            raise MappingError(f"{path}: the CSV has no column {', '.join(repr(c) for c in missing)}")
        products = _products(doc, path.parent)
        lookups = _lookups(doc, path.parent)
        for line, row in enumerate(reader, start=2):
            result.rows += 1
            rid = (row[cols["id"]] or "").strip()

            def skip(fld: str, msg: str) -> None:
                result.skipped.append(RowIssue(line, rid, fld, msg))

            notes: list[RowIssue] = []  # kept only if the row is imported

            def note(fld: str, msg: str) -> None:
                notes.append(RowIssue(line, rid, fld, msg))

            if not rid:
                skip(cols["id"], "no opportunity id")
                continue
            if rid in seen:
                skip(cols["id"], f"opportunity id '{rid}' repeats an earlier row")
                continue
            crm_stage = (row[cols["stage"]] or "").strip()
            if crm_stage not in stages:
                skip(cols["stage"], f"stage '{crm_stage}' is not in the mapping")
                continue
            target = stages[crm_stage]
            dates = {}
            for key in ("opened", "closed"):
                try:
                    dates[key] = _date(row[cols[key]]) if key in cols else None
                except ValueError as err:
                    skip(cols[key], f"'{err}' is not a date (YYYY-MM-DD)")
                    break
            if len(dates) < 2:
                continue
            opened, closed = dates["opened"], dates["closed"]
            if target in ("won", "lost") and closed is None:
                skip(cols.get("closed", ""), f"a {crm_stage} row needs a close date")
                continue
            start = opened or closed
            if start is None:
                if not undated:
                    skip(cols.get("opened", ""), "no date to place the opportunity in time")
                    continue
                start = _date(undated)
                note(cols.get("opened", ""), "no date: placed at the export date")
            amount_text = (row.get(cols.get("amount", ""), "") or "").strip()
            name = (row.get(cols.get("name", ""), "") or "").strip()
            amount = None
            if amount_text:
                try:
                    amount = float(amount_text)
                except ValueError:
                    skip(cols["amount"], f"amount '{amount_text}' is not a number")
                    continue
            if products and name:
                known = products.get(_key(name))
                if known is None:
                    note(cols["name"], f"product '{name}' is not in the product list")
                else:
                    if known[0] != name:
                        note(cols["name"], f"product '{name}' reconciled to '{known[0]}'")
                        name = known[0]
                    if amount is None and known[1] is not None:
                        amount = known[1]
                        note(cols.get("amount", "amount"), "no close value: list price used")
            account = (row.get(cols.get("account", ""), "") or "").strip()
            if not account:
                account = missing_account
                note(cols.get("account", "account"), "no account")
            seen.add(rid)
            oid = prefix + rid
            open_event = {"id": f"{oid}:open", "opportunity": oid, "at": start, "type": "open",
                          "account": account, "name": name or oid}
            if amount is not None:
                open_event["amount"] = amount
                if currency:
                    open_event["currency"] = currency
            if closed and target not in ("won", "lost"):
                open_event["expected_close"] = closed[:10]
            owner = (row.get(cols.get("owner", ""), "") or "").strip()
            if owner:
                open_event["owner"] = owner
            segments = _segments(doc, row, name, lookups, note)
            if segments:
                open_event["segments"] = segments
            events = [open_event]
            # What the CRM knows: engaged at the engage date (the `engaged` step), and for a won
            # deal the remaining steps on its close date — never earlier, so an opportunity
            # as of a past date does not give away how it ended.
            if target in _STEPS:
                first = target  # still open, at the step its CRM stage maps to
            else:
                first = doc.get("engaged", "tracking") if opened else "identification"
            k = 0
            for k in range(1, _STEPS.index(first) + 1):
                events.append({"id": f"{oid}:advance-{k}", "opportunity": oid, "at": start, "type": "advance"})
            last = "verification" if target == "won" else first
            for k in range(k + 1, _STEPS.index(last) + 1):
                events.append({"id": f"{oid}:advance-{k}", "opportunity": oid, "at": closed, "type": "advance"})
            if target == "won":
                events.append({"id": f"{oid}:win", "opportunity": oid, "at": closed, "type": "win"})
            elif target == "lost":
                events.append({"id": f"{oid}:lose", "opportunity": oid, "at": closed, "type": "lose", "reason": reason})
            # The strict parser judges each event now, so a bad cell skips its row with the
            # reason instead of failing the whole import later.
            problem = _invalid(events)
            if problem:
                skip(*problem)
                continue
            result.events.extend(events)
            result.notes.extend(notes)
            result.imported.append(oid)
    return result
