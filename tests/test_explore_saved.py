"""Saved-query pages without parameters are slices of the query's whole result, read once
per store generation (in the background from the first page): the same rows in the same
order as ``policygraph query --name X``, and the same pages, byte for byte, as running the
query with a LIMIT for each page (what the explorer did before), whether asked before the
read finished, while it runs or after."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from policygraph.cli import main
from policygraph.query.sparql import saved_queries
from policygraph.serve.explore import lists as L
from policygraph.serve.explore.app import Explorer, Row, rows

#: Every saved query a page runs without a parameter (provenance needs its entity).
NAMES = [n for n in saved_queries() if n not in L.NEEDS]


@pytest.fixture(scope="module")
def store(seed_build: Any) -> Iterator[tuple[Path, ox.Store]]:
    location = (Path(seed_build.out) / "store").resolve()
    yield location, ox.Store.read_only(str(location))


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of 3 rows, so that the seeds' results span many pages."""
    monkeypatch.setattr(L, "PAGE_SIZE", 3)


def make(
    store: tuple[Path, ox.Store], warm: bool, ask: Callable[[str], list[Row]] | None = None
) -> Explorer:
    location, db = store
    return Explorer(ask or (lambda q: rows(db.query(q))), lambda: location, warm_saved=warm)


def warmed(store: tuple[Path, ox.Store]) -> Explorer:
    explorer = make(store, True)
    warm = explorer.warm()
    assert warm is not None
    for name in NAMES:
        warm.rows(name)  # waits for the background read, or reads it here
    return explorer


def cli_rows(store: Path, name: str) -> list[tuple[str | None, ...]]:
    result = CliRunner().invoke(
        main, ["query", "--name", name, "--store", str(store), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    variables = answer["head"]["vars"]
    bindings = answer["results"]["bindings"]
    return [tuple(b[v]["value"] if v in b else None for v in variables) for b in bindings]


def every_page(explorer: Explorer, name: str) -> list[tuple[str | None, ...]]:
    """The rows of every page of the JSON twin, following ``next_url``."""
    out: list[tuple[str | None, ...]] = []
    path, query = f"/explore/queries/{name}.json", ""
    for _ in range(10_000):
        page = explorer.respond(path, query, "application/json")
        assert page.status == 200, page.body[:300]
        data = json.loads(page.body)
        out += [tuple(r.values()) for r in data["rows"]]
        if not data["next_url"]:
            return out
        path, _, query = data["next_url"].partition("?")
    raise AssertionError("no last page")


@pytest.mark.parametrize("name", NAMES)
def test_pages_are_the_cli_rows_in_the_cli_order(store: tuple[Path, ox.Store], name: str) -> None:
    expected = cli_rows(store[0], name)
    explorer = warmed(store)
    assert explorer.warm().rows(name) is not None  # type: ignore[union-attr]
    assert every_page(explorer, name) == expected
    if name in ("statistics", "targets", "policies"):
        assert len(expected) > 3  # more than one page
    assert every_page(make(store, False), name) == expected  # a LIMIT for each page


def test_pages_and_csv_before_and_after_the_warm_up_are_the_same(
    store: tuple[Path, ox.Store],
) -> None:
    before, after = make(store, False), warmed(store)
    for name in NAMES:
        for suffix, accept in (("", "text/html"), (".json", "application/json")):
            for page in range(1, 40):
                query = f"page={page}" if page > 1 else ""
                path = f"/explore/queries/{name}{suffix}"
                old = before.respond(path, query, accept)
                assert after.respond(path, query, accept) == old, (name, page)
                if b"page=" + str(page + 1).encode() not in old.body:
                    break
        csv = f"/explore/queries/{name}.csv"
        assert after.respond(csv, "", "text/csv") == before.respond(csv, "", "text/csv")


def test_a_page_asked_while_the_query_is_read_waits_for_that_read(
    store: tuple[Path, ox.Store],
) -> None:
    gate = threading.Event()
    asked: list[str] = []
    db = store[1]

    def ask(sparql: str) -> list[Row]:
        asked.append(sparql)
        if f"LIMIT {L.MAX_WARM_ROWS + 1}" in sparql:
            assert gate.wait(30)
        return rows(db.query(sparql))

    explorer = make(store, True, ask)
    explorer.warm()  # the background thread starts with the first query, and is held there
    first = NAMES[0]
    got: list[object] = []
    reader = threading.Thread(
        target=lambda: got.append(explorer.respond(f"/explore/queries/{first}", "", "text/html"))
    )
    reader.start()
    reader.join(0.5)
    assert reader.is_alive() and not got  # waiting for the read, not running its own
    gate.set()
    reader.join(30)
    assert got == [make(store, False).respond(f"/explore/queries/{first}", "", "text/html")]
    whole = [q for q in asked if f"LIMIT {L.MAX_WARM_ROWS + 1}" in q]
    assert len([q for q in whole if saved_queries()[first].title in q]) == 1
    assert not [q for q in asked if "LIMIT 4 OFFSET" in q]  # no page of its own


def test_a_result_too_big_to_keep_is_run_for_each_page(
    store: tuple[Path, ox.Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(L, "MAX_WARM_ROWS", 2)
    explorer, before = warmed(store), make(store, False)
    warm = explorer.warm()
    assert warm is not None and warm.rows("statistics") is None
    path = "/explore/queries/statistics"
    for query in ("", "page=2"):
        old = before.respond(path, query, "text/html")
        assert explorer.respond(path, query, "text/html") == old


def test_parameters_and_provenance_still_run_the_query(store: tuple[Path, ox.Store]) -> None:
    asked: list[str] = []
    db = store[1]

    def ask(sparql: str) -> list[Row]:
        asked.append(sparql)
        return rows(db.query(sparql))

    explorer = make(store, True, ask)
    warm = explorer.warm()
    assert warm is not None and warm.rows("provenance") is None
    assert explorer.respond("/explore/queries/provenance", "", "text/html").status == 200
    n = len(asked)
    # a parameter without a filter line (test_explore_filter: those with one)
    path, query = "/explore/queries/lineage", "policy=人工智能"
    page = explorer.respond(path, query, "text/html")
    assert page == make(store, False).respond(path, query, "text/html")
    assert any("LIMIT 4 OFFSET 0" in q for q in asked[n:])
    n = len(asked)
    path, query = "/explore/queries/targets", "policy=人工智能"
    page = explorer.respond(path, query, "text/html")
    assert page == make(store, False).respond(path, query, "text/html")  # no ties here
    assert not any("LIMIT 4 OFFSET 0" in q for q in asked[n:])


def test_a_new_generation_reads_again(store: tuple[Path, ox.Store]) -> None:
    explorer = warmed(store)
    first = explorer.warm()
    assert explorer.warm() is first
    explorer.forget()  # a write
    assert first is not None and first.stopped
    assert explorer.warm() is not first


def test_the_provenance_of_a_hub_is_a_slice_of_its_whole_result(
    store: tuple[Path, ox.Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``provenance`` of an entity with many mentions (L.HUBS; here over 20 on the seeds)
    is read whole in the background: every page of it, asked by label, is the CLI's answer
    in the CLI's order, and no page runs the query again."""
    monkeypatch.setattr(L, "HUB_MENTIONS", 20)
    location, db = store
    asked: list[str] = []

    def ask(q: str) -> list[Row]:
        asked.append(q)
        return rows(db.query(q))

    explorer = make(store, True, ask)
    warm = explorer.warm()
    assert warm is not None and warm.hub_mentions == 20
    warm.fill()  # waits for the background thread's reads, or reads here
    hubs = [k.removeprefix("provenance ") for k in warm.seconds if k.startswith("provenance ")]
    assert len(hubs) >= 2, warm.seconds
    names = explorer.index().names
    for iri in hubs[:3]:
        label = names[iri]
        before = len(asked)
        out: list[tuple[str | None, ...]] = []
        path, query = "/explore/queries/provenance.json", f"entity={quote(label)}"
        while path:
            page = explorer.respond(path, query, "application/json")
            assert page.status == 200, page.body[:300]
            data = json.loads(page.body)
            out += [tuple(r.values()) for r in data["rows"]]
            path, _, query = (data["next_url"] or "").partition("?")
        assert not [q for q in asked[before:] if "pgo:hasMention ?m" in q], label
        args = ["query", "--name", "provenance", "--param", f"entity={label}"]
        args += ["--store", str(location), "--format", "json"]
        result = CliRunner().invoke(main, args)
        answer = json.loads(result.output)
        variables = answer["head"]["vars"]
        want = [
            tuple(b[v]["value"] if v in b else None for v in variables)
            for b in answer["results"]["bindings"]
        ]
        assert len(out) > 20 and out == want, label
    # A page of an entity that is not a hub still runs the query.
    few = db.query(
        "SELECT ?l WHERE { ?e <https://w3id.org/policygraph/ontology#hasMention> ?m ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l } GROUP BY ?e ?l "
        "HAVING (COUNT(?m) < 3) ORDER BY ?l LIMIT 1"
    )
    label = str(next(iter(few))["l"].value)  # type: ignore[index]
    before = len(asked)
    page = explorer.respond("/explore/queries/provenance.json", f"entity={quote(label)}", "")
    assert page.status == 200 and [q for q in asked[before:] if "pgo:hasMention ?m" in q]
