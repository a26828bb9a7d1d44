"""The organization extractor and the affiliation-line parser, as tables of text and
expected (label, surface, rule)."""

from __future__ import annotations

import pytest

from conftest import make_doc
from policygraph.extract import run
from policygraph.extract.base import entity_key
from policygraph.extract.organizations import affiliation_orgs
from policygraph.model import EntityMention

PIPELINE = ("policies", "organizations")


def organizations(text: str) -> list[tuple[str, str, str]]:
    doc = make_doc(text)
    out = []
    for f in run(doc, names=PIPELINE):
        if isinstance(f, EntityMention) and f.ref.cls == "Organization":
            assert doc.text[f.mention.start : f.mention.end] == f.mention.surface
            assert f.ref.key in (entity_key(f.label), f"{entity_key(f.label)}@{doc.id}")
            out.append((f.label, f.mention.surface, f.mention.rule))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("国务院印发通知。", [("国务院", "国务院", "organizations.vocab")]),
        (
            "党中央、国务院高度重视。",
            [
                ("中共中央", "党中央", "organizations.vocab"),
                ("国务院", "国务院", "organizations.vocab"),
            ],
        ),
        (
            "工信部和国家发改委联合发文。",
            [
                ("工业和信息化部", "工信部", "organizations.vocab"),
                ("国家发展改革委", "国家发改委", "organizations.vocab"),
            ],
        ),
        (
            "中国人民银行下调利率，央行表示。",
            [
                ("中国人民银行", "中国人民银行", "organizations.vocab"),
                ("中国人民银行", "央行", "organizations.vocab"),
            ],
        ),
        (
            "中央党校(国家行政学院)举办培训班。",
            [
                ("中央党校（国家行政学院）", "中央党校(国家行政学院)", "organizations.vocab"),
            ],
        ),
        (
            "近年来，中央明确提出要开展“人工智能+”行动。",
            [
                ("中共中央", "中央", "organizations.central"),
            ],
        ),
        (
            "北京市统计局和北京市发展和改革委员会发布数据。",
            [
                ("北京市统计局", "北京市统计局", "organizations.pattern"),
                ("北京市发展和改革委员会", "北京市发展和改革委员会", "organizations.pattern"),
            ],
        ),
        (
            "北京市经济和信息化局、上海市人民政府办公厅发布通知。",
            [
                ("北京市经济和信息化局", "北京市经济和信息化局", "organizations.pattern"),
                ("上海市人民政府办公厅", "上海市人民政府办公厅", "organizations.pattern"),
            ],
        ),
        ("中国和世界银行合作。", [("世界银行", "世界银行", "organizations.vocab")]),
        ("国务院各部委、各直属机构。", [("国务院", "国务院", "organizations.vocab")]),
        (
            "教育部习近平新时代中国特色社会主义思想研究中心举办研讨会。",
            [
                ("教育部", "教育部", "organizations.vocab"),
                (
                    "教育部习近平新时代中国特色社会主义思想研究中心",
                    "教育部习近平新时代中国特色社会主义思想研究中心",
                    "organizations.pattern",
                ),
            ],
        ),
        # not organizations
        ("我国政府和企业，各地各部门，党和人民。", []),
        ("建设邻里服务中心、新市民服务中心，建设上海国际金融中心。", []),
        ("广东东部地区，北京市发展人工智能驱动的科学研究的路线图。", []),
        ("香港、澳门两个特别行政区政府。", []),
        # inside an event name or a policy title
        ("不久前召开的中央政治局会议提出，十四届全国人大三次会议召开。", []),
        ("《教育部关于加强某项工作的通知》印发。", [("教育部", "教育部", "policies.issuer")]),
    ],
)
def test_organization_mentions(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert organizations(text) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "（作者系教育部习近平新时代中国特色社会主义思想研究中心特约研究员、北京大学经济学院院长）",
            ["教育部习近平新时代中国特色社会主义思想研究中心", "北京大学经济学院"],
        ),
        (
            "(作者均系北京市习近平新时代中国特色社会主义思想研究中心研究员)",
            ["北京市习近平新时代中国特色社会主义思想研究中心"],
        ),
        (
            "（作者系内蒙古自治区中国特色社会主义理论体系研究中心研究员、内蒙古自治区社会科学院社会学研究所副所长）",
            ["内蒙古自治区中国特色社会主义理论体系研究中心", "内蒙古自治区社会科学院社会学研究所"],
        ),
        (
            "【作者系中央党校（国家行政学院）习近平新时代中国特色社会主义思想研究中心研究员】",
            ["中央党校（国家行政学院）习近平新时代中国特色社会主义思想研究中心"],
        ),
        (
            "（作者系中国社会科学院习近平新时代中国特色社会主义思想研究中心研究员、财经战略研究院服务经济与互联网发展研究室主任）",
            [
                "中国社会科学院习近平新时代中国特色社会主义思想研究中心",
                "财经战略研究院服务经济与互联网发展研究室",
            ],
        ),
        ("（作者系清华大学教授、博士生导师）", ["清华大学"]),
        ("（作者系中共中央党校教授）", ["中央党校（国家行政学院）"]),
        ("（作者系资深媒体人）", []),
    ],
)
def test_affiliation_orgs(line: str, expected: list[str]) -> None:
    found = affiliation_orgs(line)
    assert [label for _, _, label in found] == expected
    for i, j, label in found:
        assert entity_key(line[i:j]) == entity_key(label) or label == "中央党校（国家行政学院）"


def test_affiliation_block_mentions_parent_bodies() -> None:
    text = (
        "正文第一段。\n\n"
        "（作者系教育部习近平新时代中国特色社会主义思想研究中心特约研究员、北京大学经济学院院长）\n"
    )
    assert organizations(text) == [
        ("教育部", "教育部", "organizations.vocab"),
        ("教育部习近平新时代中国特色社会主义思想研究中心",
         "教育部习近平新时代中国特色社会主义思想研究中心", "organizations.affiliation"),
        ("北京大学", "北京大学", "organizations.vocab"),
        ("北京大学经济学院", "北京大学经济学院", "organizations.affiliation"),
    ]  # fmt: skip


# -- local bodies (issue 19.5): a province's or city's body is never the national one ------


def _org_refs(text: str, *, title: str = "测试文档", doc_id: str = "test") -> list[tuple[str, str]]:
    doc = make_doc(text, title=title, doc_id=doc_id)
    return [
        (f.label, f.ref.key)
        for f in run(doc, names=PIPELINE)
        if isinstance(f, EntityMention) and f.ref.cls == "Organization"
    ]


def test_local_bodies_resolve_against_the_documents_province() -> None:
    text = (
        "湖南省人工智能产业发展行动计划\n"
        "加快建设智能工厂。（责任单位：省工业和信息化厅、省发展改革委、省国资委）\n"
        "国家发展改革委将给予支持。\n"
    )
    found = _org_refs(text)
    assert ("湖南省发展改革委", "湖南省发展改革委") in found
    assert ("湖南省国资委", "湖南省国资委") in found
    assert ("国家发展改革委", "国家发展改革委") in found  # the national body stays national
    assert ("国务院国资委", "国务院国资委") not in found


def test_city_bodies_resolve_against_the_documents_city() -> None:
    text = "济南市数字经济推进方案\n（责任单位：市发改委、市科技局）本市发展改革委牵头。\n"
    labels = {label for label, _ in _org_refs(text)}
    assert "济南市发展改革委" in labels
    assert "国家发展改革委" not in labels


def test_local_bodies_with_unknown_place_stay_apart_per_document() -> None:
    text = "为推进场景创新，制定本方案。\n（牵头单位：省发展改革委，配合单位：省国资委）\n"
    a = _org_refs(text, doc_id="a")
    b = _org_refs(text, doc_id="b")
    assert ("省发展改革委", "省发展改革委@a") in a
    assert ("省发展改革委", "省发展改革委@b") in b
    assert all(label not in ("国家发展改革委", "国务院国资委") for label, _ in a)


def test_collective_and_named_local_bodies() -> None:
    text = (
        "湖南省智能制造行动方案\n"
        "各省（区、市）发展改革委、各市发展改革委要加强指导；潍坊市发改委负责试点。\n"
    )
    found = _org_refs(text)
    # 各省 is every province's commission, not Hunan's
    assert ("省发展改革委", "省发展改革委@test") in found
    assert ("市发展改革委", "市发展改革委@test") in found
    assert ("潍坊市发展改革委", "潍坊市发展改革委") in found
    assert all(label != "国家发展改革委" for label, _ in found)


def test_departments_are_not_ministries() -> None:
    # 科技部门 / 财政部门: the science (finance) departments, not 科技部 / 财政部
    labels = {label for label, _ in _org_refs("各市科技部门、区财政部门要加强协同。\n")}
    assert labels.isdisjoint({"科技部", "财政部"})


def test_local_issuer_of_a_policy() -> None:
    from policygraph.model import Relation

    doc = make_doc("湖南省数字政府建设方案\n省发展改革委印发《湖南省算力基础设施建设方案》。\n")
    issuers = {
        r.object.key
        for r in run(doc, names=PIPELINE)
        if isinstance(r, Relation) and r.predicate == "issuedBy"
    }
    assert "国家发展改革委" not in issuers
    assert "湖南省发展改革委" in issuers


# -- annex forms (issue 19.6): form fields are no persons, form headings no articles -----


def test_form_fields_are_not_persons_and_contacts_are() -> None:
    from policygraph.model import ArticleFact

    text = (
        "请于2022年10月28日前完成线上申报。\n"
        "联系人及电话：\n"
        "工业和信息化部装备工业一司　　陆瑞阳　010-68205630\n"
        "中国信息通信研究院　　刘　迎　18610885074\n"
        "联系方式： 张志友   85911068\n"
        "附件3\n"
        "示范工厂揭榜任务\n"
        "单位名称\n"
        "应用描述\n"
        "揭榜任务\n"
        "联系人\n"
        "邮箱\n"
        "电话\n"
        "标准状态\n"
        "6.1\n"
        "请如实填写上述信息。\n"
    )
    facts = run(make_doc(text, kind="policy"))
    persons = {f.label for f in facts if isinstance(f, EntityMention) and f.ref.cls == "Person"}
    assert persons == {"陆瑞阳", "刘迎", "张志友"}
    assert [f.title for f in facts if isinstance(f, ArticleFact)] == []


def test_relevant_comrades_are_nobody() -> None:
    facts = run(make_doc("请各单位有关同志按时参加培训。\n"))
    assert [f for f in facts if isinstance(f, EntityMention) and f.ref.cls == "Person"] == []


def test_national_names_stay_national_after_a_level_word() -> None:
    labels = {
        label
        for label, _ in _org_refs("香港特别行政区全国人大代表、驻本市全国人民代表大会代表。\n")
    }
    assert "全国人民代表大会" in labels
    assert not any(
        label.endswith(("全国人大", "全国人民代表大会")) and label != "全国人民代表大会"
        for label in labels
    )


def test_local_bodies_the_vocabulary_does_not_know() -> None:
    text = (
        "湖南省人工智能产业发展三年行动计划\n"
        "（责任单位：省工业和信息化厅、省科技厅、省人力资源社会保障厅，各市州人民政府）\n"
        "省工业和信息化厅印发《湖南省智能制造实施方案》。\n"
        "本市节能工作遵循政府引导的原则，省有关部门要加强配合。\n"
    )
    doc = make_doc(text)
    facts = run(doc, names=PIPELINE)
    labels = {
        f.label for f in facts if isinstance(f, EntityMention) and f.ref.cls == "Organization"
    }
    assert {"湖南省工业和信息化厅", "湖南省科技厅", "湖南省人力资源社会保障厅"} <= labels
    assert not any("政府引导" in label or "遵循" in label or "有关" in label for label in labels)
    assert "工业和信息化部" not in labels
    from policygraph.model import Relation

    issuers = {r.object.key for r in facts if isinstance(r, Relation) and r.predicate == "issuedBy"}
    assert "湖南省工业和信息化厅" in issuers
