"""Year expressions in text: 2025年, 二〇二五年, 2021—2025年, 今年 (relative to a base year)
and five-year-plan periods (十四五时期), as spans with the year they name. A text grammar,
below the extractors: the years recognizer (extract/years.py) mentions them, and the
policy and measure recognizers read the years of a clause with it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, TypeAlias

from policygraph.rules.normalize import HAS_YEAR_DIGITS, YEAR_DIGITS
from policygraph.text.numerals import CHINESE_DIGITS, YEAR_DIGIT_CLASS, chinese_year
from policygraph.text.spans import Claims

MIN_YEAR, MAX_YEAR = 1900, 2100

_CN = YEAR_DIGIT_CLASS

_DASH = r"\s*(?:[—–\-－~～]{1,2}|至|到)\s*"
# A year is four digits not glued to other digits or a decimal point. ``年`` is required
# after the (last) year: 2000多亿元 and 2025,2027 are not years.
_RANGE = re.compile(rf"(?<![\d.])(\d{{4}}){_DASH}(\d{{4}})\s*年")
_ARABIC = re.compile(r"(?<![\d.])(\d{4})\s*年")
_CHINESE = re.compile(rf"(?<!{_CN})({_CN}{{4}})年")
# 前年 only where 前 does not end another word (提前, 之前, 目前, 年前).
_RELATIVE = re.compile(r"(今|明|去|(?<![提之以目日月年天周此])前)年(?!代|纪|级|限|薪)")
_RELATIVE_SHIFT = {"今": 0, "明": 1, "去": -1, "前": -2}
# ``近2000年`` and ``约1000年`` are durations, not dates.
_DURATION_BEFORE = ("近", "约", "逾", "超", "数", "上", "千")


@dataclass(frozen=True, slots=True)
class YearSpan:
    """A year found in a text: ``text[i:j]`` is the expression, ``kind`` how it is written
    (``years.{kind}`` is the rule that fired)."""

    i: int
    j: int
    year: int
    kind: YearKind
    first: int | None = None  # the first year, for a plan period (十四五时期: 2021, year 2025)

    @property
    def rule(self) -> str:
        return f"years.{self.kind}"


#: How a year is written: 2025年, 二〇二五年, 2021—2025年, 十四五时期, 今年.
YearKind: TypeAlias = Literal["explicit", "chinese", "range", "plan-period", "relative"]


def plausible(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


def five_year_plan_period(ordinal: int) -> tuple[int, int]:
    """First and last year of the Nth five-year plan: 14 (十四五) → (2021, 2025).

    The first plan covered 1953–1957 and the second 1958–1962; after three years of
    adjustment (1963–1965) the third began in 1966, and they have followed one another
    without a gap since. (1953 + 5·(N−1) would put 十四五 in 2018.)"""
    if ordinal < 1:
        raise ValueError(f"five-year plans are numbered from 1, not {ordinal}")
    start = 1953 + 5 * (ordinal - 1) if ordinal <= 2 else 1966 + 5 * (ordinal - 3)
    return start, start + 4


def find_years(text: str, *, base_year: int | None) -> list[YearSpan]:
    """Years in ``text`` in order. Relative years (今年…) need ``base_year`` and are
    skipped without it. Rules: ``years.explicit``, ``years.chinese``, ``years.range``
    (each end of ``2025—2027年``) and ``years.relative``."""
    if "年" not in text:
        return []  # every rule below ends in 年 (and folding digits adds none)
    # full-width digits folded one for one, so offsets stay put; str.translate looks up every
    # character, and most text has no full-width digit to fold
    folded = text.translate(YEAR_DIGITS) if HAS_YEAR_DIGITS.search(text) else text
    spans: list[YearSpan] = []
    taken = Claims()  # (an index: a scan of every year so far cost the square of their number)

    def add(i: int, j: int, year: int | None, kind: YearKind) -> None:
        if year is None or not plausible(year):
            return
        if taken.overlap(i, j):
            return
        taken.add(i, j)
        spans.append(YearSpan(i, j, year, kind))

    for m in _RANGE.finditer(folded):
        first, last = int(m[1]), int(m[2])
        if first < last and not _duration(folded, m.start()):
            add(m.start(1), m.end(1), first, "range")
            add(m.start(2), m.end(), last, "range")
    for m in _ARABIC.finditer(folded):
        if not _duration(folded, m.start()):
            add(m.start(), m.end(), int(m[1]), "explicit")
    for m in _CHINESE.finditer(folded):
        add(m.start(), m.end(), chinese_year(m[1]), "chinese")
    if base_year is not None:
        for m in _RELATIVE.finditer(folded):
            add(m.start(), m.end(), base_year + _RELATIVE_SHIFT[m[1]], "relative")
    return sorted(spans, key=lambda s: (s.i, s.j))


# “十四五”时期, 十四五期间, “十五五”末: the period of a five-year plan. 十五 alone is fifteen
# (and the tenth plan), so an unquoted ordinal needs the period word after it.
_PLAN_PERIOD = re.compile(
    r"(?:[“\"「]([一二三四五六七八九十]{1,2})五[”\"」]|(?<![一二三四五六七八九十])"
    r"(十[一二三四五六七八九]|[一二三四六七八九])五)(时期|期间|期末|末)"
)


def find_plan_periods(text: str) -> list[YearSpan]:
    """Five-year plan periods (``“十五五”时期`` → 2026–2030) as spans whose ``year`` is the
    last year and ``first`` the first: a goal for the period is due by its end. Rule
    ``years.plan-period``. Not part of :func:`find_years`: a period is not a year mention."""
    out: list[YearSpan] = []
    if "五" not in text:
        return out  # every period is written 十四五, “十五”: none without 五
    for m in _PLAN_PERIOD.finditer(text):
        ordinal = _ordinal(m[1] or m[2])
        if ordinal is None:
            continue
        first, last = five_year_plan_period(ordinal)
        # the span starts at the numeral, like a year's: an opening quote is punctuation
        i = m.start(1) if m[1] else m.start(2)
        out.append(YearSpan(i, m.end(), last, "plan-period", first))
    return out


def _ordinal(numeral: str) -> int | None:
    """十四 → 14, 九 → 9, 十 → 10 (the plan's ordinal, without its 五)."""
    if numeral == "十":
        return 10
    unit = CHINESE_DIGITS.get(numeral[-1])
    if unit is None or len(numeral) > 2 or (len(numeral) == 2 and numeral[0] != "十"):
        return None
    return unit + (10 if len(numeral) == 2 else 0)


def _duration(text: str, i: int) -> bool:
    return i > 0 and text[i - 1] in _DURATION_BEFORE
