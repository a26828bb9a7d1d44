"""The time frame clauses are read in: a year makes a deadline, the present or a report, and
a deadline governs the paragraph's following sentences until the next year."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from policygraph.extract.measures.spans import MeasureSpan
from policygraph.extract.measures.words import words
from policygraph.extract.numbers import Quantity
from policygraph.text.years import YearSpan

_COMPARISON = ("比", "较", "同比", "相比", "与", "于")  # 比去年…: a comparison, not a time frame
_FIRST_N = re.compile(r"前[一二三四五六七八九两几\d]")
_YEAR_BEFORE = re.compile(r"(?:\d{4}|[〇○一二三四五六七八九]{4})年(?:底|末|初)?$")


@dataclass(slots=True)
class Frame:
    """The time frame of the sentence being read."""

    mode: Literal["target", "current", "statistic"] | None = None
    year: int | None = None
    listing: bool = False
    list_year: int | None = None
    # the year of the plan section the paragraph stands in (二、2018年经济社会发展总体要求…):
    # its figures are plans for that year unless they say they report
    plan_year: int | None = None
    subject: str | None = None  # of the last measure, for 年均增长… clauses
    verb: str | None = None  # lead verb of the last measure, for 、-lists
    # start values of a change dated by a past year (从去年的2.1%提高到…): value and year
    starts: list[tuple[Quantity, int]] = field(default_factory=list)


@dataclass(slots=True)
class Paragraph:
    base_year: int | None
    deadline: int | None = None
    out: list[MeasureSpan] = field(default_factory=list)
    by: bool = False  # the deadline was stated as one (到2020年, 2030年前), not just a year
    # a past year that opens a sentence (刚刚过去的2017年，…) dates the paragraph's later
    # figures that name no year of their own
    reported: int | None = None
    # a list of targets (目标是：…) runs on past its sentence to the paragraph's end (…同步。
    # 能耗强度下降3.1%以上) and, after a paragraph ending in ：, into the next one
    listing: bool = False
    list_year: int | None = None
    # the year of the plan section the paragraph stands in (二、2018年经济社会发展总体要求…):
    # its figures are plans for that year unless they say they report
    plan_year: int | None = None


def on_year(text: str, ca: int, year: YearSpan, frame: Frame, para: Paragraph) -> None:
    before = text[ca : year.i]
    after = text[year.j : year.j + 3]
    base = para.base_year
    if before.endswith(_COMPARISON):
        return
    if year.kind == "plan-period":
        _on_period(year, frame, para)
        return
    first = frame.mode is None  # the sentence's first time frame
    by = before.endswith(("到", "至")) and not before[:-1].endswith(words().deadline_before)
    if by and _YEAR_BEFORE.search(before[:-1]):
        by = False  # 1950年到2002年: a span of past years, not a deadline
    if before.endswith(("截至", "截止", "截止到")):
        by = False
    if after.startswith(("前", "以前", "之前")) and not _FIRST_N.match(after):
        by = True  # 2030年前 (but not 2024年前三季度)
    if (by and (base is None or year.year >= base)) or (base is not None and year.year > base):
        frame.mode, frame.year = "target", year.year
        # a period (2006－2020年的科技发展) frames its sentence but sets no deadline
        if year.kind != "range" and not after.startswith("的"):
            para.deadline, para.by = year.year, by
    elif base is not None and year.year == base:
        frame.mode, frame.year = "current", year.year
    else:
        # 2012年以来年均增速超过30%, 自2019年起…: a span from that year to now, no figure of it
        since = after.startswith(("以来", "至今")) or (
            before.endswith(("自", "从")) and after.startswith(("起", "开始"))
        )
        frame.mode, frame.year = "statistic", None if since else year.year
        para.deadline, para.by = None, False
        frame.listing = False  # a report of a past year ends a list of targets
        if since:
            para.reported = None
            return
    opens = first and (not before.strip(" \t\u3000，,、") or before.endswith("过去的"))
    if frame.mode != "statistic" or opens:
        para.reported = year.year if frame.mode == "statistic" else None


def _on_period(period: YearSpan, frame: Frame, para: Paragraph) -> None:
    """“十四五”时期: goals for a plan period that has not ended are due by its last year;
    figures for one that has ended report it, as of its last year."""
    base = para.base_year
    if base is None or period.year > base:
        frame.mode, frame.year = "target", period.year
        para.deadline, para.by = period.year, True
    else:
        frame.mode, frame.year = "statistic", period.year
        para.deadline, para.by = None, False
