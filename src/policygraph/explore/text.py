"""A document's text as the explorer shows it: split into addressable sentences, with
mentions as marks (displaCy/brat style). Text is only ever escaped text, never markup."""

from __future__ import annotations

import bisect
import re
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

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        for m in _END.finditer(text):
            if m.end() < len(text) and m.end() != starts[-1]:
                starts.append(m.end())
        self.starts = starts

    def __len__(self) -> int:
        return len(self.starts)

    def index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def span(self, i: int) -> tuple[int, int]:
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.text)
        return self.starts[i], end


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
        cls = f"m c-{m.cls}" + (" focus" if m.focus else "")
        ident = f"m{m.start}-{m.end}"
        if inner:
            # No link inside a link: a mark holding marks gets its link as a small tag.
            body = Markup("").join(_render(text, m.start, m.end, inner))
            out.append(
                Markup(
                    '<mark class="{}" id="{}" title="{}">{}<a class="tag" href="{}">{}</a></mark>'
                ).format(cls, ident, m.title, body, m.href, m.cls)
            )
        else:
            out.append(
                Markup('<a class="{}" id="{}" href="{}" title="{}">{}</a>').format(
                    cls, ident, m.href, m.title, text[m.start : m.end]
                )
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
