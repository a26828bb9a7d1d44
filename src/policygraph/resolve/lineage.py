"""The reduce step of lineage: what follows from several documents together.

A document says that it repeals an earlier text, and from when it is itself in force; the
earlier text's end of force follows from both, so it belongs to no single document's graph.
It is derived after every document graph is loaded, into a corpus-level graph of its own
(``LINEAGE_GRAPH``) and the default graph. The result is a function of the document graphs
alone (a minimum over dates), so it does not depend on the order or the split of the corpus.
An update derives again only the texts its changed documents repeal or put in force
(:func:`update`).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from policygraph.namespaces import PREFIXES

LINEAGE_GRAPH = "https://w3id.org/policygraph/graph/lineage"

#: The terms the derivation reads: an update that moves no triple with one of them leaves
#: the graph as it is (store/incremental.py).
LINEAGE_READS = (
    b"<https://w3id.org/policygraph/ontology#repeals>",
    b"<https://w3id.org/policygraph/ontology#inForceFrom>",
)

_DERIVE = f"""
INSERT {{
    GRAPH <{LINEAGE_GRAPH}> {{ ?old pgo:inForceUntil ?until }}
    ?old pgo:inForceUntil ?until
}}
WHERE {{
    {{ SELECT ?old (MIN(?from) AS ?until) WHERE {{
        ?new pgo:repeals ?old ; pgo:inForceFrom ?from .
        FILTER(?new != ?old)
    }} GROUP BY ?old }}
}}
"""


def derive_lineage(store: ox.Store) -> None:
    """Give every repealed policy ``pgo:inForceUntil``: the earliest date from which a
    document that repeals it is in force. Reads and writes the store in place."""
    store.update(_DERIVE, prefixes=PREFIXES)


_UNTIL = """
SELECT ?old (MIN(?from) AS ?until) WHERE {
    VALUES ?old { %s }
    ?new pgo:repeals ?old ; pgo:inForceFrom ?from .
    FILTER(?new != ?old)
} GROUP BY ?old
"""


def update(store: ox.Store, lines: Iterable[bytes]) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """The lineage graph after an update, by difference: the quads to take out of it and
    those to put in, as :func:`derive_lineage` would give them on the whole store. A
    repealed text's end of force changes only when a ``pgo:repeals`` triple naming it, or
    the ``pgo:inForceFrom`` of a text that repeals it, entered or left: ``lines`` holds
    every line of the changed document graphs, before and after, and every line that
    entered or left another graph."""
    repeals, in_force = _P("repeals"), _P("inForceFrom")
    olds: set[str] = set()
    for t in ox.parse(b"".join(set(lines)), ox.RdfFormat.N_TRIPLES):
        if t.predicate == repeals and isinstance(t.object, ox.NamedNode):
            olds.add(t.object.value)
        elif t.predicate == in_force:  # every text the one now in force repeals
            for q in store.quads_for_pattern(t.subject, repeals, None, None):
                if isinstance(q.object, ox.NamedNode):
                    olds.add(q.object.value)
    graph = ox.NamedNode(LINEAGE_GRAPH)
    until = _P("inForceUntil")
    old: list[ox.Quad] = []
    new: list[ox.Quad] = []
    wanted = sorted(olds)
    for i in range(0, len(wanted), 500):
        part = wanted[i : i + 500]
        for iri in part:
            old += store.quads_for_pattern(ox.NamedNode(iri), until, None, graph)
        values = " ".join(f"<{iri}>" for iri in part)
        for r in store.query(_UNTIL % values, prefixes=PREFIXES):  # type: ignore[union-attr]
            if r["until"] is not None:
                new.append(ox.Quad(r["old"], until, r["until"], graph))
    return old, new


def _P(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"https://w3id.org/policygraph/ontology#{name}")
