"""``export``: the graph in other formats, written atomically or to a stream.

RDF formats come straight from the store's serializers (sorted, so byte-stable); JSON-LD
from Oxigraph too; GraphML, GEXF and CSV go through networkx (:mod:`.networkx_formats`).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, BinaryIO, cast

import pyoxigraph as ox

from policygraph._callable import make_callable
from policygraph.errors import InputError
from policygraph.namespaces import PREFIXES
from policygraph.store.oxigraph import merged_graph, open_store
from policygraph.store.serialize import RDF_FORMATS, atomic_file, sorted_triples, write_rdf

FORMATS = ("ttl", "trig", "nt", "nq", "jsonld", "graphml", "gexf", "csv")


def export(fmt: str, *, store: Path = Path("exports/store"), out: Path | IO[bytes]) -> None:
    """Write the graph in ``fmt`` to ``out`` (a path, replaced atomically, or a binary stream)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format '{fmt}'; choose one of {', '.join(FORMATS)}")
    db = open_store(store)
    if isinstance(out, Path):
        with atomic_file(out) as f:
            _write(fmt, db, f)
    else:
        _write(fmt, db, out)
        out.flush()


def _write(fmt: str, db: ox.Store, out: IO[bytes]) -> None:
    if fmt in RDF_FORMATS:
        write_rdf(db, out, fmt)
    elif fmt == "jsonld":
        ox.serialize(sorted_triples(db), out, ox.RdfFormat.JSON_LD, prefixes=PREFIXES)
    else:
        from policygraph.export import networkx_formats as nxf

        graph = merged_graph(db)
        if fmt == "graphml":
            nxf.write_graphml(graph, cast(BinaryIO, out))
        elif fmt == "gexf":
            nxf.write_gexf(graph, cast(BinaryIO, out))
        else:
            import io

            text = io.StringIO()
            nxf.write_csv(graph, text)
            out.write(text.getvalue().encode("utf-8"))


# `pg.export(...)` works whatever was imported first (see _callable.py).
make_callable(__name__, export)
