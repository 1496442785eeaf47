"""Controlled vocabularies, as plain tuples: the one home of every value a field may take.

Read by the domain types (as Literal types, so the JSON Schema handed to editors lists them), the
CLI's choices and the checks. Labels and published definitions of rating values live in
`data/evidence.yaml`; `trd validate` checks that it defines every value used. Kept free of
imports so that `trd --help` and shell completion stay fast.
"""

FAMILIES = (
    "switching",
    "augmentation",
    "combination",
    "psychotherapy",
    "neuromodulation",
    "rapid-acting",
    "lifestyle",
)

REFERENCE_TYPES = (
    "guideline",
    "systematic-review",
    "meta-analysis",
    "rct",
    "cohort",
    "review",
    "label",
    "regulatory",
    "other",
)

# Rating schemes: the values each may take.
CANMAT_LINES = ("first", "second", "third", "investigational", "not-recommended")
CANMAT_LEVELS = (1, 2, 3, 4)
NICE_STRENGTHS = ("offer", "consider", "do-not-offer", "do-not-routinely-offer")
TA_STRENGTHS = ("recommended", "not-recommended")
IPG_STRENGTHS = ("normal-arrangements", "special-arrangements")
CERTAINTIES = ("high", "moderate", "low", "very-low")
STANCES = ("for", "against", "uncertain")
POPULATIONS = ("after-inadequate-response", "mdd-general")

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

CONTEXTS = (
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
)

# What a context rule does: favoured earlier than other strategies; preferred within its own class
# (does not move the option); caution; contraindicated; not studied in that population.
CONTEXT_EFFECTS = ("earlier", "within-class", "caution", "contraindicated", "not-studied")
# Order of importance when flags are listed (most serious first); `avoid` is an adverse effect asked about.
SEVERITY_ORDER = ("contraindicated", "avoid", "caution", "not-studied", "tried", "within-class", "earlier")

FREQUENCIES = ("common", "serious", "rare")

EFFECT_TAGS = (
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
)

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
