"""Whom a measure belongs to: the policy that sets a target and the topics it concerns."""

from __future__ import annotations

from policygraph.model import EntityMention, EntityRef, QuoteFact
from policygraph.text.document import Block


def owning_policy(
    block: Block,
    start: int,
    offsets: set[int],
    policies: list[EntityMention],
    quotes: list[QuoteFact],
) -> EntityRef | None:
    """The policy a target belongs to: the policy a sidebar quote is an excerpt of, else
    the nearest policy named before the target in the same paragraph."""
    if block.kind == "quote":
        for quote in quotes:
            if quote.policy and quote.mention.start <= block.start < quote.mention.end:
                return quote.policy.ref
    before = [
        p
        for p in policies
        if p.mention.start in offsets and p.mention.end - 1 in offsets and p.mention.end <= start
    ]
    return before[-1].ref if before else None


def concerns(block: Block, i: int, topics: list[EntityMention]) -> tuple[EntityRef, ...]:
    """The industries and technologies named in the sentence of the block's offset ``i``."""
    sentence = _sentence_offsets(block, i)
    return tuple(
        sorted(
            {
                t.ref
                for t in topics
                if t.mention.start in sentence and t.mention.end - 1 in sentence
            },
            key=lambda r: (r.cls, r.key),
        )
    )


def _sentence_offsets(block: Block, i: int) -> frozenset[int]:
    a, b = block.sentence_span(i)
    return frozenset(block.offsets[a:b])
