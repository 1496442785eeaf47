"""RIS export of references (EndNote, Zotero, Mendeley, RefWorks)."""

from __future__ import annotations


from ..domain import KnowledgeBase, Reference
from ..env import Env
from .common import clean


# RIS reference types by our reference type (journal articles when there is a journal).
# A reference with a journal is a journal article (CANMAT 2023 is a guideline published as one).
_TYPES = {"guideline": "GOVDOC", "label": "GOVDOC", "regulatory": "PRESS"}


def _line(tag: str, value: object) -> str:
    text = " ".join(clean(value).split())
    return f"{tag}  - {text}"


def entry(ref: Reference) -> list[str]:
    kind = "JOUR" if ref.journal and ref.type not in ("label", "regulatory") else _TYPES.get(ref.type, "GEN")
    lines = [_line("TY", kind), _line("ID", ref.id)]
    lines += [_line("AU", a) for a in ref.authors if a.lower() not in ("et al", "et al.")]
    lines.append(_line("TI", ref.title))
    if ref.journal:
        lines.append(_line("JO" if kind == "JOUR" else "T2", ref.journal))
    if ref.publisher:
        lines.append(_line("PB", ref.publisher))
    if ref.year:
        lines.append(_line("PY", ref.year))
    if ref.volume:
        lines.append(_line("VL", ref.volume))
    if ref.issue:
        lines.append(_line("IS", ref.issue))
    if ref.pages:
        first, _, last = ref.pages.partition("-")
        lines.append(_line("SP", first))
        if last:
            lines.append(_line("EP", last))
    if ref.doi:
        lines.append(_line("DO", ref.doi))
    if ref.pmid:
        lines.append(_line("AN", f"PMID:{ref.pmid}"))
    if ref.url:
        lines.append(_line("UR", ref.url))
    lines.append(_line("KW", ref.type))
    if ref.note:
        lines.append(_line("N1", ref.note))
    lines.append("ER  - ")
    return lines


def refs(references: list[Reference], kb: KnowledgeBase, env: Env) -> None:
    provenance = _line(
        "N1", f"From the trd knowledge base {kb.meta.version} (reviewed {kb.meta.reviewed.isoformat()}). {kb.meta.disclaimer}"
    )
    for ref in references:
        lines = entry(ref)
        env.stdout.write("\n".join([*lines[:-1], provenance, lines[-1]]) + "\n\n")
