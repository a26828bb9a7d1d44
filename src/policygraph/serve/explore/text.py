"""A document's text as the explorer shows it: split into addressable sentences, with
mentions as marks (displaCy/brat style). Text is only ever escaped text, never markup."""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

#: A sentence ends after its final punctuation (and any closing quotes or brackets), or
#: at a line break. Numbering by this rule is what ``#s<N>`` addresses: it is the
#: explorer's own and stable for a given text, whatever the extractors' sentences were.
_END = re.compile(r"[。！？!?；;…]+[”’\"'」』）)】》]*|\n+")


@dataclass(frozen=True, slots=True)
class Mark:
    """One mention to draw: ``[start, end)`` in the text, its class and where it links."""

    start: int
    end: int
    cls: str
    href: str
    title: str
    focus: bool = False


class Sentences:
    """The sentence spans of a text, found once; ``index(offset)`` by bisection."""

    def __init__(self, text: str, starts: Sequence[int] | None = None) -> None:
        """``starts``: the text's :func:`sentence_starts`, when already found."""
        self.text = text
        self.starts = sentence_starts(text) if starts is None else starts

    def __len__(self) -> int:
        return len(self.starts)

    def index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def span(self, i: int) -> tuple[int, int]:
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.text)
        return self.starts[i], end


def sentence_starts(text: str) -> array[int]:
    """Where each sentence of ``text`` starts (0 first), as a compact array: the explorer
    keeps them for every document of the generation it serves."""
    n = len(text)
    return array("l", [0, *(e for e in (m.end() for m in _END.finditer(text)) if e < n)])


def render(text: str, lo: int, hi: int, marks: Sequence[Mark]) -> Markup:
    """``text[lo:hi]`` escaped, with ``marks`` (clipped to it) drawn. A mark inside another
    is drawn inside it; a mark that crosses another is left out (a reader sees the first)."""
    items = sorted(
        (Mark(max(m.start, lo), min(m.end, hi), m.cls, m.href, m.title, m.focus) for m in marks),
        key=lambda m: (m.start, -m.end),
    )
    items = [m for m in items if m.start < m.end]
    return Markup("").join(_render(text, lo, hi, items))


def _render(text: str, lo: int, hi: int, items: list[Mark]) -> list[Markup]:
    out: list[Markup] = []
    pos, i = lo, 0
    while i < len(items):
        m = items[i]
        if m.start < pos:  # crosses the mark before it
            i += 1
            continue
        out.append(escape(text[pos : m.start]))
        j, inner = i + 1, []
        while j < len(items) and items[j].start < m.end:
            if items[j].end <= m.end:
                inner.append(items[j])
            j += 1
        # Every value escaped here, in f-strings: Markup.format does the same in 10 µs a
        # mark instead of 2, which counts on a document of a thousand mentions.
        cls = escape(f"m c-{m.cls}" + (" focus" if m.focus else ""))
        ident = f"m{m.start}-{m.end}"
        href, title = escape(m.href), escape(m.title)
        if inner:
            # No link inside a link: a mark holding marks gets its link as a small tag.
            body = Markup("").join(_render(text, m.start, m.end, inner))
            out.append(
                Markup(
                    f'<mark class="{cls}" id="{ident}" title="{title}">{body}'
                    f'<a class="tag" href="{href}">{escape(m.cls)}</a></mark>'
                )
            )
        else:
            surface = escape(text[m.start : m.end])
            out.append(
                Markup(f'<a class="{cls}" id="{ident}" href="{href}" title="{title}">{surface}</a>')
            )
        pos, i = m.end, j
    out.append(escape(text[pos:hi]))
    return out


def highlight(sentence: str, surface: str) -> Markup:
    """A sentence kept as a literal, with the first occurrence of ``surface`` marked (for a
    document whose text the build did not keep)."""
    at = sentence.find(surface) if surface else -1
    if at < 0:
        return escape(sentence)
    return Markup("{}<mark>{}</mark>{}").format(
        sentence[:at], surface, sentence[at + len(surface) :]
    )
