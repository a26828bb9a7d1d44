"""Builds into the same new --out, released at the same instant: one wins, the others are
refused, and no refused build removes what the winner made (issue 18.6)."""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pyoxigraph as ox

from test_inputs import TEXT

TRIALS = 16
BUILDS = 3  # at once, per trial


def _racer(barrier: Barrier, folder: str, outs: list[str], results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from policygraph.api import build
    from policygraph.errors import InputError

    for out in outs:
        barrier.wait()
        try:
            build([Path(folder)], Path(out), views=False, jobs=1)
            results.put((out, os.getpid(), "built"))
        except InputError as e:
            results.put((out, os.getpid(), "refused" if "another build" in str(e) else repr(e)))
        except Exception as e:  # reported to the parent, which fails the test
            results.put((out, os.getpid(), repr(e)))
        barrier.wait()  # every racer done before the next trial


def test_concurrent_builds_into_a_new_folder_never_remove_the_winners_outputs(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    outs = [str(tmp_path / f"out{n}" / "deeper") for n in range(TRIALS)]
    context = multiprocessing.get_context("spawn")  # the parent may hold Oxigraph's threads
    barrier = context.Barrier(BUILDS)
    results = context.Queue()
    racers = [
        context.Process(target=_racer, args=(barrier, str(folder), outs, results))
        for _ in range(BUILDS)
    ]
    for racer in racers:
        racer.start()
    outcomes: dict[str, list[str]] = {out: [] for out in outs}
    for _ in range(TRIALS * BUILDS):
        out, _pid, outcome = results.get(timeout=300)
        outcomes[out].append(outcome)
    for racer in racers:
        racer.join(timeout=60)
    broken = []  # (trial, what went wrong): every trial is checked, then the test fails
    for out, seen in outcomes.items():
        path = Path(out)
        missing = [
            name
            for name in ("store", "policygraph.ttl", "policygraph.trig", ".policygraph/lock")
            if not (path / name).exists()
        ]
        if not set(seen) <= {"built", "refused"} or "built" not in seen or missing:
            broken.append((path.parent.name, sorted(set(seen)), missing))
            continue
        assert len(ox.Store.read_only(str(path / "store"))) > 0
    print(f"{len(broken)} of {TRIALS} trials broken")
    assert broken == [], f"{len(broken)} of {TRIALS} trials broken: {broken}"
