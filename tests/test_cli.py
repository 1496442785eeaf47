"""The three commands as a user sees them, on a small knowledge base written to tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trdcli import __version__
from trdcli.cli import app

runner = CliRunner()


@pytest.fixture
def run(mini_kb: Path):
    def _run(*args: str):
        return runner.invoke(app, [*args, "--kb", str(mini_kb)])

    return _run


def test_options_table_rows_citations_legend_and_disclaimer(run) -> None:
    result = run("options", "--format", "table")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("Alpha augmentation") < out.index("Beta therapy")  # first line sorts before second
    assert "1st line, L1" in out and "2nd line, level n/s" in out
    assert "NICE: do not offer ≠" in out  # guidelines disagree: marked
    assert "[1] Doe J, Roe R. A test guideline. Test J. 2023;1:1-10. doi:10.1000/test.1 PMID 123" in out
    assert "CANMAT 2023: 1st line = test first; L1 = test level one" in out
    assert "Knowledge base 1.0, reviewed 2026-01-15" in out
    assert out.rstrip().endswith("Test disclaimer - supports, does not replace, clinical judgement.")


def test_prior_trials_filters_and_warns_before_trd(run) -> None:
    one = run("options", "--prior-trials", "1")
    assert one.exit_code == 0
    assert "Not yet treatment-resistant depression" in one.output
    assert "Alpha augmentation" in one.output and "Beta therapy" not in one.output
    two = run("options", "-n", "2")
    assert "Not yet" not in two.output and "Beta therapy" in two.output


def test_no_match_is_not_an_error_and_says_what_to_relax(run) -> None:
    result = run("options", "-n", "1", "--family", "neuromodulation")
    assert result.exit_code == 0
    assert "No option matches" in result.output
    assert "raise --prior-trials to 2" in result.output
    assert "drop --family neuromodulation" in result.output


def test_line_filter_uses_canmat_2023(run) -> None:
    result = run("options", "--line", "second", "--format", "json")
    assert [o["id"] for o in json.loads(result.output)["options"]] == ["beta-option"]


def test_bad_flag_values_exit_2(run) -> None:
    for args in (["--family", "surgery"], ["--prior-trials", "-1"], ["--prior-trials", "two"], ["--line", "fourth"], ["--format", "pdf"]):
        result = run("options", *args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output


def test_options_json_contract(run) -> None:
    data = json.loads(run("options", "-n", "2", "--format", "json").output)
    assert {"schema_version", "kb_version", "kb_reviewed", "query", "options", "disclaimer"} <= set(data)
    assert data["query"] == {"prior_trials": 2, "families": [], "line": None, "contexts": [], "avoid": [], "strict": False}
    assert data["kb_version"] == "1.0" and data["kb_reviewed"] == "2026-01-15"
    alpha = data["options"][0]
    assert alpha["id"] == "alpha"
    rec = alpha["recommendations"][0]
    assert (rec["source"], rec["scheme"], rec["line"], rec["level"]) == ("guide2023", "canmat-2023", "first", 1)


def test_show_json_contract(run) -> None:
    data = json.loads(run("show", "alpha", "--format", "json").output)
    required = {
        "schema_version", "id", "name", "aliases", "family", "min_prior_trials", "summary",
        "recommendations", "figures", "cautions", "sources", "references", "last_reviewed",
    }
    assert required <= set(data)
    rec = data["recommendations"][0]
    assert {"source", "scheme", "line", "level", "statement"} <= set(rec)
    assert data["sources"] == ["guide2023", "trial2020"]
    ref = data["references"][0]
    assert {"id", "type", "authors", "title", "journal", "year", "doi", "pmid"} <= set(ref)
    assert ref["doi"] == "10.1000/test.1" and ref["pmid"] == "123"
    assert data["references"][1]["doi"] is None  # unconfirmed identifiers stay empty


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("alpha", "alpha"), ("ALPHA", "alpha"), ("alphazine", "alpha"), ("Alpha augmentation", "alpha"),
     ("beta", "beta-option"), ("beta therapy", "beta-option"), ("alphazin", "alpha"), ("Beta-Therapy", "beta-option")],
)
def test_show_resolves_ids_names_aliases_and_near_misses(run, typed: str, expected: str) -> None:
    result = run("show", typed, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == expected


def test_near_miss_says_what_it_showed(run) -> None:
    result = run("show", "alphazin")
    assert "closest match to 'alphazin'" in result.stderr


def test_unknown_name_exits_2_with_suggestions(run) -> None:
    result = run("show", "alpine")
    assert result.exit_code == 2
    assert "No option called 'alpine'" in result.output and "Did you mean alpha?" in result.output
    nothing = run("show", "qqqqqqq")
    assert nothing.exit_code == 2 and "trd options" in nothing.output


def test_show_table_has_every_section_and_the_reminder(run) -> None:
    out = run("show", "beta-option", "--format", "table").output
    for part in ("Beta therapy", "When to consider", "Recommendations", "guidelines disagree", "References", "Last reviewed 2026-01-15", "Test disclaimer"):
        assert part in out, part


def test_show_markdown(run) -> None:
    out = run("show", "alpha", "--format", "markdown").output
    assert out.startswith("# Alpha augmentation")
    assert "| CANMAT 2023 [1] | 1st line, L1 |" in out
    assert "| response | 50% | test adults | placebo |" in out


def test_refs_table_json_bibtex_and_for(run) -> None:
    table = run("refs", "--format", "table")
    assert table.exit_code == 0
    assert "10.1000/test.1" in table.output and "not confirmed" in table.output
    data = json.loads(run("refs", "--format", "json").output)
    assert [r["id"] for r in data["references"]] == ["guide2023", "trial2020"]
    assert data["references"][0]["cited_by"] == ["alpha", "beta-option", "kb", "legend"]
    bib = run("refs", "--format", "bibtex", "--for", "alpha").output
    assert "@article{guide2023," in bib and "author = {Doe, J. and Roe, R.}" in bib and "pages = {1--10}" in bib
    only = json.loads(run("refs", "--for", "beta", "--format", "json").output)
    assert [r["id"] for r in only["references"]] == ["guide2023"]


def test_version_prints_program_and_knowledge_base() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith(f"trd {__version__} (knowledge base ")


@pytest.mark.parametrize("command", ["options", "show", "refs"])
def test_every_command_help_shows_examples(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and f"trd {command}" in result.output


def test_a_pipe_gets_markdown_not_boxes(run) -> None:
    out = run("options").output  # CliRunner's stdout is not a terminal
    assert out.startswith("# Options for treatment-resistant depression")
    assert "| **Alpha augmentation** |" in out
    assert "─" not in out and "│" not in out


def test_narrow_terminal_gets_one_card_per_option(run, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    out = run("options", "--format", "table").output
    assert "1. Alpha augmentation" in out and "2. Beta therapy" in out
    assert "CANMAT 2023: 1st line, L1" in out and "Key figure: 50% response" in out
    assert all(len(line) <= 60 for line in out.splitlines())


def test_compare_and_search(run) -> None:
    result = run("compare", "alpha", "beta", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [o["id"] for o in json.loads(result.stdout)["options"]] == ["alpha", "beta-option"]
    assert "read as 'beta-option'" in result.stderr
    assert run("compare", "alpha").exit_code == 2
    assert run("compare", "alpha", "alphazine").exit_code == 2  # the same option twice
    hits = json.loads(run("search", "TEST STATEMENT", "--format", "json").output)["matches"]
    assert {(h["id"], h["field"]) for h in hits} == {
        ("alpha", "recommendations[0].statement"),
        ("beta-option", "recommendations[0].statement"),
    }
