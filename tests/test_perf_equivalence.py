"""The fast paths of vocabulary matching and word boundaries give what their plain
definitions give: every label occurrence found by brute force, every jieba boundary of the
whole text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SEEDS
from policygraph.extract.base import Spans
from policygraph.text.loader import find_sources, load_document
from policygraph.vocab import (
    Concept,
    VocabularyError,
    WordBounds,
    _word_edges,
    load_scheme,
    normalise,
    word_bounds,
)

SCHEMES = ("organizations", "places", "industries", "technologies")
# Hand-picked texts where labels overlap, nest, sit at edges or meet Latin words.
TEXTS = (
    "",
    "中国",
    "中国人民银行和中华人民共和国国务院",
    "北京市和上海市以及中国广东省",
    "工信部、工业和信息化部、ＷＴＯ和wto",
    "5G技术、6G、AI芯片、AIGC和GPT-5G的SAI",
    "（国务院）(国务院)国务院办公厅",
    "人工智能产业和智能芯片推动传统制造业",
)


def _seed_blocks() -> list[str]:
    return [
        block.text for source in find_sources([SEEDS]) for block in load_document(source).blocks
    ]


def _brute_force(scheme: str, text: str) -> list[tuple[int, int, Concept]]:
    """Every ``text[i:j]`` whose normal form is a label, in text order, longest first."""
    vocab = load_scheme(scheme)
    longest = max(len(label) for concept in vocab for label in concept.labels)
    norm = normalise(text)
    hits = []
    for i in range(len(text)):
        for j in range(min(len(text), i + longest), i, -1):
            concept = vocab.lookup(text[i:j])
            if concept is not None and _word_edges(norm, i, j):
                hits.append((i, j, concept))
    return hits


@pytest.mark.parametrize("scheme", SCHEMES)
def test_candidates_are_every_label_occurrence(scheme: str) -> None:
    for text in (*TEXTS, *_seed_blocks()):
        assert load_scheme(scheme).candidates(text) == _brute_force(scheme, text), text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="中国人民银行北京市工信部国务院教育AIgw5（）() 、，。", max_size=40))
def test_candidates_on_random_text(text: str) -> None:
    for scheme in SCHEMES:
        assert load_scheme(scheme).candidates(text) == _brute_force(scheme, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＡＢＣ（１）", "abc（1）"),
        ("(AI)", "（ai）"),
        ("中国，（）：；！？", "中国，（）：；！？"),
        ("Ｇ２０峰会", "g20峰会"),
        ("全是中文", "全是中文"),
    ],
)
def test_normalise_table(text: str, expected: str) -> None:
    assert normalise(text) == expected


@given(st.text())
def test_normalise_is_per_character_and_idempotent(text: str) -> None:
    norm = normalise(text)
    assert len(norm) == len(text)
    assert norm == "".join(normalise(ch) for ch in text)
    assert normalise(norm) == norm


def _same_bounds(text: str) -> None:
    full, lazy = word_bounds(text), WordBounds(text)
    assert [p for p in range(-1, len(text) + 2) if p in lazy] == sorted(full), text


def test_word_bounds_of_seed_blocks() -> None:
    for text in (*TEXTS, *_seed_blocks()):
        _same_bounds(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="我们在北京研究人工智能产业发展AI5G.+#-_ \r\n\t，。（）", max_size=60))
def test_word_bounds_on_random_text(text: str) -> None:
    _same_bounds(text)


def test_broken_vocabulary_file_is_a_vocabulary_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "perf-broken.ttl").write_text("@prefix x: <http://x/> . x:a x:b", encoding="utf-8")
    monkeypatch.setattr("policygraph.vocab.vocab_path", lambda name: tmp_path / f"{name}.ttl")
    with pytest.raises(VocabularyError, match="not valid Turtle"):
        load_scheme("perf-broken")


_span = st.tuples(st.integers(0, 60), st.integers(0, 20)).map(lambda t: (t[0], t[0] + t[1]))


@given(st.lists(_span, max_size=30), st.lists(_span, min_size=1, max_size=30))
def test_spans_cover_is_any_covering_span(
    spans: list[tuple[int, int]], asks: list[tuple[int, int]]
) -> None:
    covering = Spans(spans)
    for start, end in asks:
        assert covering.cover(start, end) == any(a <= start and end <= b for a, b in spans)
