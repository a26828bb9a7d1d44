"""Industries and technologies from the vocabularies ``ontology/vocab/industries.ttl`` and
``technologies.ttl`` (rules ``lexicon.industry``, ``lexicon.technology``), and what policies
concern.

Included: every label of both vocabularies, matched together so that the longest wins
across them (智能芯片 over 芯片, 人工智能产业 (Industry) over 人工智能, 传统制造业 over 制造业);
canonical label = the prefLabel (AI → 人工智能, 文旅 → 文化旅游). Matches inside a Policy
mention are kept (a title about AI mentions 人工智能) and give ``Relation(policy, "concerns",
…)``.

Excluded: two-character terms that are not whole jieba words (教育 inside the word 义务教育);
matches inside an Organization, Place or Event mention (教育 in 教育部, 农业 in
农业农村部); fixed phrases in ``NOT_LEXICON`` where a sector word means something else
(农业转移人口 are rural migrants, not agriculture; 理想信念教育 is a campaign, not the
education sector).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from functools import cache

from policygraph.extract.base import entity_key
from policygraph.extract.driver import FactRecognizer, text_blocks
from policygraph.model import EntityClass, EntityMention, EntityRef, Fact, Relation
from policygraph.rules.vocab import Concept, WordBounds, load_scheme
from policygraph.text.document import Document
from policygraph.text.spans import Spans, Stabbing

SCHEMES: tuple[tuple[str, EntityClass, str], ...] = (
    ("industries", "Industry", "lexicon.industry"),
    ("technologies", "Technology", "lexicon.technology"),
)
# Terms this short (教育, 农业, 医疗) must be whole words: 教育 in 义务教育 is a kind of
# schooling, not a mention of the education sector.
SHORT = 2
# Phrases in which a vocabulary word does not name the industry or technology.
NOT_LEXICON = re.compile(
    r"农业转移人口|农业人口|非农业"
    r"|(?:学习|信念|主义|党史|历史|发展史|健康|警示|宣传|国情|国防|法治|主题|普法|廉政)教育"
)


@cache
def _class_of() -> dict[str, tuple[EntityClass, str]]:
    out: dict[str, tuple[EntityClass, str]] = {}
    for name, cls, rule in SCHEMES:
        for concept in load_scheme(name):
            out[concept.iri] = (cls, rule)
    return out


def find_terms(text: str) -> list[tuple[int, int, Concept, EntityClass, str]]:
    """Industry and technology terms in ``text``: ``(i, j, concept, class, rule)``,
    non-overlapping, longest first across both vocabularies."""
    classes = _class_of()
    # finditer's matches do not overlap, so starts and ends both ascend and a bisection
    # tells whether a position is blocked (a scan per candidate was quadratic in a long line)
    blocked = [m.span() for m in NOT_LEXICON.finditer(text)]
    starts = [a for a, _ in blocked]

    def free(i: int) -> bool:
        k = bisect_right(starts, i) - 1
        return k < 0 or blocked[k][1] <= i

    candidates = [
        hit for name, _, _ in SCHEMES for hit in load_scheme(name).candidates(text) if free(hit[0])
    ]
    if not candidates:
        return []  # (most blocks: no list of taken positions, no word bounds)
    chosen: list[tuple[int, int, Concept]] = []
    taken = [False] * len(text)
    for i, j, concept in sorted(candidates, key=lambda h: (h[0] - h[1], h[0], h[2].iri)):
        if not any(taken[i:j]):
            chosen.append((i, j, concept))
            taken[i:j] = [True] * (j - i)
    bounds = WordBounds(text)
    return [
        (i, j, c, *classes[c.iri])
        for i, j, c in sorted(chosen, key=lambda h: h[0])
        if j - i > SHORT or (i in bounds and j in bounds)
    ]


def extract(doc: Document, found: Sequence[Fact]) -> Iterator[Fact]:
    entity_mentions = [f for f in found if isinstance(f, EntityMention)]
    blocking = Spans(
        (f.mention.start, f.mention.end)
        for f in entity_mentions
        if f.ref.cls in ("Organization", "Place", "Event")
    )
    policies = [f for f in entity_mentions if f.ref.cls == "Policy"]
    # the policies around a term, by bisection: a scan of every policy per term made a
    # long document's extraction quadratic
    around = Stabbing((p.mention.start, p.mention.end) for p in policies)
    for _, block in text_blocks(doc):
        for i, j, concept, cls, rule in find_terms(block.text):
            start, end = block.original_span(i, j)
            if blocking.cover(start, end):
                continue
            ref = EntityRef(cls, entity_key(concept.pref_label))
            m = doc.mention(block, i, j, rule)
            yield EntityMention(ref=ref, label=concept.pref_label, mention=m, article=block.article)
            for n in around.at(start):
                if end <= policies[n].mention.end:
                    yield Relation(policies[n].ref, "concerns", ref, m)


RECOGNIZER = FactRecognizer(
    "lexicon", extract, needs=("policies", "organizations", "places", "events")
)
