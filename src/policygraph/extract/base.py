"""What every extractor shares: the protocol, text normalisation and lookups of earlier facts."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate

from policygraph.model import EntityClass, EntityMention, Fact, Mention

# Quotation marks and title brackets that do not change what a name refers to.
_QUOTES = re.compile(r"[“”\"'‘’「」『』《》〈〉]")


def _fold_table() -> dict[int, int | None]:
    table: dict[int, int | None] = {
        code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code) not in "（）：；，！？"
    }
    # Every white-space code point is below U+3001 (U+3000, the ideographic space, is the
    # last; tests/test_lexicon.py checks it): scanning all 1.1 M code points took 0.17 s of
    # every process's start.
    table.update((code, None) for code in range(_LAST_SPACE + 1) if chr(code).isspace())
    return table


_LAST_SPACE = 0x3000


# One translate table, not a Python loop per character: every mention's label is folded,
# and most labels have nothing to fold, which a regex search tells fastest.
_FOLD = _fold_table()
_NOT_FOLDED = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_FOLD)) + "]")


def fold(text: str) -> str:
    """Fold full-width ASCII to half-width and drop white space (NFKC would also rewrite
    Chinese punctuation such as 、 and （ that we want to keep as written)."""
    if _NOT_FOLDED.search(text):
        text = text.translate(_FOLD)
    folded = unicodedata.normalize("NFC", text)
    return folded.replace("(", "（").replace(")", "）")


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


class Spans:
    """``(start, end)`` spans asked many times whether one of them covers a range: sorted
    once, so each question costs a bisection instead of a scan of every span (a long
    document has thousands of mentions)."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [a for a, _ in ordered]
        # The furthest end among the spans that start at or before each one.
        self._ends = list(accumulate((b for _, b in ordered), max))

    def cover(self, start: int, end: int) -> bool:
        """Is there a span ``(a, b)`` with ``a <= start`` and ``end <= b``?"""
        k = bisect_right(self._starts, start) - 1
        return k >= 0 and self._ends[k] >= end

    def overlap(self, start: int, end: int) -> bool:
        """Is there a span ``(a, b)`` with ``a < end`` and ``start < b``?"""
        k = bisect_left(self._starts, end) - 1
        return k >= 0 and self._ends[k] > start


class Stabbing:
    """Which of many ``(start, end)`` spans contain a position, answered by one bisection
    (a per-question scan of every span made long documents quadratic). The positions where
    a span starts or ends cut the text into segments; each segment lists the spans over it,
    in the order they were given. Mentions and blocks rarely nest more than a few deep, so
    the lists stay short."""

    __slots__ = ("_bounds", "_over")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        spans = list(spans)
        self._bounds = sorted({p for span in spans for p in span})
        self._over: list[list[int]] = [[] for _ in self._bounds]
        for n, (a, b) in enumerate(spans):
            k = bisect_left(self._bounds, a)
            while self._bounds[k] < b:
                self._over[k].append(n)
                k += 1

    def at(self, position: int) -> list[int]:
        """Indices (in the given order) of the spans ``(a, b)`` with ``a <= position < b``."""
        k = bisect_right(self._bounds, position) - 1
        return self._over[k] if k >= 0 else []


class Claims:
    """Spans claimed one at a time, asked whether a new span overlaps one of them. Spans
    are filed by where they start, in buckets of ``_WIDTH`` positions, so a question looks
    at the few buckets a span could reach from, not at every claim so far."""

    __slots__ = ("_buckets", "_longest")
    _WIDTH = 64

    def __init__(self) -> None:
        self._buckets: dict[int, list[tuple[int, int]]] = {}
        self._longest = 0

    def add(self, start: int, end: int) -> None:
        self._buckets.setdefault(start // self._WIDTH, []).append((start, end))
        self._longest = max(self._longest, end - start)

    def overlap(self, start: int, end: int) -> bool:
        """Is there a claimed ``(a, b)`` with ``a < end`` and ``start < b``?"""
        first = (start - self._longest) // self._WIDTH
        last = (end - 1) // self._WIDTH
        return any(
            a < end and start < b
            for k in range(first, last + 1)
            for a, b in self._buckets.get(k, ())
        )


def starting_in(mentions: Sequence[EntityMention], start: int, end: int) -> Sequence[EntityMention]:
    """The mentions of ``mentions`` (sorted by start, as :func:`entities` gives them) that
    start in ``[start, end)``, found by bisection."""
    i = bisect_left(mentions, start, key=lambda f: f.mention.start)
    j = bisect_left(mentions, end, lo=i, key=lambda f: f.mention.start)
    return mentions[i:j]
