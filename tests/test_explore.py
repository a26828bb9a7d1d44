"""The explorer of ``policygraph serve`` over real HTTP: Linked Data pages with content
negotiation, entity and document pages, search, on a served build of the seeds and of a
document written to break out of its escaping."""

from __future__ import annotations

import http.client
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pyoxigraph as ox
import pytest

from policygraph.api import build
from policygraph.serve import server as s
from policygraph.serve.explore.app import fold, negotiate
from policygraph.serve.explore.text import Mark, Sentences, render

try:
    s.oxigraph_program()
except s.ServeError:  # pragma: no cover - the test extra installs it
    pytest.skip("the oxigraph server is not installed", allow_module_level=True)

PERSON = "https://w3id.org/policygraph/id/person/习近平"
HOSTILE = "<script>alert(1)</script>规划"


@pytest.fixture(scope="module")
def seeds(seed_build) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with s.running(Path(seed_build.out) / "store", port=s.free_port()) as server:
        yield server.url.rstrip("/")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "manifest.yaml").write_text(
        "documents:\n"
        "  - file: bad.txt\n"
        f"    title: '{HOSTILE}'\n"
        "    date: 2025-03-05\n"
        "    issuer: 国务院\n"
        "    kind: policy\n",
        encoding="utf-8",
    )
    (folder / "plain.txt").write_text(
        "关于数字经济的通知\n\n2024年3月5日，国务院发布。\n", encoding="utf-8"
    )
    (folder / "bad.txt").write_text(
        "国务院印发规划。</script><img src=x onerror=alert(1)>到2027年，人工智能产业规模"
        "超过1万亿元。\n习近平总书记强调</textarea>创新。\n",
        encoding="utf-8",
    )
    out = tmp_path_factory.mktemp("hostile-out")
    build([folder], out)
    with s.running(out / "store", port=s.free_port()) as server:
        yield server.url.rstrip("/")


def get(base: str, path: str, accept: str = "text/html", **headers: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    """One GET, redirects not followed; the path may hold unencoded Chinese."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(
            "GET", quote(path, safe="/%?=&-_.~#"), headers={"Accept": accept, **headers}
        )
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8")
    finally:
        connection.close()


def follow(base: str, path: str, accept: str = "text/html") -> tuple[int, dict, str]:  # type: ignore[type-arg]
    status, headers, body = get(base, path, accept)
    assert status == 303, (status, body)
    assert headers["Vary"] == "Accept"
    return get(base, headers["Location"], accept)


@pytest.mark.parametrize("path", ["/id/person/习近平", "/id/person/%E4%B9%A0%E8%BF%91%E5%B9%B3"])
def test_an_iri_looked_up_by_a_browser_is_303_to_its_page(seeds: str, path: str) -> None:
    status, headers, _ = get(seeds, path, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
    assert status == 303
    assert headers["Location"] == "/page/person/" + quote("习近平")
    status, headers, body = get(seeds, headers["Location"])
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "<h1>" in body and "习近平" in body
    assert "习近平总书记" in body  # the alias
    assert PERSON in body  # the page shows the IRI in the data


@pytest.mark.parametrize(
    ("accept", "ext", "media"),
    [
        ("text/turtle", "ttl", "text/turtle"),
        ("application/n-triples", "nt", "application/n-triples"),
        ("application/ld+json", "jsonld", "application/ld+json"),
        ("text/html;q=0.5, application/n-quads", "nq", "application/n-quads"),
    ],
)
def test_machines_get_the_description_in_both_directions(
    seeds: str, accept: str, ext: str, media: str
) -> None:
    status, headers, _ = get(seeds, "/id/person/习近平", accept)
    assert status == 303 and headers["Location"].endswith(f".{ext}")
    status, headers, body = get(seeds, headers["Location"], accept)
    assert status == 200
    assert headers["Content-Type"] == f"{media}; charset=utf-8"
    fmt = {
        "ttl": ox.RdfFormat.TURTLE,
        "nt": ox.RdfFormat.N_TRIPLES,
        "jsonld": ox.RdfFormat.JSON_LD,
        "nq": ox.RdfFormat.N_QUADS,
    }[ext]
    quads = list(ox.parse(body.encode(), format=fmt))
    me = ox.NamedNode(PERSON)
    assert any(q.subject == me and q.object == ox.Literal("习近平", language="zh") for q in quads)
    assert any(q.object == me for q in quads)  # incoming: a quote's speaker, a document
    if ext in ("jsonld", "nq"):  # each triple in the graph of its document
        assert all(str(q.graph_name.value).startswith("https://w3id.org/") for q in quads)
    if ext == "jsonld":
        json.loads(body)


@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
def test_an_unknown_iri_is_404(seeds: str, accept: str) -> None:
    for path in ("/id/person/无此人", "/page/person/无此人", "/data/person/无此人.ttl"):
        status, headers, body = get(seeds, path, accept)
        assert status == 404, path
        assert headers["Content-Type"].startswith("text/html")
        assert "无此人" in body
    assert get(seeds, "/data/person/习近平.xml")[0] == 404
    assert get(seeds, "/id/person/%FF")[0] == 404  # not UTF-8


def test_a_fact_names_its_sentence_and_links_to_it_in_the_document(seeds: str) -> None:
    status, _, body = get(seeds, "/page/person/任晓刚")
    assert status == 200
    assert "pgo:affiliation" in body
    assert 'href="/page/org/' in body  # the fact's object, linked to its page
    assert "作者均系" in body  # the source sentence of the affiliation
    link = re.search(r'href="(/page/doc/000_c4ec37985887901a\?at=(\d+)-(\d+)#s(\d+))"', body)
    assert link is not None
    doc = link.group(1).split("#")[0]
    start, end, sentence = link.group(2), link.group(3), link.group(4)
    assert 'class="m c-fact"' in body  # the mention highlighted in the sentence
    status, _, page = get(seeds, doc)
    assert status == 200
    # The sentence it links to is there, holding the mention, marked as the one looked for.
    span = re.search(rf'<span class="s" id="s{sentence}">(.*?)</span><span class="s"', page, re.S)
    assert span is not None and "作者均系" in span.group(1)
    assert re.search(rf'class="m c-[A-Za-z]+ focus" id="m{start}-{end}"', span.group(1))


def test_the_document_page_draws_every_mention_by_class(seeds: str) -> None:
    status, _, body = get(seeds, "/doc/000_c4ec37985887901a")
    assert status == 303
    status, _, body = get(seeds, "/page/doc/000_c4ec37985887901a")
    assert status == 200
    assert 'id="s0"' in body and 'id="s100"' in body
    assert re.search(r'<a class="m c-Person" id="m\d+-\d+" href="/page/person/[^"]+"', body)
    assert 'class="m c-Technology"' in body and 'class="m c-Place"' in body
    assert "dcterms:title" in body and "given" in body  # the seeds' manifest names it


def test_search_folds_case_and_width_and_finds_aliases(seeds: str) -> None:
    assert fold("ＡＩ Ai") == "ai ai"
    status, _, body = get(seeds, "/search?q=" + quote("近平总书"))
    assert status == 200
    assert 'href="/page/person/%E4%B9%A0%E8%BF%91%E5%B9%B3"' in body
    status, _, body = get(seeds, "/search?q=" + quote("<script>"))
    assert status == 200 and "<script>" not in body and "&lt;script&gt;" in body
    assert "Nothing is called" in get(seeds, "/search?q=zzzz")[2]


def test_home_counts_classes_and_lists_documents(seeds: str) -> None:
    status, _, body = get(seeds, "/explore")
    assert status == 200
    assert 'class="chip c-Person">Person</span></td><td class="num">12<' in body
    assert body.count('href="/page/doc/') == 2
    status, headers, _ = get(seeds, "/-/explore.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")


def test_the_front_still_checks_what_reaches_the_pages(seeds: str) -> None:
    assert get(seeds, "/page/person/习近平", Host="evil.example")[0] == 403
    parts = urlsplit(seeds)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request("POST", "/page/person/x", body=b"a=1", headers={"Origin": seeds})
        assert connection.getresponse().status == 403  # read-only: no write reaches anything
    finally:
        connection.close()
    # SPARQL is still Oxigraph's, under the guard.
    status, _, body = get(seeds, "/query?query=" + quote("ASK { ?s ?p ?o }"), "application/json")
    assert status == 200 and "true" in body


def test_hostile_text_and_labels_are_only_text(hostile: str) -> None:
    status, _, body = get(hostile, "/search?q=" + quote("规划"))
    assert status == 200
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;规划" in body
    page = re.search(r'href="(/page/[^"]+)"', body.split("<main>")[1])
    assert page is not None
    status, _, body = get(hostile, page.group(1))
    assert status == 200
    main = body.split("<main>", 1)[1]
    for raw in ("<script>", "</script>", "<img", "</textarea>"):
        assert raw not in main
    assert "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in main
    assert "&lt;script&gt;alert(1)&lt;/script&gt;规划" in main


def test_pages_are_fast_on_the_seeds(seeds: str) -> None:
    get(seeds, "/explore")  # the index is read once: not timed
    pages = sorted(
        set(re.findall(r'href="(/page/[^"]+)"', get(seeds, "/page/doc/004_9bd7b7ee794945c4")[2]))
    )
    assert len(pages) > 20
    times = []
    for page in pages:
        started = time.perf_counter()
        assert get(seeds, page)[0] == 200, page
        times.append(time.perf_counter() - started)
    times.sort()
    assert times[int(len(times) * 0.95)] < 1.0  # generous: two cores shared by the tests


@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        ("", "html"),
        ("*/*", "html"),
        ("text/turtle", "ttl"),
        ("text/turtle;q=0.4, text/html", "html"),
        ("application/ld+json, */*;q=0.1", "jsonld"),
        ("image/png", "html"),
    ],
)
def test_negotiation(accept: str, kind: str) -> None:
    assert negotiate(accept) == kind


def test_marks_nest_and_crossing_ones_are_left_out() -> None:
    text = "北京市人民政府发布。"
    marks = [
        Mark(0, 7, "Organization", "/page/org/a", "a"),
        Mark(0, 3, "Place", "/page/place/b", "b"),
        Mark(5, 9, "Policy", "/page/policy/c", "c"),  # crosses the organisation
    ]
    html = str(render(text, 0, len(text), marks))
    assert html.startswith('<mark class="m c-Organization" id="m0-7"')
    assert '<a class="m c-Place" id="m0-3" href="/page/place/b" title="b">北京市</a>' in html
    assert "c-Policy" not in html
    assert html.endswith("发布。")
    sentences = Sentences("一句。二句！\n三")
    assert [sentences.span(i) for i in range(len(sentences))] == [(0, 3), (3, 6), (6, 7), (7, 8)]
    assert sentences.index(4) == 1


def test_a_writable_server_asks_its_child_and_sees_what_is_written(
    seed_build,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    import shutil
    import urllib.parse

    copy = tmp_path / "store"
    shutil.copytree(Path(seed_build.out) / "store", copy)
    with s.running(copy, port=s.free_port(), writable=True, token="t" * 24) as server:
        base = server.url.rstrip("/")
        assert get(base, "/page/person/习近平")[0] == 200
        assert "Nothing is called" in get(base, "/search?q=" + quote("新名字"))[2]
        update = (
            "INSERT DATA { GRAPH <https://example.org/g> { <https://w3id.org/policygraph/id/"
            'person/%E6%96%B0> <http://www.w3.org/2000/01/rdf-schema#label> "新名字"@zh } }'
        )
        parts = urlsplit(base)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        try:
            connection.request(
                "POST",
                "/update",
                body=urllib.parse.urlencode({"update": update}).encode(),
                headers={
                    "Authorization": "Bearer " + "t" * 24,
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            assert connection.getresponse().status in (200, 204)
        finally:
            connection.close()
        # The index is read again after a write.
        assert 'href="/page/person/%E6%96%B0"' in get(base, "/search?q=" + quote("新名字"))[2]


def test_a_field_the_build_inferred_is_marked_so(hostile: str) -> None:
    status, _, body = get(hostile, "/page/doc/plain")
    assert status == 200
    assert "inferred from the text" in body
    assert 'id="s0"' in body


def test_raw_utf8_in_the_request_line_and_head(seeds: str) -> None:
    import socket

    parts = urlsplit(seeds)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(
            "GET /id/person/习近平 HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/turtle\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n")[0].decode("latin-1")
    assert head.startswith("HTTP/1.1 303")
    assert "Location: /data/person/%E4%B9%A0%E8%BF%91%E5%B9%B3.ttl" in head
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request("HEAD", "/page/person/%E4%B9%A0%E8%BF%91%E5%B9%B3")
        response = connection.getresponse()
        assert response.status == 200 and response.read() == b""
        assert int(response.getheader("Content-Length")) > 1000
    finally:
        connection.close()


def test_a_policy_page_lists_its_targets(seeds: str) -> None:
    status, _, body = follow(seeds, "/id/policy/国务院关于深入实施人工智能%2B行动的意见")
    assert status == 200
    assert "<h2>Targets (" in body and "新一代智能终端、智能体等应用普及率" in body


def test_big_entities_are_cut_and_say_how_many_more(
    seeds: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policygraph.serve.explore import app

    monkeypatch.setattr(app, "ROWS_PER_PROPERTY", 1)  # the server runs in this process
    status, _, body = get(seeds, "/page/person/习近平")
    assert status == 200
    more = re.search(r'<p class="more">and (\d+) more', body)
    assert more is not None and int(more.group(1)) >= 1


def test_the_build_keeps_each_text_and_links_it_when_unchanged(tmp_path: Path) -> None:
    from policygraph.store.texts import read_text, text_path

    seeds = Path(__file__).resolve().parents[1] / "seeds"
    out = tmp_path / "out"
    build([seeds], out, jobs=1)
    texts = out / ".policygraph" / "current" / "texts"
    first = text_path(texts.resolve(), "000_c4ec37985887901a")
    text = read_text(texts, "000_c4ec37985887901a")
    assert text is not None and text[4216:4239] == "北京市习近平新时代中国特色社会主义思想研究中心"
    build([seeds], out, jobs=1)
    again = text_path(texts.resolve(), "000_c4ec37985887901a")
    assert again != first and again.stat().st_ino == first.stat().st_ino  # linked, not decoded


# -- lists, saved queries, CSV, the neighbourhood graph ---------------------------------


def csv_rows(body: str) -> list[list[str]]:
    import csv
    import io

    assert body.startswith("\ufeff")  # so that spreadsheets read it as UTF-8
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_policies_list_filters_pages_and_links_each_row(seeds: str) -> None:
    status, headers, body = get(seeds, "/explore/policies")
    assert status == 200 and "default-src 'none'" in headers["Content-Security-Policy"]
    assert re.search(r'<td><a href="/page/(policy|doc)/[^"]+">[^<]+</a></td>', body)
    total = int(re.search(r'<p class="found">([\d,]+) rows', body).group(1).replace(",", ""))
    assert total > 1
    status, _, body = get(seeds, "/explore/policies?issuer=" + quote("国务院"))
    assert status == 200 and "国务院" in body
    kept = int(re.search(r'<p class="found">([\d,]+) rows', body).group(1).replace(",", ""))
    assert 0 < kept <= total
    # The CSV is the same rows, every one: the same URL with .csv or ?format=csv.
    for path in ("/explore/policies.csv?issuer=", "/explore/policies?format=csv&issuer="):
        status, headers, text = get(seeds, path + quote("国务院"))
        assert status == 200
        assert headers["Content-Type"] == "text/csv; charset=utf-8"
        rows = csv_rows(text)
        assert rows[0][:2] == ["policy", "policy IRI"]
        assert len(rows) == kept + 1
        assert all(r[1].startswith("https://w3id.org/policygraph/id/") for r in rows[1:])
    # A year that is not one is a 400 with the reason, on the page.
    status, _, body = get(seeds, "/explore/policies?year=20x5")
    assert status == 400 and "is a year like 2025" in body
    assert get(seeds, "/explore/policies?page=0")[0] == 400


def test_pages_of_a_long_list_link_to_each_other(
    seeds: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policygraph.serve.explore import lists

    monkeypatch.setattr(lists, "PAGE_SIZE", 2)
    body = get(seeds, "/explore/targets")[2]
    assert body.count("<tr><td>") == 2 and 'rel="next" href="/explore/targets?page=2"' in body
    body = get(seeds, "/explore/targets?page=2")[2]
    assert 'rel="prev" href="/explore/targets"' in body and "rows, 3–4 shown" in body


def test_targets_filter_by_indicator_and_deadline(seeds: str) -> None:
    status, _, body = get(seeds, "/explore/targets?indicator=" + quote("普及率"))
    assert status == 200 and "新一代智能终端、智能体等应用普及率" in body
    assert 'name="attained"' not in body  # the seeds say nothing of attainment
    status, headers, text = get(seeds, "/explore/targets.csv?deadline=2027")
    rows = csv_rows(text)
    assert status == 200 and headers["Content-Type"] == "text/csv; charset=utf-8"
    deadline = rows[0].index("deadline")
    assert len(rows) > 1 and {r[deadline] for r in rows[1:]} == {"2027"}


def test_documents_list_and_the_lists_page(seeds: str) -> None:
    status, _, body = get(seeds, "/explore/documents")
    assert status == 200 and body.count('href="/page/doc/') == 2
    rows = csv_rows(get(seeds, "/explore/documents.csv")[2])
    assert len(rows) == 3 and rows[0][:2] == ["document", "document IRI"]
    status, _, body = get(seeds, "/explore/lists")
    assert status == 200 and 'href="/explore/queries/targets"' in body
    assert get(seeds, "/explore/nothing")[0] == 404


def test_a_saved_query_is_a_form_whose_parameter_filters_its_table(seeds: str) -> None:
    status, _, body = get(seeds, "/explore/queries/targets")
    assert status == 200
    assert '<input type="search" name="policy" value=""' in body
    assert "<th>indicator</th>" in body
    everything = body.count("<tr><td>")
    status, _, body = get(seeds, "/explore/queries/targets?policy=" + quote("人工智能"))
    assert status == 200 and 'name="policy" value="人工智能"' in body
    assert 0 < body.count("<tr><td>") <= everything
    status, headers, text = get(seeds, "/explore/queries/targets.csv?policy=" + quote("人工智能"))
    assert status == 200 and headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(text)
    assert rows[0][0] == "policy" and all("人工智能" in r[0] for r in rows[1:])
    # An entity parameter is looked up in the store served; its IRIs link to pages.
    status, _, body = get(seeds, "/explore/queries/provenance?entity=" + quote("习近平"))
    assert status == 200 and "<td>Person</td>" in body
    status, _, body = get(seeds, "/explore/queries/statistics?year=abcd")
    assert status == 400 and "is a year" in body
    status, headers, body = get(seeds, "/explore/queries/statistics.csv?year=abcd")
    assert status == 400 and headers["Content-Type"] == "text/plain; charset=utf-8"
    # Provenance without an entity would read every mention: the page asks for one first.
    status, _, body = get(seeds, "/explore/queries/provenance")
    assert status == 200 and "give entity to run this query" in body and "<tr><td>" not in body
    # A hostile parameter is a literal, shown as text.
    status, _, body = get(seeds, "/explore/queries/quotes?speaker=" + quote('"}<script>'))
    assert status == 200 and "<script>" not in body.split("<main>")[1]


def test_an_entity_page_draws_its_neighbours_as_links_without_script(seeds: str) -> None:
    status, headers, body = get(seeds, "/page/person/习近平")
    assert status == 200 and "script-src" not in headers["Content-Security-Policy"]
    svg = re.search(r"<svg class=\"graph\".*?</svg>", body, re.S)
    assert svg is not None and "<script" not in svg.group(0)
    links = re.findall(r'<a href="(/page/[^"]+)"><title>', svg.group(0))
    assert 3 <= len(links) <= 20 and len(set(links)) == len(links)
    assert get(seeds, links[0])[0] == 200


def test_hostile_labels_are_text_in_lists_csv_and_the_graph(hostile: str) -> None:
    for path in ("/explore/policies", "/explore/documents", "/explore/queries/policies"):
        status, _, body = get(hostile, path)
        main = body.split("<main>", 1)[1]
        assert status == 200 and "<script>" not in main, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;规划" in main, path
    rows = csv_rows(get(hostile, "/explore/documents.csv")[2])
    assert HOSTILE in [r[0] for r in rows]  # CSV is data: the title as it is
    status, _, body = get(hostile, "/search?q=" + quote("国务院"))
    page = re.search(r'href="(/page/org/[^"]+)"', body)
    assert page is not None
    body = get(hostile, page.group(1))[2]
    svg = re.search(r"<svg class=\"graph\".*?</svg>", body, re.S)
    assert svg is not None and "<script>" not in svg.group(0) and "&lt;script&gt;" in svg.group(0)


def test_csv_cells_never_run_as_formulas() -> None:
    from policygraph.serve.explore.lists import safe_cell, to_csv

    assert safe_cell('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-12.5") == "-12.5" and safe_cell("2027") == "2027"
    body = to_csv(["a"], [["=1+1"]]).decode("utf-8-sig")
    assert body.splitlines()[1] == "'=1+1"


def test_an_indicator_page_draws_its_series_without_script(report_build) -> None:  # type: ignore[no-untyped-def]
    from policygraph.serve.explore.app import href
    from policygraph.store.oxigraph import open_store

    store = open_store(report_build.store)
    [row] = store.query(
        "SELECT ?i WHERE { ?i a <https://w3id.org/policygraph/ontology#Indicator> ;"
        " <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(STRSTARTS(?l, '<img')) }"
    )
    page = href(row["i"].value)
    del store
    assert page is not None
    with s.running(report_build.store, port=s.free_port()) as server:
        status, headers, body = get(server.url.rstrip("/"), page)
    assert status == 200 and "script-src" not in headers["Content-Security-Policy"]
    svg = re.search(r'<section class="series">.*?(<svg .*?</svg>)', body, re.S)
    assert svg is not None, body[:2000]
    chart = svg.group(1)
    assert "<script" not in chart and "<img" not in chart
    # One outcome (2023), its sentence in the mark's tooltip, hostile text escaped.
    assert chart.count("<circle") == 1 and "<title>2023年" in chart
    assert "&lt;img src=x onerror=alert(2)&gt;货物进出口增长0.2%" in chart


# -- the vocabularies and the ontology ----------------------------------------------------

GDP_GROWTH = "https://w3id.org/policygraph/vocab/indicator/gdp-growth"


def test_a_vocabulary_concept_has_a_page_and_a_description(seeds: str) -> None:
    status, headers, _ = get(seeds, "/vocab/indicator/gdp-growth")
    assert (status, headers["Location"]) == (303, "/page/vocab/indicator/gdp-growth")
    status, headers, body = follow(seeds, "/vocab/indicator/gdp-growth")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    main = body.split("<main>", 1)[1]
    assert "<h1>" in main and "国内生产总值增长</h1>" in main and GDP_GROWTH in main
    assert "经济增速" in main and "GDP growth" in main  # altLabel and the English prefLabel
    assert 'href="/page/vocab/indicator"' in main  # its scheme, a page too
    status, headers, _ = get(seeds, "/vocab/indicator/gdp-growth", "text/turtle")
    assert (status, headers["Location"]) == (303, "/data/vocab/indicator/gdp-growth.ttl")
    status, headers, body = follow(seeds, "/vocab/indicator/gdp-growth", "text/turtle")
    assert status == 200 and headers["Content-Type"] == "text/turtle; charset=utf-8"
    triples = [q.triple for q in ox.parse(body.encode(), format=ox.RdfFormat.TURTLE)]
    assert (
        ox.Triple(
            ox.NamedNode(GDP_GROWTH),
            ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
            ox.Literal("经济增速", language="zh"),
        )
        in triples
    )
    status, headers, _ = get(seeds, "/vocab/indicator/gdp-growth", "application/json")
    assert headers["Location"] == "/page/vocab/indicator/gdp-growth.json"
    status, data = get_json(seeds, headers["Location"])
    assert status == 200 and data["iri"] == GDP_GROWTH
    assert get(seeds, "/vocab/indicator/no-such-thing")[0] == 404


def test_search_finds_a_concept_by_its_labels(seeds: str) -> None:
    for q in ("经济增速", "国内生产总值增长", "gdp growth"):
        body = get(seeds, "/search?q=" + quote(q))[2].split("<main>", 1)[1]
        assert 'href="/page/vocab/indicator/gdp-growth"' in body, q


def test_a_class_page_lists_its_instances(seeds: str) -> None:
    status, _, body = get(seeds, "/page/ontology/Person")
    assert status == 200
    main = body.split("<main>", 1)[1]
    assert 'chip c-Class">Class<' in main
    assert 'href="/page/person/' in main  # an instance
    status, _, body = get(seeds, "/page/ontology/Mention")  # thousands: counted, 50 shown
    assert status == 200 and body.count('class="ref') <= 60
    status, _, _ = get(seeds, "/data/ontology/Person.ttl", "text/turtle")
    assert status == 200


def test_a_vocabulary_indicator_page_draws_its_series(report_build) -> None:  # type: ignore[no-untyped-def]
    with s.running(report_build.store, port=s.free_port()) as server:
        base = server.url.rstrip("/")
        status, _, body = follow(base, "/vocab/indicator/gdp-growth")
        search = get(base, "/search?q=" + quote("国内生产总值增长"))[2]
        # A statistic that measures it links to the concept's page.
        found = re.search(
            r'href="(/page/statistic/[^"]+)"', get(base, "/page/vocab/indicator/gdp-growth")[2]
        )
        assert found is not None
        linked = get(base, found.group(1))[2]
    assert status == 200
    main = body.split("<main>", 1)[1]
    assert 'chip c-Indicator">Indicator<' in main
    svg = re.search(r'<section class="series">.*?(<svg .*?</svg>)', main, re.S)
    assert svg is not None
    chart = svg.group(1)
    assert "<script" not in chart and "<img" not in chart
    # 2022: 5.5%左右, outcome 3%; 2023: 5%－5.5%, outcome 5.2%.
    assert chart.count("<circle") == 2 and "<title>2023年" in chart
    assert 'href="/page/vocab/indicator/gdp-growth"' in search
    assert 'href="/page/vocab/indicator/gdp-growth"' in linked


# -- the JSON twins (Datasette's conventions) ---------------------------------------------


def get_json(base: str, path: str, accept: str = "text/html") -> tuple[int, dict]:  # type: ignore[type-arg]
    status, headers, body = get(base, path, accept)
    assert headers["Content-Type"] == "application/json; charset=utf-8", (path, status)
    assert headers["Vary"] == "Accept"
    return status, json.loads(body)


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/page/person/习近平.json", "text/html"),
        ("/page/person/习近平?format=json", "text/html"),
        ("/page/person/习近平", "application/json"),
    ],
)
def test_an_entity_page_has_a_json_twin_with_the_same_facts(
    seeds: str, path: str, accept: str
) -> None:
    status, data = get_json(seeds, path, accept)
    assert status == 200 and data["ok"] is True
    assert (data["iri"], data["class"], data["label"]) == (PERSON, "Person", "习近平")
    assert "习近平总书记" in data["aliases"]
    _, _, html = get(seeds, "/page/person/习近平")
    for group in data["facts"]:
        assert group["shown"] == len(group["values"]) <= group["count"]
        for value in group["values"]:
            if value["href"]:
                assert f'href="{value["href"]}"' in html  # each linked value is on the page
            for source in value["sources"]:
                assert source["mention"] in source["text"]
                assert f'href="{source["href"]}"'.replace("&", "&amp;") in html
    mentions = data["mentions"]
    assert mentions["order"] == "document" and mentions["shown"] == len(mentions["rows"])
    assert f"<h2>Mentions ({mentions['count']:,})</h2>" in html
    assert data["data"]["ttl"] == "/data/person/" + quote("习近平") + ".ttl"


def test_a_document_page_has_a_json_twin_with_its_text_and_marks(seeds: str) -> None:
    _, home = get_json(seeds, "/explore.json")
    doc = home["documents"][0]
    status, data = get_json(seeds, doc["href"] + ".json")
    assert status == 200 and data["iri"] == doc["iri"]
    text, marks = data["text"], data["marks"]
    assert marks["count"] == len(marks["rows"]) > 0 and marks["truncated"] is False
    for mark in marks["rows"][:50]:
        assert 0 <= mark["start"] < mark["end"] <= len(text)
        assert mark["entity"].startswith("https://w3id.org/policygraph/id/")
    assert {c["class"] for c in home["classes"]} >= {"Person", "Document"}


def test_search_and_lists_have_json_twins(seeds: str) -> None:
    status, found = get_json(seeds, "/search.json?q=习近平")
    assert status == 200 and found["q"] == "习近平"
    people = next(g for g in found["groups"] if g["class"] == "Person")
    assert people["rows"][0]["iri"] == PERSON
    _, policies = get_json(seeds, "/explore/policies.json")
    _, _, csv_body = get(seeds, "/explore/policies.csv", "text/csv")
    header, *lines = csv_rows(csv_body)
    assert policies["columns"] == header and policies["count"] == len(lines)
    assert [list(r.values()) for r in policies["rows"]] == lines[: len(policies["rows"])]
    _, listed = get_json(seeds, "/explore/lists.json")
    assert [x["name"] for x in listed["lists"]] == ["policies", "targets", "documents"]
    query = next(q for q in listed["queries"] if q["name"] == "classes")
    status, classes = get_json(seeds, query["href"])
    assert status == 200 and classes["columns"] == ["class", "entities"]
    assert {"class", "entities"} == set(classes["rows"][0])


def test_json_twins_page_and_fail_as_json(seeds: str) -> None:
    status, bad = get_json(seeds, "/explore/policies.json?year=20x")
    assert (status, bad["ok"], bad["status"]) == (400, False, 400) and "20x" in bad["error"]
    status, missing = get_json(seeds, "/page/person/nobody.json")
    assert (status, missing["ok"]) == (404, False)
    _, first = get_json(seeds, "/explore/documents.json")
    assert first["next_url"] is None or first["next_url"].startswith("/explore/documents.json?")


def test_plain_json_on_an_iri_is_the_page_and_json_ld_the_description(seeds: str) -> None:
    status, headers, _ = get(seeds, "/id/person/习近平", "application/json")
    assert status == 303 and headers["Location"] == "/page/person/" + quote("习近平") + ".json"
    status, headers, _ = get(seeds, "/id/person/习近平", "application/ld+json")
    assert status == 303 and headers["Location"].endswith(".jsonld")
    status, headers, _ = get(seeds, "/page/person/习近平", "text/html,*/*;q=0.8")
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")


def test_an_iri_named_dot_json_keeps_its_page(tmp_path: Path) -> None:
    from policygraph.serve.explore.app import Explorer, rows

    store = ox.Store()
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for key in ("a.json", "b"):
        node = ox.NamedNode(f"https://w3id.org/policygraph/id/file/{key}")
        store.add(ox.Quad(node, label, ox.Literal(key)))
    explorer = Explorer(lambda q: rows(store.query(q)), lambda: tmp_path / "store")
    page = explorer.respond("/page/file/a.json", "", "text/html")
    assert (page.status, page.content_type) == (200, "text/html; charset=utf-8")
    twin = explorer.respond("/page/file/b.json", "", "text/html")
    assert json.loads(twin.body)["label"] == "b"
    assert explorer.respond("/page/file/c.json", "", "text/html").status == 404


def test_a_saved_query_page_is_run_once_a_generation(tmp_path: Path) -> None:
    from policygraph.serve.explore.app import Explorer, rows

    store = ox.Store()
    node = ox.NamedNode("https://w3id.org/policygraph/id/person/a")
    kind = ox.NamedNode("https://w3id.org/policygraph/ontology#Person")
    store.add(ox.Quad(node, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), kind))
    asked: list[str] = []

    def ask(sparql: str) -> list[dict]:  # type: ignore[type-arg]
        asked.append(sparql)
        return rows(store.query(sparql))

    # Without the whole results read in the background (tests/test_explore_saved.py): the
    # pages a parameter or a result too big to keep leaves to the query are kept this way.
    explorer = Explorer(ask, lambda: tmp_path / "store", warm_saved=False)
    first = explorer.respond("/explore/queries/classes", "", "text/html")
    n = len(asked)
    assert explorer.respond("/explore/queries/classes", "", "text/html").body == first.body
    assert len(asked) == n  # the same page again: not asked again
    explorer.respond("/explore/queries/classes.csv", "", "text/csv")
    assert len(asked) == n + 1  # CSV (every row) is always asked
    explorer.forget()  # a write: everything is asked again
    explorer.respond("/explore/queries/classes", "", "text/html")
    assert len(asked) > n + 1
