"""Pydantic models of the knowledge base, and every cross-check between its parts.

Nothing here knows about files or terminals: the loader (`kb.py`) feeds plain data in and maps
the paths of any problem back to file:line.

The unit of knowledge is one rating by one source in that source's own scheme
(CANMAT line + level, NICE wording, GRADE certainty). Orders used for sorting are derived in
code from those ratings (`Option.rank_key`) and explained to users by `RANKING_EXPLANATION`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, field_validator, model_validator

from .logic import (
    RANKING_EXPLANATION,
    SCHEMA_VERSION,
    KnowledgeBaseLogic,
    OptionLogic,
    RecommendationLogic,
    ReferenceLogic,
    normalise,
)
from .vocab import CANMAT_LINES, CONTEXTS, EFFECT_TAGS, FAMILIES

__all__ = ["RANKING_EXPLANATION", "SCHEMA_VERSION", "normalise"]

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
# No control characters (ANSI/OSC escape sequences start with one): knowledge-base text is shown
# as text and can never drive the terminal. Newlines and tabs are allowed in long text only.
_PRINTABLE = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$"
_PRINTABLE_LINE = r"^[^\x00-\x1f\x7f-\x9f]*$"
Text = Annotated[str, StringConstraints(min_length=1, max_length=4000, strip_whitespace=True, pattern=_PRINTABLE)]
Short = Annotated[
    str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True, pattern=_PRINTABLE_LINE)
]

Family = Literal[FAMILIES]  # type: ignore[valid-type]

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
# Types that may carry a rating or count as the "guideline or systematic review" an option needs.
GRADING_TYPES = frozenset({"guideline", "systematic-review", "meta-analysis"})

Scheme = Literal["canmat-2023", "canmat-2016", "nice-ng222", "nice-ta", "nice-ipg", "grade", "va-dod-2022"]
CanmatLine = Literal[CANMAT_LINES]  # type: ignore[valid-type]
NiceStrength = Literal["offer", "consider", "do-not-offer", "do-not-routinely-offer", "recommended", "not-recommended"]
IpgStrength = Literal["normal-arrangements", "special-arrangements"]
VaStrength = Literal["strong-for", "weak-for", "neither", "weak-against", "strong-against"]
Certainty = Literal["high", "moderate", "low", "very-low"]
Stance = Literal["for", "against", "uncertain"]

# For CANMAT, an empty line marks a strategy CANMAT recommends without placing it on a line
# (for example "switch to a first-line antidepressant with superior efficacy", Level 4).
SCHEME_FIELDS: dict[str, dict[str, tuple[object, ...]]] = {
    "canmat-2023": {"line": (*CANMAT_LINES, None), "level": (1, 2, 3, 4, None)},
    "canmat-2016": {"line": (*CANMAT_LINES, None), "level": (1, 2, 3, 4, None)},
    "nice-ipg": {"strength": IpgStrength.__args__},  # type: ignore[attr-defined]
    "nice-ng222": {"strength": NiceStrength.__args__},  # type: ignore[attr-defined]
    "nice-ta": {"strength": NiceStrength.__args__},  # type: ignore[attr-defined]
    "grade": {"certainty": Certainty.__args__, "stance": Stance.__args__},  # type: ignore[attr-defined]
    "va-dod-2022": {"strength": VaStrength.__args__},  # type: ignore[attr-defined]
}

Context = Literal[CONTEXTS]  # type: ignore[valid-type]

EffectTag = Literal[EFFECT_TAGS]  # type: ignore[valid-type]

DOI_RE = r"^10\.\d{4,9}/\S+$"
PMID_RE = r"^[1-9][0-9]{0,8}$"
PMCID_RE = r"^PMC[0-9]{1,9}$"
URL_RE = r"^https?://[^\s\x00-\x1f\x7f]+$"


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# --------------------------------------------------------------------------- references


class Reference(ReferenceLogic, Model):
    """One source, once. Field names follow CSL where they can (doi, pmid, issued year)."""

    id: Slug
    type: ReferenceType
    authors: list[Short] = Field(default_factory=list)
    title: Text
    journal: Short | None = None
    publisher: Short | None = None
    year: int | None = Field(default=None, ge=1900, le=2100, description="Empty when not seen printed.")
    volume: Short | None = None
    issue: Short | None = None
    pages: Short | None = None
    doi: Annotated[str, StringConstraints(pattern=DOI_RE, max_length=200)] | None = None
    pmid: Annotated[str, StringConstraints(pattern=PMID_RE)] | None = None
    pmcid: Annotated[str, StringConstraints(pattern=PMCID_RE)] | None = None
    url: Annotated[str, StringConstraints(pattern=URL_RE, max_length=500)] | None = None
    provenance: Text = Field(
        description="Where the record's identifiers were seen (stored page or file); "
        "says so when an identifier could not be confirmed."
    )
    note: Text | None = None

    @field_validator("pmid", mode="before")
    @classmethod
    def _pmid_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# --------------------------------------------------------------------------- ratings


class Recommendation(RecommendationLogic, Model):
    """One source's rating of one option, in that source's own scheme."""

    source: Slug
    scheme: Scheme
    line: CanmatLine | None = None
    level: Literal[1, 2, 3, 4] | None = None
    strength: Short | None = None
    certainty: Certainty | None = None
    stance: Stance | None = None
    statement: Text
    where: Short
    note: Text | None = None
    population: Literal["after-inadequate-response", "mdd-general"] = Field(
        default="after-inadequate-response",
        description="Whom the rating is for: people whose depression has not responded adequately "
        "(the default), or adults with MDD in general (a first-treatment rating, shown as such).",
    )

    @model_validator(mode="after")
    def _valid_in_scheme(self) -> Recommendation:
        allowed = SCHEME_FIELDS[self.scheme]
        used = {
            name: getattr(self, name)
            for name in ("line", "level", "strength", "certainty", "stance")
            if getattr(self, name) is not None
        }
        # stance may be given for any scheme (it is derived otherwise); the rest must fit the scheme.
        foreign = sorted(k for k in used if k not in allowed and k != "stance")
        if foreign:
            raise ValueError(
                f"{', '.join(foreign)} is not part of the {self.scheme} scheme "
                f"(it uses {', '.join(allowed)})"
            )
        if self.is_canmat and self.line is None and self.level is None:
            raise ValueError(f"a {self.scheme} rating needs a line, a level, or both")
        if self.is_canmat and self.line is None and not self.note:
            raise ValueError(f"a {self.scheme} rating without a line needs a note saying why (e.g. a strategy CANMAT does not place on a line)")
        for name, values in allowed.items():
            value = getattr(self, name)
            if value is None and None not in values:
                raise ValueError(f"the {self.scheme} scheme needs '{name}' (one of {_fmt(values)})")
            if value is not None and value not in values:
                raise ValueError(
                    f"'{value}' is not a valid {name} in the {self.scheme} scheme "
                    f"(expected one of {_fmt(values)})"
                )
        return self


def _fmt(values: tuple[object, ...]) -> str:
    return ", ".join("empty" if v is None else str(v) for v in values)


class Figure(Model):
    """A key number, never without its context."""

    outcome: Short
    value: Short
    headline: Annotated[str, StringConstraints(min_length=1, max_length=60, pattern=_PRINTABLE_LINE)] | None = Field(
        default=None,
        description="A short form of this figure (value, outcome, comparator) for the `trd options` "
        "table; only words and numbers of this figure. The first figure with a headline is the key figure.",
    )
    population: Text
    comparator: Text
    duration: Short | None = None
    source: Slug
    where: Short | None = None
    note: Text | None = None


class Sourced(Model):
    text: Text
    source: Slug


class AdverseEffect(Model):
    effect: Short
    frequency: Literal["common", "serious", "rare"]
    tags: list[EffectTag] = Field(default_factory=list)
    source: Slug


class Regulatory(Model):
    agency: Literal["FDA", "EMA", "Health Canada", "MHRA", "TGA", "NICE"]
    year: int = Field(ge=1900, le=2100)
    status: Text
    source: Slug


class ContextRule(Model):
    context: Context
    effect: Literal["earlier", "caution", "contraindicated"]
    text: Text
    source: Slug


# --------------------------------------------------------------------------- options


class Option(OptionLogic, Model):
    id: Slug
    name: Short
    aliases: list[Short] = Field(default_factory=list)
    family: Family
    summary: Text
    min_prior_trials: int = Field(ge=0, le=10)
    when_to_consider: list[Sourced] = Field(default_factory=list)
    recommendations: list[Recommendation] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    onset: Sourced | None = None
    cautions: list[Sourced] = Field(default_factory=list)
    contraindications: list[Sourced] = Field(default_factory=list)
    adverse_effects: list[AdverseEffect] = Field(default_factory=list)
    monitoring: list[Sourced] = Field(default_factory=list)
    practical: list[Sourced] = Field(default_factory=list)
    regulatory: list[Regulatory] = Field(default_factory=list)
    contexts: list[ContextRule] = Field(default_factory=list)
    sources: list[Slug] = Field(default_factory=list)
    last_reviewed: dt.date


# --------------------------------------------------------------------------- the whole base


class Definition(Model):
    term: Short
    text: Text
    source: Slug


class ContextNote(Model):
    """What the sources say about a patient context as a whole (shown whenever it is asked for)."""

    context: Context
    text: Text
    source: Slug


class Meta(Model):
    """data/kb.yaml: what the knowledge base is and when it was last reviewed."""

    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+(\.\d+)?$")]
    reviewed: dt.date
    title: Short
    scope: Text
    disclaimer: Short
    definitions: list[Definition] = Field(default_factory=list)
    context_notes: list[ContextNote] = Field(default_factory=list)
    staging_models: list["StagingModel"] = Field(default_factory=list)
    coverage: list[Short] = Field(
        default_factory=list,
        description="Names that must resolve to an option (the curated coverage list).",
    )


class SchemeValue(Model):
    value: str | int
    label: Short
    definition: Text


class EvidenceScheme(Model):
    id: Scheme
    name: Short
    sources: list[Slug] = Field(min_length=1)
    note: Text | None = None
    line: list[SchemeValue] = Field(default_factory=list)
    level: list[SchemeValue] = Field(default_factory=list)
    strength: list[SchemeValue] = Field(default_factory=list)
    certainty: list[SchemeValue] = Field(default_factory=list)


class ReferencesFile(Model):
    references: list[Reference]


class OptionsFile(Model):
    options: list[Option]


class EvidenceFile(Model):
    schemes: list[EvidenceScheme]


Path = tuple[str | int, ...]


class Problem(Model):
    """A cross-check failure: a path in the combined knowledge base and what is wrong there."""

    path: Path
    message: str
    hint: str = ""


class KnowledgeBase(KnowledgeBaseLogic, Model):
    _ref_index: dict[str, Reference] | None = PrivateAttr(default=None)

    def _set_ref_index(self, index: dict[str, Any]) -> None:
        self._ref_index = index

    meta: Meta
    schemes: list[EvidenceScheme]
    references: list[Reference]
    options: list[Option]

    def check(self) -> list[Problem]:
        """Every cross-check between the parts: unique ids and names, no dangling reference."""
        problems: list[Problem] = []
        ref_ids: dict[str, int] = {}
        for i, ref in enumerate(self.references):
            if ref.id in ref_ids:
                problems.append(
                    Problem(
                        path=("references", i, "id"),
                        message=f"duplicate reference id '{ref.id}' (first defined as reference #{ref_ids[ref.id] + 1})",
                        hint="give each source one record and one id",
                    )
                )
            else:
                ref_ids[ref.id] = i

        option_ids: dict[str, int] = {}
        names: dict[str, tuple[str, int]] = {}
        for i, opt in enumerate(self.options):
            if opt.id in option_ids:
                problems.append(
                    Problem(
                        path=("options", i, "id"),
                        message=f"duplicate option id '{opt.id}' (first defined as option #{option_ids[opt.id] + 1})",
                        hint="each option is defined once; merge the two entries",
                    )
                )
                continue
            option_ids[opt.id] = i
            for j, name in enumerate(opt.names()):
                key = normalise(name)
                owner = names.get(key)
                if owner is not None and owner[0] != opt.id:
                    where: Path = ("options", i, "id") if j == 0 else (
                        ("options", i, "name") if j == 1 else ("options", i, "aliases", j - 2)
                    )
                    what = "id" if j == 0 else "name" if j == 1 else "alias"
                    problems.append(
                        Problem(
                            path=where,
                            message=f"{what} '{name}' of option '{opt.id}' is already used by option '{owner[0]}'",
                            hint="ids, names and aliases must each point to one option",
                        )
                    )
                elif owner is None:
                    names[key] = (opt.id, i)

            for rid, sub in opt.citations():
                if rid not in ref_ids:
                    problems.append(
                        Problem(
                            path=("options", i, *sub),
                            message=f"option '{opt.id}' cites reference '{rid}', which is not in references.yaml",
                            hint=_suggest_hint(rid, ref_ids),
                        )
                    )

        for path, what, _role, rid in self.other_citations():
            if rid not in ref_ids:
                problems.append(
                    Problem(
                        path=path,
                        message=f"{what} cites reference '{rid}', which is not in references.yaml",
                        hint=_suggest_hint(rid, ref_ids),
                    )
                )
        seen_schemes: set[str] = set()
        for i, s in enumerate(self.schemes):
            if s.id in seen_schemes:
                problems.append(Problem(path=("schemes", i, "id"), message=f"scheme '{s.id}' is defined twice"))
            seen_schemes.add(s.id)
        for i, opt in enumerate(self.options):
            for j, rec in enumerate(opt.recommendations):
                if rec.scheme not in seen_schemes:
                    problems.append(
                        Problem(
                            path=("options", i, "recommendations", j, "scheme"),
                            message=f"scheme '{rec.scheme}' is used but not defined in evidence.yaml",
                            hint="add its definitions to evidence.yaml so the legend can explain it",
                        )
                    )
        return problems



def _suggest_hint(rid: str, known: dict[str, int]) -> str:
    import difflib

    close = difflib.get_close_matches(rid, list(known), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'? Otherwise add the source to references.yaml"
    return "add the source to references.yaml, or correct the id"


# --------------------------------------------------------------------------- staging and histories

StagingModelId = Literal["maudsley", "mgh", "thase-rush", "trd-definition"]
DrugClass = Literal["ssri", "snri", "tca", "maoi", "other"]
Severity = Literal["subsyndromal", "mild", "moderate", "severe-without-psychosis", "severe-with-psychosis"]


class StagingModel(Model):
    """kb.yaml: a published staging model's rules in words, their sources, and what they leave open."""

    id: StagingModelId
    name: Short
    sources: list[Slug] = Field(min_length=1)
    rules: list[Text] = Field(min_length=1)
    undefined: list[Text] = Field(default_factory=list)


class Episode(Model):
    duration_months: float = Field(ge=0, le=1200)
    severity: Severity


class Trial(Model):
    """One antidepressant trial of the current episode, oldest first."""

    drug: Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=_PRINTABLE_LINE)]
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


Meta.model_rebuild()


# The model of each kind of knowledge-base file, for `trd schema` and editors.
FILE_MODELS: dict[str, type[Model]] = {
    "history": History,
    "kb": Meta,
    "evidence": EvidenceFile,
    "references": ReferencesFile,
    "options": OptionsFile,
}


def json_schema(kind: str) -> dict[str, object]:
    """The JSON Schema of one kind of knowledge-base file (draft 2020-12, from the models)."""
    schema = FILE_MODELS[kind].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"trd-kb-{kind}.schema.json"
    return schema
