"""Whom a measure belongs to: the policy that sets a target and the topics it concerns."""

from __future__ import annotations

import re

from policygraph.model import EntityMention, EntityRef, QuoteFact
from policygraph.text.document import Block

# 《纲要（草案）》提出, “七五”计划草案规定, 《意见》明确: the policy states what follows
_STATES = re.compile(
    r"[》”\"）)\s]*(?:（[^）]{0,12}）)?(?:草案)?(?:中|里|还)?(?:明确)?"
    r"(?:提出|明确|要求|规定|确定|部署|指出|设定|强调|提到|描绘|目标)"
)


def owning_policy(
    block: Block,
    start: int,
    offsets: set[int],
    policies: list[EntityMention],
    quotes: list[QuoteFact],
    *,
    text: str,
    stated: bool = False,
) -> EntityRef | None:
    """The policy a target belongs to: the policy a sidebar quote is an excerpt of, else
    the nearest policy named before the target in the same paragraph. With ``stated``
    (in a document that is itself a policy, whose own targets are the default) only a
    policy the paragraph says states the target (《纲要》提出，…) owns it: 深入实施大气污染
    防治行动计划。今年要淘汰燃煤小锅炉5万台 is the report's own target."""
    if block.kind == "quote":
        for quote in quotes:
            if quote.policy and quote.mention.start <= block.start < quote.mention.end:
                return quote.policy.ref
    before = [
        p
        for p in policies
        if p.mention.start in offsets and p.mention.end - 1 in offsets and p.mention.end <= start
    ]
    if stated:
        before = [p for p in before if _STATES.match(text, p.mention.end)]
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
