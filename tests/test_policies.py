"""The policy extractor: titles, five-year plans, named initiatives and their relations, as
tables of text and expected labels; and one run over the seed documents."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import make_doc
from policygraph.extract import policies as policy_rules
from policygraph.extract import run
from policygraph.extract.base import entity_key
from policygraph.extract.policies import is_policy_title, parse_words, plan_label
from policygraph.model import EntityMention, EntityRef, Fact, Relation
from policygraph.rules import policy_words
from policygraph.rules.wordlists import read_data
from policygraph.text.document import Document
from policygraph.text.loader import find_sources, load_document
from policygraph.text.years import five_year_plan_period as plan_period

SEEDS = Path(__file__).parents[1] / "seeds"
UPSTREAM = ("policies", "organizations", "places", "events", "lexicon")


def mentions(doc: Document, facts: list[Fact], cls: str) -> list[EntityMention]:
    out = [f for f in facts if isinstance(f, EntityMention) and f.ref.cls == cls]
    for f in out:
        assert doc.text[f.mention.start : f.mention.end] == f.mention.surface
        assert f.ref.key == entity_key(f.label)
    return out


def policies(text: str, **kw: str) -> list[tuple[str, str]]:
    doc = make_doc(text, **kw)
    return [(f.label, f.mention.surface) for f in mentions(doc, run(doc, names=UPSTREAM), "Policy")]


def relations(text: str, predicate: str, **kw: str) -> set[tuple[str, str, str]]:
    doc = make_doc(text, **kw)
    return {
        (f.subject.key, f.object.cls, f.object.key)
        for f in run(doc, names=UPSTREAM)
        if isinstance(f, Relation) and f.predicate == predicate
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "今年，《国务院关于深入实施“人工智能+”行动的意见》印发。",
            [
                (
                    "国务院关于深入实施“人工智能+”行动的意见",
                    "国务院关于深入实施“人工智能+”行动的意见",
                )
            ],
        ),
        (
            "今年发布的《北京市加快人工智能赋能科学研究高质量发展行动计划(2025—2027年)》，描绘了路线图。",
            [
                (
                    "北京市加快人工智能赋能科学研究高质量发展行动计划（2025—2027年）",
                    "北京市加快人工智能赋能科学研究高质量发展行动计划(2025—2027年)",
                )
            ],
        ),
        (
            "出台《中国共产党工作机关条例（试行）》。",
            [("中国共产党工作机关条例（试行）", "中国共产党工作机关条例（试行）")],
        ),
        # books, newspapers and treaties are not policies
        ("《人民日报》发表评论员文章。", []),
        ("认真学习《习近平谈治国理政》。", []),
        ("积极落实《巴黎协定》。", []),
        (
            "党的二十届四中全会审议通过的“十五五”规划建议强调因地制宜发展新质生产力。",
            [("“十五五”规划建议", "“十五五”规划建议")],
        ),
        (
            "“十三五”规划顺利实施，十四五规划开局良好。",
            [("“十三五”规划", "“十三五”规划"), ("“十四五”规划", "十四五规划")],
        ),
        (
            "编制国民经济和社会发展第十四个五年规划。",
            [("“十四五”规划", "国民经济和社会发展第十四个五年规划")],
        ),
        ("“十一五”规划纲要把节能减排作为约束性指标。", [("“十一五”规划", "“十一五”规划纲要")]),
        ("“十五”计划胜利完成。", [("“十五”计划", "“十五”计划")]),
        ("“十五五”时期，必须加强人工智能同产业发展相结合。", []),
        (
            "在实施“人工智能+”行动的过程中，也要实施人工智能+行动。",
            [("“人工智能+”行动", "“人工智能+”行动"), ("“人工智能+”行动", "人工智能+行动")],
        ),
        ("统筹推进“四个全面”战略布局。", []),
        ("坚定实施“走出去”战略。", [("“走出去”战略", "“走出去”战略")]),
        (
            "以“一带一路”倡议为引领，实施“东数西算”工程。",
            [("“一带一路”倡议", "“一带一路”倡议"), ("“东数西算”工程", "“东数西算”工程")],
        ),
        ("2018年中央一号文件聚焦乡村。", [("2018年中央一号文件", "2018年中央一号文件")]),
        ("政府工作报告提出目标。", []),  # which year's report?
        ("推行“雪亮工程”建设。", [("雪亮工程", "“雪亮工程”")]),
        ("深入实施乡村振兴战略，乡村振兴战略是总抓手。", [("乡村振兴战略", "乡村振兴战略")] * 2),
        (
            "党的二十届四中全会强调“发挥区域协调发展战略、区域重大战略、主体功能区战略、新型城镇化战略叠加效应”。",
            [
                ("区域协调发展战略", "区域协调发展战略"),
                ("区域重大战略", "区域重大战略"),
                ("主体功能区战略", "主体功能区战略"),
                ("新型城镇化战略", "新型城镇化战略"),
            ],
        ),
        (
            "深入实施新一轮农业转移人口市民化行动。",
            [("农业转移人口市民化行动", "农业转移人口市民化行动")],
        ),
        (
            "深入实施基础研究领先行动方案，坚持目标导向。",
            [("基础研究领先行动方案", "基础研究领先行动方案")],
        ),
        # generic phrases are not initiatives
        ("必须加快形成与之相适应的新型生产关系。", []),
        ("可考虑实施一批颠覆性技术攻关计划。", []),
        ("部署若干重大工程，实施重大工程。", []),
        ("我国发展仍然处于重要战略机遇期，培育战略性新兴产业。", []),
        ("把扩大内需这个战略基点落实好。", []),
    ],
)
def test_policy_mentions(text: str, expected: list[tuple[str, str]]) -> None:
    assert policies(text) == expected


@pytest.mark.parametrize(
    ("text", "predicate", "expected"),
    [
        (
            "今年，《国务院关于深入实施“人工智能+”行动的意见》印发。",
            "issuedBy",
            {("国务院关于深入实施人工智能+行动的意见", "Organization", "国务院")},
        ),
        (
            "今年，《国务院关于深入实施“人工智能+”行动的意见》印发。",
            "issuedIn",
            {("国务院关于深入实施人工智能+行动的意见", "Year", "2025")},
        ),
        (
            "2018年1月2日，《中共中央 国务院关于实施乡村振兴战略的意见》印发。",
            "issuedBy",
            {
                ("中共中央国务院关于实施乡村振兴战略的意见", "Organization", "中共中央"),
                ("中共中央国务院关于实施乡村振兴战略的意见", "Organization", "国务院"),
            },
        ),
        (
            "2018年1月2日，《中共中央 国务院关于实施乡村振兴战略的意见》印发。",
            "issuedIn",
            {("中共中央国务院关于实施乡村振兴战略的意见", "Year", "2018")},
        ),
        (
            "今年发布的《北京市加快人工智能赋能科学研究高质量发展行动计划(2025—2027年)》提出到2027年建成大模型。",
            "issuedBy",
            {
                (
                    "北京市加快人工智能赋能科学研究高质量发展行动计划（2025—2027年）",
                    "Place",
                    "北京市",
                )
            },
        ),
        (
            "今年发布的《北京市加快人工智能赋能科学研究高质量发展行动计划(2025—2027年)》提出到2027年建成大模型。",
            "periodEnd",
            {("北京市加快人工智能赋能科学研究高质量发展行动计划（2025—2027年）", "Year", "2027")},
        ),
        (
            "国务院办公厅印发《新一代人工智能发展规划》。",
            "issuedBy",
            {("新一代人工智能发展规划", "Organization", "国务院办公厅")},
        ),
        (
            "工业和信息化部等六部门联合印发《关于推动未来产业创新发展的实施意见》。",
            "issuedBy",
            {("关于推动未来产业创新发展的实施意见", "Organization", "工业和信息化部")},
        ),
        (
            "国务院关于印发《新一代人工智能发展规划》的通知",
            "issuedBy",
            {("新一代人工智能发展规划", "Organization", "国务院")},
        ),
        (
            "上海市人民政府办公厅印发《上海市促进低空经济产业高质量发展行动方案（2024—2027年）》。",
            "issuedBy",
            {
                ("上海市促进低空经济产业高质量发展行动方案（2024—2027年）", "Place", "上海市"),
                (
                    "上海市促进低空经济产业高质量发展行动方案（2024—2027年）",
                    "Organization",
                    "上海市人民政府办公厅",
                ),
            },
        ),
        (
            "2024年政府工作报告提出，开展“人工智能+”行动。",
            "issuedBy",
            {("2024年政府工作报告", "Organization", "国务院")},
        ),
        (
            "今年《政府工作报告》提出，开展“人工智能+”行动。",
            "issuedIn",
            {("2025年政府工作报告", "Year", "2025")},
        ),
        ("到2027年，《某某行动方案》要全面落实。", "issuedIn", set()),
        (
            "党的二十届四中全会审议通过的“十五五”规划建议强调因地制宜。",
            "adoptedAt",
            {("十五五规划建议", "Event", "党的二十届四中全会")},
        ),
        (
            "“十五五”规划建议提出目标。",
            "periodStart",
            {("十五五规划建议", "Year", "2026")},
        ),
        ("“十四五”规划开局良好。", "periodEnd", {("十四五规划", "Year", "2025")}),
        (
            "今年，《国务院关于深入实施“人工智能+”行动的意见》印发。",
            "concerns",
            {("国务院关于深入实施人工智能+行动的意见", "Technology", "人工智能")},
        ),
    ],
)
def test_policy_relations(text: str, predicate: str, expected: set[tuple[str, str, str]]) -> None:
    assert relations(text, predicate) == expected


def test_issuer_is_mentioned_at_the_start_of_the_title() -> None:
    doc = make_doc("今年，《国务院关于深入实施“人工智能+”行动的意见》印发。")
    facts = run(doc, names=UPSTREAM)
    orgs = mentions(doc, facts, "Organization")
    assert [(f.label, f.mention.surface, f.mention.rule) for f in orgs] == [
        ("国务院", "国务院", "policies.issuer")
    ]
    assert doc.text[orgs[0].mention.start - 1] == "《"


def test_heading_title_and_date_line() -> None:
    text = (
        "中共中央关于制定国民经济和社会发展第十四个五年规划和二〇三五年远景目标的建议\n"
        "（2020年10月29日中国共产党第十九届中央委员会第五次全体会议通过）\n"
        "“十四五”时期是我国开启全面建设社会主义现代化国家新征程的第一个五年。\n"
    )
    doc = make_doc(text, kind="policy", title=text.splitlines()[0])
    facts = run(doc, names=UPSTREAM)
    title = entity_key(text.splitlines()[0])
    rels = {
        (f.predicate, f.object.key)
        for f in facts
        if isinstance(f, Relation) and f.subject.key == title
    }
    assert rels == {
        ("issuedBy", "中共中央"), ("issuedIn", "2020"), ("adoptedAt", "党的十九届五中全会"),
        ("periodStart", "2021"), ("periodEnd", "2025"),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("本意见自印发之日起施行。该意见明确了目标。", "policy", ["本意见", "该意见"]),
        ("本规划期为2021—2025年。", "policy", ["本规划"]),
        ("本意见自印发之日起施行。", "newspaper", []),
        ("该规划提出目标。", "policy", []),  # 该 + a type the document is not: another policy
        ("这是基本规划。", "policy", []),
    ],
)
def test_self_reference(text: str, kind: str, expected: list[str]) -> None:
    title = "国务院关于推动某项工作的意见"
    doc = make_doc(text, kind=kind, title=title)
    found = mentions(doc, run(doc, names=("policies",)), "Policy")
    assert [f.mention.surface for f in found] == expected
    assert all(f.ref == EntityRef("Policy", entity_key(title)) for f in found)
    assert all(f.mention.rule == "policies.self-reference" for f in found)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("国务院关于深入实施“人工智能+”行动的意见", True),
        ("北京市加快人工智能赋能科学研究高质量发展行动计划(2025—2027年)", True),
        ("中华人民共和国乡村振兴促进法", True),
        ("人民日报", False),
        ("孙子兵法", False),
        ("巴黎协定", False),
    ],
)
def test_is_policy_title(title: str, expected: bool) -> None:
    assert is_policy_title(title) is expected


def listed(name: str, section: str) -> list[str]:
    """The entries of one ``[section]`` of ``data/<name>``, read here without the loader."""
    out: list[str] = []
    current = None
    for raw in read_data(name).splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("["):
            current = line[1:-1]
        elif line and current == section:
            out.append(line)
    return out


def test_every_document_type_in_the_data_file_makes_a_title() -> None:
    doc_types = listed("policies.txt", "doc-types")
    assert set(doc_types) == set(policy_rules.words().doc_types)
    for doc_type in doc_types:
        title = f"关于加快数字经济发展的{doc_type}"
        assert policies(f"《{title}》印发。") == [(title, title)], doc_type


@pytest.fixture
def policies_txt(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Have the loader read an edited ``data/policies.txt``; the word lists are reloaded."""

    def use(text: str) -> None:
        monkeypatch.setattr(policy_words, "read_data", lambda name: text)
        policy_rules.words.cache_clear()
        policy_rules._patterns.cache_clear()

    yield use
    policy_rules.words.cache_clear()
    policy_rules._patterns.cache_clear()


def test_a_document_type_is_added_in_the_data_file(policies_txt: Callable[[str], None]) -> None:
    assert policies("《网络安全守则》印发。") == []
    policies_txt(read_data("policies.txt") + "\n[doc-types]\n守则\n")
    assert policies("《网络安全守则》印发。") == [("网络安全守则", "网络安全守则")]


@pytest.mark.parametrize(
    ("added", "message"),
    [
        ("[doc-type]", r"unknown section \[doc-type\]"),
        ("[doc-types]\n行动 纲要", r"\[doc-types\] takes one word a line, not '行动 纲要'"),
        ("[not-after]\n战术 布局", r"战术 is in neither \[initiative-suffixes\]"),
        ("[named-documents]\n政府工作报告", r"\[named-documents\] takes a word and what"),
        ("[name-stops]\n的和", r"\[name-stops\] takes one character a line"),
        ("[not-self-reference]\n基本面", r"\[not-self-reference\] takes words ending in 本/该"),
    ],
)
def test_a_malformed_line_is_named(added: str, message: str) -> None:
    text = read_data("policies.txt") + "\n" + added + "\n"
    line = len(text.splitlines())  # the added entry is the last line
    with pytest.raises(ValueError, match=rf"^data/policies\.txt, line {line}: {message}"):
        parse_words(text)


def test_a_line_before_any_section_and_a_missing_section_are_named() -> None:
    text = read_data("policies.txt")
    with pytest.raises(ValueError, match=r"^data/policies\.txt, line 1: '意见' stands before"):
        parse_words("意见\n" + text)
    with pytest.raises(ValueError, match=r"^data/policies\.txt: no section \[issuing-places\]$"):
        parse_words(text[: text.index("[issuing-places]")])


@pytest.mark.parametrize(
    ("ordinal", "period", "label"),
    [
        (1, (1953, 1957), "“一五”计划"),
        (3, (1966, 1970), "“三五”计划"),
        (10, (2001, 2005), "“十五”计划"),
        (14, (2021, 2025), "“十四五”规划"),
        (15, (2026, 2030), "“十五五”规划"),
    ],
)
def test_five_year_plan_arithmetic(ordinal: int, period: tuple[int, int], label: str) -> None:
    assert plan_period(ordinal) == period
    assert plan_label(ordinal, None) == label


def test_seed_documents() -> None:
    labels: dict[str, set[str]] = {}
    rels: set[tuple[str, str, str]] = set()
    for source in find_sources([SEEDS]):
        doc = load_document(source)
        facts = run(doc, names=UPSTREAM)
        for f in facts:
            if isinstance(f, EntityMention):
                assert doc.text[f.mention.start : f.mention.end] == f.mention.surface
                labels.setdefault(f.ref.cls, set()).add(f.label)
            elif isinstance(f, Relation):
                rels.add((f.subject.key, f.predicate, f.object.key))
    assert {
        "国务院关于深入实施“人工智能+”行动的意见",
        "北京市加快人工智能赋能科学研究高质量发展行动计划（2025—2027年）",
        "“人工智能+”行动",
        "“十五五”规划建议",
    } <= labels["Policy"]
    assert "新型生产关系" not in labels["Policy"]
    opinion = entity_key("国务院关于深入实施“人工智能+”行动的意见")
    beijing = entity_key("北京市加快人工智能赋能科学研究高质量发展行动计划（2025—2027年）")
    assert {
        (opinion, "issuedBy", "国务院"),
        (beijing, "issuedBy", "北京市"),
        (beijing, "periodStart", "2025"),
        (beijing, "periodEnd", "2027"),
        ("十五五规划建议", "periodStart", "2026"),
        ("十五五规划建议", "periodEnd", "2030"),
        ("十五五规划建议", "adoptedAt", "党的二十届四中全会"),
    } <= rels
    assert {
        "国务院", "中央党校（国家行政学院）", "北京大学经济学院",
        "教育部习近平新时代中国特色社会主义思想研究中心",
    } <= labels["Organization"]  # fmt: skip
    assert "我国" not in labels["Organization"]
    assert {"安徽省", "北京市"} <= labels["Place"]
    assert {
        "党的二十届四中全会", "中央城市工作会议", "二十届中央政治局第二十次集体学习",
        "二十届中央政治局第十四次集体学习", "中央政治局会议",
    } <= labels["Event"]  # fmt: skip
    assert {"人工智能", "大模型", "区块链"} <= labels["Technology"]
    assert {"传统产业", "制造业", "生活性服务业", "未来产业"} <= labels["Industry"]
