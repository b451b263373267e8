"""Plain-text tables for terminals, aware that a CJK character takes two columns."""

from __future__ import annotations

import unicodedata

import pandas as pd


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - display_width(text))
    return fill + text if right else text + fill


def render(df: pd.DataFrame, headers: dict[str, str] | None = None) -> str:
    """Numbers right-aligned, text left-aligned, headers renamed by ``headers``."""
    headers = headers or {}
    names = [headers.get(c, c) for c in df.columns]
    cells = [[str(v) for v in df[c]] for c in df.columns]
    numeric = [pd.api.types.is_numeric_dtype(df[c]) for c in df.columns]
    widths = [max([display_width(n)] + [display_width(v) for v in col]) for n, col in zip(names, cells)]
    lines = ["  ".join(_pad(n, w, r) for n, w, r in zip(names, widths, numeric)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in zip(*cells):
        lines.append("  ".join(_pad(v, w, r) for v, w, r in zip(row, widths, numeric)).rstrip())
    return "\n".join(lines)
