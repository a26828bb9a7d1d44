"""Query safety: a time limit, a row limit for the table format, updates refused."""

from __future__ import annotations

import gc
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from policygraph.cli import main
from policygraph.query import sparql as q

#: A cross product of every triple with every triple with every triple: minutes of work.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def store(seed_build) -> Path:  # type: ignore[no-untyped-def]
    return Path(seed_build.out) / "store"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["query", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_a_query_past_its_timeout_stops_with_one_line_and_exit_1(store: Path) -> None:
    # In its own process: the abandoned query thread must end with the process, not
    # keep a CPU busy for the rest of the test session.
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "policygraph",
            "query",
            "--store",
            str(store),
            "--timeout",
            "0.5",
            SLOW,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert time.monotonic() - started < 60
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "policygraph: error: the query ran longer than 0.5 s and was stopped; "
        "narrow it (a --param, a LIMIT) or raise --timeout (0: no limit)"
    ]


def test_a_query_within_its_timeout_gives_the_same_answer(store: Path) -> None:
    sparql = "SELECT (COUNT(*) AS ?n) WHERE { ?s a pgo:Quote }"
    limited = q.execute(sparql, store=store, timeout=30)
    assert limited == q.execute(sparql, store=store, timeout=0)
    assert limited == q.run_query(sparql, store=store).serialize("table")
    # Errors raised in the worker thread reach the caller as they are.
    with pytest.raises(q.QueryError, match="malformed"):
        q.execute("SELECT ?x WHERE {", store=store, timeout=30)


def test_an_error_after_the_solutions_leaves_them_in_their_thread(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error raised in the query thread once the solutions exist reaches the caller
    without them: pyoxigraph's solutions dropped by another thread (the garbage collector
    in the caller's) raise an unraisable "unsendable" RuntimeError in unrelated code."""

    def fail(self: q.Result, *args: object, **kwargs: object) -> str:
        raise ValueError("the writer failed")

    monkeypatch.setattr(q.Result, "serialize", fail)
    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    with pytest.raises(ValueError, match="the writer failed") as caught:
        q.execute("SELECT * WHERE { ?s ?p ?o } LIMIT 3", store=store, timeout=30)
    del caught
    gc.collect()
    assert unraisable == []


def test_negative_limits_are_usage_errors(store: Path) -> None:
    assert invoke("--store", str(store), "--timeout", "-1", "ASK {}")[0] == 2
    assert invoke("--store", str(store), "--max-rows", "-1", "ASK {}")[0] == 2
    with pytest.raises(q.QueryError):
        q.execute("ASK {}", store=store, timeout=-1)


def test_the_table_shows_max_rows_and_says_how_many_more(store: Path) -> None:
    sparql = "SELECT ?m WHERE { ?m a pgo:Mention } ORDER BY ?m"
    total = len(q.run_query(sparql, store=store).rows())
    assert total > 3
    code, out, _ = invoke("--store", str(store), "--max-rows", "3", sparql)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2 + 3 + 1
    assert lines[-1] == (
        f"(the first 3 of {total} rows; raise --max-rows (0: all) or use --format csv, "
        "tsv or json for all)"
    )
    code, out, _ = invoke("--store", str(store), "--max-rows", "0", sparql)
    assert out.splitlines()[-1] == f"({total} rows)"
    # Other formats are not cut.
    code, out, _ = invoke("--store", str(store), "--max-rows", "3", "--format", "csv", sparql)
    assert len(out.splitlines()) == total + 1


def test_updates_still_need_the_flag(store: Path) -> None:
    code, _, err = invoke("--store", str(store), "DELETE WHERE { ?s ?p ?o }")
    assert code == 2 and "--update" in err


def test_defaults_are_documented_in_help() -> None:
    result = CliRunner().invoke(main, ["query", "--help"])
    text = " ".join(result.stdout.split())
    assert "--timeout SECONDS Stop a query that runs longer (exit 1); 0 for no limit." in text
    assert "default: 60.0" in text
    assert q.DEFAULT_TIMEOUT == 60 and q.DEFAULT_MAX_ROWS == 1000


def test_the_cli_imports_no_heavy_library_before_a_command_runs() -> None:
    # `policygraph --help` stays fast (benchmarks/cli_startup.py) only while cli.py
    # imports the heavy libraries inside the commands.
    heavy = ("rdflib", "pyoxigraph", "jieba", "networkx", "pyvis")
    probe = f"import sys, policygraph.cli; print([m for m in {heavy!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_a_build_process_imports_neither_views_nor_jieba() -> None:
    # An update that extracts nothing in this process (its worker does) pays for neither
    # the views (networkx, pyvis) nor jieba and pkg_resources (0.15 s of start-up).
    heavy = ("jieba", "networkx", "pyvis", "pkg_resources")
    probe = f"import sys, policygraph.api; print([m for m in {heavy!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr
