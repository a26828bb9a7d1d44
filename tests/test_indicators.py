"""Indicators as entities (issue 17): the vocabulary, the resolver and pgo:measures."""

from __future__ import annotations

import pytest

from policygraph.indicators import normalise_indicator, resolve, vocabulary

GDP = "https://w3id.org/policygraph/vocab/indicator/gdp-growth"


@pytest.mark.parametrize(
    "wording",
    ["国内生产总值增长", "经济增长预期目标", "经济增长预期", "经济增长速度的调控目标定",
     "经济增长目标定", "中央提出今年经济增长预期目标", "国内生产总值比上年增长", "GDP增长"],
)  # fmt: skip
def test_the_growth_target_is_one_indicator(wording: str) -> None:
    found = resolve(wording, "%")
    assert found.iri == GDP
    assert found.rule == "indicators.vocabulary"


def test_a_target_and_the_reported_figure_meet() -> None:
    assert resolve("居民消费价格涨幅", "%") == resolve("居民消费价格上涨", "%")
    assert resolve("城镇调查失业率", "%") == resolve("年末城镇调查失业率降", "%")


def test_the_unit_tells_level_from_growth() -> None:
    assert resolve("国内生产总值", "元").label == "国内生产总值"
    assert resolve("国内生产总值", "%").iri is None  # not the level in 元


def test_containment_is_no_match() -> None:
    assert resolve("服务业增加值占国内生产总值比重提高", "%").iri is None


def test_an_unknown_wording_is_normalised_into_its_own_indicator() -> None:
    a = resolve("今年新建改造城市燃气管道安排", "公里")
    b = resolve("新建改造城市燃气管道", "公里")
    assert a == b and a.iri is None and a.rule == "indicators.normalised"
    assert normalise_indicator("经济增长预期目标") == "经济增长"


def test_each_label_belongs_to_one_concept() -> None:
    index = vocabulary()
    assert len({c.iri for c in index.values()}) >= 40
    assert index["赤字率"].higher_is_better is False
    assert index["城镇新增就业"].higher_is_better is True


@pytest.mark.parametrize(
    ("text", "low", "high", "comparator"),
    [("国内生产总值增长6%－6.5%；", "6", "6.5", "="), ("增长6.5%—7%，", "6.5", "7", "="),
     ("增长8%至10%左右", "8", "10", "~")],
)  # fmt: skip
def test_a_rate_range_is_one_figure(text: str, low: str, high: str, comparator: str) -> None:
    from decimal import Decimal

    from policygraph.extract.numbers import find_quantities

    (q,) = find_quantities(text)
    assert (q.value, q.value_max, q.unit, q.comparator) == (
        Decimal(low),
        Decimal(high),
        "%",
        comparator,
    )


@pytest.mark.parametrize("text", ["3—5—7%", "5至10个", "2025—2027年"])
def test_other_ranges_are_still_no_number(text: str) -> None:
    from policygraph.extract.numbers import find_quantities

    assert find_quantities(text) == []
