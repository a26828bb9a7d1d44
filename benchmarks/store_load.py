"""What the store load costs, and what the contract's amendments would change about it.

Run by hand, not in CI, on an output folder a build made (its chunks are reused)::

    policygraph build DIR/bulk --out OUT --no-views
    python benchmarks/store_load.py --out OUT > store-load.json

The store load is the largest single cost of a clean build after extraction (Oxigraph's bulk
loader indexing every quad). ``../shared/spec/CONTRACT.md`` §4 allows two changes that could
make it cheaper: no materialised default graph, and a Mention's sentence stored once as a
``pgo:Sentence`` resource. Before building either, this script loads the folder's own chunks
into a fresh store four ways, with the build's own loader (``load_documents``), and gives
each its CPU and wall seconds:

- ``as built``: every triple in its named graph and in the default graph, as a build loads;
- ``named only``: no materialised default graph;
- ``sentence IRIs``: each ``pgo:sentence`` literal replaced by an IRI, and nothing else (the
  part of the saving that comes from parsing less text);
- ``sentence resources``: the same IRIs, each sentence a resource with ``rdf:type``,
  ``pgo:text``, ``pgo:start``, ``pgo:end`` and ``pgo:inDocument`` (five quads per distinct
  sentence and graph, as the amendment describes; the offsets are placeholders, which
  changes no cost).

The stores are written under ``--scratch`` and removed. The JSON report goes to stdout.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from machine import describe  # benchmarks/machine.py, a sibling module

from policygraph.pipeline.build import chunk_path, load_documents
from policygraph.pipeline.progress import Progress
from policygraph.store import chunks
from policygraph.store.outputs import OutputFolder

PGO = "https://w3id.org/policygraph/ontology#"
SENTENCE = re.compile(
    rb"^(<[^>]*>) <" + PGO.encode() + rb'sentence> ("(?:[^"\\]|\\.)*") \.\n', re.MULTILINE
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def graphs_of(out: Path) -> tuple[Path, dict[str, str]]:
    """The chunk folder and the ``graph IRI → cache key`` map of ``out``'s current build."""
    folder = OutputFolder(out)
    gen = folder.current()
    if gen is None:
        raise SystemExit(f"{out}: no build found (run policygraph build --out {out} first)")
    data = json.loads((gen / "graphs.json").read_text("utf-8"))
    return folder.cache, data["graphs"]


def sentences(triples: bytes, doc: str, resources: bool) -> bytes:
    """``triples`` with each sentence literal replaced by an IRI (and, with ``resources``,
    the sentence's own triples added once)."""
    extra: dict[bytes, bytes] = {}

    def replace(m: re.Match[bytes]) -> bytes:
        iri = b"<https://w3id.org/policygraph/id/sentence/%s.%s>" % (
            doc.encode(),
            hashlib.sha1(m.group(2)).hexdigest()[:12].encode(),
        )
        if iri not in extra:
            extra[iri] = (
                b"".join(
                    iri + b" " + p + b" " + o + b" .\n"
                    for p, o in (
                        (
                            b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
                            b"<" + PGO.encode() + b"Sentence>",
                        ),
                        (b"<" + PGO.encode() + b"text>", m.group(2)),
                        (
                            b"<" + PGO.encode() + b"start>",
                            b'"0"^^<http://www.w3.org/2001/XMLSchema#integer>',
                        ),
                        (
                            b"<" + PGO.encode() + b"end>",
                            b'"1"^^<http://www.w3.org/2001/XMLSchema#integer>',
                        ),
                        (
                            b"<" + PGO.encode() + b"inDocument>",
                            b"<https://w3id.org/policygraph/id/doc/" + doc.encode() + b">",
                        ),
                    )
                )
                if resources
                else b""
            )
        return m.group(1) + b" <" + PGO.encode() + b"sentence> " + iri + b" .\n"

    return SENTENCE.sub(replace, triples) + b"".join(extra.values())


def named_only(triples: bytes, graph: str) -> bytes:
    return triples.replace(b" .\n", f" <{graph}> .\n".encode())


VARIANTS: dict[str, Callable[[bytes, str], bytes]] = {
    "as built": lambda t, g: chunks.nquads(t, g),
    "named only": named_only,
    "sentence IRIs": lambda t, g: chunks.nquads(sentences(t, g.rsplit("/", 1)[1], False), g),
    "sentence resources": lambda t, g: chunks.nquads(sentences(t, g.rsplit("/", 1)[1], True), g),
}


def measure(name: str, data: list[bytes], scratch: Path) -> dict[str, Any]:
    store_dir = scratch / re.sub(r"\W+", "-", name)
    store = ox.Store(str(store_dir))
    cpu, wall = time.process_time(), time.perf_counter()
    with Progress("loading", total=len(data), enabled=False) as bar:
        load_documents(store, iter(data), bar)
    store.flush()
    result = {
        "megabytes": round(sum(map(len, data)) / 1e6, 1),
        "quads": sum(d.count(b"\n") for d in data),
        "cpu_s": round(time.process_time() - cpu, 2),
        "wall_s": round(time.perf_counter() - wall, 2),
    }
    del store
    shutil.rmtree(store_dir, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="a built output folder")
    parser.add_argument("--scratch", type=Path, default=None)
    args = parser.parse_args()
    cache, graphs = graphs_of(args.out)
    report: dict[str, Any] = {
        "benchmark": "store_load",
        "command": " ".join(["python", "benchmarks/store_load.py", *sys.argv[1:]]),
        "machine": describe(("policygraph", "pyoxigraph")),
        "documents": len(graphs),
        "variants": {},
    }
    with tempfile.TemporaryDirectory(dir=args.scratch, prefix="store-load-") as tmp:
        for name, make in VARIANTS.items():

            def parts(make: Callable[[bytes, str], bytes] = make) -> Iterator[bytes]:
                for graph, key in graphs.items():
                    part = chunks.stored(chunk_path(cache, key))
                    if part is None:
                        raise SystemExit(f"the chunk of {graph} is missing: build again")
                    yield make(part.read("triples"), graph)

            data = list(parts())
            log(f"{name}: loading {sum(map(len, data)) / 1e6:.0f} MB …")
            report["variants"][name] = measure(name, data, Path(tmp))
            log(f"{name}: {report['variants'][name]}")
            del data
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
    print()


if __name__ == "__main__":
    main()
