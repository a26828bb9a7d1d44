"""A damaged store gives one line naming the store and the way out, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from policygraph.cli import main


def damage(store: Path, step: int) -> None:
    """Flip bytes through every table file, as a bad disk or a partial copy would."""
    for table in store.glob("*.sst"):
        data = bytearray(table.read_bytes())
        for i in range(64, len(data) - 64, step):
            data[i] ^= 0xFF
        table.write_bytes(bytes(data))


@pytest.mark.parametrize("name", ["classes", "targets"])
def test_a_damaged_store_is_one_line(seed_build, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "store"
    shutil.copytree(Path(seed_build.out) / "store", store)
    damage(store, 997)
    result = CliRunner().invoke(main, ["query", "--store", str(store), "--name", name])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert "the store is damaged" in result.stderr and "policygraph build" in result.stderr
