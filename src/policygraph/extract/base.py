"""What every extractor shares: the protocol, text normalisation and lookups of earlier facts."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate

from policygraph.model import EntityClass, EntityMention, Fact, Mention

# Quotation marks and title brackets that do not change what a name refers to.
_QUOTES = re.compile(r"[“”\"'‘’「」『』《》〈〉]")


def _fold_table() -> dict[int, int | None]:
    table: dict[int, int | None] = {
        code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code) not in "（）：；，！？"
    }
    table.update((code, None) for code in range(0x110000) if chr(code).isspace())
    return table


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
