"""The environment a run sees: streams, terminal, width, colour, pager and encoding, in one object.

Tests build their own. Made at the moment of use, so that COLUMNS or NO_COLOR set by a caller or a
test are honoured.
"""

from __future__ import annotations

import io
import os
import sys
from typing import IO

DEFAULT_WIDTH = 80
# Characters trd prints that a console without them gets as ASCII (anything else becomes '?').
ASCII = {
    "≠": "!=", "↑": "^", "↺": "(tried)", "✗": "x", "⚠": "!!", "·": "-", "…": "...", "–": "-", "—": "-",
    "≥": ">=", "≤": "<=", "×": "x", "’": "'", "‘": "'", "“": '"', "”": '"', "•": "*", "─": "-", "━": "-",
    "│": "|", "┃": "|", "µ": "u", "μ": "u", "°": " deg", "±": "+/-", "é": "e", "è": "e", "à": "a", "ï": "i",
    "ô": "o", "ç": "c", "ü": "u", "ö": "o", "ä": "a", "→": "->", "←": "<-", "½": "1/2", "\u00a0": " ",
}


class SafeStream(io.TextIOBase):
    """A text stream that replaces what its console cannot encode instead of crashing."""

    def __init__(self, inner: IO[str]) -> None:
        self.inner = inner
        self._encoding = getattr(inner, "encoding", None) or "utf-8"

    @property
    def encoding(self) -> str:  # type: ignore[override]  # TextIOBase declares it read-only
        return self._encoding

    def write(self, text: str) -> int:
        try:
            text.encode(self._encoding)
        except UnicodeEncodeError:
            text = "".join(self._fix(c) for c in text)
        except LookupError:
            pass
        return self.inner.write(text)

    def _fix(self, ch: str) -> str:
        try:
            ch.encode(self._encoding)
            return ch
        except UnicodeEncodeError:
            sub = ASCII.get(ch)
            if sub is None:
                import unicodedata

                sub = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode() or "?"
            return sub

    def flush(self) -> None:
        self.inner.flush()

    def isatty(self) -> bool:
        return bool(getattr(self.inner, "isatty", lambda: False)())

    def fileno(self) -> int:
        return self.inner.fileno()


def utf8(stream: IO[str]) -> bool:
    enc = (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-")
    return enc in ("utf-8", "utf8")


def _safe(stream: IO[str]) -> IO[str]:
    """The stream itself when it takes UTF-8, else a wrapper that cannot fail to encode."""
    if utf8(stream):
        return stream
    return SafeStream(stream)  # type: ignore[return-value]  # a TextIOBase serves as IO[str] here


class Env:
    """The streams and terminal facts an output needs."""

    def __init__(
        self,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        program_version: str = "",
        force_terminal: bool | None = None,
        pager: bool | None = None,  # None: page on a terminal when the output is taller than the screen
    ) -> None:
        out = stdout if stdout is not None else sys.stdout
        self.real_stdout = out
        self.stdout: IO[str] = _safe(out)
        err = stderr if stderr is not None else sys.stderr
        self.stderr: IO[str] = _safe(err)
        self.program_version = program_version
        self.force_terminal = force_terminal
        self.pager = pager
        self.ascii_json = not utf8(out)
        self._buffer: io.StringIO | None = None
        # What a command tells its writer beyond the subject (set by the CLI).
        self.long = False  # the full options table instead of the one-screen answer
        self.note = ""  # how a name was resolved, shown with `trd show`
        self.resolved_from = ""  # the name typed, when it was not an exact id, name or alias
        self.search_text = ""
        self.near: tuple[str, ...] = ()

    @property
    def is_terminal(self) -> bool:
        if self.force_terminal is not None:
            return self.force_terminal
        isatty = getattr(self.real_stdout, "isatty", None)
        return bool(isatty and isatty())

    @property
    def width(self) -> int:
        """COLUMNS when it is a sane number, else the terminal's width, else 80 (0 counts as unknown)."""
        cols = os.environ.get("COLUMNS", "").strip()
        if cols.isdigit() and 20 <= int(cols) <= 1000:
            return int(cols)
        if self.is_terminal:
            try:
                found = os.get_terminal_size(self.real_stdout.fileno()).columns
                if 20 <= found <= 1000:
                    return found
            except (OSError, ValueError, AttributeError):
                pass
        return DEFAULT_WIDTH

    @property
    def height(self) -> int:
        lines = os.environ.get("LINES", "").strip()
        if lines.isdigit() and int(lines) > 0:
            return int(lines)
        try:
            found = os.get_terminal_size(self.real_stdout.fileno()).lines
            return found if found > 0 else 24
        except (OSError, ValueError, AttributeError):
            return 24

    @property
    def colour(self) -> bool:
        if os.environ.get("NO_COLOR"):
            return False
        if os.environ.get("FORCE_COLOR"):
            return True
        return self.is_terminal and os.environ.get("TERM", "") != "dumb"

    # ------------------------------------------------------------------ paging

    def begin(self) -> None:
        """Collect the output when it may go through a pager (a terminal, paging not turned off)."""
        if self.pager is not False and self.is_terminal and self.pager_command():
            self._buffer = io.StringIO()
            self.stdout = self._buffer

    def pager_command(self) -> list[str] | None:
        chosen = os.environ.get("TRD_PAGER")
        if chosen is None:
            chosen = os.environ.get("PAGER")
        if chosen is None:
            import shutil

            chosen = "less -FRX" if shutil.which("less") else ""
        import shlex

        chosen = chosen.strip()
        if not chosen or chosen == "cat":
            return None
        try:
            return shlex.split(chosen)
        except ValueError:
            return None

    def end(self) -> None:
        """Send collected output to the pager when taller than the screen, else print it."""
        if self._buffer is None:
            return
        text = self._buffer.getvalue()
        self._buffer = None
        self.stdout = _safe(self.real_stdout)
        import subprocess

        command = self.pager_command()
        if command and (self.pager or text.count("\n") >= self.height):
            env = dict(os.environ)
            env.setdefault("LESS", "FRX")
            import signal

            try:  # Ctrl-C belongs to the pager while it runs (as with git); the child gets the default handler
                previous = signal.signal(signal.SIGINT, lambda signum, frame: None)
            except ValueError:  # not the main thread
                previous = None
            try:
                proc = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
                assert proc.stdin is not None
                try:
                    proc.stdin.write(text.encode(getattr(self.real_stdout, "encoding", None) or "utf-8", "replace"))
                    proc.stdin.close()
                except BrokenPipeError:
                    pass
                if proc.wait() == 0:
                    return
                self.stderr.write(f"trd: the pager '{' '.join(command)}' exited with status {proc.returncode}; output follows.\n")
            except OSError as exc:
                self.stderr.write(f"trd: the pager '{' '.join(command)}' could not start ({exc.strerror}); output follows.\n")
            finally:
                if previous is not None:
                    signal.signal(signal.SIGINT, previous)
        self.stdout.write(text)
        self.stdout.flush()
