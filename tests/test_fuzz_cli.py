"""Random invocations of every command end in exit 0 or 2 with a message, never an uncaught exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from trdcli.cli import app
from trdcli.vocab import FAMILIES

runner = CliRunner()

COMMANDS = ["options", "show", "compare", "search", "refs", "validate", "schema", "stage", "nonsense"]
FLAGS = ["--prior-trials", "-n", "--family", "-f", "--line", "-l", "--format", "--for", "--help", "--version", "-V", "--bogus", "-x", "--"]
VALUES = (
    list(FAMILIES)
    + ["first", "second", "third", "fourth", "table", "json", "markdown", "csv", "bibtex", "ris", "csl-json", "vancouver", "text", "pdf"]
    + ["ect", "esketamin", "rtms", "lithium", "aripiprazole", "options", "references", "kb", "evidence"]
    + ["0", "1", "2", "-1", "99", "2.5", "", " ", "[bold]x[/]", "\x1b[31m", "é", "ß", "∑", "%s", "{}", "a" * 300]
)
token = st.one_of(st.sampled_from(FLAGS), st.sampled_from(VALUES), st.text(max_size=12))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(command=st.sampled_from(COMMANDS), args=st.lists(token, max_size=6))
def test_random_invocations_exit_0_or_2_with_a_message(command: str, args: list[str]) -> None:
    if command == "validate":
        args = [a for a in args if a.startswith("-") and a != "--"]  # a random PATH is a missing knowledge base (exit 1)
    result = runner.invoke(app, [command, *args])
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 2), (command, args, result.output)
    if result.exit_code == 2:
        assert result.output.strip(), "a usage error must say what is wrong"
    assert "Traceback" not in result.output
