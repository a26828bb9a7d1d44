"""The per-document extraction cache that makes rebuilds incremental and builds streaming.

Each extracted document is pickled to ``<cache>/<key>.pkl``, where the key is the sha256 of
the extractor version, the document's name, its manifest entry and its raw bytes: the same
key means the extractors would find exactly the same facts, so a rebuild loads them instead
of running jieba and the rules again. A file holds two pickles: a small header (what the
corpus-wide label decisions need) and then the extraction, so a build can read every
header first and each extraction later, one at a time, without holding them all in memory.

The cache lives in the user's own output folder and is only ever read back by the build
that wrote it; a file that cannot be read (a crash mid-write cannot produce one, since files
are renamed into place, but a disk can) is treated as missing and extracted again.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from importlib import metadata
from pathlib import Path

from policygraph.model import EntityRef
from policygraph.rdf.builder import Extraction, labelled, self_policy, shared_entities
from policygraph.resolve.summary import Summary
from policygraph.rules.vocab import ontology_dir
from policygraph.text.document import Document
from policygraph.text.loader import Source

SUFFIX = ".pkl"


@dataclass(frozen=True, slots=True)
class Header:
    """What the reduce (``resolve/``) needs from one document: its label votes, the
    shared entities its graph declares and the policy it is, if any."""

    doc_id: str
    votes: tuple[tuple[EntityRef, str, int], ...]
    self_policy: EntityRef | None
    entities: tuple[EntityRef, ...] = ()

    def summary(self) -> Summary:
        return Summary.of(self.doc_id, self.votes, self.entities, self.self_policy)


def header_of(ex: Extraction) -> Header:
    counts = Counter(labelled(ex))
    votes = tuple((ref, label, n) for (ref, label), n in counts.items())
    entities = tuple(sorted(shared_entities(ex), key=lambda r: (r.cls, r.key)))
    return Header(ex.doc.id, votes, self_policy(ex.doc), entities)


#: What extraction depends on, relative to the package: the extractors, the text layer,
#: the rule word lists, and the modules they share; plus this module and the builder's
#: vote counting, whose output the cache stores. Views, queries and the CLI are not here:
#: changing them must not cost a re-extraction of the corpus.
EXTRACTION_CODE = (
    "text",
    "rules",
    "extract",
    "model.py",
    "namespaces.py",
    "errors.py",
    "pipeline/cache.py",
    "rdf/builder.py",
    "rdf/iris.py",
    "resolve/summary.py",
    "resolve/indicators.py",
    # a document's chunk of the outputs is cached under the same key (store/chunks.py)
    "store/chunks.py",
    "store/oxigraph.py",
)


@cache
def extractor_version() -> str:
    """A digest of everything extraction depends on: :data:`EXTRACTION_CODE`, the
    ontology and vocabularies, and the versions of Python and jieba. Any change to them
    invalidates the whole cache (over-invalidating is cheap; a stale fact is not)."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    paths = [(package, package / name) for name in EXTRACTION_CODE]
    paths.append((ontology_dir(), ontology_dir()))
    for root, top in paths:
        files = sorted(top.rglob("*")) if top.is_dir() else [top]
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    digest.update(sys.version.encode())
    digest.update(metadata.version("jieba").encode())
    return digest.hexdigest()


def source_key(source: Source, data: bytes | None = None) -> str:
    """The cache key of one input file (reads its bytes, unless they are ``data``)."""
    digest = hashlib.sha256()
    digest.update(extractor_version().encode())
    digest.update(b"\0" + source.name.encode() + b"\0" + repr(source.entry).encode() + b"\0")
    digest.update(source.path.read_bytes() if data is None else data)
    return digest.hexdigest()


class ExtractionCache:
    """Extractions on disk, one file per document, keyed by :func:`source_key`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, key: str) -> Path:
        return self.folder / f"{key}{SUFFIX}"

    def save(self, key: str, ex: Extraction) -> Header:
        """Write ``ex`` under ``key`` (atomically: a temporary file renamed into place)."""
        return self.save_payload(key, serialize(ex))

    def save_payload(self, key: str, payload: bytes) -> Header:
        """Write the bytes of :func:`serialize` under ``key``, as :meth:`save` does:
        the map step may run on another machine and send these bytes back."""
        header = payload_header(payload)
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(payload)
            os.replace(tmp, self.path(key))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return header

    def header(self, key: str) -> Header | None:
        """The header cached under ``key``; None when there is none or it is unreadable."""
        try:
            with self.path(key).open("rb") as f:
                header = pickle.load(f)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, TypeError):
            return None
        return header if isinstance(header, Header) else None

    def load(self, key: str) -> Extraction:
        with self.path(key).open("rb") as f:
            pickle.load(f)  # the header
            ex = pickle.load(f)
        if not isinstance(ex, Extraction):
            raise TypeError(f"{self.path(key)}: not an extraction")
        return ex

    def keys(self) -> frozenset[str]:
        """The keys with an extraction on disk now, from one listing of the folder (an
        update asks of every document: 3,000 ``stat`` calls cost it 0.07 s)."""
        try:
            names = os.listdir(self.folder)
        except OSError:
            return frozenset()
        return frozenset(n[: -len(SUFFIX)] for n in names if n.endswith(SUFFIX))

    def prune(self, keep: Iterable[str]) -> None:
        """Remove every cached file but ``keep``, and temporary files left by a killed build."""
        if not self.folder.is_dir():
            return
        keep = list(keep)
        # the extraction, and the chunk of the outputs made from it (store/chunks.py)
        wanted = {f"{key}{SUFFIX}" for key in keep} | {f"{key}.chunk" for key in keep}
        for path in self.folder.iterdir():
            if path.name not in wanted:
                path.unlink(missing_ok=True)


def serialize(ex: Extraction) -> bytes:
    """The bytes of a cache file for ``ex``: its header, then the slim extraction."""
    # The text and layout blocks are what the extractors read; the graph needs only the
    # facts (each mention carries its surface and sentence) and the document metadata.
    slim = Extraction(_slim(ex), ex.facts)
    f = io.BytesIO()
    pickle.dump(header_of(ex), f, protocol=pickle.HIGHEST_PROTOCOL)
    pickle.dump(slim, f, protocol=pickle.HIGHEST_PROTOCOL)
    return f.getvalue()


def payload_header(payload: bytes) -> Header:
    """The header at the start of the bytes of :func:`serialize` (the rest is not read)."""
    header = pickle.Unpickler(io.BytesIO(payload)).load()
    if not isinstance(header, Header):
        raise TypeError("not an extraction's header")
    return header


def _slim(ex: Extraction) -> Document:
    return replace(ex.doc, text="", blocks=[])
