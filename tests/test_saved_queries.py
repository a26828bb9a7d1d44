"""Saved queries whose parameter names an entity: looked up first, then queried by IRI."""

from __future__ import annotations

from typing import Any

import pytest

from policygraph.errors import QueryError
from policygraph.query.sparql import NOTHING, bind_params, entities_named, run_query, saved_queries
from policygraph.store.oxigraph import open_store


def _rows(build: Any, **params: str) -> list[dict[str, str]]:
    return run_query(saved_queries()["provenance"].text, store=build.store, params=params).rows()


def test_provenance_by_label_alt_label_and_iri_agree(seed_build: Any) -> None:
    by_label = _rows(seed_build, entity="习近平")
    by_alt = _rows(seed_build, entity="习近平总书记")
    by_iri = _rows(seed_build, entity="https://w3id.org/policygraph/id/person/习近平")
    assert by_label and by_label == by_alt == by_iri
    assert {r["entity"] for r in by_label} == {"习近平"}
    assert any(r["surface"] == "习近平总书记" for r in by_label)


def test_provenance_of_an_unknown_name_is_empty_not_everything(seed_build: Any) -> None:
    assert _rows(seed_build, entity="没有这个实体") == []
    # Quotes, braces and angle brackets are a literal, never SPARQL syntax.
    assert _rows(seed_build, entity='"} ?e ?p ?o {<x>') == []


def test_provenance_without_parameter_lists_every_entity(seed_build: Any) -> None:
    everything = run_query(saved_queries()["provenance"].text, store=seed_build.store).rows()
    assert len({r["entity"] for r in everything}) > 50


def test_entity_lookup_and_placeholders(seed_build: Any) -> None:
    store = open_store(seed_build.store)
    assert [e.value for e in entities_named(store, "国务院")] == [
        "https://w3id.org/policygraph/id/org/国务院"
    ]
    text = "SELECT * WHERE { VALUES ?xEntity { UNDEF } }"
    assert f"<{NOTHING}>" in bind_params(text, {"x": "无此名"}, store=store)
    with pytest.raises(QueryError, match="needs the store"):
        bind_params(text, {"x": "国务院"})
    assert saved_queries()["provenance"].params == ("entity",)


def test_conditional_lines_follow_the_parameters() -> None:
    text = "A\nB #+year\nC #-year\nD"
    assert bind_params(text, {}) == "A\nC #-year\nD"
    with_year = bind_params("VALUES ?yearYear { UNDEF }\n" + text, {"year": "2024"})
    assert with_year.splitlines() == [
        'VALUES ?yearYear { "2024"^^<http://www.w3.org/2001/XMLSchema#gYear> }',
        "A",
        "B #+year",
        "D",
    ]
    with pytest.raises(QueryError, match="is a year"):
        bind_params("VALUES ?yearYear { UNDEF }", {"year": "去年"})


@pytest.mark.parametrize(("name", "param"), [("statistics", "year"), ("policies", "issuer")])
def test_both_shapes_of_a_saved_query_give_the_same_rows(
    seed_build: Any, name: str, param: str
) -> None:
    """With the parameter the query starts from the given value; without it, it filters
    nothing. Each value the unparameterised rows hold must select exactly its rows."""
    saved = saved_queries()[name]
    column = {"year": "year", "issuer": "issuer"}[param]
    everything = run_query(saved.text, store=seed_build.store).rows()
    values = sorted({r[column] for r in everything if column in r})
    assert values
    for value in values:
        picked = run_query(saved.text, store=seed_build.store, params={param: value}).rows()
        expected = [r for r in everything if value in r.get(column, "")]
        key = sorted(map(str, expected))
        assert sorted(map(str, picked)) == key, value


def test_a_line_can_need_several_parameters() -> None:
    """``#+policy+depth`` keeps a line only when both are given: lineage's links of links
    are not computed for depth 1 (Oxigraph evaluates a UNION branch before a FILTER drops it)."""
    text = (
        "SELECT * WHERE {\n  VALUES ?pText { UNDEF }\n  VALUES ?dText { UNDEF }\n"
        "  a #+p\n  b #+p+d\n  c #-d\n  e #+p-d\n}"
    )
    kept = {
        frozenset(given): [
            line.strip().split()[0]
            for line in bind_params(text, {k: "x" for k in given}).split("\n")
            if line.strip()[:1] in "abce" and line.strip()
        ]
        for given in ({"p"}, {"p", "d"}, {"d"}, set())
    }
    assert kept[frozenset({"p"})] == ["a", "c", "e"]
    assert kept[frozenset({"p", "d"})] == ["a", "b"]
    assert kept[frozenset({"d"})] == []
    assert kept[frozenset()] == ["c"]
