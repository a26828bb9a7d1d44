"""SPARQL Update on a built store, kept consistent with how the store is made.

The store keeps every fact twice: in the named graph of the document that states it, and in
the default graph, which is the merge of all named graphs and what queries read (see
:func:`policygraph.store.oxigraph.merge_into_default_graph`). An update therefore writes named
graphs only, and the default graph is derived again afterwards. An update that writes the
default graph itself (``INSERT DATA { <a> <b> <c> }``) would be overwritten by that merge and
lost without a word, so it is refused before anything changes, with the form that works.

What a rebuild keeps: graphs whose name is outside ``https://w3id.org/policygraph/`` are the
user's own, and ``policygraph build`` copies them into every new store. Graphs under that
namespace (documents, ontology, vocabularies) are rebuilt from the input, so edits to them
last only until the next build.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from policygraph.errors import InputError, QueryError
from policygraph.namespaces import PREFIXES
from policygraph.query import guard as sparql_guard
from policygraph.store import DEFAULT_STORE
from policygraph.store.incremental import mark_edited
from policygraph.store.oxigraph import merge_into_default_graph, open_store

_HINT = (
    "write to a named graph instead, e.g. INSERT DATA { GRAPH <urn:my:notes> { … } }; "
    "queries see it at once (the default graph is the merge of the named graphs), and "
    "graphs outside https://w3id.org/policygraph/ survive rebuilds"
)


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """Quads in the named graphs before and after the update."""

    before: int
    after: int

    def summary(self) -> str:
        change = self.after - self.before
        if change == 0:
            what = "no net change in the number of quads"
        else:
            what = f"{abs(change)} quad{'s' if abs(change) != 1 else ''} " + (
                "added" if change > 0 else "removed"
            )
        return f"updated: {what} ({self.before} → {self.after} in the named graphs)"


def default_graph_writes(sparql: str) -> list[str]:
    """The operations of ``sparql`` that would write the default graph, described in a few
    words (empty when it writes named graphs only). Read with rdflib's SPARQL parser, an
    independent reading of the text Oxigraph then runs."""
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    declared = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    try:
        algebra = translateUpdate(parseUpdate(declared + sparql)).algebra
    except Exception:  # rdflib's parser raises several kinds; Oxigraph gives the message
        _oxigraph_syntax_check(sparql)
        raise QueryError(
            "cannot tell which graphs this update writes (the checker could not read it); "
            "write each change inside GRAPH <…> { … }"
        ) from None
    found: list[str] = []

    def field(value: object, key: str) -> object:
        # rdflib's CompValue.get returns the key itself for a missing key, not None.
        return value[key] if key in value else None  # type: ignore[operator,index]  # noqa: SIM401

    for op in algebra:
        name = op.name
        if name in ("InsertData", "DeleteData", "DeleteWhere") and field(op, "triples"):
            words = {"InsertData": "INSERT DATA", "DeleteData": "DELETE DATA"}
            found.append(f"{words.get(name, 'DELETE WHERE')} outside GRAPH")
        elif name == "Modify" and field(op, "withClause") is None:
            for clause in ("insert", "delete"):
                part = field(op, clause)
                if part is not None and field(part, "triples"):
                    found.append(f"{clause.upper()} template outside GRAPH")
        elif name == "Load" and field(op, "graphiri") is None:
            found.append("LOAD without INTO GRAPH")
        elif name in ("Clear", "Drop", "Create") and field(op, "graphiri") == "DEFAULT":
            found.append(f"{name.upper()} DEFAULT")
        elif name in ("Copy", "Move", "Add") and op["graph"][1] == "DEFAULT":
            found.append(f"{name.upper()} … TO DEFAULT")
    return found


#: SPARQL Update that makes the default graph the merge of the named graphs again, for a
#: store held by a server (``serve --writable``), where the Python route cannot run.
RESYNC = b"""
DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } } ;
INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }
"""


def refuse_default_graph_writes(sparql: str) -> None:
    """:class:`QueryError` with the reason and the form that works, when ``sparql`` would
    write the default graph (which policygraph derives from the named graphs)."""
    writes = default_graph_writes(sparql)
    if writes:
        raise QueryError(
            f"refused: this update writes the default graph ({'; '.join(writes)}), which "
            f"policygraph derives from the named graphs, so the change would be lost; {_HINT}"
        )


def _oxigraph_syntax_check(sparql: str) -> None:
    """Oxigraph's own syntax error for ``sparql``, if it has one (run on an empty store in
    memory, so nothing is read or written)."""
    from policygraph.query.sparql import syntax_message

    try:
        ox.Store().update(sparql, prefixes=PREFIXES)
    except SyntaxError as e:
        raise QueryError(f"malformed update: {syntax_message(e.msg, sparql)}") from None
    except OSError:
        pass  # e.g. LOAD of an address: the syntax is fine, that is all this asks


def run_update(
    sparql: str, *, store: Path = DEFAULT_STORE, allow_remote: bool = False
) -> UpdateResult:
    """Apply a SPARQL Update to the named graphs of the store and derive the default graph
    again. Refused (:class:`QueryError`, nothing changed) when it writes the default graph.
    Holds the output folder's build lock, so it never interleaves with a build that would
    copy the user's graphs from a half-updated store. ``LOAD`` and ``SERVICE`` are refused
    unless ``allow_remote`` (see :mod:`policygraph.query.guard`)."""
    sparql_guard.check(sparql, kind="update", allow_remote=allow_remote)
    refuse_default_graph_writes(sparql)
    with _build_lock(store):
        db = open_store(store, read_only=False)
        mark_edited(store.resolve())  # the next build loads afresh (store/incremental.py)
        before = _named_quads(db)
        try:
            db.update(sparql, prefixes=PREFIXES)
        except SyntaxError as e:
            from policygraph.query.sparql import syntax_message

            raise QueryError(f"malformed update: {syntax_message(e.msg, sparql)}") from None
        except OSError as e:
            raise QueryError(f"update failed: {e}") from None
        db.clear_graph(ox.DefaultGraph())
        merge_into_default_graph(db)
        db.flush()
        after = _named_quads(db)
        # Close the database now, under the lock: RocksDB compacts in the background while
        # it is open, and a reader opening the store meanwhile could find a file gone.
        del db
        return UpdateResult(before, after)


def _named_quads(db: ox.Store) -> int:
    rows = db.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    row = next(iter(rows))  # type: ignore[arg-type]
    return int(row["n"].value)  # type: ignore[index]


@contextmanager
def _build_lock(store: Path) -> Iterator[None]:
    """The flock a build holds on its output folder (``OUT/.policygraph/lock``), taken
    without waiting: an update during a build is refused rather than lost."""
    path = store.parent / ".policygraph" / "lock"
    if not path.is_file():
        yield  # a store outside a build folder: nothing else writes it
        return
    fd = os.open(path, os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(
                f"{store.parent}: a build is writing this folder; "
                "run the update when it has finished"
            ) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock
