"""Canonical labels: the reduce of label votes into one ``rdfs:label`` per shared entity.

Document graphs state no ``rdfs:label`` for an entity seen across documents (only the
forms they use, as ``skos:altLabel``): the canonical one is decided from every document's
votes and lives in :data:`LABELS_GRAPH` (and in the default graph, the merge queries read).
"""

from __future__ import annotations

from collections.abc import Mapping

from policygraph.model import EntityRef
from policygraph.resolve.summary import Summary

LABELS_GRAPH = "https://w3id.org/policygraph/graph/labels"


def canonical(votes: Mapping[str, int], key: str) -> str:
    """The label given most often; ties go to the shorter, then to the smaller in
    code-point order. An entity nobody labelled (known only through a relation) is
    labelled with its key."""
    if not votes:
        return key
    return min(votes, key=lambda label: (-votes[label], len(label), label))


def labels(summary: Summary) -> dict[EntityRef, str]:
    """The canonical label of every shared entity that some document graph declares."""
    return {ref: canonical(summary.votes.get(ref, {}), ref.key) for ref in summary.entities}
