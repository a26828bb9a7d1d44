"""The block driver and the recognizer contract every extractor follows.

A :class:`Recognizer` has a ``name``, the names of the earlier recognizers whose facts it
``needs``, and ``find(doc, found)``, which yields facts. ``found`` (:class:`Found`) is what the
driver hands it: the facts of the recognizers run before it and, for those that scan blocks,
their :class:`Match` es by block, so a recognizer reads an earlier one's results and never
calls it. :class:`BlockRecognizer` is the usual shape: it scans the text blocks (not those
of :data:`SKIP_KINDS`), returns matches in the block's clean text, and the driver turns them
into entity mentions in original offsets. :func:`run` applies :data:`MAX_PER_SENTENCE`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from policygraph.extract.base import entity_key
from policygraph.model import (
    ArticleFact,
    EntityClass,
    EntityMention,
    EntityRef,
    Fact,
    Mention,
    Relation,
)
from policygraph.rules.registry import why
from policygraph.text.document import Block, Document

#: Block kinds no recognizer reads as running text: a byline's or an editor's line holds
#: names only (the persons recognizer reads them on its own).
SKIP_KINDS = frozenset({"byline", "editor"})

#: Facts one extractor may find in one sentence. Every mention repeats its sentence, so a
#: run of thousands of names or numbers (a glossary page, a broken converter's repeated
#: heading) costs mentions × sentence length; past this cap, the sentence's further facts of
#: that extractor are dropped. The seeds and dev corpus have at most 11, the bulk corpus 30.
MAX_PER_SENTENCE = 32


@dataclass(frozen=True, slots=True)
class Match:
    """What a recognizer found in one block: ``block.text[start:end]`` (clean offsets) names
    an entity of class ``cls`` whose canonical label is ``label``, by rule ``rule``. ``key``
    is the entity's key when it is not :func:`~policygraph.extract.base.entity_key` of the
    label; ``alias`` is False for a reference that is not a name (今年 for 2025)."""

    start: int
    end: int
    cls: EntityClass
    label: str
    rule: str
    key: str | None = None
    alias: bool = True

    @property
    def why(self) -> str:
        """Why the rule fired, as the rule registry (``rules/data/rules.txt``) says."""
        return why(self.rule)


class Found(list[Fact]):
    """The facts found so far, in pipeline order, and each block recognizer's matches by
    block (keyed by the block's position in ``doc.blocks``)."""

    def __init__(self, facts: Iterable[Fact] = ()) -> None:
        super().__init__(facts)
        self._matches: dict[str, dict[int, list[Match]]] = {}

    def record(self, name: str, block: int, matches: list[Match]) -> None:
        self._matches.setdefault(name, {})[block] = matches

    def ran(self, name: str) -> bool:
        return name in self._matches

    def matches(self, name: str, block: int) -> list[Match]:
        """The matches recognizer ``name`` made in block number ``block`` (none for a
        skipped block); :class:`LookupError` when ``name`` has not run."""
        if name not in self._matches:
            raise LookupError(f"recognizer {name!r} has not run: list it in `needs`")
        return self._matches[name].get(block, [])


class Recognizer(Protocol):
    """One extractor: a name, the earlier recognizers it reads, and ``find``."""

    @property
    def name(self) -> str: ...

    @property
    def needs(self) -> tuple[str, ...]: ...

    def find(self, doc: Document, found: Found) -> Iterable[Fact]: ...


@dataclass(frozen=True, slots=True)
class FactRecognizer:
    """A recognizer that yields whole facts itself (relations, measures, quotes)."""

    name: str
    fn: Callable[[Document, Found], Iterable[Fact]]
    needs: tuple[str, ...] = ()

    def find(self, doc: Document, found: Found) -> Iterable[Fact]:
        return self.fn(doc, found)


#: ``scan(doc, found)`` gives the function that matches one block (it may keep state for
#: the document, such as its seat); its number in ``doc.blocks`` comes along.
BlockScan = Callable[[Block, int], Iterable[Match]]


@dataclass(frozen=True, slots=True)
class BlockRecognizer:
    """A recognizer that matches block by block; the driver skips :attr:`skip` kinds,
    records the matches in ``found`` and turns them into entity mentions."""

    name: str
    scan: Callable[[Document, Found], BlockScan]
    needs: tuple[str, ...] = ()
    skip: frozenset[str] = SKIP_KINDS

    def find(self, doc: Document, found: Found) -> Iterator[Fact]:
        match = self.scan(doc, found)
        for n, block in text_blocks(doc, self.skip):
            matches = list(match(block, n))
            found.record(self.name, n, matches)
            for m in matches:
                yield EntityMention(
                    ref=EntityRef(m.cls, entity_key(m.label) if m.key is None else m.key),
                    label=m.label,
                    mention=doc.mention(block, m.start, m.end, m.rule),
                    article=block.article,
                    alias=m.alias,
                )


def text_blocks(doc: Document, skip: frozenset[str] = SKIP_KINDS) -> Iterator[tuple[int, Block]]:
    """The blocks of ``doc`` a recognizer reads, with their numbers in ``doc.blocks``."""
    for n, block in enumerate(doc.blocks):
        if block.kind not in skip:
            yield n, block


def run(doc: Document, recognizers: Sequence[Recognizer], emit: Iterable[str]) -> list[Fact]:
    """The facts of the recognizers named in ``emit``, in order; the others run only for
    what later ones need of them."""
    wanted = set(emit)
    found = Found()
    done: set[str] = set()
    facts: list[Fact] = []
    sentences = _sentence_starts(doc)
    for recognizer in recognizers:
        missing = [n for n in recognizer.needs if n not in done]
        if missing:
            raise LookupError(f"{recognizer.name} needs {missing}, which run after it")
        new = _capped(recognizer.find(doc, found), sentences)
        found.extend(new)
        if recognizer.name in wanted:
            facts.extend(new)
        done.add(recognizer.name)
    return facts


def _sentence_starts(doc: Document) -> list[int]:
    """The original offset where each sentence of ``doc`` starts, sorted."""
    return sorted({b.offsets[a] for b in doc.blocks for a, _ in b.sentences()})


def fact_mention(fact: Fact) -> Mention | None:
    """The mention a fact was found at (an article's title), if it has one."""
    return fact.title_mention if isinstance(fact, ArticleFact) else fact.mention


def _capped(facts: Iterable[Fact], sentences: list[int]) -> list[Fact]:
    """``facts`` without those past :data:`MAX_PER_SENTENCE` in their sentence, and the
    relations to an entity whose every mention was dropped."""
    kept: list[Fact] = []
    counts: Counter[int] = Counter()
    dropped: set[EntityRef] = set()
    for fact in facts:
        mention = fact_mention(fact)
        if mention is not None:
            sentence = bisect_right(sentences, mention.start)
            counts[sentence] += 1
            if counts[sentence] > MAX_PER_SENTENCE:
                if isinstance(fact, EntityMention):
                    dropped.add(fact.ref)
                continue
        kept.append(fact)
    if not dropped:
        return kept
    dropped -= {f.ref for f in kept if isinstance(f, EntityMention)}
    return [
        f
        for f in kept
        if not (isinstance(f, Relation) and (f.subject in dropped or f.object in dropped))
    ]
