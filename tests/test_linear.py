"""Extraction time is linear in a document's size.

Extractors once scanned every mention (or block) of the document for each candidate, so one
long document cost the square of its size (8 MB: 36 s; 50 MB: half an hour). They now ask
the indexes in ``extract.base``; these tests check the indexes against the scans they
replace, and that one document costs no more than its parts read as separate documents.
"""

from __future__ import annotations

import cProfile
import gc
import os
import random
import re
import time
import tracemalloc

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEEDS, make_doc
from policygraph.extract import run
from policygraph.extract.base import entities, starting_in
from policygraph.model import EntityMention, EntityRef, Mention
from policygraph.rdf.builder import Extraction, build_lines
from policygraph.rdf.iris import graph_iri
from policygraph.store.chunks import nquads
from policygraph.text.document import MAX_SENTENCE, Document
from policygraph.text.spans import Claims, Spans, Stabbing

spans = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 12)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=30,
)
query = st.tuples(st.integers(-2, 75), st.integers(0, 12)).map(lambda p: (p[0], p[0] + p[1]))


@given(spans, query)
def test_spans_answer_as_a_scan_would(
    given_spans: list[tuple[int, int]], q: tuple[int, int]
) -> None:
    index = Spans(given_spans)
    start, end = q
    assert index.cover(start, end) == any(a <= start and end <= b for a, b in given_spans)
    assert index.overlap(start, end) == any(a < end and start < b for a, b in given_spans)


@given(spans, st.integers(-2, 75))
def test_stabbing_lists_the_spans_over_a_position_in_their_order(
    given_spans: list[tuple[int, int]], position: int
) -> None:
    expected = [n for n, (a, b) in enumerate(given_spans) if a <= position < b]
    assert Stabbing(given_spans).at(position) == expected


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 300), st.integers(0, 100))))
def test_claims_answer_as_a_scan_would(steps: list[tuple[bool, int, int]]) -> None:
    """Claims and questions interleaved, with spans longer than a bucket."""
    claims = Claims()
    claimed: list[tuple[int, int]] = []
    for add, start, length in steps:
        end = start + length
        if add:
            claims.add(start, end)
            claimed.append((start, end))
        else:
            assert claims.overlap(start, end) == any(a < end and start < b for a, b in claimed)


def _mention(start: int, end: int) -> EntityMention:
    return EntityMention(
        ref=EntityRef("Place", str(start)),
        label=str(start),
        mention=Mention(start, end, "x" * (end - start), "", "test"),
    )


@given(spans, query)
def test_starting_in_is_the_sorted_mentions_that_start_in_a_range(
    given_spans: list[tuple[int, int]], q: tuple[int, int]
) -> None:
    mentions = list(entities([_mention(a, b) for a, b in given_spans if b > a], "Place"))
    start, end = q
    expected = [m for m in mentions if start <= m.mention.start < end]
    assert list(starting_in(mentions, start, end)) == expected


def _paragraphs(size: int) -> list[str]:
    """About ``size`` characters of real sentences from the seeds, eight a paragraph
    (shuffled deterministically, so that no paragraph repeats and is dropped as a layout
    repeat)."""
    sentences = [
        s
        for p in sorted(SEEDS.glob("*.txt"))
        for s in re.findall(r"[^。！？\n]+[。！？]", p.read_text(encoding="utf-8"))
    ]
    rng = random.Random(0)
    out: list[str] = []
    total = 0
    while total < size:
        out.append("".join(rng.choice(sentences) for _ in range(8)) + "\n")
        total += len(out[-1])
    return out


def _cpu(docs: list[Document]) -> float:
    gc.collect()
    started = time.process_time()
    for doc in docs:
        run(doc)
    return time.process_time() - started


def test_one_long_document_costs_what_its_parts_cost() -> None:
    """A 2 MB document (0.7 M characters) against the same text as four documents: CPU time
    1.0× when extraction is linear; the quadratic extractors took 1.6–1.7×."""
    paragraphs = _paragraphs(700_000)
    run(make_doc("".join(paragraphs[:40])))  # vocabularies and jieba loaded before timing
    q = len(paragraphs) // 4
    parts = [make_doc("".join(paragraphs[k * q : (k + 1) * q])) for k in range(4)]
    whole = make_doc("".join(paragraphs[: 4 * q]))
    ratio = _cpu([whole]) / _cpu(parts)
    assert ratio < 1.35, f"one document took {ratio:.2f}× its four parts"


# --- pathological inputs: doubling a document at most doubles its cost (issue 14) --------

#: Trigger words of every rule: quotes, 《》 titles, numerals, years, comparators,
#: organization and person cues, headings, rows of a table; and what separates them.
TRIGGERS = (
    "“人工智能+”",
    "《关于加快推进人工智能产业发展的指导意见》",
    "国务院关于",
    "到2027年",
    "二〇二五年",
    "今年",
    "建成不少于10个国家级平台",
    "超过20%",
    "三千五百亿元左右",
    "增长6.5%以上",
    "工业和信息化部",
    "北京市人民政府",
    "习近平总书记指出",
    "部长李明表示",
    "党的二十届四中全会",
    "北京、上海、",
    "（作者系北京大学教授）",
    "“十四五”时期",
    "人工智能",
    "分别为",
    "2025年 12.5% 3.4亿元\n",
    "0123456789",
    "，",
    "。",
    "：",
    "\n",
)
BASE = 4_000  # characters of the smaller document; the larger has twice as many units


def _cost(text: str) -> tuple[int, int, int, int]:
    """Function calls, triples, N-Quads bytes and peak traced memory of extracting ``text``
    and building its graph: counters, not the clock."""
    doc = make_doc(text)
    profile = cProfile.Profile()
    gc.collect()
    tracemalloc.start()
    profile.enable()
    ex = Extraction(doc, tuple(run(doc)))
    lines = set(build_lines(ex))  # (a chunk keeps each distinct line once)
    data = nquads(b"".join(sorted(lines)), str(graph_iri(doc.id)))
    profile.disable()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    calls = sum(entry.callcount for entry in profile.getstats())
    return calls, len(lines), len(data), peak


# Derandomized as tests/test_properties.py is: CI sees the same examples every run.
# POLICYGRAPH_HYPOTHESIS=explore draws fresh ones (it found 分别为 + 增长6.5%以上: 7 triples at
# n units, 43 at 2n, a threshold rather than a growth; not yet explained).
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=os.environ.get("POLICYGRAPH_HYPOTHESIS") != "explore",
)
@given(st.lists(st.sampled_from(TRIGGERS), min_size=1, max_size=4))
def test_doubling_a_pathological_document_at_most_doubles_its_cost(words: list[str]) -> None:
    """A unit of trigger words repeated n and 2n times (no punctuation unless drawn): the
    calls, triples, graph bytes and memory grow at most 2.2× (they grew 4× where each
    mention repeated its whole sentence, or a rule scanned every span taken)."""
    unit = "".join(words)
    n = -(-BASE // len(unit))
    _cost(unit * 4)  # vocabularies and jieba loaded, caches warm
    small, large = _cost(unit * n), _cost(unit * 2 * n)
    names = ("calls", "triples", "N-Quads bytes", "traced memory")
    for name, a, b in zip(names, small, large, strict=True):
        assert b <= 2.2 * max(a, 1) + 64, f"{name} grew {b / max(a, 1):.2f}× for {unit!r}"


def test_a_sentence_without_punctuation_is_cut() -> None:
    """Runs without punctuation are cut at MAX_SENTENCE characters, after a comma when there
    is one in the second half of the piece."""
    text = "平台" * 1500 + "，" + "平台" * 10
    doc = make_doc(text)
    spans = [(a, b) for block in doc.blocks for a, b in block.sentences()]
    assert max(b - a for a, b in spans) <= MAX_SENTENCE
    assert sum(b - a for a, b in spans) == len(doc.blocks[0].text)
    short = make_doc("发展人工智能，" * 50 + "。")
    assert [list(b.sentences()) for b in short.blocks] == [[(0, 351)]]
