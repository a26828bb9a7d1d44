"""Saved-query pages with a parameter declared as a filter (``# filter: NAME contains`` in
the query's header) are the rows of the result without parameters whose ``?NAME`` contains
the value: proved here against running the query with the parameter, on the seeds and on
the development corpus, for real labels (whole, prefixes, middles, other case, full-width),
a value that matches nothing and values full of regex and SPARQL syntax. Same rows as a
multiset; the same sequence of ``ORDER BY`` values; the same sequence once ties are put in
the order of their values (:func:`policygraph.serve.explore.lists.untie`)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from policygraph.namespaces import PREFIXES
from policygraph.query.sparql import saved_queries
from policygraph.serve.explore import lists as L
from policygraph.serve.explore.app import Explorer, rows

ROOT = Path(__file__).parents[1]
DEV_CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
FILTERED = {"attainment": "policy", "policies": "issuer", "quotes": "speaker"}
FILTERED |= {"targets": "policy", "topic": "topic"}
#: Values that match nothing and values a regex or SPARQL text would read as syntax.
ODD = [
    "无此名称之标签",
    ".*",
    "(",
    '"} UNION { ?s ?p ?o } #',
    "\\",
    "[a-z]+$",
    "'",
    "%",
    "http://example.org/x",
    "https://w3id.org/policygraph/",
]
Tuple = tuple[ox.NamedNode | ox.BlankNode | ox.Literal | None, ...]


def test_the_declared_filters() -> None:
    declared = {n: L.contains_filters(n) for n in saved_queries()}
    assert {n: set(p) for n, p in declared.items() if p} == {n: {p} for n, p in FILTERED.items()}
    for name, param in FILTERED.items():
        assert param in L.order_keys(saved_queries()[name].text) or name == "quotes"
    assert L.order_keys(saved_queries()["quotes"].text) == ["speaker", "date", "text"]


@pytest.fixture(scope="module")
def seeds(seed_build: Any) -> ox.Store:
    return ox.Store.read_only(str((Path(seed_build.out) / "store").resolve()))


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ox.Store]:
    if not DEV_CORPUS.is_dir():
        pytest.skip(f"development corpus not found at {DEV_CORPUS}")
    from policygraph.api import build

    out = tmp_path_factory.mktemp("dev")
    build([DEV_CORPUS], out, views=False)
    yield ox.Store.read_only(str(out / "store"))


def values_of(found: list[Tuple], column: int) -> list[str]:
    """Parameter values drawn from the labels of a column: a few whole labels, prefixes of
    two characters, middles, ASCII letters in the other case and digits in full width."""
    labels = sorted({t.value for r in found if isinstance(t := r[column], ox.Literal)})
    picked = labels[:: max(1, len(labels) // 4)][:5]
    out = list(picked)
    out += [label[:2] for label in picked] + [label[1:3] for label in picked if len(label) > 3]
    for label in labels:
        if any(c.isascii() and c.isalpha() for c in label):
            out += [label.swapcase(), label]
            break
    for label in labels:
        if any(c.isdigit() and c.isascii() for c in label):
            out.append("".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in label))
            break
    return list(dict.fromkeys(v for v in out if v.strip()))


def check(store: ox.Store, minimum_labels: int) -> None:
    def select(q: str) -> list[dict[str, Any]]:
        return rows(store.query(q, prefixes=PREFIXES))

    warm = L.Warm(select)
    everything, tried = 10**9, 0
    for name, param in FILTERED.items():
        kept = warm.rows(name)
        assert kept is not None, name
        variables, found = kept
        order = [variables.index(k) for k in L.order_keys(saved_queries()[name].text)]
        values = values_of(found, variables.index(param))
        labelled = len({r[variables.index(param)] for r in found} - {None})
        need = min(minimum_labels, labelled)  # the dev corpus has no quote with a speaker
        assert len(values) >= need, (name, values)
        tried += bool(values)
        matched = 0
        for value in values + ODD:
            page = warm.page(name, everything, 0, {param: value})
            assert page is not None, (name, value)
            assert page[0] == variables
            filtered = [tuple(r.get(v) for v in variables) for r in page[1]]
            _, ran = L.run_saved(select, name, {param: value}, everything)
            run = [tuple(r.get(v) for v in variables) for r in ran]
            assert Counter(filtered) == Counter(run), (name, value)
            assert [[r[k] for k in order] for r in filtered] == [
                [r[k] for k in order] for r in run
            ], (name, value)
            assert filtered == L.untie(run, order), (name, value)
            matched += bool(run)
        assert matched >= need, name
    assert tried >= len(FILTERED) - 1
    for name, param in FILTERED.items():  # nothing matches: the values above were all tried
        page = warm.page(name, everything, 0, {param: ODD[0]})
        assert page is not None and page[1] == [], name


def test_filtered_pages_equal_the_query_on_the_seeds(seeds: ox.Store) -> None:
    check(seeds, 1)


@pytest.mark.corpus
def test_filtered_pages_equal_the_query_on_the_dev_corpus(dev: ox.Store) -> None:
    check(dev, 3)


def test_untie_orders_ties_by_their_values() -> None:
    a, b, c = ox.Literal("a"), ox.Literal("b"), ox.Literal("c")
    found: list[Tuple] = [(a, c), (a, b), (a, a), (b, c), (b, None)]
    assert L.untie(found, [0]) == [(a, a), (a, b), (a, c), (b, None), (b, c)]
    assert L.untie(found, [0, 1]) == found


def test_the_page_filters_the_kept_rows_and_runs_nothing(
    seeds: ox.Store, seed_build: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    location = (Path(seed_build.out) / "store").resolve()
    asked: list[str] = []

    def select(q: str) -> list[dict[str, Any]]:
        asked.append(q)
        return rows(seeds.query(q, prefixes=PREFIXES))

    explorer = Explorer(select, lambda: location, warm_saved=True)
    warm = explorer.warm()
    assert warm is not None
    _, found = warm.rows("targets") or ([], [])
    policy = next(r[0].value for r in found if r[0] is not None)[:2]
    explorer.index()
    asked.clear()
    page = explorer.respond("/explore/queries/targets.json", f"policy={policy}", "")
    assert page.status == 200
    data = json.loads(page.body)
    assert data["rows"] and all(policy in r["policy"] for r in data["rows"])
    csv = explorer.respond("/explore/queries/targets.csv", f"policy={policy}", "text/csv")
    assert csv.status == 200 and policy in csv.body.decode("utf-8")
    assert not [q for q in asked if "pgo:Target" in q]  # no query ran: the kept rows
    bad = explorer.respond("/explore/queries/targets", "policy=http://a b", "")
    assert bad.status in (200, 400)
    # a parameter with no filter line still runs the query
    explorer.respond("/explore/queries/lineage", f"policy={policy}", "")
    assert [q for q in asked if "legalBasis" in q]
