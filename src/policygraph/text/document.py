"""One decoded document and its layout blocks, with offsets back into the original text.

Layout repair (rejoining words broken across newspaper columns, lifting sidebar quotes out
of the running text) produces *clean* block text whose every character remembers its
original position, so extractors work on clean text and still report original offsets.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from policygraph.model import DocumentMeta, Mention
from policygraph.rules.registry import check as check_rule

BlockKind: TypeAlias = Literal[
    "title",  # article title
    "column",  # newspaper column name above a title (栏目, e.g. 习近平经济思想研究)
    "byline",  # author names under a title
    "heading",  # a section heading inside an article
    "body",  # running text
    "quote",  # a sidebar quotation
    "attribution",  # the ——… line under a quotation
    "affiliation",  # （作者系……）
    "editor",  # 本版编辑……
]

# Sentence ends. ； is not one: policy lists (目标是：…；…；…) are one sentence to the reader.
_SENTENCE_END = re.compile(r"[。！？!?]+[”’」』）)]*")
#: The longest sentence, in characters. A longer run (OCR or PDF text that lost its
#: punctuation, a glossary page, a repeated heading) is cut into pieces of at most this
#: size, after the last comma, semicolon, enumeration comma, colon or space of its second
#: half if there is one, else at the limit. Every rule works within a sentence and every
#: mention stores its sentence, so without a cap one such run costs the square of its
#: length. The longest sentence of the seeds and dev corpus has 426 characters.
MAX_SENTENCE = 1000
_WEAK_BREAK = re.compile(r"[，；、：,;:\s]")


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph-like unit of clean text. ``offsets[i]`` is the original position of
    ``text[i]`` (increasing); clean text may skip original characters (line breaks, an
    inserted quote)."""

    kind: BlockKind
    text: str
    offsets: tuple[int, ...]
    article: int | None = None
    # Sentence bounds, computed once: every mention asks for its sentence.
    _sentences: tuple[tuple[int, int], ...] = field(
        init=False, repr=False, compare=False, default=()
    )

    def __post_init__(self) -> None:
        if len(self.offsets) != len(self.text):
            raise ValueError("a block needs one original offset per character")
        bounds: list[tuple[int, int]] = []
        i = 0
        for m in _SENTENCE_END.finditer(self.text):
            if m.end() > i:
                bounds.append((i, m.end()))
                i = m.end()
        if i < len(self.text):
            bounds.append((i, len(self.text)))
        if any(b - a > MAX_SENTENCE for a, b in bounds):
            bounds = [piece for a, b in bounds for piece in _cut(self.text, a, b)]
        object.__setattr__(self, "_sentences", tuple(bounds))

    @property
    def start(self) -> int:
        return self.offsets[0]

    @property
    def end(self) -> int:
        return self.offsets[-1] + 1

    def original_span(self, i: int, j: int) -> tuple[int, int]:
        """Original ``(start, end)`` of clean ``text[i:j]`` (end exclusive, ``j > i``)."""
        return self.offsets[i], self.offsets[j - 1] + 1

    def index_of(self, offset: int) -> int | None:
        """The clean position of original ``offset``, or None if the block skips it."""
        k = bisect_left(self.offsets, offset)
        return k if k < len(self.offsets) and self.offsets[k] == offset else None

    def sentences(self) -> Iterator[tuple[int, int]]:
        """Clean ``(i, j)`` ranges of the sentences in this block."""
        return iter(self._sentences)

    def sentence_span(self, i: int) -> tuple[int, int]:
        """Clean ``(a, b)`` of the sentence containing clean position ``i``."""
        k = bisect_right(self._sentences, (i, len(self.text) + 1)) - 1
        return self._sentences[k] if k >= 0 else (0, len(self.text))

    def sentence_at(self, i: int) -> str:
        """The sentence containing clean position ``i``, stripped."""
        a, b = self.sentence_span(i)
        return self.text[a:b].strip()


def _cut(text: str, a: int, b: int) -> Iterator[tuple[int, int]]:
    """``text[a:b]`` in pieces of at most :data:`MAX_SENTENCE` characters (see there)."""
    while b - a > MAX_SENTENCE:
        limit = a + MAX_SENTENCE
        cut = limit
        for m in _WEAK_BREAK.finditer(text, a + MAX_SENTENCE // 2, limit):
            cut = m.end()
        yield a, cut
        a = cut
    yield a, b


@dataclass(slots=True)
class Document:
    """A source document: original ``text`` (offsets refer to it), metadata and blocks."""

    id: str  # stable slug, used in IRIs
    path: str  # source file, relative to the input folder
    text: str
    sha256: str
    meta: DocumentMeta
    blocks: list[Block] = field(default_factory=list)
    encoding: str = "utf-8"

    def mention(self, block: Block, i: int, j: int, rule: str) -> Mention:
        """A :class:`Mention` for clean ``block.text[i:j]``, in original offsets."""
        start, end = block.original_span(i, j)
        surface = self.text[start:end]
        clean = block.text[i:j]
        return Mention(
            start=start,
            end=end,
            surface=surface,
            # interned: the mentions of one sentence share its text (and pickle it once)
            sentence=sys.intern(block.sentence_at(i)),
            rule=check_rule(rule),
            clean=None if clean == surface else clean,
        )

    def blocks_of(self, *kinds: BlockKind) -> Iterator[Block]:
        return (b for b in self.blocks if b.kind in kinds)


def block_from_span(
    kind: BlockKind, text: str, start: int, end: int, article: int | None = None
) -> Block:
    """A block that is a plain slice ``text[start:end]`` of the original."""
    return Block(kind, text[start:end], tuple(range(start, end)), article)


def join_blocks(kind: BlockKind, parts: Sequence[Block], article: int | None = None) -> Block:
    """Concatenate blocks into one (a paragraph broken across columns)."""
    return Block(
        kind,
        "".join(p.text for p in parts),
        tuple(o for p in parts for o in p.offsets),
        article,
    )
