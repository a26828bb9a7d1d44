"""The dev corpus targets against the hand-written gold (gold/dev-targets.yaml), the
``scope`` that limits scoring to annotated sections, and how the loader dates and names a
government work report that lost its title page."""

from __future__ import annotations

from pathlib import Path

import pytest

from policygraph.errors import InputError
from policygraph.evaluate.gold import evaluate
from policygraph.extract import run
from policygraph.extract.base import entity_key
from policygraph.model import EntityRef, Measure
from policygraph.text.loader import Source, load_document

ROOT = Path(__file__).parents[1]
GOLD = ROOT / "gold" / "dev-targets.yaml"
DEV_CORPUS = ROOT.parent / "shared" / "corpus" / "dev"


@pytest.mark.corpus
def test_dev_targets_are_exactly_right() -> None:
    if not DEV_CORPUS.is_dir():
        pytest.skip(f"development corpus not found at {DEV_CORPUS}")
    report = evaluate(GOLD)
    exact = report.scores["Target (exact)"]
    assert exact.recall >= 0.85, exact.missed
    assert exact.precision >= 0.85, exact.spurious
    # the sections annotated hold no statistics, so none may be reported there
    assert report.scores["Statistic"].fp == 0, report.scores["Statistic"].spurious


# --- scope -----------------------------------------------------------------------------

_TEXT = (
    "标题\n"
    "2024年末，我国常住人口城镇化率达67%。\n"
    "到2030年，常住人口城镇化率达到75%。\n"
    "到2035年，常住人口城镇化率达到80%。\n"
)


def _gold(tmp_path: Path, scope: str, targets: str) -> Path:
    (tmp_path / "doc.txt").write_text(_TEXT, encoding="utf-8")
    gold = tmp_path / "gold.yaml"
    gold.write_text(
        f"input: .\ndocuments:\n  - file: doc.txt\n    {scope}\n    targets: {targets}\n",
        encoding="utf-8",
    )
    return gold


def test_without_scope_every_target_is_scored(tmp_path: Path) -> None:
    gold = _gold(tmp_path, "", "[{indicator: 常住人口城镇化率, value: 75, unit: '%', year: 2030}]")
    score = evaluate(gold).scores["Target"]
    assert (score.tp, score.fp) == (1, 1)


def test_scope_leaves_targets_outside_it_unscored(tmp_path: Path) -> None:
    gold = _gold(
        tmp_path,
        "scope: [到2030年，常住人口]",
        "[{indicator: 常住人口城镇化率, value: 75, unit: '%', year: 2030}]",
    )
    score = evaluate(gold).scores["Target"]
    assert (score.tp, score.fp, score.fn) == (1, 0, 0)


def test_scope_from_to_covers_whole_lines(tmp_path: Path) -> None:
    gold = _gold(tmp_path, "scope: [{from: 2024年末, to: 到2030年}]", "[]")
    report = evaluate(gold)
    assert report.scores["Target"].fp == 1  # the 2030 target; the 2035 one is outside


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        ("scope: [城镇化率]", "found more than once"),
        ("scope: [不在文中]", "not found"),
        ("scope: [{from: 到2035年, to: 2024年末}]", "ends before it starts"),
        ("scope: 到2030年", "must be a list"),
    ],
)
def test_bad_scope_is_an_input_error(tmp_path: Path, scope: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        evaluate(_gold(tmp_path, scope, "[]"))


# --- a work report without its title page ---------------------------------------------

_REPORT = "各位代表：\n现在，我代表国务院，向大会报告政府工作，请予审议。\n一、过去五年工作回顾\n"


@pytest.mark.parametrize(
    ("name", "text", "title", "date", "kind"),
    [
        ("gwr_2018.txt", _REPORT, "2018年政府工作报告", "2018", "policy"),
        # a date the report quotes (2001年12月) does not beat the year it is filed under
        (
            "gwr_2003.txt",
            _REPORT + "2001年12月加入世界贸易组织。\n",
            "2003年政府工作报告",
            "2003",
            "policy",
        ),
        # no year in the name: the latest explicit date, and no report title without a year
        ("report.txt", _REPORT + "2018年3月5日\n", "2018年政府工作报告", "2018-03-05", "policy"),
        ("report.txt", _REPORT, "report", None, "article"),
        (
            "notes_2019.txt",
            "2019年工作要点\n今年要做好三件事。\n",
            "2019年工作要点",
            "2019",
            "article",
        ),
        # every year's report is titled 政府工作报告: the year tells them apart
        (
            "gwr_2017.txt",
            "政府工作报告\n——2017年3月5日在第十二届全国人民代表大会第五次会议上\n" + _REPORT,
            "2017年政府工作报告",
            "2017-03-05",
            "policy",
        ),
    ],
)
def test_work_report_metadata_is_inferred(
    tmp_path: Path, name: str, text: str, title: str, date: str | None, kind: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    meta = load_document(Source(path, name, None)).meta
    assert (meta.title, meta.date, meta.kind) == (title, date, kind)
    assert {"title", "kind"} <= meta.inferred


def test_a_work_reports_targets_are_dated_by_the_report_never_the_clock(tmp_path: Path) -> None:
    path = tmp_path / "gwr_2018.txt"
    path.write_text(
        _REPORT + "今年发展主要预期目标是：国内生产总值增长6.5%左右；城镇调查失业率5.5%以内。\n",
        encoding="utf-8",
    )
    doc = load_document(Source(path, path.name, None))
    targets = [f for f in run(doc) if isinstance(f, Measure) and f.kind == "Target"]
    assert [(m.indicator, m.year, m.policy) for m in targets] == [
        ("国内生产总值增长", 2018, EntityRef("Policy", entity_key("2018年政府工作报告"))),
        ("城镇调查失业率", 2018, EntityRef("Policy", entity_key("2018年政府工作报告"))),
    ]
