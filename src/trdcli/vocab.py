"""Controlled vocabularies, as plain tuples: imported by the models and by the CLI's choices.

Kept free of heavy imports so that `trd --help` and shell completion stay fast.
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

CANMAT_LINES = ("first", "second", "third", "investigational", "not-recommended")

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
    "extrapyramidal",
    "hyperprolactinaemia",
    "impulse-control",
    "serious-rash",
)
