"""Serve the store over HTTP: Oxigraph's SPARQL 1.1 server behind a guarding front.

The SPARQL server is not ours: :func:`start` finds the ``oxigraph`` program that the PyPI
package ``oxigraph`` installs (the ``serve`` extra), checks the store, and runs
``oxigraph serve-read-only`` (or ``serve`` with ``writable``) on a private loopback port.
The public port belongs to :mod:`policygraph.serve.front`, a small stdlib HTTP server that
checks every request (Host, Origin, a token for writes, the SPARQL guard) and reads each
answer in full within the timeout before it forwards it. Endpoints: ``/query`` (SPARQL 1.1
Protocol), ``/update`` (writable only), ``/store`` (Graph Store Protocol) and a query page
at ``/``.

The front keeps the child alive and current (:class:`Backend`): every half second it
restarts a child that died (a crash, its memory limit) and moves to a new generation of
the store when a build publishes one (``DIR/store`` is a link; see store/outputs.py).
The child's address space is limited to ``max_memory_mb`` (``RLIMIT_AS``): a query that
needs more makes the child abort, the client gets 502 and the child is restarted. That is
the only memory bound there is: Oxigraph has no per-query limit.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import IO

from policygraph.errors import PolicyGraphError, StoreMissing
from policygraph.serve import (
    DEFAULT_HOST,
    DEFAULT_MAX_ANSWER_MB,
    DEFAULT_MAX_MEMORY_MB,
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
    TOKEN_ENV,
)

_STARTUP_SECONDS = 60.0
_STOP_SECONDS = 10.0
#: How often the front looks for a dead child or a new build.
POLL_SECONDS = 0.5
#: Extra seconds the child's own timeout gets over the front's: the front answers first
#: (503), the child's timeout only ends the abandoned work.
_CHILD_TIMEOUT_MARGIN = 2


#: What :meth:`Backend.lost` says of a child that is alive but broke the connection.
BROKE = "the connection broke"


class ServeError(PolicyGraphError):
    """The server cannot start: no ``oxigraph`` program, a store in use, a port taken."""


def oxigraph_program() -> Path:
    """The ``oxigraph`` program of this environment, else the first one on ``PATH``."""
    # Prefer the one installed beside this Python: it matches the pinned pyoxigraph.
    here = Path(sys.executable).parent / ("oxigraph.exe" if sys.platform == "win32" else "oxigraph")
    if here.is_file():
        return here
    found = shutil.which("oxigraph")
    if found is None:
        raise ServeError(
            "the Oxigraph server is not installed; run: pip install 'policygraph[serve]'"
        )
    return Path(found)


def check_version(program: Path) -> str:
    """The server's version; an error when its storage format differs from pyoxigraph's."""
    import pyoxigraph

    try:
        out = subprocess.run(
            [str(program), "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError) as e:
        raise ServeError(f"{program}: cannot run: {e}") from None
    version = out.split()[-1] if out.split() else "?"
    # 0.x releases may change the on-disk format; the same minor series reads our store.
    if version.split(".")[:2] != pyoxigraph.__version__.split(".")[:2]:
        raise ServeError(
            f"{program} is Oxigraph {version} but the store is written by pyoxigraph "
            f"{pyoxigraph.__version__}; install the same series: "
            f"pip install 'oxigraph=={pyoxigraph.__version__}'"
        )
    return version


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int) -> str:
    host = host.strip("[]")
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class Child:
    """One Oxigraph server process on a private loopback port, serving one location."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, location: Path) -> None:
        self.process = process
        self.port = port
        self.location = location
        self.active = 0  # requests in flight (under the backend's lock)
        self.retired = False  # replaced on purpose: a broken request may be asked again


class Backend:
    """The current child, restarted when it dies and replaced when the build changes."""

    def __init__(
        self,
        store: Path,
        program: Path,
        *,
        writable: bool,
        timeout: float | None,
        max_memory_mb: int,
        log_to: IO[str] | None,
    ) -> None:
        self.store = store
        self.program = program
        self.writable = writable
        self.timeout = timeout
        self.max_memory_mb = max_memory_mb
        self.log_to = log_to
        self.restarts = 0
        self._lock = threading.Lock()  # guards ``current`` and the ``active`` counts
        self._replacing = threading.Lock()  # one replacement at a time
        self._stopping = threading.Event()
        self.current = self._launch(store.resolve())
        self._monitor = threading.Thread(target=self._watch, name="serve-monitor", daemon=True)
        self._monitor.start()

    # -- requests ------------------------------------------------------------------------

    def acquire(self) -> Child:
        with self._lock:
            child = self.current
            child.active += 1
            return child

    def release(self, child: Child) -> None:
        with self._lock:
            child.active -= 1

    def lost(self, child: Child) -> str | None:
        """A request to ``child`` broke: ``None`` when the child was replaced on purpose,
        else what happened to it (it is restarted if it died)."""
        if child.retired:
            return None
        try:
            code = child.process.wait(1.0)  # a crash closes the socket a moment before exit
        except subprocess.TimeoutExpired:
            return BROKE
        self._replace(child, f"the SPARQL server stopped (exit status {code}); restarting it")
        return f"exit status {code}"

    def recycle(self, child: Child, why: str) -> None:
        """Replace a child that is alive but no longer able to answer (out of threads or
        memory under its limit): a new one takes the next requests, this one is stopped once
        its requests are done."""
        if not child.retired and not self._stopping.is_set():
            self._replace(child, why)

    # -- life cycle ----------------------------------------------------------------------

    def stop(self) -> int:
        self._stopping.set()
        with self._replacing, self._lock:
            child = self.current
        return _terminate(child.process)

    def _watch(self) -> None:
        while not self._stopping.wait(POLL_SECONDS):
            try:
                child = self.current
                code = child.process.poll()
                if code is not None:
                    self._replace(
                        child, f"the SPARQL server stopped (exit status {code}); restarting it"
                    )
                    continue
                location = self.store.resolve()
                if location != child.location and (location / "CURRENT").is_file():
                    self._replace(child, f"a new build is published; serving {location}")
            except Exception as e:  # keep watching: the next round may succeed
                self._say(f"cannot restart the SPARQL server: {e}")

    def _replace(self, old: Child, why: str) -> None:
        with self._replacing:
            if self._stopping.is_set() or self.current is not old:
                return  # stopping, or another thread replaced it already
            self._say(why)
            location = self.store.resolve()
            if self.writable:
                old.retired = True
                _terminate(old.process)  # one writer at a time: RocksDB's lock
            new = self._launch(location)  # on failure the old child stays; tried again later
            old.retired = True
            with self._lock:
                self.current = new
            self.restarts += 1
        if not self.writable:
            # Let the requests in flight on the old child finish, then stop it.
            grace = (self.timeout or 60.0) + _CHILD_TIMEOUT_MARGIN
            threading.Thread(
                target=self._retire, args=(old, grace), name="serve-retire", daemon=True
            ).start()

    def _retire(self, child: Child, grace: float) -> None:
        deadline = time.monotonic() + grace
        while child.active > 0 and time.monotonic() < deadline and child.process.poll() is None:
            time.sleep(0.1)
        _terminate(child.process)

    def _launch(self, location: Path) -> Child:
        for attempt in range(3):
            try:
                return self._launch_on(location, free_port("127.0.0.1"))
            except ServeError as e:
                # Another program took the private port between our look and the bind.
                if "already in use" not in str(e) or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _launch_on(self, location: Path, port: int) -> Child:
        command = [
            str(self.program),
            "serve" if self.writable else "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
        ]
        if self.timeout:
            # The front answers 503 at its own deadline; this only ends the work after it.
            command += ["--timeout-s", str(math.ceil(self.timeout) + _CHILD_TIMEOUT_MARGIN)]
        limit = self.max_memory_mb * 1024 * 1024 if self.max_memory_mb else None
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=None if limit is None or _HAS_PRLIMIT else _limit_memory(limit),
        )
        if limit is not None and _HAS_PRLIMIT:
            # Set from outside, right after exec: a preexec_fn is unsafe in a process with
            # threads (the front's), and the child has allocated next to nothing yet.
            import resource

            try:
                resource.prlimit(process.pid, resource.RLIMIT_AS, (limit, limit))
            except OSError as e:
                _terminate(process)
                raise ServeError(f"cannot limit the server's memory: {e}") from None
        lines: list[str] = []
        ready = threading.Event()
        assert process.stderr is not None
        threading.Thread(
            target=_relay,
            args=(process.stderr, lines, ready, self.log_to),
            name="oxigraph-log",
            daemon=True,
        ).start()
        deadline = time.monotonic() + _STARTUP_SECONDS
        while not _accepts("127.0.0.1", port):
            if process.poll() is not None:
                raise ServeError(_why(lines, self.store, "127.0.0.1", port))
            if time.monotonic() > deadline:
                _terminate(process)
                raise ServeError(f"the Oxigraph server did not answer on port {port} in time")
            time.sleep(0.05)
        if process.poll() is not None:
            raise ServeError(_why(lines, self.store, "127.0.0.1", port))
        ready.set()
        return Child(process, port, location)

    def _say(self, message: str) -> None:
        print(f"policygraph: serve: {message}", file=self.log_to or sys.stderr, flush=True)


try:
    import resource as _resource

    _HAS_PRLIMIT = hasattr(_resource, "prlimit")
except ImportError:  # Windows: no limit
    _HAS_PRLIMIT = False


def _limit_memory(limit: int) -> Callable[[], None]:
    def apply() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def _terminate(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        # SIGTERM, not SIGINT: a child started from a background job inherits an ignored
        # SIGINT. Oxigraph handles neither; RocksDB's write-ahead log keeps committed writes.
        process.terminate()
        try:
            process.wait(_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


class Server:
    """A running server: the front, the child behind it, and where it listens."""

    def __init__(
        self,
        front: object,
        backend: Backend,
        url: str,
        store: Path,
        writable: bool,
        token: str | None,
        token_generated: bool,
    ) -> None:
        self.front = front
        self.backend = backend
        self.url = url
        self.store = store
        self.writable = writable
        self.token = token
        self.token_generated = token_generated
        self._thread: threading.Thread | None = None

    @property
    def process(self) -> subprocess.Popen[bytes]:
        """The Oxigraph process answering now."""
        return self.backend.current.process


def start(
    store: Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    writable: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    token: str | None = None,
    cors: bool = False,
    allow_hosts: tuple[str, ...] = (),
    allow_remote: bool = False,
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB,
    max_answer_mb: int = DEFAULT_MAX_ANSWER_MB,
    log: IO[str] | None = None,
) -> Server:
    """Start the server on ``store`` and return once it accepts connections.

    Writes (``writable``) need ``token`` as a bearer token; without one, the environment
    variable ``POLICYGRAPH_SERVE_TOKEN`` or else a random token is used (``Server.token``).
    ``log`` receives the server's own messages (default: standard error). Raises
    :class:`StoreMissing` without a store and :class:`ServeError` when the server exits
    before it listens, with its reason (a store locked by a running build, a port in use)."""
    from policygraph.serve.front import FrontServer, Rules

    if not (store / "CURRENT").is_file():
        raise StoreMissing(
            f"{store}: no policygraph store here; run pg.build() first or pass store=DIR/store"
        )
    location = store.resolve()
    if _written_by_another_process(location):
        raise ServeError(
            f"{store}: the store is in use by another process that writes to it (a build or "
            "a writable server); wait for it to finish or stop it"
        )
    if not _port_free(host, port):
        raise ServeError(f"{host}:{port} is already in use; choose another port=")
    if max_memory_mb < 0:
        raise ServeError(f"max_memory_mb={max_memory_mb}: must be 0 (no limit) or more")
    program = oxigraph_program()
    check_version(program)
    generated = False
    if writable:
        token = token or os.environ.get(TOKEN_ENV) or None
        if token is None:
            token, generated = secrets.token_urlsafe(24), True
    else:
        token = None
    backend = Backend(
        store,
        program,
        writable=writable,
        timeout=timeout,
        max_memory_mb=max_memory_mb,
        log_to=log,
    )
    rules = Rules(
        host=host,
        writable=writable,
        token=token,
        cors=cors,
        allow_hosts=allow_hosts,
        allow_remote=allow_remote,
        timeout=timeout,
        max_answer_bytes=max_answer_mb * 1024 * 1024,
    )
    bind_host = host.strip("[]")
    try:
        front = FrontServer((bind_host, port), rules, backend)
    except OSError as e:
        backend.stop()
        raise ServeError(f"{host}:{port}: cannot listen: {e.strerror or e}") from None
    shown = f"[{bind_host}]" if ":" in bind_host else host
    server = Server(front, backend, f"http://{shown}:{port}/", store, writable, token, generated)
    server._thread = threading.Thread(
        target=front.serve_forever, kwargs={"poll_interval": 0.2}, name="serve-front", daemon=True
    )
    server._thread.start()
    return server


def stop(server: Server) -> int:
    """Stop the front and the child, killing the child if it does not go in time."""
    front = server.front
    front.shutdown()  # type: ignore[attr-defined]
    front.server_close()  # type: ignore[attr-defined]
    return server.backend.stop()


def serve(
    store: Path,
    *,
    on_ready: Callable[[Server], None] | None = None,
    **options: object,
) -> int:
    """Serve ``store`` until Ctrl-C (SIGINT) or SIGTERM; return 0 after a clean stop, 1 if
    the front itself failed. ``on_ready`` is called once it listens; ``options`` are those
    of :func:`start`."""
    server = start(store, **options)  # type: ignore[arg-type]

    def interrupted(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    # Both signals stop the server, even when our launcher left SIGINT ignored (as shells
    # do for background jobs).
    previous = (
        {sig: signal.signal(sig, interrupted) for sig in (signal.SIGINT, signal.SIGTERM)}
        if threading.current_thread() is threading.main_thread()
        else {}
    )
    try:
        if on_ready is not None:
            on_ready(server)
        assert server._thread is not None
        while server._thread.is_alive():
            server._thread.join(0.5)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        stop(server)


@contextmanager
def running(store: Path, **options: object) -> Iterator[Server]:
    """A server for the duration of a ``with`` block (tests, notebooks)."""
    server = start(store, **options)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        stop(server)


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port that nothing listens on now (for tests and scripts)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def _written_by_another_process(location: Path) -> bool:
    """Whether a process holds RocksDB's write lock on the store (reading a store that
    another process writes is undefined behaviour for Oxigraph).

    POSIX record locks belong to the process and closing any descriptor of the file drops
    them all: do not call this in a process that has the same store open for writing."""
    try:
        import fcntl
    except ImportError:  # Windows: RocksDB's own error names the lock
        return False
    try:
        with open(location / "LOCK", "rb+") as f:
            try:
                fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.lockf(f, fcntl.LOCK_UN)
    except OSError:  # no LOCK file (never opened for writing) or not ours to open
        return False
    return False


def _port_free(host: str, port: int) -> bool:
    host = host.strip("[]") or "0.0.0.0"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        # The server sets SO_REUSEADDR too, so a port in TIME_WAIT counts as free.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _relay(
    stream: IO[bytes], lines: list[str], ready: threading.Event, log: IO[str] | None
) -> None:
    """Pass the server's messages on once it listens; before that, keep them for the
    error message (a failed start is summed up in one line, not a Rust backtrace)."""
    shown = 0
    with stream:
        for raw in stream:
            lines.append(raw.decode("utf-8", "replace").rstrip())
            if ready.is_set():
                for line in lines[shown:]:
                    print(f"oxigraph: {line}", file=log or sys.stderr, flush=True)
                shown = len(lines)


def _why(lines: list[str], store: Path, host: str, port: int) -> str:
    """The server's own reason for exiting, made actionable."""
    time.sleep(0.1)  # let the relay thread read the last lines
    text = " ".join(lines)
    error = next((line for line in lines if line.startswith("Error:")), text)
    if re.search(r"\block\b", text, re.IGNORECASE):
        return (
            f"{store}: the store is in use by another process (a build or a writable server); "
            f"wait for it to finish or stop it ({error})"
        )
    if re.search(r"address (already )?in use", text, re.IGNORECASE):
        return f"{host}:{port} is already in use; choose another port="
    return f"the Oxigraph server stopped at once: {error or 'no message'}"
