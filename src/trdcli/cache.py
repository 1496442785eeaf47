"""A cache of validated knowledge bases, so that a warm run imports neither YAML nor pydantic.

One file per knowledge-base content, in `$TRD_CACHE_DIR`, else `$XDG_CACHE_HOME/trd` (an
absolute path only, as the XDG specification says), else `~/.cache/trd`. `TRD_NO_CACHE=1` turns
it off. It can never change an answer:

- the key is a BLAKE2b hash of the cache format, the program version and, for the one list of files a
  run reads, each file's kind, name and the exact bytes that were parsed (`key`);
- the payload carries a CRC-32 and the length of its body, verified on every read; a file that is truncated,
  padded, edited, foreign or unreadable is a miss and is rebuilt;
- a cache folder owned by another user, or that is a link, is not used; an entry that is a link
  is not read; temporary files are created exclusively (O_EXCL, no link followed), removed when
  the write is interrupted, and stale ones are cleaned by the next write.

The file: line 1 a header (format, versions, key, checksum, option count and name index), line 2
the knowledge base without its options, then one line per option, so that `trd show` on a base of
6,000 options builds one option.
"""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, overload

from . import __version__
from .domain import SCHEMA_VERSION, DrugClass, EvidenceScheme, KnowledgeBase, Meta, Option, Reference, from_plain, to_plain

FORMAT = "trd-kb-cache/6"  # bump when the layout of the classes or of the file changes
MAX_FILES = 16  # cached knowledge bases kept; older ones are removed
STALE_TMP_SECONDS = 60


def _digest() -> Any:
    """A BLAKE2b hasher (cryptographic, 64 bytes). `_blake2` is CPython's built-in module: it loads
    without OpenSSL, which `hashlib` loads on import (a few ms of every start-up), and hashes the
    knowledge base twice as fast as SHA-256; hashlib is the fallback elsewhere."""
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - other Pythons
        from hashlib import blake2b
    return blake2b()


def directory() -> Path | None:
    if os.environ.get("TRD_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("TRD_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = xdg if os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "trd"


def key(parts: Sequence[tuple[str, bytes]]) -> str:
    """BLAKE2b of format, versions and, per file, its name and the exact bytes parsed."""
    h = _digest()
    h.update(f"{FORMAT}\0{__version__}\0{SCHEMA_VERSION}\0".encode())
    for name, data in parts:
        h.update(name.encode("utf-8", "surrogateescape") + b"\0" + len(data).to_bytes(8, "big") + data)
    return str(h.hexdigest())


def _usable_folder(folder: Path, create: bool) -> bool:
    """The folder exists (or was made), is a real folder, and belongs to this user."""
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        if not create:
            return False
        try:
            folder.mkdir(parents=True, mode=0o700)
            st = os.lstat(folder)
        except OSError:
            return False
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode):
        return False
    getuid = getattr(os, "getuid", None)
    return getuid is None or st.st_uid == getuid()


def _path(k: str) -> Path | None:
    d = directory()
    return None if d is None else d / f"kb-{k[:40]}.jsonl"


class LazyOptions(Sequence[Option]):
    """The options of a cached knowledge base, each built from its own JSON line on first use."""

    def __init__(self, lines: list[bytes]) -> None:
        self._lines = lines
        self._built: list[Option | None] = [None] * len(lines)

    def __len__(self) -> int:
        return len(self._lines)

    @overload
    def __getitem__(self, i: int) -> Option: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[Option]: ...

    def __getitem__(self, i: int | slice) -> Option | Sequence[Option]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        built = self._built[i]
        if built is None:
            built = self._built[i] = from_plain(Option, json.loads(self._lines[i]))
        return built

    def __iter__(self) -> Iterator[Option]:
        for i in range(len(self._lines)):
            yield self[i]


def _read_entry(path: Path | None) -> bytes | None:
    """The bytes of a cache entry that is a regular file (not a link) in a folder of this user's."""
    if path is None or not _usable_folder(path.parent, create=False):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read()
    except OSError:
        return None
    finally:
        os.close(fd)


def _verified(data: bytes | None, k: str) -> tuple[dict[str, Any], bytes] | None:
    """(header, body) of an entry written by this program for key `k` whose body is intact, else None."""
    if data is None:
        return None
    try:
        head, _, body = data.partition(b"\n")
        header = json.loads(head)
    except ValueError:
        return None
    if not isinstance(header, dict):
        return None
    if header.get("format") != FORMAT or header.get("trd") != __version__ or header.get("key") != k:
        return None
    if _checksum(body) != header.get("checksum"):
        return None  # truncated, padded or edited
    return header, body


def read_json(kind: str, k: str) -> Any:
    """A small cached value (a validated history) stored by `write_json`, or None on any miss."""
    d = directory()
    data = _read_entry(None if d is None else d / f"{kind}-{k[:40]}.json")
    found = _verified(data, k)
    if found is None:
        return None
    try:
        return json.loads(found[1])
    except Exception:  # noqa: BLE001 - a broken entry is a miss
        return None


def write_json(kind: str, k: str, value: Any) -> None:
    """Store a small value under `kind` and key `k`, as `write` stores a knowledge base."""
    d = directory()
    if d is None or not _usable_folder(d, create=True):
        return
    body = json.dumps(value, ensure_ascii=False).encode("utf-8")
    header = {"format": FORMAT, "trd": __version__, "key": k, "checksum": _checksum(body)}
    _write_atomic(d / f"{kind}-{k[:40]}.json", json.dumps(header).encode("utf-8") + b"\n" + body)


def read(k: str) -> KnowledgeBase | None:
    """The cached knowledge base, or None on any kind of miss."""
    found = _verified(_read_entry(_path(k)), k)
    if found is None:
        return None
    header, body = found
    try:
        lines = body.split(b"\n")
        count = header["count"]
        if len(lines) != count + 2 or lines[-1] != b"" or len(header["index"]) != count:
            return None
        base = json.loads(lines[0])
        return KnowledgeBase(
            meta=from_plain(Meta, base["meta"]),
            schemes=tuple(from_plain(EvidenceScheme, s) for s in base["schemes"]),
            references=tuple(from_plain(Reference, r) for r in base["references"]),
            classes=tuple(from_plain(DrugClass, c) for c in base["classes"]),
            options=LazyOptions(lines[1 : 1 + count]),
            names=tuple(tuple(n) for n in header["index"]),
            cites=tuple(tuple(c) for c in header["cites"]),
            vocabulary_cites=tuple((str(a), str(b)) for a, b in base["vocabulary_cites"]),
        )
    except Exception:  # noqa: BLE001 - a broken cache is a miss, never an error
        return None


def write(k: str, kb: KnowledgeBase) -> None:
    """Write atomically and exclusively; give up silently if the folder cannot be used."""
    path = _path(k)
    if path is None or not _usable_folder(path.parent, create=True):
        return
    base = {
        "meta": to_plain(kb.meta),
        "schemes": to_plain(kb.schemes),
        "references": to_plain(kb.references),
        "classes": to_plain(kb.classes),
        "vocabulary_cites": [list(pair) for pair in kb.vocabulary_cites],
    }
    parts = [json.dumps(base, ensure_ascii=False)]
    parts += [json.dumps(to_plain(o), ensure_ascii=False) for o in kb.options]
    body = ("\n".join(parts) + "\n").encode("utf-8")
    header = {
        "format": FORMAT,
        "trd": __version__,
        "key": k,
        "checksum": _checksum(body),
        "count": len(kb.options),
        "index": [o.names() for o in kb.options],
        "cites": [o.cited_ids() for o in kb.options],
    }
    payload = json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n" + body
    _write_atomic(path, payload)


def _write_atomic(path: Path, payload: bytes) -> None:
    """Write to an exclusive temporary file beside `path`, then rename it into place."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(6).hex()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    done = False
    try:
        fd = os.open(tmp, flags, 0o600)
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(tmp, path)
        done = True
        _prune(path.parent)
    except OSError:
        pass
    finally:
        if not done:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _checksum(body: bytes) -> str:
    """CRC-32 and length of the payload: catches a truncated, padded or edited file (the key, a
    cryptographic hash of the knowledge base, already names what the payload must be)."""
    import zlib

    return f"crc32:{zlib.crc32(body):08x}:{len(body)}"


def _prune(folder: Path) -> None:
    """Keep the newest MAX_FILES entries; remove temporary files left by interrupted writes."""
    now = time.time()
    try:
        for tmp in folder.glob(".*.tmp"):
            try:
                if now - tmp.lstat().st_mtime > STALE_TMP_SECONDS:
                    tmp.unlink()
            except OSError:
                pass
        for pattern in ("kb-*.jsonl", "history-*.json"):
            entries = sorted(folder.glob(pattern), key=lambda p: p.lstat().st_mtime, reverse=True)
            for old in entries[MAX_FILES:]:
                old.unlink()
    except OSError:
        pass


__all__ = ["LazyOptions", "directory", "key", "read", "write"]
