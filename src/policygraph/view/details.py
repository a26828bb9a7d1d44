"""What a tooltip says about an entity, read from the store for the few entities drawn.

The same attributes as :func:`policygraph.view.network.rdf_to_networkx` gives (label, class,
IRI, other labels, up to three source sentences, documents, a target's fields), but an entity
named 20,000 times in a corpus costs two small indexed queries, not 20,000 rows in rdflib.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib

from policygraph.namespaces import PGO
from policygraph.store.oxigraph import from_ox
from policygraph.view.network import (
    MAX_SOURCES,
    TARGET_FIELDS,
    Lookup,
    as_number,
    one_line,
    term_key,
)

#: A tooltip lists this many documents by name (and says how many there are in all).
MAX_DOCUMENTS = 5

_PREAMBLE = """
PREFIX pgo: <https://w3id.org/policygraph/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

# The entities' own facts. Entities never share IRIs with the ontology's or vocabularies'
# terms, so the default graph (the merge of the documents' graphs) says only what documents said.
OWN_FACTS = (
    _PREAMBLE
    + """
CONSTRUCT { ?s ?p ?o } WHERE {
  VALUES ?s { %s }
  ?s ?p ?o .
  FILTER(?p IN (rdf:type, rdfs:label, skos:altLabel, dcterms:title, pgo:indicator,
                pgo:comparator, pgo:unit, pgo:value))
}
"""
)

# Every sentence of the drawn entities, in one query: per entity the first 20 in sorted order
# are kept (more than shown: the tooltip keeps the first few once whitespace is normalized).
_SENTENCES = (
    _PREAMBLE
    + """
SELECT DISTINCT ?s ?x WHERE { VALUES ?s { %s } ?s pgo:hasMention ?m . ?m pgo:sentence ?x }
"""
)
#: Of an entity's sentences, this many (the smallest) are normalized and considered.
_SENTENCES_READ = 20

_DOCUMENTS = (
    _PREAMBLE
    + """
SELECT DISTINCT ?s ?d WHERE { VALUES ?s { %s }
                              { ?s pgo:hasMention ?m . ?m pgo:inDocument ?d }
                              UNION { ?s pgo:inDocument ?d } }
"""
)

_DOCUMENT_NAMES = (
    _PREAMBLE
    + """
CONSTRUCT { ?d rdfs:label ?l . ?d dcterms:title ?t } WHERE {
  VALUES ?d { %s }
  { ?d rdfs:label ?l } UNION { ?d dcterms:title ?t }
}
"""
)


# Where each relation was read: its RelationMention names the statement and the sentence.
_RELATION_SENTENCES = (
    _PREAMBLE
    + """
SELECT DISTINCT ?s ?p ?o ?x WHERE {
  VALUES ?s { %s }
  ?m rdf:subject ?s ; a pgo:RelationMention ; rdf:predicate ?p ; rdf:object ?o ;
     pgo:sentence ?x .
}
"""
)


def relation_sentences(
    store: ox.Store, subjects: Iterable[str]
) -> dict[tuple[str, str, str], list[str]]:
    """(subject, predicate IRI, object) → up to three sentences the relation was read from,
    for the relations whose subject is one of ``subjects`` (the drawn entities)."""
    found: dict[tuple[str, str, str], set[str]] = {}
    iris = sorted(subjects)
    rows = (
        row
        for start in range(0, len(iris), 200)
        for row in store.query(_RELATION_SENTENCES % _iris(iris[start : start + 200]))  # type: ignore[union-attr]
    )
    for row in rows:
        terms = [row[name] for name in ("s", "p", "o", "x")]
        if any(term is None for term in terms):
            continue
        s, p, o, x = (term.value for term in terms)  # type: ignore[union-attr]
        found.setdefault((s, p, o), set()).add(one_line(rdflib.Literal(x)))
    return {key: sorted(v - {""})[:MAX_SOURCES] for key, v in found.items()}


def _iris(values: Iterable[str]) -> str:
    return " ".join(f"<{iri}>" for iri in values)


class Facts(Lookup):
    """What a CONSTRUCT of ``query`` over ``iris`` states, answered as :class:`Lookup` does.

    The triples are kept by subject and predicate, not loaded into an rdflib graph: the
    overview's tens of thousands of facts cost a dictionary, not an indexed graph."""

    def __init__(self, store: ox.Store, query: str, iris: list[str]) -> None:
        super().__init__([])
        self._facts: dict[tuple[str, str], set[ox.NamedNode | ox.Literal | ox.BlankNode]] = {}
        # VALUES lists of a few hundred IRIs keep each query small and its plan simple.
        for start in range(0, len(iris), 200):
            result = store.query(query % _iris(iris[start : start + 200]))
            assert isinstance(result, ox.QueryTriples)
            for triple in result:
                key = (triple.subject.value, triple.predicate.value)
                self._facts.setdefault(key, set()).add(triple.object)

    def objects(
        self, subject: rdflib.term.Node, predicate: rdflib.URIRef
    ) -> list[rdflib.term.Node]:
        found = {from_ox(t) for t in self._facts.get((str(subject), str(predicate)), ())}
        return sorted(found, key=term_key)


def _pairs(
    store: ox.Store, query: str, iris: list[str]
) -> dict[str, set[ox.Literal | ox.NamedNode]]:
    """``?s`` → the values of ``?x`` for each of ``iris``, a few hundred IRIs a query."""
    found: dict[str, set[ox.Literal | ox.NamedNode]] = {iri: set() for iri in iris}
    for start in range(0, len(iris), 200):
        result = store.query(query % _iris(iris[start : start + 200]))
        assert isinstance(result, ox.QuerySolutions)
        for subject, value in result:
            if subject is not None and value is not None:
                found[subject.value].add(value)
    return found


def entity_attributes(store: ox.Store, classes: dict[str, str]) -> dict[str, dict[str, object]]:
    """Node attributes for each IRI of ``classes`` (IRI → the class it is drawn as)."""
    iris = sorted(classes)
    own = Facts(store, OWN_FACTS, iris)
    # One query for all the drawn entities, not two per entity (600 queries on a corpus).
    sentences: dict[str, list[str]] = {}
    for iri, terms in _pairs(store, _SENTENCES, iris).items():
        first = sorted(terms, key=lambda t: t.value)[:_SENTENCES_READ]
        found = {one_line(rdflib.Literal(t.value)) for t in first}
        found.discard("")
        sentences[iri] = sorted(found)[:MAX_SOURCES]
    documents = {
        iri: [t.value for t in terms] for iri, terms in _pairs(store, _DOCUMENTS, iris).items()
    }
    names = Facts(store, _DOCUMENT_NAMES, sorted({d for ds in documents.values() for d in ds}))
    attributes: dict[str, dict[str, object]] = {}
    for iri in iris:
        subject = rdflib.URIRef(iri)
        cls = classes[iri]
        titles = sorted({names.label(rdflib.URIRef(d)) for d in documents[iri]})
        attrs: dict[str, object] = {"label": own.label(subject), "cls": cls, "iri": iri}
        alt = sorted(
            {
                one_line(o)
                for o in own.objects(subject, rdflib.SKOS.altLabel)
                if isinstance(o, rdflib.Literal)
            }
        )
        if alt:
            attrs["alt_labels"] = alt
        attrs["sources"] = sentences[iri]
        attrs["documents"] = titles[:MAX_DOCUMENTS]
        if len(titles) > MAX_DOCUMENTS:
            attrs["document_count"] = len(titles)
        if cls in ("Target", "Statistic"):
            for name in TARGET_FIELDS:
                value = own.text(subject, PGO[name])
                if value is not None:
                    attrs[name] = value
            literals = [o for o in own.objects(subject, PGO.value) if isinstance(o, rdflib.Literal)]
            numbers = [n for n in map(as_number, literals) if n is not None]
            if numbers:
                attrs["value"] = min(numbers)
        attributes[iri] = attrs
    return attributes
