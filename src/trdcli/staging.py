"""TRD staging models as pure functions of a resolved treatment history, with per-patient reasons.

The rules in words, their sources and what they leave undefined live in the knowledge base
(`kb.yaml`, `staging_models`), so that `trd stage` prints them beside every score. Here each model
gives, for this patient, every part of its score with the reason it scored what it did
(`parts[].why`); where the published rules can be read two ways, the part carries both results
(`parts[].readings`), each with its source, and names the one trd uses. Where a rule does not
define a case, the result says so and gives no number.

Which trials count (`counted`) follows the common TRD definition of the Canadian expert consensus
(Rybak et al. 2021, Table 3): an adequately dosed trial, taken as prescribed, of at least 4 weeks
(the consensus's minimal length is 4-6 weeks), with less than 50% symptom reduction. A trial whose
outcome is unknown is neither a failure nor a response, in every model, and is reported as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .patient import MIN_WEEKS, Patient, PatientEct, PatientTrial

MGH_MIN_WEEKS = 6  # MGH staging (Fava 2003, as printed by Hagg 2020): at least 6 weeks
EU_PEARL_BELOW = 25  # Sforzini 2021 (EU-PEARL): "<25% of improvement"
THASE_RUSH_CLASSES = ("ssri", "snri", "tca", "maoi", "other-antidepressant")

# Sources of the readings (reference ids of data/references.yaml).
SRC_MSM_TABLE = "hagg2020kim"
SRC_MSM_FAILURE = "antoniou2026ewmsm"
SRC_THASE_RUSH = "medicalalgorithms-thaserush"
SRC_RIMA = "lilly-prozac-uk-pil"

Result = dict[str, Any]


def _reading(name: str, result: str, source: str, used: bool, why: str) -> dict[str, Any]:
    return {"reading": name, "result": result, "source": source, "used_by_trd": used, "why": why}


def _points(n: float) -> str:
    return f"{n:g} point{'s' if n != 1 else ''}"


# --------------------------------------------------------------------------- reading the trials


@dataclass(frozen=True)
class TrialCount:
    """One trial as the common definition reads it."""

    trial: PatientTrial
    counted: bool  # a failed adequate trial
    responded: bool  # an adequate trial with a response
    unknown: bool  # outcome not recorded
    flags: tuple[str, ...] = ()  # pseudo-resistance: why it does not count
    notes: tuple[str, ...] = ()  # counts, but another definition would differ

    @property
    def index(self) -> int:
        return self.trial.index

    @property
    def drug(self) -> str:
        return self.trial.drug

    @property
    def drug_class(self) -> str:
        return self.trial.drug_class

    @property
    def label(self) -> str:
        return self.trial.label

    def why(self, threshold: float) -> str:
        t = self.trial
        if self.flags:
            return "not counted: " + "; ".join(self.flags) + " (pseudo-resistance)"
        if self.unknown:
            return "not counted: outcome unknown (none recorded), so neither a failure nor a response"
        if self.responded:
            return f"not counted: responded ({t.outcome.basis}; {threshold:g}% or more is a response)"
        detail = f"{t.weeks:g} weeks, adequate dose, taken as prescribed; {t.outcome.basis}"
        if t.outcome.improvement_pct is not None:
            detail += f", under {threshold:g}%"
        return f"counted: a failed adequate trial ({detail})"


def read_trials(patient: Patient) -> list[TrialCount]:
    out = []
    for t in patient.trials:
        flags: list[str] = []
        notes: list[str] = []
        if not t.adequate_dose:
            flags.append("inadequate dose")
        if t.weeks < MIN_WEEKS:
            flags.append(f"inadequate duration ({t.weeks:g} weeks; at least {MIN_WEEKS} needed)")
        if not t.adherent:
            flags.append("non-adherence")
        kind = t.outcome.kind
        responded = kind == "response" and not flags
        unknown = kind == "unknown"
        counted = not flags and kind == "non-response"
        if counted and t.weeks < MGH_MIN_WEEKS:
            notes.append(f"{t.weeks:g} weeks: counts here (4-6 week minimum) but not for the MGH score (6 weeks)")
        pct = t.outcome.improvement_pct
        if counted and pct is not None and pct >= EU_PEARL_BELOW:
            notes.append(
                f"{pct:g}% improvement: a non-response here (<50%) but not a failure under the EU-PEARL definition (<25%)"
            )
        if counted and t.outcome.judgement == "partial":
            notes.append(
                "a partial response (the clinician's judgement): a non-response here (<50%); the EU-PEARL definition "
                "(<25%) needs the percentage to decide"
            )
        if counted and t.note:
            notes.append(t.note)
        out.append(TrialCount(t, counted, responded, unknown, tuple(flags), tuple(notes)))
    return out


def _unknown_note(trials: list[TrialCount]) -> list[str]:
    return [
        f"{t.label}: outcome unknown, not counted as a failure or a response; record `improvement_pct`, "
        "`score` or `outcome` to count it"
        for t in trials
        if t.unknown and not t.flags
    ]


# --------------------------------------------------------------------------- the common definition


def trd_definition(patient: Patient) -> Result:
    trials = read_trials(patient)
    counted = [t for t in trials if t.counted]
    unknown = [t for t in trials if t.unknown and not t.flags]
    flags = [f"{t.label}: {flag}" for t in trials for flag in t.flags]
    flags += [f"{t.label}: responded ({t.trial.outcome.basis}), not a failure" for t in trials if t.responded]
    notes = [f"{t.label}: {n}" for t in trials for n in t.notes] + _unknown_note(trials)
    is_trd = len(counted) >= 2
    if not is_trd and unknown and len(counted) + len(unknown) >= 2:
        notes.append(
            f"the definition would be met if the unknown outcome{'s' if len(unknown) > 1 else ''} of "
            + ", ".join(t.label for t in unknown)
            + " were non-responses"
        )
    return {
        "is_trd": is_trd,
        "counted_trials": len(counted),
        "counted": [t.label for t in counted],
        "unknown": [t.label for t in unknown],
        "flags": flags,
        "notes": notes,
        "parts": [
            {"part": t.label, "points": 1 if t.counted else 0, "why": t.why(patient.response_pct), "readings": []}
            for t in trials
        ],
    }


def pseudo_resistance(patient: Patient) -> list[str]:
    """The flags `trd options --history` shows first: trials that do not count, and why."""
    result = trd_definition(patient)
    return [*result["flags"], *_unknown_note(read_trials(patient))]


# --------------------------------------------------------------------------- Maudsley Staging Method

SEVERITY_POINTS = {
    "subsyndromal": 1,
    "mild": 2,
    "moderate": 3,
    "severe-without-psychosis": 4,
    "severe-with-psychosis": 5,
}


def msm_duration_points(months: float) -> int:
    """Fekadu 2018 Table 3: acute (<=12 months) 1, sub-acute (13-24 months) 2, chronic (>24 months) 3."""
    if months <= 12:
        return 1
    if months <= 24:
        return 2
    return 3


def msm_antidepressant_points(failed: int) -> int | None:
    """Levels 1-2 -> 1, 3-4 -> 2, 5-6 -> 3, 7-10 -> 4, >10 -> 5; no level for 0 failures."""
    if failed <= 0:
        return None
    if failed <= 2:
        return 1
    if failed <= 4:
        return 2
    if failed <= 6:
        return 3
    if failed <= 10:
        return 4
    return 5


def msm_band(score: int) -> str:
    """Fekadu 2018 Table 3: mild 3-6, moderate 7-10, severe 11-15."""
    if score <= 6:
        return "mild"
    if score <= 10:
        return "moderate"
    return "severe"


def maudsley(patient: Patient) -> Result:
    trials = read_trials(patient)
    failed = [t for t in trials if t.counted]
    medications = list(dict.fromkeys(t.drug for t in failed))
    months = patient.duration_months
    duration = msm_duration_points(months)
    duration_words = {1: "acute (12 months or less)", 2: "sub-acute (13-24 months)", 3: "chronic (more than 24 months)"}
    severity = SEVERITY_POINTS[patient.severity]
    parts: list[dict[str, Any]] = [
        {"part": "duration", "points": duration, "why": f"{months:g} months: {duration_words[duration]}", "readings": []},
        {"part": "severity", "points": severity, "why": f"baseline severity {patient.severity}", "readings": []},
    ]

    ad_points = msm_antidepressant_points(len(failed))
    med_points = msm_antidepressant_points(len(medications))
    listed = ", ".join(t.label for t in failed) or "none"
    ad_why = f"{len(failed)} failed adequate trial{'s' if len(failed) != 1 else ''} ({listed})"
    not_counted = [t for t in trials if not t.counted]
    if not_counted:
        ad_why += "; " + "; ".join(f"{t.label} {t.why(patient.response_pct)}" for t in not_counted)
    ad_readings = []
    if len(medications) != len(failed):
        ad_readings = [
            _reading(
                "trials",
                "no level" if ad_points is None else _points(ad_points),
                SRC_MSM_TABLE,
                True,
                f"every failed adequate trial counts: {len(failed)}",
            ),
            _reading(
                "distinct medications",
                "no level" if med_points is None else _points(med_points),
                SRC_MSM_TABLE,
                False,
                f"a drug that failed twice counts once: {len(medications)} ({', '.join(medications)})",
            ),
        ]
    parts.append({"part": "antidepressants", "points": ad_points, "why": ad_why, "readings": ad_readings})

    aug_failed = [t for t in failed if t.trial.augmented]
    aug_used = [t for t in trials if t.trial.augmented]
    aug_points = 1 if aug_failed else 0
    aug_alt = 1 if aug_used else 0

    def augs(ts: list[TrialCount]) -> str:
        return ", ".join(t.label + (f" with {', '.join(t.trial.add_ons)}" if t.trial.add_ons else "") for t in ts) or "none"

    parts.append(
        {
            "part": "augmentation",
            "points": aug_points,
            "why": (
                f"augmentation of a failed adequate trial: {augs(aug_failed)}"
                if aug_failed
                else "no failed adequate trial was augmented" + (f" (augmented: {augs(aug_used)})" if aug_used else "")
            ),
            "readings": [
                _reading("failure", _points(aug_points), SRC_MSM_FAILURE, True, "scored when an augmented trial failed"),
                _reading("used", _points(aug_alt), SRC_MSM_TABLE, False, "scored when augmentation was used at all"),
            ],
        }
    )

    ect_failed = [c for c in patient.ect if c.responded is False]
    ect_unknown = [c for c in patient.ect if c.responded is None]
    ect_points = 1 if ect_failed else 0
    ect_alt = 1 if patient.ect else 0
    if ect_failed:
        ect_why = "a course of ECT without response: " + ", ".join(c.label for c in ect_failed)
    elif patient.ect:
        ect_why = "ECT given but no course failed: " + ", ".join(f"{c.label}: {c.result()}" for c in patient.ect)
    else:
        ect_why = "no ECT recorded"
    if ect_unknown and not ect_failed:
        ect_why += "; a course whose response is not recorded is not scored as a failure"
    parts.append(
        {
            "part": "ect",
            "points": ect_points,
            "why": ect_why,
            "readings": [
                _reading("failure", _points(ect_points), SRC_MSM_FAILURE, True, "scored when a course of ECT failed"),
                _reading("used", _points(ect_alt), SRC_MSM_TABLE, False, "scored when ECT was given at all"),
            ],
        }
    )
    notes = _unknown_note(trials)
    if ad_points is None:
        return {
            "score": None,
            "band": None,
            "parts": parts,
            "failed_antidepressants": 0,
            "notes": notes,
            "undefined": "The Maudsley Staging Method has no category for zero failed antidepressant trials "
            "(its lowest treatment level is 1-2 failures), so no score is given.",
        }
    score = duration + severity + ad_points + aug_points + ect_points
    result: Result = {
        "score": score,
        "band": msm_band(score),
        "parts": parts,
        "failed_antidepressants": len(failed),
        "notes": notes,
    }
    others = []
    if med_points is not None and med_points != ad_points:
        s = score - ad_points + med_points
        others.append(f"counting distinct medications: {s} ({msm_band(s)})")
    if aug_alt != aug_points or ect_alt != ect_points:
        s = score - aug_points - ect_points + aug_alt + ect_alt
        others.append(f"scoring augmentation and ECT when used: {s} ({msm_band(s)})")
    result["other_readings"] = others
    return result


# --------------------------------------------------------------------------- MGH staging


def mgh(patient: Patient) -> Result:
    trials = read_trials(patient)
    parts: list[dict[str, Any]] = []
    score = 0.0
    for t in trials:
        raw = t.trial
        if not t.counted:
            parts.append({"part": t.label, "points": 0.0, "why": t.why(patient.response_pct), "readings": [], "detail": []})
            continue
        if raw.weeks < MGH_MIN_WEEKS:
            why = f"not scored: {raw.weeks:g} weeks, the MGH score needs {MGH_MIN_WEEKS}"
            parts.append({"part": t.label, "points": 0.0, "why": why, "readings": [], "detail": []})
            continue
        points = 1.0
        detail = ["1 (failed adequate trial of at least 6 weeks)"]
        if raw.dose_optimised:
            points += 0.5
            detail.append("0.5 (dose optimised)")
        if raw.augmented:
            points += 0.5
            detail.append("0.5 (augmented" + (f" with {', '.join(raw.add_ons)}" if raw.add_ons else "") + ")")
        parts.append({"part": t.label, "points": points, "why": " + ".join(detail), "readings": [], "detail": detail})
        score += points
    failed = [c for c in patient.ect if c.responded is False]
    scored: PatientEct | None = failed[0] if failed else None
    for c in patient.ect:
        if c is scored:
            parts.append({"part": c.label, "points": 3.0, "why": "3 (ECT without response)", "readings": [], "detail": ["3 (ECT without response)"]})
            score += 3
        elif c.responded is False:
            parts.append({"part": c.label, "points": 0.0, "why": "not scored: trd adds the 3 ECT points once", "readings": [], "detail": []})
        else:
            parts.append({"part": c.label, "points": 0.0, "why": f"not scored: {c.result()}", "readings": [], "detail": []})
    return {"score": score, "parts": parts, "notes": _unknown_note(trials)}


# --------------------------------------------------------------------------- Thase-Rush


@dataclass
class _Walk:
    stage: int = 0
    steps: list[str] = field(default_factory=list)


def _walk(patient: Patient, trials: list[TrialCount], rima_is_maoi: bool, others_differ: bool, bifrontal: bool) -> _Walk:
    """The stages in time: trials in file order, each course of ECT placed after the trial it follows."""
    walk = _Walk()
    first_class: str | None = None
    first_drug = ""
    courses = sorted(patient.ect, key=lambda c: c.after_trial)

    def ect_after(n: int) -> None:
        for c in courses:
            if c.after_trial != n or c.responded is not False:
                continue
            ok = c.laterality == "bilateral" or (bifrontal and c.laterality == "bifrontal")
            if walk.stage == 4 and ok:
                walk.stage = 5
                walk.steps.append(f"V: {c.label}, {c.when()}, failed after stage IV")

    ect_after(0)
    for t in trials:
        if t.counted and t.drug_class in THASE_RUSH_CLASSES:
            cls = t.drug_class
            is_maoi = cls == "maoi" and (rima_is_maoi or not t.trial.reversible_maoi)
            if walk.stage == 0:
                walk.stage, first_class, first_drug = 1, cls, t.drug
                walk.steps.append(f"I: {t.label} failed")
            elif walk.stage == 1 and (cls != first_class or (others_differ and cls == "other-antidepressant" and t.drug != first_drug)):
                walk.stage = 2
                walk.steps.append(f"II: {t.label}, a different class, failed")
            elif walk.stage == 2 and cls == "tca":
                walk.stage = 3
                walk.steps.append(f"III: {t.label}, a TCA after stage II, failed")
            elif walk.stage == 3 and is_maoi:
                walk.stage = 4
                walk.steps.append(f"IV: {t.label}, an MAOI after stage III, failed")
        ect_after(t.index)
    return walk


ROMAN = ["0", "I", "II", "III", "IV", "V"]


def thase_rush(patient: Patient) -> Result:
    """Stages read in time order: I, II (a different class), III (a TCA), IV (an MAOI), V (bilateral ECT)."""
    trials = read_trials(patient)
    walk = _walk(patient, trials, rima_is_maoi=True, others_differ=False, bifrontal=False)
    readings: list[dict[str, Any]] = []
    alternatives: list[tuple[str, str, str, str, _Walk]] = [
        (
            "a RIMA (moclobemide) is an MAOI",
            "a RIMA is not the MAOI of stage IV",
            SRC_RIMA,
            "the staging sources read do not say; the UK label lists moclobemide among the MAOIs",
            _walk(patient, trials, rima_is_maoi=False, others_differ=False, bifrontal=False),
        ),
        (
            "two 'other' antidepressants are one class",
            "two different 'other' antidepressants are two classes",
            SRC_THASE_RUSH,
            "'other antidepressant' is the vocabulary's bucket for drugs outside the four named classes; "
            "the stage wording ('a totally different class') does not say how to split it",
            _walk(patient, trials, rima_is_maoi=True, others_differ=True, bifrontal=False),
        ),
        (
            "stage V needs bilateral ECT",
            "bifrontal ECT counts as bilateral",
            SRC_THASE_RUSH,
            "the stage wording names 'bilateral ECT'; no source read says whether bifrontal placement counts",
            _walk(patient, trials, rima_is_maoi=True, others_differ=False, bifrontal=True),
        ),
    ]
    for ours, theirs, source, why, alt in alternatives:
        if alt.stage != walk.stage:
            readings.append(_reading(ours, f"stage {ROMAN[walk.stage]}", source, True, why))
            readings.append(_reading(theirs, f"stage {ROMAN[alt.stage]}", source, False, "; ".join(alt.steps)))
    notes = _unknown_note(trials)
    notes += [
        f"{t.label}: {t.trial.class_name} is not one of the antidepressant classes the stages name; not read as a stage"
        for t in trials
        if t.counted and t.drug_class not in THASE_RUSH_CLASSES
    ]
    for c in patient.ect:
        if c.responded is False and walk.stage < 5 and c.laterality == "bilateral":
            notes.append(f"{c.label}, {c.when()}: failed, but not after a stage IV failure, so it is not stage V")
    if walk.stage == 0:
        responded = any(t.responded for t in trials)
        if not responded:
            return {
                "stage": None,
                "reason": "no adequate trial yet: the model does not stage this history",
                "steps": [],
                "parts": [],
                "readings": readings,
                "notes": notes,
            }
        return {"stage": "0", "reason": "response to an adequate trial", "steps": [], "parts": [], "readings": readings, "notes": notes}
    parts: list[dict[str, Any]] = [{"part": s.split(":", 1)[0], "points": None, "why": s.split(": ", 1)[1], "readings": []} for s in walk.steps]
    if parts:
        parts[-1]["readings"] = readings
    return {
        "stage": ROMAN[walk.stage],
        "reason": "; ".join(walk.steps),
        "steps": walk.steps,
        "parts": parts,
        "readings": readings,
        "notes": notes,
    }


MODELS: dict[str, Callable[[Patient], Result]] = {
    "trd-definition": trd_definition,
    "maudsley": maudsley,
    "mgh": mgh,
    "thase-rush": thase_rush,
}


@dataclass
class StageResult:
    """What `trd stage` renders: the results per model, in the order asked."""

    history_file: str
    results: dict[str, Result]  # model id -> result

    def model_ids(self) -> list[str]:
        return list(self.results)


def run(patient: Patient, history_file: str, models: list[str] | None = None) -> StageResult:
    chosen = models or list(MODELS)
    return StageResult(history_file, {name: MODELS[name](patient) for name in chosen})


