"""A build on a Dask LocalCluster of two workers against a local ``--jobs 2`` build.

Run by hand, not in CI (it takes minutes on a large corpus)::

    python benchmarks/dask_build.py --corpus FOLDER [--workers 2]

Three builds of FOLDER, each a ``python -m policygraph build FOLDER --out TMP --no-views``
subprocess into a fresh output folder (no cache), timed end to end:

- ``local``: ``--jobs N`` (the local worker processes);
- ``dask``: ``--executor dask --jobs N`` (the build starts a LocalCluster of N worker
  processes, one thread each, and closes it: its start-up is in the time);
- ``dask-scheduler``: ``--executor dask --scheduler ADDRESS``, to a LocalCluster of N
  workers started before the clock (what a standing cluster costs).

The outputs (``policygraph.ttl``, ``policygraph.trig``) must be the same bytes; the script
exits 1 when they are not. The JSON report (machine, load average before and after,
seconds per build) goes to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from machine import describe  # benchmarks/machine.py, a sibling module

PACKAGES = ("policygraph", "dask", "distributed", "jieba", "pyoxigraph")
OUTPUTS = ("policygraph.ttl", "policygraph.trig")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed_build(corpus: Path, out: Path, extra: list[str]) -> float:
    command = [sys.executable, "-m", "policygraph", "build", str(corpus), "--out", str(out)]
    command += ["--no-views", *extra]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a folder of .txt files")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    import distributed

    files = sorted(args.corpus.glob("*.txt"))
    size = sum(p.stat().st_size for p in files)
    n = str(args.workers)
    report: dict[str, Any] = {
        "corpus": {"folder": args.corpus.name, "documents": len(files), "mb": size / 1e6},
        "machine": describe(PACKAGES),
        "workers": args.workers,
        "seconds": {},
    }
    work = Path(tempfile.mkdtemp(prefix="dask-build-"))
    try:
        runs = {
            "local": ["--jobs", n],
            "dask": ["--executor", "dask", "--jobs", n],
        }
        for name, extra in runs.items():
            log(f"{name}: building {len(files)} documents ({size / 1e6:.1f} MB) …")
            report["seconds"][name] = timed_build(args.corpus, work / name, extra)
            log(f"{name}: {report['seconds'][name]:.1f} s")
        with distributed.LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",
        ) as cluster:
            extra = ["--executor", "dask", "--scheduler", cluster.scheduler_address]
            log("dask-scheduler: building …")
            report["seconds"]["dask-scheduler"] = timed_build(
                args.corpus, work / "dask-scheduler", extra
            )
            log(f"dask-scheduler: {report['seconds']['dask-scheduler']:.1f} s")
        report["load_after"] = os.getloadavg()
        same = all(
            (work / name / out).read_bytes() == (work / "local" / out).read_bytes()
            for name in report["seconds"]
            for out in OUTPUTS
        )
        report["same_bytes"] = same
    finally:
        shutil.rmtree(work, ignore_errors=True)
    json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
