"""``build --executor dask``: the map step on a real Dask cluster (two worker processes)
gives the same bytes as a local build, skips what a local build skips with the same
reasons, and keeps the per-document budgets."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DEV_CORPUS, SEEDS
from policygraph.api import build
from policygraph.cli import main
from policygraph.errors import InputError
from policygraph.pipeline import dask_executor

distributed = pytest.importorskip("distributed")

SLOW = "000_c4ec37985887901a.txt"  # hangs (POLICYGRAPH_FAULT): stopped by --doc-timeout
BUGGY = "004_9bd7b7ee794945c4.txt"  # raises in its extractors
BINARY = "binary.txt"  # not text
FAULTS = f"sleep:{SLOW},raise:{BUGGY}"
TIMEOUT = 5.0
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds, the dev corpus when present, and a binary file named .txt."""
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SEEDS, folder, dirs_exist_ok=True)
    if DEV_CORPUS.is_dir():
        for path in sorted(DEV_CORPUS.glob("*.txt")):
            shutil.copy(path, folder / path.name)
    (folder / BINARY).write_bytes(bytes(range(256)) * 64)
    return folder


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A LocalCluster of two worker processes; its workers see the faults (the variable
    is set while they start, then restored)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("POLICYGRAPH_FAULT", FAULTS)
        local = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",
        )
    with local:
        yield local.scheduler_address


def _same_outputs(a: Path, b: Path) -> None:
    for name in ("policygraph.ttl", "policygraph.trig"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_a_cluster_builds_the_same_bytes_and_skips_the_same_documents(
    corpus: Path, cluster: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYGRAPH_FAULT", FAULTS)  # the local workers' faults
    local = build([corpus], tmp_path / "local", views=False, jobs=1, doc_timeout=TIMEOUT)
    result = CliRunner().invoke(
        main,
        [
            "build",
            str(corpus),
            "--out",
            str(tmp_path / "dask"),
            "--no-views",
            "--executor",
            "dask",
            "--scheduler",
            cluster,
            "--doc-timeout",
            str(TIMEOUT),
        ],
    )
    assert result.exit_code == 0, result.output
    _same_outputs(tmp_path / "local", tmp_path / "dask")
    assert "extracted with 2 job(s)" in result.output
    reasons = {Path(path).name: reason for path, reason in local.skipped}
    assert set(reasons) == {SLOW, BUGGY, BINARY}
    assert reasons[SLOW] == f"stopped, over the time budget of {TIMEOUT:g} s (doc_timeout=)"
    assert reasons[BUGGY] == "extraction failed: ZeroDivisionError: a bug"
    for name, reason in reasons.items():  # the same reasons, from the cluster, as flags
        shown = reason.replace("(doc_timeout=)", "(--doc-timeout)")
        assert f"skipped {corpus / name}: {shown}" in result.output
    # --strict stops at the first bad input in name order, as a local build does
    with pytest.raises(InputError, match=SLOW):
        build(
            [corpus],
            tmp_path / "strict",
            views=False,
            strict=True,
            executor="dask",
            scheduler=cluster,
            doc_timeout=TIMEOUT,
        )


def test_without_a_scheduler_a_local_cluster_runs_for_the_build(
    corpus: Path, tmp_path: Path
) -> None:
    local = build([corpus], tmp_path / "local", views=False, jobs=1)
    result = CliRunner().invoke(
        main,
        [
            "build",
            str(corpus),
            "--out",
            str(tmp_path / "dask"),
            "--no-views",
            "--executor",
            "dask",
            "--jobs",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    _same_outputs(tmp_path / "local", tmp_path / "dask")
    assert f"skipped {corpus / BINARY}: " in result.output
    assert len(local.skipped) == 1
    # a rebuild finds every extraction in the cache and starts no cluster
    again = build([corpus], tmp_path / "dask", views=False, executor="dask")
    assert again.extracted == 0


def test_a_document_that_kills_its_dask_worker_is_skipped(corpus: Path, tmp_path: Path) -> None:
    """Without budgets a document is extracted in the Dask worker itself: one that kills it
    (the OOM killer, a crash) costs a worker, which Dask replaces; its batch is split, a
    document whose worker died runs again alone, and only the one that kills it then too
    is skipped. Dask gives up on a task after ``allowed-failures`` deaths (3; 0 here, to
    keep the test short)."""
    import dask

    # The variable stays set throughout: the nannies live in this process and start the
    # replacement workers from its environment.
    with pytest.MonkeyPatch.context() as env:
        env.setenv("POLICYGRAPH_FAULT", f"exit:{BUGGY}")
        with (
            dask.config.set({"distributed.scheduler.allowed-failures": 0}),
            distributed.LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=":0",
            ) as local,
        ):
            result = build(
                [corpus],
                tmp_path / "out",
                views=False,
                executor="dask",
                scheduler=local.scheduler_address,
                doc_timeout=0,
                doc_memory=0,
            )
    reasons = {Path(path).name: reason for path, reason in result.skipped}
    assert set(reasons) == {BUGGY, BINARY}
    assert reasons[BUGGY] == "stopped, its Dask worker died running it (out of memory?)"
    assert result.documents == len(list(corpus.glob("*.txt"))) - 2


def test_errors_name_the_arguments_and_the_cli_names_the_flags(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(InputError, match=r"^scheduler='tcp://x:1' is for executor='dask' only$"):
        build([corpus], tmp_path / "a", scheduler="tcp://x:1")
    run = CliRunner().invoke(main, ["build", str(corpus), "--scheduler", "tcp://x:1"])
    assert run.exit_code == 2
    assert "--scheduler tcp://x:1 is for --executor dask only" in run.output
    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", 1.0)
    run = CliRunner().invoke(
        main,
        [
            "build",
            str(corpus),
            "--out",
            str(tmp_path / "b"),
            "--executor",
            "dask",
            "--scheduler",
            "tcp://127.0.0.1:1",
        ],
    )
    assert run.exit_code == 1
    assert "--scheduler tcp://127.0.0.1:1: cannot reach the Dask scheduler" in run.output
    assert not (tmp_path / "b").exists()
    monkeypatch.setitem(sys.modules, "distributed", None)  # not installed
    run = CliRunner().invoke(main, ["build", str(corpus), "--executor", "dask"])
    assert run.exit_code == 2
    assert "pip install 'policygraph[dask]'" in run.output
    assert run.output.count("\n") == 1
