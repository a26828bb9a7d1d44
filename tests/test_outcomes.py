"""Outcomes (issue 17.4): targets linked to the statistics of their year, and attainment."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from policygraph.resolve.outcomes import OUTCOMES_GRAPH, Goal, attained


def goal(c: str, v: str, vmax: str | None = None, up: bool | None = None) -> Goal:
    return Goal(c, Decimal(v), Decimal(vmax) if vmax else None, True, up)


@pytest.mark.parametrize(
    ("g", "outcome", "met"),
    [
        (goal("~", "5", up=True), "5.2", True),  # growth 5%左右, 5.2%
        (goal("~", "7.5", up=True), "7.4", True),  # within 左右
        (goal("~", "5.5", up=True), "3", False),
        (goal("~", "3", up=False), "0.2", True),  # a price ceiling is met from below
        (goal("~", "3", up=False), "3.6", False),
        (goal("=", "6", "6.5", up=True), "6.7", True),  # a range floor, met from above
        (goal("=", "6", "6.5", up=True), "5.9", False),
        (goal(">=", "6"), "8.1", True),
        (goal("<=", "5.5"), "5.5", True),
        (goal("~", "5", up=None), "6", False),  # no direction: a band
    ],
)
def test_attainment(g: Goal, outcome: str, met: bool) -> None:
    assert attained(g, Decimal(outcome))[0] is met


def test_jobs_about_a_number_use_five_percent() -> None:
    jobs = Goal("~", Decimal(12000000), None, False, True)
    assert attained(jobs, Decimal(11500000))[0] is True
    assert attained(jobs, Decimal(11300000))[0] is False


def _report(year: int, body: str) -> str:
    return f"{year}年政府工作报告\n各位代表：\n现在，我代表国务院，向大会报告政府工作。\n{body}\n"


@pytest.fixture(scope="module")
def two_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two work reports built together: the store."""
    from policygraph.api import build

    tmp_path = tmp_path_factory.mktemp("reports")
    src = tmp_path / "in"
    src.mkdir()
    (src / "gwr_2023.txt").write_text(
        _report(2023, "今年发展主要预期目标是：国内生产总值增长5%左右；居民消费价格涨幅3%左右。"),
        encoding="utf-8",
    )
    (src / "gwr_2024.txt").write_text(
        _report(2024, "一、2023年工作回顾\n国内生产总值增长5.2%。居民消费价格上涨0.2%。\n"
                "二、2024年工作任务\n今年发展主要预期目标是：国内生产总值增长5%左右。"
                "赤字规模4.06万亿元，比上年年初预算增加1800亿元。"),
        encoding="utf-8",
    )  # fmt: skip
    return build([src], tmp_path / "out", views=False).store


def test_a_build_links_target_and_outcome_across_reports(two_reports: Path) -> None:
    store = ox.Store(str(two_reports))
    rows = store.query(
        f"""SELECT ?y ?o ?a ?rule WHERE {{
            GRAPH <{OUTCOMES_GRAPH}> {{ ?t pgo:outcome ?s ; pgo:attained ?a .
                ?m rdf:subject ?t ; rdf:predicate pgo:attained ; pgo:rule ?rule ;
                   pgo:sentence ?sentence }}
            ?t pgo:deadline/pgo:year ?y . ?s pgo:value ?o }} ORDER BY ?o""",
        prefixes={"pgo": "https://w3id.org/policygraph/ontology#",
                  "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
    )  # fmt: skip
    got = [(r["y"].value, r["o"].value, r["a"].value, r["rule"].value) for r in rows]
    assert got == [
        ("2023", "0.2", "true", "outcomes.ceiling"),
        ("2023", "5.2", "true", "outcomes.floor"),
    ]
    # the 2024 target has no outcome in the corpus, and so no attainment
    pgo = {"pgo": "https://w3id.org/policygraph/ontology#"}
    year = '?t pgo:deadline/pgo:year ?y FILTER(STR(?y) = "2024")'
    assert store.query(f"ASK {{ {year} }}", prefixes=pgo)
    assert not store.query(f"ASK {{ {year} ?t pgo:attained ?a }}", prefixes=pgo)
    assert not store.query(f"ASK {{ {year} ?t pgo:outcome ?o }}", prefixes=pgo)


def _saved(store: Path, name: str, **params: str) -> list[tuple[str | None, ...]]:
    from policygraph.query.sparql import run_query, saved_queries

    text = saved_queries()[name].text
    columns = _columns(text[text.index("SELECT") : text.index("WHERE")])
    result = run_query(text, store=store, params=params)
    return [tuple(row.get(c) for c in columns) for row in result.rows()]


def _columns(select: str) -> list[str]:
    """The projected variables of a SELECT clause, in order (``(… AS ?x)`` gives x)."""
    import re

    out: list[str] = []
    depth = 0
    for token in re.findall(r"\(|\)|AS \?\w+|\?\w+", select):
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif token.startswith("AS "):
            out.append(token[4:])
        elif depth == 0:
            out.append(token[1:])
    return out


def test_series_of_an_indicator_by_any_alias(two_reports: Path) -> None:
    rows = _saved(two_reports, "series", indicator="国内生产总值增长")
    assert [r[:6] for r in rows] == [
        ("2023", "~", "5", None, "5.2", "true"),
        ("2024", "~", "5", None, None, None),
    ]
    assert rows[0][6:] == ("gwr_2023.txt", "gwr_2024.txt")
    for alias in ("经济增长", "GDP增长"):
        assert _saved(two_reports, "series", indicator=alias) == rows


def test_indicators_and_attainment(two_reports: Path) -> None:
    indicators = {r[0]: r for r in _saved(two_reports, "indicators")}
    assert indicators["国内生产总值增长"][1:] == ("true", "2", "1", "2023", "2024")
    attainment = _saved(two_reports, "attainment", policy="2023年")
    assert attainment == [("2023年政府工作报告", "2", "2", "0", "0", "0")]


def test_series_gold_is_scored_per_field(two_reports: Path) -> None:
    from policygraph.evaluate.gold import evaluate

    folder = two_reports.parent.parent / "in"
    gold = folder.parent / "series.yaml"
    gold.write_text(
        "input: in\ndocuments:\n  - {file: gwr_2023.txt}\n  - {file: gwr_2024.txt}\n"
        "series:\n  经济增长:\n"
        '    2023: {comparator: "~", target: 5, outcome: 5.2, attained: true}\n'
        '    2024: {comparator: "~", target: 5.5}\n',  # wrong on purpose: 5%左右
        encoding="utf-8",
    )
    scores = evaluate(gold).scores
    assert (scores["Series target"].tp, scores["Series target"].fn) == (1, 1)
    assert (scores["Series outcome"].tp, scores["Series outcome"].fn) == (2, 0)
    assert (scores["Series year"].tp, scores["Series year"].fn) == (1, 1)


def test_a_figure_over_several_years_is_no_outcome() -> None:
    from policygraph.resolve.outcomes import _over_several_years

    s = "2005年与2000年相比，国内生产总值增长57.3%，年均增长9.5%。"
    assert _over_several_years(s, "国内生产总值增长57.3%", 2005)
    assert _over_several_years(s, "年均增长9.5%", 2005)
    assert not _over_several_years("国内生产总值超过126万亿元，增长5.2%。", "增长5.2%", 2023)
    assert not _over_several_years("比2022年增长5.2%。", "增长5.2%", 2023)


def test_a_plan_goal_for_a_change_is_not_compared_with_one_year() -> None:
    from policygraph.resolve.outcomes import _annual

    def row(label: str, date: str, unit: str, ind: str = "https://w3id.org/policygraph/vocab/x"):
        return {"label": ox.Literal(label), "tdate": ox.Literal(date), "tu": ox.Literal(unit),
                "ind": ox.NamedNode(ind)}  # fmt: skip

    assert not _annual(row("城镇新增就业", "2016-03-05", "人"), 2020)  # 5000万 over 十三五
    assert not _annual(row("单位国内生产总值能耗降低", "2011-03-05", "%"), 2015)
    assert _annual(row("常住人口城镇化率", "2016-03-05", "%"), 2020)  # a level
    assert _annual(row("城镇新增就业", "2021-03-05", "人"), 2021)  # the year's own goal
    assert not _annual(row("安排", "2009-03-05", "元", "https://w3id.org/policygraph/id/i"), 2009)


def test_a_change_figure_is_linked_to_the_figure_it_modifies(two_reports: Path) -> None:
    store = ox.Store(str(two_reports))
    rows = store.query(
        """SELECT ?cv ?bv ?bi WHERE { ?c pgo:changeOf ?b . ?c pgo:value ?cv .
            ?b pgo:value ?bv ; pgo:indicator ?bi }""",
        prefixes={"pgo": "https://w3id.org/policygraph/ontology#"},
    )
    got = [(r["cv"].value, r["bv"].value, r["bi"].value) for r in rows]
    assert got == [("180000000000", "4060000000000", "赤字规模")]


def _outcome_rows(out: Path) -> list[tuple[str, ...]]:
    store = ox.Store.read_only(str((out / "store").resolve()))
    rows = store.query(
        f"""SELECT ?t ?s ?a WHERE {{ GRAPH <{OUTCOMES_GRAPH}> {{ ?t pgo:outcome ?s
            OPTIONAL {{ ?t pgo:attained ?a }} }} }} ORDER BY ?t ?s""",
        prefixes={"pgo": "https://w3id.org/policygraph/ontology#"},
    )
    return [tuple(str(r[v]) for v in ("t", "s", "a")) for r in rows]  # type: ignore[union-attr]


def test_outcomes_updated_by_difference_are_those_of_a_clean_build(tmp_path: Path) -> None:
    """An update derives the outcomes of the targets its documents touch only
    (``outcomes.update``). After each kind of edit that moves an outcome, the files and the
    store are those of a clean build of the same reports."""
    from conftest import edit, updates_match_clean_builds

    src = tmp_path / "in"
    src.mkdir()
    texts = {
        "gwr_2023.txt": _report(
            2023,
            "今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人左右；"
            "居民消费价格涨幅3%左右。",
        ),
        "gwr_2024.txt": _report(
            2024,
            "一、2023年工作回顾\n国内生产总值增长5.2%。城镇新增就业1244万人。居民消费价格上涨0.2%。\n"
            "二、2024年工作任务\n今年发展主要预期目标是：国内生产总值增长5%左右；"
            "居民消费价格涨幅3%左右。",
        ),
        "gwr_2025.txt": _report(
            2025,
            "一、2024年工作回顾\n国内生产总值增长5%。居民消费价格上涨0.2%。\n"
            "二、2025年工作任务\n今年发展主要预期目标是：国内生产总值增长5%左右。",
        ),
        "other.txt": (
            "关于推进新型城镇化的意见\n国务院\n2024年7月1日\n到2029年，常住人口城镇化率接近70%。\n"
        ),
    }
    for name, text in texts.items():
        (src / name).write_text(text, encoding="utf-8")
    steps = [
        lambda: edit(src / "gwr_2024.txt", "增长5.2%", "增长4.1%"),  # attainment flips
        lambda: edit(src / "gwr_2023.txt", "增长5%左右", "增长6%以上"),  # a target's goal
        lambda: (src / "gwr_2025.txt").unlink(),  # the 2024 targets lose their outcomes
        lambda: (src / "gwr_2025.txt").write_text(texts["gwr_2025.txt"], encoding="utf-8"),
        lambda: edit(src / "gwr_2024.txt", "2024年工作任务", "工作任务（一）2024年"),  # offsets
        lambda: edit(src / "other.txt", "接近70%", "超过72%"),  # no outcome touched
        lambda: edit(src / "gwr_2024.txt", "城镇新增就业1244万人", "城镇新增就业1100万人"),
    ]
    seen = updates_match_clean_builds(src, tmp_path / "out", steps, _outcome_rows)
    # the edits did move outcomes and attainments, or the test proves nothing
    assert seen[0] and len({tuple(rows) for rows in seen}) >= 5
