"""Reference exports, checked by the tools that read them: a BibTeX parser, a CSL processor, RIS rules."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from trdcli.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def BASE(bundled_kb):
    return bundled_kb


@pytest.fixture(scope="module")
def IDS(bundled_kb):
    return [r.id for r in bundled_kb.references]

# The tags of the RIS specification (Research Information Systems).
RIS_TAGS = set(
    "TY A1 A2 A3 A4 AB AD AN AU AV BT C1 C2 C3 C4 C5 C6 C7 C8 CA CN CP CT CY DA DB DO DP ED EP ET ID IS J1 J2 JA "
    "JF JO KW L1 L2 L3 L4 LA LB LK M1 M2 M3 N1 N2 NV OP PB PP PY RI RN RP SE SN SP ST T1 T2 T3 TA TI TT U1 U2 U3 "
    "U4 U5 UR VL VO Y1 Y2 ER".split()
)


def export(fmt: str, *extra: str) -> str:
    result = runner.invoke(app, ["refs", "--format", fmt, *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_bibtex_parses_with_bibtexparser(BASE, IDS) -> None:
    bibtexparser = pytest.importorskip("bibtexparser")
    library = bibtexparser.parse_string(export("bibtex"))
    assert not library.failed_blocks
    assert [e.key for e in library.entries] == IDS
    by_key = {e.key: e for e in library.entries}
    for ref in BASE.references:
        fields = by_key[ref.id].fields_dict
        if ref.doi:
            assert fields["doi"].value == ref.doi.replace("_", r"\_")
        assert "title" in fields and "year" in fields or ref.year is None


def test_bibtex_never_writes_a_missing_value(BASE, IDS) -> None:
    text = export("bibtex")
    assert not re.search(r"=\s*\{(None|null|nan|)\}", text), re.findall(r".*=\s*\{(?:None|null|nan|)\}.*", text)[:5]
    entries = text.split("\n@")[1:]
    assert len(entries) == len(IDS)
    for ref, entry in zip(BASE.references, entries):
        assert ("year = {" in entry) == (ref.year is not None), ref.id


def test_csl_json_is_accepted_by_a_csl_processor(BASE, IDS) -> None:
    citeproc = pytest.importorskip("citeproc")
    from citeproc.source.json import CiteProcJSON

    items = json.loads(export("csl-json"))
    assert [i["id"] for i in items] == IDS
    style = citeproc.CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = citeproc.CitationStylesBibliography(style, CiteProcJSON(items), citeproc.formatter.plain)
    for item in items:
        bibliography.register(citeproc.Citation([citeproc.CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == len(items)
    lam = next(r for r in rendered if r.startswith("Lam, R.W."))
    assert "2024" in lam


def test_ris_records_use_valid_tags_and_close(BASE, IDS) -> None:
    text = export("ris")
    records = [r for r in text.split("\n\n") if r.strip()]
    assert len(records) == len(IDS)
    for record in records:
        lines = record.splitlines()
        assert lines[0].startswith("TY  - ")
        assert lines[-1] == "ER  - "
        for line in lines:
            m = re.match(r"^([A-Z][A-Z0-9])  - (.*)$", line)
            assert m, line
            assert m.group(1) in RIS_TAGS, line


def test_vancouver_is_numbered_with_identifiers(BASE, IDS) -> None:
    lines = export("vancouver", "--for", "ect").splitlines()
    assert lines[0].startswith("1. ")
    assert any("doi:" in line for line in lines)


def test_refs_csv_has_a_row_per_reference(BASE, IDS) -> None:
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(export("csv"))))
    data = [r for r in rows if not r["id"].startswith("#")]
    assert [r["id"] for r in data] == IDS
    # The footer rows (version, disclaimer) come last, each marked with '#'.
    assert [r["id"][:18] for r in rows[len(data):]] == ["# Knowledge base " + BASE.meta.version[:1], "# " + BASE.meta.disclaimer[:16]]
