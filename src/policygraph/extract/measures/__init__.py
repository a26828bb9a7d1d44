"""Targets and statistics: quantified goals (``到2027年，…普及率超70%``) and reported figures
(``2024年末，我国常住人口城镇化率达67%``), each with indicator, comparator, value, unit and year.

A Target is a number the text sets as a goal; a Statistic is a number it reports as measured.
A paragraph is read sentence by sentence and clause by clause (，；：). Years set the time
frame: ``到2027年`` (or any future year) is a deadline that governs the following clauses and
sentences of the paragraph until the next year; a plan period (``“十五五”时期``) is a deadline
at its last year; a past year (``2024年末``) frames a statistic, and one that opens a sentence
dates the paragraph's later figures. ``目标是：…；…`` opens a list of targets. A lead
paragraph's deadline (``力争到2020年，…``, ``第一步，到2020年``) governs the ``——`` bullets after
it (and numbered items after a heading or a lead without a full stop). Estimates
(``据测算，…``) report figures, never goals, and the condition in them (``每提高1个百分点``)
is none; ``预计`` with the current year estimates it. A target no policy sets and worded as a
forecast (``到2035年将约有…``) is a projected statistic. Cue words live in
``data/measures.txt``.

Owning policy: a sidebar quote's policy, else the nearest policy named before the target in
its paragraph, else the document's own (``kind: policy``). In a policy document a named
policy owns a target only when the text says it states it (``《纲要》提出，…``).

Rules: ``measures.deadline-clause`` (a target under a deadline), ``measures.list-item`` (a
target in a ``目标是：`` list), ``measures.target-cue`` (a target by cue word such as 力争),
``measures.respectively`` (a ``分别`` pairing), ``measures.estimate``,
``measures.statistic`` and ``measures.start`` (the dated start value of a change, 从去年的2.1%).
A change figure (比上年增加1800亿元) carries the figure it modifies (``change_of``).

Modules: ``reader`` walks a paragraph; ``frame`` holds the time frame and deadline;
``clauses`` splits sentences; ``indicators`` and ``respectively`` find what a number
measures; ``classify`` decides target or statistic; ``attribution`` the owning policy and
topics; ``words`` loads the cue words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from policygraph.extract.base import entities, policy_key
from policygraph.extract.driver import FactRecognizer
from policygraph.extract.measures.attribution import concerns, owning_policy
from policygraph.extract.measures.classify import reviewed
from policygraph.extract.measures.reader import measure_spans, read_paragraph
from policygraph.extract.measures.spans import MeasureSpan
from policygraph.extract.measures.words import MeasureWords
from policygraph.model import EntityRef, Fact, Measure, QuoteFact
from policygraph.text.document import Document
from policygraph.text.spans import Stabbing
from policygraph.text.years import find_plan_periods, find_years

__all__ = ["MeasureSpan", "MeasureWords", "extract", "measure_spans"]

_KINDS = frozenset({"body", "heading", "quote", "title"})


def extract(doc: Document, found: Sequence[Fact]) -> Iterator[Fact]:
    policies = list(entities(found, "Policy"))
    topics = list(entities(found, "Industry", "Technology"))
    quotes = [f for f in found if isinstance(f, QuoteFact) and f.policy is not None]
    quoted = Stabbing((q.mention.start, q.mention.end) for q in quotes)
    own = EntityRef("Policy", policy_key(doc.meta.title)) if doc.meta.kind == "policy" else None
    measures: list[Measure] = []
    carried: int | None = None  # a lead paragraph's deadline, for its bullets
    lead_opens_list = False
    open_list: int | None = None  # the year of a list of targets opened by the block before
    plan_year: int | None = None  # of the part the block stands in, when it plans a year
    review: int | None = None  # the year the text stands in a review of (过去一年, 2023年工作回顾)
    for block in doc.blocks:
        if block.kind not in _KINDS:
            continue
        review = _review_year(block.text, doc.meta.year, review)
        offsets: set[int] | None = None  # the block's positions, once a target needs them
        if _PART.match(block.text) and own is not None:  # a policy's parts, not a report's
            plan_year = _plan_year(block.text, doc.meta.year)
        bullet = _follows(block.text, True)
        follower = carried is not None and _follows(block.text, lead_opens_list)
        para = read_paragraph(
            block,
            base_year=doc.meta.year,
            deadline=carried if follower else None,
            listing=open_list is not None,
            list_year=open_list,
            plan_year=plan_year,
        )
        ends_open = block.text.rstrip().endswith(("：", ":"))
        open_list = para.list_year if para.listing and ends_open else None
        if not follower:
            # a heading, a lead ending in ：, or a line without a full stop (第一步，到2020年)
            lead_opens_list = block.kind == "heading" or not block.text.rstrip().endswith(
                ("。", "！", "？", "；", ".", "!", "?", ";")
            )
            # only a lead states a deadline for bullets, and only as a deadline (力争到2020年),
            # not a year it names in passing (落实2030年…目标)
            carried = para.deadline if not bullet and (para.by or lead_opens_list) else None
        for span in para.out:
            mention = doc.mention(block, span.i, span.j, span.rule)
            policy = None
            kind = span.kind
            if kind == "Target":
                if offsets is None:
                    offsets = set(block.offsets)
                policy = (
                    owning_policy(
                        block,
                        mention.start,
                        offsets,
                        policies,
                        quotes,
                        text=doc.text,
                        stated=own is not None,
                        quoted=quoted,
                    )
                    or own
                )
                if policy is None and span.projected:
                    kind = "Statistic"  # a forecast no policy sets
            q = span.quantity
            year, inferred = span.year, False
            # 过去一年…国内生产总值增长5.2%: the review's year, unless the figure spans years
            start = _sentence_start(block.text, span.i)
            if (
                year is None
                and kind == "Statistic"
                and doc.meta.year is not None
                and not _SPANS_YEARS.search(block.text, start, span.j)
            ):
                if review is not None:
                    year, inferred = review, True
                elif reviewed(block.text, start + 1):  # 过去一年，… opens the paragraph's review
                    year, inferred = doc.meta.year - 1, True
            measures.append(
                Measure(
                    kind=kind,
                    indicator=span.indicator,
                    comparator=q.comparator,
                    value=q.value,
                    unit=q.unit,
                    year=year,
                    value_text=q.value_text,
                    mention=mention,
                    policy=policy,
                    concerns=concerns(block, span.i, topics, span.j),
                    article=block.article,
                    value_max=q.value_max,
                    year_inferred=inferred,
                )
            )
    # A target restated later (提出国内生产总值增长8%左右，主要是…) is not a new statistic.
    # (also 提出国内生产总值增长8%左右的目标: the goal named again, its indicator within)
    targets: dict[tuple[object, ...], list[str]] = {}  # indicators by figure
    for m in measures:
        if m.kind == "Target":
            indicator, *figure = _figure(m)
            targets.setdefault(tuple(figure), []).append(indicator)
    seen: set[tuple[object, ...]] = set()
    kept: list[Measure] = []
    for measure in measures:
        key = (measure.kind, *_figure(measure), measure.year, measure.policy)
        if key in seen or (measure.kind == "Statistic" and _restates(measure, targets)):
            continue  # a page that prints the same goal twice (sidebar and body)
        seen.add(key)
        kept.append(measure)
    yield from link_changes(kept, doc.text)


# 比上年增加1800亿元, 比去年预算减少…, 较上年提高0.2个百分点: a change of the figure before it
_CHANGE = re.compile(
    r"(?:比|较)(?:上年|去年|上一年)(?:年初)?(?:预算)?(?:增加|减少|增长|下降|提高|降低|扩大|缩小|"
    r"多|少|增|减)"
)
_CHANGE_UNITS = {("%", "百分点")}  # a rate changes by points


def link_changes(found: list[Measure], text: str) -> list[Measure]:
    """``found`` with each change figure (``赤字规模4.06万亿元，比上年增加1800亿元``) linked to
    the figure it modifies: the nearest one before it in its sentence, in the same unit (a
    rate by points), whose indicator holds the wording before 比 (``赤字规模``). A growth rate
    of an amount (``达到13.65万亿元，比上年增长9.5%``) is an indicator of its own, not linked."""
    out = list(found)
    for k, m in enumerate(found):
        change = _CHANGE.search(m.indicator)
        if change is None:
            continue
        subject = m.indicator[: change.start()]
        for b in reversed(found[:k]):
            if b.mention.end > m.mention.start or any(
                c in text[b.mention.end : m.mention.start] for c in "。！？\n"
            ):
                break  # only within the sentence, and only a figure before the change
            # (a rate changes by points: 占35.84%，比上年增长57.27% is the amount's growth)
            units = (b.unit == m.unit and b.unit != "%") or (b.unit, m.unit) in _CHANGE_UNITS
            if units and b.kind == m.kind and _CHANGE.search(b.indicator) is None:
                if not subject or subject in b.indicator or b.indicator in subject:
                    ref = (b.kind, b.mention.start, b.mention.end)
                    # 城镇新增就业1256万人，新增比上年增加12万人: the change is named whole
                    # (城镇新增就业比上年增加), not by the word it repeats
                    named = b.indicator + m.indicator[change.start() :]
                    out[k] = replace(m, change_of=ref, indicator=named)
                break
    return out


# ——产业规模快速壮大…, 一是…: bullets that carry on their lead paragraph; numbered items
# ((一), 1.) only after a heading or a lead that ends in ：
_BULLET = re.compile(r"\s*(?:——|--|—|[•·●▪]|[一二三四五六七八九十]+是)")
_NUMERAL = "[一二三四五六七八九十]"
_NUMBERED = re.compile(rf"\s*(?:[（(](?:{_NUMERAL}+|\d+)[）)]|\d+[.．、]|{_NUMERAL}+、)")


# 二、2018年经济社会发展总体要求和政策取向 / 三、对今年政府工作的建议 / 一、过去五年工作回顾:
# the parts of a work report (or a plan's proposals) and what year each plans
_PART = re.compile(r"\s*[一二三四五六七八九十]+、[^。！？]{2,40}$")


_REVIEW = ("回顾", "过去", "成就", "执行情况", "完成情况", "决算", "总结")


def _plan_year(heading: str, base_year: int | None) -> int | None:
    """The year a part plans: the document's year (2018年, 今年) or, for a plan period not
    yet over (“十四五”时期的主要目标), its last year; None for a review (工作回顾)."""
    if base_year is None or any(w in heading for w in _REVIEW):
        return None
    years = find_years(heading, base_year=base_year) + find_plan_periods(heading)
    if any(y.year == base_year and y.kind != "plan-period" for y in years):
        return base_year
    ends = [y.year for y in years if y.kind == "plan-period" and y.year > base_year]
    return ends[0] if ends else None


# 过去一年，… / 一年来，… / 去年，… open a review of the year before the document's;
# 过去五年 / 五年来 / 这五年 one of several years (no single year); any other part heading
# (二、2024年经济社会发展总体要求) ends the review.
_ONE_YEAR = re.compile(r"\s*(?:——)?(?:过去一年|一年来|去年|回顾过去一年|刚刚过去的一年)")
_SEVERAL_YEARS = re.compile(
    r"\s*(?:——)?(?:过去[五十两三四]年|[五十两三四]年来|这[五十两三四]年|近[五十两三四]年)"
)
# 五年年均增长5.2%, 累计…, 2012年以来…: a figure over several years has no one reference year
_SPANS_YEARS = re.compile(r"年均|累计|[两三四五六七八九十多]年|以来|历年|平均每年|每年")
_SENTENCE_END = "。！？!?"


def _sentence_start(text: str, i: int) -> int:
    return max(text.rfind(c, 0, i) for c in _SENTENCE_END) + 1


def _review_year(text: str, base_year: int | None, current: int | None) -> int | None:
    """The year the paragraph ``text`` and the ones after it review (their statistics'
    reference year when they name none), given the one in force before it."""
    if base_year is None:
        return None
    if _PART.match(text):
        if not any(w in text for w in _REVIEW):
            return None  # 二、2024年政府工作任务: a plan, not a review
        years = [y.year for y in find_years(text, base_year=base_year) if y.year < base_year]
        if years:
            return years[-1]  # 一、2023年工作回顾
        return base_year - 1 if "一年" in text else None  # 一、过去一年和五年工作回顾
    if _SEVERAL_YEARS.match(text):
        return None
    if _ONE_YEAR.match(text):
        return base_year - 1
    return current


def _follows(text: str, lead_opens_list: bool) -> bool:
    """Is a paragraph a bullet of the lead before it (and so under its deadline)?"""
    return bool(_BULLET.match(text) or (lead_opens_list and _NUMBERED.match(text)))


def _restates(measure: Measure, targets: dict[tuple[object, ...], list[str]]) -> bool:
    """Does a target with the same figure have an indicator within this one's? (Targets
    are looked up by figure: a scan of all per statistic was quadratic.)"""
    indicator, *figure = _figure(measure)
    return any(t in indicator for t in targets.get(tuple(figure), ()))


def _figure(measure: Measure) -> tuple[str, object, str, str | None]:
    return measure.indicator, measure.value, measure.comparator, measure.unit


RECOGNIZER = FactRecognizer("measures", extract, needs=("policies", "lexicon", "quotes"))
