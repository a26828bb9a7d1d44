"""What a hostile review of ``build`` found (2026-12-05), each now refused or read with a
clear message: a user's own ``store/`` replaced, a document lost to another's name, an
output folder read back as input, a big file read whole, a manifest that cannot be read
ignored, an empty ``--out``."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from policygraph.cli import main
from policygraph.text.reading import read_bytes
from test_inputs import TEXT


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "--jobs", "1", "--no-views"])
    return result.exit_code, result.stdout + result.stderr


def folder(tmp_path: Path, **files: str) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    for name, text in files.items():
        (d / name.replace("__", ".")).write_text(text, encoding="utf-8")
    return d


def test_a_folder_that_is_not_ours_under_an_output_name_is_kept(tmp_path: Path) -> None:
    d = folder(tmp_path, a__txt=TEXT)
    out = tmp_path / "project"
    (out / "store").mkdir(parents=True)
    (out / "store" / "orders.db").write_text("mine")
    code, said = invoke("build", str(d), "--out", str(out))
    assert code == 2 and "store: already there and not policygraph's output" in said
    assert (out / "store" / "orders.db").read_text() == "mine"
    (out / "store" / "orders.db").unlink()
    (out / "store").rmdir()
    (out / "policygraph.ttl").write_text("my notes")
    code, said = invoke("build", str(d), "--out", str(out))
    assert code == 2 and (out / "policygraph.ttl").read_text() == "my notes"
    (out / "policygraph.ttl").unlink()
    assert invoke("build", str(d), "--out", str(out))[0] == 0
    assert invoke("build", str(d), "--out", str(out))[0] == 0  # its own links: built again


def test_names_that_are_one_document_are_refused(tmp_path: Path) -> None:
    d = folder(tmp_path, a__txt=TEXT, a__TXT="北京市行动计划")
    code, said = invoke("build", str(d), "--out", str(tmp_path / "o"))
    assert code == 2 and "a.TXT" in said and "would both be document 'a'" in said


def test_an_output_folder_inside_the_input_is_not_read_back(tmp_path: Path) -> None:
    d = folder(tmp_path, a__txt=TEXT)
    for _ in range(2):
        code, said = invoke("build", str(d), "--out", str(d / "exports"))
        assert code == 0 and "Built 1 document(s)" in said, said


def test_a_huge_file_is_not_read_whole(tmp_path: Path) -> None:
    d = folder(tmp_path, a__txt=TEXT)
    with (d / "big.txt").open("wb") as f:
        f.truncate(3 * 2**30)  # sparse: 3 GB that take no disk
    assert len(read_bytes(d / "big.txt", limit=100)) == 101
    code, said = invoke("build", str(d), "--out", str(tmp_path / "o"))
    assert code == 0 and "big.txt: 3072 MB, more than the 64 MB" in said
    assert "Built 1 document(s)" in said


def test_a_manifest_that_cannot_be_read_refuses_the_build(tmp_path: Path) -> None:
    d = folder(tmp_path, a__txt=TEXT)
    (d / "manifest.yaml").symlink_to(tmp_path / "nowhere.yaml")
    code, said = invoke("build", str(d), "--out", str(tmp_path / "o"))
    assert code == 2 and "manifest.yaml: a symbolic link to" in said
    (d / "manifest.yaml").unlink()
    os.mkfifo(d / "manifest.yaml")
    code, said = invoke("build", str(d), "--out", str(tmp_path / "o"))
    assert code == 2 and "manifest.yaml: not a readable regular file" in said
    (d / "manifest.yaml").unlink()
    (d / "manifest.yaml").write_text('documents:\n  - file: "a.txt\\u0000"\n', encoding="utf-8")
    code, said = invoke("build", str(d), "--out", str(tmp_path / "o"))
    assert code == 2 and "line 2" in said and "NUL" in said and "internal error" not in said


def test_an_empty_path_is_refused(tmp_path: Path) -> None:
    d = folder(tmp_path, a__txt=TEXT)
    code, said = invoke("build", str(d), "--out", "")
    assert code == 2 and "an empty path" in said
    code, said = invoke("build", "", "--out", str(tmp_path / "o"))
    assert code == 2 and "an empty path" in said


def test_a_file_of_invisible_characters_is_empty(tmp_path: Path) -> None:
    d = folder(tmp_path, a__txt=TEXT, zw__txt="\u200b\u200c\ufeff\u2060 \u3000\n" * 50)
    code, said = invoke("build", str(d), "--out", str(tmp_path / "o"))
    assert code == 0 and "zw.txt: only zero-width characters and white space" in said
    assert "Built 1 document(s)" in said
