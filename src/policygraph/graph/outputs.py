"""Replacing a build's outputs all together, or not at all.

A build writes its store, Turtle, TriG and views into a hidden staging folder inside the
output folder; only when everything is written are they moved into place, one rename each.
A build that fails (or is stopped) before that leaves the previous outputs as they were.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


def default_mode(*, directory: bool) -> int:
    """The permissions a plain ``open``/``mkdir`` would give under the current umask
    (``mkstemp``/``mkdtemp`` use 0600/0700, too strict for files meant to be shared)."""
    mask = os.umask(0)
    os.umask(mask)
    return (0o777 if directory else 0o666) & ~mask


@contextmanager
def staging_folder(out: Path) -> Iterator[Path]:
    """A fresh hidden folder inside ``out`` that is removed afterwards, whatever happens."""
    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def publish(stage: Path, out: Path, names: Sequence[str]) -> None:
    """Move ``stage/NAME`` to ``out/NAME`` for each name, replacing what was there."""
    for name in names:
        new, target = stage / name, out / name
        _share(new)
        if new.is_dir():
            old = stage / f".old-{name}"
            if target.exists():
                os.replace(target, old)  # a folder cannot be replaced by rename in one step
            os.replace(new, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(new, target)


def _share(path: Path) -> None:
    if path.is_dir():
        path.chmod(default_mode(directory=True))
        for child in path.rglob("*"):
            child.chmod(default_mode(directory=child.is_dir()))
    else:
        path.chmod(default_mode(directory=False))
