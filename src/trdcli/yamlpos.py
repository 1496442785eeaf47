"""Safe YAML with positions: every mapping key and list item keeps its file line and column.

Reads only regular files, at most the size limit plus one byte whatever the file reports; refuses
alias bombs, recursive aliases, nesting deeper than MAX_DEPTH, duplicate keys, impossible dates and
UTF-16, each with file:line and a hint. Nothing here knows what the files mean.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from .errors import KnowledgeBaseError, Location

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 100




class DuplicateKeyError(Exception):
    def __init__(self, key: object, first: tuple[int, int], second: tuple[int, int]):
        super().__init__(key)
        self.key, self.first, self.second = key, first, second


class Document:
    """A parsed YAML file and where each mapping key and list item sits in it."""

    def __init__(
        self,
        path: Path,
        data: Any,
        positions: dict[int, dict[object, tuple[int, int]]] | None = None,
        notes: list[str] | None = None,
    ) -> None:
        self.path, self.data = path, data
        self.positions = positions if positions is not None else {}
        self.notes = notes if notes is not None else []  # accepted oddities, reported by `trd validate`

    def locate(self, loc: tuple[object, ...]) -> tuple[int, int] | None:
        """Line and column of the deepest part of `loc` that exists in the file."""
        node, best = self.data, None
        for part in loc:
            pos = self.positions.get(id(node), {}).get(part)
            if pos is None:
                break
            best = pos
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                break
        if best is None:
            best = self.positions.get(-1, {}).get("root")
        return best

    def location(self, loc: tuple[object, ...] = ()) -> Location:
        pos = self.locate(loc)
        return Location(display_path(self.path), pos[0] if pos else None, pos[1] if pos else None)


def display_path(path: Path) -> str:
    """Paths relative to the working directory when that is shorter, as editors link them."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    if rel == ".." or rel.startswith(".." + os.sep):  # `..` says less than the path that was given
        return str(path)
    return rel if len(rel) < len(str(path)) else str(path)


def _loader_class() -> type:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class LineLoader(base):  # type: ignore[misc,valid-type]  # the C or Python SafeLoader, chosen at run time
        pass

    def construct_mapping(loader: Any, node: Any) -> dict[object, object]:
        seen: dict[object, tuple[int, int]] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = loader.construct_object(key_node, deep=True)
            pos = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            try:
                if key in seen:
                    raise DuplicateKeyError(key, seen[key], pos)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark, "found an unhashable key", key_node.start_mark
                ) from None
            seen[key] = pos
        loader.flatten_mapping(node)
        mapping: dict[object, object] = {}
        positions: dict[object, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            mapping[key] = loader.construct_object(value_node, deep=True)
            positions[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        loader.trd_positions[id(mapping)] = positions
        return mapping

    def construct_sequence(loader: Any, node: Any) -> list[object]:
        seq = [loader.construct_object(child, deep=True) for child in node.value]
        loader.trd_positions[id(seq)] = {
            i: (child.start_mark.line + 1, child.start_mark.column + 1) for i, child in enumerate(node.value)
        }
        return seq

    def construct_timestamp(loader: Any, node: Any) -> object:
        try:
            return base.construct_yaml_timestamp(loader, node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"'{node.value}' is not a real date ({exc}); write dates as YYYY-MM-DD", node.start_mark
            ) from None

    LineLoader.add_constructor("tag:yaml.org,2002:timestamp", construct_timestamp)
    LineLoader.add_constructor("tag:yaml.org,2002:map", construct_mapping)
    LineLoader.add_constructor("tag:yaml.org,2002:seq", construct_sequence)
    return LineLoader


_LOADER: type | None = None


_FOLDER_HINT = "Give the path of a YAML file in it."


def read_bytes(path: Path, kind: str = "knowledge-base file", limit: int = MAX_FILE_BYTES, too_big_hint: str = "") -> bytes:
    """The bytes of one regular file, at most `limit`; KnowledgeBaseError (with file) otherwise.

    Devices, FIFOs and sockets are refused before they are opened for reading, and at most
    `limit + 1` bytes are read whatever size the file reports, so `/dev/zero` cannot hang trd.
    """
    shown = display_path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise KnowledgeBaseError(f"{shown}: the {kind} does not exist.") from None
    except IsADirectoryError:
        raise KnowledgeBaseError(f"{shown}: the {kind} is a folder, not a YAML file.", hint=_FOLDER_HINT) from None
    except OSError as exc:
        raise KnowledgeBaseError(f"{shown}: cannot read the {kind}: {exc.strerror}.") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise KnowledgeBaseError(f"{shown}: the {kind} is a folder, not a YAML file.", hint=_FOLDER_HINT)
        if not stat.S_ISREG(mode):
            what = "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
            raise KnowledgeBaseError(
                f"{shown}: the {kind} is {what}, not a regular file.",
                hint="Give the path of a YAML file saved on disk.",
            )
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise KnowledgeBaseError(f"{shown}: cannot read the {kind}: {exc.strerror}.") from None
    finally:
        os.close(fd)
    if total > limit:
        raise KnowledgeBaseError(
            f"{shown}: the {kind} is over the {limit // (1024 * 1024)} MiB limit.",
            hint=too_big_hint or "Check that it is the right file.",
        )
    return b"".join(chunks)


def read_yaml(path: Path, kind: str = "knowledge-base file", raw: bytes | None = None, too_big_hint: str = "") -> Document:
    """Parse one YAML file safely, keeping positions; raise KnowledgeBaseError with file:line.

    `raw` is the file's bytes when the caller has read them already (the loader hashes exactly
    the bytes it parses).
    """
    import yaml

    global _LOADER
    shown = display_path(path)
    if raw is None:
        raw = read_bytes(path, kind, too_big_hint=too_big_hint)
    notes: list[str] = []
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise KnowledgeBaseError(
            f"{shown}:1: the {kind} is UTF-16 (it starts with a UTF-16 byte-order mark).",
            hint="Save the file as UTF-8.",
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        notes.append("the file starts with a UTF-8 byte-order mark; it was ignored, but remove it")
    if not raw.strip():
        return Document(path, None, {-1: {"root": (1, 1)}}, notes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise KnowledgeBaseError(
            f"{shown}:{line}: the {kind} is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}).",
            hint="Save the file as UTF-8.",
        ) from None
    if _LOADER is None:
        _LOADER = _loader_class()
    loader = _LOADER(text)
    loader.trd_positions = {}
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_expansion(node, shown, kind)
        data = loader.construct_document(node) if node is not None else None
    except DuplicateKeyError as exc:
        raise KnowledgeBaseError(
            f"{shown}:{exc.second[0]}:{exc.second[1]}: duplicate key '{exc.key}' "
            f"(first at line {exc.first[0]}); YAML would silently keep only the last value.",
            hint="Remove or rename one of the two keys.",
        ) from None
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(_yaml_message(shown, exc, kind), hint=_yaml_hint(exc, text)) from None
    except RecursionError:
        raise KnowledgeBaseError(
            f"{shown}: the {kind} nests lists or mappings more than {MAX_DEPTH} levels deep.",
            hint="Flatten the structure; a knowledge-base or history file needs only a few levels.",
        ) from None
    finally:
        loader.dispose()
    positions = loader.trd_positions
    positions[-1] = {"root": (1, 1)}
    return Document(path, data, positions, notes)


MAX_EXPANDED_NODES = 2_000_000


def _check_expansion(root: Any, shown: str, kind: str) -> None:
    """Refuse alias bombs and recursive aliases before anything is built from the node graph.

    YAML aliases let a few lines stand for billions of values ("billion laughs"). The composed
    graph shares each anchored node, so its expanded size is counted once per distinct node.
    """
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    stack: list[tuple[Any, bool, int]] = [(root, False, 0)]
    while stack:
        node, done, depth = stack.pop()
        if depth > MAX_DEPTH:
            mark = node.start_mark
            raise KnowledgeBaseError(
                f"{shown}:{mark.line + 1}:{mark.column + 1}: the {kind} nests lists or mappings more than "
                f"{MAX_DEPTH} levels deep.",
                hint="Flatten the structure; a knowledge-base or history file needs only a few levels.",
            )
        key = id(node)
        if done:
            children = _children(node)
            total = 1 + sum(sizes[id(c)] for c in children)
            in_progress.discard(key)
            sizes[key] = total
            if total > MAX_EXPANDED_NODES:
                mark = node.start_mark
                raise KnowledgeBaseError(
                    f"{shown}:{mark.line + 1}:{mark.column + 1}: the {kind} expands to more than "
                    f"{MAX_EXPANDED_NODES:,} values through YAML aliases (an alias bomb?).",
                    hint="Write the values out, or use fewer nested aliases (*name).",
                )
            continue
        if key in sizes:
            continue
        if key in in_progress:
            mark = node.start_mark
            raise KnowledgeBaseError(
                f"{shown}:{mark.line + 1}:{mark.column + 1}: the {kind} has a recursive YAML alias "
                "(a value that contains itself).",
                hint="Remove the alias (*name) that refers back to its own anchor (&name).",
            )
        in_progress.add(key)
        stack.append((node, True, depth))
        for child in _children(node):
            if id(child) not in sizes:
                stack.append((child, False, depth + 1))


def _children(node: Any) -> list[Any]:
    value = node.value
    if isinstance(value, list):
        if value and isinstance(value[0], tuple):
            return [part for pair in value for part in pair]
        return list(value)
    return []


def _yaml_message(shown: str, exc: Any, kind: str) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f"{shown}:{mark.line + 1}:{mark.column + 1}" if mark is not None else shown
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    detail = f"{context}, {problem}" if context else problem
    return f"{where}: the {kind} is not valid YAML: {detail}."


def _yaml_hint(exc: Any, text: str = "") -> str:
    problem = str(getattr(exc, "problem", "") or "")
    mark = getattr(exc, "problem_mark", None)
    at = ""
    if mark is not None:
        lines = text.splitlines()
        if 0 <= mark.line < len(lines):
            at = lines[mark.line][mark.column : mark.column + 1] or lines[mark.line][:1]
    if "not a real date" in problem:
        return "Check the day and the month: the date does not exist in the calendar."
    if "\\t" in problem or "tab" in problem or at == "\t":
        return "YAML indentation must use spaces, not tabs: replace the tab at that line with spaces."
    return "Check the indentation and quoting around that line; a value containing ': ' or '#' needs quotes."


