"""The cache cannot change an answer: the races of issue 10, driven by hooks instead of sleeps.

Each test runs `load()` in process with its own cache folder, changes the files on disk at a
precise moment of a cold run (through a wrapper around what `load` calls), then checks that every
later run gives the answer of the files as they are, the same answer a run without cache gives.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from trdcli import cache, load
from trdcli.load import load_report

from conftest import MINI, write_kb

EXTRA = """\
options:
  - id: gamma
    name: Gamma extra
    family: lifestyle
    summary: Added during a cold run.
    min_prior_trials: 0
    last_reviewed: 2026-01-15
"""


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TRD_CACHE_DIR", str(folder))
    return folder


def truth(root: Path) -> list[tuple[str, str, str | None]]:
    """The answer of the files as they are now, parsed without any cache."""
    loaded, issues = load_report(root)
    assert loaded is not None, issues
    return answer(loaded.kb)


def answer(kb) -> list[tuple[str, str, str | None]]:
    return [(o.id, o.name, o.canmat.line if o.canmat else None) for o in kb.options]


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("kb-*.jsonl"))


def test_a_strategies_file_added_during_a_cold_run_then_removed(tmp_path: Path, cache_dir: Path, monkeypatch) -> None:
    root = write_kb(tmp_path / "kb")
    extra = root / "strategies" / "extra.yaml"
    real = load.read_yaml
    calls = []

    def adds_a_file(path, *args, **kwargs):
        if not calls:
            extra.write_text(EXTRA, encoding="utf-8")  # after the one listing of this run
        calls.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(load, "read_yaml", adds_a_file)
    cold = answer(load.load(root).kb)
    monkeypatch.setattr(load, "read_yaml", real)
    assert "gamma" not in [a[0] for a in cold]  # the run answers for the files it listed
    assert entries(cache_dir)
    extra.unlink()
    for _ in range(3):
        assert answer(load.load(root).kb) == truth(root)
    # And with the file present, it is in the answer (a new list, a new key).
    extra.write_text(EXTRA, encoding="utf-8")
    with_extra = answer(load.load(root).kb)
    assert "gamma" in [a[0] for a in with_extra] and with_extra == truth(root)


def test_a_file_replaced_a_b_a_during_a_cold_run(tmp_path: Path, cache_dir: Path, monkeypatch) -> None:
    """An editor or `git checkout` rewrites a file while it is read: B is parsed, A is on disk after."""
    root = write_kb(tmp_path / "kb")
    path = root / "strategies" / "test.yaml"
    text_a = path.read_text(encoding="utf-8")
    text_b = text_a.replace("line: first", "line: second", 1)
    assert text_b != text_a
    real = load.read_bytes

    def a_b_a(p, *args, **kwargs):
        if Path(p) == path:
            path.write_text(text_b, encoding="utf-8")
            try:
                return real(p, *args, **kwargs)
            finally:
                path.write_text(text_a, encoding="utf-8")
        return real(p, *args, **kwargs)

    monkeypatch.setattr(load, "read_bytes", a_b_a)
    cold = answer(load.load(root).kb)
    monkeypatch.setattr(load, "read_bytes", real)
    assert ("alpha", "Alpha augmentation", "second") in cold  # what was parsed: B
    expected = truth(root)
    assert ("alpha", "Alpha augmentation", "first") in expected  # what is on disk: A
    for _ in range(3):
        assert answer(load.load(root).kb) == expected


def test_a_slow_rewrite_of_the_same_bytes_is_never_cached_half_read(tmp_path: Path, cache_dir: Path, monkeypatch) -> None:
    """The file is truncated while read (a slow writer): the run fails or answers for what it read, never caches it as whole."""
    root = write_kb(tmp_path / "kb")
    path = root / "strategies" / "test.yaml"
    whole = path.read_bytes()
    real = load.read_bytes

    def half(p, *args, **kwargs):
        if Path(p) == path:
            path.write_bytes(whole[: whole.index(b"  - id: beta-option")])
            try:
                return real(p, *args, **kwargs)
            finally:
                path.write_bytes(whole)
        return real(p, *args, **kwargs)

    monkeypatch.setattr(load, "read_bytes", half)
    cold = answer(load.load(root).kb)
    monkeypatch.setattr(load, "read_bytes", real)
    assert [a[0] for a in cold] == ["alpha"]
    assert answer(load.load(root).kb) == truth(root) and len(truth(root)) == 2


def test_a_tampered_payload_is_rebuilt_not_trusted(tmp_path: Path, cache_dir: Path) -> None:
    root = write_kb(tmp_path / "kb")
    expected = answer(load.load(root).kb)
    (entry,) = entries(cache_dir)
    good = entry.read_bytes()
    tampered = good.replace(b'"line": "first"', b'"line": "third"', 1)
    assert tampered != good and len(tampered) == len(good)  # a one-word edit inside the body
    entry.write_bytes(tampered)
    assert answer(load.load(root).kb) == expected
    assert entry.read_bytes() == good  # rebuilt


def test_a_cache_entry_that_is_a_link_is_not_read(tmp_path: Path, cache_dir: Path) -> None:
    root = write_kb(tmp_path / "kb")
    expected = answer(load.load(root).kb)
    (entry,) = entries(cache_dir)
    elsewhere = tmp_path / "elsewhere.jsonl"
    elsewhere.write_bytes(entry.read_bytes().replace(b"Alpha augmentation", b"Alpha augmentatioN"))
    entry.unlink()
    entry.symlink_to(elsewhere)
    full = _key(root)
    assert entry.name == f"kb-{full[:40]}.jsonl"
    assert cache.read(full) is None
    assert answer(load.load(root).kb) == expected
    assert b"augmentatioN" in elsewhere.read_bytes()  # the link's target is not written through


def _key(root: Path) -> str:
    from trdcli import kbfiles

    listing = kbfiles.files(root)
    contents, issues = load._read_all(root, listing)
    assert not issues
    return cache.key(load._cache_parts(root, listing, contents))


def test_a_cache_folder_that_is_a_link_is_not_used(tmp_path: Path, monkeypatch) -> None:
    real_folder = tmp_path / "real"
    real_folder.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real_folder, target_is_directory=True)
    monkeypatch.setenv("TRD_CACHE_DIR", str(link))
    root = write_kb(tmp_path / "kb")
    assert answer(load.load(root).kb) == truth(root)
    assert not list(real_folder.iterdir())


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a folder to another user")
def test_a_cache_folder_owned_by_another_user_is_not_used(tmp_path: Path, cache_dir: Path) -> None:
    root = write_kb(tmp_path / "kb")
    expected = answer(load.load(root).kb)
    (entry,) = entries(cache_dir)
    entry.write_bytes(entry.read_bytes())  # a valid entry ...
    os.chown(cache_dir, 4242, 4242)  # ... in a folder that now belongs to someone else
    os.chown(entry, 4242, 4242)
    assert cache.read(_key(root)) is None
    before = sorted(p.name for p in cache_dir.iterdir())
    assert answer(load.load(root).kb) == expected
    assert sorted(p.name for p in cache_dir.iterdir()) == before  # nothing written there


def test_temporary_files_are_created_exclusively_without_following_links(tmp_path: Path, cache_dir: Path, monkeypatch) -> None:
    root = write_kb(tmp_path / "kb")
    key = _key(root)
    cache_dir.mkdir(mode=0o700)
    # The temporary name is predictable once its random part is: plant a link there first.
    monkeypatch.setattr(cache.os, "urandom", lambda n: b"\x01" * n)
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch")
    final = cache_dir / f"kb-{key[:40]}.jsonl"
    random_part = (b"\x01" * 6).hex()
    planted = final.with_name(f".{final.name}.{os.getpid()}.{random_part}.tmp")
    planted.symlink_to(victim)
    opened: list[int] = []
    real_open = cache.os.open

    def recording_open(path, flags, *args):
        if str(path).endswith(".tmp"):
            opened.append(flags)
        return real_open(path, flags, *args)

    monkeypatch.setattr(cache.os, "open", recording_open)
    loaded = load.load(root)
    assert answer(loaded.kb) == truth(root)
    assert opened and all(f & os.O_EXCL and f & os.O_CREAT for f in opened)
    if hasattr(os, "O_NOFOLLOW"):
        assert all(f & os.O_NOFOLLOW for f in opened)
    assert victim.read_text() == "do not touch"
    assert not final.exists() or cache.read(key) is not None


def test_an_interrupted_write_leaves_no_temporary_file(tmp_path: Path, cache_dir: Path, monkeypatch) -> None:
    root = write_kb(tmp_path / "kb")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cache.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        load.load(root)
    assert not [p for p in cache_dir.iterdir() if p.name.endswith(".tmp")]
    assert not entries(cache_dir)


def test_the_answer_never_changes_when_the_races_repeat(tmp_path: Path, cache_dir: Path, monkeypatch) -> None:
    """The A -> B -> A race, run repeatedly with fresh cache keys: no later answer differs from the files."""
    root = write_kb(tmp_path / "kb")
    path = root / "strategies" / "test.yaml"
    real = load.read_bytes
    for i in range(5):
        text_a = MINI["strategies/test.yaml"].replace("Test option alpha.", f"Test option alpha, round {i}.")
        path.write_text(__import__("textwrap").dedent(text_a), encoding="utf-8")
        text_a = path.read_text(encoding="utf-8")
        text_b = text_a.replace("name: Alpha augmentation", "name: Alpha B", 1)

        def a_b_a(p, *args, _a=text_a, _b=text_b, **kwargs):
            if Path(p) == path:
                path.write_text(_b, encoding="utf-8")
                try:
                    return real(p, *args, **kwargs)
                finally:
                    path.write_text(_a, encoding="utf-8")
            return real(p, *args, **kwargs)

        monkeypatch.setattr(load, "read_bytes", a_b_a)
        load.load(root)
        monkeypatch.setattr(load, "read_bytes", real)
        assert answer(load.load(root).kb) == truth(root)
        assert "Alpha augmentation" in [a[1] for a in answer(load.load(root).kb)]


def test_cache_entries_are_private(tmp_path: Path, cache_dir: Path) -> None:
    root = write_kb(tmp_path / "kb")
    load.load(root)
    (entry,) = entries(cache_dir)
    assert stat.S_IMODE(entry.stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE(cache_dir.stat().st_mode) & 0o077 == 0
