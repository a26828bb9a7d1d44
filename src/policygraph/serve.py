"""Serve the store over HTTP with Oxigraph's own SPARQL 1.1 server (the ``oxigraph`` CLI).

The server is not ours: :func:`serve` finds the ``oxigraph`` program that the PyPI package
``oxigraph`` installs (the ``serve`` extra), checks the store, starts
``oxigraph serve-read-only`` (or ``serve`` with ``writable``), waits until it accepts
connections, and stops it on Ctrl-C. Endpoints: ``/query`` (SPARQL 1.1 Protocol),
``/update`` (writable only), ``/store`` (Graph Store Protocol) and a query page at ``/``.
"""

from __future__ import annotations

import ipaddress
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO

from policygraph.errors import PolicyGraphError, StoreMissing

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
#: Seconds a served query may run (the same default as ``policygraph query``).
DEFAULT_TIMEOUT = 60.0
_STARTUP_SECONDS = 60.0
_STOP_SECONDS = 10.0


class ServeError(PolicyGraphError):
    """The server cannot start: no ``oxigraph`` program, a store in use, a port taken."""


@dataclass(frozen=True, slots=True)
class Server:
    """A running server: its process and where it listens."""

    process: subprocess.Popen[bytes]
    url: str
    store: Path
    writable: bool


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


def start(
    store: Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    writable: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    log: IO[str] | None = None,
) -> Server:
    """Start the server on ``store`` and return once it accepts connections.

    ``log`` receives the server's own messages (default: standard error). Raises
    :class:`StoreMissing` without a store and :class:`ServeError` when the server exits
    before it listens, with its reason (a store locked by a running build, a port in use)."""
    if not (store / "CURRENT").is_file():
        raise StoreMissing(
            f"{store}: no policygraph store here; run `policygraph build` first "
            "or pass --store DIR/store"
        )
    # A build may swap DIR/store to a new generation: serve the one that is there now.
    location = store.resolve()
    if _written_by_another_process(location):
        raise ServeError(
            f"{store}: the store is in use by another process that writes to it (a build or "
            "`policygraph serve --writable`); wait for it to finish or stop it"
        )
    if not _port_free(host, port):
        raise ServeError(f"{host}:{port} is already in use; choose another --port")
    program = oxigraph_program()
    check_version(program)
    command = [
        str(program),
        "serve" if writable else "serve-read-only",
        "--location",
        str(location),
        "--bind",
        _bind(host, port),
    ]
    if timeout:
        command += ["--timeout-s", str(max(1, round(timeout)))]
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    lines: list[str] = []
    ready = threading.Event()
    assert process.stderr is not None
    threading.Thread(
        target=_relay, args=(process.stderr, lines, ready, log), name="oxigraph-log", daemon=True
    ).start()
    connect_host = "127.0.0.1" if host in ("0.0.0.0", "") else host.strip("[]")
    if connect_host == "::":
        connect_host = "::1"
    deadline = time.monotonic() + _STARTUP_SECONDS
    while not _accepts(connect_host, port):
        if process.poll() is not None:
            raise ServeError(_why(lines, store, host, port))
        if time.monotonic() > deadline:
            stop(Server(process, "", location, writable))
            raise ServeError(f"the Oxigraph server did not answer on {host}:{port} in time")
        time.sleep(0.05)
    if process.poll() is not None:
        raise ServeError(_why(lines, store, host, port))
    ready.set()
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    return Server(process, f"http://{shown}:{port}/", location, writable)


def stop(server: Server) -> int:
    """Stop the server, killing it if it does not go in time."""
    process = server.process
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


def serve(
    store: Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    writable: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    on_ready: Callable[[Server], None] | None = None,
) -> int:
    """Serve ``store`` until Ctrl-C (SIGINT) or SIGTERM; return 0 after a clean stop, else
    the server's own exit status. ``on_ready`` is called once it listens."""
    server = start(store, host=host, port=port, writable=writable, timeout=timeout)

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
        returncode = server.process.wait()
    except KeyboardInterrupt:
        stop(server)
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        stop(server)
    return returncode


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
        return f"{host}:{port} is already in use; choose another --port"
    return f"the Oxigraph server stopped at once: {error or 'no message'}"
