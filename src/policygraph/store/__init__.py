"""Where graphs are kept: the Oxigraph store, the serializers, per-document chunks of the
output files, incremental replacement of changed graphs, and atomic output generations.

The default places live here, once: every function that takes ``out`` or ``store``, the
command line's ``--out`` and ``--store``, and ``pg.open()`` default to them.
"""

from __future__ import annotations

from pathlib import Path

#: The output folder of a build when none is given.
DEFAULT_OUT = Path("exports")


def store_path(out: Path) -> Path:
    """The store inside the output folder ``out`` (see :mod:`policygraph.store.outputs`)."""
    return out / "store"


#: The store that query, view, export, push and serve read when none is given.
DEFAULT_STORE = store_path(DEFAULT_OUT)
