"""Light, read-only records of a validated knowledge base, built without pydantic.

`kb.load()` validates YAML with the pydantic models once, dumps the result to a cache, and from
then on reads the cache into these records: the same attribute names and the same logic (the
mixins of `logic.py`), at a fraction of the import and build cost. Nothing here validates: a
record is only ever built from data that passed the models, or from a cache whose key proves it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from .logic import KnowledgeBaseLogic, OptionLogic, RecommendationLogic, ReferenceLogic


class Record:
    """Attributes from a dict; nested records and dates converted as declared."""

    nested: ClassVar[dict[str, type[Record]]] = {}
    dates: ClassVar[tuple[str, ...]] = ()

    def __init__(self, data: dict[str, Any]) -> None:
        d = self.__dict__
        nested, dates = self.nested, self.dates
        for key, value in data.items():
            if value is not None:
                cls = nested.get(key)
                if cls is not None:
                    value = [cls(v) for v in value] if isinstance(value, list) else cls(value)
                elif key in dates:
                    value = dt.date.fromisoformat(value)
            d[key] = value

    def fields(self) -> list[str]:
        return [k for k in self.__dict__ if not k.startswith("_")]

    def to_json(self) -> dict[str, Any]:
        def conv(v: Any) -> Any:
            if isinstance(v, Record):
                return v.to_json()
            if isinstance(v, list):
                return [conv(x) for x in v]
            if isinstance(v, dt.date):
                return v.isoformat()
            return v

        return {k: conv(v) for k, v in self.__dict__.items() if not k.startswith("_")}

    def __repr__(self) -> str:
        ident = self.__dict__.get("id") or self.__dict__.get("source") or ""
        return f"<{type(self).__name__} {ident}>"


class ReferenceRecord(ReferenceLogic, Record):
    pass


class RecommendationRecord(RecommendationLogic, Record):
    pass


class Item(Record):
    """Figures, sourced texts, adverse effects, regulatory entries, context rules."""


class OptionRecord(OptionLogic, Record):
    nested = {
        "recommendations": RecommendationRecord,
        "figures": Item,
        "when_to_consider": Item,
        "onset": Item,
        "cautions": Item,
        "contraindications": Item,
        "adverse_effects": Item,
        "monitoring": Item,
        "practical": Item,
        "regulatory": Item,
        "contexts": Item,
    }
    dates = ("last_reviewed",)


class SchemeRecord(Record):
    nested = {"line": Item, "level": Item, "strength": Item, "certainty": Item}


class MetaRecord(Record):
    nested = {"definitions": Item, "context_notes": Item, "staging_models": Item}
    dates = ("reviewed",)


class KnowledgeBaseRecord(KnowledgeBaseLogic, Record):
    nested = {"meta": MetaRecord, "schemes": SchemeRecord, "references": ReferenceRecord, "options": OptionRecord}


class LazyOptions:
    """The options of a cached knowledge base, each parsed from its own JSON line on first use.

    `trd show` on a base of 6,000 options builds one option, not 6,000.
    """

    def __init__(self, lines: list[bytes]) -> None:
        self._lines = lines
        self._built: list[OptionRecord | None] = [None] * len(lines)

    def __len__(self) -> int:
        return len(self._lines)

    def __getitem__(self, i: int) -> OptionRecord:
        built = self._built[i]
        if built is None:
            import json

            built = self._built[i] = OptionRecord(json.loads(self._lines[i]))
        return built

    def __iter__(self):  # type: ignore[no-untyped-def]
        for i in range(len(self._lines)):
            yield self[i]


class CachedKnowledgeBase(KnowledgeBaseRecord):
    """A knowledge base read from the cache: everything but the options parsed up front."""

    def __init__(self, base: dict[str, Any], index: list[list[Any]], option_lines: list[bytes]) -> None:
        super().__init__(base)
        self.__dict__["options"] = LazyOptions(option_lines)
        self._index = index

    def fields(self) -> list[str]:
        return ["meta", "schemes", "references", "options"]

    def name_index(self) -> list[tuple[int, str, list[str]]]:
        return [(i, entry[0], entry) for i, entry in enumerate(self._index)]
