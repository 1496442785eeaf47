"""Loading a knowledge base: one list of files, their bytes read once, the cache, validation.

`load()` is the fast path every command uses: it lists the files once, reads their bytes once,
and asks the cache for exactly those bytes; only on a miss are the same bytes parsed and
validated, and the result is cached under the key of what was parsed. `load_report()` is what
`trd validate` uses: every problem, not just the first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import domain, kbfiles
from .errors import Issue, KnowledgeBaseError, Location
from .yamlpos import Document, display_path, read_bytes, read_yaml


@dataclass(eq=False, repr=False)
class Loaded:
    """The validated knowledge base and where each part came from."""

    root: Path
    kb: domain.KnowledgeBase
    documents: dict[str, Document] = field(default_factory=dict)
    option_origin: list[tuple[str, int]] = field(default_factory=list)  # per option: (document key, index)
    files: list[kbfiles.KbFile] = field(default_factory=list)

    def issue(self, path: domain.Path, check: str, message: str, severity: str = "error", hint: str = "") -> Issue:
        """An issue at the file:line where a path of the combined knowledge base lives."""
        from .diagnostics import issue_at, locate_problem

        doc, local = locate_problem(self.documents, self.option_origin, path)
        return issue_at(doc, local, message, check, hint, severity)


def _read_all(root: Path, listing: list[kbfiles.KbFile]) -> tuple[dict[str, bytes], list[Issue]]:
    contents: dict[str, bytes] = {}
    issues: list[Issue] = []
    for f in listing:
        try:
            contents[f.key] = read_bytes(
                f.path, too_big_hint="Split it into several files under strategies/, or check that it is the right file."
            )
        except KnowledgeBaseError as exc:
            issues.append(Issue(exc.message, None, hint=exc.hint, check="yaml"))
    return contents, issues


def _cache_parts(root: Path, listing: list[kbfiles.KbFile], contents: dict[str, bytes]) -> list[tuple[str, bytes]]:
    parts = [(f"{f.kind}:{os.path.relpath(f.path, root)}", contents[f.key]) for f in listing]
    # The drug vocabulary's citations are kept with the knowledge base (`trd refs` shows them).
    vocab = kbfiles.vocabulary_root(root)
    for name in (kbfiles.DRUGS_FILE, kbfiles.SCALES_FILE):
        try:
            parts.append((f"vocabulary:{vocab / name}", read_bytes(vocab / name)))
        except KnowledgeBaseError:
            parts.append((f"vocabulary:{vocab / name}", b""))
    return parts


def _vocabulary_cites(root: Path) -> tuple[tuple[str, str], ...]:
    """(reference id, file) for every citation in the drug vocabulary and scales (empty if they are broken:
    `trd validate`'s vocabulary check reports that)."""
    try:
        from .history import vocabulary_citations

        found = vocabulary_citations(root)
    except Exception:  # noqa: BLE001 - the citations only add to `trd refs`'s cited-by column
        return ()
    return tuple(sorted({(rid, where.split(":", 1)[0]) for rid, places in found.items() for where in places}))


def load(path: str | os.PathLike[str] | None = None, origin: str | None = None) -> Loaded:
    """The knowledge base, from the cache when its key matches the bytes on disk, else validated.

    Raises KnowledgeBaseError listing every problem.
    """
    from . import cache

    chosen = path or os.environ.get(kbfiles.ENV_VAR) or None
    origin = origin or kbfiles.origin_of(chosen)
    root = kbfiles.resolve(path, origin)
    listing = kbfiles.files(root)
    contents, read_issues = _read_all(root, listing)
    key = None
    if not read_issues and cache.directory() is not None:
        key = cache.key(_cache_parts(root, listing, contents))
        hit = cache.read(key)
        if hit is not None:
            return Loaded(root, hit, files=listing)
    loaded, issues = _build(root, listing, contents, read_issues)
    if loaded is None:
        errors = [i for i in issues if i.severity == "error"]
        count = len(errors)
        whose = "The bundled knowledge base" if chosen is None else f"The knowledge base {display_path(root)} (from {origin})"
        report = f"trd validate {chosen}" if origin.startswith("--kb") else "trd validate"
        raise KnowledgeBaseError(
            f"{whose} is invalid: {count} problem{'s' if count != 1 else ''}.",
            hint=f"Fix the files at the lines shown, or run `{report}` for the full report.",
            issues=errors,
        )
    if key is not None:
        cache.write(key, loaded.kb)
    return loaded


def load_report(path: str | os.PathLike[str] | None = None, origin: str | None = None) -> tuple[Loaded | None, list[Issue]]:
    """Parse and validate everything, collecting all problems instead of stopping at the first."""
    root = kbfiles.resolve(path, origin)
    listing = kbfiles.files(root)
    contents, read_issues = _read_all(root, listing)
    return _build(root, listing, contents, read_issues)


def _shape_problem(doc: Document, top_key: str) -> Issue | None:
    if doc.data is None:
        return Issue(
            "the file is empty",
            doc.location(()),
            hint=f"a {doc.path.name} file is a mapping with a top-level '{top_key}:' key",
        )
    if not isinstance(doc.data, dict):
        kind = type(doc.data).__name__.replace("list", "a list").replace("str", "a single string")
        return Issue(f"the file is {kind}, not a mapping", doc.location(()), hint=f"start the file with a top-level '{top_key}:' key")
    return None


def _build(
    root: Path, listing: list[kbfiles.KbFile], contents: dict[str, bytes], issues: list[Issue]
) -> tuple[Loaded | None, list[Issue]]:
    from pydantic import ValidationError

    from .diagnostics import pydantic_issues
    from .schema import validate

    issues = list(issues)
    if not any(f.kind == "options" for f in listing):
        folder = root / kbfiles.STRATEGIES_DIR
        issues.append(
            Issue(
                f"no option files: {display_path(folder)} holds no *.yaml or *.yml file",
                Location(display_path(root)),
                hint="options live in strategies/<family>.yaml under a top-level 'options:' list",
            )
        )
    documents: dict[str, Document] = {}
    parsed: dict[str, Any] = {}
    for f in listing:
        if f.key not in contents:
            continue
        spec = kbfiles.KINDS[f.kind]
        try:
            doc = read_yaml(f.path, raw=contents[f.key])
        except KnowledgeBaseError as exc:
            issues.append(Issue(exc.message, None, hint=exc.hint, check="yaml"))
            continue
        documents[f.key] = doc
        for note in doc.notes:
            issues.append(Issue(note, doc.location(()), severity="warning", check="yaml"))
        problem = _shape_problem(doc, spec.top_key)
        if problem:
            issues.append(problem)
            continue
        model = getattr(domain, spec.model)
        try:
            parsed[f.key] = validate(model, doc.data)
        except ValidationError as exc:
            issues.extend(pydantic_issues(exc, doc, model))
    if any(i.severity == "error" for i in issues):
        return None, issues

    origin: list[tuple[str, int]] = []
    options: list[domain.Option] = []
    for f in listing:
        if f.kind == "options":
            for j, opt in enumerate(parsed[f.key].options):
                options.append(opt)
                origin.append((f.key, j))
    kb = domain.KnowledgeBase(
        meta=parsed["meta"],
        schemes=parsed["evidence"].schemes,
        references=parsed["references"].references,
        classes=parsed["classes"].classes if "classes" in parsed else (),
        options=tuple(options),
        vocabulary_cites=_vocabulary_cites(root),
    )
    loaded = Loaded(root, kb, documents, origin, listing)
    for found in kb.check():
        issues.append(loaded.issue(found.path, "cross-reference", found.message, hint=found.hint))
    return (None if any(i.severity == "error" for i in issues) else loaded), issues
