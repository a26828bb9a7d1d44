"""Byte-for-byte deterministic RDF files from the store, streamed.

The files are written in the store's own index order, without sorting in Python (which
held the whole graph in memory). In the on-disk store a build writes, that order is
deterministic for the same set of quads: Oxigraph keys every quad by its terms'
encodings (inline values, or a fixed-key SipHash of the string; no ids handed out in
insertion order), and RocksDB iterates keys in byte order, whatever the order and the
batches they were inserted in. (Oxigraph's in-memory store, ``ox.Store()``, keeps
insertion order instead.) Named graphs are written one after another, sorted by name.
``tests/test_build_scale.py`` checks this across insertion orders, ``tests/test_cli.py``
across hash seeds and file orders; an Oxigraph upgrade may change the order, not the graph.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from policygraph.namespaces import PREFIXES
from policygraph.store.outputs import default_mode

#: Export formats served straight from the store, by CLI name.
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
}


#: Runs the named graphs are cut into when :func:`write_trig` writes with threads.
_TRIG_RUNS = 16


def _key(term: object) -> str:
    return str(term)


def sorted_triples(store: ox.Store) -> list[ox.Triple]:
    """The default graph (the merge of all graphs, each triple once), sorted."""
    triples = (
        ox.Triple(q.subject, q.predicate, q.object)
        for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    )
    return sorted(triples, key=lambda t: (_key(t.subject), _key(t.predicate), _key(t.object)))


def sorted_quads(store: ox.Store) -> list[ox.Quad]:
    """The named graphs (one per document, the ontology, the vocabularies), sorted; the
    default graph is left out, since it only repeats them merged."""
    quads = (q for q in store if not isinstance(q.graph_name, ox.DefaultGraph))
    return sorted(
        quads,
        key=lambda q: (_key(q.graph_name), _key(q.subject), _key(q.predicate), _key(q.object)),
    )


def named_graph_quads(store: ox.Store) -> Iterator[ox.Quad]:
    """The named graphs (one per document, the ontology, the vocabularies), sorted by
    name, each in store order; the default graph is left out, since it only repeats them
    merged."""
    for graph in sorted(store.named_graphs(), key=_key):
        yield from store.quads_for_pattern(None, None, None, graph)


def write_trig(
    store: ox.Store, out: IO[bytes], *, threads: int = 1, runs: int = _TRIG_RUNS
) -> None:
    """The named graphs as TriG: the bytes ``ox.serialize(named_graph_quads(store))``
    writes, but each graph dumped by Oxigraph as Turtle in Rust (which lets other threads
    run) and put in its ``name { … }`` block, instead of a Python object per quad.

    Oxigraph's TriG writer is its Turtle writer with every line of a graph indented by a
    tab; its Turtle writes every literal on one line (newlines escaped), so indenting each
    line is exact. ``tests/test_build_scale.py`` checks the bytes against the generic path.

    With ``threads`` > 1 the graphs are cut into ``runs`` runs (in name order, more runs
    than threads so that a run of large graphs does not leave the other threads idle),
    written by that many threads, each run into a temporary file beside ``out`` when it
    has a name, then copied into ``out`` in order: the same bytes, on every core."""
    graphs = sorted(store.named_graphs(), key=_key)
    if threads <= 1 or len(graphs) < 2:
        _write_graph_blocks(store, graphs, out, header=True)
        return
    size = -(-len(graphs) // runs)
    chunks = [graphs[i : i + size] for i in range(0, len(graphs), size)]
    folder = Path(out.name).parent if isinstance(getattr(out, "name", None), str) else None
    with ExitStack() as stack:
        parts = [stack.enter_context(tempfile.TemporaryFile(dir=folder)) for _ in chunks]
        with ThreadPoolExecutor(threads) as pool:
            headers = list(pool.map(partial(_write_graph_blocks, store), chunks, parts))
        written = False  # the prefixes, once, before the first quad
        for header, part in zip(headers, parts, strict=True):
            if header and not written:
                out.write(header)
                written = True
            part.seek(0)
            shutil.copyfileobj(part, out, 1 << 20)


def _write_graph_blocks(
    store: ox.Store,
    graphs: list[ox.NamedNode | ox.BlankNode],
    out: IO[bytes],
    *,
    header: bool = False,
) -> bytes:
    """The ``name { … }`` blocks of ``graphs`` into ``out``, preceded by the prefix lines
    when ``header``; returns those lines as Oxigraph wrote them before the first non-empty
    graph (b"" when all are empty: the generic writer writes nothing for them either)."""
    prefixes = b""
    for graph in graphs:
        body = store.dump(format=ox.RdfFormat.TURTLE, from_graph=graph, prefixes=PREFIXES)
        assert body is not None
        start = 0
        while body.startswith(b"@prefix ", start):
            start = body.index(b"\n", start) + 1
        triples = body[start:].rstrip(b"\n")
        if not triples:  # an empty graph: the generic writer never sees it
            continue
        if not prefixes:
            prefixes = body[:start]
            if header:
                out.write(prefixes)
        out.write(_graph_name(graph) + b" {\n\t" + triples.replace(b"\n", b"\n\t") + b"\n}\n")
    return prefixes


def _graph_name(graph: ox.NamedNode | ox.BlankNode) -> bytes:
    """A graph's name as the TriG writer spells it (a prefixed name when one fits)."""
    quad = ox.Quad(graph, ox.NamedNode("urn:x"), graph, graph)
    text = ox.serialize([quad], None, ox.RdfFormat.TRIG, prefixes=PREFIXES) or b""
    opening = text.splitlines()[-3]  # "<name> {", then "\t<triple> .", then "}"
    return opening.removesuffix(b" {")


def write_rdf(store: ox.Store, out: IO[bytes], fmt: str, *, threads: int = 1) -> None:
    """Serialize the store in ``fmt`` (``ttl``, ``trig``, ``nt``, ``nq``) to ``out``: the
    default graph for the triple formats, the named graphs for the dataset formats."""
    rdf_format = RDF_FORMATS[fmt]
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    if rdf_format == ox.RdfFormat.TRIG:
        write_trig(store, out, threads=threads)
    elif rdf_format.supports_datasets:
        ox.serialize(named_graph_quads(store), out, rdf_format, prefixes=prefixes)
    else:
        store.dump(out, rdf_format, from_graph=ox.DefaultGraph(), prefixes=prefixes)


@contextmanager
def _temporary(path: Path) -> Iterator[tuple[int, Path]]:
    """A new temporary file beside ``path`` (its descriptor, open, and its name), shared
    like any output, renamed into place when the block succeeds and removed when not."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, default_mode(directory=False))
        yield fd, Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed into place when the block succeeds."""
    with _temporary(path) as (fd, tmp):
        os.close(fd)
        yield tmp


@contextmanager
def atomic_file(path: Path, mode: str = "wb") -> Iterator[IO]:  # type: ignore[type-arg]
    """Write to a temporary file beside ``path`` and rename it into place on success.

    The file is written through the descriptor ``mkstemp`` opened, never opened again by
    name: opening it again with ``"wb"`` truncates it, and ext4 (``auto_da_alloc``) then
    allocates every block of a truncated file when it is closed, as a guard for programs
    that rewrite files in place. That cost 0.05-0.1 s per 150 MB file of an update."""
    encoding = None if "b" in mode else "utf-8"
    with (
        _temporary(path) as (fd, _),
        open(fd, mode, encoding=encoding, newline="" if encoding else None) as f,
    ):
        yield f


def write_rdf_file(store: ox.Store, path: Path, fmt: str, *, threads: int = 1) -> Path:
    """``write_rdf`` into the file ``path``, atomically. Turtle and N-Triples are written
    by Oxigraph straight to the file: no Python on the way, so another thread can work."""
    rdf_format = RDF_FORMATS[fmt]
    if rdf_format.supports_datasets:
        with atomic_file(path) as f:
            write_rdf(store, f, fmt, threads=threads)
        return path
    with atomic_path(path) as tmp:
        prefixes = PREFIXES if rdf_format == ox.RdfFormat.TURTLE else None
        store.dump(str(tmp), rdf_format, from_graph=ox.DefaultGraph(), prefixes=prefixes)
    return path
