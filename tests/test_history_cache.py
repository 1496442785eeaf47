"""A validated treatment history is cached by its exact bytes: the cache never changes an answer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "history.yaml"


def stage(cache: Path, path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TRD_NO_CACHE",)}
    env["TRD_CACHE_DIR"] = str(cache)
    return subprocess.run(
        [sys.executable, "-m", "trdcli", "stage", "--history", str(path), "--format", "json", *extra],
        capture_output=True,
        text=True,
        env=env,
    )


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("history-*.json"))


def test_a_warm_run_answers_as_a_cold_one_and_skips_validation(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    hist = tmp_path / "h.yaml"
    hist.write_bytes(EXAMPLE.read_bytes())
    cold = stage(cache, hist)
    assert cold.returncode == 0, cold.stderr
    assert len(entries(cache)) == 1
    warm = stage(cache, hist)
    assert warm.stdout == cold.stdout
    probe = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "trdcli", "stage", "--history", str(hist)],
        capture_output=True,
        text=True,
        env={**os.environ, "TRD_CACHE_DIR": str(cache)},
    )
    assert "pydantic" not in probe.stderr and " yaml" not in probe.stderr


def test_an_edited_history_is_validated_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    hist = tmp_path / "h.yaml"
    hist.write_bytes(EXAMPLE.read_bytes())
    first = stage(cache, hist)
    hist.write_text(EXAMPLE.read_text().replace("duration_months: 18,", "duration_months: 18, nonsense_field: 1,", 1))
    broken = stage(cache, hist)
    assert broken.returncode == 1 and "nonsense_field" in broken.stderr
    hist.write_bytes(EXAMPLE.read_bytes())
    assert stage(cache, hist).stdout == first.stdout


def test_the_same_bytes_under_another_name_are_shown_under_that_name(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_bytes(EXAMPLE.read_bytes())
    b.write_bytes(EXAMPLE.read_bytes())
    assert '"history": "' in stage(cache, a).stdout
    out = stage(cache, b).stdout
    assert "b.yaml" in out and "a.yaml" not in out


@pytest.mark.parametrize("damage", [lambda b: b[:-5], lambda b: b.replace(b"sertraline", b"sertralinX"), lambda b: b"{}"])
def test_a_damaged_entry_is_rebuilt_not_trusted(tmp_path: Path, damage) -> None:
    cache = tmp_path / "cache"
    hist = tmp_path / "h.yaml"
    hist.write_bytes(EXAMPLE.read_bytes())
    good = stage(cache, hist).stdout
    (entry,) = entries(cache)
    entry.write_bytes(damage(entry.read_bytes()))
    assert stage(cache, hist).stdout == good
    assert "sertralinX" not in stage(cache, hist).stdout


def test_references_cited_only_by_the_drug_vocabulary_say_so(tmp_path: Path) -> None:
    import json

    env = {k: v for k, v in os.environ.items() if k != "TRD_NO_CACHE"}
    env["TRD_CACHE_DIR"] = str(tmp_path / "cache")
    for _ in range(2):  # cold, then from the cache
        out = subprocess.run([sys.executable, "-m", "trdcli", "refs", "--format", "json"], capture_output=True, text=True, env=env)
        cited = {r["id"]: r["cited_by"] for r in json.loads(out.stdout)["references"]}
        assert cited["kroenke2001phq9"] == ["scales.yaml"]
        assert not [rid for rid, by in cited.items() if not by]


def test_an_edited_vocabulary_is_a_new_cache_key(tmp_path: Path) -> None:
    import shutil

    from trdcli import cache, kbfiles, load

    root = tmp_path / "kb"
    shutil.copytree(kbfiles.bundled_path(), root)
    listing = kbfiles.files(root)
    contents, _ = load._read_all(root, listing)
    before = cache.key(load._cache_parts(root, listing, contents))
    drugs = root / "drugs.yaml"
    drugs.write_text(drugs.read_text() + "\n# edited\n")
    assert cache.key(load._cache_parts(root, listing, contents)) != before
