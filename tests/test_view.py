"""The networkx model of the graph and the offline HTML views built on it."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import networkx as nx
import pytest
import rdflib

from policygraph.errors import InputError
from policygraph.namespaces import PGO
from policygraph.view import (
    EntityNotFound,
    find_node,
    neighbourhood,
    rdf_to_networkx,
    write_html,
    write_neighbourhood,
    write_overview,
    write_query_result,
)
from policygraph.view.html import LARGE_GRAPH, PALETTE, script_json
from policygraph.view.network import (
    count_overlaps,
    local_name,
    remove_overlaps,
    spring_positions,
)

FIXTURE = Path(__file__).parent / "fixtures" / "sample.ttl"
ID = "https://w3id.org/policygraph/id/"
POLICY = ID + "policy-ai-plus"
LIU_HUI = ID + "person-liuhui"
HOSTILE_LABEL = "<script>alert(1)</script>测试机构"


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    return rdflib.Graph().parse(FIXTURE)


@pytest.fixture(scope="module")
def g(graph: rdflib.Graph) -> nx.MultiDiGraph:
    return rdf_to_networkx(graph)


def page_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="pg-data">(.*?)</script>', html, re.S)
    assert match, "the page has no data block"
    return json.loads(match.group(1))


# --- rdf_to_networkx -----------------------------------------------------------------------------


def test_counts_without_mentions(g: nx.MultiDiGraph) -> None:
    assert g.number_of_nodes() == 15
    assert g.number_of_edges() == 13
    assert not any(d["cls"] == "Mention" for _, d in g.nodes(data=True))


def test_counts_with_mentions(graph: rdflib.Graph) -> None:
    with_mentions = rdf_to_networkx(graph, include_mentions=True)
    assert with_mentions.number_of_nodes() == 15 + 14
    # each mention adds its pgo:inDocument edge; pgo:hasMention is never an edge
    assert with_mentions.number_of_edges() == 13 + 14
    assert not any(k == "pgo:hasMention" for _, _, k in with_mentions.edges(keys=True))


def test_nodes_are_sorted_iris(g: nx.MultiDiGraph) -> None:
    assert list(g.nodes) == sorted(g.nodes)
    assert all(n.startswith(ID) for n in g.nodes)


@pytest.mark.parametrize(
    ("node", "label", "cls"),
    [
        (POLICY, "国务院关于深入实施“人工智能+”行动的意见", "Policy"),
        (ID + "org-guowuyuan", "国务院", "Organization"),
        (ID + "year/2027", "2027年", "Year"),
        (LIU_HUI, "刘晖", "Person"),
        (ID + "quote-000-4397", "要推动人工智能科技创新与产业创新深度融合", "Quote"),
        (ID + "tech-ai", "人工智能", "Technology"),
        (ID + "article-000-1", "人工智能赋能新质生产力的路径指引", "Article"),
        # no rdfs:label: the dcterms:title is used
        (ID + "doc-000", "人民日报理论版 2025年11月", "Document"),
        (ID + "org-hostile", HOSTILE_LABEL, "Organization"),
    ],
)
def test_node_label_and_class(g: nx.MultiDiGraph, node: str, label: str, cls: str) -> None:
    assert g.nodes[node]["label"] == label
    assert g.nodes[node]["cls"] == cls
    assert g.nodes[node]["iri"] == node


def test_target_attributes(g: nx.MultiDiGraph) -> None:
    target = g.nodes[ID + "target-ai-plus-2030"]
    assert target["indicator"] == "新一代智能终端、智能体等应用普及率"
    assert target["comparator"] == ">"
    assert target["value"] == 90
    assert target["unit"] == "%"
    assert target["documents"] == ["人民日报理论版 2025年11月"]
    assert target["sources"] == [
        "到2030年,我国人工智能全面赋能高质量发展,新一代智能终端、智能体等应用普及率超90%,"
        "智能经济成为我国经济发展的重要增长极,推动技术普惠和成果共享。"
    ]
    assert "indicator" not in g.nodes[POLICY]


def test_sources_are_plain_sorted_and_at_most_three() -> None:
    ttl = """
    @prefix pgo: <https://w3id.org/policygraph/ontology#> .
    @prefix id: <https://w3id.org/policygraph/id/> .
    id:x a pgo:Place ; pgo:hasMention id:m1, id:m2, id:m3, id:m4, id:m5 .
    id:m1 a pgo:Mention ; pgo:sentence "丁。" .
    id:m2 a pgo:Mention ; pgo:sentence "甲\\n乙。" .
    id:m3 a pgo:Mention ; pgo:sentence "丙。" .
    id:m4 a pgo:Mention ; pgo:sentence "丙。" .
    id:m5 a pgo:Mention ; pgo:sentence "丁。" .
    """
    node = rdf_to_networkx(rdflib.Graph().parse(data=ttl, format="turtle")).nodes[ID + "x"]
    assert node["sources"] == sorted({"丁。", "甲 乙。", "丙。"})[:3]
    assert node["label"] == "x"  # no label, no title: the local name


def test_edges(g: nx.MultiDiGraph) -> None:
    edges = {(u, k, v): d for u, v, k, d in g.edges(keys=True, data=True)}
    assert edges[(ID + "target-ai-plus-2027", "pgo:setBy", POLICY)]["label"] == "设定"
    assert edges[(POLICY, "pgo:hasTarget", ID + "target-ai-plus-2027")]["label"] == "目标"
    assert edges[(POLICY, "pgo:issuedBy", ID + "org-guowuyuan")]["label"] == "发布"
    assert edges[(ID + "article-000-1", "dcterms:creator", LIU_HUI)]["label"] == "作者"
    assert edges[(LIU_HUI, "pgo:affiliation", ID + "org-xjpthought-beijing")]["label"] == "任职"
    assert edges[(ID + "quote-000-4397", "pgo:speaker", ID + "person-xijinping")]["label"] == (
        "讲话人"
    )
    assert all(d["predicate"] == k for (_, k, _), d in edges.items())


def test_unknown_predicate_falls_back_to_local_name() -> None:
    ttl = """
    @prefix pgo: <https://w3id.org/policygraph/ontology#> .
    @prefix id: <https://w3id.org/policygraph/id/> .
    id:a a pgo:Place ; <http://example.org/vocab#nextTo> id:b .
    id:b a pgo:Place .
    """
    g = rdf_to_networkx(rdflib.Graph().parse(data=ttl, format="turtle"))
    [(_, _, key, data)] = g.edges(keys=True, data=True)
    assert key == "http://example.org/vocab#nextTo"
    assert data["label"] == "nextTo"


def test_several_types_pick_a_stable_class() -> None:
    ttl = """
    @prefix pgo: <https://w3id.org/policygraph/ontology#> .
    <https://w3id.org/policygraph/id/d> a pgo:Document, pgo:Policy, pgo:Zebra .
    """
    g = rdf_to_networkx(rdflib.Graph().parse(data=ttl, format="turtle"))
    assert g.nodes["https://w3id.org/policygraph/id/d"]["cls"] == "Policy"


def test_same_graph_gives_the_same_networkx_graph(graph: rdflib.Graph) -> None:
    shuffled = rdflib.Graph()
    for triple in sorted(graph, reverse=True):
        shuffled.add(triple)
    a, b = rdf_to_networkx(graph), rdf_to_networkx(shuffled)
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))


def test_dataset_with_named_graphs(graph: rdflib.Graph) -> None:
    dataset = rdflib.Dataset()
    named = dataset.graph(rdflib.URIRef(ID + "graph/doc-000"))
    for triple in graph:
        named.add(triple)
    g = rdf_to_networkx(dataset)
    assert g.number_of_nodes() == 15
    assert g.number_of_edges() == 13


def test_local_name_decodes_percent_escapes() -> None:
    assert local_name(ID + "org/%E5%9B%BD%E5%8A%A1%E9%99%A2") == "国务院"


# --- neighbourhood and find_node ---------------------------------------------------------------


def test_neighbourhood_depths(g: nx.MultiDiGraph) -> None:
    one = neighbourhood(g, LIU_HUI, 1)
    assert set(one) == {LIU_HUI, ID + "article-000-1", ID + "org-xjpthought-beijing"}
    two = neighbourhood(g, LIU_HUI, 2)
    assert set(two) == set(one) | {ID + "doc-000"}
    assert set(neighbourhood(g, LIU_HUI, 0)) == {LIU_HUI}
    # edges are followed both ways: the policy reaches its targets, their years at depth 2
    assert len(neighbourhood(g, POLICY, 1)) == 5
    assert len(neighbourhood(g, POLICY, 2)) == 7
    assert two.number_of_edges() == 3
    assert list(two.nodes) == sorted(two.nodes)


def test_neighbourhood_rejects_negative_depth(g: nx.MultiDiGraph) -> None:
    with pytest.raises(ValueError, match="depth"):
        neighbourhood(g, LIU_HUI, -1)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (LIU_HUI, LIU_HUI),  # IRI
        ("刘晖", LIU_HUI),  # exact label
        ("刘 晖", LIU_HUI),  # exact alternative label
        ("北京市习近平", ID + "org-xjpthought-beijing"),  # unique substring
        ("国务院", ID + "org-guowuyuan"),  # exact label wins over the longer policy title
        ("  习近平 ", ID + "person-xijinping"),
    ],
)
def test_find_node(g: nx.MultiDiGraph, query: str, expected: str) -> None:
    assert find_node(g, query) == expected


def test_find_node_ambiguous_lists_candidates(g: nx.MultiDiGraph) -> None:
    with pytest.raises(LookupError) as caught:
        find_node(g, "新一代智能终端")
    message = str(caught.value)
    assert "2 entities match" in message
    assert ID + "target-ai-plus-2027" in message and ID + "target-ai-plus-2030" in message


def test_find_node_missing(g: nx.MultiDiGraph) -> None:
    with pytest.raises(EntityNotFound, match="no entity labelled") as caught:
        find_node(g, "国务院办公厅")
    assert isinstance(caught.value, LookupError)
    assert isinstance(caught.value, InputError)  # the CLI maps it to exit status 2
    assert "国务院" in str(caught.value)  # a near label is suggested


def test_spring_positions_are_reproducible() -> None:
    ring = nx.cycle_graph([f"n{i}" for i in range(40)])
    first = spring_positions(ring, seed=3)
    assert first == spring_positions(ring, seed=3)
    assert len(set(first.values())) == 40

    def distance(a: str, b: str) -> float:
        return math.dist(first[a], first[b])

    along_the_ring = sum(distance(u, v) for u, v in ring.edges) / ring.number_of_edges()
    across = sum(distance(f"n{i}", f"n{(i + 20) % 40}") for i in range(40)) / 40
    assert along_the_ring * 3 < across


def test_remove_overlaps_parts_every_pair_reproducibly() -> None:
    # Forty nodes piled on five points, some on exactly the same spot.
    piled = {f"n{i:02d}": (float(i % 5), float(i % 5) * 2) for i in range(40)}
    radii = {n: 10.0 + (i % 3) * 8 for i, n in enumerate(piled)}
    assert count_overlaps(piled, radii) == 40
    apart = remove_overlaps(piled, radii)
    assert count_overlaps(apart, radii) == 0
    assert apart == remove_overlaps(dict(reversed(piled.items())), radii)


def test_page_layout_has_no_overlapping_nodes(tmp_path: Path) -> None:
    star = nx.MultiDiGraph()
    for i in range(120):
        star.add_node(f"{ID}n{i:03d}", label=f"节点{i}", cls="Industry", iri="")
        star.add_edge(f"{ID}n000", f"{ID}n{i:03d}", key="pgo:concerns", label="涉及")
    data = page_data(write_html(star, tmp_path / "star.html", title="t").read_text("utf-8"))
    positions = {n["id"]: (n["x"], n["y"]) for n in data["nodes"]}
    assert count_overlaps(positions, {n["id"]: n["size"] for n in data["nodes"]}) == 0
    # Level of detail: the hub's label is the biggest, leaves' the smallest.
    fonts = {n["id"]: n["font"]["size"] for n in data["nodes"]}
    assert fonts[f"{ID}n000"] > max(v for k, v in fonts.items() if k != f"{ID}n000")
    assert data["options"]["nodes"]["scaling"]["label"]["drawThreshold"] >= 8


def test_target_captions_keep_value_and_year() -> None:
    from policygraph.view.html import caption

    long_a = "新一代智能终端、智能体等应用普及率 超70%（2027年）"
    long_b = "新一代智能终端、智能体等应用普及率 超90%（2030年）"
    assert caption(long_a, "Target").endswith(" 超70%（2027年）")
    assert caption(long_a, "Target") != caption(long_b, "Target")
    assert len(caption(long_a, "Target")) <= 18
    assert caption("短标签", "Target") == "短标签"


def test_target_edges_are_drawn_once(graph: rdflib.Graph, tmp_path: Path) -> None:
    from policygraph.view.html import one_edge_per_relation

    g = rdf_to_networkx(graph)
    both = [(u, v) for u, v, k in g.edges(keys=True) if k == "pgo:setBy"]
    assert both, "the fixture states targets both ways"
    data = page_data(write_html(g, tmp_path / "p.html", title="t").read_text("utf-8"))
    pairs = [tuple(sorted((e["from"], e["to"]))) for e in data["edges"]]
    assert len(pairs) == len(set(pairs)) == one_edge_per_relation(g).number_of_edges()
    assert "pgo:hasTarget" in {e["predicate"] for e in data["edges"]}


# --- HTML --------------------------------------------------------------------------------------

_REMOTE = [
    re.compile(r"<script[^>]*\bsrc\s*=\s*[\"']?\s*(https?:)?//", re.I),
    re.compile(r"<link[^>]*\bhref\s*=\s*[\"']?\s*(https?:)?//", re.I),
    re.compile(r"@import", re.I),
    re.compile(r"url\(\s*[\"']?\s*(https?:)?//", re.I),
    re.compile(r"sourceMappingURL", re.I),
]


@pytest.fixture(scope="module")
def overview(graph: rdflib.Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_overview(graph, tmp_path_factory.mktemp("view") / "overview.html")


def test_page_loads_nothing_from_the_network(overview: Path) -> None:
    html = overview.read_text(encoding="utf-8")
    for pattern in _REMOTE:
        assert not pattern.search(html), pattern.pattern
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.I)
    assert not re.search(r"<link\b", html, re.I)
    assert "vis-network" in html and "@version 9." in html  # inlined, not linked


def test_page_is_utf8_with_meta_charset(overview: Path) -> None:
    raw = overview.read_bytes()
    raw.decode("utf-8")
    assert b'<meta charset="utf-8">' in raw[:512]
    assert "国务院".encode() in raw


def test_page_contains_every_label_and_class_style(overview: Path, g: nx.MultiDiGraph) -> None:
    html = overview.read_text(encoding="utf-8")
    for _, data in g.nodes(data=True):
        assert script_json(data["label"])[1:-1] in html, data["label"]
    data = page_data(html)
    assert {n["id"] for n in data["nodes"]} == set(g.nodes)
    setby = sum(1 for _, _, k in g.edges(keys=True) if k == "pgo:setBy")
    assert len(data["edges"]) == g.number_of_edges() - setby  # 设定 beside 目标 is not drawn
    policy = next(n for n in data["nodes"] if n["id"] == POLICY)
    assert policy["color"]["background"] == PALETTE["Policy"].colour
    assert policy["shape"] == PALETTE["Policy"].shape
    assert "Noto Sans CJK SC" in data["options"]["nodes"]["font"]["face"]
    # Positions come with the page: physics is off whatever the size, so nothing moves.
    assert data["options"]["physics"]["enabled"] is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    for cls in ("Policy", "Target", "Organization", "Person", "Year", "Document"):
        assert f'data-cls="{cls}"' in html
    assert 'id="pg-search"' in html


def test_tooltips_carry_class_iri_and_sources(overview: Path) -> None:
    data = page_data(overview.read_text(encoding="utf-8"))
    target = next(n for n in data["nodes"] if n["id"] == ID + "target-ai-plus-2027")
    rows = "\n".join(target["tip"]["rows"])
    assert "Target" in rows and ID + "target-ai-plus-2027" in rows and "70" in rows
    assert target["tip"]["sources"][0].startswith("到2027年")


def test_document_text_is_never_markup(overview: Path) -> None:
    html = overview.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e测试机构" in html
    data = page_data(html)
    hostile = next(n for n in data["nodes"] if n["id"] == ID + "org-hostile")
    assert hostile["fullLabel"] == HOSTILE_LABEL  # JSON.parse gives back the plain text
    assert "<img src=x onerror=alert(1)>" in hostile["tip"]["sources"][0]


def test_title_and_note_are_escaped(g: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = write_html(g, tmp_path / "t.html", title="<b>标题</b>", note="a & <i>b</i>")
    html = path.read_text(encoding="utf-8")
    assert "<title>&lt;b&gt;标题&lt;/b&gt;</title>" in html
    assert "a &amp; &lt;i&gt;b&lt;/i&gt;" in html


def test_same_graph_same_bytes(graph: rdflib.Graph, tmp_path: Path) -> None:
    first = write_overview(graph, tmp_path / "a.html").read_bytes()
    again = rdflib.Graph().parse(data=graph.serialize(format="nt"), format="nt")
    second = write_overview(again, tmp_path / "b.html").read_bytes()
    assert first == second


def test_write_is_atomic_and_leaves_no_temporary(g: nx.MultiDiGraph, tmp_path: Path) -> None:
    target = tmp_path / "views" / "page.html"
    write_html(g, target, title="x")
    write_html(g, target, title="y")
    assert [p.name for p in target.parent.iterdir()] == ["page.html"]
    assert "<title>y</title>" in target.read_text(encoding="utf-8")


def test_large_graph_is_laid_out_with_physics_off(tmp_path: Path) -> None:
    classes = sorted(PALETTE)
    big = nx.MultiDiGraph()
    count = LARGE_GRAPH + 20
    for i in range(count):
        big.add_node(f"{ID}n{i:04d}", label=f"节点{i}", cls=classes[i % len(classes)], iri="")
    for i in range(count):
        big.add_edge(
            f"{ID}n{i:04d}",
            f"{ID}n{(i + 1) % count:04d}",
            key="pgo:concerns",
            predicate="pgo:concerns",
            label="涉及",
        )
        big.add_edge(
            f"{ID}n{i:04d}",
            f"{ID}n{(i * 7) % count:04d}",
            key="pgo:setBy",
            predicate="pgo:setBy",
            label="设定",
        )
    path = write_html(big, tmp_path / "big.html", title="big")
    data = page_data(path.read_text(encoding="utf-8"))
    assert data["options"]["physics"]["enabled"] is False
    assert len(data["nodes"]) == count
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    assert path.read_bytes() == write_html(big, tmp_path / "again.html", title="big").read_bytes()


def test_overview_keeps_the_most_connected(graph: rdflib.Graph, tmp_path: Path) -> None:
    path = write_overview(graph, tmp_path / "top.html", max_nodes=5)
    html = path.read_text(encoding="utf-8")
    data = page_data(html)
    assert len(data["nodes"]) == 5
    assert POLICY in {n["id"] for n in data["nodes"]}
    assert "10 left out" in html


def test_neighbourhood_page(graph: rdflib.Graph, tmp_path: Path) -> None:
    path = write_neighbourhood(graph, "刘晖", 1, tmp_path / "n.html")
    data = page_data(path.read_text(encoding="utf-8"))
    assert data["focus"] == LIU_HUI
    assert {n["id"] for n in data["nodes"]} == {
        LIU_HUI,
        ID + "article-000-1",
        ID + "org-xjpthought-beijing",
    }


def test_neighbourhood_page_for_unknown_entity_writes_nothing(
    graph: rdflib.Graph, tmp_path: Path
) -> None:
    with pytest.raises(LookupError):
        write_neighbourhood(graph, "不存在的实体", 1, tmp_path / "n.html")
    assert list(tmp_path.iterdir()) == []


def test_query_result_from_construct(graph: rdflib.Graph, tmp_path: Path) -> None:
    result = graph.query(
        "CONSTRUCT { ?t pgo:setBy ?p } WHERE { ?t pgo:setBy ?p }", initNs={"pgo": PGO}
    ).graph
    assert result is not None
    bare = page_data(write_query_result(result, tmp_path / "q.html").read_text(encoding="utf-8"))
    assert len(bare["nodes"]) == 3 and len(bare["edges"]) == 2
    assert {n["cls"] for n in bare["nodes"]} == {"Other"}  # nothing typed in the result itself
    path = write_query_result(result, tmp_path / "q2.html", context=graph)
    data = page_data(path.read_text(encoding="utf-8"))
    assert {n["cls"] for n in data["nodes"]} == {"Policy", "Target"}
    assert "国务院关于深入实施“人工智能+”行动的意见" in {n["fullLabel"] for n in data["nodes"]}


def test_query_result_from_pairs(graph: rdflib.Graph, tmp_path: Path) -> None:
    rows = [
        ("刘晖", ID + "org-xjpthought-beijing"),
        (rdflib.URIRef(POLICY), rdflib.Literal("没有这个标签"), PGO.concerns),
    ]
    path = write_query_result(rows, tmp_path / "pairs.html", context=graph)
    data = page_data(path.read_text(encoding="utf-8"))
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes[LIU_HUI]["cls"] == "Person"
    assert nodes["没有这个标签"]["cls"] == "Other"
    assert {e["predicate"] for e in data["edges"]} == {"result", "pgo:concerns"}


# --- views computed on the store: overview and timeline -----------------------------------------


@pytest.fixture(scope="module")
def seed_store(seed_build):  # type: ignore[no-untyped-def]
    from policygraph.store.oxigraph import open_store

    return open_store(seed_build.store)


def test_store_overview_never_loads_the_graph_into_rdflib(
    seed_store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policygraph.store.oxigraph as store_module
    from policygraph.view.overview import overview

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the overview must not load the whole store into rdflib")

    monkeypatch.setattr(store_module, "merged_graph", refuse)
    monkeypatch.setattr(rdflib.Graph, "parse", refuse)
    result = overview(seed_store)
    assert result.graph.number_of_nodes() > 100


def test_store_overview_has_no_isolated_entity(seed_store) -> None:
    from policygraph.store.oxigraph import merged_graph
    from policygraph.view.overview import overview

    # Unfolded, so that every entity with a relation is drawn as the rdflib route draws it.
    result = overview(seed_store, fold=False)
    g = result.graph
    assert [n for n in g if g.degree(n) == 0] == []
    # Industries and technologies named only in passing hang off the article naming them.
    mentioned = [(u, v) for u, v, k in g.edges(keys=True) if k == "pgo:mentions"]
    assert mentioned
    assert {g.nodes[u]["cls"] for u, _ in mentioned} <= {"Article", "Document"}
    assert {"Industry", "Technology"} <= {g.nodes[v]["cls"] for _, v in mentioned}
    # Same nodes and attributes as the rdflib route, for entities that have a relation.
    full = rdf_to_networkx(merged_graph(seed_store))
    assert set(g) <= set(full)
    assert result.total == full.number_of_nodes()
    assert result.unrelated == full.number_of_nodes() - g.number_of_nodes()
    for node in g:
        for key in ("label", "cls", "sources", "documents"):
            assert g.nodes[node][key] == full.nodes[node][key], (node, key)
    relations = {(u, v, k) for u, v, k in g.edges(keys=True) if k != "pgo:mentions"}
    assert relations == {(u, v, k) for u, v, k in full.edges(keys=True) if u in g and v in g}


def test_store_overview_caps_and_says_what_was_left_out(seed_store, tmp_path: Path) -> None:
    from policygraph.view.html import write_store_overview
    from policygraph.view.overview import overview

    result = overview(seed_store, max_nodes=20)
    assert result.graph.number_of_nodes() == 20
    # Left out, or folded into a drawn node: every entity is accounted for.
    assert sum(result.left_out.values()) + sum(result.folded.values()) == result.total - 20
    assert "Showing the 20 most connected of" in result.note
    for cls, count in result.left_out.items():
        assert f"{cls} {count:,}" in result.note
    # The hubs are kept: every drawn node has at least the degree of any left-out one.
    relations = [d["relations"] for _, d in result.graph.nodes(data=True)]
    assert min(relations) >= 2
    page = write_store_overview(seed_store, tmp_path / "o.html", max_nodes=20)
    html = page.read_text(encoding="utf-8")
    assert "Showing the 20 most connected" in html
    assert len(page_data(html)["nodes"]) == 20
    with pytest.raises(ValueError, match="at least 1"):
        overview(seed_store, max_nodes=0)


def test_store_overview_folds_targets_and_statistics(seed_store, tmp_path: Path) -> None:
    from policygraph.view.fold import MAX_FOLDED
    from policygraph.view.html import write_store_overview
    from policygraph.view.overview import overview

    result = overview(seed_store)
    g = result.graph
    classes = {d["cls"] for _, d in g.nodes(data=True)}
    assert not classes & {"Target", "Statistic", "Mention"}
    unfolded = overview(seed_store, fold=False).graph
    targets = {n for n, d in unfolded.nodes(data=True) if d["cls"] == "Target"}
    statistics = {n for n, d in unfolded.nodes(data=True) if d["cls"] == "Statistic"}
    assert targets and result.folded["Target"] >= len(targets)
    assert result.folded["Statistic"] >= len(statistics)
    owners = {n: d for n, d in g.nodes(data=True) if d.get("folded_counts")}
    assert owners and {d["cls"] for d in owners.values()} <= {"Policy", "Document", "Article"}
    assert (
        sum(d["folded_counts"].get("Target", 0) for d in owners.values()) == result.folded["Target"]
    )
    for d in owners.values():
        items = d.get("folded", [])
        assert len(items) <= MAX_FOLDED
        in_page = sum(d["folded_counts"].get(c, 0) for c in ("Target", "Statistic"))
        assert len(items) + d.get("folded_more", 0) == in_page
    # A target's policy carries it, with its deadline year.
    policy, data = next((n, d) for n, d in owners.items() if d["folded_counts"].get("Target"))
    assert (
        unfolded.has_edge(policy, data["folded"][0]["iri"])
        or unfolded.has_edge(data["folded"][0]["iri"], policy)
        or data["cls"] == "Document"
    )
    assert "已折叠 folded" in result.note and "Target" in result.note
    page = write_store_overview(seed_store, tmp_path / "o.html")
    html = page.read_text(encoding="utf-8")
    nodes = {n["id"]: n for n in page_data(html)["nodes"]}
    drawn = nodes[policy]
    counts = f"目标 {data['folded_counts']['Target']}"
    assert counts in drawn["label"].split("\n")[1]
    assert any(row.startswith("折叠 folded: " + counts) for row in drawn["tip"]["rows"])
    assert [i["id"] for i in drawn["folded"]] == [i["iri"] for i in data["folded"]]
    assert page_data(html)["foldStyles"]["Target"]["shape"] == "triangle"
    assert "已折叠 folded" in html
    assert write_store_overview(seed_store, tmp_path / "p.html").read_bytes() == page.read_bytes()


def test_folded_items_in_the_page_are_bounded(
    seed_store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import policygraph.view.fold as fold
    from policygraph.view.html import write_store_overview

    monkeypatch.setattr(fold, "MAX_FOLDED", 2)
    html = write_store_overview(seed_store, tmp_path / "o.html").read_text(encoding="utf-8")
    owners = [n for n in page_data(html)["nodes"] if "folded" in n]
    assert owners and all(len(n["folded"]) <= 2 for n in owners)
    assert any(n["foldedMore"] > 0 for n in owners)
    for n in owners:
        years = [i.get("year", 9999) for i in n["folded"]]
        assert years == sorted(years), "the earliest items come first"


def test_store_overview_nodes_carry_years_for_the_filter(seed_store, tmp_path: Path) -> None:
    from policygraph.view.html import write_store_overview

    html = write_store_overview(seed_store, tmp_path / "o.html").read_text(encoding="utf-8")
    nodes = page_data(html)["nodes"]
    policies = [n for n in nodes if n["cls"] == "Policy" and "year" in n]
    assert policies and all(1900 < n["year"] < 2100 for n in policies)
    deadlines = [i["year"] for n in nodes for i in n.get("folded", []) if i["cls"] == "Target"]
    assert deadlines and all(1900 < y < 2100 for y in deadlines)
    low = min([n["year"] for n in nodes if "year" in n] + deadlines)
    assert 'id="pg-year-from"' in html and f'placeholder="{low}"' in html


def test_timeline_places_every_seed_target_by_deadline(seed_store) -> None:
    from policygraph.view.timeline import timeline

    chart = timeline(seed_store)
    g, pos = chart.graph, chart.positions
    targets = {n: d for n, d in g.nodes(data=True) if d["cls"] == "Target"}
    result = seed_store.query(
        "SELECT ?t ?y WHERE { ?t a <https://w3id.org/policygraph/ontology#Target> ; "
        "<https://w3id.org/policygraph/ontology#deadline>/"
        "<https://w3id.org/policygraph/ontology#year> ?y }"
    )
    expected = {row["t"].value: int(row["y"].value) for row in result}
    assert len(expected) >= 5
    assert {n: d["deadline"] for n, d in targets.items()} == expected
    # Columns in year order; each target sits in its year's column, under the year header.
    years = sorted(set(expected.values()))
    xs = [pos[f"{ID}year/{y}"][0] for y in years]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    # A linear axis: the same width for every year, empty years included.
    widths = {(xs[i + 1] - xs[i]) / (years[i + 1] - years[i]) for i in range(len(years) - 1)}
    assert len(widths) == 1
    assert chart.grid["labels"][0] == str(years[0]) or int(chart.grid["labels"][0]) < years[0]  # type: ignore[index]
    # Rows in time order: each row's first deadline is no earlier than the row above's.
    firsts = []
    for u in sorted(
        (n for n, d in g.nodes(data=True) if d["cls"] == "Policy"), key=lambda n: pos[n][1]
    ):
        deadlines = [targets[v]["deadline"] for v in g.successors(u) if v in targets]
        if deadlines:
            firsts.append(min(deadlines))
    assert firsts == sorted(firsts) and firsts
    for node, year in expected.items():
        assert pos[node][0] == pos[f"{ID}year/{year}"][0]
    # Each target hangs off its policy, on the policy's row.
    for u, v in g.edges():
        assert g.nodes[u]["cls"] == "Policy" and v in targets
        assert pos[u][0] < pos[v][0]
    captions = {d["caption"] for d in targets.values()}
    # Value and year are never cut off (issue #16: both targets read "…普及率…").
    assert "新一代智能终端、智能体等应…\n超 90%（2030）" in captions
    assert "服务用户\n≥ 1000万（2027）" in captions
    # The 十五五 proposal has no target but a period, drawn as a band.
    assert any(r["period"] == "2026–2030" for r in chart.grid["rows"])  # type: ignore[index, union-attr]


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        ("90", "%", "90%"),
        ("10000000", None, "1000万"),
        ("940000000", None, "9.4亿"),
        ("200000000000", "元", "2000亿元"),
        ("2.5", "%", "2.5%"),
        ("150000", "%", "150000%"),
        ("8", "个", "8个"),
    ],
)
def test_format_quantity(value: str, unit: str | None, text: str) -> None:
    from policygraph.view.timeline import format_quantity

    assert format_quantity(value, unit) == text


def test_timeline_page_has_fixed_positions_and_its_grid(seed_store, tmp_path: Path) -> None:
    from policygraph.view.html import write_timeline

    first = write_timeline(seed_store, tmp_path / "t.html")
    data = page_data(first.read_text(encoding="utf-8"))
    assert data["options"]["physics"] == {"enabled": False}
    assert all("x" in n and "y" in n for n in data["nodes"])
    assert data["grid"]["years"] and data["grid"]["rows"]
    second = write_timeline(seed_store, tmp_path / "t2.html")
    assert first.read_bytes() == second.read_bytes()


def test_timeline_of_a_graph_without_targets(tmp_path: Path) -> None:
    import pyoxigraph as ox

    from policygraph.view.timeline import timeline

    chart = timeline(ox.Store())
    assert chart.graph.number_of_nodes() == 0
    assert "No target" in chart.note


def test_build_writes_overview_and_timeline(seed_build) -> None:  # type: ignore[no-untyped-def]
    names = sorted(p.name for p in seed_build.views)
    # (and the indicators' list and charts, tested in test_indicator_view.py)
    assert names == ["indicator-charts.html", "indicators.html", "overview.html", "timeline.html"]
    for path in seed_build.views[:2]:
        html = path.read_text(encoding="utf-8")
        assert len(page_data(html)["nodes"]) > 10


def test_cli_view_timeline_and_max_nodes(seed_build, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from policygraph.cli import main

    runner = CliRunner()
    store = str(seed_build.store)
    page = tmp_path / "t.html"
    result = runner.invoke(main, ["view", "--store", store, "--timeline", "--out", str(page)])
    assert result.exit_code == 0, result.output
    assert page.is_file() and page_data(page.read_text(encoding="utf-8"))["grid"]
    page = tmp_path / "o.html"
    args = ["view", "--store", store, "--max-nodes", "12", "--out", str(page)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert len(page_data(page.read_text(encoding="utf-8"))["nodes"]) == 12
    result = runner.invoke(main, ["view", "--store", store, "--timeline", "--entity", "国务院"])
    assert result.exit_code == 2 and "--timeline" in result.output


def test_a_small_graphs_hub_labels_grow_less() -> None:
    """Big hub labels are a level of detail for graphs too big to label at once: in a
    19-node star the hub's label stays small; from FONT_FULL_RANGE_AT nodes it reaches
    FONT_MAX."""
    from policygraph.view.html import FONT_FULL_RANGE_AT, FONT_MAX, FONT_MIN, node_sizes

    def hub_font(n: int) -> int:
        g = nx.MultiDiGraph()
        g.add_edges_from(("hub", f"n{i}") for i in range(n - 1))
        return node_sizes(g)["hub"][1]

    assert FONT_MIN < hub_font(19) <= FONT_MIN + 4
    assert hub_font(FONT_FULL_RANGE_AT) == FONT_MAX
