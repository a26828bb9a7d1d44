"""``view --lineage``: a policy's chain of authority drawn by rank in Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.browser.test_views_in_chromium import assert_clean, drawn_ids, node_box

from policygraph.api import build
from policygraph.view.from_store import write_view

TEXTS = {
    "law.txt": "中华人民共和国水法\n第一条 为了合理开发水资源，根据宪法，制定本法。\n"
    "第九十条 本法自2002年10月1日起施行。\n",
    "reg.txt": "河道管理条例\n第一条 为了加强河道管理，根据《中华人民共和国水法》，制定本条例。\n"
    "第五十一条 本条例自1988年6月10日起施行。\n",
    "rule.txt": "某市河道管理办法\n"
    "第一条 根据《河道管理条例》和《水法》，结合本市实际，制定本办法。\n"
    "第三十条 本办法自2010年1月1日起施行。2001年发布的《某市河道暂行规定》同时废止。\n",
}


@pytest.fixture(scope="module")
def laws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("laws-in")
    for name, text in TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("laws-out")
    build([folder], out, views=False)
    return out


def test_laws_above_regulations_above_rules(laws: Path, open_view: Any, tmp_path: Path) -> None:
    path = write_view(store=laws / "store", lineage="水法", depth=2, out=tmp_path / "l.html")
    view = open_view(path)
    assert_clean(view)
    ids = drawn_ids(view)
    labels = {i: view.js("(id) => window.policygraphView.nodes.get(id).fullLabel", i) for i in ids}
    by_label = {v: k for k, v in labels.items()}
    law, reg = by_label["中华人民共和国水法"], by_label["河道管理条例"]
    rule, old = by_label["某市河道管理办法"], by_label["某市河道暂行规定"]
    y = {name: node_box(view, node)["y"] for name, node in
         {"law": law, "reg": reg, "rule": rule, "old": old}.items()}  # fmt: skip
    assert y["law"] < y["reg"] < y["rule"]
    assert y["rule"] == pytest.approx(y["old"], abs=0.5)  # both rules: one row
    # The centre is selected, and each link's tooltip carries the sentence it was read from.
    assert view.js("() => window.policygraphView.network.getSelectedNodes()") == [law]
    tips = view.js(
        "() => window.policygraphView.edges.get().map(e => e.title ? e.title.textContent : '')"
    )
    assert any("根据《河道管理条例》" in t for t in tips), tips
    # Laid out, not simulated: nothing moves after the page settles.
    before = node_box(view, rule)
    view.page.wait_for_timeout(500)
    assert node_box(view, rule) == before
