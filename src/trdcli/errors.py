"""The few errors a user can meet, each with its exit code.

Every error carries what is wrong, where (file:line when it is in YAML) and what to do. The CLI
prints it as one paragraph on stderr and exits with `code`; a traceback only with --debug.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    KB_ERROR = 1  # knowledge base or history file unreadable or invalid; internal errors too
    USAGE = 2  # unknown option name, bad flag value
    INTERRUPTED = 130
    INTERNAL = 1  # a bug in trd (reported as such, with a hint to re-run with --debug)


class Location:
    __slots__ = ("file", "line", "column")

    def __init__(self, file: str, line: int | None = None, column: int | None = None) -> None:
        self.file, self.line, self.column = file, line, column

    def __repr__(self) -> str:
        return f"Location({str(self)!r})"

    def __str__(self) -> str:
        out = self.file
        if self.line is not None:
            out += f":{self.line}"
            if self.column is not None:
                out += f":{self.column}"
        return out


class Issue:
    """One problem found in a file: where, the field path, what is wrong, what to do."""

    __slots__ = ("message", "location", "field", "hint", "severity", "check")

    def __init__(
        self,
        message: str,
        location: Location | None = None,
        field: str = "",
        hint: str = "",
        severity: str = "error",
        check: str = "schema",
    ) -> None:
        self.message, self.location, self.field = message, location, field
        self.hint, self.severity, self.check = hint, severity, check

    def __repr__(self) -> str:
        return f"Issue({self.render()!r})"

    def render(self) -> str:
        where = f"{self.location}: " if self.location else ""
        what = f"{self.field}: " if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{what}{self.message}{hint}"


class TrdError(Exception):
    """Base class: a message for the user and an exit code."""

    code = ExitCode.KB_ERROR

    def __init__(self, message: str, hint: str = "", issues: list[Issue] | None = None, choices: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.issues: list[Issue] = issues or []
        self.choices: list[str] = choices or []  # what the user may have meant, in order (e.g. option ids)

    def render(self, limit: int = 20) -> str:
        lines = [self.message]
        for issue in self.issues[:limit]:
            lines.append("  " + issue.render())
        if len(self.issues) > limit:
            lines.append(f"  ... and {len(self.issues) - limit} more (run `trd validate` to list them all)")
        if self.hint:
            lines.append(self.hint)
        return "\n".join(lines)


class KnowledgeBaseError(TrdError):
    """The knowledge base cannot be read or is invalid (exit 1)."""

    code = ExitCode.KB_ERROR


class HistoryError(TrdError):
    """A treatment-history file cannot be read or is invalid (exit 1)."""

    code = ExitCode.KB_ERROR


class UsageError(TrdError):
    """The user asked for something that does not exist or does not fit (exit 2)."""

    code = ExitCode.USAGE
