"""Filtering, ordering, name resolution and search over a knowledge base: typed results only.

Pure functions of (knowledge base, query) -> result; nothing here reads files, prints, or
chooses words or symbols for a screen (that is `views`).

The order of `trd options` (ORDER_RULE, shown in --help, the README and `trd show`): options are
grouped by their CANMAT 2023 rating for difficult-to-treat depression (first, second, third line;
then options CANMAT rates only for MDD in general; options CANMAT does not rate; investigational
options; last, options advised against). A strategy CANMAT recommends without a line sits with the
second-line options, after those with a line. Within a group, a stated level of evidence 1 comes
first, then 2, 3, 4, then an unstated level; ties keep the family order, then the name. An option
CANMAT does not rate goes to the advised-against group when another guideline advises against it.
Where guidelines disagree, the option keeps its CANMAT place and the other rating is shown beside
it. The order is a reading aid, not a composite score.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .domain import KnowledgeBase, Option, severity_rank
from .frozen import record
from .errors import UsageError
from .names import fold, fold_name
from .vocab import CANMAT_LINES, CONTEXTS, EFFECT_TAGS, FAMILIES

TRD_THRESHOLD = 2

# The groups of `trd options`, in order.
GROUPS = ("first", "second", "third", "mdd-general", "not-rated", "investigational", "against")


@record(frozen=True, eq=False, repr=False)
class OptionsQuery:
    """What `trd options` asks."""

    prior_trials: int | None = None
    families: tuple[str, ...] = ()
    line: str | None = None  # the CANMAT 2023 line shown for the option, exact
    contexts: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    strict: bool = False  # hide options flagged for an avoided effect or contraindicated in a context

    def as_dict(self) -> dict[str, Any]:
        return {
            "prior_trials": self.prior_trials,
            "families": list(self.families),
            "line": self.line,
            "contexts": list(self.contexts),
            "avoid": list(self.avoid),
            "strict": self.strict,
        }


@record(frozen=True, eq=False, repr=False)
class Flag:
    """Why an option is marked for this patient: a context rule, an effect to avoid, a past trial."""

    kind: str  # a context rule's effect, "avoid", or "tried"
    about: str  # the context, the effect, or the drug/strategy tried
    text: str
    source: str  # a reference id ("" for a flag from the patient's own history)


@dataclass(eq=False, repr=False)
class OptionsResult:
    query: OptionsQuery
    options: list[Option]
    flags: dict[str, list[Flag]] = field(default_factory=dict)  # option id -> flags
    hidden: list[str] = field(default_factory=list)  # ids hidden by --strict
    filtered_out: int = 0  # options the filters left out
    not_yet_trd: bool = False
    relax: list[tuple[str, str]] = field(default_factory=list)  # (flag to change, why) when nothing matched
    context_notes: list[Any] = field(default_factory=list)  # meta.context_notes for the contexts asked
    history_notes: list[str] = field(default_factory=list)  # pseudo-resistance flags and the like, from a history

    def flags_for(self, opt: Option) -> list[Flag]:
        return self.flags.get(opt.id, [])

    def groups(self) -> list[tuple[str, list[Option]]]:
        """The options in their groups, in order; empty groups left out."""
        out: dict[str, list[Option]] = {}
        for o in self.options:
            out.setdefault(group_of(o), []).append(o)
        return [(g, out[g]) for g in GROUPS if g in out]


def group_of(opt: Option) -> str:
    """The group of `trd options` an option belongs to (see ORDER_RULE in this module's doc)."""
    canmat = opt.canmat
    if canmat is not None and not canmat.for_mdd_in_general:
        if canmat.line in ("investigational",):
            return "investigational"
        if canmat.line == "not-recommended" or canmat.derived_stance() == "against":
            return "against"
        if canmat.line in ("first", "second", "third"):
            return str(canmat.line)
        return "second"  # recommended without a line
    stances = {r.derived_stance() for r in opt.primary_ratings() if r.scheme not in ("grade", "canmat-2023")}
    if canmat is not None:
        return "against" if canmat.derived_stance() == "against" else "mdd-general"
    if "against" in stances and "for" not in stances:
        return "against"
    return "not-rated"


def rank_key(opt: Option) -> tuple[int, int, int, int, str]:
    canmat = opt.canmat
    has_line = 0 if canmat is not None and canmat.line is not None else 1
    level = canmat.level if canmat is not None and canmat.level is not None else 5
    return (GROUPS.index(group_of(opt)), has_line, level, FAMILIES.index(opt.family), opt.name.casefold())


def flags_of(opt: Option, contexts: tuple[str, ...], avoid: tuple[str, ...], kb: KnowledgeBase | None = None) -> list[Flag]:
    """The option's context rules and adverse effects that concern this patient (its drug classes' too)."""
    out = [Flag(r.effect, r.context, r.text, r.source) for r in opt.contexts if r.context in contexts]
    effects = list(opt.adverse_effects)
    for cid in opt.classes if kb is not None else ():
        cls = kb.drug_class(cid) if kb is not None else None
        effects += list(cls.adverse_effects) if cls is not None else []
    for a in effects:
        for tag in a.tags:
            if tag in avoid:
                out.append(Flag("avoid", tag, a.effect, a.source))
    return sorted(out, key=lambda f: severity_rank(f.kind))


def nearest_choice(value: str, allowed: tuple[str, ...]) -> str:
    """The allowed value a mistyped one most likely meant ('' when none is close)."""
    import difflib

    from .vocab import SYNONYMS

    key = fold_name(value)
    if not key:
        return ""
    by_key = {fold_name(a): a for a in allowed}
    if key in by_key:  # case, spaces or underscores: `--context Older_Adult`
        return by_key[key]
    synonym = SYNONYMS.get(key) or SYNONYMS.get(fold(value).strip())
    if synonym in allowed:
        return str(synonym)
    starting = [a for k, a in by_key.items() if k.startswith(key) or (len(key) >= 4 and key in k)]
    if len(starting) == 1:
        return starting[0]
    close = difflib.get_close_matches(key, list(by_key), n=1, cutoff=0.6)
    return by_key[close[0]] if close else ""


def _check_choice(value: str, allowed: tuple[str, ...], what: str, flag: str) -> None:
    if value not in allowed:
        close = nearest_choice(value, allowed)
        hint = (f"Did you mean '{close}'? " if close else "") + f"{what}: {', '.join(allowed)}."
        plural = what.lower()
        singular = plural[:-3] + "y" if plural.endswith("ies") else plural.removesuffix("s")
        raise UsageError(f"Unknown {singular} {shown(value)} for {flag}.", hint=hint)


def select(kb: KnowledgeBase, q: OptionsQuery, tried: dict[str, list[Flag]] | None = None) -> OptionsResult:
    """The options that fit, in the order of ORDER_RULE (this module's doc)."""
    for fam in q.families:
        _check_choice(fam, FAMILIES, "Families", "--family")
    if q.line is not None:
        _check_choice(q.line, CANMAT_LINES[:3], "Lines", "--line")
    for ctx in q.contexts:
        _check_choice(ctx, CONTEXTS, "Contexts", "--context")
    for eff in q.avoid:
        _check_choice(eff, EFFECT_TAGS, "Effects", "--avoid")

    def fits(opt: Option, prior: bool = True, fam: bool = True, line: bool = True) -> bool:
        if prior and q.prior_trials is not None and opt.min_prior_trials > q.prior_trials:
            return False
        if fam and q.families and opt.family not in q.families:
            return False
        if line and q.line is not None:
            shown = opt.canmat
            if shown is None or shown.for_mdd_in_general or shown.line != q.line:
                return False
        return True

    everything = list(kb.options)
    chosen = sorted((o for o in everything if fits(o)), key=rank_key)
    flags: dict[str, list[Flag]] = {}
    for o in chosen:
        found = flags_of(o, q.contexts, q.avoid, kb) + list((tried or {}).get(o.id, []))
        if found:
            flags[o.id] = sorted(found, key=lambda f: severity_rank(f.kind))
    hidden: list[str] = []
    if q.strict:
        hidden = [o.id for o in chosen if any(f.kind in ("avoid", "contraindicated") for f in flags.get(o.id, []))]
        chosen = [o for o in chosen if o.id not in hidden]
    if q.contexts:
        # Within its group: first what a guideline favours earlier in this context, last what it contraindicates.
        def within(o: Option) -> tuple[int, int]:
            kinds = {f.kind for f in flags.get(o.id, [])}
            return (GROUPS.index(group_of(o)), 2 if "contraindicated" in kinds else 0 if "earlier" in kinds else 1)

        chosen = sorted(chosen, key=within)
    result = OptionsResult(q, chosen, flags=flags, hidden=hidden, filtered_out=len(everything) - len(chosen) - len(hidden))
    result.context_notes = [n for n in kb.meta.context_notes if n.context in q.contexts]
    result.not_yet_trd = q.prior_trials is not None and q.prior_trials < TRD_THRESHOLD
    if not chosen:
        if q.line is not None and any(fits(o, line=False) for o in everything):
            result.relax.append((f"--line {q.line}", "drop it"))
        if q.families and any(fits(o, fam=False) for o in everything):
            result.relax.append(("--family " + " --family ".join(q.families), "drop it"))
        if q.prior_trials is not None and any(fits(o, prior=False) for o in everything):
            lowest = min(o.min_prior_trials for o in everything if fits(o, prior=False))
            result.relax.append((f"--prior-trials {q.prior_trials}", f"raise it to {lowest}"))
        if hidden:
            result.relax.append(("--strict", "drop it to see the flagged options"))
        if not result.relax:
            result.relax.append(("the filters", "remove them"))
    return result


# --------------------------------------------------------------------------- names


@record(frozen=True, eq=False, repr=False)
class Resolution:
    option: Option
    exact: bool
    typed: str
    how: str = "exact"  # exact | prefix | spelling | first-mention


def mentions(kb: KnowledgeBase, word: str, names_only: bool = False) -> list[str]:
    """Ids of the options whose names, aliases (or, unless `names_only`, text) mention `word`."""
    key = fold(word.strip())
    out: list[str] = []
    for _pos, oid, names in kb.name_index():
        if any(key in fold(n) for n in names):
            out.append(oid)
    if names_only:
        return out
    for opt in kb.options:
        if opt.id not in out and any(key in fold(text) for _path, text in strings_of(opt)):
            out.append(opt.id)
    return out


def resolve(kb: KnowledgeBase, name: str, first: bool = False) -> Resolution:
    """An option by id, name or alias; a unique prefix or a close spelling with a note; else exit 2.

    A word found only inside other options (a drug of a combination, a drug the knowledge base
    covers under a strategy) is not guessed: the error lists the options that mention it, unless
    `first` asks for the first of them.
    """
    key = fold_name(name)
    if not key:
        raise UsageError("An option name is needed.", hint="`trd options` lists them; `trd show ect` shows one.")
    entries = kb.name_index()
    index: dict[str, tuple[int, str]] = {}
    for pos, oid, names in entries:
        for n in names:
            index.setdefault(fold_name(n), (pos, oid))
    if key in index:
        return Resolution(kb.options[index[key][0]], True, name)

    import difflib

    # A unique option whose id, name or alias starts with the text.
    hits = {oid: pos for n, (pos, oid) in index.items() if n.startswith(key) and len(key) >= 3}
    if len(hits) == 1:
        return Resolution(kb.options[next(iter(hits.values()))], False, name, "prefix")
    if len(hits) > 1:
        ids = sorted(hits)
        raise UsageError(
            f"{shown(name)} matches {len(ids)} options: {', '.join(ids[:8])}{', ...' if len(ids) > 8 else ''}.",
            hint="Give one of these ids, for example `trd show " + ids[0] + "`.",
        )
    close = difflib.get_close_matches(key, list(index), n=5, cutoff=0.75)
    unique = list(dict.fromkeys(index[c][1] for c in close))
    if len(unique) == 1 and difflib.SequenceMatcher(None, key, close[0]).ratio() >= 0.85:
        return Resolution(kb.options[index[close[0]][0]], False, name, "spelling")
    mentioned = mentions(kb, name) if len(key) >= 3 else []
    if mentioned and first:
        pos = next(p for p, oid, _n in entries if oid == mentioned[0])
        return Resolution(kb.options[pos], False, name, "first-mention")
    if mentioned:
        raise UsageError(
            f"No option called {shown(name)}; {len(mentioned)} option{'s' if len(mentioned) != 1 else ''} "
            f"mention{'s' if len(mentioned) == 1 else ''} it: {', '.join(mentioned[:10])}{', ...' if len(mentioned) > 10 else ''}.",
            hint=f"Show one of them, for example `trd show {mentioned[0]}`, or add --first to take the first.",
        )
    suggestions = unique or list(
        dict.fromkeys(index[c][1] for c in difflib.get_close_matches(key, list(index), n=5, cutoff=0.7))
    )
    hint = (
        f"Did you mean {', '.join(suggestions[:-1]) + ' or ' if len(suggestions) > 1 else ''}{suggestions[-1]}?"
        if suggestions
        else "Run `trd options` to list the options, or `trd search WORD` to find a word in them."
    )
    raise UsageError(f"No option called {shown(name)}.", hint=hint)


def resolve_many(kb: KnowledgeBase, names: list[str], first: bool = False) -> list[Resolution]:
    """Several names, each resolved; a name given twice is an error (exit 2)."""
    found = [resolve(kb, n, first) for n in names]
    seen: dict[str, str] = {}
    for r in found:
        if r.option.id in seen:
            raise UsageError(
                f"{shown(r.typed)} and {shown(seen[r.option.id])} are the same option ({r.option.id}).",
                hint="Name each option once.",
            )
        seen[r.option.id] = r.typed
    return found


def shown(text: str, limit: int = 60) -> str:
    """User input as it may be echoed: escaped (no terminal control) and shortened."""
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(text) if not text.isprintable() else f"'{text}'"


# --------------------------------------------------------------------------- search


@record(frozen=True, eq=False, repr=False)
class Hit:
    kind: str  # "option" or "reference"
    id: str
    field: str  # where it matched, e.g. "recommendations[0].statement"
    text: str  # the matching text, whole


def strings_of(obj: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string inside a domain object, with its field path (derived from the classes)."""
    import dataclasses

    if isinstance(obj, str):
        yield path, obj
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if not f.name.startswith("_"):
                yield from strings_of(getattr(obj, f.name), f"{path}.{f.name}" if path else f.name)
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from strings_of(item, f"{path}[{i}]")


def search(kb: KnowledgeBase, text: str) -> list[Hit]:
    """Every option field and reference field that mentions `text` (case/accent-insensitive)."""
    needle = fold(text.strip())
    if not needle:
        raise UsageError("Nothing to search for.", hint="Give a word, for example `trd search akathisia`.")
    hits: list[Hit] = []
    for opt in kb.options:
        for path, value in strings_of(opt):
            if needle in fold(value):
                hits.append(Hit("option", opt.id, path, value))
    for ref in kb.references:
        for path, value in strings_of(ref):
            if path != "provenance" and needle in fold(value):
                hits.append(Hit("reference", ref.id, path, value))
    return hits


def near_terms(kb: KnowledgeBase, text: str, n: int = 3) -> list[str]:
    """Words of the knowledge base close to `text`, for a search that found nothing."""
    import difflib
    import re

    words: set[str] = set()
    for opt in kb.options:
        for _path, value in strings_of(opt):
            words.update(w for w in re.findall(r"[^\W\d_]{4,}", fold(value)))
    return difflib.get_close_matches(fold(text.strip()), sorted(words), n=n, cutoff=0.75)
