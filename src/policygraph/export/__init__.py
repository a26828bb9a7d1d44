"""``export``: the graph in other formats, written atomically or to a stream.

Every format is registered by name in :data:`FORMATS`, the one table the command line's
``export --format`` choices are read from. RDF formats come straight from the store's
serializers (sorted, so byte-stable); JSON-LD from Oxigraph too; GraphML, GEXF and CSV go
through networkx (:mod:`.networkx_formats`). This module imports its writers' libraries
only when one runs, so that the command line can read the table and still start fast.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO, cast

from policygraph._callable import make_callable
from policygraph.errors import InputError
from policygraph.store import DEFAULT_STORE

if TYPE_CHECKING:
    import pyoxigraph as ox

#: The server's default graph on push: replace it, add to it, or leave it (export/push.py).
DEFAULT_GRAPH_MODES = ("replace", "add", "skip")


@dataclass(frozen=True)
class ExportFormat:
    """A format ``export`` writes: what it holds, and the writer (store, binary stream)."""

    name: str
    description: str
    write: Callable[[ox.Store, IO[bytes]], None]


def _rdf(fmt: str) -> Callable[[ox.Store, IO[bytes]], None]:
    def write(db: ox.Store, out: IO[bytes]) -> None:
        from policygraph.store.serialize import write_rdf

        write_rdf(db, out, fmt)

    return write


def _jsonld(db: ox.Store, out: IO[bytes]) -> None:
    import pyoxigraph as ox

    from policygraph.namespaces import PREFIXES
    from policygraph.store.serialize import sorted_triples

    ox.serialize(sorted_triples(db), out, ox.RdfFormat.JSON_LD, prefixes=PREFIXES)


def _graphml(db: ox.Store, out: IO[bytes]) -> None:
    from policygraph.export import networkx_formats as nxf
    from policygraph.store.oxigraph import merged_graph

    nxf.write_graphml(merged_graph(db), cast(BinaryIO, out))


def _gexf(db: ox.Store, out: IO[bytes]) -> None:
    from policygraph.export import networkx_formats as nxf
    from policygraph.store.oxigraph import merged_graph

    nxf.write_gexf(merged_graph(db), cast(BinaryIO, out))


def _csv(db: ox.Store, out: IO[bytes]) -> None:
    import io

    from policygraph.export import networkx_formats as nxf
    from policygraph.store.oxigraph import merged_graph

    text = io.StringIO()
    nxf.write_csv(merged_graph(db), text)
    out.write(text.getvalue().encode("utf-8"))


#: Every export format by name, in the order ``--help`` lists them. A new format is one
#: writer and one line here; the command line offers it at once.
FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("ttl", "Turtle: every triple, the named graphs merged", _rdf("ttl")),
        ExportFormat("trig", "TriG: one named graph per document", _rdf("trig")),
        ExportFormat("nt", "N-Triples: every triple, merged", _rdf("nt")),
        ExportFormat("nq", "N-Quads: one named graph per document", _rdf("nq")),
        ExportFormat("jsonld", "JSON-LD: every triple, merged", _jsonld),
        ExportFormat("graphml", "GraphML: entities and relations (Gephi, yEd)", _graphml),
        ExportFormat("gexf", "GEXF: entities and relations (Gephi)", _gexf),
        ExportFormat("csv", "CSV: one relation between two entities a row", _csv),
    )
}


def export(fmt: str, *, store: Path = DEFAULT_STORE, out: Path | IO[bytes]) -> None:
    """Write the graph in ``fmt`` (a name in :data:`FORMATS`) to ``out`` (a path, replaced
    atomically, or a binary stream)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format '{fmt}'; choose one of {', '.join(FORMATS)}")
    from policygraph.store.oxigraph import open_store
    from policygraph.store.serialize import atomic_file

    write = FORMATS[fmt].write
    db = open_store(store)
    if isinstance(out, Path):
        with atomic_file(out) as f:
            write(db, f)
    else:
        write(db, out)
        out.flush()


# `pg.export(...)` works whatever was imported first (see _callable.py).
make_callable(__name__, export)
