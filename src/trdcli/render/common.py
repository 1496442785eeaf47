"""What every output format shares: the environment, citation numbering, rating labels.

Nothing here imports Rich: the plain formats (json, markdown, bibtex) must stay light.
"""

from __future__ import annotations

import os
import re
import sys
from typing import IO, TYPE_CHECKING, Any

from ..query import FLAG_SYMBOLS, FLAG_WORDS

if TYPE_CHECKING:
    from ..models import KnowledgeBase, Option, Recommendation, Reference
    from ..query import OptionsResult

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


class Env:
    """The streams and terminal facts an output needs; tests build their own."""

    def __init__(
        self,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        program_version: str = "",
        search_text: str = "",
        force_terminal: bool | None = None,  # set when output is paged: render as for the terminal
    ) -> None:
        self.stdout = stdout if stdout is not None else sys.stdout
        self.stderr = stderr if stderr is not None else sys.stderr
        self.program_version, self.search_text, self.force_terminal = program_version, search_text, force_terminal

    @property
    def is_terminal(self) -> bool:
        if self.force_terminal is not None:
            return self.force_terminal
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


def key_figure(opt: Option):  # type: ignore[no-untyped-def]
    """The figure the table shows: the first with a headline, else the first."""
    for f in opt.figures:
        if f.headline:
            return f
    return opt.figures[0] if opt.figures else None


def figure_label(opt: Option) -> str:
    f = key_figure(opt)
    if f is None:
        return ""
    return f.headline or f"{f.value} {f.outcome}"


def row_citations(opt: Option, cites: Citations) -> list[int]:
    canmat, others = row_ratings(opt)
    ids = ([canmat.source] if canmat else []) + [r.source for r in others]
    f = key_figure(opt)
    if f is not None:
        ids.append(f.source)
    return cites.cite_all(ids)


def legend_lines(kb: KnowledgeBase, used: set[str] | list[Recommendation]) -> list[str]:
    """One line per scheme shown: the values shown and their published definitions, compact.

    `used` is the recommendations shown (only their values are explained) or a set of scheme ids.
    """
    recs = [] if isinstance(used, set) else list(used)
    schemes = used if isinstance(used, set) else {r.scheme for r in recs}
    shown: dict[str, set[object]] = {}
    for r in recs:
        for name in ("line", "level", "strength", "certainty"):
            value = getattr(r, name)
            if value is not None:
                shown.setdefault(r.scheme + ":" + name, set()).add(value)
    lines: list[str] = []
    for scheme in kb.schemes:
        if scheme.id not in schemes:
            continue
        parts = []
        for name in ("line", "level", "strength", "certainty"):
            values = shown.get(scheme.id + ":" + name)
            parts.extend(
                f"{v.label} = {v.definition}"
                for v in getattr(scheme, name)
                if values is None and not recs or (values is not None and v.value in values)
            )
        if parts:
            lines.append(f"{SCHEME_TITLES.get(scheme.id, scheme.name)}: " + "; ".join(parts))
    if any(r.level is None and r.is_canmat and r.line in ("first", "second", "third") for r in recs):
        lines.append("level n/s = the guideline's text gives the line but states no level of evidence for it.")
    if any(r.population == "mdd-general" for r in recs):
        lines.append("(MDD) = a rating for adults with MDD in general, not specifically after an inadequate response.")
    lines.append(f"{DISAGREE_MARK} guidelines disagree (one recommends, another advises against): see `trd show`.")
    return lines


def footer(kb: KnowledgeBase, env: Env) -> str:
    meta = kb.meta
    return f"Knowledge base {meta.version}, reviewed {meta.reviewed.isoformat()} · trd {env.program_version}"


def compare_rows(opts: list[Option], kb: KnowledgeBase) -> list[tuple[str, list[str]]]:
    """The attributes of `trd compare`, one row each, one plain-text cell per option."""
    schemes: list[str] = []
    for o in opts:
        for r in o.recommendations:
            if r.scheme not in schemes:
                schemes.append(r.scheme)

    def ratings(o: Option, scheme: str) -> str:
        return "\n".join(
            f"{r.label()} ({r.where})" for r in o.recommendations if r.scheme == scheme
        ) or "-"

    def lines(items: list[str]) -> str:
        return "\n".join(f"- {i}" for i in items) if items else "-"

    rows: list[tuple[str, list[str]]] = [
        ("Name", [o.name for o in opts]),
        ("Family", [o.family for o in opts]),
        ("From prior trials", [str(o.min_prior_trials) for o in opts]),
    ]
    rows += [(SCHEME_TITLES.get(s, s), [ratings(o, s) for o in opts]) for s in schemes]
    rows.append(("Guidelines disagree", ["yes" if o.guidelines_disagree() else "no" for o in opts]))
    rows.append(
        ("Key figures", [lines([f"{f.headline or f.value + ' ' + f.outcome} [{f.source}]" for f in o.figures]) for o in opts])
    )
    rows.append(("Onset", [f"{o.onset.text} [{o.onset.source}]" if o.onset else "-" for o in opts]))
    rows.append(("Cautions", [lines([f"{c.text} [{c.source}]" for c in o.cautions + o.contraindications]) for o in opts]))
    rows.append(
        ("Adverse effects", [lines([f"{a.effect} ({a.frequency}) [{a.source}]" for a in o.adverse_effects]) for o in opts])
    )
    rows.append(("Regulatory", [lines([f"{r.agency} {r.year}: {r.status} [{r.source}]" for r in o.regulatory]) for o in opts]))
    rows.append(("Sources", [", ".join(o.cited_ids()) for o in opts]))
    rows.append(("Last reviewed", [o.last_reviewed.isoformat() for o in opts]))
    return rows


def search_snippet(text: str, needle: str, context: int = 70) -> tuple[str, str, str]:
    """(before, match, after) around the first match of needle, case- and accent-insensitive."""
    from ..query import fold

    folded, key = fold(text), fold(needle.strip())
    # fold() keeps one character per character for the scripts we hold, so indexes line up;
    # when they do not, show the start of the text.
    i = folded.find(key) if len(folded) == len(text) else -1
    if i < 0:
        return (text[: 2 * context], "", "…" if len(text) > 2 * context else "")
    start, end = max(0, i - context), min(len(text), i + len(key) + context)
    return (
        ("…" if start else "") + text[start:i],
        text[i : i + len(key)],
        text[i + len(key) : end] + ("…" if end < len(text) else ""),
    )


def flag_labels(opt: Option, result: OptionsResult, cites: Citations) -> list[str]:
    """Compact markers for the table: '↑ psychotic-features [1,3]', '⚠ weight-gain [5]'."""
    grouped: dict[tuple[str, str], list[int]] = {}
    for f in result.flags_for(opt):
        grouped.setdefault((f.kind, f.about), []).append(cites.cite(f.source))
    return [f"{FLAG_SYMBOLS[k]} {about} [{fmt_numbers(nums)}]" for (k, about), nums in grouped.items()]


def flag_reasons(result: OptionsResult) -> list[tuple[str, str, str, str, list[str]]]:
    """Each distinct reason once, with the options it marks: (kind, about, text, source, names)."""
    reasons: dict[tuple[str, str, str, str], list[str]] = {}
    for opt in result.options:
        for f in result.flags_for(opt):
            names = reasons.setdefault((f.kind, f.about, f.text, f.source), [])
            if opt.name not in names:
                names.append(opt.name)
    order = {"contraindicated": 0, "avoid": 1, "caution": 2, "earlier": 3}
    return sorted(((k, a, t, s, n) for (k, a, t, s), n in reasons.items()), key=lambda r: (r[1], order[r[0]]))


def flag_legend(result: OptionsResult) -> str:
    if not (result.query.contexts or result.query.avoid):
        return ""
    parts = [f"{FLAG_SYMBOLS[k]} {FLAG_WORDS[k]}" for k in ("earlier", "caution", "contraindicated", "avoid")]
    return "Markers: " + "; ".join(parts) + "."


def stage_blocks(result: Any, kb: KnowledgeBase, cites: Citations) -> list[tuple[str, str, list[str], list[str], list[str]]]:
    """Per model: (name, headline, details, rules, undefined), with citation numbers in the name."""
    from ..staging import details, headline

    models = {sm.id: sm for sm in kb.meta.staging_models}
    out = []
    for mid, res in result.results.items():
        sm = models.get(mid)
        nums = fmt_numbers([cites.cite(r) for r in sm.sources]) if sm else ""
        name = (sm.name if sm else mid) + (f" [{nums}]" if nums else "")
        out.append((name, headline(mid, res), details(mid, res), list(sm.rules) if sm else [], list(sm.undefined) if sm else []))
    return out
