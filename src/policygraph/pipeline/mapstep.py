"""The map step of a build: one document's bytes and metadata → its serialized extraction.

:func:`extract_bytes` is pure: it reads no file and writes none, so the same function runs
in a local worker process (``build --executor local``, which reads the file and saves the
result into the cache there) and on a Dask worker on another machine (``--executor dask``,
which is sent the bytes and sends the payload back for the caller to save). The payload is
exactly what :class:`~policygraph.pipeline.cache.ExtractionCache` writes, so both executors
give the same cache files and the same outputs.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

from policygraph.errors import InputError
from policygraph.extract import fact_mention
from policygraph.extract import run as run_pipeline
from policygraph.pipeline import workers
from policygraph.pipeline.cache import extractor_version, serialize
from policygraph.rdf.builder import Extraction
from policygraph.rules.vocab import tokenizer
from policygraph.text.loader import Source, load_document

#: Peak memory of building and loading a document's graph, per byte of the N-Quads that
#: :func:`graph_memory` estimates (measured: 769 MB peak for 154 MB estimated on the 1 MB
#: "person" input of benchmarks/stress.py).
GRAPH_MEMORY_FACTOR = 5


@dataclass(frozen=True, slots=True)
class Mapped:
    """What the map step gave for one document: the cache file's bytes, or why there are
    none. ``bad_input`` tells an unreadable file (InputError) from a bug, whose traceback
    is ``detail`` (a worker logs nowhere; the caller does)."""

    payload: bytes | None = None
    reason: str | None = None
    bad_input: bool = False
    detail: str = ""


def extract_bytes(source: Source, data: bytes, megabytes: int | None = None) -> Mapped:
    """Decode and extract one document from its ``data``. Any exception of the extractors
    is caught and reported: one document with a bug must not lose a build of thousands.
    A document whose graph would take more than ``megabytes`` to build and load is refused
    here, in its worker: the calling process builds and loads every graph."""
    try:
        doc = load_document(source, data)
    except InputError as e:
        return Mapped(reason=str(e), bad_input=True)
    try:
        workers.fault(source.name)
        ex = Extraction(doc, tuple(run_pipeline(doc)))
    except MemoryError:  # over the budget: the worker reports it and is replaced
        raise
    except Exception as e:  # a bug in one extractor on one document
        reason = f"extraction failed: {type(e).__name__}: {e}"
        return Mapped(reason=reason, detail=traceback.format_exc())
    need = graph_memory(ex) // 2**20
    if megabytes is not None and need > megabytes:
        reason = (
            f"{source.path}: stopped, its graph would take about {need} MB to build and "
            f"load, over the memory budget of {megabytes} MB (doc_memory=)"
        )
        return Mapped(reason=reason, bad_input=True)
    return Mapped(payload=serialize(ex))


def graph_memory(ex: Extraction) -> int:
    """About the bytes of memory the document's graph takes to build and load: each fact's
    mention carries its sentence and surface, twice (its named graph and the default
    graph), with some 600 bytes of other triples. The sentences dominate."""
    size = 0
    for fact in ex.facts:
        mention = fact_mention(fact)
        if mention is not None:
            size += 3 * (len(mention.sentence) + len(mention.surface))
        size += 600
    return 2 * size * GRAPH_MEMORY_FACTOR


def failure_mapped(source: Source, failure: workers.Failure) -> Mapped:
    """A document whose worker gave no result: an exception outside the extractors (a
    bug, with its traceback), or over a budget or dead (a bad input, with the reason)."""
    if failure.detail:
        return Mapped(reason=failure.reason, detail=failure.detail)
    return Mapped(reason=f"{source.path}: {_budget_reason(failure.reason)}", bad_input=True)


def _budget_reason(reason: str) -> str:
    if "time budget" in reason:
        return f"stopped, {reason} (doc_timeout=)"
    if "memory budget" in reason:
        return f"stopped, {reason} (doc_memory=)"
    return f"stopped, {reason} (out of memory?)"


#: Two short texts that reach every extractor (tests/test_workers.py checks it): an official
#: document (a policy, its issuer, its legal basis and what it repeals, places, industries,
#: technologies, a dated target, a statistic, an event, a quote) and a newspaper article
#: (title, authors, their affiliation). Extracted when a worker starts (:func:`warm_up`).
WARM_UP_TEXTS = (
    "国务院关于深入实施“人工智能+”行动的意见\n"
    "国发〔2025〕11号\n"
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
    "为贯彻落实党的二十届四中全会精神和《中华人民共和国科学技术进步法》，"
    "根据《新一代人工智能发展规划》，现提出如下意见。\n"
    "到2027年，新一代智能终端、智能体等应用普及率超70%，建设不少于10个科学数据库。"
    "2024年全国粮食产量达到14130亿斤，比上年增长1.6%。\n"
    "北京市、广东省深圳市要推动新能源汽车产业和集成电路、5G、大数据技术发展。\n"
    "国家发展改革委主任郑栅洁表示：“要加快建设全国统一大市场。”\n"
    "本意见自发布之日起施行，《国务院关于积极推进“互联网+”行动的指导意见》同时废止。\n"
    "国务院\n2025年8月21日\n",
    "\n\n人工智能赋能新质生产力\n\n刘 晖 任晓刚\n\n"
    "人工智能正在重塑生产生活方式。习近平总书记强调，“要推动人工智能健康有序发展”。\n\n"
    "（作者均系北京市习近平新时代中国特色社会主义思想研究中心研究员）\n",
)


def warm_up() -> None:
    """Make a worker ready before its first document: jieba's dictionary, and what the
    extractors load or compile the first time they run (vocabularies, patterns: 0.2 s).
    A build starts its first worker before it knows what to extract, so an update that
    adds one document gets it extracted in 0.03 s instead of 0.25 s."""
    tokenizer()
    for i, text in enumerate(WARM_UP_TEXTS):
        name = f"warm-up-{i}.txt"
        extract_bytes(Source(Path(name), name, None), text.encode("utf-8"))


def map_one(source: Source, data: bytes, megabytes: int | None) -> Mapped:
    """:func:`extract_bytes` as a budgeted worker's task (a name workers.run resolves)."""
    return extract_bytes(source, data, megabytes)


#: The budgeted worker a Dask worker keeps between batches (see :class:`workers.Pool`).
_POOL = workers.Pool()


def map_batch(
    items: list[tuple[Source, bytes]], seconds: float | None, megabytes: int | None
) -> tuple[list[Mapped], str]:
    """The map step of several documents, on one machine, with each document's budgets:
    the same budgeted worker processes as a local build (:func:`workers.run`, one worker),
    so a document over its time or memory budget is stopped and the others go on. With no
    budget the documents are extracted in this process. A batch, not one document per
    call, and the budgeted worker is kept for the next batch: starting one costs about a
    second (Python, jieba's dictionary).
    Returns the results with this machine's extractor version: a worker that runs other
    code must not fill the caller's cache under the caller's keys."""
    version = extractor_version()
    if seconds is None and megabytes is None:
        warm_up()
        return [extract_bytes(source, data) for source, data in items], version
    mapped: list[Mapped] = []
    for index, value in workers.run(
        map_one,
        [(source, data, megabytes) for source, data in items],
        jobs=1,
        init=warm_up,
        seconds=seconds,
        megabytes=megabytes,
        pool=_POOL,
    ):
        if isinstance(value, workers.Failure):
            value = failure_mapped(items[index][0], value)
        mapped.append(value)
    return mapped, version
