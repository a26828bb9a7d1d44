"""Turn the RDF graph into a networkx graph of entities and relations, ready to draw or export.

Everything here is deterministic: nodes and edges are added in sorted order, so two runs over
the same graph give graphs that serialize identically.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Iterable, Sequence
from urllib.parse import unquote

import networkx as nx
import rdflib
from rdflib import RDF, RDFS, SKOS, Literal, URIRef
from rdflib.namespace import DCTERMS

from policygraph.errors import LookupFailed
from policygraph.namespaces import PGO

#: When an entity has several pgo: types, the first of these wins (a Document that is also a
#: Policy is drawn as a Policy). Types not listed come after, alphabetically.
CLASS_PRIORITY: tuple[str, ...] = (
    "Policy",
    "Target",
    "Statistic",
    "Quote",
    "Article",
    "Event",
    "Person",
    "Organization",
    "Place",
    "Industry",
    "Technology",
    "Year",
    "Document",
    "Mention",
)

#: Class of nodes that a query result names but the graph does not type.
UNTYPED = "Other"

#: Short Chinese labels drawn on edges; other predicates fall back to their local name.
PREDICATE_LABELS: dict[str, str] = {
    "pgo:setBy": "设定",
    "pgo:hasTarget": "目标",
    "pgo:deadline": "期限",
    "pgo:concerns": "涉及",
    "pgo:issuedBy": "发布",
    "pgo:issuedIn": "发布年",
    "pgo:periodStart": "起始年",
    "pgo:periodEnd": "截止年",
    "pgo:adoptedAt": "通过于",
    "pgo:affiliation": "任职",
    "pgo:speaker": "讲话人",
    "pgo:atEvent": "场合",
    "pgo:atPlace": "地点",
    "dcterms:creator": "作者",
    "pgo:creator": "作者",
    "pgo:inDocument": "所在文档",
    "pgo:refYear": "年份",
    "pgo:quotes": "引用",
    "pgo:inArticle": "所在文章",
    "pgo:hasMention": "提及",
}

# Fixed prefixes rather than the graph's own bindings, which differ between stores and runs.
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("pgo", str(PGO)),
    ("rdf", str(RDF)),
    ("rdfs", str(RDFS)),
    ("skos", str(SKOS)),
    ("dcterms", str(DCTERMS)),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("org", "http://www.w3.org/ns/org#"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("time", "http://www.w3.org/2006/time#"),
    ("schema", "https://schema.org/"),
    ("eli", "http://data.europa.eu/eli/ontology#"),
    ("oa", "http://www.w3.org/ns/oa#"),
)

TARGET_FIELDS = ("indicator", "comparator", "unit")
MAX_SOURCES = 3


class EntityNotFound(LookupFailed, LookupError):
    """No entity, or more than one, answers to the label or IRI asked for."""


def prefixed(iri: str) -> str:
    """``pgo:setBy`` for a known namespace, else the IRI itself."""
    for prefix, ns in _PREFIXES:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def local_name(iri: str) -> str:
    """The part after the last ``#`` or ``/``, percent-decoded (IRIs may hold Chinese)."""
    tail = iri.rstrip("/")
    cut = max(tail.rfind("#"), tail.rfind("/"))
    return unquote(tail[cut + 1 :]) or iri


def predicate_label(predicate: str) -> str:
    """Short label for a predicate IRI (or prefixed name)."""
    name = prefixed(predicate)
    return PREDICATE_LABELS.get(name) or local_name(predicate)


def _union(graph: rdflib.Graph) -> rdflib.Graph:
    # A Dataset's triples() only sees its default graph; the entities live in named graphs.
    if not isinstance(graph, rdflib.Dataset):
        return graph
    merged = rdflib.Graph()
    for s, p, o, _ in graph.quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged


class Lookup:
    """Reads facts about one resource from one or more graphs (a result and its context)."""

    def __init__(self, graphs: Sequence[rdflib.Graph]) -> None:
        self.graphs = graphs

    def objects(self, subject: rdflib.term.Node, predicate: URIRef) -> list[rdflib.term.Node]:
        found: set[rdflib.term.Node] = set()
        for graph in self.graphs:
            found.update(graph.objects(subject, predicate))
        return sorted(found, key=term_key)

    def classes(self, subject: rdflib.term.Node) -> list[str]:
        names = {
            str(t)[len(str(PGO)) :]
            for t in self.objects(subject, RDF.type)
            if isinstance(t, URIRef) and str(t).startswith(str(PGO))
        }
        names.discard("")
        return sorted(names)

    def text(self, subject: rdflib.term.Node, predicate: URIRef) -> str | None:
        literals = [o for o in self.objects(subject, predicate) if isinstance(o, Literal)]
        if not literals:
            return None
        chinese = [o for o in literals if (o.language or "").lower().startswith("zh")]
        return one_line(min(chinese or literals, key=str))

    def label(self, subject: rdflib.term.Node) -> str:
        return (
            self.text(subject, RDFS.label)
            or self.text(subject, DCTERMS.title)
            or local_name(str(subject))
        )


def term_key(term: rdflib.term.Node) -> str:
    # n3() tells a URIRef from a Literal with the same text, so the order is total.
    return term.n3() if isinstance(term, rdflib.term.Identifier) else str(term)


def one_line(literal: Literal) -> str:
    # Sentences may carry layout line breaks; a tooltip or CSV cell wants one line.
    return " ".join(str(literal).split())


def pick_class(classes: Iterable[str]) -> str:
    """The class a node is drawn as when it has several types."""
    names = set(classes)
    if "RelationMention" in names:  # where a relation was read: provenance, like a Mention
        names.add("Mention")
    for name in CLASS_PRIORITY:
        if name in names:
            return name
    return min(names) if names else UNTYPED


def as_number(literal: Literal) -> float | None:
    try:
        number = float(literal.toPython())
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _attributes(lookup: Lookup, iri: URIRef, cls: str) -> dict[str, object]:
    attrs: dict[str, object] = {"label": lookup.label(iri), "cls": cls, "iri": str(iri)}
    alt = sorted(
        {one_line(o) for o in lookup.objects(iri, SKOS.altLabel) if isinstance(o, Literal)}
    )
    if alt:
        attrs["alt_labels"] = alt
    mentions = [iri] if cls == "Mention" else lookup.objects(iri, PGO.hasMention)
    sentences: set[str] = set()
    documents: set[str] = set()
    for mention in mentions:
        sentences.update(
            one_line(s) for s in lookup.objects(mention, PGO.sentence) if isinstance(s, Literal)
        )
        documents.update(lookup.label(d) for d in lookup.objects(mention, PGO.inDocument))
    if cls != "Mention":
        # An Article names its document directly rather than through a mention.
        documents.update(lookup.label(d) for d in lookup.objects(iri, PGO.inDocument))
    sentences.discard("")
    attrs["sources"] = sorted(sentences)[:MAX_SOURCES]
    attrs["documents"] = sorted(documents)
    if cls in ("Target", "Statistic"):
        for name in TARGET_FIELDS:
            value = lookup.text(iri, PGO[name])
            if value is not None:
                attrs[name] = value
        values = [as_number(o) for o in lookup.objects(iri, PGO.value) if isinstance(o, Literal)]
        numbers = [v for v in values if v is not None]
        if numbers:
            attrs["value"] = min(numbers)
    return attrs


def _skipped_edge(predicate: rdflib.term.Node) -> bool:
    # pgo:mentions (Document → every entity in it) would make each document a hub that
    # hides the real relations; the documents stay reachable through articles, mentions'
    # provenance in the tooltips, and the ``documents`` attribute.
    return predicate in (RDF.type, PGO.hasMention, PGO.mentions)


def rdf_to_networkx(
    graph: rdflib.Graph, *, include_mentions: bool = False, relation_sources: bool = False
) -> nx.MultiDiGraph:
    """Entities (IRIs typed in ``pgo:``) as nodes, the relations between them as edges.

    Node ids are IRI strings; edges carry ``predicate`` (prefixed name, also the edge key) and
    ``label`` (a short Chinese name for the predicate), and with ``relation_sources`` the
    ``sources`` sentences each relation was read in (for the views' edge tooltips).
    """
    graph = _union(graph)
    lookup = Lookup([graph])
    typed: dict[URIRef, set[str]] = {}
    pgo = str(PGO)
    for s, o in graph.subject_objects(RDF.type):
        if isinstance(s, URIRef) and isinstance(o, URIRef) and str(o).startswith(pgo):
            name = str(o)[len(pgo) :]
            if name:
                typed.setdefault(s, set()).add(name)
    nodes = {
        iri: pick_class(names)
        for iri, names in typed.items()
        if include_mentions or pick_class(names) != "Mention"
    }
    g: nx.MultiDiGraph = nx.MultiDiGraph()
    for iri in sorted(nodes, key=str):
        g.add_node(str(iri), **_attributes(lookup, iri, nodes[iri]))
    edges = sorted(
        (str(s), prefixed(str(p)), str(o), str(p))
        for s, p, o in graph
        if s in nodes and o in nodes and not _skipped_edge(p)
    )
    sentences = _relation_sentences(graph) if relation_sources else {}
    for source, name, target, predicate in edges:
        extra = {}
        if (source, predicate, target) in sentences:
            extra["sources"] = sentences[(source, predicate, target)]
        g.add_edge(
            source, target, key=name, predicate=name, label=predicate_label(predicate), **extra
        )
    return g


def _relation_sentences(graph: rdflib.Graph) -> dict[tuple[str, str, str], list[str]]:
    """(subject, predicate, object) → the sentences its relation mentions were read in."""
    found: dict[tuple[str, str, str], set[str]] = {}
    for mention in graph.subjects(RDF.type, PGO.RelationMention):
        parts = [graph.value(mention, term) for term in (RDF.subject, RDF.predicate, RDF.object)]
        if any(part is None for part in parts):
            continue
        key = (str(parts[0]), str(parts[1]), str(parts[2]))
        found.setdefault(key, set()).update(
            one_line(x) for x in graph.objects(mention, PGO.sentence) if isinstance(x, Literal)
        )
    return {key: sorted(v - {""})[:MAX_SOURCES] for key, v in found.items()}


QueryPair = tuple[object, object] | tuple[object, object, object]


def result_to_networkx(
    result: rdflib.Graph | Iterable[QueryPair],
    *,
    context: rdflib.Graph | None = None,
    include_mentions: bool = False,
) -> nx.MultiDiGraph:
    """A query result as a graph: a CONSTRUCT graph, or (subject, object[, predicate]) rows.

    Labels and classes are looked up in the result and in ``context`` (the whole graph) when
    given. Resources nobody typed get class ``Other``; a plain string that is no IRI becomes a
    node of its own, labelled with itself, unless ``context`` has exactly one entity with that
    ``rdfs:label``.
    """
    if isinstance(result, rdflib.Graph):
        result = _union(result)
    graphs = [result] if isinstance(result, rdflib.Graph) else []
    lookup = Lookup(graphs + ([context] if context is not None else []))
    rows: list[tuple[str, str, str, str]] = []  # source, predicate IRI, target, edge key
    terms: dict[str, rdflib.term.Node] = {}
    if isinstance(result, rdflib.Graph):
        for s, p, o in result:
            if p == RDF.type or not isinstance(s, URIRef) or not isinstance(o, URIRef):
                continue
            terms[str(s)], terms[str(o)] = s, o
            rows.append((str(s), str(p), str(o), prefixed(str(p))))
        for s in result.subjects(RDF.type, None):
            if isinstance(s, URIRef):
                terms[str(s)] = s
    else:
        for row in result:
            if len(row) not in (2, 3):
                raise ValueError(
                    f"a query result row must be (subject, object[, predicate]): {row!r}"
                )
            subject, object_ = (_resolve(x, context) for x in row[:2])
            predicate = str(row[2]) if len(row) == 3 else ""
            terms[str(subject)], terms[str(object_)] = subject, object_
            rows.append((str(subject), predicate, str(object_), prefixed(predicate) or "result"))
    classes = {key: pick_class(lookup.classes(term)) for key, term in terms.items()}
    keep = {k for k, c in classes.items() if include_mentions or c != "Mention"}
    g: nx.MultiDiGraph = nx.MultiDiGraph()
    for key in sorted(keep):
        term = terms[key]
        if isinstance(term, URIRef):
            g.add_node(key, **_attributes(lookup, term, classes[key]))
        else:
            g.add_node(key, label=str(term), cls=classes[key], iri="", sources=[], documents=[])
    for source, predicate, target, name in sorted(set(rows)):
        if source in keep and target in keep:
            label = predicate_label(predicate) if predicate else ""
            g.add_edge(source, target, key=name, predicate=name, label=label)
    return g


def _resolve(value: object, context: rdflib.Graph | None) -> rdflib.term.Node:
    if isinstance(value, URIRef | rdflib.BNode):
        return value
    text = str(value)
    if not isinstance(value, Literal) and ("://" in text or text.startswith("urn:")):
        return URIRef(text)
    if context is not None:
        found = {
            s
            for label in (Literal(text, lang="zh"), Literal(text))
            for s in context.subjects(RDFS.label, label)
            if isinstance(s, URIRef)
        }
        if len(found) == 1:
            return found.pop()
    return Literal(text)


def induced_subgraph(
    g: nx.MultiDiGraph,
    nodes: Iterable[str],
) -> nx.MultiDiGraph:
    """A copy of ``g`` restricted to ``nodes``, in ``g``'s own node and edge order.

    ``g.subgraph()`` iterates a set when the selection is small, which is not reproducible.
    """
    keep = set(nodes)
    sub: nx.MultiDiGraph = nx.MultiDiGraph()
    sub.graph.update(g.graph)
    for node, data in g.nodes(data=True):
        if node in keep:
            sub.add_node(node, **data)
    for u, v, key, data in g.edges(keys=True, data=True):
        if u in keep and v in keep:
            sub.add_edge(u, v, key=key, **data)
    return sub


def neighbourhood(
    g: nx.MultiDiGraph,
    node: str,
    depth: int,
) -> nx.MultiDiGraph:
    """Everything within ``depth`` steps of ``node``, following edges either way."""
    if depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    if node not in g:
        raise EntityNotFound(f"{node!r} is not a node of the graph")
    seen = {node}
    frontier: deque[tuple[str, int]] = deque([(node, 0)])
    while frontier:
        current, distance = frontier.popleft()
        if distance == depth:
            continue
        for nxt in sorted(set(g.successors(current)) | set(g.predecessors(current))):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append((nxt, distance + 1))
    return induced_subgraph(g, seen)


def find_node(g: nx.MultiDiGraph, label_or_iri: str) -> str:
    """The node with this IRI, else this exact label (or alternative label), else the one
    node whose label contains it. Raises :class:`EntityNotFound` (a ``LookupError``)."""
    wanted = label_or_iri.strip()
    if wanted in g:
        return wanted
    if not wanted:
        raise EntityNotFound("no entity given: pass a label or an IRI")
    for attribute in ("label", "alt_labels"):
        exact = [n for n, d in g.nodes(data=True) if wanted in _as_list(d.get(attribute))]
        if len(exact) == 1:
            return str(exact[0])
        if exact:
            raise EntityNotFound(_ambiguous(g, wanted, exact))
    partial = [n for n, d in g.nodes(data=True) if wanted in str(d.get("label", ""))]
    if len(partial) == 1:
        return str(partial[0])
    if partial:
        raise EntityNotFound(_ambiguous(g, wanted, partial))
    near = [n for n, d in g.nodes(data=True) if _overlaps(wanted, str(d.get("label", "")))]
    hint = f"; similar labels: {_candidates(g, near)}" if near else ""
    raise EntityNotFound(
        f"no entity labelled {wanted!r} or with that IRI among {len(g)} entities{hint}"
    )


def _as_list(value: object) -> list[object]:
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def _ambiguous(g: nx.MultiDiGraph, wanted: str, nodes: list[str]) -> str:
    return (
        f"{len(nodes)} entities match {wanted!r}: {_candidates(g, nodes)}; "
        "give the full label or the IRI"
    )


def _candidates(g: nx.MultiDiGraph, nodes: list[str], limit: int = 5) -> str:
    shown = sorted(nodes, key=lambda n: (str(g.nodes[n].get("label", "")), n))[:limit]
    text = ", ".join(
        f"{g.nodes[n].get('label', '')} ({g.nodes[n].get('cls', '')}, <{n}>)" for n in shown
    )
    return text + (f", … and {len(nodes) - limit} more" if len(nodes) > limit else "")


def _overlaps(wanted: str, label: str) -> bool:
    # A cheap "did you mean": labels sharing at least two characters in a row.
    return any(wanted[i : i + 2] in label for i in range(len(wanted) - 1))


def spring_positions(
    g: nx.Graph,
    *,
    seed: int = 7,
    iterations: int = 60,
    spacing: float = 120.0,
) -> dict[str, tuple[float, float]]:
    """Force-directed (Fruchterman-Reingold) positions, in pixels, reproducible for a seed.

    networkx's own layouts need numpy (and scipy past 500 nodes), which policygraph does not
    depend on. This pure-Python version only computes repulsion between nearby nodes (a grid of
    cells): about a second or two per thousand nodes.
    """
    nodes = list(g.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = sorted(
        {(min(index[u], index[v]), max(index[u], index[v])) for u, v in g.edges() if u != v}
    )
    rng = random.Random(seed)
    side = spacing * math.sqrt(n)
    xs = [rng.uniform(0, side) for _ in range(n)]
    ys = [rng.uniform(0, side) for _ in range(n)]
    k = spacing
    cell = 2 * k
    temperature = side / 10
    # A weak pull to the middle keeps separate components from drifting apart.
    gravity = 0.01
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        dx = [0.0] * n
        dy = [0.0] * n
        grid: dict[tuple[int, int], list[int]] = {}
        for i in range(n):
            grid.setdefault((int(xs[i] // cell), int(ys[i] // cell)), []).append(i)
        limit2, k2 = cell * cell, k * k
        for (cx, cy), members in grid.items():
            # Each pair of cells once: this cell with itself, then four of its neighbours.
            blocks = [(members, True)]
            for ox, oy in ((1, 0), (1, 1), (0, 1), (-1, 1)):
                other = grid.get((cx + ox, cy + oy))
                if other:
                    blocks.append((other, False))
            for others, same in blocks:
                for a, i in enumerate(members):
                    xi, yi = xs[i], ys[i]
                    for j in others[a + 1 :] if same else others:
                        ddx, ddy = xi - xs[j], yi - ys[j]
                        dist2 = ddx * ddx + ddy * ddy
                        if dist2 >= limit2:
                            continue
                        if dist2 < 1e-6:
                            ddx, ddy, dist2 = rng.uniform(-1, 1), rng.uniform(-1, 1), 1.0
                        force = k2 / dist2
                        dx[i] += ddx * force
                        dy[i] += ddy * force
                        dx[j] -= ddx * force
                        dy[j] -= ddy * force
        for i, j in pairs:
            ddx, ddy = xs[i] - xs[j], ys[i] - ys[j]
            dist = math.hypot(ddx, ddy) or 1e-3
            force = dist / k
            dx[i] -= ddx * force
            dy[i] -= ddy * force
            dx[j] += ddx * force
            dy[j] += ddy * force
        centre = side / 2
        for i in range(n):
            dx[i] -= (xs[i] - centre) * gravity
            dy[i] -= (ys[i] - centre) * gravity
            length = math.hypot(dx[i], dy[i])
            if length > 0:
                step = min(length, temperature) / length
                xs[i] += dx[i] * step
                ys[i] += dy[i] * step
        temperature -= cooling
    return {
        node: (round(xs[i] - side / 2, 1), round(ys[i] - side / 2, 1)) for node, i in index.items()
    }


def remove_overlaps(
    positions: dict[str, tuple[float, float]],
    radii: dict[str, float],
    *,
    gap: float = 12.0,
    rounds: int = 200,
) -> dict[str, tuple[float, float]]:
    """Push apart nodes whose shapes (circles of ``radii``, plus ``gap``) overlap.

    A force layout leaves hubs' big shapes on top of their leaves, and no zoom level separates
    two shapes that cover each other. Each round moves every overlapping pair apart along the
    line between them by the missing distance, halved, until no pair overlaps. The order is
    fixed (nodes sorted, pairs in grid order), so the result is reproducible.
    """
    nodes = sorted(positions)
    if not nodes:
        return {}
    xs = [positions[n][0] for n in nodes]
    ys = [positions[n][1] for n in nodes]
    rs = [radii.get(n, 10.0) for n in nodes]
    cell = 2 * max(rs) + gap
    for round_ in range(rounds):
        grid: dict[tuple[int, int], list[int]] = {}
        for i in range(len(nodes)):
            grid.setdefault((math.floor(xs[i] / cell), math.floor(ys[i] / cell)), []).append(i)
        moved = False
        for cx, cy in sorted(grid):
            members = grid[(cx, cy)]
            for ox, oy in ((0, 0), (1, 0), (1, 1), (0, 1), (-1, 1)):
                others = members if (ox, oy) == (0, 0) else grid.get((cx + ox, cy + oy), [])
                for a, i in enumerate(members):
                    for j in others[a + 1 :] if (ox, oy) == (0, 0) else others:
                        need = rs[i] + rs[j] + gap
                        dx, dy = xs[j] - xs[i], ys[j] - ys[i]
                        dist = math.hypot(dx, dy)
                        if dist >= need:
                            continue
                        if dist < 1e-6:
                            # Same place: part them along a direction fixed by their indices.
                            angle = (i * 7919 + j * 104729 + round_) % 360 * math.pi / 180
                            dx, dy, dist = math.cos(angle), math.sin(angle), 1.0
                        push = (need - dist) / 2 + 0.5
                        ux, uy = dx / dist * push, dy / dist * push
                        xs[i], ys[i] = xs[i] - ux, ys[i] - uy
                        xs[j], ys[j] = xs[j] + ux, ys[j] + uy
                        moved = True
        if not moved:
            break
    return {n: (round(xs[i], 1), round(ys[i], 1)) for i, n in enumerate(nodes)}


def count_overlaps(positions: dict[str, tuple[float, float]], radii: dict[str, float]) -> int:
    """How many nodes' shapes overlap another node's shape (for tests and benchmarks)."""
    nodes = sorted(positions)
    hit: set[str] = set()
    for a, u in enumerate(nodes):
        for v in nodes[a + 1 :]:
            if math.dist(positions[u], positions[v]) < radii.get(u, 10.0) + radii.get(v, 10.0):
                hit.update((u, v))
    return len(hit)
