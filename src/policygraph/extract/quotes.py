"""Quotations: sidebar quotes with a ``——`` attribution, and quotes inline in running text.

A sidebar quote is the run of ``quote`` blocks the layout found above an ``attribution``
line. The attribution names a speaker (a person found there), a date (``2025年4月`` →
2025-04), an event (a meeting, a study session, an inspection) and a place; or it names a
policy document (``——《国务院关于……的意见》``), in which case the quote is an excerpt of
that policy. Inline quotes are ``习近平总书记强调，“……”``, ``中央城市工作会议提出“……”``
and ``“十五五”规划建议强调……，要求“……”``: a speaker, event or policy followed by a speech
verb (after at most one clause of reported speech) and a quotation in “”; ``，要求“……”``
right after it is a further quotation of the same subject. A speaker's setting may stand
before the verb (``习近平总书记2024年10月在安徽考察时强调，“……”``: date, event and place of
the quote). An event's quotes are dated when the text says when it was held (``今年召开的``
→ the document's year).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from policygraph.extract.base import entities, starting_in
from policygraph.extract.driver import FactRecognizer
from policygraph.model import EntityMention, Fact, Mention, QuoteFact
from policygraph.rules.registry import check
from policygraph.text.document import Block, Document
from policygraph.text.numerals import iso_dates
from policygraph.text.spans import Stabbing

_VERB = r"(?:明确|深刻|多次|一再|进一步)?(?:强调|指出|提出|表示|要求|说)"
# 习近平总书记强调，“……” / 全会强调“……” / 规划建议强调因地制宜……，要求“……”: a first
# clause of reported speech may stand between the subject and the verb that opens the quote.
# 习近平总书记2024年10月在安徽考察时强调，“……”: when and where (the setting) may stand
# between the speaker and the verb.
_INLINE = re.compile(
    r"(?:总书记|同志|主席|总理)?"
    r"(?P<setting>(?:\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?)?"
    r"(?:在[^“”。；;！？!?]{2,40}?(?:时|上|期间))?[，,]?)"
    rf"(?:{_VERB}[^“”。；;！？!?]{{1,40}}?[，,])?"
    rf"{_VERB}[，,：:]?“(?P<q>[^”]{{4,}})”"
)
# …强调“A”，要求“B”: the same subject goes on to a second quotation.
_CHAINED = re.compile(rf"[，,、]?(?:并|还|同时)?{_VERB}[，,：:]?“(?P<q>[^”]{{4,}})”")
# 今年召开的中央城市工作会议 / 2024年12月召开的…: when the event took place.
_HELD = re.compile(
    r"(?:(?P<rel>今年|去年|前年)|(?P<y>\d{4})年(?:(?P<m>\d{1,2})月)?)"
    r"(?:\d{1,2}日)?(?:召开|举行|举办)的$"
)
_OFFSET = {"今年": 0, "去年": -1, "前年": -2}


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
                start, end, doc.text[start:end], quoted[0].sentence_at(0), check("quotes.sidebar")
            ),
            attribution=doc.mention(block, 0, len(block.text), "quotes.attribution"),
            speaker=_first_in(persons, inside),
            policy=_first_in(policies, inside),
            date=_date(block.text),
            event=_first_in(events, inside),
            place=_first_in(places, inside),
            article=block.article,
        )
    yield from _inline(doc, persons + events + policies, events, places)


def _inline(
    doc: Document,
    subjects: list[EntityMention],
    events: list[EntityMention],
    places: list[EntityMention],
) -> Iterator[QuoteFact]:
    said: set[int] = set()  # quotations already attributed (to a speaker before its event)
    spans = Stabbing((b.start, b.end) for b in doc.blocks)
    for subject in sorted(subjects, key=lambda e: e.mention.start):
        block = _block_of(doc, spans, subject.mention.end)
        if block is None or block.kind not in ("body", "quote"):
            continue
        last = block.index_of(subject.mention.end - 1)
        first = block.index_of(subject.mention.start)
        if last is None or first is None:
            continue
        m = _INLINE.match(block.text, last + 1)
        if m is None:
            continue
        event = subject if subject.ref.cls == "Event" else None
        place = None
        if subject.ref.cls == "Event":
            date = _held(doc, block.text[max(0, first - 16) : first])
        else:
            date = next((iso for iso, _, _ in iso_dates(m["setting"])), None)
            a, b = m.span("setting")
            if b > a:
                span = block.original_span(a, b)
                event = _first_in(events, span)
                place = _first_in(places, span)
        while m is not None:
            qi, qj = m.span("q")
            mention = doc.mention(block, qi, qj, "quotes.inline")
            if mention.start not in said:
                said.add(mention.start)
                yield QuoteFact(
                    text=m["q"],
                    mention=mention,
                    attribution=doc.mention(block, first, m.end(), "quotes.inline"),
                    speaker=subject if subject.ref.cls == "Person" else None,
                    policy=subject if subject.ref.cls == "Policy" else None,
                    event=event,
                    date=date,
                    place=place,
                    article=block.article,
                )
            m = _CHAINED.match(block.text, m.end())


def _held(doc: Document, before: str) -> str | None:
    """The year (or month) an event was held, from ``今年召开的`` / ``2024年12月召开的``
    right before its name; relative years count from the document's date."""
    m = _HELD.search(before)
    if m is None:
        return None
    if m["rel"]:
        year = doc.meta.year
        return str(year + _OFFSET[m["rel"]]) if year else None
    return f"{m['y']}-{int(m['m']):02d}" if m["m"] else m["y"]


def _block_of(doc: Document, spans: Stabbing, end: int) -> Block | None:
    """The first block whose clean text holds the character before ``end``; ``spans``
    indexes the blocks' original spans (a scan of every block per subject was quadratic)."""
    for n in spans.at(end - 1):
        block = doc.blocks[n]
        if block.index_of(end - 1) is not None:
            return block
    return None


def _first_in(mentions: list[EntityMention], span: tuple[int, int]) -> EntityMention | None:
    """The first of ``mentions`` (sorted by position) inside ``span``: only those that
    start in it are looked at."""
    a, b = span
    return next((m for m in starting_in(mentions, a, b + 1) if m.mention.end <= b), None)


def _date(text: str) -> str | None:
    return next((iso for iso, _, _ in iso_dates(text)), None)


RECOGNIZER = FactRecognizer("quotes", extract, needs=("persons", "events", "places", "policies"))
