"""A document's summary: what the reduce needs from it, and how summaries merge.

A summary is small (counts and sets, no text) and :func:`merge` only adds counts and takes
unions, so it is associative and commutative: summaries of parts of a corpus built on
separate machines, merged in any order or grouping, equal the summary of the whole.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from policygraph.model import EntityRef


@dataclass(frozen=True, slots=True)
class Summary:
    """Label votes and the shared entities of one document, or of several merged.

    ``votes``: for each entity, how many times each label was given to it. ``entities``:
    the shared entities (keyed by :class:`EntityRef`, not made from a document id) the
    document graphs declare; each needs a canonical label, voted for or not. ``policies``:
    each policy that is itself a document (``kind: policy``), with the smallest id of the
    documents that are it (a deterministic key: the merge keeps the minimum)."""

    votes: Mapping[EntityRef, Mapping[str, int]] = field(default_factory=dict)
    entities: frozenset[EntityRef] = frozenset()
    policies: Mapping[EntityRef, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        doc_id: str,
        votes: Iterable[tuple[EntityRef, str, int]],
        entities: Iterable[EntityRef],
        self_policy: EntityRef | None = None,
    ) -> Summary:
        """One document's summary from its cached header's parts."""
        counts: dict[EntityRef, Counter[str]] = {}
        for ref, label, n in votes:
            counts.setdefault(ref, Counter())[label] += n
        policies = {self_policy: doc_id} if self_policy is not None else {}
        return cls(counts, frozenset(entities), policies)


def merge(*summaries: Summary) -> Summary:
    """The summary of the union of the documents: vote counts added, entity sets joined,
    each policy's smallest document id kept. Associative and commutative."""
    return merge_all(summaries)


def merge_all(summaries: Iterable[Summary]) -> Summary:
    """:func:`merge` over a stream, accumulating in place (one pass, no quadratic copies)."""
    votes: dict[EntityRef, Counter[str]] = {}
    entities: set[EntityRef] = set()
    policies: dict[EntityRef, str] = {}
    for s in summaries:
        for ref, counts in s.votes.items():
            votes.setdefault(ref, Counter()).update(counts)
        entities |= s.entities
        for policy, doc_id in s.policies.items():
            if policy not in policies or doc_id < policies[policy]:
                policies[policy] = doc_id
    # plain dicts, so that equal summaries compare equal whatever their history
    return Summary({ref: dict(c) for ref, c in votes.items()}, frozenset(entities), dict(policies))
