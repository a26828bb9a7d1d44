"""Clauses of a sentence (split at ，；：) and where a clause's content opens after the
punctuation, years, durations and leading words in front of it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from policygraph.extract.measures.words import words
from policygraph.text.years import YearSpan

_CLAUSE_SEP = "，,；;：:"
# one search per separator, not a Python test per character
_CLAUSE_SEP_AT = re.compile(f"[{_CLAUSE_SEP}]")
PUNCT = " \t\u3000，,、；;：:。“”\"'‘’（）()【】《》—-…"
_DURATION = re.compile(r"(?:连续|近|过去)?[一二三四五六七八九十两\d]+年(?:来|间|内)?")
_YEAR_TAIL = re.compile(r"(?:年)?(?:底|末|初|以来|来|前|以前|之前|上半年|全年)?的?")
# the number of a list item: （一）, 1., 2、, 一是 (the opening bracket is punctuation)
_ITEM = re.compile(r"(?:[一二三四五六七八九十]+|\d{1,2})[）)、.．]|[一二三四五六七八九十]+是")


def clauses(text: str, a: int, b: int) -> Iterator[tuple[int, int, str]]:
    start = a
    for m in _CLAUSE_SEP_AT.finditer(text, a, b):
        k = m.start()
        yield start, k, text[k]
        start = k + 1
    if start < b:
        yield start, b, ""


def skip_time(
    text: str, i: int, j: int, years: list[YearSpan], *, keep: tuple[str, ...] = ()
) -> int:
    """Position after the punctuation, year expressions and leading words opening
    ``text[i:j]`` (except the words in ``keep``)."""
    k = i
    leading = words().leading
    while k < j:
        if text[k] in PUNCT:
            k += 1
            continue
        year = next((y for y in years if y.i == k), None)
        if year is not None:
            k = year.j
            tail = _YEAR_TAIL.match(text, k, j)
            if tail and year.kind != "plan-period":  # not the 年 of 十五期间年均增长
                k = tail.end()
            continue
        item = _ITEM.match(text, k, j) if k == i or text[k - 1] in "（(" else None
        if item is not None and not (
            item.group()[0].isdigit() and text[item.end() : item.end() + 1].isdigit()
        ):
            k = item.end()  # not the 1. of 1.5%
            continue
        duration = _DURATION.match(text, k, j)
        if duration is not None:
            k = duration.end()  # 五年来, 三年内
            continue
        word = next((w for w in leading if text.startswith(w, k, j) and w not in keep), None)
        if word is None:
            break
        k += len(word)
    return k
