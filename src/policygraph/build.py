"""``build``: input files → extraction → named graphs → store, Turtle, TriG and views.

This is the library entry point behind ``policygraph build``; a notebook user calls
:func:`build` directly and gets a :class:`BuildResult` back.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from policygraph.errors import InputError
from policygraph.extract import run as run_pipeline
from policygraph.graph.builder import Extraction, LabelIndex, build_triples
from policygraph.graph.iris import graph_iri
from policygraph.graph.outputs import publish, staging_folder
from policygraph.graph.serialize import write_rdf_file
from policygraph.graph.store import merge_into_default_graph, to_ox_quads
from policygraph.namespaces import ONTOLOGY_GRAPH, PGO, RDF, VOCAB_GRAPH
from policygraph.text.loader import Source, find_sources, load_document
from policygraph.view.defaults import write_default_views
from policygraph.vocab import ontology_dir

log = logging.getLogger(__name__)

STORE = "store"
TURTLE = "policygraph.ttl"
TRIG = "policygraph.trig"
VIEWS = "views"
#: Classes counted in the summary, in the order shown.
SUMMARY_CLASSES = (
    "Document",
    "Article",
    "Policy",
    "Target",
    "Statistic",
    "Year",
    "Organization",
    "Person",
    "Place",
    "Event",
    "Industry",
    "Technology",
    "Quote",
    "Mention",
)


@dataclass(slots=True)
class BuildResult:
    """What a build did: counts for the summary and where the outputs are."""

    out: Path
    documents: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    entities: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    seconds: float = 0.0
    views: list[Path] = field(default_factory=list)

    @property
    def store(self) -> Path:
        return self.out / STORE

    @property
    def turtle(self) -> Path:
        return self.out / TURTLE

    @property
    def trig(self) -> Path:
        return self.out / TRIG


def extract_documents(
    sources: Sequence[Source], *, strict: bool = False, skipped: list[tuple[str, str]]
) -> Iterator[Extraction]:
    """Load and extract each source; bad inputs are skipped with a warning (or raised when
    ``strict``)."""
    for source in sources:
        try:
            doc = load_document(source)
        except InputError as e:
            if strict:
                raise
            log.warning("skipped %s", e)
            skipped.append((str(source.path), str(e).removeprefix(f"{source.path}: ")))
            continue
        yield Extraction(doc, tuple(run_pipeline(doc)))


def build(
    inputs: Sequence[Path] = (Path("seeds"),),
    out: Path = Path("exports"),
    *,
    strict: bool = False,
    views: bool = True,
) -> BuildResult:
    """Build the knowledge graph of ``inputs`` (files or folders of ``.txt``) into ``out``."""
    started = time.perf_counter()
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: --out must be a folder, and this is a file")
    result = BuildResult(out=out)
    sources = find_sources(inputs)
    if not sources:
        raise InputError(f"no .txt files in {', '.join(str(p) for p in inputs)}")
    extractions = list(extract_documents(sources, strict=strict, skipped=result.skipped))
    if not extractions:
        raise InputError("no document could be read; see the warnings above")
    labels = LabelIndex(extractions)
    result.documents = len(extractions)

    with staging_folder(out) as stage:
        store = ox.Store(str(stage / STORE))
        load_vocabularies(store)
        for ex in extractions:
            g = graph_iri(ex.doc.id)
            triples = sorted(build_triples(ex, labels))
            store.bulk_extend(to_ox_quads((s, p, o, g) for s, p, o in triples))
        merge_into_default_graph(store)
        store.flush()
        write_rdf_file(store, stage / TURTLE, "ttl")
        write_rdf_file(store, stage / TRIG, "trig")
        result.entities = count_entities(store)
        result.triples = count_triples(store)
        if views:
            written = write_default_views(store, stage / VIEWS)
            result.views = [out / VIEWS / p.name for p in written]
        del store  # RocksDB holds a lock on the folder until the store is dropped
        publish(stage, out, [STORE, TURTLE, TRIG, VIEWS] if views else [STORE, TURTLE, TRIG])
    result.seconds = time.perf_counter() - started
    return result


def load_vocabularies(store: ox.Store) -> None:
    """The ontology and the SKOS vocabularies, each in its own graph."""
    root = ontology_dir()
    files = [(root / "policygraph.ttl", ONTOLOGY_GRAPH)]
    files += [(p, f"{VOCAB_GRAPH}/{p.stem}") for p in sorted((root / "vocab").glob("*.ttl"))]
    for path, graph in files:
        store.bulk_extend(_stable_blank_nodes(path, ox.NamedNode(graph)))


def _stable_blank_nodes(path: Path, graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """Quads of a Turtle file with its blank nodes renamed in parse order: parsers invent
    random blank node ids, and the exported Turtle must be the same bytes every time."""
    names: dict[str, ox.BlankNode] = {}
    prefix = path.stem.replace("-", "_")

    def stable(
        term: ox.NamedNode | ox.BlankNode | ox.Literal,
    ) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if isinstance(term, ox.BlankNode):
            return names.setdefault(term.value, ox.BlankNode(f"{prefix}{len(names)}"))
        return term

    for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        yield ox.Quad(stable(q.subject), q.predicate, stable(q.object), graph)  # type: ignore[arg-type]


def count_entities(store: ox.Store) -> dict[str, int]:
    counts: Counter[str] = Counter()
    query = f"""SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{
        GRAPH ?g {{ ?s <{RDF.type}> ?c }} FILTER(STRSTARTS(STR(?c), "{PGO}"))
        FILTER(!STRSTARTS(STR(?g), "https://w3id.org/policygraph/graph/"))
    }} GROUP BY ?c"""
    for row in store.query(query):  # type: ignore[union-attr]
        counts[str(row["c"].value).removeprefix(str(PGO))] = int(row["n"].value)
    return {c: counts[c] for c in SUMMARY_CLASSES if counts[c]}


def count_triples(store: ox.Store) -> int:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    row = next(iter(store.query(query)))  # type: ignore[arg-type]
    return int(row["n"].value)
