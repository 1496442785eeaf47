"""BibTeX export of references, for reference managers (Zotero, JabRef, BibDesk)."""

from __future__ import annotations

import re

from ..domain import KnowledgeBase, Reference
from ..env import Env
from .common import clean


_SPECIAL = re.compile(r"([&%$#_{}])")
_INITIALS = re.compile(r"^[A-Z]{1,4}$")


def esc(text: object) -> str:
    s = clean(text).replace("\\", r"\textbackslash{}")
    s = _SPECIAL.sub(r"\\\1", s)
    return s.replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")


def author(name: str) -> str:
    """'Lam RW' -> 'Lam, R. W.'; an organisation stays whole in braces."""
    parts = name.split()
    if len(parts) >= 2 and _INITIALS.match(parts[-1]):
        initials = " ".join(f"{c}." for c in parts[-1])
        return f"{esc(' '.join(parts[:-1]))}, {initials}"
    return "{" + esc(name) + "}"


def entry(ref: Reference) -> str:
    if ref.journal and ref.type not in ("label", "regulatory"):  # a guideline published in a journal too
        kind = "article"
    elif ref.type == "guideline":
        kind = "techreport"
    else:
        kind = "misc"
    fields: list[tuple[str, str]] = []
    authors = [a for a in ref.authors if a.lower() not in ("et al", "et al.")]
    if authors:
        names = " and ".join(author(a) for a in authors)
        if len(authors) < len(ref.authors):
            names += " and others"
        fields.append(("author", names))
    elif ref.publisher:
        fields.append(("author", "{" + esc(ref.publisher) + "}"))
    fields.append(("title", "{" + esc(ref.title) + "}"))
    if kind == "article":
        fields.append(("journal", esc(ref.journal)))
    elif kind == "techreport":
        fields.append(("institution", esc(ref.publisher or ref.journal or "")))
    elif ref.journal or ref.publisher:
        fields.append(("howpublished", esc(ref.journal or ref.publisher)))
    if ref.year:
        fields.append(("year", str(ref.year)))
    for key, value in (("volume", ref.volume), ("number", ref.issue)):
        if value:
            fields.append((key, esc(value)))
    if ref.pages:
        fields.append(("pages", esc(ref.pages).replace("-", "--")))
    if ref.doi:
        fields.append(("doi", esc(ref.doi)))
    if ref.pmid:
        fields.append(("pmid", ref.pmid))
    if ref.url:
        fields.append(("url", ref.url))
    fields.append(("keywords", esc(ref.type)))
    if ref.note:
        fields.append(("note", "{" + esc(ref.note) + "}"))
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@{kind}{{{ref.id},\n{body}\n}}\n"


def refs(references: list[Reference], kb: KnowledgeBase, env: Env) -> None:
    env.stdout.write(
        f"% trd knowledge base {kb.meta.version}, reviewed {kb.meta.reviewed.isoformat()}: {len(references)} references\n"
        f"% {clean(kb.meta.disclaimer)}\n\n"
    )
    env.stdout.write("\n".join(entry(r) for r in references))
