"""Where each graph's bytes sit in a generation's ``policygraph.trig`` and ``policygraph.ttl``,
so that the next build copies what did not change from them in a few large ranges.

Both files are the graphs in name order (store/chunks.py): TriG holds every graph's block,
Turtle each document's own part after the lines documents share. A build assembles them
from the documents' chunk files, one open and two copies per document: 3,122 documents of
the bulk corpus cost about 0.45 s that way, for 300 MB. An update changes one or two graphs,
so it copies the runs of unchanged graphs from the previous generation's files instead,
in-kernel (``os.copy_file_range``), each run in one call.

A graph is unchanged when its identity is the same: the name of its chunk file (named by
the cache key, which is the hash of the document and the extractor version) or the hash of
the block of a corpus-level graph. The previous files are used only when their size and
modification time are those recorded when they were written: a file edited since is
never copied from (the build then assembles from the chunks, as a first build does).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from policygraph.store.chunks import copy_range

#: The layout of a generation's two files, beside them.
LAYOUT = "files.layout"
_FORMAT = 1

#: name → (identity, TriG offset, TriG length, Turtle offset, Turtle length)
Entry = tuple[str, int, int, int, int]


@dataclass
class Layout:
    """The graphs' places in the files ``trig`` and ``turtle`` of one generation."""

    trig: Path
    turtle: Path
    graphs: dict[str, Entry] = field(default_factory=dict)


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def save(gen: Path, layout: Layout) -> None:
    """Record ``layout`` (its files written and closed) in the generation ``gen``."""
    data = {
        "format": _FORMAT,
        "trig": [layout.trig.name, *_stamp(layout.trig)],
        "turtle": [layout.turtle.name, *_stamp(layout.turtle)],
        "graphs": layout.graphs,
    }
    (gen / LAYOUT).write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def load(gen: Path) -> Layout | None:
    """The layout recorded in ``gen``, when its files are still as they were written; else
    None (a generation built before this, a damaged record, a file edited since)."""
    try:
        data = json.loads((gen / LAYOUT).read_text("utf-8"))
        if data.get("format") != _FORMAT:
            return None
        files = []
        for key in ("trig", "turtle"):
            name, size, mtime = data[key]
            path = gen / str(name)
            if _stamp(path) != [size, mtime]:
                return None
            files.append((path, int(size)))
        graphs: dict[str, Entry] = {}
        for name, (ident, to, tl, uo, ul) in data["graphs"].items():
            entry = (str(ident), int(to), int(tl), int(uo), int(ul))
            if min(entry[1:]) < 0 or to + tl > files[0][1] or uo + ul > files[1][1]:
                return None
            graphs[str(name)] = entry
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return Layout(files[0][0], files[1][0], graphs)


class Runs:
    """Ranges of ``source`` appended to ``out``: consecutive ones copied in one call."""

    def __init__(self, source: int, out: IO[bytes]) -> None:
        self._source = source
        self._out = out
        self._start = self._end = -1

    def add(self, offset: int, length: int) -> None:
        if not length:
            return
        if offset != self._end:
            self.flush()
            self._start = offset
        self._end = offset + length

    @property
    def pending(self) -> bool:
        return self._end > self._start >= 0

    def flush(self) -> None:
        """Copy the pending run (call before anything else is written to ``out``)."""
        if self._end > self._start >= 0:
            self._out.flush()
            copy_range(self._source, self._out.fileno(), self._start, self._end - self._start)
        self._start = self._end = -1


def flush_all(
    runs: list[Runs], pool: ThreadPoolExecutor, during: Callable[[], None] | None = None
) -> None:
    """Copy the pending runs of both files at once, one thread each (the kernel copies;
    no GIL): the two final runs of an update are most of 300 MB on the bulk graph, copied
    in 0.05 s side by side against 0.09-0.18 s one after the other. ``during`` is called
    once the copies have started."""
    pending = [run for run in runs if run.pending]
    started = [threading.Event() for _ in pending]

    def copy(run: Runs, event: threading.Event) -> None:
        event.set()
        run.flush()

    copies = [pool.submit(copy, run, event) for run, event in zip(pending, started, strict=True)]
    if during is not None:
        for event in started:
            event.wait()
        during()
    for done in copies:
        done.result()
