"""What every extractor shares: the protocol, text normalisation and lookups of earlier facts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence

from policygraph.model import EntityClass, EntityMention, Fact, Mention

# Quotation marks and title brackets that do not change what a name refers to.
_QUOTES = re.compile(r"[“”\"'‘’「」『』《》〈〉]")


def fold(text: str) -> str:
    """Fold full-width ASCII to half-width and drop white space (NFKC would also rewrite
    Chinese punctuation such as 、 and （ that we want to keep as written)."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E and ch not in "（）：；，！？":
            ch = chr(code - 0xFEE0)
        if not ch.isspace():
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)).replace("(", "（").replace(")", "）")


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
