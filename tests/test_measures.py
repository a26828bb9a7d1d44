"""Targets and statistics from sentences, as tables; policy attribution; the seed page and
the 2018 government work report."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import make_doc
from policygraph.extract import measures, run
from policygraph.extract.base import entity_key
from policygraph.model import (
    EntityMention,
    EntityRef,
    Fact,
    Measure,
    Mention,
    QuoteFact,
)
from policygraph.text.document import Block, Document
from policygraph.text.loader import find_sources, load_document

ROOT = Path(__file__).parents[1]
SEED = ROOT / "seeds" / "000_c4ec37985887901a.txt"
DEV_CORPUS = ROOT.parent / "shared" / "corpus" / "dev"

Row = tuple[str, str, str, str, str | None, int | None]  # kind, indicator, cmp, value, unit, year


def measures_of(doc: Document, found: list[Fact] | None = None) -> list[Measure]:
    return [f for f in measures.extract(doc, found or []) if isinstance(f, Measure)]


def rows(found: list[Measure]) -> list[Row]:
    return [(m.kind, m.indicator, m.comparator, str(m.value), m.unit, m.year) for m in found]


CASES: list[tuple[str, list[Row]]] = [
    # one deadline governs the clauses after it, until the next one
    (
        "到2027年，率先实现人工智能与6大重点领域广泛深度融合，新一代智能终端、智能体等应用普及率超70%，"
        "智能经济核心产业规模快速增长。到2030年，新一代智能终端、智能体等应用普及率超90%。",
        [
            ("Target", "新一代智能终端、智能体等应用普及率", ">", "70", "%", 2027),
            ("Target", "新一代智能终端、智能体等应用普及率", ">", "90", "%", 2030),
        ],
    ),
    # the counted thing comes after the number when only a verb precedes it
    (
        "提出到2027年建成科学基础大模型，建设不少于10个高质量科学数据库，服务不少于1000万用户，"
        "推动在不少于5个领域开展深度应用，形成8个以上标杆应用案例。",
        [
            ("Target", "高质量科学数据库", ">=", "10", "个", 2027),
            ("Target", "服务用户", ">=", "10000000", None, 2027),
            ("Target", "领域开展深度应用", ">=", "5", "个", 2027),
            ("Target", "标杆应用案例", ">=", "8", "个", 2027),
        ],
    ),
    (
        "2024年末，我国常住人口城镇化率达67%，已有9.4亿人生活在城镇。",
        [
            ("Statistic", "常住人口城镇化率", "=", "67", "%", 2024),
            ("Statistic", "生活在城镇", "=", "940000000", "人", 2024),
        ],
    ),
    (
        "我国60岁以上老年群体互联网普及率超过50%。",
        [("Statistic", "60岁以上老年群体互联网普及率", ">", "50", "%", None)],
    ),
    (
        "2024年我国60岁及以上人口、65岁及以上人口分别达3.1亿、2.2亿。",
        [
            ("Statistic", "60岁及以上人口", "=", "310000000", None, 2024),
            ("Statistic", "65岁及以上人口", "=", "220000000", None, 2024),
        ],
    ),
    # a forecast (将约有) under a deadline that no policy sets is a projected statistic
    (
        "当前，我国城市居民平均约75%的时间在社区中度过，到2035年将约有70%的人口生活在城市社区。",
        [
            ("Statistic", "城市居民平均…的时间在社区中度过", "~", "75", "%", None),
            ("Statistic", "人口生活在城市社区", "~", "70", "%", 2035),
        ],
    ),
    # a list of targets for the document's year, split at ； and ，
    (
        "今年发展主要预期目标是：国内生产总值增长6.5%左右；居民消费价格涨幅3%左右；"
        "城镇新增就业1100万人以上，城镇调查失业率5.5%以内；居民收入增长和经济增长基本同步。",
        [
            ("Target", "国内生产总值增长", "~", "6.5", "%", 2025),
            ("Target", "居民消费价格涨幅", "~", "3", "%", 2025),
            ("Target", "城镇新增就业", ">=", "11000000", "人", 2025),
            ("Target", "城镇调查失业率", "<=", "5.5", "%", 2025),
        ],
    ),
    # 比去年 compares; it does not move the sentence into last year
    (
        "今年赤字率拟按2.6%安排，比去年预算低0.4个百分点；财政赤字2.38万亿元。",
        [
            ("Target", "赤字率", "=", "2.6", "%", 2025),
            ("Target", "赤字率比去年预算低", "=", "0.4", "百分点", 2025),
            ("Target", "财政赤字", "=", "2380000000000", "元", 2025),
        ],
    ),
    # from … to …: the end value, the subject carried to the clauses that lack one
    (
        "国内生产总值从54万亿元增加到82.7万亿元，年均增长7.1%，占世界经济比重从11.4%提高到15%左右。",
        [
            ("Statistic", "国内生产总值", "=", "82700000000000", "元", None),
            ("Statistic", "国内生产总值年均增长", "=", "7.1", "%", None),
            ("Statistic", "国内生产总值占世界经济比重", "~", "15", "%", None),
        ],
    ),
    ("贫困发生率由10.2%下降到3.1%。", [("Statistic", "贫困发生率", "=", "3.1", "%", None)]),
    (
        # a start value dated by its year is a statistic of that year (an undated one, 由10.2%,
        # is none)
        "城镇居民人均可支配收入由2002年7703元增加到2007年13786元。",
        [
            ("Statistic", "城镇居民人均可支配收入", "=", "13786", "元", 2007),
            ("Statistic", "城镇居民人均可支配收入", "=", "7703", "元", 2002),
        ],
    ),
    (
        "截至2024年底，全国5G基站总数达425.1万个，占移动基站总数的33.6%。",
        [
            ("Statistic", "全国5G基站总数", "=", "4251000", "个", 2024),
            ("Statistic", "全国5G基站总数占移动基站总数", "=", "33.6", "%", 2024),
        ],
    ),
    # 比2005年 is a baseline, not the time frame
    (
        "力争到2030年，非化石能源消费比重达到25%左右，单位国内生产总值二氧化碳排放比2005年下降65%以上。",
        [
            ("Target", "非化石能源消费比重", "~", "25", "%", 2030),
            ("Target", "单位国内生产总值二氧化碳排放比2005年下降", ">=", "65", "%", 2030),
        ],
    ),
    # 预期 inside 人均预期寿命 is no cue
    ("人均预期寿命达到76.7岁。", [("Statistic", "人均预期寿命", "=", "76.7", "岁", None)]),
    (
        "关停小火电 2157万千瓦、小煤矿1.12万处。",
        [
            ("Statistic", "关停小火电", "=", "21570000", "千瓦", None),
            ("Statistic", "关停小煤矿", "=", "11200", "处", None),
        ],
    ),
    (
        "改扩建1.88万所乡镇卫生院、786所县医院。",
        [
            ("Statistic", "乡镇卫生院", "=", "18800", "所", None),
            ("Statistic", "县医院", "=", "786", "所", None),
        ],
    ),
    # a deadline carries into the next sentence, but not past a sign of a report
    (
        "到2030年，城镇化率达到70%。常住人口城镇化率要达到75%。目前城镇化率为67%。",
        [
            ("Target", "城镇化率", "=", "70", "%", 2030),
            ("Target", "常住人口城镇化率", "=", "75", "%", 2030),
            ("Statistic", "城镇化率", "=", "67", "%", None),
        ],
    ),
    # a period is no deadline for the sentences after it
    (
        "对2006－2020年的科技发展作出全面部署。五年中央财政用于科技的投入达到3406亿元。",
        [("Statistic", "中央财政用于科技的投入", "=", "340600000000", "元", None)],
    ),
    # an estimate reports figures (never goals); its condition (每提高1个百分点) is none
    (
        "据初步测算，我国城镇化率每提高1个百分点，每年可以新增2000多亿元的消费需求，"
        "可以拉动万亿元规模的新增投资需求。",
        [
            ("Statistic", "每年可以新增…的消费需求", ">", "200000000000", "元", None),
            ("Statistic", "可以拉动…的新增投资需求", "~", "1000000000000", "元", None),
        ],
    ),
    (
        "据测算，到2025年，新能源汽车销量将达到500万辆。",
        [("Statistic", "新能源汽车销量", "=", "5000000", "辆", 2025)],
    ),
    # 预计 with the current year estimates it; the figures after it in the sentence too
    (
        "经济结构持续优化，预计2025年国内生产总值突破一百万亿元；粮食年产量稳定在一万三千亿斤以上。",
        [
            ("Statistic", "国内生产总值", ">", "100000000000000", "元", 2025),
            ("Statistic", "粮食年产量", ">=", "1300000000000", "斤", 2025),
        ],
    ),
    # a scale reached (达到万亿级) is about its order of magnitude
    (
        "到2027年，数字经济核心产业规模达到万亿级。",
        [("Target", "数字经济核心产业规模", "~", "1000000000000", None, 2027)],
    ),
    (
        "在我国的690多座城市中，生活性服务业特色多种多样。",
        [("Statistic", "城市", ">", "690", "座", None)],
    ),
    # a plan period: goals due by its last year; an ended one reports (document date 2025)
    (
        "“十五五”时期，城镇新增就业5500万人以上；“十五五”期间，城镇调查失业率5.5%以内。",
        [
            ("Target", "城镇新增就业", ">=", "55000000", "人", 2030),
            ("Target", "城镇调查失业率", "<=", "5.5", "%", 2030),
        ],
    ),
    (
        "“十三五”时期，城镇新增就业超过6000万人。",
        [("Statistic", "城镇新增就业", ">", "60000000", "人", 2020)],
    ),
    # a past year opening a paragraph dates its later figures that name none
    (
        "刚刚过去的2017年，主要目标任务全面完成。国内生产总值增长6.9%，居民收入增长7.3%。",
        [
            ("Statistic", "国内生产总值增长", "=", "6.9", "%", 2017),
            ("Statistic", "居民收入增长", "=", "7.3", "%", 2017),
        ],
    ),
    (
        "国内生产总值增长6.9%，比2016年加快0.2个百分点。居民收入增长7.3%。",
        [
            ("Statistic", "国内生产总值增长", "=", "6.9", "%", None),
            ("Statistic", "国内生产总值增长比2016年加快", "=", "0.2", "百分点", None),
            ("Statistic", "居民收入增长", "=", "7.3", "%", None),  # 比2016年 compares
        ],
    ),
    # a comparator word or a modal before the change verb: 至少降低30% is >= 30
    (
        "到2027年，移动网络流量资费至少降低30%，二氧化硫排放量要下降3%。",
        [
            ("Target", "移动网络流量资费降低", ">=", "30", "%", 2027),
            ("Target", "二氧化硫排放量下降", "=", "3", "%", 2027),
        ],
    ),
    # X年到Y年 is a span of past years, never a deadline
    ("这一数字是1950年到2002年53年的总和，达到1000亿元。", []),
    # counts inside qualitative goals, names, thresholds, describing scales: nothing
    ("到2027年，打造3个千亿级产业集群。", [("Target", "千亿级产业集群", "=", "3", "个", 2027)]),
    ("到2027年，率先实现人工智能与6大重点领域广泛深度融合。", []),
    ("加速“从0到1”重大科学发现进程，“十五五”时期更要如此。", []),
    ("淘汰关停不达标的30万千瓦以下煤电机组。", []),
    ("从经济基本面和就业吸纳能力看，6.5%左右的增速可以实现比较充分的就业。", []),
    ("这是一个重要的时期，也是二十届中央政治局第二十次集体学习的主题。", []),
    ("在我们这样一个拥有十几亿人口的发展中大国实现城镇化，在人类发展史上没有先例。", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_measures(text: str, expected: list[Row]) -> None:
    assert rows(measures_of(make_doc(text))) == expected


def test_a_lead_deadline_governs_its_bullets() -> None:
    text = (
        "导语。\n"
        "第一步，到2027年，乡村振兴取得重要进展\n"
        "（一）农民人均可支配收入达到30000元。\n"
        "——粮食产量达到6.5亿吨。\n"
        "力争到2030年，主要产品取得突破。\n"
        "——智能传感器销售收入达到100亿元。\n"
        "——到2028年，机器人市场占有率超过10%。\n"
        "一段正文，2024年粮食产量为7亿吨。\n"
        "——这不是上一段的要点，产量为10万吨。\n"
        "（二）不跟随句号结尾的段落，产量为20万吨。\n"
    )
    assert rows(measures_of(make_doc(text))) == [
        ("Target", "农民人均可支配收入", "=", "30000", "元", 2027),
        ("Target", "粮食产量", "=", "650000000", "吨", 2027),
        ("Target", "智能传感器销售收入", "=", "10000000000", "元", 2030),
        ("Target", "机器人市场占有率", ">", "10", "%", 2028),
        ("Statistic", "粮食产量", "=", "700000000", "吨", 2024),
        ("Statistic", "产量", "=", "100000", "吨", None),
        ("Statistic", "产量", "=", "200000", "吨", None),
    ]


def test_a_list_of_targets_runs_on_to_its_items_not_to_explanations() -> None:
    text = (
        "导语。\n"
        "今年经济社会发展的主要预期目标是：\n"
        "国内生产总值增长8%左右；城镇新增就业900万人以上。能耗强度下降3.1%以上。"
        "这里要着重说明，提出国内生产总值增长8%左右的目标，考虑了需要和可能。"
        "在我们这样一个13亿人口的发展中国家，必须保持一定的增长速度。\n"
    )
    assert rows(measures_of(make_doc(text))) == [
        ("Target", "国内生产总值增长", "~", "8", "%", 2025),
        ("Target", "城镇新增就业", ">=", "9000000", "人", 2025),
        ("Target", "能耗强度下降", ">=", "3.1", "%", 2025),
    ]


def test_zai_before_a_bare_figure_is_the_copula_not_a_count() -> None:
    # 涨幅在3%以内, 产量在1.3万亿斤以上: nothing follows the number, so 在 links the
    # indicator before it (in 在36个城市开展试点 the number counts what follows)
    text = (
        "今年的主要目标是：物价总水平基本稳定，居民消费价格总水平涨幅在 3%以内；"
        "粮食产量在1.3万亿斤以上；国际收支趋向基本平衡。\n"
        "在36个大城市开展垃圾分类试点。\n"
    )
    assert rows(measures_of(make_doc(text))) == [
        ("Target", "居民消费价格总水平涨幅", "<=", "3", "%", 2025),
        ("Target", "粮食产量", ">=", "1300000000000", "斤", 2025),
    ]


def test_a_part_that_plans_the_year_makes_its_figures_targets() -> None:
    text = (
        "一、过去一年工作回顾\n"
        "城镇新增就业1351万人。\n"
        "二、2025年经济社会发展总体要求\n"
        "新建改建农村公路20万公里，完成铁路投资7320亿元。目前铁路营业里程为15万公里。\n"
        "6.5%左右的增速可以实现比较充分的就业。\n"
        "三、“十五五”时期主要目标\n"
        "城镇新增就业5000万人以上。\n"
    )
    title = "2025年政府工作报告"
    doc = make_doc(text, date="2025-03-05", kind="policy", title=title)
    assert rows(measures_of(doc)) == [
        ("Statistic", "城镇新增就业", "=", "13510000", "人", 2024),  # the review of 2024 (issue 17)
        ("Target", "新建改建农村公路", "=", "200000", "公里", 2025),
        ("Target", "完成铁路投资", "=", "732000000000", "元", 2025),
        ("Statistic", "铁路营业里程", "=", "150000", "公里", None),
        ("Target", "城镇新增就业", ">=", "50000000", "人", 2030),
    ]
    # a report's parts plan nothing
    report = make_doc(text, date="2025-03-05", kind="report", title="年度报告")
    assert [m.kind for m in measures_of(report)] == ["Statistic"] * 5


def test_a_cue_target_in_a_part_that_plans_the_year_takes_its_year() -> None:
    # 赤字率拟按3%安排, 广义货币M2预期增长12%左右 with no 今年 of their own: the part
    # (二、对今年政府工作的建议, 二、2015年工作总体部署) dates them; a later part without a
    # year (三、把改革开放扎实推向纵深) leaves a cue target undated
    text = (
        "一、过去一年工作回顾\n城镇新增就业1244万人。\n"
        "二、对今年政府工作的建议\n赤字率拟按3%安排，赤字规模4.06万亿元。\n"
        "广义货币M2预期增长12%左右，在实际执行中也可以略高些。\n"
        "三、把改革开放扎实推向纵深\n力争新建5个试验区。\n"
    )
    doc = make_doc(text, date="2024-03-05", kind="policy", title="2024年政府工作报告")
    assert [(r[0], r[1], r[5]) for r in rows(measures_of(doc))] == [
        ("Statistic", "城镇新增就业", 2023),
        ("Target", "赤字率", 2024),
        ("Target", "赤字规模", 2024),
        ("Target", "广义货币M2预期增长", 2024),
        ("Target", "试验区", None),
    ]


def test_a_figure_that_turned_is_its_subjects_and_the_past_state_no_measure() -> None:
    # X由…转为下降1.2%: the figures X turned from (a past state) are none of this year's
    text = (
        "一、2006年工作回顾\n"
        "2006年，单位国内生产总值能耗由前三年分别上升4.9％、5.5％，转为下降1.2%。"
        "工业企业利润由上年下降2.3%转为增长8.5%。\n"
    )
    doc = make_doc(text, date="2007-03-05", kind="policy", title="2007年政府工作报告")
    assert rows(measures_of(doc)) == [
        ("Statistic", "单位国内生产总值能耗下降", "=", "1.2", "%", 2006),
        ("Statistic", "工业企业利润增长", "=", "8.5", "%", 2006),
    ]


def test_the_year_of_a_start_value_frames_nothing() -> None:
    # 赤字率从去年的2.1%提高到2.3%: 去年 dates the start value, not the plan's figure; a
    # leading 但 is no part of the indicator
    text = (
        "二、2015年工作总体部署\n"
        "今年拟安排财政赤字1.62万亿元，赤字率从去年的2.1%提高到2.3%。"
        "但赤字率稳定在安全水平，债务率由上年的40%降到38%。\n"
    )
    doc = make_doc(text, date="2015-03-05", kind="policy", title="2015年政府工作报告")
    assert [(r[0], r[1], r[3], r[5]) for r in rows(measures_of(doc))] == [
        ("Target", "安排财政赤字", "1620000000000", 2015),
        ("Target", "赤字率", "2.3", 2015),
        ("Statistic", "赤字率", "2.1", 2014),  # the start value, of its year
        ("Target", "债务率", "38", 2015),
    ]


def test_a_year_a_span_starts_from_is_no_reference_year() -> None:
    # 2012年以来年均增速…, 自2019年起…: figures over a span up to now, not of its first year,
    # and not of the year a review heading names either
    text = (
        "一、2024年工作回顾\n"
        "2012年以来，数字经济规模年均增速超过30%。自2019年起，累计减税5万亿元。"
        "2023年末，常住人口城镇化率达66.2%。\n"
    )
    doc = make_doc(text, date="2025-03-05", kind="policy", title="2025年政府工作报告")
    assert [(r[1], r[5]) for r in rows(measures_of(doc))] == [
        ("数字经济规模年均增速", None),
        ("累计减税", None),
        ("常住人口城镇化率", 2023),
    ]


def test_a_change_figure_modifies_the_figure_before_it_in_its_unit() -> None:
    # 比上年增加1.1万亿元 changes 支出规模28.5万亿元; a growth rate of an amount
    # (达到13.65万亿元，比上年增长9.5%) is a measure of its own; a rate changes by points
    text = (
        "一般公共预算支出规模28.5万亿元、比上年增加1.1万亿元。"
        "国内生产总值达到13.65万亿元，比上年增长9.5%。"
        "城镇化率为66.2%，比上年提高0.9个百分点。"
        "经济建设费占支出总数的35.84%，比上年增长57.27%。\n"
    )
    found = measures_of(make_doc(text))
    linked = [(m.indicator, text[m.change_of[1] : m.change_of[2]]) for m in found if m.change_of]
    assert linked == [
        ("一般公共预算支出规模比上年增加", "一般公共预算支出规模28.5万亿元"),
        ("城镇化率比上年提高", "城镇化率为66.2%"),
    ]


def test_a_subject_in_the_clause_before_a_from_to_change() -> None:
    # X保持快速增长，由2012年的8万亿元增长到2021年的42.3万亿元: X is the subject of the
    # end value, and the next clause's share inherits it
    text = (
        "电子商务交易额保持快速增长，由2012年的8万亿元增长到2021年的42.3万亿元。"
        "数字经济蓬勃发展，从2012年的11万亿元增长到2021年的45.5万亿元，"
        "占国内生产总值比重由21.6%提升至39.8%。\n"
    )
    assert rows(measures_of(make_doc(text, date="2022-01-12"))) == [
        ("Statistic", "电子商务交易额", "=", "42300000000000", "元", 2021),
        ("Statistic", "电子商务交易额", "=", "8000000000000", "元", 2012),
        ("Statistic", "数字经济", "=", "45500000000000", "元", 2021),
        ("Statistic", "数字经济", "=", "11000000000000", "元", 2012),
        ("Statistic", "数字经济占国内生产总值比重", "=", "39.8", "%", 2021),
    ]
    # a clause that ends in a measured noun (…覆盖率) names it whole
    whole = "全国基本扫除青壮年文盲的人口地区覆盖率，由1997年的65%提高到2002年的91%。\n"
    assert rows(measures_of(make_doc(whole, date="2003-03-05")))[0][1:4] == (
        "全国基本扫除青壮年文盲的人口地区覆盖率",
        "=",
        "91",
    )


def test_respectively_items_may_hold_he_and_share_a_tail() -> None:
    # items split at 、 before 和; two items joined by 和 share the last one's tail
    text = (
        "城镇和农村居民人均可支配收入、粮食产量分别增长5.1%和1.3%。"
        "高速铁路和高速公路里程分别达到4.5万公里和18.4万公里。"
        "城镇和农村居民收入分别增长5%和7%。"
        "居民医保和基本公共卫生服务经费人均财政补助标准分别再提高30元和5元。\n"
    )
    assert [(r[1], r[3]) for r in rows(measures_of(make_doc(text)))] == [
        ("城镇和农村居民人均可支配收入增长", "5.1"),
        ("粮食产量增长", "1.3"),
        ("高速铁路里程", "45000"),
        ("高速公路里程", "184000"),
        ("城镇居民收入增长", "5"),
        ("农村居民收入增长", "7"),
        ("居民医保人均财政补助标准提高", "30"),
        ("基本公共卫生服务经费人均财政补助标准提高", "5"),
    ]


def test_a_count_that_opens_its_clause_counts_what_follows() -> None:
    # 16个国家签署…: a number-first statement; a rate first (6.5%左右的增速可以…) stays none
    text = (
        "16个国家签署合作文件。3000多家企业参展。6.5%左右的增速可以实现比较充分的就业。"
        "以解决三个1亿人问题为着力点。\n"
    )
    assert rows(measures_of(make_doc(text))) == [
        ("Statistic", "国家签署合作文件", "=", "16", "个", None),
        ("Statistic", "企业参展", ">", "3000", "家", None),
    ]


def test_indicator_names_are_not_cut_inside_a_word() -> None:
    # 比例上升至87.2% is the level of 比例 (not 比例上); a change naming its figure by one
    # word of it (新增比上年增加) is named by the whole figure
    text = "优良天数比例上升至87.2%。城镇新增就业1256万人，新增比上年增加12万人。\n"
    found = measures_of(make_doc(text))
    assert [m.indicator for m in found] == [
        "优良天数比例",
        "城镇新增就业",
        "城镇新增就业比上年增加",
    ]
    assert found[2].change_of is not None


def test_a_bare_average_growth_takes_its_subject() -> None:
    # 年均增速 with no subject of its own: the subject of the clause before (数字经济快速发展)
    # or of the figure before, without that figure's own change word
    text = (
        "数字经济快速发展，2012年以来年均增速超过30%。"
        "国内生产总值增长5%，年均增长6%。国内生产总值增长6.9%，比上年提高0.2个百分点。\n"
    )
    assert [m.indicator for m in measures_of(make_doc(text))] == [
        "数字经济年均增速",
        "国内生产总值增长",
        "国内生产总值年均增长",
        "国内生产总值增长",
        "国内生产总值增长比上年提高",
    ]


def test_an_amount_after_a_verb_of_allotting_is_of_the_noun_after_it() -> None:
    # 一次性增加6万亿元地方政府债务限额置换…: 6万亿元 of 地方政府债务限额 (up to its purpose)
    text = (
        "一次性增加6万亿元地方政府债务限额置换存量隐性债务。"
        "中央财政拟安排200亿元专项资金，主要用贴息方式支持企业技术改造。"
        "从今年开始拟连续几年发行超长期特别国债，专项用于重大项目建设，今年先发行1万亿元。\n"
    )
    assert [m.indicator for m in measures_of(make_doc(text))] == [
        "一次性增加…地方政府债务限额",
        "中央财政拟安排…专项资金",
        "先发行…超长期特别国债",  # what the same verb allots earlier in the sentence
    ]
    # a consequence (购买力就增加…) or a numeral after the amount is no allotment of a noun
    other = "城市居民的购买力将增加六亿元一元钱的购买力。这一年就增加了一百七十七亿元。\n"
    assert all("…" not in m.indicator for m in measures_of(make_doc(other)))


def test_a_report_cue_before_the_current_year_is_about_the_present_state() -> None:
    # 目前…较低，今年增加赤字后，赤字率在2%左右: the plan's figure, not a report
    text = (
        "二、今年经济社会发展的总体要求、主要预期目标和宏观经济政策\n"
        "同时，目前我国债务负担率相对较低，今年增加赤字后，赤字率在2%左右，总体上处于安全水平。"
        "目前，全国有2.8亿农民工。\n"
    )
    doc = make_doc(text, date="2013-03-05", kind="policy", title="2013年政府工作报告")
    assert [(r[0], r[1], r[5]) for r in rows(measures_of(doc))] == [
        ("Target", "赤字率", 2013),
        ("Statistic", "农民工", None),
    ]


def test_a_year_named_in_passing_governs_no_bullets() -> None:
    text = "导语。\n落实2030年应对气候变化国家自主贡献目标。\n——森林覆盖率为24%。\n"
    assert rows(measures_of(make_doc(text))) == [("Statistic", "森林覆盖率", "=", "24", "%", None)]


def test_without_a_document_date_relative_years_give_no_year() -> None:
    text = "今年发展主要预期目标是：国内生产总值增长6.5%左右。"
    assert rows(measures_of(make_doc(text, date=None))) == [
        ("Target", "国内生产总值增长", "~", "6.5", "%", None)
    ]


def test_mention_is_the_clause_in_original_offsets() -> None:
    text = "标题\n\n到2027年,新一代智能终端、智能体等应用普及率超70%,智能经济\n\n规模快速增长。\n"
    (m,) = measures_of(make_doc(text))
    assert m.mention.surface == "新一代智能终端、智能体等应用普及率超70%"
    assert text[m.mention.start : m.mention.end] == m.mention.surface
    assert m.mention.rule == "measures.deadline-clause"
    assert m.value_text == "70"
    assert m.mention.sentence.startswith("到2027年")


def _policy_mention(text: str, name: str) -> EntityMention:
    start = text.index(name)
    end = start + len(name)
    return EntityMention(
        ref=EntityRef("Policy", entity_key(name)),
        label=entity_key(name),
        mention=Mention(start, end, name, "", "test"),
    )


def test_policy_named_before_the_target_in_the_paragraph() -> None:
    name = "《北京市加快人工智能赋能科学研究高质量发展行动计划(2025—2027年)》"
    text = (
        f"例如，今年发布的{name}，描绘了路线图，提出到2027年建设不少于10个高质量科学数据库。"
        "目前，我国常住人口城镇化率达67%。"
    )
    policy = _policy_mention(text, name)
    found = measures_of(make_doc(text), [policy])
    assert [(m.kind, m.policy) for m in found] == [
        ("Target", policy.ref),
        ("Statistic", None),  # statistics belong to no policy
    ]


def test_policy_named_after_the_target_is_not_its_policy() -> None:
    name = "《国务院关于深入实施“人工智能+”行动的意见》"
    text = f"到2027年，应用普及率超70%，这是{name}提出的。"
    (m,) = measures_of(make_doc(text), [_policy_mention(text, name)])
    assert m.policy is None


def test_policy_of_a_sidebar_quote() -> None:
    quote = "到2027年，新一代智能终端、智能体等应用普及率超70%。"
    line = "——《国务院关于深入实施“人工智能+”行动的意见》"
    text = f"{quote}\n{line}\n"
    a = len(quote) + 1
    doc = make_doc(text)
    doc.blocks = [
        Block("quote", quote, tuple(range(len(quote)))),
        Block("attribution", line, tuple(range(a, a + len(line)))),
    ]
    policy = _policy_mention(text, line[2:])
    fact = QuoteFact(
        text=quote,
        mention=Mention(0, len(quote), quote, quote, "quotes.sidebar"),
        attribution=Mention(a, a + len(line), line, line, "quotes.attribution"),
        policy=policy,
    )
    (m,) = measures_of(doc, [policy, fact])
    assert m.policy == policy.ref


def test_policy_document_sets_its_own_targets() -> None:
    title = "关于实施乡村振兴战略的意见"
    text = "到2027年，农村自来水普及率达到90%。2024年农村自来水普及率为88%。"
    found = measures_of(make_doc(text, date="2025-01-01", kind="policy", title=title))
    assert [(m.kind, m.policy) for m in found] == [
        ("Target", EntityRef("Policy", entity_key(title))),
        ("Statistic", None),
    ]


@pytest.mark.parametrize(
    ("text", "named_owns"),
    [
        # a policy the report carries out is no owner of the report's own targets
        ("深入实施大气污染防治行动计划。今年要淘汰燃煤小锅炉5万台。", False),
        ("实施粮食战略工程，今年要新增粮食生产能力50亿斤。", False),
        # a policy that states the target owns it
        ("《大气污染防治行动计划》提出，到2027年淘汰燃煤小锅炉5万台。", True),
        ("大气污染防治行动计划明确提出，到2027年淘汰燃煤小锅炉5万台。", True),
    ],
)
def test_in_a_policy_document_a_named_policy_owns_only_what_it_states(
    text: str, named_owns: bool
) -> None:
    own = EntityRef("Policy", entity_key("2025年政府工作报告"))
    name = next(n for n in ("大气污染防治行动计划", "粮食战略工程") if n in text)
    policy = _policy_mention(text, name)
    doc = make_doc(text, date="2025-03-05", kind="policy", title="2025年政府工作报告")
    (target,) = measures_of(doc, [policy])
    assert target.policy == (policy.ref if named_owns else own)


def test_concerns_are_technologies_and_industries_in_the_sentence() -> None:
    text = "到2027年，人工智能应用普及率超70%。大数据产业规模超过3万亿元。"
    doc = make_doc(text)

    def topic(cls: str, name: str) -> EntityMention:
        start = text.index(name)
        return EntityMention(
            EntityRef(cls, name),
            name,  # type: ignore[arg-type]
            Mention(start, start + len(name), name, "", "test"),
        )

    found: list[Fact] = [topic("Technology", "人工智能"), topic("Industry", "大数据产业")]
    first, second = measures_of(doc, found)
    assert first.concerns == (EntityRef("Technology", "人工智能"),)
    assert second.concerns == (EntityRef("Industry", "大数据产业"),)


def test_a_repeated_goal_is_one_measure() -> None:
    text = "到2027年，应用普及率超70%。\n\n到2027年，应用普及率超70%。\n"
    assert len(measures_of(make_doc(text))) == 1


def test_a_restated_target_is_no_statistic() -> None:
    text = (
        "今年发展主要预期目标是：国内生产总值增长6.5%左右。\n\n"
        "提出国内生产总值增长6.5%左右，主要是综合考虑了多种因素。\n"
    )
    assert rows(measures_of(make_doc(text))) == [
        ("Target", "国内生产总值增长", "~", "6.5", "%", 2025)
    ]


def test_articles_are_carried() -> None:
    text = "标题一\n\n张 辉\n\n2024年末，我国常住人口城镇化率达67%。\n"
    (m,) = measures_of(make_doc(text))
    assert m.article == 0


# --- the seed page -----------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_facts() -> list[Fact]:
    (source,) = [s for s in find_sources([SEED.parent]) if s.name == SEED.name]
    return run(load_document(source))


def _find(found: list[Fact], indicator_part: str, value: str) -> Measure:
    hits = [
        f
        for f in found
        if isinstance(f, Measure) and indicator_part in f.indicator and f.value == Decimal(value)
    ]
    assert len(hits) == 1, [f for f in found if isinstance(f, Measure)]
    return hits[0]


SEED_TARGETS = [
    ("普及率", "70", ">", "%", 2027),
    ("普及率", "90", ">", "%", 2030),
    ("科学数据库", "10", ">=", "个", 2027),
    ("用户", "10000000", ">=", None, 2027),
    ("领域", "5", ">=", "个", 2027),
    ("案例", "8", ">=", "个", 2027),
]


@pytest.mark.parametrize(("indicator", "value", "comparator", "unit", "year"), SEED_TARGETS)
def test_seed_targets(
    seed_facts: list[Fact], indicator: str, value: str, comparator: str, unit: str | None, year: int
) -> None:
    m = _find(seed_facts, indicator, value)
    assert (m.kind, m.comparator, m.unit, m.year) == ("Target", comparator, unit, year)


def test_seed_statistics(seed_facts: list[Fact]) -> None:
    rate = _find(seed_facts, "城镇化率", "67")
    assert (rate.kind, rate.indicator, rate.comparator, rate.unit, rate.year) == (
        "Statistic",
        "常住人口城镇化率",
        "=",
        "%",
        2024,
    )
    people = _find(seed_facts, "城镇", "940000000")
    assert (people.kind, people.unit, people.year, people.value_text) == (
        "Statistic",
        "人",
        2024,
        "9.4亿",
    )


@pytest.mark.parametrize(
    ("indicator", "value", "policy"),
    [
        ("普及率", "70", "国务院关于深入实施人工智能+行动的意见"),
        ("普及率", "90", "国务院关于深入实施人工智能+行动的意见"),
        ("科学数据库", "10", "北京市加快人工智能赋能科学研究高质量发展行动计划"),
        ("案例", "8", "北京市加快人工智能赋能科学研究高质量发展行动计划"),
    ],
)
def test_seed_policy_attribution(
    seed_facts: list[Fact], indicator: str, value: str, policy: str
) -> None:
    named = [
        f
        for f in seed_facts
        if isinstance(f, EntityMention) and f.ref.cls == "Policy" and f.ref.key.startswith(policy)
    ]
    if not named:
        pytest.skip(f"the policies extractor does not find {policy} yet")
    m = _find(seed_facts, indicator, value)
    assert m.policy is not None and m.policy.key.startswith(policy)


# --- the 2018 government work report --------------------------------------------------


@pytest.mark.corpus
def test_gwr_2018_main_targets() -> None:
    path = DEV_CORPUS / "gwr_2018.txt"
    if not path.is_file():
        pytest.skip(f"development corpus not found at {path}")
    text = path.read_text(encoding="utf-8")
    doc = make_doc(text, date="2018-03-05", kind="report", title="2018年国务院政府工作报告")
    found = rows(measures_of(doc))
    for expected in [
        ("Target", "国内生产总值增长", "~", "6.5", "%", 2018),
        ("Target", "居民消费价格涨幅", "~", "3", "%", 2018),
        ("Target", "城镇新增就业", ">=", "11000000", "人", 2018),
        ("Target", "城镇调查失业率", "<=", "5.5", "%", 2018),
    ]:
        assert expected in found
