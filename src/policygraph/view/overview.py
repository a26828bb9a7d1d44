"""The overview, computed on the store: degrees by SPARQL, only the drawn entities fetched.

Loading a corpus of thousands of documents into rdflib to draw 300 nodes costs minutes and
gigabytes; here Oxigraph streams the entity-to-entity relations once (IRIs only), networkx
ranks the entities, and the labels, sources and fields are read for the chosen few.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import networkx as nx
import pyoxigraph as ox
import rdflib

from policygraph.namespaces import PGO
from policygraph.view.details import entity_attributes, relation_sentences
from policygraph.view.fold import (
    FOLDED,
    MAX_FOLDED,
    SHORT,
    folded_items,
    mention_counts,
    owners,
    years,
)
from policygraph.view.network import (
    CLASS_PRIORITY,
    pick_class,
    predicate_label,
    prefixed,
)

#: The relation drawn from an Article (or Document) to an entity it mentions, for entities
#: that have no other relation and would otherwise float alone.
MENTIONED = "pgo:mentions"

_PGO = str(PGO)
SPARQL_PREAMBLE = f"""
PREFIX pgo: <{_PGO}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

_PREDICATES = "SELECT DISTINCT ?p WHERE { ?s ?p ?o }"
# Filtered in Python: a FILTER would be evaluated on each of the typed subjects. (A literal
# spelled like a class finds no quad in the type index, as an object it is not.)
_CLASSES = "SELECT DISTINCT ?c WHERE { ?s a ?c }"
_DECLARED = """
SELECT DISTINCT ?p WHERE {
  VALUES ?t { <http://www.w3.org/2002/07/owl#ObjectProperty>
              <http://www.w3.org/2002/07/owl#DatatypeProperty>
              <http://www.w3.org/2002/07/owl#AnnotationProperty>
              <http://www.w3.org/1999/02/22-rdf-syntax-ns#Property> }
  ?p a ?t
}
"""
# One class at a time: two VALUES lists would make Oxigraph walk every typed subject.
_TYPED = "SELECT ?s WHERE { VALUES ?s { %s } ?s a <%s> }"
_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s <%s> ?o }"
_DCMI_TERMS = frozenset(str(rdflib.DCTERMS[name]) for name in rdflib.DCTERMS.__annotations__)
#: Where a statement was read; never drawn as an entity.
_PROVENANCE = ("Mention", "RelationMention")
_BEFORE_MENTION = frozenset(CLASS_PRIORITY[: CLASS_PRIORITY.index("Mention")])
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_RELATION_NAMESPACES = (_PGO, "http://purl.org/dc/terms/")
_NOT_RELATIONS = frozenset({str(PGO.hasMention), str(PGO.mentions)})

# Where the lonely entities are named: mentions counted per entity and document, and apart
# the few mentions read in an article (the container is the article, else the document).
_IN_DOCUMENTS = (
    SPARQL_PREAMBLE
    + """
SELECT ?e ?d (COUNT(?m) AS ?n) WHERE {
  VALUES ?e { %s }
  ?e pgo:hasMention ?m .
  ?m pgo:inDocument ?d .
} GROUP BY ?e ?d
"""
)
_IN_ARTICLES = (
    SPARQL_PREAMBLE
    + "SELECT ?e ?d ?a ?m WHERE { ?m pgo:inArticle ?a ; pgo:inDocument ?d . ?e pgo:hasMention ?m }"
)


@dataclass(frozen=True, slots=True)
class Overview:
    """The drawn graph, and what a reader should know about what was left out."""

    graph: nx.MultiDiGraph
    total: int
    left_out: dict[str, int]
    unrelated: int
    note: str
    #: Class → how many of its entities are folded into a drawn policy or document.
    folded: dict[str, int] = field(default_factory=dict)


def entity_classes(store: ox.Store) -> dict[str, str]:
    """Every entity IRI (mentions excluded) with the class it is drawn as.

    Read class by class from the store's type index, skipping the hundreds of thousands of
    mentions; an entity with another class is checked for a mention type on its own."""
    types: dict[str, set[str]] = {}
    default = ox.DefaultGraph()
    for (cls,) in sorted(select_rows(store, _CLASSES)):
        name = cls[len(_PGO) :]
        if not cls.startswith(_PGO) or name in _PROVENANCE:
            continue
        for quad in store.quads_for_pattern(None, _RDF_TYPE, ox.NamedNode(cls), default):
            if isinstance(quad.subject, ox.NamedNode):
                types.setdefault(quad.subject.value, set()).add(name)
    picked = {iri: pick_class(types[iri] - {""}) for iri in sorted(types)}
    # Mention comes last in CLASS_PRIORITY: only a class after it (or none) would have given
    # way to a mention type the loop above skipped, so only those entities are asked about.
    doubtful = sorted(iri for iri, cls in picked.items() if cls not in _BEFORE_MENTION)
    provenance: set[str] = set()
    for start in range(0, len(doubtful), 500):
        values = " ".join(f"<{iri}>" for iri in doubtful[start : start + 500])
        for name in _PROVENANCE:
            provenance.update(s for (s,) in select_rows(store, _TYPED % (values, _PGO + name)))
    return {iri: cls for iri, cls in picked.items() if iri not in provenance}


def relation_predicates(store: ox.Store) -> list[str]:
    """The ``pgo:`` and ``dcterms:`` properties that may relate two entities, sorted.

    The candidates are the properties the store's ontology declares and the DCMI terms, each
    asked for in the predicate index, not a scan of every triple for its predicate (a store
    without an ontology is scanned); a property whose objects are literals is no relation."""
    declared = [p for (p,) in select_rows(store, _DECLARED) if p.startswith(_RELATION_NAMESPACES)]
    if declared:
        candidates = sorted({*declared, *_DCMI_TERMS})
    else:
        candidates = sorted(p for (p,) in select_rows(store, _PREDICATES))
    found = []
    default = ox.DefaultGraph()
    for predicate in candidates:
        if predicate in _NOT_RELATIONS or not predicate.startswith(_RELATION_NAMESPACES):
            continue
        first = next(store.quads_for_pattern(None, ox.NamedNode(predicate), None, default), None)
        # The ontology declares each property object or datatype: one look tells which, and
        # saves walking the hundreds of thousands of sentences, offsets and surfaces.
        if first is not None and isinstance(first.object, ox.NamedNode):
            found.append(predicate)
    return found


def relations(store: ox.Store, entities: dict[str, str]) -> list[tuple[str, str, str]]:
    """(subject, predicate IRI, object) for every relation between two entities, sorted.

    Relations are the ``pgo:`` and ``dcterms:`` properties between IRIs, each read from the
    store's predicate index; typing and mentions are not relations between entities. A
    property stated mostly of mentions (``pgo:inDocument``) is read entity by entity."""
    found: list[tuple[str, str, str]] = []
    default = ox.DefaultGraph()
    subjects: list[ox.NamedNode] | None = None
    for predicate in relation_predicates(store):
        node = ox.NamedNode(predicate)
        if _count(store, predicate) > len(entities):
            subjects = subjects or [ox.NamedNode(e) for e in entities]
            quads: Iterable[ox.Quad] = (
                q for s in subjects for q in store.quads_for_pattern(s, node, None, default)
            )
        else:
            quads = store.quads_for_pattern(None, node, None, default)
        for quad in quads:
            subject, object_ = quad.subject, quad.object
            if (
                isinstance(subject, ox.NamedNode)
                and isinstance(object_, ox.NamedNode)
                and subject.value in entities
                and object_.value in entities
            ):
                found.append((subject.value, predicate, object_.value))
    return sorted(found)


def _count(store: ox.Store, predicate: str) -> int:
    return int(next(select_rows(store, _COUNT % predicate))[0])


def mention_links(
    store: ox.Store, entities: dict[str, str], lonely: set[str]
) -> list[tuple[str, str, str]]:
    """(article or document, ``pgo:mentions``, entity) for the ``lonely`` entities, sorted.

    Many industries and technologies are only named in passing, with no relation to a
    policy or target; linking them to the article that names them places them in the picture.
    """
    mentions = str(PGO.mentions)
    found: set[tuple[str, str, str]] = set()
    in_articles: dict[tuple[str, str], set[str]] = {}
    for e, d, a, m in select_rows(store, _IN_ARTICLES):
        if e in lonely:
            in_articles.setdefault((e, d), set()).add(m)
            if a in entities:
                found.add((a, mentions, e))
    iris = sorted(lonely)
    # Only the lonely entities' mentions are read, a few hundred entities a query; a
    # document contains an entity's mention outside any article if it has more mentions
    # of it than articles do.
    for start in range(0, len(iris), 500):
        values = " ".join(f"<{iri}>" for iri in iris[start : start + 500])
        for e, d, n in select_rows(store, _IN_DOCUMENTS % values):
            if d in entities and int(n) > len(in_articles.get((e, d), ())):
                found.add((d, mentions, e))
    return sorted(found)


def overview(store: ox.Store, *, max_nodes: int = 300, fold: bool = True) -> Overview:
    """The ``max_nodes`` most connected entities (degree centrality) and their relations.

    With ``fold``, targets and statistics are not ranked or drawn: each is counted on the
    policy or document it belongs to (see :mod:`policygraph.view.fold`)."""
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, not {max_nodes}")
    entities = entity_classes(store)
    edges = relations(store, entities)
    owner = owners(store, entities, edges) if fold else {}
    ranked_entities = {e: c for e, c in entities.items() if e not in owner}
    edges = [(s, p, o) for s, p, o in edges if s not in owner and o not in owner]
    related = {s for s, _, _ in edges} | {o for _, _, o in edges}
    edges += mention_links(store, ranked_entities, set(ranked_entities) - related)
    skeleton: nx.Graph = nx.Graph()
    skeleton.add_nodes_from(sorted(ranked_entities))
    skeleton.add_edges_from((s, o) for s, _, o in edges if s != o)
    centrality = nx.degree_centrality(skeleton) if len(skeleton) > 1 else {}
    ranked = sorted(
        (n for n in skeleton if skeleton.degree(n) > 0),
        key=lambda n: (-centrality.get(n, 0.0), n),
    )
    unrelated = len(ranked_entities) - len(ranked)
    chosen = set(ranked[:max_nodes])
    g = _detailed_graph(store, entities, chosen, edges)
    for node in g:
        g.nodes[node]["relations"] = skeleton.degree(node)
    year_of = years(store)
    for node in g:
        if node in year_of:
            g.nodes[node]["year"] = year_of[node]
    folded = _fold_into(store, g, entities, owner, year_of) if owner else {}
    left_out = Counter(
        entities[n] for n in entities if n not in chosen and owner.get(n) not in chosen
    )
    ordered = {c: left_out[c] for c in (*CLASS_PRIORITY, *sorted(left_out)) if c in left_out}
    note = _note(len(chosen), len(entities) - sum(folded.values()), ordered, unrelated)
    if folded:
        note = (note + " " if note else "") + _fold_note(folded)
    return Overview(
        graph=g,
        total=len(entities),
        left_out=ordered,
        unrelated=unrelated,
        note=note,
        folded=folded,
    )


def _fold_into(
    store: ox.Store,
    g: nx.MultiDiGraph,
    entities: dict[str, str],
    owner: dict[str, str],
    year_of: dict[str, int],
) -> dict[str, int]:
    """Count each drawn owner's folded entities on it, with the first few as page data."""
    by_owner: dict[str, list[str]] = {}
    for item, holder in owner.items():
        if holder in g:
            by_owner.setdefault(holder, []).append(item)
    items = folded_items(store, entities, by_owner, year_of)
    mentions = mention_counts(store, list(g))
    folded: Counter[str] = Counter()
    for holder in g:
        counts = Counter(entities[e] for e in by_owner.get(holder, []))
        folded.update(counts)
        if mentions.get(holder):
            counts["Mention"] = mentions[holder]
        if not counts:
            continue
        data = g.nodes[holder]
        data["folded_counts"] = {c: counts[c] for c in (*FOLDED, "Mention") if counts[c]}
        if holder in items:
            data["folded"] = items[holder]
            data["folded_more"] = len(by_owner[holder]) - len(items[holder])
    return {c: folded[c] for c in FOLDED if folded[c]}


def _fold_note(folded: dict[str, int]) -> str:
    named = " · ".join(f"{SHORT[c]} {c} {n:,}" for c, n in folded.items())
    return (
        f"已折叠 folded into their policy or document (counts on the node; double-click"
        f" shows up to {MAX_FOLDED} each): {named}. Mentions are counted, not drawn."
    )


def _note(drawn: int, total: int, left_out: dict[str, int], unrelated: int) -> str:
    if drawn == total:
        return ""
    by_class = ", ".join(f"{cls} {count:,}" for cls, count in left_out.items())
    parts = [
        f"显示连接最多的 {drawn:,} / {total:,} 个实体。"
        f" Showing the {drawn:,} most connected of {total:,} entities;"
        f" left out: {by_class}."
    ]
    if unrelated:
        parts.append(
            f" {unrelated:,} of them have no relation and are named in no article"
            " (see `policygraph view --entity`)."
        )
    return "".join(parts)


def _detailed_graph(
    store: ox.Store,
    entities: dict[str, str],
    chosen: set[str],
    edges: Iterable[tuple[str, str, str]],
) -> nx.MultiDiGraph:
    attributes = entity_attributes(store, {iri: entities[iri] for iri in chosen})
    sentences = relation_sentences(store, chosen)
    g: nx.MultiDiGraph = nx.MultiDiGraph()
    for iri in sorted(chosen):
        g.add_node(iri, **attributes[iri])
    for s, p, o in edges:
        if s in chosen and o in chosen:
            name = prefixed(p)
            label = "提及" if name == MENTIONED else predicate_label(p)
            extra = {"sources": sentences[(s, p, o)]} if (s, p, o) in sentences else {}
            g.add_edge(s, o, key=name, predicate=name, label=label, **extra)
    return g


def select_rows(store: ox.Store, query: str) -> Iterator[tuple[str, ...]]:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    for row in result:
        values = []
        for name in names:
            term = row[name]
            values.append(term.value if term is not None else "")
        yield tuple(values)
