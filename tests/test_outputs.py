"""Outputs are replaced all together or not at all, one build at a time, readable by others."""

from __future__ import annotations

import importlib
import os
import shutil
import stat
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from policygraph.api import build
from policygraph.cli import main
from policygraph.errors import InputError
from policygraph.store.outputs import OUTPUTS, STATE, OutputFolder

# the module, not the function `policygraph.pipeline.build` (the package exports the function)
view_defaults = importlib.import_module("policygraph.view.defaults")

# Paths as in conftest.py (not imported: tests/browser has a conftest module of its own).
ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


ONE_SEED = SEEDS / "000_c4ec37985887901a.txt"


def outputs(out: Path) -> dict[str, bytes]:
    """Every output file as a user sees it (through the links), by path under ``out``."""
    found: dict[str, bytes] = {}
    for name in OUTPUTS:
        top = out / name
        files = [top] if top.is_file() else [p for p in top.resolve().rglob("*") if p.is_file()]
        for path in files:
            rel = name if path == top else f"{name}/{path.relative_to(top.resolve())}"
            if not rel.startswith("store/"):  # RocksDB rewrites its logs when opened
                found[rel] = path.read_bytes()
    return found


def generations(out: Path) -> list[str]:
    return sorted(p.name for p in (out / STATE).glob("gen-*"))


def test_a_failed_build_leaves_the_previous_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build([SEEDS], tmp_path)
    before = outputs(tmp_path)
    gens = generations(tmp_path)

    def broken(*args: object, **kwargs: object) -> list[Path]:
        raise RuntimeError("the disk is on fire")

    # (imported by the API when views are written: patched where it is defined)
    monkeypatch.setattr(view_defaults, "write_default_views", broken)
    with pytest.raises(RuntimeError):
        build([ONE_SEED], tmp_path)
    assert outputs(tmp_path) == before
    assert generations(tmp_path) == gens  # the failed build's generation is gone
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [STATE]


def test_outputs_are_links_into_one_generation_swapped_at_once(tmp_path: Path) -> None:
    build([SEEDS], tmp_path)
    first = (tmp_path / STATE / "current").resolve()
    for name in OUTPUTS:
        assert os.readlink(tmp_path / name) == f"{STATE}/current/{name}"
    view = (tmp_path / "views" / "overview.html").read_bytes()
    build([ONE_SEED], tmp_path, views=False)
    second = (tmp_path / STATE / "current").resolve()
    assert second != first
    # A build without views keeps the views there were, as builds always did.
    assert (tmp_path / "views" / "overview.html").read_bytes() == view
    # The previous generation stays for readers that opened it, until the next build.
    assert generations(tmp_path) == sorted([first.name, second.name])
    build([ONE_SEED], tmp_path, views=False)
    assert first.name not in generations(tmp_path) and len(generations(tmp_path)) == 2


def test_a_folder_of_the_earlier_layout_is_taken_over(tmp_path: Path) -> None:
    build([SEEDS], tmp_path)
    # Make it look like a folder written before generations: real folders and files.
    for name in OUTPUTS:
        path = tmp_path / name
        real = path.resolve()
        path.unlink()
        if real.is_dir():
            shutil.copytree(real, path)
        else:
            shutil.copyfile(real, path)
    shutil.rmtree(tmp_path / STATE)
    build([ONE_SEED], tmp_path)
    assert all((tmp_path / name).is_symlink() for name in OUTPUTS)
    store = ox.Store.read_only(str((tmp_path / "store").resolve()))
    assert len(list(store.named_graphs())) > 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".") and p.name != STATE]


def test_a_second_build_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    with OutputFolder(tmp_path):  # a build is running
        with pytest.raises(InputError, match="another build is writing to this folder"):
            build([ONE_SEED], tmp_path)
        result = CliRunner().invoke(main, ["build", str(ONE_SEED), "--out", str(tmp_path)])
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1 and str(tmp_path) in result.stderr
    build([ONE_SEED], tmp_path, views=False)  # the lock went with the "build"


def test_a_strict_build_that_fails_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(ONE_SEED, folder)
    (folder / "zz_binary.txt").write_bytes(bytes(range(256)) * 64)
    with pytest.raises(InputError, match=r"zz_binary\.txt"):
        build([folder], tmp_path / "out", strict=True, jobs=2)
    assert not (tmp_path / "out").exists()


def test_outputs_are_readable_by_others(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        build([SEEDS], tmp_path)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "policygraph.ttl").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "store").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "views" / "overview.html").stat().st_mode) == 0o644


def test_a_rebuild_keeps_pages_a_user_wrote_into_views(tmp_path: Path) -> None:
    """`policygraph view` writes into views/ (a folder of the current generation); the next
    build must carry such pages over, and still replace the pages it writes itself."""
    from policygraph.view.from_store import write_view

    build([ONE_SEED], tmp_path)
    mine = write_view(store=tmp_path / "store", entity="习近平")
    assert mine == tmp_path / "views" / "entity.html"
    kept = mine.read_bytes()
    overview = (tmp_path / "views" / "overview.html").stat().st_ino
    build([ONE_SEED, SEEDS / "004_9bd7b7ee794945c4.txt"], tmp_path)
    assert (tmp_path / "views" / "entity.html").read_bytes() == kept
    assert (tmp_path / "views" / "overview.html").stat().st_ino != overview
    build([ONE_SEED], tmp_path, views=False)
    assert (tmp_path / "views" / "entity.html").read_bytes() == kept
