"""`trd validate` reports, at file:line, a dangling `source` in every sourced part (issue 10, Done when).

The parts are not listed here: they are `domain.sourced_fields(domain.Option)` and
`domain.sourced_fields(domain.DrugClass)`, so a field added to either class is tested the day it is
declared. What this file keeps is one minimal, valid YAML item per *item class*; a new item class
without a sample fails `test_every_item_class_has_a_sample`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trdcli import domain, vocab
from trdcli.cli import app

from conftest import MINI, write_kb

runner = CliRunner()
DANGLING = "no-such-reference"

# One valid item of each class that a sourced part holds, as one line of flow-style YAML.
SAMPLES: dict[type, str] = {
    domain.Sourced: "{text: A sourced statement., source: %s, where: p 1}",
    domain.Figure: "{outcome: response, value: 40%%, population: adults, comparator: placebo, source: %s}",
    domain.Dose: "{usual: 10 mg daily, source: %s, where: Table 2}",
    domain.AdverseEffect: "{effect: nausea, frequency: common, source: %s}",
    domain.Regulatory: "{agency: FDA, year: 2020, status: approved for a test, source: %s}",
    domain.ContextRule: "{context: %s, effect: caution, text: A context rule., source: %%s}" % vocab.CONTEXTS[0],
    domain.CanmatRating: "{scheme: canmat-2023, line: first, level: 1, statement: A rating., where: Table 1, source: %s}",
}


def sample_for(cls: type, field: str) -> str:
    for candidate in domain.item_types(domain.hints(cls)[field]):
        if candidate in SAMPLES:
            return SAMPLES[candidate] % DANGLING
    raise AssertionError(f"no sample item for {cls.__name__}.{field}: add one to SAMPLES")


def is_single(cls: type, field: str) -> bool:
    """A field holding one item (`onset: Sourced | None`), not a list of them."""
    import typing

    ann = domain.hints(cls)[field]
    return typing.get_origin(ann) is not tuple


def yaml_field(cls: type, field: str, indent: str) -> str:
    item = sample_for(cls, field)
    if is_single(cls, field):
        return f"{indent}{field}: {item}\n"
    return f"{indent}{field}:\n{indent}  - {item}\n"


def expect_reported(root: Path, file_name: str, field_path: str) -> None:
    text = (root / file_name).read_text(encoding="utf-8")
    line = 1 + text[: text.index(DANGLING)].count("\n")
    result = runner.invoke(app, ["validate", str(root), "--format", "json"])
    assert result.exit_code == 1, result.output
    issues = json.loads(result.stdout)["issues"]
    found = [i for i in issues if DANGLING in i["message"]]
    assert found, [(i["line"], i["field"], i["message"]) for i in issues]
    assert any(
        i["file"].endswith(file_name.split("/")[-1]) and i["line"] == line and field_path in (i["field"] or "") for i in found
    ), (line, field_path, found)
    text_report = runner.invoke(app, ["validate", str(root)]).output
    assert f"{file_name.split('/')[-1]}:{line}:" in text_report and f"cites reference '{DANGLING}'" in text_report


def test_every_item_class_has_a_sample() -> None:
    for cls in (domain.Option, domain.DrugClass):
        for field in domain.sourced_fields(cls):
            sample_for(cls, field)


def test_the_parts_include_those_the_issue_names() -> None:
    named = {
        "when_to_consider", "recommendations", "figures", "onset", "cautions", "contraindications",
        "adverse_effects", "monitoring", "practical", "regulatory", "contexts",
    }
    assert named <= set(domain.sourced_fields(domain.Option))


@pytest.mark.parametrize("field", domain.sourced_fields(domain.Option))
def test_a_dangling_source_in_each_sourced_part_of_an_option(tmp_path: Path, field: str) -> None:
    gamma = (
        "          - id: gamma\n            name: Gamma test option\n            family: switching\n"
        "            summary: Test option gamma.\n            min_prior_trials: 2\n"
        + yaml_field(domain.Option, field, " " * 12)
        + "            last_reviewed: 2026-01-15\n"
    )
    strategies = MINI["strategies/test.yaml"].rstrip(" ") + gamma
    root = write_kb(tmp_path / "kb", **{"strategies/test.yaml": strategies})
    suffix = "" if is_single(domain.Option, field) else "[0]"
    expect_reported(root, "strategies/test.yaml", f"{field}{suffix}.source")


def test_a_dangling_entry_in_sources(tmp_path: Path) -> None:
    strategies = MINI["strategies/test.yaml"].replace("sources: [guide2023]", f"sources: [guide2023, {DANGLING}]", 1)
    root = write_kb(tmp_path / "kb", **{"strategies/test.yaml": strategies})
    expect_reported(root, "strategies/test.yaml", "sources[1]")


def _classes_yaml(field: str) -> str:
    return "classes:\n  - id: testclass\n    name: Test class\n" + yaml_field(domain.DrugClass, field, "    ")


@pytest.mark.parametrize("field", domain.sourced_fields(domain.DrugClass))
def test_a_dangling_source_in_each_sourced_part_of_a_drug_class(tmp_path: Path, field: str) -> None:
    strategies = MINI["strategies/test.yaml"].replace(
        "            family: augmentation\n", "            family: augmentation\n            classes: [testclass]\n", 1
    )
    root = write_kb(tmp_path / "kb", **{"strategies/test.yaml": strategies, "classes.yaml": _classes_yaml(field)})
    expect_reported(root, "classes.yaml", f"{field}[0].source")


def test_a_valid_drug_class_reaches_show(tmp_path: Path) -> None:
    """The control for the class tests: with a real source, the class fact is valid and shown."""
    strategies = MINI["strategies/test.yaml"].replace(
        "            family: augmentation\n", "            family: augmentation\n            classes: [testclass]\n", 1
    )
    classes = _classes_yaml("cautions").replace(DANGLING, "trial2020")
    root = write_kb(tmp_path / "kb", **{"strategies/test.yaml": strategies, "classes.yaml": classes})
    assert runner.invoke(app, ["validate", str(root)]).exit_code == 0
    out = runner.invoke(app, ["show", "alpha", "--format", "markdown", "--kb", str(root)]).stdout
    assert "A sourced statement." in out and "Test class" in out
