"""Where a build's CPU goes, stage by stage, next to what ``jieba.lcut`` costs.

Run by hand, not in CI. Unpack ``../shared/corpus/bulk.tar.xz`` first::

    python benchmarks/build_breakdown.py --corpus ../shared/corpus/bulk > breakdown.json

``build_throughput.py`` times whole builds by wall clock; this script runs the stages of one
build in one process and gives each its CPU seconds (``time.process_time``: every thread
of the process, so Oxigraph's loader threads count too):

- ``load``: reading and decoding the files, layout (blocks, sentences);
- ``extract``: every extractor (``policygraph.extract.run``);
- ``labels``: deciding the corpus-wide canonical labels;
- ``chunks``: each document's chunk, as the build's graph workers make it (its triples as
  sorted N-Triples, its TriG block, its own part of the Turtle, its shared lines);
- ``store_load``: Oxigraph's bulk loader indexing the chunks' N-Quads (each triple in its
  named graph and in the default graph) and the vocabularies;
- ``derive``: the corpus-level graphs read from the store (lineage, outcomes);
- ``compact``: ``Store.optimize``, which a clean build runs in the background;
- ``files``: the two files written from the chunks' blocks in document order (the build
  also writes the shared lines and the corpus-level graphs' blocks, a few MB);
- ``jieba``: plain ``jieba.lcut`` over the same text, the yardstick; timed first, while
  the heap is small (a heap of millions of objects slows it down, which would flatter us).

The CPU a build needs is the sum of the stages; with N cores and perfect parallelism it
cannot finish in less than that sum divided by N. ``bound_ratio`` is therefore the best
build/jieba throughput ratio ``--cores`` cores could reach, and ``floor_ratio`` the best
they could reach if extraction cost nothing (store, files and triples only): when it is
below the goal, no extractor speed-up alone can meet it.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import Any

from machine import describe  # benchmarks/machine.py, a sibling module

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "bulk"
PACKAGES = ("policygraph", "jieba", "rdflib", "pyoxigraph")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def timed(stages: dict[str, dict[str, float]], name: str) -> Iterator[None]:
    """Record the CPU and wall seconds of the block under ``name``."""
    cpu, wall = time.process_time(), time.perf_counter()
    yield
    stages[name] = {
        "cpu_s": round(time.process_time() - cpu, 2),
        "wall_s": round(time.perf_counter() - wall, 2),
    }
    log(f"{name:>10}: {stages[name]['cpu_s']:7.1f} CPU s, {stages[name]['wall_s']:7.1f} s wall")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--every", type=int, default=1, help="take every Nth file (sampling)")
    parser.add_argument("--cores", type=int, default=2, help="cores the bound is computed for")
    parser.add_argument("--scratch", type=Path, help="where the store is written")
    args = parser.parse_args()
    import jieba

    jieba.setLogLevel(logging.WARNING)  # not its "Building prefix dict…" lines
    import pyoxigraph as ox

    from policygraph.extract import run as run_pipeline
    from policygraph.pipeline.build import (
        count_triples,
        document_chunk,
        labels_nquads,
        load_documents,
        load_vocabularies,
    )
    from policygraph.pipeline.cache import header_of
    from policygraph.pipeline.progress import Progress
    from policygraph.rdf.builder import Extraction
    from policygraph.rdf.iris import graph_iri
    from policygraph.resolve.lineage import derive_lineage
    from policygraph.resolve.outcomes import derive_outcomes
    from policygraph.resolve.summary import merge_all
    from policygraph.rules.vocab import tokenizer
    from policygraph.text.loader import find_sources, load_document

    files = sorted(p for p in args.corpus.glob("*.txt"))[:: args.every]
    if not files:
        sys.exit(f"no .txt files in {args.corpus}")
    size = sum(p.stat().st_size for p in files)
    log(f"{len(files)} files, {size / 1e6:.1f} MB")
    tokenizer()  # dictionaries loaded before timing, as a worker does once
    jieba.initialize()

    stages: dict[str, dict[str, float]] = {}
    sources = find_sources(files)
    # jieba first, on a small heap: Python's garbage collector slows allocation-heavy code
    # down when millions of objects (the extractions) are alive, which would flatter us.
    texts = [p.read_text("utf-8") for p in files]
    with timed(stages, "jieba"):
        for text in texts:
            jieba.lcut(text)
    del texts
    with timed(stages, "load"):
        docs = [load_document(s) for s in sources]
    with timed(stages, "extract"):
        extractions = [Extraction(d, tuple(run_pipeline(d))) for d in docs]
    del docs
    with timed(stages, "labels"):  # the reduce: summaries merged, the labels graph
        labels = labels_nquads(merge_all(header_of(ex).summary() for ex in extractions))
    with timed(stages, "chunks"):
        parts = [(str(graph_iri(ex.doc.id)), document_chunk(ex)) for ex in extractions]
    del extractions
    nquads = sum(2 * len(c.triples) for _, c in parts)

    scratch = Path(tempfile.mkdtemp(prefix="pg-breakdown-", dir=args.scratch))
    try:
        store = ox.Store(str(scratch / "store"))
        with timed(stages, "store_load"):
            load_vocabularies(store)
            data = (c.nquads(graph) for graph, c in parts)
            with Progress("writing", total=len(parts), enabled=False) as bar:
                load_documents(store, chain(data, [labels]), bar)  # in batches, as a build
            store.flush()
        with timed(stages, "derive"):
            derive_lineage(store)
            derive_outcomes(store)
        with timed(stages, "compact"):
            store.optimize()
        trig_path, ttl_path = scratch / "g.trig", scratch / "g.ttl"
        with timed(stages, "files"), open(trig_path, "wb") as trig, open(ttl_path, "wb") as ttl:
            for _, c in parts:
                trig.write(c.trig)
                ttl.write(c.turtle)
        del parts
        triples = count_triples(store)
        del store
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    jieba_cpu = stages["jieba"]["cpu_s"]
    build = [s for s in stages if s != "jieba"]
    total = sum(stages[s]["cpu_s"] for s in build)
    after = ("labels", "chunks", "store_load", "derive", "compact", "files")
    floor = sum(stages[s]["cpu_s"] for s in after)
    report: dict[str, Any] = {
        "machine": describe(PACKAGES),
        "corpus": str(args.corpus.name),
        "files": len(files),
        "mb": round(size / 1e6, 2),
        "triples": triples,
        "nquads_mb": round(nquads / 1e6, 1),
        "stages": stages,
        "cost_vs_jieba": {s: round(stages[s]["cpu_s"] / jieba_cpu, 2) for s in build},
        "build_cpu_s": round(total, 1),
        "cores": args.cores,
        "bound_ratio": round(jieba_cpu * args.cores / total, 2),
        "floor_ratio": round(jieba_cpu * args.cores / floor, 2),
    }
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
    print()
    log(
        f"build {total:.1f} CPU s vs jieba {jieba_cpu:.1f} CPU s: with {args.cores} cores "
        f"the ratio is at most {report['bound_ratio']}; without extraction at most "
        f"{report['floor_ratio']}"
    )


if __name__ == "__main__":
    main()
