"""A new sourced field is declared in one place and covered everywhere (issue 10, item 1).

A test-only subclass of `domain.Option` adds `interactions_extra: tuple[Sourced, ...]`; the file
boundary is pointed at it by replacing `domain.OptionsFile` (what `load` validates a strategies
file into, looked up by name through `kbfiles.KINDS`). Nothing else is told about the new field:
validation of citations, every output format of `show`, `compare` and `search` must find it
through `domain.sourced_fields` and the dataclass fields. The last test replaces that derivation by
a hand-written list (the old way) and checks that the coverage tests would then fail.

This module deliberately has no `from __future__ import annotations`: domain.py reads the fields'
types as objects (see the last test for a field declared with a string annotation).
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trdcli import domain
from trdcli.cli import app

from conftest import MINI, write_kb

runner = CliRunner()
EXTRA_TEXT = "Extra interaction zyxwv with the test drug."


# Declared the way domain.py declares its classes (frozen or not at run time, as the parent is).
FROZEN = domain.Option.__dataclass_params__.frozen  # type: ignore[attr-defined]


@dataclass(frozen=FROZEN, kw_only=True)
class OptionWithExtra(domain.Option):
    interactions_extra: tuple[domain.Sourced, ...] = ()


@dataclass(frozen=FROZEN, kw_only=True)
class OptionsFileWithExtra(domain.OptionsFile):
    options: tuple[OptionWithExtra, ...]


def _strategies(source: str) -> str:
    return MINI["strategies/test.yaml"].replace(
        "            sources: [guide2023]\n",
        "            interactions_extra:\n"
        f"              - text: {EXTRA_TEXT}\n"
        f"                source: {source}\n"
        "                where: Table 9\n"
        "            sources: [guide2023]\n",
        1,
    )


@pytest.fixture
def extended(monkeypatch: pytest.MonkeyPatch) -> None:
    """The option type gains a field, for this test only (and no cache may hold the other type)."""
    monkeypatch.setattr(domain, "OptionsFile", OptionsFileWithExtra)
    monkeypatch.setenv("TRD_NO_CACHE", "1")


def kb_with_extra(tmp_path: Path, source: str) -> Path:
    return write_kb(tmp_path / "kb", **{"strategies/test.yaml": _strategies(source)})


def dangling_reported_at_line(root: Path) -> bool:
    """`trd validate` reports the dangling source inside the new field, at its file:line."""
    text = (root / "strategies" / "test.yaml").read_text(encoding="utf-8")
    line = 1 + text[: text.index("source: no-such-reference")].count("\n")
    result = runner.invoke(app, ["validate", str(root), "--format", "json"])
    issues = json.loads(result.stdout)["issues"]
    return result.exit_code == 1 and any(
        i["file"].endswith("test.yaml")
        and i["line"] == line
        and "interactions_extra[0].source" in (i["field"] or "")
        and "no-such-reference" in i["message"]
        for i in issues
    )


def show(root: Path, fmt: str, *extra: str) -> str:
    result = runner.invoke(app, ["show", "alpha", "--format", fmt, "--kb", str(root), *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


def reaches(root: Path, fmt: str) -> bool:
    """The new field's text, and its citation, are in `trd show --format fmt`."""
    out = show(root, fmt)
    if fmt == "json":
        data = json.loads(out)
        return data.get("interactions_extra") == [{"text": EXTRA_TEXT, "source": "trial2020", "where": "Table 9"}] and (
            "trial2020" in data["sources"]
        )
    if fmt == "csv":
        return any(EXTRA_TEXT in line and "interactions_extra" in line for line in out.splitlines())
    flat = " ".join(out.split())
    return EXTRA_TEXT in flat and "Interactions extra" in flat


# --------------------------------------------------------------------------- the tests


def test_a_dangling_source_in_a_new_field_is_reported_at_file_line(tmp_path: Path, extended: None) -> None:
    root = kb_with_extra(tmp_path, "no-such-reference")
    assert dangling_reported_at_line(root)
    result = runner.invoke(app, ["show", "alpha", "--kb", str(root)])
    assert result.exit_code == 1 and "no-such-reference" in result.output


def test_without_the_new_type_the_field_is_refused(tmp_path: Path) -> None:
    """The control: the real schema does not know the field, so the fixture above is what adds it."""
    root = kb_with_extra(tmp_path, "trial2020")
    result = runner.invoke(app, ["validate", str(root)])
    assert result.exit_code == 1 and "unknown field 'interactions_extra'" in result.output


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_the_new_field_reaches_every_format_of_show(tmp_path: Path, extended: None, fmt: str) -> None:
    root = kb_with_extra(tmp_path, "trial2020")
    assert runner.invoke(app, ["validate", str(root)]).exit_code == 0
    assert reaches(root, fmt)


def test_the_new_field_is_numbered_among_the_citations_of_show(tmp_path: Path, extended: None) -> None:
    out = show(kb_with_extra(tmp_path, "trial2020"), "markdown")
    section = out.split("## Interactions extra", 1)[1].split("\n## ", 1)[0]
    number = re.search(r"\[(\d+)\]", section)
    assert number, section
    assert re.search(rf"^{number.group(1)}\. Poe E\. A test trial\.", out, re.M)


def test_the_new_field_reaches_long_table_through_a_narrow_terminal(tmp_path: Path, extended: None, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")  # cards instead of a table: the field is still there
    flat = " ".join(show(kb_with_extra(tmp_path, "trial2020"), "table").split())
    assert EXTRA_TEXT in flat


def test_the_new_field_reaches_search_and_compare(tmp_path: Path, extended: None) -> None:
    root = kb_with_extra(tmp_path, "trial2020")
    hits = json.loads(runner.invoke(app, ["search", "zyxwv", "--format", "json", "--kb", str(root)]).stdout)["matches"]
    assert [(h["id"], h["field"], h["text"]) for h in hits] == [("alpha", "interactions_extra[0].text", EXTRA_TEXT)]
    table = runner.invoke(app, ["search", "zyxwv", "--format", "markdown", "--kb", str(root)]).stdout
    assert EXTRA_TEXT in table.replace("**", "")  # the match may be emphasised
    compared = runner.invoke(app, ["compare", "alpha", "beta-option", "--format", "markdown", "--kb", str(root)])
    assert compared.exit_code == 0, compared.output
    assert EXTRA_TEXT in compared.stdout and "Interactions extra" in compared.stdout
    data = json.loads(runner.invoke(app, ["compare", "alpha", "beta-option", "--format", "json", "--kb", str(root)]).stdout)
    assert data["options"][0]["interactions_extra"][0]["text"] == EXTRA_TEXT


def test_refs_count_the_new_field_as_a_citation(tmp_path: Path, extended: None) -> None:
    root = write_kb(
        tmp_path / "kb",
        **{"strategies/test.yaml": _strategies("trial2020").replace("              - outcome: response", "              - outcome: response", 1)},
    )
    # Cite trial2020 only from the new field: drop the figure that also cites it.
    path = root / "strategies" / "test.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("    figures:")
    end = text.index("    interactions_extra:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    refs = json.loads(runner.invoke(app, ["refs", "--for", "alpha", "--format", "json", "--kb", str(root)]).stdout)
    assert "trial2020" in [r["id"] for r in refs["references"]]
    every = json.loads(runner.invoke(app, ["refs", "--format", "json", "--kb", str(root)]).stdout)
    assert next(r for r in every["references"] if r["id"] == "trial2020")["cited_by"] == ["alpha"]


def test_a_hand_written_list_of_sections_would_fail_these_tests(tmp_path: Path, extended: None, monkeypatch) -> None:
    """The coverage above comes from `domain.sourced_fields`: a hand-written list loses the field."""
    frozen = tuple(domain.sourced_fields(domain.Option))  # the list as it is today, written out
    assert "interactions_extra" not in frozen and "interactions_extra" in domain.sourced_fields(OptionWithExtra)

    def hand_written(cls: type) -> tuple[str, ...]:
        return frozen if issubclass(cls, domain.Option) else domain._SOURCED.get(cls) or ()

    dangling = kb_with_extra(tmp_path / "a", "no-such-reference")
    valid = kb_with_extra(tmp_path / "b", "trial2020")
    assert dangling_reported_at_line(dangling) and reaches(valid, "markdown")  # with the derivation
    monkeypatch.setattr(domain, "sourced_fields", hand_written)
    assert not dangling_reported_at_line(dangling)
    for fmt in ("table", "markdown", "csv"):
        assert not reaches(valid, fmt), fmt


def test_a_field_declared_with_a_string_annotation_is_covered_too() -> None:
    @dataclass(frozen=FROZEN, kw_only=True)
    class OptionWithStringField(domain.Option):
        interactions_extra: "tuple[domain.Sourced, ...]" = ()

    assert "interactions_extra" in domain.sourced_fields(OptionWithStringField)
