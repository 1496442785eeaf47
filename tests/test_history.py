"""Treatment histories as clinicians keep them: drugs by any name, scale scores, ECT in time, tried options."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from trdcli import history as hist
from trdcli import staging, views
from trdcli.cli import app
from trdcli.errors import HistoryError

runner = CliRunner()
VOCAB = hist.load_vocabulary(None)


def trial(drug: str = "sertraline", **kw: Any) -> dict[str, Any]:
    t: dict[str, Any] = {"drug": drug, "weeks": 8, "adequate_dose": True, "improvement_pct": 10}
    t.update(kw)
    return {k: v for k, v in t.items() if v is not None}


def data(trials: list[dict[str, Any]], ect: list[dict[str, Any]] | None = None, months: float = 6,
         severity: str = "moderate") -> dict[str, Any]:
    return {"episode": {"duration_months": months, "severity": severity}, "trials": trials, "ect": ect or []}


def patient(trials: list[dict[str, Any]], ect: list[dict[str, Any]] | None = None, **kw: Any) -> hist.Patient:
    return hist.parse(data(trials, ect, **kw))


def write(tmp_path: Path, content: dict[str, Any] | str, name: str = "h.yaml") -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return path


def part(result: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in result["parts"] if p["part"] == name)


# --------------------------------------------------------------------------- drugs by any name


@pytest.mark.parametrize(
    ("typed", "generic"),
    [("Zoloft", "sertraline"), ("Effexor XR", "venlafaxine"), ("venlafaxine XR", "venlafaxine"),
     ("sertraline 100 mg", "sertraline"), ("LEXAPRO 10mg", "escitalopram"), ("Emsam 6 mg/24 h", "selegiline"),
     ("dothiepin", "dosulepin"), ("Wellbutrin", None)],
)
def test_names_resolve_to_their_generic_drug(typed: str, generic: str | None) -> None:
    found = VOCAB.drug(typed)
    assert (found.name if found else None) == generic


@given(
    name=st.sampled_from(["sertraline", "Zoloft", "venlafaxine", "Effexor XR", "duloxetine", "Cymbalta"]),
    suffix=st.sampled_from(["", " XR", " SR", " ER", " CR", " XL", " LA"]),
    dose=st.one_of(st.just(""), st.integers(1, 400).map(lambda n: f" {n} mg"), st.integers(1, 400).map(lambda n: f" {n}mg")),
    upper=st.booleans(),
)
def test_formulation_suffixes_and_doses_never_change_the_drug(name: str, suffix: str, dose: str, upper: bool) -> None:
    typed = name + suffix + dose
    typed = typed.upper() if upper else typed
    base = VOCAB.drug(name)
    assert base is not None and VOCAB.drug(typed) == base


def test_an_unknown_drug_gets_a_did_you_mean(tmp_path: Path) -> None:
    path = write(tmp_path, data([trial("sertralin")]))
    result = runner.invoke(app, ["stage", "--history", str(path)])
    assert result.exit_code == 1
    assert re.search(r"h\.yaml:\d+:\d+: trials\[0\]\.drug: 'sertralin' is not in the drug vocabulary", result.output)
    assert "did you mean 'sertraline'" in result.output


def test_a_class_that_contradicts_the_vocabulary_is_an_error_naming_both(tmp_path: Path) -> None:
    path = write(tmp_path, data([trial("sertraline", **{"class": "tca"})]))
    result = runner.invoke(app, ["stage", "--history", str(path)])
    assert result.exit_code == 1
    assert "'sertraline' is ssri" in result.output and "class: tca" in result.output


def test_an_unknown_drug_with_a_class_is_accepted_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, data([trial("newdrugine", **{"class": "snri"}), trial()]))
    result = runner.invoke(app, ["stage", "--history", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "newdrugine" in result.stderr


def test_drug_class_is_read_as_class_with_a_warning_and_hints_say_class(tmp_path: Path) -> None:
    old = write(tmp_path, data([trial("sertraline", drug_class="ssri"), trial("venlafaxine")]))
    result = runner.invoke(app, ["stage", "--history", str(old), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "drug_class" in result.stderr and "rename it to `class`" in result.stderr
    typo = write(tmp_path, data([trial("sertraline", clas="ssri")]), "t.yaml")
    result = runner.invoke(app, ["stage", "--history", str(typo)])
    assert result.exit_code == 1 and "did you mean 'class'?" in result.output


# --------------------------------------------------------------------------- augmentation named


def test_lithium_as_a_trial_drug_exits_1_naming_augmented_with(tmp_path: Path) -> None:
    path = write(tmp_path, data([trial(), trial("lithium")]))
    result = runner.invoke(app, ["stage", "--history", str(path)])
    assert result.exit_code == 1
    assert re.search(r"h\.yaml:\d+:\d+: trials\[1\]\.drug: lithium is not an antidepressant", result.output)
    assert "augmented_with: [lithium]" in result.output
    assert "Traceback" not in result.output


def test_augmented_with_lithium_on_a_failed_trial_scores_as_augmentation() -> None:
    plain = patient([trial(), trial("venlafaxine")])
    with_li = patient([trial(), trial("venlafaxine", augmented_with=["lithium"])])
    assert part(staging.maudsley(plain), "augmentation")["points"] == 0
    assert part(staging.maudsley(with_li), "augmentation")["points"] == 1
    assert staging.mgh(with_li)["score"] == staging.mgh(plain)["score"] + 0.5
    assert "lithium" in part(staging.mgh(with_li), "trial 2 (venlafaxine, snri)")["why"]


def test_esketamine_may_be_a_trial_drug_and_says_why() -> None:
    p = patient([trial(), trial("Spravato")])
    result = staging.trd_definition(p)
    assert result["counted_trials"] == 2
    assert any("jnj2025spravatomono" in n for n in result["notes"])
    assert any("not one of the antidepressant classes" in n for n in staging.thase_rush(p)["notes"])


def test_an_unknown_add_on_is_an_error() -> None:
    with pytest.raises(HistoryError) as err:
        patient([trial(augmented_with=["lithum"])])
    assert "lithium" in err.value.render()


# --------------------------------------------------------------------------- outcomes


def test_madrs_30_to_24_is_a_failed_adequate_trial_and_to_12_a_response() -> None:
    failed = patient([trial(improvement_pct=None, score={"scale": "madrs", "baseline": 30, "end": 24})])
    assert staging.trd_definition(failed)["counted_trials"] == 1
    assert "20% improvement" in staging.trd_definition(failed)["parts"][0]["why"]
    responded = patient([trial(improvement_pct=None, score={"scale": "MADRS", "baseline": 30, "end": 12})])
    result = staging.trd_definition(responded)
    assert result["counted_trials"] == 0 and any("responded" in f for f in result["flags"])


def test_a_trial_without_outcome_is_unknown_in_every_model() -> None:
    p = patient([trial(), trial("venlafaxine", improvement_pct=None)])
    definition = staging.trd_definition(p)
    assert definition["counted_trials"] == 1 and definition["unknown"] == ["trial 2 (venlafaxine, snri)"]
    assert "outcome unknown" in views.stage_headline("trd-definition", definition)
    assert any("would be met" in n for n in definition["notes"])
    for model in ("maudsley", "mgh", "thase-rush"):
        result = staging.MODELS[model](p)
        assert any("outcome unknown" in n for n in result["notes"]), model


@pytest.mark.parametrize(("judgement", "counted"), [("none", 1), ("partial", 1), ("response", 0)])
def test_the_clinicians_judgement(judgement: str, counted: int) -> None:
    p = patient([trial(improvement_pct=None, outcome=judgement)])
    assert staging.trd_definition(p)["counted_trials"] == counted


def test_one_outcome_per_trial_and_scores_within_the_scale(tmp_path: Path) -> None:
    two = write(tmp_path, data([trial(outcome="none")]))
    result = runner.invoke(app, ["stage", "--history", str(two)])
    assert result.exit_code == 1 and "give one outcome per trial" in result.output
    high = write(tmp_path, data([trial(improvement_pct=None, score={"scale": "phq-9", "baseline": 40, "end": 3})]), "x.yaml")
    result = runner.invoke(app, ["stage", "--history", str(high)])
    assert result.exit_code == 1 and "above the phq-9 maximum of 27" in result.output


@settings(max_examples=60, deadline=None)
@given(scale=st.sampled_from(sorted(VOCAB.scales)), data_=st.data())
def test_score_outcomes_follow_the_published_thresholds(scale: str, data_: st.DataObject) -> None:
    top = VOCAB.scales[scale].max
    base = data_.draw(st.integers(1, top))
    end = data_.draw(st.integers(0, top))
    p = patient([trial(improvement_pct=None, score={"scale": scale, "baseline": base, "end": end})])
    outcome = p.trials[0].outcome
    assert (outcome.kind == "response") == ((base - end) / base * 100 >= 50 - 0.05)
    assert outcome.remission == (end <= VOCAB.scales[scale].remission_max)


# --------------------------------------------------------------------------- ECT in time

FOUR = [trial("sertraline"), trial("venlafaxine"), trial("nortriptyline"), trial("phenelzine")]


def test_failed_bilateral_ect_before_any_trial_is_stage_iv_not_v() -> None:
    p = patient(FOUR, [{"laterality": "bilateral", "responded": False, "after_trial": 0}])
    result = staging.thase_rush(p)
    assert result["stage"] == "IV"
    assert any("not after a stage IV failure" in n for n in result["notes"])
    assert staging.thase_rush(patient(FOUR, [{"laterality": "bilateral", "responded": False}]))["stage"] == "V"


@given(after=st.integers(0, 4), laterality=st.sampled_from(["bilateral", "bifrontal", "right-unilateral"]),
       responded=st.sampled_from([True, False, None]))
def test_stage_v_needs_a_failed_bilateral_course_after_stage_iv(after: int, laterality: str, responded: bool | None) -> None:
    course: dict[str, Any] = {"laterality": laterality, "after_trial": after}
    if responded is not None:
        course["responded"] = responded
    result = staging.thase_rush(patient(FOUR, [course]))
    expected = after == 4 and laterality == "bilateral" and responded is False
    assert (result["stage"] == "V") == expected
    readings = {r["reading"]: r["result"] for r in result["readings"]}
    if after == 4 and laterality == "bifrontal" and responded is False:
        assert readings == {"stage V needs bilateral ECT": "stage IV", "bifrontal ECT counts as bilateral": "stage V"}


def test_after_trial_beyond_the_trials_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, data([trial()], [{"laterality": "bilateral", "responded": False, "after_trial": 3}]))
    result = runner.invoke(app, ["stage", "--history", str(path)])
    assert result.exit_code == 1 and "after_trial 3" in result.output


# --------------------------------------------------------------------------- readings per patient


def test_maudsley_ect_that_responded_gives_both_readings() -> None:
    p = patient([trial()], [{"laterality": "bilateral", "responded": True}])
    ect = part(staging.maudsley(p), "ect")
    assert ect["points"] == 0
    assert {(r["reading"], r["result"], r["used_by_trd"]) for r in ect["readings"]} == {
        ("failure", "0 points", True), ("used", "1 point", False)
    }
    assert all(r["source"] for r in ect["readings"])


def test_maudsley_trials_or_distinct_medications() -> None:
    p = patient([trial("sertraline"), trial("sertraline"), trial("venlafaxine")], months=30, severity="severe-without-psychosis")
    result = staging.maudsley(p)
    ad = part(result, "antidepressants")
    assert ad["points"] == 2 and {r["reading"]: r["result"] for r in ad["readings"]} == {
        "trials": "2 points", "distinct medications": "1 point"
    }
    assert result["score"] == 3 + 4 + 2 and any("distinct medications: 8" in o for o in result["other_readings"])


def test_moclobemide_and_two_other_antidepressants_give_both_stages() -> None:
    rima = staging.thase_rush(patient([*FOUR[:3], trial("moclobemide")]))
    assert rima["stage"] == "IV"
    assert {r["result"] for r in rima["readings"]} == {"stage IV", "stage III"}
    others = staging.thase_rush(patient([trial("bupropion"), trial("mirtazapine")]))
    assert others["stage"] == "I"
    assert {r["reading"]: r["result"] for r in others["readings"]}["two different 'other' antidepressants are two classes"] == "stage II"


def test_stage_json_carries_parts_why_and_readings(tmp_path: Path) -> None:
    path = write(tmp_path, data([trial(), trial("venlafaxine")], [{"laterality": "bilateral", "responded": True}]))
    out = json.loads(runner.invoke(app, ["stage", "--history", str(path), "--format", "json"]).stdout)
    for model in out["models"].values():
        for p in model["parts"]:
            assert {"part", "points", "why", "readings"} <= set(p) and p["why"]
    assert out["models"]["maudsley"]["parts"][-1]["readings"][1]["reading"] == "used"


# --------------------------------------------------------------------------- options that know the history

VENLAFAXINE_FAILED = data(
    [trial("Zoloft", weeks=2), trial("Effexor XR", improvement_pct=None, score={"scale": "madrs", "baseline": 30, "end": 24})]
)


def test_options_history_marks_the_snri_switch_as_tried_in_every_format(tmp_path: Path) -> None:
    path = write(tmp_path, VENLAFAXINE_FAILED)
    args = ["options", "--history", str(path)]
    out = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    flags = {o["id"]: o["flags"] for o in out["options"]}
    tried = [f for f in flags["switch-to-snri"] if f["kind"] == "tried"]
    assert tried and tried[0]["about"] == "trial 2 (venlafaxine): failed" and "20% improvement" in tried[0]["text"]
    assert not any(f["kind"] == "tried" for f in flags.get("switch-to-bupropion", []))
    assert out["notes"][0].startswith("From the history") and "inadequate duration" in out["notes"][0]
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(runner.invoke(app, [*args, "--format", "csv"]).stdout))}
    assert "tried:trial 2 (venlafaxine): failed" in rows["switch-to-snri"]["flags"]
    md = runner.invoke(app, [*args, "--format", "markdown"]).stdout
    line = next(x for x in md.splitlines() if "Switch to an SNRI" in x)
    assert "↺ tried, trial 2 (venlafaxine): failed" in line
    table = runner.invoke(app, [*args, "--format", "table"], env={"COLUMNS": "160"}).stdout
    row = table[table.index("Switch to an SNRI"):]
    assert "↺ tried, trial 2 (venlafaxine)" in row.split("Switch to", 2)[1]  # in the option's own row
    assert "already tried in this history" in table


def test_options_history_all_inadequate_shows_the_flags_first(tmp_path: Path) -> None:
    path = write(tmp_path, data([trial(adequate_dose=False), trial("venlafaxine", weeks=2)]))
    out = json.loads(runner.invoke(app, ["options", "--history", str(path), "--format", "json"]).stdout)
    assert out["query"]["prior_trials"] == 0
    assert len(out["notes"]) >= 2 and "inadequate dose" in out["notes"][0] and "inadequate duration" in out["notes"][1]


def test_tried_options_cover_add_ons_and_ect() -> None:
    p = patient([trial(augmented_with=["lithium", "aripiprazole"])], [{"laterality": "bilateral", "responded": True}])
    tried = hist.tried_options(p)
    assert {"lithium", "aripiprazole", "ect"} <= set(tried)
    assert tried["ect"][0].about == "ECT course 1: responded"


# --------------------------------------------------------------------------- standard input


def test_history_from_standard_input_with_cli_runner(tmp_path: Path) -> None:
    text = yaml.safe_dump(VENLAFAXINE_FAILED)
    result = runner.invoke(app, ["stage", "--history", "-", "--format", "json"], input=text)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["history"] == "<stdin>"
    bad = runner.invoke(app, ["stage", "--history", "-"], input="episode: [unclosed\n")
    assert bad.exit_code == 1 and "<stdin>:" in bad.output


def test_cat_history_pipe_to_trd_stage(tmp_path: Path) -> None:
    path = write(tmp_path, VENLAFAXINE_FAILED)
    cat = subprocess.run([sys.executable, "-c", f"import sys; sys.stdout.write(open({str(path)!r}).read())"],
                         capture_output=True, check=True)
    done = subprocess.run([sys.executable, "-m", "trdcli", "stage", "--history", "-", "--format", "json"],
                          input=cat.stdout, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["models"]["trd_definition"]["counted_trials"] == 1


def test_the_scores_example_stages_and_uses_every_new_field() -> None:
    example = Path(__file__).resolve().parents[1] / "examples" / "history-scores.yaml"
    if not example.exists():
        pytest.skip("needs the source checkout")
    text = example.read_text(encoding="utf-8")
    for field in ("score:", "augmented_with:", "after_trial:", "Zoloft", "Effexor XR"):
        assert field in text
    out = json.loads(runner.invoke(app, ["stage", "--history", str(example), "--format", "json"]).stdout)
    assert out["models"]["thase_rush"]["stage"] == "V"


# --------------------------------------------------------------------------- the vocabulary in validate


def test_validate_checks_the_vocabulary(kb_copy: Path) -> None:
    drugs = kb_copy / "drugs.yaml"
    drugs.write_text(drugs.read_text(encoding="utf-8").replace("brand_source: viatris2023zoloftpi", "brand_source: nosuchref"),
                     encoding="utf-8")
    result = runner.invoke(app, ["validate", str(kb_copy)])
    assert result.exit_code == 1
    assert "drugs.yaml:" in result.output and "unknown reference 'nosuchref'" in result.output
