"""For a terminal: the documents of `views` laid out with Rich. Knowledge-base text enters as `Text`, never markup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Console
from rich.style import Style
from rich.table import Table
from rich.text import Text

from .. import views
from ..domain import KnowledgeBase, Option, Reference
from ..env import Env
from ..query import Hit, OptionsResult
from ..views import Document, Item, OptionRow, fmt_numbers
from .common import clean, longest_word

STYLES = {
    "first": "bold green",
    "second": "green",
    "third": "yellow",
    "investigational": "magenta",
    "not-recommended": "bold red",
    "against": "bold red",
    "note": "yellow",
    "dim": "dim",
    "headline": "bold cyan",
    "flag:earlier": "green",
    "flag:within-class": "cyan",
    "flag:caution": "yellow",
    "flag:contraindicated": "bold red",
    "flag:not-studied": "yellow",
    "flag:avoid": "magenta",
    "flag:tried": "blue",
}
CARD_WIDTH = 70  # below this many columns, cards instead of tables
FAMILY_SHORT = {
    "switching": "switch",
    "augmentation": "add-on",
    "combination": "combine",
    "psychotherapy": "therapy",
    "neuromodulation": "neuromod",
    "rapid-acting": "rapid",
    "lifestyle": "lifestyle",
}


class _Console(Console):
    """Rich's console, except that a reader who goes away is the CLI's business.

    Rich's own `on_broken_pipe` raises SystemExit(1), the code that means "invalid data"; here the
    BrokenPipeError goes up to the CLI, which exits 0 silently as for every other format.
    """

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def make_console(env: Env, stderr: bool = False) -> Console:
    return _Console(
        file=env.stderr if stderr else env.stdout,
        width=env.width,
        force_terminal=env.force_terminal or None,
        no_color=not env.colour,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    )


def T(text: object, style: str | Style = "") -> Text:
    """Knowledge-base text as a Text whose style covers only itself."""
    out = Text()
    out.append(clean(text), style=style or None)
    return out


def cited(item: Item) -> Text:
    out = Text()
    if item.label:
        out.append(clean(item.label), style="bold")
        out.append(": " if item.text else "")
    out.append(clean(item.text), style=STYLES.get(item.style, ""))
    if item.refs:
        out.append(f" [{fmt_numbers(item.refs)}]", style="dim")
    return out


def ref_text(n: int, ref: Reference) -> Text:
    """A reference with its identifiers whole, each a terminal link (never split: see `_print_ref`)."""
    out = T(f"[{n}] ", "bold")
    out.append(clean(views.citation_text(ref)))
    return out


def _identifiers(ref: Reference) -> list[tuple[str, str]]:
    ids = []
    if ref.doi:
        ids.append((f"doi:{ref.doi}", ref.doi_url or ""))
    if ref.pmid:
        ids.append((f"PMID {ref.pmid}", ref.pmid_url or ""))
    if not ref.doi and not ref.pmid and ref.url:
        ids.append((ref.url, ref.url))
    return ids


def _print_ref(console: Console, n: int, ref: Reference) -> None:
    """The citation, then each identifier on the same line if it fits whole, else on its own line."""
    body = ref_text(n, ref)
    for label, url in _identifiers(ref):
        piece = Text(" ")
        piece.append(label, style=Style(link=url) if url else "")
        lines = body.wrap(console, console.width)
        last = lines[-1] if lines else Text()
        if last.cell_len + piece.cell_len <= console.width:
            body.append_text(piece)
        else:
            console.print(body, overflow="fold")
            body = Text("    ")
            body.append(label, style=Style(link=url) if url else "")
    console.print(body, overflow="ignore", crop=False, no_wrap=len(body.plain) > console.width)


def _footer(console: Console, doc: Document) -> None:
    console.print(Text(doc.footer, style="dim"))
    console.print(T(doc.disclaimer, "bold yellow"))


def _notes(console: Console, doc: Document) -> None:
    for note in doc.notes:
        text = cited(note)
        if note.style == "note":
            text = Text("! ") + text
        console.print(text)


def _sections(console: Console, doc: Document) -> None:
    for section in doc.sections:
        console.print(Text(section.title, style="bold underline"))
        for item in section.items:
            line = Text("• ") + cited(item)
            console.print(line)
            for detail in item.details:
                console.print(T("    " + detail, "dim"))


def _references(console: Console, refs: Sequence[tuple[int, Reference]], title: str = "References") -> None:
    if refs:
        console.print(Text(title, style="bold underline"))
        for n, ref in refs:
            _print_ref(console, n, ref)


def _legend(console: Console, doc: Document) -> None:
    if doc.legend:
        console.print(Text("Legend", style="bold underline"))
        for line in doc.legend:
            console.print(T(line, "dim"))


# --------------------------------------------------------------------------- options


def _canmat_short(row: OptionRow) -> str:
    opt = row.option
    c = opt.canmat
    if c is None:
        return "not rated"
    level = f"L{c.level}" if c.level is not None else "L?"
    line = {"first": "1st", "second": "2nd", "third": "3rd", "investigational": "invest.", "not-recommended": "not rec."}
    head = line.get(str(c.line), "no line" if c.derived_stance() == "for" else "against")
    return f"{head} {level}" + (" MDD" if c.for_mdd_in_general else "")


def _fit(text: str, width: int) -> str:
    """`text` in at most `width` cells, shortened at a word boundary (never mid-word)."""
    if len(text) <= width:
        return text
    cut = text[: max(width - 1, 1)]
    space = cut.rfind(" ")
    return (cut[:space] if space > 0 else cut[: max(width - 1, 1)]).rstrip(" ,(-") + "…"


def _short_name(opt: Option) -> str:
    name = opt.name
    return name.split(" (")[0] if " (" in name and not name.startswith("(") else name


def options_compact(doc: Document, env: Env, console: Console) -> None:
    """One line per option under its group's heading, compact references, a one-line legend."""
    width = env.width
    console.print(T(doc.title, "bold"))
    _notes(console, doc)
    if doc.empty:
        console.print(T(doc.empty))
        _footer(console, doc)
        return
    rank_w = len(str(len(doc.rows))) + 1
    canmat_w = max(len(_canmat_short(r)) for r in doc.rows)
    fam_w = max(len(FAMILY_SHORT[r.option.family]) for r in doc.rows)
    other_w = max(len(r.others_short) for r in doc.rows)
    refs = {id(r): f"[{fmt_numbers(r.refs)}]" for r in doc.rows}
    refs_w = max(len(v) for v in refs.values())
    fixed = rank_w + 1 + fam_w + 1 + canmat_w + 1 + other_w + 1 + refs_w
    name_w = max(12, width - fixed - 1)
    if fixed + name_w > width:  # very narrow: drop the other guidelines column
        other_w = 0
        name_w = max(8, width - (rank_w + fam_w + canmat_w + refs_w + 4))
    for _group, title, rows in doc.groups:
        console.print(Text(title, style="bold underline"))
        for row in rows:
            flags = "".join(" " + f.text.split(" ", 1)[0] for f in row.flags)
            name = _fit(_short_name(row.option) + flags, name_w) if len(row.option.name) + len(flags) > name_w else row.option.name + flags
            line = Text(f"{row.rank:>{rank_w}} ")
            line.append(f"{name:<{name_w}}", style="bold")
            line.append(f" {FAMILY_SHORT[row.option.family]:<{fam_w}}", style="dim")
            line.append(f" {_canmat_short(row):<{canmat_w}}", style=STYLES.get(row.group, ""))
            if other_w:
                line.append(f" {row.others_short:<{other_w}}", style="bold red" if row.disagree else "")
            line.append(f" {refs[id(row)]}", style="dim")
            console.print(line, no_wrap=True, overflow="crop")
    for section in doc.sections:  # why options are flagged: one line each
        console.print(Text(section.title, style="bold underline"))
        for item in section.items:
            console.print(_one_line(cited(item), width))
    # References: several per line, author and year only; the full list is one command away.
    line = Text("References (first author; in full: trd refs): ", style="bold")
    for n, ref in doc.references:
        who = (ref.authors[0].split()[0] if ref.authors else (ref.publisher or ref.journal or ref.id).split()[0]).rstrip(",")
        piece = f"{n} {who}"
        sep = "" if line.plain.endswith(": ") or not line.cell_len else "  "
        if line.cell_len and line.cell_len + len(sep) + len(piece) > width:
            console.print(line)
            line, sep = Text(), ""
        line.append(sep + clean(piece))
    if line.cell_len:
        console.print(line)
    legend = "L?: no level stated; + for, - against, ≠ disagrees"
    kinds = sorted({f.style.removeprefix("flag:") for r in doc.rows for f in r.flags})
    if kinds:
        legend += "; " + ", ".join(f"{views.FLAG_SYMBOLS[k]} {k}" for k in kinds)
    tail = doc.footer.split(",")[0].replace("Knowledge base", "KB")
    if len(legend) + 3 + len(tail) <= width:
        console.print(T(f"{legend} · {tail}", "dim"))
    else:
        console.print(T(legend + ".", "dim"))
        console.print(T(_fit(doc.footer + " · trd show NAME, --long", width), "dim"))
    console.print(T(doc.disclaimer, "bold yellow"))


def _one_line(text: Text, width: int) -> Text:
    if text.cell_len <= width:
        return text
    plain = _fit(text.plain, width)
    out = text[: len(plain) - 1]
    out.append("…")
    return out


def options_long(doc: Document, env: Env, console: Console) -> None:
    console.print(T(doc.title, "bold"))
    _notes(console, doc)
    if doc.empty:
        console.print(T(doc.empty))
        _footer(console, doc)
        return
    if env.width < CARD_WIDTH:
        for _g, title, rows in doc.groups:
            console.print(Text(title, style="bold underline"))
            for row in rows:
                head = T(f"{row.rank}. ", "bold")
                head.append(clean(row.option.name), style="bold")
                head.append(f"  {row.option.family}", style="dim")
                console.print(head)
                for label, value in (
                    ("CANMAT 2023", row.canmat),
                    ("Other", "; ".join(row.others)),
                    ("Key figure", row.figure),
                    ("Flags", " ".join(cited(f).plain for f in row.flags)),
                    ("Refs", fmt_numbers(row.refs)),
                ):
                    if value:
                        _hanging(console, f"   {label}: ", value)
    else:
        table = Table(box=box.SIMPLE_HEAD, show_lines=False, pad_edge=False, expand=False, header_style="bold")
        names = [r.option.name for r in doc.rows]
        table.add_column("Option", overflow="fold", ratio=4, min_width=longest_word(names + ["neuromodulation"]))
        table.add_column("CANMAT 2023", overflow="fold", ratio=3, min_width=longest_word([r.canmat for r in doc.rows]))
        table.add_column("Other guidelines", overflow="fold", ratio=4, min_width=longest_word([o for r in doc.rows for o in r.others]))
        table.add_column("Key figure", overflow="fold", ratio=5, min_width=longest_word([r.figure for r in doc.rows], cap=14))
        table.add_column("Refs", overflow="fold", ratio=1, min_width=5)
        for _g, title, rows in doc.groups:
            table.add_row(Text(title, style="bold underline"), "", "", "", "")
            for row in rows:
                name = T(row.option.name, "bold")
                name.append("\n" + row.option.family, style="dim")
                for f in row.flags:
                    name.append("\n")
                    name.append_text(cited(f))
                other = T("\n".join(row.others), "bold red" if row.disagree else "")
                table.add_row(name, T(row.canmat, STYLES.get(row.group, "")), other, T(row.figure), Text(fmt_numbers(row.refs)))
        console.print(table)
    _sections(console, doc)
    _references(console, doc.references)
    _legend(console, doc)
    _footer(console, doc)


def _hanging(console: Console, lead: str, value: str) -> None:
    """`lead` then `value`, wrapped under itself (a hanging indent)."""
    t = Table.grid(padding=0)
    t.add_column(no_wrap=True)
    t.add_column(overflow="fold")
    t.add_row(Text(lead, style="dim"), T(value))
    console.print(t)


def options(result: OptionsResult, kb: KnowledgeBase, env: Env) -> None:
    doc = views.options_view(result, kb, env.program_version)
    console = make_console(env)
    if getattr(env, "long", False):
        options_long(doc, env, console)
    else:
        options_compact(doc, env, console)


def show(opt: Option, kb: KnowledgeBase, env: Env) -> None:
    doc = views.show_view(opt, kb, env.program_version, getattr(env, "note", ""))
    console = make_console(env)
    head = T(doc.title, "bold")
    console.print(head)
    _notes(console, doc)
    _sections(console, doc)
    _references(console, doc.references)
    _legend(console, doc)
    _footer(console, doc)


def compare(opts: list[Option], kb: KnowledgeBase, env: Env) -> None:
    doc = views.compare_view(opts, kb, env.program_version)
    console = make_console(env)
    console.print(T(doc.title, "bold"))
    per_col = (env.width - 18) // max(len(opts), 1)
    if env.width < CARD_WIDTH or per_col < 16:
        for i, name in enumerate(doc.columns):
            console.print(T(name, "bold underline"))
            for attr, cells in doc.table:
                _hanging(console, f"  {attr}: ", cells[i])
    else:
        t = Table(box=box.SIMPLE_HEAD, pad_edge=False, header_style="bold", show_lines=True)
        t.add_column("", style="bold", overflow="fold", ratio=2, min_width=longest_word([a for a, _c in doc.table], cap=14))
        for i, name in enumerate(doc.columns):
            words = [name] + [cells[i] for _a, cells in doc.table]
            t.add_column(clean(name), overflow="fold", ratio=5, min_width=longest_word(words, cap=per_col))
        for attr, cells in doc.table:
            t.add_row(Text(attr), *[T(c) for c in cells])
        console.print(t)
    _references(console, doc.references)
    _legend(console, doc)
    _footer(console, doc)


def refs(references: list[Reference], kb: KnowledgeBase, env: Env) -> None:
    doc = views.refs_view(references, kb, env.program_version)
    console = make_console(env)
    console.print(T(doc.title, "bold"))
    cited_by = kb.cited_by()
    for n, ref in doc.references:
        _print_ref(console, n, ref)
        if not _identifiers(ref):
            console.print(T("    identifiers not confirmed", "dim"))
        console.print(T(f"    {ref.id} · {ref.type} · cited by: {', '.join(cited_by.get(ref.id, [])) or '-'}", "dim"))
    _footer(console, doc)


def search(hits: list[Hit], kb: KnowledgeBase, env: Env) -> None:
    doc = views.search_view(hits, getattr(env, "search_text", ""), kb, env.program_version, getattr(env, "near", ()))
    console = make_console(env)
    if doc.empty:
        console.print(T(doc.empty))
        _footer(console, doc)
        return
    needle = getattr(env, "search_text", "")
    from .common import search_snippet

    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, header_style="bold", title=doc.sections[0].title)
    t.add_column("Where", overflow="fold", ratio=2, min_width=longest_word([i.label for i in doc.sections[0].items], cap=20))
    t.add_column("Field", overflow="fold", ratio=2, min_width=10, style="dim")
    t.add_column("Text", overflow="fold", ratio=6)
    for item in doc.sections[0].items:
        before, match, after = search_snippet(item.text, needle)
        text = T(before)
        text.append(clean(match), style="bold reverse")
        text.append(clean(after))
        t.add_row(T(item.label), T(item.details[0]), text)
    console.print(t)
    _footer(console, doc)


def stage(result: Any, kb: KnowledgeBase, env: Env) -> None:
    doc = views.stage_view(result, kb, env.program_version)
    console = make_console(env)
    console.print(T(doc.title, "bold"))
    _notes(console, doc)
    _sections(console, doc)
    _references(console, doc.references)
    _footer(console, doc)
