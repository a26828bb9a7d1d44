"""Shared fixtures: small in-memory documents and one build of the seeds per test session."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from policygraph.model import DocumentMeta
from policygraph.text.document import Document
from policygraph.text.layout import analyse

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DEV_CORPUS = ROOT.parent / "shared" / "corpus" / "dev"


def make_doc(
    text: str,
    *,
    date: str | None = "2025-11-01",
    kind: str = "newspaper",
    title: str = "测试文档",
    doc_id: str = "test",
) -> Document:
    """A Document built from a string, the way the loader builds one from a file."""
    return Document(
        id=doc_id,
        path=f"{doc_id}.txt",
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        meta=DocumentMeta(title=title, date=date, kind=kind),
        blocks=analyse(text).blocks,
    )


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The seeds built once into a temporary folder (store, Turtle, TriG, views): read it,
    never write into it; a test that changes a build takes :func:`copy_of_seed_build`."""
    from policygraph.api import build

    out = tmp_path_factory.mktemp("exports")
    return build([SEEDS], out)


def copy_of_seed_build(seed_build, folder: Path) -> Path:  # type: ignore[no-untyped-def]
    """A private copy of the session's seed build at ``folder`` (its outputs are relative
    links into its generation, so the copy is a build of its own): milliseconds, where
    building the seeds again takes seconds."""
    shutil.copytree(seed_build.out, folder, symlinks=True)
    return folder


@pytest.fixture
def seed_copy(seed_build, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A copy of the seed build this test may change (update, rebuild, break)."""
    return copy_of_seed_build(seed_build, tmp_path / "exports")


#: Three work reports: targets for 2022 (5.5%左右) and 2023 (a range, 5%－5.5%), the outcomes
#: the next reports give, and hostile text in a sentence and in an indicator (issue 17.6).
REPORT_HEAD = "{year}年政府工作报告\n各位代表：\n现在，我代表国务院，向大会报告政府工作。\n"
REPORTS = {
    2022: "今年发展主要预期目标是：国内生产总值增长5.5%左右；城镇新增就业1100万人以上；"
    "居民消费价格涨幅3%左右。\n",
    2023: "一、2022年工作回顾\n国内生产总值增长3%，城镇新增就业1206万人，居民消费价格上涨2%。\n"
    "今年发展主要预期目标是：国内生产总值增长5%－5.5%；城镇新增就业1200万人左右。\n",
    2024: "一、2023年工作回顾\n国内生产总值增长5.2%，好于<img src=x onerror=alert(1)>"
    "</script><script>window.pgPwned=1</script>预期。城镇新增就业1244万人。\n"
    "<img src=x onerror=alert(2)>货物进出口增长0.2%。\n",
}


@pytest.fixture(scope="session")
def report_build(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """:data:`REPORTS` built once (store and default views)."""
    from policygraph.api import build

    folder = tmp_path_factory.mktemp("reports")
    (folder / "in").mkdir()
    for year, body in REPORTS.items():
        text = REPORT_HEAD.format(year=year) + body
        (folder / "in" / f"gwr_{year}.txt").write_text(text, encoding="utf-8")
    return build([folder / "in"], folder / "out")
