"""JSON output: a stable envelope with a schema version, written with json.dumps, never via Rich.

The contract (README, "JSON output") is what other tools read; change it only with a new
schema_version.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..logic import RANKING_EXPLANATION, SCHEMA_VERSION
from .common import Env

if TYPE_CHECKING:
    from ..models import KnowledgeBase, Option, Reference
    from ..query import OptionsResult


def _plain(obj: Any) -> dict[str, Any]:
    """A record (or a pydantic model) as JSON-ready data."""
    if hasattr(obj, "to_json"):
        return obj.to_json()  # type: ignore[no-any-return]
    return obj.model_dump(mode="json")  # type: ignore[no-any-return]


def reference_dict(ref: Reference, cited_by: list[str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": ref.id,
        "type": ref.type,
        "authors": list(ref.authors),
        "title": ref.title,
        "journal": ref.journal,
        "publisher": ref.publisher,
        "year": ref.year,
        "volume": ref.volume,
        "issue": ref.issue,
        "pages": ref.pages,
        "doi": ref.doi,
        "pmid": ref.pmid,
        "pmcid": ref.pmcid,
        "url": ref.url,
        "provenance": ref.provenance,
        "note": ref.note,
        "citation": ref.vancouver(),
    }
    if cited_by is not None:
        out["cited_by"] = cited_by
    return out


def option_dict(kb: KnowledgeBase, opt: Option, refs: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """One option as JSON; `refs` lets a caller build each reference record once for many options."""
    refs = {} if refs is None else refs

    def reference_json(rid: str) -> dict[str, Any]:
        out = refs.get(rid)
        if out is None:
            out = refs[rid] = reference_dict(kb.reference(rid))
        return out

    def items(name: str) -> list[dict[str, Any]]:
        return [_plain(m) for m in getattr(opt, name)]

    recs = []
    for r in opt.recommendations:
        d = _plain(r)
        d["stance"] = r.derived_stance
        d["label"] = r.label()
        recs.append(d)
    cited = opt.cited_ids()
    return {
        "schema_version": SCHEMA_VERSION,
        "id": opt.id,
        "name": opt.name,
        "aliases": list(opt.aliases),
        "family": opt.family,
        "min_prior_trials": opt.min_prior_trials,
        "summary": opt.summary,
        "when_to_consider": items("when_to_consider"),
        "recommendations": recs,
        "guidelines_disagree": opt.guidelines_disagree(),
        "figures": items("figures"),
        "onset": _plain(opt.onset) if opt.onset else None,
        "cautions": items("cautions"),
        "contraindications": items("contraindications"),
        "adverse_effects": items("adverse_effects"),
        "monitoring": items("monitoring"),
        "practical": items("practical"),
        "regulatory": items("regulatory"),
        "contexts": items("contexts"),
        "sources": cited,
        "references": [reference_json(rid) for rid in cited],
        "last_reviewed": opt.last_reviewed.isoformat(),
    }


def _indent(env: Env) -> int | None:
    """Indented for a person at a terminal; compact (and much faster to write) for a program."""
    return 2 if env.is_terminal else None


def dump(obj: Any, env: Env) -> None:
    env.stdout.write(json.dumps(obj, ensure_ascii=False, indent=_indent(env)) + "\n")


def dump_streaming(envelope: dict[str, Any], key: str, items: Any, env: Env) -> None:
    """Write `envelope` with `key` holding the items, one item at a time (bounded memory)."""
    indent = _indent(env)
    head = dict(envelope)
    head[key] = "\x00items\x00"
    text = json.dumps(head, ensure_ascii=False, indent=indent)
    before, _, after = text.partition(json.dumps("\x00items\x00"))
    out = env.stdout
    out.write(before + "[")
    for i, item in enumerate(items):
        if i:
            out.write(",")
        out.write(json.dumps(item, ensure_ascii=False, indent=indent))
    out.write("]" + after + "\n")


def options(result: OptionsResult, kb: KnowledgeBase, env: Env) -> None:
    envelope = {
        "schema_version": SCHEMA_VERSION,
        "kb_version": kb.meta.version,
        "kb_reviewed": kb.meta.reviewed.isoformat(),
        "query": result.query.as_dict(),
        "notes": result.notes,
        "relax": result.relax,
        "ranking": RANKING_EXPLANATION,
        "options": [],
        "context_notes": [_plain(n) for n in result.context_notes],
        "hidden": result.hidden,
        "disclaimer": kb.meta.disclaimer,
    }
    built: dict[str, dict[str, Any]] = {}
    items = (
        option_dict(kb, o, built)
        | {"flags": [{"kind": f.kind, "about": f.about, "text": f.text, "source": f.source} for f in result.flags_for(o)]}
        for o in result.options
    )
    dump_streaming(envelope, "options", items, env)


def show(opt: Option, kb: KnowledgeBase, env: Env) -> None:
    out = option_dict(kb, opt)
    out["kb_version"] = kb.meta.version
    out["disclaimer"] = kb.meta.disclaimer
    dump(out, env)


def refs(references: list[Reference], kb: KnowledgeBase, env: Env) -> None:
    cited_by = kb.cited_by()
    dump(
        {
            "schema_version": SCHEMA_VERSION,
            "kb_version": kb.meta.version,
            "references": [reference_dict(r, cited_by.get(r.id, [])) for r in references],
            "disclaimer": kb.meta.disclaimer,
        },
        env,
    )


def validate(report: Any, env: Env) -> None:
    from ..checks import CHECKS

    def issue(i: Any) -> dict[str, Any]:
        loc = i.location
        return {
            "check": i.check,
            "severity": i.severity,
            "file": loc.file if loc else None,
            "line": loc.line if loc else None,
            "column": loc.column if loc else None,
            "field": i.field or None,
            "message": i.message,
            "hint": i.hint or None,
        }

    dump(
        {
            "schema_version": SCHEMA_VERSION,
            "knowledge_base": report.root,
            "ok": not report.errors,
            "checks": CHECKS,
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "issues": [issue(i) for i in report.issues],
            "summary": report.counts,
        },
        env,
    )


def compare(opts: list[Option], kb: KnowledgeBase, env: Env) -> None:
    dump(
        {
            "schema_version": SCHEMA_VERSION,
            "kb_version": kb.meta.version,
            "options": [option_dict(kb, o) for o in opts],
            "disclaimer": kb.meta.disclaimer,
        },
        env,
    )


def search(hits: list[Any], kb: KnowledgeBase, env: Env) -> None:
    dump(
        {
            "schema_version": SCHEMA_VERSION,
            "kb_version": kb.meta.version,
            "query": env.search_text,
            "matches": [{"kind": h.kind, "id": h.id, "field": h.field, "text": h.text} for h in hits],
        },
        env,
    )


def stage(result: Any, kb: KnowledgeBase, env: Env) -> None:
    models = {sm.id: sm for sm in kb.meta.staging_models}
    sources: list[str] = []
    for mid in result.model_ids():
        for rid in models[mid].sources if mid in models else []:
            if rid not in sources:
                sources.append(rid)
    dump(
        {
            "schema_version": SCHEMA_VERSION,
            "history": result.history_file,
            "models": {mid.replace("-", "_"): res for mid, res in result.results.items()},
            "rules": {
                mid.replace("-", "_"): {"rules": models[mid].rules, "undefined": models[mid].undefined, "sources": models[mid].sources}
                for mid in result.model_ids()
                if mid in models
            },
            "sources": [reference_dict(kb.reference(r)) for r in sources],
            "disclaimer": kb.meta.disclaimer,
        },
        env,
    )
