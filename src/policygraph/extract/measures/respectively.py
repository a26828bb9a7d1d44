"""分别-clauses: ``A、B分别达X、Y`` pairs the k-th subject with the k-th value."""

from __future__ import annotations

import re

from policygraph.extract.measures.clauses import PUNCT, skip_time
from policygraph.extract.measures.indicators import strip_trailing
from policygraph.extract.numbers import Quantity
from policygraph.text.years import YearSpan

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
    # items split at 、 first, since an item may hold 和 (城镇和农村居民人均可支配收入、粮食产量
    # 分别…); at 和/与 too when that is what makes the count of values
    subjects = _subjects(text, i, at, r"[^、]+")
    if len(subjects) != len(after):
        subjects = _shared_tail(_subjects(text, i, at, r"[^、和与]+"))
    if len(subjects) != len(after) or any(len(s) < 2 for s, _ in subjects):
        return {}  # 中、高等职业教育在校生: an elided subject we cannot rebuild
    verb = at + len(RESPECTIVELY)
    middle = text[verb : strip_trailing(text, verb, after[0].start)]
    return {q.start: (s + middle, start) for q, (s, start) in zip(after, subjects, strict=True)}


def _subjects(text: str, i: int, at: int, item: str) -> list[tuple[str, int]]:
    subjects: list[tuple[str, int]] = []
    for part in re.finditer(item, text[i:at]):
        subject = part.group().strip(PUNCT)
        if subject:
            subjects.append((subject, i + part.start() + part.group().index(subject)))
    return subjects


def _shared_tail(subjects: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """高速铁路和高速公路里程, 城镇和农村居民收入: two parallel items (the same opening, or a
    two-character first one) share the last one's tail (高速铁路里程; 城镇居民收入)."""
    if len(subjects) != 2:
        return subjects
    (first, i), (last, j) = subjects
    marker = _ATTRIBUTE.search(last, 2)
    if marker is not None and not _ATTRIBUTE.search(first):
        # 居民医保和基本公共卫生服务经费人均财政补助标准: the tail from its attribute word on
        return [(first + last[marker.start() :], i), (last, j)]
    tail = last[len(first) :]
    parallel = first[0] == last[0] or len(first) == 2
    if parallel and len(tail) >= 2 and not first.endswith(tail):
        return [(first + tail, i), (last, j)]
    return subjects


# words that open what is measured of a thing (its per-head amount, standard, share, output)
_ATTRIBUTE = re.compile(r"人均|补助标准|标准|比重|占比|产量|里程|规模|总额|增加值|覆盖率|普及率")
