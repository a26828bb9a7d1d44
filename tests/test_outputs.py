"""Outputs are replaced all together or not at all, and are readable by others."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from conftest import SEEDS
from policygraph import build as build_module
from policygraph.build import build


def test_a_failed_build_leaves_the_previous_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build([SEEDS], tmp_path)
    before = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}

    def broken(*args: object, **kwargs: object) -> list[Path]:
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(build_module, "write_default_views", broken)
    with pytest.raises(RuntimeError):
        build([SEEDS / "000_c4ec37985887901a.txt"], tmp_path)
    after = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_outputs_are_readable_by_others(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        build([SEEDS], tmp_path)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "policygraph.ttl").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "store").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "views" / "overview.html").stat().st_mode) == 0o644
