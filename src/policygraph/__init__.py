"""policygraph: Chinese policy texts → an RDF knowledge graph you can query, view and export.

The same things the command line does, from Python::

    import policygraph as pg
    result = pg.build(["seeds"], "exports")        # extract, store, Turtle, TriG, views
    store = pg.open("exports")                     # the built store (or pg.open("exports/store"))
    rows = store.query("SELECT ?p WHERE { ?p a pgo:Policy }").rows()
    rows = store.query(name="targets", params={"policy": "北京市"}).rows()   # a saved query
    page = store.view(entity="习近平", depth=2)     # an HTML page, its path returned
    store.export("graphml", out="graph.graphml")   # a name in policygraph.export.FORMATS
    nt = store.export("nt")                        # no out: the bytes
    dataset = store.dataset()                      # the store under rdflib's API

A :class:`Store` only carries the path: each method is the stage's function with ``store=``
filled in (``pg.run_query``, ``pg.write_view``, ``pg.export``, … take ``store=``, default
``exports/store``). Errors are :mod:`policygraph.errors`; their messages name these
functions' arguments (``entity=``), as the command line's name its flags (``--entity``).

Names are imported on first use, so ``import policygraph`` (and the CLI's ``--help``) stay fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "build": "policygraph.api",
    "open": "policygraph.api",
    "Store": "policygraph.api",
    "BuildResult": "policygraph.pipeline.build",
    "merge": "policygraph.api",
    "run_query": "policygraph.query.sparql",
    "run_update": "policygraph.query.sparql",
    "saved_queries": "policygraph.query.sparql",
    "write_view": "policygraph.view.from_store",
    "export": "policygraph.export",
    "evaluate": "policygraph.evaluate",
    "open_store": "policygraph.store.oxigraph",
    "rdflib_dataset": "policygraph.store.oxigraph",
    "merged_graph": "policygraph.store.oxigraph",
    "load_document": "policygraph.text.loader",
    "find_sources": "policygraph.text.loader",
}

if TYPE_CHECKING:
    from policygraph.api import Store, build, merge
    from policygraph.api import open as open  # re-exported, not in __all__
    from policygraph.evaluate import evaluate
    from policygraph.export import export
    from policygraph.pipeline.build import BuildResult
    from policygraph.query.sparql import run_query, run_update, saved_queries
    from policygraph.store.oxigraph import merged_graph, open_store, rdflib_dataset
    from policygraph.text.loader import find_sources, load_document
    from policygraph.view.from_store import write_view

# ``open`` is left out: ``from policygraph import *`` must not shadow the built-in.
__all__ = [
    "BuildResult",
    "Store",
    "build",
    "evaluate",
    "export",
    "find_sources",
    "load_document",
    "merge",
    "merged_graph",
    "open_store",
    "rdflib_dataset",
    "run_query",
    "run_update",
    "saved_queries",
    "write_view",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        # ``export`` and ``evaluate`` are packages that call as their function (see
        # _callable.py): the package itself, the same object the import binds here.
        module = import_module(_EXPORTS[name])
        return module if module.__name__ == f"policygraph.{name}" else getattr(module, name)
    raise AttributeError(f"module 'policygraph' has no attribute {name!r}")
