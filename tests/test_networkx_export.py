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
