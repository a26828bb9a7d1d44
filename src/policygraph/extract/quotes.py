"""Quotations: sidebar quotes with a ``——`` attribution, and quotes inline in running text.

A sidebar quote is the run of ``quote`` blocks the layout found above an ``attribution``
line. The attribution names a speaker (a person found there), a date (``2025年4月`` →
2025-04), an event (a meeting, a study session, an inspection) and a place; or it names a
policy document (``——《国务院关于……的意见》``), in which case the quote is an excerpt of
that policy. Inline quotes are ``习近平总书记强调，“……”`` and ``中央城市工作会议提出“……”``:
a speaker or event immediately followed by a speech verb and a quotation in “”.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from policygraph.extract.base import entities
from policygraph.model import EntityMention, Fact, Mention, QuoteFact
from policygraph.text.document import Block, Document
from policygraph.text.numerals import iso_dates

_INLINE = re.compile(
    r"(?:总书记|同志|主席|总理)?(?:明确|深刻|多次|一再|进一步)?"
    r"(?:强调|指出|提出|表示|要求|说)[，,：:]?“(?P<q>[^”]{4,})”"
)


def extract(doc: Document, found: Sequence[Fact]) -> Iterator[Fact]:
    persons = list(entities(found, "Person"))
    events = list(entities(found, "Event"))
    places = list(entities(found, "Place"))
    policies = list(entities(found, "Policy"))
    blocks = doc.blocks
    for n, block in enumerate(blocks):
        if block.kind != "attribution":
            continue
        k = n
        while k > 0 and blocks[k - 1].kind == "quote":
            k -= 1
        if k == n:
            continue
        quoted = blocks[k:n]
        start, end = quoted[0].start, quoted[-1].end
        inside = (block.start, block.end)
        yield QuoteFact(
            text="\n".join(b.text for b in quoted),
            mention=Mention(
                start, end, doc.text[start:end], quoted[0].sentence_at(0), "quotes.sidebar"
            ),
            attribution=doc.mention(block, 0, len(block.text), "quotes.attribution"),
            speaker=_first_in(persons, inside),
            policy=_first_in(policies, inside),
            date=_date(block.text),
            event=_first_in(events, inside),
            place=_first_in(places, inside),
            article=block.article,
        )
    yield from _inline(doc, persons + events)


def _inline(doc: Document, subjects: list[EntityMention]) -> Iterator[QuoteFact]:
    for subject in sorted(subjects, key=lambda e: e.mention.start):
        block = _block_of(doc, subject.mention.end)
        if block is None or block.kind not in ("body", "quote"):
            continue
        last = block.index_of(subject.mention.end - 1)
        first = block.index_of(subject.mention.start)
        if last is None or first is None:
            continue
        i = last + 1
        m = _INLINE.match(block.text, i)
        if m is None:
            continue
        qi, qj = m.span("q")
        mention = doc.mention(block, qi, qj, "quotes.inline")
        yield QuoteFact(
            text=m["q"],
            mention=mention,
            attribution=doc.mention(block, first, m.end(), "quotes.inline"),
            speaker=subject if subject.ref.cls == "Person" else None,
            event=subject if subject.ref.cls == "Event" else None,
            date=None,
            article=block.article,
        )


def _block_of(doc: Document, end: int) -> Block | None:
    for block in doc.blocks:
        if block.start < end <= block.end and block.index_of(end - 1) is not None:
            return block
    return None


def _first_in(mentions: list[EntityMention], span: tuple[int, int]) -> EntityMention | None:
    a, b = span
    return next((m for m in mentions if a <= m.mention.start and m.mention.end <= b), None)


def _date(text: str) -> str | None:
    return next((iso for iso, _, _ in iso_dates(text)), None)
