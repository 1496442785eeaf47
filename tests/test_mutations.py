"""Break a copy of the bundled knowledge base in every way the schema forbids; each break gets a
specific error naming the file, the field and what is wrong (and nothing is silently accepted)."""

from __future__ import annotations

import copy
import dataclasses
import shutil
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from trdcli import domain
from trdcli.kbfiles import bundled_path
from trdcli.load import load_report

BUNDLED = bundled_path()
FILES = {
    "kb": "kb.yaml",
    "evidence": "evidence.yaml",
    "references": "references.yaml",
    "options": "strategies/augmentation.yaml",
}
# Plain YAML data of the bundled files (no trd loading at import time).
ORIGINAL = {k: yaml.safe_load((BUNDLED / v).read_text(encoding="utf-8")) for k, v in FILES.items()}


def required_fields(cls: type) -> list[str]:
    """The fields of a domain class that have no default: derived from the class, not listed here."""
    return [
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING and not f.name.startswith("_")
    ]


def _first(options: list[dict[str, Any]], field: str) -> tuple[int, dict[str, Any]]:
    for i, opt in enumerate(options):
        if opt.get(field):
            return i, opt
    raise AssertionError(field)


# (file key, path to a mapping in that file's data, model of that mapping)
def _instances() -> list[tuple[str, tuple[Any, ...], type]]:
    opts = ORIGINAL["options"]["options"]
    out: list[tuple[str, tuple[Any, ...], type]] = [
        ("kb", (), domain.Meta),
        ("kb", ("definitions", 0), domain.Definition),
        ("evidence", ("schemes", 0), domain.EvidenceScheme),
        ("evidence", ("schemes", 0, "line", 0), domain.SchemeValue),
        ("references", ("references", 0), domain.Reference),
        ("options", ("options", 0), domain.Option),
    ]
    for field, model in (
        ("figures", domain.Figure),
        ("when_to_consider", domain.Sourced),
        ("adverse_effects", domain.AdverseEffect),
        ("regulatory", domain.Regulatory),
    ):
        i, _ = _first(opts, field)
        out.append(("options", ("options", i, field, 0), model))
    # One rating per scheme used in the file, each checked against its own type.
    seen: set[str] = set()
    for i, opt in enumerate(opts):
        for j, rec in enumerate(opt.get("recommendations") or ()):
            if rec["scheme"] not in seen:
                seen.add(rec["scheme"])
                out.append(("options", ("options", i, "recommendations", j), domain.RATING_TYPES[rec["scheme"]]))
    return out


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


Mutation = tuple[str, str, Callable[[dict[str, Any]], None], list[str]]


def _mutations() -> list[Mutation]:
    muts: list[Mutation] = []
    for key, path, model in _instances():
        for name in required_fields(model):
            if True:
                def drop(data: dict[str, Any], path=path, name=name) -> None:
                    del _get(data, path)[name]

                muts.append((f"missing {model.__name__}.{name}", key, drop, [f"missing required field '{name}'"]))

        def extra(data: dict[str, Any], path=path) -> None:
            _get(data, path)["unexpected_field"] = "x"

        muts.append((f"unknown field in {model.__name__}", key, extra, ["unknown field 'unexpected_field'"]))

    opts = ORIGINAL["options"]["options"]
    # every kind of cross-reference, dangled
    for field in ("recommendations", "figures", "when_to_consider", "cautions", "adverse_effects", "monitoring", "regulatory"):
        try:
            i, _ = _first(opts, field)
        except AssertionError:
            continue

        def dangle(data: dict[str, Any], i=i, field=field) -> None:
            data["options"][i][field][0]["source"] = "no-such-reference"

        muts.append((f"dangling {field} source", "options", dangle, ["cites reference 'no-such-reference'", f"{field}[0].source"]))
    i, _ = _first(opts, "sources")

    def dangle_sources(data: dict[str, Any], i=i) -> None:
        data["options"][i]["sources"].append("no-such-reference")

    muts.append(("dangling sources entry", "options", dangle_sources, ["cites reference 'no-such-reference'"]))

    def dangle_definition(data: dict[str, Any]) -> None:
        data["definitions"][0]["source"] = "no-such-reference"

    muts.append(("dangling definition source", "kb", dangle_definition, ["cites reference 'no-such-reference'"]))

    def dangle_scheme(data: dict[str, Any]) -> None:
        data["schemes"][0]["sources"][0] = "no-such-reference"

    muts.append(("dangling scheme source", "evidence", dangle_scheme, ["cites reference 'no-such-reference'"]))

    # every enum value, corrupted
    i_rec, _ = _first(opts, "recommendations")
    i_ae, _ = _first(opts, "adverse_effects")
    i_reg, _ = _first(opts, "regulatory")
    enums: list[tuple[str, str, tuple[Any, ...], str]] = [
        ("family", "options", ("options", 0), "family"),
        ("scheme", "options", ("options", i_rec, "recommendations", 0), "scheme"),
        ("line", "options", ("options", i_rec, "recommendations", 0), "line"),
        ("level", "options", ("options", i_rec, "recommendations", 0), "level"),
        ("frequency", "options", ("options", i_ae, "adverse_effects", 0), "frequency"),
        ("agency", "options", ("options", i_reg, "regulatory", 0), "agency"),
        ("reference type", "references", ("references", 0), "type"),
        ("scheme id", "evidence", ("schemes", 0), "id"),
    ]
    for label, key, path, name in enums:
        def corrupt(data: dict[str, Any], path=path, name=name) -> None:
            _get(data, path)[name] = "bogus-value" if name != "level" else 7

        muts.append((f"bad {label}", key, corrupt, ["is not allowed"]))

    def bad_tag(data: dict[str, Any]) -> None:
        data["options"][i_ae]["adverse_effects"][0]["tags"] = ["bogus-tag"]

    muts.append(("bad adverse-effect tag", "options", bad_tag, ["'bogus-tag' is not allowed"]))

    def nice_with_line(data: dict[str, Any]) -> None:
        rec = {"source": "nice2022ng222", "scheme": "nice-ng222", "strength": "consider", "line": "first", "statement": "x", "where": "y"}
        data["options"][0]["recommendations"].append(rec)

    muts.append(("rating outside its scheme", "options", nice_with_line, ["line is not part of the nice-ng222 scheme"]))

    def bad_doi(data: dict[str, Any]) -> None:
        data["references"][0]["doi"] = "https://doi.org/10.1/x"

    muts.append(("DOI with a URL prefix", "references", bad_doi, ["is not a valid doi"]))

    def duplicate_option(data: dict[str, Any]) -> None:
        data["options"].append(copy.deepcopy(data["options"][0]))

    muts.append(("duplicate option", "options", duplicate_option, ["duplicate option id"]))

    def duplicate_reference(data: dict[str, Any]) -> None:
        data["references"].append(copy.deepcopy(data["references"][0]))

    muts.append(("duplicate reference", "references", duplicate_reference, ["duplicate reference id"]))
    return muts


MUTATIONS = _mutations()


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_each_break_gets_a_specific_error(mutation: Mutation, tmp_path: Path) -> None:
    label, key, mutate, expected = mutation
    root = tmp_path / "kb"
    shutil.copytree(BUNDLED, root)
    data = copy.deepcopy(ORIGINAL[key])
    mutate(data)
    (root / FILES[key]).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    loaded, issues = load_report(root)
    errors = [i for i in issues if i.severity == "error"]
    assert loaded is None and errors, f"{label}: accepted"
    text = "\n".join(i.render() for i in errors)
    for fragment in expected:
        assert fragment in text, f"{label}: {text}"
    assert any(Path(FILES[key]).name in str(i.location) and i.location.line for i in errors if i.location), text


def test_there_is_a_mutation_for_every_required_field_of_every_model() -> None:
    covered = {m[0] for m in MUTATIONS}
    for _key, _path, model in _instances():
        for name in required_fields(model):
            if True:
                assert f"missing {model.__name__}.{name}" in covered
