"""Views of the graph: a networkx model of entities and relations, and interactive HTML pages.

The HTML writers load pyvis (and through it IPython) only when first used, so that exporting
or querying does not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policygraph.view.network import (
    EntityNotFound,
    find_node,
    neighbourhood,
    rdf_to_networkx,
    result_to_networkx,
)

if TYPE_CHECKING:
    from policygraph.view.html import (
        write_html,
        write_neighbourhood,
        write_overview,
        write_query_result,
    )

_HTML = frozenset({"write_html", "write_neighbourhood", "write_overview", "write_query_result"})

__all__ = [
    "EntityNotFound",
    "find_node",
    "neighbourhood",
    "rdf_to_networkx",
    "result_to_networkx",
    "write_html",
    "write_neighbourhood",
    "write_overview",
    "write_query_result",
]


def __getattr__(name: str) -> Any:
    if name in _HTML:
        from policygraph.view import html

        return getattr(html, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
