"""``policygraph push`` into a real Graph Store Protocol server: ``oxigraph serve`` on
127.0.0.1, started and stopped by the tests."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from policygraph.cli import main
from policygraph.export import push as p
from policygraph.serve import server as s

try:
    OXIGRAPH = s.oxigraph_program()
except s.ServeError:  # pragma: no cover - the test extra installs it
    pytest.skip("the oxigraph server is not installed", allow_module_level=True)

FOREIGN = "http://example.org/not-ours"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A writable Oxigraph server on a free loopback port, with its own empty store."""
    port = s.free_port()
    process = subprocess.Popen(
        [
            str(OXIGRAPH),
            "serve",
            "--location",
            str(tmp_path / "server"),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not s._accepts("127.0.0.1", port):
        assert process.poll() is None, "oxigraph serve exited"
        assert time.monotonic() < deadline, "oxigraph serve did not answer"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(30)


@pytest.fixture
def store(seed_build, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A copy of the seed store that a test may change."""
    copy = tmp_path / "store"
    shutil.copytree(Path(seed_build.out) / "store", copy)
    return copy


def counts_on_server(url: str) -> dict[str, int]:
    sparql = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    return {row["g"]: int(row["n"]) for row in server_rows(url, sparql)}


def counts_in_store(path: Path) -> dict[str, int]:
    db = ox.Store.read_only(str(path))
    return {
        g.value: len(list(db.quads_for_pattern(None, None, None, g)))
        for g in db.named_graphs()
        if g.value.startswith(p.OWNED_PREFIX)
    }


def put(url: str, graph: str, ntriples: str) -> None:
    request = urllib.request.Request(
        f"{url}store?graph={urllib.parse.quote(graph, safe='')}",
        data=ntriples.encode(),
        method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )
    urllib.request.urlopen(request, timeout=30).close()


def push_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["push", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_push_replaces_our_graphs_deletes_stale_ones_and_leaves_others(
    server: str, store: Path
) -> None:
    put(server, FOREIGN, "<urn:x> <urn:y> <urn:z> .\n<urn:x> <urn:y> <urn:w> .\n")
    expected = counts_in_store(store)
    docs = sorted(g for g in expected if "/id/graph/" in g)
    assert len(docs) >= 2 and any("/graph/ontology" in g for g in expected)

    code, out, _ = push_cli("--endpoint", server + "store", "--store", str(store))
    assert code == 0, out
    assert f"Pushed {len(expected)} graph(s), {sum(expected.values())} triples" in out
    assert counts_on_server(server) == {**expected, FOREIGN: 2}

    # Change the store: one document removed, another one grows by a triple.
    removed, changed = docs[0], docs[1]
    db = ox.Store(str(store))
    db.clear_graph(ox.NamedNode(removed))
    db.remove_graph(ox.NamedNode(removed))
    db.add(
        ox.Quad(
            ox.NamedNode("urn:new"), ox.NamedNode("urn:p"), ox.Literal("新"), ox.NamedNode(changed)
        )
    )
    db.flush()
    del db
    expected = counts_in_store(store)
    assert removed not in expected

    code, out, _ = push_cli(
        "--endpoint", server + "store", "--store", str(store), "--query-endpoint", server + "query"
    )
    assert code == 0, out
    assert f"deleted {removed}" in out
    assert counts_on_server(server) == {**expected, FOREIGN: 2}


def test_without_a_query_endpoint_stale_graphs_stay_and_the_user_is_told(
    server: str, store: Path
) -> None:
    stale = p.OWNED_PREFIX + "id/graph/gone"
    put(server, stale, "<urn:x> <urn:y> <urn:z> .\n")
    code, _, err = push_cli("--endpoint", server + "store", "--store", str(store))
    assert code == 0
    assert "--query-endpoint" in err
    assert counts_on_server(server)[stale] == 1
    result = p.push(server + "store", store=store, query_endpoint=server + "query")
    assert result.deleted == [stale]
    assert stale not in counts_on_server(server)


def test_a_refusal_names_the_status_and_url_and_how_far_it_got(server: str, store: Path) -> None:
    code, _, err = push_cli("--endpoint", server + "nowhere", "--store", str(store))
    assert code == 1
    assert "HTTP 404" in err and server + "nowhere?graph=" in err
    assert "0 of" in err and "run push again" in err
    with pytest.raises(p.PushError, match="cannot connect"):
        p.push(f"http://127.0.0.1:{s.free_port()}/store", store=store)


def test_bad_urls_and_missing_store_are_input_errors(tmp_path: Path) -> None:
    code, _, err = push_cli("--endpoint", "ftp://example.org/x", "--store", str(tmp_path))
    assert code == 2 and "not an http(s) URL" in err
    code, _, err = push_cli("--endpoint", "http://127.0.0.1:9/store", "--store", str(tmp_path))
    assert code == 2 and "no policygraph store here" in err


def test_graph_body_is_sorted_n_triples(store: Path) -> None:
    db = ox.Store.read_only(str(store))
    iri = p.owned_graphs(db)[-1]
    body, n = p.graph_body(db, iri)
    lines = body.decode("utf-8").splitlines()
    assert len(lines) == n > 0
    assert len(list(ox.parse(body, format=ox.RdfFormat.TURTLE))) == n  # N-Triples is Turtle
    assert p.graph_body(db, iri) == (body, n)


def test_credentials_become_the_authorization_header() -> None:
    assert p._Client(p.Auth(token="t0k")).headers == {"Authorization": "Bearer t0k"}
    basic = p._Client(p.Auth(user="ann", password="pw")).headers["Authorization"]
    assert basic == "Basic YW5uOnB3"  # base64 of "ann:pw"
    assert p._Client(p.Auth()).headers == {}


def server_rows(url: str, sparql: str) -> list[dict[str, str]]:
    request = urllib.request.Request(
        url + "query",
        data=urllib.parse.urlencode({"query": sparql}).encode(),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        rows = json.loads(response.read())["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in rows]


def test_after_push_the_saved_queries_give_the_same_rows_on_the_server(
    server: str, store: Path
) -> None:
    from policygraph.namespaces import PREFIXES
    from policygraph.query import sparql as q

    code, out, _ = push_cli("--endpoint", server + "store", "--store", str(store))
    assert code == 0 and "Default graph replaced" in out, out
    declared = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    checked = 0
    for saved in q.saved_queries().values():
        text = q.bind_params(saved.text, {})
        local = q.run_query(text, store=store).rows()
        remote = server_rows(server, declared + text)

        def key(rows: list[dict[str, str]]) -> list[str]:
            return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows)

        assert key(remote) == key(local), saved.name
        checked += bool(local)
    assert checked >= 6  # most saved queries have rows on the seeds
    technologies = "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a pgo:Technology }"
    assert (
        server_rows(server, declared + technologies)
        == q.run_query(technologies, store=store).rows()
    )


def test_default_graph_skip_leaves_the_servers_default_graph(server: str, store: Path) -> None:
    request = urllib.request.Request(
        server + "store?default",
        data=b"<urn:mine> <urn:p> <urn:o> .\n",
        method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )
    urllib.request.urlopen(request, timeout=30).close()
    code, out, _ = push_cli(
        "--endpoint", server + "store", "--store", str(store), "--default-graph", "skip"
    )
    assert code == 0 and "Default graph" not in out
    assert server_rows(server, "SELECT * WHERE { ?s ?p ?o }") == [
        {"s": "urn:mine", "p": "urn:p", "o": "urn:o"}
    ]
    code, out, _ = push_cli(
        "--endpoint", server + "store", "--store", str(store), "--default-graph", "add"
    )
    assert code == 0 and "Default graph added to" in out
    # "add" keeps the server's own default triples beside the store's merge.
    found = server_rows(
        server,
        "SELECT (COUNT(*) AS ?n) WHERE { <urn:mine> <urn:p> <urn:o> . "
        "?x a <https://w3id.org/policygraph/ontology#Policy> }",
    )
    assert int(found[0]["n"]) > 0
