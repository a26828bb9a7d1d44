"""Worker processes that never import the user's main module, each task under a budget.

multiprocessing's spawn and forkserver start methods re-run the user's ``__main__`` in
every worker: a plain script that calls :func:`policygraph.pipeline.build` without an
``if __name__ == "__main__":`` guard started a build in each worker, forever. The workers
here are ``python -c 'from policygraph.pipeline.workers import main; main()'`` subprocesses that
know only this package. The parent sends calls on their stdin and reads results on their
stdout, each a pickle after its 8-byte length (both ends are this package, the same user).

Each task may have a time budget (the parent kills the worker when it is over) and a
memory budget (``RLIMIT_AS`` in the worker, above what the worker held before the task).
A task over budget, or a worker that dies, becomes a :class:`Failure` with a reason; the
worker is replaced and the other tasks go on. The parent never runs the task itself, so
it is never the process that runs out of memory.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import selectors
import signal
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import IO, Any

_LENGTH = struct.Struct(">Q")
#: The package's folder's parent, put first on the worker's path: the worker imports the
#: same policygraph as the parent, installed or not.
_ROOT = str(Path(__file__).resolve().parents[2])  # the folder that holds policygraph/
_BOOT = (
    f"import sys; sys.path.insert(0, {_ROOT!r}); "
    "from policygraph.pipeline.workers import main; main()"
)


@dataclass(frozen=True, slots=True)
class Failure:
    """A task that gave no result: over its time or memory budget, its worker died, or it
    raised (``detail`` is then the worker's traceback)."""

    reason: str
    detail: str = ""


def _send(stream: IO[bytes], data: bytes) -> None:
    view = memoryview(_LENGTH.pack(len(data)) + data)
    while view:
        view = view[stream.write(view) or 0 :]
    stream.flush()


def _read(stream: IO[bytes], size: int) -> bytes | None:
    """Exactly ``size`` bytes; None at the end of the stream. The parent reads unbuffered
    (a buffer could hide a second answer from the selector), so reads may come short."""
    parts = []
    while size:
        part = stream.read(size)
        if not part:
            return None
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _receive(stream: IO[bytes]) -> bytes | None:
    """One frame, or None at the end of the stream (the other side closed or died)."""
    head = _read(stream, _LENGTH.size)
    if head is None:
        return None
    (size,) = _LENGTH.unpack(head)
    return _read(stream, size)


def _resolve(name: str) -> Callable[..., Any]:
    module, _, attr = name.partition(":")
    if not module.startswith("policygraph."):
        raise ValueError(f"a worker runs policygraph functions only, not {name}")
    return getattr(import_module(module), attr)  # type: ignore[no-any-return]


# --- the worker side -----------------------------------------------------------------------


def _address_space() -> int:
    """Bytes of address space this process holds now (VmSize), 0 when unknown."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_memory(megabytes: int | None) -> None:
    """Let this process grow by ``megabytes`` at most from now on (None: no limit).
    An allocation past it raises MemoryError in the task, not in the parent."""
    try:
        import resource
    except ImportError:  # not on this platform: the time budget still holds
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = hard
    if megabytes is not None and (now := _address_space()):
        soft = now + megabytes * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _die_with_parent() -> None:
    """On Linux, ask for SIGKILL when the parent dies (a killed build must not leave a
    worker busy on a runaway document). Elsewhere the worker ends at its next read."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def main() -> None:
    """The worker's loop: read ``(function, args, memory)`` calls, answer each with
    ``("ok", value)``, ``("error", reason, traceback)`` or ``("memory", reason)``.
    Exits at the end of its input, or after running out of memory (its heap is then not
    worth keeping: the parent starts another)."""
    _die_with_parent()
    calls = sys.stdin.buffer
    answers = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not break the protocol
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    while (frame := _receive(calls)) is not None:
        name, args, memory = pickle.loads(frame)
        answer: tuple[Any, ...]
        try:
            _limit_memory(memory)
            try:
                answer = ("ok", _resolve(name)(*args))
            finally:
                _limit_memory(None)
        except MemoryError:
            answer = ("memory", f"over the memory budget of {memory} MB")
        except Exception as e:
            answer = ("error", f"{type(e).__name__}: {e}", traceback.format_exc())
        _send(answers, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
        if answer[0] == "memory":
            return


def fault(name: str) -> None:
    """A test-only hook: ``POLICYGRAPH_FAULT=sleep:NAME`` (or ``alloc:``, ``raise:``,
    ``exit:``; several separated by commas) makes the task on NAME hang, eat memory, fail
    or kill its process, so that the tests of the budgets run in seconds. Costs one lookup
    otherwise."""
    for wanted in filter(None, os.environ.get("POLICYGRAPH_FAULT", "").split(",")):
        kind, _, target = wanted.partition(":")
        if target != name:
            continue
        if kind == "sleep":
            time.sleep(3600)
        elif kind == "alloc":
            hog = []
            while True:
                hog.append(bytearray(64 * 1024 * 1024))
        elif kind == "raise":
            raise ZeroDivisionError("a bug")
        elif kind == "exit":  # the process dies, as a segfault or the OOM killer would
            os._exit(70)


def probe(name: str) -> str:
    """A task for the tests of this module: ``name``, after its fault if there is one."""
    fault(name)
    return name


# --- the parent side -----------------------------------------------------------------------


def _interpreter() -> tuple[str, dict[str, str] | None]:
    """The Python a worker runs: this one. When its path cannot be executed by this user (a
    build run as another user than the one who installed Python, e.g. under ``setpriv``), the
    running binary itself (``/proc/self/exe``), told this process's import path so that it
    finds the same packages."""
    if os.access(sys.executable, os.X_OK) or not os.path.exists("/proc/self/exe"):
        return sys.executable, None
    path = os.pathsep.join(p for p in sys.path if p)
    return "/proc/self/exe", {**os.environ, "PYTHONPATH": path}


class _Worker:
    def __init__(self, init: bytes | None) -> None:
        executable, env = _interpreter()
        self.proc = subprocess.Popen(
            [executable, "-c", _BOOT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
            env=env,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin: IO[bytes] = self.proc.stdin
        self.stdout: IO[bytes] = self.proc.stdout
        self.task: int | None = None
        self.deadline = float("inf")
        self.init = init is not None
        if init is not None:
            self.send(init)

    def send(self, data: bytes) -> bool:
        try:
            _send(self.stdin, data)
        except (BrokenPipeError, OSError):
            return False
        return True

    def stop(self, *, kill: bool) -> None:
        if kill and self.proc.poll() is None:
            self.proc.kill()
        for stream in (self.stdin, self.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        self.proc.wait()

    def death(self) -> str:
        """Why the worker is gone, in words."""
        self.stop(kill=False)
        code = self.proc.returncode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"its worker was killed by {name}"
        return f"its worker exited with code {code}"


def call(function: Callable[..., Any], *args: Any) -> bytes:
    """A call to send to workers, pickled once (an initializer goes to every worker)."""
    return call_named(f"{function.__module__}:{function.__qualname__}", *args)


def call_named(name: str, *args: Any) -> bytes:
    """:func:`call` of the function named ``module:qualname``, without importing it."""
    return pickle.dumps((name, args, None), protocol=pickle.HIGHEST_PROTOCOL)


def run(
    function: Callable[..., Any],
    tasks: Sequence[tuple[Any, ...]],
    *,
    jobs: int,
    init: Callable[..., Any] | None = None,
    init_args: tuple[Any, ...] = (),
    seconds: float | None = None,
    megabytes: int | None = None,
    ordered: bool = True,
    pool: Pool | None = None,
) -> Generator[tuple[int, Any], None, None]:
    """``(index, function(*tasks[index]))`` for every task, from ``jobs`` worker processes,
    in the tasks' order when ``ordered`` (else as they finish). A task that gives no
    result yields a :class:`Failure` in its place. ``init(*init_args)`` runs first in
    each worker; ``seconds`` and ``megabytes`` are each task's budget (None: none).
    With a ``pool``, idle workers it kept from an earlier run with the same ``init`` are
    used first, and the workers still healthy at the end go back to it.

    Closing the iterator early kills the workers (those with a task)."""
    if not tasks:
        return
    name = f"{function.__module__}:{function.__qualname__}"
    first = call(init, *init_args) if init is not None else None
    workers: list[_Worker] = []
    selector = selectors.DefaultSelector()
    following_task = 0  # the next task to dispatch
    done: dict[int, Any] = {}
    following = 0  # the next index to yield when ordered

    def start() -> _Worker:
        kept = pool.take(first) if pool is not None else None
        worker = kept or _Worker(first)
        workers.append(worker)
        selector.register(worker.stdout, selectors.EVENT_READ, worker)
        return worker

    def retire(worker: _Worker, *, kill: bool) -> None:
        selector.unregister(worker.stdout)
        workers.remove(worker)
        worker.stop(kill=kill)

    def dispatch(worker: _Worker) -> bool:
        """Give ``worker`` the next task; False when there is none left."""
        nonlocal following_task
        if following_task == len(tasks):
            return False
        index = following_task
        following_task += 1
        data = pickle.dumps((name, tasks[index], megabytes), protocol=pickle.HIGHEST_PROTOCOL)
        worker.task = index
        worker.deadline = float("inf")
        if not worker.init:  # the budget counts from when the worker is ready for it
            worker.deadline = time.monotonic() + seconds if seconds else float("inf")
        if not worker.send(data):
            finish(worker, Failure(worker.death()), replace=True)
        return True

    def finish(worker: _Worker, value: Any, *, replace: bool) -> None:
        assert worker.task is not None
        done[worker.task] = value
        worker.task = None
        if replace:
            if worker in workers:
                retire(worker, kill=True)
            if following_task < len(tasks):
                dispatch(start())
        else:
            dispatch(worker)

    try:
        for _ in range(min(jobs, len(tasks))):
            dispatch(start())

        def busy() -> bool:
            return any(w.task is not None for w in workers)

        while busy() or done:
            if ordered:
                while following in done:
                    yield following, done.pop(following)
                    following += 1
            else:
                for index in sorted(done):
                    yield index, done.pop(index)
            if not busy():
                continue
            now = time.monotonic()
            wait = min(w.deadline for w in workers) - now
            events = selector.select(None if wait == float("inf") else max(wait, 0))
            for key, _ in events:
                worker: _Worker = key.data
                frame = _receive(worker.stdout)
                if frame is None:
                    finish(worker, Failure(worker.death()), replace=True)
                    continue
                answer = pickle.loads(frame)
                if worker.init:  # the initializer's answer: now the task's clock starts
                    worker.init = False
                    if answer[0] != "ok":
                        raise RuntimeError(f"a worker failed to start: {answer[1]}")
                    worker.deadline = time.monotonic() + seconds if seconds else float("inf")
                    continue
                if answer[0] == "ok":
                    finish(worker, answer[1], replace=False)
                elif answer[0] == "error":
                    finish(worker, Failure(answer[1], answer[2]), replace=False)
                else:  # "memory": the worker has exited
                    finish(worker, Failure(answer[1]), replace=True)
            now = time.monotonic()
            for worker in [w for w in workers if w.deadline <= now and w.task is not None]:
                finish(worker, Failure(f"over the time budget of {seconds:g} s"), replace=True)
    finally:
        for worker in list(workers):
            idle = worker.task is None and not worker.init and worker.proc.poll() is None
            if pool is not None and idle:
                selector.unregister(worker.stdout)
                workers.remove(worker)
                pool.keep(first, worker)
            else:
                retire(worker, kill=True)
        selector.close()


class Pool:
    """Idle workers kept between calls of :func:`run` in a long-lived process (a Dask
    worker runs one batch of documents per call): a worker costs about a second to start
    (Python, jieba's dictionary). Workers are kept per initializer call and die with the
    process that started them."""

    def __init__(self) -> None:
        self._idle: list[tuple[tuple[bytes | None, int], _Worker]] = []
        self._lock = threading.Lock()

    @staticmethod
    def _key(init: bytes | None) -> tuple[bytes | None, int]:
        # A worker read its environment when it started (the interpreter's path, the fault
        # hooks of the tests): it serves only a run with the same initializer and environment.
        return init, hash(tuple(sorted(os.environ.items())))

    def take(self, init: bytes | None) -> _Worker | None:
        key = self._key(init)
        with self._lock:
            for i, (kept, worker) in enumerate(self._idle):
                if kept == key:
                    del self._idle[i]
                    if worker.proc.poll() is None:
                        return worker
                    worker.stop(kill=True)
                    return None
        return None

    def keep(self, init: bytes | None, worker: _Worker) -> None:
        worker.deadline = float("inf")
        with self._lock:
            self._idle.append((self._key(init), worker))

    def has(self, function: Callable[..., Any], *args: Any) -> bool:
        """Is an idle worker with this initializer (and this environment) kept?"""
        return self._has(call(function, *args))

    def _has(self, init: bytes) -> bool:
        key = self._key(init)
        with self._lock:
            return any(kept == key and w.proc.poll() is None for kept, w in self._idle)

    def start(self, function: Callable[..., Any], *args: Any) -> None:
        """Start a worker now that runs ``function(*args)`` (the initializer a later
        :func:`run` names), and keep it: its start-up overlaps what the caller does
        before it knows its tasks. Not when an idle one is kept already."""
        self.start_named(f"{function.__module__}:{function.__qualname__}", *args)

    def start_named(self, name: str, *args: Any) -> None:
        """:meth:`start` with the initializer named ``module:qualname``, not imported here."""
        init = call_named(name, *args)
        if not self._has(init):
            self.keep(init, _Worker(init))

    def trim(self, most: int) -> None:
        """Stop the idle workers beyond the ``most`` most recently kept."""
        with self._lock:
            cut = max(0, len(self._idle) - most)
            stopped, self._idle = self._idle[:cut], self._idle[cut:]
        for _, worker in stopped:
            worker.stop(kill=True)

    def close(self) -> None:
        """Stop the idle workers (those no run took)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for _, worker in idle:
            worker.stop(kill=True)


#: The idle workers of this process, kept from one build to the next: a script or notebook
#: that builds again (the tests build dozens of times) waits about a second less each time.
#: Closed when the process exits; workers also die with it.
SHARED = Pool()
atexit.register(SHARED.close)
