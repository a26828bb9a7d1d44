"""What every extractor shares: the keys of names (folded by
:func:`~policygraph.rules.normalize.fold`) and lookups of earlier facts."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence

from policygraph.model import EntityClass, EntityMention, Fact, Mention
from policygraph.rules.normalize import fold

# Quotation marks and title brackets that do not change what a name refers to.
_QUOTES = re.compile(r"[“”\"'‘’「」『』《》〈〉]")


def entity_key(label: str) -> str:
    """The identity of a name: folded, without quotation marks and title brackets, so that
    《国务院关于深入实施“人工智能+”行动的意见》 and 国务院关于深入实施人工智能+行动的意见 meet."""
    return _QUOTES.sub("", fold(label))


#: An edition note after a title: （2018年修正）, （2019年4月23日修正）, (2001修订本), （修订）.
_EDITION = re.compile(
    r"[（(]\s*(?:(?:19|20)\d{2}\s*年?(?:\d{1,2}月(?:\d{1,2}日)?)?)?\s*"
    r"(?:修正|修订|修改)(?:本|版)?\s*[）)]\s*$"
)
_NATION = "中华人民共和国"


def policy_key(title: str) -> str:
    """The identity of a policy or law *as a work*, whatever the form it is cited in:
    ``《中华人民共和国专利法》``, ``专利法``, ``中华人民共和国专利法（2008年修正）`` meet.

    A simplification of ELI's work/expression split, documented in docs/lineage.md: the
    editions of one law (修正, 修订) are one node, and an edition note is kept only as the
    form it was cited in. A national name's ``中华人民共和国`` is left out of the key, as
    texts do once the name has been given. Period notes (``（2025—2027年）``) and 试行 stay
    part of the name: they tell different documents apart."""
    key = entity_key(title)
    while (m := _EDITION.search(key)) and m.start() > 0:
        key = key[: m.start()]
    if key.startswith(_NATION) and len(key) > len(_NATION) + 1:
        key = key[len(_NATION) :]
    return key


def entities(found: Sequence[Fact], *classes: EntityClass) -> Iterator[EntityMention]:
    """Entity mentions of the given classes among ``found``, in document order."""
    hits = [f for f in found if isinstance(f, EntityMention) and f.ref.cls in classes]
    return iter(sorted(hits, key=lambda f: (f.mention.start, f.mention.end)))


def within(mention: Mention, start: int, end: int) -> bool:
    return start <= mention.start and mention.end <= end


def starting_in(mentions: Sequence[EntityMention], start: int, end: int) -> Sequence[EntityMention]:
    """The mentions of ``mentions`` (sorted by start, as :func:`entities` gives them) that
    start in ``[start, end)``, found by bisection."""
    i = bisect_left(mentions, start, key=lambda f: f.mention.start)
    j = bisect_left(mentions, end, lo=i, key=lambda f: f.mention.start)
    return mentions[i:j]


__all__ = ["entities", "entity_key", "fold", "policy_key", "starting_in", "within"]
