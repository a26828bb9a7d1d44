"""Target or statistic: the time frame, list openings and cue words before a number decide."""

from __future__ import annotations

import re

from policygraph.extract.measures.clauses import skip_time
from policygraph.extract.measures.frame import Frame, Paragraph
from policygraph.extract.measures.spans import Kind
from policygraph.extract.measures.words import words
from policygraph.extract.numbers import Quantity
from policygraph.text.document import MAX_SENTENCE
from policygraph.text.years import YearSpan

#: A target found only by standing in a plan's targets section: like a statistic, it counts
#: only when its indicator is named before the figure.
PLAN_SECTION = "measures.plan-section"


def classify(
    text: str,
    ca: int,
    i: int,
    quantity: Quantity,
    years: list[YearSpan],
    frame: Frame,
    para: Paragraph,
) -> tuple[Kind, int | None, str]:
    """Target or statistic, its year and the rule, for a number whose indicator starts at
    ``i``. Words that merely contain a cue are masked (人均预期寿命 holds 预期, no goal)."""
    lists = words()
    upto = min(i, quantity.start)
    before = _mask(text[_sentence_start(text, ca) : quantity.start])
    clause = _mask(text[ca:upto])  # (once, not once per cue word)
    past = any(w in clause for w in lists.statistic_cues)
    inherited = frame.mode is None and para.deadline is not None
    if inherited:
        # a deadline from an earlier sentence yields to any sign of a report in this one
        past = past or any(w in before for w in lists.statistic_cues)
    if (frame.mode == "target" or inherited) and not past:
        year = frame.year if frame.mode == "target" else para.deadline
        return "Target", year, "measures.deadline-clause"
    if frame.listing and not past:
        return "Target", frame.list_year, "measures.list-item"
    cues = lists.target_cues + (lists.current_cues if frame.mode == "current" else ())
    if frame.mode == "current":
        # 预计今年…: an estimate of the year under way, not a goal
        cues = tuple(w for w in cues if w not in lists.forecast_cues)
    cue = any(w in before for w in cues) or text.startswith(
        lists.clause_cues, skip_time(text, ca, upto, years, keep=lists.clause_cues), upto
    )
    if frame.mode != "statistic" and not past and cue:
        year = frame.year if frame.mode == "current" else para.deadline
        if year is None and frame.mode is None:
            # 赤字率拟按3%安排 under 二、对今年政府工作的建议: the part plans its year
            year = para.plan_year
        return "Target", year, "measures.target-cue"
    if frame.mode == "current":
        # 目前债务负担率较低，今年增加赤字后，赤字率在2%左右: a report cue before the current
        # year's words is about the present state, not this figure
        before = before[before.rfind("今年") + 1 :]
    reports = any(w in before for w in lists.statistic_cues) or (
        frame.mode is None and reviewed(text, _sentence_start(text, ca))
    )
    if para.plan_year is not None and frame.mode in (None, "current") and not reports:
        return "Target", frame.year or para.plan_year, PLAN_SECTION
    year = frame.year if frame.mode is not None else para.reported
    return "Statistic", year, "measures.statistic"


# 过去一年，我们的各项工作取得了很大成绩。国内生产总值增长10.3%: a sentence of the paragraph
# before opened a review of the past year, which its later figures report
_REVIEW_OPENS = re.compile(r"(?:^|[。！？])\s*(?:过去的?一年|一年来|去年)")


def reviewed(text: str, end: int) -> bool:
    """Does a sentence of ``text`` before ``end`` open with a review of the past year?"""
    return _REVIEW_OPENS.search(text, 0, end) is not None


def _mask(text: str) -> str:
    """``text`` with the words that hold a cue without being one (主要, 预期寿命) blanked."""
    for word in words().not_cues:
        text = text.replace(word, "\0" * len(word))
    return text


def _sentence_start(text: str, i: int) -> int:
    """Where the sentence holding ``i`` starts, looking back :data:`MAX_SENTENCE` characters
    at most: in a paragraph without punctuation a scan to its start made each number cost
    the paragraph's length."""
    floor = max(0, i - MAX_SENTENCE)
    k = max(text.rfind(c, floor, i) for c in "。！？!?")
    return k + 1 if k >= 0 else floor
