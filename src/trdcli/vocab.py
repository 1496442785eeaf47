"""Controlled vocabularies, as plain tuples: the one home of every value a field may take.

Read by the domain types (as Literal types, so the JSON Schema handed to editors lists them), the
CLI's choices and the checks. Labels and published definitions of rating values live in
`data/evidence.yaml`; `trd validate` checks that it defines every value used. Each vocabulary is a Literal type (what mypy and the JSON Schema see) and the tuple of its values
(what the CLI's choices and the checks read), derived from it. Kept free of trd imports so that
`trd --help` and shell completion stay fast.
"""

from typing import Literal, get_args

Family = Literal[
    "switching",
    "augmentation",
    "combination",
    "psychotherapy",
    "neuromodulation",
    "rapid-acting",
    "lifestyle",
]
FAMILIES: tuple[str, ...] = get_args(Family)

ReferenceType = Literal[
    "guideline",
    "systematic-review",
    "meta-analysis",
    "rct",
    "cohort",
    "review",
    "label",
    "regulatory",
    "other",
]
REFERENCE_TYPES: tuple[str, ...] = get_args(ReferenceType)

# Rating schemes: the values each may take.
CanmatLine = Literal["first", "second", "third", "investigational", "not-recommended"]
CANMAT_LINES: tuple[str, ...] = get_args(CanmatLine)
CanmatLevel = Literal[1, 2, 3, 4]
CANMAT_LEVELS: tuple[int, ...] = get_args(CanmatLevel)
NiceStrength = Literal["offer", "consider", "do-not-offer", "do-not-routinely-offer"]
NICE_STRENGTHS: tuple[str, ...] = get_args(NiceStrength)
TaStrength = Literal["recommended", "not-recommended"]
TA_STRENGTHS: tuple[str, ...] = get_args(TaStrength)
IpgStrength = Literal["normal-arrangements", "special-arrangements"]
IPG_STRENGTHS: tuple[str, ...] = get_args(IpgStrength)
Certainty = Literal["high", "moderate", "low", "very-low"]
CERTAINTIES: tuple[str, ...] = get_args(Certainty)
Stance = Literal["for", "against", "uncertain"]
STANCES: tuple[str, ...] = get_args(Stance)
Population = Literal["after-inadequate-response", "mdd-general"]
POPULATIONS: tuple[str, ...] = get_args(Population)

# What each rating value says about the option: for, against or uncertain. A value not listed is
# "uncertain"; a rating may also state its stance (GRADE conclusions always do).
STANCE_OF: dict[tuple[str, str, object], str] = {
    **{(s, "line", v): "for" for s in ("canmat-2023", "canmat-2016") for v in ("first", "second", "third")},
    **{(s, "line", "investigational"): "uncertain" for s in ("canmat-2023", "canmat-2016")},
    **{(s, "line", "not-recommended"): "against" for s in ("canmat-2023", "canmat-2016")},
    # A level without a line: a strategy CANMAT recommends without placing it on a line.
    **{(s, "level", v): "for" for s in ("canmat-2023", "canmat-2016") for v in CANMAT_LEVELS},
    ("nice-ng222", "strength", "offer"): "for",
    ("nice-ng222", "strength", "consider"): "for",
    ("nice-ng222", "strength", "do-not-offer"): "against",
    ("nice-ng222", "strength", "do-not-routinely-offer"): "against",
    ("nice-ta", "strength", "recommended"): "for",
    ("nice-ta", "strength", "not-recommended"): "against",
    ("nice-ipg", "strength", "normal-arrangements"): "for",
    ("nice-ipg", "strength", "special-arrangements"): "uncertain",
}

# What kind of guidance each scheme is, for a reader weighing a disagreement.
SCHEME_KIND = {
    "canmat-2023": "clinical practice guideline",
    "canmat-2016": "clinical practice guideline",
    "nice-ng222": "clinical guideline",
    "nice-ta": "technology appraisal (NHS funding)",
    "nice-ipg": "interventional procedures guidance (safety and efficacy)",
    "grade": "systematic review",
}

Context = Literal[
    "psychotic-features",
    "catatonia",
    "high-suicide-risk",
    "needs-rapid-response",
    "pregnancy",
    "postpartum",
    "older-adult",
    "anxious-distress",
    "bipolar-spectrum",
    "substance-use",
]
CONTEXTS: tuple[str, ...] = get_args(Context)

# What a context rule does: favoured earlier than other strategies; preferred within its own class
# (does not move the option); caution; contraindicated; not studied in that population.
ContextEffect = Literal["earlier", "within-class", "caution", "contraindicated", "not-studied"]
CONTEXT_EFFECTS: tuple[str, ...] = get_args(ContextEffect)
# Order of importance when flags are listed (most serious first); `avoid` is an adverse effect asked about.
SEVERITY_ORDER = ("contraindicated", "avoid", "caution", "not-studied", "tried", "within-class", "earlier")

Frequency = Literal["common", "serious", "rare"]
FREQUENCIES: tuple[str, ...] = get_args(Frequency)

EffectTag = Literal[
    "weight-gain",
    "metabolic",
    "sedation",
    "sexual-dysfunction",
    "akathisia",
    "cognitive-effects",
    "qt-prolongation",
    "dissociation",
    "anaesthesia",
    "blood-pressure",
    "seizure",
    "serotonin-syndrome",
    "hypertensive-crisis",
    "abuse-potential",
    "thyroid",
    "renal",
    "tardive-dyskinesia",
    "anticholinergic",
    "insomnia",
    "nausea",
    "headache",
    "scalp-discomfort",
    "neuroleptic-malignant-syndrome",
    "impulse-control",
    "sudden-sleep",
    "cardiovascular",
    "toxicity",
    "rash",
    "suicidality",
    "extrapyramidal",
    "hyperprolactinaemia",
    "serious-rash",
]
EFFECT_TAGS: tuple[str, ...] = get_args(EffectTag)

# Everyday words for a value, for the did-you-mean of `--context` and `--avoid` (never accepted as
# the value itself: a typo is shown its nearest value and the command stops).
SYNONYMS = {
    "elderly": "older-adult",
    "geriatric": "older-adult",
    "older": "older-adult",
    "old-age": "older-adult",
    "psychosis": "psychotic-features",
    "psychotic": "psychotic-features",
    "pregnant": "pregnancy",
    "postnatal": "postpartum",
    "perinatal": "postpartum",
    "suicidal": "high-suicide-risk",
    "suicide": "high-suicide-risk",
    "anxiety": "anxious-distress",
    "anxious": "anxious-distress",
    "bipolar": "bipolar-spectrum",
    "substance": "substance-use",
    "addiction": "substance-use",
    "alcohol": "substance-use",
    "weight": "weight-gain",
    "obesity": "weight-gain",
    "sexual": "sexual-dysfunction",
    "drowsiness": "sedation",
    "somnolence": "sedation",
    "qt": "qt-prolongation",
    "qtc": "qt-prolongation",
    "hypertension": "blood-pressure",
    "seizures": "seizure",
    "epilepsy": "seizure",
    "diabetes": "metabolic",
    "cognition": "cognitive-effects",
    "memory": "cognitive-effects",
    "eps": "extrapyramidal",
    "prolactin": "hyperprolactinaemia",
    "hyperprolactinemia": "hyperprolactinaemia",
    "anesthesia": "anaesthesia",
}
