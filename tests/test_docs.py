"""The docs cannot drift from the program: generated files are current, every command is
documented, and every documented example runs (the fastapi/typer docs-mirroring pattern)."""

from __future__ import annotations

import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trdcli.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
runner = CliRunner()
COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)


def _gen_docs():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (ROOT / "scripts" / "gen_docs.py").exists(), reason="needs the source checkout")
def test_generated_docs_and_pictures_are_current(monkeypatch: pytest.MonkeyPatch) -> None:
    gen = _gen_docs()
    committed = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8").splitlines()[0]
    if gen.toolchain() not in committed:
        pytest.skip(f"docs were generated with another Typer/Rich ({committed}); regenerate to compare")
    stale = [str(p.relative_to(ROOT)) for p, text in gen.outputs().items() if p.read_text(encoding="utf-8") != text]
    assert not stale, f"stale: {stale}; run `python scripts/gen_docs.py`"


def test_every_command_is_documented_and_has_help() -> None:
    reference = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"`trd {name}" in README, f"README does not document trd {name}"
        assert f"## trd {name}" in reference
        help_text = runner.invoke(app, [name, "--help"]).output
        assert "Examples:" in help_text


def _runnable(command: str) -> list[str] | None:
    """The argv of a documented `trd ...` example, without pipes or redirections; None for templates."""
    command = re.split(r"\s[|>]\s?", command)[0].strip()
    if re.search(r"\b(NAME|PATH|TEXT|KIND|FILE|EFFECT|N|F|C|A B|C \.\.\.)\b|\[|\.\.\.|--kb|--install-completion", command):
        return None
    argv = shlex.split(command)
    if not argv or argv[0] != "trd" or "my-kb" in command:
        return None  # not an example, or an example about the reader's own files
    if len(argv) >= 2 and argv[1] in ("show", "compare", "search") and (len(argv) == 2 or argv[2].startswith("-")):
        return None  # a mention of the command, not a runnable example
    if len(argv) >= 2 and argv[1] == "stage" and "--history" not in argv:
        return None
    return argv[1:]


def _readme_examples() -> list[list[str]]:
    found = re.findall(r"`(trd [^`]+)`", README) + re.findall(r"^\$ (trd .+)$", README, flags=re.M)
    out = [argv for argv in map(_runnable, found) if argv is not None]
    assert len(out) >= 10
    return out


def _help_examples() -> list[list[str]]:
    texts = [runner.invoke(app, ["--help"]).output] + [runner.invoke(app, [c, "--help"]).output for c in COMMANDS]
    examples: list[list[str]] = []
    for text in texts:
        for block in text.split("Examples:")[1:]:
            for line in block.splitlines():
                if line.strip().startswith("trd "):
                    argv = _runnable(line.strip())
                    if argv is not None:
                        examples.append(argv)
    assert len(examples) >= 15
    return examples


@pytest.mark.parametrize("argv", _readme_examples(), ids=" ".join)
def test_readme_example_runs(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # examples name files of the repository, such as examples/history.yaml
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("argv", _help_examples(), ids=" ".join)
def test_help_example_runs(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, result.output


def test_the_main_job_runs_as_a_real_process() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "trdcli", "options", "--prior-trials", "2"], capture_output=True, text=True, check=True
    ).stdout
    import re

    assert re.match(r"# \d+ options for treatment-resistant depression: 2 failed adequate trials\n", out), out[:200]
