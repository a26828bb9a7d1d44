"""``build``: input files → extraction → named graphs → store, Turtle, TriG and views.

This is the library entry point behind ``policygraph build``; a notebook user calls
:func:`build` directly and gets a :class:`BuildResult` back.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
import time
import traceback
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from policygraph.errors import InputError, PolicyGraphError, printable
from policygraph.model import EntityRef
from policygraph.namespaces import ONTOLOGY_GRAPH, PGO, RDF, VOCAB_GRAPH
from policygraph.pipeline import dask_executor, workers
from policygraph.pipeline.cache import ExtractionCache, Header, extractor_version, source_key
from policygraph.pipeline.fingerprints import Fingerprints, Seen
from policygraph.pipeline.mapstep import Mapped, extract_bytes, failure_mapped, warm_up
from policygraph.pipeline.progress import Progress
from policygraph.rdf.builder import Extraction, build_lines
from policygraph.rdf.iris import entity_iri, graph_iri
from policygraph.rdf.ntriples import nt_literal
from policygraph.resolve.labels import LABELS_GRAPH, canonical
from policygraph.resolve.labels import labels as canonical_labels
from policygraph.resolve.lineage import LINEAGE_GRAPH, LINEAGE_READS, derive_lineage
from policygraph.resolve.lineage import update as update_lineage
from policygraph.resolve.outcomes import OUTCOMES_GRAPH, OUTCOMES_READS, derive_outcomes
from policygraph.resolve.outcomes import update as update_outcomes
from policygraph.resolve.summary import Summary
from policygraph.rules.vocab import ontology_dir
from policygraph.store import DEFAULT_OUT, chunks, incremental, layout
from policygraph.store import state as reduce_state
from policygraph.store.outputs import OutputFolder, checkpoint
from policygraph.store.oxigraph import OWN_NAMESPACE, copy_user_graphs
from policygraph.store.serialize import atomic_file
from policygraph.store.shared import body_update
from policygraph.store.texts import TEXTS, write_texts
from policygraph.text.loader import Source, find_sources, read_source

log = logging.getLogger(__name__)

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

STORE = "store"
TURTLE = "policygraph.ttl"
TRIG = "policygraph.trig"
VIEWS = "views"

#: Writes the HTML views of a new generation from its store into a folder and returns the
#: files. Views are a later stage than the pipeline, so the caller hands the writer in:
#: :func:`policygraph.api.build` passes the default views (view/defaults.py).
ViewWriter = Callable[[ox.Store, Path], list[Path]]
#: Bytes of N-Quads per bulk load, and loads at once (see :func:`load_documents`).
LOAD_BATCH = 32_000_000
LOADERS = 2
#: Bytes of input per extraction worker when the user names no number (see auto_jobs).
BYTES_PER_JOB = 8_000_000
#: Each document's budget in its worker: seconds, and megabytes of memory it may add.
DOC_TIMEOUT = 120.0
DOC_MEMORY = 1024
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
    """What a build did: counts for the summary and where the outputs are.

    ``new``, ``changed``, ``unchanged`` and ``removed`` compare the documents built with
    those of the previous build into the same folder; ``extracted`` is how many documents
    were extracted this time (the others came from the cache)."""

    out: Path
    documents: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    #: ``(left out, kept)``: files with the same bytes as one built (first in name order).
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    entities: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    seconds: float = 0.0
    views: list[Path] = field(default_factory=list)
    jobs: int = 1
    extracted: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    megabytes: float = 0.0

    @property
    def store(self) -> Path:
        return self.out / STORE

    @property
    def turtle(self) -> Path:
        return self.out / TURTLE

    @property
    def trig(self) -> Path:
        return self.out / TRIG


@dataclass(frozen=True, slots=True)
class Outcome:
    """What extracting one source gave: its header (now in the cache), or why it was not
    extracted. ``bad_input`` tells an unreadable file (InputError) from a bug."""

    source: Source
    key: str
    header: Header | None = None
    reason: str | None = None
    bad_input: bool = False
    detail: str = ""  # the traceback of a bug, logged by the parent (workers log nowhere)


@dataclass(frozen=True, slots=True)
class Kept:
    """A document that goes into the graph (sorted by id: the order graphs are written)."""

    doc_id: str
    name: str
    key: str


def extract_source(
    source: Source, key: str, cache: ExtractionCache, megabytes: int | None = None
) -> Outcome:
    """Read, extract (:func:`~policygraph.pipeline.mapstep.extract_bytes`, the map step every
    executor shares) and cache one source. Runs in a local worker process."""
    try:
        data = read_source(source)
    except InputError as e:
        return Outcome(source, key, reason=str(e), bad_input=True)
    return outcome_of(source, key, extract_bytes(source, data, megabytes), cache)


def outcome_of(source: Source, key: str, mapped: Mapped, cache: ExtractionCache) -> Outcome:
    """The map step's result for ``source``, its payload saved into ``cache``."""
    if mapped.payload is None:
        return Outcome(source, key, None, mapped.reason, mapped.bad_input, mapped.detail)
    return Outcome(source, key, header=cache.save_payload(key, mapped.payload))


def _extract_task(task: tuple[Source, str, Path], megabytes: int | None = None) -> Outcome:
    source, key, folder = task
    return extract_source(source, key, ExtractionCache(folder), megabytes)


def auto_jobs(size: int) -> int:
    """Workers for ``size`` bytes of input when the user names no number: one per
    :data:`BYTES_PER_JOB`, at most one per core. Starting a worker costs about 0.3 s
    (Python, the extractors, jieba's dictionary), so a few small documents are quickest in
    one worker (seeds: 1.57 s with one, 1.84 s with two)."""
    return max(1, min(os.cpu_count() or 1, -(-size // BYTES_PER_JOB)))


def extract_all(
    tasks: Sequence[tuple[Source, str, Path]],
    *,
    jobs: int,
    seconds: float | None = DOC_TIMEOUT,
    megabytes: int | None = DOC_MEMORY,
    pool: workers.Pool | None = None,
) -> Generator[Outcome, None, None]:
    """Outcomes of ``tasks`` in their order, from ``jobs`` worker processes (at least one:
    the budgets need a process to stop). A document over its budget of ``seconds`` or
    ``megabytes``, or whose worker dies, is an Outcome with the reason, as a bad input."""
    results = workers.run(
        _extract_task,
        [(task, megabytes) for task in tasks],
        jobs=max(1, jobs),
        init=warm_up,
        seconds=seconds,
        megabytes=megabytes,
        pool=pool,
    )
    for index, value in results:
        if isinstance(value, workers.Failure):
            source, key, _ = tasks[index]
            mapped = failure_mapped(source, value)
            value = Outcome(source, key, None, mapped.reason, mapped.bad_input, mapped.detail)
        yield value


def document_nquads(ex: Extraction) -> bytes:
    """One document's triples as N-Quads, in its named graph and in the default graph
    (their merge: queries read it, and a triple several documents state is there once).
    A function of the document alone: the same bytes whatever else is in the corpus."""
    return document_chunk(ex).nquads(str(graph_iri(ex.doc.id)))


def document_chunk(ex: Extraction) -> chunks.Chunk:
    """One document's graph as its share of the outputs (store/chunks.py)."""
    if ex.doc.meta.source:
        # The store loads with lenient=True (no IRI validation, ~10 % faster): every IRI
        # is made by rdf/iris.py from IRI-safe parts, except a manifest's source URL.
        ox.NamedNode(ex.doc.meta.source)  # ValueError when it is not an IRI, as before
    graph = str(graph_iri(ex.doc.id))
    return chunks.document_chunk(ex.doc.id, graph, build_lines(ex))


def labels_lines(summary: Summary) -> bytes:
    """The reduce's labels graph (one canonical ``rdfs:label`` per shared entity, from the
    merged summaries), as sorted N-Triples lines, written directly: an update makes them
    for every shared entity of the corpus."""
    lines = [
        f"<{entity_iri(ref)}> <{RDFS_LABEL}> {nt_literal(label, 'zh')} .\n".encode()
        for ref, label in canonical_labels(summary).items()
    ]
    return b"".join(sorted(lines))


def labels_nquads(summary: Summary) -> bytes:
    """The labels graph as N-Quads, in its named graph and in the default graph."""
    return chunks.nquads(labels_lines(summary), LABELS_GRAPH)


def _graph_task(task: tuple[str, Path]) -> bytes:
    """Make a document's chunk file in the cache; return its shared lines (small)."""
    key, folder = task
    chunk = document_chunk(ExtractionCache(folder).load(key))
    chunks.save(chunk_path(folder, key), chunk)
    return chunk.shared


def chunk_path(folder: Path, key: str) -> Path:
    return folder / f"{key}{chunks.SUFFIX}"


def graph_all(kept: Sequence[Kept], folder: Path, *, jobs: int) -> Iterator[tuple[str, bytes]]:
    """Make the chunk file (store/chunks.py) of every document of ``kept`` in ``jobs``
    worker processes, largest extraction first so that one big document does not finish
    last, and yield ``(key, shared lines)`` as each is made. The order they come in does
    not matter: the store orders quads by their terms, and the files are assembled from
    the chunks in document order."""
    tasks = [(k.key, folder) for k in kept]
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield task[0], _graph_task(task)
        return
    tasks.sort(key=lambda t: _size(ExtractionCache(folder).path(t[0])), reverse=True)
    # One task per worker in flight: the parent loads what the workers made, and memory
    # holds a few documents, not the corpus.
    for index, data in workers.run(
        _graph_task,
        [(t,) for t in tasks],
        jobs=jobs,
        ordered=False,
    ):
        if isinstance(data, workers.Failure):
            raise PolicyGraphError(f"the graph of {tasks[index][0]} failed: {data.reason}")
        yield tasks[index][0], data


def _chunk(folder: Path, key: str) -> chunks.Stored:
    part = chunks.stored(chunk_path(folder, key))
    if part is None:  # made a moment ago or checked above: only a disk fault loses it
        raise PolicyGraphError(f"the chunk file of {key} in {folder} is missing or damaged")
    return part


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def load_documents(store: ox.Store, chunks: Iterator[bytes], bar: Progress) -> None:
    """Load the documents' N-Quads with Oxigraph's bulk loader (parsed and indexed in
    Rust), :data:`LOAD_BATCH` bytes at a time: one load of the whole corpus would be
    fastest, but the loader holds a batch of a million quads per thread in memory
    (+1 GB for the 7.6 MB policy subset alone).

    A 32 MB batch is below the size where one load uses a second thread of its own, so
    :data:`LOADERS` batches load at once, in threads (the loader releases the GIL), while
    the next one is collected. Loads may overlap: each writes its own sorted files and
    ingests them, and the store's keys are sets (a quad, a string under its hash), so two
    loads stating the same quad or string leave it once. On the bulk corpus two loaders
    take 15.8 s instead of 31 s, for the same CPU."""
    batch: list[bytes] = []
    size = 0
    loading: deque[Future[None]] = deque()
    with ThreadPoolExecutor(LOADERS) as loader:
        for chunk in chunks:
            batch.append(chunk)
            size += len(chunk)
            bar.advance()
            checkpoint("writing")
            if size >= LOAD_BATCH:
                if len(loading) >= LOADERS:
                    loading.popleft().result()  # bounded: LOADERS loading, one collected
                loading.append(loader.submit(_bulk_load, store, _joined(batch)))
                batch, size = [], 0
        if batch:
            loading.append(loader.submit(_bulk_load, store, _joined(batch)))
        while loading:
            loading.popleft().result()


def _joined(batch: list[bytes]) -> bytes:
    """The batch as one bytes object; one large document's N-Quads are not copied."""
    return batch[0] if len(batch) == 1 else b"".join(batch)


def _bulk_load(store: ox.Store, data: bytes) -> None:
    store.bulk_load(data, ox.RdfFormat.N_QUADS, lenient=True)


def build(
    inputs: Sequence[Path] = (Path("seeds"),),
    out: Path = DEFAULT_OUT,
    *,
    strict: bool = False,
    views: ViewWriter | None = None,
    jobs: int | None = None,
    progress: bool = False,
    follow_links: bool = False,
    doc_timeout: float | None = DOC_TIMEOUT,
    doc_memory: int | None = DOC_MEMORY,
    executor: str = "local",
    scheduler: str | None = None,
) -> BuildResult:
    """Build the knowledge graph of ``inputs`` (files or folders of ``.txt``) into ``out``.

    ``views`` writes the HTML views into the new generation (none by default; the API's
    and the CLI's ``build`` pass the default views).

    ``jobs`` worker processes extract (default: from the input's size, see
    :func:`auto_jobs`); the outputs are the same bytes whatever their number. Each document
    is extracted in a worker within ``doc_timeout`` seconds and ``doc_memory`` MB (None:
    no limit); one over budget is skipped with the reason, as an unreadable file is.
    A rebuild into the same ``out`` extracts only new and changed documents.
    ``progress`` draws a bar on stderr when it is a terminal. ``follow_links`` reads
    symbolic links that lead out of an input folder (by default they are listed as
    skipped). Safe to call from a script without a ``__main__`` guard: the workers never
    import the caller's module.

    ``executor="dask"`` runs the extraction (the map step) on a Dask cluster: the one at
    ``scheduler`` (``tcp://host:8786``), or a LocalCluster of ``jobs`` worker processes
    started for this build (its workers import the caller's ``__main__``, which then needs
    the guard). The budgets hold there too; the rest of the build runs here, and the
    outputs are the same bytes (see dask_executor.py)."""
    started = time.perf_counter()
    dask_executor.check(executor, scheduler)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: out= must be a folder, and this is a file")
    try:
        str(out.absolute()).encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8 come as lone surrogates
        raise InputError(f"{out}: not valid UTF-8; the store needs a UTF-8 path") from None
    # One extraction worker starts first, while the sources are found, read and hashed
    # and the previous reduce is loaded: starting it (Python, the extractors, jieba's
    # dictionary) takes about a second, which an update that adds or changes a document
    # would otherwise wait for. Stopped unused when every document is in the cache.
    # A worker kept from an earlier build of this process serves too, from the main thread
    # only: a worker is killed when the thread that started it ends (PR_SET_PDEATHSIG).
    shared = threading.current_thread() is threading.main_thread()
    pool = workers.SHARED if shared else workers.Pool()
    if executor == "local":
        pool.start(warm_up)
    try:
        sources = find_sources(inputs, follow_links=follow_links)
        if not sources:
            raise InputError(f"no .txt files in {', '.join(str(p) for p in inputs)}")
        result = BuildResult(out=out, jobs=max(1, jobs or 1))
        budget = Budget(jobs, doc_timeout or None, doc_memory or None, executor, scheduler)
        # A failure removes the folder if this build made it, under the lock (see
        # OutputFolder): never a folder that a concurrent build made or is writing.
        with OutputFolder(out) as folder:
            _build(
                folder, sources, result, budget, pool, strict=strict, views=views, progress=progress
            )
    finally:
        pool.trim(1 if shared else 0)  # one warm worker for the next build, not --jobs
    result.seconds = time.perf_counter() - started
    return result


@dataclass(frozen=True, slots=True)
class Budget:
    """The workers and each document's budget, as the user asked (None: the default)."""

    jobs: int | None
    seconds: float | None
    megabytes: int | None
    executor: str = "local"
    scheduler: str | None = None


def _build(
    folder: OutputFolder,
    sources: Sequence[Source],
    result: BuildResult,
    budget: Budget,
    pool: workers.Pool,
    *,
    strict: bool,
    views: ViewWriter | None,
    progress: bool,
) -> None:
    """The build under the output folder's lock; ``pool``: the extraction workers, one
    of them starting already (:func:`build`)."""
    cache = ExtractionCache(folder.cache)
    previous = folder.previous_sources()
    kept: list[Kept] = []
    step = Steps()
    log.info("building %d input file(s) into %s", len(sources), printable(folder.out))
    sizes: dict[str, int] = {}
    # The previous build's reduce (store/state.py): its documents need no header read.
    previous_gen = folder.current()
    old = None
    if previous_gen is not None:
        version = extractor_version()
        old = reduce_state.load(previous_gen, version, incremental.recorded(previous_gen, version))
    known = old.docs if old is not None else {}
    prints = Fingerprints(folder.previous_fingerprints(), extractor_version())

    def headers() -> Iterator[tuple[str, Summary]]:
        """The summary of every document the previous reduce does not hold, as
        extraction goes (map)."""
        tasks: list[tuple[Source, str, Path]] = []
        first: dict[bytes, Source] = {}  # by the sha256 of the bytes
        cached = cache.keys()
        for source in sources:
            seen = prints.unchanged(source)  # (its bytes, as the previous build read them)
            if seen is None:
                looked = prints.look(source)  # before reading: pipeline/fingerprints.py
                try:
                    # Regular files only (a FIFO is never opened), the size limit, a file
                    # the manifest names that is missing: each a bad input, skipped, named.
                    data = read_source(source)
                except InputError as e:
                    outcome = Outcome(source, "", reason=str(e), bad_input=True)
                    _skip(outcome, result, strict=strict)
                    continue
                digest = hashlib.sha256(data).digest()
                empty = not data.strip()
                seen = Seen(source_key(source, data), digest, len(data))
                del data
                prints.record(source, looked, seen)
            else:
                empty = False  # (only documents kept are recorded: none is empty)
            if not empty:  # empty files are each skipped as empty, not as copies
                kept_one = first.setdefault(seen.digest, source)
                if kept_one is not source:
                    _duplicate(source, kept_one, result)
                    continue
            key = seen.key
            sizes[source.name] = seen.size
            if key in known and key in cached:  # (a lost extraction: made again)
                kept.append(Kept(known[key], source.name, key))
                continue
            header = cache.header(key)
            if header is None:
                tasks.append((source, key, cache.folder))
            else:
                kept.append(Kept(header.doc_id, source.name, key))
                yield key, header.summary()
        # The old generations go now, while this process waits for the extraction: the
        # worker has the other core (started with the build, the unlinks took a core it
        # needed).
        folder.sweep()
        size = sum(sizes[task[0].name] for task in tasks)
        result.megabytes = size / 1e6
        result.jobs = budget.jobs or auto_jobs(size)
        if budget.executor == "dask":

            def width(n: int) -> None:
                result.jobs = n

            extracted = dask_executor.extract_all(
                tasks,
                [sizes[task[0].name] for task in tasks],
                jobs=result.jobs,
                scheduler=budget.scheduler,
                seconds=budget.seconds,
                megabytes=budget.megabytes,
                started=width,
            )
        else:
            extracted = extract_all(
                tasks,
                jobs=result.jobs,
                seconds=budget.seconds,
                megabytes=budget.megabytes,
                pool=pool,
            )
        bar = Progress("extracting", total=len(tasks), size=size, enabled=progress)
        with closing(extracted), bar:  # closing: a --strict stop kills the workers now
            for outcome in extracted:
                bar.advance(sizes[outcome.source.name])
                checkpoint("extracting")
                if outcome.header is None:
                    _skip(outcome, result, strict=strict)
                    continue
                result.extracted += 1
                h = outcome.header
                kept.append(Kept(h.doc_id, outcome.source.name, outcome.key))
                yield outcome.key, h.summary()

    # Reduce: the summaries merged (associative and commutative: any order, any split), in
    # publish, into the previous build's reduce when there is one.
    try:
        summaries = dict(headers())
    finally:
        # one warm worker for the next build, not --jobs
        pool.trim(1 if pool is workers.SHARED else 0)
    checkpoint("extracted")
    step.done(
        f"extraction: {result.extracted} document(s) read and extracted by {result.jobs} "
        "worker(s), "
        f"{len(kept) - result.extracted} taken from the cache, {len(result.skipped)} skipped; "
        "summaries read"
    )
    if not kept:
        raise InputError("no document could be read; see the warnings above")
    by_name = {source.name: source for source in sources}

    def texts(gen: Path, previous_gen: Path | None) -> None:
        write_texts(
            gen / TEXTS,
            ((k.doc_id, by_name[k.name], previous.get(k.name) == k.key) for k in kept),
            previous_gen / TEXTS if previous_gen is not None else None,
        )

    corpus = Corpus(kept, None, sum(sizes.values()), texts, summaries, old)
    corpus.fingerprints = prints.records({k.name for k in kept})
    publish(folder, corpus, result, budget.jobs, views=views, progress=progress, step=step)


@dataclass(slots=True)
class Corpus:
    """What the map step gives the rest of a build: the documents kept (each with its
    extraction in the cache), the bytes of input, how to keep each document's text in a
    generation folder (``texts(gen, previous gen)``), the summaries read (cache key →
    summary; the others are read from the cache), and the previous build's reduce, if
    it can be trusted (store/state.py)."""

    kept: list[Kept]
    summary: Summary | None  # (merged again in publish, from ``summaries`` and ``state``)
    size: int
    texts: Callable[[Path, Path | None], None]
    summaries: dict[str, Summary] = field(default_factory=dict)
    state: reduce_state.State | None = None
    #: what each kept source's ``stat`` was, for the next build (pipeline/fingerprints.py)
    fingerprints: dict[str, list[object]] = field(default_factory=dict)


def publish(
    folder: OutputFolder,
    corpus: Corpus,
    result: BuildResult,
    jobs: int | None,
    *,
    views: ViewWriter | None,
    progress: bool,
    step: Steps,
) -> None:
    """The rest of a build once its documents are extracted: their chunks (map), the
    corpus-level graphs (reduce), the store, the files, the texts and the views, into a
    new generation published in one step (store/outputs.py)."""
    cache = ExtractionCache(folder.cache)
    previous = folder.previous_sources()
    kept = sorted(corpus.kept, key=lambda k: k.doc_id)
    result.documents = len(kept)
    current = {k.name: k.key for k in kept}
    result.new = sum(name not in previous for name in current)
    result.changed = sum(
        name in previous and previous[name] != key for name, key in current.items()
    )
    result.unchanged = sum(previous.get(name) == key for name, key in current.items())
    result.removed = sum(name not in current for name in previous)
    st = corpus.state

    gen = folder.new_generation()
    compaction: Future[None] | None = None
    try:
        previous_gen = folder.current()
        graphs = {str(graph_iri(k.doc_id)): k.key for k in kept}
        # Map, the rest: each document's chunk (store/chunks.py), made once per cache key.
        # A chunk the previous reduce read is checked by its size; any other is read.
        sizes = st.sizes if st is not None else {}
        todo = [k for k in kept if not _chunk_ok(cache.folder, k.key, sizes.get(k.key))]
        jobs = jobs or auto_jobs(corpus.size)
        with Progress("graphs", total=len(todo), enabled=progress) as bar:
            for _key, _lines in graph_all(todo, cache.folder, jobs=jobs):
                bar.advance()
                checkpoint("graphing")
        step.done(f"graphs: {len(todo)} document graph(s) made, {len(kept) - len(todo)} cached")
        st, touched, parts = _reduce(st, kept, corpus.summaries, cache)
        old_labels = b"".join(sorted(st.labels.values())) if touched is not None else None
        labels = _update_labels(st, touched)
        step.done(
            "reduce: "
            + (
                f"{len(parts)} document(s) added to or taken from the previous reduce"
                if touched is not None
                else f"the summaries and chunks of {len(kept)} document(s) merged"
            )
        )
        old = None
        if previous_gen is not None:
            old = incremental.recorded(previous_gen, extractor_version())
        rederived: set[str] = set()
        reuse = False
        if old is not None and incremental.worth_it(old, graphs):
            store = incremental.checkpoint_store(previous_gen / STORE, gen / STORE)  # type: ignore[operator]
            changed = sorted(g for g in {*old, *graphs} if old.get(g) != graphs.get(g))
            moved: set[bytes] = set()  # every line that left or entered a graph
            kept_lines: list[bytes] = []  # the lines of the changed graphs that stayed
            for graph in changed:
                ckey = graphs.get(graph)
                new = (
                    (parts.get(ckey) or _chunk(cache.folder, ckey)).read("triples") if ckey else b""
                )
                # the graph's lines now: those of the chunk it was loaded from (no dump)
                was = parts.get(old.get(graph, ""))
                now = was.read("triples") if was is not None else None
                moved.update(*incremental.replace_graph(store, graph, new, now))
                kept_lines.append(new)
                checkpoint("store.replacing")
            # the previous labels are the previous reduce's (the store is a copy of its)
            moved.update(*incremental.replace_graph(store, LABELS_GRAPH, labels, old_labels))
            # A corpus-level graph is derived again only when a triple it reads moved, and
            # by difference: the changed graphs' lines, before and after, name everything
            # whose lineage or outcomes may change (resolve/lineage.py, resolve/outcomes.py).
            lines = [*moved, *b"".join(kept_lines).splitlines(keepends=True)]
            if incremental.touches(moved, LINEAGE_READS):
                incremental.replace_quads(store, *update_lineage(store, lines))
                rederived.add(LINEAGE_GRAPH)
            if incremental.touches(moved, OUTCOMES_READS):
                incremental.replace_quads(store, *update_outcomes(store, lines))
                rederived.add(OUTCOMES_GRAPH)
            # The other graphs of the store are those of the previous build, as the state
            # that came with it recorded them, when that state is the previous one.
            reuse = touched is not None
            how = f"{len(changed)} document graph(s) replaced in a copy of the previous store"
        else:
            store = ox.Store(str(gen / STORE))
            load_vocabularies(store)
            # Graphs users added with SPARQL Update outlive the build (update.py says why).
            if previous_gen is not None:
                copy_user_graphs(previous_gen / STORE, store)

            def documents() -> Iterator[bytes]:
                for graph, key in graphs.items():
                    yield chunks.nquads(_chunk(cache.folder, key).read("triples"), graph)
                yield chunks.nquads(labels, LABELS_GRAPH)

            with Progress("writing", total=len(kept) + 1, enabled=progress) as bar:
                load_documents(store, documents(), bar)
            compaction = _compact(store)
            # Reduce: what is decided across documents, into corpus-level graphs: canonical
            # labels from the merged summaries (resolve/labels.py, above), then what follows
            # from several document graphs together (resolve/lineage.py, resolve/outcomes.py).
            derive_lineage(store)
            derive_outcomes(store)
            how = f"{len(kept)} document graph(s) bulk-loaded"
        incremental.record(gen, extractor_version(), graphs)
        store.flush()
        checkpoint("store.written")
        step.done(f"store: {how} into {gen.name}")
        # The state is final once write_files has given it this build's other graphs and
        # shared lines: it is saved in a thread while the files are copied (0.2 s of
        # pickling beside the kernel's copies), and waited for before anything is published.
        with ThreadPoolExecutor(1, thread_name_prefix="policygraph-state") as saver:
            saved: list[Future[None]] = []
            result.triples, result.entities = write_files(
                store,
                gen,
                {graph: chunk_path(cache.folder, key) for graph, key in graphs.items()},
                st,
                labels,
                rederived if reuse else None,
                layout.load(previous_gen) if previous_gen is not None else None,
                ready=lambda: saved.append(saver.submit(reduce_state.save, gen, st)),
            )
            (future,) = saved  # write_files calls ready once: never publish without it
            future.result()  # its error, if any, fails the build here
        checkpoint("turtle.written")
        checkpoint("trig.written")
        step.done(f"files: {TURTLE} and {TRIG} written, {result.triples} triples counted")
        corpus.texts(gen, previous_gen)
        step.done("texts: each document's text kept for the explorer of `policygraph serve`")
        if views:
            written = views(store, gen / VIEWS)
            result.views = [folder.out / VIEWS / p.name for p in written]
            checkpoint("views.written")
            step.done(f"views: {len(written)} HTML view(s) written")
        if compaction is not None:
            compaction.result()  # its error, if any, fails the build here
            step.done("compaction: the store's files compacted, in the background")
        del store  # RocksDB holds a lock on the folder until the store is dropped
        folder.publish(gen, current, corpus.fingerprints)
        step.done("publish: the new outputs replaced the old ones in one step")
    except BaseException as e:
        # Close the store before its folder goes: RocksDB's own threads may still write
        # into it, and the frames of the traceback (a failed view, say) hold the store.
        if compaction is not None:
            compaction.exception()  # waited for: it writes into the folder
        with contextlib.suppress(NameError):  # not opened yet
            del store  # noqa: F821 (bound once the store is opened below the try)
        traceback.clear_frames(e.__traceback__)
        folder.discard(gen)
        raise
    # Only now: a build killed before this point finds these extractions again.
    cache.prune(current.values())


def _compact(store: ox.Store) -> Future[None]:
    """Compact a bulk-loaded store (``Store.optimize``) in a thread, while the rest of the
    build goes on: RocksDB does it in its own threads, without the GIL.

    The bulk loader leaves the store in many overlapping sorted files (127 on the bulk
    corpus). Every query then reads them all, and the next update's copy of the store
    compacts them during its own writes: its flush took 0.9 s and deriving the outcomes
    0.4 s, twice the time of a compacted store (benchmarks/living_graph.py). Compacting
    takes 7 s on the bulk corpus, mostly hidden behind the files and the views."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="policygraph-compact")
    try:
        return pool.submit(store.optimize)
    finally:
        pool.shutdown(wait=False)  # the thread ends with its one task


def _chunk_ok(folder: Path, key: str, size: int | None) -> bool:
    """Is the chunk file of ``key`` there and whole? By its size when the previous reduce
    read it (a stat, not an open), else by its header."""
    if size is not None:
        return _size(chunk_path(folder, key)) == size
    return chunks.stored(chunk_path(folder, key)) is not None


def _reduce(
    st: reduce_state.State | None,
    kept: Sequence[Kept],
    summaries: dict[str, Summary],
    cache: ExtractionCache,
) -> tuple[reduce_state.State, set[EntityRef] | None, dict[str, chunks.Stored]]:
    """The reduce of ``kept``: the previous one (``st``) with the documents that left
    taken out and those that came added, or (no previous reduce, or a document that
    left can no longer be read from the cache) every document's summary and chunk merged.
    Returns it, the shared entities whose votes or presence changed (None: all of them,
    a fresh reduce), and the chunk files read (cache key → sections)."""
    parts: dict[str, chunks.Stored] = {}

    def part(key: str, summary: Summary | None) -> tuple[reduce_state.Part, int] | None:
        if summary is None:
            header = cache.header(key)
            if header is None:
                return None
            summary = header.summary()
        read = reduce_state.read_chunk(chunk_path(cache.folder, key))
        if read is None:
            return None
        stored, shared, counts = read
        parts[key] = stored
        size = stored.counts[0] + stored.counts[1]
        return reduce_state.part_of(summary, shared, counts), size

    if st is not None:
        keys = {k.key for k in kept}
        touched: set[EntityRef] = set()
        changes: list[tuple[str, str | None, reduce_state.Part, int]] = []
        for key in sorted(st.docs):
            if key not in keys:
                found = part(key, None)
                if found is None:
                    log.info("the cache no longer holds %s: reducing every document", key)
                    st = None
                    break
                changes.append((key, None, *found))
        if st is not None:
            for k in kept:
                if k.key not in st.docs:
                    found = part(k.key, summaries.get(k.key))
                    if found is None:
                        raise PolicyGraphError(f"the cache entry of {k.key} is missing or damaged")
                    changes.append((k.key, k.doc_id, *found))
            try:
                for key, doc_id, p, size in changes:
                    touched.update(p.summary.votes, p.summary.entities)
                    if doc_id is None:
                        st.remove(key, p)
                    else:
                        st.add(key, doc_id, p, size)
                return st, touched, parts
            except ValueError as e:  # a count below zero: the state lied; never trusted
                log.info("the previous reduce does not add up (%s): reducing again", e)
    fresh = reduce_state.State(extractor_version())
    for k in kept:
        found = part(k.key, summaries.get(k.key))
        if found is None:
            raise PolicyGraphError(f"the cache entry of {k.key} is missing or damaged")
        fresh.add(k.key, k.doc_id, *found)
    return fresh, None, parts


def _update_labels(st: reduce_state.State, touched: set[EntityRef] | None) -> bytes:
    """The labels graph's lines (one canonical ``rdfs:label`` per shared entity, from the
    merged summaries, sorted), made again for the ``touched`` entities (None: all)."""
    if touched is None:
        st.labels = {
            ref: _label_line(ref, label) for ref, label in canonical_labels(st.summary()).items()
        }
    else:
        for ref in touched:
            if ref in st.entities:
                label = canonical(st.votes.get(ref) or {}, ref.key)
                st.labels[ref] = _label_line(ref, label)
            else:
                st.labels.pop(ref, None)
    return b"".join(sorted(st.labels.values()))


def _label_line(ref: EntityRef, label: str) -> bytes:
    return f"<{entity_iri(ref)}> <{RDFS_LABEL}> {nt_literal(label, 'zh')} .\n".encode()


def write_files(
    store: ox.Store,
    gen: Path,
    parts: dict[str, Path],
    st: reduce_state.State,
    labels: bytes,
    rederived: set[str] | None = None,
    previous: layout.Layout | None = None,
    ready: Callable[[], None] | None = None,
) -> tuple[int, dict[str, int]]:
    """``policygraph.trig`` and ``policygraph.ttl`` from the documents' chunk files
    (``parts``: graph IRI → chunk file) and the store's other graphs (ontology,
    vocabularies, corpus-level graphs, the user's graphs), which are small: copied, not
    dumped (store/chunks.py says how each triple is written once). ``st`` is the reduce:
    the chunks' shared lines and counts, and the other graphs as the previous build
    wrote them, which are used again (``rederived`` names those made again since; None:
    none is used) — and it is given this build's other graphs. Returns the summary's
    counts: the triples in the Turtle (every distinct triple, once: what
    ``count_triples`` counts in the store) and the entities of each class in the
    document graphs (``count_entities``), without a pass over the store. ``previous``: the
    previous generation's files, where unchanged graphs are copied from (store/layout.py).
    ``ready`` is called once ``st`` is final, before the files are copied."""
    before = st.others
    others: dict[str, tuple[list[bytes], bytes]] = {}
    label_lines = labels.splitlines(keepends=True)
    for graph in store.named_graphs():
        name = graph.value  # type: ignore[union-attr]
        if name in parts:
            continue
        reused = rederived is not None and name in before and name not in rederived
        if reused and (name != LABELS_GRAPH or before[name][0] == label_lines):
            others[name] = before[name]
            continue
        if name == LABELS_GRAPH:
            lines = label_lines
        else:
            lines = sorted(set(chunks.store_lines(store, graph)))  # type: ignore[arg-type]
        others[name] = (lines, chunks.trig_block(name, lines))
    st.others = others
    shared = st.shared_lines()
    everything = set(shared)
    for lines, _ in others.values():
        everything.update(lines)
    # Which documents' graphs are not those the previous files were made from: only the
    # lines that name their nodes may have changed owner (None: ask about every line).
    changed = None
    if previous is not None and rederived is not None:
        was = previous.graphs
        changed = [g for g, path in parts.items() if was.get(g, ("",))[0] != path.name]
        changed += [g for g in was if g not in parts]
    once, st.owned = chunks.not_owned(store, sorted(everything), parts, st.owned, changed)
    st.shared_body = body_update(once, st.shared_body)
    with atomic_file(gen / TRIG) as trig, atomic_file(gen / TURTLE) as turtle:
        head = chunks.prefix_lines() + st.shared_body.turtle
        turtle.write(head)
        placed = _assemble(trig, turtle, parts, others, previous, len(head), ready)
    layout.save(gen, layout.Layout(gen / TRIG, gen / TURTLE, placed))
    triples = len(once) + st.local
    types: Counter[str] = Counter(st.types)
    if any(not name.startswith(OWN_NAMESPACE) for name in others):
        return triples, count_entities(store)  # the user's graphs count too: ask the store
    types.update(st.shared_types)  # (kept with the shared lines: no pass over them)
    counts = {c.removeprefix(str(PGO)): n for c, n in types.items() if c.startswith(str(PGO))}
    return triples, {c: counts[c] for c in SUMMARY_CLASSES if counts.get(c)}


def _assemble(
    trig: IO[bytes],
    turtle: IO[bytes],
    parts: dict[str, Path],
    others: dict[str, tuple[list[bytes], bytes]],
    previous: layout.Layout | None,
    turtle_at: int,
    ready: Callable[[], None] | None = None,
) -> dict[str, layout.Entry]:
    """Both files in one pass over the graphs in name order: each graph's TriG block into
    ``trig`` and a document's own part into ``turtle`` (which holds ``turtle_at`` bytes
    already), from its chunk file (opened once) or, when the graph is the one the
    ``previous`` generation's files hold, from those files in runs (store/layout.py).
    Returns where each graph went.

    ``ready`` (the state's save, which pickles holding the GIL for 0.1 s) is called while
    the kernel copies: from the start when each chunk is copied (a clean build), else
    once the longest run of unchanged graphs, most of both files, is being copied.
    Called at the start of an update, it held up this loop's Python by as long."""
    placed: dict[str, layout.Entry] = {}
    prefix = chunks.prefix_lines()
    started = False
    tpos, upos = 0, turtle_at
    with contextlib.ExitStack() as files:
        runs: list[layout.Runs] = []  # from the previous TriG, and Turtle
        if previous is not None:
            old_trig = files.enter_context(open(previous.trig, "rb"))
            old_turtle = files.enter_context(open(previous.turtle, "rb"))
            runs = [layout.Runs(old_trig.fileno(), trig), layout.Runs(old_turtle.fileno(), turtle)]
        copiers = files.enter_context(ThreadPoolExecutor(2, thread_name_prefix="policygraph-copy"))

        def flush(during: Callable[[], None] | None = None) -> None:
            layout.flush_all(runs, copiers, during)

        names = sorted({*parts, *others})
        idents = [
            path.name if path is not None else hashlib.sha256(others[name][1]).hexdigest()
            for name, path in ((name, parts.get(name)) for name in names)
        ]
        olds = [previous.graphs.get(name) if previous is not None else None for name in names]
        # where the longest run of graphs copied from the previous files ends
        longest, size, copied = -1, 0, -1
        for i, (ident, was) in enumerate(zip(idents, olds, strict=True)):
            size = size + was[2] + was[4] if was is not None and was[0] == ident else 0
            if size > copied:
                longest, copied = i, size
        if ready is not None and previous is None:
            ready()
            ready = None

        for i, (name, ident, was) in enumerate(zip(names, idents, olds, strict=True)):
            path = parts.get(name)
            if i == longest + 1 and ready is not None:  # the longest run is copied now
                flush(ready)
                ready = None
            if was is not None and was[0] == ident:
                _, to, tl, uo, ul = was
                if tl and not started:
                    flush()
                    trig.write(prefix)
                    tpos, started = tpos + len(prefix), True
                runs[0].add(to, tl)
                runs[1].add(uo, ul)
                placed[name] = (ident, tpos, tl, upos, ul)
                tpos, upos = tpos + tl, upos + ul
                continue
            flush()
            if path is None:
                block = others[name][1]
                if block and not started:
                    trig.write(prefix)
                    tpos, started = tpos + len(prefix), True
                trig.write(block)
                placed[name] = (ident, tpos, len(block), upos, 0)
                tpos += len(block)
                continue
            with open(path, "rb") as f:
                stored = reduce_state.chunk_spans(f, path)
                if stored is None:
                    raise PolicyGraphError(f"the chunk of {name} is missing or damaged")
                if stored.trig[1] and not started:
                    trig.write(prefix)
                    tpos, started = tpos + len(prefix), True
                trig.flush()
                turtle.flush()
                for out, (offset, length) in ((trig, stored.trig), (turtle, stored.turtle)):
                    if length:
                        chunks.copy_range(f.fileno(), out.fileno(), offset, length)
            placed[name] = (ident, tpos, stored.trig[1], upos, stored.turtle[1])
            tpos, upos = tpos + stored.trig[1], upos + stored.turtle[1]
        flush(ready)
    return placed


class Steps:
    """``-v``: each step of a build logged with what it did and the seconds it took."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def done(self, what: str) -> None:
        now = time.perf_counter()
        log.info("%s (%.2f s)", what, now - self.last)
        self.last = now


def _duplicate(source: Source, kept: Source, result: BuildResult) -> None:
    """The same bytes under a second name: its facts would count twice. The first name in
    sorted order is built; this one is named in the summary, never silently dropped."""
    log.warning("left out %s: the same bytes as %s", printable(source.path), printable(kept.path))
    result.duplicates.append((str(source.path), str(kept.path)))


def _skip(outcome: Outcome, result: BuildResult, *, strict: bool) -> None:
    path = outcome.source.path
    reason = outcome.reason or "unknown"
    if outcome.bad_input:
        if strict:
            raise InputError(reason)
        log.warning("skipped %s", printable(reason))
        result.skipped.append((str(path), reason.removeprefix(f"{path}: ")))
        return
    if strict:
        raise PolicyGraphError(f"{path}: {reason}")
    log.error(
        "%s: %s; document skipped (run with -v for the traceback)",
        printable(path),
        printable(reason),
    )
    log.info("%s", printable(outcome.detail))
    result.skipped.append((str(path), reason))


def load_vocabularies(store: ox.Store) -> None:
    """The ontology and the SKOS vocabularies, each in its own graph."""
    root = ontology_dir()
    files = [(root / "policygraph.ttl", ONTOLOGY_GRAPH)]
    files += [(p, f"{VOCAB_GRAPH}/{p.stem}") for p in sorted((root / "vocab").glob("*.ttl"))]
    default = ox.DefaultGraph()
    quads: list[ox.Quad] = []
    for path, graph in files:
        named = list(_stable_blank_nodes(path, ox.NamedNode(graph)))
        quads += named
        quads += (ox.Quad(q.subject, q.predicate, q.object, default) for q in named)
    # One bulk load, not one a file: each costs about 70 ms whatever its size (a seed build
    # spent 1.1 s in 14 of them; the suite builds the seeds dozens of times).
    store.bulk_extend(quads)


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
