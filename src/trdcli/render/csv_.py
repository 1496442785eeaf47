"""CSV output, for spreadsheets: one header row, one row per item, UTF-8, RFC 4180 quoting."""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Any

from .common import Env, clean, figure_label, key_figure, other_label, row_ratings

if TYPE_CHECKING:
    from ..models import KnowledgeBase, Option, Reference
    from ..query import Hit, OptionsResult


def _write(env: Env, header: list[str], rows: list[list[Any]]) -> None:
    writer = csv.writer(env.stdout, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else clean(v) for v in row])


def _option_row(rank: int, opt: Option, result: OptionsResult | None = None) -> list[Any]:
    canmat, others = row_ratings(opt)
    fig = key_figure(opt)
    return [
        rank,
        opt.id,
        opt.name,
        opt.family,
        opt.min_prior_trials,
        canmat.line if canmat else "",
        canmat.level if canmat else "",
        canmat.label() if canmat else "not rated",
        "; ".join(other_label(r) for r in others),
        "yes" if opt.guidelines_disagree() else "no",
        figure_label(opt),
        fig.source if fig else "",
        " ".join(opt.cited_ids()),
        "; ".join(f"{f.kind}:{f.about} [{f.source}]" for f in result.flags_for(opt)) if result else "",
    ]


OPTION_HEADER = [
    "rank", "id", "name", "family", "min_prior_trials", "canmat_2023_line", "canmat_2023_level",
    "canmat_2023", "other_guidelines", "guidelines_disagree", "key_figure", "key_figure_source", "sources", "flags",
]


def options(result: OptionsResult, kb: KnowledgeBase, env: Env) -> None:
    _write(env, OPTION_HEADER, [_option_row(i, o, result) for i, o in enumerate(result.options, 1)])


def show(opt: Option, kb: KnowledgeBase, env: Env) -> None:
    """One row per fact of the option: section, label, text, source."""
    rows: list[list[Any]] = [["summary", "", opt.summary, ""]]
    rows += [["when_to_consider", "", s.text, s.source] for s in opt.when_to_consider]
    rows += [["recommendation", f"{r.scheme}: {r.label()}", r.statement, r.source] for r in opt.recommendations]
    for f in opt.figures:
        text = f"{f.value}; population: {f.population}; comparator: {f.comparator}"
        if f.duration:
            text += f"; duration: {f.duration}"
        rows.append(["figure", f.outcome, text, f.source])
    if opt.onset:
        rows.append(["onset", "", opt.onset.text, opt.onset.source])
    for section in ("cautions", "contraindications", "monitoring", "practical"):
        rows += [[section, "", s.text, s.source] for s in getattr(opt, section)]
    rows += [["adverse_effect", a.frequency, a.effect, a.source] for a in opt.adverse_effects]
    rows += [["regulatory", f"{r.agency} {r.year}", r.status, r.source] for r in opt.regulatory]
    rows += [["context", f"{x.context}: {x.effect}", x.text, x.source] for x in opt.contexts]
    _write(env, ["section", "label", "text", "source"], rows)


def compare(opts: list[Option], kb: KnowledgeBase, env: Env) -> None:
    from .common import compare_rows

    _write(env, ["attribute", *[o.id for o in opts]], [[name, *cells] for name, cells in compare_rows(opts, kb)])


def search(hits: list[Hit], kb: KnowledgeBase, env: Env) -> None:
    _write(env, ["kind", "id", "field", "text"], [[h.kind, h.id, h.field, h.text] for h in hits])


def refs(references: list[Reference], kb: KnowledgeBase, env: Env) -> None:
    cited_by = kb.cited_by()
    header = ["id", "type", "authors", "title", "journal", "year", "volume", "issue", "pages", "doi", "pmid", "url", "cited_by"]
    rows = [
        [r.id, r.type, "; ".join(r.authors), r.title, r.journal or r.publisher, r.year, r.volume, r.issue, r.pages,
         r.doi, r.pmid, r.url, " ".join(cited_by.get(r.id, []))]
        for r in references
    ]
    _write(env, header, rows)


def stage(result: Any, kb: KnowledgeBase, env: Env) -> None:
    from ..staging import details, headline

    rows = [[mid, headline(mid, res), " | ".join(details(mid, res))] for mid, res in result.results.items()]
    _write(env, ["model", "result", "details"], rows)
