"""Names resolve honestly: a drug that is not an option is never guessed by spelling."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from trdcli.cli import app

runner = CliRunner()


def test_a_drug_inside_a_combination_lists_the_options_that_mention_it() -> None:
    result = runner.invoke(app, ["show", "fluoxetine"])
    assert result.exit_code == 2
    assert "olanzapine-fluoxetine" in result.output and "SSRI" in result.output


def test_a_drug_the_knowledge_base_covers_by_class_names_the_class_options() -> None:
    for typed in ("sertraline", "Zoloft"):
        result = runner.invoke(app, ["show", typed])
        assert result.exit_code == 2, typed
        assert "it is sertraline" in result.output and "switch-within-class" in result.output


def test_first_takes_the_first_named_option_and_json_says_what_was_typed() -> None:
    result = runner.invoke(app, ["show", "zoloft", "--first", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["id"] == "switch-within-class" and data["resolved_from"] == "zoloft"


def test_a_spelling_variant_resolves_with_a_note() -> None:
    result = runner.invoke(app, ["show", "esketamin", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["resolved_from"] == "esketamin"


def test_an_unknown_word_is_not_matched_to_a_far_name() -> None:
    result = runner.invoke(app, ["show", "xyzzy"])
    assert result.exit_code == 2 and "Did you mean" not in result.output
