"""The SKOS vocabularies in ontology/vocab and the industry/technology extractor."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, SKOS

from conftest import make_doc
from policygraph.extract import run
from policygraph.extract.base import entity_key
from policygraph.model import EntityMention, Relation
from policygraph.rules.normalize import normalise
from policygraph.rules.vocab import VOCAB_BASE, load_scheme, ontology_dir

SCHEMES = ("industries", "technologies", "organizations", "places")
PIPELINE = ("policies", "organizations", "places", "events", "lexicon")


# --- the vocabulary files ----------------------------------------------------------------------


def test_ontology_dir_has_the_vocabularies() -> None:
    folder = ontology_dir()
    assert {p.stem for p in (folder / "vocab").glob("*.ttl")} >= set(SCHEMES)


@pytest.mark.parametrize("name", SCHEMES)
def test_vocabulary_file_is_well_formed(name: str) -> None:
    path = ontology_dir() / "vocab" / f"{name}.ttl"
    graph = Graph().parse(path, format="turtle")
    schemes = set(graph.subjects(DCTERMS.identifier, Literal(name)))
    assert len(schemes) == 1
    scheme = next(iter(schemes))
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    concepts = sorted(set(graph.subjects(SKOS.inScheme, scheme)))
    assert len(concepts) >= 60
    owner: dict[str, object] = {}
    for concept in concepts:
        assert str(concept).startswith(VOCAB_BASE)
        assert str(concept).isascii()
        assert (concept, RDF.type, SKOS.Concept) in graph
        pref = [o for o in graph.objects(concept, SKOS.prefLabel) if o.language == "zh"]
        assert len(pref) == 1, concept
        for broader in graph.objects(concept, SKOS.broader):
            assert (broader, RDF.type, SKOS.Concept) in graph, broader
        for label in [*pref, *graph.objects(concept, SKOS.altLabel)]:
            if getattr(label, "language", None) != "zh":
                continue
            key = normalise(str(label))
            assert owner.setdefault(key, concept) == concept, f"{label} is on two concepts"


def test_industry_and_technology_labels_are_disjoint() -> None:
    industry = {normalise(lab) for c in load_scheme("industries") for lab in c.labels}
    technology = {normalise(lab) for c in load_scheme("technologies") for lab in c.labels}
    assert industry.isdisjoint(technology)


def test_load_scheme_reads_labels_and_broader() -> None:
    tech = load_scheme("technologies")
    ai = tech.lookup("AI")
    assert ai is not None
    assert ai.pref_label == "人工智能"
    assert ai.iri == VOCAB_BASE + "technology/artificial-intelligence"
    chips = tech.lookup("智能芯片")
    assert chips is not None
    assert chips.broader == (VOCAB_BASE + "technology/chips",)
    assert load_scheme("technologies") is tech  # cached


@pytest.mark.parametrize(
    ("scheme", "text", "expected"),
    [
        ("technologies", "攻克智能芯片和芯片", [("智能芯片", "智能芯片"), ("芯片", "芯片")]),
        ("technologies", "OpenAI和AI芯片、5G网络", [("AI芯片", "智能芯片"), ("5G", "5G")]),
        ("technologies", "５Ｇ和ＡＩ", [("５Ｇ", "5G"), ("ＡＩ", "人工智能")]),
        (
            "places",
            "在安徽考察，北京市和内蒙古",
            [
                ("安徽", "安徽省"),
                ("北京市", "北京市"),
                ("内蒙古", "内蒙古自治区"),
            ],
        ),
        (
            "organizations",
            "中央党校(国家行政学院)",
            [("中央党校(国家行政学院)", "中央党校（国家行政学院）")],
        ),
        ("industries", "传统制造业和制造业", [("传统制造业", "传统制造业"), ("制造业", "制造业")]),
    ],
)
def test_find_longest_match(scheme: str, text: str, expected: list[tuple[str, str]]) -> None:
    assert [(text[i:j], c.pref_label) for i, j, c in load_scheme(scheme).find(text)] == expected


# --- the extractor -----------------------------------------------------------------------------


def terms(text: str) -> list[tuple[str, str, str]]:
    doc = make_doc(text)
    out = []
    for f in run(doc, names=PIPELINE):
        if isinstance(f, EntityMention) and f.ref.cls in ("Industry", "Technology"):
            assert doc.text[f.mention.start : f.mention.end] == f.mention.surface
            assert f.ref.key == entity_key(f.label)
            out.append((f.ref.cls, f.label, f.mention.surface))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "率先在智能芯片、算法框架、大模型等领域实现卡位。",
            [
                ("Technology", "智能芯片", "智能芯片"),
                ("Technology", "大模型", "大模型"),
            ],
        ),
        (
            "推动人工智能与大数据、云计算、物联网、区块链深度融合。",
            [
                ("Technology", "人工智能", "人工智能"),
                ("Technology", "大数据", "大数据"),
                ("Technology", "云计算", "云计算"),
                ("Technology", "物联网", "物联网"),
                ("Technology", "区块链", "区块链"),
            ],
        ),
        ("推广面向新市民的AI+就业服务。", [("Technology", "人工智能", "AI")]),
        (
            "助力传统产业改造升级，开辟战略性新兴产业和未来产业发展新赛道。",
            [
                ("Industry", "传统产业", "传统产业"),
                ("Industry", "战略性新兴产业", "战略性新兴产业"),
                ("Industry", "未来产业", "未来产业"),
            ],
        ),
        (
            "大力发展生活性服务业，提升文旅消费。",
            [
                ("Industry", "生活性服务业", "生活性服务业"),
                ("Industry", "文化旅游", "文旅"),
            ],
        ),
        ("不断提升人工智能产业发展能级。", [("Industry", "人工智能产业", "人工智能产业")]),
        # not industries: inside an organization, or a fixed phrase
        ("教育部和农业农村部联合发文。", []),
        ("农业转移人口市民化。", []),
        # two-character terms must be whole words; ideological campaigns are not a sector
        ("普及义务教育，加强理想信念教育。", []),
        ("促进教育公平。", [("Industry", "教育", "教育")]),
    ],
)
def test_lexicon_mentions(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert terms(text) == expected


def test_policy_concerns_what_its_title_names() -> None:
    doc = make_doc("今年发布的《北京市加快人工智能赋能科学研究高质量发展行动计划》。大数据很重要。")
    concerns = {
        (f.subject.cls, f.object.cls, f.object.key)
        for f in run(doc, names=PIPELINE)
        if isinstance(f, Relation) and f.predicate == "concerns"
    }
    assert concerns == {("Policy", "Technology", "人工智能")}


def test_rules_are_data() -> None:
    # the vocabulary files are the only source of terms: none are hard-coded in the modules
    source = Path(__file__).parents[1] / "src" / "policygraph" / "extract" / "lexicon.py"
    assert "区块链" not in source.read_text(encoding="utf-8")


def test_no_white_space_after_the_ideographic_space() -> None:
    """fold() scans code points up to U+3000 for white space (rules/normalize.py)."""
    from policygraph.rules import normalize

    assert [c for c in range(normalize.LAST_SPACE + 1, 0x110000) if chr(c).isspace()] == []
