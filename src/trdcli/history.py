"""Treatment histories as clinicians keep them: the history file, the drug vocabulary, the scales.

A history file (`--history FILE`, or `-` for standard input) is read in two passes:

1. safe YAML with positions (`kb.read_yaml`) and the pydantic models below, whose errors are
   turned into file:line issues by the knowledge base's own translation (`kb._pydantic_issues`);
2. resolution against the knowledge base's drug vocabulary (`drugs.yaml`) and rating scales
   (`scales.yaml`): every drug name (generic, brand, with a formulation suffix or a dose) becomes
   a vocabulary drug, a `class:` that contradicts the vocabulary is an error naming both, a
   non-antidepressant entered as a trial's drug is an error that says how to record it, and each
   trial's outcome (a percentage, scale scores, the clinician's judgement, or nothing) is read
   into one `Outcome`.

The result, `Patient`, is what the staging models (`staging.py`) and `trd options --history`
read. `tried_options` says which options of the knowledge base a history has already tried.
Nothing here prints or knows about terminals.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from .errors import HistoryError, Issue, KnowledgeBaseError, Location
from .kbfiles import DRUGS_FILE, SCALES_FILE, vocabulary_root
from .patient import (
    HISTORY_LIMIT,
    MIN_WEEKS,
    Kind,
    Outcome,
    Patient,
    PatientEct,
    PatientTrial,
    Tried,
    tried_options,
)

__all__ = ["MIN_WEEKS", "Kind", "Outcome", "Patient", "PatientEct", "PatientTrial", "Tried", "tried_options", "vocabulary_root"]
from .domain import Short, Slug, Text
from .vocab import Context
from .names import did_you_mean

if TYPE_CHECKING:
    from .yamlpos import Document


class Model(BaseModel):
    """The schema of a history file (pydantic: a history is validated on every run)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

STDIN_NAME = "<stdin>"

_PRINTABLE_LINE = r"^[^\x00-\x1f\x7f-\x9f]*$"
Name = Annotated[str, StringConstraints(min_length=1, max_length=80, strip_whitespace=True, pattern=_PRINTABLE_LINE)]

DrugClassId = Literal[
    "ssri",
    "snri",
    "tca",
    "maoi",
    "other-antidepressant",
    "antipsychotic",
    "lithium",
    "thyroid-hormone",
    "stimulant",
    "wakefulness-promoting",
    "dopamine-agonist",
    "anticonvulsant",
    "anxiolytic",
    "ketamine",
    "esketamine",
    "psychedelic",
]
# The classes a trial's `class:` may name: the vocabulary's, and `other`, the spelling of
# `other-antidepressant` that histories written before the vocabulary used.
TrialClass = Literal[DrugClassId, Literal["other"]]
CLASS_SPELLINGS = {"other": "other-antidepressant"}
ANTIDEPRESSANT_CLASSES = ("ssri", "snri", "tca", "maoi", "other-antidepressant")
Severity = Literal["subsyndromal", "mild", "moderate", "severe-without-psychosis", "severe-with-psychosis"]
Laterality = Literal["bilateral", "bifrontal", "right-unilateral", "unilateral", "other"]
Judgement = Literal["response", "partial", "none"]


# =========================================================================== the vocabulary files


class DrugClassEntry(Model):
    """drugs.yaml: a class and what holds for all its members."""

    id: DrugClassId
    name: Short
    antidepressant: bool
    as_trial: list[Slug] = Field(default_factory=list, description="Options that give a drug of this class as a trial's drug.")
    as_add_on: list[Slug] = Field(default_factory=list, description="Options that add a drug of this class to a trial.")


class DrugEntry(Model):
    """drugs.yaml: one drug by its generic name, its brands and class, and the options that give it."""

    name: Name = Field(description="Generic name, lower case.")
    aliases: list[Name] = Field(default_factory=list, description="Other generic spellings (not brands).")
    brands: list[Name] = Field(default_factory=list, description="Brand names printed in `brand_source`.")
    brand_source: Slug | None = None
    drug_class: DrugClassId = Field(alias="class")
    source: Slug | None = Field(default=None, description="Reference for a classification that is not self-evident.")
    note: Text | None = None
    reversible: bool = Field(default=False, description="An MAOI that inhibits monoamine oxidase reversibly (a RIMA).")
    monotherapy_source: Slug | None = Field(
        default=None,
        description="For a drug that is not an antidepressant: the reference that says it is used as an "
        "antidepressant monotherapy, which lets it be a trial's drug.",
    )
    as_trial: list[Slug] = Field(default_factory=list)
    as_add_on: list[Slug] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, populate_by_name=True)

    @model_validator(mode="after")
    def _brands_have_a_source(self) -> DrugEntry:
        if self.brands and self.brand_source is None:
            raise ValueError(f"'{self.name}' lists brands without a brand_source (the reference that prints them)")
        return self


class DrugsFile(Model):
    """drugs.yaml: the drug vocabulary of treatment histories."""

    ect_options: list[Slug] = Field(default_factory=list, description="Options that a course of ECT has tried.")
    classes: list[DrugClassEntry] = Field(min_length=1)
    drugs: list[DrugEntry] = Field(min_length=1)


class ResponseRule(Model):
    min_reduction_pct: float = Field(strict=True, gt=0, le=100)
    text: Text
    source: Slug


class ScaleEntry(Model):
    """scales.yaml: one rating scale, its range and its remission threshold, each with its source."""

    id: Slug
    name: Short
    aliases: list[Name] = Field(default_factory=list)
    max: int = Field(strict=True, gt=0, le=500)
    max_source: Slug
    remission_max: float = Field(strict=True, ge=0)
    remission_text: Short
    remission_source: Slug
    note: Text | None = None
    other_sources: list[Slug] = Field(default_factory=list, description="References of the other cut-offs the note names.")


class ScalesFile(Model):
    """scales.yaml: the rating scales a trial's outcome may be recorded on."""

    response: ResponseRule
    scales: list[ScaleEntry] = Field(min_length=1)


# =========================================================================== the history file


class Episode(Model):
    duration_months: float = Field(strict=True, ge=0, le=1200)
    severity: Severity


class Score(Model):
    """A trial's outcome as scale scores at its start and at its end."""

    scale: Name = Field(description="phq-9, madrs, hamd-17, qids-sr-16 or bdi-ii (see data/scales.yaml).")
    baseline: float = Field(strict=True, ge=0, le=500, description="Score before the trial.")
    end: float = Field(strict=True, ge=0, le=500, description="Score at the end of the trial.")


class Trial(Model):
    """One antidepressant trial of the current episode, oldest first."""

    drug: Name = Field(description="Generic or brand name; a formulation (XR, SR, ...) or a dose is allowed.")
    drug_class: TrialClass | None = Field(
        default=None, alias="class", description="Only needed for a drug the vocabulary does not know; must agree with it."
    )
    weeks: float = Field(strict=True, ge=0, le=520)
    adequate_dose: bool
    adherent: bool = True
    improvement_pct: float | None = Field(strict=True, default=None, ge=-100, le=100, description="Symptom reduction from baseline, %.")
    score: Score | None = Field(default=None, description="Scale scores at baseline and end; the improvement is computed.")
    outcome: Judgement | None = Field(
        default=None, description="The clinician's judgement: response (50% or more), partial or none."
    )
    dose_optimised: bool = False
    augmented: bool = False
    augmented_with: list[Name] = Field(
        default_factory=list, description="Drugs added to this trial (vocabulary names), for example [lithium]."
    )

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @model_validator(mode="after")
    def _one_outcome(self) -> Trial:
        given = [n for n in ("improvement_pct", "score", "outcome") if getattr(self, n) is not None]
        if len(given) > 1:
            raise ValueError(f"give one outcome per trial, not {' and '.join(given)}")
        return self


class EctCourse(Model):
    """A course of ECT in the current episode."""

    laterality: Laterality
    responded: bool | None = Field(default=None, description="Leave out when the response is not known.")
    sessions: int | None = Field(strict=True, default=None, ge=1, le=200)
    after_trial: int | None = Field(strict=True, 
        default=None, ge=0, le=100, description="Given after trial N (0: before any trial); default: after the last trial."
    )


class History(Model):
    """A treatment-history file (`--history FILE`)."""

    episode: Episode
    trials: list[Trial] = Field(default_factory=list)
    ect: list[EctCourse] = Field(default_factory=list)
    contexts: list[Context] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ect_in_time(self) -> History:
        for i, course in enumerate(self.ect, 1):
            if course.after_trial is not None and course.after_trial > len(self.trials):
                raise ValueError(
                    f"ECT course {i} is after_trial {course.after_trial}, but the history has "
                    f"{len(self.trials)} trial{'s' if len(self.trials) != 1 else ''}"
                )
        return self


FILE_MODELS: dict[str, type[BaseModel]] = {"history": History, "drugs": DrugsFile, "scales": ScalesFile}


# =========================================================================== the vocabulary


_DOSE = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:mg|mcg|µg|ug|g|ml|mmol|mg/kg|mg/d|mg/day|mg/24\s*h)?(?:/\s*(?:d|day|24\s*h))?\b", re.I)
_SUFFIXES = frozenset({"xr", "sr", "er", "cr", "xl", "la", "ir", "odt"})


def normalise_name(text: str) -> str:
    """A drug name as typed, reduced to the form the vocabulary is looked up by.

    Lower case; a dose with its unit ("100 mg", "6 mg/24 h") and formulation suffixes (XR, SR, ER,
    CR, XL, LA) removed; punctuation around words dropped. "Effexor XR 150 mg" -> "effexor".
    """
    low = text.casefold().replace("®", " ").replace("™", " ")
    low = _DOSE.sub(" ", low)
    words = [w.strip(".,;:()[]") for w in re.split(r"\s+", low)]
    kept = [w for w in words if w and w not in _SUFFIXES]
    return " ".join(kept)


@dataclass(frozen=True)
class Drug:
    """One vocabulary drug with its class facts resolved."""

    name: str
    drug_class: str
    class_name: str
    antidepressant: bool
    reversible: bool
    monotherapy_source: str | None
    as_trial: tuple[str, ...]
    as_add_on: tuple[str, ...]
    source: str | None
    note: str | None


@dataclass(frozen=True)
class Scale:
    id: str
    name: str
    max: int
    remission_max: float
    remission_text: str
    remission_source: str
    note: str | None


@dataclass(frozen=True)
class Vocabulary:
    """The drug vocabulary and the rating scales, indexed for lookup."""

    drugs: dict[str, Drug]  # generic name -> drug
    names: dict[str, str]  # every normalised name (generic, alias, brand) -> generic name
    scales: dict[str, Scale]
    scale_names: dict[str, str]  # id and aliases -> id
    response_pct: float
    response_source: str
    ect_options: tuple[str, ...]
    classes: dict[str, str]  # class id -> name

    def drug(self, typed: str) -> Drug | None:
        key = normalise_name(typed)
        generic = self.names.get(key) or self.names.get(key.replace(" ", "-"))
        return self.drugs[generic] if generic else None

    def suggest(self, typed: str) -> list[str]:
        key = normalise_name(typed)
        close = difflib.get_close_matches(key, list(self.names), n=4, cutoff=0.6)
        return list(dict.fromkeys(self.names[c] for c in close))

    def scale(self, typed: str) -> Scale | None:
        key = typed.strip().casefold().replace(" ", "").replace("_", "-")
        sid = self.scale_names.get(key)
        return self.scales[sid] if sid else None


def build_vocabulary(drugs: DrugsFile, scales: ScalesFile) -> Vocabulary:
    classes = {c.id: c for c in drugs.classes}
    table: dict[str, Drug] = {}
    names: dict[str, str] = {}
    for d in drugs.drugs:
        cls = classes.get(d.drug_class)
        if cls is None:
            raise ValueError(f"drug '{d.name}' names class '{d.drug_class}', which drugs.yaml does not define")
        table[d.name] = Drug(
            name=d.name,
            drug_class=d.drug_class,
            class_name=cls.name,
            antidepressant=cls.antidepressant,
            reversible=d.reversible,
            monotherapy_source=d.monotherapy_source,
            as_trial=tuple(dict.fromkeys([*cls.as_trial, *d.as_trial])),
            as_add_on=tuple(dict.fromkeys([*cls.as_add_on, *d.as_add_on])),
            source=d.source,
            note=d.note,
        )
        for n in (d.name, *d.aliases, *d.brands):
            names[normalise_name(n)] = d.name
    scale_table = {
        s.id: Scale(s.id, s.name, s.max, s.remission_max, s.remission_text, s.remission_source, s.note) for s in scales.scales
    }
    scale_names: dict[str, str] = {}
    for s in scales.scales:
        for n in (s.id, *s.aliases):
            scale_names[n.casefold().replace(" ", "")] = s.id
    return Vocabulary(
        drugs=table,
        names=names,
        scales=scale_table,
        scale_names=scale_names,
        response_pct=scales.response.min_reduction_pct,
        response_source=scales.response.source,
        ect_options=tuple(drugs.ect_options),
        classes={c.id: c.name for c in drugs.classes},
    )


def _read_model(path: Path, model: type[BaseModel], kind: str) -> tuple[Any, Document]:
    from .diagnostics import pydantic_issues as _pydantic_issues
    from .yamlpos import read_yaml

    doc = read_yaml(path, kind=kind)
    if not isinstance(doc.data, dict):
        raise KnowledgeBaseError(f"{doc.location()}: the {kind} is not a mapping.")
    try:
        return model.model_validate(doc.data), doc
    except ValidationError as exc:
        issues = _pydantic_issues(exc, doc, model)
        raise KnowledgeBaseError(
            f"The {kind} {doc.location().file} is invalid: {len(issues)} problem{'s' if len(issues) != 1 else ''}.",
            hint="Fix the file at the lines shown; `trd schema drugs` and `trd schema scales` describe it.",
            issues=issues,
        ) from None


_VOCABULARIES: dict[Path, Vocabulary] = {}


def load_vocabulary(kb_root: Path | None = None) -> Vocabulary:
    """The drug vocabulary and scales of a knowledge base (or the bundled ones), validated."""
    root = vocabulary_root(kb_root).resolve()
    cached = _VOCABULARIES.get(root)
    if cached is not None:
        return cached
    drugs, _ = _read_model(root / DRUGS_FILE, DrugsFile, "drug vocabulary")
    scales, _ = _read_model(root / SCALES_FILE, ScalesFile, "scales file")
    try:
        vocab = build_vocabulary(drugs, scales)
    except ValueError as exc:
        raise KnowledgeBaseError(f"{root / DRUGS_FILE}: {exc}.") from None
    _VOCABULARIES[root] = vocab
    return vocab


def vocabulary_issues(kb_root: Path, reference_ids: set[str], option_ids: set[str]) -> list[Issue]:
    """For `trd validate`: the vocabulary files of a knowledge base parse, and every id they cite exists."""
    if not (kb_root / DRUGS_FILE).is_file() and not (kb_root / SCALES_FILE).is_file():
        return []
    issues: list[Issue] = []
    parsed: dict[str, tuple[Any, Document]] = {}
    for name, model, kind in ((DRUGS_FILE, DrugsFile, "drug vocabulary"), (SCALES_FILE, ScalesFile, "scales file")):
        try:
            parsed[name] = _read_model(kb_root / name, model, kind)
        except KnowledgeBaseError as exc:
            issues.extend(exc.issues or [Issue(exc.message, None, hint=exc.hint, check="vocabulary")])
    if DRUGS_FILE in parsed:
        drugs, doc = parsed[DRUGS_FILE]
        for i, d in enumerate(drugs.drugs):
            for key in ("brand_source", "source", "monotherapy_source"):
                rid = getattr(d, key)
                if rid is not None and rid not in reference_ids:
                    issues.append(_vocab_issue(doc, ("drugs", i, key), f"unknown reference '{rid}'"))
            for key in ("as_trial", "as_add_on"):
                for oid in getattr(d, key):
                    if oid not in option_ids:
                        issues.append(_vocab_issue(doc, ("drugs", i, key), f"unknown option '{oid}'"))
        for i, c in enumerate(drugs.classes):
            for key in ("as_trial", "as_add_on"):
                for oid in getattr(c, key):
                    if oid not in option_ids:
                        issues.append(_vocab_issue(doc, ("classes", i, key), f"unknown option '{oid}'"))
        for oid in drugs.ect_options:
            if oid not in option_ids:
                issues.append(_vocab_issue(doc, ("ect_options",), f"unknown option '{oid}'"))
        seen: dict[str, str] = {}
        for i, d in enumerate(drugs.drugs):
            for n in (d.name, *d.aliases, *d.brands):
                key = normalise_name(n)
                if key in seen and seen[key] != d.name:
                    issues.append(_vocab_issue(doc, ("drugs", i, "name"), f"'{n}' also names '{seen[key]}'"))
                seen.setdefault(key, d.name)
    if SCALES_FILE in parsed:
        scales, doc = parsed[SCALES_FILE]
        if scales.response.source not in reference_ids:
            issues.append(_vocab_issue(doc, ("response", "source"), f"unknown reference '{scales.response.source}'"))
        for i, s in enumerate(scales.scales):
            for key in ("max_source", "remission_source"):
                rid = getattr(s, key)
                if rid not in reference_ids:
                    issues.append(_vocab_issue(doc, ("scales", i, key), f"unknown reference '{rid}'"))
            for j, rid in enumerate(s.other_sources):
                if rid not in reference_ids:
                    issues.append(_vocab_issue(doc, ("scales", i, "other_sources", j), f"unknown reference '{rid}'"))
            if s.remission_max >= s.max:
                issues.append(_vocab_issue(doc, ("scales", i, "remission_max"), "remission_max must be below max"))
    return issues


def vocabulary_citations(kb_root: Path) -> dict[str, list[str]]:
    """Reference id -> what in drugs.yaml and scales.yaml cites it ("drugs.yaml: sertraline")."""
    out: dict[str, list[str]] = {}
    root = vocabulary_root(kb_root)
    drugs, _ = _read_model(root / DRUGS_FILE, DrugsFile, "drug vocabulary")
    scales, _ = _read_model(root / SCALES_FILE, ScalesFile, "scales file")
    for d in drugs.drugs:
        for rid in (d.brand_source, d.source, d.monotherapy_source):
            if rid is not None:
                out.setdefault(rid, []).append(f"{DRUGS_FILE}: {d.name}")
    out.setdefault(scales.response.source, []).append(f"{SCALES_FILE}: response")
    for s in scales.scales:
        for rid in (s.max_source, s.remission_source, *s.other_sources):
            out.setdefault(rid, []).append(f"{SCALES_FILE}: {s.id}")
    return out


def _vocab_issue(doc: Document, loc: tuple[object, ...], message: str) -> Issue:
    from .diagnostics import field_path as _field_path

    return Issue(message, doc.location(loc), field=_field_path(loc, doc.data), check="vocabulary")


# =========================================================================== the resolved history


def read_outcome(trial: Trial, vocab: Vocabulary) -> Outcome:
    """One trial's outcome: computed from a percentage or scale scores, or the clinician's judgement."""
    threshold = vocab.response_pct
    if trial.improvement_pct is not None:
        pct = trial.improvement_pct
        kind: Kind = "response" if pct >= threshold else "non-response"
        return Outcome(kind, pct, None, f"{pct:g}% improvement", "improvement_pct")
    if trial.score is not None:
        scale = vocab.scale(trial.score.scale)
        if scale is None:  # checked by resolve(); here for direct callers
            raise ValueError(f"unknown scale '{trial.score.scale}'")
        base, end = trial.score.baseline, trial.score.end
        pct = round((base - end) / base * 100, 1)
        kind = "response" if pct >= threshold else "non-response"
        remission = end <= scale.remission_max
        short = scale.id.upper()
        basis = f"{short} {base:g} -> {end:g}: {pct:g}% improvement" + (
            f"; remission ({short} {end:g}, {scale.remission_max:g} or less)" if remission else ""
        )
        return Outcome(kind, pct, remission, basis, "score")
    if trial.outcome is not None:
        words = {"response": "response", "partial": "partial response", "none": "no response"}[trial.outcome]
        kind = "response" if trial.outcome == "response" else "non-response"
        return Outcome(kind, None, None, f"clinician's judgement: {words}", "outcome", trial.outcome)
    return Outcome("unknown", None, None, "no outcome recorded", "none")


def resolve(
    history: History,
    vocab: Vocabulary,
    doc: Document | None = None,
    option_ids: frozenset[str] = frozenset(),
    source: str = "",
) -> Patient:
    """A validated history with names read against the vocabulary; HistoryError lists every problem."""
    issues: list[Issue] = []
    warnings: list[Issue] = []

    def where(loc: tuple[object, ...]) -> Location | None:
        return doc.location(loc) if doc is not None else None

    def problem(loc: tuple[object, ...], message: str, hint: str = "") -> None:
        issues.append(Issue(message, where(loc), field=_path(loc), hint=hint, check="history"))

    trials: list[PatientTrial] = []
    for i, t in enumerate(history.trials):
        found = vocab.drug(t.drug)
        given = CLASS_SPELLINGS.get(t.drug_class, t.drug_class) if t.drug_class else None
        note = ""
        if found is None:
            close = vocab.suggest(t.drug)
            hint = f"did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            if given is None:
                problem(
                    ("trials", i, "drug"),
                    f"'{t.drug}' is not in the drug vocabulary",
                    hint or "use a generic or brand name of data/drugs.yaml, or add `class:` for a drug it lacks",
                )
                continue
            warnings.append(
                Issue(
                    f"'{t.drug}' is not in the drug vocabulary; its class is taken from the file ({given})",
                    where(("trials", i, "drug")),
                    field=_path(("trials", i, "drug")),
                    hint=hint,
                    severity="warning",
                    check="history",
                )
            )
            antidepressant = given in ANTIDEPRESSANT_CLASSES
            drug, cls, cls_name, reversible = t.drug, given, vocab.classes.get(given, given), False
            as_trial: tuple[str, ...] = ()
        else:
            if given is not None and given != found.drug_class:
                problem(
                    ("trials", i, "class"),
                    f"'{t.drug}' is {found.drug_class} ({found.class_name}) in the drug vocabulary, "
                    f"but the trial says class: {t.drug_class}",
                    "remove `class:` (the vocabulary gives it) or correct the drug",
                )
                continue
            antidepressant, drug, cls, cls_name = found.antidepressant, found.name, found.drug_class, found.class_name
            reversible, as_trial = found.reversible, found.as_trial
            if not antidepressant:
                if found.monotherapy_source is None:
                    problem(
                        ("trials", i, "drug"),
                        f"{found.name} is not an antidepressant ({found.class_name}): a trial's drug is the antidepressant",
                        f"record it as `augmented_with: [{found.name}]` on the trial it was added to",
                    )
                    continue
                note = (
                    f"{found.name} is not an antidepressant class, but is used as monotherapy "
                    f"[{found.monotherapy_source}]: counted as a trial"
                )
        add_ons: list[str] = []
        add_on_options: list[str] = []
        for j, name in enumerate(t.augmented_with):
            extra = vocab.drug(name)
            if extra is not None:
                add_ons.append(extra.name)
                add_on_options.extend(extra.as_add_on)
            elif name in option_ids:
                add_ons.append(name)
                add_on_options.append(name)
            else:
                close = vocab.suggest(name)
                problem(
                    ("trials", i, "augmented_with", j),
                    f"'{name}' is neither a drug of the vocabulary nor an option id",
                    f"did you mean {' or '.join(repr(c) for c in close)}?" if close else "use a drug name of data/drugs.yaml",
                )
        outcome: Outcome | None = None
        if t.score is not None:
            scale = vocab.scale(t.score.scale)
            if scale is None:
                known = ", ".join(vocab.scales)
                problem(("trials", i, "score", "scale"), f"unknown scale '{t.score.scale}'", f"scales: {known}")
            else:
                for key in ("baseline", "end"):
                    value = float(getattr(t.score, key))
                    if value > scale.max:
                        problem(("trials", i, "score", key), f"{value:g} is above the {scale.id} maximum of {scale.max}")
                if t.score.baseline <= 0:
                    problem(("trials", i, "score", "baseline"), "a baseline of 0 gives no improvement to compute")
                if not issues:
                    outcome = read_outcome(t, vocab)
        else:
            outcome = read_outcome(t, vocab)
        if outcome is None:
            continue
        trials.append(
            PatientTrial(
                index=i + 1,
                typed=t.drug,
                drug=drug,
                drug_class=cls,
                class_name=cls_name,
                antidepressant=antidepressant,
                known=found is not None,
                reversible_maoi=reversible,
                weeks=t.weeks,
                adequate_dose=t.adequate_dose,
                adherent=t.adherent,
                outcome=outcome,
                dose_optimised=t.dose_optimised,
                augmented=t.augmented or bool(t.augmented_with),
                add_ons=tuple(add_ons),
                as_trial=as_trial,
                as_add_on=tuple(dict.fromkeys(add_on_options)),
                note=note,
            )
        )
    if issues:
        count = len(issues)
        raise HistoryError(
            f"The history file {source or 'given'} is invalid: {count} problem{'s' if count != 1 else ''}.",
            hint=HISTORY_HINT,
            issues=issues,
        )
    courses = tuple(
        PatientEct(
            index=k,
            laterality=c.laterality,
            responded=c.responded,
            sessions=c.sessions,
            after_trial=len(history.trials) if c.after_trial is None else c.after_trial,
            after_trial_given=c.after_trial is not None,
        )
        for k, c in enumerate(history.ect, 1)
    )
    return Patient(
        source=source,
        duration_months=history.episode.duration_months,
        severity=history.episode.severity,
        trials=tuple(trials),
        ect=courses,
        contexts=tuple(str(c) for c in history.contexts),
        response_pct=vocab.response_pct,
        response_source=vocab.response_source,
        ect_options=vocab.ect_options,
        warnings=tuple(warnings),
    )


def _path(loc: tuple[object, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse(data: dict[str, Any], vocab: Vocabulary | None = None, source: str = "") -> Patient:
    """A history from plain data (tests, notebooks): validated and resolved, without a file."""
    try:
        history = History.model_validate(data)
    except ValidationError as exc:
        raise HistoryError(f"The history {source or 'given'} is invalid: {exc}", hint=HISTORY_HINT) from None
    return resolve(history, vocab or load_vocabulary(None), None, source=source)


# =========================================================================== the history file


def load_history(path: str | os.PathLike[str], kb_root: Path | None = None, raw: bytes | None = None) -> Patient:
    """A treatment-history file (`-` for standard input), validated and resolved.

    HistoryError (exit 1) with file:line for every problem; `Patient.warnings` holds what was
    accepted with a remark (a deprecated spelling, a drug the vocabulary lacks).
    """
    from .diagnostics import pydantic_issues as _pydantic_issues
    from .yamlpos import display_path, read_bytes, read_yaml

    vocab = load_vocabulary(kb_root)
    from_stdin = str(path) == "-"
    shown = STDIN_NAME if from_stdin else display_path(Path(path).expanduser())
    tmp: Path | None = None
    try:
        if from_stdin:
            tmp = _stdin_to_file()
            p = tmp
        else:
            p = Path(path).expanduser()
        try:
            if raw is None:
                raw = read_bytes(p, "history file", HISTORY_LIMIT, "A history file is small; check that it is the right file.")
            doc = read_yaml(p, kind="history file", raw=raw)
        except KnowledgeBaseError as exc:
            message = exc.message.replace(display_path(p), shown) if tmp is not None else exc.message
            raise HistoryError(message, hint=exc.hint or HISTORY_HINT) from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    if tmp is not None:
        doc.path = Path(STDIN_NAME)
    if doc.data is None or not isinstance(doc.data, dict):
        what = "empty" if doc.data is None else f"a {type(doc.data).__name__}, not a mapping"
        raise HistoryError(f"{shown}:1: the history file is {what}.", hint=HISTORY_HINT)
    warnings = _rename_deprecated(doc)
    try:
        history = History.model_validate(doc.data)
    except ValidationError as exc:
        issues = [_one_spelling(i) for i in _pydantic_issues(exc, doc, History)]
        raise HistoryError(
            f"The history file {shown} is invalid: {len(issues)} problem{'s' if len(issues) != 1 else ''}.",
            hint=HISTORY_HINT,
            issues=issues,
        ) from None
    option_ids: frozenset[str] = frozenset()
    if any(t.augmented_with for t in history.trials):
        from .load import load

        option_ids = frozenset(oid for _pos, oid, _names in load(kb_root).kb.name_index())
    patient = resolve(history, vocab, doc, option_ids, shown)
    if warnings:
        patient = dataclasses.replace(patient, warnings=(*warnings, *patient.warnings))
    return patient


def _stdin_to_file() -> Path:
    stream = getattr(sys.stdin, "buffer", None)
    limit = HISTORY_LIMIT
    data: bytes = stream.read(limit + 1) if stream is not None else sys.stdin.read(limit + 1).encode("utf-8")
    if len(data) > limit:
        raise HistoryError(f"{STDIN_NAME}: the history is over the {limit // 1024} KiB limit.", hint="Check that it is the right input.")
    fd, name = tempfile.mkstemp(prefix="trd-history-", suffix=".yaml")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return Path(name)


def _rename_deprecated(doc: Document) -> list[Issue]:
    """`drug_class:` is the old spelling of a trial's `class:`: accepted with a warning."""
    out: list[Issue] = []
    data = doc.data
    trials = data.get("trials") if isinstance(data, dict) else None
    if not isinstance(trials, list):
        return out
    for i, t in enumerate(trials):
        if not isinstance(t, dict) or "drug_class" not in t:
            continue
        loc = doc.location(("trials", i, "drug_class"))
        if "class" in t:
            continue  # pydantic reports the unknown field; the file must say it once
        positions = doc.positions.get(id(t), {})
        t["class"] = t.pop("drug_class")
        if "drug_class" in positions:
            positions["class"] = positions["drug_class"]
        out.append(
            Issue(
                "`drug_class` is the old spelling of `class`; it was read as `class`",
                loc,
                field=f"trials[{i}].drug_class",
                hint="rename it to `class`",
                severity="warning",
                check="history",
            )
        )
    return out


def _one_spelling(issue: Issue) -> Issue:
    """Hints name the field as a file spells it (`class`), not as the model does."""
    issue.hint = issue.hint.replace("'drug_class'", "'class'").replace("drug_class", "class")
    unknown = re.match(r"unknown field '(.+)'", issue.message)
    if unknown and issue.hint.startswith("allowed here: "):
        allowed = issue.hint.removeprefix("allowed here: ").split(", ")
        close = difflib.get_close_matches(unknown.group(1), [a for a in allowed if a != unknown.group(1)], n=1, cutoff=0.6)
        if close:
            issue.hint = did_you_mean(unknown.group(1), close[0])
    return issue


HISTORY_HINT = (
    "A history file looks like: episode: {duration_months: 18, severity: moderate} and "
    "trials: [{drug: sertraline, weeks: 8, adequate_dose: true, score: {scale: madrs, baseline: 30, end: 24}}] "
    "(see the README, 'Treatment histories')."
)


# =========================================================================== what was tried



