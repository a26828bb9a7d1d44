"""Builds at scale: parallel extraction, incremental rebuilds, streamed deterministic output,
a bug in one document that does not lose the others, and the progress bar."""

from __future__ import annotations

import importlib
import io
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.term import Node

from policygraph.api import build
from policygraph.errors import PolicyGraphError
from policygraph.namespaces import ID, PGO, PREFIXES, RDF, XSD
from policygraph.pipeline.progress import Progress
from policygraph.rdf.ntriples import nt_integer, nt_iri, nt_literal, nt_string, nt_term
from policygraph.store.chunks import nquads
from policygraph.store.oxigraph import to_ox
from policygraph.store.serialize import named_graph_quads, write_rdf, write_trig

# the module, not the function `policygraph.pipeline.build` (the package exports the function)
build_module = importlib.import_module("policygraph.pipeline.build")

# Paths as in conftest.py (not imported: tests/browser has a conftest module of its own).
ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DEV_CORPUS = ROOT.parent / "shared" / "corpus" / "dev"


_no_dev = pytest.mark.skipif(not DEV_CORPUS.is_dir(), reason="../shared corpus not present")


def needs_dev(test: Callable[..., None]) -> Callable[..., None]:
    return pytest.mark.corpus(_no_dev(test))  # type: ignore[no-any-return]


def corpus(tmp_path: Path) -> Path:
    """The seeds and the dev corpus in one folder: seven documents of every kind."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in [*SEEDS.glob("*.txt"), *DEV_CORPUS.glob("*.txt")]:
        shutil.copy(path, folder / path.name)
    return folder


def files(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in ("policygraph.ttl", "policygraph.trig")}


@needs_dev
def test_same_bytes_whatever_the_jobs_and_the_file_order(tmp_path: Path) -> None:
    folder = corpus(tmp_path)
    one = build([folder], tmp_path / "one", views=False, jobs=1)
    paths = sorted(folder.glob("*.txt"), reverse=True)
    two = build(paths, tmp_path / "two", views=False, jobs=2)
    assert one.documents == two.documents == len(paths)
    assert files(tmp_path / "one") == files(tmp_path / "two")


@needs_dev
def test_same_bytes_when_many_batches_load_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of 20 kB instead of 32 MB: a bulk load per document, two at a time and
    overlapping, stating the same entities and strings; the store must hold each quad
    once and the files must be the bytes of a build that loads one batch."""
    folder = corpus(tmp_path)
    build([folder], tmp_path / "one", views=False, jobs=1)
    loads: list[int] = []
    bulk_load = build_module._bulk_load

    def counted(store: ox.Store, data: bytes) -> None:
        loads.append(len(data))
        bulk_load(store, data)

    monkeypatch.setattr(build_module, "LOAD_BATCH", 20_000)
    monkeypatch.setattr(build_module, "_bulk_load", counted)
    many = build([folder], tmp_path / "many", views=False, jobs=2)
    assert len(loads) >= 4  # about one per document: every one over 20 kB
    assert files(tmp_path / "one") == files(tmp_path / "many")
    assert many.triples == count_default_triples(tmp_path / "one")


def count_default_triples(out: Path) -> int:
    store = ox.Store.read_only(str(out / "store"))
    return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


@needs_dev
def test_an_incremental_rebuild_is_a_clean_build(tmp_path: Path) -> None:
    folder = corpus(tmp_path)
    out = tmp_path / "out"
    first = build([folder], out, views=False, jobs=1)
    assert (first.new, first.extracted) == (first.documents, first.documents)

    names = sorted(p.name for p in folder.glob("*.txt"))
    changed, removed = folder / names[0], folder / names[-1]
    changed.write_text(changed.read_text("utf-8") + "\n国务院印发《测试行动计划》。\n", "utf-8")
    removed.unlink()
    (folder / "zz_new.txt").write_text("到2030年，数字经济核心产业增加值占比达到15%。\n", "utf-8")

    again = build([folder], out, views=False, jobs=1)
    assert (again.new, again.changed, again.removed) == (1, 1, 1)
    assert again.unchanged == first.documents - 2
    assert again.extracted == 2  # only the new and the changed document
    clean = build([folder], tmp_path / "clean", views=False, jobs=1)
    assert files(out) == files(tmp_path / "clean")
    assert clean.triples == again.triples

    unchanged = build([folder], out, views=False, jobs=1)
    assert (unchanged.extracted, unchanged.unchanged) == (0, again.documents)
    assert files(out) == files(tmp_path / "clean")
    # The removed document's extraction went out of the cache with it.
    cached = list((out / ".policygraph" / "cache").glob("*.pkl"))
    assert len(cached) == again.documents


def test_a_document_whose_extraction_fails_is_skipped_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Extraction runs in a worker process: the bug is injected by the test-only hook.
    monkeypatch.setenv("POLICYGRAPH_FAULT", "raise:000_c4ec37985887901a.txt")
    result = build([SEEDS], tmp_path / "out", views=False, jobs=1)
    assert result.documents == 1
    [(path, reason)] = result.skipped
    assert path.endswith("000_c4ec37985887901a.txt")
    assert reason == "extraction failed: ZeroDivisionError: a bug"
    assert "000_c4ec37985887901a.txt" in caplog.text and "ZeroDivisionError" in caplog.text

    with pytest.raises(PolicyGraphError, match=r"000_c4ec37985887901a\.txt.*ZeroDivisionError"):
        build([SEEDS], tmp_path / "strict", views=False, jobs=1, strict=True)
    assert not (tmp_path / "strict").exists()


def test_store_order_output_does_not_depend_on_insertion_order(tmp_path: Path) -> None:
    """The Turtle and TriG are written in store order (no sort in Python): the same quads
    inserted in any order, in any batches, give the same bytes. (True of the on-disk
    store the build writes; Oxigraph's in-memory store keeps insertion order.)"""
    ex = ox.NamedNode("https://example.org/")
    rng = random.Random(7)
    quads = []
    for i in range(3000):
        s = ox.NamedNode(f"https://example.org/s{rng.randrange(300)}")
        choices: list[ox.Literal | ox.NamedNode] = [
            ox.Literal(f"值{i}" * rng.randrange(1, 30), language="zh"),
            ox.NamedNode(f"{ex.value}o{i}"),
        ]
        o = rng.choice(choices)
        for g in (ox.NamedNode(f"https://example.org/g{i % 7}"), ox.DefaultGraph()):
            quads.append(ox.Quad(s, ox.NamedNode(f"{ex.value}p{i % 5}"), o, g))

    def written(order: list[ox.Quad], batches: int) -> bytes:
        store = ox.Store(str(tmp_path / f"store-{random.random()}"))
        size = len(order) // batches + 1
        for n in range(batches):
            batch = order[n * size : (n + 1) * size]
            if n % 2:
                store.bulk_extend(batch)
            else:
                store.extend(batch)
        store.flush()
        out = io.BytesIO()
        write_rdf(store, out, "ttl")
        write_rdf(store, out, "trig")
        return out.getvalue()

    reference = written(quads, 1)
    for batches in (3, 17):
        shuffled = quads[:]
        rng.shuffle(shuffled)
        assert written(shuffled, batches) == reference


def test_progress_draws_only_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    quiet = io.StringIO()
    with Progress("extracting", total=3, size=3_000_000, stream=quiet) as bar:
        bar.advance(1_000_000)
    assert quiet.getvalue() == ""

    screen = Terminal()
    with Progress("extracting", total=3, size=3_000_000, stream=screen) as bar:
        for _ in range(3):
            bar.advance(1_000_000)
    drawn = screen.getvalue()
    assert "3/3 documents" in drawn and "MB/s" in drawn and drawn.endswith("\n")
    half = Progress("extracting", total=4, size=4, stream=Terminal())
    half.advance(1)
    half.advance(1)
    assert "2/4 documents" in half.line() and "ETA" in half.line()


TRICKY = (
    "plain",
    'a "quote"',
    "back\\slash",
    "two\nlines\r\nand\ttab",
    "统计 “数字” 〈中文〉",
    "ends with a backslash\\",
)


def tricky_triples() -> set[tuple[URIRef, URIRef, Node]]:
    s, p = URIRef("https://example.org/s"), URIRef("https://example.org/p")
    triples: set[tuple[URIRef, URIRef, Node]] = {(s, p, URIRef("https://example.org/id/%E4%B8%AD"))}
    for text in TRICKY:
        triples.add((s, p, Literal(text)))
        triples.add((s, p, Literal(text, lang="zh")))
    triples |= {
        (s, p, Literal(12, datatype=XSD.integer)),
        (s, p, Literal("2025-04", datatype=XSD.gYearMonth)),
        (s, p, Literal(True)),
        (s, p, Literal("9.5", datatype=XSD.decimal)),
    }
    return triples


def test_nquads_text_is_the_terms_to_ox_makes() -> None:
    """The workers send N-Quads text, not terms: the store must hold the same quads as
    from the term-by-term path, in the named graph and in the default graph."""
    triples = tricky_triples()
    graph = URIRef("https://example.org/graph/doc")
    loaded = ox.Store()
    lines = "".join(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in triples)
    data = nquads(lines.encode(), str(graph))  # as builds load a chunk's lines
    loaded.bulk_load(data, ox.RdfFormat.N_QUADS, lenient=True)
    expected = set()
    for s, p, o in triples:
        for g in (ox.NamedNode(str(graph)), ox.DefaultGraph()):
            expected.add(ox.Quad(to_ox(s), to_ox(p), to_ox(o), g))  # type: ignore[arg-type]
    assert set(loaded) == expected


def test_the_builders_own_terms_are_what_rdflib_terms_write() -> None:
    """rdf/builder.py writes its most frequent terms as N-Triples text itself (labels,
    strings, offsets): each must be the text nt_term writes for the rdflib term, which the
    test above loads into the store."""
    texts = (*TRICKY, "line\u2028separator\x85next", "🙂 emoji", "")
    for text in texts:
        assert nt_string(text) == nt_term(Literal(text)), text
        assert nt_literal(text, "zh") == nt_term(Literal(text, lang="zh")), text
    for n in (0, 7, -3, 10**12):
        assert nt_integer(n) == nt_term(Literal(n, datatype=XSD.integer))
    assert nt_iri("https://example.org/id/%E4%B8%AD") == nt_term(
        URIRef("https://example.org/id/%E4%B8%AD")
    )


def test_trig_from_per_graph_dumps_is_the_generic_trig(tmp_path: Path) -> None:
    """write_trig assembles TriG from Oxigraph's Turtle of each graph: the bytes must be
    those of Oxigraph's own TriG writer over the same quads (multi-line literals, blank
    nodes, graph names with and without a prefix, an empty graph)."""
    store = ox.Store(str(tmp_path / "store"))
    for n, graph in enumerate(
        ("https://w3id.org/policygraph/id/graph/d1", "https://example.org/g", str(ID) + "x")
    ):
        g = ox.NamedNode(graph)
        for s, p, o in tricky_triples():
            store.add(ox.Quad(to_ox(s), to_ox(p), to_ox(o), g))  # type: ignore[arg-type]
        blank = ox.BlankNode(f"b{n}")
        store.add(ox.Quad(blank, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(PGO.Mention)), g))
    store.add_graph(ox.NamedNode("https://example.org/empty"))
    generic = io.BytesIO()
    ox.serialize(named_graph_quads(store), generic, ox.RdfFormat.TRIG, prefixes=PREFIXES)
    fast = io.BytesIO()
    write_trig(store, fast)
    assert fast.getvalue() == generic.getvalue()
    assert b"graph:d1 {" in fast.getvalue()  # a prefixed graph name
    # In threads, in runs of one or two graphs (the empty graph alone in a run, and first:
    # the prefixes still come once, before the first quad), into temporary files.
    for runs in (2, 3, 4):
        threaded = io.BytesIO()
        write_trig(store, threaded, threads=2, runs=runs)
        assert threaded.getvalue() == generic.getvalue(), runs
    on_disk = tmp_path / "threaded.trig"
    with open(on_disk, "wb") as f:
        write_trig(store, f, threads=2, runs=4)
    assert on_disk.read_bytes() == generic.getvalue()

    empty = io.BytesIO()
    write_trig(ox.Store(str(tmp_path / "empty")), empty)
    assert empty.getvalue() == b""
