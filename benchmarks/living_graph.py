"""The living graph, measured: updates against a clean build, and parts merged.

    python benchmarks/living_graph.py --corpus DIR/bulk [--jobs 2] [--views]

On a copy of the corpus (hard links, in a temporary folder), in one run:

1. a clean build;
2. one document added (a new file: a work report with one word changed), then one changed
   (a few characters of another document), then one removed (the added one), each timed as
   the user runs it (``policygraph build`` in a subprocess, wall clock), after ``os.sync()``
   (timed apart): the clean builds below leave gigabytes to write back, which would stall
   the update's fsyncs for seconds (a change measured 6.5 s that way, 2.7 s after a sync);
3. after each update, a clean build of the same input into another folder, and ``cmp`` of
   ``policygraph.ttl`` and ``policygraph.trig`` (the folders are deleted at the end, not
   before the next update);
4. the corpus split in two halves (odd and even files), each built, then ``policygraph
   merge``, compared byte for byte with the clean build of the whole.

Prints one JSON object (figures and the machine). Nothing is written under the corpus.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe  # benchmarks/machine.py, a sibling module

FILES = ("policygraph.ttl", "policygraph.trig")


def run(args: list[str], views: bool) -> float:
    """Seconds of wall clock of ``policygraph ARGS`` in a subprocess (it must succeed)."""
    command = [sys.executable, "-m", "policygraph", *args]
    if not views and args[0] in ("build", "merge"):
        command.append("--no-views")
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return round(time.perf_counter() - started, 2)


def same(a: Path, b: Path) -> bool:
    return all(filecmp.cmp(a / f, b / f, shallow=False) for f in FILES)


def link_copy(source: Path, target: Path, names: list[str]) -> None:
    target.mkdir(parents=True)
    for name in names:
        try:
            os.link(source / name, target / name)
        except OSError:
            shutil.copy(source / name, target / name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--jobs", default="2")
    parser.add_argument("--views", action="store_true", help="also write the views")
    parser.add_argument("--no-merge", action="store_true", help="skip the halves and merge")
    args = parser.parse_args()
    names = sorted(p.name for p in args.corpus.glob("*.txt"))
    report: dict[str, object] = {"corpus": str(args.corpus), "documents": len(names)}
    report["megabytes"] = round(sum((args.corpus / n).stat().st_size for n in names) / 1e6, 1)
    with tempfile.TemporaryDirectory(prefix="living-") as tmp:
        root = Path(tmp)
        corpus = root / "in"
        link_copy(args.corpus, corpus, names)
        out = root / "out"
        j = ["--jobs", args.jobs]
        report["clean build s"] = run(["build", str(corpus), "--out", str(out), *j], args.views)

        def settle() -> None:
            # The clean builds this script runs beside the updates leave gigabytes of dirty
            # pages; written back while an update runs, they stall its fsyncs (RocksDB's)
            # for seconds. A user's update follows no such build: flush them first, timed.
            started = time.perf_counter()
            os.sync()
            report.setdefault("sync before each update s", []).append(  # type: ignore[union-attr]
                round(time.perf_counter() - started, 2)
            )

        def check(step: str) -> None:
            clean = root / f"clean-{step}"
            report[f"clean build after {step} s"] = run(
                ["build", str(corpus), "--out", str(clean), *j], args.views
            )
            report[f"{step}: same bytes as a clean build"] = same(out, clean)
            # kept until the end: deleting its 1.5 GB just before the next update made that
            # update wait on the file system's journal (a removal measured 2.2-2.8 s here,
            # 1.4-1.6 s in the same sequence without the clean builds between updates)

        base = next((n for n in names if n.startswith("gwr_2024")), names[0])
        text = (corpus / base).read_text(encoding="utf-8")
        (corpus / "zz_added.txt").write_text(text.replace("发展", "发 展", 1), encoding="utf-8")
        settle()
        report["add s"] = run(["build", str(corpus), "--out", str(out), *j], args.views)
        check("add")
        other = names[len(names) // 2]
        changed = (corpus / other).read_text(encoding="utf-8")
        (corpus / other).unlink()  # a hard link: write a new file, never the corpus's
        (corpus / other).write_text(changed.replace("，", ",", 2), encoding="utf-8")
        settle()
        report["change s"] = run(["build", str(corpus), "--out", str(out), *j], args.views)
        check("change")
        (corpus / "zz_added.txt").unlink()
        settle()
        report["remove s"] = run(["build", str(corpus), "--out", str(out), *j], args.views)
        check("remove")
        if not args.no_merge:
            current = sorted(p.name for p in corpus.glob("*.txt"))
            halves = []
            for i, part in enumerate((current[::2], current[1::2])):
                folder = root / f"half{i}"
                link_copy(corpus, folder, part)
                report[f"half {i} build s"] = run(
                    ["build", str(folder), "--out", str(root / f"out{i}"), *j], args.views
                )
                halves.append(str(root / f"out{i}"))
            merged = root / "merged"
            report["merge s"] = run(["merge", *halves, "--out", str(merged), *j], args.views)
            report["halves merged: same bytes as one build"] = same(merged, out)
    report["machine"] = describe(["pyoxigraph", "jieba"])
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
