"""GraphML, GEXF and CSV exports of the entity graph."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx
import pytest
import rdflib

from policygraph.export.networkx_formats import (
    CSV_HEADER,
    flat_graph,
    write_csv,
    write_gexf,
    write_graphml,
)

FIXTURE = Path(__file__).parent / "fixtures" / "sample.ttl"
ID = "https://w3id.org/policygraph/id/"


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    return rdflib.Graph().parse(FIXTURE)


def test_flat_graph_has_only_scalar_attributes(graph: rdflib.Graph) -> None:
    flat = flat_graph(graph)
    for _, data in flat.nodes(data=True):
        assert all(isinstance(v, str | int | float | bool) for v in data.values())
    for _, _, key, data in flat.edges(keys=True, data=True):
        assert isinstance(key, str)
        assert all(isinstance(v, str) for v in data.values())


def test_graphml_round_trip(graph: rdflib.Graph) -> None:
    out = io.BytesIO()
    write_graphml(graph, out)
    back = nx.read_graphml(io.BytesIO(out.getvalue()))
    assert back.number_of_nodes() == 15
    assert back.number_of_edges() == 13
    target = back.nodes[ID + "target-ai-plus-2027"]
    assert target["label"] == "2027年新一代智能终端、智能体等应用普及率>70%"
    assert target["value"] == 70.0
    assert target["documents"] == "人民日报理论版 2025年11月"
    assert back.nodes[ID + "org-hostile"]["label"] == "<script>alert(1)</script>测试机构"


def test_gexf_round_trip(graph: rdflib.Graph) -> None:
    out = io.BytesIO()
    write_gexf(graph, out)
    raw = out.getvalue()
    assert b"lastmodifieddate" not in raw
    back = nx.read_gexf(io.BytesIO(raw))
    assert back.number_of_nodes() == 15
    assert back.number_of_edges() == 13
    assert back.nodes[ID + "person-liuhui"]["label"] == "刘晖"
    assert back.nodes[ID + "person-liuhui"]["cls"] == "Person"


@pytest.mark.parametrize("writer", [write_graphml, write_gexf])
def test_xml_exports_are_deterministic(graph: rdflib.Graph, writer, tmp_path: Path) -> None:
    writer(graph, tmp_path / "a")
    reparsed = rdflib.Graph().parse(data=graph.serialize(format="nt"), format="nt")
    writer(reparsed, tmp_path / "b")
    assert (tmp_path / "a").read_bytes() == (tmp_path / "b").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]  # no temporaries left


def test_csv(graph: rdflib.Graph) -> None:
    out = io.StringIO()
    write_csv(graph, out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CSV_HEADER
    body = rows[1:]
    assert len(body) == 13
    assert body == sorted(body)
    assert [
        ID + "person-liuhui",
        "刘晖",
        "Person",
        "pgo:affiliation",
        ID + "org-xjpthought-beijing",
        "北京市习近平新时代中国特色社会主义思想研究中心",
        "Organization",
    ] in body


def test_csv_to_a_path_is_utf8(graph: rdflib.Graph, tmp_path: Path) -> None:
    path = tmp_path / "edges.csv"
    write_csv(graph, path)
    text = path.read_bytes().decode("utf-8")
    assert text.startswith(",".join(CSV_HEADER) + "\n")
    assert "国务院" in text


# --- conformance to the formats' schemas ---------------------------------------------------------
# The official XSDs (graphml.graphdrawing.org, gexf.net) cannot be fetched at test time and no
# installed package ships them, so the rules of those schemas that our files exercise are
# checked here one by one: namespaces and version, element order, declared attribute types,
# every data/attvalue naming a declared key, every edge naming existing nodes, unique ids.

GRAPHML_NS = "{http://graphml.graphdrawing.org/xmlns}"
GEXF_NS = "{http://www.gexf.net/1.2draft}"
# graphml-attributes.xsd's key.type.type; gexf data.xsd's attrtype-type.
GRAPHML_TYPES = {"boolean", "int", "long", "float", "double", "string"}
GEXF_TYPES = {"integer", "long", "double", "float", "boolean", "liststring", "string", "anyURI"}


def _parsed(writer, graph: rdflib.Graph):  # type: ignore[no-untyped-def]
    from lxml import etree

    out = io.BytesIO()
    writer(graph, out)
    raw = out.getvalue()
    assert raw.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return etree.fromstring(raw, etree.XMLParser(resolve_entities=False, no_network=True))


def test_graphml_follows_the_graphml_schema(graph: rdflib.Graph) -> None:
    root = _parsed(write_graphml, graph)
    assert root.tag == GRAPHML_NS + "graphml"
    children = [c.tag for c in root]
    # key* before graph, as graphml-structure.xsd orders them.
    assert children == [GRAPHML_NS + "key"] * (len(children) - 1) + [GRAPHML_NS + "graph"]
    keys = {}
    for key in root.iter(GRAPHML_NS + "key"):
        assert key.get("for") in {"node", "edge", "graph", "all"}
        assert key.get("attr.type") in GRAPHML_TYPES and key.get("attr.name")
        assert key.get("id") not in keys
        keys[key.get("id")] = key.get("for")
    (g,) = root.iter(GRAPHML_NS + "graph")
    assert g.get("edgedefault") == "directed"
    nodes = [n.get("id") for n in g.iter(GRAPHML_NS + "node")]
    assert len(nodes) == len(set(nodes)) == 15
    for element in (*g.iter(GRAPHML_NS + "node"), *g.iter(GRAPHML_NS + "edge")):
        kind = element.tag[len(GRAPHML_NS) :]
        for data in element.iter(GRAPHML_NS + "data"):
            assert keys[data.get("key")] in {kind, "all"}
    edges = list(g.iter(GRAPHML_NS + "edge"))
    assert len(edges) == 13
    assert all(e.get("source") in nodes and e.get("target") in nodes for e in edges)


def test_gexf_follows_the_gexf_schema(graph: rdflib.Graph) -> None:
    root = _parsed(write_gexf, graph)
    assert root.tag == GEXF_NS + "gexf" and root.get("version") == "1.2"
    assert [c.tag for c in root] == [GEXF_NS + "meta", GEXF_NS + "graph"]
    (g,) = root.iter(GEXF_NS + "graph")
    assert g.get("defaultedgetype") == "directed" and g.get("mode") == "static"
    parts = [c.tag[len(GEXF_NS) :] for c in g]
    assert parts == ["attributes"] * (len(parts) - 2) + ["nodes", "edges"]
    declared: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    for block in g.iter(GEXF_NS + "attributes"):
        for attribute in block:
            assert attribute.get("type") in GEXF_TYPES and attribute.get("title")
            declared[block.get("class")][attribute.get("id")] = attribute.get("type")
    nodes = [n.get("id") for n in g.iter(GEXF_NS + "node")]
    assert len(nodes) == len(set(nodes)) == 15
    assert all(n.get("label") for n in g.iter(GEXF_NS + "node"))
    for kind in ("node", "edge"):
        for element in g.iter(GEXF_NS + kind):
            for value in element.iter(GEXF_NS + "attvalue"):
                kind_of = declared[kind][value.get("for")]
                if kind_of == "double":
                    float(value.get("value"))
    edges = list(g.iter(GEXF_NS + "edge"))
    assert len(edges) == 13 and len({e.get("id") for e in edges}) == 13
    assert all(e.get("source") in nodes and e.get("target") in nodes for e in edges)
