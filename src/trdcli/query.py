"""Filtering, ranking and name resolution over a validated knowledge base.

Pure functions of (knowledge base, query) -> result; nothing here reads files or prints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

from .errors import UsageError
from .logic import normalise
from .vocab import CANMAT_LINES, CONTEXTS, EFFECT_TAGS, FAMILIES

if TYPE_CHECKING:
    from .models import KnowledgeBase, Option

TRD_THRESHOLD = 2


class OptionsQuery:
    """What `trd options` asks. (Plain classes on the hot path: a dataclass costs ~1 ms to define.)"""

    def __init__(
        self,
        prior_trials: int | None = None,
        families: tuple[str, ...] = (),
        line: str | None = None,  # CANMAT 2023 line, exact
        contexts: tuple[str, ...] = (),
        avoid: tuple[str, ...] = (),
        strict: bool = False,  # hide options flagged for an avoided effect or contraindicated in a context
    ) -> None:
        self.prior_trials, self.families, self.line = prior_trials, tuple(families), line
        self.contexts, self.avoid, self.strict = tuple(contexts), tuple(avoid), strict

    def describe(self) -> str:
        parts = []
        if self.prior_trials is not None:
            parts.append(f"{self.prior_trials} failed adequate trial{'s' if self.prior_trials != 1 else ''}")
        if self.families:
            parts.append("family " + " or ".join(self.families))
        if self.line:
            parts.append(f"CANMAT 2023 {self.line}-line")
        if self.contexts:
            parts.append("context " + ", ".join(self.contexts))
        if self.avoid:
            parts.append("avoiding " + ", ".join(self.avoid) + (" (strict)" if self.strict else ""))
        return "; ".join(parts) if parts else "all options"

    def as_dict(self) -> dict[str, Any]:
        return {
            "prior_trials": self.prior_trials,
            "families": list(self.families),
            "line": self.line,
            "contexts": list(self.contexts),
            "avoid": list(self.avoid),
            "strict": self.strict,
        }


class Flag:
    """Why an option is marked for this patient: a context rule or an adverse effect to avoid."""

    __slots__ = ("kind", "about", "text", "source")

    def __init__(self, kind: str, about: str, text: str, source: str) -> None:
        self.kind = kind  # earlier | caution | contraindicated | avoid
        self.about = about  # the context or the effect
        self.text, self.source = text, source


FLAG_SYMBOLS = {"earlier": "↑", "caution": "!", "contraindicated": "✗", "avoid": "⚠"}
FLAG_WORDS = {
    "earlier": "favoured earlier",
    "caution": "caution",
    "contraindicated": "contraindicated",
    "avoid": "has an effect to avoid",
}


class OptionsResult:
    def __init__(
        self,
        query: OptionsQuery,
        options: list[Option],
        flags: dict[str, list[Flag]] | None = None,
        hidden: list[str] | None = None,
    ) -> None:
        self.query, self.options = query, options
        self.notes: list[str] = []
        self.relax: list[str] = []  # suggestions when nothing matched
        self.flags = flags or {}  # option id -> flags, for contexts/avoid
        self.context_notes: list[Any] = []  # meta.context_notes for the contexts asked
        self.hidden = hidden or []  # ids hidden by --strict

    def flags_for(self, opt: Option) -> list[Flag]:
        return self.flags.get(opt.id, [])


def flags_of(opt: Option, contexts: tuple[str, ...], avoid: tuple[str, ...]) -> list[Flag]:
    out = [Flag(r.effect, r.context, r.text, r.source) for r in opt.contexts if r.context in contexts]
    for a in opt.adverse_effects:
        for tag in a.tags:
            if tag in avoid:
                out.append(Flag("avoid", tag, a.effect, a.source))
    order = {"contraindicated": 0, "avoid": 1, "caution": 2, "earlier": 3}
    return sorted(out, key=lambda f: order[f.kind])


def select(kb: KnowledgeBase, q: OptionsQuery) -> OptionsResult:
    """The options that fit, best-supported first (see models.RANKING_EXPLANATION)."""
    for fam in q.families:
        if fam not in FAMILIES:
            raise UsageError(f"Unknown family '{fam}'.", hint=f"Families: {', '.join(FAMILIES)}.")
    if q.line is not None and q.line not in CANMAT_LINES[:3]:
        raise UsageError(f"Unknown line '{q.line}'.", hint="Lines: first, second, third.")

    def fits(opt: Option, prior: bool = True, fam: bool = True, line: bool = True) -> bool:
        if prior and q.prior_trials is not None and opt.min_prior_trials > q.prior_trials:
            return False
        if fam and q.families and opt.family not in q.families:
            return False
        if line and q.line is not None and not any(r.line == q.line for r in opt.ratings("canmat-2023")):
            return False
        return True

    for ctx in q.contexts:
        if ctx not in CONTEXTS:
            raise UsageError(f"Unknown context '{ctx}'.", hint=f"Contexts: {', '.join(CONTEXTS)}.")
    for eff in q.avoid:
        if eff not in EFFECT_TAGS:
            raise UsageError(f"Unknown effect '{eff}'.", hint=f"Effects: {', '.join(EFFECT_TAGS)}.")

    chosen = sorted((o for o in kb.options if fits(o)), key=lambda o: o.rank_key())
    flags = {o.id: fl for o in chosen if (fl := flags_of(o, q.contexts, q.avoid))}
    hidden: list[str] = []
    if q.strict:
        hidden = [o.id for o in chosen if any(f.kind in ("avoid", "contraindicated") for f in flags.get(o.id, []))]
        chosen = [o for o in chosen if o.id not in hidden]
    if q.contexts:
        # Within the usual order: first what a guideline favours in this situation, last what it contraindicates.
        def group(o: Option) -> int:
            kinds = {f.kind for f in flags.get(o.id, [])}
            return 2 if "contraindicated" in kinds else 0 if "earlier" in kinds else 1

        chosen = sorted(chosen, key=group)
    result = OptionsResult(q, chosen, flags=flags, hidden=hidden)
    result.context_notes = [n for n in kb.meta.context_notes if n.context in q.contexts]
    if q.prior_trials is not None and q.prior_trials < TRD_THRESHOLD:
        n = q.prior_trials
        result.notes.append(
            f"Not yet treatment-resistant depression by the usual definition (no adequate response "
            f"to two or more adequate antidepressant trials): {n} trial{'s' if n != 1 else ''} so far. "
            + (
                "Shown: what guidelines place after an inadequate response to a first antidepressant."
                if n == 1
                else "Shown: options guidelines place before any antidepressant trial has failed."
            )
        )
    if not chosen:
        if q.line is not None and any(fits(o, line=False) for o in kb.options):
            result.relax.append(f"drop --line {q.line}")
        if q.families and any(fits(o, fam=False) for o in kb.options):
            result.relax.append("drop --family " + " --family ".join(q.families))
        if q.prior_trials is not None and any(fits(o, prior=False) for o in kb.options):
            lowest = min(o.min_prior_trials for o in kb.options if fits(o, prior=False))
            result.relax.append(f"raise --prior-trials to {lowest}")
        if not result.relax:
            result.relax.append("remove the filters")
    return result


# --------------------------------------------------------------------------- names


class Resolution:
    __slots__ = ("option", "exact", "typed")

    def __init__(self, option: Option, exact: bool, typed: str) -> None:
        self.option, self.exact, self.typed = option, exact, typed


def resolve(kb: KnowledgeBase, name: str) -> Resolution:
    """An option by id, name or alias; else a unique prefix or word match; else a close spelling.

    Works on the name index (id and names per option), so that a large knowledge base read from
    the cache builds only the option asked for. Raises UsageError (exit 2) with suggestions when
    the name is unknown or ambiguous.
    """
    key = normalise(name)
    if not key:
        raise UsageError("An option name is needed.", hint="`trd options` lists them; `trd show ect` shows one.")
    entries = kb.name_index()  # [(position, id, [id, name, *aliases])]
    index: dict[str, tuple[int, str]] = {}
    for pos, oid, names in entries:
        for n in names:
            index.setdefault(normalise(n), (pos, oid))
    if key in index:
        return Resolution(kb.options[index[key][0]], True, name)

    # A unique option whose id, name or alias starts with, or has a word starting with, the text.
    words = name.casefold().split()
    hits: dict[str, int] = {}
    for pos, oid, names in entries:
        for candidate in names:
            norm = normalise(candidate)
            tokens = [normalise(t) for t in candidate.replace("-", " ").replace("(", " ").split()]
            if norm.startswith(key) or (len(key) >= 4 and any(t.startswith(key) for t in tokens)):
                hits[oid] = pos
            elif len(words) > 1 and all(any(t.startswith(normalise(w)) for t in tokens) for w in words):
                hits[oid] = pos
    if len(hits) == 1:
        return Resolution(kb.options[next(iter(hits.values()))], False, name)
    if len(hits) > 1:
        ids = sorted(hits)
        raise UsageError(
            f"'{name}' matches {len(ids)} options: {', '.join(ids[:8])}{', ...' if len(ids) > 8 else ''}.",
            hint="Give one of these ids, for example `trd show " + ids[0] + "`.",
        )

    import difflib

    close = difflib.get_close_matches(key, list(index), n=5, cutoff=0.75)
    unique = list(dict.fromkeys(index[c][1] for c in close))
    if len(unique) == 1 and difflib.SequenceMatcher(None, key, close[0]).ratio() >= 0.85:
        return Resolution(kb.options[index[close[0]][0]], False, name)
    suggestions = unique or list(
        dict.fromkeys(index[c][1] for c in difflib.get_close_matches(key, list(index), n=5, cutoff=0.5))
    )
    hint = (
        f"Did you mean {', '.join(suggestions[:-1]) + ' or ' if len(suggestions) > 1 else ''}{suggestions[-1]}?"
        if suggestions
        else "Run `trd options` to list the options."
    )
    raise UsageError(f"No option called '{name}'.", hint=hint)


def resolve_many(kb: KnowledgeBase, names: list[str]) -> list[Resolution]:
    """Several names, each resolved; a name given twice is an error (exit 2)."""
    found = [resolve(kb, n) for n in names]
    seen: dict[str, str] = {}
    for r in found:
        if r.option.id in seen:
            raise UsageError(
                f"'{r.typed}' and '{seen[r.option.id]}' are the same option ({r.option.id}).",
                hint="Name each option once.",
            )
        seen[r.option.id] = r.typed
    return found


# --------------------------------------------------------------------------- search


class Hit:
    __slots__ = ("kind", "id", "field", "text")

    def __init__(self, kind: str, id: str, field: str, text: str) -> None:  # noqa: A002
        self.kind = kind  # "option" or "reference"
        self.id = id
        self.field = field  # where it matched, e.g. "recommendations[0].statement"
        self.text = text  # the matching text, whole


def fold(text: str) -> str:
    """Case- and accent-insensitive form for searching ('Électro' matches 'electro')."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _strings(obj: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string inside a record (or a pydantic model) or container, with its field path."""
    if isinstance(obj, str):
        yield path, obj
    elif hasattr(obj, "fields") or hasattr(type(obj), "model_fields"):
        names = obj.fields() if hasattr(obj, "fields") else list(type(obj).model_fields)
        for name in names:
            yield from _strings(getattr(obj, name), f"{path}.{name}" if path else name)
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from _strings(item, f"{path}[{i}]")


def search(kb: KnowledgeBase, text: str) -> list[Hit]:
    """Every option field and reference field that mentions `text` (case/accent-insensitive)."""
    needle = fold(text.strip())
    if not needle:
        raise UsageError("Nothing to search for.", hint="Give a word, for example `trd search akathisia`.")
    hits: list[Hit] = []
    for opt in kb.options:
        for path, value in _strings(opt, ""):
            if needle in fold(value):
                hits.append(Hit("option", opt.id, path, value))
    for ref in kb.references:
        for path, value in _strings(ref, ""):
            if path == "provenance":
                continue
            if needle in fold(value):
                hits.append(Hit("reference", ref.id, path, value))
    return hits
