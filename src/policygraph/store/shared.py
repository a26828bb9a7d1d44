"""The lines documents share, written once at the head of ``policygraph.ttl``.

A triple that several documents state (an organisation's type, a policy's label) is in
none of their own parts of the Turtle: it is written once, before them, with the
corpus-level graphs' lines (pipeline/build.py ``write_files``). Its Turtle is kept between
builds with what it was written from, so that an update writes again only the subjects
whose lines changed. Not part of a document's chunk (store/chunks.py), so a change here
does not invalidate the cache of extractions.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from policygraph.store.chunks import turtle_body


@dataclass(frozen=True, slots=True)
class Body:
    """The Turtle of the shared lines (:func:`turtle_body`), with the sorted distinct lines
    it was written from, their distinct subjects in order, and where each subject's block
    of the Turtle starts: :func:`body_update` copies the blocks whose lines are the same."""

    turtle: bytes = b""
    lines: tuple[bytes, ...] = ()
    subjects: tuple[bytes, ...] = ()
    starts: tuple[int, ...] = ()


def _subject(line: bytes) -> bytes:
    return line[: line.index(b" ")]  # (an N-Triples subject holds no space)


def _subjects(lines: Iterable[bytes]) -> tuple[bytes, ...]:
    out: list[bytes] = []
    for line in lines:
        subject = line[: line.index(b" ")]
        if not out or out[-1] != subject:
            out.append(subject)
    return tuple(out)


#: Where a subject's block starts in Oxigraph's Turtle: a line not indented (its other
#: lines are; every literal is written on one line).
_BLOCK = re.compile(rb"^(?=\S)", re.M)


def _starts(turtle: bytes) -> list[int]:
    return [m.start() for m in _BLOCK.finditer(turtle)]


def body(lines: list[bytes]) -> Body:
    """The :class:`Body` of sorted distinct N-Triples ``lines``, written whole."""
    turtle = turtle_body(lines)
    return Body(turtle, tuple(lines), _subjects(lines), tuple(_starts(turtle)))


def body_update(lines: list[bytes], old: Body) -> Body:
    """:func:`body` of ``lines``, from ``old``: the blocks of the subjects whose lines are
    the same are copied, the others written again. Sorted lines come subject by subject,
    and Oxigraph writes each subject's block from its lines alone, so the Turtle of all
    the lines is the blocks of each subject's lines put together (tests/test_shared_body.py
    checks this against :func:`body`). An update changes a few subjects of 21,000 on the
    bulk graph: 0.11 → 0.02 s. Anything unexpected (a blank node among the changed lines,
    blocks that do not match the subjects) and the body is written whole."""
    new_lines = tuple(lines)
    if new_lines == old.lines:
        return old
    if not old.lines or len(old.starts) != len(old.subjects):
        return body(lines)
    changed_lines = set(old.lines).symmetric_difference(new_lines)
    if any(b"_:" in line for line in changed_lines):
        return body(lines)
    changed = sorted({_subject(line) for line in changed_lines})
    pieces = []
    for subject in changed:
        lo = bisect_left(lines, subject + b" ")
        pieces.append(lines[lo : bisect_left(lines, subject + b"!", lo)])
    fresh = turtle_body([line for piece in pieces for line in piece])
    fresh_starts = _starts(fresh)
    if len(fresh_starts) != sum(1 for piece in pieces if piece):
        return body(lines)
    fresh_starts.append(len(fresh))
    old_starts = [*old.starts, len(old.turtle)]
    turtle: list[bytes] = []
    subjects: list[bytes] = []
    starts: list[int] = []
    size = 0  # of the new Turtle so far

    def copy(a: int, b: int) -> None:  # the old blocks a..b-1
        nonlocal size
        if a < b:
            shift = size - old_starts[a]
            turtle.append(old.turtle[old_starts[a] : old_starts[b]])
            subjects.extend(old.subjects[a:b])
            starts.extend(at + shift for at in old.starts[a:b])
            size += old_starts[b] - old_starts[a]

    at = 0  # the next of the old subjects (and blocks) to copy
    block = 0  # the next of the fresh blocks
    for subject, piece in zip(changed, pieces, strict=True):
        i = bisect_left(old.subjects, subject, at)
        copy(at, i)
        if i < len(old.subjects) and old.subjects[i] == subject:
            i += 1  # its old block goes
        if piece:
            text = fresh[fresh_starts[block] : fresh_starts[block + 1]]
            turtle.append(text)
            subjects.append(subject)
            starts.append(size)
            size += len(text)
            block += 1
        at = i
    copy(at, len(old.subjects))
    return Body(b"".join(turtle), new_lines, tuple(subjects), tuple(starts))
