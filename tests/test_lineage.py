"""Lineage: legal basis, implementation, amendment, repeal and citation between policies,
resolved across documents, with dates of force and the reduce step that ends a repealed
text's force."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import ROOT, make_doc
from policygraph.cli import main
from policygraph.extract import run
from policygraph.extract.base import policy_key
from policygraph.model import Attribute, Relation

TARBALL = ROOT.parent / "shared" / "corpus" / "bulk.tar.xz"


def lineage(text: str, title: str = "某某条例") -> set[tuple[str, str, str]]:
    doc = make_doc(f"{title}\n{text}", kind="policy", title=title)
    out: set[tuple[str, str, str]] = set()
    for f in run(doc):
        if isinstance(f, Relation) and f.mention and f.mention.rule.startswith("lineage."):
            out.add((f.subject.key, f.predicate, f.object.key))
        elif isinstance(f, Attribute):
            out.add((f.subject.key, f.predicate, f.value))
    return out


@pytest.mark.parametrize(
    ("forms", "key"),
    [
        (["《中华人民共和国专利法》", "专利法", "中华人民共和国专利法（2008年修正）"], "专利法"),
        (["国务院关于印发《X》的通知", "国务院关于印发《X》的通知"], "国务院关于印发X的通知"),
        (["北京市实施〈中华人民共和国水法〉办法", "北京市实施《中华人民共和国水法》办法"], None),
    ],
)
def test_one_work_whatever_the_form(forms: list[str], key: str | None) -> None:
    keys = {policy_key(f) for f in forms}
    assert len(keys) == 1
    if key is not None:
        assert keys == {key}


def test_period_notes_still_tell_plans_apart() -> None:
    assert policy_key("某行动计划（2021—2023年）") != policy_key("某行动计划（2024—2026年）")


def test_legal_basis_bracketed_bare_and_aliased() -> None:
    found = lineage(
        "第一条 为了规范专利申请，根据《中华人民共和国专利法》（以下简称专利法）"
        "和《专利代理条例》，制定本细则。\n第二条 依照宪法和法律，国家保护专利权。",
        title="中华人民共和国专利法实施细则",
    )
    own = "专利法实施细则"
    assert (own, "legalBasis", "专利法") in found
    assert (own, "legalBasis", "专利代理条例") in found
    assert not any(p == "legalBasis" and o == "中华人民共和国宪法" for _, p, o in found)


def test_unbracketed_laws_in_the_basis_clause() -> None:
    found = lineage(
        "第一条 为了规范机构设置，根据宪法、地方各级人民代表大会和地方各级人民政府组织法，"
        "制定本条例。"
    )
    assert ("某某条例", "legalBasis", "宪法") in found
    assert ("某某条例", "legalBasis", "地方各级人民代表大会和地方各级人民政府组织法") in found


def test_a_duty_to_make_rules_is_not_a_basis() -> None:
    found = lineage(
        "第八条 市人民政府应当根据《中华人民共和国水法》，制定本行政区域的用水标准，并公布实施。"
    )
    assert ("某某条例", "cites", "水法") in found
    assert not any(p == "legalBasis" for _, p, _ in found)


def test_repeals_in_force_and_implements() -> None:
    found = lineage(
        "第一条 为贯彻落实《中共中央关于教育体制改革的决定》，特制定本条例。\n"
        "第三十条 本条例自2002年1月1日起施行。1991年3月1日国务院发布的《甲管理办法》和"
        "《乙暂行规定》同时废止。"
    )
    assert ("某某条例", "implements", "中共中央关于教育体制改革的决定") in found
    assert ("某某条例", "repeals", "甲管理办法") in found
    assert ("某某条例", "repeals", "乙暂行规定") in found
    assert ("某某条例", "inForceFrom", "2002-01-01") in found


def test_amending_decisions_both_ways() -> None:
    found = lineage("对《某某条例》作如下修改：", title="关于修改《某某条例》的决定")
    assert ("关于修改某某条例的决定", "amends", "某某条例") in found
    history = lineage(
        "2012年2月29日 第十一届全国人民代表大会常务委员会《关于修改〈某某条例〉的决定》修正\n"
        "第一条 本条例自2013年1月1日起施行。"
    )
    assert ("关于修改某某条例的决定", "amends", "某某条例") in history
    assert ("某某条例", "inForceFrom", "2013-01-01") in history


def test_a_document_that_is_no_policy_states_no_lineage() -> None:
    doc = make_doc("根据《中华人民共和国专利法》，制定本细则。", kind="newspaper", title="评论")
    assert not [f for f in run(doc) if isinstance(f, Relation) and f.predicate == "legalBasis"]


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


def test_links_resolve_across_documents_and_a_repeal_ends_force(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(
        "中华人民共和国专利法\n第一条 为了保护专利权，根据宪法，制定本法。\n"
        "第二条 本法自1985年4月1日起施行。\n",
        encoding="utf-8",
    )
    (docs / "b.txt").write_text(
        "专利法实施细则\n第一条 根据《专利法》，制定本细则。\n"
        "第九条 本细则自2001年7月1日起施行。1992年12月12日发布的《旧专利法实施细则》同时废止。\n",
        encoding="utf-8",
    )
    code, out = invoke("build", str(docs), "--out", str(tmp_path / "out"), "--no-views")
    assert code == 0, out
    store = str(tmp_path / "out" / "store")
    code, out = invoke("query", "--store", store, "--format", "csv", "--name", "lineage",
                       "--param", "policy=中华人民共和国专利法", "--param", "depth=2")  # fmt: skip
    rows = out.splitlines()
    assert any("专利法实施细则,legalBasis,中华人民共和国专利法" in r for r in rows), out
    # Document b realizes the Policy its title names, and its basis is the Policy that
    # document a realizes (one node: the policy's key, whichever graph states it).
    code, out = invoke(
        "query",
        "--store",
        store,
        "ASK { ?b pgo:legalBasis ?a . ?da a pgo:Document ; pgo:realizes ?a . "
        '?db a pgo:Document ; pgo:realizes ?b . ?a pgo:inForceFrom "1985-04-01"^^xsd:date }',
    )
    assert out.strip() == "true"
    code, out = invoke(
        "query",
        "--store",
        store,
        "SELECT ?d WHERE { GRAPH <https://w3id.org/policygraph/graph/"
        'lineage> { ?old pgo:inForceUntil ?d } ?old rdfs:label "旧专利法实施细则"@zh }',
    )
    assert "2001-07-01" in out
    # Every link keeps its sentence and rule.
    code, out = invoke(
        "query",
        "--store",
        store,
        "SELECT ?rule WHERE { ?m a pgo:RelationMention ; "
        "rdf:predicate pgo:repeals ; pgo:rule ?rule ; pgo:sentence ?s }",
    )
    assert "lineage.repeal" in out


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.skipif(not TARBALL.is_file(), reason="../shared/corpus/bulk.tar.xz is absent")
@pytest.mark.parametrize("gold", ["lineage-bulk.yaml", "lineage-heldout.yaml"])
def test_lineage_gold_on_the_bulk_corpus(tmp_path: Path, gold: str) -> None:
    """The hand-written lineage gold (tuned on, and held out) scores at the issue's goal:
    precision ≥ 0.95 and recall ≥ 0.9 for legal basis and repeals."""
    from policygraph.evaluate.gold import evaluate

    gold_path = ROOT / "gold" / gold
    wanted = {d["file"] for d in yaml.safe_load(gold_path.read_text("utf-8"))["documents"]}
    with tarfile.open(TARBALL) as tar:
        members = [m for m in tar if Path(m.name).name in wanted and m.isfile()]
        for m in members:
            m.name = Path(m.name).name
            tar.extract(m, tmp_path, filter="data")
    assert len(members) == len(wanted)
    report = evaluate(gold_path, input_dir=tmp_path)
    for name in ("legalBasis", "repeals"):
        score = report.scores[name]
        assert score.precision >= 0.95 and score.recall >= 0.9, (name, score)


def test_a_new_edition_repeals_the_old_one_as_a_node_of_its_own() -> None:
    found = lineage(
        "第五十一条 本条例自2005年5月1日起施行。1995年10月28日国务院发布的《信访条例》同时废止。",
        title="信访条例",
    )
    assert ("信访条例", "repeals", "信访条例@1995") in found
    assert ("信访条例@1995", "editionOf", "信访条例") in found
    assert not any(o == "信访条例" and p == "repeals" for _, p, o in found)
    old = lineage("一九八四年九月十日国务院发布的《某某条例》即行废止。")
    assert ("某某条例", "repeals", "某某条例@1984") in old


def test_the_links_of_one_policy_are_the_links_of_all_that_touch_it(tmp_path: Path) -> None:
    """``lineage`` with a policy finds each link's sentences from the link (LATERAL) and
    without one from the sub-select of every link's sentences: at depth 1 the rows of a
    policy are exactly the rows of all links that start or end at it, sentences included."""
    import policygraph as pg

    docs = tmp_path / "docs"
    docs.mkdir()
    texts = {
        "a": "中华人民共和国专利法\n第一条 为了保护专利权，根据宪法，制定本法。\n",
        "b": "专利法实施细则\n第一条 根据《专利法》，制定本细则。\n"
        "第九条 1992年12月12日发布的《旧专利法实施细则》同时废止。\n",
        "c": "某省专利保护条例\n第一条 根据《中华人民共和国专利法》和《专利法实施细则》，"
        "结合本省实际，制定本条例。\n第二条 依照《专利法》的规定执行。\n",
    }
    for name, text in texts.items():
        (docs / f"{name}.txt").write_text(text, encoding="utf-8")
    pg.build([docs], out=tmp_path / "out", views=False)
    store = pg.open(tmp_path / "out")
    every = store.query(name="lineage").rows()
    assert len(every) >= 4 and all(r.get("sentence") for r in every)
    policies = {r["from"] for r in every} | {r["to"] for r in every}
    for policy in sorted(policies):
        mine = store.query(name="lineage", params={"policy": policy}).rows()
        strip = ("distance", "direction")
        got = sorted(tuple(sorted((k, v) for k, v in r.items() if k not in strip)) for r in mine)
        want = sorted(
            tuple(sorted((k, v) for k, v in r.items() if k not in strip))
            for r in every
            if policy in (r["from"], r["to"])
        )
        assert got == want, policy


def _until_rows(out: Path) -> list[tuple[str, str]]:
    import pyoxigraph as ox

    store = ox.Store.read_only(str((out / "store").resolve()))
    rows = store.query(
        "SELECT ?old ?d WHERE { GRAPH <https://w3id.org/policygraph/graph/lineage> "
        "{ ?old <https://w3id.org/policygraph/ontology#inForceUntil> ?d } } ORDER BY ?old"
    )
    return [(str(r["old"]), str(r["d"])) for r in rows]  # type: ignore[union-attr]


def test_lineage_updated_by_difference_is_that_of_a_clean_build(tmp_path: Path) -> None:
    """An update derives again only the ends of force its changed documents can move
    (``lineage.update``); after each kind of edit, the files and the store are those of a
    clean build."""
    from conftest import edit, updates_match_clean_builds

    def law(title: str, body: str) -> str:
        return f"{title}\n第一条 为了规范管理，制定本办法。\n{body}\n"

    texts = {
        "a.txt": law("甲管理办法", "第九条 本办法自2001年7月1日起施行。"),
        "b.txt": law("乙管理条例", "第九条 本条例自2005年5月1日起施行。《甲管理办法》同时废止。"),
        "c.txt": law("丙管理规定", "第九条 本规定自2003年3月1日起施行。《甲管理办法》同时废止。"),
        "d.txt": law("丁实施细则", "第九条 本细则自2010年1月1日起施行。"),
    }
    src = tmp_path / "in"
    src.mkdir()
    for name, text in texts.items():
        (src / name).write_text(text, encoding="utf-8")
    steps = [
        lambda: edit(src / "c.txt", "2003年3月1日", "2008年3月1日"),  # the earliest repeal moves
        lambda: (src / "b.txt").unlink(),  # a repealing text leaves
        lambda: edit(src / "d.txt", "起施行。", "起施行。《乙管理条例》同时废止。"),  # one comes
        lambda: (src / "b.txt").write_text(texts["b.txt"], encoding="utf-8"),
        # another text of 丙管理规定 (the same policy) puts it in force earlier: only its
        # date tells, the repeal is in c.txt
        lambda: (src / "e.txt").write_text(
            law("丙管理规定", "第八条 本规定自2002年1月1日起施行。"), encoding="utf-8"
        ),
        lambda: edit(src / "e.txt", "2002年1月1日", "2009年1月1日"),
        lambda: edit(src / "c.txt", "《甲管理办法》同时废止。", ""),  # a repeal goes
    ]
    seen = updates_match_clean_builds(src, tmp_path / "out", steps, _until_rows)
    assert seen[0] and len({tuple(rows) for rows in seen}) >= 5, seen
