"""A manifest with ``kind: policy`` makes the document the text of the Policy that sets
targets: ``<document> pgo:realizes <policy>``, the policy being the node of its key that
other documents cite (issue 12: a document's graph depends on that document alone)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from policygraph.api import build
from policygraph.query.sparql import run_query

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


def test_the_document_realizes_the_policy(store: Path) -> None:
    rows = run_query(
        "SELECT ?label ?issuer ?year WHERE { ?d a pgo:Document ; pgo:realizes ?p ."
        " ?p a pgo:Policy ; rdfs:label ?label ;"
        " pgo:issuedBy/rdfs:label ?issuer ; pgo:issuedIn/pgo:year ?year }",
        store=store,
    ).rows()
    assert rows == [
        {"label": "国务院关于加快发展智慧养老服务的意见", "issuer": "国务院", "year": "2025"}
    ]


def test_targets_are_set_by_the_policy_even_when_cited_elsewhere(store: Path) -> None:
    rows = run_query(
        "SELECT ?file ?value ?year WHERE { ?t pgo:setBy ?p ; pgo:value ?value ;"
        " pgo:deadline/pgo:year ?year ; pgo:hasMention/pgo:inDocument/pgo:sourceFile ?file ."
        " ?d pgo:sourceFile 'opinion.txt' ; pgo:realizes ?p . ?p pgo:hasTarget ?t }"
        " ORDER BY ?value",
        store=store,
    ).rows()
    assert rows == [
        {"file": "opinion.txt", "value": "50", "year": "2027"},
        {"file": "opinion.txt", "value": "80", "year": "2027"},
        {"file": "comment.txt", "value": "100", "year": "2030"},
    ]
    # One Policy node: the one the comment cites is the one the opinion realizes.
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
    from policygraph.rdf.builder import issuer_ref

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
        "SELECT ?kind ?issuer ?value WHERE { ?d a pgo:Document ; pgo:kind ?kind ;"
        " pgo:inferredField 'kind' ; pgo:realizes ?p . ?p a pgo:Policy ;"
        " pgo:issuedBy/rdfs:label ?issuer ; pgo:hasTarget/pgo:value ?value }",
        store=tmp_path / "out" / "store",
    ).rows()
    assert rows == [{"kind": "policy", "issuer": "国务院", "value": "50"}]


# -- a notice that prints a policy (issue 19.7) ------------------------------------------

NOTICE = """山东省工业和信息化厅文件
鲁工信发〔2024〕3号
关于印发《山东省人工智能产业
发展行动方案（2024—2026年）》的通知
各市工业和信息化局：
现将《山东省人工智能产业发展行动方案（2024—2026年）》印发给你们，请认真贯彻落实。
山东省工业和信息化厅
2024年3月1日
山东省人工智能产业发展行动方案（2024—2026年）
到2026年，全省人工智能核心产业规模达到1000亿元，培育不少于50家骨干企业。
"""


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (NOTICE, "山东省人工智能产业发展行动方案（2024—2026年）"),
        ("国务院关于印发新一代人工智能发展规划的通知\n各省、自治区、直辖市人民政府：\n",
         "新一代人工智能发展规划"),
        ("关于印发<山东省数字经济园区建设奖补实施细则>的通知\n各市：\n",
         "山东省数字经济园区建设奖补实施细则"),
        # cited in a sentence, not the heading of the document
        ("为贯彻落实《国务院关于印发新一代人工智能发展规划的通知》，制定本方案。\n", None),
        ("山东省人工智能产业发展行动方案\n一、总体要求\n", None),
    ],
)  # fmt: skip
def test_notice_title(text: str, title: str | None) -> None:
    from policygraph.text.loader import notice_title

    assert notice_title(text) == title


def test_a_printed_policy_is_the_document_without_a_manifest(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "pol_notice.txt").write_text(NOTICE, encoding="utf-8")
    build([tmp_path / "in"], tmp_path / "out", views=False)
    rows = run_query(
        "SELECT ?title ?kind ?value WHERE { ?d a pgo:Document ; dcterms:title ?title ;"
        " pgo:kind ?kind ; pgo:realizes/pgo:hasTarget/pgo:value ?value } ORDER BY ?value",
        store=tmp_path / "out" / "store",
    ).rows()
    title = "山东省人工智能产业发展行动方案（2024—2026年）"
    assert rows == [
        {"title": title, "kind": "policy", "value": "50"},
        {"title": title, "kind": "policy", "value": "100000000000"},
    ]


# ../shared/corpus/bulk.tar.xz unpacked next to the tarball, or where POLICYGRAPH_BULK says
BULK = Path(
    os.environ.get("POLICYGRAPH_BULK")
    or Path(__file__).resolve().parents[2] / "shared" / "corpus" / "bulk"
)


@pytest.mark.skipif(
    not (BULK / "pol_shandong_032.txt").is_file(), reason="bulk corpus not unpacked"
)
def test_a_real_notice_is_read_as_the_policy_it_prints() -> None:
    from policygraph.text.loader import find_sources, load_document

    source = next(s for s in find_sources([BULK]) if s.name == "pol_shandong_032.txt")
    meta = load_document(source).meta
    assert (meta.title, meta.kind) == (
        "济南市智能网联汽车道路测试与示范应用管理办法（试行）",
        "policy",
    )
