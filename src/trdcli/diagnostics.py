"""Every problem found in a file, as one `file:line:col: field.path: what is wrong (what to do)`.

Turns pydantic's validation errors and the knowledge base's cross-check problems into `Issue`s
located in the YAML they came from. The allowed field names of a hint come from the domain
classes, so they follow the types.
"""

from __future__ import annotations

import dataclasses
import difflib
from typing import Any

from . import domain
from .domain import Path
from .errors import Issue
from .names import did_you_mean, fold
from .yamlpos import Document


def field_path(loc: tuple[object, ...], data: Any = None) -> str:
    """'options[3](lithium).cautions[0].source' for a path inside a file's data."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            if isinstance(node, list) and 0 <= part < len(node):
                node = node[part]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    out += f"({_visible(node['id'])})"
            else:
                node = None
        else:
            out += f".{_visible(part)}" if out else _visible(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _visible(part: object) -> str:
    """A key or id from a file as it may be printed: control, bidi and invisible characters escaped."""
    text = str(part)
    if text.isprintable():
        return text if len(text) <= 60 else text[:59] + "…"
    return short(text)[1:-1]


def issue_at(doc: Document, loc: tuple[object, ...], message: str, check: str, hint: str = "", severity: str = "error") -> Issue:
    return Issue(message, doc.location(loc), field=field_path(loc, doc.data), hint=hint, severity=severity, check=check)


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """pydantic's location without its internal steps (union members, rating schemes, functions)."""
    return tuple(
        p
        for p in loc
        if not (isinstance(p, str) and ("[" in p or p.startswith("function-") or p in domain.RATING_TYPES))
    )


def _key(name: object) -> str:
    """A field name as typed, quoted; escaped when it holds what does not show on screen."""
    text = str(name)
    return f"'{text}'" if text.isprintable() and len(text) <= 60 else short(text)


def short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_PATTERN_WORDS = {
    "id": "ids are kebab-case: lowercase letters and digits separated by single hyphens",
    "source": "reference ids are kebab-case: lowercase letters and digits separated by single hyphens",
    "doi": "a DOI starts with '10.' and a registrant code, then '/' (no 'https://doi.org/' prefix)",
    "pmid": "a PMID is digits only",
    "pmcid": "a PMCID is 'PMC' followed by digits",
    "url": "a URL starts with http:// or https:// and has no spaces",
    "version": "the version is numbers separated by dots, such as 1.0 or 2026.11.1",
}


RATING_VALUES = ("line", "level", "strength", "certainty")


def pydantic_issues(exc: Any, doc: Document, top: type) -> list[Issue]:
    """One Issue per pydantic error, at the line of the field, with a hint where one helps."""
    out: list[Issue] = []
    for err in exc.errors(include_url=False):
        loc = _clean_loc(tuple(err["loc"]))
        kind = err["type"]
        msg = str(err["msg"])
        hint: str = ""
        line_loc = loc
        tag = next((p for p in err["loc"] if isinstance(p, str) and p in domain.RATING_TYPES), None)
        if kind in ("extra_forbidden", "unexpected_keyword_argument") and tag and loc and loc[-1] in RATING_VALUES:
            uses = [f for f in RATING_VALUES if f in domain.hints(domain.RATING_TYPES[tag])]
            msg = f"{loc[-1]} is not part of the {tag} scheme (it uses {', '.join(uses)})"
            hint = "each guideline's rating keeps that guideline's own terms"
        elif kind == "extra_forbidden" or kind == "unexpected_keyword_argument":
            name = loc[-1] if loc else "?"
            msg = f"unknown field {_key(name)}"
            known = [k for k in known_fields(top, doc.data, loc) if k != name]
            near = difflib.get_close_matches(fold(str(name)), known, n=1, cutoff=0.6) if known else []
            hint = did_you_mean(name, near[0]) if near else (f"allowed here: {', '.join(known)}" if known else "remove it")
        elif kind in ("missing", "missing_keyword_argument"):
            msg = f"missing required field '{loc[-1]}'" if loc else "missing required field"
            line_loc = loc[:-1]
        elif kind.startswith("literal_error") or kind == "enum":
            msg = f"{short(err.get('input'))} is not allowed: {msg[0].lower() + msg[1:]}"
            hint = did_you_mean(err.get("input"), _close_literal(err))
        elif kind == "unknown_scheme":
            given = err.get("input", {}).get("scheme") if isinstance(err.get("input"), dict) else None
            if given is None:
                msg = "missing required field 'scheme'"
                hint = "one of: " + ", ".join(domain.RATING_TYPES)
            else:
                msg = f"{short(given)} is not allowed: {msg}"
                near = difflib.get_close_matches(fold(str(given)), list(domain.RATING_TYPES), n=1, cutoff=0.6)
                hint = did_you_mean(given, near[0]) if near else ""
        elif kind == "value_error":
            msg = msg.removeprefix("Value error, ")
        elif kind in ("int_type", "float_type") and isinstance(err.get("input"), bool):
            msg = f"{err['input']!r} (a YAML yes/no) is not a number"
            hint = "write the number itself; YAML reads yes, no, true, false, on and off as booleans"
        elif kind == "string_pattern_mismatch" and "\x00" in str(err.get("ctx", {}).get("pattern", "")):
            msg = (
                "contains a control character (an escape sequence or similar) or a bidirectional or invisible "
                "format character; knowledge-base text must be plain text that cannot drive or reorder the screen"
            )
            hint = "remove the character; line breaks are allowed only in long text fields"
        elif kind == "string_pattern_mismatch":
            what = str(loc[-1]) if loc else "value"
            msg = f"{short(err.get('input'))} is not a valid {what}: {_PATTERN_WORDS.get(what, msg)}"
        else:
            msg = msg + (f" (got {short(err.get('input'))})" if "input" in err else "")
        out.append(Issue(msg, doc.location(line_loc), field=field_path(loc, doc.data), hint=hint, check="schema"))
    return out


def _close_literal(err: dict[str, Any]) -> str:
    expected = str(err.get("ctx", {}).get("expected", ""))
    values = [v.strip().strip("'") for v in expected.replace(" or ", ",").split(",") if v.strip()]
    close = difflib.get_close_matches(fold(str(err.get("input"))), values, n=1, cutoff=0.6)
    return close[0] if close else ""


def _fields(cls: Any) -> dict[str, Any]:
    """Field name (as written in YAML) -> annotation, for a domain dataclass or a pydantic model."""
    if isinstance(cls, type) and dataclasses.is_dataclass(cls):
        return dict(domain.hints(cls))
    model_fields = getattr(cls, "model_fields", None)
    if isinstance(model_fields, dict):
        return {(f.alias or n): f.annotation for n, f in model_fields.items()}
    return {}


def _inner(annotation: Any) -> Any:
    """The class held by a field: a dataclass or pydantic model inside lists, options and unions."""
    import typing

    if isinstance(annotation, type) and (dataclasses.is_dataclass(annotation) or hasattr(annotation, "model_fields")):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner(arg)
        if found is not None:
            return found
    return None


def known_fields(top: type, data: Any, loc: tuple[object, ...]) -> list[str]:
    """The field names allowed at the parent of `loc`, from the classes (a rating by its scheme)."""
    cls: Any = top
    node = data
    for part in loc[:-1]:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            continue
        ann = _fields(cls).get(str(part))
        node = node.get(part) if isinstance(node, dict) else None
        cls = _inner(ann) if ann is not None else None
        if cls is None:
            return []
    if isinstance(cls, type) and issubclass(cls, domain.Rating) and isinstance(node, dict):
        cls = domain.RATING_TYPES.get(str(node.get("scheme")), cls)
    return [name for name in _fields(cls) if not name.startswith("_")]


def locate_problem(documents: dict[str, Document], origin: list[tuple[str, int]], path: Path) -> tuple[Document, Path]:
    """The file a path of the combined knowledge base lives in, and the path inside that file."""
    head, rest = path[0], path[1:]
    if head == "options" and rest and isinstance(rest[0], int) and rest[0] < len(origin):
        key, j = origin[rest[0]]
        return documents[key], ("options", j, *rest[1:])
    if head == "references":
        return documents["references"], path
    if head == "schemes":
        return documents["evidence"], path
    if head == "classes" and "classes" in documents:
        return documents["classes"], path
    if head == "meta":
        return documents["meta"], rest
    return documents["meta"], ()
