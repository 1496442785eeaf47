"""JSON output: a stable envelope with a schema version, written with json.dumps, never via Rich.

The contract (README, "JSON output") is what other tools read; change it only with a new
schema_version.
"""

from __future__ import annotations

import json
from typing import Any

from .. import views
from ..domain import SCHEMA_VERSION, KnowledgeBase, Option, Reference, to_plain
from ..env import Env
from ..query import OptionsResult, group_of


def reference_dict(ref: Reference, cited_by: list[str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = to_plain(ref)
    out["citation"] = views.citation_text(ref)
    if cited_by is not None:
        out["cited_by"] = cited_by
    return out


def option_dict(kb: KnowledgeBase, opt: Option, refs: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """One option as JSON: every field of the type, in order, with derived parts beside them."""
    refs = {} if refs is None else refs

    def reference_json(rid: str) -> dict[str, Any]:
        out = refs.get(rid)
        if out is None:
            out = refs[rid] = reference_dict(kb.reference(rid))
        return out

    plain: dict[str, Any] = to_plain(opt)
    cited = opt.cited_ids()
    out: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    for name, value in plain.items():
        if name == "recommendations":
            out[name] = [
                {**to_plain(r), "stance": r.derived_stance(), "label": views.rating_label(kb, r)} for r in opt.recommendations
            ]
            out["guidelines_disagree"] = opt.guidelines_disagree()
            out["group"] = group_of(opt)
        elif name == "sources":
            out[name] = cited
            out["references"] = [reference_json(rid) for rid in cited]
        else:
            out[name] = value
    out["class_facts"] = [to_plain(c) for c in (kb.drug_class(cid) for cid in opt.classes) if c is not None]
    return out


def _indent(env: Env) -> int | None:
    """Indented for a person at a terminal; compact (and much faster to write) for a program."""
    return 2 if env.is_terminal else None


def dump(obj: Any, env: Env) -> None:
    env.stdout.write(json.dumps(obj, ensure_ascii=env.ascii_json, indent=_indent(env)) + "\n")


def dump_streaming(envelope: dict[str, Any], key: str, items: Any, env: Env) -> None:
    """Write `envelope` with `key` holding the items, one item at a time (bounded memory)."""
    indent = _indent(env)
    head = dict(envelope)
    head[key] = "\x00items\x00"
    text = json.dumps(head, ensure_ascii=env.ascii_json, indent=indent)
    before, _, after = text.partition(json.dumps("\x00items\x00"))
    out = env.stdout
    out.write(before + "[")
    for i, item in enumerate(items):
        if i:
            out.write(",")
        out.write(json.dumps(item, ensure_ascii=env.ascii_json, indent=indent))
    out.write("]" + after + "\n")


def options(result: OptionsResult, kb: KnowledgeBase, env: Env) -> None:
    envelope = {
        "schema_version": SCHEMA_VERSION,
        "kb_version": kb.meta.version,
        "kb_reviewed": kb.meta.reviewed.isoformat(),
        "query": result.query.as_dict(),
        "notes": [n.text for n in views.options_notes(result, views.Citations(kb))],
        "relax": [f"{flag}: {why}" for flag, why in result.relax],
        "ranking": views.ORDER_RULE,
        "options": [],
        "context_notes": [to_plain(n) for n in result.context_notes],
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
    if env.resolved_from:
        out["resolved_from"] = env.resolved_from
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
            "did_you_mean": list(env.near),
            "disclaimer": kb.meta.disclaimer,
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
