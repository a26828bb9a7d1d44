"""Byte-for-byte deterministic RDF files from the store.

Oxigraph's serializers are fast but write in index order; we sort the quads first so the
same graph always gives the same bytes, whatever the build order.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from policygraph.graph.outputs import default_mode
from policygraph.namespaces import PREFIXES

#: Export formats served straight from the store, by CLI name.
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
}


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


def write_rdf(store: ox.Store, out: IO[bytes], fmt: str) -> None:
    """Serialize the store in ``fmt`` (``ttl``, ``trig``, ``nt``, ``nq``) to ``out``."""
    rdf_format = RDF_FORMATS[fmt]
    data: Iterable[ox.Triple] | Iterable[ox.Quad]
    data = sorted_quads(store) if rdf_format.supports_datasets else sorted_triples(store)
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    ox.serialize(data, out, rdf_format, prefixes=prefixes)


@contextmanager
def atomic_file(path: Path, mode: str = "wb") -> Iterator[IO]:  # type: ignore[type-arg]
    """Write to a temporary file beside ``path`` and rename it into place on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.chmod(tmp, default_mode(directory=False))
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding, newline="" if encoding else None) as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_rdf_file(store: ox.Store, path: Path, fmt: str) -> Path:
    with atomic_file(path) as f:
        write_rdf(store, f, fmt)
    return path
