"""The store overview draws the same bytes as the whole-graph queries it replaced.

The overview used to scan the whole store (every type, every predicate, every mention) and
ask two queries per drawn entity; it now reads the type and predicate indexes class by class
and property by property, and asks about the drawn or lonely entities only (``VALUES``).
These reference versions are the former code, kept here so that any change in what is
drawn shows up as a byte difference on the seeds.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from policygraph.namespaces import PGO
from policygraph.store.oxigraph import from_ox
from policygraph.view import details, fold
from policygraph.view import overview as overview_module
from policygraph.view.network import Lookup, pick_class

_PGO = str(PGO)
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_PREFIXES = details._PREAMBLE


def _rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    return list(overview_module.select_rows(store, query))


def ref_entity_classes(store: ox.Store) -> dict[str, str]:
    types: dict[str, set[str]] = {}
    for quad in store.quads_for_pattern(None, _TYPE, None, ox.DefaultGraph()):
        s, c = quad.subject, quad.object
        if isinstance(s, ox.NamedNode) and isinstance(c, ox.NamedNode) and c.value.startswith(_PGO):
            types.setdefault(s.value, set()).add(c.value[len(_PGO) :])
    classes = {iri: pick_class(names - {""}) for iri, names in types.items()}
    return {iri: cls for iri, cls in classes.items() if cls != "Mention"}


def ref_relations(store: ox.Store, entities: dict[str, str]) -> list[tuple[str, str, str]]:
    found = []
    for (p,) in _rows(store, "SELECT DISTINCT ?p WHERE { ?s ?p ?o }"):
        if p in overview_module._NOT_RELATIONS or not p.startswith(
            overview_module._RELATION_NAMESPACES
        ):
            continue
        quads = store.quads_for_pattern(None, ox.NamedNode(p), None, ox.DefaultGraph())
        first = next(quads, None)
        if first is None or not isinstance(first.object, ox.NamedNode):
            continue
        for q in itertools.chain([first], quads):
            if q.subject.value in entities and q.object.value in entities:
                found.append((q.subject.value, p, q.object.value))
    return sorted(found)


def ref_mention_links(
    store: ox.Store, entities: dict[str, str], lonely: set[str]
) -> list[tuple[str, str, str]]:
    query = (
        _PREFIXES
        + """SELECT DISTINCT ?e ?c WHERE { ?e pgo:hasMention ?m .
      ?m pgo:inDocument ?d . OPTIONAL { ?m pgo:inArticle ?a } BIND(COALESCE(?a, ?d) AS ?c) }"""
    )
    mentions = str(PGO.mentions)
    return sorted((c, mentions, e) for e, c in _rows(store, query) if e in lonely and c in entities)


def ref_owners(store, entities, edges):  # type: ignore[no-untyped-def]
    set_by, has_target = str(PGO.setBy), str(PGO.hasTarget)
    folded = {e for e, cls in entities.items() if cls in fold.FOLDED}
    candidates: dict[str, set[str]] = {}
    for s, p, o in edges:
        if p == set_by and s in folded and o not in folded:
            candidates.setdefault(s, set()).add(o)
        elif p == has_target and o in folded and s not in folded:
            candidates.setdefault(o, set()).add(s)
    query = (
        _PREFIXES
        + """SELECT DISTINCT ?e ?d WHERE { VALUES ?c { pgo:Target pgo:Statistic }
      ?e a ?c ; pgo:hasMention ?m . ?m pgo:inDocument ?d . }"""
    )
    documents: dict[str, set[str]] = {}
    for e, d in _rows(store, query):
        if e in folded and e not in candidates and d in entities:
            documents.setdefault(e, set()).add(d)
    found = {e: min(c) for e, c in candidates.items()}
    found.update({e: min(d) for e, d in documents.items()})
    return dict(sorted(found.items()))


def ref_relation_sentences(store: ox.Store, subjects: object) -> dict:
    query = (
        _PREFIXES
        + """SELECT DISTINCT ?s ?p ?o ?x WHERE { ?m a pgo:RelationMention ;
      rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; pgo:sentence ?x . }"""
    )
    found: dict[tuple[str, str, str], set[str]] = {}
    for s, p, o, x in _rows(store, query):
        found.setdefault((s, p, o), set()).add(details.one_line(rdflib.Literal(x)))
    return {k: sorted(v - {""})[: details.MAX_SOURCES] for k, v in found.items()}


def ref_mention_counts(store: ox.Store, documents: object) -> dict[str, int]:
    query = _PREFIXES + (
        "SELECT ?d (COUNT(?m) AS ?n) WHERE { ?m a pgo:Mention ; pgo:inDocument ?d } GROUP BY ?d"
    )
    return {d: int(n) for d, n in _rows(store, query)}


def ref_facts(store: ox.Store, query: str, iris: list[str]) -> Lookup:
    graph = rdflib.Graph()
    for start in range(0, len(iris), 200):
        result = store.query(query % details._iris(iris[start : start + 200]))
        for t in result:  # type: ignore[union-attr]
            graph.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    return Lookup([graph])


_SENTENCES = (
    _PREFIXES
    + """SELECT DISTINCT ?x WHERE { <%s> pgo:hasMention ?m .
  ?m pgo:sentence ?x } ORDER BY ?x LIMIT 20"""
)
_DOCUMENTS = (
    _PREFIXES
    + """SELECT DISTINCT ?d WHERE { { <%s> pgo:hasMention ?m .
  ?m pgo:inDocument ?d } UNION { <%s> pgo:inDocument ?d } }"""
)


def ref_pairs(store: ox.Store, query: str, iris: list[str]) -> dict[str, set]:
    """Two queries per entity, as the overview asked them before."""
    if query == details._SENTENCES:
        return {
            iri: {row[0] for row in store.query(_SENTENCES % iri)}  # type: ignore[union-attr]
            for iri in iris
        }
    return {
        iri: {row[0] for row in store.query(_DOCUMENTS % (iri, iri))}  # type: ignore[union-attr]
        for iri in iris
    }


@pytest.fixture(scope="module")
def dev_build(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Seeds and the dev corpus: lonely entities, homeless statistics, busy entities."""
    from conftest import DEV_CORPUS, SEEDS
    from policygraph.api import build

    if not DEV_CORPUS.is_dir():
        pytest.skip("../shared corpus not present")
    return build([SEEDS, DEV_CORPUS], tmp_path_factory.mktemp("dev"))


@pytest.fixture(scope="module", params=["seed_build", "report_build", "dev_build"])
def seed_store(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    from policygraph.store.oxigraph import open_store

    return open_store(request.getfixturevalue(request.param).store)


@pytest.mark.parametrize("max_nodes", [300, 25])
def test_overview_is_the_same_bytes_as_the_whole_graph_queries(
    seed_store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, max_nodes: int
) -> None:
    from policygraph.view.html import write_store_overview

    new = write_store_overview(seed_store, tmp_path / "new.html", max_nodes=max_nodes)
    with monkeypatch.context() as m:
        m.setattr(overview_module, "entity_classes", ref_entity_classes)
        m.setattr(overview_module, "relations", ref_relations)
        m.setattr(overview_module, "mention_links", ref_mention_links)
        m.setattr(overview_module, "owners", ref_owners)
        m.setattr(overview_module, "relation_sentences", ref_relation_sentences)
        m.setattr(overview_module, "mention_counts", ref_mention_counts)
        m.setattr(details, "Facts", ref_facts)
        m.setattr(fold, "Facts", ref_facts)
        m.setattr(details, "_pairs", ref_pairs)
        old = write_store_overview(seed_store, tmp_path / "old.html", max_nodes=max_nodes)
    assert new.read_bytes() == old.read_bytes()


def test_pieces_agree_with_the_whole_graph_queries(seed_store) -> None:
    entities = overview_module.entity_classes(seed_store)
    assert entities == ref_entity_classes(seed_store)
    edges = overview_module.relations(seed_store, entities)
    assert edges == ref_relations(seed_store, entities)
    assert fold.owners(seed_store, entities, edges) == ref_owners(seed_store, entities, edges)
    related = {s for s, _, _ in edges} | {o for _, _, o in edges}
    lonely = set(entities) - related
    assert overview_module.mention_links(seed_store, entities, lonely) == ref_mention_links(
        seed_store, entities, lonely
    )


def test_entity_classes_with_mention_types_match_the_full_scan() -> None:
    store = ox.Store()
    e = "https://example.org/e/"
    kinds = {
        "a": ["Indicator", "Mention"],  # a class after Mention: drawn as a mention, left out
        "b": ["Policy", "Mention"],
        "c": ["Mention"],
        "d": ["Organization", "RelationMention"],
        "f": ["Indicator"],
        "g": ["Indicator", "RelationMention"],
        "h": [""],
    }
    for name, classes in kinds.items():
        for cls in classes:
            store.add(ox.Quad(ox.NamedNode(e + name), _TYPE, ox.NamedNode(_PGO + cls)))
    store.add(ox.Quad(ox.BlankNode("x"), _TYPE, ox.NamedNode(_PGO + "Policy")))
    found = overview_module.entity_classes(store)
    assert found == ref_entity_classes(store)
    assert found == {
        e + "b": "Policy",
        e + "d": "Organization",
        e + "f": "Indicator",
        e + "h": "Other",
    }
