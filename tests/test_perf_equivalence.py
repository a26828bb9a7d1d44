"""The fast paths of vocabulary matching and word boundaries give what their plain
definitions give: every label occurrence found by brute force, every jieba boundary of the
whole text."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SEEDS
from policygraph.extract.events import _patterns as _event_patterns
from policygraph.extract.numbers import (
    _NUMERAL_START,
    Quantity,
    _fold_digits,
    _inside_numeral,
    _orders,
    _quantity_at,
    _restore,
    _skip_numeral,
    _starts_numeral,
    find_quantities,
)
from policygraph.extract.policies.initiatives import (
    _heads_in,
    _initiative_in_run,
    _runs_with_suffix,
)
from policygraph.rules.policy_words import patterns as policy_patterns
from policygraph.rules.vocab import (
    Concept,
    VocabularyError,
    WordBounds,
    _word_edges,
    load_scheme,
    normalise,
    word_bounds,
)
from policygraph.text.loader import find_sources, load_document
from policygraph.text.spans import Spans

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


def test_prefix_dictionary_read_whole_is_jiebas_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dictionary the extractors segment with is the one jieba builds from its own
    ``dict.txt``; a damaged copy of the file it is kept in is never used."""
    import jieba

    from policygraph.rules import vocab

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    own = jieba.Tokenizer()
    own.tmp_dir = str(tmp_path)  # no jieba.cache there: jieba builds from dict.txt
    own.initialize()
    assert vocab._cached_prefix_dict() is None
    built = vocab.tokenizer.__wrapped__()  # no file yet: jieba's load, then saved
    assert (built.FREQ, built.total) == (own.FREQ, own.total)
    assert vocab._cached_prefix_dict() == (own.FREQ, own.total)
    read = vocab.tokenizer.__wrapped__()  # from the file, read whole
    assert (read.FREQ, read.total) == (own.FREQ, own.total)
    text = "国务院关于深入实施人工智能行动的意见，到2027年普及率超过70%"
    assert list(read.tokenize(text)) == list(own.tokenize(text))
    path = vocab._prefix_dict_path()
    assert path is not None and path.parent == tmp_path
    damaged = bytearray(path.read_bytes())
    damaged[-3] ^= 1
    path.write_bytes(bytes(damaged))
    assert vocab._cached_prefix_dict() is None
    path.write_bytes(b"")
    assert vocab._cached_prefix_dict() is None
    vocab._save_prefix_dict(own.FREQ, own.total)
    assert vocab._cached_prefix_dict() is not None
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # root can give it to another user
        os.chown(path, 12345, -1)
        assert vocab._cached_prefix_dict() is None  # another user's file: never read
    # another dict.txt (swapped in place, same jieba version) gives another file
    import jieba as package

    dict_txt = Path(package.__file__).parent / package.DEFAULT_DICT_NAME
    real_stat = os.stat
    swapped = os.stat_result((*real_stat(dict_txt)[:6], 0, 0, 0, 0))  # another mtime
    monkeypatch.setattr(
        os, "stat", lambda p, *a, **k: swapped if Path(p) == dict_txt else real_stat(p, *a, **k)
    )
    assert vocab._prefix_dict_path() != path


def test_old_prefix_dictionaries_of_other_installs_are_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each venv's dict.txt gives another file; this user's files of other installs go
    once they are a week old, and nothing else in the temporary folder is touched."""
    from policygraph.rules import vocab

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    path = vocab._prefix_dict_path()
    assert path is not None
    uid = os.getuid()
    stale = tmp_path / f"policygraph-jieba-{uid}-0000000000000000-marshal4.bin"
    recent = tmp_path / f"policygraph-jieba-{uid}-1111111111111111-marshal4.bin"
    other = tmp_path / "policygraph-jieba-cache-of-someone.bin"
    unrelated = tmp_path / "jieba.cache"
    for made in (stale, recent, other, unrelated):
        made.write_bytes(b"x")
    weeks_ago = time.time() - 2 * vocab.PREFIX_DICT_MAX_AGE
    for made in (stale, other, unrelated):
        os.utime(made, (weeks_ago, weeks_ago))
    vocab._save_prefix_dict({"人工智能": 3}, 3)
    assert path.exists() and not stale.exists()
    assert recent.exists() and other.exists() and unrelated.exists()
    assert vocab._cached_prefix_dict() == ({"人工智能": 3}, 3)


def test_broken_vocabulary_file_is_a_vocabulary_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "perf-broken.ttl").write_text("@prefix x: <http://x/> . x:a x:b", encoding="utf-8")
    monkeypatch.setattr("policygraph.rules.vocab.vocab_path", lambda name: tmp_path / f"{name}.ttl")
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


# --- the shortcuts of the rule extractors (each skips work that could find nothing) ---------


def test_numeral_start_class_is_exactly_the_start_test() -> None:
    """Every character find_quantities' search stops at beyond U+FFFF is tested again;
    below it the class is exactly the characters a numeral may start with."""
    for code in range(0x10000):
        ch = chr(code)
        assert (_NUMERAL_START.match(ch) is not None) == _starts_numeral(ch), hex(code)
    assert _NUMERAL_START.match("\U0001f600") and _NUMERAL_START.match("\U0001d7ce")


def _quantities_by_full_scan(text: str) -> list[Quantity]:
    """find_quantities as it read before its search: a test at every position."""
    folded = _fold_digits(text)
    found = _orders(folded)
    p = 0
    while p < len(folded):
        if _starts_numeral(folded[p]) and not _inside_numeral(folded, p):
            quantity = _quantity_at(folded, p)
            if quantity is not None:
                found.append(_restore(quantity, text))
                p = quantity.end
                continue
            p = _skip_numeral(folded, p)
            continue
        p += 1
    return sorted(found, key=lambda q: q.start)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789１２.,%²①𝟎😀一二三十百万亿第个元人超达年（）M", max_size=30))
def test_find_quantities_is_the_full_scan(text: str) -> None:
    assert find_quantities(text) == _quantities_by_full_scan(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="一二两三十百千万亿多余几分之些统个人元%百分点年第（）0１", max_size=30))
def test_lone_chinese_digits_are_no_quantities(text: str) -> None:
    """The shortcut for a Chinese digit that nothing follows changes nothing found."""
    with patch("policygraph.extract.numbers._lone_chinese_digit", return_value=False):
        expected = find_quantities(text)
    assert find_quantities(text) == expected


_EVENT_TEXTS = (
    "党的二十届四中全会、十九届二中、三中全会和中国共产党第十九届中央委员会第五次全体会议",
    "党的十九大、中国共产党第十九次全国代表大会、十四届全国人大三次会议",
    "全国人大十三届一次会议、十四届全国人大常委会第十次会议、全国政协十四届三次会议",
    "中国人民政治协商会议第十四届全国委员会第三次会议、十四届全国政协三次会议、全国两会",
    "二十届中央政治局第二十次集体学习、中央政治局会议、国务院常务会议",
    "中央全面深化改革委员会第五次会议、中央城市工作会议、全国科技大会",
    "在庆祝中国共产党成立100周年大会上，在新时代推动东北全面振兴座谈会时",
    "他在安徽考察，在北京市调研，出席2024年世界人工智能大会开幕式并致辞",
)


def test_every_event_rule_matches_an_example() -> None:
    """(so that the property below is asked of real matches of every rule)"""
    text = "。".join(_EVENT_TEXTS)
    patterns = _event_patterns()
    for rule in (*patterns.rules, patterns.inspection):
        assert rule.pattern.search(text), rule.name


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_EVENT_TEXTS), max_size=3), st.text("在会大届中全", max_size=8))
def test_every_event_match_holds_a_word_its_rule_needs(parts: list[str], noise: str) -> None:
    """A rule skips the texts without any of its words: every match it could find there
    would have to hold one."""
    text = noise.join(parts) or noise
    patterns = _event_patterns()
    for rule in (*patterns.rules, patterns.inspection):
        for m in rule.pattern.finditer(text):
            assert any(word in m.group() for word in rule.needs), (rule.name, m.group())


@given(st.text(alphabet="实施乡村振兴战略行动计划工程、和“”，。AB", max_size=40))
def test_runs_with_suffix_hold_every_initiative(text: str) -> None:
    runs = list(policy_patterns().name_run.finditer(text))
    with_suffix = set(_runs_with_suffix(text, runs))
    for n, run in enumerate(runs):
        if _initiative_in_run(text, run.start(), run.end()) is not None:
            assert n in with_suffix


@given(
    st.text(alphabet="一带一路乡村振兴人工智能", max_size=30),
    st.sets(st.text("一带路乡村振兴人", min_size=2, max_size=2), max_size=40),
)
def test_heads_in_both_ways(text: str, heads: set[str]) -> None:
    keys = dict.fromkeys(heads).keys()
    expected = {h for h in heads if h in text}
    assert _heads_in(text, keys) == expected
    assert {text[k : k + 2] for k in range(len(text) - 1)} & keys == expected
