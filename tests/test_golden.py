"""One whole output per format on the small MINI knowledge base, compared with tests/golden/.

Regenerate after an intended change with `TRD_UPDATE_GOLDEN=1 pytest tests/test_golden.py`, then
read the diff (`git diff tests/golden`) as a user would before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trdcli import __version__
from trdcli.cli import app

runner = CliRunner()
GOLDEN = Path(__file__).parent / "golden"
CASES = {
    "options-table-compact.txt": ["options", "--format", "table"],
    "options-table-long.txt": ["options", "--format", "table", "--long"],
    "options-markdown.md": ["options", "--format", "markdown"],
    "options-csv.csv": ["options", "--format", "csv"],
    "options-json.json": ["options", "--format", "json"],
    "show-table.txt": ["show", "beta-option", "--format", "table"],
    "show-markdown.md": ["show", "alpha", "--format", "markdown"],
    "show-csv.csv": ["show", "alpha", "--format", "csv"],
    "show-json.json": ["show", "alpha", "--format", "json"],
    "refs-bibtex.bib": ["refs", "--format", "bibtex"],
}


@pytest.mark.parametrize("name", CASES)
def test_whole_output_matches_golden(name: str, mini_kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    result = runner.invoke(app, [*CASES[name], "--kb", str(mini_kb)])
    assert result.exit_code == 0, result.output
    out = result.stdout.replace(f"trd {__version__}", "trd VERSION")
    path = GOLDEN / name
    if os.environ.get("TRD_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(out, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with TRD_UPDATE_GOLDEN=1 and review it"
    assert out == path.read_text(encoding="utf-8")
