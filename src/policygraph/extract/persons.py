"""Persons: authors on bylines and people named with a title or a speech verb.

Includes: byline names (``刘 晖`` → 刘晖); the page staff
(``本版编辑 李笑语 美编 倪梦婷``); a name followed by a title
(习近平总书记, 李强总理) or by a speech verb (习近平指出).
Canonical label is the bare name; the titled form is kept as the surface (and so as an
``skos:altLabel``). Excludes names inside organization or policy names
(习近平新时代中国特色社会主义思想研究中心) and words that merely start with a surname
character (国家主席 is not a person called 国家).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from policygraph.extract.base import entities, entity_key
from policygraph.model import EntityMention, EntityRef, Fact
from policygraph.text.document import Block, Document
from policygraph.text.layout import byline_names, editor_names, is_person_name

# Titles that follow a bare name directly; 部长, 主任 and the like usually follow an
# organization name instead, so they are left out.
_TITLES = "总书记|国家主席|副主席|主席|副总理|总理|委员长|同志|先生|女士"
_SPEECH = "指出|强调|明确指出|深刻指出|提出|表示|要求|说"
_TITLED = re.compile(rf"(?P<name>[\u4e00-\u9fff]{{2,3}}?)(?P<title>{_TITLES})")
_SPEAKING = re.compile(rf"(?P<name>[\u4e00-\u9fff]{{2,3}})(?:{_SPEECH})")
# Two- and three-character words that begin with a surname character but are not names.
_NOT_NAMES = frozenset(
    [
        "国家",
        "中央",
        "党中央",
        "全国",
        "各级",
        "同时",
        "政府",
        "人民",
        "高校",
        "全会",
        "会议",
        "部门",
        "地方",
        "相关",
        "有关",
        "企业",
        "这些",
        "他们",
        "我们",
        "总体",
        "重点",
        "管理",
        "安全",
        "龙头",
        "成员",
        "明确",
        "常委",
        "万人",
        "方面",
        "文件",
        "市委",
        "省委",
        "区委",
        "县委",
        "党委",
        "支部",
        "党组",
        "江苏",
        "湖南",
        "湖北",
        "山东",
        "山西",
        "广东",
        "广西",
        "河南",
        "河北",
        "云南",
        "贵州",
        "海南",
        "福建",
        "浙江",
        "安徽",
        "江西",
        "四川",
        "甘肃",
        "青海",
        "宁夏",
        "新疆",
        "西藏",
        "吉林",
        "辽宁",
        "黑龙",
        "上海",
        "天津",
        "重庆",
        "北京",
        "香港",
        "澳门",
        "台湾",
        "内蒙",
        "陕西",
    ]
)


def extract(doc: Document, found: Sequence[Fact]) -> Iterator[Fact]:
    covered = [
        (e.mention.start, e.mention.end) for e in entities(found, "Organization", "Policy", "Place")
    ]
    seen: set[tuple[int, int]] = set()
    known: set[str] = set()
    out: list[EntityMention] = []

    def keep(block: Block, i: int, j: int, name: str, rule: str) -> None:
        start, end = block.original_span(i, j)
        if (start, end) in seen or any(a <= start and end <= b for a, b in covered):
            return
        seen.add((start, end))
        known.add(name)
        out.append(_person(doc, block, i, j, name, rule))

    for block in doc.blocks:
        if block.kind == "byline":
            for i, j in byline_names(block.text) or []:
                keep(block, i, j, re.sub(r"\s", "", block.text[i:j]), "persons.byline")
        elif block.kind == "editor":
            for i, j in editor_names(block.text):
                keep(block, i, j, re.sub(r"\s", "", block.text[i:j]), "persons.editor")
        else:
            for m in _TITLED.finditer(block.text):
                name = m["name"]
                if name not in _NOT_NAMES and is_person_name(name):
                    keep(block, m.start("name"), m.end("title"), name, "persons.titled")
    # A bare name before a speech verb counts only once the document has named that
    # person with a title or on a byline: 习近平指出 yes, 平稳指出 no.
    for block in doc.blocks:
        if block.kind in ("byline", "editor"):
            continue
        for m in _SPEAKING.finditer(block.text):
            for k in range(len(m["name"]) - 1):
                name = m["name"][k:]
                if name in known:
                    keep(block, m.start("name") + k, m.end("name"), name, "persons.speech-verb")
                    break
    yield from sorted(out, key=lambda e: (e.mention.start, e.mention.end))


def _person(doc: Document, block: Block, i: int, j: int, name: str, rule: str) -> EntityMention:
    return EntityMention(
        ref=EntityRef("Person", entity_key(name)),
        label=name,
        mention=doc.mention(block, i, j, rule),
        article=block.article,
    )
