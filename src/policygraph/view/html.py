"""Write interactive HTML views of the graph: one self-contained page that opens offline.

pyvis builds the network (nodes, edges, options); the page itself comes from our own template,
because pyvis 0.3.2's template loads Bootstrap and other files from CDNs even with
``cdn_resources="in_line"`` and writes the file without naming an encoding. vis-network's code
and CSS are inlined from the copy that ships inside pyvis.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
import networkx as nx
import pyoxigraph as ox
import rdflib
from markupsafe import Markup
from pyvis.network import Network

from policygraph.store.serialize import atomic_file
from policygraph.view.fold import FOLDED, counts_text
from policygraph.view.network import (
    CLASS_PRIORITY,
    UNTYPED,
    QueryPair,
    find_node,
    induced_subgraph,
    neighbourhood,
    rdf_to_networkx,
    remove_overlaps,
    result_to_networkx,
    spring_positions,
)

#: Above this many nodes edges are hidden while dragging or zooming, and search centres at once.
LARGE_GRAPH = 300
#: What a query view says when the query matched nothing (the page is otherwise blank).
EMPTY_RESULT = (
    "查询没有结果。 The query returned nothing to draw: no row, or no two resources in a row."
)

#: Drawn in the middle of a page that has no node at all.
EMPTY_GRAPH = "没有可显示的实体。 Nothing to draw: see the note above."

#: Label font sizes, in canvas pixels, of the least and the most connected node.
FONT_MIN = 14
FONT_MAX = 40
#: Nodes from which a graph's hubs get the whole FONT_MAX: big labels are a level of detail
#: for graphs too big to label at once; a small neighbourhood draws every label anyway, and
#: there 40-pixel hub labels only covered their neighbours.
FONT_FULL_RANGE_AT = 150

CJK_FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", '
    '"Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", sans-serif'
)

#: Drawn labels are cut to this many characters; the full label is in the tooltip.
LABEL_CHARS = 18
#: Each source sentence in a tooltip is cut to this many characters.
SOURCE_CHARS = 160
#: A tooltip names at most this many documents, then says how many more.
MAX_DOCUMENTS = 5


@dataclass(frozen=True, slots=True)
class ClassStyle:
    colour: str
    shape: str


#: Colour and vis-network shape per class. Shapes all draw their label underneath, so long
#: Chinese titles do not inflate the node.
PALETTE: dict[str, ClassStyle] = {
    "Policy": ClassStyle("#d62728", "diamond"),
    "Target": ClassStyle("#ff7f0e", "triangle"),
    "Statistic": ClassStyle("#bcbd22", "triangleDown"),
    "Year": ClassStyle("#9467bd", "dot"),
    "Organization": ClassStyle("#1f77b4", "hexagon"),
    "Person": ClassStyle("#2ca02c", "dot"),
    "Place": ClassStyle("#17becf", "square"),
    "Event": ClassStyle("#e377c2", "star"),
    "Industry": ClassStyle("#8c564b", "square"),
    "Technology": ClassStyle("#6a3d9a", "star"),
    "Quote": ClassStyle("#e7969c", "triangleDown"),
    "Article": ClassStyle("#637939", "square"),
    "Document": ClassStyle("#7f7f7f", "square"),
    "Mention": ClassStyle("#c7c7c7", "dot"),
    UNTYPED: ClassStyle("#aaaaaa", "dot"),
}

_GLYPHS = {
    "diamond": "◆",
    "triangle": "▲",
    "triangleDown": "▼",
    "dot": "●",
    "hexagon": "⬢",
    "square": "■",
    "star": "★",
}

_FIELD_NAMES = (
    ("indicator", "指标 indicator"),
    ("comparator", "比较 comparator"),
    ("value", "数值 value"),
    ("unit", "单位 unit"),
)


def style_of(cls: str) -> ClassStyle:
    return PALETTE.get(cls, PALETTE[UNTYPED])


def write_html(
    g: nx.MultiDiGraph,
    path: Path,
    *,
    title: str,
    note: str = "",
    focus: str | None = None,
    positions: dict[str, tuple[float, float]] | None = None,
    grid: dict[str, object] | None = None,
) -> Path:
    """Write ``g`` as one self-contained interactive page (UTF-8, no network access needed).

    ``focus`` is a node id to select when the page opens (the centre of a neighbourhood).
    ``positions`` fixes every node (physics off); ``grid`` is the timeline's background.
    The same graph always gives byte-identical output.
    """
    g = one_edge_per_relation(g)
    network = build_network(g, focus=focus, positions=positions)
    page = render_page(network, g, title=title, note=note, focus=focus, grid=grid)
    with atomic_file(Path(path)) as handle:
        handle.write(page.encode("utf-8"))
    return Path(path)


def build_network(
    g: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    positions: dict[str, tuple[float, float]] | None = None,
) -> Network:
    """A pyvis network for ``g``: styled nodes, labelled edges, and vis-network options.

    Positions are always computed here (or given, as the timeline does) and physics is off:
    the page draws at once, and neither a filter nor a drag moves any other node."""
    chart = positions is not None
    sizes = node_sizes(g)
    if positions is None:
        positions = layout(g, sizes)
    network = Network(directed=True, cdn_resources="in_line", height="100%", width="100%")
    for node, data in g.nodes(data=True):
        cls = str(data.get("cls", UNTYPED))
        style = style_of(cls)
        label = str(data.get("label", node))
        size, font = sizes[node]
        extra: dict[str, object] = {}
        if node in positions:
            extra["x"], extra["y"] = positions[node]
        if chart:
            # A chart's column is its meaning: a node may be nudged up or down, never sideways.
            extra["fixed"] = {"x": True, "y": False}
        if node == focus:
            extra["borderWidth"] = 4
        drawn = str(data.get("caption") or caption(label, cls))
        extra.update(_fold_data(data))
        folded = counts_text(data.get("folded_counts") or {}, mentions=False)  # type: ignore[arg-type]
        if folded:
            # The folded counts are part of the label (mentions, in every document, are only
            # in the tooltip and the details panel).
            drawn += "\n" + folded
        network.add_node(
            node,
            label=drawn,
            shape=style.shape,
            color={
                "background": style.colour,
                "border": "#222222" if node == focus else style.colour,
                "highlight": {"background": style.colour, "border": "#000000"},
            },
            size=size,
            font={"size": font},
            cls=cls,
            fullLabel=label,
            alt=[str(a) for a in _as_list(data.get("alt_labels"))],
            tip=_node_tip(node, data),
            # Whole sentences for the details panel; the tooltip's are cut short.
            sources=[str(x) for x in _as_list(data.get("sources"))],
            **extra,
        )
    parallel: Counter[tuple[str, str]] = Counter()
    for index, (u, v, key, data) in enumerate(g.edges(keys=True, data=True)):
        pair = (min(u, v), max(u, v))
        rank = parallel[pair]
        parallel[pair] += 1
        extra = {}
        if rank:
            # Several relations between the same two nodes would be drawn on top of each other.
            extra["smooth"] = {
                "enabled": True,
                "type": "curvedCW",
                "roundness": round(0.15 * rank, 2),
            }
        predicate = str(data.get("predicate", key))
        network.add_edge(
            u,
            v,
            id=f"e{index}",
            label=str(data.get("label", "")),
            predicate=predicate,
            tip=_edge_tip(data, predicate),
            **extra,
        )
    # Assigned rather than passed to set_options(), which strips every space from the JSON and
    # so would break the font names.
    network.options = _options(g.number_of_nodes() > LARGE_GRAPH, chart=chart)
    return network


def _fold_data(data: dict[str, object]) -> dict[str, object]:
    """A node's year and folded items, as the page's year filter and double-click use them."""
    extra: dict[str, object] = {}
    if isinstance(data.get("year"), int):
        extra["year"] = data["year"]
    items = data.get("folded")
    if isinstance(items, list) and items:
        extra["folded"] = [
            {
                "id": item["iri"],
                "label": item["label"],
                "caption": caption(str(item["label"]), str(item["cls"])),
                "cls": item["cls"],
                **({"year": item["year"]} if "year" in item else {}),
                "rows": _node_tip(str(item["iri"]), item)["rows"],
            }
            for item in items
        ]
        extra["foldedMore"] = data.get("folded_more", 0)
    return extra


def node_sizes(g: nx.MultiDiGraph) -> dict[str, tuple[float, int]]:
    """Each node's shape size and label font size, in canvas pixels.

    Both grow with the square root of the degree. The font is the level of detail: vis-network
    skips a label drawn under ``drawThreshold`` pixels on screen, so zoomed out only the hubs'
    big labels are drawn, and zoomed in every label is (none above ``maxVisible``).
    """
    roots = {n: math.sqrt(d) for n, d in g.degree()}
    low, high = min(roots.values(), default=0.0), max(roots.values(), default=0.0)
    top = FONT_MIN + (FONT_MAX - FONT_MIN) * min(1.0, len(g) / FONT_FULL_RANGE_AT)
    sizes: dict[str, tuple[float, int]] = {}
    for node, data in g.nodes(data=True):
        share = (roots[node] - low) / (high - low) if high > low else 0.0
        given = data.get("size")
        size = float(given) if isinstance(given, int | float) else round(12 + 4 * roots[node], 1)
        sizes[node] = (size, FONT_MIN if given else round(FONT_MIN + share * (top - FONT_MIN)))
    return sizes


def layout(
    g: nx.MultiDiGraph, sizes: dict[str, tuple[float, int]]
) -> dict[str, tuple[float, float]]:
    """Seeded force-directed positions with no two node shapes overlapping."""
    # Wider than the default spacing: labels sit under the nodes and need the room.
    rough = spring_positions(
        nx.Graph(g), iterations=60 if len(g) > LARGE_GRAPH else 150, spacing=200.0
    )
    return remove_overlaps(rough, {n: size for n, (size, _) in sizes.items()}, gap=24.0)


def _edge_tip(data: dict[str, object], predicate: str) -> dict[str, object]:
    rows = [predicate]
    sources = data.get("sources")
    source_list = (
        [_shorten(str(s), SOURCE_CHARS) for s in sources] if isinstance(sources, list) else []
    )
    return {
        "heading": str(data.get("label", "")) or predicate,
        "rows": rows,
        "sources": source_list,
    }


def _as_list(value: object) -> list[object]:
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def _options(large: bool, *, chart: bool = False) -> dict[str, object]:
    options: dict[str, object] = {
        "nodes": {
            "font": {"face": CJK_FONT_STACK, "size": FONT_MIN, "color": "#222222"},
            "borderWidth": 1,
            # Level of detail: a label under 8 px on screen is not drawn (it could not be
            # read, and thousands of them cost every frame); none is drawn above 22 px.
            "scaling": {"label": {"enabled": False, "drawThreshold": 8, "maxVisible": 22}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": "#9aa5b1", "highlight": "#333333", "hover": "#555555"},
            "font": {
                "face": CJK_FONT_STACK,
                "size": 11,
                "color": "#555555",
                "strokeWidth": 3,
                "align": "middle",
            },
            # Edge labels under 8 px cost most of a mid-zoom frame and say nothing.
            "scaling": {"label": {"enabled": False, "drawThreshold": 8, "maxVisible": 14}},
            # Straight lines: "dynamic" curves add a hidden node per edge to the simulation.
            "smooth": {"enabled": False},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
        },
        "layout": {"randomSeed": 7, "improvedLayout": False},
        # Positions come with the page; nothing moves unless the reader drags it.
        "physics": {"enabled": False},
    }
    if large:
        # Thousands of edge labels cost a 2,000-node frame 30 ms or more at zoom 1: on a big
        # graph they appear from zoom 1.2 on, where few edges are in view.
        options["edges"]["scaling"]["label"]["drawThreshold"] = 14  # type: ignore[index]
    if chart:
        # A chart's labels are all the same size, and it opens zoomed in enough to read them.
        options["nodes"]["scaling"]["label"]["drawThreshold"] = 5  # type: ignore[index]
    return options


def caption(label: str, cls: str) -> str:
    """The label drawn on the canvas, at most :data:`LABEL_CHARS` characters.

    A target's or statistic's label reads ``指标 超70%（2027年）``: the indicator is shortened,
    never the value and the year, which are what tell two targets apart.
    """
    if len(label) <= LABEL_CHARS:
        return label
    head, space, tail = label.rpartition(" ")
    if cls in ("Target", "Statistic") and space and head and len(tail) < LABEL_CHARS - 4:
        return _shorten(head, LABEL_CHARS - len(tail) - 1) + " " + tail
    return _shorten(label, LABEL_CHARS)


#: Relations stated both ways in the graph; the page draws the first and not its inverse.
INVERSES: dict[str, str] = {"pgo:hasTarget": "pgo:setBy"}


def one_edge_per_relation(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``g`` without the inverse edges of :data:`INVERSES` (a 设定 beside its 目标)."""
    drop = {
        (v, u, inverse)
        for u, v, key in g.edges(keys=True)
        if (inverse := INVERSES.get(str(key))) is not None
    }
    if not any(g.has_edge(*edge) for edge in drop):
        return g
    kept: nx.MultiDiGraph = nx.MultiDiGraph()
    kept.graph.update(g.graph)
    kept.add_nodes_from(g.nodes(data=True))
    for u, v, key, data in g.edges(keys=True, data=True):
        if (u, v, key) not in drop:
            kept.add_edge(u, v, key=key, **data)
    return kept


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _format_value(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _node_tip(node: str, data: dict[str, object]) -> dict[str, object]:
    rows = [f"类别 class: {data.get('cls', UNTYPED)}"]
    counts = data.get("folded_counts")
    if isinstance(counts, dict) and counts:
        rows.append("折叠 folded: " + counts_text(counts))
    if data.get("iri"):
        rows.append(f"IRI: {data['iri']}")
    for field, name in _FIELD_NAMES:
        if data.get(field) is not None:
            rows.append(f"{name}: {_format_value(data[field])}")
    alt = data.get("alt_labels")
    if isinstance(alt, list) and alt:
        rows.append("别名 also: " + "；".join(map(str, alt)))
    if data.get("deadline") is not None:
        rows.append(f"期限 deadline: {data['deadline']}")
    elif isinstance(data.get("year"), int):
        rows.append(f"年份 year: {data['year']}")
    relations = data.get("relations")
    if isinstance(relations, int):
        rows.append(f"关系 relations: {relations}")
    documents = data.get("documents")
    if isinstance(documents, list) and documents:
        # A hub of a corpus is named in thousands of documents; the tooltip names a few.
        count = data.get("document_count")
        total = count if isinstance(count, int) else len(documents)
        named = "；".join(map(str, documents[:MAX_DOCUMENTS]))
        more = total - min(len(documents), MAX_DOCUMENTS)
        rows.append(f"文档 documents ({total}): {named}" + (f"；… +{more}" if more > 0 else ""))
    sources = data.get("sources")
    source_list = (
        [_shorten(str(s), SOURCE_CHARS) for s in sources] if isinstance(sources, list) else []
    )
    return {"heading": str(data.get("label", node)), "rows": rows, "sources": source_list}


def _legend(g: nx.MultiDiGraph) -> list[dict[str, object]]:
    counts = Counter(str(d.get("cls", UNTYPED)) for _, d in g.nodes(data=True))
    order = [c for c in (*CLASS_PRIORITY, UNTYPED) if c in counts]
    order += sorted(set(counts) - set(order))
    return [
        {
            "cls": cls,
            "colour": style_of(cls).colour,
            "glyph": _GLYPHS.get(style_of(cls).shape, "●"),
            "count": counts[cls],
        }
        for cls in order
    ]


def script_json(value: object) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``</script>``, no ``<!--``.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, where the ``\\u`` escapes mean the
    same characters to ``JSON.parse``.
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def render_page(
    network: Network,
    g: nx.MultiDiGraph,
    *,
    title: str,
    note: str = "",
    focus: str | None = None,
    grid: dict[str, object] | None = None,
) -> str:
    """The HTML text of the page for a pyvis network built by :func:`build_network`."""
    nodes, edges, _heading, _height, _width, options = network.get_network_data()
    data = {
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options),
        "focus": focus,
        "grid": grid,
    }
    span = _year_span(g)
    if any("folded" in n for n in nodes):
        data["foldStyles"] = {
            cls: {"colour": style_of(cls).colour, "shape": style_of(cls).shape} for cls in FOLDED
        }
    vis_js, vis_css = _vis_assets()
    template = environment().get_template("page.html.j2")
    return template.render(
        title=title,
        note=note,
        legend=_legend(g),
        node_count=g.number_of_nodes(),
        edge_count=g.number_of_edges(),
        empty=EMPTY_GRAPH if not g.number_of_nodes() else "",
        years=span,
        data_json=Markup(script_json(data)),
        vis_js=Markup(vis_js),
        vis_css=Markup(vis_css),
        page_js=Markup(asset("page.js")),
        page_css=Markup(asset("page.css")),
    )


def _year_span(g: nx.MultiDiGraph) -> tuple[int, int] | None:
    """The first and last year of the drawn and folded nodes, or None (no year filter)."""
    found = [d["year"] for _, d in g.nodes(data=True) if isinstance(d.get("year"), int)]
    for _, d in g.nodes(data=True):
        for item in _as_list(d.get("folded")):
            if isinstance(item, dict) and isinstance(item.get("year"), int):
                found.append(item["year"])
    return (min(found), max(found)) if found else None


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("policygraph.view", "assets"),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


@cache
def asset(name: str) -> str:
    return (resources.files("policygraph.view") / "assets" / name).read_text(encoding="utf-8")


_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)
_CSS_SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=.*?\*/")


@cache
def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS from the copy shipped inside pyvis (vis-network 9.1.2)."""
    lib = resources.files("pyvis") / "lib"
    candidates = sorted(
        (entry for entry in lib.iterdir() if entry.name.startswith("vis-")),
        key=lambda entry: tuple(int(p) for p in re.findall(r"\d+", entry.name)),
    )
    for folder in reversed(candidates):
        js, css = folder / "vis-network.min.js", folder / "vis-network.css"
        if js.is_file() and css.is_file():
            script = _SOURCE_MAP.sub("", js.read_text(encoding="utf-8"))
            style = _CSS_SOURCE_MAP.sub("", css.read_text(encoding="utf-8"))
            if re.search(r"</script|<!--", script, re.IGNORECASE) or "</style" in style.lower():
                raise RuntimeError(f"{folder} cannot be inlined safely into a page")
            return script, style
    raise RuntimeError(
        "vis-network's JavaScript was not found inside the installed pyvis package "
        f"(looked in {lib}); reinstall pyvis 0.3.x"
    )


# --- the three kinds of view the CLI offers -----------------------------------------------------


def write_overview(
    graph: rdflib.Graph,
    path: Path,
    *,
    max_nodes: int = 300,
    title: str = "policygraph",
) -> Path:
    """The whole graph, or its ``max_nodes`` most connected entities with a note saying so."""
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, not {max_nodes}")
    g = rdf_to_networkx(graph, relation_sources=True)
    total = g.number_of_nodes()
    note = ""
    if total > max_nodes:
        g = induced_subgraph(g, most_connected(g, max_nodes))
        left_out = total - max_nodes
        note = (
            f"只显示连接最多的 {max_nodes} / {total} 个实体，省略 {left_out} 个。"
            f" Showing the {max_nodes} most connected of {total} entities;"
            f" {left_out} left out."
        )
    return write_html(g, path, title=title, note=note)


def most_connected(g: nx.MultiDiGraph, count: int) -> list[str]:
    """The ``count`` nodes of highest degree centrality, ties broken by IRI."""
    centrality = nx.degree_centrality(g) if len(g) > 1 else dict.fromkeys(g.nodes, 0.0)
    return sorted(g.nodes, key=lambda node: (-centrality[node], node))[:count]


def write_neighbourhood(
    graph: rdflib.Graph,
    entity: str,
    depth: int,
    path: Path,
    *,
    title: str | None = None,
) -> Path:
    """Everything within ``depth`` relations of one entity, given by label or IRI.

    Raises ``EntityNotFound`` (a ``LookupError``) when the entity is missing or ambiguous.
    """
    g = rdf_to_networkx(graph, relation_sources=True)
    centre = find_node(g, entity)
    sub = neighbourhood(g, centre, depth)
    label = str(g.nodes[centre].get("label", centre))
    heading = title or f"{label} · 邻域 neighbourhood (depth {depth})"
    note = (
        f"{sub.number_of_nodes()} 个实体在 {depth} 步之内 entities within {depth} steps of {label}"
    )
    return write_html(sub, path, title=heading, note=note, focus=centre)


def write_query_result(
    result_graph_or_pairs: rdflib.Graph | Iterable[QueryPair],
    path: Path,
    *,
    context: rdflib.Graph | None = None,
    title: str = "查询结果 query result",
    note: str = "",
) -> Path:
    """A CONSTRUCT result graph, or (subject, object[, predicate]) rows of a SELECT.

    ``context`` (usually the whole graph) supplies labels, classes and sources of the
    resources the result names.
    """
    g = result_to_networkx(result_graph_or_pairs, context=context)
    if not g.number_of_nodes():
        note = (note + " " if note else "") + EMPTY_RESULT
    return write_html(g, path, title=title, note=note)


def write_store_overview(
    store: ox.Store,
    path: Path,
    *,
    max_nodes: int = 300,
    title: str = "policygraph · 概览 overview",
) -> Path:
    """The overview computed on the store (see :mod:`policygraph.view.overview`): the
    ``max_nodes`` most connected entities, with a note on what was left out."""
    from policygraph.view.overview import overview

    result = overview(store, max_nodes=max_nodes)
    return write_html(result.graph, path, title=title, note=result.note)


def write_timeline(
    store: ox.Store,
    path: Path,
    *,
    title: str = "政策目标时间线 policy targets timeline",
) -> Path:
    """Each policy's targets laid out by deadline year (see :mod:`policygraph.view.timeline`)."""
    from policygraph.view.timeline import timeline

    chart = timeline(store)
    return write_html(
        chart.graph, path, title=title, note=chart.note, positions=chart.positions, grid=chart.grid
    )


__all__: Sequence[str] = (
    "CJK_FONT_STACK",
    "LARGE_GRAPH",
    "PALETTE",
    "build_network",
    "most_connected",
    "render_page",
    "script_json",
    "write_html",
    "write_neighbourhood",
    "write_overview",
    "write_query_result",
    "write_store_overview",
    "write_timeline",
)
