"""What an input folder holds besides plain files: sub-folders that cannot be listed,
symbolic links out of the folder, the same bytes under two names. Each is named in the
summary, never dropped without a word (issue 18)."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from policygraph.api import build
from policygraph.cli import main
from policygraph.errors import InputError
from policygraph.text.loader import find_sources
from test_inputs import TEXT

NOBODY = 65534


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*args, "--jobs", "1", "--no-views"])
    return result.exit_code, result.stdout, result.stderr


# --- a sub-folder that cannot be listed ----------------------------------------------------


def test_a_folder_that_cannot_be_listed_is_skipped_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In-process (tests run as root, who lists any folder): the error a listing gives
    without permission is injected; the real thing is the next test."""
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "locked" / "b.txt").write_text(TEXT, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str] | int) -> object:
        if not isinstance(path, int) and Path(path).name == "locked":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = build([folder], tmp_path / "out", views=False, jobs=1)
    assert result.documents == 1
    assert result.skipped == [
        (
            str(folder / "locked"),
            "cannot read this folder: Permission denied; the files in it are left out",
        )
    ]
    with pytest.raises(InputError, match=r"locked: cannot read this folder"):
        build([folder], tmp_path / "out2", strict=True, views=False, jobs=1)
    assert not (tmp_path / "out2").exists()


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A temporary folder another user can enter (pytest's own is root's, mode 0700)."""
    path = Path(tempfile.mkdtemp(prefix="policygraph-"))
    path.chmod(0o755)
    yield path
    for p in [path, *path.rglob("*")]:  # chmod 000 folders must be opened to be removed
        if p.is_dir() and not p.is_symlink():
            p.chmod(0o755)
    shutil.rmtree(path)


def as_another_user(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``cmd`` as ``nobody`` when we are root (root reads a chmod 000 folder anyway), else
    as ourselves."""
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("setpriv (util-linux) is missing: cannot drop root's privileges")
        cmd = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *cmd]
    env = {**os.environ, "HOME": str(cwd), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_a_real_unreadable_folder_is_named_and_strict_fails(shared_tmp: Path) -> None:
    """The probe of issue 18.5, as a user without root's read-anything capability."""
    folder = shared_tmp / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "locked" / "b.txt").write_text(TEXT, encoding="utf-8")
    (folder / "locked").chmod(0)
    work = shared_tmp / "work"
    work.mkdir()
    if os.geteuid() == 0:
        os.chown(work, NOBODY, NOBODY)
    cmd = [sys.executable, "-m", "policygraph", "-v", "build", str(folder), "--no-views", "-j1"]
    done = as_another_user([*cmd, "--out", str(work / "out")], work)
    assert done.returncode == 0, done.stderr
    assert "Built 1 document(s)" in done.stdout
    reason = "cannot read this folder: Permission denied; the files in it are left out"
    assert f"skipped {folder / 'locked'}: {reason}" in done.stdout
    strict = as_another_user([*cmd, "--out", str(work / "strict"), "--strict"], work)
    assert strict.returncode == 2
    assert strict.stderr.strip().splitlines()[-1] == (
        f"policygraph: error: {folder / 'locked'}: {reason}"
    )
    assert "Traceback" not in strict.stderr
    assert not (work / "strict").exists()


def test_an_input_folder_that_cannot_be_listed_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "in").mkdir()

    def scandir(path: str | os.PathLike[str]) -> object:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(InputError, match=r"in: cannot read this folder: Permission denied"):
        find_sources([tmp_path / "in"])


# --- symbolic links out of the input folder -------------------------------------------------


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """in/ with a document, a link to a file outside, a link to a folder outside, and
    links inside (to a file and to a folder), which stay as they were."""
    outside = tmp_path / "outside"
    (outside / "docs").mkdir(parents=True)
    (outside / "secret.txt").write_text(TEXT + "\n外部文件。\n", encoding="utf-8")
    (outside / "docs" / "x.txt").write_text(TEXT + "\n外部目录。\n", encoding="utf-8")
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    os.symlink(outside / "secret.txt", folder / "passwd.txt")
    os.symlink(outside / "docs", folder / "docs")
    os.symlink(folder / "sub", folder / "same-sub")  # inside: its files are read in sub/
    os.symlink(outside / "secret.txt", folder / "notes.md")  # not .txt: ignored anyway
    return folder


def test_links_out_of_the_folder_are_skipped_and_named(linked: Path, tmp_path: Path) -> None:
    result = build([linked], tmp_path / "out", views=False, jobs=1)
    assert result.documents == 1
    outside = tmp_path / "outside"
    assert sorted(result.skipped) == [
        (
            str(linked / "docs"),
            f"a symbolic link to the folder {outside / 'docs'}, outside the input folder; "
            "not read (--follow-links reads it)",
        ),
        (
            str(linked / "passwd.txt"),
            f"a symbolic link to the file {outside / 'secret.txt'}, outside the input folder; "
            "not read (--follow-links reads it)",
        ),
    ]
    ttl = result.turtle.read_text(encoding="utf-8")
    assert '"a.txt"' in ttl and "passwd.txt" not in ttl and "docs/x.txt" not in ttl
    code, _, stderr = invoke("build", str(linked), "--out", str(tmp_path / "o2"), "--strict")
    assert code == 2 and "docs: a symbolic link to the folder" in stderr


def test_follow_links_reads_them(linked: Path, tmp_path: Path) -> None:
    code, stdout, _ = invoke("build", str(linked), "--out", str(tmp_path / "out"), "--follow-links")
    assert code == 0
    assert "Built 3 document(s)" in stdout and "skipped" not in stdout
    ttl = (tmp_path / "out" / "policygraph.ttl").read_text(encoding="utf-8")
    assert '"passwd.txt"' in ttl and '"docs/x.txt"' in ttl  # pgo:sourceFile


def test_a_link_loop_through_an_outside_folder_ends(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "out" / "deeper").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_text(TEXT, encoding="utf-8")
    os.symlink(tmp_path / "out", tmp_path / "in" / "o")
    os.symlink(tmp_path / "out", tmp_path / "out" / "deeper" / "back")
    os.symlink(tmp_path / "in", tmp_path / "out" / "home")
    names = [s.name for s in find_sources([tmp_path / "in"], follow_links=True)]
    assert names == ["a.txt"]


# --- the same bytes under two names ----------------------------------------------------------


def test_the_same_bytes_under_two_names_are_built_once_and_named(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "b.txt").write_text(TEXT, encoding="utf-8")
    (folder / "a.txt").write_text(TEXT + "\n另一篇。\n", encoding="utf-8")
    (folder / "sub" / "copy.txt").write_text(TEXT, encoding="utf-8")
    os.symlink(folder / "b.txt", folder / "c.txt")  # a link inside is a copy too
    (folder / "e1.txt").write_bytes(b"")  # empty files are skipped as empty, not as copies
    (folder / "e2.txt").write_bytes(b"")
    result = build([folder], tmp_path / "out", views=False, jobs=1)
    assert result.documents == 2
    assert result.duplicates == [
        (str(folder / "c.txt"), str(folder / "b.txt")),
        (str(folder / "sub" / "copy.txt"), str(folder / "b.txt")),
    ]
    assert [Path(p).name for p, _ in result.skipped] == ["e1.txt", "e2.txt"]
    ttl = result.turtle.read_text(encoding="utf-8")
    assert '"b.txt"' in ttl and '"c.txt"' not in ttl and '"sub/copy.txt"' not in ttl
    # The summary says it; a copy is no bad input, so --strict builds (without the empties).
    (folder / "e1.txt").unlink()
    (folder / "e2.txt").unlink()
    code, stdout, _ = invoke("build", str(folder), "--out", str(tmp_path / "o2"), "--strict")
    assert code == 0
    assert f"left out {folder / 'c.txt'}: the same bytes as {folder / 'b.txt'}" in stdout


def test_a_fifo_in_the_folder_is_skipped_without_blocking(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(TEXT, encoding="utf-8")
    os.mkfifo(tmp_path / "in" / "pipe.txt")
    result = build([tmp_path / "in"], tmp_path / "out", views=False, jobs=1)
    assert result.skipped == [
        (str(tmp_path / "in" / "pipe.txt"), "not a regular file (a named pipe)")
    ]


# --- one-line errors ---------------------------------------------------------------------------


def test_a_file_name_that_is_not_utf8_is_skipped_and_named(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    odd = os.fsdecode(b"n\xfe.txt")  # the byte 0xfe comes back as a lone surrogate
    (folder / odd).write_text(TEXT + "\n另一篇。\n", encoding="utf-8")
    result = build([folder], tmp_path / "out", views=False, jobs=1)
    assert result.skipped == [(str(folder / odd), "the file name is not valid UTF-8; rename it")]
    code, stdout, stderr = invoke("build", str(folder), "--out", str(tmp_path / "o2"))
    assert code == 0 and "Traceback" not in stderr
    assert f"skipped {folder}/n\\xfe.txt: the file name is not valid UTF-8" in stdout


def test_an_out_folder_that_is_not_utf8_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / os.fsdecode(b"o\xff")
    code, _, stderr = invoke("build", str(tmp_path / "a.txt"), "--out", str(out))
    assert code == 2
    assert stderr.strip().endswith("not valid UTF-8; the store needs a UTF-8 path")
    assert len(stderr.strip().splitlines()) == 1


def test_a_bug_is_one_line_with_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import policygraph.api

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug\nover two lines")

    monkeypatch.setattr(policygraph.api, "build", broken)
    code, _, stderr = invoke("build", str(tmp_path))
    assert code == 1
    assert stderr == (
        "policygraph: error: internal error: RuntimeError: a bug over two lines "
        "(run with -v for the traceback)\n"
    )


def test_log_lines_name_a_non_utf8_file_as_the_cli_prints_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A lone surrogate in a log record fails in any UTF-8 stream (a log file, a terminal,
    pytest-xdist's channel): the log writes the byte as \\xfe."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / os.fsdecode(b"n\xfe.txt")).write_text(TEXT + "\n另一篇。\n", encoding="utf-8")
    with caplog.at_level("INFO", logger="policygraph"):
        build([folder], tmp_path / "out", views=False, jobs=1)
    messages = [r.getMessage() for r in caplog.records]
    assert any("n\\xfe.txt" in m for m in messages)
    for message in messages:
        message.encode("utf-8")  # no lone surrogate
