"""The views a build leaves under ``views/``.

``build`` calls :func:`write_default_views` with the finished store and a folder; what is
drawn, and how it stays readable at corpus scale, is decided here and not in the build.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from policygraph.graph.store import merged_graph


def write_default_views(store: ox.Store, folder: Path) -> list[Path]:
    """Write the default views of ``store`` into ``folder``; returns the files written."""
    from policygraph.view.html import write_overview

    graph = merged_graph(store)
    return [write_overview(graph, folder / "overview.html")]
