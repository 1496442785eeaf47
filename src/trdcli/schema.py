"""The file boundary: pydantic validates plain YAML data straight into the domain classes.

`validate(kind, data)` returns the domain object of one file (or raises pydantic's
ValidationError, which `diagnostics` turns into file:line issues); `json_schema(kind)` is what
`trd schema` prints for editors. Importing this module imports pydantic: only the cold path does.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import ConfigDict, TypeAdapter

from . import domain
from .kbfiles import KINDS

SCHEMA_KINDS = ("options", "references", "evidence", "classes", "kb")


def model_of(kind: str) -> type:
    """The class a knowledge-base file of this kind is read into ('kb' is the same as 'meta')."""
    spec = KINDS["meta" if kind == "kb" else kind]
    cls: type = getattr(domain, spec.model)
    return cls


@functools.lru_cache(maxsize=None)
def adapter(cls: type) -> TypeAdapter[Any]:
    return TypeAdapter(cls)


def validate(cls: type, data: object) -> Any:
    """`data` validated into an instance of `cls` (pydantic's ValidationError on a problem)."""
    return adapter(cls).validate_python(data)


def json_schema(kind: str, cls: type | None = None) -> dict[str, object]:
    """The JSON Schema of one kind of file (draft 2020-12, from its class: `model_of(kind)` by default)."""
    schema: dict[str, object] = adapter(cls or model_of(kind)).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"trd-kb-{kind}.schema.json"
    return schema


__all__ = ["ConfigDict", "adapter", "json_schema", "model_of", "validate"]
