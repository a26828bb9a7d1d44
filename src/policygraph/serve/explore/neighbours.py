"""The small neighbourhood graph of an entity page: the entity in the middle, up to
:data:`MAX_NODES` of its direct neighbours on a circle around it, each a link to its page.

It is laid out here and drawn by the template as inline SVG (escaped by Jinja2 like any
text), so it needs no script and nothing from the network, and the page's
Content-Security-Policy stays as strict as it is. Colours are SVG ``fill`` attributes,
which that policy allows (inline ``style`` it would not).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

#: Neighbours drawn; the rest are counted under the graph.
MAX_NODES = 20
#: Characters of a label under its node.
LABEL_CHARS = 8
WIDTH, HEIGHT = 560, 400
RADIUS = 150

#: The stylesheet's class colours (``.c-Person`` and so on), for SVG fills.
FILLS = {
    "Person": "#ffd8a8",
    "Organization": "#a5d8ff",
    "Place": "#b2f2bb",
    "Policy": "#d0bfff",
    "Target": "#ffc9c9",
    "Statistic": "#fcc2d7",
    "Year": "#e9ecef",
    "Event": "#ffec99",
    "Industry": "#c3fae8",
    "Technology": "#99e9f2",
    "Quote": "#eebefa",
    "Article": "#dee2e6",
    "Document": "#ced4da",
    "Indicator": "#ffe066",
}
OTHER = "#eeeeee"


@dataclass(frozen=True, slots=True)
class Node:
    x: float
    y: float
    href: str
    label: str  # the whole label, in the node's tooltip
    text: str  # what is written under the node
    fill: str
    edge: str  # the property, ``← p`` when it points at the entity


@dataclass(frozen=True, slots=True)
class Graph:
    width: int
    height: int
    cx: float
    cy: float
    label: str
    fill: str
    nodes: list[Node]
    more: int


def layout(
    label: str, cls: str, neighbours: Iterable[tuple[str, str, str, str]], total: int
) -> Graph:
    """``neighbours``: (href, label, class, edge) in the order to draw them, already
    distinct and at most :data:`MAX_NODES`; ``total`` is how many there are in all."""
    chosen = list(neighbours)[:MAX_NODES]
    cx, cy = WIDTH / 2, HEIGHT / 2
    nodes = []
    for i, (href, name, kind, edge) in enumerate(chosen):
        angle = 2 * math.pi * i / max(len(chosen), 1) - math.pi / 2
        nodes.append(
            Node(
                round(cx + RADIUS * 1.35 * math.cos(angle), 1),
                round(cy + RADIUS * math.sin(angle), 1),
                href,
                name,
                _clip(name),
                FILLS.get(kind, OTHER),
                edge,
            )
        )
    return Graph(
        WIDTH, HEIGHT, cx, cy, _clip(label), FILLS.get(cls, OTHER), nodes, total - len(nodes)
    )


def pick(
    groups: list[list[tuple[str, str, str, str]]],
) -> tuple[list[tuple[str, str, str, str]], int]:
    """Neighbours taken in turn from each property's group, so that one big property (a
    document's thousand mentions) does not crowd out the others; each entity once."""
    seen: set[str] = set()
    order: list[tuple[str, str, str, str]] = []
    for round_ in range(max((len(g) for g in groups), default=0)):
        for group in groups:
            if round_ < len(group) and group[round_][0] not in seen:
                seen.add(group[round_][0])
                order.append(group[round_])
    return order[:MAX_NODES], len(order)


def _clip(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
