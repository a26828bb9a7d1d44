"""Whom a measure belongs to: the policy that sets a target and the topics it concerns."""

from __future__ import annotations

import re

from policygraph.extract.base import starting_in
from policygraph.model import EntityMention, EntityRef, QuoteFact
from policygraph.text.document import Block
from policygraph.text.spans import Stabbing

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
    quoted: Stabbing | None = None,
) -> EntityRef | None:
    """The policy a target belongs to: the policy a sidebar quote is an excerpt of, else
    the nearest policy named before the target in the same paragraph. With ``stated``
    (in a document that is itself a policy, whose own targets are the default) only a
    policy the paragraph says states the target (《纲要》提出，…) owns it: 深入实施大气污染
    防治行动计划。今年要淘汰燃煤小锅炉5万台 is the report's own target.

    ``policies`` are sorted by position (as ``entities`` gives them) and ``quoted`` indexes
    the quotes' spans, so that only the policies of this block and the quotes around it are
    looked at (a scan of all per target made long documents quadratic)."""
    if block.kind == "quote":
        if quoted is None:
            quoted = Stabbing((q.mention.start, q.mention.end) for q in quotes)
        for n in quoted.at(block.start):
            quote = quotes[n]
            if quote.policy:
                return quote.policy.ref
    before = [
        p
        for p in starting_in(policies, block.start, start + 1)
        if p.mention.start in offsets and p.mention.end - 1 in offsets and p.mention.end <= start
    ]
    if stated:
        before = [p for p in before if _STATES.match(text, p.mention.end)]
    return before[-1].ref if before else None


def concerns(
    block: Block, i: int, topics: list[EntityMention], j: int | None = None
) -> tuple[EntityRef, ...]:
    """The industries and technologies the measure at the block's offset ``i`` is about:
    those named in its own clause ``i:j``, else in the part of its sentence between
    semicolons. Not the whole sentence: a sentence that lists targets field by field (…5G
    基站…；数控机床…普及率…) would make every target concern every field.
    ``topics`` are sorted by position: only those starting in the range are looked at."""
    a, b = block.sentence_span(i)
    if b <= a:
        return ()
    text = block.text
    cut = max(text.rfind(c, a, i) for c in "；;")
    lo = cut + 1 if cut >= a else a
    ends = [k for c in "；;" if (k := text.find(c, j if j is not None else i, b)) >= 0]
    hi = min(ends) if ends else b
    ranges = ([(i, j)] if j is not None and j > i else []) + [(lo, hi)]
    for start, stop in ranges:
        span = frozenset(block.offsets[start:stop])
        found = {
            t.ref
            for t in starting_in(topics, block.offsets[start], block.offsets[stop - 1] + 1)
            if t.mention.start in span and t.mention.end - 1 in span
        }
        if found:
            return tuple(sorted(found, key=lambda r: (r.cls, r.key)))
    return ()
