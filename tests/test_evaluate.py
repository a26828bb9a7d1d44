"""evaluate: entity and measure scoring against a gold file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SEEDS
from policygraph.errors import InputError
from policygraph.evaluate import evaluate

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
