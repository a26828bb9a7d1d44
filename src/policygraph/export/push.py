"""Push the graph into a SPARQL 1.1 Graph Store Protocol server, one named graph per document.

The graphs policygraph owns are the named graphs whose IRI starts with
``https://w3id.org/policygraph/`` (one per document, the ontology, the vocabularies). Each
is replaced with an HTTP ``PUT ENDPOINT?graph=IRI``; with a SPARQL query endpoint, graphs of
ours that the server holds but the store no longer has are deleted (``DELETE``). No other
named graph is touched. Only the standard library talks to the network, and only to the
endpoints given.

The default graph is sent too (``PUT ENDPOINT?default``), because the saved queries and the
README's examples read it: locally it is the merge of the named graphs, each triple once.
Without it a server answers them with nothing; with a server's "union default graph" mode
instead, a triple stated by two documents counts twice. ``default_graph="add"`` merges into
the server's default graph (``POST``) instead of replacing it, ``"skip"`` leaves it alone.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from policygraph.errors import InputError, PolicyGraphError
from policygraph.export import DEFAULT_GRAPH_MODES
from policygraph.store import DEFAULT_STORE
from policygraph.store.oxigraph import open_store

#: Every graph under this prefix is ours to replace or delete on the server.
OWNED_PREFIX = "https://w3id.org/policygraph/"
_TIMEOUT_SECONDS = 300.0
# N-Triples is a subset of Turtle: labelled text/turtle, the body is read by every Graph
# Store server (some older ones do not know application/n-triples), and it streams line
# by line.
_CONTENT_TYPE = "text/turtle; charset=utf-8"


class PushError(PolicyGraphError):
    """The server refused or could not be reached; the message has the status and URL."""


@dataclass(frozen=True, slots=True)
class Auth:
    """HTTP credentials: a user and password (Basic, or Digest when the server asks for
    it) or a bearer token."""

    user: str | None = None
    password: str | None = None
    token: str | None = None


@dataclass(slots=True)
class PushResult:
    replaced: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0
    #: False when no query endpoint was given, so stale graphs could not be looked for.
    checked_stale: bool = False
    #: Triples sent as the server's default graph (0 with ``default_graph="skip"``).
    default_triples: int = 0


def owned_graphs(store: ox.Store) -> list[str]:
    """The store's named graphs that policygraph owns, sorted."""
    return sorted(
        g.value
        for g in store.named_graphs()
        if isinstance(g, ox.NamedNode) and g.value.startswith(OWNED_PREFIX)
    )


def graph_body(store: ox.Store, iri: str | None) -> tuple[bytes, int]:
    """One named graph (``None``: the default graph) as N-Triples in a stable order, and
    its number of triples."""
    graph = ox.DefaultGraph() if iri is None else ox.NamedNode(iri)
    triples = sorted(
        (
            ox.Triple(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(None, None, None, graph)
        ),
        key=str,
    )
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", len(triples)


def push(
    endpoint: str,
    *,
    store: Path = DEFAULT_STORE,
    query_endpoint: str | None = None,
    auth: Auth | None = None,
    on_graph: Callable[[str], None] | None = None,
    default_graph: str = "replace",
) -> PushResult:
    """Replace the server's copy of every graph we own with the store's, then delete the
    graphs of ours the store no longer has (when ``query_endpoint`` lets us list them).

    Stops at the first refusal with :class:`PushError`, saying how many graphs were
    already replaced: a push is not atomic across graphs, and running it again finishes
    it (every step replaces or deletes a whole graph, so repeating one is harmless). The
    default graph goes last, so a server never shows a merge newer than its graphs."""
    if default_graph not in DEFAULT_GRAPH_MODES:
        raise InputError(
            f"default_graph={default_graph!r}: choose one of {', '.join(DEFAULT_GRAPH_MODES)}"
        )
    _check_url(endpoint, "endpoint")
    if query_endpoint:
        _check_url(query_endpoint, "query_endpoint")
    client = _Client(auth or Auth())
    started = time.perf_counter()
    db = open_store(store)
    ours = owned_graphs(db)
    result = PushResult()
    for iri in ours:
        body, count = graph_body(db, iri)
        try:
            client.send("PUT", _graph_url(endpoint, iri), body, _CONTENT_TYPE)
        except PushError as e:
            raise PushError(f"{e} ({_progress(result, len(ours))})") from None
        result.replaced.append(iri)
        result.triples += count
        if on_graph is not None:
            on_graph(iri)
    if query_endpoint:
        result.checked_stale = True
        keep = set(ours)
        for iri in server_graphs(query_endpoint, client):
            if iri in keep:
                continue
            try:
                client.send("DELETE", _graph_url(endpoint, iri), None, None, missing_ok=True)
            except PushError as e:
                raise PushError(
                    f"{e} (all graphs replaced; {len(result.deleted)} stale deleted)"
                ) from None
            result.deleted.append(iri)
    if default_graph != "skip":
        body, count = graph_body(db, None)
        method = "PUT" if default_graph == "replace" else "POST"
        try:
            client.send(method, _default_url(endpoint), body, _CONTENT_TYPE)
        except PushError as e:
            raise PushError(
                f"{e} (all named graphs sent; the default graph was not; run push again, "
                "or default_graph='skip' for a server that derives it itself)"
            ) from None
        result.default_triples = count
    result.seconds = time.perf_counter() - started
    return result


def server_graphs(query_endpoint: str, client: _Client | None = None) -> list[str]:
    """The named graphs of ours that the server holds, asked with a SPARQL SELECT."""
    sparql = (
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{OWNED_PREFIX}")) }}'
    )
    data = urllib.parse.urlencode({"query": sparql}).encode("ascii")
    raw = (client or _Client(Auth())).send(
        "POST",
        query_endpoint,
        data,
        "application/x-www-form-urlencoded",
        accept="application/sparql-results+json",
    )
    try:
        bindings = json.loads(raw)["results"]["bindings"]
        return sorted(b["g"]["value"] for b in bindings if b.get("g", {}).get("type") == "uri")
    except (ValueError, KeyError, TypeError) as e:
        raise PushError(
            f"{query_endpoint}: the answer is not SPARQL JSON results ({e}); "
            "is this the server's SPARQL query endpoint?"
        ) from None


class _Client:
    """urllib with the given credentials, no proxies from the environment (nothing but
    the endpoints the user named is contacted), and errors that name status and URL."""

    def __init__(self, auth: Auth) -> None:
        handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
        self.headers: dict[str, str] = {}
        if auth.token:
            self.headers["Authorization"] = f"Bearer {auth.token}"
        elif auth.user is not None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, "http://", auth.user, auth.password or "")  # type: ignore[arg-type]
            passwords.add_password(None, "https://", auth.user, auth.password or "")  # type: ignore[arg-type]
            handlers.append(urllib.request.HTTPDigestAuthHandler(passwords))
            # Basic up front: most servers (Fuseki, GraphDB) do not send a challenge first.
            pair = f"{auth.user}:{auth.password or ''}".encode()
            self.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        self.opener = urllib.request.build_opener(*handlers)

    def send(
        self,
        method: str,
        url: str,
        body: bytes | None,
        content_type: str | None,
        *,
        accept: str | None = None,
        missing_ok: bool = False,
    ) -> bytes:
        request = urllib.request.Request(url, data=body, method=method, headers=self.headers)
        if content_type:
            request.add_header("Content-Type", content_type)
        if accept:
            request.add_header("Accept", accept)
        try:
            with self.opener.open(request, timeout=_TIMEOUT_SECONDS) as response:
                data: bytes = response.read()
                return data
        except urllib.error.HTTPError as e:
            if missing_ok and e.code == 404:
                return b""
            detail = " ".join(e.read(300).decode("utf-8", "replace").split())
            raise PushError(
                f"{method} {url}: HTTP {e.code} {e.reason}" + (f": {detail}" if detail else "")
            ) from None
        except urllib.error.URLError as e:
            raise PushError(f"{method} {url}: cannot connect: {e.reason}") from None
        except (OSError, ValueError) as e:
            raise PushError(f"{method} {url}: {e}") from None


def _graph_url(endpoint: str, iri: str) -> str:
    joiner = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    return f"{endpoint}{joiner}graph={urllib.parse.quote(iri, safe='')}"


def _default_url(endpoint: str) -> str:
    joiner = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    return f"{endpoint}{joiner}default"


def _check_url(url: str, argument: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{argument}={url!r}: not an http(s) URL")


def _progress(result: PushResult, total: int) -> str:
    done = len(result.replaced)
    return f"{done} of {total} graphs replaced before the error; run push again to finish"
