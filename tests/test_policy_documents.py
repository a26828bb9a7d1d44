"""A manifest with ``kind: policy`` makes the document itself the Policy that sets targets."""

from __future__ import annotations

from pathlib import Path

import pytest

from policygraph.build import build
from policygraph.query import run_query

TEXT = """国务院关于加快发展智慧养老服务的意见

各省、自治区、直辖市人民政府：

为推动智慧养老服务发展，现提出如下意见。

一、总体目标

到2027年，智慧养老服务覆盖率达到80%以上，培育不少于50个示范基地。本意见自印发之日起施行。
"""

COMMENT = """智慧养老大有可为

王 明

《国务院关于加快发展智慧养老服务的意见》提出，到2030年，建成不少于100个智慧养老社区。
"""

MANIFEST = """documents:
  - file: opinion.txt
    title: 国务院关于加快发展智慧养老服务的意见
    date: 2025-06-01
    issuer: 国务院
    kind: policy
  - file: comment.txt
    title: 评论
    date: 2025-07-01
    kind: newspaper
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("policy-in")
    (folder / "opinion.txt").write_text(TEXT, encoding="utf-8")
    (folder / "comment.txt").write_text(COMMENT, encoding="utf-8")
    (folder / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    out = tmp_path_factory.mktemp("policy-out")
    build([folder], out, views=False)
    return out / "store"


def test_the_document_is_the_policy(store: Path) -> None:
    rows = run_query(
        "SELECT ?label ?issuer ?year WHERE { ?d a pgo:Document , pgo:Policy ; rdfs:label ?label ;"
        " pgo:issuedBy/rdfs:label ?issuer ; pgo:issuedIn/pgo:year ?year }",
        store=store,
    ).rows()
    assert rows == [
        {"label": "国务院关于加快发展智慧养老服务的意见", "issuer": "国务院", "year": "2025"}
    ]


def test_targets_are_set_by_the_document_even_when_cited_elsewhere(store: Path) -> None:
    rows = run_query(
        "SELECT ?file ?value ?year WHERE { ?t pgo:setBy ?d ; pgo:value ?value ;"
        " pgo:deadline/pgo:year ?year ; pgo:hasMention/pgo:inDocument/pgo:sourceFile ?file ."
        " ?d pgo:sourceFile 'opinion.txt' ; pgo:hasTarget ?t } ORDER BY ?value",
        store=store,
    ).rows()
    assert rows == [
        {"file": "opinion.txt", "value": "50", "year": "2027"},
        {"file": "opinion.txt", "value": "80", "year": "2027"},
        {"file": "comment.txt", "value": "100", "year": "2030"},
    ]
    # One Policy node, not a document node and a second policy node.
    rows = run_query("SELECT ?p WHERE { ?p a pgo:Policy }", store=store).rows()
    assert len(rows) == 1


def test_inferred_values_are_recorded(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "doc.txt").write_text(
        "关于推进数字乡村建设的通知\n（2024年3月5日）\n到2026年，建成100个示范县。\n",
        encoding="utf-8",
    )
    build([tmp_path / "in"], tmp_path / "out", views=False)
    rows = run_query(
        "SELECT ?title ?date ?field WHERE { ?d a pgo:Document ; dcterms:title ?title ;"
        " dcterms:date ?date ; pgo:inferred true ; pgo:inferredField ?field } ORDER BY ?field",
        store=tmp_path / "out" / "store",
    ).rows()
    assert [r["field"] for r in rows] == ["date", "kind", "title"]
    assert rows[0]["title"] == "关于推进数字乡村建设的通知"
    assert rows[0]["date"] == "2024-03-05"


@pytest.mark.parametrize(
    ("issuer", "ref"),
    [
        ("国务院", ("Organization", "国务院")),
        ("北京市", ("Place", "北京市")),
        ("北京", ("Place", "北京市")),
        ("北京市人民政府", ("Organization", "北京市人民政府")),
    ],
)
def test_manifest_issuer_is_a_place_when_it_names_one(issuer: str, ref: tuple[str, str]) -> None:
    from policygraph.graph.builder import issuer_ref

    found = issuer_ref(issuer)
    assert (found.cls, found.key) == ref


def test_a_document_titled_as_a_policy_is_one_without_a_manifest(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "opinion.txt").write_text(
        "国务院关于加快发展智慧养老服务的意见\n到2027年，培育不少于50个示范基地。\n",
        encoding="utf-8",
    )
    build([tmp_path / "in"], tmp_path / "out", views=False)
    rows = run_query(
        "SELECT ?kind ?issuer ?value WHERE { ?d a pgo:Document , pgo:Policy ; pgo:kind ?kind ;"
        " pgo:inferredField 'kind' ; pgo:issuedBy/rdfs:label ?issuer ;"
        " pgo:hasTarget/pgo:value ?value }",
        store=tmp_path / "out" / "store",
    ).rows()
    assert rows == [{"kind": "policy", "issuer": "国务院", "value": "50"}]
