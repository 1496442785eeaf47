"""Markdown output: for notes, slides, and for any pipe (clean text, no boxes)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..logic import RANKING_EXPLANATION
from .common import (
    DISAGREE_MARK,
    FLAG_SYMBOLS,
    FLAG_WORDS,
    flag_labels,
    flag_legend,
    flag_reasons,
    SCHEME_TITLES,
    Citations,
    Env,
    clean,
    figure_label,
    fmt_numbers,
    footer,
    legend_lines,
    other_label,
    row_citations,
    row_ratings,
)

if TYPE_CHECKING:
    from ..models import KnowledgeBase, Option, Reference
    from ..query import OptionsResult

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")


def esc(text: object) -> str:
    """Markdown-escape knowledge-base text so it is shown, never interpreted."""
    return _MD_SPECIAL.sub(r"\\\1", clean(text)).replace("\n", " ")


def ref_line(n: int, ref: Reference) -> str:
    ids = []
    if ref.doi:
        ids.append(f"doi:[{esc(ref.doi)}]({ref.doi_url})")
    if ref.pmid:
        ids.append(f"PMID [{ref.pmid}]({ref.pmid_url})")
    if not ref.doi and not ref.pmid and ref.url:
        ids.append(f"<{ref.url}>")
    return f"{n}. {esc(ref.vancouver())}" + (" " + " ".join(ids) if ids else "")


def options(result: OptionsResult, kb: KnowledgeBase, env: Env) -> None:
    out: list[str] = [f"# Options for treatment-resistant depression: {esc(result.query.describe())}", ""]
    for note in result.notes:
        out += [f"> {esc(note)}", ""]
    cites = Citations(kb)
    shown: list = []  # type: ignore[type-arg]
    if not result.options:
        out += [f"No option matches ({esc(result.query.describe())}). Try: {'; '.join(result.relax)}.", ""]
    else:
        out += ["| Option | Family | CANMAT 2023 | Other guidelines | Key figure | Refs |", "|---|---|---|---|---|---|"]
        for opt in result.options:
            canmat, others = row_ratings(opt)
            shown.extend(([canmat] if canmat else []) + others)
            mark = f" {DISAGREE_MARK}" if opt.guidelines_disagree() else ""
            refs = fmt_numbers(row_citations(opt, cites))
            marks = "".join(f" {esc(label)}" for label in flag_labels(opt, result, cites))
            cells = [
                f"**{esc(opt.name)}**{marks}",
                esc(opt.family),
                esc(canmat.label()) if canmat else "not rated",
                esc("; ".join(other_label(r) for r in others)) + mark,
                esc(figure_label(opt)),
                refs,
            ]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
        if result.query.contexts or result.query.avoid:
            out += ["## For this patient", ""]
            out += [f"- {note.context}: {esc(note.text)} [{cites.cite(note.source)}]" for note in result.context_notes]
            for kind, about, text, source, names in flag_reasons(result):
                out.append(
                    f"- {FLAG_SYMBOLS[kind]} {about} ({FLAG_WORDS[kind]}): **{esc(', '.join(names))}**. "
                    f"{esc(text)} [{cites.cite(source)}]"
                )
            if result.hidden:
                out.append(f"- Hidden by --strict: {esc(', '.join(result.hidden))}.")
            out += ["", esc(flag_legend(result)), ""]
        out += ["## References", ""] + [ref_line(n, r) for n, r in cites.references()] + [""]
        out += ["## Legend", ""] + [f"- {esc(line)}" for line in legend_lines(kb, shown)] + [""]
        out += [f"Order: {esc(RANKING_EXPLANATION)}", ""]
    out += [f"*{esc(footer(kb, env))}*", "", f"**{esc(kb.meta.disclaimer)}**"]
    env.stdout.write("\n".join(out) + "\n")


def show(opt: Option, kb: KnowledgeBase, env: Env) -> None:
    cites = Citations(kb)

    def c(rid: str) -> str:
        return f"[{cites.cite(rid)}]"

    out = [f"# {esc(opt.name)}", ""]
    out.append(f"*{esc(opt.family)}* · id `{opt.id}`" + (f" · also: {esc(', '.join(opt.aliases))}" if opt.aliases else ""))
    out += ["", esc(opt.summary), ""]
    out += ["## When to consider", ""]
    out.append(
        f"- Listed by `trd options` from {opt.min_prior_trials} failed adequate antidepressant trial"
        f"{'s' if opt.min_prior_trials != 1 else ''} on; what each guideline says is below."
    )
    out += [f"- {esc(s.text)} {c(s.source)}" for s in opt.when_to_consider] + [""]
    if opt.recommendations:
        out += ["## Recommendations", ""]
        if opt.guidelines_disagree():
            out += [f"> {DISAGREE_MARK} The guidelines disagree on this option; each rating is shown as given.", ""]
        out += ["| Source | Rating | Statement | Where |", "|---|---|---|---|"]
        for r in opt.recommendations:
            note = f" *{esc(r.note)}*" if r.note else ""
            out.append(
                f"| {esc(SCHEME_TITLES[r.scheme])} {c(r.source)} | {esc(r.label())} | {esc(r.statement)}{note} | {esc(r.where)} |"
            )
        out.append("")
    if opt.figures:
        out += ["## Key figures", "", "| Outcome | Value | Population | Comparator | Duration | Ref |", "|---|---|---|---|---|---|"]
        for f in opt.figures:
            note = f" *{esc(f.note)}*" if f.note else ""
            out.append(
                f"| {esc(f.outcome)} | {esc(f.value)} | {esc(f.population)} | {esc(f.comparator)} | "
                f"{esc(f.duration or '')} | {c(f.source)}{note} |"
            )
        out.append("")
    sections = [
        ("Onset", [opt.onset] if opt.onset else []),
        ("Cautions", opt.cautions),
        ("Contraindications", opt.contraindications),
        ("Monitoring", opt.monitoring),
        ("Practical notes", opt.practical),
    ]
    for title, items in sections[:3]:
        if items:
            out += [f"## {title}", ""] + [f"- {esc(i.text)} {c(i.source)}" for i in items] + [""]
    if opt.adverse_effects:
        out += ["## Adverse effects", ""]
        out += [f"- {esc(a.effect)} ({a.frequency}) {c(a.source)}" for a in opt.adverse_effects] + [""]
    for title, items in sections[3:]:
        if items:
            out += [f"## {title}", ""] + [f"- {esc(i.text)} {c(i.source)}" for i in items] + [""]
    if opt.regulatory:
        out += ["## Regulatory status", ""]
        out += [f"- {r.agency} {r.year}: {esc(r.status)} {c(r.source)}" for r in opt.regulatory] + [""]
    if opt.contexts:
        out += ["## Patient contexts", ""]
        out += [f"- {x.context} ({x.effect}): {esc(x.text)} {c(x.source)}" for x in opt.contexts] + [""]
    for rid in opt.sources:
        cites.cite(rid)
    out += ["## References", ""] + [ref_line(n, r) for n, r in cites.references()] + [""]
    out += ["## Legend", ""] + [f"- {esc(line)}" for line in legend_lines(kb, opt.recommendations)] + [""]
    out += [
        f"*Last reviewed {opt.last_reviewed.isoformat()}. {esc(RANKING_EXPLANATION)}*",
        "",
        f"*{esc(footer(kb, env))}*",
        "",
        f"**{esc(kb.meta.disclaimer)}**",
    ]
    env.stdout.write("\n".join(out) + "\n")


def refs(references: list[Reference], kb: KnowledgeBase, env: Env) -> None:
    cited_by = kb.cited_by()
    out = ["# References", ""]
    for i, ref in enumerate(references, 1):
        users = cited_by.get(ref.id, [])
        out.append(ref_line(i, ref) + (f" — cited by: {esc(', '.join(users))}" if users else "") + f" (`{ref.id}`)")
    out += ["", f"*{esc(footer(kb, env))}*", "", f"**{esc(kb.meta.disclaimer)}**"]
    env.stdout.write("\n".join(out) + "\n")



def compare(opts: list[Option], kb: KnowledgeBase, env: Env) -> None:
    from .common import compare_rows

    out = ["# Compare: " + " · ".join(esc(o.name) for o in opts), ""]
    out.append("| | " + " | ".join(esc(o.name) for o in opts) + " |")
    out.append("|---" * (len(opts) + 1) + "|")
    for name, cells in compare_rows(opts, kb):
        out.append(f"| **{esc(name)}** | " + " | ".join(esc(c).replace("- ", "• ") for c in cells) + " |")
    out += ["", "## References", ""]
    cited: list[str] = []
    for o in opts:
        cited += [r for r in o.cited_ids() if r not in cited]
    out += [ref_line(i, kb.reference(r)) + f" (`{r}`)" for i, r in enumerate(cited, 1)]
    out += ["", f"*{esc(footer(kb, env))}*", "", f"**{esc(kb.meta.disclaimer)}**"]
    env.stdout.write("\n".join(out) + "\n")


def search(hits: list[Any], kb: KnowledgeBase, env: Env) -> None:
    from .common import search_snippet

    out = [f"# Search: {esc(env.search_text)}", "", f"{len(hits)} matches.", ""]
    if hits:
        out += ["| Where | Field | Text |", "|---|---|---|"]
        for h in hits:
            before, match, after = search_snippet(h.text, env.search_text)
            out.append(f"| {h.kind} `{h.id}` | `{h.field}` | {esc(before)}**{esc(match)}**{esc(after)} |")
    env.stdout.write("\n".join(out) + "\n")


def stage(result: Any, kb: KnowledgeBase, env: Env) -> None:
    from .common import stage_blocks

    cites = Citations(kb)
    out = [f"# TRD staging of {esc(result.history_file)}", ""]
    for name, head, info, rules, undefined in stage_blocks(result, kb, cites):
        out += [f"## {esc(name)}", "", f"**{esc(head)}**", ""]
        out += [f"- {esc(line)}" for line in info]
        out += [f"- Rule: {esc(r)}" for r in rules]
        out += [f"- Undefined: {esc(u)}" for u in undefined]
        out.append("")
    out += ["## References", ""] + [ref_line(n, r) for n, r in cites.references()] + [""]
    out += [f"*{esc(footer(kb, env))}*", "", f"**{esc(kb.meta.disclaimer)}**"]
    env.stdout.write("\n".join(out) + "\n")
