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


def test_options_compact_terminal_answer_is_grouped_one_line_per_option(run) -> None:
    result = run("options", "--format", "table")
    assert result.exit_code == 0, result.output
    out = result.output
    lines = out.splitlines()
    first = lines.index("First line (CANMAT 2023, difficult-to-treat depression)")
    second = lines.index("Second line (CANMAT 2023)")
    assert first < second
    alpha = [line for line in lines if "Alpha augmentation" in line]
    beta = [line for line in lines if "Beta therapy" in line]
    assert len(alpha) == 1 and len(beta) == 1  # one line per option
    assert first < lines.index(alpha[0]) < second < lines.index(beta[0])
    assert "1st L1" in alpha[0] and "[1,2]" in alpha[0]
    assert "2nd L?" in beta[0] and "NICE-≠" in beta[0]  # guidelines disagree: marked
    refs = next(line for line in lines if line.startswith("References"))
    assert "1 Doe" in refs and "2 Poe" in refs  # compact references, one line
    assert "≠" in lines[-2] and "KB 1.0" in lines[-2]  # a one-line legend with the knowledge-base version
    assert out.rstrip().endswith("Test disclaimer - supports, does not replace, clinical judgement.")


def test_options_long_table_rows_citations_legend_and_disclaimer(run) -> None:
    result = run("options", "--format", "table", "--long")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("Alpha augmentation") < out.index("Beta therapy")  # first line sorts before second
    assert "1st line, L1" in out and "2nd line, level n/s" in out
    assert "NICE: do not offer ≠" in out  # guidelines disagree: marked
    assert "[1] Doe J, Roe R. A test guideline. Test J. 2023;1:1-10. doi:10.1000/test.1 PMID 123" in " ".join(out.split())
    assert "CANMAT 2023 (clinical practice guideline): 1st line = test first; 2nd line = test second; L1 = test" in out
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
    assert "--prior-trials 1: raise it to 2" in result.output
    assert "--family neuromodulation: drop it" in result.output


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
    assert result.exit_code == 0
    assert "Showing 'alpha' (Alpha augmentation) for 'alphazin'" in result.stderr
    data = json.loads(run("show", "alphazin", "--format", "json").stdout)
    assert data["resolved_from"] == "alphazin"
    assert "resolved_from" not in json.loads(run("show", "alphazine", "--format", "json").stdout)  # an exact alias


def test_unknown_name_exits_2_with_suggestions(run) -> None:
    result = run("show", "alpine")
    assert result.exit_code == 2
    assert "No option called 'alpine'" in result.output and "Did you mean alpha?" in result.output
    nothing = run("show", "qqqqqqq")
    assert nothing.exit_code == 2 and "trd options" in nothing.output


def test_show_table_has_every_section_and_the_reminder(run) -> None:
    out = run("show", "beta-option", "--format", "table").output
    for part in ("Beta therapy", "Recommendations", "guidelines disagree", "References", "Last reviewed 2026-01-15", "Test disclaimer"):
        assert part in out, part
    assert "When to consider" not in out  # an empty section is not shown


def test_show_table_shows_a_sourced_section_that_has_items(mini_kb: Path) -> None:
    path = mini_kb / "strategies" / "test.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "    summary: Test option beta.\n",
        "    summary: Test option beta.\n    when_to_consider:\n      - {text: Test when beta., source: trial2020}\n",
    )
    path.write_text(text, encoding="utf-8")
    out = runner.invoke(app, ["show", "beta-option", "--format", "table", "--kb", str(mini_kb)]).output
    assert "When to consider" in out and "Test when beta." in out


def test_show_markdown(run) -> None:
    out = run("show", "alpha", "--format", "markdown").output
    assert out.startswith("# Alpha augmentation")
    assert "## Recommendations\n\n- **CANMAT 2023**: 1st line, L1 [1] *Test statement.* *Where: Table 1*" in out
    assert "## Key figures\n\n- response: 50% [2] *Population: test adults* *Comparator: placebo*" in out


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
    assert out.startswith("# 2 options for treatment-resistant depression")
    assert "| 1 | **Alpha augmentation** |" in out
    assert "─" not in out and "│" not in out


def test_narrow_terminal_gets_one_card_per_option(run, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    out = run("options", "--format", "table", "--long").output
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
