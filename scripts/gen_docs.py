"""Regenerate the docs that come from the program itself: the command reference and the README pictures.

    python scripts/gen_docs.py            # write docs/commands.md and docs/img/*.svg
    python scripts/gen_docs.py --check    # exit 1 if any of them is stale (CI runs this via the tests)

The pictures are Rich's own SVG export of the real commands on the bundled knowledge base.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ["options", "show", "stage", "compare", "search", "refs", "validate", "schema"]
SCREENSHOTS = {
    "options.svg": ["options", "--prior-trials", "2", "--family", "augmentation", "--format", "table"],
    "show-esketamine.svg": ["show", "esketamine", "--format", "table"],
    "compare.svg": ["compare", "aripiprazole", "lithium", "--format", "table"],
}
WIDTH = 100


def _pin_environment() -> None:
    os.environ["COLUMNS"] = str(WIDTH)
    os.environ["NO_COLOR"] = "1"
    os.environ["_TYPER_FORCE_DISABLE_TERMINAL"] = "1"
    for name in ("FORCE_COLOR", "TRD_KB", "TERM"):
        os.environ.pop(name, None)


def command_reference() -> str:
    from typer.testing import CliRunner

    from trdcli.cli import app

    runner = CliRunner()
    parts = [
        "# Command reference",
        "",
        "Generated from `trd --help` by `python scripts/gen_docs.py`; a test fails when it is stale.",
        "",
        "## trd",
        "",
        "```text",
        runner.invoke(app, ["--help"]).output.rstrip(),
        "```",
    ]
    for cmd in COMMANDS:
        parts += ["", f"## trd {cmd}", "", "```text", runner.invoke(app, [cmd, "--help"]).output.rstrip(), "```"]
    return "\n".join(parts) + "\n"


def screenshot(args: list[str]) -> str:
    """The SVG of `trd ARGS` as a 100-column colour terminal shows it."""
    from rich.console import Console
    from rich.text import Text
    from typer.testing import CliRunner

    from trdcli.cli import app

    os.environ.pop("NO_COLOR", None)
    os.environ["FORCE_COLOR"] = "1"
    try:
        ansi = CliRunner().invoke(app, args).stdout
    finally:
        os.environ.pop("FORCE_COLOR", None)
        os.environ["NO_COLOR"] = "1"
    console = Console(record=True, width=WIDTH, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    console.print(Text.from_ansi(ansi), end="")
    return console.export_svg(title="trd " + " ".join(args))


EXAMPLE = ["options", "--prior-trials", "2", "--family", "neuromodulation", "--format", "table"]
START, END = "<!-- example-output:start -->", "<!-- example-output:end -->"


def readme() -> str:
    """README.md with the example block replaced by the real output of EXAMPLE."""
    from typer.testing import CliRunner

    from trdcli.cli import app

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = "\n".join(line.rstrip() for line in CliRunner().invoke(app, EXAMPLE).stdout.rstrip().splitlines())
    block = (
        f"{START}\n```console\n$ trd {' '.join(a for a in EXAMPLE if a not in ('--format', 'table'))}\n"
        f"{shown}\n```\n{END}"
    )
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return head + block + tail


def outputs() -> dict[Path, str]:
    _pin_environment()
    out = {ROOT / "docs" / "commands.md": command_reference(), ROOT / "README.md": readme()}
    for name, args in SCREENSHOTS.items():
        out[ROOT / "docs" / "img" / name] = screenshot(args)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report stale files")
    ns = parser.parse_args()
    stale = []
    for path, text in outputs().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append(path)
            if not ns.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    for path in stale:
        print(("stale: " if ns.check else "wrote: ") + str(path.relative_to(ROOT)))
    return 1 if stale and ns.check else 0


if __name__ == "__main__":
    sys.exit(main())
