"""Vancouver (ICMJE) citations, numbered, one per line: for a manuscript or a letter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .common import Env, clean

if TYPE_CHECKING:
    from ..models import KnowledgeBase, Reference


def citation(ref: Reference) -> str:
    out = clean(ref.vancouver())
    if ref.doi:
        out += f" doi:{ref.doi}"
    if ref.pmid:
        out += f" PMID: {ref.pmid}."
    elif not ref.doi and ref.url:
        out += f" Available from: {ref.url}"
    return out


def refs(references: list[Reference], kb: KnowledgeBase, env: Env) -> None:
    for i, ref in enumerate(references, 1):
        env.stdout.write(f"{i}. {citation(ref)}\n")
