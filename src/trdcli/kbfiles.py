"""Where a knowledge base is and which files it is made of: the one table of its files.

    kb.yaml                 version, review date, scope, disclaimer, definitions, coverage list
    evidence.yaml           the grading schemes and their published definitions
    references.yaml         every source, once
    classes.yaml            facts shared by a drug class (optional)
    strategies/*.yaml       the options, one file per family

Nothing here parses YAML: `files()` lists the files once per run, and everything downstream
(the cache key, parsing, validation) works on that one list.
"""

from __future__ import annotations

import os
from pathlib import Path

from .frozen import record
from .errors import KnowledgeBaseError

ENV_VAR = "TRD_KB"
STRATEGIES_DIR = "strategies"
YAML_SUFFIXES = (".yaml", ".yml")
# The drug vocabulary and rating scales of treatment histories: in a knowledge base that has its
# own, else the bundled ones.
DRUGS_FILE = "drugs.yaml"
SCALES_FILE = "scales.yaml"


@record(frozen=True, eq=False, repr=False)
class FileKind:
    """One kind of knowledge-base file: its name (or folder), the key it starts with, its class name."""

    name: str  # file name, or the folder of a group of files
    top_key: str  # the top-level key a file of this kind has
    model: str  # the class of domain.py a file of this kind is read into
    group: bool = False  # a folder of files rather than one file
    optional: bool = False


KINDS: dict[str, FileKind] = {
    "meta": FileKind("kb.yaml", "version", "Meta"),
    "evidence": FileKind("evidence.yaml", "schemes", "EvidenceFile"),
    "references": FileKind("references.yaml", "references", "ReferencesFile"),
    "classes": FileKind("classes.yaml", "classes", "ClassesFile", optional=True),
    "options": FileKind(STRATEGIES_DIR, "options", "OptionsFile", group=True),
}


@record(frozen=True, eq=False, repr=False)
class KbFile:
    kind: str
    path: Path

    @property
    def key(self) -> str:
        """The document key: the kind, or 'options:<file name>' for a strategies file."""
        return f"{self.kind}:{self.path.name}" if KINDS[self.kind].group else self.kind


def bundled_path() -> Path:
    """The knowledge base shipped with the program (wheel) or beside it (source checkout)."""
    here = Path(__file__).resolve().parent
    packaged = here / "data"
    if (packaged / "kb.yaml").is_file():
        return packaged
    return here.parents[1] / "data"


def origin_of(path: str | os.PathLike[str] | None, from_env: bool | None = None) -> str:
    """Words for where a knowledge-base path came from, for error messages."""
    if path is None:
        return "the bundled knowledge base"
    if from_env is None:
        from_env = os.environ.get(ENV_VAR) == str(path)
    return f"${ENV_VAR}={path}" if from_env else f"--kb {path}"


def resolve(path: str | os.PathLike[str] | None = None, origin: str | None = None) -> Path:
    """--kb PATH, else $TRD_KB, else the bundled knowledge base."""
    chosen: str | os.PathLike[str] | None = path or os.environ.get(ENV_VAR) or None
    origin = origin or origin_of(chosen)
    root = bundled_path() if chosen is None else Path(chosen).expanduser()
    try:
        if root.name == "kb.yaml" and root.is_file():
            root = root.parent
        is_dir = root.is_dir()
        has_meta = is_dir and (root / "kb.yaml").is_file()
        if is_dir:
            os.listdir(root)
    except PermissionError:  # the folder, or one on the way to it
        raise KnowledgeBaseError(
            f"Knowledge base not readable: {root} (from {origin}): permission denied.",
            hint="Check the folder's permissions, or point --kb or TRD_KB at another folder.",
        ) from None
    if not is_dir:
        raise KnowledgeBaseError(
            f"Knowledge base not found: {root} (from {origin}) is not a folder.",
            hint="Point --kb or TRD_KB at a folder that holds kb.yaml, evidence.yaml, "
            "references.yaml and strategies/*.yaml, or unset TRD_KB to use the bundled one.",
        )
    if not has_meta:
        raise KnowledgeBaseError(
            f"Knowledge base not found: {root} (from {origin}) has no kb.yaml.",
            hint="A knowledge-base folder holds kb.yaml, evidence.yaml, references.yaml and "
            "strategies/*.yaml; `trd validate PATH` checks one.",
        )
    return root


def files(root: Path) -> list[KbFile]:
    """Every file of the knowledge base at `root`, in a fixed order; listed once per run.

    Strategy files may end in .yaml or .yml, in any case; other files in strategies/ are not
    knowledge and are left alone (`strategy_folder_problems` reports them).
    """
    out: list[KbFile] = []
    for kind, spec in KINDS.items():
        if spec.group:
            folder = root / spec.name
            try:
                names = sorted(os.listdir(folder))
            except FileNotFoundError:
                continue
            except NotADirectoryError:
                continue
            except PermissionError:
                raise KnowledgeBaseError(
                    f"{folder}: the strategies folder cannot be read (permission denied).",
                    hint="Check the folder's permissions.",
                ) from None
            out += [KbFile(kind, folder / n) for n in names if n.lower().endswith(YAML_SUFFIXES) and not n.startswith(".")]
        elif not spec.optional or (root / spec.name).exists():
            out.append(KbFile(kind, root / spec.name))
    return out


def quick_meta(root: Path | None = None) -> dict[str, str]:
    """Version and review date from kb.yaml without importing a YAML parser (for --version)."""
    out: dict[str, str] = {}
    try:
        with open((root or bundled_path()) / "kb.yaml", encoding="utf-8") as fh:
            text = fh.read(65536)
    except (OSError, UnicodeDecodeError):
        return out
    for line in text.splitlines():
        for key in ("version", "reviewed"):
            if line.startswith(key + ":"):
                out.setdefault(key, line.split(":", 1)[1].split("#", 1)[0].strip().strip("'\""))
    return out


def vocabulary_root(kb_root: Path | None) -> Path:
    """The knowledge base's folder if it holds a drug vocabulary, else the bundled one."""
    if kb_root is not None and (kb_root / DRUGS_FILE).is_file():
        return kb_root
    return bundled_path()
