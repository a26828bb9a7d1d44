"""Years: explicit, Chinese-digit, ranges and relative years, as tables of text and spans."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import make_doc
from policygraph.extract import years
from policygraph.extract.driver import Found
from policygraph.model import EntityMention
from policygraph.text.years import find_plan_periods, find_years, five_year_plan_period

# (text, base year, [(surface, year, rule)])
CASES = [
    ("到2027年，", 2025, [("2027年", 2027, "years.explicit")]),
    ("二〇三五年远景目标", 2020, [("二〇三五年", 2035, "years.chinese")]),
    ("二○三五年", None, [("二○三五年", 2035, "years.chinese")]),
    (
        "行动计划(2025—2027年)",
        None,
        [("2025", 2025, "years.range"), ("2027年", 2027, "years.range")],
    ),
    (
        "规划（2018－2022年）",
        None,
        [("2018", 2018, "years.range"), ("2022年", 2022, "years.range")],
    ),
    ("2025-2027年", None, [("2025", 2025, "years.range"), ("2027年", 2027, "years.range")]),
    (
        "2025年至2027年",
        None,
        [("2025年", 2025, "years.explicit"), ("2027年", 2027, "years.explicit")],
    ),
    ("2024年末，我国常住人口城镇化率达67%", 2025, [("2024年", 2024, "years.explicit")]),
    ("2024年底", None, [("2024年", 2024, "years.explicit")]),
    ("2024 年", None, [("2024 年", 2024, "years.explicit")]),
    ("１９９８年", None, [("１９９８年", 1998, "years.explicit")]),
    ("今年发布的《意见》", 2025, [("今年", 2025, "years.relative")]),
    ("明年", 2025, [("明年", 2026, "years.relative")]),
    ("去年同期", 2025, [("去年", 2024, "years.relative")]),
    ("前年", 2025, [("前年", 2023, "years.relative")]),
    # relative years need the document date
    ("今年发布的《意见》", None, []),
    ("去年", None, []),
    # not years
    ("每年可以新增2000多亿元的消费需求", 2025, []),
    ("普及率超75%", 2025, []),
    ("拥有近2000年历史", None, []),
    ("公元1000年", None, []),
    ("3000年", None, []),
    ("目前年轻人", 2025, []),
    ("提前年度", 2025, []),
    ("第二十次集体学习", 2025, []),
    ("10.2025年", None, []),
]


@pytest.mark.parametrize(("text", "base", "expected"), CASES)
def test_find_years(text: str, base: int | None, expected: list[tuple[str, int, str]]) -> None:
    found = find_years(text, base_year=base)
    assert [(text[s.i : s.j], s.year, s.rule) for s in found] == expected


@pytest.mark.parametrize(
    ("ordinal", "period"),
    [
        (1, (1953, 1957)),
        (2, (1958, 1962)),
        (3, (1966, 1970)),
        (11, (2006, 2010)),
        (14, (2021, 2025)),
        (15, (2026, 2030)),
    ],
)
def test_five_year_plan_period(ordinal: int, period: tuple[int, int]) -> None:
    assert five_year_plan_period(ordinal) == period


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“十五五”时期", [("十五五”时期", 2026, 2030)]),
        ("十四五时期", [("十四五时期", 2021, 2025)]),  # a period, not 5 o'clock
        ("“十四五”期间", [("十四五”期间", 2021, 2025)]),
        ("到“十三五”末", [("十三五”末", 2016, 2020)]),
        ("“十五”时期", [("十五”时期", 2001, 2005)]),  # the tenth plan, quoted
        ("九五期间", [("九五期间", 1996, 2000)]),
        # not periods: fifteen, a plan's name, a longer numeral
        ("十五时期", []),
        ("“十四五”规划", []),
        ("二十五时期", []),
    ],
)
def test_plan_periods(text: str, expected: list[tuple[str, int, int]]) -> None:
    found = find_plan_periods(text)
    assert [(text[s.i : s.j], s.first, s.year) for s in found] == expected
    assert all(s.rule == "years.plan-period" for s in found)
    assert find_years(text, base_year=2025) == []  # a period is no year mention


def test_five_year_plan_period_rejects_zero() -> None:
    with pytest.raises(ValueError, match="numbered from 1"):
        five_year_plan_period(0)


@given(st.integers(min_value=1900, max_value=2100))
def test_every_plausible_year_is_found(year: int) -> None:
    text = f"力争到{year}年，"
    (span,) = find_years(text, base_year=None)
    assert (text[span.i : span.j], span.year) == (f"{year}年", year)


_ALPHABET = "0123456789年至—-今明去前二〇三五多亿元%，。近第"


@given(st.text(alphabet=_ALPHABET, max_size=40), st.one_of(st.none(), st.just(2025)))
def test_spans_are_ordered_disjoint_and_plausible(text: str, base: int | None) -> None:
    found = find_years(text, base_year=base)
    assert all(0 <= s.i < s.j <= len(text) and 1900 <= s.year <= 2100 for s in found)
    assert all(a.j <= b.i for a, b in pairwise(found))


def test_extract_emits_year_entities_in_original_offsets() -> None:
    text = "标题一二\n\n今年，《意见》印发。到2027年，普及率超70%。\n\n本版编辑 2024年\n"
    doc = make_doc(text, date="2025-11-01")
    found = list(years.RECOGNIZER.find(doc, Found()))
    assert all(isinstance(f, EntityMention) for f in found)
    got = [(f.ref.cls, f.ref.key, f.label, f.mention.surface, f.mention.rule) for f in found]
    assert got == [
        ("Year", "2025", "2025", "今年", "years.relative"),
        ("Year", "2027", "2027", "2027年", "years.explicit"),
    ]
    for f in found:
        assert text[f.mention.start : f.mention.end] == f.mention.surface
        assert f.mention.sentence.endswith("。")


def test_extract_without_document_date_skips_relative_years() -> None:
    doc = make_doc("今年，到2027年，普及率超70%。", date=None)
    assert [f.label for f in years.RECOGNIZER.find(doc, Found())] == ["2027"]


@settings(max_examples=300, deadline=None)
@given(year=st.integers(1900, 2099), month=st.integers(1, 12), day=st.integers(1, 31))
def test_a_written_date_is_read_only_when_the_calendar_has_it(
    year: int, month: int, day: int
) -> None:
    """2023年2月29日 gave "2023-02-29"^^xsd:date, a literal no RDF tool can read (found by
    feeding odd documents to the build)."""
    from datetime import date

    from policygraph.text.numerals import iso_dates

    found = [iso for iso, _, _ in iso_dates(f"发布于{year}年{month}月{day}日。")]
    try:
        expected = [date(year, month, day).isoformat()]
    except ValueError:
        expected = []
    assert found == expected
