"""Styled, wrapped text for a terminal without Rich's console: the fast path of the human views.

Rich's console, table and text modules cost 25-40 ms to import and about 0.1 ms per printed line
(measured with benchmarks/bench.py), more than everything else a warm `trd show` does. The
one-screen answers need only styles, word wrapping with a hanging indent, and links, so they are
written here with SGR and OSC 8 sequences. Colour follows `Env.colour` (NO_COLOR, FORCE_COLOR,
TERM=dumb, a terminal or not); links are written only to a terminal. Words are never cut: a word
longer than the line (a DOI, a URL) is printed whole on a line of its own.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from ..env import Env
from .common import clean

SGR = {
    "bold": "1",
    "dim": "2",
    "italic": "3",
    "underline": "4",
    "reverse": "7",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
}


class Out:
    """Writes lines to `env.stdout`, styled when the environment has colour."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.width = env.width
        self.colour = env.colour
        self.links = env.is_terminal and self.colour
        self.lines: list[str] = []

    def style(self, text: str, style: str = "") -> str:
        """`text` (made terminal-safe) in `style`, a space-separated list of SGR names."""
        text = clean(text)
        if not style or not self.colour or not text:
            return text
        codes = ";".join(SGR[s] for s in style.split() if s in SGR)
        return f"\x1b[{codes}m{text}\x1b[0m" if codes else text

    def link(self, text: str, url: str | None, style: str = "") -> str:
        shown = self.style(text, style)
        if not url or not self.links:
            return shown
        return f"\x1b]8;;{clean(url)}\x1b\\{shown}\x1b]8;;\x1b\\"

    def line(self, text: str = "") -> None:
        self.lines.append(text)

    def wrapped(self, text: str, style: str = "", indent: str = "", hang: str | None = None) -> None:
        """`text` wrapped at word boundaries to the width, the first line after `indent`, the rest after `hang`."""
        for piece in wrap(clean(text), self.width, indent, indent if hang is None else hang):
            lead = len(piece) - len(piece.lstrip(" "))
            self.lines.append(piece[:lead] + self.style(piece[lead:], style))

    def pairs(self, parts: Iterable[tuple[str, str]], indent: str = "", hang: str | None = None) -> None:
        """Several differently styled pieces of one paragraph, wrapped together at word boundaries."""
        plain = ""
        spans: list[tuple[int, int, str]] = []
        for text, style in parts:
            text = clean(text).replace("\n", " ").replace("\t", " ")
            spans.append((len(plain), len(plain) + len(text), style))
            plain += text
        pos = 0
        for ln in wrap(plain, self.width, indent, indent if hang is None else hang):
            lead = len(ln) - len(ln.lstrip(" "))
            body = ln[lead:]
            start = plain.find(body, pos) if body else pos
            if start < 0:  # pragma: no cover - textwrap keeps a line's text as it is
                self.lines.append(ln)
                continue
            end = start + len(body)
            pos = end
            pieces = [
                self.style(plain[max(a, start) : min(b, end)], style) for a, b, style in spans if a < end and b > start
            ]
            self.lines.append(ln[:lead] + "".join(pieces))

    def write(self) -> None:
        self.env.stdout.write("\n".join(self.lines) + "\n")
        self.lines = []


def wrap(text: str, width: int, indent: str = "", hang: str = "") -> list[str]:
    """Word-wrapped lines; a word longer than the line is kept whole (never cut or hyphenated)."""
    out: list[str] = []
    for para in text.split("\n"):
        lines = textwrap.wrap(
            para,
            width=max(width, len(indent) + 8),
            initial_indent=indent,
            subsequent_indent=hang,
            break_long_words=False,
            break_on_hyphens=False,
        )
        out += lines or [indent.rstrip()]
        indent = hang
    return out
