"""Output files are written whole or not at all (store/serialize.py): a failed write
leaves the previous file and no temporary one, a finished one the permissions of any
file the user makes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from policygraph.store.outputs import default_mode
from policygraph.store.serialize import atomic_file, atomic_path


@pytest.mark.parametrize("how", ["file", "path"])
def test_a_failed_write_keeps_the_previous_file(tmp_path: Path, how: str) -> None:
    target = tmp_path / "out" / "policygraph.ttl"
    target.parent.mkdir()
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError, match="midway"):
        if how == "file":
            with atomic_file(target) as f:
                f.write(b"half of the new")
                raise RuntimeError("midway")
        else:
            with atomic_path(target) as tmp:
                tmp.write_bytes(b"half of the new")
                raise RuntimeError("midway")
    assert target.read_bytes() == b"previous"
    assert os.listdir(target.parent) == ["policygraph.ttl"]


def test_a_finished_write_replaces_it_with_ordinary_permissions(tmp_path: Path) -> None:
    target = tmp_path / "new" / "views.html"  # its folder is made too
    with atomic_file(target, "w") as f:
        f.write("网页\n")
    assert target.read_text("utf-8") == "网页\n"
    assert target.stat().st_mode & 0o777 == default_mode(directory=False)
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"again")
    assert target.read_bytes() == b"again"
    assert os.listdir(target.parent) == ["views.html"]
