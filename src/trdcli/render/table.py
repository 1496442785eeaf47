"""Rich tables and panels for a terminal. Knowledge-base text always enters as `Text`, never markup."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.style import Style
from rich.table import Table
from rich.text import Text

from ..logic import RANKING_EXPLANATION
from .common import (
    DISAGREE_MARK,
    FLAG_SYMBOLS,
    FLAG_WORDS,
    flag_labels,
    flag_legend,
    flag_reasons,
    SCHEME_TITLES,
    Citations,
    Env,
    clean,
    figure_label,
    fmt_numbers,
    footer,
    legend_lines,
    other_label,
    row_citations,
    row_ratings,
)

if TYPE_CHECKING:
    from ..models import KnowledgeBase, Option, Reference
    from ..query import OptionsResult

LINE_STYLES = {
    "first": "bold green",
    "second": "green",
    "third": "yellow",
    "investigational": "magenta",
    "not-recommended": "bold red",
}


def make_console(env: Env, stderr: bool = False) -> Console:
    """Made at the moment of use, so COLUMNS/NO_COLOR set by a caller or test are honoured."""
    return Console(
        file=env.stderr if stderr else env.stdout,
        width=env.width,
        force_terminal=env.force_terminal or None,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    )


def T(text: object, style: str | Style = "") -> Text:
    """Knowledge-base text as a Text whose style covers only itself (not what is appended later)."""
    out = Text()
    out.append(clean(text), style=style or None)
    return out


def link(text: str, url: str | None) -> Text:
    return Text(text, style=Style(link=url) if url else "")


def ref_text(n: int, ref: Reference) -> Text:
    out = T(f"[{n}] ", "bold")
    out.append(clean(ref.vancouver()))
    if ref.doi:
        out.append(" doi:")
        out.append_text(link(ref.doi, ref.doi_url))
    if ref.pmid:
        out.append(" PMID ")
        out.append_text(link(ref.pmid, ref.pmid_url))
    if not ref.doi and not ref.pmid and ref.url:
        out.append(" ")
        out.append_text(link(ref.url, ref.url))
    return out


def _rule(title: str) -> Text:
    return Text(title, style="bold underline")


def _footer_block(kb: KnowledgeBase, env: Env) -> list[Text]:
    return [
        Text(footer(kb, env), style="dim"),
        Text(clean(kb.meta.disclaimer), style="bold yellow"),
    ]


CARD_WIDTH = 70  # below this many columns, one card per option instead of a table


def _option_cards(result: OptionsResult, kb: KnowledgeBase, env: Env, console: Console, cites: Citations, shown: list) -> None:  # type: ignore[type-arg]
    """Narrow terminals: each option as a short block, every field on its own line."""
    for i, opt in enumerate(result.options, 1):
        canmat, others = row_ratings(opt)
        shown.extend(([canmat] if canmat else []) + others)
        head = T(f"{i}. ", "bold")
        head.append(clean(opt.name), style="bold")
        head.append(f"  {opt.family}", style="dim")
        console.print(head)
        rating = Text("   CANMAT 2023: ")
        rating.append_text(T(canmat.label(), LINE_STYLES.get(canmat.line or "", "")) if canmat else T("not rated", "dim"))
        console.print(rating)
        if others:
            mark = f" {DISAGREE_MARK}" if opt.guidelines_disagree() else ""
            console.print(T("   Other: " + "; ".join(other_label(r) for r in others) + mark))
        if opt.figures:
            console.print(T("   Key figure: " + figure_label(opt)))
        refs = fmt_numbers(row_citations(opt, cites))
        for label in flag_labels(opt, result, cites):
            console.print(T("   " + label, FLAG_STYLES[label[0]]))
        console.print(Text("   Refs: " + refs, style="dim"))
    _patient_section(result, console, cites)
    _options_footer(kb, env, console, cites, shown)


FLAG_STYLES = {"↑": "green", "!": "yellow", "✗": "bold red", "⚠": "magenta"}


def _patient_section(result: OptionsResult, console: Console, cites: Citations) -> None:
    """Why options are marked for this patient: each reason once, with what it marks, cited."""
    if not (result.query.contexts or result.query.avoid):
        return
    console.print(_rule("For this patient"))
    for note in result.context_notes:
        console.print(T(f"{note.context}: {note.text} [{cites.cite(note.source)}]"))
    for kind, about, text, source, names in flag_reasons(result):
        line = T(f"{FLAG_SYMBOLS[kind]} {about} ({FLAG_WORDS[kind]}): ", FLAG_STYLES[FLAG_SYMBOLS[kind]])
        line.append(clean(", ".join(names)), style="bold")
        line.append(clean(f". {text} [{cites.cite(source)}]"))
        console.print(line)
    if result.hidden:
        console.print(T(f"Hidden by --strict: {', '.join(result.hidden)}.", "dim"))
    console.print(T(flag_legend(result), "dim"))


def _options_footer(kb: KnowledgeBase, env: Env, console: Console, cites: Citations, shown: list) -> None:  # type: ignore[type-arg]
    console.print(_rule("References"))
    for n, ref in cites.references():
        console.print(ref_text(n, ref))
    console.print(_rule("Legend"))
    for line in legend_lines(kb, shown):
        console.print(Text(clean(line), style="dim"))
    for line in _footer_block(kb, env):
        console.print(line)


def options(result: OptionsResult, kb: KnowledgeBase, env: Env) -> None:
    console = make_console(env)
    console.print(Text(f"Options for treatment-resistant depression: {result.query.describe()}", style="bold"))
    for note in result.notes:
        console.print(Text("! " + note, style="yellow"))
    if not result.options:
        console.print(Text(f"No option matches ({result.query.describe()})."))
        console.print(Text("Try: " + "; ".join(result.relax) + "."))
        for line in _footer_block(kb, env):
            console.print(line)
        return

    cites = Citations(kb)
    shown: list = []  # type: ignore[type-arg]
    if env.width < CARD_WIDTH:
        _option_cards(result, kb, env, console, cites, shown)
        return
    table = Table(box=box.SIMPLE_HEAD, show_lines=False, pad_edge=False, expand=False, header_style="bold")
    table.add_column("Option", overflow="fold", ratio=4, min_width=14)
    table.add_column("CANMAT 2023", overflow="fold", ratio=3, min_width=11)
    table.add_column("Other guidelines", overflow="fold", ratio=4, min_width=12)
    table.add_column("Key figure", overflow="fold", ratio=5, min_width=12)
    table.add_column("Refs", overflow="fold", ratio=1, min_width=5)
    for opt in result.options:
        canmat, others = row_ratings(opt)
        shown.extend(([canmat] if canmat else []) + others)
        refs = Text(fmt_numbers(row_citations(opt, cites)))
        name = T(opt.name, "bold")
        name.append("\n" + opt.family, style="dim")
        for label in flag_labels(opt, result, cites):
            name.append("\n" + label, style=FLAG_STYLES[label[0]])
        rating = T(canmat.label(), LINE_STYLES.get(canmat.line or "", "")) if canmat else T("not rated", "dim")
        other = Text("\n".join(clean(other_label(r)) for r in others))
        if opt.guidelines_disagree():
            other.append(f" {DISAGREE_MARK}", style="bold red")
        table.add_row(name, rating, other, T(figure_label(opt)), refs)
    console.print(table)
    _patient_section(result, console, cites)
    _options_footer(kb, env, console, cites, shown)


def show(opt: Option, kb: KnowledgeBase, env: Env) -> None:
    console = make_console(env)
    cites = Citations(kb)

    def c(rid: str) -> str:
        return f" [{cites.cite(rid)}]"

    head = T(opt.name, "bold")
    head.append(f"  ({opt.id}, {opt.family})", style="dim")
    console.print(head)
    if opt.aliases:
        console.print(T("Also: " + ", ".join(opt.aliases), "dim"))
    console.print(T(opt.summary))
    console.print()

    console.print(_rule("When to consider"))
    trials = opt.min_prior_trials
    console.print(
        Text(
            f"• Listed by `trd options` from {trials} failed adequate antidepressant trial"
            f"{'s' if trials != 1 else ''} on; what each guideline says is below."
        )
    )
    for s in opt.when_to_consider:
        console.print(T("• " + s.text + c(s.source)))

    if opt.recommendations:
        console.print(_rule("Recommendations"))
        if opt.guidelines_disagree():
            console.print(
                Text(f"{DISAGREE_MARK} The guidelines disagree on this option; each rating is shown as given.", "bold red")
            )
        for r in opt.recommendations:
            head = T("• " + SCHEME_TITLES[r.scheme], "bold")
            head.append(clean(c(r.source)))
            head.append(" · ")
            head.append(clean(r.label()), style=LINE_STYLES.get(r.line or "", "bold"))
            head.append(" · " + clean(r.where), style="dim")
            console.print(head)
            console.print(T("  " + r.statement))
            if r.note:
                console.print(T("  Note: " + r.note, "italic dim"))

    if opt.figures:
        console.print(_rule("Key figures"))
        for f in opt.figures:
            line = T(f"• {f.outcome}: ", "bold")
            line.append(clean(f.value), style="bold cyan")
            line.append(clean(c(f.source)))
            console.print(line)
            detail = f"  Population: {f.population}\n  Comparator: {f.comparator}"
            if f.duration:
                detail += f"\n  Duration: {f.duration}"
            if f.where:
                detail += f"\n  Where: {f.where}"
            if f.note:
                detail += f"\n  Note: {f.note}"
            console.print(T(detail, "dim"))

    def bullets(title: str, items: list, fmt) -> None:  # type: ignore[type-arg]
        if items:
            console.print(_rule(title))
            for item in items:
                console.print(T("• " + fmt(item)))

    bullets("Onset", [opt.onset] if opt.onset else [], lambda s: s.text + c(s.source))
    bullets("Cautions", opt.cautions, lambda s: s.text + c(s.source))
    bullets("Contraindications", opt.contraindications, lambda s: s.text + c(s.source))
    bullets("Adverse effects", opt.adverse_effects, lambda a: f"{a.effect} ({a.frequency})" + c(a.source))
    bullets("Monitoring", opt.monitoring, lambda s: s.text + c(s.source))
    bullets("Practical notes", opt.practical, lambda s: s.text + c(s.source))
    bullets("Regulatory status", opt.regulatory, lambda r: f"{r.agency} {r.year}: {r.status}" + c(r.source))
    bullets("Patient contexts", opt.contexts, lambda x: f"{x.context} ({x.effect}): {x.text}" + c(x.source))

    for rid in opt.sources:
        cites.cite(rid)
    console.print(_rule("References"))
    for n, ref in cites.references():
        console.print(ref_text(n, ref))
    console.print(_rule("Legend"))
    for line in legend_lines(kb, opt.recommendations):
        console.print(Text(clean(line), style="dim"))
    console.print(Text(f"Last reviewed {opt.last_reviewed.isoformat()}. How options are ordered: {RANKING_EXPLANATION}", "dim"))
    for line in _footer_block(kb, env):
        console.print(line)


def refs(references: list[Reference], kb: KnowledgeBase, env: Env) -> None:
    console = make_console(env)
    cited_by = kb.cited_by()
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, header_style="bold", title=f"{len(references)} references")
    t.add_column("#", justify="right", min_width=2)
    t.add_column("Reference", overflow="fold", ratio=6)
    t.add_column("DOI / PMID", overflow="fold", ratio=3, min_width=14)
    t.add_column("Cited by", overflow="fold", ratio=3, min_width=10)
    for i, ref in enumerate(references, 1):
        ident = Text()
        if ref.doi:
            ident.append_text(link(ref.doi, ref.doi_url))
        if ref.pmid:
            if ident:
                ident.append("\n")
            ident.append("PMID ")
            ident.append_text(link(ref.pmid, ref.pmid_url))
        if not ident:
            ident = Text("not confirmed", style="dim")
        body = T(ref.vancouver())
        body.append(f"\n{ref.id} · {ref.type}", style="dim")
        t.add_row(str(i), body, ident, T(", ".join(cited_by.get(ref.id, [])) or "-", "dim"))
    console.print(t)
    for line in _footer_block(kb, env):
        console.print(line)


def compare(opts: list[Option], kb: KnowledgeBase, env: Env) -> None:
    from .common import compare_rows

    console = make_console(env)
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, header_style="bold", show_lines=True)
    t.add_column("", style="bold", overflow="fold", ratio=2, min_width=10)
    for o in opts:
        t.add_column(clean(o.name), overflow="fold", ratio=5)
    for name, cells in compare_rows(opts, kb):
        if name != "Name":  # the column headers already name the options
            t.add_row(Text(name), *[T(c) for c in cells])
    console.print(t)
    cited: list[str] = []
    for o in opts:
        cited += [r for r in o.cited_ids() if r not in cited]
    console.print(_rule("References"))
    for rid in cited:
        ref = kb.reference(rid)
        line = T(f"{rid}: ", "bold")
        line.append_text(ref_text(0, ref)[4:])
        console.print(line)
    for line in _footer_block(kb, env):
        console.print(line)


def search(hits: list, kb: KnowledgeBase, env: Env) -> None:  # type: ignore[type-arg]
    from .common import search_snippet

    console = make_console(env)
    if not hits:
        console.print(Text("No option or reference mentions that."))
        return
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, header_style="bold", title=f"{len(hits)} matches")
    t.add_column("Where", overflow="fold", ratio=2, min_width=12)
    t.add_column("Field", overflow="fold", ratio=2, min_width=10, style="dim")
    t.add_column("Text", overflow="fold", ratio=6)
    for h in hits:
        before, match, after = search_snippet(h.text, env.search_text)
        text = Text(clean(before))
        text.append(clean(match), style="bold reverse")
        text.append(clean(after))
        t.add_row(Text(f"{h.kind} {h.id}"), Text(h.field), text)
    console.print(t)


def stage(result: Any, kb: KnowledgeBase, env: Env) -> None:
    from .common import stage_blocks

    console = make_console(env)
    cites = Citations(kb)
    console.print(T(f"TRD staging of {result.history_file}", "bold"))
    for name, head, info, rules, undefined in stage_blocks(result, kb, cites):
        console.print(_rule(name))
        console.print(T(head, "bold cyan"))
        for line in info:
            console.print(T("  " + line))
        for rule in rules:
            console.print(T("  Rule: " + rule, "dim"))
        for gap in undefined:
            console.print(T("  Undefined: " + gap, "dim italic"))
    console.print(_rule("References"))
    for n, ref in cites.references():
        console.print(ref_text(n, ref))
    for line in _footer_block(kb, env):
        console.print(line)
