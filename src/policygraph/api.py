"""The Python API's composed calls: the stages put together as the command line uses them.

A stage never imports a later one, so the pipeline does not know the views: ``build`` and
``merge`` here hand it the default views (view/defaults.py) unless ``views=False``. The
other names of ``import policygraph as pg`` are the stages' own functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from policygraph.pipeline.build import BuildResult, ViewWriter
from policygraph.pipeline.build import build as _pipeline_build
from policygraph.pipeline.merge import merge as _pipeline_merge


def write_default_views(store: ox.Store, folder: Path) -> list[Path]:
    """The default views (view/defaults.py), imported when written: networkx and the view
    modules take 0.3 s to import, which a build without views does not pay."""
    from policygraph.view.defaults import write_default_views as write

    return write(store, folder)


def _writer(views: bool) -> ViewWriter | None:
    return write_default_views if views else None


def build(
    inputs: Sequence[Path] = (Path("seeds"),),
    out: Path = Path("exports"),
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
    out: Path = Path("exports"),
    *,
    views: bool = True,
    **options: Any,
) -> BuildResult:
    """Merge the output folders ``parts`` into ``out`` as one build of all their documents,
    with the default views (``views=False``: none); ``options``: ``jobs``, ``progress``."""
    return _pipeline_merge(parts, out, views=_writer(views), **options)


__all__ = ["BuildResult", "build", "merge"]
