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


# Updates against clean builds -------------------------------------------------------------

OUTPUT_FILES = ("policygraph.ttl", "policygraph.trig")


def store_quads(out: Path) -> set:  # type: ignore[type-arg]
    """Every quad of the store of the build in ``out``."""
    import pyoxigraph as ox

    return set(ox.Store.read_only(str((out / "store").resolve())))


def assert_same_build(a: Path, b: Path, what: object = "") -> None:
    """The builds in ``a`` and ``b`` have the same file bytes and the same quads (the
    default graph, the merge, included)."""
    for name in OUTPUT_FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), (what, name)
    assert store_quads(a) == store_quads(b), what


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) by ``new`` in the text file ``path``."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def updates_match_clean_builds(src: Path, out: Path, steps, rows) -> list:  # type: ignore[no-untyped-def]
    """Build ``src`` into ``out``, then for each of ``steps`` (a function that adds, changes
    or removes one file of ``src``) update ``out`` and check it against a clean build of
    ``src``: the same bytes, quads and ``rows(folder)`` (what the test is about). Returns
    ``rows`` after the first build and after each step."""
    from policygraph.api import build

    build([src], out, views=False)
    seen = [rows(out)]
    for i, step in enumerate(steps):
        step()
        result = build([src], out, views=False)
        assert result.new + result.changed + result.removed == 1, i
        clean = out.parent / f"clean{i}"
        build([src], clean, views=False)
        assert_same_build(out, clean, i)
        got = rows(out)
        assert got == rows(clean), i
        seen.append(got)
        shutil.rmtree(clean)
    return seen


#: Two small documents of our own that share entities with the seeds and each other.
SMALL_DOCUMENTS = {
    "a.txt": "国务院关于推进人工智能产业发展的意见\n国务院\n2025年3月1日\n"
    "到2027年，人工智能应用普及率超过70%。国家发展改革委牵头推进新型城镇化。\n",
    "b.txt": "新型城镇化建设行动方案\n国家发展改革委\n2024年7月1日\n"
    "到2029年，常住人口城镇化率接近70%。国务院部署人工智能+行动。\n",
}


def small_corpus(tmp_path: Path, *names: str) -> Path:
    """A folder ``tmp_path/in`` with the seeds and the ``SMALL_DOCUMENTS`` named."""
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(SEEDS.glob("*.txt")):
        shutil.copy(path, folder / path.name)
    for name in names:
        (folder / name).write_text(SMALL_DOCUMENTS[name], encoding="utf-8")
    return folder
