"""How long each default view takes to write from a built store (wall and CPU seconds).

Opens the store read-only, writes the views a build writes (overview, timeline, the indicator
list and charts) into a temporary folder, or ``--out``, and prints one JSON object with the
seconds of each and the machine. Compare the pages of two versions with ``cmp``.

    python benchmarks/default_views.py DIR/store
    python benchmarks/default_views.py DIR/store --out /tmp/views-now
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from machine import describe  # benchmarks/machine.py, a sibling module

from policygraph.view.chart import write_store_indicators
from policygraph.view.defaults import INDICATOR_CHARTS, INDICATORS, OVERVIEW, TIMELINE
from policygraph.view.html import write_store_overview, write_timeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--out", type=Path, help="folder for the pages (default: temporary)")
    args = parser.parse_args()
    store = ox.Store.read_only(str(args.store))
    out = args.out or Path(tempfile.mkdtemp(prefix="views-"))
    out.mkdir(parents=True, exist_ok=True)
    steps = {
        "overview": lambda: write_store_overview(store, out / OVERVIEW),
        "timeline": lambda: write_timeline(store, out / TIMELINE),
        "indicators": lambda: write_store_indicators(
            store, out / INDICATORS, out / INDICATOR_CHARTS
        ),
    }
    report: dict[str, object] = {"store": str(args.store), "pages": str(out)}
    for name, step in steps.items():
        wall, cpu = time.perf_counter(), time.process_time()
        step()
        report[name] = {
            "wall_s": round(time.perf_counter() - wall, 2),
            "cpu_s": round(time.process_time() - cpu, 2),
        }
    report["machine"] = describe(["pyoxigraph", "networkx", "pyvis"])
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
