"""Which input files are unchanged since the last build, known from ``stat`` alone.

An update reads no more than it has to: a file whose device, inode, size, modification
and change times (nanoseconds) are those the previous build recorded, under the same
manifest entry and extractor version, has the bytes it had then, so its cache key and
content digest are taken from the record instead of reading and hashing it again (0.2 s
of a bulk update's 2). This is how git's index, make and rsync tell changed files.

Two things keep it from trusting a changed file:

* The ``stat`` is taken *before* the file is read: a write between the two leaves a
  record older than the bytes, which the next build sees as changed and reads again.
* A file modified or changed less than :data:`RACY_NS` before it was looked at is not
  recorded ("racily clean" in git's words): a second write within the same tick of the
  file system's clock could leave its times as they were. Its next build reads it again.

The change time cannot be set by users (``touch -d`` sets only the modification time), so
a file rewritten with its old size and modification time is read again too.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from dataclasses import dataclass

from policygraph.text.loader import MAX_DOCUMENT_BYTES, Source

#: A file's times must be at least this much older than the moment it was looked at to be
#: recorded: more than the coarsest timestamp of common file systems (FAT's 2 s).
RACY_NS = 3_000_000_000


@dataclass(frozen=True, slots=True)
class Seen:
    """What a build knew of a file's bytes: their cache key, sha256 and size."""

    key: str
    digest: bytes
    size: int


def _identity(st: os.stat_result) -> list[int]:
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _context(source: Source, version: str) -> str:
    """What a key depends on besides the bytes (pipeline/cache.py ``source_key``)."""
    text = f"{version}\0{source.name}\0{source.entry!r}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class Fingerprints:
    """The previous build's records (``{name: record}``, as :meth:`records` gives them)
    and this build's, made as the sources are read."""

    def __init__(self, previous: dict[str, list[object]], version: str) -> None:
        self._previous = previous
        self._version = version
        self._now: dict[str, list[object]] = {}

    def unchanged(self, source: Source) -> Seen | None:
        """The record of ``source`` when its ``stat`` matches the previous build's (None:
        read it). Records the match again for the next build."""
        record = self._previous.get(source.name)
        if record is None or source.problem is not None:
            return None
        try:
            st = os.stat(source.path)
        except OSError:
            return None  # read_source says why
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_DOCUMENT_BYTES:
            return None
        if len(record) != 8 or record[:5] != _identity(st):
            return None
        if record[5] != _context(source, self._version):
            return None
        key, digest = record[6], record[7]
        try:
            seen = Seen(str(key), bytes.fromhex(str(digest)), st.st_size)
        except ValueError:
            return None
        self._now[source.name] = record
        return seen

    def look(self, source: Source) -> os.stat_result | None:
        """``stat`` ``source`` before it is read (None: it cannot be; reading says why)."""
        try:
            return os.stat(source.path)
        except OSError:
            return None

    def record(self, source: Source, st: os.stat_result | None, seen: Seen) -> None:
        """Remember what ``source`` held when ``st`` was taken, unless it is racy."""
        if st is None or not stat.S_ISREG(st.st_mode) or st.st_size != seen.size:
            return
        if max(st.st_mtime_ns, st.st_ctime_ns) > time.time_ns() - RACY_NS:
            return
        context = _context(source, self._version)
        self._now[source.name] = [*_identity(st), context, seen.key, seen.digest.hex()]

    def records(self, names: set[str]) -> dict[str, list[object]]:
        """This build's records of the documents ``names`` (those it kept), by name."""
        return {name: self._now[name] for name in sorted(names) if name in self._now}
