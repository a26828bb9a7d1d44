"""evaluate: entity and measure scoring against a gold file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS
from policygraph.errors import InputError
from policygraph.evaluate.gold import evaluate

GOLD = f"""
input: {SEEDS.as_posix()}
documents:
  - file: 000_c4ec37985887901a.txt
    entities:
      Person: [刘晖, 任晓刚, 韩成福, 习近平, 不存在的人]
    targets:
      - {{indicator: 新一代智能终端、智能体等应用普及率, comparator: ">", value: 70, unit: "%",
         year: 2027, policy: 《国务院关于深入实施“人工智能+”行动的意见》}}
      - {{indicator: 普及率, comparator: ">=", value: 90, unit: "%", year: 2030,
         policy: 国务院关于深入实施“人工智能+”行动的意见}}
"""


def test_scores_per_class(tmp_path: Path) -> None:
    gold = tmp_path / "gold.yaml"
    gold.write_text(GOLD, encoding="utf-8")
    report = evaluate(gold)
    person = report.scores["Person"]
    assert (person.tp, person.fn) == (4, 1) and person.missed == ["不存在的人"]
    # The 90% target matches on value/unit/year/indicator but not on the comparator.
    assert report.scores["Target"].tp == 2
    assert report.scores["Target (exact)"].tp == 1
    data = json.loads(report.to_json())
    assert data["Person"]["recall"] == pytest.approx(0.8)


def test_partial_gold_reports_recall_only(tmp_path: Path) -> None:
    gold = tmp_path / "gold.yaml"
    gold.write_text("complete: false\n" + GOLD, encoding="utf-8")
    report = evaluate(gold)
    assert "n/a" in report.to_table()
    assert json.loads(report.to_json())["Person"]["precision"] is None


def test_gold_naming_a_missing_document(tmp_path: Path) -> None:
    gold = tmp_path / "gold.yaml"
    gold.write_text(f"input: {SEEDS.as_posix()}\ndocuments:\n  - file: nope.txt\n", "utf-8")
    with pytest.raises(InputError, match=r"nope\.txt"):
        evaluate(gold)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("documents: [", r"gold\.yaml: line \d+, column \d+:"),
        (
            f"input: {SEEDS.as_posix()}\ndocuments:\n"
            "  - file: 000_c4ec37985887901a.txt\n    entities: {Persn: [刘晖]}\n",
            "unknown class 'Persn'",
        ),
    ],
)
def test_bad_gold_files_say_what_and_where(tmp_path: Path, text: str, message: str) -> None:
    gold = tmp_path / "gold.yaml"
    gold.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        evaluate(gold)


ARTICLES_AND_QUOTES = f"""
input: {SEEDS.as_posix()}
documents:
  - file: 000_c4ec37985887901a.txt
    entities:
      Industry: [金融]        # written 金融, canonical 金融业: a written form finds it
    articles:
      - {{title: 人工智能赋能新质生产力的路径指引, authors: [刘晖, 任晓刚],
         affiliations: [北京市习近平新时代中国特色社会主义思想研究中心]}}
      - {{title: 把握新型城镇化丰富内涵和实践要求, authors: [韩成福, 某某某], affiliations: []}}
      - {{title: 不存在的文章, authors: [某某某]}}
    quotes:
      - {{text: 人工智能领域要占领先机, speaker: 习近平, date: 2025-04,
         event: 二十届中央政治局第二十次集体学习}}
      - {{text: "加强以县城为重要载体的城镇化建设", speaker: 习近平, date: 2024-05,
         event: 安徽考察}}
      - {{text: 不存在的引语}}
"""


def test_articles_and_quotes_are_scored_field_by_field(tmp_path: Path) -> None:
    gold = tmp_path / "gold.yaml"
    gold.write_text(ARTICLES_AND_QUOTES, encoding="utf-8")
    scores = evaluate(gold).scores
    assert (scores["Industry"].tp, scores["Industry"].fn) == (1, 0)
    assert (scores["Article"].tp, scores["Article"].fn) == (2, 1)
    # the second article has a wrong author list and (found) affiliations the gold omits;
    # the third is not found at all
    assert (scores["Article authors"].tp, scores["Article authors"].fn) == (1, 2)
    assert (scores["Article affiliations"].tp, scores["Article affiliations"].fn) == (1, 2)
    assert scores["Article affiliations"].fp == 1
    assert (scores["Quote"].tp, scores["Quote"].fn) == (2, 1)
    assert (scores["Quote speaker"].tp, scores["Quote speaker"].fn) == (2, 1)
    # 2024-10, not 2024-05: wrong, and what was found is spurious
    assert (scores["Quote date"].tp, scores["Quote date"].fp) == (1, 1)
    assert scores["Quote date"].spurious == ["加强以县城为重要载体的城镇化建设: 2024-10"]
    assert (scores["Quote event"].tp, scores["Quote event"].fn) == (2, 1)
    # quotes found on the page but not in this (complete) gold are spurious
    assert scores["Quote"].fp > 0


def test_a_quote_without_text_is_refused(tmp_path: Path) -> None:
    gold = tmp_path / "gold.yaml"
    gold.write_text(
        f"input: {SEEDS.as_posix()}\ndocuments:\n  - file: 000_c4ec37985887901a.txt\n"
        "    quotes: [{speaker: 习近平}]\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="a quote needs a 'text'"):
        evaluate(gold)


def test_input_overrides_the_gold_folder(tmp_path: Path) -> None:
    """A corpus unpacked elsewhere: --input replaces the gold's `input`, which may not exist."""
    from click.testing import CliRunner

    from policygraph.cli import main

    gold = tmp_path / "gold.yaml"
    gold.write_text(GOLD.replace(SEEDS.as_posix(), "no/such/folder"), encoding="utf-8")
    with pytest.raises(InputError, match=r"input folder .* not found"):
        evaluate(gold)
    assert evaluate(gold, SEEDS).scores["Target"].tp == 2
    result = CliRunner().invoke(
        main, ["evaluate", "--gold", str(gold), "--input", str(SEEDS), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["Target"]["tp"] == 2


BULK = ROOT.parent / "shared" / "corpus" / "bulk"  # ../shared/corpus/bulk.tar.xz, unpacked


@pytest.mark.skipif(not BULK.is_dir(), reason="bulk corpus not unpacked next to the tarball")
def test_heldout_gold_scopes_resolve() -> None:
    """Every scope anchor of the held-out gold occurs exactly once in its document (cheap:
    no extraction; the figures themselves are in the README, not asserted)."""
    import yaml

    from policygraph.evaluate.gold import _scope

    gold = yaml.safe_load((ROOT / "gold" / "heldout-bulk.yaml").read_text(encoding="utf-8"))
    for doc in gold["documents"]:
        text = (BULK / doc["file"]).read_text(encoding="utf-8")
        assert _scope(doc["scope"], text, doc["file"])
