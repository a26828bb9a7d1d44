"""The reduce step of lineage: what follows from several documents together.

A document says that it repeals an earlier text, and from when it is itself in force; the
earlier text's end of force follows from both, so it belongs to no single document's graph.
It is derived after every document graph is loaded, into a corpus-level graph of its own
(``LINEAGE_GRAPH``) and the default graph. The result is a function of the document graphs
alone (a minimum over dates), so it does not depend on the order or the split of the corpus.
"""

from __future__ import annotations

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
