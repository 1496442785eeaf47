"""Plain text: the report of `trd validate`, one line per problem at file:line."""

from __future__ import annotations

from typing import Any

from ..env import Env
from ..views import SCHEME_TITLES


def validate(report: Any, env: Env) -> None:
    """Plain text report: one line per problem at file:line, then the coverage summary."""
    from ..checks import CHECKS

    out = [f"Validating {report.root}"]
    for name, what in CHECKS.items():
        found = [i for i in report.issues if i.check == name]
        errors = sum(1 for i in found if i.severity == "error")
        warnings = len(found) - errors
        status = "ok" if not found else f"{errors} error(s), {warnings} warning(s)"
        out.append(f"  {name:<16} {status:<24} {what}")
    if report.issues:
        out.append("")
    for i in report.issues:
        out.append(f"{i.severity}: [{i.check}] {i.render()}")
    c = report.counts
    if c:
        out += [
            "",
            f"{c['options']} options, {c['references']} references "
            f"({c['references_with_identifier']} with a DOI or PMID), {c['figures']} key figures.",
            "By family: " + ", ".join(f"{k} {v}" for k, v in c["by_family"].items()),
            "Rated by: " + ", ".join(f"{SCHEME_TITLES.get(k, k)} {v}" for k, v in c["rated_by"].items()),
        ]
        if c["canmat_2023_without_level"]:
            out.append("CANMAT 2023 line without a stated level: " + ", ".join(c["canmat_2023_without_level"]))
    verdict = "FAILED" if report.errors else "OK"
    out += ["", f"{verdict}: {len(report.errors)} error(s), {len(report.warnings)} warning(s)."]
    env.stdout.write("\n".join(out) + "\n")
