"""Builds killed with SIGKILL at any moment leave the previous outputs whole and usable.

Each case runs a real ``policygraph build`` in a subprocess over a folder that already holds
a build, kills it (and its workers) with SIGKILL, then checks: every output is exactly the
previous one or exactly the new one (never a mix, never missing); the store opens and
answers a query; the next build succeeds and gives the same bytes as a clean build.
Named steps come from ``POLICYGRAPH_PAUSE_AT`` (the build stops there and waits to be
killed); the other kills land after random delays.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from policygraph.api import build
from policygraph.store.outputs import OUTPUTS
from policygraph.store.oxigraph import open_store

# Paths as in conftest.py (not imported: tests/browser has a conftest module of its own).
ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


pytestmark = pytest.mark.slow

STEPS = (
    "extracting",
    "extracted",
    "graphing",
    "store.replacing",
    "store.written",
    "turtle.written",
    "trig.written",
    "views.written",
    "publish.before-swap",
    "publish.swapped",
    "publish.linked",
)
RANDOM_KILLS = 4


def outputs(out: Path) -> dict[str, bytes]:
    """Every output as a user sees it, through the links: the Turtle and TriG by their
    bytes, the views and the store's immutable table files by name (RocksDB rewrites its
    logs whenever it is opened)."""
    found: dict[str, bytes] = {}
    for name in OUTPUTS:
        top = out / name
        if top.is_file():
            found[name] = top.read_bytes()
        elif top.is_dir():
            for path in sorted(top.resolve().rglob("*")):
                rel = f"{name}/{path.relative_to(top.resolve())}"
                # Views by name: their bytes are the view package's business, and the
                # Turtle and TriG already tell the old build from the new one.
                if name == "views" or path.suffix == ".sst":
                    found[rel] = b""
    return found


def text_outputs(out: Path) -> dict[str, bytes]:
    return {k: v for k, v in outputs(out).items() if not k.startswith("store/")}


def documents_in_store(out: Path) -> int:
    store = open_store(out / "store")
    query = (
        "SELECT (COUNT(?d) AS ?n) WHERE { ?d a <https://w3id.org/policygraph/ontology#Document> }"
    )
    n = int(next(iter(store.query(query)))["n"].value)  # type: ignore[arg-type]
    del store
    return n


def start_build(
    inputs: list[Path], out: Path, env: dict[str, str], jobs: str = "1"
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "policygraph", "build"),
            *map(str, inputs),
            *("--out", str(out), "--jobs", jobs),
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the kill takes its workers too
    )


def kill(proc: subprocess.Popen[str]) -> int:
    """SIGKILL the build and its workers; its exit status (0 if it had just finished)."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()  # reaps it and closes its pipe
    return proc.returncode


@dataclass(frozen=True)
class States:
    """The two builds every case goes between: one seed (before), both seeds (after)."""

    base: Path  # a folder holding the "before" build, copied for each case
    after: list[Path]
    old: dict[str, bytes]
    new: dict[str, bytes]

    def prepared(self, out: Path) -> Path:
        shutil.copytree(self.base, out, symlinks=True)
        return out


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> States:
    root = tmp_path_factory.mktemp("faults")
    after = sorted(SEEDS.glob("*.txt"))
    build(after[:1], root / "before", jobs=1)
    build(after, root / "after", jobs=1)
    return States(
        root / "before", after, text_outputs(root / "before"), text_outputs(root / "after")
    )


def check_after_kill(out: Path, states: States, *, published: bool | None) -> None:
    after, old, new = states.after, states.old, states.new
    now = text_outputs(out)
    if published is None:
        assert now in (old, new), "a mix of old and new outputs"
    else:
        assert now == (new if published else old)
    assert documents_in_store(out) == (2 if now == new else 1)
    done = subprocess.run(
        [sys.executable, "-m", "policygraph", "build", *map(str, after), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert text_outputs(out) == new
    assert documents_in_store(out) == 2
    leftovers = [
        p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".policygraph"
    ]
    assert leftovers == []


@pytest.mark.parametrize(
    ("step", "jobs"), [(step, "1") for step in STEPS] + [("extracting", "2"), ("extracted", "2")]
)
def test_killed_at_a_named_step(step: str, jobs: str, tmp_path: Path, states: States) -> None:
    out = states.prepared(tmp_path / "out")
    proc = start_build(states.after, out, {"POLICYGRAPH_PAUSE_AT": step}, jobs)
    assert proc.stderr is not None
    line = proc.stderr.readline()
    while line and f"paused at {step}" not in line:
        line = proc.stderr.readline()
    assert f"paused at {step}" in line, f"the build never reached {step}"
    assert kill(proc) == -signal.SIGKILL
    check_after_kill(out, states, published=step in ("publish.swapped", "publish.linked"))


def test_killed_after_random_delays(tmp_path: Path, states: States) -> None:
    rng = random.Random(int(os.environ.get("POLICYGRAPH_FAULT_SEED", "20261123")))
    started = time.monotonic()
    proc = start_build(states.after, states.prepared(tmp_path / "timed"), {})
    proc.communicate()
    whole = time.monotonic() - started
    for i in range(RANDOM_KILLS):
        out = states.prepared(tmp_path / f"random-{i}")
        proc = start_build(states.after, out, {}, jobs=rng.choice(["1", "2"]))
        time.sleep(rng.uniform(0.2, whole))
        if proc.poll() is None:
            kill(proc)
        else:
            proc.communicate()
        check_after_kill(out, states, published=None)
