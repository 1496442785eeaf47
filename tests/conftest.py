"""Pin the terminal and the knowledge base so CI's environment cannot change any output."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from trdcli.kbfiles import bundled_path

BUNDLED = bundled_path()


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("trd-cache")


@pytest.fixture(scope="session")
def bundled_kb():
    """The bundled knowledge base, parsed and validated once per session (never through a cache)."""
    from trdcli.load import load_report

    loaded, issues = load_report(BUNDLED)
    assert loaded is not None, [i.render() for i in issues]
    return loaded.kb


@pytest.fixture(autouse=True)
def pinned_terminal(monkeypatch: pytest.MonkeyPatch, session_cache: Path) -> None:
    monkeypatch.setenv("TRD_CACHE_DIR", str(session_cache))  # never the user's cache folder
    monkeypatch.setenv("XDG_CACHE_HOME", str(session_cache / "xdg"))  # nor the XDG one, if TRD_CACHE_DIR is unset
    monkeypatch.delenv("TRD_NO_CACHE", raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("_TYPER_FORCE_DISABLE_TERMINAL", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TRD_KB", raising=False)
    monkeypatch.delenv("TRD_DEBUG", raising=False)


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled knowledge base, for tests that break it."""
    dest = tmp_path / "kb"
    shutil.copytree(BUNDLED, dest)
    return dest


MINI = {
    "kb.yaml": """\
        version: "1.0"
        reviewed: 2026-01-15
        title: Mini test knowledge base
        scope: Synthetic content for tests only.
        disclaimer: Test disclaimer - supports, does not replace, clinical judgement.
        definitions:
          - term: TRD
            text: Test definition.
            source: guide2023
        coverage: [alpha, beta-option]
        """,
    "evidence.yaml": """\
        schemes:
          - id: canmat-2023
            name: Test CANMAT scheme
            sources: [guide2023]
            line:
              - {value: first, label: 1st line, definition: test first}
              - {value: second, label: 2nd line, definition: test second}
            level:
              - {value: 1, label: L1, definition: test level one}
          - id: nice-ng222
            name: Test NICE scheme
            sources: [guide2023]
            strength:
              - {value: offer, label: offer, definition: test offer}
              - {value: do-not-offer, label: do not offer, definition: test do not offer}
        """,
    "references.yaml": """\
        references:
          - id: guide2023
            type: guideline
            authors: [Doe J, Roe R]
            title: A test guideline
            journal: Test J
            year: 2023
            volume: "1"
            pages: 1-10
            doi: 10.1000/test.1
            pmid: "123"
            provenance: synthetic test record
          - id: trial2020
            type: rct
            authors: [Poe E]
            title: A test trial
            journal: Test J
            year: 2020
            provenance: synthetic test record; identifiers not confirmed
        """,
    "strategies/test.yaml": """\
        options:
          - id: alpha
            name: Alpha augmentation
            aliases: [alphazine]
            family: augmentation
            summary: Test option alpha.
            min_prior_trials: 1
            recommendations:
              - source: guide2023
                scheme: canmat-2023
                line: first
                level: 1
                statement: Test statement.
                where: Table 1
            figures:
              - outcome: response
                value: 50%
                population: test adults
                comparator: placebo
                source: trial2020
            doses:
              - usual: 10-20 mg daily
                source: guide2023
                where: Table 3
            sources: [guide2023]
            last_reviewed: 2026-01-15
          - id: beta-option
            name: Beta therapy
            family: neuromodulation
            summary: Test option beta.
            min_prior_trials: 2
            recommendations:
              - source: guide2023
                scheme: canmat-2023
                line: second
                level: null
                statement: Test statement beta.
                where: Section 2
              - source: guide2023
                scheme: nice-ng222
                strength: do-not-offer
                statement: Test NICE statement.
                where: rec 1.1
            last_reviewed: 2026-01-15
        """,
}


def write_kb(root: Path, files: dict[str, str] | None = None, **overrides: str) -> Path:
    """Write the mini knowledge base (with any file replaced) as real YAML files under root."""
    content = dict(MINI if files is None else files)
    content.update({k.replace("__", "/").replace("_yaml", ".yaml"): v for k, v in overrides.items()})
    for name, text in content.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def mini_kb(tmp_path: Path) -> Path:
    return write_kb(tmp_path / "mini")
