"""Output formats: one module each, behind one small interface.

A format module provides a function per view it can render, all with the same shape:
`view(subject, kb, env)`, writing to `env.stdout`. `VIEWS` says which formats each command
offers; `renderer(fmt, view)` imports only the module asked for (so JSON output never imports
Rich), and a test checks that every pair in `VIEWS` has its function.
"""

from __future__ import annotations

import enum
import importlib
from typing import Any, Callable


class Format(str, enum.Enum):
    """Every output format trd has."""

    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"
    text = "text"
    bibtex = "bibtex"
    ris = "ris"
    csl_json = "csl-json"
    vancouver = "vancouver"


# The module that implements each format.
MODULES: dict[Format, str] = {
    Format.table: "table",
    Format.json: "json_",
    Format.markdown: "markdown",
    Format.csv: "csv_",
    Format.text: "text",
    Format.bibtex: "bibtex",
    Format.ris: "ris",
    Format.csl_json: "csljson",
    Format.vancouver: "vancouver",
}

_DATA = (Format.table, Format.json, Format.markdown, Format.csv)
# Which formats each view offers; the first is the default on a terminal.
VIEWS: dict[str, tuple[Format, ...]] = {
    "options": _DATA,
    "show": _DATA,
    "compare": _DATA,
    "search": _DATA,
    "stage": _DATA,
    "refs": (Format.table, Format.json, Format.markdown, Format.csv, Format.bibtex, Format.ris, Format.csl_json, Format.vancouver),
    "validate": (Format.text, Format.json),
}
# What a view prints when stdout is not a terminal and no --format is given: no boxes in a pipe.
PIPE_DEFAULT: dict[str, Format] = {view: Format.markdown for view in VIEWS} | {"validate": Format.text}


def _choices(name: str, view: str) -> type[enum.Enum]:
    return enum.Enum(name, {f.name: f.value for f in VIEWS[view]}, type=str)  # type: ignore[return-value]


# Typer needs one Enum per set of choices.
DataFormat = _choices("DataFormat", "options")
RefsFormat = _choices("RefsFormat", "refs")
ValidateFormat = _choices("ValidateFormat", "validate")


def choose(view: str, requested: str | None, is_terminal: bool) -> Format:
    """The format to use: the one asked for, else table on a terminal and plain text in a pipe."""
    if requested is not None:
        return Format(requested)
    return VIEWS[view][0] if is_terminal else PIPE_DEFAULT[view]


def renderer(fmt: Format | str, view: str) -> Callable[..., Any]:
    """The function that renders `view` in format `fmt`."""
    fmt = Format(fmt)
    if fmt not in VIEWS[view]:
        raise LookupError(f"trd {view} has no {fmt.value} format")
    module = importlib.import_module(f"{__name__}.{MODULES[fmt]}")
    func = getattr(module, view, None)
    if func is None:  # pragma: no cover - guarded by test_every_format_has_a_renderer
        raise LookupError(f"format {fmt.value} cannot render {view}")
    return func  # type: ignore[no-any-return]  # a module attribute found by name
