"""CSV, for spreadsheets: one header row, one row per item, UTF-8, RFC 4180 quoting.

Provenance travels with the data: the last rows are the knowledge-base version, its review date
and the disclaimer, each in the first column after a row that starts with `#` (a reader that
uses `csv.DictReader` sees them as rows whose first field starts with '#', easy to drop). A cell
that a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a carriage return)
is written with a leading apostrophe.
"""

from __future__ import annotations

import csv
from typing import Any

from .. import views
from ..domain import KnowledgeBase, Option, Reference
from ..env import Env
from ..query import Hit, OptionsResult
from ..views import Document
from .common import clean

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    text = "" if value is None else clean(value)
    return "'" + text if text.startswith(_FORMULA) and not _number(text) else text


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _write(env: Env, header: list[str], rows: list[list[Any]], doc: Document) -> None:
    writer = csv.writer(env.stdout, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    writer.writerow([f"# {doc.footer}"])
    writer.writerow([f"# {doc.disclaimer}"])


OPTION_HEADER = [
    "rank", "id", "name", "family", "group", "min_prior_trials", "canmat_2023_line", "canmat_2023_level",
    "canmat_2023", "other_guidelines", "guidelines_disagree", "key_figure", "key_figure_source", "sources", "flags",
]


def options(result: OptionsResult, kb: KnowledgeBase, env: Env) -> None:
    doc = views.options_view(result, kb, env.program_version)
    rows = [
        [
            r.rank, r.option.id, r.option.name, r.option.family, r.group, r.option.min_prior_trials, r.canmat_line,
            r.canmat_level, r.canmat, "; ".join(r.others), "yes" if r.disagree else "no", r.figure, r.figure_source,
            " ".join(r.option.cited_ids()),
            "; ".join(f"{f.kind}:{f.about}" + (f" [{f.source}]" if f.source else "") for f in result.flags_for(r.option)),
        ]
        for r in doc.rows
    ]
    _write(env, OPTION_HEADER, rows, doc)


def _section_rows(doc: Document) -> list[list[Any]]:
    return [
        [s.key, i.label, i.text + "".join(f" | {d}" for d in i.details), " ".join(i.ref_ids)]
        for s in doc.sections
        for i in s.items
    ]


def show(opt: Option, kb: KnowledgeBase, env: Env) -> None:
    """One row per fact of the option: section, label, text, source."""
    doc = views.show_view(opt, kb, env.program_version, env.note)
    _write(env, ["section", "label", "text", "source"], _section_rows(doc), doc)


def compare(opts: list[Option], kb: KnowledgeBase, env: Env) -> None:
    doc = views.compare_view(opts, kb, env.program_version)
    refs = [[f"[{n}]", views.citation_text(r), r.id] for n, r in doc.references]
    _write(env, ["attribute", *[o.id for o in opts]], [[a, *cells] for a, cells in doc.table] + refs, doc)


def search(hits: list[Hit], kb: KnowledgeBase, env: Env) -> None:
    doc = views.search_view(hits, env.search_text, kb, env.program_version)
    _write(env, ["kind", "id", "field", "text"], [[h.kind, h.id, h.field, h.text] for h in hits], doc)


def refs(references: list[Reference], kb: KnowledgeBase, env: Env) -> None:
    doc = views.refs_view(references, kb, env.program_version)
    cited_by = doc.cited_by
    header = ["id", "type", "authors", "title", "journal", "year", "volume", "issue", "pages", "doi", "pmid", "url", "cited_by"]
    rows = [
        [r.id, r.type, "; ".join(r.authors), r.title, r.journal or r.publisher, r.year, r.volume, r.issue, r.pages,
         r.doi, r.pmid, r.url, " ".join(cited_by.get(r.id, []))]
        for r in references
    ]
    _write(env, header, rows, doc)


def stage(result: Any, kb: KnowledgeBase, env: Env) -> None:
    doc = views.stage_view(result, kb, env.program_version)
    _write(env, ["section", "label", "text", "source"], _section_rows(doc), doc)
