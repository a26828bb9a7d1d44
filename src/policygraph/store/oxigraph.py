"""The persistent embedded store: Oxigraph (pyoxigraph) on disk under ``DIR/store/``.

Oxigraph is a SPARQL 1.1 database written in Rust with a RocksDB backend; the README gives
the measurements behind choosing it over rdflib's in-memory store. rdflib remains the API
for notebook users (:func:`rdflib_dataset`), through oxrdflib; a build writes its triples
as N-Triples text (rdf/ntriples.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from policygraph.errors import StoreError, StoreMissing
from policygraph.namespaces import PREFIXES
from policygraph.resolve.labels import LABELS_GRAPH

#: Graphs under this prefix hold the ontology and vocabularies, not extracted facts.
GRAPHS_PREFIX = "https://w3id.org/policygraph/graph/"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

Quad = tuple[URIRef, URIRef, Node, URIRef]


def to_ox(term: Node) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"cannot store {term!r}")


def to_ox_quads(quads: Iterable[Quad]) -> Iterator[ox.Quad]:
    for s, p, o, g in quads:
        yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox(g))  # type: ignore[arg-type]


def from_ox(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> Node:
    """A pyoxigraph term as an rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            # RDF 1.1: a simple literal *is* an xsd:string, but rdflib compares them unequal.
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    return BNode(term.value)


def merged_graph(store: ox.Store, *, documents_only: bool = True) -> Graph:
    """The graph as one in-memory :class:`rdflib.Graph`: by default the triples extracted
    from documents with their canonical labels (for views and entity exports), else the
    whole default graph with the ontology and vocabularies."""
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    for q in store:
        if documents_only:
            # the documents' graphs, and the canonical labels of their shared entities
            # (decided across documents, so in a corpus-level graph of their own)
            if isinstance(q.graph_name, ox.DefaultGraph) or (
                q.graph_name.value.startswith(GRAPHS_PREFIX) and q.graph_name.value != LABELS_GRAPH
            ):
                continue
        elif not isinstance(q.graph_name, ox.DefaultGraph):
            continue
        graph.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))  # type: ignore[arg-type]
    return graph


def merge_into_default_graph(store: ox.Store) -> None:
    """Make the default graph the RDF merge of all named graphs.

    Named graphs keep provenance (which document said what); queries read the default
    graph, where a triple stated by several documents is there once. (Oxigraph's
    union-of-graphs mode would return it once per graph, and COUNTs would be wrong.)"""
    default = ox.DefaultGraph()
    store.bulk_extend(
        ox.Quad(q.subject, q.predicate, q.object, default)
        for q in store
        if not isinstance(q.graph_name, ox.DefaultGraph)
    )


#: Named graphs under this namespace are made by policygraph; all others are the user's.
OWN_NAMESPACE = "https://w3id.org/policygraph/"


def copy_user_graphs(previous: Path, into: ox.Store) -> int:
    """Copy the named graphs a user added with SPARQL Update (any graph outside
    :data:`OWN_NAMESPACE`) from the store at ``previous`` into ``into``, each triple also
    into the default graph, as the build writes its own. Returns the quads copied. A
    rebuild thereby keeps the user's graphs; policygraph's own graphs are made anew."""
    if not (previous / "CURRENT").is_file():
        return 0
    old = ox.Store.read_only(str(previous))
    graphs = [
        g
        for g in old.named_graphs()
        if not g.value.startswith(OWN_NAMESPACE)  # type: ignore[union-attr]
    ]
    default = ox.DefaultGraph()
    quads: list[ox.Quad] = []
    copied = 0
    for graph in sorted(graphs, key=lambda g: g.value):
        named = list(old.quads_for_pattern(None, None, None, graph))
        quads += named
        quads += (ox.Quad(q.subject, q.predicate, q.object, default) for q in named)
        copied += len(named)
    into.bulk_extend(quads)  # once: each bulk load costs about 70 ms whatever its size
    return copied


def open_store(path: Path, *, read_only: bool = True) -> ox.Store:
    """Open the store at ``path``; a clear error when there is none."""
    if not (path / "CURRENT").is_file():
        raise StoreMissing(
            f"{path}: no policygraph store here; run pg.build() first or pass store=DIR/store"
        )
    # ``DIR/store`` is a link to the current generation (store/outputs.py); RocksDB opens
    # its files lazily by path, so resolve the link once: a reader stays on the generation
    # it opened while a build publishes the next one.
    location = str(path.resolve())
    try:
        return ox.Store.read_only(location) if read_only else ox.Store(location)
    except OSError as e:
        raise StoreError(f"{path}: cannot open the store: {e}") from None
    except RuntimeError as e:  # RocksDB reports a damaged file as a RuntimeError
        raise damaged(path, e) from None


def damaged(path: Path, error: BaseException) -> StoreError:
    """The one-line error for a store whose files RocksDB finds damaged."""
    detail = " ".join(str(error).split())
    if len(detail) > 160:
        detail = detail[:159] + "…"
    return StoreError(
        f"{path}: the store is damaged ({detail}); rebuild it with `policygraph build`"
    )


def rdflib_dataset(path: Path):  # type: ignore[no-untyped-def]
    """The store as an :class:`rdflib.Dataset` (through oxrdflib), for rdflib users."""
    from rdflib import Dataset

    open_store(path)  # the clear error when missing
    dataset = Dataset(store="Oxigraph")
    dataset.open(str(path.resolve()), create=False)
    return dataset
