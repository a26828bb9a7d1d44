"""How soon a large view is usable in headless Chromium, and how long it takes to write.

A synthetic entity graph shaped like ours (policies with targets, organisations, industries;
a few hubs, many leaves) of ``--nodes`` nodes is written as a view; the page is opened in
Debian's Chromium with the network off, and we time navigation → first drawing, and a search
that selects and centres a node. Prints one JSON object with the machine.

    python benchmarks/view_large.py --nodes 2000
    python benchmarks/view_large.py --screenshot exports/views/overview.html docs/overview.png
    python benchmarks/view_large.py --page DIR/views/overview.html --runs 3

``--page`` times an existing view: navigation → first drawing, and → ready (layout still).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from policygraph.view.html import write_html

CHROMIUM = os.environ.get("POLICYGRAPH_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CLASSES = ("Policy", "Target", "Organization", "Industry", "Technology", "Year", "Person")
ID = "https://w3id.org/policygraph/id/bench/"


def synthetic(nodes: int, *, seed: int = 7) -> nx.MultiDiGraph:
    """A scale-free-ish graph (preferential attachment) with our classes and Chinese labels."""
    rng = random.Random(seed)
    skeleton = nx.barabasi_albert_graph(nodes, 2, seed=seed)
    g: nx.MultiDiGraph = nx.MultiDiGraph()
    for n in skeleton.nodes:
        cls = CLASSES[n % len(CLASSES)]
        g.add_node(
            f"{ID}{n}",
            label=f"{cls}实体{n}号数字经济人工智能",
            cls=cls,
            iri=f"{ID}{n}",
            sources=[f"第{n}句：到2027年，某某产业规模超过{rng.randint(1, 99)}万亿元。"],
            documents=[f"文档{n % 37}"],
        )
    for u, v in skeleton.edges:
        g.add_edge(
            f"{ID}{u}", f"{ID}{v}", key="pgo:concerns", predicate="pgo:concerns", label="涉及"
        )
    return g


def launch():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    return manager, manager.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def measure(path: Path, search_for: str, expected: str) -> dict[str, float]:
    manager, browser = launch()
    try:
        context = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
        page = context.new_page()
        started = time.perf_counter()
        page.goto(path.resolve().as_uri())
        page.wait_for_function(
            "() => window.policygraphView && window.policygraphView.ready", timeout=60_000
        )
        ready = time.perf_counter() - started
        in_page = page.evaluate("() => window.policygraphView.ready") / 1000
        page.fill("#pg-search", search_for)
        page.press("#pg-search", "Enter")
        selected = page.evaluate("() => window.policygraphView.network.getSelectedNodes()")
        searched = time.perf_counter() - started
        if selected != [expected]:
            raise SystemExit(f"search selected {selected}, expected {expected}")
        drawn = page.evaluate("() => window.policygraphView.network.body.nodeIndices.length")
        return {
            "ready_s": round(ready, 3),
            "ready_in_page_s": round(in_page, 3),
            "ready_and_searched_s": round(searched, 3),
            "drawn_nodes": drawn,
        }
    finally:
        browser.close()
        manager.stop()


def screenshot(html: Path, png: Path, *, width: int = 1400, height: int = 860) -> None:
    """A screenshot of a view as it first appears, for the README."""
    manager, browser = launch()
    try:
        context = browser.new_context(
            offline=True, viewport={"width": width, "height": height}, device_scale_factor=1
        )
        page = context.new_page()
        page.goto(html.resolve().as_uri())
        page.wait_for_function(
            "() => window.policygraphView && window.policygraphView.ready", timeout=60_000
        )
        page.wait_for_timeout(300)
        page.screenshot(path=str(png))
    finally:
        browser.close()
        manager.stop()


def time_page(html: Path, runs: int) -> dict[str, object]:
    """Navigation → first drawing and → ready of an existing page, in seconds, per run."""
    manager, browser = launch()
    first, ready = [], []
    try:
        for _ in range(runs):
            context = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.goto(html.resolve().as_uri())
            page.wait_for_function(
                "() => window.policygraphView && window.policygraphView.ready", timeout=120_000
            )
            first.append(round(page.evaluate("() => window.policygraphView.firstDrawn") / 1000, 3))
            ready.append(round(page.evaluate("() => window.policygraphView.ready") / 1000, 3))
            frames = page.evaluate(FRAMES)
            searched = page.evaluate(SEARCH)
            moved = page.evaluate(FILTER)
            context.close()
    finally:
        browser.close()
        manager.stop()
    return {
        "page": html.name,
        "nodes": frames["nodes"],
        "first_drawn_s": first,
        "ready_s": ready,
        "frame_ms_by_scale (last run)": frames["ms"],
        "search_to_centred_ms (last run)": searched,
        "nodes_moved_by_a_class_filter (last run)": moved,
    }


#: Milliseconds one full redraw takes at each zoom level (median of five), centred on the graph.
FRAMES = """() => {
  const net = window.policygraphView.network;
  const centre = net.getViewPosition();
  const ms = {};
  for (const scale of [0.2, 0.4, 0.6, 0.8, 1.0]) {
    net.moveTo({position: centre, scale: scale});
    const times = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      net.redraw();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    ms[scale] = Math.round(times[2] * 10) / 10;
  }
  return {nodes: net.body.nodeIndices.length, ms: ms};
}"""

#: From pressing Enter in the search box to the last node's being in the middle of the view.
SEARCH = """async () => {
  const v = window.policygraphView, net = v.network;
  const ids = v.nodes.getIds();
  const wanted = v.nodes.get(ids[ids.length - 1]);
  const input = document.getElementById("pg-search");
  input.value = wanted.fullLabel;
  net.moveTo({position: {x: 0, y: 0}, scale: 0.5});
  const box = document.getElementById("pg-network");
  const t = performance.now();
  input.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", bubbles: true}));
  for (;;) {
    const p = net.canvasToDOM(net.getPosition(wanted.id));
    if (Math.abs(p.x - box.clientWidth / 2) < 3 && Math.abs(p.y - box.clientHeight / 2) < 3) {
      return Math.round(performance.now() - t);
    }
    if (performance.now() - t > 30000) { return -1; }
    await new Promise(r => requestAnimationFrame(r));
  }
}"""

#: How many nodes change position when the first class is unticked and ticked again.
FILTER = """async () => {
  const v = window.policygraphView, net = v.network;
  const before = net.getPositions();
  const box = document.querySelector("#pg-legend input[data-cls]");
  box.click();
  await new Promise(r => setTimeout(r, 300));
  box.click();
  await new Promise(r => setTimeout(r, 300));
  const after = net.getPositions();
  return Object.keys(before).filter(
    id => !after[id] || after[id].x !== before[id].x || after[id].y !== before[id].y).length;
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--screenshot", nargs=2, metavar=("HTML", "PNG"), type=Path)
    parser.add_argument("--page", type=Path, help="time an existing view instead")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.page:
        print(json.dumps(time_page(args.page, args.runs), indent=2, ensure_ascii=False))
        return
    if args.screenshot:
        screenshot(*args.screenshot)
        return
    g = synthetic(args.nodes)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large.html"
        started = time.perf_counter()
        write_html(g, path, title="benchmark")
        written = time.perf_counter() - started
        size = path.stat().st_size
        target = f"{ID}{args.nodes - 1}"
        figures = measure(path, str(g.nodes[target]["label"]), target)
    print(
        json.dumps(
            {
                "nodes": g.number_of_nodes(),
                "edges": g.number_of_edges(),
                "write_s": round(written, 3),
                "html_bytes": size,
                **figures,
                "machine": {
                    "python": sys.version.split()[0],
                    "platform": platform.platform(),
                    "cpus": os.cpu_count(),
                    "processor": platform.processor() or platform.machine(),
                },
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
