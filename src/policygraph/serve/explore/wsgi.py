"""The explorer as a WSGI application (PEP 3333).

``policygraph serve`` answers the explorer's paths through this application, in front of
Oxigraph on one port (serve_front.py checks ``Host``/``Origin`` first and sends every other
path, ``/query`` included, to Oxigraph untouched). Why WSGI and the standard library rather
than Starlette, Flask or FastAPI: every page is a few SPARQL queries and a Jinja2 template
(:mod:`policygraph.serve.explore.app`), read-only and synchronous, so a framework would add
routing and a dependency and nothing the pages use; and the front must see every request
before anything answers it, which a plain WSGI callable allows without a second server.

Being plain WSGI, the explorer can also be mounted under any WSGI server for a store built
elsewhere, e.g. ``waitress-serve --call 'policygraph.serve.explore.wsgi:from_store'`` with
``POLICYGRAPH_STORE`` set; it then serves the pages only (no SPARQL endpoint, no Host check:
put it behind the server's own).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from http import HTTPStatus
from pathlib import Path
from typing import Any

from policygraph.serve.explore.app import Explorer, Page, Unavailable, rows

_REASONS = {s.value: s.phrase for s in HTTPStatus}
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def application(explorer: Explorer) -> WSGIApp:
    """A WSGI application that answers ``GET``/``HEAD`` on the explorer's paths."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = _raw_path(environ)
        if method not in ("GET", "HEAD"):
            page = explorer.page_for_error(405, "the explorer's pages are read with GET")
            page.headers["Allow"] = "GET, HEAD"
        elif not explorer.serves(path):
            page = explorer.page_for_error(404, f"no page at {path}")
        else:
            page = respond(explorer, path, environ.get("QUERY_STRING", ""), environ)
        reason = (
            HTTPStatus(page.status).phrase if page.status in HTTPStatus._value2member_map_ else ""
        )
        headers = [("Content-Type", page.content_type), ("Content-Length", str(len(page.body)))]
        headers += [(k, v) for k, v in page.headers.items() if k.lower() != "content-length"]
        start_response(f"{page.status} {reason}".rstrip(), headers)
        return [b""] if method == "HEAD" else [page.body]

    return app


def respond(explorer: Explorer, path: str, query: str, environ: dict[str, Any]) -> Page:
    """The page for one request; a failing page is an error page, never a dropped answer."""
    accept = environ.get("HTTP_ACCEPT", "")
    if path.endswith(".json") and not path.startswith(("/id/", "/vocab/", "/data/")):
        accept = "application/json"  # the error of a JSON twin is JSON too
    try:
        return explorer.respond(path, query, accept)
    except Unavailable as e:
        return explorer.page_for_error(e.status, str(e), accept)
    except Exception as e:  # a bug in one page must not drop the connection unanswered
        return explorer.page_for_error(500, f"this page failed: {type(e).__name__}: {e}", accept)


def _raw_path(environ: dict[str, Any]) -> str:
    """The request path still percent-encoded, as the explorer's routes expect it. WSGI
    gives ``PATH_INFO`` decoded (as latin-1 bytes); ``RAW_URI``/``REQUEST_URI`` when the
    server keeps them, else the decoded path encoded again."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return str(raw).split("?", 1)[0]
    from urllib.parse import quote

    decoded = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
    return quote(decoded, safe="/:@!$&'()*+,;=-._~")


def from_store() -> WSGIApp:
    """The explorer of the store named by ``POLICYGRAPH_STORE`` (default ``exports/store``),
    opened read-only, for a WSGI server of the user's choice."""
    from policygraph.store.oxigraph import open_store

    path = Path(os.environ.get("POLICYGRAPH_STORE", "exports/store"))
    store = open_store(path)
    location = path.resolve()
    return application(Explorer(lambda sparql: rows(store.query(sparql)), lambda: location))
