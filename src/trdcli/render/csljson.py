"""CSL-JSON export of references: the format of citeproc processors and Zotero's import."""

from __future__ import annotations

import json
from typing import Any

from ..domain import KnowledgeBase, Reference
from ..env import Env


_TYPES = {"guideline": "report", "label": "document", "regulatory": "document", "other": "document"}


def _name(author: str) -> dict[str, str]:
    parts = author.split()
    if len(parts) >= 2 and parts[-1].isupper() and len(parts[-1]) <= 4:
        return {"family": " ".join(parts[:-1]), "given": " ".join(f"{c}." for c in parts[-1])}
    return {"literal": author}


def item(ref: Reference) -> dict[str, Any]:
    kind = "article-journal" if ref.journal and ref.type not in ("label", "regulatory") else _TYPES.get(ref.type, "article-journal")
    out: dict[str, Any] = {"id": ref.id, "type": kind, "title": ref.title}
    authors = [a for a in ref.authors if a.lower() not in ("et al", "et al.")]
    if authors:
        out["author"] = [_name(a) for a in authors]
    if ref.journal:
        out["container-title"] = ref.journal
    if ref.publisher:
        out["publisher"] = ref.publisher
    if ref.year:
        out["issued"] = {"date-parts": [[ref.year]]}
    for key, value in (("volume", ref.volume), ("issue", ref.issue), ("page", ref.pages)):
        if value:
            out[key] = value
    if ref.doi:
        out["DOI"] = ref.doi
    if ref.pmid:
        out["PMID"] = ref.pmid
    if ref.pmcid:
        out["PMCID"] = ref.pmcid
    if ref.url:
        out["URL"] = ref.url
    if ref.note:
        out["note"] = ref.note
    return out


def refs(references: list[Reference], kb: KnowledgeBase, env: Env) -> None:
    provenance = f"From the trd knowledge base {kb.meta.version} (reviewed {kb.meta.reviewed.isoformat()}). {kb.meta.disclaimer}"
    items = []
    for r in references:
        it = item(r)
        it["note"] = (it["note"] + " " if "note" in it else "") + provenance
        items.append(it)
    env.stdout.write(json.dumps(items, ensure_ascii=env.ascii_json, indent=2) + "\n")
