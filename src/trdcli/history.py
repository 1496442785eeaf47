"""Treatment-history files (`--history FILE`): their schema, and reading one with file:line errors."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from .diagnostics import pydantic_issues
from .errors import HistoryError, Issue, KnowledgeBaseError
from .vocab import CONTEXTS
from .yamlpos import MAX_FILE_BYTES, Document, display_path, read_bytes, read_yaml

DrugClass = Literal["ssri", "snri", "tca", "maoi", "other"]
Severity = Literal["subsyndromal", "mild", "moderate", "severe-without-psychosis", "severe-with-psychosis"]
Context = Literal[CONTEXTS]  # type: ignore[valid-type]  # a tuple of strings as a Literal
HISTORY_LIMIT = 1024 * 1024


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Episode(Model):
    duration_months: float = Field(ge=0, le=1200)
    severity: Severity


class Trial(Model):
    """One antidepressant trial of the current episode, oldest first."""

    drug: Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=r"^[^\x00-\x1f\x7f-\x9f]*$")]
    drug_class: DrugClass | None = Field(default=None, alias="class")
    weeks: float = Field(ge=0, le=520)
    adequate_dose: bool
    adherent: bool = True
    improvement_pct: float = Field(ge=-100, le=100, description="Symptom reduction from baseline, %.")
    dose_optimised: bool = False
    augmented: bool = False

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class EctCourse(Model):
    laterality: Literal["bilateral", "right-unilateral", "unilateral", "other"]
    responded: bool


class History(Model):
    """A treatment-history file (`--history FILE`)."""

    episode: Episode
    trials: list[Trial] = Field(default_factory=list)
    ect: list[EctCourse] = Field(default_factory=list)
    contexts: list[Context] = Field(default_factory=list)


HISTORY_HINT = (
    "A history file looks like: episode: {duration_months: 18, severity: moderate} and "
    "trials: [{drug: sertraline, weeks: 8, adequate_dose: true, adherent: true, improvement_pct: 10}] "
    "(see the README, 'Treatment histories')."
)


def load_history(path: str | os.PathLike[str]) -> History:
    """A treatment-history file (or '-' for standard input), validated; HistoryError (exit 1) otherwise."""
    from .staging import drug_class

    shown = "<stdin>" if str(path) == "-" else display_path(Path(path).expanduser())
    p = Path("<stdin>") if str(path) == "-" else Path(path).expanduser()
    try:
        if str(path) == "-":
            raw = sys.stdin.buffer.read(HISTORY_LIMIT + 1)
            if len(raw) > HISTORY_LIMIT:
                raise KnowledgeBaseError(f"{shown}: the history file is over the 1 MiB limit.", hint="Check that it is the right file.")
        else:
            raw = read_bytes(p, "history file", limit=min(MAX_FILE_BYTES, HISTORY_LIMIT), too_big_hint="Check that it is the right file.")
        doc: Document = read_yaml(p, kind="history file", raw=raw)
    except KnowledgeBaseError as exc:
        raise HistoryError(exc.message, hint=exc.hint or HISTORY_HINT) from None
    if doc.data is None or not isinstance(doc.data, dict):
        what = "empty" if doc.data is None else f"a {type(doc.data).__name__}, not a mapping"
        raise HistoryError(f"{shown}:1: the history file is {what}.", hint=HISTORY_HINT)
    try:
        history = History.model_validate(doc.data)
    except ValidationError as exc:
        issues = pydantic_issues(exc, doc, History)
        raise HistoryError(
            f"The history file {shown} is invalid: {len(issues)} problem{'s' if len(issues) != 1 else ''}.",
            hint=HISTORY_HINT,
            issues=issues,
        ) from None
    unknown = [(i, t) for i, t in enumerate(history.trials) if drug_class(t) is None]
    if unknown:
        issues = [
            Issue(
                f"the class of '{t.drug}' cannot be inferred",
                doc.location(("trials", i, "drug")),
                field=f"trials[{i}].drug",
                hint="add `class:` (ssri, snri, tca, maoi or other)",
            )
            for i, t in unknown
        ]
        raise HistoryError(f"The history file {shown} is incomplete.", hint=HISTORY_HINT, issues=issues)
    return history
