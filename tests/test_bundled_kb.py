"""The bundled knowledge base itself: valid, cross-referenced, covering what it promises."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from trdcli import query
from trdcli.cli import app
from trdcli.domain import GRADING_TYPES
from trdcli.kbfiles import bundled_path
from trdcli.vocab import CANMAT_LINES

runner = CliRunner()


@pytest.fixture(scope="module")
def base(bundled_kb):
    return bundled_kb


def test_bundled_knowledge_base_validates_without_errors() -> None:
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "OK: 0 error(s)" in result.output


def test_size_at_least_45_options_and_60_references(base) -> None:
    assert len(base.options) >= 45
    assert len(base.references) >= 60


def test_every_family_is_represented(base) -> None:
    from trdcli.vocab import FAMILIES

    assert {o.family for o in base.options} == set(FAMILIES)


def test_every_coverage_name_resolves_to_one_option(base) -> None:
    assert len(base.meta.coverage) >= 40
    for name in base.meta.coverage:
        assert query.resolve(base, name).option is not None, name


def test_every_option_cites_a_guideline_or_systematic_review(base) -> None:
    for opt in base.options:
        types = {base.reference(r).type for r in opt.cited_ids()}
        assert types & GRADING_TYPES, opt.id


def test_every_canmat_rating_uses_a_valid_line_and_level(base) -> None:
    for opt in base.options:
        for rec in opt.recommendations:
            if rec.is_canmat:
                assert rec.line in (*CANMAT_LINES, None), opt.id
                assert rec.level in (1, 2, 3, 4, None), opt.id
                assert rec.line is not None or rec.level is not None, opt.id
                if rec.level is None or rec.line is None:
                    assert rec.note, f"{opt.id}: an empty line or level must say why"


def test_every_reference_is_cited_and_has_provenance(base) -> None:
    from trdcli.history import vocabulary_citations

    cited = base.cited_by()
    for rid, where in vocabulary_citations(bundled_path()).items():  # the drug vocabulary and the scales cite too
        cited.setdefault(rid, []).extend(where)
    for ref in base.references:
        assert cited.get(ref.id), f"{ref.id} is cited by nothing"
        assert len(ref.provenance) > 20, ref.id


def test_figures_carry_their_context(base) -> None:
    for opt in base.options:
        for fig in opt.figures:
            assert fig.population and fig.comparator and fig.source, (opt.id, fig.outcome)


def test_review_dates_are_not_in_the_future(base) -> None:
    today = dt.date.today()
    assert base.meta.reviewed <= today
    for opt in base.options:
        assert opt.last_reviewed <= today, opt.id


def test_seed_question_has_cited_answers() -> None:
    result = runner.invoke(app, ["options", "--prior-trials", "2", "--format", "json"])
    data = json.loads(result.output)
    assert len(data["options"]) >= 30
    assert all(o["references"] for o in data["options"])
    ids = [o["id"] for o in data["options"]]
    assert "ect" in ids and "aripiprazole" in ids and "esketamine" in ids


def test_show_ect_json_names_the_canmat_2023_reference() -> None:
    data = json.loads(runner.invoke(app, ["show", "ect", "--format", "json"]).output)
    assert data["id"] == "ect"
    assert any(r["source"] == "lam2024canmat" and r["scheme"] == "canmat-2023" for r in data["recommendations"])
    assert "lam2024canmat" in [r["id"] for r in data["references"]]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("electroconvulsive", "ect"), ("esketamin", "esketamine"), ("Electroconvulsive therapy", "ect")],
)
def test_clinician_spellings_resolve(typed: str, expected: str) -> None:
    result = runner.invoke(app, ["show", typed, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == expected


def test_esketamine_shows_the_guideline_disagreement() -> None:
    out = runner.invoke(app, ["show", "esketamine"]).output
    assert "guidelines disagree" in out
    assert "NICE TA" in out and "CANMAT 2023" in out
