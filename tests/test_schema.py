"""`trd schema` prints the JSON Schema of each YAML file; the committed copies are not stale."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from trdcli.cli import app
from trdcli.kbfiles import bundled_path

runner = CliRunner()
KINDS = ["kb", "evidence", "references", "options", "history", "drugs", "scales"]


@pytest.mark.parametrize("kind", KINDS)
def test_committed_schema_matches_the_models(kind: str) -> None:
    printed = json.loads(runner.invoke(app, ["schema", kind]).output)
    committed = json.loads((bundled_path() / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    assert printed == committed, f"data/schema/{kind}.schema.json is stale: run `trd schema {kind} > data/schema/{kind}.schema.json`"


def test_every_yaml_file_declares_its_schema_for_editors() -> None:
    root = bundled_path()
    files = {root / "kb.yaml": "schema/kb.schema.json", root / "evidence.yaml": "schema/evidence.schema.json",
             root / "references.yaml": "schema/references.schema.json",
             root / "drugs.yaml": "schema/drugs.schema.json", root / "scales.yaml": "schema/scales.schema.json"}
    files.update({p: "../schema/options.schema.json" for p in (root / "strategies").glob("*.yaml")})
    for path, target in files.items():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema={target}", path


def test_bundled_yaml_validates_against_the_emitted_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    root = bundled_path()
    pairs = [("kb", root / "kb.yaml"), ("evidence", root / "evidence.yaml"), ("references", root / "references.yaml")]
    pairs += [("options", p) for p in sorted((root / "strategies").glob("*.yaml"))]
    pairs += [("drugs", root / "drugs.yaml"), ("scales", root / "scales.yaml")]
    examples = root.parent / "examples"
    pairs += [("history", p) for p in sorted(examples.glob("history*.yaml"))]
    for kind, path in pairs:
        schema = json.loads(runner.invoke(app, ["schema", kind]).output)
        data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
        jsonschema.validate(data, schema)
