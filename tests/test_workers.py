"""Workers: a plain script can build, and one document over its budget is skipped.

The budgets are tested through the test-only hook ``POLICYGRAPH_FAULT`` (see
``build._fault``): a named document's extraction hangs, eats memory or raises.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SEEDS
from policygraph.api import build
from policygraph.cli import main
from policygraph.errors import InputError
from policygraph.pipeline import workers
from policygraph.pipeline.build import BYTES_PER_JOB, auto_jobs, extract_source
from policygraph.pipeline.cache import ExtractionCache
from policygraph.text.loader import find_sources

FIRST = "000_c4ec37985887901a.txt"
SCRIPT = (
    "import policygraph as pg\n"
    "from pathlib import Path\n"
    'print("start", flush=True)\n'
    'pg.build([Path("seeds")], Path("x-out"))\n'
)


def test_a_script_without_a_main_guard_builds_once(tmp_path: Path) -> None:
    """The README's snippet saved as a script: workers once re-ran it, forever."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "x.py").write_text(SCRIPT, encoding="utf-8")
    done = subprocess.run(
        ["timeout", "60", sys.executable, "x.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("start") == 1
    assert (tmp_path / "x-out" / "policygraph.ttl").is_file()


def test_a_document_over_the_time_budget_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYGRAPH_FAULT", f"sleep:{FIRST}")
    result = build([SEEDS], tmp_path / "out", views=False, jobs=2, doc_timeout=2)
    assert result.documents == 1
    [(path, reason)] = result.skipped
    assert path.endswith(FIRST)
    assert reason == "stopped, over the time budget of 2 s (doc_timeout=)"
    with pytest.raises(InputError, match=f"{FIRST}: stopped, over the time budget"):
        build([SEEDS], tmp_path / "strict", views=False, jobs=1, doc_timeout=1, strict=True)
    assert not (tmp_path / "strict").exists()


def test_a_document_over_the_memory_budget_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYGRAPH_FAULT", f"alloc:{FIRST}")
    result = build([SEEDS], tmp_path / "out", views=False, jobs=1, doc_memory=300)
    assert result.documents == 1
    assert result.skipped == [
        (str(SEEDS / FIRST), "stopped, over the memory budget of 300 MB (doc_memory=)")
    ]


def test_a_document_whose_graph_is_over_the_memory_budget_is_skipped(tmp_path: Path) -> None:
    """Checked in the worker, after extraction: the main process builds or loads every
    graph, so a document's graph must fit the budget too."""
    (tmp_path / "in").mkdir()
    path = tmp_path / "in" / "names.txt"
    path.write_text("习近平总书记指出工业和信息化部部长李明表示" * 5000, encoding="utf-8")
    [source] = find_sources([tmp_path / "in"])
    cache = ExtractionCache(tmp_path / "cache")
    over = extract_source(source, "k", cache, megabytes=50)
    assert over.header is None and over.bad_input
    assert over.reason is not None
    assert re.fullmatch(
        rf"{re.escape(str(path))}: stopped, its graph would take about \d+ MB to build and "
        r"load, over the memory budget of 50 MB \(doc_memory=\)",
        over.reason,
    )
    assert extract_source(source, "k", cache, megabytes=1024).header is not None


def test_the_cli_goes_on_past_a_document_over_budget_and_strict_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYGRAPH_FAULT", f"sleep:{FIRST}")
    runner = CliRunner()
    args = ["build", str(SEEDS), "--no-views", "--doc-timeout", "1", "--out"]
    done = runner.invoke(main, [*args, str(tmp_path / "a")], catch_exceptions=False)
    assert done.exit_code == 0
    assert f"skipped {SEEDS / FIRST}: stopped, over the time budget of 1 s" in done.stdout
    done = runner.invoke(main, [*args, str(tmp_path / "b"), "--strict"])
    assert done.exit_code == 2
    assert "over the time budget" in done.stderr


def test_workers_over_budget_are_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every task gets an answer, in order, whatever happens to the workers."""
    monkeypatch.setenv("POLICYGRAPH_FAULT", "sleep:a,alloc:c,raise:e")
    tasks = [(name,) for name in "abcdef"]
    answers = list(workers.run(workers.probe, tasks, jobs=2, seconds=2, megabytes=200))
    assert [i for i, _ in answers] == list(range(6))
    values = [v for _, v in answers]
    assert values[1::2] == ["b", "d", "f"]
    assert values[0] == workers.Failure("over the time budget of 2 s")
    assert values[2] == workers.Failure("over the memory budget of 200 MB")
    assert isinstance(values[4], workers.Failure)
    assert values[4].reason == "ZeroDivisionError: a bug" and "Traceback" in values[4].detail


def test_default_jobs_follow_the_size_of_the_input() -> None:
    assert auto_jobs(0) == 1
    assert auto_jobs(60_000) == 1
    assert auto_jobs(BYTES_PER_JOB * 100) >= 1


def test_a_second_build_in_the_process_reuses_the_kept_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One warm worker is kept from one build to the next of this process; a build under
    another environment (the worker read it when it started) starts its own."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("国务院关于加快发展的意见\n到2027年，普及率超过70%。\n", "utf-8")
    started: list[object] = []
    real = workers._Worker

    def counted(init: bytes | None) -> object:
        started.append(init)
        return real(init)

    workers.SHARED.close()
    monkeypatch.setattr(workers, "_Worker", counted)
    build([folder], tmp_path / "one", views=False, jobs=1)
    assert len(started) == 1
    (folder / "a.txt").write_text("国务院关于加快发展的意见\n到2028年，普及率超过80%。\n", "utf-8")
    build([folder], tmp_path / "two", views=False, jobs=1)
    assert len(started) == 1  # the kept worker extracted it
    monkeypatch.setenv("POLICYGRAPH_TEST_MARK", "another environment")
    (folder / "a.txt").write_text("国务院关于加快发展的意见\n到2029年，普及率超过90%。\n", "utf-8")
    build([folder], tmp_path / "three", views=False, jobs=1)
    assert len(started) == 2


def test_the_command_line_starts_the_same_worker_the_build_takes() -> None:
    """The CLI starts the extraction worker by name before it imports the pipeline; the
    build then finds it kept (the same initializer, byte for byte), not a second one."""
    from policygraph.pipeline import WARM_UP
    from policygraph.pipeline.mapstep import warm_up

    assert workers.call_named(WARM_UP) == workers.call(warm_up)
    pool = workers.Pool()
    try:
        pool.start_named(WARM_UP)
        assert pool.has(warm_up)
        pool.start(warm_up)  # kept already: no second worker
        assert len(pool._idle) == 1
    finally:
        pool.close()


def test_the_warm_up_texts_reach_every_extractor() -> None:
    """A worker extracts WARM_UP_TEXTS when it starts, so that its first document does not
    pay for the extractors' first run (vocabularies, patterns: 0.2 s of an update). Each
    extractor must find something in them, or its first run is paid by a document again."""
    from policygraph.extract import PIPELINE
    from policygraph.extract import run as run_pipeline
    from policygraph.pipeline.mapstep import WARM_UP_TEXTS, extract_bytes
    from policygraph.text.loader import Source, load_document

    found = dict.fromkeys(PIPELINE, 0)
    for i, text in enumerate(WARM_UP_TEXTS):
        source = Source(Path(f"w{i}.txt"), f"w{i}.txt", None)
        assert extract_bytes(source, text.encode("utf-8")).payload is not None
        doc = load_document(source, text.encode("utf-8"))
        for name in PIPELINE:
            found[name] += len(run_pipeline(doc, names=[name]))
    assert [name for name, n in found.items() if not n] == []
