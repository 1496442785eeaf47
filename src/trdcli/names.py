"""How names typed at a terminal are compared: one fold for lookup, uniqueness and search.

Names and aliases are compared after Unicode normalisation (NFKC), case folding, with accents,
punctuation and invisible characters removed, so that "Lith\\u200bium", "LITHIUM" and "lithium"
are one name. A word that mixes alphabets ("lіthium" with a Cyrillic i) is refused by the
checks: it would read like another name and be a second one.
"""

from __future__ import annotations

import re
import unicodedata

_PUNCT_RE = re.compile(r"[\s_\-/().,'’]+")
# The one list of characters that are never shown as knowledge-base text: controls (escape
# sequences start with one), and bidirectional and invisible format characters (they reorder or
# hide text on screen). As a regular-expression class body, for the schema and the writers.
FORBIDDEN_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"
# The invisible and format characters among them, removed before names are compared.
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x061C, 0x180E, 0xFEFF, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070)]
)


def fold(text: str) -> str:
    """Case-, accent- and width-insensitive form, invisible characters removed (for searching)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_INVISIBLE).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_name(name: str) -> str:
    """The key a name is looked up and compared by: `fold`, then punctuation and spaces removed."""
    return _PUNCT_RE.sub("", fold(name))


def _script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    try:
        return unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return None


def mixed_scripts(name: str) -> str:
    """'LATIN and CYRILLIC' when one word of `name` mixes alphabets, else ''."""
    for word in re.split(r"[\s\-/]+", name):
        scripts = {s for s in map(_script, word) if s is not None}
        if len(scripts) > 1:
            return " and ".join(sorted(scripts))
    return ""


def did_you_mean(typed: object, candidate: str) -> str:
    """A did-you-mean hint that never names what was typed, and says why two spellings differ
    when they look alike ('schemеs' with a Cyrillic е is not 'schemes')."""
    text = str(typed)
    if not candidate or text == candidate:
        return ""
    odd = dict.fromkeys(c for c in text if (ord(c) > 127 or not c.isprintable()) and c not in candidate)
    if not odd:
        return f"did you mean '{candidate}'?"
    named = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'UNNAMED CHARACTER')}" for c in odd)
    return f"did you mean '{candidate}'? {text.encode('ascii', 'backslashreplace').decode()!s} has {named}; retype it"
