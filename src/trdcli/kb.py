"""Finding and reading the knowledge base: YAML with line numbers, validation, readable errors.

Layout of a knowledge base folder (the bundled one is `data/` in the repository, shipped inside
the wheel as `trdcli/data`):

    kb.yaml                 version, review date, scope, disclaimer, definitions, coverage list
    evidence.yaml           the grading schemes and their published definitions
    references.yaml         every source, once
    strategies/*.yaml       the options, one file per family

Problems are reported as `file:line: field.path: what is wrong (what to do)`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .errors import Issue, KnowledgeBaseError, Location

ENV_VAR = "TRD_KB"
MAX_FILE_BYTES = 64 * 1024 * 1024
STRATEGIES_DIR = "strategies"


# --------------------------------------------------------------------------- locating


def bundled_path() -> Path:
    """The knowledge base shipped with the program (wheel) or beside it (source checkout).

    The wheel maps data/ to trdcli/data; a source checkout has it two folders up. A plain path
    beside the module avoids importing importlib.resources on every start (trd is never zipped).
    """
    here = Path(__file__).resolve().parent
    packaged = here / "data"
    if (packaged / "kb.yaml").is_file():
        return packaged
    return here.parents[1] / "data"


def resolve(path: str | os.PathLike[str] | None = None) -> Path:
    """--kb PATH, else $TRD_KB, else the bundled knowledge base."""
    chosen: str | os.PathLike[str] | None = path or os.environ.get(ENV_VAR) or None
    if chosen is None:
        root = bundled_path()
        origin = "the bundled knowledge base"
    else:
        root = Path(chosen).expanduser()
        origin = f"--kb {chosen}" if path else f"${ENV_VAR}={chosen}"
    if root.is_file() and root.name == "kb.yaml":
        root = root.parent
    if not root.is_dir():
        raise KnowledgeBaseError(
            f"Knowledge base not found: {root} (from {origin}) is not a folder.",
            hint="Point --kb or TRD_KB at a folder that holds kb.yaml, evidence.yaml, "
            "references.yaml and strategies/*.yaml, or unset TRD_KB to use the bundled one.",
        )
    if not (root / "kb.yaml").is_file():
        raise KnowledgeBaseError(
            f"Knowledge base not found: {root} (from {origin}) has no kb.yaml.",
            hint="A knowledge-base folder holds kb.yaml, evidence.yaml, references.yaml and "
            "strategies/*.yaml; `trd validate PATH` checks one.",
        )
    return root


def files_of(root: Path) -> dict[str, list[Path]]:
    strategies = sorted((root / STRATEGIES_DIR).glob("*.yaml")) if (root / STRATEGIES_DIR).is_dir() else []
    return {
        "meta": [root / "kb.yaml"],
        "evidence": [root / "evidence.yaml"],
        "references": [root / "references.yaml"],
        "options": strategies,
    }


def quick_meta(root: Path | None = None) -> dict[str, str]:
    """Version and review date from kb.yaml without importing a YAML parser (for --version)."""
    out: dict[str, str] = {}
    try:
        text = ((root or bundled_path()) / "kb.yaml").read_text(encoding="utf-8")
    except OSError:
        return out
    for line in text.splitlines():
        for key in ("version", "reviewed"):
            if line.startswith(key + ":"):
                out.setdefault(key, line.split(":", 1)[1].split("#", 1)[0].strip().strip("'\""))
    return out


def quick_names(root: Path) -> list[str]:
    """Option ids and aliases, scanned from the YAML text without parsing it (for completion)."""
    import re

    names: list[str] = []
    id_re = re.compile(r"^  - id:\s*([a-z0-9-]+)\s*$")
    alias_re = re.compile(r"^    aliases:\s*\[(.*)\]\s*$")
    for path in sorted((root / STRATEGIES_DIR).glob("*.yaml")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for line in text.splitlines():
            m = id_re.match(line)
            if m:
                names.append(m.group(1))
                continue
            m = alias_re.match(line)
            if m:
                names += [a.strip().strip("'\"") for a in m.group(1).split(",") if a.strip()]
    return names


# --------------------------------------------------------------------------- YAML with lines


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
                node = node[part]  # type: ignore[index]
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
    return rel if len(rel) < len(str(path)) else str(path)


def _loader_class() -> type:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class LineLoader(base):  # type: ignore[misc,valid-type]
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

    LineLoader.add_constructor("tag:yaml.org,2002:map", construct_mapping)
    LineLoader.add_constructor("tag:yaml.org,2002:seq", construct_sequence)
    return LineLoader


_LOADER: type | None = None


def read_yaml(path: Path, kind: str = "knowledge-base file") -> Document:
    """Parse one YAML file safely, keeping positions; raise KnowledgeBaseError with file:line."""
    import yaml

    global _LOADER
    shown = display_path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise KnowledgeBaseError(
                f"{shown}: the {kind} is {size / 1e6:.1f} MB, over the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit.",
                hint="Split it into several files under strategies/, or check that it is the right file.",
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise KnowledgeBaseError(f"{shown}: the {kind} does not exist.") from None
    except IsADirectoryError:
        raise KnowledgeBaseError(f"{shown}: expected a YAML file, found a folder.") from None
    except OSError as exc:
        raise KnowledgeBaseError(f"{shown}: cannot read the {kind}: {exc.strerror}.") from None
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
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
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
        stack.append((node, True))
        for child in _children(node):
            if id(child) not in sizes:
                stack.append((child, False))


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
    if "\\t" in problem or "tab" in problem or at == "\t":
        return "YAML indentation must use spaces, not tabs: replace the tab at that line with spaces."
    return "Check the indentation and quoting around that line; a value containing ': ' or '#' needs quotes."


# --------------------------------------------------------------------------- validation


class Loaded:
    """The validated knowledge base and where each part came from."""

    def __init__(
        self,
        root: Path,
        kb: Any,
        documents: dict[str, Document],
        option_origin: list[tuple[str, int]],  # per option: (document key, index in that file)
        files: list[Path],
    ) -> None:
        self.root, self.kb, self.documents, self.option_origin, self.files = root, kb, documents, option_origin, files


def _local(
    documents: dict[str, Document], option_origin: list[tuple[str, int]], path: tuple[object, ...]
) -> tuple[Document, tuple[object, ...]]:
    """The file a path of the combined knowledge base lives in, and the path inside that file."""
    head, rest = path[0], path[1:]
    if head == "options" and rest and isinstance(rest[0], int) and rest[0] < len(option_origin):
        key, j = option_origin[rest[0]]
        return documents[key], ("options", j, *rest[1:])
    if head == "references":
        return documents["references"], path
    if head == "schemes":
        return documents["evidence"], path
    if head == "meta":
        return documents["meta"], rest
    return documents["meta"], ()


def load(path: str | os.PathLike[str] | None = None) -> Loaded:
    """The knowledge base as light records: from the cache when its key matches, else validated.

    Raises KnowledgeBaseError listing every problem. The cache is keyed by the bytes of every
    file, the program version and the cache format, and is written atomically; a cache that is
    missing, unreadable, truncated, corrupt or from another version is ignored and rebuilt, so it
    can never change an answer.
    """
    from . import cache

    root = resolve(path)
    files = [p for group in files_of(root).values() for p in group]
    key = cache.key_for(root, files)
    if key is not None:
        hit = cache.read(key)
        if hit is not None:
            return Loaded(root, hit, {}, [], files)
    loaded, issues = load_report(root)
    if loaded is None:
        errors = [i for i in issues if i.severity == "error"]
        count = len(errors)
        raise KnowledgeBaseError(
            f"The knowledge base is invalid: {count} problem{'s' if count != 1 else ''}.",
            hint="Fix the files at the lines shown, or run `trd validate` for the full report.",
            issues=errors,
        )
    from .records import KnowledgeBaseRecord

    data = loaded.kb.model_dump(mode="json")
    if key is not None and cache.key_for(root, files) == key:  # unchanged while we read it
        cache.write(key, data)
    loaded.kb = KnowledgeBaseRecord(data)
    return loaded


def load_report(path: str | os.PathLike[str] | None = None) -> tuple[Loaded | None, list[Issue]]:
    """Parse and validate everything, collecting all problems instead of stopping at the first."""
    from pydantic import ValidationError

    from . import models

    root = resolve(path)
    groups = files_of(root)
    issues: list[Issue] = []
    documents: dict[str, Document] = {}
    parsed: dict[str, Any] = {}
    wanted = {
        "meta": models.Meta,
        "evidence": models.EvidenceFile,
        "references": models.ReferencesFile,
        "options": models.OptionsFile,
    }
    if not groups["options"]:
        issues.append(
            Issue(
                f"no option files: {display_path(root / STRATEGIES_DIR)} holds no *.yaml",
                Location(display_path(root)),
                hint="options live in strategies/<family>.yaml under a top-level 'options:' list",
            )
        )
    all_files: list[Path] = []
    for group, paths in groups.items():
        for p in paths:
            all_files.append(p)
            key = group if group != "options" else f"options:{p.name}"
            try:
                doc = read_yaml(p)
            except KnowledgeBaseError as exc:
                issues.append(Issue(exc.message, None, hint=exc.hint, check="yaml"))
                continue
            documents[key] = doc
            for note in doc.notes:
                issues.append(Issue(note, doc.location(()), severity="warning", check="yaml"))
            problem = _shape_problem(doc, group)
            if problem:
                issues.append(problem)
                continue
            try:
                parsed[key] = wanted[group].model_validate(doc.data)
            except ValidationError as exc:
                issues.extend(_pydantic_issues(exc, doc))
    if any(i.severity == "error" for i in issues):
        return None, issues

    option_origin: list[tuple[str, int]] = []
    options: list[Any] = []
    for key in sorted(k for k in parsed if k.startswith("options:")):
        for j, opt in enumerate(parsed[key].options):
            options.append(opt)
            option_origin.append((key, j))
    kb = models.KnowledgeBase(
        meta=parsed["meta"],
        schemes=parsed["evidence"].schemes,
        references=parsed["references"].references,
        options=options,
    )
    for problem in kb.check():
        doc, local = _local(documents, option_origin, problem.path)
        issues.append(
            Issue(
                problem.message,
                doc.location(local),
                field=_field_path(local, doc.data),
                hint=problem.hint,
                check="cross-reference",
            )
        )
    loaded = Loaded(root, kb, documents, option_origin, all_files)
    return (None if any(i.severity == "error" for i in issues) else loaded), issues


def _shape_problem(doc: Document, group: str) -> Issue | None:
    expected = {"meta": "version", "evidence": "schemes", "references": "references", "options": "options"}[group]
    if doc.data is None:
        return Issue(
            "the file is empty",
            doc.location(()),
            hint=f"a {doc.path.name} file is a mapping with a top-level '{expected}:' key",
        )
    if not isinstance(doc.data, dict):
        kind = type(doc.data).__name__.replace("list", "a list").replace("str", "a single string")
        return Issue(
            f"the file is {kind}, not a mapping",
            doc.location(()),
            hint=f"start the file with a top-level '{expected}:' key",
        )
    return None


def _field_path(loc: tuple[object, ...], data: Any = None) -> str:
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            if isinstance(node, list) and 0 <= part < len(node):
                node = node[part]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    out += f"({node['id']})"
            else:
                node = None
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _pydantic_issues(exc: Any, doc: Document, top: Any = None) -> list[Issue]:
    import difflib

    out: list[Issue] = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))
        kind = err["type"]
        msg = err["msg"]
        hint = ""
        if kind == "extra_forbidden":
            name = loc[-1] if loc else "?"
            msg = f"unknown field '{name}'"
            known = _known_fields(doc, loc, top)
            close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6) if known else []
            hint = f"did you mean '{close[0]}'?" if close else (
                f"allowed here: {', '.join(known)}" if known else "remove it"
            )
        elif kind == "missing":
            msg = f"missing required field '{loc[-1]}'" if loc else "missing required field"
            loc_for_line = loc[:-1]
            out.append(Issue(msg, doc.location(loc_for_line), field=_field_path(loc, doc.data), check="schema"))
            continue
        elif kind.startswith("literal_error") or kind == "enum":
            msg = f"'{err.get('input')}' is not allowed: {msg[0].lower() + msg[1:]}"
        elif kind == "value_error":
            msg = msg.removeprefix("Value error, ")
        elif kind == "string_pattern_mismatch" and "\\x00" in str(err.get("ctx", {}).get("pattern", "")):
            msg = "contains a control character (an escape sequence or similar); knowledge-base text must be plain text"
            hint = "remove the character; line breaks are allowed only in long text fields"
        elif kind == "string_pattern_mismatch":
            what = str(loc[-1]) if loc else "value"
            msg = f"{_short(err.get('input'))} is not a valid {what}: {_PATTERN_WORDS.get(what, msg)}"
        else:
            msg = f"{msg}" + (f" (got {_short(err.get('input'))})" if "input" in err else "")
        out.append(Issue(msg, doc.location(loc), field=_field_path(loc, doc.data), hint=hint, check="schema"))
    return out


_PATTERN_WORDS = {
    "id": "ids are kebab-case: lowercase letters and digits separated by single hyphens",
    "source": "reference ids are kebab-case: lowercase letters and digits separated by single hyphens",
    "doi": "a DOI starts with '10.' and a registrant code, then '/' (no 'https://doi.org/' prefix)",
    "pmid": "a PMID is digits only",
    "pmcid": "a PMCID is 'PMC' followed by digits",
    "url": "a URL starts with http:// or https:// and has no spaces",
    "version": "the version is numbers separated by dots, such as 1.0 or 2026.11.1",
}


def _known_fields(doc: Document, loc: tuple[object, ...], top: Any = None) -> list[str]:
    """The allowed field names at the parent of `loc`, from the model schema."""
    from . import models

    top = top or {
        "kb.yaml": models.Meta,
        "evidence.yaml": models.EvidenceFile,
        "references.yaml": models.ReferencesFile,
    }.get(doc.path.name, models.OptionsFile)
    model: Any = top
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field_info = getattr(model, "model_fields", {}).get(part)
        if field_info is None:
            return []
        model = _inner_model(field_info.annotation)
        if model is None:
            return []
    return list(getattr(model, "model_fields", {}))


def _inner_model(annotation: Any) -> Any:
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------- treatment histories


def load_history(path: str | os.PathLike[str]) -> Any:
    """A treatment-history file, validated; HistoryError (exit 1) with file:line for every problem."""
    from pydantic import ValidationError

    from . import models
    from .errors import HistoryError

    p = Path(path).expanduser()
    shown = display_path(p)
    try:
        doc = read_yaml(p, kind="history file")
    except KnowledgeBaseError as exc:
        raise HistoryError(exc.message, hint=exc.hint or HISTORY_HINT) from None
    if doc.data is None or not isinstance(doc.data, dict):
        what = "empty" if doc.data is None else f"a {type(doc.data).__name__}, not a mapping"
        raise HistoryError(f"{shown}:1: the history file is {what}.", hint=HISTORY_HINT)
    try:
        history = models.History.model_validate(doc.data)
    except ValidationError as exc:
        issues = _pydantic_issues(exc, doc, models.History)
        raise HistoryError(
            f"The history file {shown} is invalid: {len(issues)} problem{'s' if len(issues) != 1 else ''}.",
            hint=HISTORY_HINT,
            issues=issues,
        ) from None
    from .staging import drug_class

    unknown = [(i, t) for i, t in enumerate(history.trials) if drug_class(t) is None]
    if unknown:
        issues = [
            Issue(
                f"the class of '{t.drug}' cannot be inferred",
                doc.location(("trials", i, "drug")),
                field=f"trials[{i}].drug",
                hint="add `class:` (ssri, snri, tca, maoi or other)",
            )
            for i, t in unknown
        ]
        raise HistoryError(f"The history file {shown} is incomplete.", hint=HISTORY_HINT, issues=issues)
    return history


HISTORY_HINT = (
    "A history file looks like: episode: {duration_months: 18, severity: moderate} and "
    "trials: [{drug: sertraline, weeks: 8, adequate_dose: true, adherent: true, improvement_pct: 10}] "
    "(see the README, 'Treatment histories')."
)
