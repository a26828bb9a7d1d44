"""The HTTP front of ``policygraph serve``: the only process the network reaches.

Oxigraph's server cannot be guarded from the inside (a deep query crashes it, ``SERVICE``
makes it fetch URLs, it checks no ``Host``, ``Origin`` or credential, and its timeout
answers 200 with a cut-off body), so it listens on a private loopback port and this stdlib
server forwards to it only what passes, in this order:

1. ``Host`` must name this server: an IP address, ``localhost``, the bound host or an
   ``--allow-host`` name; else 403. A DNS-rebinding page sends its own domain name here.
2. Writes (``/update``, and anything but ``GET``/``HEAD`` except ``POST /query``) are
   refused (403) unless ``--writable``; from a foreign ``Origin`` always (403: no
   cross-site form posts); without ``Authorization: Bearer TOKEN``, 401.
3. Every SPARQL query or update, wherever it is carried (URL, form, body), passes
   :func:`policygraph.query.guard.check`; else 400 with the one-line reason.
4. The child's answer is read in full before a byte is sent, within ``--timeout``
   seconds for reads: past it the client gets 503, never a 200 with a truncated body. If
   the child dies meanwhile (a crash, its memory limit), it is restarted and the client
   gets 502. An answer larger than ``--max-answer-mb`` is not kept either (503): the front
   holds each answer in memory until it is complete.

CORS headers are sent only with ``--cors``.

The explorer's pages (``/id/``, ``/page/``, ``/data/``, ``/search``, ``/explore``; see
:mod:`policygraph.serve.explore`) are answered here, after check 1, for ``GET`` and ``HEAD``
only. They take no SPARQL from the request: their queries are built from IRIs found in the
store, anchored on one IRI and capped by LIMITs. A read-only server runs them on the store
opened read-only in this process, not through the child: Oxigraph's ``--timeout-s``
starts a thread per query that lives for the whole timeout (about 2 MB of address space
each), so the half-dozen queries of every page would take the child to its memory limit
after some 250 pages a minute. A writable server asks the child (a read-only open beside
a writer is undefined behaviour in RocksDB), under the same timeout as any read.
"""

from __future__ import annotations

import hmac
import http.client
import ipaddress
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

import pyoxigraph as ox

from policygraph.errors import QueryError, QueryRefused
from policygraph.query import guard as sparql_guard
from policygraph.query.update import RESYNC, refuse_default_graph_writes
from policygraph.serve.explore import Explorer, Unavailable, rows
from policygraph.serve.explore.wsgi import application
from policygraph.serve.server import BROKE
from policygraph.store.incremental import mark_edited

if TYPE_CHECKING:
    from policygraph.serve.server import Backend

#: Request bodies that may carry SPARQL: form-encoded, a 1 MB query is at most 3 MB.
MAX_READ_BODY = 4 * sparql_guard.MAX_BYTES
#: Authenticated writes (Graph Store uploads by `policygraph push`) may be larger.
MAX_WRITE_BODY = 512 * 1024 * 1024
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
        "host",
        "authorization",
        "origin",
        "accept-encoding",
    }
)
_FORM = "application/x-www-form-urlencoded"
_SPARQL_BODIES = {"application/sparql-query": "query", "application/sparql-update": "update"}


class Rules:
    """What the front lets through (see the module's docstring)."""

    def __init__(
        self,
        *,
        host: str,
        writable: bool,
        token: str | None,
        cors: bool,
        allow_hosts: tuple[str, ...],
        allow_remote: bool,
        timeout: float | None,
        max_answer_bytes: int | None = None,
    ) -> None:
        self.max_answer_bytes = max_answer_bytes or None
        #: Two answers of the largest size at once (each is joined once more when complete).
        self.answers = AnswerBudget(2 * self.max_answer_bytes if self.max_answer_bytes else None)
        self.hosts = {"localhost", host.strip("[]").lower(), *(h.lower() for h in allow_hosts)}
        self.writable = writable
        self.token = token
        self.cors = cors
        self.allow_remote = allow_remote
        self.timeout = timeout or None

    def host_allowed(self, header: str) -> bool:
        name = _host_name(header)
        if name in self.hosts:
            return True
        try:
            ipaddress.ip_address(name)  # rebinding needs a domain name: IP literals are safe
        except ValueError:
            return False
        return True


class FrontServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    #: Connections the kernel queues before a thread accepts them. The standard library's
    #: 5 made a burst of 100 connections wait up to 28 s (SYN retries) for a static file.
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], rules: Rules, backend: Backend) -> None:
        host = address[0]
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.rules = rules
        self.backend = backend
        self._local: tuple[Path, ox.Store] | None = None
        self._local_lock = threading.Lock()
        ask = self.ask_child if rules.writable else self.ask_local
        self.explorer = Explorer(ask, lambda: backend.current.location)
        self.pages = application(self.explorer)  # the explorer as a WSGI application
        super().__init__(address, Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that goes away mid-answer is no error of the server's: without this,
        each one printed a traceback, and a client could flood the console."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]

    def ask_local(self, sparql: str) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        """The rows of one of the explorer's queries, from the served generation of the
        store opened read-only here (opened again when a build publishes a new one)."""
        location = self.backend.current.location
        with self._local_lock:
            if self._local is None or self._local[0] != location:
                self._local = (location, ox.Store.read_only(str(location)))
            store = self._local[1]
        return rows(store.query(sparql))

    def ask_child(self, sparql: str) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        """The rows of one of the explorer's queries, from the child, within the read
        timeout; :class:`Unavailable` (503/502) when it cannot answer."""
        timeout = self.rules.timeout
        deadline = time.monotonic() + timeout if timeout else None
        for attempt in range(2):
            child = self.backend.acquire()
            headers = {
                "Host": f"127.0.0.1:{child.port}",
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json",
            }
            try:
                status, _, _, data = _exchange(
                    child.port,
                    "POST",
                    "/query",
                    headers,
                    sparql.encode("utf-8"),
                    deadline,
                    self.rules.max_answer_bytes,
                    self.rules.answers,
                )
            except _TooLarge:
                raise Unavailable(503, "the page would be too large to show") from None
            except _Busy:
                raise Unavailable(503, "the server is busy with large answers") from None
            except TimeoutError:
                raise Unavailable(
                    503, f"the store took longer than {timeout:g} s to answer for this page"
                ) from None
            except (OSError, http.client.HTTPException):
                died = self.backend.lost(child)
                if died is None and attempt == 0:
                    continue  # replaced by a new build while we asked: ask the new one
                raise Unavailable(502, "the SPARQL server stopped; it has been restarted") from None
            finally:
                self.backend.release(child)
            try:
                if status != 200:
                    raise Unavailable(502, f"the store answered {status}: {data[:200]!r}")
                return rows(ox.parse_query_results(data, ox.QueryResultsFormat.JSON))
            finally:
                self.rules.answers.give(len(data))
        raise Unavailable(502, "the SPARQL server was replaced twice while answering")


class _Reply(Exception):
    """An answer decided before forwarding: a status and a one-line reason."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "policygraph"
    sys_version = ""
    #: Seconds a client may take to send its request (slow senders hold a thread).
    timeout = 30
    server: FrontServer
    raw_requestline: bytes

    def do_GET(self) -> None:
        self._handle()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def parse_request(self) -> bool:
        # A client that sends /id/person/习近平 unencoded (curl does) sends UTF-8 bytes that
        # http.server reads as Latin-1, where 习's \xa0 is a space that splits the request
        # line: encode such bytes as a browser would have, before the line is parsed.
        self.raw_requestline = re.sub(
            rb"[\x80-\xff]", lambda m: b"%%%02X" % m.group()[0], self.raw_requestline
        )
        return super().parse_request()

    def log_message(self, format: str, *args: object) -> None:
        pass  # no line per request on the console (Oxigraph's server printed none)

    def _handle(self) -> None:
        try:
            self._check_and_forward()
        except _Reply as r:
            # After its own error the front closes the connection (the body of the request
            # may be unread), and says so: a keep-alive client would send the next request
            # into a closed socket.
            self._send(
                r.status,
                (str(r) + "\n").encode(),
                "text/plain; charset=utf-8",
                r.headers,
                close=r.status >= 400,
            )

    def _check_and_forward(self) -> None:
        rules = self.server.rules
        host = self.headers.get("Host")
        if not host:
            raise _Reply(400, "a Host header is required")
        if not rules.host_allowed(host):
            raise _Reply(
                403,
                f"Host '{_host_name(host)}' is not this server's name; start it with "
                "--allow-host NAME to accept it",
            )
        method = self.command
        path = urlsplit(self.path).path
        if method == "OPTIONS":
            raise _Reply(204, "", {"Allow": "GET, HEAD, POST, PUT, DELETE, OPTIONS"})
        if method in ("GET", "HEAD") and self.server.explorer.serves(path):
            self._body(MAX_READ_BODY)  # read and ignored: a page takes no body
            self._explore(path)
            return
        write = not (method in ("GET", "HEAD") or (method == "POST" and path == "/query"))
        if write:
            self._check_write(host)
        body = self._body(MAX_WRITE_BODY if write else MAX_READ_BODY)
        self._guard(path, body)
        self._forward(write, body)

    def _explore(self, path: str) -> None:
        """Answer through the explorer's WSGI application (explore/wsgi.py). It is asked
        as GET: ``_send`` leaves the body out of a HEAD answer and keeps its length."""
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": self.path,
            "PATH_INFO": unquote(path, "latin-1"),
            "QUERY_STRING": urlsplit(self.path).query,
            "HTTP_ACCEPT": self.headers.get("Accept", ""),
            "SERVER_PROTOCOL": self.request_version,
        }
        answer: dict[str, object] = {}

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: object = None
        ) -> None:
            answer["status"], answer["headers"] = status, headers

        body = b"".join(self.server.pages(environ, start_response))
        status, _, reason = str(answer["status"]).partition(" ")
        headers = [
            (k, v)
            for k, v in answer["headers"]  # type: ignore[attr-defined]
            if k.lower() not in ("content-length", "content-type")
        ]
        kind = next(v for k, v in answer["headers"] if k.lower() == "content-type")  # type: ignore[attr-defined]
        self._send(int(status), body, kind, headers, reason or None)

    def _check_write(self, host: str) -> None:
        rules = self.server.rules
        origin = self.headers.get("Origin")
        if (origin is not None and origin.lower() != f"http://{host}".lower()) or (
            self.headers.get("Sec-Fetch-Site") == "cross-site"
        ):
            raise _Reply(403, f"writes from another origin ({origin}) are refused")
        if not rules.writable:
            raise _Reply(403, "the server is read-only; start it with --writable to accept writes")
        given = self.headers.get("Authorization", "")
        expected = f"Bearer {rules.token}"
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise _Reply(
                401,
                "writes need the server's token: send 'Authorization: Bearer TOKEN'",
                {"WWW-Authenticate": 'Bearer realm="policygraph"'},
            )

    def _body(self, limit: int) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise _Reply(411, "send the request body with a Content-Length")
        if self.headers.get("Content-Encoding", "identity").lower() != "identity":
            raise _Reply(415, "compressed request bodies are not accepted")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise _Reply(400, "Content-Length is not a number") from None
        if length < 0:
            raise _Reply(400, "Content-Length is negative")
        if length > limit:
            raise _Reply(413, f"the request body is {length:,} bytes; the limit is {limit:,}")
        return self.rfile.read(length) if length else b""

    def _guard(self, path: str, body: bytes) -> None:
        """Every query and update the child would read, wherever it is."""
        texts: list[tuple[str, str]] = []
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        try:
            fields = parse_qs(urlsplit(self.path).query, max_num_fields=1000)
            if body and content_type == _FORM:
                fields_body = parse_qs(body.decode("utf-8"), max_num_fields=1000, errors="strict")
                for key, values in fields_body.items():
                    fields.setdefault(key, []).extend(values)
            elif body and content_type in _SPARQL_BODIES:
                texts.append((_SPARQL_BODIES[content_type], body.decode("utf-8")))
            elif self.command == "POST" and path in ("/query", "/update"):
                raise _Reply(415, f"send SPARQL as {_FORM} or application/sparql-{path.strip('/')}")
        except UnicodeDecodeError:
            raise _Reply(400, "the request is not UTF-8 text") from None
        except ValueError:  # parse_qs: over max_num_fields
            raise _Reply(400, "the request has over 1,000 parameters or form fields") from None
        for kind in ("query", "update"):
            texts += [(kind, text) for text in fields.get(kind, [])]
        for kind, text in texts:
            try:
                sparql_guard.check(text, kind=kind, allow_remote=self.server.rules.allow_remote)
                if kind == "update":
                    refuse_default_graph_writes(text)
            except (QueryRefused, QueryError) as e:
                # the library names its argument; a server's client knows the flag
                raise _Reply(400, str(e).replace("allow_remote=True", "--allow-remote")) from None
        if self.command in ("PUT", "POST", "DELETE") and path == "/store" and "default" in fields:
            raise _Reply(
                400,
                "the default graph is the merge of the named graphs, derived after every "
                "write; write a named graph (?graph=IRI), or push with --default-graph skip",
            )

    def _forward(self, write: bool, body: bytes) -> None:
        backend = self.server.backend
        timeout = None if write else self.server.rules.timeout
        deadline = time.monotonic() + timeout if timeout else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        if body or self.command in ("POST", "PUT", "PATCH"):
            headers["Content-Length"] = str(len(body))
        if write:  # the next build then loads afresh (store/incremental.py says why)
            mark_edited(backend.store.resolve())
        answers = self.server.rules.answers
        for attempt in range(2):
            child = backend.acquire()
            held = 0  # bytes of this attempt's answer in the budget, given back however it ends
            try:
                try:
                    status, reason, answer_headers, data = _exchange(
                        child.port,
                        self.command,
                        self.path,
                        headers,
                        body,
                        deadline,
                        self.server.rules.max_answer_bytes,
                        answers,
                    )
                except _Busy:
                    raise _Reply(
                        503,
                        "the server is holding other large answers; ask again in a moment, "
                        "or for less (a LIMIT, fewer variables)",
                        {"Retry-After": "5"},
                    ) from None
                except _TooLarge:
                    raise _Reply(
                        503,
                        f"the answer is larger than {_mib(self.server.rules.max_answer_bytes)}; "
                        "ask for less (a LIMIT, fewer variables)",
                    ) from None
                except TimeoutError:
                    raise _Reply(
                        503,
                        f"the query ran longer than {timeout:g} s and was stopped; narrow it (a "
                        "LIMIT, a more specific pattern) or ask the operator to raise --timeout",
                    ) from None
                except (OSError, http.client.HTTPException):
                    died = backend.lost(child)
                    if died in (None, BROKE) and not write and attempt == 0:
                        continue  # replaced (a new build), or dropped us: ask again
                    if died in (None, BROKE):
                        # Alive, but it closed the connection without an answer: Oxigraph
                        # does that when it cannot start a thread for the request.
                        raise _Reply(
                            503,
                            "the SPARQL server closed the connection without answering (it "
                            "may be out of threads); ask again in a moment",
                            {"Retry-After": "2"},
                        ) from None
                    raise _Reply(
                        502,
                        f"the SPARQL server stopped while answering ({died}); "
                        "it has been restarted",
                    ) from None
                else:
                    held = len(data)
                    if write and 200 <= status < 300:
                        self._resync(child.port)
                        self.server.explorer.forget()
                    if status >= 500 and exhausted(data):
                        # Oxigraph keeps a thread per query until its own timeout; under a
                        # long run of queries it can reach its memory limit and answer 500
                        # to every request without dying. A new child has none of those
                        # threads; a read is asked again there.
                        backend.recycle(child, "the SPARQL server ran out of threads or memory")
                        if not write and attempt == 0:
                            continue
                        raise _Reply(
                            503,
                            "the SPARQL server ran out of resources and is being restarted; "
                            "ask again in a moment",
                            {"Retry-After": "2"},
                        )
                finally:
                    backend.release(child)
                self._send(status, data, None, answer_headers, reason)
                return
            finally:
                answers.give(held)

    def _resync(self, port: int) -> None:
        """Make the default graph the merge of the named graphs again after a write, as
        ``policygraph query --update`` does, so that what was written is what queries see.
        Two passes over the store: seconds on a corpus of millions of triples."""
        headers = {"Content-Type": "application/sparql-update", "Host": f"127.0.0.1:{port}"}
        status, _, _, data = _exchange(port, "POST", "/update", headers, RESYNC, None)
        if not 200 <= status < 300:
            raise _Reply(
                500,
                "the write was applied but the default graph could not be derived again: "
                + data.decode("utf-8", "replace")[:200],
            )

    def _send(
        self,
        status: int,
        data: bytes,
        content_type: str | None,
        headers: dict[str, str] | list[tuple[str, str]],
        reason: str | None = None,
        close: bool = False,
    ) -> None:
        self.send_response(status, reason)
        if close:
            self.send_header("Connection", "close")  # (also sets close_connection)
        items = headers.items() if isinstance(headers, dict) else headers
        for key, value in items:
            if key.lower() not in _HOP_BY_HOP and key.lower() != "server":
                self.send_header(key, value)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("X-Content-Type-Options", "nosniff")
        if self.server.rules.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE")
            self.send_header("Access-Control-Allow-Headers", "Accept, Authorization, Content-Type")
        if status not in (204, 304):
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD" and status not in (204, 304):
            self.wfile.write(data)


def _exchange(
    port: int,
    method: str,
    target: str,
    headers: dict[str, str],
    body: bytes,
    deadline: float | None,
    max_bytes: int | None = None,
    budget: AnswerBudget | None = None,
) -> tuple[int, str, list[tuple[str, str]], bytes]:
    """One request to the child, its answer read in full before ``deadline`` (monotonic
    seconds) or :class:`TimeoutError`, and up to ``max_bytes`` or :class:`_TooLarge`.
    Closing the connection early makes Oxigraph stop writing a result it streams. With a
    ``budget`` the answer's bytes are taken from it (:class:`_Busy` past it); the caller
    gives back ``len`` of the answer once it is done with it."""

    def left() -> float | None:
        if deadline is None:
            return None
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        return remaining

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=left())
    try:
        connection.request(method, target, body=body or None, headers=headers)
        response = connection.getresponse()
        chunks = []
        size = 0
        try:
            while True:
                if connection.sock is not None:
                    connection.sock.settimeout(left())
                chunk = response.read1(1 << 16)
                if not chunk:
                    break
                if budget is not None:
                    budget.take(len(chunk))
                chunks.append(chunk)
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise _TooLarge
            if response.length:  # the child closed before the end it announced
                raise http.client.IncompleteRead(b"".join(chunks), response.length)
            left()
        except BaseException:
            if budget is not None:
                budget.give(size)
            raise
        return response.status, response.reason, response.getheaders(), b"".join(chunks)
    finally:
        connection.close()


_EXHAUSTED = re.compile(
    rb"spawn thread|Resource temporarily unavailable|Cannot allocate memory|out of memory"
    rb"|memory allocation|bad_alloc",
    re.IGNORECASE,
)


def exhausted(body: bytes) -> bool:
    """Whether an error answer of Oxigraph says it is out of threads or memory."""
    return _EXHAUSTED.search(body[:4096]) is not None


class _TooLarge(Exception):
    """The child's answer is over the size the front may hold."""


class _Busy(Exception):
    """The answers the front holds at once would pass its budget."""


class AnswerBudget:
    """Bytes of answers the front holds at once, all requests together. ``--max-answer-mb``
    caps one answer; without a cap on their sum, six concurrent large answers took the
    front to 4.7 GB. An answer takes its bytes as they arrive and gives them back once it
    is sent; past the budget the request gets 503 and the others go on."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.held = 0
        self._lock = threading.Lock()

    def take(self, n: int) -> None:
        with self._lock:
            if self.limit is not None and self.held + n > self.limit:
                raise _Busy
            self.held += n

    def give(self, n: int) -> None:
        with self._lock:
            self.held -= n


def _mib(n: int | None) -> str:
    return f"{(n or 0) / (1024 * 1024):g} MB"


def _host_name(header: str) -> str:
    """The name in a ``Host`` header, without its port, brackets or final dot."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    if header.count(":") == 1:
        header = header.split(":", 1)[0]
    return header.rstrip(".")
