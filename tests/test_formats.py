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


def _options_json(*args: str) -> dict:
    import json

    return json.loads(runner.invoke(app, ["options", *args, "--format", "json"]).stdout)


@pytest.mark.parametrize(
    "columns",
    [
        60,
        80,
        100,
        160,
    ],
)
def test_compact_answer_fits_and_never_cuts_a_word(monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    table = runner.invoke(app, ["options", "-n", "2", "--format", "table"]).stdout
    lines = table.splitlines()
    assert all(len(line) <= columns for line in lines), max(lines, key=len)
    names = [o["name"] for o in _options_json("-n", "2")["options"]]
    rows = lines[1 : next(i for i, line in enumerate(lines) if line.startswith("References"))]
    for rank, name in enumerate(names, 1):
        matching = [line for line in rows if line.lstrip().startswith(f"{rank} ")]
        assert len(matching) == 1, (rank, name)  # one line per option
        rest = matching[0].lstrip()[len(str(rank)) + 1 :]
        # The name, or a short form of it that ends at a word boundary (marked … when cut).
        heads = [name[:i].rstrip(" ,/(-") for i in range(1, len(name) + 1) if i == len(name) or name[i] in " ,/(-"]
        assert any(h and rest.startswith(h) and rest[len(h) : len(h) + 1] in (" ", "…", "") for h in heads), (name, matching[0])


def test_at_80_columns_the_long_table_folds_and_loses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    table = runner.invoke(app, ["options", "-n", "2", "--long", "--format", "table"]).stdout
    body = table.split("\nReferences\n", 1)[0]
    assert "…" not in body
    assert all(len(line) <= 80 for line in body.splitlines())
    flat = " ".join(body.split())
    for opt in _options_json("-n", "2")["options"]:
        # every word of every name is in the table (a folded cell splits words across lines)
        for word in opt["name"].split():
            assert word[:6] in flat, opt["name"]


@pytest.mark.parametrize("args", [["options", "-n", "2", "--long"], ["show", "ect"], ["compare", "aripiprazole", "lithium"], ["refs", "--for", "ect"]], ids=" ".join)
def test_reference_lists_fold_within_the_width_and_keep_identifiers_whole(monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    out = runner.invoke(app, [*args, "--format", "table"]).stdout
    too_wide = [line for line in out.splitlines() if len(line) > 100 and not line.strip().startswith(("doi:", "http", "PMID"))]
    assert not too_wide, too_wide[:3]


def test_compare_table_fits_100_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    out = runner.invoke(app, ["compare", "aripiprazole", "lithium", "--format", "table"]).stdout
    body = out.split("\nReferences\n", 1)[0]
    assert "Aripiprazole" in body and "Lithium" in body
    assert all(len(line) <= 100 for line in body.splitlines())


def _pty_run(env_extra: dict[str, str], *args: str) -> tuple[str, int]:
    """Run trd with its stdout on a pseudo-terminal; what it printed there, and its exit code."""
    import pty

    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("_TYPER_FORCE_DISABLE_TERMINAL", "PAGER", "TRD_PAGER")}
    env.update({"LINES": "24", "COLUMNS": "80", **env_extra})
    proc = subprocess.Popen([sys.executable, "-m", "trdcli", *args], stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait()
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace"), proc.returncode


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_pager_pages_a_tall_answer_on_a_terminal_only(tmp_path) -> None:
    record = tmp_path / "paged.txt"
    pager = f"{sys.executable} -c \"import sys; open({str(record)!r}, 'w').write(sys.stdin.read())\""
    out, code = _pty_run({"TRD_PAGER": pager}, "show", "ect")
    assert code == 0
    assert "Electroconvulsive therapy" in record.read_text() and "Electroconvulsive therapy" not in out
    record.unlink()
    out, code = _pty_run({"TRD_PAGER": pager}, "show", "ect", "--no-pager")
    assert code == 0 and not record.exists() and "Electroconvulsive therapy" in out
    piped = subprocess.run(
        [sys.executable, "-m", "trdcli", "show", "ect", "--pager"], capture_output=True, text=True, env={**os.environ, "TRD_PAGER": pager}
    )
    assert not record.exists() and "Electroconvulsive therapy" in piped.stdout  # a pipe never pages


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_pager_that_cannot_start_loses_nothing() -> None:
    out, code = _pty_run({"TRD_PAGER": "/nonexistent/pager"}, "show", "ect")
    assert code == 0 and "Electroconvulsive therapy" in out


def _shells() -> None:
    """What trd's entry point does when a shell asks for completions (CliRunner calls the app directly)."""
    from typer._completion_classes import completion_init

    completion_init()


def test_completion_of_option_names_and_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    _shells()

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
    result = runner.invoke(app, ["--install-completion", shell], prog_name="trd")
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
    _shells()

    def complete(words: str) -> str:
        env = {"_TRD_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": words}
        return runner.invoke(app, [], env=env, prog_name="trd").output

    assert "psychotic-features" in complete("trd options --context psy")
    assert "weight-gain" in complete("trd options --avoid wei")
    assert "maudsley" in complete("trd stage --model mau")
