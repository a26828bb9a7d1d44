"""``merge``: one graph from the builds of parts of a corpus, without reading their inputs.

A document's graph depends only on that document (resolve/ says how labels and other
decisions across documents became a reduce step), so the builds of parts of a corpus,
made on one machine or several, hold everything a build of the whole needs: each document's
extraction and summary, its chunk of the outputs and its text. ``merge`` gathers those from
each part's output folder, merges the summaries (in any order: the merge is associative and
commutative) and writes the store, the files and the views as a build of the whole would:
the same bytes.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from policygraph.errors import InputError
from policygraph.namespaces import ID
from policygraph.pipeline.build import (
    BuildResult,
    Corpus,
    Kept,
    Steps,
    ViewWriter,
    chunk_path,
    publish,
)
from policygraph.pipeline.cache import ExtractionCache, extractor_version
from policygraph.resolve.summary import merge_all
from policygraph.store import DEFAULT_OUT, chunks, incremental
from policygraph.store.outputs import CACHE, CURRENT, SOURCES, STATE, OutputFolder
from policygraph.store.texts import TEXTS, text_path

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Part:
    """One part's build: its current generation and the documents it holds."""

    folder: Path
    gen: Path
    documents: dict[str, str]  # file name → cache key


def merge(
    parts: Sequence[Path],
    out: Path = DEFAULT_OUT,
    *,
    views: ViewWriter | None = None,
    jobs: int | None = None,
    progress: bool = False,
) -> BuildResult:
    """Build ``out`` from the output folders ``parts`` of builds of parts of a corpus
    (``policygraph build PART --out DIR`` on each), as a build of all their documents
    would: the same bytes. The parts must be built by this version of policygraph; a
    file name in two parts must have the same contents in both (it is then taken once)."""
    started = time.perf_counter()
    if not parts:
        raise InputError("give at least one part (a folder a build wrote)")
    found = [_part(Path(p)) for p in parts]
    owner: dict[str, tuple[str, _Part]] = {}  # file name → (key, part)
    for part in found:
        for name, key in sorted(part.documents.items()):
            seen = owner.setdefault(name, (key, part))
            if seen[0] != key:
                raise InputError(
                    f"{name}: in {seen[1].folder} and in {part.folder} with different "
                    "contents (or manifest entries); rename one or build them together"
                )
    result = BuildResult(out=out, jobs=max(1, jobs or 1))
    with OutputFolder(out) as folder:
        cache = ExtractionCache(folder.cache)
        folder.cache.mkdir(parents=True, exist_ok=True)
        kept: list[Kept] = []
        texts: dict[str, Path] = {}  # doc id → the part's kept text
        first: dict[str, str] = {}  # sha256 of the bytes → the first name with them
        for name, (key, part) in sorted(owner.items()):
            source = part.folder / STATE / CACHE
            for suffix in (".pkl", chunks.SUFFIX):
                _link(source / f"{key}{suffix}", folder.cache / f"{key}{suffix}")
            header = cache.header(key)
            if header is None:
                raise InputError(f"{part.folder}: the extraction of {name} is not readable")
            digest = _sha256(chunk_path(folder.cache, key))
            if digest is not None and first.setdefault(digest, name) != name:
                log.warning("left out %s: the same bytes as %s", name, first[digest])
                result.duplicates.append((name, first[digest]))
                continue
            kept.append(Kept(header.doc_id, name, key))
            texts[header.doc_id] = text_path(part.gen / TEXTS, header.doc_id)
        summary = merge_all(cache.header(k.key).summary() for k in kept)  # type: ignore[union-attr]

        def keep_texts(gen: Path, previous: Path | None) -> None:
            (gen / TEXTS).mkdir(parents=True, exist_ok=True)
            for doc_id, path in texts.items():
                if path.is_file():
                    _link(path, text_path(gen / TEXTS, doc_id))

        size = sum(chunk_path(folder.cache, k.key).stat().st_size for k in kept)
        corpus = Corpus(kept, summary, size, keep_texts)
        publish(folder, corpus, result, jobs, views=views, progress=progress, step=Steps())
    result.seconds = time.perf_counter() - started
    return result


def _part(folder: Path) -> _Part:
    gen = folder / STATE / CURRENT
    if not gen.is_dir():
        raise InputError(f"{folder}: not the output folder of a build (no {STATE}/{CURRENT})")
    gen = gen.resolve()
    if incremental.recorded(gen, extractor_version()) is None:
        raise InputError(
            f"{folder}: built by another version of policygraph, or written after its "
            "build; build it again with this version"
        )
    try:
        data = json.loads((gen / SOURCES).read_text("utf-8"))
        documents = {str(n): str(k) for n, k in data["documents"].items()}
    except (OSError, ValueError, KeyError, AttributeError):
        raise InputError(
            f"{folder}: its list of documents ({SOURCES}) is missing or damaged"
        ) from None
    return _Part(folder, gen, documents)


def _link(source: Path, target: Path) -> None:
    """Hard-link ``source`` to ``target`` (a copy across file systems); an existing target
    with the same name is the same content (names are content keys)."""
    if target.exists():
        return
    if not source.is_file():
        raise InputError(f"{source}: missing; build that part again")
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


_SHA256 = f"<{ID}doc/".encode()


def _sha256(path: Path) -> str | None:
    """The sha256 of a document's bytes, as its graph states it (``pgo:sha256``)."""
    part = chunks.stored(path)
    if part is None:
        raise InputError(f"{path}: a chunk file is missing or damaged; build that part again")
    for line in part.read("triples").splitlines():
        if line.startswith(_SHA256) and b"ontology#sha256>" in line:
            return line.split(b'"')[1].decode()
    return None
