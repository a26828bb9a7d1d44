"""The place and event extractors, as tables of text and expected (label, surface)."""

from __future__ import annotations

from itertools import pairwise

import pytest

from conftest import make_doc
from policygraph.extract import run
from policygraph.extract.base import entity_key
from policygraph.extract.events import find_events, parse_words
from policygraph.model import EntityMention
from policygraph.rules.wordlists import read_data

PIPELINE = ("policies", "organizations", "places", "events")


def found(text: str, cls: str) -> list[tuple[str, str]]:
    doc = make_doc(text)
    out = []
    for f in run(doc, names=PIPELINE):
        if isinstance(f, EntityMention) and f.ref.cls == cls:
            assert doc.text[f.mention.start : f.mention.end] == f.mention.surface
            assert f.ref.key == entity_key(f.label)
            out.append((f.label, f.mention.surface))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("习近平总书记在安徽考察时强调。", [("安徽省", "安徽")]),
        (
            "北京市和内蒙古自治区、内蒙古都在行动。",
            [
                ("北京市", "北京市"),
                ("内蒙古自治区", "内蒙古自治区"),
                ("内蒙古自治区", "内蒙古"),
            ],
        ),
        ("淄博的烧烤、云南的民宿酒吧。", [("淄博市", "淄博"), ("云南省", "云南")]),
        ("2024年中国腕带智能设备出货量位居全球前列。", [("中国", "中国")]),
        ("加强中西部地区网络基础设施建设。", [("中西部地区", "中西部地区")]),
        # not places
        ("我国城镇化率达67%，全国各地都在推进。", []),
        ("坚持中国特色社会主义，推进中国式现代化，实现中国梦。", []),
        # inside an organization or a policy title
        ("北京市习近平新时代中国特色社会主义思想研究中心举办研讨会。", []),
        ("北京大学和上海合作组织。", []),
        ("《北京市加快人工智能赋能科学研究高质量发展行动计划》印发。", [("北京市", "北京市")]),
    ],
)
def test_place_mentions(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text, "Place") == expected


def test_place_in_policy_title_comes_from_the_issuer_rule() -> None:
    doc = make_doc("《北京市加快人工智能赋能科学研究高质量发展行动计划》印发。")
    rules = [
        f.mention.rule
        for f in run(doc, names=PIPELINE)
        if isinstance(f, EntityMention) and f.ref.cls == "Place"
    ]
    assert rules == ["policies.issuer"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("党的二十届四中全会审议通过。", [("党的二十届四中全会", "党的二十届四中全会")]),
        ("二十届四中全会强调。", [("党的二十届四中全会", "二十届四中全会")]),
        ("中共十九届五中全会召开。", [("党的十九届五中全会", "中共十九届五中全会")]),
        (
            "（2020年10月29日中国共产党第十九届中央委员会第五次全体会议通过）",
            [("党的十九届五中全会", "中国共产党第十九届中央委员会第五次全体会议")],
        ),
        (
            "党的十九大和十九届二中、三中全会精神。",
            [
                ("党的十九大", "党的十九大"),
                ("党的十九届二中全会", "十九届二中"),
                ("党的十九届三中全会", "三中全会"),
            ],
        ),
        (
            "中国共产党第十九次全国代表大会胜利召开。",
            [("党的十九大", "中国共产党第十九次全国代表大会")],
        ),
        ("今年召开的中央城市工作会议提出。", [("中央城市工作会议", "中央城市工作会议")]),
        (
            "中央经济工作会议和全国金融工作会议。",
            [
                ("中央经济工作会议", "中央经济工作会议"),
                ("全国金融工作会议", "全国金融工作会议"),
            ],
        ),
        ("不久前召开的中央政治局会议提出。", [("中央政治局会议", "中央政治局会议")]),
        (
            "——习近平总书记2025年4月在二十届中央政治局第二十次集体学习时的讲话",
            [("二十届中央政治局第二十次集体学习", "二十届中央政治局第二十次集体学习")],
        ),
        ("——习近平总书记2024年10月在安徽考察时的讲话", [("安徽考察", "安徽考察")]),
        (
            "第十二届全国人民代表大会第一次会议以来。",
            [
                ("十二届全国人大一次会议", "第十二届全国人民代表大会第一次会议"),
            ],
        ),
        (
            "十四届全国人大三次会议和全国政协十四届三次会议即全国两会。",
            [
                ("十四届全国人大三次会议", "十四届全国人大三次会议"),
                ("全国政协十四届三次会议", "全国政协十四届三次会议"),
                ("全国两会", "全国两会"),
            ],
        ),
        (
            "习近平在主持召开新时代推动东北全面振兴座谈会时强调。",
            [("新时代推动东北全面振兴座谈会", "新时代推动东北全面振兴座谈会")],
        ),
        (
            "在庆祝中国共产党成立100周年大会上的讲话",
            [("庆祝中国共产党成立100周年大会", "庆祝中国共产党成立100周年大会")],
        ),
        ("在出席中国国际进口博览会开幕式时。", [("中国国际进口博览会", "中国国际进口博览会")]),
        # not events
        ("在这次大会上，在我们这次大会上，在全市干部大会上。", []),
        ("召开全国人民代表大会。", []),
        ("坚持和完善人民代表大会制度，向大会报告。", []),
        ("在北京主持召开座谈会并考察调研。", []),
        ("第五次全体会议之后。", []),
    ],
)
def test_event_mentions(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text, "Event") == expected


def test_find_events_is_ordered_and_disjoint() -> None:
    text = "党的十九大和十九届二中、三中全会，中央政治局会议与二十届中央政治局第十四次集体学习"
    hits = find_events(text)
    assert hits == sorted(hits)
    assert all(a[1] <= b[0] for a, b in pairwise(hits))


def listed(section: str) -> list[str]:
    """The entries of one ``[section]`` of ``data/events.txt``, read here without the loader."""
    out: list[str] = []
    current = None
    for raw in read_data("events.txt").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("["):
            current = line[1:-1]
        elif line and current == section:
            out.append(line)
    return out


def test_the_meeting_words_of_the_data_file_are_found() -> None:
    for meeting in listed("meetings"):
        assert find_events(f"召开{meeting}。") == [(2, 2 + len(meeting), meeting, "events.meeting")]
    for scope in listed("conference-scopes"):
        for kind in listed("conference-kinds"):
            name = f"{scope}金融{kind}"
            assert find_events(f"召开{name}。") == [
                (2, 2 + len(name), name, "events.work-conference")
            ]
    for verb in listed("inspection-verbs"):
        assert find_events(f"在安徽{verb}时") == [
            (1, 3 + len(verb), f"安徽{verb}", "events.inspection")
        ]


@pytest.mark.parametrize(
    ("added", "message"),
    [
        ("[meeting]", r"unknown section \[meeting\]"),
        ("[meetings]\n中央 政治局会议", r"\[meetings\] takes one word a line"),
        ("[not-congress]\n学会", r"\[not-congress\] takes words that start with 大"),
        ("[conference-name-stops]\n的和", r"\[conference-name-stops\] takes one character"),
    ],
)
def test_a_malformed_line_is_named(added: str, message: str) -> None:
    text = read_data("events.txt") + "\n" + added + "\n"
    line = len(text.splitlines())  # the added entry is the last line
    with pytest.raises(ValueError, match=rf"^data/events\.txt, line {line}: {message}"):
        parse_words(text)
