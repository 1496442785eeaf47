"""Import discipline, checked in a fresh process (the way Typer's test_rich_import.py does it):
fast paths must not import what they do not need. This guards start-up time without a flaky
timing assertion."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = """
import sys, json
sys.argv = ["trd", *json.loads(sys.argv[1])]
from trdcli.cli import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


def modules_after(args: list[str], env_extra: dict[str, str] | None = None) -> set[str]:
    env = dict(os.environ)
    env.update(env_extra or {})
    out = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True, env=env)
    line = [ln for ln in out.stderr.splitlines() if ln.startswith("MODULES ")][-1]
    return set(json.loads(line[len("MODULES "):]))


HEAVY = {"yaml", "pydantic", "pydantic_core", "rich.table", "rich.console", "trdcli.models", "trdcli.records"}


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["options", "--help"], ["show", "--help"]])
def test_help_and_version_import_nothing_heavy(args: list[str]) -> None:
    loaded = modules_after(args)
    assert not (loaded & HEAVY), sorted(loaded & HEAVY)


def test_json_output_imports_no_rich(tmp_path) -> None:
    env = {"TRD_CACHE_DIR": str(tmp_path)}
    modules_after(["options", "-n", "2", "--format", "json"], env)  # the first run fills the cache
    loaded = modules_after(["options", "-n", "2", "--format", "json"], env)
    assert not {m for m in loaded if m == "rich" or m.startswith("rich.")}
    assert not (loaded & {"yaml", "pydantic", "trdcli.models"}), "a warm cache needs no YAML parser or pydantic"


def test_markdown_in_a_pipe_imports_no_rich_and_a_warm_cache_no_validation(tmp_path) -> None:
    env = {"TRD_CACHE_DIR": str(tmp_path)}
    cold = modules_after(["options", "-n", "2"], env)
    assert "pydantic" in cold and "yaml" in cold  # the first run validates
    warm = modules_after(["options", "-n", "2"], env)
    assert not (warm & (HEAVY - {"trdcli.records"})), sorted(warm & HEAVY)
