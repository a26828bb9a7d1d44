"""分别-clauses: ``A、B分别达X、Y`` pairs the k-th subject with the k-th value."""

from __future__ import annotations

import re

from policygraph.extract.measures.clauses import PUNCT, skip_time
from policygraph.extract.measures.indicators import strip_trailing
from policygraph.extract.numbers import Quantity
from policygraph.extract.years import YearSpan

RESPECTIVELY = "分别"


def respectively(
    text: str, ca: int, cb: int, clause_qs: list[Quantity], years: list[YearSpan]
) -> dict[int, tuple[str, int]]:
    """``60岁及以上人口、65岁及以上人口分别达3.1亿、2.2亿``: subject k goes with value k.
    Returns indicator and start per quantity start; empty when they do not pair up."""
    at = text.find(RESPECTIVELY, ca, cb)
    after = [q for q in clause_qs if q.start > at] if at >= 0 else []
    if len(after) < 2:
        return {}
    i = skip_time(text, ca, at, years)
    subjects: list[tuple[str, int]] = []
    for part in re.finditer(r"[^、和与]+", text[i:at]):
        subject = part.group().strip(PUNCT)
        if subject:
            subjects.append((subject, i + part.start() + part.group().index(subject)))
    if len(subjects) != len(after) or any(len(s) < 2 for s, _ in subjects):
        return {}  # 中、高等职业教育在校生: an elided subject we cannot rebuild
    verb = at + len(RESPECTIVELY)
    middle = text[verb : strip_trailing(text, verb, after[0].start)]
    return {q.start: (s + middle, start) for q, (s, start) in zip(after, subjects, strict=True)}
