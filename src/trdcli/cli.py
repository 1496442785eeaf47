"""The `trd` command line: arguments, options, exit codes, and wiring. Nothing is computed here.

Heavy modules (yaml, pydantic, rich) are imported inside the commands that need them, so that
`trd --help`, `trd --version` and shell completion stay fast.
"""

from __future__ import annotations

import enum
import os
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, Callable, Iterator, Optional

import typer

from . import __version__
from .render import DataFormat, RefsFormat, ValidateFormat
from .vocab import CONTEXTS, EFFECT_TAGS, FAMILIES

if TYPE_CHECKING:
    from .domain import KnowledgeBase
    from .errors import UsageError
    from .env import Env


class LineChoice(str, enum.Enum):
    first = "first"
    second = "second"
    third = "third"


class SchemaKind(str, enum.Enum):
    options = "options"
    references = "references"
    evidence = "evidence"
    classes = "classes"
    kb = "kb"
    history = "history"
    drugs = "drugs"
    scales = "scales"


class StagingChoice(str, enum.Enum):
    maudsley = "maudsley"
    mgh = "mgh"
    thase_rush = "thase-rush"
    trd_definition = "trd-definition"


HistoryOption = Annotated[
    Optional[str],
    typer.Option(
        "--history",
        metavar="FILE",
        help="A treatment-history YAML file, or - for standard input (see the README): the failed adequate trials "
        "and the contexts come from it.",
        show_default=False,
    ),
]


def examples(*commands: str) -> str:
    """An epilog listing examples one per line (\\b keeps the help formatter from rewrapping it)."""
    return "\b\nExamples:\n" + "\n".join(f"  {c}" for c in commands)


app = typer.Typer(
    name="trd",
    help=(
        "Cited, graded options for treatment-resistant depression (TRD), from a curated "
        "knowledge base of guidelines (CANMAT 2023, NICE NG222 and others), systematic reviews "
        "and pivotal trials. It supports clinical judgement and does not replace it."
    ),
    epilog=examples('trd options --prior-trials 2', 'trd show ect', 'trd compare aripiprazole lithium', 'trd refs --for esketamine --format bibtex', 'trd search akathisia'),
    no_args_is_help=True,
    add_completion=False,  # trd's own --install-completion/--show-completion below: they take a shell name
    rich_markup_mode=None,  # plain help: no Rich import for --help (fast, and stable in a pipe)
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# --------------------------------------------------------------------------- shared options


def _complete_names(incomplete: str) -> list[str]:
    """Option ids, names and aliases for shell completion, from the knowledge base's name index."""
    from .load import load
    from .names import fold

    try:
        index = load(None).kb.name_index()
    except Exception:  # noqa: BLE001 - completion must never fail loudly
        return []
    low = fold(incomplete)
    found = dict.fromkeys(n for _pos, _oid, names in index for n in names if fold(n).startswith(low))
    return [f"'{n}'" if " " in n else n for n in found]


def _completer(values: tuple[str, ...]) -> Callable[[str], list[str]]:
    """Shell completion for an option whose values are checked by trd (with a did-you-mean), not Typer."""

    def complete(incomplete: str) -> list[str]:
        return [v for v in values if v.startswith(incomplete)]

    return complete


KbOption = Annotated[
    Optional[str],
    typer.Option(
        "--kb",
        envvar="TRD_KB",
        metavar="PATH",
        help="Knowledge-base folder to use instead of the bundled one (also $TRD_KB).",
        show_default=False,
    ),
]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show a traceback on errors.", show_default=False)]
PagerOption = Annotated[
    Optional[bool],
    typer.Option(
        "--pager/--no-pager",
        help="Page output taller than the screen through $TRD_PAGER, $PAGER or `less -FRX` (default on a terminal).",
        show_default=False,
    ),
]
FORMAT_HELP = "Output format [default: table on a terminal, markdown in a pipe]."
FormatOption = Annotated[
    Optional[DataFormat],  # type: ignore[valid-type]  # a functional Enum built from render.VIEWS
    typer.Option("--format", help=FORMAT_HELP, show_default=False),
]

_state = {"debug": False}


def _debug_wanted(flag: bool) -> bool:
    return flag or _state["debug"] or os.environ.get("TRD_DEBUG", "") not in ("", "0")


@contextmanager
def guarded(debug: bool = False) -> Iterator[None]:
    """Turn the errors users can meet into one message and an exit code; traceback only with --debug."""
    from .errors import ExitCode, TrdError

    try:
        yield
    except typer.Exit:
        raise
    except TrdError as exc:
        if _debug_wanted(debug):
            raise
        _stderr(f"Error: {exc.render()}\n")
        raise typer.Exit(int(exc.code)) from None
    except KeyboardInterrupt:
        _stderr("Interrupted.\n")
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    except BrokenPipeError:
        from ._entry import quiet_stdout

        quiet_stdout()
        raise typer.Exit(0) from None
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback without --debug
        if _debug_wanted(debug):
            raise
        _stderr(
            f"Error: internal error in trd {__version__}: {type(exc).__name__}: {exc}\n"
            "This is a bug, not a problem with your input. Re-run with --debug for the traceback "
            "and report it.\n"
        )
        raise typer.Exit(int(ExitCode.INTERNAL)) from None


def _stderr(text: str) -> None:
    try:
        sys.stderr.write(text)
    except UnicodeEncodeError:
        sys.stderr.write(text.encode("ascii", "replace").decode("ascii"))



@contextmanager
def output(view: str, fmt: Optional[enum.Enum], pager: Optional[bool] = None) -> Iterator[tuple[Callable[..., None], Env]]:
    """The writer for `view` and the environment it writes to (through a pager when it should)."""
    from .env import Env
    from .render import choose, renderer

    env = Env(program_version=__version__, pager=pager)
    chosen = choose(view, fmt.value if fmt is not None else None, env.is_terminal)
    if chosen.value in ("table",):
        env.begin()
    yield renderer(chosen, view), env
    env.end()


def _kb_origin(kb: Optional[str]) -> Optional[str]:
    """Words for where --kb's value came from: the command line or $TRD_KB (Click knows which)."""
    if not kb:
        return None
    from .kbfiles import origin_of

    try:
        from typer._click.globals import get_current_context  # Typer vendors Click from 0.2x
    except ImportError:  # an older Typer: tell them apart by the variable's value
        return origin_of(kb)
    ctx = get_current_context(silent=True)
    source = ctx.get_parameter_source("kb") if ctx is not None else None
    if source is None:
        return origin_of(kb)
    return origin_of(kb, from_env=source.name == "ENVIRONMENT")


def _load(kb_path: Optional[str]) -> KnowledgeBase:
    from .load import load

    return load(kb_path, _kb_origin(kb_path)).kb


def _version(value: bool) -> None:
    if not value:
        return
    from . import kbfiles

    meta: dict[str, str] = {}
    try:
        meta = kbfiles.quick_meta(kbfiles.resolve(None))
    except Exception:  # noqa: BLE001 - --version must always answer
        pass
    kb_part = (
        f"knowledge base {meta.get('version', 'unknown')}, reviewed {meta.get('reviewed', 'unknown')}"
        if meta
        else "knowledge base not found"
    )
    typer.echo(f"trd {__version__} ({kb_part})")
    raise typer.Exit()


SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
_DETECT = "detect"  # the value of a bare --install-completion / --show-completion


def _shell(value: str) -> str:
    """The shell asked for, or the one trd runs under; a UsageError for any other word."""
    from .errors import UsageError

    if value == _DETECT:
        from typer._completion_shared import _get_shell_name

        found = None if os.environ.get("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION") else _get_shell_name()
        if found not in SHELLS:
            raise UsageError(
                "Cannot tell which shell this is" + (f" ({_shown(found)} is not supported)." if found else "."),
                hint="Name it: trd --install-completion bash (or zsh, fish, powershell).",
            )
        return str(found)
    if value not in SHELLS:
        import difflib

        close = difflib.get_close_matches(value, SHELLS, n=1, cutoff=0.5)
        raise UsageError(
            f"trd has no completion for the shell {_shown(value)}.",
            hint=(f"Did you mean '{close[0]}'? " if close else "") + "Shells: bash, zsh, fish, powershell (pwsh).",
        )
    return value


def _shown(text: str) -> str:
    from .query import shown

    return shown(text)


def _install_completion(value: Optional[str]) -> None:
    """Install completion for the shell named (or detected), in that shell's own files."""
    if value is None:
        return
    with guarded():
        from typer._completion_shared import install

        shell = _shell(value)
        try:
            shell, path = install(shell=shell, prog_name="trd", complete_var="_TRD_COMPLETE")
        except FileNotFoundError as exc:
            from .errors import TrdError

            if exc.filename in SHELLS:  # typer asks PowerShell itself where its profile is
                raise TrdError(
                    f"Could not install {shell} completion: {exc.filename} is not installed here.",
                    hint=f"Run it where {exc.filename} is installed, or use `trd --show-completion {shell}`.",
                ) from None
            raise TrdError(
                f"Could not install {shell} completion: {exc.filename or 'a file'} cannot be created ({exc.strerror}).",
                hint="Check that your home folder exists and is writable.",
            ) from None
        except OSError as exc:
            from .errors import TrdError

            where = f" {exc.filename}" if exc.filename else ""
            raise TrdError(
                f"Could not install {shell} completion: cannot write{where} ({exc.strerror or exc}).",
                hint=f"Check that your home folder is writable, or add the output of `trd --show-completion {shell}` "
                "to your shell's start-up file yourself.",
            ) from None
        typer.echo(f"{shell} completion installed in {path}")
        typer.echo("Completion will take effect once you restart the terminal.")
    raise typer.Exit()


def _show_completion(value: Optional[str]) -> None:
    """Print the completion script for the shell named (or detected)."""
    if value is None:
        return
    with guarded():
        from typer._completion_shared import get_completion_script

        typer.echo(get_completion_script(prog_name="trd", complete_var="_TRD_COMPLETE", shell=_shell(value)))
    raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the program and knowledge-base versions."),
    ] = False,
    install_completion: Annotated[
        Optional[str],
        typer.Option(
            "--install-completion",
            metavar="[SHELL]",
            callback=_install_completion,
            is_eager=True,
            expose_value=False,
            help="Install completion for SHELL (bash, zsh, fish, powershell), or for the current shell.",
            show_default=False,
        ),
    ] = None,
    show_completion: Annotated[
        Optional[str],
        typer.Option(
            "--show-completion",
            metavar="[SHELL]",
            callback=_show_completion,
            is_eager=True,
            expose_value=False,
            help="Print the completion script for SHELL, or for the current shell, to install it yourself.",
            show_default=False,
        ),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Cited, graded options for treatment-resistant depression."""
    _state["debug"] = debug


# --------------------------------------------------------------------------- commands


@app.command(
    short_help='The options that fit, best-supported first, cited.',
    epilog=examples('trd options --prior-trials 2', 'trd options -n 1', 'trd options -n 2 --family augmentation --family neuromodulation', 'trd options -n 2 --context psychotic-features --avoid weight-gain', 'trd options -n 2 -c older-adult -a sedation --strict', 'trd options --line first --format markdown', "trd options -n 2 --format json | jq '.options[].id'"),
)
def options(
    prior_trials: Annotated[
        Optional[int],
        typer.Option(
            "--prior-trials",
            "-n",
            min=0,
            max=20,
            metavar="N",
            help="Failed adequate antidepressant trials so far; shows what guidelines place at that point "
            "(2 or more is TRD by the usual definition). Default: all options.",
            show_default=False,
        ),
    ] = None,
    family: Annotated[
        Optional[list[str]],
        typer.Option(
            "--family",
            "-f",
            metavar="FAMILY",
            autocompletion=_completer(FAMILIES),
            help="Only this family (repeat for several): " + ", ".join(FAMILIES) + ".",
            show_default=False,
        ),
    ] = None,
    line: Annotated[
        Optional[LineChoice],
        typer.Option("--line", "-l", help="Only options CANMAT 2023 rates at this line.", show_default=False),
    ] = None,
    context: Annotated[
        Optional[list[str]],
        typer.Option(
            "--context",
            "-c",
            metavar="CONTEXT",
            autocompletion=_completer(CONTEXTS),
            help="Patient context (repeat for several): " + ", ".join(CONTEXTS) + ". Marks what guidelines "
            "favour earlier, caution or contraindicate, and says why.",
            show_default=False,
        ),
    ] = None,
    avoid: Annotated[
        Optional[list[str]],
        typer.Option(
            "--avoid",
            "-a",
            metavar="EFFECT",
            autocompletion=_completer(EFFECT_TAGS),
            help="Adverse effect to avoid (repeat for several): " + ", ".join(EFFECT_TAGS[:9]) + ", and others. "
            "Options with a sourced record of it are flagged.",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Hide options flagged by --avoid or contraindicated in a --context.", show_default=False),
    ] = False,
    history: HistoryOption = None,
    long: Annotated[
        bool,
        typer.Option("--long", help="On a terminal, the full table (ratings, key figure, flags) instead of one line per option.", show_default=False),
    ] = False,
    fmt: FormatOption = None,
    pager: PagerOption = None,
    kb: KbOption = None,
    debug: DebugOption = False,
) -> None:
    """The options that fit, grouped by their rating for difficult-to-treat depression, each cited.

    Order: by the CANMAT 2023 rating for difficult-to-treat depression (first, second, third line;
    rated only for MDD in general; not rated by CANMAT; investigational; advised against), then by
    level of evidence (unstated last), family and name. Where guidelines disagree, the option keeps
    its CANMAT place and the other rating is shown beside it, marked with a not-equal sign.
    """
    with guarded(debug):
        from . import query

        contexts = tuple(context or ())
        history_notes: list[str] = []
        tried: dict[str, list[query.Flag]] = {}
        if history is not None:
            from .errors import UsageError
            from .kbfiles import resolve
            from .patient import load_patient, tried_options
            from .staging import pseudo_resistance, trd_definition

            if prior_trials is not None:
                raise UsageError(
                    "Give --prior-trials or --history, not both.",
                    hint="--history counts the failed adequate trials from the file.",
                )
            patient = load_patient(history, resolve(kb, _kb_origin(kb)))
            _warn(patient.warnings)
            prior_trials = trd_definition(patient)["counted_trials"]
            history_notes = [
                f"From the history, not counted as a failed adequate trial: {flag}." for flag in pseudo_resistance(patient)
            ]
            for oid, marks in tried_options(patient).items():
                tried[oid] = [query.Flag("tried", t.about, t.text, "") for t in marks]
            recorded = list(patient.contexts)
            if patient.severity == "severe-with-psychosis":
                recorded.append("psychotic-features")
            contexts = tuple(dict.fromkeys([*contexts, *recorded]))
        base = _load(kb)
        q = query.OptionsQuery(
            prior_trials=prior_trials,
            families=tuple(family or ()),
            line=line.value if line else None,
            contexts=contexts,
            avoid=tuple(avoid or ()),
            strict=strict,
        )
        result = query.select(base, q, tried)
        result.history_notes = history_notes
        with output("options", fmt, pager) as (render, env):
            env.long = long
            render(result, base, env)


@app.command(
    short_help='One option in full, with every source.',
    epilog=examples('trd show ect', 'trd show esketamine --format json', "trd show 'lithium' --format markdown"),
)
def show(
    name: Annotated[
        str,
        typer.Argument(
            help="Option id, name or alias (spelling variants are corrected, with a note).",
            show_default=False,
            autocompletion=_complete_names,
        ),
    ],
    first: Annotated[
        bool,
        typer.Option("--first", help="When NAME is only mentioned by options, show the first of them.", show_default=False),
    ] = False,
    fmt: FormatOption = None,
    pager: PagerOption = None,
    kb: KbOption = None,
    debug: DebugOption = False,
) -> None:
    """One option in full: ratings per guideline, key figures in context, doses, safety, sources."""
    with guarded(debug):
        from . import query
        from .errors import UsageError

        base = _load(kb)
        try:
            found = query.resolve(base, name, first)
        except UsageError as exc:
            better = _as_drug(name, kb, exc, base)
            named = better.choices
            if not (first and named):
                raise better from None
            found = query.resolve(base, named[0])
            found = query.Resolution(found.option, False, name, "first-mention")
        note = ""
        if not found.exact:
            note = f"Showing '{found.option.id}' ({found.option.name}) for {query.shown(name)} ({_HOW[found.how]})."
            _stderr(note + "\n")
        with output("show", fmt, pager) as (render, env):
            env.note = note
            env.resolved_from = "" if found.exact else name
            render(found.option, base, env)


def _as_drug(name: str, kb_path: Optional[str], error: UsageError, base: KnowledgeBase) -> UsageError:
    """A name no option has but the drug vocabulary knows (a brand, a generic): say which drug and
    class it is, the options that name that class, and the options that mention the drug."""
    from .errors import UsageError
    from .query import mentions, shown

    try:
        from .history import load_vocabulary
        from .kbfiles import resolve

        drug = load_vocabulary(resolve(kb_path)).drug(name)
    except Exception:  # noqa: BLE001 - the vocabulary only improves the message
        return error
    if drug is None:
        return error
    short = drug.class_name.rsplit("(", 1)[-1].rstrip(")") if "(" in drug.class_name else drug.class_name
    by_class = mentions(base, short, names_only=True)
    by_drug = [o for o in mentions(base, drug.name) if o not in by_class]
    parts = []
    if by_class:
        parts.append(f"Options for its class ({short}): {', '.join(by_class)}")
    if by_drug:
        parts.append(f"{'options' if parts else 'Options'} that mention {drug.name}: {', '.join(by_drug[:10])}{', ...' if len(by_drug) > 10 else ''}")
    if not parts:
        return error
    return UsageError(
        f"No option called {shown(name)}: it is {drug.name}, {drug.class_name}. " + "; ".join(parts) + ".",
        hint=f"Show one of them, for example `trd show {(by_class or by_drug)[0]}`, or add --first to take the first.",
        choices=[*by_class, *by_drug],
    )


_HOW = {
    "prefix": "the one option whose name starts so",
    "spelling": "the closest spelling",
    "first-mention": "the first option that mentions it, as --first asks",
    "exact": "exact",
}


@app.command(
    short_help='Options side by side.',
    epilog=examples('trd compare aripiprazole lithium', 'trd compare ect esketamine ketamine-iv --format markdown'),
)
def compare(
    names: Annotated[
        list[str],
        typer.Argument(
            help="Two or more option ids, names or aliases.",
            show_default=False,
            autocompletion=_complete_names,
        ),
    ],
    fmt: FormatOption = None,
    pager: PagerOption = None,
    kb: KbOption = None,
    debug: DebugOption = False,
) -> None:
    """Options side by side: ratings per guideline, key figures, cautions, adverse effects, sources."""
    with guarded(debug):
        from . import query
        from .errors import UsageError

        if len(names) < 2:
            raise UsageError("Compare needs at least two options.", hint="For example `trd compare aripiprazole lithium`.")
        base = _load(kb)
        found = query.resolve_many(base, names)
        for r in found:
            if not r.exact:
                _stderr(f"{query.shown(r.typed)} read as '{r.option.id}' ({r.option.name}).\n")
        with output("compare", fmt, pager) as (render, env):
            render([r.option for r in found], base, env)


@app.command(
    short_help='Every option and reference that mentions TEXT.',
    epilog=examples('trd search akathisia', "trd search 'STAR*D'", 'trd search pregnancy --format json'),
)
def search(
    text: Annotated[str, typer.Argument(help="Word or phrase (case- and accent-insensitive).", show_default=False)],
    fmt: FormatOption = None,
    pager: PagerOption = None,
    kb: KbOption = None,
    debug: DebugOption = False,
) -> None:
    """Every option field and reference that mentions TEXT, with where it matched."""
    with guarded(debug):
        from . import query

        base = _load(kb)
        hits = query.search(base, text)
        with output("search", fmt, pager) as (render, env):
            env.search_text = text
            env.near = tuple(query.near_terms(base, text)) if not hits else ()
            render(hits, base, env)


@app.command(
    short_help='TRD staging models on a treatment history.',
    epilog=examples('trd stage --history examples/history.yaml', 'trd stage --history examples/history.yaml --model maudsley', 'trd stage --history examples/history.yaml --format json'),
)
def stage(
    history: Annotated[
        str,
        typer.Option("--history", metavar="FILE", help="The treatment-history YAML file to stage, or - for standard input (see the README)."),
    ],
    model: Annotated[
        Optional[list[StagingChoice]],
        typer.Option("--model", "-m", help="Only this model (repeat for several). Default: all.", show_default=False),
    ] = None,
    fmt: FormatOption = None,
    pager: PagerOption = None,
    kb: KbOption = None,
    debug: DebugOption = False,
) -> None:
    """Stage a treatment history with published TRD staging models, each with its rules and sources."""
    with guarded(debug):
        from . import staging
        from .kbfiles import resolve
        from .patient import load_patient

        patient = load_patient(history, resolve(kb, _kb_origin(kb)))
        _warn(patient.warnings)
        base = _load(kb)
        result = staging.run(patient, patient.source, [m.value for m in model or ()] or None)
        with output("stage", fmt, pager) as (render, env):
            render(result, base, env)


@app.command(
    short_help='The sources; exports for reference managers.',
    epilog=examples('trd refs', 'trd refs --for ect', 'trd refs --format bibtex > trd.bib', 'trd refs --format ris', 'trd refs --format csl-json', 'trd refs --for lithium --format vancouver'),
)
def refs(
    for_: Annotated[
        Optional[str],
        typer.Option(
            "--for", metavar="NAME", help="Only the sources one option cites.", show_default=False, autocompletion=_complete_names
        ),
    ] = None,
    fmt: Annotated[Optional[RefsFormat], typer.Option("--format", help=FORMAT_HELP, show_default=False)] = None,  # type: ignore[valid-type]  # functional Enum (render.VIEWS)
    pager: PagerOption = None,
    kb: KbOption = None,
    debug: DebugOption = False,
) -> None:
    """The sources: what each is, what cites it, its DOI and PMID; exports for reference managers."""
    with guarded(debug):
        from . import query

        base = _load(kb)
        if for_:
            found = query.resolve(base, for_)
            references = [base.reference(rid) for rid in found.option.cited_ids()]
        else:
            references = list(base.references)
        with output("refs", fmt, pager) as (render, env):
            render(references, base, env)


@app.command(
    short_help='Check a knowledge base, with file:line for each problem.',
    epilog=examples('trd validate', 'trd validate ./my-kb', "trd validate --format json | jq '.issues[]'"),
)
def validate(
    path: Annotated[
        Optional[str],
        typer.Argument(help="Knowledge-base folder to check (default: --kb, $TRD_KB, or the bundled one).", show_default=False),
    ] = None,
    fmt: Annotated[Optional[ValidateFormat], typer.Option("--format", help="Output format [default: text].", show_default=False)] = None,  # type: ignore[valid-type]  # functional Enum (render.VIEWS)
    kb: KbOption = None,
    debug: DebugOption = False,
) -> None:
    """Check a knowledge base: every problem at file:line, then a coverage summary. Exit 1 on errors."""
    with guarded(debug):
        from . import checks

        from .kbfiles import origin_of

        chosen = path or kb
        report = checks.run(chosen, origin=origin_of(path, from_env=False) if path else _kb_origin(kb))
        with output("validate", fmt, False) as (render, env):
            render(report, env)
        if report.errors:
            raise typer.Exit(1)


@app.command(
    short_help='The JSON Schema of a knowledge-base YAML file.',
    epilog=examples('trd schema', 'trd schema references > references.schema.json', 'trd schema kb'),
)
def schema(
    kind: Annotated[
        SchemaKind,
        typer.Argument(
            help="Which file: options (strategies/*.yaml), references, evidence, classes, kb, a history file, "
            "drugs (the drug vocabulary) or scales."
        ),
    ] = SchemaKind.options,
    debug: DebugOption = False,
) -> None:
    """Print the JSON Schema of a knowledge-base YAML file, for editors that validate as you type."""
    with guarded(debug):
        import json

        from .schema import json_schema

        from .env import utf8

        cls = None
        if kind.value in ("history", "drugs", "scales"):  # a treatment history and its vocabulary files
            from .history import FILE_MODELS

            cls = FILE_MODELS[kind.value]
        # ASCII-escaped JSON when the console is not UTF-8 (the schema's descriptions hold '≥' and the like)
        typer.echo(json.dumps(json_schema(kind.value, cls), indent=2, ensure_ascii=not utf8(sys.stdout)))


def _warn(issues: Any) -> None:
    """Warnings about an accepted input (a deprecated spelling, a drug the vocabulary lacks), on stderr."""
    for issue in issues:
        _stderr(f"warning: {issue.render()}\n")


def _bare_completion_flags(argv: list[str]) -> list[str]:
    """A bare `--install-completion` (or `--show-completion`) means the current shell."""
    out: list[str] = []
    for i, arg in enumerate(argv):
        out.append(arg)
        if arg in ("--install-completion", "--show-completion"):
            following = argv[i + 1] if i + 1 < len(argv) else None
            if following is None or following.startswith("-"):
                out.append(_DETECT)
    return out


def main() -> None:
    """Console-script entry point (`trdcli._entry.main` calls it with the signal handlers set)."""
    if os.environ.get("_TRD_COMPLETE"):  # the shell asks for completions (Typer registers its shells only with add_completion)
        from typer._completion_classes import completion_init

        completion_init()
    app(args=_bare_completion_flags(sys.argv[1:]), prog_name="trd")
