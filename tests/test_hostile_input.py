"""Bad input gets a clear answer: nothing crashes, nothing is silently lost, nothing spoofs the terminal."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trdcli import yamlpos
from trdcli.kbfiles import bundled_path
from trdcli.cli import app

from conftest import write_kb

runner = CliRunner()


def run(root: Path, *args: str):
    return runner.invoke(app, [*args, "--kb", str(root)])


def kb_with(tmp_path: Path, name: str, text: str | bytes) -> Path:
    root = write_kb(tmp_path / "kb")
    path = root / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return root


def assert_error(result, *fragments: str, code: int = 1) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output


# --------------------------------------------------------------------------- YAML hardening


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    lines.append("options: *a9")
    root = kb_with(tmp_path, "strategies/test.yaml", "\n".join(lines) + "\n")
    assert_error(run(root, "options"), "test.yaml:", "alias bomb")


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    root = kb_with(tmp_path, "strategies/test.yaml", "options: &loop [*loop]\n")
    assert_error(run(root, "options"), "recursive YAML alias")


def test_oversized_file_is_refused_with_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from trdcli import load

    real = yamlpos.read_bytes

    def small_limit(path, kind="knowledge-base file", limit=yamlpos.MAX_FILE_BYTES, too_big_hint=""):
        return real(path, kind, 1024, too_big_hint)

    monkeypatch.setattr(load, "read_bytes", small_limit)
    root = kb_with(tmp_path, "strategies/test.yaml", "options: []\n" + "# padding\n" * 200)
    assert_error(run(root, "options"), "test.yaml", "over the", "limit")


def test_non_utf8_names_the_line_and_byte(tmp_path: Path) -> None:
    root = kb_with(tmp_path, "references.yaml", b"references:\n  - id: x\n    title: caf\xe9\n")
    assert_error(run(root, "refs"), "references.yaml:3:", "not valid UTF-8", "0xe9", "Save the file as UTF-8")


def test_utf16_is_named(tmp_path: Path) -> None:
    root = kb_with(tmp_path, "references.yaml", "references: []\n".encode("utf-16"))
    assert_error(run(root, "refs"), "UTF-16")


def test_byte_order_mark_is_accepted_and_reported_by_validate(tmp_path: Path) -> None:
    root = write_kb(tmp_path / "kb")
    path = root / "references.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert run(root, "refs").exit_code == 0
    report = runner.invoke(app, ["validate", str(root)])
    assert report.exit_code == 0
    assert "byte-order mark" in report.output


def test_tabs_used_as_indentation(tmp_path: Path) -> None:
    root = kb_with(tmp_path, "references.yaml", "references:\n\t- id: x\n")
    assert_error(run(root, "refs"), "references.yaml:2:", "spaces, not tabs")


def test_whitespace_only_file_is_empty(tmp_path: Path) -> None:
    root = kb_with(tmp_path, "evidence.yaml", "\n   \n")
    assert_error(run(root, "options"), "evidence.yaml", "the file is empty")


def test_scalar_file_is_not_a_mapping(tmp_path: Path) -> None:
    root = kb_with(tmp_path, "kb.yaml", "just a sentence\n")
    assert_error(run(root, "options"), "kb.yaml", "not a mapping")


def test_python_tags_are_not_executed(tmp_path: Path) -> None:
    root = kb_with(tmp_path, "references.yaml", "references: !!python/object/apply:os.system ['echo pwned']\n")
    result = run(root, "refs")
    assert_error(result, "references.yaml:1:", "not valid YAML")
    assert "pwned" not in result.output


# --------------------------------------------------------------------------- terminal safety

HOSTILE_SUMMARY = "Looks [bold red]alarming[/bold red] and [link=https://evil.example]click me[/link]."


def hostile_kb(tmp_path: Path) -> Path:
    root = write_kb(tmp_path / "kb")
    path = root / "strategies" / "test.yaml"
    text = path.read_text(encoding="utf-8").replace("summary: Test option alpha.", f"summary: '{HOSTILE_SUMMARY}'")
    path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("fmt", ["table", "markdown", "json", "csv"])
def test_rich_markup_in_the_knowledge_base_is_shown_not_interpreted(tmp_path: Path, fmt: str, monkeypatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    result = run(hostile_kb(tmp_path), "show", "alpha", "--format", fmt)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "evil.example" in out  # shown as text ...
    assert "\x1b]8;" not in out or "evil.example" not in out.split("\x1b]8;", 1)[1].split("\x1b", 1)[0]  # ... never a link
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out).replace("\\", "")
    assert "[bold red]alarming[/bold red]" in plain or "[bold red]alarming[/bold red]" in json.dumps(out)


@pytest.mark.parametrize(
    "payload",
    ["\\e[2J\\e[31mred", "\\e]8;;https://evil.example\\e\\\\x\\e]8;;\\e\\\\", "bell\\a", "\\x9b31m"],
)
def test_escape_sequences_are_refused_at_load(tmp_path: Path, payload: str) -> None:
    root = write_kb(tmp_path / "kb")
    path = root / "strategies" / "test.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("summary: Test option alpha.", f'summary: "{payload}"'), encoding="utf-8"
    )
    assert_error(run(root, "show", "alpha"), "test.yaml:", "control character")


def _on_a_terminal(*args: str) -> str:
    """What trd prints with its stdout on a pseudo-terminal (links are written only to a terminal)."""
    import os
    import pty
    import subprocess
    import sys

    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "_TYPER_FORCE_DISABLE_TERMINAL")}
    env.update({"COLUMNS": "100", "LINES": "10000", "TRD_PAGER": "cat", "TERM": "xterm-256color"})
    proc = subprocess.Popen([sys.executable, "-m", "trdcli", *args, "--no-pager"], stdout=slave, stderr=subprocess.DEVNULL, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait()
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def test_only_validated_identifiers_become_links(bundled_kb, tmp_path: Path) -> None:
    # A link trd may print: a DOI or PubMed URL built from a validated identifier, or a reference's
    # validated `url` field, exactly; never a URL found in free text.
    allowed = {u for r in bundled_kb.references for u in (r.doi_url, r.pmid_url, r.url) if u}
    assert "https://evil.example" not in allowed  # the check itself refuses any other link
    link = re.compile(r"\x1b\]8;[^;]*;([^\x1b]*)\x1b\\")
    targets = link.findall(_on_a_terminal("refs", "--for", "ect", "--format", "table"))
    assert targets, "expected OSC-8 links on a terminal"
    for target in targets:
        assert target == "" or target in allowed, target
    hostile = _on_a_terminal("show", "alpha", "--format", "table", "--kb", str(hostile_kb(tmp_path)))
    assert "evil.example" in hostile
    assert not [t for t in link.findall(hostile) if "evil" in t]


# --------------------------------------------------------------------------- exits


def test_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    from trdcli import query

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(query, "select", interrupted)
    result = runner.invoke(app, ["options"])
    assert result.exit_code == 130
    assert "Interrupted" in result.output


def test_an_internal_error_is_one_paragraph_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    from trdcli import query

    def broken(*a, **k):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(query, "select", broken)
    result = runner.invoke(app, ["options"])
    assert result.exit_code == 1
    assert "internal error" in result.output and "--debug" in result.output and "Traceback" not in result.output


def test_kb_path_that_is_a_file_or_unreadable(tmp_path: Path) -> None:
    f = tmp_path / "notes.txt"
    f.write_text("x")
    assert_error(runner.invoke(app, ["options", "--kb", str(f)]), "is not a folder")
    root = write_kb(tmp_path / "kb")
    (root / "references.yaml").unlink()
    (root / "references.yaml").mkdir()
    assert_error(run(root, "refs"), "a folder, not a YAML file")


def test_the_knowledge_base_is_never_modified(tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(bundled_path(), root)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    for args in (["options", "-n", "2"], ["show", "ect"], ["refs"], ["validate", str(root)], ["compare", "ect", "vns"]):
        runner.invoke(app, [*args, "--kb", str(root)])
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert before == after
