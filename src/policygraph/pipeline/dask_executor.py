"""``executor="dask"``: the map step of a build on a Dask distributed cluster.

Workers on other machines can read neither the caller's files nor its cache folder, so the
caller reads each document and sends its bytes with its :class:`Source` (name, manifest
entry); a worker runs :func:`~policygraph.pipeline.mapstep.map_batch`, the same map step and budgets
as a local build, and sends back each document's serialized extraction, which the caller
saves into its cache. The reduce step (labels), graph building and the store load stay in
the calling process, so the outputs are the same bytes as a local build's.

Documents go in batches, a few per worker, in name order, with a bounded number in flight:
the caller holds a few batches' bytes, not the corpus. Outcomes come back in name order, as
a local build's do (the summary and ``strict`` stop at the same document).
"""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policygraph.errors import InputError, PolicyGraphError
from policygraph.pipeline import EXECUTORS
from policygraph.pipeline.cache import ExtractionCache, extractor_version
from policygraph.pipeline.mapstep import Mapped, map_batch
from policygraph.text.loader import Source, read_source

if TYPE_CHECKING:
    from policygraph.pipeline.build import Outcome

log = logging.getLogger(__name__)

MISSING = "executor='dask' needs dask.distributed: pip install 'policygraph[dask]'"
#: Seconds to reach a scheduler, and to wait for its first worker.
CONNECT_TIMEOUT = 10.0
WORKER_TIMEOUT = 60.0
#: Seconds between checks that the cluster is alive while waiting for a batch.
POLL = 2.0
#: Batches per worker thread (load balance against the cost of a batch), and running or
#: queued on the cluster at once.
BATCHES_PER_WORKER = 8
IN_FLIGHT_PER_WORKER = 2
#: Batches sent and not yet given back (done ones wait for those before them), per thread.
HELD_PER_WORKER = 6
#: Bytes of documents per batch at most: what the caller and the scheduler hold per batch
#: in flight, and what is sent again when a worker is lost.
BATCH_BYTES = 4_000_000


def check(executor: str, scheduler: str | None) -> None:
    """Refuse a bad ``executor``/``scheduler`` before anything is read or written."""
    if executor not in EXECUTORS:
        raise InputError(f"executor={executor!r}: must be one of {', '.join(EXECUTORS)}")
    if scheduler is not None and executor != "dask":
        raise InputError(f"scheduler={scheduler!r} is for executor='dask' only")
    if executor == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise InputError(MISSING) from None


@contextmanager
def connect(scheduler: str | None, jobs: int) -> Iterator[Any]:
    """A Client of the cluster at ``scheduler``, or of a LocalCluster of ``jobs`` worker
    processes (one thread each) started here and closed after."""
    import distributed

    # Dask logs each connection and worker at INFO: noise under `-v`, which is ours.
    logging.getLogger("distributed").setLevel(logging.WARNING)
    if scheduler is None:
        with (
            distributed.LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=jobs,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=":0",  # any free port: 8787 may be another cluster's
                silence_logs=logging.ERROR,
            ) as cluster,
            distributed.Client(cluster) as client,  # type: ignore[no-untyped-call]
        ):
            yield client
        return
    try:
        client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)  # type: ignore[no-untyped-call]
    except (ValueError, TypeError) as e:
        raise InputError(f"scheduler={scheduler!r}: not a Dask scheduler address ({e})") from None
    except (OSError, TimeoutError) as e:
        raise PolicyGraphError(
            f"scheduler={scheduler!r}: cannot reach the Dask scheduler: {' '.join(str(e).split())}"
        ) from None
    with client:
        try:
            client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        except (OSError, TimeoutError):
            raise PolicyGraphError(
                f"scheduler={scheduler!r}: no Dask worker joined within {WORKER_TIMEOUT:g} s"
            ) from None
        yield client


def threads(client: Any) -> int:
    """Tasks the cluster runs at once."""
    workers = client.scheduler_info().get("workers", {})
    return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))


def batches(
    tasks: Sequence[tuple[Source, str, Path]], sizes: Sequence[int], parts: int
) -> list[list[int]]:
    """``tasks`` in name order, cut into about ``parts`` runs of similar size in bytes
    (more when that is over :data:`BATCH_BYTES`)."""
    target = max(1, min(BATCH_BYTES, sum(sizes) // max(1, parts)))
    runs: list[list[int]] = [[]]
    size = 0
    for index, n in enumerate(sizes):
        if runs[-1] and size + n > target:
            runs.append([])
            size = 0
        runs[-1].append(index)
        size += n
    return [run for run in runs if run]


def extract_all(
    tasks: Sequence[tuple[Source, str, Path]],
    sizes: Sequence[int],
    *,
    jobs: int,
    scheduler: str | None,
    seconds: float | None,
    megabytes: int | None,
    started: Callable[[int], None] = lambda n: None,
) -> Generator[Outcome, None, None]:
    """The Outcome of every task, in their order, extracted on a Dask cluster; ``started``
    is told how many tasks the cluster runs at once. ``sizes`` are the tasks' bytes."""
    if not tasks:
        return
    with connect(scheduler, jobs) as client:
        width = threads(client)
        started(width)
        yield from _run(client, tasks, sizes, width, seconds, megabytes)


def _run(
    client: Any,
    tasks: Sequence[tuple[Source, str, Path]],
    sizes: Sequence[int],
    width: int,
    seconds: float | None,
    megabytes: int | None,
) -> Generator[Outcome, None, None]:
    from distributed import KilledWorker, wait

    version = extractor_version()
    todo = deque(batches(tasks, sizes, width * BATCHES_PER_WORKER))
    flying: deque[tuple[list[int], dict[int, Mapped], Any]] = deque()
    # A batch takes at most its documents' time budgets (a worker start each, and some
    # slack): past that with no batch done, the cluster is stuck, not slow.
    stall = None if seconds is None else (seconds + 30) * max(map(len, todo)) + 60
    last = time.monotonic()

    def submit(batch: list[int]) -> None:
        items, early = [], {}
        for index in batch:
            source = tasks[index][0]
            try:  # read again: it was read and checked, but could have gone since
                items.append((source, read_source(source)))
            except InputError as e:
                early[index] = Mapped(reason=str(e), bad_input=True)
        name = f"policygraph-map-{uuid.uuid4().hex}"
        future = client.submit(map_batch, items, seconds, megabytes, key=name, pure=False)
        flying.append((batch, early, future))

    # Documents whose worker died while another, queued on the same worker, may have been
    # the cause (Dask counts a death against every task the worker held): each runs once
    # more alone, and is skipped only if it kills a worker then too.
    suspects: set[int] = set()
    try:
        while todo or flying:
            while todo and _running(flying) < width * IN_FLIGHT_PER_WORKER:
                if len(flying) >= width * HELD_PER_WORKER:
                    break  # results wait for a slow batch before them: hold no more
                alone = len(todo[0]) == 1 and todo[0][0] in suspects
                if alone and flying:
                    break
                submit(todo.popleft())
                if alone:
                    break
            batch, early, future = flying[0]
            if not future.done():
                # Any batch done frees a worker: send the next at once, in order or not.
                running = [f for _, _, f in flying if not f.done()]
                with contextlib.suppress(TimeoutError):
                    wait(running, timeout=POLL, return_when="FIRST_COMPLETED")  # type: ignore[no-untyped-call]
                if any(f.done() for f in running):
                    last = time.monotonic()
                if not future.done():
                    _alive(client, stall, last)
                    continue
            flying.popleft()
            last = time.monotonic()
            try:
                results, worker_version = future.result()
            except KilledWorker:
                if len(batch) > 1:  # find which document: each again on its own
                    _requeue([[i] for i in batch], flying, todo)
                    continue
                if batch[0] not in suspects or len(flying) > 0:
                    suspects.add(batch[0])
                    _requeue([batch], flying, todo)
                    continue
                source = tasks[batch[0]][0]
                # Dask gave up after its workers died running it (allowed-failures + 1 times)
                reason = f"{source.path}: stopped, its Dask worker died running it (out of memory?)"
                yield _outcome(tasks[batch[0]], Mapped(reason=reason, bad_input=True))
                continue
            except (ImportError, AttributeError) as e:
                raise PolicyGraphError(
                    f"a Dask worker cannot run policygraph's map step ({type(e).__name__}: "
                    f"{e}); install the same policygraph on every worker"
                ) from None
            if worker_version != version:
                raise PolicyGraphError(
                    "a Dask worker runs another version of policygraph's extractors (or of "
                    "Python or jieba); install the same policygraph on every worker"
                )
            sent = iter(results)
            for index in batch:
                yield _outcome(tasks[index], early.get(index) or next(sent))
    finally:
        for _, _, future in flying:
            future.cancel()


def _running(flying: deque[Any]) -> int:
    return sum(not future.done() for _, _, future in flying)


def _requeue(first: list[list[int]], flying: deque[Any], todo: deque[list[int]]) -> None:
    """Put ``first`` at the head of ``todo``, then the batches in flight (cancelled: they
    are sent again in their turn), so that outcomes still come in name order."""
    again = [*first, *(batch for batch, _, _ in flying), *todo]
    for _, _, future in flying:
        future.cancel()
    flying.clear()
    todo.clear()
    todo.extend(again)


def _alive(client: Any, stall: float | None, last: float) -> None:
    """Raise when the cluster cannot finish: no scheduler, no worker, or stuck."""
    if client.status not in ("running", "connecting"):
        raise PolicyGraphError(f"lost the Dask scheduler (client {client.status})")
    try:
        workers = client.scheduler_info().get("workers", {})
    except (OSError, TimeoutError) as e:
        raise PolicyGraphError(f"lost the Dask scheduler: {e}") from None
    idle = time.monotonic() - last
    if not workers and idle > WORKER_TIMEOUT:
        raise PolicyGraphError(f"no Dask worker left for {idle:.0f} s")
    if stall is not None and idle > stall:
        raise PolicyGraphError(f"no Dask worker finished a batch of documents in {idle:.0f} s")


def _outcome(task: tuple[Source, str, Path], mapped: Mapped) -> Outcome:
    from policygraph.pipeline.build import outcome_of

    source, key, folder = task
    return outcome_of(source, key, mapped, ExtractionCache(folder))
