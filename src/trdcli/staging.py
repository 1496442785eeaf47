"""TRD staging models as pure functions of a treatment history, with their published rules.

The rules in words, their sources and what they leave undefined live in the knowledge base
(`kb.yaml`, `staging_models`), so that `trd stage` prints them beside every score. Where a rule
does not define a case, the result says so and gives no number.

Which trials count (`counted`) follows the common TRD definition of the Canadian expert consensus
(Rybak et al. 2021, Table 3): an adequately dosed trial, taken as prescribed, of at least 4 weeks
(the consensus's minimal length is 4-6 weeks), with less than 50% symptom reduction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .history import DrugClass, History, Trial

MIN_WEEKS = 4  # Rybak 2021: "The minimal length of antidepressants trial should be defined as 4-6 weeks"
MGH_MIN_WEEKS = 6  # MGH staging (Fava 2003, as printed by Hagg 2020): at least 6 weeks
NONRESPONSE_BELOW = 50  # Rybak 2021: "Nonresponse should be defined as less than 50% symptom reduction"
EU_PEARL_BELOW = 25  # Sforzini 2021 (EU-PEARL): "<25% of improvement"

# Generic names -> class, for histories that leave `class` out. Standard pharmacological classes.
DRUG_CLASSES: dict[str, DrugClass] = {
    **dict.fromkeys(["citalopram", "escitalopram", "fluoxetine", "fluvoxamine", "paroxetine", "sertraline"], "ssri"),
    **dict.fromkeys(["venlafaxine", "desvenlafaxine", "duloxetine", "levomilnacipran", "milnacipran"], "snri"),
    **dict.fromkeys(
        [
            "amitriptyline", "nortriptyline", "imipramine", "desipramine", "clomipramine", "doxepin",
            "trimipramine", "protriptyline", "lofepramine", "dosulepin", "dothiepin", "amoxapine", "maprotiline",
        ],
        "tca",
    ),
    **dict.fromkeys(["phenelzine", "tranylcypromine", "isocarboxazid"], "maoi"),
    **dict.fromkeys(
        [
            "bupropion", "mirtazapine", "mianserin", "vortioxetine", "agomelatine", "trazodone", "vilazodone",
            "nefazodone", "reboxetine", "moclobemide", "selegiline",
        ],
        "other",
    ),
}


def drug_class(trial: Trial) -> DrugClass | None:
    if trial.drug_class is not None:
        return trial.drug_class
    return DRUG_CLASSES.get(trial.drug.strip().lower())


@dataclass
class TrialCount:
    """One trial as the common definition reads it."""

    index: int
    drug: str
    drug_class: DrugClass | None
    counted: bool  # a failed adequate trial
    responded: bool
    flags: list[str] = field(default_factory=list)  # pseudo-resistance: why it does not count
    notes: list[str] = field(default_factory=list)  # counts, but another definition would differ


def read_trials(history: History) -> list[TrialCount]:
    out = []
    for i, t in enumerate(history.trials, 1):
        flags, notes = [], []
        if not t.adequate_dose:
            flags.append("inadequate dose")
        if t.weeks < MIN_WEEKS:
            flags.append(f"inadequate duration ({t.weeks:g} weeks; at least {MIN_WEEKS} needed)")
        if not t.adherent:
            flags.append("non-adherence")
        responded = t.improvement_pct >= NONRESPONSE_BELOW
        counted = not flags and not responded
        if counted and t.weeks < MGH_MIN_WEEKS:
            notes.append(f"{t.weeks:g} weeks: counts here (4-6 week minimum) but not for the MGH score (6 weeks)")
        if counted and t.improvement_pct >= EU_PEARL_BELOW:
            notes.append(
                f"{t.improvement_pct:g}% improvement: a non-response here (<50%) but not a failure under "
                "the EU-PEARL definition (<25%)"
            )
        out.append(TrialCount(i, t.drug, drug_class(t), counted, responded, flags, notes))
    return out


# --------------------------------------------------------------------------- the common definition


def trd_definition(history: History) -> dict[str, Any]:
    trials = read_trials(history)
    counted = [t for t in trials if t.counted]
    flags = [f"trial {t.index} ({t.drug}): {flag}" for t in trials for flag in t.flags]
    flags += [f"trial {t.index} ({t.drug}): responded ({_improvement(history, t)}% improvement), not a failure"
              for t in trials if t.responded and not t.flags]
    return {
        "is_trd": len(counted) >= 2,
        "counted_trials": len(counted),
        "counted": [f"trial {t.index} ({t.drug})" for t in counted],
        "flags": flags,
        "notes": [f"trial {t.index} ({t.drug}): {n}" for t in trials for n in t.notes],
    }


def _improvement(history: History, t: TrialCount) -> str:
    return f"{history.trials[t.index - 1].improvement_pct:g}"


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


def maudsley(history: History) -> dict[str, Any]:
    trials = read_trials(history)
    failed = sum(1 for t in trials if t.counted)
    augmented = any(history.trials[t.index - 1].augmented for t in trials if t.counted)
    ect_failed = any(not c.responded for c in history.ect)
    parts = {
        "duration": msm_duration_points(history.episode.duration_months),
        "severity": SEVERITY_POINTS[history.episode.severity],
        "antidepressants": msm_antidepressant_points(failed),
        "augmentation": 1 if augmented else 0,
        "ect": 1 if ect_failed else 0,
    }
    if parts["antidepressants"] is None:
        return {
            "score": None,
            "band": None,
            "parts": parts,
            "undefined": "The Maudsley Staging Method has no category for zero failed antidepressant trials "
            "(its lowest treatment level is 1-2 failures), so no score is given.",
        }
    score = sum(v for v in parts.values() if v is not None)
    return {"score": score, "band": msm_band(score), "parts": parts, "failed_antidepressants": failed}


# --------------------------------------------------------------------------- MGH staging


def mgh(history: History) -> dict[str, Any]:
    trials = read_trials(history)
    parts: list[dict[str, Any]] = []
    score = 0.0
    for t in trials:
        raw = history.trials[t.index - 1]
        if not t.counted or raw.weeks < MGH_MIN_WEEKS:
            continue
        points = 1.0
        detail = ["1 (failed adequate trial of at least 6 weeks)"]
        if raw.dose_optimised:
            points += 0.5
            detail.append("0.5 (dose optimised)")
        if raw.augmented:
            points += 0.5
            detail.append("0.5 (augmented)")
        parts.append({"trial": f"trial {t.index} ({t.drug})", "points": points, "detail": detail})
        score += points
    ect = [c for c in history.ect if not c.responded]
    if ect:
        score += 3
        parts.append({"trial": "ECT", "points": 3.0, "detail": ["3 (ECT without response)"]})
    return {"score": score, "parts": parts}


# --------------------------------------------------------------------------- Thase-Rush


def thase_rush(history: History) -> dict[str, Any]:
    """Stages read in sequence, oldest trial first: I, II (a different class), III (a TCA), IV (an MAOI), V (bilateral ECT)."""
    trials = read_trials(history)
    unknown = [t for t in trials if t.counted and t.drug_class is None]
    if unknown:
        return {
            "stage": None,
            "reason": f"the class of {', '.join(t.drug for t in unknown)} is unknown; add `class:` to the history",
        }
    stage, first_class = 0, None
    steps: list[str] = []
    for t in trials:
        if not t.counted:
            continue
        if stage == 0:
            stage, first_class = 1, t.drug_class
            steps.append(f"I: trial {t.index} ({t.drug}, {t.drug_class}) failed")
        elif stage == 1 and t.drug_class != first_class:
            stage = 2
            steps.append(f"II: trial {t.index} ({t.drug}, {t.drug_class}), a different class, failed")
        elif stage == 2 and t.drug_class == "tca":
            stage = 3
            steps.append(f"III: trial {t.index} ({t.drug}), a TCA after stage II, failed")
        elif stage == 3 and t.drug_class == "maoi":
            stage = 4
            steps.append(f"IV: trial {t.index} ({t.drug}), an MAOI after stage III, failed")
    if stage == 4 and any(c.laterality == "bilateral" and not c.responded for c in history.ect):
        stage = 5
        steps.append("V: a course of bilateral ECT after stage IV failed")
    if stage == 0:
        responded = any(t.responded and not t.flags for t in trials)
        if not responded:
            return {"stage": None, "reason": "no adequate trial yet: the model does not stage this history"}
        return {"stage": "0", "reason": "response to an adequate trial"}
    roman = ["0", "I", "II", "III", "IV", "V"][stage]
    return {"stage": roman, "reason": "; ".join(steps)}


MODELS = {
    "trd-definition": trd_definition,
    "maudsley": maudsley,
    "mgh": mgh,
    "thase-rush": thase_rush,
}




@dataclass
class StageResult:
    """What `trd stage` renders: the results per model, in the order asked."""

    history_file: str
    results: dict[str, dict[str, Any]]  # model id -> result

    def model_ids(self) -> list[str]:
        return list(self.results)


def run(history: History, history_file: str, models: list[str] | None = None) -> StageResult:
    chosen = models or list(MODELS)
    return StageResult(history_file, {name: MODELS[name](history) for name in chosen})


def headline(model_id: str, result: dict[str, Any]) -> str:
    """One line per model: the score and band, or why there is none."""
    if model_id == "trd-definition":
        verdict = "meets" if result["is_trd"] else "does not meet"
        return f"{verdict} the common TRD definition ({result['counted_trials']} failed adequate trials counted)"
    if model_id == "maudsley":
        if result["score"] is None:
            return "not defined: " + str(result["undefined"])
        return f"score {result['score']} of 15, {result['band']}"
    if model_id == "mgh":
        return f"score {result['score']:g}"
    if result["stage"] is None:
        return "not defined: " + str(result["reason"])
    return f"stage {result['stage']}"


def details(model_id: str, result: dict[str, Any]) -> list[str]:
    if model_id == "trd-definition":
        return [f"counted: {c}" for c in result["counted"]] + [f"flag: {f}" for f in result["flags"]] + [
            f"note: {n}" for n in result["notes"]
        ]
    if model_id == "maudsley":
        p = result["parts"]
        return [
            "parts: " + ", ".join(f"{k} {'-' if v is None else v}" for k, v in p.items()),
        ]
    if model_id == "mgh":
        return [f"{part['trial']}: {' + '.join(part['detail'])}" for part in result["parts"]] or ["no trial scores"]
    return [result["reason"]] if result.get("stage") is not None else []
