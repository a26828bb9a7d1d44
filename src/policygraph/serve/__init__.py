"""`policygraph serve`: Oxigraph's SPARQL server kept alive (server.py), the HTTP front that
checks every request (front.py) and the explorer pages it serves (explore/).

The defaults live here, where the command line reads them without loading the server."""

from __future__ import annotations

from policygraph.query import DEFAULT_TIMEOUT as _QUERY_TIMEOUT

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
#: Seconds a served query may run (the same default as ``policygraph query``).
DEFAULT_TIMEOUT = _QUERY_TIMEOUT
#: The child's address-space limit in MiB (``max_memory_mb``; 0: none).
DEFAULT_MAX_MEMORY_MB = 4096
#: The largest answer the front holds, in MiB (``max_answer_mb``; 0: none).
DEFAULT_MAX_ANSWER_MB = 1024
#: Where the write token comes from when ``token`` is not given.
TOKEN_ENV = "POLICYGRAPH_SERVE_TOKEN"
