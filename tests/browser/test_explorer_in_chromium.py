"""The explorer of ``policygraph serve`` in headless Chromium: search → entity → a source
sentence → the document with that sentence in view and the mention marked, with no
console error and no request beyond the server (issue #13)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from policygraph.serve import server as s

try:
    s.oxigraph_program()
except s.ServeError:  # pragma: no cover - the test extra installs it
    pytest.skip("the oxigraph server is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def server(seed_build) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with s.running(Path(seed_build.out) / "store", port=s.free_port()) as running:
        yield running.url.rstrip("/")


def watched(context: Any, server: str) -> tuple[Any, list[str], list[str]]:
    """A page of ``context`` that may reach ``server`` only: the requests it tried
    elsewhere (aborted) and the errors it logged are collected."""
    page = context.new_page()
    elsewhere: list[str] = []
    errors: list[str] = []

    def only_the_server(route: Any) -> None:
        if route.request.url.startswith(server + "/"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_server)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, elsewhere, errors


def test_search_entity_sentence_document(browser: Any, server: str) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page, elsewhere, errors = watched(context, server)
    try:
        page.goto(server + "/explore")
        page.fill("input[name=q]", "任晓")
        page.click("button[type=submit]")
        page.click("section.hits a:has-text('任晓刚')")
        assert page.locator("h1").inner_text().endswith("任晓刚")
        source = page.locator("ul.sources a.place").first
        source.click()
        page.wait_for_load_state()
        assert "/page/doc/" in page.url and "#s" in page.url
        sentence = page.locator(f"#{page.url.split('#')[1]}")
        assert sentence.is_visible()
        box = sentence.bounding_box()
        assert box is not None and 0 <= box["y"] < 800  # scrolled into view
        focus = sentence.locator(".m.focus")
        assert focus.count() == 1 and focus.first.is_visible()
        # A click on a mention goes to its entity.
        focus.first.click()
        page.wait_for_load_state()
        assert "/page/" in page.url and "/page/doc/" not in page.url
    finally:
        context.close()
    assert errors == []
    assert elsewhere == []


def test_hostile_text_runs_nothing(browser: Any, tmp_path: Path) -> None:
    from policygraph.api import build

    from .conftest import HOOKS

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad.txt").write_text(
        "</script><script>alert(1)</script>国务院印发<img src=x onerror=alert(2)>规划。\n"
        "到2027年，人工智能产业规模超过1万亿元。\n",
        encoding="utf-8",
    )
    build([folder], tmp_path / "out", jobs=1)
    with s.running(tmp_path / "out" / "store", port=s.free_port()) as running:
        base = running.url.rstrip("/")
        context = browser.new_context()
        context.add_init_script(HOOKS)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            page.goto(base + "/page/doc/bad")
            text = page.locator("article.text").inner_text()
            assert "<script>alert(1)</script>" in text and "onerror=alert(2)>" in text
            assert page.evaluate("() => window.__pgDialogs") == []
            assert page.locator("article.text img, article.text script").count() == 0
        finally:
            context.close()
        assert errors == []


def test_lists_form_csv_and_the_neighbourhood_graph(browser: Any, server: str) -> None:
    """A filter typed in the list's form, a row to its entity, a node of the entity's
    graph to its neighbour; the CSV link downloads; no script, no request elsewhere."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    page, elsewhere, errors = watched(context, server)
    try:
        page.goto(server + "/explore")
        page.click("a[href='/explore/targets']")
        page.fill("input[name=indicator]", "普及率")
        page.click("form.filters button[type=submit]")
        assert "indicator=" in page.url
        rows = page.locator("table.list tbody tr")
        assert rows.count() >= 1
        with page.expect_download() as download:
            page.click("a.csv")
        assert download.value.suggested_filename == "targets.csv"
        rows.first.locator("td a").last.click()  # the policy that set the target
        page.wait_for_load_state()
        assert "/page/" in page.url
        node = page.locator("svg.graph a").first
        assert node.is_visible()
        node.click()
        page.wait_for_load_state()
        assert page.locator("h1").count() == 1 and "/page/" in page.url
        assert page.evaluate("() => document.scripts.length") == 0
    finally:
        context.close()
    assert errors == []
    assert elsewhere == []


def test_search_a_vocabulary_indicator_and_its_chart(browser: Any, report_build) -> None:  # type: ignore[no-untyped-def]
    with s.running(report_build.store, port=s.free_port()) as running:
        server = running.url.rstrip("/")
        context = browser.new_context(viewport={"width": 1200, "height": 800})
        page, elsewhere, errors = watched(context, server)
        try:
            page.goto(server + "/explore")
            page.fill("input[name=q]", "经济增速")  # an altLabel of the concept
            page.click("button[type=submit]")
            page.click("section.hits a:has-text('国内生产总值增长')")
            assert page.url == server + "/page/vocab/indicator/gdp-growth"
            chart = page.locator("section.series svg")
            assert chart.is_visible() and chart.locator("circle").count() == 2
            # A statistic that measures it, and back to the concept from its facts.
            page.click("section.facts a[href^='/page/statistic/']")
            page.wait_for_load_state()
            page.click("section.facts a[href='/page/vocab/indicator/gdp-growth']")
            assert page.url.endswith("/page/vocab/indicator/gdp-growth")
        finally:
            context.close()
    assert errors == []
    assert elsewhere == []
