"""A curator's mistakes get file:line, the field, what is wrong, exit 1 and no traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trdcli.cli import app

from conftest import MINI, write_kb

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def broken(tmp_path: Path, name: str, old: str, new: str) -> Path:
    root = write_kb(tmp_path / "kb")
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def assert_kb_error(result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output


def line_of(root: Path, name: str, needle: str) -> int:
    for i, line in enumerate((root / name).read_text().splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


def test_dangling_reference_names_file_line_and_the_id(tmp_path: Path) -> None:
    root = broken(tmp_path, "strategies/test.yaml", "source: trial2020", "source: trial2021")
    line = line_of(root, "strategies/test.yaml", "trial2021")
    result = run("options", "--kb", str(root))
    assert_kb_error(result, f"test.yaml:{line}:", "trial2021", "not in references.yaml", "did you mean 'trial2020'")
    assert "options[0](alpha).figures[0].source" in result.output


def test_dangling_reference_in_sources_list(tmp_path: Path) -> None:
    root = broken(tmp_path, "strategies/test.yaml", "sources: [guide2023]", "sources: [guide2023, nowhere]")
    result = run("show", "alpha", "--kb", str(root))
    assert_kb_error(result, "nowhere", "options[0](alpha).sources[1]")


def test_broken_yaml_gives_line_and_column(tmp_path: Path) -> None:
    root = broken(tmp_path, "strategies/test.yaml", "aliases: [alphazine]", "aliases: [alphazine")
    result = run("refs", "--kb", str(root))
    assert_kb_error(result, "test.yaml:", "not valid YAML")
    assert re.search(r"test\.yaml:\d+:\d+", result.output)


def test_unknown_field_suggests_the_right_one(tmp_path: Path) -> None:
    root = broken(tmp_path, "strategies/test.yaml", "    summary: Test option alpha.", "    sumary: Test option alpha.")
    line = line_of(root, "strategies/test.yaml", "sumary")
    result = run("options", "--kb", str(root))
    assert_kb_error(result, f"test.yaml:{line}:", "unknown field 'sumary'", "did you mean 'summary'")


def test_missing_required_field_is_named(tmp_path: Path) -> None:
    root = broken(tmp_path, "references.yaml", "    provenance: synthetic test record\n", "", )
    result = run("refs", "--kb", str(root))
    assert_kb_error(result, "references.yaml:", "missing required field 'provenance'", "references[0](guide2023)")


def test_rating_invalid_in_its_scheme(tmp_path: Path) -> None:
    root = broken(tmp_path, "strategies/test.yaml", "line: first", "line: fourth")
    assert_kb_error(run("options", "--kb", str(root)), "'fourth' is not allowed", "recommendations[0].line")


def test_nice_rating_with_a_canmat_level_is_refused(tmp_path: Path) -> None:
    root = broken(tmp_path, "strategies/test.yaml", "strength: do-not-offer", "strength: do-not-offer\n        level: 2")
    assert_kb_error(run("options", "--kb", str(root)), "level is not part of the nice-ng222 scheme")


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    root = broken(tmp_path, "strategies/test.yaml", "    family: augmentation\n", "    family: augmentation\n    family: switching\n")
    first = line_of(root, "strategies/test.yaml", "family: augmentation")
    result = run("options", "--kb", str(root))
    assert_kb_error(result, f"test.yaml:{first + 1}:", f"duplicate key 'family' (first at line {first})")


def test_duplicate_ids_and_aliases(tmp_path: Path) -> None:
    root = broken(tmp_path, "strategies/test.yaml", "    name: Beta therapy", "    name: Beta therapy\n    aliases: [alphazine]")
    assert_kb_error(run("options", "--kb", str(root)), "alias 'alphazine' of option 'beta-option' is already used by option 'alpha'")


def test_control_characters_in_text_are_refused(tmp_path: Path) -> None:
    root = broken(tmp_path, "strategies/test.yaml", "summary: Test option alpha.", 'summary: "Test \\e[31m alpha"')
    assert_kb_error(run("options", "--kb", str(root)), "control character")


def test_empty_file_and_list_file(tmp_path: Path) -> None:
    root = write_kb(tmp_path / "kb", references_yaml="")
    assert_kb_error(run("refs", "--kb", str(root)), "references.yaml", "the file is empty")
    root = write_kb(tmp_path / "kb2", references_yaml="- a\n- b\n")
    assert_kb_error(run("refs", "--kb", str(root)), "the file is a list, not a mapping")


def test_missing_folder_and_missing_kb_yaml(tmp_path: Path) -> None:
    assert_kb_error(run("options", "--kb", str(tmp_path / "nope")), "Knowledge base not found")
    (tmp_path / "empty").mkdir()
    assert_kb_error(run("options", "--kb", str(tmp_path / "empty")), "has no kb.yaml")


def test_trd_kb_environment_variable_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_kb(tmp_path / "kb")
    monkeypatch.setenv("TRD_KB", str(root))
    result = run("options")
    assert result.exit_code == 0, result.output
    assert "Alpha augmentation" in result.output
    monkeypatch.setenv("TRD_KB", str(tmp_path / "missing"))
    assert_kb_error(run("options"), "TRD_KB")


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    root = broken(tmp_path, "strategies/test.yaml", "source: trial2020", "source: trial2021")
    result = runner.invoke(app, ["options", "--kb", str(root), "--debug"])
    assert result.exit_code != 0
    assert result.exception is not None and type(result.exception).__name__ == "KnowledgeBaseError"


def test_every_mini_file_is_needed() -> None:
    assert set(MINI) == {"kb.yaml", "evidence.yaml", "references.yaml", "strategies/test.yaml"}
