"""Vancouver (ICMJE) citations, numbered, one per line: for a manuscript or a letter."""

from __future__ import annotations


from ..domain import KnowledgeBase, Reference
from ..env import Env
from ..views import citation_text
from .common import clean



def citation(ref: Reference) -> str:
    out = clean(citation_text(ref))
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
    env.stdout.write(f"\nFrom the trd knowledge base {kb.meta.version}, reviewed {kb.meta.reviewed.isoformat()}. {clean(kb.meta.disclaimer)}\n")
