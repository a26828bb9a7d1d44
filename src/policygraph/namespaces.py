"""IRIs of the ontology, the instances and the standard vocabularies we reuse."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

PGO = Namespace("https://w3id.org/policygraph/ontology#")
ID = Namespace("https://w3id.org/policygraph/id/")
VOCAB = Namespace("https://w3id.org/policygraph/vocab/")
ONTOLOGY_GRAPH = "https://w3id.org/policygraph/graph/ontology"
VOCAB_GRAPH = "https://w3id.org/policygraph/graph/vocab"

#: One prefix per family of instance IRIs (``person:习近平``, ``year:2027``).
_INSTANCE_PREFIXES = (
    "doc",
    "graph",
    "article",
    "policy",
    "industry",
    "technology",
    "target",
    "statistic",
    "year",
    "org",
    "person",
    "place",
    "event",
    "quote",
    "mention",
)

#: Prefixes written into Turtle/TriG and offered to SPARQL queries.
PREFIXES: dict[str, str] = {
    "pgo": str(PGO),
    "id": str(ID),
    **{name: f"{ID}{name}/" for name in _INSTANCE_PREFIXES},
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "xsd": str(XSD),
    "owl": str(OWL),
    "prov": str(PROV),
}

__all__ = [
    "DCTERMS",
    "ID",
    "ONTOLOGY_GRAPH",
    "OWL",
    "PGO",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SKOS",
    "VOCAB",
    "VOCAB_GRAPH",
    "XSD",
]
