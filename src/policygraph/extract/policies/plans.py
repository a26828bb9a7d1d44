"""Five-year plans (``“十四五”规划``, ``第十四个五年规划纲要``) and documents known by a generic
name and their year (``2024年政府工作报告``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from policygraph.extract.numbers import cn2an
from policygraph.extract.policies.candidates import Candidate
from policygraph.rules.policy_words import patterns, words
from policygraph.text.document import Block, Document
from policygraph.text.years import five_year_plan_period

FYP_SHORT = re.compile(
    r"(?<![一二三四五六七八九十])(?P<open>[“\"]?)(?P<n>十[一二三四五六七八九]?|[一二三四五六七八九])五"
    r"(?P<close>[”\"]?)(?P<kind>规划|计划)(?P<tail>建议|纲要)?"
)
FYP_LONG = re.compile(
    r"(?:国民经济和社会发展)?第(?P<n>[一二三四五六七八九十]+)个五年(?P<kind>规划|计划)(?P<tail>纲要|建议)?"
)


def plan_label(ordinal: int, tail: str | None) -> str:
    """``“十四五”规划``, ``“十五五”规划建议``, ``“十五”计划`` (plans up to the 10th were 计划)."""
    short = _numeral(ordinal) + "五"
    kind = "计划" if ordinal <= 10 else "规划"
    return f"“{short}”{kind}" + ("建议" if tail == "建议" else "")


def _numeral(n: int) -> str:
    digits = "一二三四五六七八九"
    if n < 10:
        return digits[n - 1]
    return ("" if n < 20 else digits[n // 10 - 1]) + "十" + (digits[n % 10 - 1] if n % 10 else "")


def ordinal(numeral: str) -> int | None:
    try:
        value = cn2an(numeral, "strict")
    except ValueError:
        return None
    return int(value) if value else None


def five_year_plans(block: Block) -> Iterator[Candidate]:
    if "五" not in block.text:
        return  # both patterns need it (十四五规划, 第十个五年计划)
    for pattern in (FYP_SHORT, FYP_LONG):
        for m in pattern.finditer(block.text):
            if pattern is FYP_SHORT and bool(m["open"]) != bool(m["close"]):
                continue
            n = ordinal(m["n"])
            if not n or n > 30:
                continue
            yield Candidate(
                block,
                m.start(),
                m.end(),
                plan_label(n, m["tail"]),
                "five-year-plan",
                period=five_year_plan_period(n),
            )


def named_documents(block: Block, doc: Document) -> Iterator[Candidate]:
    if "年" not in block.text:
        return  # every name is dated (2024年, 今年, 去年, 明年)
    for m in patterns().named_doc.finditer(block.text):
        if bool(m["open"]) != bool(m["close"]):
            continue
        if m["y"]:
            year = int(m["y"])
        elif doc.meta.year is not None:
            year = doc.meta.year + {"今年": 0, "去年": -1, "明年": 1}[m["rel"]]
        else:
            continue
        cand = Candidate(
            block,
            m.start(),
            m.end(),
            f"{year}年{m['name']}",
            "named-document",
            issued_in=year,
        )
        cand.known_issuers = words().named_documents[m["name"]]
        yield cand
