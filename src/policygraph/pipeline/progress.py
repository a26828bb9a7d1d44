"""A one-line progress bar on stderr for long builds: documents done, MB/s and time left.

It draws only when stderr is a terminal, so tests, pipes, logs and CI stay quiet; it is
redrawn at most a few times a second, so it costs nothing next to extraction.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

_WIDTH = 24
_INTERVAL = 0.2  # seconds between redraws


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class Progress:
    """``with Progress("extracting", total=n, size=bytes) as bar: bar.advance(nbytes)``."""

    def __init__(
        self,
        phase: str,
        *,
        total: int,
        size: int = 0,
        enabled: bool = True,
        stream: TextIO | None = None,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and total > 0 and self.stream.isatty()
        self.phase = phase
        self.total = total
        self.size = size
        self.done = 0
        self.bytes = 0
        self._started = time.monotonic()
        self._drawn = 0.0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()

    def advance(self, nbytes: int = 0) -> None:
        self.done += 1
        self.bytes += nbytes
        now = time.monotonic()
        if self.enabled and (now - self._drawn >= _INTERVAL or self.done == self.total):
            self._drawn = now
            self._draw()

    def line(self) -> str:
        elapsed = max(time.monotonic() - self._started, 1e-9)
        filled = _WIDTH * self.done // self.total if self.total else _WIDTH
        bar = "█" * filled + "·" * (_WIDTH - filled)
        parts = [f"{self.phase} {bar} {self.done}/{self.total} documents"]
        if self.size:
            parts.append(f"{self.bytes / elapsed / 1e6:.1f} MB/s")
        if 0 < self.done < self.total:
            if self.size and self.bytes:
                left = elapsed * (self.size - self.bytes) / self.bytes
            else:
                left = elapsed * (self.total - self.done) / self.done
            parts.append(f"ETA {_duration(left)}")
        elif self.done == self.total:
            parts.append(f"in {_duration(elapsed)}")
        return "  ".join(parts)

    def _draw(self) -> None:
        self.stream.write("\r\x1b[K" + self.line())
        self.stream.flush()
