"""Reading the graph: SPARQL queries (saved ones in saved/*.rq), updates, the guard for
untrusted SPARQL, and the text tables of results.

The names the command line offers as choices and defaults live here, where it can read
them without loading the store's libraries.
"""

from __future__ import annotations

#: The formats a query result is written in (:meth:`policygraph.query.sparql.Result.serialize`).
FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json")
#: Seconds a query may run in ``policygraph query`` before it is given up (0: no limit).
DEFAULT_TIMEOUT = 60.0
#: Rows the table format shows; it is meant for reading, the other formats give all rows.
DEFAULT_MAX_ROWS = 1000
