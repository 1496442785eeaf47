"""What the writers share: safe text, word widths, search snippets. Nothing here imports Rich."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..names import FORBIDDEN_CHARS, fold

_CONTROL = re.compile(f"[{FORBIDDEN_CHARS}]")


def clean(text: object) -> str:
    """Text made safe for a terminal (the schema already forbids controls; user input may hold them)."""
    return _CONTROL.sub("", str(text))


def longest_word(texts: Iterable[str], cap: int = 24) -> int:
    """The width a column needs so that no word is cut in the middle (at most `cap`)."""
    longest = max((len(w) for t in texts for w in re.split(r"[\s/]+", t or "")), default=4)
    return max(4, min(longest, cap))


def search_snippet(text: str, needle: str, context: int = 70) -> tuple[str, str, str]:
    """(before, match, after) around the first match of needle, case- and accent-insensitive."""
    folded, key = fold(text), fold(needle.strip())
    i = folded.find(key) if len(folded) == len(text) else -1
    if i < 0:
        return (text[: 2 * context], "", "…" if len(text) > 2 * context else "")
    start, end = max(0, i - context), min(len(text), i + len(key) + context)
    return (
        ("…" if start else "") + text[start:i],
        text[i : i + len(key)],
        text[i + len(key) : end] + ("…" if end < len(text) else ""),
    )
