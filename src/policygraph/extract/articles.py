"""Articles on a newspaper page: title, column, authors and their affiliations.

The layout analysis has already found titles, bylines and ``（作者系……）`` lines; this
extractor ties them together. Authors are the persons found on the article's byline; their
affiliations are the organizations found on the article's affiliation line (``作者均系``
applies the line to every author).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from policygraph.extract.base import entities
from policygraph.model import ArticleFact, EntityMention, Fact, Relation
from policygraph.text.document import Document


def extract(doc: Document, found: Sequence[Fact]) -> Iterator[Fact]:
    articles = sorted({b.article for b in doc.blocks if b.article is not None})
    persons = list(entities(found, "Person"))
    orgs = list(entities(found, "Organization"))
    for index in articles:
        blocks = [b for b in doc.blocks if b.article == index]
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
        for author in authors:
            for org in affiliations:
                yield Relation(author.ref, "affiliation", org.ref, org.mention)


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


def _inside(mentions: list[EntityMention], blocks: list) -> list[EntityMention]:  # type: ignore[type-arg]
    spans = [(b.start, b.end) for b in blocks]
    return [
        m for m in mentions if any(a <= m.mention.start and m.mention.end <= b for a, b in spans)
    ]
