"""Export the entity graph as GraphML, GEXF or an edge-list CSV, through networkx.

These formats hold the drawn graph (entities and the relations between them), not every
triple: use Turtle or TriG for that. Output is deterministic for a given graph.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import BinaryIO, TextIO

import networkx as nx
import rdflib
from networkx.readwrite.gexf import GEXFWriter

from policygraph.store.serialize import atomic_file
from policygraph.view.network import rdf_to_networkx

CSV_HEADER = (
    "source",
    "source_label",
    "source_class",
    "predicate",
    "target",
    "target_label",
    "target_class",
)


def flat_graph(graph: rdflib.Graph) -> nx.MultiDiGraph:
    """The entity graph with only the attribute types GraphML and GEXF can hold.

    Lists become one string joined with newlines, ``None`` values are dropped, keys are strings.
    """
    source = rdf_to_networkx(graph)
    flat: nx.MultiDiGraph = nx.MultiDiGraph()
    for node, data in source.nodes(data=True):
        flat.add_node(node, **_flatten(data))
    for u, v, key, data in source.edges(keys=True, data=True):
        flat.add_edge(u, v, key=str(key), **_flatten(data))
    return flat


def _flatten(data: dict[str, object]) -> dict[str, str | int | float | bool]:
    flat: dict[str, str | int | float | bool] = {}
    for name, value in data.items():
        if value is None:
            continue
        if isinstance(value, list | tuple | set):
            flat[name] = "\n".join(str(v) for v in value)
        elif isinstance(value, str | int | float | bool):
            flat[name] = value
        else:
            flat[name] = str(value)
    return flat


def write_graphml(graph: rdflib.Graph, out: BinaryIO | Path | str) -> None:
    """The entity graph as GraphML (UTF-8), to a binary stream or a file path."""
    buffer = io.BytesIO()
    nx.write_graphml(flat_graph(graph), buffer, encoding="utf-8", prettyprint=True)
    _emit(buffer.getvalue(), out)


def write_gexf(graph: rdflib.Graph, out: BinaryIO | Path | str) -> None:
    """The entity graph as GEXF 1.2 (UTF-8), to a binary stream or a file path."""
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:
        # networkx stamps today's date here, which would make every export differ.
        meta.attrib.pop("lastmodifieddate", None)
        creator = meta.find("creator")
        if creator is not None:
            creator.text = "policygraph"
    writer.add_graph(flat_graph(graph))
    buffer = io.BytesIO()
    writer.write(buffer)
    _emit(buffer.getvalue(), out)


def write_csv(graph: rdflib.Graph, out: TextIO | Path | str) -> None:
    """One row per relation between entities, sorted, with a header row (UTF-8 for paths).

    Columns: source, source_label, source_class, predicate, target, target_label, target_class.
    """
    g = rdf_to_networkx(graph)
    rows = sorted(
        (
            u,
            str(g.nodes[u].get("label", "")),
            str(g.nodes[u].get("cls", "")),
            str(data.get("predicate", key)),
            v,
            str(g.nodes[v].get("label", "")),
            str(g.nodes[v].get("cls", "")),
        )
        for u, v, key, data in g.edges(keys=True, data=True)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(rows)
    if isinstance(out, str | os.PathLike):
        _emit(buffer.getvalue().encode("utf-8"), out)
    else:
        out.write(buffer.getvalue())


def _emit(data: bytes, out: BinaryIO | Path | str) -> None:
    if isinstance(out, str | os.PathLike):
        with atomic_file(Path(out)) as handle:
            handle.write(data)
    else:
        out.write(data)
