"""Rule-based extractors, one a module, run in a fixed order (later ones read earlier facts).

Each module exposes ``extract(doc, found)``; the pipeline is the list of module names below,
not a chain of ifs. Order matters only where an extractor reads another's facts: articles
and quotes need persons, organizations, events and policies; measures need years, policies,
quotes and the lexicon.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from importlib import import_module

from policygraph.model import ArticleFact, EntityMention, EntityRef, Fact, Mention, Relation
from policygraph.text.document import Document

ExtractFn = Callable[[Document, Sequence[Fact]], Iterable[Fact]]

#: Module names under ``policygraph.extract``, in the order they run.
PIPELINE: tuple[str, ...] = (
    "years",
    "policies",
    "lineage",
    "organizations",
    "places",
    "events",
    "lexicon",
    "persons",
    "articles",
    "quotes",
    "measures",
)


def extractor(name: str) -> ExtractFn:
    module = import_module(f"policygraph.extract.{name}")
    fn: ExtractFn = module.extract
    return fn


#: Facts one extractor may find in one sentence. Every mention repeats its sentence, so a
#: run of thousands of names or numbers (a glossary page, a broken converter's repeated
#: heading) costs mentions × sentence length; past this cap, the sentence's further facts of
#: that extractor are dropped. The seeds and dev corpus have at most 11, the bulk corpus 30.
MAX_PER_SENTENCE = 32


def run(doc: Document, *, names: Sequence[str] = PIPELINE) -> list[Fact]:
    """All facts about ``doc``, in pipeline order."""
    found: list[Fact] = []
    sentences = _sentence_starts(doc)
    for name in names:
        found.extend(_capped(extractor(name)(doc, found), sentences))
    return found


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
