"""Named checks over a knowledge base, in the manner of `papis doctor`.

Each check has a name, a severity and a message per problem, located at file:line. Errors fail
`trd validate` (exit 1); warnings are reported and do not fail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .domain import CanmatRating, KnowledgeBase, Path
from .errors import Issue
from .load import Loaded

STALE_AFTER_DAYS = 730

CHECKS: dict[str, str] = {
    "yaml": "every file parses as safe YAML, without duplicate keys",
    "schema": "every field is known, present when required and valid in its scheme",
    "cross-reference": "ids and names are unique and every cited reference exists",
    "grading-source": "every option cites at least one guideline or systematic review",
    "canmat-level": "a CANMAT rating without a level says why in its note",
    "figure-context": "every figure names its population, comparator and reference",
    "identifiers": "every reference has a DOI or a PMID (or says why not)",
    "review-date": "no review date is in the future or more than two years old",
    "coverage": "every name on the curated coverage list resolves to an option",
    "doses": "every medication option has a sourced dose",
    "vocabulary": "the drug vocabulary and scales of treatment histories parse and cite existing references and options",
    "duplicate-text": "no text of 120 characters or more is repeated across options (write it once, on a drug class)",
}
DUPLICATE_MIN_CHARS = 120
# Families whose options are medications (a strategy such as dose optimisation or switching within a
# class names no single drug; those options say so with `doses` left empty and are listed here).
MEDICATION_FAMILIES = ("switching", "augmentation", "combination", "rapid-acting")
NOT_A_MEDICATION = ("switch-within-class", "dose-optimisation", "cannabis", "other-psychedelic-assisted-psychotherapy")


@dataclass
class Report:
    root: str
    issues: list[Issue] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]


def run(path: str | None, today: dt.date | None = None, origin: str | None = None) -> Report:
    from .kbfiles import resolve
    from .load import load_report
    from .yamlpos import display_path

    root = resolve(path, origin)
    loaded, issues = load_report(root, origin)
    report = Report(root=display_path(root), issues=list(issues))
    if loaded is None:
        return report
    today = today or dt.date.today()
    checks = (_grading_source, _canmat_level, _figure_context, _identifiers, _review_dates, _coverage, _doses, _duplicates)
    for check in checks:
        report.issues.extend(check(loaded, today))
    from .history import vocabulary_issues

    kb = loaded.kb
    report.issues.extend(vocabulary_issues(root, {r.id for r in kb.references}, {o.id for o in kb.options}))
    report.counts = _summary(loaded.kb)
    return report


def _issue(loaded: Loaded, path: Path, check: str, message: str, severity: str = "error", hint: str = "") -> Issue:
    return loaded.issue(path, check, message, severity, hint)


def _grading_source(loaded: Loaded, today: dt.date) -> list[Issue]:
    from .domain import GRADING_TYPES

    kb = loaded.kb
    out = []
    for i, opt in enumerate(kb.options):
        if not any(kb.reference(r).type in GRADING_TYPES for r in opt.cited_ids()):
            out.append(
                _issue(
                    loaded,
                    ("options", i, "id"),
                    "grading-source",
                    f"option '{opt.id}' cites no guideline, systematic review or meta-analysis",
                    hint="ratings and placement must come from a guideline or a systematic review",
                )
            )
    return out


def _canmat_level(loaded: Loaded, today: dt.date) -> list[Issue]:
    out = []
    for i, opt in enumerate(loaded.kb.options):
        for j, rec in enumerate(opt.recommendations):
            if isinstance(rec, CanmatRating) and rec.level is None and rec.line in ("first", "second", "third") and not rec.note:
                out.append(
                    _issue(
                        loaded,
                        ("options", i, "recommendations", j, "level"),
                        "canmat-level",
                        f"{rec.scheme} rating of '{opt.id}' has a line but no level, and no note saying why",
                        severity="warning",
                        hint="say where the line is stated and that the text gives no level",
                    )
                )
    return out


_PLACEHOLDERS = {"", "n/a", "na", "-", "?", "tbd", "unknown", "none"}


def _figure_context(loaded: Loaded, today: dt.date) -> list[Issue]:
    out = []
    for i, opt in enumerate(loaded.kb.options):
        for j, fig in enumerate(opt.figures):
            for name in ("population", "comparator"):
                if getattr(fig, name).strip().lower() in _PLACEHOLDERS:
                    out.append(
                        _issue(
                            loaded,
                            ("options", i, "figures", j, name),
                            "figure-context",
                            f"figure '{fig.outcome}' of '{opt.id}' has no real {name}",
                            hint="a figure without its context is not shown; state it as the source does",
                        )
                    )
    return out


def _identifiers(loaded: Loaded, today: dt.date) -> list[Issue]:
    out = []
    for i, ref in enumerate(loaded.kb.references):
        if not ref.doi and not ref.pmid:
            out.append(
                _issue(
                    loaded,
                    ("references", i, "id"),
                    "identifiers",
                    f"reference '{ref.id}' has neither DOI nor PMID",
                    severity="warning",
                    hint="add them only if seen printed in a stored copy; the provenance field says why not",
                )
            )
    return out


def _review_dates(loaded: Loaded, today: dt.date) -> list[Issue]:
    kb = loaded.kb
    out = []
    dated: list[tuple[Path, str, dt.date]] = [(("meta", "reviewed"), "the knowledge base", kb.meta.reviewed)]
    dated += [(("options", i, "last_reviewed"), f"option '{o.id}'", o.last_reviewed) for i, o in enumerate(kb.options)]
    for path, what, date in dated:
        if date > today:
            out.append(_issue(loaded, path, "review-date", f"{what} has a review date in the future ({date})"))
        elif (today - date).days > STALE_AFTER_DAYS:
            out.append(
                _issue(
                    loaded,
                    path,
                    "review-date",
                    f"{what} was last reviewed on {date}, more than two years ago",
                    severity="warning",
                    hint="check it against its sources and update last_reviewed",
                )
            )
    return out


def _coverage(loaded: Loaded, today: dt.date) -> list[Issue]:
    from .errors import UsageError
    from .query import resolve

    out = []
    for i, name in enumerate(loaded.kb.meta.coverage):
        try:
            resolve(loaded.kb, name)
        except UsageError as exc:
            out.append(
                _issue(
                    loaded,
                    ("meta", "coverage", i),
                    "coverage",
                    f"coverage-list name '{name}' does not resolve to one option: {exc.message}",
                    hint="add the option, or an alias for it",
                )
            )
    return out


def _doses(loaded: Loaded, today: dt.date) -> list[Issue]:
    out = []
    for i, opt in enumerate(loaded.kb.options):
        if opt.family in MEDICATION_FAMILIES and opt.id not in NOT_A_MEDICATION and not opt.doses:
            out.append(
                _issue(
                    loaded,
                    ("options", i, "id"),
                    "doses",
                    f"medication option '{opt.id}' has no sourced dose",
                    hint="add `doses:` from the CANMAT tables, a stored product label or the pivotal trials, saying which",
                )
            )
    return out


def _duplicates(loaded: Loaded, today: dt.date) -> list[Issue]:
    from .query import strings_of

    seen: dict[str, tuple[str, int, str]] = {}
    out = []
    for i, opt in enumerate(loaded.kb.options):
        for path, text in strings_of(opt):
            if len(text) < DUPLICATE_MIN_CHARS:
                continue
            key = " ".join(text.split())
            first = seen.setdefault(key, (opt.id, i, path))
            if first[0] != opt.id:
                out.append(
                    _issue(
                        loaded,
                        ("options", i, "id"),
                        "duplicate-text",
                        f"option '{opt.id}' repeats the text of '{first[0]}' ({first[2]}) in {path}",
                        hint="write facts shared by a class once, on a drug class in classes.yaml, and name it in `classes:`",
                    )
                )
    return out


def _summary(kb: KnowledgeBase) -> dict[str, Any]:
    from .domain import RATING_TYPES
    from .vocab import FAMILIES

    SCHEME_TITLES = RATING_TYPES
    by_family = {f: sum(1 for o in kb.options if o.family == f) for f in FAMILIES}
    by_scheme: dict[str, int] = {}
    for scheme in SCHEME_TITLES:
        n = sum(1 for o in kb.options if o.ratings(scheme))
        if n:
            by_scheme[scheme] = n
    with_ids = sum(1 for r in kb.references if r.doi or r.pmid)
    return {
        "options": len(kb.options),
        "references": len(kb.references),
        "references_with_identifier": with_ids,
        "figures": sum(len(o.figures) for o in kb.options),
        "by_family": by_family,
        "rated_by": by_scheme,
        "canmat_2023_without_level": sorted(
            o.id
            for o in kb.options
            for r in o.ratings("canmat-2023")
            if isinstance(r, CanmatRating) and r.level is None and r.line in ("first", "second", "third")
        ),
    }

