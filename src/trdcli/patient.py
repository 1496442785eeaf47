"""A treatment history as staging reads it: validated, every name resolved (no pydantic here).

`history.py` validates a history file and resolves it into a `Patient`; `staging.py` and
`trd options --history` read only these classes. They are plain frozen dataclasses, so a history
that was validated once can be cached by the exact bytes of the file and of the drug vocabulary
(`cached` and `store`), and a warm `trd stage` imports neither YAML nor pydantic.
"""

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .errors import Issue
from .kbfiles import DRUGS_FILE, SCALES_FILE, vocabulary_root

MIN_WEEKS = 4  # Rybak 2021: "The minimal length of antidepressants trial should be defined as 4-6 weeks"
HISTORY_LIMIT = 1024 * 1024  # a history file is small; anything larger is the wrong file


Kind = Literal["response", "non-response", "unknown"]


@dataclass(frozen=True)
class Outcome:
    """A trial's outcome as trd reads it, with how it was read."""

    kind: Kind
    improvement_pct: float | None  # None when only a judgement (or nothing) was recorded
    remission: bool | None
    basis: str  # "MADRS 30 -> 24: 20% improvement", "clinician's judgement: partial response", ...
    recorded: Literal["improvement_pct", "score", "outcome", "none"]
    judgement: str | None = None  # response | partial | none, when recorded so

    def words(self) -> str:
        if self.kind == "unknown":
            return "outcome unknown"
        what = "responded" if self.kind == "response" else "failed"
        return f"{what} ({self.basis})"


@dataclass(frozen=True)
class PatientTrial:
    index: int  # 1-based, the order of the file
    typed: str  # the drug as the file gives it
    drug: str  # the vocabulary's generic name, or the typed name when the vocabulary lacks it
    drug_class: str  # class id
    class_name: str
    antidepressant: bool
    known: bool  # in the vocabulary
    reversible_maoi: bool
    weeks: float
    adequate_dose: bool
    adherent: bool
    outcome: Outcome
    dose_optimised: bool
    augmented: bool  # augmented: true, or anything in augmented_with
    add_ons: tuple[str, ...]  # augmented_with, resolved to generic names (or option ids)
    as_trial: tuple[str, ...]
    as_add_on: tuple[str, ...]  # the options its add-ons give
    note: str = ""  # how the vocabulary reads the drug, when that matters (monotherapy source)

    @property
    def label(self) -> str:
        return f"trial {self.index} ({self.drug}, {self.drug_class})"

    @property
    def adequate(self) -> bool:
        """An adequate dose, taken as prescribed, for at least MIN_WEEKS (the common definition)."""
        return self.adequate_dose and self.adherent and self.weeks >= MIN_WEEKS

    def short_result(self) -> str:
        if not self.adequate:
            return "not an adequate trial"
        return {"response": "responded", "non-response": "failed", "unknown": "outcome unknown"}[self.outcome.kind]


@dataclass(frozen=True)
class PatientEct:
    index: int
    laterality: str
    responded: bool | None
    sessions: int | None
    after_trial: int  # resolved: the default is the last trial
    after_trial_given: bool

    @property
    def label(self) -> str:
        return f"ECT course {self.index} ({self.laterality})"

    def when(self) -> str:
        if self.after_trial == 0:
            return "before any trial"
        return f"after trial {self.after_trial}" + ("" if self.after_trial_given else " (the default: after the last trial)")

    def result(self) -> str:
        return {True: "responded", False: "no response", None: "response not recorded"}[self.responded]


@dataclass(frozen=True)
class Patient:
    """A validated history with every name resolved: what staging and `options --history` read."""

    source: str  # the file as shown to the user
    duration_months: float
    severity: str
    trials: tuple[PatientTrial, ...]
    ect: tuple[PatientEct, ...]
    contexts: tuple[str, ...]
    response_pct: float
    response_source: str
    ect_options: tuple[str, ...] = ()
    warnings: tuple[Issue, ...] = field(default=())


@dataclass(frozen=True)
class Tried:
    """One option a history has already tried, and where."""

    option: str
    about: str  # where and how it went, short: "trial 2 (venlafaxine): failed"
    text: str  # in full: "trial 2 (venlafaxine, snri): failed (MADRS 30 -> 24: 20% improvement)"


def tried_options(patient: Patient) -> dict[str, list[Tried]]:
    """Option id -> where the history tried it: a trial's drug, a drug added to a trial, a course of ECT."""
    out: dict[str, list[Tried]] = {}

    def add(option: str, about: str, text: str) -> None:
        marks = out.setdefault(option, [])
        if all(m.about != about for m in marks):
            marks.append(Tried(option, about, text))

    for t in patient.trials:
        result = t.outcome.words() + ("" if t.adequate else "; not an adequate trial (dose, duration or adherence)")
        for oid in t.as_trial:
            add(oid, f"trial {t.index} ({t.drug}): {t.short_result()}", f"{t.label}: {result}")
        for oid in t.as_add_on:
            add(
                oid,
                f"trial {t.index} (+{', '.join(t.add_ons)}): {t.short_result()}",
                f"added to {t.label} ({', '.join(t.add_ons)}): {result}",
            )
    for c in patient.ect:
        for oid in patient.ect_options:
            add(oid, f"ECT course {c.index}: {c.result()}", f"{c.label}, {c.when()}: {c.result()}")
    return out


# =========================================================================== the cache of validated histories


def cache_key(history: bytes, vocabulary: list[bytes], kb_root: str) -> str:
    """The cache key of a history: its bytes, the vocabulary files' bytes, the knowledge base folder."""
    from . import cache

    return cache.key([("history", history), *[(f"vocabulary:{i}", v) for i, v in enumerate(vocabulary)], ("kb", kb_root.encode())])


def cached(key: str) -> Patient | None:
    """The validated history stored under `key`, or None (any miss, damage or foreign entry)."""
    from . import cache
    from .domain import from_plain

    data = cache.read_json("history", key)
    if not isinstance(data, dict):
        return None
    try:
        patient: Patient = from_plain(Patient, data)
        return patient
    except Exception:  # noqa: BLE001 - a broken entry is a miss
        return None


def store(key: str, patient: Patient) -> None:
    """Keep a validated history for the next run; one with warnings is not kept (they must be shown)."""
    from . import cache
    from .domain import to_plain

    if not patient.warnings:
        cache.write_json("history", key, {k: v for k, v in to_plain(patient).items() if k != "warnings"})


def load_patient(path: str | os.PathLike[str], kb_root: Path | None) -> Patient:
    """A history file as staging reads it: from the cache when its exact bytes (and the vocabulary's)
    were validated before, else validated now by `history.load_history` (HistoryError, exit 1)."""
    from .errors import HistoryError, KnowledgeBaseError
    from .yamlpos import display_path, read_bytes

    if str(path) == "-":  # standard input is read once, by the validator
        from .history import load_history

        return load_history(path, kb_root)
    p = Path(path).expanduser()
    try:
        raw = read_bytes(p, "history file", HISTORY_LIMIT, "A history file is small; check that it is the right file.")
    except KnowledgeBaseError as exc:
        raise HistoryError(exc.message, hint=exc.hint) from None
    key = None
    root = vocabulary_root(kb_root)
    try:
        vocabulary = [read_bytes(root / DRUGS_FILE), read_bytes(root / SCALES_FILE)]
        key = cache_key(raw, vocabulary, str(kb_root))
        hit = cached(key)
        if hit is not None:
            return dataclasses.replace(hit, source=display_path(p))
    except KnowledgeBaseError:
        pass  # the validator reports it with the full message
    from .history import load_history

    patient = load_history(path, kb_root, raw=raw)
    if key is not None:
        store(key, patient)
    return patient
