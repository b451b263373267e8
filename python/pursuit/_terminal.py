"""Text for terminals: user text made visible, never obeyed.

An account named ``Acme\\x1b[2J\\x1b]0;pwned\\x07`` would clear the screen and
retitle the terminal if printed raw. :func:`visible` is the one place that
neutralises such text, as ``html.escape`` does for the HTML output; every text
output (the report's table format, ``explain``, ``check``, error messages) goes
through it.
"""

from __future__ import annotations

import sys

__all__ = ["visible", "visible_lines", "visible_json", "both", "say"]


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# C0 controls, DEL and C1 controls: a terminal acts on them (ESC starts CSI and OSC
# sequences; 0x9b is CSI on its own in some terminals).
_CONTROLS = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]
# Bidi embeddings, overrides and isolates: they reorder what is shown after them
# ("Trojan Source"), so a name could display as something it is not.
_BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
# Lone surrogates (undecodable bytes kept by surrogateescape) cannot be encoded
# for the terminal at all: shown as escapes instead of failing the print.
_SURROGATES = range(0xD800, 0xE000)

_TABLE = {code: _escape(code) for code in (*_CONTROLS, *_BIDI, *_SURROGATES)}
_LAYOUT_TABLE = {code: v for code, v in _TABLE.items() if code not in (0x09, 0x0A)}


def visible(text: object) -> str:
    """``text`` (``str()`` of it) with every control character, including newline
    and tab, and every bidi override shown as a visible escape (``\\x1b``,
    ``\\u202e``). For one value or one line: user text cannot start a new line."""
    return str(text).translate(_TABLE)


def visible_lines(text: object) -> str:
    """Like :func:`visible`, keeping newlines and tabs: for a whole output whose
    layout is ours (user values in it should already have gone through
    :func:`visible`; this is the safety net for anything that did not)."""
    return str(text).translate(_LAYOUT_TABLE)


# json.dumps escapes C0 controls itself but leaves these raw; they can only occur
# inside JSON strings, where a \u escape means the same character.
_JSON_TABLE = {code: f"\\u{code:04x}" for code in (0x7F, *range(0x80, 0xA0), *_BIDI)}


def visible_json(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with DEL, C1 controls
    and bidi overrides written as ``\\u`` escapes: the same document, safe to print."""
    return text.translate(_JSON_TABLE)


def both(en: str, zh: str) -> str:
    """One message in English and Chinese, on one line (the CLI's messages are read by both)."""
    return f"{en} / {zh}"


def say(line: object, *, err: bool = False) -> None:
    """Print one line of ours that may hold user text: the user text cannot start
    another line nor reach the terminal as control characters."""
    print(visible(line), file=sys.stderr if err else sys.stdout)
