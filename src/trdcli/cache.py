"""A cache of validated knowledge bases, so that a run need not import YAML or pydantic.

One JSON file per knowledge-base content, in `$TRD_CACHE_DIR`, else `$XDG_CACHE_HOME/trd`, else
`~/.cache/trd`. `TRD_NO_CACHE=1` turns it off. The key is a SHA-256 of the cache format, the
program version and every file's path and bytes, so any change to the knowledge base or the
program is a miss. Files are written to a temporary name and renamed into place, so a reader
never sees half a file; anything unreadable, truncated or foreign is treated as a miss. trd writes
nothing outside this folder, and works without it when it cannot be created or written.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from . import __version__
from .logic import SCHEMA_VERSION

FORMAT = "trd-kb-cache/2"  # bump when the layout of the records or of the file changes
MAX_FILES = 16  # cached knowledge bases kept; older ones are removed


def directory() -> Path | None:
    if os.environ.get("TRD_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("TRD_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "trd"


def key_for(root: Path, files: list[Path]) -> str | None:
    """SHA-256 of format, versions and every file's relative path and bytes; None when unreadable."""
    if directory() is None:
        return None
    h = hashlib.sha256(f"{FORMAT}\0{__version__}\0{SCHEMA_VERSION}\0".encode())
    try:
        for path in sorted(files):
            h.update(str(path.relative_to(root)).encode() + b"\0")
            data = path.read_bytes()
            h.update(len(data).to_bytes(8, "big") + data)
    except (OSError, ValueError):
        return None
    return h.hexdigest()


def _path(key: str) -> Path | None:
    d = directory()
    return None if d is None else d / f"kb-{key[:40]}.jsonl"


# The file: line 1 a header (format, versions, key, the option count and name index), line 2 the
# knowledge base without its options, then one line per option, so that one option can be built
# without parsing the others.


def read(key: str) -> Any | None:
    """The cached knowledge base as records, or None on any kind of miss."""
    path = _path(key)
    if path is None:
        return None
    try:
        lines = path.read_bytes().split(b"\n")
        header = json.loads(lines[0])
        if header.get("format") != FORMAT or header.get("trd") != __version__ or header.get("key") != key:
            return None
        count = header["count"]
        option_lines = lines[2 : 2 + count]
        if len(option_lines) != count or len(header["index"]) != count or lines[2 + count :] != [b""]:
            return None  # truncated or padded
        from .records import CachedKnowledgeBase

        return CachedKnowledgeBase(json.loads(lines[1]), header["index"], option_lines)
    except Exception:  # noqa: BLE001 - a broken cache is a miss, never an error
        return None


def write(key: str, data: dict[str, Any]) -> None:
    """Write atomically; give up silently if the folder cannot be written."""
    path = _path(key)
    if path is None:
        return
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        options = data["options"]
        base = {k: v for k, v in data.items() if k != "options"}
        index = [[o["id"], o["name"], *o["aliases"]] for o in options]
        header = {"format": FORMAT, "trd": __version__, "key": key, "count": len(options), "index": index}
        parts = [json.dumps(header, ensure_ascii=False), json.dumps(base, ensure_ascii=False)]
        parts += [json.dumps(o, ensure_ascii=False) for o in options]
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text("\n".join(parts) + "\n", encoding="utf-8")
        os.replace(tmp, path)
        tmp = None
        _prune(path.parent)
    except OSError:
        pass
    finally:
        if tmp is not None:
            try:
                tmp.unlink()
            except OSError:
                pass


def _prune(folder: Path) -> None:
    try:
        entries = sorted(folder.glob("kb-*.jsonl"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[MAX_FILES:]:
            old.unlink()
    except OSError:
        pass
