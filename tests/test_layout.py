"""Page layout: bylines, broken-word repair, sidebar quotes, articles; offsets always hold."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SEEDS
from policygraph.text.layout import analyse, byline_names


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("刘 晖 任晓刚", ["刘 晖", "任晓刚"]),
        ("张 辉", ["张 辉"]),
        ("韩成福", ["韩成福"]),
        ("欧阳修", ["欧阳修"]),
        ("数字经济", None),  # 数 is not a surname: a title, not a byline
        ("理解人工智能赋能的重要意义", None),
        ("刘 晖 任", None),  # a lone single character cannot pair up
        ("本版编辑 李笑语", None),
        # the cells of a form start with a surname character as often as not (issue 19.6)
        ("单位名称", None),
        ("应用描述", None),
        ("揭榜任务", None),
        ("欧阳优优", ["欧阳优优"]),  # four characters after a two-character surname
    ],
)
def test_byline_names(line: str, names: list[str] | None) -> None:
    found = byline_names(line)
    assert (None if found is None else [line[i:j] for i, j in found]) == names


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in analyse(text).blocks]


def test_form_cells_are_no_bylines_and_their_labels_no_titles() -> None:
    # an annex form, one cell a line: 姓名 / 电话 / 邮箱 are no byline under a title
    text = (
        "附件2\n智能制造试点示范项目申报书\n一、企业基本信息\n企业名称\n统一社会\n信用代码\n"
        "联系人\n姓名\n电话\n邮箱\n二、项目情况\n请简要说明项目的建设内容、投资和成效。\n"
    )
    kinds = {kind for kind, _ in _kinds(text)}
    assert kinds.isdisjoint({"byline", "title", "column"})


def test_word_broken_across_columns_is_rejoined() -> None:
    text = (
        "作为最活跃、最核心的要素，新型劳动者以其高水平的创新能力、数字素\n\n"
        "养和跨界协同能力，不断驱动技术革新。\n\n"
        "全体人民共同富裕是中国式现代化的\n\n"  # short, but 的 cannot end a heading
        "鲜明特征。\n"
    )
    blocks = analyse(text).blocks
    assert [b.text for b in blocks if b.kind == "body"] == [
        "作为最活跃、最核心的要素，新型劳动者以其高水平的创新能力、数字素养和跨界协同能力，不断驱动技术革新。",
        "全体人民共同富裕是中国式现代化的鲜明特征。",
    ]
    # Every clean character still points at itself in the original.
    assert all(text[o] == c for b in blocks for o, c in zip(b.offsets, b.text, strict=True))


def test_sidebar_quote_inside_a_word_is_lifted_out() -> None:
    text = (
        "一是强化人工智能核心技术攻关。聚焦人工智\n\n"
        "要推动人工智能科技创新与产业创新深度融合。\n\n"
        "——习近平总书记2025年4月25日在二十届中央政治局第二十次集体学习时的讲话\n\n"
        "能基础理论、关键技术研究。\n"
    )
    kinds = _kinds(text)
    assert kinds == [
        ("body", "一是强化人工智能核心技术攻关。聚焦人工智能基础理论、关键技术研究。"),
        ("quote", "要推动人工智能科技创新与产业创新深度融合。"),
        ("attribution", "——习近平总书记2025年4月25日在二十届中央政治局第二十次集体学习时的讲话"),
    ]


def test_headings_and_list_items_are_not_joined() -> None:
    text = (
        "一、全面建成小康社会，开启新征程\n"
        "1.决胜全面建成小康社会取得决定性成就。\n"
        "——经济跨上新台阶。2007年，国内生产总值达到24.66万亿元。\n"
    )
    assert [k for k, _ in _kinds(text)] == ["heading", "body", "body"]


def test_seed_page_articles() -> None:
    text = (SEEDS / "004_9bd7b7ee794945c4.txt").read_text(encoding="utf-8")
    layout = analyse(text)
    titles = {b.article: b.text for b in layout.blocks if b.kind == "title"}
    assert layout.articles == 3
    assert titles == {
        0: "“人工智能+”赋能现代化产业体系",
        1: "数字经济",
        2: "把握宜居城市建设着力点",
    }
    column = [b.text for b in layout.blocks if b.kind == "column"]
    assert column == ["习近平经济思想研究"]
    # The headless article (its title and byline were set at the foot of the page) owns
    # the body between the first article's affiliation and the editor line.
    body1 = [b for b in layout.blocks if b.article == 1 and b.kind == "body"]
    assert body1[0].text.startswith("消费是拉动经济增长的基础性力量")
    assert all(b.article is None for b in layout.blocks if b.kind == "editor")


@given(
    st.text(
        alphabet=st.sampled_from(list("人工智能。，、“”——（）\n \r作者系刘 晖到2027年《》")),
        max_size=300,
    )
)
def test_offsets_always_point_into_the_original(text: str) -> None:
    for block in analyse(text).blocks:
        assert len(block.offsets) == len(block.text) > 0
        assert all(text[o] == c for o, c in zip(block.offsets, block.text, strict=True))
        assert list(block.offsets) == sorted(block.offsets)


def test_a_company_over_its_product_is_no_article() -> None:
    text = (
        "13\n普洛斯融资租赁（上海）有限公司\n普运贷\n"
        "针对物流运输场景中不同客户群体的融资需求，提供融资服务。\n"
    )
    kinds = {kind for kind, _ in _kinds(text)}
    assert kinds.isdisjoint({"byline", "title"})
