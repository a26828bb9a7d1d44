"""An indicator's series read from the store, its chart and the list of indicators (issue 17.6).

Built from three small work reports (``report_build`` in conftest): their series, the unit
people write, the error for an unknown indicator, and hostile text kept as text.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from policygraph.cli import main
from policygraph.query.sparql import query_text, run_query
from policygraph.store.oxigraph import open_store
from policygraph.view.chart import write_indicator_chart, write_store_indicator
from policygraph.view.indicator import (
    IndicatorNotFound,
    YearRow,
    display_unit,
    find_indicator,
    indicator_series,
    target_text,
)
from policygraph.view.sparkline import series_svg


def _series(build: Any, name: str) -> Any:
    store = open_store(build.store)
    [series] = indicator_series(store, [find_indicator(store, name)])
    return series


def test_an_alias_and_the_label_give_the_same_series(report_build: Any) -> None:
    gdp = _series(report_build, "经济增长")
    assert gdp == _series(report_build, "国内生产总值增长")
    assert (gdp.label, gdp.unit, gdp.vocabulary) == ("国内生产总值增长", "%", True)
    first, second = gdp.rows
    assert (first.year, first.comparator, first.target, first.target_max) == (2022, "~", 5.5, None)
    assert (first.outcome, first.attained) == (3.0, False)
    assert (second.year, second.target, second.target_max, second.outcome) == (2023, 5, 5.5, 5.2)
    assert second.attained is True
    assert first.target_source is not None and first.target_source.document == "gwr_2022.txt"
    assert first.outcome_source is not None and first.outcome_source.document == "gwr_2023.txt"
    assert "5.5%左右" in first.target_source.sentence
    assert first.target_source.title == "2022年政府工作报告"


def test_the_rows_agree_with_the_series_query(report_build: Any) -> None:
    store = open_store(report_build.store)
    for name in ("国内生产总值增长", "城镇新增就业"):
        rows = run_query(
            query_text(name="series"), store=report_build.store, params={"indicator": name}
        ).rows()
        [series] = indicator_series(store, [find_indicator(store, name)])
        factor, _ = display_unit(
            "人" if name == "城镇新增就业" else "%", [Decimal(r["target"]) for r in rows]
        )
        by_year = {r.year: r for r in series.rows}
        for row in rows:
            mine = by_year[int(row["year"])]
            assert mine.target == float(Decimal(row["target"]) / factor)
            assert mine.outcome == float(Decimal(row["outcome"]) / factor)
            assert mine.attained is (row["attained"] == "true")


def test_values_are_in_the_unit_people_write(report_build: Any) -> None:
    jobs = _series(report_build, "城镇新增就业")
    assert jobs.unit == "万人"
    assert [(r.year, r.target, r.outcome) for r in jobs.rows] == [
        (2022, 1100, 1206),
        (2023, 1200, 1244),
    ]
    assert target_text(jobs.rows[0], jobs.unit) == "不低于1100万人"
    assert target_text(jobs.rows[1], jobs.unit) == "1200万人左右"


@pytest.mark.parametrize(
    ("unit", "largest", "expected"),
    [
        ("%", "12", (1, "%")),
        ("人", "12440000", (10**4, "万人")),
        ("元", "39218", (1, "元")),  # 人均可支配收入 39218元, as written
        ("元", "560000000000", (10**8, "亿元")),  # 5600亿元
        ("元", "126000000000000", (10**12, "万亿元")),  # 126万亿元
        ("斤", "1390000000000", (10**12, "万亿斤")),
    ],
)
def test_display_unit(unit: str, largest: str, expected: tuple[int, str]) -> None:
    assert display_unit(unit, [Decimal(largest)]) == (Decimal(expected[0]), expected[1])


def test_a_range_reads_as_written() -> None:
    row = YearRow(year=2016, comparator="=", target=6.5, target_max=7.0)
    assert target_text(row, "%") == "6.5%－7%"


def test_an_unknown_indicator_is_one_line_naming_close_matches(report_build: Any) -> None:
    store = open_store(report_build.store)
    with pytest.raises(IndicatorNotFound, match="close matches: 国内生产总值增长"):
        find_indicator(store, "国内生产总增长")
    result = CliRunner().invoke(
        main, ["view", "--store", str(report_build.store), "--indicator", "国内生产总增长"]
    )
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "国内生产总值增长" in result.output


def test_one_view_at_a_time(report_build: Any) -> None:
    result = CliRunner().invoke(
        main,
        ["view", "--store", str(report_build.store), "--indicator", "经济增长", "--timeline"],
    )
    assert result.exit_code == 2 and "one of" in result.output


def test_cli_writes_the_chart_and_the_list(report_build: Any, tmp_path: Path) -> None:
    chart = tmp_path / "gdp.html"
    runner = CliRunner()
    args = ["view", "--store", str(report_build.store)]
    result = runner.invoke(main, [*args, "--indicator", "经济增长", "--out", str(chart)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(chart)
    text = chart.read_text(encoding="utf-8")
    assert "Chart.js v4.6.1" in text and "国内生产总值增长" in text
    listing = tmp_path / "list" / "indicators.html"
    result = runner.invoke(main, [*args, "--indicators", "--out", str(listing)])
    assert result.exit_code == 0, result.output
    assert (listing.parent / "indicator-charts.html").is_file()


def test_a_build_writes_the_list_and_the_charts(report_build: Any) -> None:
    views = report_build.out / "views"
    listing = (views / "indicators.html").read_text(encoding="utf-8")
    assert {p.name for p in report_build.views} >= {"indicators.html", "indicator-charts.html"}
    # The list runs no script; each row links to its chart on the one chart page.
    assert "<script" not in listing.lower()
    hrefs = re.findall(r'href="([^"]+)"', listing)
    assert "indicator-charts.html#" + quote("国内生产总值增长") in hrefs
    assert listing.count("<svg") == len(hrefs)
    # A hostile indicator label is text.
    assert "<img" not in listing and "&lt;img" in listing


def test_the_chart_is_deterministic_and_its_data_cannot_close_the_script(
    report_build: Any, tmp_path: Path
) -> None:
    store = open_store(report_build.store)
    one = write_store_indicator(store, "经济增长", tmp_path / "a.html").read_bytes()
    two = write_store_indicator(store, "经济增长", tmp_path / "b.html").read_bytes()
    assert one == two
    text = one.decode("utf-8")
    data = text.split('<script type="application/json" id="pg-data">')[1].split("</script>")[0]
    assert "\\u003cscript\\u003e" in data and "<" not in data
    assert text.count("<script") == 3  # the data, Chart.js, the page script


def test_an_empty_chart_says_so(tmp_path: Path) -> None:
    text = write_indicator_chart([], tmp_path / "empty.html").read_text(encoding="utf-8")
    assert "No indicator has a target or statistic with a year" in text


def test_the_sparkline_with_titles_shows_sentences_as_text(report_build: Any) -> None:
    svg = str(series_svg(_series(report_build, "经济增长"), width=400, height=120, titles=True))
    assert svg.startswith("<svg") and svg.count("<title>") >= 4
    assert "5.5%左右" in svg and "&lt;img src=x onerror=alert(1)&gt;" in svg
    assert "<img" not in svg and "<script" not in svg


def test_the_bundled_chart_library_is_the_pinned_one_with_its_licence() -> None:
    import hashlib
    from importlib import resources

    folder = resources.files("policygraph.view") / "assets" / "chartjs"
    script = (folder / "chart.umd.min.js").read_bytes()
    notes = (folder / "README.md").read_text(encoding="utf-8")
    assert hashlib.sha256(script).hexdigest() in notes and "**4.6.1**" in notes
    assert script.startswith(b"/*!\n * Chart.js v4.6.1")
    assert "MIT License" in (folder / "LICENSE.md").read_text(encoding="utf-8")
