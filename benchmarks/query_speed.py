"""Saved queries: median latency in the embedded Oxigraph store and in rdflib's in-memory
engine on the same data, with the speedup. Run by hand, not in CI; prints JSON.

    python benchmarks/query_speed.py --store exports/store [--trig exports/policygraph.trig]

Oxigraph is timed on an open store (what a notebook, ``policygraph serve`` or a loop of
queries pays; opening the store is reported apart). rdflib is plain ``rdflib.Dataset``
(its own SPARQL engine, not oxrdflib) parsed from the build's TriG, with the default
graph made the merge of the named graphs as the store does, so both see the same triples.
Parameterised queries run with the parameters in ``PARAMS`` (stated in the output).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from machine import describe  # benchmarks/machine.py, a sibling module

from policygraph.namespaces import PREFIXES
from policygraph.query.sparql import bind_params, saved_queries
from policygraph.store.oxigraph import open_store

#: Parameters for the saved queries that take one: a common value of each kind, so that
#: the selective path of the query is what is measured.
PARAMS: dict[str, dict[str, str]] = {
    "policies": {"issuer": "国务院"},
    "provenance": {"entity": "国务院"},
    "quotes": {"speaker": "习近平"},
    "statistics": {"year": "2023"},
    "targets": {"policy": "规划"},
    "topic": {"topic": "人工智能"},
}


def machine() -> dict[str, Any]:
    return describe(("policygraph", "pyoxigraph", "rdflib"))


def median_ms(run: Any, repeat: int, *, give_up_after: float = 30.0) -> tuple[float, int, int]:
    """Median wall time of ``run()`` in ms over ``repeat`` runs (fewer when one run takes
    longer than ``give_up_after`` seconds), its row count and the runs made."""
    times: list[float] = []
    rows = 0
    for _ in range(repeat):
        started = time.perf_counter()
        rows = run()
        times.append(time.perf_counter() - started)
        if times[-1] > give_up_after:
            break
    return statistics.median(times) * 1000, rows, len(times)


def load_rdflib(trig: Path) -> Any:
    from rdflib import Dataset

    dataset = Dataset()
    dataset.parse(trig, format="trig")
    default = dataset.default_graph
    for graph in list(dataset.graphs()):
        if graph.identifier != default.identifier:
            for triple in graph:
                default.add(triple)
    return dataset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=Path("exports/store"))
    parser.add_argument("--trig", type=Path, help="default: policygraph.trig beside the store")
    parser.add_argument("--repeat", type=int, default=9, help="Oxigraph runs per query")
    parser.add_argument("--rdflib-repeat", type=int, default=3, help="rdflib runs per query")
    parser.add_argument("--no-rdflib", action="store_true", help="time Oxigraph only")
    parser.add_argument(
        "--rdflib-skip",
        action="append",
        default=[],
        metavar="QUERY",
        help="saved query not to run in rdflib (one that takes it too long); repeatable",
    )
    args = parser.parse_args()
    trig = args.trig or args.store.parent / "policygraph.trig"

    report: dict[str, Any] = {"machine": machine(), "store": args.store.name, "params": PARAMS}
    started = time.perf_counter()
    store = open_store(args.store)
    report["oxigraph_open_ms"] = round((time.perf_counter() - started) * 1000, 1)
    report["quads"] = len(store)
    dataset = None
    if not args.no_rdflib:
        started = time.perf_counter()
        dataset = load_rdflib(trig)
        report["rdflib_load_s"] = round(time.perf_counter() - started, 1)
    rows: list[dict[str, Any]] = []
    for name, saved in saved_queries().items():
        params = PARAMS.get(name, {})
        text = bind_params(saved.text, params, store=store)

        def oxigraph(text: str = text) -> int:
            return sum(1 for _ in store.query(text, prefixes=PREFIXES))  # type: ignore[union-attr]

        oxigraph()  # warm the block cache once, as a second query in a session would
        ox_ms, ox_rows, _ = median_ms(oxigraph, args.repeat)
        row: dict[str, Any] = {
            "query": name,
            "params": params,
            "rows": ox_rows,
            "oxigraph_ms": round(ox_ms, 2),
        }
        if dataset is not None and name not in args.rdflib_skip:
            declared = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

            def rdflib(text: str = declared + text) -> int:
                return len(list(dataset.query(text)))

            rl_ms, rl_rows, runs = median_ms(rdflib, args.rdflib_repeat)
            row |= {
                "rdflib_ms": round(rl_ms, 1),
                "rdflib_runs": runs,
                "rdflib_rows": rl_rows,
                "speedup": round(rl_ms / ox_ms, 1) if ox_ms else None,
            }
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), file=sys.stderr, flush=True)
    report["queries"] = rows
    report["goal_met"] = {
        "under_100_ms": all(r["oxigraph_ms"] < 100 for r in rows),
        "at_least_10x": None
        if dataset is None
        else all(r.get("speedup", 0) >= 10 for r in rows if "rdflib_ms" in r),
    }
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
