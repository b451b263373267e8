"""Display options shared by reports, explanations and notebook displays."""

from __future__ import annotations

from .vocabulary import LANGS


class Options:
    """``pursuit.options.lang = "zh"`` switches every label to Chinese."""

    __slots__ = ("_lang",)

    def __init__(self) -> None:
        self._lang = "en"

    @property
    def lang(self) -> str:
        return self._lang

    @lang.setter
    def lang(self, value: str) -> None:
        value = str(value)
        if value not in LANGS:
            raise ValueError(f"unknown language {value!r}; expected one of {', '.join(LANGS)}")
        self._lang = value


options = Options()


def resolve_lang(lang: str | None) -> str:
    """``lang`` if given (validated), else the global setting."""
    if lang is None:
        return options.lang
    lang = str(lang)
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    return lang
