"""Pathological documents, each built alone: time, peak RSS and triples (issue 14).

Run by hand, not in CI::

    python benchmarks/stress.py                      # every kind at 100 kB and 1 MB
    python benchmarks/stress.py --sizes 10MB --kinds quote,target

Each document is one ``.txt`` file made from a rule's trigger words, without the punctuation
that ends a sentence (text as OCR or a broken converter gives it), and built with
``python -m policygraph build DIR --out TMP --no-views`` in a subprocess. Peak RSS is the
largest of the build's processes (the parent or a worker), from ``wait4``. A document over
its budget (``--doc-timeout``, ``--doc-memory``) is reported as skipped with the reason.
The JSON report goes to stdout; progress to stderr. Goal at 1 MB: ≤ 10 s and ≤ 1 GB.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from machine import describe  # benchmarks/machine.py, a sibling module


def _repeat(unit: str, tail: str = "") -> Callable[[int], str]:
    def make(size: int) -> str:
        return unit * max(1, size // len(unit.encode())) + tail

    return make


def _digits(size: int) -> str:
    rng = random.Random(14)
    return "".join(
        rng.choice("0123456789一二三四五六七八九十百千万亿零两年月%.") for _ in range(size // 2)
    )


def _table(size: int) -> str:
    rng = random.Random(14)
    rows = []
    while sum(map(len, rows)) * 3 < size:
        year = rng.randint(2000, 2035)
        rows.append(
            f"{year}年 {rng.randint(1, 999)}.{rng.randint(0, 9)}% {rng.randint(1, 9999)}亿元\n"
        )
    return "".join(rows)


#: Each kind: a rule's trigger words, repeated.
KINDS: dict[str, Callable[[int], str]] = {
    "quote": _repeat("“人工智能+”"),
    "heading": _repeat("国务院关于", "意见"),
    "target": _repeat("到2027年建成不少于10个国家级平台"),
    "title": _repeat("《关于加快推进人工智能产业发展的指导意见》"),
    "person": _repeat("习近平总书记指出工业和信息化部部长李明表示"),
    "comparator": _repeat("超过20%不少于10个以上达到3.5万亿元左右"),
    "digits": _digits,
    "table": _table,
}
SIZES = {"100kB": 100_000, "1MB": 1_000_000, "10MB": 10_000_000}

# Runs the build as its child, so that RUSAGE_CHILDREN holds this build's processes only.
_RUN = """
import resource, subprocess, sys, json
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr,
                  "peak_kb": peak}))
"""


def run(kind: str, size: int, folder: Path, extra: list[str]) -> dict[str, Any]:
    docs = folder / f"{kind}-{size}"
    docs.mkdir()
    (docs / f"{kind}.txt").write_text(KINDS[kind](size), encoding="utf-8")
    build = [sys.executable, "-m", "policygraph", "build", str(docs)]
    build += ["--out", str(folder / f"out-{kind}-{size}"), "--no-views", *extra]
    started = time.perf_counter()
    done = json.loads(subprocess.check_output([sys.executable, "-c", _RUN, *build], text=True))
    seconds = time.perf_counter() - started
    triples = re.search(r"→ (\d+) triples", done["stdout"])
    skipped = re.search(r"skipped \S+: (.*)", done["stdout"])
    return {
        "kind": kind,
        "bytes": size,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(done["peak_kb"] / 1024),
        "triples": int(triples[1]) if triples else None,
        "skipped": skipped[1] if skipped else None,
        "exit": done["code"],
        "error": done["stderr"].strip().splitlines()[-1:] if done["code"] else [],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated kinds")
    parser.add_argument("--sizes", default="100kB,1MB", help=f"of {', '.join(SIZES)}")
    parser.add_argument("build_options", nargs="*", help="passed to policygraph build")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes.split(","):
            for kind in args.kinds.split(","):
                row = run(kind, SIZES[size], Path(tmp), args.build_options)
                print(json.dumps(row, ensure_ascii=False), file=sys.stderr, flush=True)
                rows.append(row)
    report = {"machine": describe(("policygraph", "jieba")), "goal_1MB": "<= 10 s, <= 1 GB"}
    print(json.dumps({**report, "runs": rows}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
