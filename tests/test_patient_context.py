"""`--context` and `--avoid` on the bundled knowledge base: every value works, every mark is cited."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from trdcli.cli import app
from trdcli.vocab import CONTEXT_EFFECTS, CONTEXTS

runner = CliRunner()
REQUIRED_EFFECTS = [
    "weight-gain", "metabolic", "sedation", "sexual-dysfunction", "akathisia",
    "cognitive-effects", "qt-prolongation", "dissociation", "anaesthesia",
]


def options_json(*args: str) -> dict:
    result = runner.invoke(app, ["options", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("context", CONTEXTS)
def test_every_context_marks_options_or_says_what_the_sources_cover(context: str, bundled_kb) -> None:
    REF_IDS = {r.id for r in bundled_kb.references}
    data = options_json("-n", "2", "--context", context)
    flags = [f for o in data["options"] for f in o["flags"]]
    assert flags or data["context_notes"], f"nothing recorded for {context}"
    for f in flags:
        assert f["about"] == context and f["kind"] in CONTEXT_EFFECTS
        assert f["source"] in REF_IDS and len(f["text"]) > 20
    for note in data["context_notes"]:
        assert note["source"] in REF_IDS


@pytest.mark.parametrize("effect", REQUIRED_EFFECTS)
def test_every_effect_to_avoid_flags_the_options_that_record_it(effect: str, bundled_kb) -> None:
    BASE = bundled_kb
    data = options_json("-n", "2", "--avoid", effect)
    expected = {o.id for o in BASE.options if any(effect in a.tags for a in o.adverse_effects) and o.min_prior_trials <= 2}
    flagged = {o["id"] for o in data["options"] if any(f["kind"] == "avoid" and f["about"] == effect for f in o["flags"])}
    assert flagged == expected
    assert expected, f"no option records {effect}"
    strict = options_json("-n", "2", "--avoid", effect, "--strict")
    assert not ({o["id"] for o in strict["options"]} & expected)
    assert set(strict["hidden"]) == expected


def test_psychotic_features_and_weight_gain_as_the_issue_asks() -> None:
    result = runner.invoke(
        app, ["options", "-n", "2", "--context", "psychotic-features", "--avoid", "weight-gain", "--format", "table"]
    )
    out = result.stdout
    assert result.exit_code == 0
    assert "For this patient" in out
    assert "↑ psychotic-features" in out and "⚠ weight-gain" in out
    data = options_json("-n", "2", "--context", "psychotic-features", "--avoid", "weight-gain")
    ids = [o["id"] for o in data["options"]]
    favoured = [o["id"] for o in data["options"] if any(f["kind"] == "earlier" for f in o["flags"])]
    assert "ect" in favoured and "aripiprazole" in favoured
    # Within each rating group (the order is by rating first), favoured options come first and
    # contraindicated ones last.
    groups = list(dict.fromkeys(o["group"] for o in data["options"]))
    assert [o["group"] for o in data["options"]] == sorted((o["group"] for o in data["options"]), key=groups.index)
    for group in groups:
        members = [o for o in data["options"] if o["group"] == group]
        rank = [0 if any(f["kind"] == "earlier" for f in o["flags"]) else 2 if any(f["kind"] == "contraindicated" for f in o["flags"]) else 1 for o in members]
        assert rank == sorted(rank), (group, [o["id"] for o in members])
    assert ids.index("aripiprazole") < ids.index("itbs")  # both first line; aripiprazole favoured
    olz = next(o for o in data["options"] if o["id"] == "olanzapine")
    assert any(f["kind"] == "avoid" and f["about"] == "weight-gain" for f in olz["flags"])


def test_bipolar_spectrum_warns_that_it_is_a_different_pathway() -> None:
    out = runner.invoke(app, ["options", "-n", "2", "--context", "bipolar-spectrum"]).stdout
    assert "different pathway" in out


def test_unknown_context_or_effect_is_a_usage_error() -> None:
    assert runner.invoke(app, ["options", "--context", "teenager"]).exit_code == 2
    assert runner.invoke(app, ["options", "--avoid", "boredom"]).exit_code == 2
