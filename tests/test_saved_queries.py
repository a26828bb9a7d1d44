"""Saved queries whose parameter names an entity: looked up first, then queried by IRI."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import pytest

from policygraph.errors import QueryError
from policygraph.namespaces import PREFIXES
from policygraph.query.sparql import (
    NOTHING,
    NameIndex,
    bind_params,
    entities_named,
    run_query,
    saved_queries,
)
from policygraph.store.oxigraph import open_store

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"


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


def _names(store: Any) -> list[str]:
    rows = store.query(
        "SELECT DISTINCT ?n WHERE { { ?e rdfs:label ?n } UNION { ?e skos:altLabel ?n } }",
        prefixes=PREFIXES,
    )
    return sorted({str(r["n"].value) for r in rows})


def test_the_name_index_answers_as_entities_named(seed_build: Any) -> None:
    """The explorer looks entity parameters up in memory (NameIndex): the same entities as
    the store's lookup for every name of the seed graph, their prefixes, and odd values."""
    store = open_store(seed_build.store)
    index = NameIndex.read(store)
    names = _names(store)
    assert len(names) > 100
    values = names + [n[:2] for n in names[::7]] + ["", "  国务院 ", "无此名", "https://x.org/a b"]
    values += ["https://w3id.org/policygraph/id/org/国务院"]
    for value in values:
        assert index(value) == entities_named(store, value), value


def test_the_name_index_keeps_the_exact_forms_first() -> None:
    """``"v"@zh`` and ``"v"`` match before any other form of ``v`` (another language, a
    typed literal, an IRI as a name); those match only when no exact form does. Blank
    nodes are never named entities."""
    store = ox.Store()
    label, alt = ox.NamedNode(RDFS_LABEL), ox.NamedNode(SKOS_ALT)

    def n(x: str) -> ox.NamedNode:
        return ox.NamedNode(f"urn:e:{x}")

    quads = [
        (n("zh"), label, ox.Literal("甲", language="zh")),
        (n("plain"), alt, ox.Literal("甲")),
        (n("en"), label, ox.Literal("甲", language="en")),
        (n("en-only"), label, ox.Literal("乙", language="en")),
        (n("typed"), alt, ox.Literal("乙", datatype=ox.NamedNode("urn:t"))),
        (n("iri"), label, ox.NamedNode("urn:丙")),
        (ox.BlankNode("b"), label, ox.Literal("甲")),
    ]
    for s, p, o in quads:
        store.add(ox.Quad(s, p, o))  # queries read the default graph
    index = NameIndex.read(store)
    for value in ("甲", "乙", "urn:丙", "丙", "丁"):
        assert index(value) == entities_named(store, value), value
    assert [e.value for e in index("甲")] == ["urn:e:plain", "urn:e:zh"]
    assert [e.value for e in index("乙")] == ["urn:e:en-only", "urn:e:typed"]


def test_a_parameter_that_acts_only_with_another_is_left_out_without_it(seed_build: Any) -> None:
    """``# only with: depth policy``: depth alone gives the rows of no parameter at all."""
    text = saved_queries()["lineage"].text
    assert "# only with: depth policy" in text
    store = open_store(seed_build.store)
    assert bind_params(text, {"depth": "0"}, store=store) == bind_params(text, {}, store=store)
    with_policy = bind_params(text, {"depth": "2", "policy": "无此政策"}, store=store)
    assert '"2"' in with_policy and "#+policy+depth" in with_policy
