"""Map and reduce (issue 12.1): a document's named graph depends on that document alone;
what is decided across documents (canonical labels) comes from per-document summaries whose
merge does not depend on the order or the split of the corpus."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import DEV_CORPUS, SEEDS
from policygraph.api import build
from policygraph.extract import run as run_pipeline
from policygraph.pipeline.build import labels_nquads
from policygraph.pipeline.cache import header_of
from policygraph.rdf.builder import DocumentGraph, Extraction, shared_entities
from policygraph.rdf.iris import graph_iri
from policygraph.resolve.labels import LABELS_GRAPH, canonical
from policygraph.resolve.summary import Summary, merge, merge_all
from policygraph.text.loader import find_sources, load_document
from policygraph.text.manifest import MANIFEST_NAME

# ../shared/corpus/bulk.tar.xz unpacked next to the tarball, or where POLICYGRAPH_BULK says
BULK = Path(
    os.environ.get("POLICYGRAPH_BULK")
    or Path(__file__).resolve().parents[2] / "shared" / "corpus" / "bulk"
)


def _inputs() -> list[Path]:
    return [SEEDS, DEV_CORPUS] if DEV_CORPUS.is_dir() else [SEEDS]


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "out"
    build(_inputs(), out, views=False, jobs=1)
    return out


@pytest.fixture(scope="module")
def extractions() -> list[Extraction]:
    out = []
    for source in find_sources(_inputs()):
        doc = load_document(source)
        out.append(Extraction(doc, tuple(run_pipeline(doc))))
    return out


def _graph_nquads(store_path: Path, doc_id: str) -> bytes:
    """One named graph of a built store as sorted N-Quads."""
    store = ox.Store.read_only(str(store_path))
    data = store.dump(format=ox.RdfFormat.N_QUADS, from_graph=ox.NamedNode(graph_iri(doc_id)))
    assert data
    return b"\n".join(sorted(data.splitlines())) + b"\n"


def _alone(source_folder: Path, name: str, into: Path) -> Path:
    """A folder holding only ``name`` and its folder's manifest: the same entry as in the
    corpus (the rows of files not copied are skipped as missing, with a warning)."""
    into.mkdir(parents=True)
    shutil.copy(source_folder / name, into / name)
    for manifest in (MANIFEST_NAME, "MANIFEST.tsv"):
        if (source_folder / manifest).is_file():
            shutil.copy(source_folder / manifest, into / manifest)
    return into


def test_a_documents_graph_is_the_same_alone_or_in_a_corpus(
    corpus_build: Path, tmp_path: Path
) -> None:
    sources = find_sources(_inputs())
    # a seed, and (when the dev corpus is here) a policy document that others may cite
    chosen = [sources[0], *[s for s in sources if s.name.startswith("cpc_")][:1]]
    for source in chosen:
        doc = load_document(source)
        folder = _alone(source.path.parent, source.path.name, tmp_path / doc.id / "in")
        out = tmp_path / doc.id / "out"
        build([folder], out, views=False, jobs=1)
        alone = _graph_nquads(out / "store", doc.id)
        assert alone == _graph_nquads(corpus_build / "store", doc.id), source.name


def test_document_graphs_state_no_canonical_label_of_shared_entities(
    extractions: list[Extraction],
) -> None:
    rdfs_label = "<http://www.w3.org/2000/01/rdf-schema#label>"  # terms are N-Triples
    for ex in extractions:
        graph = DocumentGraph(ex)
        triples = graph.build()
        shared = {graph.iri(ref) for ref in graph.shared}
        assert shared
        assert any(t[1] == rdfs_label for t in triples)  # the form the check below reads
        assert not [t for t in triples if t[1] == rdfs_label and t[0] in shared]
        # what the cached header reads off the facts is what the graph declares
        assert shared_entities(ex) == graph.shared, ex.doc.id


def test_summaries_merge_in_any_order_and_grouping(extractions: list[Extraction]) -> None:
    summaries = [header_of(ex).summary() for ex in extractions]
    whole = merge_all(summaries)
    expected = labels_nquads(whole)
    assert expected.count(b"<" + LABELS_GRAPH.encode() + b">") == len(whole.entities)
    rng = random.Random(12)
    for _ in range(5):
        shuffled = summaries[:]
        rng.shuffle(shuffled)
        cut = sorted(rng.sample(range(1, len(shuffled)), min(2, len(shuffled) - 1)))
        parts = [shuffled[a:b] for a, b in zip([0, *cut], [*cut, len(shuffled)], strict=True)]
        # each part reduced on its own machine, the parts' results merged
        grouped = merge(*(merge_all(part) for part in reversed(parts)))
        assert grouped == whole
        assert labels_nquads(grouped) == expected
    # associative and commutative on three summaries
    a, b, c = summaries[:3]
    assert merge(merge(a, b), c) == merge(a, merge(b, c)) == merge(c, b, a)
    assert merge(a, Summary()) == merge(a)


def test_canonical_label_rule() -> None:
    assert canonical({"习近平总书记": 2, "习近平": 2}, "k") == "习近平"  # shorter on a tie
    assert canonical({"乙": 1, "甲": 1}, "k") == min("乙", "甲")  # then code points
    assert canonical({"国务院办公厅": 3, "国办": 1}, "k") == "国务院办公厅"  # most votes
    assert canonical({}, "key") == "key"  # nobody labelled it


def test_a_build_is_the_same_bytes_in_another_order_and_jobs(
    corpus_build: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    build(list(reversed(_inputs())), other, views=False, jobs=2)
    for name in ("policygraph.ttl", "policygraph.trig"):
        assert (other / name).read_bytes() == (corpus_build / name).read_bytes(), name


def _entities_without_one_label(store_path: Path) -> list[tuple[str, int]]:
    store = ox.Store.read_only(str(store_path))
    query = """SELECT ?x (COUNT(DISTINCT ?l) AS ?n) WHERE {
        ?x a ?c FILTER(STRSTARTS(STR(?c), STR(pgo:)))
        FILTER(?c NOT IN (pgo:Mention, pgo:RelationMention))
        OPTIONAL { ?x rdfs:label ?l }
    } GROUP BY ?x HAVING (COUNT(DISTINCT ?l) != 1)"""
    prefixes = {
        "pgo": "https://w3id.org/policygraph/ontology#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    }
    return [
        (row["x"].value, int(row["n"].value))
        for row in store.query(query, prefixes=prefixes)  # type: ignore[union-attr]
    ]


def test_every_entity_has_one_label_in_the_merged_graph(corpus_build: Path) -> None:
    assert _entities_without_one_label(corpus_build / "store") == []


@pytest.mark.skipif(not (BULK / "gwr_2024.txt").is_file(), reason="bulk corpus not unpacked")
def test_every_entity_has_one_label_with_bulk_documents(tmp_path: Path) -> None:
    reports = sorted(BULK.glob("gwr_*.txt"))[:20]
    out = tmp_path / "out"
    build([SEEDS, *reports], out, views=False, jobs=2)
    assert _entities_without_one_label(out / "store") == []
