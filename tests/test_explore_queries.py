"""The explorer's rewritten queries (made fast on the bulk graph) show what the first ones
showed, on every entity and document of the seeds: the queries as they were are kept here
as the reference."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from policygraph.serve.explore import app
from policygraph.serve.explore.app import Explorer, rows

OLD_MENTIONS = """SELECT ?doc ?start ?end ?sentence ?surface WHERE {{
    <{iri}> pgo:hasMention ?m . ?m pgo:inDocument ?doc .
    OPTIONAL {{ ?m pgo:start ?start ; pgo:end ?end }}
    OPTIONAL {{ ?m pgo:surface ?surface }}
    OPTIONAL {{ ?m pgo:sentence ?sv OPTIONAL {{ ?sv pgo:text ?st }} }}
    BIND(COALESCE(?st, ?sv) AS ?sentence)
}} ORDER BY ?doc ?start LIMIT {limit}"""

OLD_SOURCES = """SELECT ?s ?p ?o ?doc ?start ?end ?sentence ?surface WHERE {{
    {{ ?r rdf:subject <{iri}> }} UNION {{ ?r rdf:object <{iri}> }}
    ?r a pgo:RelationMention ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
       pgo:inDocument ?doc .
    OPTIONAL {{ ?r pgo:start ?start ; pgo:end ?end }}
    OPTIONAL {{ ?r pgo:surface ?surface }}
    OPTIONAL {{ ?r pgo:sentence ?sv OPTIONAL {{ ?sv pgo:text ?st }} }}
    BIND(COALESCE(?st, ?sv) AS ?sentence)
}} ORDER BY ?doc ?start LIMIT 2000"""

OLD_MARKS = """SELECT ?start ?end ?x (MIN(STR(?c)) AS ?cls) WHERE {{
    ?m pgo:inDocument <{iri}> ; pgo:start ?start ; pgo:end ?end .
    ?x pgo:hasMention ?m .
    OPTIONAL {{ ?x a ?c FILTER(STRSTARTS(STR(?c), "{pgo}")) }}
}} GROUP BY ?start ?end ?x ORDER BY ?start DESC(?end) LIMIT 20001"""


@pytest.fixture(scope="module")
def explorer(seed_build) -> Iterator[Explorer]:  # type: ignore[no-untyped-def]
    location = (Path(seed_build.out) / "store").resolve()
    store = ox.Store.read_only(str(location))
    yield Explorer(lambda sparql: rows(store.query(sparql)), lambda: location)


def _mentioned(explorer: Explorer) -> list[str]:
    found = explorer.select("SELECT DISTINCT ?x WHERE { ?x pgo:hasMention ?m } ORDER BY ?x")
    return [str(r["x"].value) for r in found]


def test_entity_mentions_and_fact_sources_are_the_same_as_before(explorer: Explorer) -> None:
    entities = _mentioned(explorer)
    assert len(entities) > 50
    for iri in entities:
        old = explorer.select(OLD_MENTIONS.format(iri=iri, limit=app.MAX_MENTIONS))
        shown, total, in_order = explorer._mentions(iri)
        assert in_order  # no entity of the seeds has more than SORTED_MENTIONS
        assert [s.href for s in shown] == [explorer._source(r).href for r in old]
        assert total >= len(shown)
        old_sources = explorer.select(OLD_SOURCES.format(iri=iri))
        new_sources = explorer._fact_sources(iri)
        expected: dict[tuple[str, str, str], list[str]] = {}
        for row in old_sources:
            key = (str(row["s"].value), str(row["p"].value), str(row["o"].value))
            if len(expected.setdefault(key, [])) < app.SOURCES_PER_FACT:
                expected[key].append(explorer._source(row).href)
        got = {k: [explorer._source(r).href for r in v] for k, v in new_sources.items()}
        assert got == expected


def test_past_the_sorting_limit_the_first_mentions_the_store_lists_are_shown_in_order(
    explorer: Explorer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app, "SORTED_MENTIONS", 0)
    busiest = explorer.select(
        "SELECT ?x (COUNT(*) AS ?n) WHERE { ?x pgo:hasMention ?m } GROUP BY ?x "
        "ORDER BY DESC(?n) ?x LIMIT 1"
    )[0]
    iri, n = str(busiest["x"].value), int(busiest["n"].value)
    assert n > app.MAX_MENTIONS
    shown, total, in_order = explorer._mentions(iri)
    assert (total, in_order, len(shown)) == (n, False, app.MAX_MENTIONS)
    every = {
        explorer._source(r).href for r in explorer.select(OLD_MENTIONS.format(iri=iri, limit=n))
    }
    assert {s.href for s in shown} <= every
    assert explorer._mentions(iri)[0] == shown  # the same on every visit
    page = explorer.respond(app.href(iri) or "", "", "text/html").body.decode()
    assert f"First {app.MAX_MENTIONS} of {n:,} mentions: the first the store lists" in page


def test_document_marks_are_the_same_as_before(explorer: Explorer) -> None:
    index = explorer.index()
    for iri, _ in index.documents:
        old = explorer.select(OLD_MARKS.format(iri=iri, pgo=app.PGO_PREFIX))
        drawn = explorer._document(iri, index, None)["drawn"]
        expected = [
            (
                int(r["start"].value),
                int(r["end"].value),
                str(r["x"].value),
                index.classes.get(str(r["x"].value))
                or (app.local_name(str(r["cls"].value)) if "cls" in r else ""),
            )
            for r in old
        ]
        got = [(m["start"], m["end"], m["entity"], m["cls"]) for m in drawn]  # type: ignore[index]
        # Marks past the end of the text are left out of both; ties keep no fixed order.
        assert sorted(got) == sorted(e for e in expected if (e[0], e[1]) in {g[:2] for g in got})
        assert len(got) == len([e for e in expected if e[1] <= len(explorer_text(explorer, iri))])


def explorer_text(explorer: Explorer, iri: str) -> str:
    found = app._text(explorer._location(), iri)
    assert found is not None
    return found[0]


def test_sentence_starts_found_ahead_are_those_a_page_finds(explorer: Explorer) -> None:
    from policygraph.serve.explore.text import Sentences

    location = explorer._location()
    app._STARTS.clear()
    page = explorer.respond(app.href(explorer.index().documents[0][0]) or "", "", "text/html")
    documents = [iri for iri, _ in explorer.index().documents]
    app.warm_sentences(location, documents)
    kept = app._STARTS[location.parent / "texts"]
    assert len(kept) == len(documents)
    for iri in documents:
        text = explorer_text(explorer, iri)
        assert list(kept[iri.removeprefix(app.ID_PREFIX + "doc/")]) == list(Sentences(text).starts)
    again = explorer.respond(app.href(documents[0]) or "", "", "text/html")
    assert again.body == page.body
