"""For a terminal: the documents of `views` laid out as styled, wrapped text.

The one-screen answers (options, show, compare, refs, search, stage) are written with `ansi.Out`
(styles, word wrapping with hanging indents, links), which costs a fraction of Rich's console; the
full options table (`--long`) is a Rich table. Knowledge-base text is always shown as text, never
interpreted as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import views
from ..domain import KnowledgeBase, Option, Reference
from ..env import Env
from ..query import Hit, OptionsResult
from ..views import Document, Item, OptionRow, fmt_numbers
from .ansi import Out
from .common import clean, longest_word, search_snippet

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


def _item_parts(item: Item) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    if item.label:
        parts.append((item.label + (": " if item.text else ""), "bold"))
    parts.append((item.text, STYLES.get(item.style, "")))
    if item.refs:
        parts.append((f" [{fmt_numbers(item.refs)}]", "dim"))
    return parts


def _heading(out: Out, text: str) -> None:
    out.wrapped(text, "bold underline")


def _notes(out: Out, doc: Document) -> None:
    for note in doc.notes:
        lead = [("! ", "yellow")] if note.style == "note" else []
        out.pairs(lead + _item_parts(note), hang="  ")


def _sections(out: Out, doc: Document) -> None:
    for section in doc.sections:
        _heading(out, section.title)
        for item in section.items:
            out.pairs([("• ", "")] + _item_parts(item), hang="  ")
            for detail in item.details:
                out.wrapped(detail, "dim", indent="    ", hang="      ")


def _identifiers(ref: Reference) -> list[tuple[str, str]]:
    ids = []
    if ref.doi:
        ids.append((f"doi:{ref.doi}", ref.doi_url or ""))
    if ref.pmid:
        ids.append((f"PMID {ref.pmid}", ref.pmid_url or ""))
    if not ref.doi and not ref.pmid and ref.url:
        ids.append((ref.url, ref.url))
    return ids


def _reference(out: Out, n: int, ref: Reference) -> None:
    """The citation wrapped under its number, then each identifier whole, as a link."""
    out.pairs([(f"[{n}] ", "bold"), (views.citation_text(ref), "")], hang="    ")
    ids = _identifiers(ref)
    if ids:
        last = out.lines[-1]
        shown = "  ".join(label for label, _u in ids)
        visible = len(_strip(last))
        if visible + 1 + len(shown) <= out.width:
            out.lines[-1] = last + " " + "  ".join(out.link(label, url, "cyan") for label, url in ids)
        else:
            for label, url in ids:
                out.line("    " + out.link(label, url, "cyan"))


def _strip(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m|\x1b\]8;;[^\x1b]*\x1b\\", "", text)


def _references(out: Out, refs: Sequence[tuple[int, Reference]], title: str = "References") -> None:
    if refs:
        _heading(out, title)
        for n, ref in refs:
            _reference(out, n, ref)


def _legend(out: Out, doc: Document) -> None:
    if doc.legend:
        _heading(out, "Legend")
        for line in doc.legend:
            out.wrapped(line, "dim")


def _footer(out: Out, doc: Document) -> None:
    out.wrapped(doc.footer, "dim")
    out.wrapped(doc.disclaimer, "bold yellow")


# --------------------------------------------------------------------------- options


def _canmat_short(row: OptionRow) -> str:
    c = row.option.canmat
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
    if space <= 0 and cut.rfind("-") > 0:  # one hyphenated word: break after a hyphen
        space = cut.rfind("-") + 1
    if space <= 0:
        return text  # one word longer than the column: shown whole rather than cut
    return cut[:space].rstrip(" ,(") + "…"


def _short_name(opt: Option) -> str:
    name = opt.name
    return name.split(" (")[0] if " (" in name and not name.startswith("(") else name


def _options_head(doc: Document, env: Env) -> Out | None:
    """Title and notes of the options list; None (and the answer written) when nothing matched."""
    out = Out(env)
    out.wrapped(doc.title, "bold")
    _notes(out, doc)
    if doc.empty:
        out.wrapped(doc.empty)
        _footer(out, doc)
        out.write()
        return None
    return out


def options_compact(doc: Document, env: Env) -> None:
    """One line per option under its group's heading, compact references, a one-line legend."""
    out = _options_head(doc, env)
    if out is None:
        return
    width = out.width
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
    # A name that cannot be shortened at a space (one long hyphenated word) would be cut: below the
    # width that holds every such name, each option takes two lines (a card with a hanging indent).
    unbreakable = max(len(_short_name(r.option).split(" ")[0]) for r in doc.rows)
    cards = unbreakable > name_w
    for _group, title, rows in doc.groups:
        _heading(out, title)
        for row in rows:
            full_flags = "".join(" " + f.text + (f" [{fmt_numbers(f.refs)}]" if f.refs else "") for f in row.flags)
            short_flags = "".join(
                " " + (f.text.split(",")[0] if f.style == "flag:tried" else f.text.split(" ", 1)[0]) for f in row.flags
            )
            if cards:
                out.pairs([(f"{row.rank:>{rank_w}} ", ""), (row.option.name, "bold"), (full_flags, "")], hang=" " * (rank_w + 1))
                name = ""
                lead = " " * (rank_w + 1)
            else:
                lead = f"{row.rank:>{rank_w}} "
                if len(row.option.name + full_flags) <= name_w:
                    name = row.option.name + full_flags
                elif full_flags and len(_short_name(row.option) + full_flags) <= name_w:
                    name = _short_name(row.option) + full_flags  # the patient's flags before the parenthesis
                elif len(row.option.name + short_flags) <= name_w:
                    name = row.option.name + short_flags
                else:
                    name = _fit(_short_name(row.option) + short_flags, name_w)
            parts = [
                lead,
                out.style(f"{name:<{name_w}}", "bold") if not cards else "",
                out.style(f"{'' if not cards else ''}{' ' if not cards else ''}{FAMILY_SHORT[row.option.family]:<{fam_w}}", "dim"),
                out.style(f" {_canmat_short(row):<{canmat_w}}", STYLES.get(row.group, "")),
            ]
            if other_w:
                parts.append(out.style(f" {row.others_short:<{other_w}}", "bold red" if row.disagree else ""))
            parts.append(out.style(f" {refs[id(row)]}", "dim"))
            out.line("".join(parts).rstrip())
    for section in doc.sections:  # why options are flagged: one line each
        _heading(out, section.title)
        for item in section.items:
            out.line(out.style(_fit(item.label + (": " + item.text if item.text else ""), width), STYLES.get(item.style, "")))
    # References: several per line, first author only; the full list is one command away.
    pieces = []
    for n, ref in doc.references:
        who = (ref.authors[0].split()[0] if ref.authors else (ref.publisher or ref.journal or ref.id).split()[0]).rstrip(",")
        pieces.append(f"{n} {clean(who)}")
    out.pairs([("References (first author; in full: trd refs): ", "bold"), ("  ".join(pieces), "")])
    legend = "L?: no level stated; + for, - against, ≠ disagrees"
    kinds = sorted({f.style.removeprefix("flag:") for r in doc.rows for f in r.flags})
    if kinds:
        legend += "; " + ", ".join(f"{views.FLAG_SYMBOLS[k]} {k}" for k in kinds)
    tail = doc.footer.split(",")[0].replace("Knowledge base", "KB")
    if len(legend) + 3 + len(tail) <= width:
        out.line(out.style(f"{legend} · {tail}", "dim"))
    else:
        out.wrapped(legend + ".", "dim")
        out.line(out.style(_fit(doc.footer, width), "dim"))
    out.wrapped(doc.disclaimer, "bold yellow")
    out.write()


def options_long(doc: Document, env: Env) -> None:
    """The full table (`--long`): a Rich table, or cards with a hanging indent when narrow."""
    out = _options_head(doc, env)
    if out is None:
        return
    if env.width < max(CARD_WIDTH, _table_min_width(doc)):
        for _g, title, rows in doc.groups:
            _heading(out, title)
            for row in rows:
                out.pairs([(f"{row.rank}. {row.option.name}", "bold"), (f"  {row.option.family}", "dim")], hang="   ")
                for label, value in (
                    ("CANMAT 2023", row.canmat),
                    ("Other", "; ".join(row.others)),
                    ("Key figure", row.figure),
                    ("Flags", " ".join(f.text + (f" [{fmt_numbers(f.refs)}]" if f.refs else "") for f in row.flags)),
                    ("Refs", fmt_numbers(row.refs)),
                ):
                    if value:
                        out.pairs([(f"   {label}: ", "dim"), (value, "")], hang=" " * (len(label) + 5))
        out.write()
    else:
        out.write()
        _rich_table(doc, env)
    _sections(out, doc)
    _references(out, doc.references)
    _legend(out, doc)
    _footer(out, doc)
    out.write()


def _min_widths(doc: Document) -> list[int]:
    """The narrowest each column of the long table may be without cutting a word."""
    return [
        longest_word([r.option.name for r in doc.rows] + ["neuromodulation"]),
        longest_word([r.canmat for r in doc.rows]),
        longest_word([o for r in doc.rows for o in r.others]),
        longest_word([r.figure for r in doc.rows]),
        5,
    ]


def _table_min_width(doc: Document) -> int:
    return sum(_min_widths(doc)) + 2 * 4


def _rich_table(doc: Document, env: Env) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    class _Console(Console):
        """Rich's console, except that a reader who goes away is the CLI's business: Rich's own
        `on_broken_pipe` exits 1, the code that means "invalid data"; the CLI exits 0 silently."""

        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    console = _Console(
        file=env.stdout,
        width=env.width,
        force_terminal=env.force_terminal or None,
        no_color=not env.colour,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    )

    def T(text: object, style: str = "") -> Text:
        out = Text()
        out.append(clean(text), style=style or None)
        return out

    table = Table(box=box.SIMPLE_HEAD, show_lines=False, pad_edge=False, expand=False, header_style="bold")
    widths = _min_widths(doc)
    for title, ratio, width in zip(("Option", "CANMAT 2023", "Other guidelines", "Key figure", "Refs"), (4, 3, 4, 5, 1), widths):
        table.add_column(title, overflow="fold", ratio=ratio, min_width=width)
    for _g, title, rows in doc.groups:
        table.add_row(T(views.GROUP_SHORT[_g], "bold underline"), "", "", "", "")
        for row in rows:
            name = T(row.option.name, "bold")
            name.append("\n" + row.option.family, style="dim")
            for f in row.flags:
                name.append("\n" + clean(f.text) + (f" [{fmt_numbers(f.refs)}]" if f.refs else ""), style=STYLES.get(f.style, ""))
            other = T("\n".join(row.others), "bold red" if row.disagree else "")
            table.add_row(name, T(row.canmat, STYLES.get(row.group, "")), other, T(row.figure), Text(fmt_numbers(row.refs)))
    console.print(table)


def options(result: OptionsResult, kb: KnowledgeBase, env: Env) -> None:
    doc = views.options_view(result, kb, env.program_version)
    if env.long:
        options_long(doc, env)
    else:
        options_compact(doc, env)


# --------------------------------------------------------------------------- the other views


def _document(env: Env, doc: Document) -> None:
    """A document of sections: title, notes, sections, references, legend, footer."""
    out = Out(env)
    out.wrapped(doc.title, "bold")
    _notes(out, doc)
    _sections(out, doc)
    _references(out, doc.references)
    _legend(out, doc)
    _footer(out, doc)
    out.write()


def show(opt: Option, kb: KnowledgeBase, env: Env) -> None:
    _document(env, views.show_view(opt, kb, env.program_version, env.note))


def compare(opts: list[Option], kb: KnowledgeBase, env: Env) -> None:
    """Side by side when each option gets a readable column, else one card per option."""
    doc = views.compare_view(opts, kb, env.program_version)
    out = Out(env)
    out.wrapped(doc.title, "bold")
    label_w = min(18, max(len(a) for a, _c in doc.table))
    col_w = (out.width - label_w - 2) // max(len(opts), 1) - 2
    if out.width < CARD_WIDTH or col_w < 24:
        for i, name in enumerate(doc.columns):
            _heading(out, name)
            for attr, cells in doc.table:
                lines = cells[i].split("\n")
                out.pairs([(f"  {attr}: ", "dim"), (lines[0], "")], hang="      ")
                for extra in lines[1:]:
                    out.wrapped(extra, indent="      ", hang="        ")
    else:
        from .ansi import wrap

        header = " " * label_w + "  " + "  ".join(f"{_fit(n, col_w):<{col_w}}" for n in doc.columns)
        out.line(out.style(header.rstrip(), "bold"))
        for attr, cells in doc.table:
            label_lines = wrap(attr, label_w)
            columns = [sum((wrap(part, col_w, "", "  ") for part in c.split("\n")), []) for c in cells]
            height = max([len(label_lines), *map(len, columns)])
            for k in range(height):
                label = label_lines[k] if k < len(label_lines) else ""
                row = "  ".join(f"{(col[k] if k < len(col) else ''):<{col_w}}" for col in columns)
                out.line(out.style(f"{label:<{label_w}}", "bold") + "  " + clean(row).rstrip())
            out.line("")
    _references(out, doc.references)
    _legend(out, doc)
    _footer(out, doc)
    out.write()


def refs(references: list[Reference], kb: KnowledgeBase, env: Env) -> None:
    doc = views.refs_view(references, kb, env.program_version)
    out = Out(env)
    out.wrapped(doc.title, "bold")
    cited_by = doc.cited_by
    for n, ref in doc.references:
        _reference(out, n, ref)
        if not _identifiers(ref):
            out.line(out.style("    identifiers not confirmed (see its provenance: trd refs --format json)", "dim"))
        out.wrapped(f"{ref.id} · {ref.type} · cited by: {', '.join(cited_by.get(ref.id, [])) or '-'}", "dim", "    ", "      ")
    _footer(out, doc)
    out.write()


def search(hits: list[Hit], kb: KnowledgeBase, env: Env) -> None:
    doc = views.search_view(hits, env.search_text, kb, env.program_version, env.near)
    out = Out(env)
    out.wrapped(doc.title, "bold")
    if doc.empty:
        out.wrapped(doc.empty)
        _footer(out, doc)
        out.write()
        return
    _heading(out, doc.sections[0].title)
    for item in doc.sections[0].items:
        before, match, after = search_snippet(item.text, env.search_text)
        out.line(out.style(item.label, "bold") + out.style(f"  {item.details[0]}", "dim"))
        out.pairs([(before, ""), (match, "bold reverse"), (after, "")], indent="    ", hang="    ")
    _footer(out, doc)
    out.write()


def stage(result: Any, kb: KnowledgeBase, env: Env) -> None:
    _document(env, views.stage_view(result, kb, env.program_version))
