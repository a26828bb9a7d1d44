"""The recognizer contract: the rule registry, the block driver and what it hands on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import make_doc
from policygraph.errors import UnknownRule, WordListError
from policygraph.extract import PIPELINE, events, recognizer, run
from policygraph.extract.driver import (
    SKIP_KINDS,
    BlockRecognizer,
    BlockScan,
    Found,
    Match,
    text_blocks,
)
from policygraph.extract.driver import run as drive
from policygraph.model import EntityMention
from policygraph.rules.registry import check, parse_rules, registry, why
from policygraph.text.document import Block, Document

TEXT = "标题\n\n党的二十届四中全会在北京召开。中央政治局会议研究部署工作。\n\n本版编辑 张三\n"


def test_a_duplicate_rule_id_names_its_file_and_line() -> None:
    text = "[rules]\nyears.explicit  a year\n# a comment\nyears.explicit  again\n"
    with pytest.raises(WordListError, match=r"data/rules\.txt, line 4: rule years\.explicit"):
        parse_rules(text)


def test_a_malformed_rule_id_names_its_file_and_line() -> None:
    with pytest.raises(WordListError, match=r"data/mine\.txt, line 2: 'Years' is not a rule"):
        parse_rules("[rules]\nYears  a year\n", name="mine.txt")
    with pytest.raises(WordListError, match=r"line 2: \[rules\] takes a word and what"):
        parse_rules("[rules]\nyears.explicit\n")


def test_an_unknown_rule_id_fails() -> None:
    assert check("events.plenum") == "events.plenum"
    assert "plenum" in why("events.plenum")
    with pytest.raises(UnknownRule, match=r"events\.plenary"):
        check("events.plenary")
    doc = make_doc(TEXT)
    with pytest.raises(UnknownRule):
        doc.mention(doc.blocks[1], 0, 2, "events.plenary")


def test_every_rule_that_fires_is_registered_and_explained() -> None:
    for fact in run(make_doc(TEXT)):
        if isinstance(fact, EntityMention):
            assert registry()[fact.mention.rule]
    match = Match(0, 2, "Event", "党的二十届四中全会", "events.plenum")
    assert match.why == registry()["events.plenum"]


def test_every_pipeline_module_declares_a_recognizer_whose_needs_run_before_it() -> None:
    for n, name in enumerate(PIPELINE):
        rec = recognizer(name)
        assert rec.name == name
        assert set(rec.needs) <= set(PIPELINE[:n]), name


def _probe(seen: dict[int, list[Match]]) -> BlockRecognizer:
    def scan(doc: Document, found: Found) -> BlockScan:
        def match(block: Block, n: int) -> list[Match]:
            seen[n] = found.matches("events", n)
            return []

        return match

    return BlockRecognizer("probe", scan, needs=("events",))


def test_a_recognizer_reads_earlier_matches_from_the_driver(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = make_doc(TEXT)
    calls: list[str] = []
    real = events.find_events

    def counted(text: str) -> list[tuple[int, int, str, str]]:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(events, "find_events", counted)
    seen: dict[int, list[Match]] = {}
    facts = drive(doc, [events.RECOGNIZER, _probe(seen)], emit=["probe"])
    assert facts == []  # the events ran for the probe, but only its facts are returned
    blocks = dict(text_blocks(doc))
    assert set(seen) == set(blocks)
    for n, matches in seen.items():
        assert [(m.start, m.end, m.label, m.rule) for m in matches] == real(blocks[n].text)
    assert any(m.label == "党的二十届四中全会" for ms in seen.values() for m in ms)
    assert len(calls) == len(blocks)  # once a block: the probe never searched again


def test_events_are_searched_once_a_block_in_the_whole_pipeline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = make_doc(TEXT + "\n会议审议通过了《关于加快数字经济发展的意见》。\n")
    calls: list[str] = []
    real = events.find_events

    def counted(text: str) -> list[tuple[int, int, str, str]]:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(events, "find_events", counted)
    run(doc)
    assert len(calls) == sum(1 for b in doc.blocks if b.kind not in SKIP_KINDS)


def test_a_recognizer_that_needs_a_later_one_fails() -> None:
    seen: dict[int, list[Match]] = {}
    with pytest.raises(LookupError, match="probe needs"):
        drive(make_doc(TEXT), [_probe(seen)], emit=["probe"])


def test_the_driver_skips_byline_and_editor_blocks() -> None:
    doc = make_doc(TEXT)
    assert "editor" in {b.kind for b in doc.blocks}
    kinds: Iterator[str] = (b.kind for _, b in text_blocks(doc))
    assert not SKIP_KINDS & set(kinds)
