"""Spans of text: sets of claimed spans and which spans contain a position, shared by the
layout repair (text/) and the extractors (extract/)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import accumulate


class Spans:
    """``(start, end)`` spans asked many times whether one of them covers a range: sorted
    once, so each question costs a bisection instead of a scan of every span (a long
    document has thousands of mentions)."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [a for a, _ in ordered]
        # The furthest end among the spans that start at or before each one.
        self._ends = list(accumulate((b for _, b in ordered), max))

    def cover(self, start: int, end: int) -> bool:
        """Is there a span ``(a, b)`` with ``a <= start`` and ``end <= b``?"""
        k = bisect_right(self._starts, start) - 1
        return k >= 0 and self._ends[k] >= end

    def overlap(self, start: int, end: int) -> bool:
        """Is there a span ``(a, b)`` with ``a < end`` and ``start < b``?"""
        k = bisect_left(self._starts, end) - 1
        return k >= 0 and self._ends[k] > start


class Stabbing:
    """Which of many ``(start, end)`` spans contain a position, answered by one bisection
    (a per-question scan of every span made long documents quadratic). The positions where
    a span starts or ends cut the text into segments; each segment lists the spans over it,
    in the order they were given. Mentions and blocks rarely nest more than a few deep, so
    the lists stay short."""

    __slots__ = ("_bounds", "_over")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        spans = list(spans)
        self._bounds = sorted({p for span in spans for p in span})
        self._over: list[list[int]] = [[] for _ in self._bounds]
        for n, (a, b) in enumerate(spans):
            k = bisect_left(self._bounds, a)
            while self._bounds[k] < b:
                self._over[k].append(n)
                k += 1

    def at(self, position: int) -> list[int]:
        """Indices (in the given order) of the spans ``(a, b)`` with ``a <= position < b``."""
        k = bisect_right(self._bounds, position) - 1
        return self._over[k] if k >= 0 else []


class Claims:
    """Spans claimed one at a time, asked whether a new span overlaps one of them. Spans
    are filed by where they start, in buckets of ``_WIDTH`` positions, so a question looks
    at the few buckets a span could reach from, not at every claim so far."""

    __slots__ = ("_buckets", "_longest")
    _WIDTH = 64

    def __init__(self) -> None:
        self._buckets: dict[int, list[tuple[int, int]]] = {}
        self._longest = 0

    def add(self, start: int, end: int) -> None:
        self._buckets.setdefault(start // self._WIDTH, []).append((start, end))
        self._longest = max(self._longest, end - start)

    def overlap(self, start: int, end: int) -> bool:
        """Is there a claimed ``(a, b)`` with ``a < end`` and ``start < b``?"""
        first = (start - self._longest) // self._WIDTH
        last = (end - 1) // self._WIDTH
        return any(
            a < end and start < b
            for k in range(first, last + 1)
            for a, b in self._buckets.get(k, ())
        )
