"""Builds of parts of a corpus, merged (``policygraph merge``), are a build of the whole:
the same quads in the store and the same bytes in policygraph.ttl and policygraph.trig,
whatever the split and the order of the parts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from policygraph.api import build, merge
from policygraph.cli import main
from policygraph.errors import InputError
from policygraph.store import incremental

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

DOCS = {
    "a.txt": "国务院关于推进人工智能产业发展的意见\n国务院\n2025年3月1日\n"
    "到2027年，人工智能应用普及率超过70%。国家发展改革委牵头推进新型城镇化。\n",
    "b.txt": "新型城镇化建设行动方案\n国家发展改革委\n2024年7月1日\n"
    "到2029年，常住人口城镇化率接近70%。国务院部署人工智能+行动。\n",
    "c.txt": "关于加快数字经济发展的通知\n工业和信息化部\n2026年1月5日\n"
    "到2030年，数字经济核心产业增加值占国内生产总值比重达到15%。国务院要求推进人工智能。\n",
}


def _files(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        if name in DOCS:
            (folder / name).write_text(DOCS[name], encoding="utf-8")
        else:
            shutil.copy(SEEDS / name, folder / name)
    return folder


def _all_names() -> list[str]:
    return sorted(p.name for p in SEEDS.glob("*.txt")) + sorted(DOCS)


def _same(a: Path, b: Path) -> None:
    for name in ("policygraph.ttl", "policygraph.trig"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    store_a = ox.Store.read_only(str((a / "store").resolve()))
    store_b = ox.Store.read_only(str((b / "store").resolve()))
    assert set(store_a) == set(store_b)


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("whole")
    build([_files(tmp / "in", _all_names())], tmp / "out", views=False)
    return tmp / "out"


def _parts(tmp_path: Path, groups: list[list[str]]) -> list[Path]:
    outs = []
    for i, names in enumerate(groups):
        out = tmp_path / f"part{i}"
        build([_files(tmp_path / f"in{i}", names)], out, views=False)
        outs.append(out)
    return outs


def test_two_halves_merged_are_the_whole(tmp_path: Path, whole: Path) -> None:
    names = _all_names()
    parts = _parts(tmp_path, [names[::2], names[1::2]])
    result = merge(parts, tmp_path / "merged", views=False)
    assert result.documents == len(names)
    _same(tmp_path / "merged", whole)


def test_any_split_and_order(tmp_path: Path, whole: Path) -> None:
    """Three parts, given in reverse order, one document in two parts (the same bytes)."""
    names = _all_names()
    parts = _parts(tmp_path, [names[:2], names[1:4], names[4:]])
    merge(list(reversed(parts)), tmp_path / "merged", views=False)
    _same(tmp_path / "merged", whole)


def test_the_merge_by_the_command_line(tmp_path: Path, whole: Path) -> None:
    names = _all_names()
    parts = _parts(tmp_path, [names[:3], names[3:]])
    run = CliRunner().invoke(
        main, ["merge", *map(str, parts), "--out", str(tmp_path / "m"), "--no-views"]
    )
    assert run.exit_code == 0, run.output
    assert run.output.startswith(f"Merged {len(names)} document(s)")
    _same(tmp_path / "m", whole)


def test_one_name_two_contents_is_refused(tmp_path: Path) -> None:
    one = tmp_path / "one"
    two = tmp_path / "two"
    build([_files(tmp_path / "in1", ["a.txt"])], one, views=False)
    folder = _files(tmp_path / "in2", ["b.txt"])
    (folder / "a.txt").write_text(DOCS["c.txt"], encoding="utf-8")
    build([folder], two, views=False)
    with pytest.raises(InputError, match=r"a\.txt: in .* with different contents"):
        merge([one, two], tmp_path / "m", views=False)
    assert not (tmp_path / "m").exists()


def test_a_part_of_another_version_or_none_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not the output folder of a build"):
        merge([tmp_path], tmp_path / "m", views=False)
    out = tmp_path / "part"
    build([_files(tmp_path / "in", ["a.txt"])], out, views=False)
    record = (out / ".policygraph" / "current").resolve() / incremental.GRAPHS
    record.write_text(record.read_text("utf-8").replace('"version": "', '"version": "x'), "utf-8")
    run = CliRunner().invoke(main, ["merge", str(out), "--out", str(tmp_path / "m")])
    assert run.exit_code == 2
    assert "built by another version of policygraph" in run.output


def test_the_same_bytes_under_two_names_count_once(tmp_path: Path) -> None:
    """As a build of the whole leaves out the second name of the same bytes."""
    one = _files(tmp_path / "in1", ["a.txt"])
    two = _files(tmp_path / "in2", ["b.txt"])
    (two / "z.txt").write_text(DOCS["a.txt"], encoding="utf-8")
    build([one], tmp_path / "p1", views=False)
    build([two], tmp_path / "p2", views=False)
    merged = merge([tmp_path / "p2", tmp_path / "p1"], tmp_path / "m", views=False)
    both = _files(tmp_path / "in3", ["a.txt", "b.txt"])
    (both / "z.txt").write_text(DOCS["a.txt"], encoding="utf-8")
    whole = build([both], tmp_path / "w", views=False)
    assert merged.documents == whole.documents == 2
    assert [Path(p).name for p, _ in merged.duplicates] == ["z.txt"]
    _same(tmp_path / "m", tmp_path / "w")
