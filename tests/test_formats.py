"""Every format each command offers has a renderer; terminal manners are honoured."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from trdcli.cli import app
from trdcli.render import MODULES, VIEWS, Format, renderer

runner = CliRunner()
COLOUR = __import__("re").compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|9[0-7]|4[0-9])(?:;[0-9;]*)?m")


def test_every_format_has_a_module() -> None:
    assert set(MODULES) == set(Format)


@pytest.mark.parametrize(("view", "fmt"), [(v, f) for v, fmts in VIEWS.items() for f in fmts])
def test_every_format_a_view_offers_has_a_renderer(view: str, fmt: Format) -> None:
    assert callable(renderer(fmt, view))


@pytest.mark.parametrize(
    ("args", "fmt"),
    [(["options", "-n", "2"], f) for f in VIEWS["options"]]
    + [(["show", "ect"], f) for f in VIEWS["show"]]
    + [(["compare", "aripiprazole", "lithium"], f) for f in VIEWS["compare"]]
    + [(["search", "akathisia"], f) for f in VIEWS["search"]]
    + [(["refs", "--for", "ect"], f) for f in VIEWS["refs"]],
)
def test_every_command_renders_every_format(args: list[str], fmt: Format) -> None:
    result = runner.invoke(app, [*args, "--format", fmt.value])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()


def _run(env_extra: dict[str, str], *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS")}
    env.update(env_extra)
    out = subprocess.run(
        [sys.executable, "-m", "trdcli", *args], capture_output=True, text=True, env=env, check=True
    )
    return out.stdout


def test_force_color_colours_a_pipe_and_no_color_wins() -> None:
    coloured = _run({"FORCE_COLOR": "1", "COLUMNS": "100"}, "show", "ect", "--format", "table")
    assert "\x1b[" in coloured
    plain = _run({"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "100"}, "show", "ect", "--format", "table")
    assert not COLOUR.search(plain)  # NO_COLOR removes colour; bold and dim may stay


def test_pipe_without_force_color_is_plain_and_honours_columns() -> None:
    out = _run({"COLUMNS": "80"}, "options", "-n", "2", "--format", "table")
    assert "\x1b[" not in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_term_dumb_has_no_colour() -> None:
    out = _run({"TERM": "dumb", "COLUMNS": "100"}, "show", "ect", "--format", "table")
    assert not COLOUR.search(out)


def test_at_80_columns_the_table_folds_and_loses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    table = runner.invoke(app, ["options", "-n", "2", "--format", "table"]).stdout
    assert "…" not in table
    assert all(len(line) <= 80 for line in table.splitlines())
    flat = " ".join(table.split())
    import json

    data = json.loads(runner.invoke(app, ["options", "-n", "2", "--format", "json"]).stdout)
    for opt in data["options"]:
        # every word of every name is in the table (a folded cell splits words across lines)
        for word in opt["name"].split():
            assert word[:6] in flat, opt["name"]


def test_compare_fits_100_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    out = runner.invoke(app, ["compare", "aripiprazole", "lithium", "--format", "table"]).stdout
    assert all(len(line) <= 100 for line in out.splitlines())


def test_pager_pages_the_output(monkeypatch: pytest.MonkeyPatch) -> None:
    import pydoc

    seen: list[str] = []
    monkeypatch.setattr(pydoc, "pager", lambda text: seen.append(text))
    result = runner.invoke(app, ["show", "ect", "--pager"])
    assert result.exit_code == 0
    assert seen and "Electroconvulsive therapy" in seen[0]
    assert result.stdout == ""


def test_completion_of_option_names_and_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    def complete(words: str) -> list[str]:
        env = {"_TRD_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": words}
        result = runner.invoke(app, [], env=env, prog_name="trd")
        return result.output.splitlines()

    assert any("esketamine" in line for line in complete("trd show esk"))
    assert any("ect" in line for line in complete("trd compare ec"))
    assert any("neuromodulation" in line for line in complete("trd options --family neuro"))
    assert any("markdown" in line for line in complete("trd options --format mark"))
    assert any("compare" in line for line in complete("trd comp"))


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_install_completion_writes_the_shell_script(shell: str, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shellingham

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(shellingham, "detect_shell", lambda: (shell, f"/bin/{shell}"))
    result = runner.invoke(app, ["--install-completion"], prog_name="trd")
    assert result.exit_code == 0, result.output
    assert f"{shell} completion installed" in result.output
    if shell == "bash":
        script = (tmp_path / ".bash_completions" / "trd.sh").read_text()
        assert "source" in (tmp_path / ".bashrc").read_text()
    else:
        script = (tmp_path / ".zfunc" / "_trd").read_text()
        assert "compinit" in (tmp_path / ".zshrc").read_text()
    assert "_TRD_COMPLETE" in script


def test_search_is_case_and_accent_insensitive() -> None:
    import json as _json

    plain = _json.loads(runner.invoke(app, ["search", "electroconvulsive", "--format", "json"]).stdout)["matches"]
    accented = _json.loads(runner.invoke(app, ["search", "ÉLECTROCONVULSIVE", "--format", "json"]).stdout)["matches"]
    assert plain and plain == accented
    assert any(m["id"] == "ect" and m["kind"] == "option" for m in plain)
    assert any(m["kind"] == "reference" for m in _json.loads(runner.invoke(app, ["search", "Réseau", "--format", "json"]).stdout)["matches"])


def test_completion_of_context_and_effect_values() -> None:
    def complete(words: str) -> str:
        env = {"_TRD_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": words}
        return runner.invoke(app, [], env=env, prog_name="trd").output

    assert "psychotic-features" in complete("trd options --context psy")
    assert "weight-gain" in complete("trd options --avoid wei")
    assert "maudsley" in complete("trd stage --model mau")
