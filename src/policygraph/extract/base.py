"""What every extractor shares: the protocol, text normalisation and lookups of earlier facts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence

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
