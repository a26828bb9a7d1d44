"""The explorer of ``policygraph serve``: Linked Data pages for people who do not write
SPARQL (an entity page per IRI, a document page with its mentions highlighted, search).
:mod:`policygraph.serve.front` routes ``/id/``, ``/page/``, ``/data/``, ``/doc/``,
``/search``, ``/explore`` and ``/-/`` here; everything else still goes to Oxigraph."""

from policygraph.serve.explore.app import Explorer, Page, Unavailable, rows

__all__ = ["Explorer", "Page", "Unavailable", "rows"]
