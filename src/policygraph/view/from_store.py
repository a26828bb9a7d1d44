"""Views straight from the store: what ``policygraph view`` and ``build`` call."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from policygraph.errors import InputError, QueryError
from policygraph.namespaces import PREFIXES
from policygraph.query.sparql import run_query
from policygraph.store import DEFAULT_STORE
from policygraph.store.oxigraph import from_ox, merged_graph, open_store
from policygraph.view.defaults import (
    INDICATOR,
    INDICATOR_CHARTS,
    INDICATORS,
    OVERVIEW,
    TIMELINE,
)


def write_view(
    *,
    store: Path = DEFAULT_STORE,
    entity: str | None = None,
    depth: int = 1,
    sparql: str | None = None,
    timeline: bool = False,
    max_nodes: int = 300,
    out: Path | None = None,
    lineage: str | None = None,
    indicator: str | None = None,
    indicators: bool = False,
) -> Path:
    """Write one view: a query result (``sparql``), an entity's neighbourhood (``entity``),
    the policy targets timeline (``timeline``), or else the overview of the most connected
    ``max_nodes`` entities, or a policy's lineage (``lineage``: what it rests on, implements,
    amends and repeals, ``depth`` links out, by rank), an indicator's chart of targets and
    outcomes by year (``indicator``: a label or alias), or the list of indicators with a
    sparkline each (``indicators``; its chart page is written beside it). Returns the HTML
    file written; by default it goes to ``views/`` beside the store (``exports/views/``)."""
    from policygraph.view.html import (
        write_neighbourhood,
        write_query_result,
        write_store_overview,
        write_timeline,
    )

    if sum(x is not None for x in (entity, sparql, lineage, indicator)) + timeline + indicators > 1:
        raise InputError(
            "draw one view at a time: give only one of entity=, sparql=, lineage=, "
            "timeline=, indicator=, indicators="
        )
    if timeline and (entity is not None or sparql is not None):
        raise InputError("timeline=True draws every policy; leave out entity= and sparql=")
    if max_nodes < 1:
        raise InputError(f"max_nodes={max_nodes}: must be at least 1")
    folder = store.parent / "views"
    opened = open_store(store)
    # The overview and the timeline read the store by SPARQL; the other two still need the
    # whole graph in rdflib for labels and neighbourhoods.
    if timeline:
        return write_timeline(opened, out or folder / TIMELINE)
    if indicator is not None or indicators:
        from policygraph.view.chart import write_store_indicator, write_store_indicators

        if indicator is not None:
            return write_store_indicator(opened, indicator, out or folder / INDICATOR)
        path = out or folder / INDICATORS
        return write_store_indicators(opened, path, path.parent / INDICATOR_CHARTS)[0]
    if lineage is not None:
        from policygraph.view.lineage import write_lineage

        return write_lineage(opened, lineage, out or folder / "lineage.html", depth=depth)
    if entity is None and sparql is None:
        return write_store_overview(opened, out or folder / OVERVIEW, max_nodes=max_nodes)
    graph = merged_graph(opened)
    if sparql is not None:
        result = run_query(sparql, store=store).raw
        path = out or folder / "query.html"
        if isinstance(result, ox.QueryTriples):
            from rdflib import Graph

            g = Graph()
            for t in result:
                g.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))  # type: ignore[arg-type]
            return write_query_result(g, path, context=graph)
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            if len(names) < 2:
                raise QueryError("a SELECT to view needs two columns: subject and object")
            pairs = [
                tuple(from_ox(row[n]) for n in names[:3] if row[n] is not None) for row in result
            ]
            return write_query_result([p for p in pairs if len(p) >= 2], path, context=graph)  # type: ignore[misc]
        raise QueryError("an ASK query has nothing to draw; use CONSTRUCT or SELECT")
    path = out or folder / "entity.html"
    return write_neighbourhood(graph, expand_name(entity or ""), depth, path)


def expand_name(name: str) -> str:
    """``<IRI>`` and prefixed names (``industry:数字经济``) as full IRIs; labels unchanged."""
    name = name.strip()
    if name.startswith("<") and name.endswith(">"):
        return name[1:-1]
    prefix, sep, local = name.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return name
