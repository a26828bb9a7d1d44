"""How long ``policygraph --help`` takes, and which heavy libraries its import pulls in.
Run by hand, not in CI; prints JSON. Goal: under 0.5 s (imports kept lazy in cli.py).

    python benchmarks/cli_startup.py [--repeat 11]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

#: Libraries that take a noticeable time to import; the CLI imports them in commands only.
HEAVY = ("rdflib", "pyoxigraph", "jieba", "networkx", "pyvis", "jinja2", "yaml", "pyshacl")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=11)
    args = parser.parse_args()
    program = shutil.which("policygraph")
    command = [program] if program else [sys.executable, "-m", "policygraph"]
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        subprocess.run([*command, "--help"], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    probe = f"import sys, policygraph.cli; print([m for m in {HEAVY!r} if m in sys.modules])"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout.strip()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    report = {
        "machine": {
            "cpu": platform.processor() or platform.machine(),
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_1m": load,
        },
        "command": "policygraph --help",
        "runs": args.repeat,
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
        "heavy_modules_imported_by_cli": loaded,
        "goal_met": statistics.median(times) < 0.5,
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
