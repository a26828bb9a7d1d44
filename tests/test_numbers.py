"""Quantities as written: value in plain units, unit, comparator; and what is no quantity."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policygraph.extract.numbers import find_quantities, parse_number, parse_quantity, plain

# (text, value, unit, comparator, value_text)
QUANTITIES = [
    ("70%", "70", "%", "=", "70"),
    ("超70%", "70", "%", ">", "70"),
    ("67%", "67", "%", "=", "67"),
    ("达67%", "67", "%", "=", "67"),
    ("9.4亿人", "940000000", "人", "=", "9.4亿"),
    ("2000多亿元", "200000000000", "元", ">", "2000多亿"),
    ("不少于10个", "10", "个", ">=", "10"),
    ("1000万用户", "10000000", None, "=", "1000万"),  # 用户 is the indicator's noun, no unit
    ("8个以上", "8", "个", ">=", "8"),
    ("3.1亿", "310000000", None, "=", "3.1亿"),
    ("1个百分点", "1", "百分点", "=", "1"),
    ("2万余家", "20000", "家", ">", "2万余"),
    ("500万千瓦", "5000000", "千瓦", "=", "500万"),  # 千 after 万 starts the unit
    ("1.55万亿元", "1550000000000", "元", "=", "1.55万亿"),
    ("1亿3千多万", "130000000", None, ">", "1亿3千多万"),
    ("1万6千多户", "16000", "户", ">", "1万6千多"),
    ("13亿多人口", "1300000000", None, ">", "13亿多"),  # 人口 is a noun, not 人
    ("百分之七十", "70", "%", "=", "七十"),
    ("一万三千亿斤以上", "1300000000000", "斤", ">=", "一万三千亿"),
    ("超过十三亿人", "1300000000", "人", ">", "十三亿"),
    ("约75%", "75", "%", "~", "75"),
    ("6.5%左右", "6.5", "%", "~", "6.5"),
    ("控制在4.8%左右", "4.8", "%", "~", "4.8"),
    ("控制在3%以内", "3", "%", "<=", "3"),
    ("5.5%以内", "5.5", "%", "<=", "5.5"),
    ("不超过3%", "3", "%", "<=", "3"),
    ("低于2%", "2", "%", "<", "2"),
    ("至少5项", "5", "项", ">=", "5"),
    ("近2000平方公里", "2000", "平方公里", "~", "2000"),
    ("1100万人以上", "11000000", "人", ">=", "1100万"),
    ("１０个", "10", "个", "=", "１０"),  # full-width digits, kept as written
    ("1,363亿美元", "136300000000", "美元", "=", "1,363亿"),
    ("一百零五个", "105", "个", "=", "一百零五"),
    ("76.7岁", "76.7", "岁", "=", "76.7"),
]


@pytest.mark.parametrize(("text", "value", "unit", "comparator", "value_text"), QUANTITIES)
def test_parse_quantity(
    text: str, value: str, unit: str | None, comparator: str, value_text: str
) -> None:
    q = parse_quantity(text)
    assert q is not None
    assert (q.value, q.unit, q.comparator, q.value_text) == (
        Decimal(value),
        unit,
        comparator,
        value_text,
    )
    assert str(q.value) == value  # plain units, never 9.4E+8


NOT_QUANTITIES = [
    "万亿元规模",  # no digits: only in running text, after a verb (see IN_TEXT)
    "两三个",  # an approximation, not 23 (cn2an says 23)
    "十几亿",
    "几十个",
    "数十个",
    "六大重点领域",  # N大: a named count, see parse_number
    "60岁以上人口",  # an age band
    "2027年",
    "4月",
    "3—5—7%",  # a chain is no range (a rate range is one figure: test_indicators.py)
    "5至10个",
    "5G",
    "一方面",
    "十分重要",
    "“90后”",
]


@pytest.mark.parametrize("text", NOT_QUANTITIES)
def test_not_a_quantity(text: str) -> None:
    assert parse_quantity(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("六大", "6"),
        ("二十", "20"),
        ("十五", "15"),
        ("一百零五", "105"),
        ("两万", "20000"),
        ("9.4亿人", "940000000"),
        ("2.38万亿元", "2380000000000"),
        ("两三个", None),
        ("十几亿", None),
        ("十四五", None),
        ("万亿", None),
        ("规模", None),
    ],
)
def test_parse_number(text: str, value: str | None) -> None:
    assert parse_number(text) == (Decimal(value) if value else None)


# (running text, [(expression as written, value)])
IN_TEXT = [
    (
        "2024年末,我国常住人口城镇化率达67%,已有9.4亿人生活在城镇",
        [("达67%", "67"), ("9.4亿人", "940000000")],
    ),
    ("到2027年,率先实现人工智能与6大重点领域广泛深度融合", []),
    ("加速“从0到1”重大科学发现进程", []),  # read as a range
    ("二十届中央政治局第二十次集体学习", []),
    (
        "2024年我国60岁及以上人口、65岁及以上人口分别达3.1亿、2.2亿",
        [("达3.1亿", "310000000"), ("2.2亿", "220000000")],
    ),
    ("人均预期寿命达到76.7岁。", [("达到76.7岁", "76.7")]),
    ("出现了“90后”“00后”等数字消费新势力", []),
    ("广义货币M2和5G基站", []),
    ("能耗下降3%—5%", [("3%—5%", "3")]),  # a rate range, value its lower end
    ("改扩建1.88万所乡镇卫生院、786所县医院", [("1.88万所", "18800"), ("786所", "786")]),
    ("在我们这样一个拥有十几亿人口的发展中大国", []),
    # a scale a verb reaches is about its order of magnitude; one that describes, nothing
    ("可以拉动万亿元规模的新增投资需求", [("万亿元规模", "1000000000000")]),
    ("更能带动万亿级的新消费需求", [("万亿级", "1000000000000")]),
    ("数字经济产业能级达到万亿级", [("万亿级", "1000000000000")]),
    ("打造3个千亿级产业集群", [("3个", "3")]),
    ("形成若干年销售收入百亿级的特色产业集群", []),
    ("构建百万级结点", []),
    ("带动2万亿元规模投资", [("2万亿元", "2000000000000")]),
    ("习近平总书记2025年4月25日在集体学习时的讲话", []),
    ("关停小火电 2157万千瓦", [("2157万千瓦", "21570000")]),
    ("比上年分别下降3.14％和4.66％", [("3.14％", "3.14"), ("4.66％", "4.66")]),
    # an ASCII comma after a unit separates clauses; between digit groups it is a thousands mark
    (
        "分别达3.1亿,2.2亿,1,363亿美元",
        [("达3.1亿", "310000000"), ("2.2亿", "220000000"), ("1,363亿美元", "136300000000")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), IN_TEXT)
def test_find_quantities(text: str, expected: list[tuple[str, str]]) -> None:
    found = find_quantities(text)
    assert [(text[q.start : q.end], str(q.value)) for q in found] == expected


@given(st.integers(min_value=1, max_value=10**12))
def test_chinese_numerals_round_trip(n: int) -> None:
    assert parse_number(cn2an.an2cn(n)) == n


@given(
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False),
    st.sampled_from(["", "万", "亿", "万亿"]),
    st.sampled_from(["%", "元", "人", "个", "吨"]),
)
def test_arabic_with_magnitude(number: Decimal, magnitude: str, unit: str) -> None:
    written = f"{number:f}"
    q = parse_quantity(f"{written}{magnitude}{unit}")
    assert q is not None
    factor = {"": 1, "万": 10**4, "亿": 10**8, "万亿": 10**12}[magnitude]
    assert q.value == plain(number * factor)
    assert q.unit == unit
    assert q.value_text == written + magnitude


_ALPHABET = "0123456789.,多余万亿十百千一二两三个人元%以上超约第年岁，、—"


@given(st.text(alphabet=_ALPHABET, max_size=30))
def test_spans_are_well_formed(text: str) -> None:
    found = find_quantities(text)
    for q in found:
        assert 0 <= q.start <= q.number_start < q.number_end <= q.end <= len(text)
        assert text[q.number_start : q.number_end] == q.value_text
        assert q.value >= 0
    assert all(a.end <= b.start for a, b in pairwise(found))


def test_numerals_cn2an_cannot_read_do_not_crash() -> None:
    # cn2an raises KeyError on these instead of ValueError; one of them stopped a bulk build.
    for text in ("一亿一千人", "二十零个", "增长一十零倍"):
        for q in find_quantities(text):
            assert 0 <= q.start < q.end <= len(text)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("推广应用1.5万台套机器人", "台套"),
        ("算力规模达到810万标准机架", "标准机架"),
        ("新增3台设备", "台"),
    ],
)
def test_a_compound_unit_is_read_whole(text: str, unit: str) -> None:
    assert [q.unit for q in find_quantities(text)] == [unit]


def _reading(read: object, numeral: str, mode: str) -> tuple[str, object]:
    try:
        return "value", read(numeral, mode)  # type: ignore[operator]
    except Exception as e:  # the same kind of failure counts as the same reading
        return type(e).__name__, None


_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=_NUMERAL_CHARS, min_size=1, max_size=8), st.sampled_from(["normal", "strict"])
)
def test_the_converter_loaded_alone_reads_as_the_package(numeral: str, mode: str) -> None:
    """numbers.cn2an loads only cn2an's converter (its package start costs 0.21 s per
    worker): its readings, failures included, are the package's."""
    from policygraph.extract import numbers

    package = cn2an

    assert _reading(numbers.cn2an, numeral, mode) == _reading(package.cn2an, numeral, mode)


def test_the_converter_loaded_alone_reads_every_number_as_the_package() -> None:
    from policygraph.extract import numbers

    package = cn2an

    assert numbers._converter() is not package.cn2an  # the light way was taken
    for n in [*range(0, 2100), 10**4, 12345, 10**8, 305000000, 1234567890]:
        written = package.an2cn(n)
        for mode in ("normal", "strict"):
            assert _reading(numbers.cn2an, written, mode) == _reading(package.cn2an, written, mode)
