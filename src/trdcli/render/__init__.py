"""Output formats, one module each behind one small interface.

A format module provides any of `options(result, kb, env)`, `show(option, kb, env)` and
`refs(references, kb, env)`. `renderer(fmt, view)` imports only the module asked for, so JSON
output never imports Rich.
"""

from __future__ import annotations

import enum
import importlib
from typing import Any, Callable


class Format(str, enum.Enum):
    """Formats of `trd options` and `trd show`."""

    table = "table"
    json = "json"
    markdown = "markdown"


class RefsFormat(str, enum.Enum):
    """Formats of `trd refs`."""

    table = "table"
    json = "json"
    markdown = "markdown"
    bibtex = "bibtex"


class ValidateFormat(str, enum.Enum):
    """Formats of `trd validate`."""

    text = "text"
    json = "json"


MODULES: dict[str, str] = {
    "text": "markdown",
    "table": "table",
    "json": "json_",
    "markdown": "markdown",
    "bibtex": "bibtex",
}


def renderer(fmt: str, view: str) -> Callable[..., Any]:
    """The function that renders `view` ('options', 'show', 'refs') in format `fmt`."""
    module = importlib.import_module(f"{__name__}.{MODULES[fmt]}")
    func = getattr(module, view, None)
    if func is None:  # pragma: no cover - guarded by test_every_format_has_a_renderer
        raise LookupError(f"format {fmt} cannot render {view}")
    return func
