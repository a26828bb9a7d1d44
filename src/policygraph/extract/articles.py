"""Articles on a newspaper page: title, column, authors and their affiliations.

The layout analysis has already found titles, bylines and ``（作者系……）`` lines; this
extractor ties them together. Authors are the persons found on the article's byline; their
affiliations are the organizations found on the article's affiliation line (``作者均系``
applies the line to every author, ``刘晖系……，任晓刚系……`` and ``作者分别系……`` give each
author their own).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence

from policygraph.extract.base import entities
from policygraph.extract.driver import FactRecognizer
from policygraph.model import ArticleFact, EntityMention, Fact, Relation
from policygraph.text.document import Block, Document


def extract(doc: Document, found: Sequence[Fact]) -> Iterator[Fact]:
    # the blocks of each article, gathered in one pass (a pass per article was quadratic
    # on a long page of many articles)
    by_article: dict[int, list[Block]] = {}
    for b in doc.blocks:
        if b.article is not None:
            by_article.setdefault(b.article, []).append(b)
    persons = list(entities(found, "Person"))
    orgs = list(entities(found, "Organization"))
    for index in sorted(by_article):
        blocks = by_article[index]
        title = next((b for b in blocks if b.kind == "title"), None)
        column = next((b for b in blocks if b.kind == "column"), None)
        authors = _inside(persons, [b for b in blocks if b.kind == "byline"])
        affiliations = _outermost(_inside(orgs, [b for b in blocks if b.kind == "affiliation"]))
        yield ArticleFact(
            index=index,
            title=title.text if title else None,
            title_mention=doc.mention(title, 0, len(title.text), "articles.title")
            if title
            else None,
            authors=tuple(authors),
            affiliations=tuple(affiliations),
            column=column.text if column else None,
        )
        lines = [b for b in blocks if b.kind == "affiliation"]
        for author, org in _pairs(authors, affiliations, lines):
            yield Relation(author.ref, "affiliation", org.ref, org.mention)


def _pairs(
    authors: list[EntityMention], orgs: list[EntityMention], lines: list[Block]
) -> list[tuple[EntityMention, EntityMention]]:
    """Who works where. ``（刘晖系A研究员，任晓刚系B教授）`` gives each author the bodies of
    their own clause; ``（作者分别系A、B）`` pairs authors and bodies in order when the counts
    agree; otherwise (``作者均系``, a single author) every author works at every body."""
    pairs: list[tuple[EntityMention, EntityMention]] = []
    for line in lines:
        mine = [o for o in orgs if line.start <= o.mention.start < line.end]
        clauses = sorted(
            ((k, a) for a in authors if (k := line.text.find(f"{a.label}系")) >= 0),
            key=lambda c: c[0],
        )
        if clauses:
            for org in mine:
                at = line.index_of(org.mention.start)
                owners = [a for k, a in clauses if at is not None and k < at]
                for author in owners[-1:] or authors:
                    pairs.append((author, org))
        elif "分别" in line.text[:8] and len(mine) == len(authors):
            pairs += zip(authors, mine, strict=True)
        else:
            pairs += [(a, o) for a in authors for o in mine]
    return pairs


def _outermost(mentions: list[EntityMention]) -> list[EntityMention]:
    """Drop organizations named inside a longer one on the same line: an author of
    北京大学经济学院 works there, not at every body its name contains."""
    return [
        m
        for m in mentions
        if not any(
            o is not m
            and o.mention.start <= m.mention.start
            and m.mention.end <= o.mention.end
            and (o.mention.end - o.mention.start) > (m.mention.end - m.mention.start)
            for o in mentions
        )
    ]


def _inside(mentions: list[EntityMention], blocks: list[Block]) -> list[EntityMention]:
    """The mentions (sorted by position) inside one of ``blocks``, in their order: only
    those that start in a block are looked at, found by bisection."""
    picked: set[int] = set()
    for block in blocks:
        i = bisect_left(mentions, block.start, key=lambda m: m.mention.start)
        j = bisect_right(mentions, block.end, lo=i, key=lambda m: m.mention.start)
        picked.update(k for k in range(i, j) if mentions[k].mention.end <= block.end)
    return [mentions[k] for k in sorted(picked)]


RECOGNIZER = FactRecognizer("articles", extract, needs=("persons", "organizations"))
