"""The explorer's pages over real HTTP: p50/p95/max milliseconds of each kind of page
(entity, document, search, RDF description, 303 lookup, list, list as CSV, saved query)
on a served store. Run by hand, not in CI; prints JSON.

    python benchmarks/explore_pages.py --store exports/store [--pages 300]

Documents are ``--pages`` of all the documents (``/explore.json``), spread evenly over
them in IRI order; entity pages, descriptions and 303s are ``--pages`` of the entities
those documents link to, spread evenly too (so the most linked, biggest entities are in);
the JSON twins are every third of those pages again as ``.json``; searches are
two-character prefixes of their labels. The index for search is read once before timing,
as a running server does after its first page. The load average is given at the start
and at the end: the machine may be shared.
Lists are the three lists with filters drawn from those labels and from years, and their
first pages (each list is read from the store once, before timing, as the index is);
saved queries are each saved query without parameters and with, for each parameter, five
two-character prefixes and ten whole labels (spread over the entities' or the lists'
labels; ``query with a parameter``, ``query NAME with a parameter``: those pages
alone), and each without parameters as CSV. Without parameters a saved query's pages
are slices of its whole result, read once per store generation in a background thread
that starts at the first page (the "warm-up"): with ``--lists-only``, the first page is
``/explore.json`` (the index, read once and not timed, its time given as ``index read``),
then each saved query without parameters is timed as ``query first view`` (the warm-up may
still run: a page waits for its own query's read), and by the time of the other saved query
pages it has finished. After the server stopped, ``warm-up`` gives in this process each
query's time to read, the first view of each while a fresh warm-up runs, and the first
view of each with no warm-up (each page running its query with a LIMIT, as before).
Vocabulary pages are ``--pages`` of the SKOS concepts (the indicators first: their pages
draw a chart), each as a page, as Turtle and as a 303 from ``/vocab/…``; class pages are
every class of the ontology (``/page/ontology/Policy``, listing its first instances).
``--vocab-only`` times just those and the saved queries without parameters.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import re
import statistics
import time
from pathlib import Path
from urllib.parse import quote, unquote

from machine import describe  # benchmarks/machine.py, a sibling module

from policygraph.serve import server as serve


def timed(port: int, path: str, accept: str = "text/html") -> tuple[float, int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Accept": accept})
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return (time.perf_counter() - started) * 1000, response.status, body


def spread(items: list[str], n: int) -> list[str]:
    """``n`` of ``items`` evenly spaced (all of them when there are fewer)."""
    if len(items) <= n:
        return items
    return [items[i * len(items) // n] for i in range(n)]


def summary(ms: list[float]) -> dict[str, float]:
    ms = sorted(ms)
    return {
        "pages": len(ms),
        "p50": round(statistics.median(ms), 1),
        "p95": round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 1),
        "max": round(ms[-1], 1),
    }


def labels_of_lists(port: int) -> tuple[list[str], list[str]]:
    """Two-character prefixes of policy titles, issuers and indicators, from the CSV, and
    the whole labels."""
    import csv
    import io

    out: list[str] = []
    whole: list[str] = []
    for name, columns in (("policies", ("policy", "issued by")), ("targets", ("indicator",))):
        rows = list(csv.DictReader(io.StringIO(timed(port, f"/explore/{name}.csv")[2][1:])))
        for row in rows[::97]:
            out += [row[c][:2] for c in columns if row.get(c)]
            whole += [row[c] for c in columns if row.get(c)]
    return list(dict.fromkeys(out)), list(dict.fromkeys(whole))


def lists(
    port: int, labels: list[str], names: list[str], pages: int, kinds: dict[str, list[float]]
) -> None:
    from policygraph.query.sparql import saved_queries
    from policygraph.serve.explore.lists import NEEDS

    listed = ("policies", "targets", "documents")
    for name in listed:
        timed(port, f"/explore/{name}")  # read once per store generation: not timed
    paths = [f"/explore/{n}?page={p}" for n in listed for p in (1, 2, 3)]
    for year in range(2000, 2031):
        paths += [f"/explore/policies?year={year}", f"/explore/policies?period={year}"]
        paths += [f"/explore/targets?deadline={year}", f"/explore/documents?year={year}"]
    filters = [("policies", "issuer"), ("policies", "title"), ("targets", "indicator")]
    filters += [("documents", "title")]
    for i, label in enumerate(labels):
        name, field = filters[i % len(filters)]
        paths.append(f"/explore/{name}?{field}=" + quote(unquote(label)))
    for path in paths[:pages]:
        ms, status, _ = timed(port, path)
        assert status == 200, path
        kinds["list"].append(ms)
    for path in paths[: max(pages // 10, 10)]:
        base, _, query = path.partition("?")
        kinds["csv"].append(timed(port, f"{base}.csv?{query}", "text/csv")[0])
    for name, saved in saved_queries().items():
        for path in [f"/explore/queries/{name}"] + [
            f"/explore/queries/{name}?{p}=" + quote(unquote(label))
            for p in saved.params
            for label in labels[:5] + spread(names, 10)
        ]:
            ms, status, _ = timed(port, path)
            assert status in (200, 400), path  # 400: a label given for a year
            kinds["query"].append(ms)
            kinds.setdefault(f"query {name}", []).append(ms)
            if "?" in path:
                kinds.setdefault("query with a parameter", []).append(ms)
                kinds.setdefault(f"query {name} with a parameter", []).append(ms)
        if name not in NEEDS:
            ms, status, _ = timed(port, f"/explore/queries/{name}.csv", "text/csv")
            assert status == 200, name
            kinds["query csv"].append(ms)


#: The saved queries slowest without parameters on the bulk graph, asked first.
SLOW = ["lineage", "statistics", "policies", "indicators"]


def first_views(port: int, kinds: dict[str, list[float]]) -> None:
    """Each saved query without parameters, the slow ones first, right after the index
    was read (the warm-up starts with that read and may have finished during it)."""
    from policygraph.query.sparql import saved_queries

    for name in SLOW + [n for n in saved_queries() if n not in SLOW]:
        ms, status, _ = timed(port, f"/explore/queries/{name}")
        assert status == 200, name
        kinds["query first view"].append(ms)


def resident_mb() -> int:
    """This process's resident memory now, in MB (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 2**20


def warm_up(store: Path) -> dict[str, object]:
    """In this process, on the store opened read-only, after the server stopped: the
    seconds to read each saved query's whole result without parameters, one after the
    other as the server's background thread does (nothing else running); then, on a fresh
    explorer whose index is read, the first view of each query without parameters asked
    at once, the slow ones first, while its warm-up runs (a page waits for its query's read
    or reads it itself)."""
    import pyoxigraph as ox

    from policygraph.query.sparql import saved_queries
    from policygraph.serve.explore.app import Explorer, rows
    from policygraph.serve.explore.lists import Warm

    location = store.resolve()
    db = ox.Store.read_only(str(location))
    explorer = Explorer(lambda q: rows(db.query(q)), lambda: location, warm_saved=False)
    warm = Warm(explorer.select)
    rss = resident_mb()
    started = time.perf_counter()
    warm.fill()
    out: dict[str, object] = {name: round(s, 2) for name, s in warm.seconds.items()}
    out["total"] = round(time.perf_counter() - started, 2)
    out["rows kept"] = sum(len(kept[1]) for n in warm.seconds if (kept := warm.rows(n)))
    out["resident MB before and after"] = [rss, resident_mb()]
    index = explorer.index()  # read before: a server reads it at its first page
    # The hubs' provenance (the biggest entities, read whole by the warm-up): pages 1 to 3
    # of each, asked by label, from the explorer whose warm-up this was.
    explorer._warm_saved, explorer._warm = True, (location, warm)
    hub_pages: list[float] = []
    for key in [k for k in warm.seconds if k.startswith("provenance http")]:
        label = quote(index.names[key.removeprefix("provenance ")])
        for n in (1, 2, 3):
            started = time.perf_counter()
            page = explorer.respond("/explore/queries/provenance", f"entity={label}&page={n}", "")
            hub_pages.append((time.perf_counter() - started) * 1000)
            assert page.status == 200, key
    out["hub provenance pages, ms"] = summary(hub_pages) if hub_pages else {}
    explorer._warm_saved, explorer._warm = False, None
    explorer._warm_saved = True  # the warm-up starts with the first page below
    during: dict[str, float] = {}
    for name in SLOW + [n for n in saved_queries() if n not in SLOW]:
        started = time.perf_counter()
        page = explorer.respond(f"/explore/queries/{name}", "", "text/html")
        during[name] = round((time.perf_counter() - started) * 1000, 1)
        assert page.status == 200, name
    out["first views during warm-up, ms"] = during
    explorer._warm_saved = False  # the same index; no page of these was kept
    before: dict[str, float] = {}
    for name in SLOW + [n for n in saved_queries() if n not in SLOW]:
        started = time.perf_counter()
        page = explorer.respond(f"/explore/queries/{name}", "", "text/html")
        before[name] = round((time.perf_counter() - started) * 1000, 1)
    out["first views without warm-up (a LIMIT for each page), ms"] = before
    return out


def vocabulary(port: int, pages: int, kinds: dict[str, list[float]]) -> None:
    """Concept pages of the vocabularies and class pages of the ontology."""
    from policygraph.serve.explore.app import href

    sparql = """SELECT DISTINCT ?x WHERE { GRAPH ?g { ?x ?p ?o }
        FILTER(STRSTARTS(STR(?g), "https://w3id.org/policygraph/graph/vocab/")) } ORDER BY ?x"""
    _, status, body = timed(
        port, "/query?query=" + quote(sparql), "application/sparql-results+json"
    )
    assert status == 200, body[:300]
    iris = [b["x"]["value"] for b in json.loads(body)["results"]["bindings"]]
    iris.sort(key=lambda i: "/vocab/indicator/" not in i)  # indicators first, then the rest
    for iri in iris[: pages // 2] + spread(iris[pages // 2 :], pages - pages // 2):
        page = href(iri) or ""
        ms, status, _ = timed(port, quote(page, safe="/%"))
        assert status == 200, page
        kinds["vocabulary"].append(ms)
        rest = quote(page.removeprefix("/page/"), safe="/%")
        kinds["vocabulary data"].append(timed(port, f"/data/{rest}.ttl", "text/turtle")[0])
        kinds["vocabulary 303"].append(timed(port, f"/{rest}")[0])
    sparql = """SELECT DISTINCT ?c WHERE {
        GRAPH <https://w3id.org/policygraph/graph/ontology> { ?c a owl:Class } }"""
    prefixed = "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n" + sparql
    _, _, body = timed(port, "/query?query=" + quote(prefixed), "application/sparql-results+json")
    for binding in json.loads(body)["results"]["bindings"]:
        page = href(binding["c"]["value"])
        if page:
            ms, status, _ = timed(port, quote(page, safe="/%"))
            assert status == 200, page
            kinds["class"].append(ms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, default=Path("exports/store"))
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument(
        "--lists-only",
        action="store_true",
        help="time only lists, CSV and saved queries, with labels from the lists' CSV",
    )
    parser.add_argument(
        "--vocab-only",
        action="store_true",
        help="time only vocabulary and class pages, and saved queries without parameters",
    )
    parser.add_argument("--max-memory-mb", type=int, default=serve.DEFAULT_MAX_MEMORY_MB)
    args = parser.parse_args()
    machine = describe(("policygraph", "pyoxigraph", "oxigraph", "jinja2"))
    port = serve.free_port()
    with serve.running(args.store, port=port, max_memory_mb=args.max_memory_mb):
        kinds: dict[str, list[float]] = {"query first view": []}
        index_ms, _, home = timed(port, "/explore.json")  # the index: read once, not timed
        if args.lists_only:
            first_views(port, kinds)
        documents = spread([d["href"] for d in json.loads(home)["documents"]], args.pages)
        kinds |= {
            "document": [],
            "entity": [],
            "document .json": [],
            "entity .json": [],
            "search": [],
            "data": [],
            "303": [],
            "list": [],
            "csv": [],
            "query": [],
            "query csv": [],
            "vocabulary": [],
            "vocabulary data": [],
            "vocabulary 303": [],
            "class": [],
        }
        entities: list[str] = []
        if args.lists_only or args.vocab_only:
            documents = []
        if not args.lists_only:
            timed(port, "/explore")  # the index, read once per store generation: not timed
            vocabulary(port, args.pages, kinds)
        for i, doc in enumerate(documents):
            ms, status, body = timed(port, doc)
            assert status == 200, doc
            kinds["document"].append(ms)
            for link in re.findall(r'href="(/page/(?!doc/)[^"?#]+)"', body):
                if link not in entities:
                    entities.append(link)
            if i % 3 == 0:
                ms, status, _ = timed(port, doc + ".json")
                assert status == 200, doc
                kinds["document .json"].append(ms)
        labels: list[str] = []
        names: list[str] = []
        for i, page in enumerate(spread(entities, args.pages)):
            ms, status, body = timed(port, page)
            assert status == 200, (page, status, body[-300:])
            kinds["entity"].append(ms)
            if i % 3 == 0:
                ms, status, _ = timed(port, page + ".json")
                assert status == 200, page
                kinds["entity .json"].append(ms)
            h1 = re.search(r"</span> (.+?)</h1>", body)
            if h1:
                labels.append(h1.group(1)[:2])
                names.append(html.unescape(h1.group(1)))
            rest = page.removeprefix("/page/")
            kinds["data"].append(timed(port, f"/data/{rest}.ttl", "text/turtle")[0])
            kinds["303"].append(timed(port, f"/id/{rest}")[0])
        for label in labels[: args.pages]:
            ms, status, _ = timed(port, "/search?q=" + quote(unquote(label)))
            assert status == 200, label
            kinds["search"].append(ms)
        if args.lists_only:
            labels, names = labels_of_lists(port)
        if args.vocab_only:
            labels, names = [], []
        lists(port, labels, names, args.pages, kinds)
    seconds = warm_up(args.store) if args.lists_only else {}
    print(
        json.dumps(
            {
                "machine": machine,
                "load_average_1m_at_end": round(os.getloadavg()[0], 2),
                "store": str(args.store),
                "index read, ms": round(index_ms),
                **({"warm-up seconds": seconds} if seconds else {}),
                **{k: summary(v) for k, v in kinds.items() if v},
            },
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
