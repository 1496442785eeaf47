"""Staging models on histories worked by hand from the published rules, at every band boundary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from trdcli import history as hist
from trdcli import staging
from trdcli.cli import app
from trdcli.history import Patient

runner = CliRunner()


def trial(drug: str = "sertraline", cls: str | None = "ssri", weeks: float = 8, **kw) -> dict:
    t = {"drug": drug, "weeks": weeks, "adequate_dose": True, "adherent": True, "improvement_pct": 10}
    if cls:
        t["class"] = cls
    t.update(kw)
    return t


def history(months: float = 6, severity: str = "moderate", trials: list | None = None, ect: list | None = None) -> Patient:
    return hist.parse(
        {"episode": {"duration_months": months, "severity": severity}, "trials": trials or [], "ect": ect or []}
    )


# --------------------------------------------------------------------------- Maudsley


@pytest.mark.parametrize(("months", "points"), [(0, 1), (12, 1), (12.5, 2), (13, 2), (24, 2), (24.5, 3), (60, 3)])
def test_msm_duration_boundaries(months: float, points: int) -> None:
    assert staging.msm_duration_points(months) == points


@pytest.mark.parametrize(("failed", "points"), [(0, None), (1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3), (7, 4), (10, 4), (11, 5)])
def test_msm_antidepressant_levels(failed: int, points: int | None) -> None:
    assert staging.msm_antidepressant_points(failed) == points


@pytest.mark.parametrize(
    ("months", "severity", "n", "aug", "ect", "score", "band"),
    [
        (6, "subsyndromal", 1, False, False, 3, "mild"),  # the minimum
        (6, "severe-without-psychosis", 1, False, False, 6, "mild"),  # top of mild
        (6, "severe-with-psychosis", 1, False, False, 7, "moderate"),  # bottom of moderate
        (30, "severe-with-psychosis", 3, False, False, 10, "moderate"),  # top of moderate
        (30, "severe-with-psychosis", 3, True, False, 11, "severe"),  # bottom of severe
        (30, "severe-with-psychosis", 11, True, True, 15, "severe"),  # the maximum
    ],
)
def test_msm_scores_and_bands(months, severity, n, aug, ect, score, band) -> None:
    trials = [trial(augmented=aug and i == 0) for i in range(n)]
    h = history(months, severity, trials, [{"laterality": "bilateral", "responded": False}] if ect else [])
    result = staging.maudsley(h)
    assert (result["score"], result["band"]) == (score, band)


def test_msm_with_no_failed_trial_is_undefined_not_zero() -> None:
    result = staging.maudsley(history(trials=[trial(improvement_pct=60)]))
    assert result["score"] is None and "no category for zero failed" in result["undefined"]


# --------------------------------------------------------------------------- MGH


def test_mgh_points_per_trial_and_ect() -> None:
    h = history(
        trials=[trial(), trial("venlafaxine", "snri", dose_optimised=True, augmented=True), trial("bupropion", "other", weeks=5)],
        ect=[{"laterality": "right-unilateral", "responded": False}],
    )
    result = staging.mgh(h)
    assert result["score"] == 1 + 2 + 3  # the 5-week trial does not score (6 weeks needed)
    assert [p["points"] for p in result["parts"]] == [1.0, 2.0, 0.0, 3.0]  # every trial and course has a part
    assert "6" in result["parts"][2]["why"]


def test_mgh_zero_is_a_valid_score() -> None:
    assert staging.mgh(history())["score"] == 0


# --------------------------------------------------------------------------- Thase-Rush


@pytest.mark.parametrize(
    ("classes", "ect", "stage"),
    [
        ([], None, None),
        (["ssri"], None, "I"),
        (["ssri", "ssri"], None, "I"),
        (["ssri", "snri"], None, "II"),
        (["tca", "ssri"], None, "II"),  # the TCA came first: it is the Stage I class
        (["ssri", "snri", "tca"], None, "III"),
        (["ssri", "tca", "tca"], None, "III"),
        (["ssri", "snri", "maoi"], None, "II"),  # an MAOI before a TCA does not skip a stage
        (["ssri", "snri", "tca", "maoi"], None, "IV"),
        (["ssri", "snri", "tca", "maoi"], "right-unilateral", "IV"),
        (["ssri", "snri", "tca", "maoi"], "bilateral", "V"),
    ],
)
def test_thase_rush_stages(classes: list[str], ect: str | None, stage: str | None) -> None:
    drugs = {"ssri": "sertraline", "snri": "venlafaxine", "tca": "nortriptyline", "maoi": "phenelzine"}
    h = history(trials=[trial(drugs[c], c) for c in classes], ect=[{"laterality": ect, "responded": False}] if ect else [])
    assert staging.thase_rush(h)["stage"] == stage


def test_thase_rush_stage_0_is_a_response() -> None:
    assert staging.thase_rush(history(trials=[trial(improvement_pct=55)]))["stage"] == "0"


# --------------------------------------------------------------------------- the common definition


def test_pseudo_resistance_does_not_count() -> None:
    h = history(
        trials=[
            trial(adequate_dose=False),
            trial("escitalopram", weeks=3),
            trial("fluoxetine", adherent=False),
            trial("venlafaxine", "snri", improvement_pct=50),
            trial("duloxetine", "snri", improvement_pct=30),
        ]
    )
    result = staging.trd_definition(h)
    assert result["counted_trials"] == 1 and not result["is_trd"]
    text = " ".join(result["flags"])
    for flag in ("inadequate dose", "inadequate duration", "non-adherence", "responded"):
        assert flag in text
    assert any("EU-PEARL" in n for n in result["notes"])


def test_class_is_inferred_from_the_drug() -> None:
    h = history(trials=[trial("sertraline", None), trial("Nortriptyline", None)])
    assert staging.thase_rush(h)["stage"] == "II"


# --------------------------------------------------------------------------- the command


def write(tmp_path: Path, data: dict | str) -> Path:
    path = tmp_path / "h.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return path


def test_stage_json_has_the_documented_shape(tmp_path: Path) -> None:
    path = write(tmp_path, {"episode": {"duration_months": 18, "severity": "severe-without-psychosis"},
                            "trials": [trial(), trial("venlafaxine", "snri")]})
    data = json.loads(runner.invoke(app, ["stage", "--history", str(path), "--format", "json"]).stdout)
    models = data["models"]
    assert {"maudsley", "mgh", "thase_rush", "trd_definition"} == set(models)
    assert {"score", "band", "parts"} <= set(models["maudsley"])
    assert {"score", "parts"} <= set(models["mgh"])
    assert {"stage", "reason"} <= set(models["thase_rush"])
    assert {"is_trd", "counted_trials", "flags"} <= set(models["trd_definition"])
    assert models["maudsley"]["score"] == 2 + 4 + 1
    assert data["sources"] and all(s["id"] for s in data["sources"])


def test_stage_one_model_and_every_format(tmp_path: Path) -> None:
    path = write(tmp_path, {"episode": {"duration_months": 3, "severity": "mild"}, "trials": [trial()]})
    for fmt in ("table", "markdown", "csv", "json"):
        result = runner.invoke(app, ["stage", "--history", str(path), "--model", "maudsley", "--format", fmt])
        assert result.exit_code == 0, result.output
        assert "Thase" not in result.stdout


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("episode: {duration_months: 3, severity: mild}\ntrials:\n  - {drug: x, class: ssri, weeks: 8, adequate_dose: true, improvement_pct: 10, dose: 20}\n",
         ["h.yaml:3:", "unknown field 'dose'"]),
        ("trials: []\n", ["missing required field 'episode'"]),
        ("episode: {duration_months: 3, severity: dire}\n", ["h.yaml:1:", "'dire' is not allowed"]),
        ("episode: {duration_months: 3, severity: mild}\ntrials:\n  - {drug: zzzine, weeks: 8, adequate_dose: true, improvement_pct: 10}\n",
         ["h.yaml:3:", "'zzzine' is not in the drug vocabulary"]),
        ("- a list\n", ["not a mapping"]),
        ("episode: [unclosed\n", ["not valid YAML"]),
        ("episode: {duration_months: 3, severity: mild}\nepisode: {duration_months: 4, severity: mild}\n", ["duplicate key 'episode'"]),
    ],
)
def test_invalid_histories_get_file_line_and_exit_1(tmp_path: Path, text: str, fragments: list[str]) -> None:
    path = write(tmp_path, text)
    result = runner.invoke(app, ["stage", "--history", str(path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output


def test_options_from_a_history(tmp_path: Path) -> None:
    path = write(tmp_path, {"episode": {"duration_months": 18, "severity": "severe-with-psychosis"},
                            "trials": [trial(), trial("venlafaxine", "snri")]})
    data = json.loads(runner.invoke(app, ["options", "--history", str(path), "--format", "json"]).stdout)
    assert data["query"]["prior_trials"] == 2
    assert "psychotic-features" in data["query"]["contexts"]
    both = runner.invoke(app, ["options", "--history", str(path), "--prior-trials", "2"])
    assert both.exit_code == 2


def test_the_example_history_in_the_repository_stages() -> None:
    example = Path(__file__).resolve().parents[1] / "examples" / "history.yaml"
    if not example.exists():
        pytest.skip("needs the source checkout")
    result = runner.invoke(app, ["stage", "--history", str(example), "--format", "json"])
    assert json.loads(result.stdout)["models"]["trd_definition"]["is_trd"] is True
