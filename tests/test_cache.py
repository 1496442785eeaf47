"""The cache of validated knowledge bases can never change an answer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ARGS = ["options", "--prior-trials", "2", "--format", "json"]


def trd(env_extra: dict[str, str], *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("TRD_NO_CACHE", "TRD_CACHE_DIR")}
    env.update(env_extra)
    out = subprocess.run([sys.executable, "-m", "trdcli", *args], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.fixture(scope="module")
def reference() -> str:
    return trd({"TRD_NO_CACHE": "1"}, *ARGS)


def cache_file(folder: Path) -> Path:
    files = list(folder.glob("kb-*.jsonl"))
    assert len(files) == 1, files
    return files[0]


def test_a_warm_cache_gives_the_same_answer(tmp_path: Path, reference: str) -> None:
    env = {"TRD_CACHE_DIR": str(tmp_path)}
    assert trd(env, *ARGS) == reference  # cold: validates and writes
    assert cache_file(tmp_path).stat().st_size > 0
    assert trd(env, *ARGS) == reference  # warm
    assert trd(env, "show", "ect", "--format", "json") == trd({"TRD_NO_CACHE": "1"}, "show", "ect", "--format", "json")


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: b[: b.rindex(b"\n", 0, len(b) - 1) + 1],  # one option line short
        lambda b: b"\x00\xff garbage" * 100,  # corrupted
        lambda b: b.replace(b'"trd-kb-cache/', b'"trd-kb-cache-old/', 1),  # another format
        lambda b: b.replace(b'"trd": "', b'"trd": "0.0.0-', 1),  # another program version
        lambda b: b + b'{"id": "extra"}\n',  # padded
        lambda b: b"",  # empty
    ],
    ids=["truncated", "short", "corrupted", "format", "version", "padded", "empty"],
)
def test_a_damaged_cache_is_ignored_and_rebuilt(tmp_path: Path, reference: str, damage) -> None:
    env = {"TRD_CACHE_DIR": str(tmp_path)}
    trd(env, *ARGS)
    path = cache_file(tmp_path)
    path.write_bytes(damage(path.read_bytes()))
    assert trd(env, *ARGS) == reference
    assert trd(env, *ARGS) == reference  # and the rebuilt cache is good


def test_a_cache_entry_that_is_a_folder_is_ignored(tmp_path: Path, reference: str) -> None:
    env = {"TRD_CACHE_DIR": str(tmp_path)}
    trd(env, *ARGS)
    path = cache_file(tmp_path)
    path.unlink()
    path.mkdir()
    assert trd(env, *ARGS) == reference


def test_no_usable_cache_folder_still_works(tmp_path: Path, reference: str) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert trd({"TRD_CACHE_DIR": str(blocker / "cache")}, *ARGS) == reference
    assert blocker.read_text() == "not a folder"


def test_an_edited_knowledge_base_is_a_miss(tmp_path: Path) -> None:
    import shutil

    from trdcli.kbfiles import bundled_path

    kb = tmp_path / "kb"
    shutil.copytree(bundled_path(), kb)
    env = {"TRD_CACHE_DIR": str(tmp_path / "cache")}
    before = trd(env, "show", "ect", "--format", "json", "--kb", str(kb))
    path = kb / "strategies" / "neuromodulation.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name: Electroconvulsive therapy (ECT)", "name: Electroconvulsive therapy (edited)"), encoding="utf-8")
    after = trd(env, "show", "ect", "--format", "json", "--kb", str(kb))
    assert before != after and "(edited)" in after


def test_ten_concurrent_runs_on_a_cold_cache_agree(tmp_path: Path, reference: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TRD_NO_CACHE"}
    env["TRD_CACHE_DIR"] = str(tmp_path)
    procs = [
        subprocess.Popen([sys.executable, "-m", "trdcli", *ARGS], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        for _ in range(10)
    ]
    outputs = [p.communicate()[0].decode() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert all(o == reference for o in outputs)
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file is left behind"
    assert trd({"TRD_CACHE_DIR": str(tmp_path)}, *ARGS) == reference


def test_trd_writes_only_in_its_cache_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
    os.environ.pop("TRD_CACHE_DIR", None)
    trd(env, *ARGS)
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    assert written and all(w.startswith(".cache/trd") or w == ".cache" for w in written), written
