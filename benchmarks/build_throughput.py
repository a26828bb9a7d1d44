"""Build throughput against jieba: how fast ``policygraph build`` turns text into a graph,
divided by how fast plain ``jieba.lcut`` segments the same text in one process.

Run by hand, not in CI. Unpack ``../shared/corpus/bulk.tar.xz`` first and pass the folder
that holds its ``.txt`` files::

    python benchmarks/build_throughput.py --corpus ../shared/corpus/bulk --jobs 1,2

The JSON report (machine, versions, figures) goes to stdout; progress goes to stderr.
Throughput is MB (10^6 bytes of UTF-8 text, as the files hold it) per second of wall time.
A build is ``python -m policygraph build FILES --out TMP --no-views --jobs N`` run as a
subprocess, so its figure includes start-up, extraction, the graph, the store and the
Turtle/TriG files. The ratio is build MB/s over jieba MB/s: 1.0 means the whole build costs
what segmentation alone costs.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from machine import describe  # benchmarks/machine.py, a sibling module

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "bulk"
#: File-name prefixes of the policy subset: work reports, party congress reports, policies.
POLICY_PREFIXES = ("gwr_", "cpc_", "pol_")
PACKAGES = ("policygraph", "jieba", "rdflib", "pyoxigraph")
GOAL = {"jobs": 2, "min_ratio": 1.0}


@dataclass(frozen=True, slots=True)
class Corpus:
    name: str
    files: tuple[Path, ...]

    @property
    def bytes(self) -> int:
        return sum(p.stat().st_size for p in self.files)

    @property
    def mb(self) -> float:
        return self.bytes / 1e6


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def corpora(folder: Path, *, subset_only: bool) -> list[Corpus]:
    """The bulk corpus (every ``.txt`` but its README) and its policy subset."""
    files = tuple(
        sorted(p for p in folder.rglob("*.txt") if p.is_file() and p.name != "README.txt")
    )
    if not files:
        raise SystemExit(
            f"no .txt files in {folder}: unpack ../shared/corpus/bulk.tar.xz and pass "
            "the folder with --corpus"
        )
    policy = Corpus("policy subset", tuple(p for p in files if p.name.startswith(POLICY_PREFIXES)))
    return [policy] if subset_only else [Corpus("bulk", files), policy]


def machine() -> dict[str, Any]:
    return describe(PACKAGES)


def jieba_seconds(texts: list[str]) -> tuple[float, float]:
    """Wall and CPU time of ``jieba.lcut`` over ``texts`` in this process, dictionary
    loaded first."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    started, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        jieba.lcut(text)
    return time.perf_counter() - started, time.process_time() - cpu


def has_jobs_option() -> bool:
    out = subprocess.run(
        [sys.executable, "-m", "policygraph", "build", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    return "--jobs" in out.stdout


def build_once(files: tuple[Path, ...], jobs: int | None, scratch: Path) -> dict[str, Any]:
    """One ``policygraph build`` subprocess: wall seconds, CPU seconds and the peak RSS of
    its largest process (``wait4`` rusage: the build and the processes it waited for). CPU
    time says how much work the build did even when other programs share the machine."""
    out = Path(tempfile.mkdtemp(prefix="build-", dir=scratch))
    cmd = [sys.executable, "-m", "policygraph", "build", *map(str, files)]
    cmd += ["--out", str(out / "exports"), "--no-views"]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    try:
        with tempfile.TemporaryFile() as err:
            started = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - started
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode != 0:
                err.seek(0)
                tail = err.read().decode("utf-8", "replace")[-2000:]
                raise SystemExit(f"build failed (exit {proc.returncode}):\n{tail}")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    # ru_maxrss is in KiB on Linux.
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }


def in_process(files: tuple[Path, ...]) -> dict[str, Any]:
    """Start-up, loading and extraction alone, timed inside this process (no graph, no
    store) in CPU seconds, which other programs on the machine do not inflate: where the
    build's time goes, to guide work on the extractors."""
    cpu = time.process_time()
    from policygraph.extract import PIPELINE, extractor
    from policygraph.rules.vocab import tokenizer
    from policygraph.text.loader import find_sources, load_document

    tokenizer()
    for name in PIPELINE:
        extractor(name)
    startup = time.process_time() - cpu
    load = 0.0
    per: dict[str, float] = dict.fromkeys(PIPELINE, 0.0)
    for source in find_sources(files):
        t = time.process_time()
        doc = load_document(source)
        load += time.process_time() - t
        found: list[Any] = []
        for name in PIPELINE:
            t = time.process_time()
            found.extend(extractor(name)(doc, found))
            per[name] += time.process_time() - t
    return {
        "startup_cpu_seconds": round(startup, 3),
        "load_and_layout_cpu_seconds": round(load, 3),
        "extract_cpu_seconds": round(sum(per.values()), 3),
        "per_extractor_cpu_seconds": {k: round(v, 3) for k, v in per.items()},
    }


def measure(corpus: Corpus, args: argparse.Namespace, jobs_option: bool) -> dict[str, Any]:
    mb = corpus.mb
    log(f"{corpus.name}: {len(corpus.files)} documents, {mb:.1f} MB")
    texts = [p.read_text(encoding="utf-8") for p in corpus.files]
    runs = []
    for _ in range(args.repeat):
        runs.append(jieba_seconds(texts))
        log(f"  jieba.lcut: {runs[-1][0]:.1f} s (CPU {runs[-1][1]:.1f} s)")
    jieba_rate = mb / statistics.median(wall for wall, _ in runs)
    jieba_cpu = statistics.median(cpu for _, cpu in runs)
    result: dict[str, Any] = {
        "documents": len(corpus.files),
        "mb": round(mb, 2),
        "chars": sum(len(t) for t in texts),
        "jieba": {
            "seconds": [round(wall, 2) for wall, _ in runs],
            "cpu_seconds": [round(cpu, 2) for _, cpu in runs],
            "mb_per_s": round(jieba_rate, 3),
        },
        "builds": [],
    }
    del texts
    for jobs in args.jobs:
        if not jobs_option and jobs != 1:
            result["builds"].append(
                {"jobs": jobs, "skipped": "policygraph build has no --jobs option yet"}
            )
            log(f"  build --jobs {jobs}: skipped, no --jobs option")
            continue
        builds = []
        for _ in range(args.repeat):
            builds.append(build_once(corpus.files, jobs if jobs_option else None, args.scratch))
            cpu = f" (CPU {builds[-1]['cpu_seconds']:.1f} s)" if jobs == 1 else ""
            log(f"  build --jobs {jobs}: {builds[-1]['seconds']:.1f} s{cpu}")
        seconds = statistics.median(b["seconds"] for b in builds)
        result["builds"].append(
            {
                "jobs": jobs,
                "jobs_option": jobs_option,
                "seconds": [round(b["seconds"], 2) for b in builds],
                "mb_per_s": round(mb / seconds, 3),
                "ratio_to_jieba": round(mb / seconds / jieba_rate, 3),
                # CPU time of the build over CPU time of jieba: the work done, whatever else
                # ran on the machine. The workers are the build's own subprocesses
                # (policygraph.pipeline.workers), reaped by it, so their CPU time is in its rusage.
                "cpu_seconds": [round(b["cpu_seconds"], 2) for b in builds],
                "cpu_cost_vs_jieba": round(
                    statistics.median(b["cpu_seconds"] for b in builds) / jieba_cpu, 2
                ),
                "peak_rss_mb": max(b["peak_rss_mb"] for b in builds),
            }
        )
    if args.in_process:
        log("  in-process extraction …")
        result["in_process"] = in_process(corpus.files)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help="folder of the unpacked bulk corpus (../shared/corpus/bulk.tar.xz)",
    )
    parser.add_argument(
        "--subset-only", action="store_true", help="only the policy subset (gwr_, cpc_, pol_)"
    )
    parser.add_argument(
        "--jobs",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[1, 2],
        help="comma-separated --jobs values to build with (default 1,2)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs of each figure; median kept")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="also time loading and each extractor inside this process (CPU seconds)",
    )
    parser.add_argument(
        "--scratch", type=Path, default=None, help="folder for the builds' temporary output"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or any(j < 1 for j in args.jobs):
        parser.error("--repeat and --jobs must be at least 1")
    scratch = Path(tempfile.mkdtemp(prefix="build-throughput-", dir=args.scratch))
    args.scratch = scratch
    try:
        jobs_option = has_jobs_option()
        report: dict[str, Any] = {
            "benchmark": "build_throughput",
            "machine": machine(),
            "command": " ".join(["python", "benchmarks/build_throughput.py", *sys.argv[1:]]),
            "unit": "MB = 10^6 bytes of UTF-8 text; seconds of wall time",
            "build_has_jobs_option": jobs_option,
            "goal": GOAL,
            "corpora": {
                c.name: measure(c, args, jobs_option)
                for c in corpora(args.corpus, subset_only=args.subset_only)
            },
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report["goal_met"] = {
        name: next(
            (
                b["ratio_to_jieba"] >= GOAL["min_ratio"]
                for b in figures["builds"]
                if b["jobs"] == GOAL["jobs"] and "ratio_to_jieba" in b
            ),
            None,
        )
        for name, figures in report["corpora"].items()
    }
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
