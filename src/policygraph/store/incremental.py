"""Updating the previous build's store in place of loading every graph again.

A build into a folder that already holds one starts its new store as a checkpoint of the
previous generation's (RocksDB hard-links its immutable files: 0.2 s for the 955 MB store
of the bulk corpus), then replaces only what changed: the graphs of documents added,
changed or removed, and the corpus-level graphs, which follow from all of them. The store
then holds the same quads as a clean build of the same input, and the files are assembled
from the same chunks (store/chunks.py), so they are the same bytes.

The default graph is the merge of the named graphs (store/oxigraph.py says why it is
materialised). Removing a graph's triple from it is right only when no other graph states
that triple, so every triple that leaves a graph is looked up across the others first.

A store written after its build (``policygraph update``, ``serve --writable``) is marked
(:data:`EDITED`): its document graphs may no longer be what the cache says, and a clean
build would drop such edits, so the next build loads afresh too, and keeps the user's own
graphs as it always does.

Each generation records which document graph came from which cache key
(:data:`GRAPHS`), so the next build knows which graphs to replace. Without that record,
with another extractor version, or when most documents changed, a build loads every graph
afresh: a bulk load is then quicker than many replacements.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from policygraph.store.chunks import nquads

log = logging.getLogger(__name__)

#: ``{"version": extractor version, "graphs": {graph IRI: cache key}}`` in a generation.
GRAPHS = "graphs.json"
#: A file beside a generation's store: something other than a build wrote the store.
EDITED = "edited"
#: Above this share of documents added, changed or removed (and more than MIN_CHANGED of
#: them), a clean load is quicker.
MAX_CHANGED = 0.25
MIN_CHANGED = 10
#: Up to this many bytes of N-Quads, a replaced graph's new triples are written in one
#: transaction: 0.047 s for a work report's 1.4 MB, where the bulk loader takes 0.077 s
#: (it writes and ingests sorted files, about 70 ms whatever the size). Above, the
#: transaction would hold it all in memory.
TRANSACTION_BYTES = 16 * 2**20


def mark_edited(store: Path) -> None:
    """Note that ``store`` (a generation's store folder) is being written after its build."""
    # (a store outside a build folder, or a read-only one: nothing to mark)
    with contextlib.suppress(OSError):
        (store.parent / EDITED).touch()


def record(gen: Path, version: str, graphs: dict[str, str]) -> None:
    """Write the generation's record of its document graphs."""
    data = {"version": version, "graphs": dict(sorted(graphs.items()))}
    (gen / GRAPHS).write_text(json.dumps(data, ensure_ascii=False, indent=0), "utf-8")


def recorded(gen: Path, version: str) -> dict[str, str] | None:
    """The previous generation's graphs and their keys, when it was built by this
    extractor version and its store is there; else None (build afresh)."""
    try:
        data = json.loads((gen / GRAPHS).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != version:
        return None
    graphs = data.get("graphs")
    if not isinstance(graphs, dict) or not (gen / "store" / "CURRENT").is_file():
        return None
    if (gen / EDITED).exists():
        return None
    return {str(g): str(k) for g, k in graphs.items()}


def worth_it(previous: dict[str, str], current: dict[str, str]) -> bool:
    """Is replacing graphs quicker than loading all of them? (see :data:`MAX_CHANGED`)"""
    changed = sum(previous.get(g) != k for g, k in current.items())
    changed += sum(g not in current for g in previous)
    return changed <= max(MIN_CHANGED, MAX_CHANGED * len(current))


def checkpoint_store(previous: Path, target: Path) -> ox.Store:
    """A writable copy of the store at ``previous`` at ``target`` (hard links where the
    file system allows), opened. The previous store is only read: a server may serve it."""
    ox.Store.read_only(str(previous)).backup(str(target))
    return ox.Store(str(target))


def replace_graph(
    store: ox.Store, graph: str, new: bytes, previous: bytes | None = None
) -> tuple[set[bytes], set[bytes]]:
    """Make the named ``graph`` hold exactly the triples of the N-Triples ``new`` (b"" to
    remove it), and keep the default graph the merge of all graphs. Only the triples that
    differ are written. Returns the lines that left the graph and those that came in.
    ``previous``: the graph's lines now, when the caller knows them (else dumped)."""
    node = ox.NamedNode(graph)
    if previous is None:
        previous = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node) or b""
    old = set(_lines(previous))
    wanted = set(_lines(new))
    gone, added = old - wanted, wanted - old
    if gone:
        triples = list(ox.parse(b"".join(sorted(gone)), ox.RdfFormat.N_TRIPLES))
        if not wanted:
            store.remove_graph(node)
        else:
            for q in triples:
                store.remove(ox.Quad(q.subject, q.predicate, q.object, node))
        _drop_from_default(store, triples)
    if added:
        data = nquads(b"".join(sorted(added)), graph)
        if len(data) <= TRANSACTION_BYTES:
            store.load(data, ox.RdfFormat.N_QUADS, lenient=True)  # one transaction
        else:  # the bulk loader: no transaction held in memory
            store.bulk_load(data, ox.RdfFormat.N_QUADS, lenient=True)
    return gone, added


def touches(lines: Iterable[bytes], reads: tuple[bytes, ...]) -> bool:
    """Does any of the N-Triples ``lines`` hold one of the terms (``<IRI>`` bytes) that a
    derivation reads?"""
    return any(term in line for line in lines for term in reads)


def replace_quads(store: ox.Store, old: Iterable[ox.Quad], new: list[ox.Quad]) -> None:
    """Take the quads ``old`` out of their (corpus-level) graph and put ``new`` in, keeping
    the default graph the merge: a graph derived again by difference."""
    old = list(old)
    for q in old:
        store.remove(q)
    default = ox.DefaultGraph()
    # a transaction, not a bulk load: a few dozen quads (a bulk load costs 70 ms at least)
    store.extend([*new, *(ox.Quad(q.subject, q.predicate, q.object, default) for q in new)])
    now = {(q.subject, q.predicate, q.object) for q in new}
    _drop_from_default(store, (q for q in old if (q.subject, q.predicate, q.object) not in now))


def _drop_from_default(store: ox.Store, triples: Iterable[ox.Quad]) -> None:
    """Remove from the default graph each triple that no named graph states any more."""
    default = ox.DefaultGraph()
    for q in triples:
        named = any(
            not isinstance(other.graph_name, ox.DefaultGraph)
            for other in store.quads_for_pattern(q.subject, q.predicate, q.object, None)
        )
        if not named:
            store.remove(ox.Quad(q.subject, q.predicate, q.object, default))


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)
