"""Reads a paragraph sentence by sentence and clause by clause, turning each measurable
number into a MeasureSpan with its indicator, kind and year."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from typing import cast

from policygraph.extract.measures.classify import PLAN_SECTION, classify
from policygraph.extract.measures.clauses import clauses
from policygraph.extract.measures.frame import Frame, Paragraph, on_year
from policygraph.extract.measures.indicators import (
    FROM_BEFORE,
    clause_subject,
    continues,
    find_indicator,
    from_year,
    subject_of,
    turn_spans,
    valid,
)
from policygraph.extract.measures.respectively import RESPECTIVELY, respectively
from policygraph.extract.measures.spans import Kind, MeasureSpan
from policygraph.extract.measures.words import words
from policygraph.extract.numbers import Quantity, find_quantities
from policygraph.model import Comparator
from policygraph.text.document import Block
from policygraph.text.years import YearSpan, find_plan_periods, find_years

_PROTECTED = re.compile(r"《[^《》]*》|[（(][^（）()]*[）)]")
_SHORT_QUOTE = re.compile(r"“[^“”]{0,12}”")


def measure_spans(block: Block, *, base_year: int | None) -> list[MeasureSpan]:
    """Targets and statistics in one paragraph, in text order."""
    return read_paragraph(block, base_year=base_year).out


def read_paragraph(
    block: Block,
    *,
    base_year: int | None,
    deadline: int | None = None,
    listing: bool = False,
    list_year: int | None = None,
    plan_year: int | None = None,
) -> Paragraph:
    """Read one paragraph; ``deadline`` is one carried in from a lead paragraph
    (``力争到2020年，…：`` before its ``——`` bullets), ``listing`` a list of targets the
    paragraph before opened (``主要预期目标是：`` on a line of its own). The result holds
    the measures and the deadline and list in force at the paragraph's end."""
    para = Paragraph(base_year, deadline, listing=listing, list_year=list_year, plan_year=plan_year)
    for a, b in block.sentences():
        _sentence(block.text, a, b, para)
    return para


def _sentence(text: str, a: int, b: int, para: Paragraph) -> None:
    sentence = text[a:b]
    lists = words()
    found_years = sorted(
        find_years(sentence, base_year=para.base_year) + find_plan_periods(sentence),
        key=lambda y: (y.i, y.j),
    )
    found_quantities = find_quantities(sentence)
    # Most sentences have neither a year nor a number: the brackets and quotes that keep
    # them out of the reading are looked for only when there is something to keep out.
    protected = _spans(_PROTECTED, sentence, a) if found_years or found_quantities else []
    # (赤字率从去年的2.1%提高到2.3%: the year of the start value frames nothing)
    years = [
        _shift_year(y, a)
        for y in found_years
        if not _inside(y.i + a, y.j + a, protected) and not from_year(sentence, y.i, y.j)
    ]
    all_years = [_shift_year(y, a) for y in found_years]
    quantities: list[Quantity] = []
    if found_quantities:
        quoted = protected + _spans(_SHORT_QUOTE, sentence, a) + turn_spans(text, a, b)
        quantities = [
            q
            for q in (_shift(q, a) for q in found_quantities)
            if not any(y.i < q.end and q.start < y.j for y in all_years)
            and not _inside(q.start, q.end, quoted)
            and not FROM_BEFORE.search(text, a, q.start)
        ]
    # 据测算…: an estimate reports figures, it sets no goal (asked only with a number to read)
    estimate = bool(quantities) and any(w in sentence for w in lists.skip)
    # a list runs on into a sentence only when that opens with an item (能耗强度下降3.1%以上，…),
    # not with an explanation (这里要着重说明，提出8%左右的…)
    runs_on = (
        para.listing
        and para.list_year is not None  # a dated list (今年…目标是：), not any 指标：
        and _opens_with_quantity(text, a, b, quantities)
    )
    frame = Frame(listing=runs_on, list_year=para.list_year if runs_on else None)
    if found_quantities and found_years and para.base_year is not None:
        frame.starts = _dated_starts(sentence, a, found_years, found_quantities, para.base_year)
    for ca, cb, sep in clauses(text, a, b):
        clause_years = [y for y in years if ca <= y.i < cb]
        clause_qs = [q for q in quantities if ca <= q.start < cb]
        if clause_years or clause_qs:
            _clause(text, ca, cb, clause_years, clause_qs, years, frame, para, estimate)
        # (the cue words are looked for last: most clauses end otherwise)
        if (
            sep in "：:"
            and frame.mode != "statistic"
            and any(w in text[ca:cb] for w in lists.list_leads)
        ):
            frame.listing = True
            frame.list_year = frame.year if frame.mode in ("target", "current") else para.deadline
    para.listing, para.list_year = frame.listing, frame.list_year


def _clause(
    text: str,
    ca: int,
    cb: int,
    clause_years: list[YearSpan],
    clause_qs: list[Quantity],
    years: list[YearSpan],
    frame: Frame,
    para: Paragraph,
    estimate: bool,
) -> None:
    """The years and numbers of one clause, in text order."""
    events: list[tuple[int, YearSpan | None, Quantity | None]] = [
        (y.i, y, None) for y in clause_years
    ] + [(q.start, None, q) for q in clause_qs]
    # (a clause without numbers pairs none: respectively() would find nothing)
    paired = respectively(text, ca, cb, clause_qs, years) if clause_qs else {}
    for _, year, quantity in sorted(events, key=lambda e: e[0]):
        if year is not None:
            on_year(text, ca, year, frame, para)
        elif quantity is not None and not any(
            w in text[ca : quantity.start] for w in _conditions()
        ):
            # (每提高1个百分点, 可以新增…: the condition is no measure, what follows is)
            _on_quantity(text, ca, cb, quantity, clause_qs, paired, years, frame, para, estimate)


def _opens_with_quantity(text: str, a: int, b: int, quantities: list[Quantity]) -> bool:
    """Does the first clause of sentence ``text[a:b]`` hold one of ``quantities``?"""
    first = next(clauses(text, a, b), (a, b, ""))
    return any(first[0] <= q.start < first[1] for q in quantities)


@cache
def _conditions() -> tuple[str, ...]:
    """每提高, 每增加…: a change word after 每 states a condition."""
    return tuple("每" + w for w in words().change_words)


def _spans(pattern: re.Pattern[str], sentence: str, a: int) -> list[tuple[int, int]]:
    """Where ``pattern`` matches in ``sentence``, in the paragraph's positions."""
    return [(m.start() + a, m.end() + a) for m in pattern.finditer(sentence)]


def _on_quantity(
    text: str,
    ca: int,
    cb: int,
    quantity: Quantity,
    clause_qs: list[Quantity],
    paired: dict[int, tuple[str, int]],
    years: list[YearSpan],
    frame: Frame,
    para: Paragraph,
    estimate: bool = False,
) -> None:
    if not _measurable(quantity):
        return
    if quantity.start in paired:
        indicator, i = paired[quantity.start]
        indicator, quantity = _verb_comparator(indicator, quantity)  # 分别再提高30元和5元
        kind, year, _ = classify(text, ca, i, quantity, years, frame, para)
        _emit(para, kind, indicator, quantity, year, i, quantity.end, "measures.respectively")
        return
    if len(paired) > 0 or RESPECTIVELY in text[ca : quantity.start]:
        return  # a 分别 clause whose subjects and values do not pair up
    found = find_indicator(text, ca, cb, quantity, clause_qs, years, frame)
    if found is None:
        return
    indicator, i, j = found.text, found.i, found.j
    kind, year, rule = classify(text, ca, i, quantity, years, frame, para)
    if estimate and kind == "Target":
        kind, rule = "Statistic", "measures.estimate"
    if (kind == "Statistic" or rule == PLAN_SECTION) and not found.named_before:
        return  # 6.5%左右的增速可以…: a report must say what it measures before the number
    inherited = found.from_pre and frame.subject is not None and continues(indicator)
    if inherited and frame.subject:
        subject = frame.subject
        change = next((w for w in words().change_words if subject.endswith(w)), None)
        if change and indicator.startswith(("年均", "平均")):
            subject = subject[: -len(change)]  # 国内生产总值增长5%，年均增长6%: not 增长年均增长
        indicator = subject + indicator
    elif found.from_pre and frame.subject is None and continues(indicator):
        # 数字经济快速发展，2012年以来年均增速超过30%: the subject of the clause before
        before = clause_subject(text, ca)
        if before is not None:
            indicator, inherited = before + indicator, True
    indicator, quantity = _verb_comparator(indicator, quantity)
    if not valid(indicator):
        return
    if not inherited:
        frame.subject = subject_of(indicator)
    projected = any(w in text[ca : quantity.start] for w in words().projection_cues)
    if kind == "Statistic" and frame.starts and any(w in indicator for w in _OVER_YEARS):
        year = None  # 从1997年的…增加到2002年的…，平均每年增长7.7%: over the span, no one year
    _emit(para, kind, indicator, quantity, year, i, j, rule, projected=projected)
    # 赤字率从去年的2.1%提高到2.3%: the start value is a statistic of its year, of the
    # same indicator
    for start, start_year in frame.starts:
        if ca <= start.start < quantity.start and start.unit == quantity.unit and i < start.start:
            _emit(para, "Statistic", indicator, start, start_year, i, start.end, "measures.start")


_OVER_YEARS = ("年均", "平均每年", "累计")


def _dated_starts(
    sentence: str, a: int, years: list[YearSpan], found: list[Quantity], base: int
) -> list[tuple[Quantity, int]]:
    """Start values of a change dated by a past year (由2012年的8万亿元, 从去年的2.1%), in the
    paragraph's positions."""
    out: list[tuple[Quantity, int]] = []
    for y in years:
        if y.year >= base or y.kind == "plan-period" or not from_year(sentence, y.i, y.j):
            continue
        q = next((q for q in found if q.start >= y.j), None)
        if q is not None and sentence[y.j : q.start].strip(" 的") == "":
            out.append((_shift(q, a), y.year))
    return out


# 资费至少降低30%, 排放量要下降3%, 寿命再提高1岁: a comparator word or a modal before the
# change verb that ends the indicator; the comparator applies to the number
_BEFORE_CHANGE = {"至少": ">=", "不少于": ">=", "不低于": ">=", "超过": ">", "要": "", "将": "",
                  "需": "", "应": "", "再": ""}  # fmt: skip


def _verb_comparator(indicator: str, quantity: Quantity) -> tuple[str, Quantity]:
    change = next((w for w in words().change_words if indicator.endswith(w)), None)
    if change is None:
        return indicator, quantity
    head = indicator[: -len(change)]
    word = next((w for w in _BEFORE_CHANGE if head.endswith(w) and len(head) > len(w)), None)
    if word is None:
        return indicator, quantity
    comparator = _BEFORE_CHANGE[word]
    if comparator and quantity.comparator == "=":
        quantity = replace(quantity, comparator=cast(Comparator, comparator))
    return head[: -len(word)] + change, quantity


def _emit(
    para: Paragraph,
    kind: Kind,
    indicator: str,
    quantity: Quantity,
    year: int | None,
    i: int,
    j: int,
    rule: str,
    *,
    projected: bool = False,
) -> None:
    para.out.append(MeasureSpan(kind, indicator, quantity, year, i, j, rule, projected))


def _measurable(quantity: Quantity) -> bool:
    """Worth a measure: a unit, a percentage or a magnitude; Chinese numerals (一个, 三项)
    only with a comparator word other than 为/是 (不少于三个)."""
    if quantity.unit is None and not quantity.magnitude:
        return False
    return not (
        quantity.chinese
        and (quantity.value == 1 or quantity.comparator == "=")
        and not quantity.magnitude
    )


def _inside(i: int, j: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= i and j <= b for a, b in spans)


def _shift(q: Quantity, a: int) -> Quantity:
    """``q`` found in a clause, moved to paragraph positions."""
    return replace(
        q,
        start=q.start + a,
        end=q.end + a,
        number_start=q.number_start + a,
        number_end=q.number_end + a,
    )


def _shift_year(y: YearSpan, a: int) -> YearSpan:
    return replace(y, i=y.i + a, j=y.j + a)
