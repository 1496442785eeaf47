"""The logic of the knowledge base's records, free of pydantic: labels, stances, ranking, citations.

The pydantic models (`models.py`) and the light records a cached knowledge base is read into
(`records.py`) both inherit these mixins, so validation and the fast path answer alike.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import EvidenceScheme, Recommendation, Reference

from .vocab import FAMILIES

SCHEMA_VERSION = 1


class ReferenceLogic:
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

    def vancouver(self) -> str:
        """A Vancouver-style citation (ICMJE), as clinicians read them."""
        parts = []
        who = self.short_authors()
        if who:
            parts.append(f"{who}.")
        parts.append(self.title.rstrip(".") + ".")
        venue = self.journal or self.publisher
        year = str(self.year) if self.year else "n.d."
        tail = f"{venue}. {year}" if venue else year
        if self.volume:
            tail += f";{self.volume}"
            if self.issue:
                tail += f"({self.issue})"
        if self.pages:
            tail += f":{self.pages}"
        parts.append(tail if tail.endswith(".") else tail + ".")
        return " ".join(parts)


class RecommendationLogic:
    @property
    def is_canmat(self) -> bool:
        return self.scheme.startswith("canmat")

    @property
    def derived_stance(self) -> str:
        """for / against / uncertain, derived from the rating in its own scheme."""
        if self.stance:
            return self.stance
        if self.line is not None:
            return {"investigational": "uncertain", "not-recommended": "against"}.get(self.line, "for")
        if self.is_canmat:
            return "for"  # a strategy CANMAT recommends without placing it on a line
        if self.strength is not None:
            s = self.strength
            if s.endswith("against") or s.startswith("do-not") or s == "not-recommended":
                return "against"
            return "uncertain" if s == "neither" else "for"
        return "uncertain"

    def label(self) -> str:
        """The rating in the guideline's own words, compact: '2nd line, L2', 'NICE: consider'."""
        suffix = " (MDD)" if self.population == "mdd-general" else ""
        return self._label() + suffix

    def _label(self) -> str:
        if self.is_canmat and self.line is None:
            word = {"for": "recommended (no line)", "against": "not supported", "uncertain": "no line"}
            return f"{word[self.derived_stance]}, L{self.level}"
        if self.line is not None:
            line = {
                "first": "1st line",
                "second": "2nd line",
                "third": "3rd line",
                "investigational": "investigational",
                "not-recommended": "not recommended",
            }[self.line]
            level = f", L{self.level}" if self.level is not None else ", level n/s"
            return line + (level if self.line not in ("investigational", "not-recommended") or self.level else "")
        if self.strength is not None:
            return self.strength.replace("-", " ")
        if self.certainty is not None:
            return f"{self.stance or 'uncertain'} ({self.certainty.replace('-', ' ')} certainty)"
        return ""


# Sort order derived from the guideline ratings; `trd show` prints RANKING_EXPLANATION.
_LINE_TIER = {"first": 1, "second": 2, "third": 3, "investigational": 5, "not-recommended": 7}
RANKING_EXPLANATION = (
    "Options are ordered by their CANMAT 2023 rating: first, second and third line (a strategy "
    "CANMAT recommends without a line sorts with the second-line options), then options rated "
    "by CANMAT only for adults with MDD in general (marked '(MDD)') and options CANMAT does not "
    "rate but another guideline recommends, then investigational options and the rest, and "
    "last the options a guideline advises against. Within a line, level of evidence 1 comes "
    "first; a level the text does not state sorts after level 4. Ties keep the family order "
    "and then the name. The order is a reading aid, not a composite score: each guideline's "
    "own rating is shown as it is."
)


class OptionLogic:
    def rating(self, scheme: str) -> Recommendation | None:
        for rec in self.recommendations:
            if rec.scheme == scheme:
                return rec
        return None

    def ratings(self, scheme: str) -> list[Recommendation]:
        return [r for r in self.recommendations if r.scheme == scheme]

    @property
    def canmat(self) -> Recommendation | None:
        """The CANMAT 2023 rating for this situation (after an inadequate response) if there is one."""
        ratings = self.ratings("canmat-2023")
        specific = [r for r in ratings if r.population != "mdd-general"]
        return (specific or ratings or [None])[0]

    def primary_ratings(self) -> list[Recommendation]:
        """One rating per guideline scheme: the one for this situation where a scheme has several."""
        out: dict[str, Recommendation] = {}
        for rec in self.recommendations:
            held = out.get(rec.scheme)
            if held is None or (held.population == "mdd-general" and rec.population != "mdd-general"):
                out[rec.scheme] = rec
        return list(out.values())

    def guidelines_disagree(self) -> bool:
        """True when one guideline recommends the option and another advises against it.

        Each guideline counts once, by its rating for people whose depression has not responded;
        GRADE conclusions of reviews are not guideline ratings and do not count.
        """
        stances = {r.derived_stance for r in self.primary_ratings() if r.scheme != "grade"}
        return "for" in stances and "against" in stances

    def rank_key(self) -> tuple[object, ...]:
        rec = self.canmat
        if rec is not None and rec.population == "mdd-general":
            # A rating for first treatment of MDD in general says less about this situation.
            tier = 4 if rec.derived_stance == "for" else 7
            level = rec.level if rec.level is not None else 5
        elif rec is not None:
            tier = _LINE_TIER[rec.line] if rec.line is not None else 2
            level = rec.level if rec.level is not None else 5
        else:
            stances = {r.derived_stance for r in self.primary_ratings() if r.scheme != "grade"}
            tier = 7 if stances == {"against"} else 4 if "for" in stances else 5
            level = 5
        if tier < 7 and any(r.derived_stance == "against" for r in self.primary_ratings() if r.scheme != "grade"):
            tier += 0.5  # a guideline advises against it: after the peers of its CANMAT tier
        return (tier, level, FAMILIES.index(self.family), self.name.casefold())

    def cited_ids(self) -> list[str]:
        """Every reference id the option cites, in first-cited order (sources last)."""
        seen: dict[str, None] = {}
        for rid, _path in self.citations():
            seen.setdefault(rid, None)
        return list(seen)

    def citations(self) -> list[tuple[str, tuple[str | int, ...]]]:
        """(reference id, field path) for every citation in the option."""
        out: list[tuple[str, tuple[str | int, ...]]] = []
        for field in ("recommendations", "figures"):
            for i, item in enumerate(getattr(self, field)):
                out.append((item.source, (field, i, "source")))
        if self.onset is not None:
            out.append((self.onset.source, ("onset", "source")))
        for field in (
            "when_to_consider",
            "cautions",
            "contraindications",
            "adverse_effects",
            "monitoring",
            "practical",
            "regulatory",
            "contexts",
        ):
            for i, item in enumerate(getattr(self, field)):
                out.append((item.source, (field, i, "source")))
        for i, rid in enumerate(self.sources):
            out.append((rid, ("sources", i)))
        return out

    def names(self) -> list[str]:
        return [self.id, self.name, *self.aliases]


class KnowledgeBaseLogic:
    def name_index(self) -> list[tuple[int, str, list[str]]]:
        """(position, id, [id, name, *aliases]) per option, in order."""
        return [(i, o.id, o.names()) for i, o in enumerate(self.options)]

    def reference(self, rid: str) -> Reference:
        return self._refs()[rid]

    def _refs(self) -> dict[str, Any]:
        index = getattr(self, "_ref_index", None)
        if index is None:
            index = {r.id: r for r in self.references}
            self._set_ref_index(index)
        return index

    def _set_ref_index(self, index: dict[str, Any]) -> None:
        self._ref_index = index

    def scheme(self, sid: str) -> EvidenceScheme | None:
        for s in self.schemes:
            if s.id == sid:
                return s
        return None

    def other_citations(self) -> list[tuple[tuple[Any, ...], str, str, str]]:
        """Citations outside the options: (path, what cites, role for cited_by, reference id)."""
        meta = self.meta
        out: list[tuple[tuple[Any, ...], str, str, str]] = []
        for i, d in enumerate(meta.definitions):
            out.append((("meta", "definitions", i, "source"), f"definition '{d.term}'", "kb", d.source))
        for i, n in enumerate(meta.context_notes):
            out.append((("meta", "context_notes", i, "source"), f"the {n.context} note", "kb", n.source))
        for i, sm in enumerate(meta.staging_models):
            for k, rid in enumerate(sm.sources):
                out.append((("meta", "staging_models", i, "sources", k), f"staging model '{sm.id}'", "staging", rid))
        for i, s in enumerate(self.schemes):
            for k, rid in enumerate(s.sources):
                out.append((("schemes", i, "sources", k), f"scheme '{s.id}'", "legend", rid))
        return out

    def cited_by(self) -> dict[str, list[str]]:
        """reference id -> ids of the options (and 'kb', 'staging', 'legend') that cite it."""
        out: dict[str, list[str]] = {r.id: [] for r in self.references}
        for opt in self.options:
            for rid in opt.cited_ids():
                out.setdefault(rid, []).append(opt.id)
        for _path, _what, role, rid in self.other_citations():
            if role not in out.setdefault(rid, []):
                out[rid].append(role)
        return out


_NORMALISE_RE = re.compile(r"[\s_\-/().,'’]+")


def normalise(name: str) -> str:
    """Case-, accent- and punctuation-insensitive key for names typed at a terminal."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NORMALISE_RE.sub("", stripped)
