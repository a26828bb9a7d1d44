"""An update reads only the input files whose ``stat`` changed (pipeline/fingerprints.py),
and never trusts a record that could hide a change: a file rewritten with its old size and
modification time, a new manifest entry, a file changed within the racy window."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import policygraph as pg
from conftest import assert_same_build, small_corpus
from policygraph.pipeline import build as build_module
from policygraph.pipeline import fingerprints
from policygraph.pipeline.fingerprints import Fingerprints, Seen
from policygraph.store.outputs import FINGERPRINTS
from policygraph.text.loader import ManifestEntry, Source


def _records(out: Path) -> dict[str, list[object]]:
    path = (out / ".policygraph" / "current").resolve() / FINGERPRINTS
    return json.loads(path.read_text("utf-8")) if path.exists() else {}


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the sources the build's map step reads from now on."""
    read: list[str] = []
    real = build_module.read_source

    def spy(source: Source) -> bytes:
        read.append(source.name)
        return real(source)

    monkeypatch.setattr(build_module, "read_source", spy)
    return read


@pytest.fixture
def not_racy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by the test a moment ago count as settled (no 3 s wait)."""
    monkeypatch.setattr(fingerprints, "RACY_NS", 0)


@pytest.mark.usefixtures("not_racy")
def test_an_update_reads_only_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = small_corpus(tmp_path, "a.txt", "b.txt")
    out = tmp_path / "out"
    pg.build([folder], out, views=False)
    assert sorted(_records(out)) == sorted(p.name for p in folder.glob("*.txt"))
    read = _count_reads(monkeypatch)
    (folder / "b.txt").write_text("新的文件\n国务院\n到2030年，普及率超过80%。\n", "utf-8")
    again = pg.build([folder], out, views=False)
    assert (again.new, again.changed, again.unchanged) == (0, 1, 3)
    assert read == ["b.txt"]
    pg.build([folder], tmp_path / "clean", views=False)
    assert_same_build(out, tmp_path / "clean")


@pytest.mark.usefixtures("not_racy")
def test_same_size_and_modification_time_is_still_a_change(tmp_path: Path) -> None:
    """``touch -d`` can give a file its old modification time back, never its change time:
    the edit is seen."""
    folder = small_corpus(tmp_path, "a.txt", "b.txt")
    out = tmp_path / "out"
    pg.build([folder], out, views=False)
    path = folder / "b.txt"
    before = path.stat()
    text = path.read_text("utf-8")
    edited = text.replace("接近70%", "接近71%")
    assert len(edited.encode()) == len(text.encode()) and edited != text
    path.write_text(edited, "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    again = pg.build([folder], out, views=False)
    assert again.changed == 1
    pg.build([folder], tmp_path / "clean", views=False)
    assert_same_build(out, tmp_path / "clean")


def test_files_changed_just_now_are_not_recorded(tmp_path: Path) -> None:
    """Within the racy window a second write could keep the file's times: such a file is
    read again by the next build, however its ``stat`` looks then."""
    folder = small_corpus(tmp_path, "a.txt")
    out = tmp_path / "out"
    pg.build([folder], out, views=False)
    assert _records(out) == {}  # every file was written a moment ago


def test_a_record_needs_the_same_file_entry_and_version(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("国务院\n", "utf-8")
    old = path.stat().st_mtime_ns - 10 * fingerprints.RACY_NS
    os.utime(path, ns=(old, old))
    source = Source(path, "a.txt", None)
    seen = Seen("k" * 64, b"\1" * 32, path.stat().st_size)
    first = Fingerprints({}, "v1")
    first.record(source, os.stat(path), seen)  # (its change time is now: racy)
    assert first.records({"a.txt"}) == {}
    # a record made when the file had settled, taken as the previous build's
    st = os.stat(path)
    record = [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
    record += [fingerprints._context(source, "v1"), seen.key, seen.digest.hex()]
    assert Fingerprints({"a.txt": record}, "v1").unchanged(source) == seen
    assert Fingerprints({"a.txt": record}, "v2").unchanged(source) is None
    entry = ManifestEntry(file="a.txt", title="另一个标题")
    assert Fingerprints({"a.txt": record}, "v1").unchanged(Source(path, "a.txt", entry)) is None
    assert Fingerprints({"b.txt": record}, "v1").unchanged(source) is None
    for damaged in (record[:5], [*record[:6], seen.key, "not hex"], []):
        assert Fingerprints({"a.txt": damaged}, "v1").unchanged(source) is None
    path.write_text("国务院。\n", "utf-8")
    assert Fingerprints({"a.txt": record}, "v1").unchanged(source) is None


@pytest.mark.usefixtures("not_racy")
def test_a_damaged_record_file_reads_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = small_corpus(tmp_path, "a.txt")
    out = tmp_path / "out"
    pg.build([folder], out, views=False)
    path = (out / ".policygraph" / "current").resolve() / FINGERPRINTS
    path.write_text("{not json", "utf-8")
    read = _count_reads(monkeypatch)
    again = pg.build([folder], out, views=False)
    assert again.unchanged == len(read) == 3
