"""Calibration report: is the win model better than the playbook's stage priors?

On a time split (the model learns from what had closed by the split date; it and
the stage priors then score the opportunities open at the split that have closed
since, as they stood at the split), for the bundled sample and the Maven CRM
export, with the full feature set and with the step alone.
Run: .venv/bin/python benchmarks/calibration.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import pursuit
from pursuit.importer import import_csv
from pursuit.model import FEATURES, calibrate

ROOT = Path(__file__).resolve().parents[1]


def report(name: str, events, splits, playbook=None) -> None:
    print(f"\n## {name}\n")
    print("| split | features | fitted on (closed) | scored (open at split, closed since) | Brier model | Brier stage prior |")
    print("|---|---|---:|---:|---:|---:|")
    for split in splits:
        for label, features in (("all", tuple(FEATURES)), ("step only", ("steps",))):
            c = calibrate(events, split, playbook=playbook, features=features)
            print(f"| {split} | {label} | {c.n_train} | {c.n_test} | {c.brier_model:.3f} | {c.brier_prior:.3f} |")
    c = calibrate(events, splits[-1], playbook=playbook)
    print(f"\nReliability at {splits[-1]} (all features):\n")
    rel = c.reliability.round(3)
    print("| " + " | ".join(rel.columns) + " |")
    print("|" + "---|" * len(rel.columns))
    for row in rel.itertuples(index=False):
        print("| " + " | ".join("" if pd.isna(v) else str(v) for v in row) + " |")


def main() -> None:
    report("Bundled sample (300 opportunities)", pursuit.data.sample_events_path(), ["2025-10-01", "2026-01-01", "2026-04-01"])
    maven = import_csv(ROOT / "tests" / "data" / "maven-crm" / "sales_pipeline.csv")
    report("Maven CRM export (8,800 opportunities)", maven.events, ["2017-03-31", "2017-06-30"], playbook=maven.playbook)


if __name__ == "__main__":
    main()
