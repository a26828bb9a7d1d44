"""The indicator chart and the list of indicators in headless Chromium, offline (issue 17.6):
they draw the series of three small work reports, hovering a target shows its sentence and
document, and hostile text from a document is shown as text and never runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from tests.browser.test_views_in_chromium import assert_clean

from policygraph.store.oxigraph import open_store
from policygraph.view.chart import write_store_indicator


def chart(report_build: Any, tmp_path: Path, name: str = "经济增长") -> Path:
    return write_store_indicator(open_store(report_build.store), name, tmp_path / "chart.html")


def marks(view: Any, dataset: int) -> list[dict[str, Any]]:
    """Where the elements of one dataset (0 outcome, 1 targets, 2 ranges) are on the page."""
    return view.js(  # type: ignore[no-any-return]
        """(i) => {
          const chart = window.policygraphView.chart;
          const box = chart.canvas.getBoundingClientRect();
          const meta = chart.getDatasetMeta(i);
          return meta.data.map((e, k) => ({x: box.left + e.x, y: box.top + e.y,
            raw: chart.data.datasets[i].data[k]}))
            .filter((m) => m.raw.y !== null);
        }""",
        dataset,
    )


def hover(view: Any, x: float, y: float) -> str:
    view.page.mouse.move(x, y)
    view.page.wait_for_selector("#pg-tip", state="visible", timeout=5_000)
    return view.page.inner_text("#pg-tip")  # type: ignore[no-any-return]


def test_chart_draws_targets_a_range_and_the_outcome_offline(
    report_build: Any, open_view: Any, tmp_path: Path
) -> None:
    view = open_view(chart(report_build, tmp_path))
    assert_clean(view)
    assert view.js("() => window.policygraphView.current") == "国内生产总值增长"
    points, outcome, ranges = marks(view, 1), marks(view, 0), marks(view, 2)
    assert [(p["raw"]["x"], p["raw"]["y"]) for p in points] == [(2022, 5.5)]
    assert [(r["raw"]["x"], r["raw"]["y"]) for r in ranges] == [(2023, [5, 5.5])]
    assert [(o["raw"]["x"], o["raw"]["y"]) for o in outcome] == [(2022, 3), (2023, 5.2)]
    # A year reads left to right, and the missed 2022 target sits above its outcome.
    assert points[0]["x"] < ranges[0]["x"] and points[0]["y"] < outcome[0]["y"]
    rows = view.js(
        "() => Array.from(document.querySelectorAll('#pg-rows tbody tr'),"
        " tr => Array.from(tr.cells, c => c.innerText))"
    )
    assert [r[:4] for r in rows] == [
        ["2022", "5.5%左右", "3%", "✘ 否"],
        ["2023", "5%－5.5%", "5.2%", "✔ 是"],
    ]


def test_hovering_a_target_shows_its_sentence_and_document(
    report_build: Any, open_view: Any, tmp_path: Path
) -> None:
    view = open_view(chart(report_build, tmp_path))
    [point] = marks(view, 1)
    shown = hover(view, point["x"], point["y"])
    assert "2022年" in shown and "5.5%左右，未实现 missed" in shown
    assert "今年发展主要预期目标是：国内生产总值增长5.5%左右" in shown
    assert "2022年政府工作报告（gwr_2022.txt）" in shown
    assert "国内生产总值增长3%" in shown and "gwr_2023.txt" in shown  # its outcome
    assert_clean(view)


def test_hostile_text_in_a_sentence_is_shown_as_text_and_never_runs(
    report_build: Any, open_view: Any, tmp_path: Path
) -> None:
    view = open_view(chart(report_build, tmp_path))
    [the_range] = marks(view, 2)
    shown = hover(view, the_range["x"], the_range["y"])
    assert "<img src=x onerror=alert(1)></script><script>window.pgPwned=1</script>" in shown
    table = view.page.inner_text("#pg-rows")
    assert "<script>window.pgPwned=1</script>" in table
    view.page.wait_for_timeout(300)
    assert view.js("() => window.pgPwned") is None
    assert view.js("() => document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert view.js("() => document.scripts.length") == 3
    assert_clean(view)


def test_the_list_links_each_indicator_to_its_chart(report_build: Any, open_view: Any) -> None:
    views = report_build.out / "views"
    listing = open_view(views / "indicators.html", ready=False)
    assert listing.js("() => document.scripts.length") == 0
    labels = listing.js(
        "() => Array.from(document.querySelectorAll('#pg-indicators tbody tr td:first-child'),"
        " td => td.innerText)"
    )
    assert labels[0] == "国内生产总值增长"
    # The indicator read from "<img src=x onerror=alert(2)>货物进出口增长", as text.
    assert any(label.startswith("<img") and "货物进出口增长" in label for label in labels)
    assert listing.js("() => document.querySelectorAll('#pg-indicators svg polyline').length") >= 2
    assert listing.js("() => document.querySelectorAll('img').length") == 0
    assert_clean(listing)
    # Following a row's link opens the chart page at that indicator.
    listing.page.click("text=城镇新增就业")
    listing.page.wait_for_function(
        "() => window.policygraphView && window.policygraphView.ready", timeout=30_000
    )
    assert listing.page.url.endswith("indicator-charts.html#" + quote("城镇新增就业"))
    assert listing.js("() => window.policygraphView.current") == "城镇新增就业"
    assert listing.js("() => document.getElementById('pg-unit').textContent") == "单位 unit：万人"
    # The picker switches to another indicator.
    listing.page.select_option("#pg-indicator", "国内生产总值增长")
    listing.page.wait_for_function(
        "() => window.policygraphView.current === '国内生产总值增长'", timeout=5_000
    )
    assert_clean(listing)
