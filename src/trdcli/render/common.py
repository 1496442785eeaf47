"""What every output format shares: the environment, citation numbering, rating labels.

Nothing here imports Rich: the plain formats (json, markdown, bibtex) must stay light.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import KnowledgeBase, Option, Recommendation, Reference

SCHEME_TITLES = {
    "canmat-2023": "CANMAT 2023",
    "canmat-2016": "CANMAT 2016",
    "nice-ng222": "NICE NG222",
    "nice-ta": "NICE TA",
    "nice-ipg": "NICE IPG",
    "grade": "Systematic review (GRADE)",
    "va-dod-2022": "VA/DoD 2022",
}
SCHEME_SHORT = {
    "canmat-2023": "CANMAT23",
    "canmat-2016": "CANMAT16",
    "nice-ng222": "NICE",
    "nice-ta": "NICE TA",
    "nice-ipg": "NICE IPG",
    "grade": "Review",
    "va-dod-2022": "VA/DoD",
}
DISAGREE_MARK = "≠"


@dataclass
class Env:
    """The streams and terminal facts an output needs; tests build their own."""

    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    program_version: str = ""

    @property
    def is_terminal(self) -> bool:
        isatty = getattr(self.stdout, "isatty", None)
        return bool(isatty and isatty())

    @property
    def width(self) -> int:
        cols = os.environ.get("COLUMNS", "")
        if cols.isdigit() and int(cols) > 0:
            return int(cols)
        if self.is_terminal:
            try:
                return os.get_terminal_size(self.stdout.fileno()).columns
            except (OSError, ValueError, AttributeError):
                pass
        return 100


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: object) -> str:
    """Text from a knowledge base, made safe for a terminal (the schema already forbids controls)."""
    return _CONTROL.sub("", str(text))


def rating_label(rec: Recommendation) -> str:
    return rec.label()


class Citations:
    """Numbers references in the order an output first cites them."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.order: list[str] = []

    def cite(self, rid: str) -> int:
        if rid not in self.order:
            self.order.append(rid)
        return self.order.index(rid) + 1

    def cite_all(self, rids: list[str]) -> list[int]:
        return sorted({self.cite(r) for r in rids})

    def references(self) -> list[tuple[int, Reference]]:
        return [(i + 1, self.kb.reference(rid)) for i, rid in enumerate(self.order)]


def fmt_numbers(numbers: list[int]) -> str:
    """[1, 2, 3, 5] -> '1-3,5'"""
    out: list[str] = []
    nums = sorted(set(numbers))
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(f"{nums[i]}-{nums[j]}" if j - i >= 2 else ",".join(str(n) for n in nums[i : j + 1]))
        i = j + 1
    return ",".join(out)


def row_ratings(opt: Option) -> tuple[Recommendation | None, list[Recommendation]]:
    """The CANMAT 2023 rating and the other guideline ratings (one per scheme) shown in a row."""
    canmat = opt.canmat
    others: list[Recommendation] = []
    seen: set[str] = set()
    for rec in opt.recommendations:
        if rec is canmat or rec.scheme in seen or rec.scheme == "canmat-2023":
            continue
        seen.add(rec.scheme)
        others.append(rec)
    return canmat, others


def other_label(rec: Recommendation) -> str:
    return f"{SCHEME_SHORT[rec.scheme]}: {rec.label()}"


def figure_label(opt: Option) -> str:
    if not opt.figures:
        return ""
    f = opt.figures[0]
    return f"{f.value} {f.outcome}"


def row_citations(opt: Option, cites: Citations) -> list[int]:
    canmat, others = row_ratings(opt)
    ids = ([canmat.source] if canmat else []) + [r.source for r in others]
    if opt.figures:
        ids.append(opt.figures[0].source)
    return cites.cite_all(ids)


def legend_lines(kb: KnowledgeBase, schemes: set[str]) -> list[str]:
    """One line per scheme used: its values and their published definitions, compact."""
    lines: list[str] = []
    for scheme in kb.schemes:
        if scheme.id not in schemes:
            continue
        parts = []
        for group in (scheme.line, scheme.level, scheme.strength, scheme.certainty):
            parts.extend(f"{v.label} = {v.definition}" for v in group)
        text = f"{SCHEME_TITLES.get(scheme.id, scheme.name)}: " + "; ".join(parts) if parts else scheme.name
        lines.append(text)
    lines.append(f"{DISAGREE_MARK} guidelines disagree (one recommends, another advises against): see `trd show`.")
    return lines


def footer(kb: KnowledgeBase, env: Env) -> str:
    meta = kb.meta
    return f"Knowledge base {meta.version}, reviewed {meta.reviewed.isoformat()} · trd {env.program_version}"
