"""Policies: titled policy documents, five-year plans and named initiatives, with who issued
them, when, for which period and at which meeting they were adopted.

Included (rule id: what):

- ``policies.title-brackets``: ``《…》`` whose title, once a trailing note such as ``（试行）``
  or ``（2025—2027年）`` is set aside, ends in a document type (意见, 规划, 计划, 行动计划,
  方案, 纲要, 建议, 决定, 通知, 办法, 条例, 法, 战略, 报告, 规定, 若干措施, 政策 …). Books and
  newspapers (《人民日报》, 《习近平谈治国理政》) and treaties (《巴黎协定》) are not policies.
  Label: the title without ``《》``, inner quotes kept, brackets full-width (the official
  typography: ``…行动计划（2025—2027年）``), white space runs as one space.
- ``policies.title-heading``: a title or heading line that is itself a document title:
  it starts with an issuer and reads ``…关于…的意见/建议/决定…`` (``中共中央 国务院关于实施乡村振兴
  战略的意见``), or equals the manifest title of a ``kind: policy`` document. A date line
  right under it (``（2018年1月2日）``, ``（2020年10月29日…全体会议通过）``) gives issuedIn and
  adoptedAt.
- ``policies.named-document``: a document known by a generic name and its year:
  ``2024年政府工作报告``, ``今年《政府工作报告》``, ``2018年中央一号文件`` → label
  ``2024年政府工作报告``, issuedIn that year, issuedBy 国务院 (and 中共中央 for
  中央一号文件). Without a year it is left out (which year's report?).
- ``policies.five-year-plan``: ``“十五五”规划``, ``十四五规划``, ``第十四个五年规划``,
  ``“十五”计划`` (→ ``“十五”计划``, the 10th), ``…规划纲要`` (the same plan), ``…规划建议`` (the
  party's proposal for it, a policy of its own). Label ``“十四五”规划`` / ``“十五五”规划建议``;
  periodStart/periodEnd from the ordinal (1st plan 1953–1957, 2nd 1958–1962, then from 1966
  in five-year steps: 十四五 → 2021–2025, 十五五 → 2026–2030).
- ``policies.initiative-quoted``: a quoted name followed by 行动/行动计划/行动方案/战略/工程/计划/
  倡议 (``“人工智能+”行动``, ``“走出去”战略``, ``“一带一路”倡议``), or a quoted name that ends in
  one of them (``“雪亮工程”`` → ``雪亮工程``). Not when the suffix starts a longer word
  (``“四个全面”战略布局``).
- ``policies.initiative-plus``: a quoted ``“X+”`` with nothing after the plus sign is the
  ``“X+”行动`` (``从“互联网+”到“人工智能+”``); the bare form becomes an altLabel.
- ``policies.initiative``: an unquoted name ending in 战略/行动/行动计划/行动方案/工程/计划/规划/
  纲要 right after a verb of implementation (实施, 深入实施, 推进, 推动, 开展, 落实, 启动, 发挥 …):
  ``实施乡村振兴战略`` → ``乡村振兴战略``, ``深入实施基础研究领先行动方案`` →
  ``基础研究领先行动方案`` (a named programme, so included).
  ``policies.initiative-list``: the other items of a ``、`` list of names with the same
  suffix (``区域协调发展战略、区域重大战略、主体功能区战略``).
  ``policies.initiative-repeat``: later bare occurrences of a name found by these rules.
  Excluded: generic phrases (``新型生产关系``, ``重大工程``, ``一批颠覆性技术攻关计划``,
  ``若干重大工程``), names that contain 的/和/与/等, and suffixes that begin a longer word
  (``战略性``, ``战略机遇``, ``行动者``, ``规划建设``). ``新一轮`` in front is dropped.
- ``policies.self-reference``: ``本规划``, ``本意见`` … (and ``该意见`` when the document's title
  ends in 意见) in a ``kind: policy`` document → the document's own policy
  (``EntityRef("Policy", entity_key(doc.meta.title))``).

A mention nested in another policy mention is left out (``“人工智能+”行动`` inside
``国务院关于深入实施“人工智能+”行动的意见``: two different policies, one mention).

Relations: ``issuedBy`` an Organization or a Place acting as government at the start of a
title (``国务院关于…``, ``中共中央 国务院关于…``, ``北京市加快…``; both are also mentioned here,
rule ``policies.issuer``) or named just before ``印发《…》``; ``issuedIn`` the year stated in
the same sentence before the title when the title is issued there (``今年，《…》印发``,
``今年发布的《…》``); ``periodStart``/``periodEnd``; ``adoptedAt`` the meeting right before
``(审议)通过的`` (``党的二十届四中全会审议通过的“十五五”规划建议``). Known gaps: a full title
(``中共中央关于制定…第十四个五年规划…的建议``) and its short name (``“十四五”规划建议``) are two
policies; unquoted initiatives need a verb or a list to be found the first time.


The words these rules are made of (document types, suffixes, trigger verbs, generic and
excluded names, issuance verbs, named documents and their issuers) live in
``data/policies.txt``; ``patterns`` loads them and builds the grammar that puts them together.
The rules live in ``titles``, ``plans`` and ``initiatives``; ``candidates`` settles overlaps and
labels, and ``relations`` turns what is kept into facts.
"""

from __future__ import annotations

from collections.abc import Iterator

from policygraph.extract.driver import SKIP_KINDS, FactRecognizer, Found
from policygraph.extract.policies.candidates import (
    Candidate,
    first_come,
    unified_labels,
)
from policygraph.extract.policies.initiatives import (
    initiatives,
    plus_initiatives,
    quoted_initiatives,
    repeats,
)
from policygraph.extract.policies.plans import five_year_plans, named_documents, plan_label
from policygraph.extract.policies.relations import Events, facts
from policygraph.extract.policies.titles import (
    bracket_titles,
    heading_title,
    issuers_at_start,
    self_references,
    title_period,
)
from policygraph.model import Fact
from policygraph.rules.policy_words import (
    PolicyWords,
    is_policy_title,
    parse_words,
    strip_notes,
    words,
)
from policygraph.rules.policy_words import patterns as _patterns
from policygraph.text.document import Block, Document

# What the package offers besides ``extract``; tests clear the ``words``/``_patterns`` caches to
# read an edited data file.
__all__ = [
    "Candidate",
    "PolicyWords",
    "_patterns",
    "extract",
    "is_policy_title",
    "issuers_at_start",
    "parse_words",
    "plan_label",
    "strip_notes",
    "title_period",
    "words",
]


def extract(doc: Document, found: Found) -> Iterator[Fact]:
    per_block = [
        [] if block.kind in SKIP_KINDS else _block_candidates(block, doc) for block in doc.blocks
    ]
    repeats(doc, per_block)
    labels = unified_labels(per_block)
    periods_done: set[str] = set()
    events = Events(doc, found)
    for cands in per_block:
        for cand in cands:
            yield from facts(cand, doc, labels, periods_done, events)


def _block_candidates(block: Block, doc: Document) -> list[Candidate]:
    # The order is the priority: where two rules claim overlapping text, the earlier one wins.
    ordered: list[Candidate] = list(named_documents(block, doc))
    ordered += list(bracket_titles(block))
    heading = heading_title(block, doc)
    if heading is not None:
        ordered.append(heading)
    ordered += list(five_year_plans(block))
    ordered += list(quoted_initiatives(block))
    ordered += list(plus_initiatives(block))
    ordered += initiatives(block)
    ordered += list(self_references(block, doc))
    return first_come(ordered)


RECOGNIZER = FactRecognizer("policies", extract, needs=("events",))
