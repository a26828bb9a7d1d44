"""The views a build leaves under ``views/``.

``build`` calls :func:`write_default_views` with the finished store and a folder; what is
drawn, and how it stays readable at corpus scale, is decided here and not in the build.
The views are computed on the store by SPARQL, so a corpus is never loaded into rdflib.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

#: File names of the default views, also what ``policygraph view`` writes by default.
OVERVIEW = "overview.html"
TIMELINE = "timeline.html"
#: The list of indicators with a sparkline each, and the one page that charts them all.
INDICATORS = "indicators.html"
INDICATOR_CHARTS = "indicator-charts.html"
#: One indicator's chart (``policygraph view --indicator``).
INDICATOR = "indicator.html"


def write_default_views(store: ox.Store, folder: Path) -> list[Path]:
    """Write the default views of ``store`` into ``folder``; returns the files written."""
    from policygraph.view.chart import write_store_indicators
    from policygraph.view.html import write_store_overview, write_timeline

    return [
        write_store_overview(store, folder / OVERVIEW),
        write_timeline(store, folder / TIMELINE),
        *write_store_indicators(store, folder / INDICATORS, folder / INDICATOR_CHARTS),
    ]
