"""Indicators as entities (issue 17): the vocabulary, the resolver and pgo:measures."""

from __future__ import annotations

import pytest

from policygraph.resolve.indicators import normalise_indicator, resolve, vocabulary

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


def test_an_amount_allotted_measures_what_it_is_of() -> None:
    # 发行1万亿元超长期特别国债 is read 发行…超长期特别国债: the bonds, not the verb
    assert resolve("发行…超长期特别国债", "元").label == "超长期特别国债"
    assert normalise_indicator("一次性增加…地方政府债务限额") == "地方政府债务限额"
    assert normalise_indicator("城市居民平均…的时间在社区中度过").startswith("城市居民平均")


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


# --- years (17.2, 17.7): a review's statistics get its year --------------------------------

REPORT = """2024年政府工作报告
各位代表：
现在，我代表国务院，向大会报告政府工作，请予审议。
一、2023年工作回顾
——经济总体回升向好。国内生产总值超过126万亿元，增长5.2%。城镇新增就业1244万人。
过去五年，城镇新增就业年均1270多万人。
过去一年，居民消费价格上涨0.2%，五年年均增长5.2%。
二、2024年经济社会发展总体要求和政策取向
今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上。
"""


def _statistics(text: str, date: str | None = "2024-03-05") -> list[tuple[str, str, int | None]]:
    from conftest import make_doc
    from policygraph.extract import measures
    from policygraph.model import Measure

    doc = make_doc(text, date=date, kind="policy", title="2024年政府工作报告")
    return [
        (m.indicator, str(m.value), m.year)
        for m in measures.extract(doc, [])
        if isinstance(m, Measure) and m.kind == "Statistic"
    ]


def test_a_heading_year_governs_its_section() -> None:
    found = _statistics(REPORT)
    assert ("国内生产总值增长", "5.2", 2023) in found
    assert ("城镇新增就业", "12440000", 2023) in found


def test_one_year_back_from_the_document_date_and_no_year_for_several() -> None:
    found = _statistics(REPORT)
    assert ("居民消费价格上涨", "0.2", 2023) in found  # 过去一年
    assert all(year is None for ind, _, year in found if "年均" in ind)


def test_no_date_no_year() -> None:
    assert all(year is None for _, _, year in _statistics(REPORT, date=None))


def test_gwr_2024_built_alone_has_years() -> None:
    import os
    from pathlib import Path

    from policygraph.extract import run
    from policygraph.model import Measure
    from policygraph.text.loader import find_sources, load_document

    # the bulk corpus unpacked next to its tarball, or where POLICYGRAPH_BULK says
    default = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "bulk"
    bulk = Path(os.environ.get("POLICYGRAPH_BULK", default))
    source = (
        next((s for s in find_sources([bulk]) if s.name == "gwr_2024.txt"), None)
        if (bulk.is_dir())
        else None
    )
    if source is None:
        pytest.skip("the bulk corpus is not unpacked at ../shared/corpus/bulk")
    stats = [
        f for f in run(load_document(source)) if isinstance(f, Measure) and f.kind == "Statistic"
    ]
    assert stats and all(f.year == 2023 and f.year_inferred for f in stats)


def test_a_space_before_the_percent_sign() -> None:
    from policygraph.extract.numbers import find_quantities

    found = find_quantities("经济增长速度8 ％，商品零售价格涨幅控制在3 ％以内。")
    assert [(str(q.value), q.unit, q.comparator) for q in found] == [
        ("8", "%", "="),
        ("3", "%", "<="),
    ]


def test_a_review_sentence_in_a_plan_part_reports() -> None:
    text = (
        "2011年政府工作报告\n各位代表：\n三、2011年的工作\n"
        "2011年是开局之年。过去一年，我们的各项工作取得了很大成绩。国内生产总值增长10.3%。\n"
        "今年发展的主要预期目标是：国内生产总值增长8%左右。\n"
    )
    from conftest import make_doc
    from policygraph.extract import measures
    from policygraph.model import Measure

    doc = make_doc(text, date="2011-03-05", kind="policy", title="2011年政府工作报告")
    found = [
        (m.kind, str(m.value), m.year) for m in measures.extract(doc, []) if isinstance(m, Measure)
    ]
    assert ("Statistic", "10.3", 2010) in found
    assert ("Target", "8", 2011) in found
