"""The console-script entry point: signals first, then the CLI.

Importing Typer takes tens of milliseconds; a Ctrl-C in that time would print a traceback from
inside an import. This module imports nothing of trd's CLI until it has installed its handlers:

- SIGINT (Ctrl-C), at any moment: "Interrupted." on stderr and exit 130, no traceback;
- SIGTERM: exit 143 through SystemExit, so that `finally` blocks run (the cache removes a
  half-written temporary file);
- a reader that goes away (`trd options | head -1`): exit 0, silently.

Both signal handlers raise SystemExit rather than KeyboardInterrupt, so that nothing on the way
(Click's own KeyboardInterrupt handling, which would print "Aborted!" and exit 1) turns them into
something else.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

INTERRUPTED = 130
TERMINATED = 128 + signal.SIGTERM


def _say(text: str) -> None:
    try:
        os.write(2, text.encode("ascii", "replace"))
    except OSError:
        pass


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    # A second Ctrl-C while the first one unwinds changes nothing.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _say("Interrupted.\n")
    raise SystemExit(INTERRUPTED)


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise SystemExit(TERMINATED)


def install_handlers() -> None:
    """Ctrl-C and SIGTERM as described above (only in the main thread, where Python allows it)."""
    try:
        signal.signal(signal.SIGINT, _on_sigint)
        signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread (an embedding program): keep its handlers
        pass


def quiet_stdout() -> None:
    """The reader went away: point stdout at /dev/null so the flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def main() -> None:
    """Run `trd` with the handlers installed; exits with the command's code."""
    install_handlers()
    code: str | int | None = 0
    try:
        from .cli import main as cli_main

        cli_main()
    except SystemExit as exc:
        code = exc.code
    except KeyboardInterrupt:  # a SIGINT that arrived before the handler, or raised by a library
        _say("Interrupted.\n")
        code = INTERRUPTED
    except BrokenPipeError:
        quiet_stdout()
        code = 0
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_stdout()
    except (OSError, ValueError, AttributeError):
        pass
    sys.exit(code)


# Installed at import, before anything else of trd is imported (`python -m trdcli` imports this
# module first; the `trd` script imports it to call main()).
install_handlers()
