"""The Python API's composed calls: the stages put together as the command line uses them.

A stage never imports a later one, so the pipeline does not know the views: ``build`` and
``merge`` here hand it the default views (view/defaults.py) unless ``views=False``.
:class:`Store` (``pg.open("exports")``) carries a built store's path to query, view,
export, push and serve. The other names of ``import policygraph as pg`` are the stages'
own functions, which take the path as ``store=`` (default ``exports/store``).
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from policygraph.errors import StoreMissing
from policygraph.export import export as _export
from policygraph.pipeline.build import BuildResult, ViewWriter
from policygraph.pipeline.build import build as _pipeline_build
from policygraph.pipeline.merge import merge as _pipeline_merge
from policygraph.query.sparql import Result, query_text, run_query
from policygraph.query.update import UpdateResult, run_update
from policygraph.store import DEFAULT_OUT, store_path
from policygraph.store.oxigraph import merged_graph, open_store, rdflib_dataset

if TYPE_CHECKING:
    import pyoxigraph as ox
    import rdflib

    from policygraph.export.push import PushResult
    from policygraph.serve.server import Server


def _writer(views: bool) -> ViewWriter | None:
    if not views:
        return None
    # Imported only when views are written (networkx and the layouts: 0.1 s of start-up).
    from policygraph.view.defaults import write_default_views

    return write_default_views


def build(
    inputs: Sequence[Path] = (Path("seeds"),),
    out: Path = DEFAULT_OUT,
    *,
    views: bool = True,
    **options: Any,
) -> BuildResult:
    """Build the graph of ``inputs`` into ``out`` with the default views (``views=False``:
    none). ``options`` are those of :func:`policygraph.pipeline.build.build`: ``strict``,
    ``jobs``, ``progress``, ``follow_links``, ``doc_timeout``, ``doc_memory``,
    ``executor``, ``scheduler``."""
    return _pipeline_build(inputs, out, views=_writer(views), **options)


def merge(
    parts: Sequence[Path],
    out: Path = DEFAULT_OUT,
    *,
    views: bool = True,
    **options: Any,
) -> BuildResult:
    """Merge the output folders ``parts`` into ``out`` as one build of all their documents,
    with the default views (``views=False``: none); ``options``: ``jobs``, ``progress``."""
    return _pipeline_merge(parts, out, views=_writer(views), **options)


class Store:
    """A built graph: the store of an output folder, to query, view, export, push and serve.

    ``path`` is the output folder of a build (``exports``) or its store folder
    (``exports/store``). Each method is the stage's own function with ``store=`` filled in;
    it opens the store when called, read-only but for :meth:`update`, so a ``Store`` sees
    each new build of its folder."""

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_OUT) -> None:
        given = Path(path)
        self.path = given if (given / "CURRENT").is_file() else store_path(given)
        if not (self.path / "CURRENT").is_file():
            raise StoreMissing(
                f"{given}: no policygraph store here nor in {self.path}; run pg.build() first"
            )

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    def query(
        self,
        sparql: str | None = None,
        *,
        name: str | None = None,
        file: Path | None = None,
        params: Mapping[str, str] | None = None,
        allow_remote: bool = False,
    ) -> Result:
        """Run a read-only query: ``sparql``, a saved query by ``name`` (with ``params``) or
        the query in ``file``. ``.rows()``, ``.serialize(fmt)`` or ``.raw`` give the answer."""
        text = query_text(sparql, file=file, name=name)
        return run_query(text, store=self.path, params=params, allow_remote=allow_remote)

    def update(self, sparql: str, *, allow_remote: bool = False) -> UpdateResult:
        """Apply a SPARQL Update to the named graphs (see :func:`policygraph.run_update`)."""
        return run_update(sparql, store=self.path, allow_remote=allow_remote)

    def view(self, **options: Any) -> Path:
        """Write an HTML view and return its path; ``options`` are those of
        :func:`policygraph.write_view`: ``entity``, ``depth``, ``sparql``, ``timeline``,
        ``lineage``, ``indicator``, ``indicators``, ``max_nodes``, ``out`` (default:
        ``views/`` beside the store)."""
        from policygraph.view.from_store import write_view

        return write_view(store=self.path, **options)

    @overload
    def export(self, fmt: str, out: None = None) -> bytes: ...
    @overload
    def export(self, fmt: str, out: str | os.PathLike[str]) -> Path: ...
    def export(self, fmt: str, out: str | os.PathLike[str] | None = None) -> bytes | Path:
        """Write the graph in ``fmt`` (a name of :data:`policygraph.export.FORMATS`) to the
        file ``out`` and return its path, or return the bytes when ``out`` is omitted."""
        if out is None:
            buffer = io.BytesIO()
            _export(fmt, store=self.path, out=buffer)
            return buffer.getvalue()
        _export(fmt, store=self.path, out=Path(out))
        return Path(out)

    def push(self, endpoint: str, **options: Any) -> PushResult:
        """Load the graph into a Graph Store Protocol server; ``options`` are those of
        :func:`policygraph.export.push.push`."""
        from policygraph.export.push import push

        return push(endpoint, store=self.path, **options)

    def serve(self, **options: Any) -> int:
        """Serve the store as a SPARQL endpoint and explorer until Ctrl-C; ``options`` are
        those of :func:`policygraph.serve.server.start` (``port``, ``writable``, …)."""
        from policygraph.serve.server import serve

        return serve(self.path, **options)

    def serving(self, **options: Any) -> AbstractContextManager[Server]:
        """A server for the duration of a ``with`` block (a notebook's): ``server.url``."""
        from policygraph.serve.server import running

        return running(self.path, **options)

    def oxigraph(self) -> ox.Store:
        """The store itself, opened read-only: pyoxigraph's API."""
        return open_store(self.path)

    def dataset(self) -> rdflib.Dataset:
        """The store under rdflib's API (through oxrdflib)."""
        return rdflib_dataset(self.path)  # type: ignore[no-any-return]

    def graph(self) -> rdflib.Graph:
        """The triples extracted from the documents as one in-memory rdflib graph."""
        return merged_graph(open_store(self.path))


def open(path: str | os.PathLike[str] = DEFAULT_OUT) -> Store:
    """The store of the output folder ``path`` (default ``exports``) or the store folder
    itself: ``pg.open("exports").query("SELECT …").rows()``."""
    return Store(path)


__all__ = ["BuildResult", "Store", "build", "merge", "open"]
