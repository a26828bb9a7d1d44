"""The one loader of the rule word files: checked, and a bad line names its file and line."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from policygraph.errors import WordListError
from policygraph.extract import numbers, persons
from policygraph.rules import wordlists
from policygraph.rules.vocab import provinces
from policygraph.rules.wordlists import load, parse_word_file, words


def test_a_bad_line_names_its_file_and_line() -> None:
    text = "# comment\n[one]\nword\ntwo words\n"
    with pytest.raises(WordListError, match=r"data/x\.txt, line 4: \[one\] takes one word"):
        parse_word_file(text, name="x.txt", single=("one",))
    with pytest.raises(WordListError, match=r"data/x\.txt, line 2: unknown section \[one\]"):
        parse_word_file(text, name="x.txt", lists=("two",))
    with pytest.raises(WordListError, match=r"data/x\.txt, line 2: 'stray' stands before"):
        parse_word_file("\nstray\n[one]\n", name="x.txt", lists=("one",))
    with pytest.raises(WordListError, match=r"data/x\.txt: no section \[two\]"):
        parse_word_file(text, name="x.txt", lists=("one", "two"))


def test_lists_hold_any_number_of_words_a_line_in_file_order() -> None:
    parsed = parse_word_file("[a]\nb c d  # comment\ne\n", name="x.txt", lists=("a",))
    assert words(parsed, "a") == ("b", "c", "d", "e")
    assert [e.line for e in parsed["a"]] == [2, 3]


def test_a_bad_comparator_names_its_line(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "[units]\n%\n[not-units]\n[before]\n超过 >>\n[after]\n[not-quantity]\n"
    monkeypatch.setattr(wordlists, "read_data", lambda name: text)
    load.cache_clear()
    numbers.words.cache_clear()
    try:
        with pytest.raises(WordListError, match=r"data/quantities\.txt, line 5: \[before\]"):
            numbers.words()
    finally:
        load.cache_clear()
        numbers.words.cache_clear()


def test_the_loader_reads_only_checked_files() -> None:
    with pytest.raises(ValueError, match="name its sections"):
        load("persons.txt")


def test_every_word_file_is_read_by_the_one_loader() -> None:
    package = Path(wordlists.__file__).parents[1]
    sources = {p: p.read_text("utf-8") for p in package.rglob("*.py")}
    # no module but the loader opens the data folder
    assert [p.name for p, text in sources.items() if '"rules/data' in text] == ["wordlists.py"]
    for data in (package / "rules" / "data").glob("*.txt"):
        reads = [p for p, text in sources.items() if f'"{data.name}"' in text]
        assert reads, f"{data.name} is read by no module"


def test_province_names_come_from_the_places_vocabulary() -> None:
    short = {min(c.labels, key=lambda s: (len(s), s))[:2] for c in provinces()}
    assert len(provinces()) == 34
    assert short <= persons._NOT_NAMES
    assert {"黑龙", "内蒙", "江苏", "香港"} <= short
    not_names = files("policygraph").joinpath("rules/data/persons.txt").read_text("utf-8")
    assert "江苏" not in not_names
