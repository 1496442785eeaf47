"""The knowledge of trd as one set of typed, immutable classes, with their behaviour as methods.

These stdlib dataclasses are the domain *and* the schema: pydantic validates YAML straight into
them at the file boundary (`schema.py`), the cache restores them without pydantic
(`from_plain`), and `trd schema` hands their JSON Schema to editors. Constraints are written as
small markers (`Str`, `Int`, `Tagged`) that pydantic reads when it is asked to validate, so that
importing this module stays cheap and never imports pydantic.

What an option's sourced parts are (every field whose items carry a `source`) is derived from the
annotations here, once (`sourced_fields`): validation of citations, every output format, `search`
and `compare` follow from it, so a new field is covered the day it is declared.

Nothing here knows about files, terminals or pydantic errors.
"""

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Literal, Union

from .frozen import record
from .names import FORBIDDEN_CHARS
from .vocab import (
    SEVERITY_ORDER,
    CanmatLevel,
    CanmatLine,
    Certainty,
    Context,
    ContextEffect,
    EffectTag,
    Family,
    Frequency,
    IpgStrength,
    NiceStrength,
    Population,
    ReferenceType,
    Stance,
    TaStrength,
)

SCHEMA_VERSION = 2  # raised when a field of the JSON output changes meaning or shape (README, "JSON output")


# --------------------------------------------------------------------------- constraint markers


class Str:
    """A string constraint that pydantic applies when validating (no pydantic import here).

    Text is stripped, must not be empty, and may not hold control characters: knowledge-base text
    is shown as text and can never drive a terminal (newlines and tabs only in long text).
    """

    __slots__ = ("pattern", "max_length", "min_length")

    def __init__(self, pattern: str, max_length: int | None = None, min_length: int = 1) -> None:
        self.pattern, self.max_length, self.min_length = pattern, max_length, min_length

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.str_schema(
            pattern=self.pattern, max_length=self.max_length, min_length=self.min_length, strip_whitespace=True
        )


class Int:
    """A whole number within bounds; a YAML boolean (`yes`, `true`) is refused, not read as 1."""

    __slots__ = ("ge", "le")

    def __init__(self, ge: int, le: int) -> None:
        self.ge, self.le = ge, le

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.int_schema(ge=self.ge, le=self.le, strict=True)


class NoBool:
    """A Literal of numbers that a YAML boolean cannot satisfy (`level: yes` is not level 1).

    Pydantic compares Literal values with ==, and True == 1; this refuses booleans before that.
    """

    __slots__ = ()

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(_refuse_bool, handler(source))


def _refuse_bool(value: object) -> object:
    if isinstance(value, bool):
        from pydantic_core import PydanticCustomError

        raise PydanticCustomError("int_type", "Input should be a valid integer, not a boolean")
    return value


class Tagged:
    """A union of dataclasses told apart by one field (the rating's `scheme`)."""

    __slots__ = ("key", "types")

    def __init__(self, key: str, types: dict[str, type]) -> None:
        self.key, self.types = key, types

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        schemas: dict[type, Any] = {}
        choices: dict[Any, Any] = {}
        for tag, cls in self.types.items():
            if cls not in schemas:
                schemas[cls] = handler.generate_schema(cls)
            choices[tag] = schemas[cls]
        return core_schema.tagged_union_schema(
            choices,
            discriminator=self.key,
            custom_error_type="unknown_scheme",
            custom_error_message=f"unknown {self.key}; expected one of: {', '.join(self.types)}",
        )


# No control characters (ANSI/OSC escape sequences start with one), no bidirectional or invisible
# format characters (they reorder or hide text on screen). Newlines and tabs in long text only.
_FORBIDDEN = FORBIDDEN_CHARS
_TEXT_RE = f"^[^{_FORBIDDEN}]*$"
_LINE_RE = f"^[^\\x09\\x0a{_FORBIDDEN}]*$"

Text = Annotated[str, Str(_TEXT_RE, max_length=4000)]
Short = Annotated[str, Str(_LINE_RE, max_length=300)]
Headline = Annotated[str, Str(_LINE_RE, max_length=60)]
Slug = Annotated[str, Str(r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
Version = Annotated[str, Str(r"^\d+\.\d+(\.\d+)?$", max_length=40)]
Doi = Annotated[str, Str(r"^10\.\d{4,9}/\S+$", max_length=200)]
Pmid = Annotated[str, Str(r"^[1-9][0-9]{0,8}$", max_length=9)]
Pmcid = Annotated[str, Str(r"^PMC[0-9]{1,9}$", max_length=12)]
Url = Annotated[str, Str(r"^https?://[^\s\x00-\x1f\x7f]+$", max_length=500)]
Year = Annotated[int, Int(1900, 2100)]


# Reference types that may carry a rating, or count as the "guideline or systematic review" an option needs.
GRADING_TYPES = frozenset({"guideline", "systematic-review", "meta-analysis"})



class Node:
    """Shared behaviour of every domain class: extra fields are refused at the file boundary.

    Classes are frozen; equality is identity and the repr is short (the generated __eq__ and
    __repr__ of 27 dataclasses cost a measurable share of a warm run's start-up).
    """

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid", "str_strip_whitespace": True}

    def __repr__(self) -> str:
        ident = getattr(self, "id", None) or getattr(self, "source", None) or ""
        return f"<{type(self).__name__} {ident}>"


# --------------------------------------------------------------------------- references


@record(frozen=True, kw_only=True, eq=False, repr=False)
class Reference(Node):
    """One source, once. Field names follow CSL where they can (doi, pmid, issued year)."""

    id: Slug
    type: ReferenceType
    authors: tuple[Short, ...] = ()
    title: Text
    journal: Short | None = None
    publisher: Short | None = None
    year: Year | None = None
    volume: Short | None = None
    issue: Short | None = None
    pages: Short | None = None
    doi: Doi | None = None
    pmid: Pmid | None = None
    pmcid: Pmcid | None = None
    url: Url | None = None
    provenance: Text
    note: Text | None = None

    @property
    def doi_url(self) -> str | None:
        return f"https://doi.org/{self.doi}" if self.doi else None

    @property
    def pmid_url(self) -> str | None:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else None

    def short_authors(self) -> str:
        if not self.authors:
            return ""
        names = [a for a in self.authors if a.lower() not in ("et al", "et al.")]
        if len(names) > 3 or len(names) < len(self.authors):
            return ", ".join(names[:3]) + ", et al"
        return ", ".join(names)


# --------------------------------------------------------------------------- ratings, one type per scheme


@record(frozen=True, kw_only=True, eq=False, repr=False)
class Rating(Node):
    """One source's rating of one option, in that source's own scheme (see the subclasses)."""

    source: Slug
    scheme: str
    statement: Text
    where: Short
    note: Text | None = None
    population: Population = "after-inadequate-response"
    stance: Stance | None = None

    def value(self) -> tuple[str, object]:
        """The scheme's main value: ('line', 'first'), ('strength', 'consider'), ..."""
        raise NotImplementedError

    @property
    def is_canmat(self) -> bool:
        return False

    @property
    def for_mdd_in_general(self) -> bool:
        return bool(self.population == "mdd-general")

    def derived_stance(self) -> str:
        """for / against / uncertain: given, or derived from the rating in its own scheme."""
        if self.stance:
            return str(self.stance)
        name, value = self.value()
        from .vocab import STANCE_OF

        return STANCE_OF.get((self.scheme, name, value), "uncertain")


@record(frozen=True, kw_only=True, eq=False, repr=False)
class CanmatRating(Rating):
    scheme: Literal["canmat-2023", "canmat-2016"]
    line: CanmatLine | None = None
    level: Annotated[CanmatLevel, NoBool()] | None = None

    def __post_init__(self) -> None:
        if self.line is None and self.level is None:
            raise ValueError(f"a {self.scheme} rating needs a line, a level, or both")
        if self.line is None and not self.note:
            raise ValueError(
                f"a {self.scheme} rating without a line needs a note saying why "
                "(e.g. a strategy CANMAT does not place on a line)"
            )

    def value(self) -> tuple[str, object]:
        return ("line", self.line) if self.line is not None else ("level", self.level)

    @property
    def is_canmat(self) -> bool:
        return True


@record(frozen=True, kw_only=True, eq=False, repr=False)
class NiceRating(Rating):
    scheme: Literal["nice-ng222"]
    strength: NiceStrength

    def value(self) -> tuple[str, object]:
        return ("strength", self.strength)


@record(frozen=True, kw_only=True, eq=False, repr=False)
class NiceTaRating(Rating):
    scheme: Literal["nice-ta"]
    strength: TaStrength

    def value(self) -> tuple[str, object]:
        return ("strength", self.strength)


@record(frozen=True, kw_only=True, eq=False, repr=False)
class IpgRating(Rating):
    scheme: Literal["nice-ipg"]
    strength: IpgStrength

    def value(self) -> tuple[str, object]:
        return ("strength", self.strength)


@record(frozen=True, kw_only=True, eq=False, repr=False)
class GradeRating(Rating):
    scheme: Literal["grade"]
    certainty: Certainty
    stance: Stance

    def value(self) -> tuple[str, object]:
        return ("certainty", self.certainty)


# The one table of schemes and their rating types; the union below and the schema follow from it.
RATING_TYPES: dict[str, type[Rating]] = {
    "canmat-2023": CanmatRating,
    "canmat-2016": CanmatRating,
    "nice-ng222": NiceRating,
    "nice-ta": NiceTaRating,
    "nice-ipg": IpgRating,
    "grade": GradeRating,
}
Recommendation = Annotated[
    Union[CanmatRating, NiceRating, NiceTaRating, IpgRating, GradeRating],
    Tagged("scheme", RATING_TYPES),
]


# --------------------------------------------------------------------------- sourced statements


@record(frozen=True, kw_only=True, eq=False, repr=False)
class Sourced(Node):
    """A statement and the reference it comes from (where in it, when known)."""

    text: Text
    source: Slug
    where: Short | None = None


@record(frozen=True, kw_only=True, eq=False, repr=False)
class Figure(Node):
    """A key number, never without its context."""

    outcome: Short
    value: Short
    headline: Headline | None = None  # short form for the options table; the first with one is the key figure
    population: Text
    comparator: Text
    duration: Short | None = None
    source: Slug
    where: Short | None = None
    note: Text | None = None


@record(frozen=True, kw_only=True, eq=False, repr=False)
class Dose(Node):
    """How a medication is given, as a source states it (numbers copied as printed)."""

    population: Short | None = None
    start: Short | None = None
    usual: Short | None = None
    maximum: Short | None = None
    serum_level: Short | None = None
    titration: Text | None = None
    schedule: Text | None = None
    source: Slug
    where: Short
    note: Text | None = None

    PARTS: ClassVar[tuple[str, ...]] = ("start", "usual", "maximum", "serum_level", "titration", "schedule")

    def __post_init__(self) -> None:
        if all(getattr(self, name) is None for name in self.PARTS):
            raise ValueError("a dose needs at least one of: " + ", ".join(self.PARTS))


@record(frozen=True, kw_only=True, eq=False, repr=False)
class AdverseEffect(Node):
    effect: Short
    frequency: Frequency
    tags: tuple[EffectTag, ...] = ()
    source: Slug


@record(frozen=True, kw_only=True, eq=False, repr=False)
class Regulatory(Node):
    agency: Literal["FDA", "EMA", "Health Canada", "MHRA", "TGA", "NICE"]
    year: Year
    status: Text
    source: Slug


@record(frozen=True, kw_only=True, eq=False, repr=False)
class ContextRule(Node):
    context: Context
    effect: ContextEffect
    text: Text
    source: Slug


# --------------------------------------------------------------------------- options and classes


@record(frozen=True, kw_only=True, eq=False, repr=False)
class DrugClass(Node):
    """Facts that hold for a whole drug class, written once; each member option names the class."""

    id: Slug
    name: Short
    cautions: tuple[Sourced, ...] = ()
    contraindications: tuple[Sourced, ...] = ()
    interactions: tuple[Sourced, ...] = ()
    adverse_effects: tuple[AdverseEffect, ...] = ()
    monitoring: tuple[Sourced, ...] = ()
    practical: tuple[Sourced, ...] = ()


@record(frozen=True, kw_only=True, eq=False, repr=False)
class Option(Node):
    id: Slug
    name: Short
    aliases: tuple[Short, ...] = ()
    family: Family
    classes: tuple[Slug, ...] = ()
    summary: Text
    min_prior_trials: Annotated[int, Int(0, 10)]
    when_to_consider: tuple[Sourced, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    figures: tuple[Figure, ...] = ()
    onset: Sourced | None = None
    doses: tuple[Dose, ...] = ()
    protocol: tuple[Sourced, ...] = ()
    cautions: tuple[Sourced, ...] = ()
    contraindications: tuple[Sourced, ...] = ()
    interactions: tuple[Sourced, ...] = ()
    adverse_effects: tuple[AdverseEffect, ...] = ()
    monitoring: tuple[Sourced, ...] = ()
    practical: tuple[Sourced, ...] = ()
    regulatory: tuple[Regulatory, ...] = ()
    contexts: tuple[ContextRule, ...] = ()
    sources: tuple[Slug, ...] = ()
    last_reviewed: dt.date

    # ------------------------------------------------------------------ ratings

    def ratings(self, scheme: str) -> list[Rating]:
        return [r for r in self.recommendations if r.scheme == scheme]

    @property
    def canmat(self) -> CanmatRating | None:
        """The CANMAT 2023 rating for this situation (after an inadequate response) if there is one."""
        ratings = [r for r in self.recommendations if isinstance(r, CanmatRating) and r.scheme == "canmat-2023"]
        specific = [r for r in ratings if not r.for_mdd_in_general]
        found = specific or ratings
        return found[0] if found else None

    def primary_ratings(self) -> list[Rating]:
        """One rating per scheme: the one for this situation where a scheme has several."""
        out: dict[str, Rating] = {}
        for rec in self.recommendations:
            held = out.get(rec.scheme)
            if held is None or (held.for_mdd_in_general and not rec.for_mdd_in_general):
                out[rec.scheme] = rec
        return list(out.values())

    def disagreeing(self) -> list[Rating]:
        """Guideline ratings (not reviews) whose stance differs from the CANMAT 2023 rating shown."""
        canmat = self.canmat
        if canmat is None:
            return []
        mine = canmat.derived_stance()
        return [
            r
            for r in self.primary_ratings()
            if r.scheme not in ("grade", "canmat-2023") and {r.derived_stance(), mine} == {"for", "against"}
        ]

    def guidelines_disagree(self) -> bool:
        """True when one guideline recommends the option and another advises against it."""
        stances = {r.derived_stance() for r in self.primary_ratings() if r.scheme != "grade"}
        return "for" in stances and "against" in stances

    # ------------------------------------------------------------------ names and citations

    def names(self) -> list[str]:
        return [self.id, self.name, *self.aliases]

    def citations(self) -> Iterator[tuple[str, tuple[str | int, ...]]]:
        """(reference id, field path) for every citation in the option, derived from its type."""
        yield from citations_of(self)

    def cited_ids(self) -> list[str]:
        """Every reference id the option cites, in first-cited order (`sources` last)."""
        return list(dict.fromkeys(rid for rid, _path in self.citations()))


# --------------------------------------------------------------------------- the whole base


@record(frozen=True, kw_only=True, eq=False, repr=False)
class Definition(Node):
    term: Short
    text: Text
    source: Slug


@record(frozen=True, kw_only=True, eq=False, repr=False)
class ContextNote(Node):
    """What the sources say about a patient context as a whole (shown whenever it is asked for)."""

    context: Context
    text: Text
    source: Slug


@record(frozen=True, kw_only=True, eq=False, repr=False)
class StagingModel(Node):
    """A published staging model's rules in words, their sources, and what they leave open."""

    id: Literal["maudsley", "mgh", "thase-rush", "trd-definition"]
    name: Short
    sources: tuple[Slug, ...]
    rules: tuple[Text, ...]
    undefined: tuple[Text, ...] = ()


@record(frozen=True, kw_only=True, eq=False, repr=False)
class Meta(Node):
    """data/kb.yaml: what the knowledge base is and when it was last reviewed."""

    version: Version
    reviewed: dt.date
    title: Short
    scope: Text
    disclaimer: Short
    definitions: tuple[Definition, ...] = ()
    context_notes: tuple[ContextNote, ...] = ()
    staging_models: tuple[StagingModel, ...] = ()
    coverage: tuple[Short, ...] = ()  # names that must resolve to an option


@record(frozen=True, kw_only=True, eq=False, repr=False)
class SchemeValue(Node):
    value: Union[Annotated[int, Int(0, 100)], Short]
    label: Short
    definition: Text


@record(frozen=True, kw_only=True, eq=False, repr=False)
class EvidenceScheme(Node):
    id: Literal[tuple(RATING_TYPES)]  # type: ignore[valid-type]  # the keys of RATING_TYPES as a Literal
    name: Short
    sources: tuple[Slug, ...]
    note: Text | None = None
    line: tuple[SchemeValue, ...] = ()
    level: tuple[SchemeValue, ...] = ()
    strength: tuple[SchemeValue, ...] = ()
    certainty: tuple[SchemeValue, ...] = ()

    def label(self, name: str, value: object) -> str | None:
        for v in getattr(self, name, ()):
            if v.value == value:
                return str(v.label)
        return None


# One class per kind of file: what `trd schema` prints and what each file is validated against.
@record(frozen=True, kw_only=True, eq=False, repr=False)
class ReferencesFile(Node):
    references: tuple[Reference, ...]


@record(frozen=True, kw_only=True, eq=False, repr=False)
class OptionsFile(Node):
    options: tuple[Option, ...]


@record(frozen=True, kw_only=True, eq=False, repr=False)
class EvidenceFile(Node):
    schemes: tuple[EvidenceScheme, ...]


@record(frozen=True, kw_only=True, eq=False, repr=False)
class ClassesFile(Node):
    classes: tuple[DrugClass, ...]


Path = tuple[Union[str, int], ...]


@dataclass(frozen=True)
class Problem:
    """A cross-check failure: a path in the combined knowledge base and what is wrong there."""

    path: Path
    message: str
    hint: str = ""


@record(frozen=True, kw_only=True, eq=False, repr=False)
class KnowledgeBase:
    meta: Meta
    schemes: tuple[EvidenceScheme, ...]
    references: tuple[Reference, ...]
    options: Sequence[Option]  # a tuple, or the cache's lazily built sequence
    classes: tuple[DrugClass, ...] = ()
    names: tuple[tuple[str, ...], ...] | None = None  # per option [id, name, *aliases]; derived if absent
    cites: tuple[tuple[str, ...], ...] | None = None  # per option its cited reference ids; derived if absent
    vocabulary_cites: tuple[tuple[str, str], ...] = ()  # (reference id, file) cited by drugs.yaml or scales.yaml
    _refs: dict[str, Reference] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._refs.update((r.id, r) for r in self.references)

    def reference(self, rid: str) -> Reference:
        return self._refs[rid]

    def scheme(self, sid: str) -> EvidenceScheme | None:
        return next((s for s in self.schemes if s.id == sid), None)

    def drug_class(self, cid: str) -> DrugClass | None:
        return next((c for c in self.classes if c.id == cid), None)

    def name_index(self) -> list[tuple[int, str, tuple[str, ...]]]:
        """(position, id, (id, name, *aliases)) per option, without building cached options."""
        if self.names is not None:
            return [(i, names[0], names) for i, names in enumerate(self.names)]
        return [(i, o.id, tuple(o.names())) for i, o in enumerate(self.options)]

    def other_citations(self) -> Iterator[tuple[Path, str, str, str]]:
        """Citations outside the options: (path, what cites, role for cited_by, reference id)."""
        for rid, path in citations_of(self.meta, ("meta",)):
            role = "staging" if path[1] == "staging_models" else "kb"
            yield path, f"kb.yaml {path[1]}", role, rid
        for i, cls in enumerate(self.classes):
            for rid, path in citations_of(cls, ("classes", i)):
                yield path, f"drug class '{cls.id}'", "class:" + cls.id, rid
        for i, s in enumerate(self.schemes):
            for k, rid in enumerate(s.sources):
                yield ("schemes", i, "sources", k), f"scheme '{s.id}'", "legend", rid

    def cited_by(self) -> dict[str, list[str]]:
        """reference id -> ids of the options (and 'kb', 'legend', 'class:...') that cite it."""
        out: dict[str, list[str]] = {r.id: [] for r in self.references}
        if self.names is not None and self.cites is not None:  # from the cache: no option is built
            pairs = [(names[0], cited) for names, cited in zip(self.names, self.cites)]
        else:
            pairs = [(opt.id, tuple(opt.cited_ids())) for opt in self.options]
        for oid, cited in pairs:
            for rid in cited:
                out.setdefault(rid, []).append(oid)
        for _path, _what, role, rid in self.other_citations():
            if role not in out.setdefault(rid, []):
                out[rid].append(role)
        for rid, role in self.vocabulary_cites:
            if role not in out.setdefault(rid, []):
                out[rid].append(role)
        return out

    def check(self) -> list[Problem]:
        """Every cross-check between the parts: unique ids and names, no dangling reference or class."""
        from .names import fold_name, mixed_scripts

        problems: list[Problem] = []
        ref_ids: dict[str, int] = {}
        for i, ref in enumerate(self.references):
            if ref.id in ref_ids:
                problems.append(
                    Problem(
                        ("references", i, "id"),
                        f"duplicate reference id '{ref.id}' (first defined as reference #{ref_ids[ref.id] + 1})",
                        "give each source one record and one id",
                    )
                )
            ref_ids.setdefault(ref.id, i)

        def dangling(rid: str, path: Path, what: str) -> None:
            if rid not in ref_ids:
                problems.append(
                    Problem(path, f"{what} cites reference '{rid}', which is not in references.yaml", _suggest(rid, ref_ids))
                )

        class_ids = {c.id for c in self.classes}
        option_ids: dict[str, int] = {}
        names: dict[str, str] = {}
        for i, opt in enumerate(self.options):
            if opt.id in option_ids:
                problems.append(
                    Problem(
                        ("options", i, "id"),
                        f"duplicate option id '{opt.id}' (first defined as option #{option_ids[opt.id] + 1})",
                        "each option is defined once; merge the two entries",
                    )
                )
                continue
            option_ids[opt.id] = i
            for j, name in enumerate(opt.names()):
                where: Path = ("options", i, "id") if j == 0 else (
                    ("options", i, "name") if j == 1 else ("options", i, "aliases", j - 2)
                )
                what = "id" if j == 0 else "name" if j == 1 else "alias"
                scripts = mixed_scripts(name)
                if scripts:
                    problems.append(
                        Problem(
                            where,
                            f"{what} '{name}' of option '{opt.id}' mixes scripts inside one word ({scripts})",
                            "a look-alike letter from another alphabet makes a second name that reads the same; retype it",
                        )
                    )
                key = fold_name(name)
                owner = names.get(key)
                if owner is not None and owner != opt.id:
                    problems.append(
                        Problem(
                            where,
                            f"{what} '{name}' of option '{opt.id}' is already used by option '{owner}'",
                            "ids, names and aliases must each point to one option (compared ignoring case, "
                            "accents, punctuation and invisible characters)",
                        )
                    )
                names.setdefault(key, opt.id)
            for rid, sub in opt.citations():
                dangling(rid, ("options", i, *sub), f"option '{opt.id}'")
            for k, cid in enumerate(opt.classes):
                if cid not in class_ids:
                    problems.append(
                        Problem(
                            ("options", i, "classes", k),
                            f"option '{opt.id}' names drug class '{cid}', which is not in classes.yaml",
                            _suggest(cid, dict.fromkeys(class_ids, 0), "classes.yaml"),
                        )
                    )
        for path, what, _role, rid in self.other_citations():
            dangling(rid, path, what)
        seen: set[str] = set()
        for i, s in enumerate(self.schemes):
            if s.id in seen:
                problems.append(Problem(("schemes", i, "id"), f"scheme '{s.id}' is defined twice"))
            seen.add(s.id)
        for i, opt in enumerate(self.options):
            for j, rec in enumerate(opt.recommendations):
                if rec.scheme not in seen:
                    problems.append(
                        Problem(
                            ("options", i, "recommendations", j, "scheme"),
                            f"scheme '{rec.scheme}' is used but not defined in evidence.yaml",
                            "add its definitions to evidence.yaml so the legend can explain it",
                        )
                    )
                else:
                    name, value = rec.value()
                    scheme = self.scheme(rec.scheme)
                    if scheme is not None and value is not None and scheme.label(name, value) is None:
                        problems.append(
                            Problem(
                                ("options", i, "recommendations", j, name),
                                f"{rec.scheme} {name} '{value}' has no label and definition in evidence.yaml",
                                "every value a rating uses is defined once in evidence.yaml, for cells and legend alike",
                            )
                        )
        return problems


def _suggest(rid: str, known: dict[str, int], where: str = "references.yaml") -> str:
    import difflib

    from .names import did_you_mean

    close = difflib.get_close_matches(rid, [k for k in known if k != rid], n=1, cutoff=0.6)
    if close:
        return f"{did_you_mean(rid, close[0])} Otherwise add it to {where}"
    return f"add it to {where}, or correct the id"


# --------------------------------------------------------------------------- derived from the types


_HINTS: dict[type, dict[str, Any]] = {}


def hints(cls: type) -> dict[str, Any]:
    """The resolved annotations of a domain class (cached)."""
    found = _HINTS.get(cls)
    if found is None:
        # The annotations are objects, not strings (no `from __future__ import annotations` here), so
        # the fields' types are read as they are: no evaluation on the warm path.
        found = {f.name: f.type for f in dataclasses.fields(cls)}
        if any(isinstance(t, str) for t in found.values()):  # a class declared with string annotations
            resolved = typing.get_type_hints(cls)
            found = {name: resolved[name] for name in found}
        _HINTS[cls] = found
    return found


def item_types(annotation: Any) -> list[type]:
    """The dataclasses a field holds: `tuple[Sourced, ...]`, `Sourced | None`, a rating union."""
    out: list[type] = []
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return item_types(typing.get_args(annotation)[0])
    if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
        return [annotation]
    for arg in typing.get_args(annotation) if origin is not None else ():
        if arg is not Ellipsis:
            out += item_types(arg)
    return out


_SOURCED: dict[type, tuple[str, ...]] = {}


def _cites(cls: type) -> bool:
    names = {f.name for f in dataclasses.fields(cls)}
    return "source" in names or "sources" in names


def sourced_fields(cls: type) -> tuple[str, ...]:
    """The fields of `cls` whose items carry a `source` (or `sources`): its sourced parts, in order."""
    found = _SOURCED.get(cls)
    if found is None:
        found = tuple(name for name, ann in hints(cls).items() if any(_cites(t) for t in item_types(ann)))
        _SOURCED[cls] = found
    return found


def items_of(obj: object, name: str) -> list[Any]:
    """The items of one field, as a list (a single optional item becomes a list of 0 or 1)."""
    value = getattr(obj, name)
    if value is None:
        return []
    return list(value) if isinstance(value, (tuple, list)) else [value]


def _item_citations(item: Any, path: Path) -> Iterator[tuple[str, Path]]:
    source = getattr(item, "source", None)
    if isinstance(source, str):
        yield source, (*path, "source")
    for k, rid in enumerate(getattr(item, "sources", None) or ()):
        yield rid, (*path, "sources", k)


def citations_of(obj: object, prefix: Path = ()) -> Iterator[tuple[str, Path]]:
    """(reference id, path) for every citation in the sourced fields of `obj`, and its `sources`."""
    for name in sourced_fields(type(obj)):
        value = getattr(obj, name)
        if value is None:
            continue
        if isinstance(value, (tuple, list)):
            for i, item in enumerate(value):
                yield from _item_citations(item, (*prefix, name, i))
        else:
            yield from _item_citations(value, (*prefix, name))
    if "sources" in hints(type(obj)):
        for k, rid in enumerate(getattr(obj, "sources")):
            yield rid, (*prefix, "sources", k)


# --------------------------------------------------------------------------- plain data <-> classes


_SCALARS = (str, int, float, bool, type(None))
_FIELDS: dict[type, tuple[str, ...]] = {}


def to_plain(obj: Any) -> Any:
    """A domain object as JSON-ready data (dates as ISO strings, tuples as lists)."""
    t = type(obj)
    if t in _SCALARS:
        return obj
    names = _FIELDS.get(t)
    if names is None and dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        names = _FIELDS[t] = tuple(f.name for f in dataclasses.fields(obj) if not f.name.startswith("_"))
    if names is not None:
        return {n: to_plain(getattr(obj, n)) for n in names}
    if t is tuple or t is list:
        return [to_plain(x) for x in obj]
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


_PLANS: dict[type, list[tuple[str, Any]]] = {}


def _converter(annotation: Any) -> Any:
    """How to turn a plain value into the value a field holds (None when it is already right)."""
    origin = typing.get_origin(annotation)
    if annotation is dt.date:
        return dt.date.fromisoformat
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        cls: type[Any] = annotation
        return lambda v: from_plain(cls, v)
    if origin is tuple or origin is Sequence or origin is list:
        inner = _converter(typing.get_args(annotation)[0])
        return (lambda v: tuple([inner(x) for x in v])) if inner else tuple
    if origin is Union or origin is types.UnionType:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        classes = [a for a in args if dataclasses.is_dataclass(a)]
        if len(classes) > 1:  # a rating: told apart by its scheme
            return lambda v: from_plain(RATING_TYPES[v["scheme"]], v)
        if len(args) == 1:
            inner = _converter(args[0])
            return (lambda v: None if v is None else inner(v)) if inner else None
    if origin is Annotated:
        return _converter(typing.get_args(annotation)[0])
    return None


def from_plain(cls: type[Any], data: dict[str, Any]) -> Any:
    """Rebuild a domain object from `to_plain` output, trusting it (the cache verified its checksum).

    The object is made without calling __init__ (its checks ran when the data was validated):
    the plain values are converted where a field holds dates, tuples or nested classes, and the
    dict becomes the object's attributes. This is the warm path of every run.
    """
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = [
            (name, conv) for name, ann in hints(cls).items() if not name.startswith("_") and (conv := _converter(ann))
        ]
    values = dict(data)
    for name, conv in plan:
        value = values.get(name)
        if value is not None:
            values[name] = conv(value)
    obj = object.__new__(cls)
    obj.__dict__.update(values)
    return obj


def severity_rank(effect: str) -> int:
    return SEVERITY_ORDER.index(effect) if effect in SEVERITY_ORDER else len(SEVERITY_ORDER)
