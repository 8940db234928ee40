"""The words autograd_mini prints, in English and in Chinese (简体中文).

One dict per language (``en.py``, ``zh.py``), the same keys in the same order, each text a
``str.format`` template: ``message("demo.matches", seed="003", ...)`` looks the key up in
the current language and fills its ``{placeholders}``. Callers format the numbers, the
same in every language; only the words change. The language is the one ``set_language``
chose, else the ``AUTOGRAD_MINI_LANG`` environment variable's, else the locale's
(``LC_ALL``, ``LC_MESSAGES``, ``LANG``: ``zh_CN.UTF-8`` means Chinese), else English; one
setting for the whole process. ``columns`` and ``pad`` line up text holding Chinese characters.
"""

from __future__ import annotations

import os
import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from . import en, zh

CATALOGUES: dict[str, dict[str, str]] = {"en": en.MESSAGES, "zh": zh.MESSAGES}
LANGUAGES = tuple(CATALOGUES)
_chosen: str | None = None


def _code(name: str) -> str:
    """``"zh_CN.UTF-8"``, ``"zh-Hans"`` -> ``"zh"``: the language part of a locale name."""
    return name.strip().lower().replace("-", "_").split(".")[0].split("_")[0]


def set_language(lang: str | None) -> None:
    """Print in ``lang`` from now on: ``"en"`` or ``"zh"`` (``"zh_CN"`` works too);
    None goes back to the default (``AUTOGRAD_MINI_LANG``, then the locale).

    Raises:
        ValueError: ``lang`` is neither English nor Chinese.
    """
    global _chosen
    if lang is not None and _code(lang) not in CATALOGUES:
        raise ValueError(message("language.unknown", lang=lang,
                                 choices=", ".join(map(repr, LANGUAGES))))
    _chosen = None if lang is None else _code(lang)


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Print in ``lang`` inside the ``with`` block, as before it after (``--lang``, tests)."""
    global _chosen
    before = _chosen
    set_language(lang)
    try:
        yield
    finally:
        _chosen = before


def get_language() -> str:
    """The language autograd_mini prints in now: ``"en"`` or ``"zh"``."""
    return _chosen or default_language()


def default_language() -> str:
    """The language before any ``set_language``: ``AUTOGRAD_MINI_LANG``, else the locale
    (the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set), else English."""
    wanted = os.environ.get("AUTOGRAD_MINI_LANG", "")
    if wanted:
        if _code(wanted) in CATALOGUES:
            return _code(wanted)
        warnings.warn(f"AUTOGRAD_MINI_LANG={wanted!r} is not one of {', '.join(LANGUAGES)}; "
                      "using the locale's language", stacklevel=3)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        locale = os.environ.get(var)
        if locale:
            return "zh" if _code(locale) == "zh" else "en"
    return "en"


def message(key: str, /, **fields: object) -> str:
    """The text of ``key`` in the current language, its ``{placeholders}`` filled."""
    return CATALOGUES[get_language()][key].format(**fields)


# ----- columns in a terminal -------------------------------------------------------------


def columns(text: str) -> int:
    """Columns ``text`` takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` filled with spaces to ``width`` terminal columns, after it (``str.ljust``
    for text that may hold Chinese characters) or, ``right``, before it (``str.rjust``)."""
    fill = " " * (width - columns(text))
    return fill + text if right else text + fill


def row(*cells: tuple[str, int] | tuple[str, int, bool]) -> str:
    """A table line of ``(text, width)`` or ``(text, width, right)`` cells, each padded by
    ``pad``: column titles that line up whatever their language."""
    return "".join(pad(*cell) for cell in cells)


def yes_no(ok: bool) -> str:
    """``yes`` or ``no`` (是 / 否) in the current language: a demo's verdict."""
    return message("demo.yes" if ok else "demo.no")
