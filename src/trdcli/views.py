"""One format-neutral document per command: what is shown, in what order, cited how.

A view decides everything a reader meets: sections and their titles, cited items, citation
numbers (one numbering per document, by first citation), labels of ratings (from
`data/evidence.yaml`, the same labels the legend explains), notes that change how to read the
list (printed first), the legend, glyphs, the footer with the knowledge-base version and the
disclaimer. The writers in `render/` only lay a document out as a Rich table, markdown, CSV or
text. Sections of an option are derived from its type (`domain.sourced_fields`), so a new field is
shown in every format the day it is declared.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import domain
from .domain import KnowledgeBase, Option, Rating, Reference
from .query import GROUPS, Hit, OptionsResult, group_of
from .vocab import SCHEME_KIND

# --------------------------------------------------------------------------- words and glyphs

SCHEME_TITLES = {
    "canmat-2023": "CANMAT 2023",
    "canmat-2016": "CANMAT 2016",
    "nice-ng222": "NICE NG222",
    "nice-ta": "NICE TA",
    "nice-ipg": "NICE IPG",
    "grade": "Systematic review (GRADE)",
}
SCHEME_SHORT = {
    "canmat-2023": "CANMAT",
    "canmat-2016": "CANMAT16",
    "nice-ng222": "NICE",
    "nice-ta": "NICE TA",
    "nice-ipg": "NICE IPG",
    "grade": "Review",
}
SCHEME_TINY = {"canmat-2016": "C16", "nice-ng222": "NICE", "nice-ta": "TA", "nice-ipg": "IPG", "grade": "Rev"}
GROUP_TITLES = {
    "first": "First line (CANMAT 2023, difficult-to-treat depression)",
    "second": "Second line (CANMAT 2023)",
    "third": "Third line (CANMAT 2023)",
    "mdd-general": "Rated by CANMAT 2023 only for MDD in general",
    "not-rated": "Not rated by CANMAT 2023",
    "investigational": "Investigational (CANMAT 2023)",
    "against": "Advised against or not recommended",
}
# The same groups in a few words, where a heading must fit a narrow column.
GROUP_SHORT = {
    "first": "First line",
    "second": "Second line",
    "third": "Third line",
    "mdd-general": "MDD in general only",
    "not-rated": "Not rated by CANMAT",
    "investigational": "Investigational",
    "against": "Advised against",
}
DISAGREE_MARK = "≠"
FLAG_SYMBOLS = {
    "earlier": "↑",
    "within-class": "~",
    "caution": "!",
    "contraindicated": "✗",
    "not-studied": "?",
    "avoid": "⚠",
    "tried": "↺",
}
FLAG_WORDS = {
    "earlier": "favoured earlier",
    "within-class": "preferred within its class (does not move it ahead of other strategies)",
    "caution": "caution",
    "contraindicated": "contraindicated",
    "not-studied": "not studied in this population",
    "avoid": "has a sourced record of an effect to avoid",
    "tried": "already tried in this history",
}
# Section titles where the field name does not read well; any other field is titled from its name.
SECTION_TITLES = {
    "when_to_consider": "When to consider",
    "recommendations": "Recommendations",
    "figures": "Key figures",
    "doses": "Doses",
    "protocol": "Protocol and parameters",
    "practical": "Practical notes",
    "regulatory": "Regulatory status",
    "contexts": "Patient contexts",
}
ORDER_RULE = (
    "Options are grouped by their CANMAT 2023 rating for difficult-to-treat depression: first, second "
    "and third line, then options CANMAT rates only for MDD in general, options CANMAT does not rate, "
    "investigational options, and last those advised against (by CANMAT, or by another guideline when "
    "CANMAT does not rate them). A strategy CANMAT recommends without a line sits with the second-line "
    "options, after those with a line. Within a group, level of evidence 1 comes first and an unstated "
    "level last; ties keep the family order, then the name. Where guidelines disagree, the option keeps "
    "its CANMAT place and the other rating is shown beside it, marked ≠. The order is a reading aid, "
    "not a composite score."
)
UNFLAGGED_NOTE = (
    "An option without a flag has no sourced record of that effect in this knowledge base; that is not "
    "evidence that it is free of it."
)


def section_title(name: str) -> str:
    return SECTION_TITLES.get(name, name.replace("_", " ").capitalize())


# --------------------------------------------------------------------------- the document


@dataclass(eq=False, repr=False)
class Item:
    """One cited line: its text, the reference numbers and ids it cites, and finer detail."""

    text: str
    refs: list[int] = field(default_factory=list)
    ref_ids: list[str] = field(default_factory=list)
    label: str = ""  # a lead-in shown strongly ("CANMAT 2023 · 2nd line, L2")
    details: list[str] = field(default_factory=list)
    style: str = ""  # a semantic style: "first", "second", ..., "against", "note", "flag:caution", ...


@dataclass(eq=False, repr=False)
class Section:
    key: str  # the field or part this section shows (CSV writes it)
    title: str
    items: list[Item] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class OptionRow:
    """One option in the list of `trd options` (or a column of `trd compare`)."""

    rank: int
    option: Option
    group: str
    canmat: str  # the CANMAT 2023 rating shown, in its own words
    canmat_line: str
    canmat_level: str
    others: list[str]  # other guidelines, each "NICE TA: not recommended"
    others_short: str  # the same in a few characters
    disagree: bool
    figure: str
    figure_source: str
    refs: list[int]
    flags: list[Item]


@dataclass(eq=False, repr=False)
class Document:
    title: str
    notes: list[Item] = field(default_factory=list)  # what changes how to read the rest: first
    sections: list[Section] = field(default_factory=list)
    rows: list[OptionRow] = field(default_factory=list)
    groups: list[tuple[str, str, list[OptionRow]]] = field(default_factory=list)  # (group, title, rows)
    table: list[tuple[str, list[str]]] = field(default_factory=list)  # compare: (attribute, cells)
    columns: list[str] = field(default_factory=list)
    references: list[tuple[int, Reference]] = field(default_factory=list)
    more_references: str = ""  # pointer to the full list when the references are compact
    legend: list[str] = field(default_factory=list)
    footer: str = ""
    disclaimer: str = ""
    empty: str = ""  # what to say when there is nothing to show
    cited_by: dict[str, list[str]] = field(default_factory=dict)  # refs: reference id -> what cites it


class Citations:
    """Numbers references in the order a document first cites them."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.order: dict[str, int] = {}

    def cite(self, rid: str) -> int:
        return self.order.setdefault(rid, len(self.order) + 1)

    def cite_all(self, rids: Sequence[str]) -> list[int]:
        return sorted({self.cite(r) for r in rids if r})

    def references(self) -> list[tuple[int, Reference]]:
        return [(n, self.kb.reference(rid)) for rid, n in self.order.items()]


def fmt_numbers(numbers: Sequence[int]) -> str:
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


def footer(kb: KnowledgeBase, program_version: str) -> str:
    return f"Knowledge base {kb.meta.version}, reviewed {kb.meta.reviewed.isoformat()} · trd {program_version}"


def _finish(doc: Document, kb: KnowledgeBase, cites: Citations, program_version: str) -> Document:
    doc.references = cites.references()
    doc.footer = footer(kb, program_version)
    doc.disclaimer = kb.meta.disclaimer
    return doc


# --------------------------------------------------------------------------- ratings in words


def rating_label(kb: KnowledgeBase, r: Rating) -> str:
    """The rating in the guideline's own words, compact: '2nd line, L2', 'consider', 'not recommended'."""
    scheme = kb.scheme(r.scheme)

    def lab(name: str, value: object) -> str:
        found = scheme.label(name, value) if scheme is not None else None
        return found if found is not None else str(value)

    suffix = " (MDD)" if r.for_mdd_in_general else ""
    if isinstance(r, domain.CanmatRating):
        level = f", {lab('level', r.level)}" if r.level is not None else ""
        if r.line is None:
            word = {"for": "recommended (no line)", "against": "evidence does not support", "uncertain": "no line"}
            return word[r.derived_stance()] + level + suffix
        if r.line in ("first", "second", "third") and r.level is None:
            level = ", level n/s"
        return lab("line", r.line) + level + suffix
    if isinstance(r, domain.GradeRating):
        return f"{r.stance} ({lab('certainty', r.certainty)} certainty)" + suffix
    name, value = r.value()
    return lab(name, value) + suffix


def other_ratings(opt: Option) -> list[Rating]:
    """The ratings shown beside the CANMAT 2023 one: one per other scheme."""
    canmat = opt.canmat
    return [r for r in opt.primary_ratings() if r is not canmat and r.scheme != "canmat-2023"]


def key_figure(opt: Option) -> domain.Figure | None:
    """The figure the list shows: the first with a headline, else the first."""
    return next((f for f in opt.figures if f.headline), opt.figures[0] if opt.figures else None)


def figure_label(f: domain.Figure | None) -> str:
    return "" if f is None else (f.headline or f"{f.value} {f.outcome}")


def legend(kb: KnowledgeBase, shown: Sequence[Rating], flags: Sequence[str] = (), disagree: bool = False) -> list[str]:
    """One line per scheme shown, explaining only the values shown, with their published definitions."""
    used: dict[str, set[object]] = {}
    for r in shown:
        for name in ("line", "level", "strength", "certainty"):
            value = getattr(r, name, None)
            if value is not None:
                used.setdefault(r.scheme + ":" + name, set()).add(value)
    lines: list[str] = []
    for scheme in kb.schemes:
        parts = [
            f"{v.label} = {v.definition}"
            for name in ("line", "level", "strength", "certainty")
            for v in getattr(scheme, name)
            if v.value in used.get(scheme.id + ":" + name, ())
        ]
        if parts:
            kind = SCHEME_KIND.get(scheme.id, "")
            lines.append(f"{SCHEME_TITLES.get(scheme.id, scheme.name)}{f' ({kind})' if kind else ''}: " + "; ".join(parts))
    if any(isinstance(r, domain.CanmatRating) and r.level is None and r.line in ("first", "second", "third") for r in shown):
        lines.append("level n/s = the guideline gives the line but states no level of evidence for it.")
    if any(isinstance(r, domain.CanmatRating) and r.line is None for r in shown):
        lines.append(
            "recommended (no line) = a strategy CANMAT recommends without placing it on a line; "
            "evidence does not support = CANMAT's own words for an option it does not support."
        )
    if any(r.for_mdd_in_general for r in shown):
        lines.append("(MDD) = a rating for adults with MDD in general, not specifically after an inadequate response.")
    if disagree:
        lines.append(f"{DISAGREE_MARK} = guidelines disagree (one recommends, another advises against); both are shown.")
    if flags:
        lines.append("Flags: " + "; ".join(f"{FLAG_SYMBOLS[k]} {FLAG_WORDS[k]}" for k in FLAG_SYMBOLS if k in flags) + ".")
    return lines


# --------------------------------------------------------------------------- items of an option


def _dose_text(d: domain.Dose) -> str:
    parts = [f"{name.replace('_', ' ')}: {getattr(d, name)}" for name in domain.Dose.PARTS if getattr(d, name)]
    who = f"{d.population}: " if d.population else ""
    return who + "; ".join(parts)


# How an item of a known type reads as one line; any other item type reads as its text fields joined.
ITEM_TEXT: dict[type, Callable[[Any], str]] = {
    domain.Sourced: lambda s: s.text,
    domain.AdverseEffect: lambda a: f"{a.effect} ({a.frequency})",
    domain.Regulatory: lambda r: f"{r.agency} {r.year}: {r.status}",
    domain.ContextRule: lambda x: f"{x.context} ({FLAG_WORDS.get(x.effect, x.effect)}): {x.text}",
    domain.Dose: _dose_text,
    domain.Figure: lambda f: f"{f.outcome}: {f.value}",
}
_NOT_TEXT = {"source", "where", "note", "tags"}


def item_text(item: Any) -> str:
    for cls in type(item).__mro__:
        if cls in ITEM_TEXT:
            return ITEM_TEXT[cls](item)
    return "; ".join(
        str(getattr(item, f.name))
        for f in dataclasses.fields(item)
        if f.name not in _NOT_TEXT and getattr(item, f.name) not in (None, "", ())
    )


def item_details(item: Any) -> list[str]:
    out: list[str] = []
    if isinstance(item, domain.Figure):
        out += [f"Population: {item.population}", f"Comparator: {item.comparator}"]
        if item.duration:
            out.append(f"Duration: {item.duration}")
    if isinstance(item, domain.Rating):
        out.append(item.statement)
    where = getattr(item, "where", None)
    if where and not isinstance(item, domain.Rating):
        out.append(f"Where: {where}")
    note = getattr(item, "note", None)
    if note:
        out.append(f"Note: {note}")
    return out


def option_sections(opt: Option, kb: KnowledgeBase, cites: Citations) -> list[Section]:
    """Every sourced part of an option, in the order of its type, then the facts of its classes."""
    sections: list[Section] = []
    for name in domain.sourced_fields(type(opt)):
        items = domain.items_of(opt, name)
        if not items:
            continue
        section = Section(name, section_title(name))
        for it in items:
            if isinstance(it, domain.Rating):
                section.items.append(
                    Item(
                        rating_label(kb, it),
                        cites.cite_all([it.source]),
                        [it.source],
                        label=SCHEME_TITLES.get(it.scheme, it.scheme),
                        details=[*item_details(it), f"Where: {it.where}"],
                        style=str(getattr(it, "line", None) or it.derived_stance()),
                    )
                )
            else:
                section.items.append(Item(item_text(it), cites.cite_all([it.source]), [it.source], details=item_details(it)))
        sections.append(section)
    for cid in opt.classes:
        cls = kb.drug_class(cid)
        if cls is None:
            continue
        for name in domain.sourced_fields(type(cls)):
            items = domain.items_of(cls, name)
            if items:
                sections.append(
                    Section(
                        f"class:{cid}:{name}",
                        f"{section_title(name)} ({cls.name}: applies to the class)",
                        [Item(item_text(it), cites.cite_all([it.source]), [it.source], details=item_details(it)) for it in items],
                    )
                )
    return sections


# --------------------------------------------------------------------------- trd options


def _row(rank: int, opt: Option, kb: KnowledgeBase, result: OptionsResult, cites: Citations) -> OptionRow:
    canmat = opt.canmat
    others = other_ratings(opt)
    disagreeing = {id(r) for r in opt.disagreeing()}
    fig = key_figure(opt)
    ids = ([canmat.source] if canmat else []) + [r.source for r in others] + ([fig.source] if fig else [])
    flags: dict[tuple[str, str], Item] = {}
    for f in result.flags_for(opt):
        label = f"{FLAG_SYMBOLS[f.kind]} " + ("tried, " if f.kind == "tried" else "") + f.about
        item = flags.setdefault((f.kind, f.about), Item(label, style="flag:" + f.kind))
        if f.source:
            item.refs = sorted(set(item.refs) | {cites.cite(f.source)})
    other_words = [
        f"{SCHEME_SHORT[r.scheme]}: {rating_label(kb, r)}" + (f" {DISAGREE_MARK} ({SCHEME_KIND[r.scheme]})" if id(r) in disagreeing else "")
        for r in others
    ]
    short = " ".join(
        f"{SCHEME_TINY.get(r.scheme, r.scheme)}{'+' if r.derived_stance() == 'for' else '-' if r.derived_stance() == 'against' else '?'}"
        + (DISAGREE_MARK if id(r) in disagreeing else "")
        for r in others
    )
    return OptionRow(
        rank=rank,
        option=opt,
        group=group_of(opt),
        canmat=rating_label(kb, canmat) if canmat else "not rated",
        canmat_line=str(canmat.line or "") if canmat else "",
        canmat_level=str(canmat.level or "") if canmat else "",
        others=other_words,
        others_short=short,
        disagree=bool(disagreeing) or opt.guidelines_disagree(),
        figure=figure_label(fig),
        figure_source=fig.source if fig else "",
        refs=cites.cite_all(ids),
        flags=[flags[k] for k in flags],
    )


def options_notes(result: OptionsResult, cites: Citations) -> list[Item]:
    """What changes how the list should be read, in the order it is printed: first."""
    q = result.query
    notes: list[Item] = []
    # Pseudo-resistance from a history first: it changes what "failed" means for all below.
    for text in result.history_notes:
        notes.append(Item(text, style="note"))
    if result.not_yet_trd:
        n = q.prior_trials or 0
        notes.append(
            Item(
                f"Not yet treatment-resistant depression by the usual definition (no adequate response to two or "
                f"more adequate antidepressant trials): {n} trial{'s' if n != 1 else ''} so far. "
                + (
                    "Shown: what guidelines place after an inadequate response to a first antidepressant."
                    if n == 1
                    else "Shown: options guidelines place before any antidepressant trial has failed."
                ),
                style="note",
            )
        )
    for note in result.context_notes:
        notes.append(Item(f"{note.context}: {note.text}", cites.cite_all([note.source]), [note.source], style="note"))
    if result.hidden:
        notes.append(Item(f"Hidden by --strict ({len(result.hidden)}): {', '.join(result.hidden)}.", style="note"))
    if result.filtered_out and result.options:
        notes.append(
            Item(f"{len(result.options)} options shown; {result.filtered_out} left out by the filters.", style="dim")
        )
    if q.avoid:
        notes.append(Item(UNFLAGGED_NOTE, style="dim"))
    return notes


def options_view(result: OptionsResult, kb: KnowledgeBase, program_version: str) -> Document:
    cites = Citations(kb)
    n = len(result.options)
    doc = Document(title=f"{n} option{'s' if n != 1 else ''} for treatment-resistant depression: " + describe(result))
    doc.notes = options_notes(result, cites)
    if not result.options:
        doc.empty = f"No option matches ({describe(result)}). Try: " + "; ".join(f"{flag}: {why}" for flag, why in result.relax) + "."
    shown: list[Rating] = []
    rank = 0
    for group in GROUPS:
        rows = []
        for opt in result.options:
            if group_of(opt) != group:
                continue
            rank += 1
            rows.append(_row(rank, opt, kb, result, cites))
            shown += ([opt.canmat] if opt.canmat else []) + other_ratings(opt)
        if rows:
            doc.groups.append((group, GROUP_TITLES[group], rows))
            doc.rows += rows
    # Why options are flagged for this patient: each reason once, with what it marks, cited.
    reasons: dict[tuple[str, str, str, str], list[str]] = {}
    for opt in result.options:
        for f in result.flags_for(opt):
            names = reasons.setdefault((f.kind, f.about, f.text, f.source), [])
            if opt.name not in names:
                names.append(opt.name)
    if reasons:
        section = Section("patient", "For this patient")
        for (kind, about, text, source), names in sorted(reasons.items(), key=lambda kv: (kv[0][1], domain.severity_rank(kv[0][0]))):
            section.items.append(
                Item(
                    text,
                    cites.cite_all([source]) if source else [],
                    [source] if source else [],
                    label=f"{FLAG_SYMBOLS[kind]} {about} ({FLAG_WORDS[kind]}): {', '.join(names)}",
                    style="flag:" + kind,
                )
            )
        doc.sections.append(section)
    kinds = sorted({f.kind for o in result.options for f in result.flags_for(o)})
    doc.legend = legend(kb, shown, kinds, any(r.disagree for r in doc.rows))
    doc.legend.append("Order: " + ORDER_RULE)
    return _finish(doc, kb, cites, program_version)


def describe(result: OptionsResult) -> str:
    q = result.query
    parts = []
    if q.prior_trials is not None:
        parts.append(f"{q.prior_trials} failed adequate trial{'s' if q.prior_trials != 1 else ''}")
    if q.families:
        parts.append("family " + " or ".join(q.families))
    if q.line:
        parts.append(f"CANMAT 2023 {q.line}-line")
    if q.contexts:
        parts.append("context " + ", ".join(q.contexts))
    if q.avoid:
        parts.append("avoiding " + ", ".join(q.avoid) + (" (strict)" if q.strict else ""))
    return "; ".join(parts) if parts else "all options"


# --------------------------------------------------------------------------- trd show


def show_view(opt: Option, kb: KnowledgeBase, program_version: str, note: str = "") -> Document:
    cites = Citations(kb)
    doc = Document(title=opt.name)
    if note:
        doc.notes.append(Item(note, style="note"))
    head = Section("summary", "Summary", [Item(opt.summary)])
    if opt.aliases:
        head.items.append(Item("Also called: " + ", ".join(opt.aliases), style="dim"))
    head.items.append(Item(f"{opt.id} · {opt.family}" + (f" · class: {', '.join(opt.classes)}" if opt.classes else ""), style="dim"))
    trials = opt.min_prior_trials
    head.items.append(
        Item(
            f"Listed by trd options from {trials} failed adequate antidepressant trial{'s' if trials != 1 else ''} on; "
            f"grouped there as: {GROUP_TITLES[group_of(opt)]}.",
            style="dim",
        )
    )
    doc.sections.append(head)
    if opt.guidelines_disagree():
        doc.notes.append(Item(f"{DISAGREE_MARK} The guidelines disagree on this option; each rating is shown as given.", style="against"))
    doc.sections += option_sections(opt, kb, cites)
    for rid in opt.sources:
        cites.cite(rid)
    doc.legend = legend(kb, list(opt.recommendations), disagree=opt.guidelines_disagree())
    doc.legend.append(f"Last reviewed {opt.last_reviewed.isoformat()}. How `trd options` orders options: {ORDER_RULE}")
    return _finish(doc, kb, cites, program_version)


# --------------------------------------------------------------------------- trd compare


def compare_view(opts: Sequence[Option], kb: KnowledgeBase, program_version: str) -> Document:
    cites = Citations(kb)
    doc = Document(title="Compare: " + " · ".join(o.name for o in opts), columns=[o.name for o in opts])

    def cell(items: list[Item]) -> str:
        return "\n".join(f"- {i.text} [{fmt_numbers(i.refs)}]" if i.refs else f"- {i.text}" for i in items) or "-"

    doc.table.append(("Family", [o.family for o in opts]))
    doc.table.append(("From prior trials", [str(o.min_prior_trials) for o in opts]))
    per_option = [{s.key: s for s in option_sections(o, kb, cites)} for o in opts]
    keys: list[str] = []
    for secs in per_option:
        keys += [k for k in secs if k not in keys]
    for key in keys:
        if key == "recommendations":
            schemes = list(dict.fromkeys(r.scheme for o in opts for r in o.recommendations))
            for s in schemes:
                doc.table.append(
                    (
                        SCHEME_TITLES.get(s, s),
                        [
                            "\n".join(
                                f"{rating_label(kb, r)} ({r.where}) [{cites.cite(r.source)}]" for r in o.recommendations if r.scheme == s
                            )
                            or "-"
                            for o in opts
                        ],
                    )
                )
            doc.table.append(("Guidelines disagree", ["yes " + DISAGREE_MARK if o.guidelines_disagree() else "no" for o in opts]))
            continue
        title = next(secs[key].title for secs in per_option if key in secs)
        doc.table.append((title, [cell(secs[key].items) if key in secs else "-" for secs in per_option]))
    doc.table.append(("Last reviewed", [o.last_reviewed.isoformat() for o in opts]))
    doc.legend = legend(kb, [r for o in opts for r in o.recommendations], disagree=any(o.guidelines_disagree() for o in opts))
    return _finish(doc, kb, cites, program_version)


# --------------------------------------------------------------------------- trd refs, search, stage


def refs_view(references: Sequence[Reference], kb: KnowledgeBase, program_version: str) -> Document:
    cited_by = kb.cited_by()
    doc = Document(title=f"{len(references)} references", cited_by=cited_by)
    section = Section("references", "References")
    for ref in references:
        section.items.append(Item(citation_text(ref), ref_ids=[ref.id], details=[f"{ref.id} · {ref.type}", ", ".join(cited_by.get(ref.id, [])) or "-"]))
    doc.sections.append(section)
    doc.references = [(i, r) for i, r in enumerate(references, 1)]
    doc.footer = footer(kb, program_version)
    doc.disclaimer = kb.meta.disclaimer
    return doc


def citation_text(ref: Reference) -> str:
    """A Vancouver-style citation (ICMJE), as clinicians read them."""
    parts = []
    who = ref.short_authors()
    if who:
        parts.append(f"{who}.")
    parts.append(ref.title.rstrip(".") + ".")
    venue = (ref.journal or ref.publisher or "").rstrip(".")
    year = str(ref.year) if ref.year else "n.d."
    tail = f"{venue}. {year}" if venue else year
    if ref.volume:
        tail += f";{ref.volume}"
        if ref.issue:
            tail += f"({ref.issue})"
    if ref.pages:
        tail += f":{ref.pages}"
    parts.append(tail if tail.endswith(".") else tail + ".")
    return " ".join(parts)


def search_view(hits: Sequence[Hit], text: str, kb: KnowledgeBase, program_version: str, near: Sequence[str] = ()) -> Document:
    from .query import shown

    doc = Document(title=f"Search: {shown(text)}")  # what was typed, escaped and shortened
    section = Section("matches", f"{len(hits)} matches")
    for h in hits:
        section.items.append(Item(h.text, label=f"{h.kind} {h.id}", details=[h.field]))
    doc.sections.append(section)
    if not hits:
        doc.empty = f"No option or reference mentions {shown(text)}." + (f" Did you mean: {', '.join(near)}?" if near else "")
    doc.footer = footer(kb, program_version)
    doc.disclaimer = kb.meta.disclaimer
    return doc


def stage_view(result: Any, kb: KnowledgeBase, program_version: str) -> Document:
    cites = Citations(kb)
    models = {sm.id: sm for sm in kb.meta.staging_models}
    doc = Document(title=f"TRD staging of {result.history_file}")
    for mid, res in result.results.items():
        sm = models.get(mid)
        refs = cites.cite_all(list(sm.sources)) if sm else []
        section = Section(mid, sm.name if sm else mid, [Item(stage_headline(mid, res), refs, list(sm.sources) if sm else [], style="headline")])
        section.items += [Item(line) for line in stage_details(mid, res)]
        if sm:
            section.items += [Item(rule, label="Rule", style="dim") for rule in sm.rules]
            section.items += [Item(gap, label="Undefined", style="dim") for gap in sm.undefined]
        doc.sections.append(section)
    return _finish(doc, kb, cites, program_version)


def stage_headline(model_id: str, result: dict[str, Any]) -> str:
    """One line per model: the score and band, or why there is none."""
    if model_id == "trd-definition":
        verdict = "meets" if result["is_trd"] else "does not meet"
        unknown = f"; {len(result['unknown'])} with outcome unknown" if result.get("unknown") else ""
        return f"{verdict} the common TRD definition ({result['counted_trials']} failed adequate trials counted{unknown})"
    if model_id == "maudsley":
        if result["score"] is None:
            return "not defined: " + str(result["undefined"])
        return f"score {result['score']} of 15, {result['band']}"
    if model_id == "mgh":
        return f"score {result['score']:g}"
    if result["stage"] is None:
        return "not defined: " + str(result["reason"])
    return f"stage {result['stage']}"


def _reading_lines(readings: list[dict[str, Any]]) -> list[str]:
    out = []
    for r in readings:
        mark = "used by trd" if r["used_by_trd"] else "other reading"
        out.append(f"  reading '{r['reading']}' ({mark}, [{r['source']}]): {r['result']} - {r['why']}")
    return out


def stage_details(model_id: str, result: dict[str, Any]) -> list[str]:
    """The per-patient reasons, one line each, for the table, markdown and CSV views."""
    lines: list[str] = []
    if model_id == "trd-definition":
        lines += [f"{p['part']}: {p['why']}" for p in result["parts"]]
        lines += [f"flag: {f}" for f in result["flags"]]
    elif model_id == "maudsley":
        for p in result["parts"]:
            pts = "-" if p["points"] is None else p["points"]
            lines.append(f"{p['part']} {pts}: {p['why']}")
            lines += _reading_lines(p["readings"])
        lines += [f"other reading, {o}" for o in result.get("other_readings", [])]
    elif model_id == "mgh":
        lines += [f"{p['part']} {p['points']:g}: {p['why']}" for p in result["parts"]] or ["no trial scores"]
    else:
        if result.get("stage") is not None:
            lines += list(result.get("steps") or [result["reason"]])
        lines += _reading_lines(result.get("readings", []))
    lines += [f"note: {n}" for n in result.get("notes", [])]
    return lines
