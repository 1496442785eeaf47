"""Properties of the query layer on the bundled knowledge base, for any combination of filters."""

from __future__ import annotations

import json

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from trdcli import query
from trdcli.cli import app
from trdcli.vocab import FAMILIES

runner = CliRunner()

trials = st.one_of(st.none(), st.integers(min_value=0, max_value=12))
families = st.lists(st.sampled_from(FAMILIES), max_size=3, unique=True).map(tuple)
lines = st.one_of(st.none(), st.sampled_from(["first", "second", "third"]))


_BASE: list = []


@pytest.fixture(autouse=True)
def _base(bundled_kb) -> None:
    if not _BASE:
        _BASE.append(bundled_kb)


def ids(q: query.OptionsQuery) -> list[str]:
    return [o.id for o in query.select(_BASE[0], q).options]


@given(n=st.integers(min_value=0, max_value=11), fams=families, line=lines)
def test_one_more_failed_trial_never_removes_an_option(n: int, fams: tuple[str, ...], line: str | None) -> None:
    fewer = set(ids(query.OptionsQuery(n, fams, line)))
    more = set(ids(query.OptionsQuery(n + 1, fams, line)))
    assert fewer <= more


@given(n=trials, fams=families, line=lines, extra=st.sampled_from(FAMILIES))
def test_adding_a_filter_never_adds_rows(n: int | None, fams: tuple[str, ...], line: str | None, extra: str) -> None:
    base = set(ids(query.OptionsQuery(n, (), None)))
    assert set(ids(query.OptionsQuery(n, fams, None))) <= base if fams else True
    assert set(ids(query.OptionsQuery(n, (), line))) <= base
    assert set(ids(query.OptionsQuery(n, fams, line))) <= set(ids(query.OptionsQuery(n, fams, None)))


@given(n=trials, fams=families, line=lines)
def test_results_are_sorted_and_unique(n: int | None, fams: tuple[str, ...], line: str | None) -> None:
    result = query.select(_BASE[0], query.OptionsQuery(n, fams, line))
    keys = [query.rank_key(o) for o in result.options]
    assert keys == sorted(keys)
    assert len({o.id for o in result.options}) == len(result.options)
    if not result.options:
        assert result.relax


@settings(max_examples=25, deadline=None)
@given(n=trials, fams=families)
def test_json_and_table_list_the_same_options(n: int | None, fams: tuple[str, ...]) -> None:
    args = ["options"] + (["--prior-trials", str(n)] if n is not None else [])
    for f in fams:
        args += ["--family", f]
    data = json.loads(runner.invoke(app, [*args, "--format", "json"]).output)
    table = runner.invoke(app, [*args, "--format", "markdown"]).output
    rows = [line.split("|")[2].strip().strip("*").replace("\\", "") for line in table.splitlines() if line.startswith("| ") and "| **" in line]
    assert rows == [o["name"] for o in data["options"]]
