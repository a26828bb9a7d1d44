"""The facts of a chosen candidate: its Policy mention and issuers, and the issuedBy, issuedIn,
adoptedAt and period relations stated around it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from policygraph.extract.base import entity_key, policy_key
from policygraph.extract.driver import Found, Match
from policygraph.extract.local import document_seat, org_key
from policygraph.extract.organizations import find_organizations
from policygraph.extract.policies.candidates import Candidate
from policygraph.model import EntityMention, EntityRef, Fact, Mention, Relation
from policygraph.rules.policy_words import patterns, words
from policygraph.text.document import Block, Document
from policygraph.text.years import find_years

_LEVEL_WORD = re.compile("[省市区县州盟旗]")
_ADOPTED_BY = re.compile(r"^(?:上)?(?:审议)?(?:通过|批准)(?:了)?(?:的)?$")
_DATE_LINE = re.compile(
    r"^[（(]\s*(?P<y>(?:19|20)\d{2})年(?:\d{1,2}月(?:\d{1,2}日)?)?(?P<rest>[^（）()]*)[）)]$"
)


class Events:
    """The events recognizer's matches in a document's blocks, as the driver handed them."""

    def __init__(self, doc: Document, found: Found) -> None:
        self._found = found
        # a block's index in doc.blocks (the driver files matches by it)
        self._positions: dict[int, int] = {}
        for n, block in enumerate(doc.blocks):
            self._positions.setdefault(id(block), n)

    def position(self, block: Block) -> int | None:
        return self._positions.get(id(block))

    def within(self, block: Block, a: int, b: int) -> list[Match]:
        """The events that lie in ``block.text[a:b]``, in order."""
        n = self.position(block)
        if n is None:
            return []
        return [m for m in self._found.matches("events", n) if a <= m.start and m.end <= b]


def facts(
    cand: Candidate,
    doc: Document,
    labels: dict[str, str],
    periods_done: set[str],
    events: Events,
) -> Iterator[Fact]:
    """The facts of ``cand``; ``events`` are the events recognizer's matches."""
    block = cand.block
    key = policy_key(cand.label)
    ref = EntityRef("Policy", key)
    m = doc.mention(block, cand.i, cand.j, cand.rule)
    yield EntityMention(
        ref=ref,
        label=labels[key],
        mention=m,
        article=block.article,
        alias=cand.kind != "self-reference",
    )
    for i, j, cls, label in cand.issuers:
        issuer = EntityRef(cls, entity_key(label))
        yield EntityMention(
            ref=issuer,
            label=label,
            mention=doc.mention(block, i, j, "policies.issuer"),
            article=block.article,
        )
        yield Relation(ref, "issuedBy", issuer, m)
    for label in cand.known_issuers:
        yield Relation(ref, "issuedBy", EntityRef("Organization", entity_key(label)), m)
    if cand.issued_in is not None and cand.kind == "named-document":
        yield Relation(ref, "issuedIn", EntityRef("Year", str(cand.issued_in)), m)
    if cand.titled:
        stated = {EntityRef(cls, entity_key(label)) for _, _, cls, label in cand.issuers}
        for issuer in _issuers_before(cand, doc, events):
            if issuer not in stated:
                yield Relation(ref, "issuedBy", issuer, m)
        if cand.kind == "title-heading":
            cand.issued_in, cand.adopted_at = _date_line(cand, doc, events)
        year = cand.issued_in or _issued_in(cand, doc)
        if year is not None:
            yield Relation(ref, "issuedIn", EntityRef("Year", str(year)), m)
    adopted = cand.adopted_at or _adopted_at(cand, events)
    if adopted is not None:
        yield Relation(ref, "adoptedAt", EntityRef("Event", entity_key(adopted)), m)
    if cand.period is not None and key not in periods_done:
        periods_done.add(key)
        yield from _period_relations(ref, cand.period, m)


def _period_relations(ref: EntityRef, period: tuple[int, int], m: Mention) -> Iterator[Relation]:
    yield Relation(ref, "periodStart", EntityRef("Year", str(period[0])), m)
    yield Relation(ref, "periodEnd", EntityRef("Year", str(period[1])), m)


def _sentence_span(block: Block, i: int) -> tuple[int, int]:
    return block.sentence_span(i)


def _issued_in(cand: Candidate, doc: Document) -> int | None:
    """The year of issuance stated before the title in its sentence (``今年，《…》印发``)."""
    text = cand.block.text
    a, _ = _sentence_span(cand.block, cand.i)
    after = text[cand.j : cand.j + 10]
    before = text[max(a, cand.i - 9) : cand.i]
    compiled = patterns()
    if not (compiled.issue_after.match(after) or compiled.issue_before.search(before)):
        return None
    years = [
        y
        for y in find_years(text[a : cand.i], base_year=doc.meta.year)
        if not text[a : a + y.i].endswith(words().no_year_before)
    ]
    return years[-1].year if years else None


def _issuers_before(cand: Candidate, doc: Document, events: Events) -> list[EntityRef]:
    """``国务院办公厅印发《…》``, ``工业和信息化部等六部门联合印发《…》``, ``国务院关于印发《…》
    的通知`` → the organizations right before the verb."""
    text = cand.block.text
    a, _ = _sentence_span(cand.block, cand.i)
    before = text[a : cand.i]
    m = patterns().issuer_before.search(before)
    if not m:
        return []
    head = patterns().issuer_tail.sub("", before[: m.start()])
    # 省发展改革委印发《…》: a local body, placed by the document's seat (extract.local)
    seat = document_seat(doc) if _LEVEL_WORD.search(head) else None
    inside = [(e.start - a, e.end - a) for e in events.within(cand.block, a, a + len(head))]
    names = find_organizations(head, seat=seat, events=inside)
    outer = [h for h in names if not any(o[0] <= h[0] and h[1] <= o[1] and o != h for o in names)]
    refs: list[EntityRef] = []
    end = len(head)
    for i, j, label, rule in reversed(outer):
        if head[j:end].strip(" 、，,和与及") != "":
            break
        refs.insert(0, EntityRef("Organization", org_key(label, rule, doc.id)))
        end = i
    return refs


def _adopted_at(cand: Candidate, events: Events) -> str | None:
    """The meeting right before ``(审议)通过的`` this policy, as a canonical event label."""
    text = cand.block.text
    a, _ = _sentence_span(cand.block, cand.i)
    for event in reversed(events.within(cand.block, a, cand.i)):
        if _ADOPTED_BY.match(text[event.end : cand.i]):
            return event.label
    return None


def _date_line(cand: Candidate, doc: Document, events: Events) -> tuple[int | None, str | None]:
    """Year and adopting meeting from the line under a title heading:
    ``（2020年10月29日中国共产党第十九届中央委员会第五次全体会议通过）``."""
    blocks = doc.blocks
    at = events.position(cand.block)
    if at is None or at + 1 >= len(blocks):
        return None, None
    line = blocks[at + 1]
    lead = len(line.text) - len(line.text.lstrip())
    m = _DATE_LINE.match(line.text.strip())
    if not m:
        return None, None
    a, b = lead + m.start("rest"), lead + m.end("rest")
    stated = events.within(line, a, b)
    adopted = None
    if stated and line.text[stated[-1].end : b].startswith(("通过", "审议通过", "批准")):
        adopted = stated[-1].label
    return int(m["y"]), adopted
