"""Markdown: for notes, slides, and any pipe (clean text, no boxes). Lays out the documents of `views`."""

from __future__ import annotations

import re
from typing import Any

from .. import views
from ..domain import KnowledgeBase, Option, Reference
from ..env import Env
from ..query import Hit, OptionsResult
from ..views import Document, Item, fmt_numbers
from .common import clean, search_snippet

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
    return f"{n}. {esc(views.citation_text(ref))}" + (" " + " ".join(ids) if ids else "")


def item_md(item: Item) -> str:
    label = f"**{esc(item.label)}**" + (": " if item.text else "") if item.label else ""
    refs = f" [{fmt_numbers(item.refs)}]" if item.refs else ""
    details = "".join(f" *{esc(d)}*" for d in item.details)
    return f"{label}{esc(item.text)}{refs}{details}"


def _notes(doc: Document) -> list[str]:
    return [f"> {item_md(n)}\n" for n in doc.notes]


def _tail(doc: Document) -> list[str]:
    out: list[str] = []
    if doc.references:
        out += ["## References", ""] + [ref_line(n, r) for n, r in doc.references] + [""]
    if doc.legend:
        out += ["## Legend", ""] + [f"- {esc(line)}" for line in doc.legend] + [""]
    return out + [f"*{esc(doc.footer)}*", "", f"**{esc(doc.disclaimer)}**"]


def _sections(doc: Document) -> list[str]:
    out: list[str] = []
    for section in doc.sections:
        out += [f"## {esc(section.title)}", ""] + [f"- {item_md(i)}" for i in section.items] + [""]
    return out


def _write(env: Env, lines: list[str]) -> None:
    env.stdout.write("\n".join(lines) + "\n")


def options(result: OptionsResult, kb: KnowledgeBase, env: Env) -> None:
    doc = views.options_view(result, kb, env.program_version)
    out = [f"# {esc(doc.title)}", ""] + _notes(doc)
    if doc.empty:
        out += [esc(doc.empty), ""]
    for _g, title, rows in doc.groups:
        out += [f"## {esc(title)}", "", "| # | Option | Family | CANMAT 2023 | Other guidelines | Key figure | Refs |", "|---|---|---|---|---|---|---|"]
        for row in rows:
            marks = "".join(f" {item_md(f)}" for f in row.flags)
            cells = [
                str(row.rank),
                f"**{esc(row.option.name)}**{marks}",
                esc(row.option.family),
                esc(row.canmat),
                esc("; ".join(row.others)),
                esc(row.figure),
                fmt_numbers(row.refs),
            ]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    _write(env, out + _sections(doc) + _tail(doc))


def show(opt: Option, kb: KnowledgeBase, env: Env) -> None:
    doc = views.show_view(opt, kb, env.program_version, env.note)
    _write(env, [f"# {esc(doc.title)}", ""] + _notes(doc) + _sections(doc) + _tail(doc))


def compare(opts: list[Option], kb: KnowledgeBase, env: Env) -> None:
    doc = views.compare_view(opts, kb, env.program_version)
    out = [f"# {esc(doc.title)}", "", "| | " + " | ".join(esc(c) for c in doc.columns) + " |", "|---" * (len(doc.columns) + 1) + "|"]
    for attr, cells in doc.table:
        out.append(f"| **{esc(attr)}** | " + " | ".join(_bullets(c) for c in cells) + " |")
    _write(env, out + [""] + _tail(doc))


def _bullets(cell: str) -> str:
    """A cell of several '- item' lines as one table cell: '• item • item'."""
    return " ".join("• " + esc(line[2:]) if line.startswith("- ") else esc(line) for line in cell.split("\n"))


def refs(references: list[Reference], kb: KnowledgeBase, env: Env) -> None:
    doc = views.refs_view(references, kb, env.program_version)
    cited_by = doc.cited_by
    out = ["# References", ""]
    for n, ref in doc.references:
        users = cited_by.get(ref.id, [])
        out.append(ref_line(n, ref) + (f" — cited by: {esc(', '.join(users))}" if users else "") + f" (`{ref.id}`)")
    _write(env, out + ["", f"*{esc(doc.footer)}*", "", f"**{esc(doc.disclaimer)}**"])


def search(hits: list[Hit], kb: KnowledgeBase, env: Env) -> None:
    doc = views.search_view(hits, env.search_text, kb, env.program_version, env.near)
    out = [f"# {esc(doc.title)}", "", f"{len(hits)} matches.", ""]
    if doc.empty:
        out += [esc(doc.empty), ""]
    if hits:
        out += ["| Where | Field | Text |", "|---|---|---|"]
        for item in doc.sections[0].items:
            before, match, after = search_snippet(item.text, env.search_text)
            out.append(f"| {esc(item.label)} | `{item.details[0]}` | {esc(before)}**{esc(match)}**{esc(after)} |")
        out.append("")
    _write(env, out + [f"*{esc(doc.footer)}*", "", f"**{esc(doc.disclaimer)}**"])


def stage(result: Any, kb: KnowledgeBase, env: Env) -> None:
    doc = views.stage_view(result, kb, env.program_version)
    _write(env, [f"# {esc(doc.title)}", ""] + _notes(doc) + _sections(doc) + _tail(doc))
