"""Bad and unusual input through the real build (API and CLI): every encoding gives the same
entities, what cannot be decoded is skipped with a reason, ``--strict`` writes nothing.

Every input is generated in ``tmp_path`` from the seeds, so nothing large is committed.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import logging
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from conftest import SEEDS
from policygraph.api import build
from policygraph.cli import main
from policygraph.errors import DecodeError, InputError, ManifestError
from policygraph.pipeline.build import BuildResult
from policygraph.text.layout import analyse
from policygraph.text.loader import MAX_DOCUMENT_BYTES, find_sources, read_source
from policygraph.text.reading import read_text

SEED = SEEDS / "000_c4ec37985887901a.txt"
# The opening of a seed article, whole lines only: a title, a byline, a quote, a policy,
# an event, years: enough for every extractor to fire, small enough for a 1 s build.
TEXT = "".join(SEED.read_text(encoding="utf-8").splitlines(keepends=True)[:12])
# Traditional Chinese has no GB2312 form; Big5 is how Taiwan and Hong Kong files come.
TRADITIONAL = (
    "國務院關於促進數字經濟發展的指導意見\n"
    "到2027年，新一代智慧終端、智慧體等應用普及率超過70%，"
    "數字經濟核心產業增加值佔國內生產總值比重達到12%。\n"
    "各級政府要加強組織領導，確保各項任務落實到位。\n"
)

MENTIONS = """
PREFIX pgo: <https://w3id.org/policygraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?g ?cls ?label ?surface ?start ?end ?rule WHERE { GRAPH ?g {
    ?e pgo:hasMention ?m ; a ?cls .
    OPTIONAL { ?e rdfs:label ?label }
    ?m pgo:surface ?surface ; pgo:start ?start ; pgo:end ?end ; pgo:rule ?rule .
} }"""

Row = tuple[str, str, str, int, int, str]  # class, label, surface, start, end, rule


def mentions_by_document(result: BuildResult) -> dict[str, set[Row]]:
    """What the build extracted, per document graph (keyed by the graph's last segment)."""
    store = ox.Store.read_only(str(result.store))
    found: dict[str, set[Row]] = {}
    for row in store.query(MENTIONS):  # type: ignore[union-attr]
        doc = str(row["g"].value).rsplit("/", 1)[-1]
        if row["cls"].value.endswith("#Document"):
            # The variants share a title that names a policy, so they are one Policy, typed
            # a Document in one graph only (the first by name): not a decoding difference.
            continue
        label = row["label"].value if row["label"] is not None else ""
        found.setdefault(doc, set()).add(
            (
                row["cls"].value.rsplit("#", 1)[-1],
                label,
                row["surface"].value,
                int(row["start"].value),
                int(row["end"].value),
                row["rule"].value,
            )
        )
    return found


def invoke(*args: str) -> tuple[int, str]:
    # One job: a worker pool costs more to start than these small builds take.
    result = CliRunner().invoke(main, [*args, "--jobs", "1"], catch_exceptions=False)
    return result.exit_code, result.stdout + result.stderr


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its sha256: 'untouched' means this is unchanged."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# --- every encoding and line end gives the same entities --------------------------------

VARIANTS = {
    "utf8": TEXT.encode("utf-8"),
    "utf8_bom": codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    "gb18030": TEXT.encode("gb18030"),
    # This text is the same bytes in GBK and GB18030, and the same bytes twice are one
    # document (the second left out): one more line end tells the files apart.
    "gbk": TEXT.encode("gbk") + b"\n",
    "utf16le_bom": codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    "utf16be_bom": codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
}
LINE_ENDS = {
    "crlf": TEXT.replace("\n", "\r\n").encode("utf-8"),
    "cr": TEXT.replace("\n", "\r").encode("utf-8"),
    "gbk_crlf": TEXT.replace("\n", "\r\n").encode("gbk"),
}


@pytest.fixture(scope="module")
def encodings_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("encodings")
    for name, data in {**VARIANTS, **LINE_ENDS}.items():
        (folder / f"{name}.txt").write_bytes(data)
    (folder / "big5.txt").write_bytes(TRADITIONAL.encode("cp950"))
    return folder


@pytest.fixture(scope="module")
def encodings_build(
    encodings_folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> BuildResult:
    return build([encodings_folder], tmp_path_factory.mktemp("out"), views=False, jobs=1)


def test_the_cli_builds_every_encoding(encodings_folder: Path, tmp_path: Path) -> None:
    code, output = invoke("build", str(encodings_folder), "--out", str(tmp_path), "--no-views")
    assert code == 0, output
    assert f"Built {len(VARIANTS) + len(LINE_ENDS) + 1} document(s)" in output
    assert "skipped" not in output


def test_every_encoding_builds_without_a_skip(encodings_build: BuildResult) -> None:
    assert encodings_build.skipped == []
    assert encodings_build.documents == len(VARIANTS) + len(LINE_ENDS) + 1  # and Big5


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_each_encoding_gives_the_utf8_entities_at_the_same_offsets(
    encodings_build: BuildResult, variant: str
) -> None:
    found = mentions_by_document(encodings_build)
    assert len(found["utf8"]) >= 20  # the excerpt is worth testing
    assert found[variant] == found["utf8"]


@pytest.mark.parametrize("variant", sorted(LINE_ENDS))
def test_crlf_and_cr_keep_entities_and_offsets_point_into_the_decoded_text(
    encodings_build: BuildResult, variant: str
) -> None:
    found = mentions_by_document(encodings_build)

    def without_offsets(rows: set[Row]) -> set[tuple[str, str, str, str]]:
        return {(cls, label, surface, rule) for cls, label, surface, _, _, rule in rows}

    assert without_offsets(found[variant]) == without_offsets(found["utf8"])
    # Offsets count code points of the file as decoded, with no newline translation:
    # each CRLF is two code points, so offsets after the first line end are larger.
    raw = LINE_ENDS[variant]
    text = raw.decode("gbk" if variant.startswith("gbk") else "utf-8")
    for _, _, surface, start, end, _ in found[variant]:
        assert text[start:end] == surface
    if variant != "cr":
        assert max(e for *_, e, _ in found[variant]) > max(e for *_, e, _ in found["utf8"])


def test_big5_is_read_as_big5_and_gives_the_utf8_entities(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "utf8.txt").write_text(TRADITIONAL, encoding="utf-8")
    (folder / "big5.txt").write_bytes(TRADITIONAL.encode("cp950"))
    result = build([folder], tmp_path / "out", views=False, jobs=1)
    assert result.skipped == []
    found = mentions_by_document(result)
    assert found["big5"] == found["utf8"]
    assert any(row[2] == "2027年" for row in found["big5"])  # real text, not mojibake
    assert read_text(folder / "big5.txt").encoding == "cp950"


# --- what cannot be decoded is skipped, with the file and the reason ----------------------


def make_bad_folder(folder: Path) -> dict[str, str]:
    """A folder of one good file and every kind of file that cannot be decoded; returns the
    expected reason (a regular expression) for each bad ``.txt``."""
    folder.mkdir()
    (folder / "good.txt").write_text(TEXT, encoding="utf-8")
    rng = random.Random(6)
    # Random bytes without NUL: neither UTF-8, nor GB18030, nor Big5.
    (folder / "binary.txt").write_bytes(bytes(rng.randrange(1, 256) for _ in range(4096)))
    # A real PNG header, as when an image is saved under a wrong name.
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text(" \n\t\r\n\u3000\n", encoding="utf-8")
    (folder / "nul.txt").write_bytes(TEXT.encode("utf-8") + b"\x00" + TEXT.encode("utf-8"))
    (folder / "utf16_no_bom.txt").write_bytes("Report 2025 报告\n".encode("utf-16-le") * 8)
    (folder / "cut.txt").write_bytes(TEXT.rstrip().encode("utf-8")[:-1])  # ends inside 。
    (folder / "shift_jis.txt").write_bytes("日本語の報告書です。東京都は晴れ。".encode("shift_jis"))
    (folder / "controls.txt").write_bytes(b"text \x1b\x07\x08\x01\x02 more\x03\x04\x05\x06")
    # Not .txt: ignored (logged with -v), never read.
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(32))
    (folder / "notes.md").write_text("# notes", encoding="utf-8")
    return {
        "binary.txt": r"not UTF-8 \(bad byte at offset \d+\), GB18030 or Big5",
        "image.txt": r"contains NUL bytes \(first at byte 8\); a binary file",
        "empty.txt": r"^empty; nothing to extract",
        "blank.txt": r"^only white space; nothing to extract",
        "nul.txt": r"contains NUL bytes",
        "utf16_no_bom.txt": r"UTF-16 without a byte-order mark",
        "cut.txt": r"ends in the middle of a UTF-8 character",
        "shift_jis.txt": r"read as gb18030 it is not Chinese text",
        "controls.txt": r"control characters .*a binary file",
    }


def make_unreadable_entries(folder: Path) -> dict[str, str]:
    """Symbolic links that lead nowhere, beside a good file; expected reasons as above."""
    folder.mkdir()
    (folder / "good.txt").write_text(TEXT, encoding="utf-8")
    os.symlink(folder / "loop_b.txt", folder / "loop_a.txt")
    os.symlink(folder / "loop_a.txt", folder / "loop_b.txt")
    os.symlink(folder / "gone.txt", folder / "dangling.txt")
    return {
        "loop_a.txt": r"cannot read: a symbolic link that leads back to itself",
        "loop_b.txt": r"cannot read: a symbolic link that leads back to itself",
        "dangling.txt": r"cannot read: a symbolic link to .*gone\.txt, which does not exist",
    }


def test_bad_files_are_skipped_with_a_reason_and_the_rest_is_built(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    reasons = make_bad_folder(tmp_path / "in")
    with caplog.at_level(logging.INFO):
        result = build([tmp_path / "in"], tmp_path / "out", views=False, jobs=1)
    assert result.documents == 1
    skipped = {Path(path).name: reason for path, reason in result.skipped}
    assert sorted(skipped) == sorted(reasons)
    for name, pattern in reasons.items():
        assert re.search(pattern, skipped[name]), (name, skipped[name])
    # A warning names each skipped file; the ignored non-.txt files are counted, not read.
    warned = "\n".join(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    for name in reasons:
        assert f"in/{name}" in warned
    assert "ignored 2 file(s) that are not .txt" in caplog.text
    assert set(mentions_by_document(result)) == {"good"}


def test_unreadable_entries_are_skipped_with_a_reason(tmp_path: Path) -> None:
    reasons = make_unreadable_entries(tmp_path / "in")
    result = build([tmp_path / "in"], tmp_path / "out", views=False, jobs=1)
    assert result.documents == 1
    skipped = {Path(path).name: reason for path, reason in result.skipped}
    assert sorted(skipped) == sorted(reasons)
    for name, pattern in reasons.items():
        assert re.search(pattern, skipped[name]), (name, skipped[name])


def test_unreadable_entries_are_found_and_refused_with_a_reason(tmp_path: Path) -> None:
    """The loader's half of the test above, with a FIFO too (which a build must never open:
    reading one blocks): every entry is a source, and reading it says why it cannot be read."""
    reasons = make_unreadable_entries(tmp_path / "in")
    os.mkfifo(tmp_path / "in" / "fifo.txt")
    reasons["fifo.txt"] = r"not a regular file \(a named pipe\)"
    sources = {s.name: s for s in find_sources([tmp_path / "in"])}
    assert sorted(sources) == sorted([*reasons, "good.txt"])
    for name, pattern in reasons.items():
        with pytest.raises(InputError, match=pattern):
            read_source(sources[name])


def test_the_cli_lists_skipped_files_in_its_summary(tmp_path: Path) -> None:
    reasons = make_bad_folder(tmp_path / "in")
    code, output = invoke(
        "build", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--no-views"
    )
    assert code == 0, output
    assert "Built 1 document(s)" in output
    for name in reasons:
        assert re.search(rf"skipped \S*in/{re.escape(name)}: ", output), name


def test_strict_stops_at_the_first_bad_file_with_status_2_and_writes_nothing(
    tmp_path: Path,
) -> None:
    good = tmp_path / "good"
    good.mkdir()
    (good / "a.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    assert invoke("build", str(good), "--out", str(out), "--no-views")[0] == 0
    before, entries = snapshot(out), sorted(p.name for p in out.iterdir())
    make_bad_folder(tmp_path / "in")
    code, output = invoke("build", str(tmp_path / "in"), "--out", str(out), "--strict")
    assert code == 2
    # Files are read in name order: binary.txt is the first bad one.
    assert re.search(r"error: \S*in/binary\.txt: not UTF-8", output), output
    assert snapshot(out) == before
    assert sorted(p.name for p in out.iterdir()) == entries  # no staging folder left over
    # A fresh output folder is not even created.
    code, _ = invoke("build", str(tmp_path / "in"), "--out", str(tmp_path / "new"), "--strict")
    assert code == 2 and not (tmp_path / "new").exists()


def test_strict_leaves_the_outputs_alone_when_the_bad_file_comes_last(tmp_path: Path) -> None:
    """A changed good file is extracted before the bad one stops the build: the outputs
    stay as they were. Its extraction does stay in the build's cache (a hidden folder the
    next build reuses), which this test allows."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    assert invoke("build", str(folder), "--out", str(out), "--no-views")[0] == 0

    def outputs() -> dict[str, str]:
        return {k: v for k, v in snapshot(out).items() if not k.startswith(".policygraph/cache/")}

    before = outputs()
    (folder / "a.txt").write_text(TEXT + "\n到2030年，普及率超过90%。\n", encoding="utf-8")
    (folder / "z.txt").write_bytes(b"\x00\x01")
    code, output = invoke("build", str(folder), "--out", str(out), "--no-views", "--strict")
    assert code == 2 and "z.txt: contains NUL bytes" in output
    assert outputs() == before


def test_a_real_process_warns_on_stderr_and_exits_2_when_strict(tmp_path: Path) -> None:
    """Through ``python -m policygraph`` itself: the warning a user sees, and exit 2."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "b.txt").write_bytes(b"")
    cmd = [sys.executable, "-m", "policygraph", "build", str(folder), "--no-views", "-j", "1"]
    done = subprocess.run(
        [*cmd, "--out", str(tmp_path / "out")], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert f"policygraph: WARNING: skipped {folder / 'b.txt'}: empty" in done.stderr
    assert f"skipped {folder / 'b.txt'}: empty; nothing to extract" in done.stdout
    strict = subprocess.run(
        [*cmd, "--out", str(tmp_path / "out2"), "--strict"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert strict.returncode == 2
    assert (
        strict.stderr.strip()
        == f"policygraph: error: {folder / 'b.txt'}: empty; nothing to extract"
    )
    assert not (tmp_path / "out2").exists()


def test_no_readable_file_at_all_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(InputError, match="no document could be read"):
        build([tmp_path], tmp_path / "out", views=False, jobs=1)


# --- unreadable files ---------------------------------------------------------------------


def test_an_unreadable_file_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root in CI, where chmod 000 does not stop a read; so the OSError that a
    permission problem raises is injected into the read of one file."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "locked.txt").write_text(TEXT, encoding="utf-8")
    real_open = Path.open

    def open_(self: Path, *args: Any, **kwargs: Any) -> Any:  # sources are read by open
        if self.name == "locked.txt":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    result = build([folder], tmp_path / "out", views=False, jobs=1)
    assert result.documents == 1
    assert result.skipped == [(str(folder / "locked.txt"), "cannot read: Permission denied")]
    code, output = invoke("build", str(folder), "--out", str(tmp_path / "o2"), "--strict")
    assert code == 2 and "locked.txt: cannot read: Permission denied" in output


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file anyway")
def test_a_chmod_000_file_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    locked = tmp_path / "locked.txt"
    locked.write_text(TEXT, encoding="utf-8")
    locked.chmod(0)
    try:
        result = build([tmp_path], tmp_path / "out", views=False, jobs=1)
    finally:
        locked.chmod(0o644)
    assert result.skipped == [(str(locked), "cannot read: Permission denied")]


def test_a_folder_named_txt_is_walked_not_read(tmp_path: Path) -> None:
    (tmp_path / "x.txt").mkdir()
    (tmp_path / "x.txt" / "inner.txt").write_text(TEXT, encoding="utf-8")
    assert [s.name for s in find_sources([tmp_path])] == ["x.txt/inner.txt"]


def test_a_symlinked_folder_loop_does_not_hang(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    os.symlink(tmp_path, tmp_path / "sub" / "up")
    started = time.perf_counter()
    assert [s.name for s in find_sources([tmp_path])] == ["a.txt"]
    assert time.perf_counter() - started < 5


# --- the manifest -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("manifest", "where"),
    [
        ("documents:\n  - file: a.txt\n   title: x\n", r"line 3, column 4"),
        ("documents:\n  - file: a.txt\n\ttitle: x\n", r"line 3, column 1: found character '\\t'"),
        (
            'documents:\n  - file: a.txt\n    title: "x\n',
            r"line 4, column 1: found unexpected end of stream \(while scanning a quoted "
            r"scalar, line 3\)",
        ),
        (
            "documents:\n  - file: a.txt\n    date: 2025-13-45\n",
            r"line 3: document 1 \(a.txt\), date: '2025-13-45' is not a valid date \(month must",
        ),
        (
            "documents:\n  - file: a.txt\n  - file: a.txt\n",
            r"line 3: document 2 \(a.txt\), file: already described on line 2",
        ),
    ],
)
def test_a_malformed_manifest_stops_the_build_naming_file_and_line(
    tmp_path: Path, manifest: str, where: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "manifest.yaml").write_text(manifest, encoding="utf-8")
    code, output = invoke("build", str(folder), "--out", str(tmp_path / "out"), "--no-views")
    assert code == 2
    assert re.search(rf"error: \S*in/manifest\.yaml: {where}", output), output
    assert not (tmp_path / "out").exists()


def test_a_manifest_in_gbk_is_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "manifest.yaml").write_bytes(
        "documents:\n  - file: a.txt\n    title: 人工智能\n    kind: article\n".encode("gbk")
    )
    (source,) = find_sources([tmp_path])
    assert source.entry is not None and source.entry.title == "人工智能"


def test_a_manifest_naming_a_missing_file_skips_it_or_stops_when_strict(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "manifest.yaml").write_text(
        "documents:\n  - file: a.txt\n    kind: article\n  - file: sub/gone.txt\n",
        encoding="utf-8",
    )
    result = build([folder], tmp_path / "out", views=False, jobs=1)
    assert result.documents == 1
    assert result.skipped == [
        (
            str(folder / "sub/gone.txt"),
            "named on line 4 of manifest.yaml, but there is no such file",
        )
    ]
    with pytest.raises(InputError, match=r"gone\.txt: named on line 4 of manifest\.yaml"):
        build([folder], tmp_path / "out2", strict=True, views=False, jobs=1)
    code, _ = invoke("build", str(folder), "--out", str(tmp_path / "out3"), "--strict")
    assert code == 2 and not (tmp_path / "out3").exists()


def test_a_missing_file_the_manifest_names_is_a_source_that_says_so(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "manifest.yaml").write_text("documents:\n  - file: gone.txt\n", encoding="utf-8")
    sources = {s.name: s for s in find_sources([tmp_path])}
    assert sorted(sources) == ["a.txt", "gone.txt"]
    with pytest.raises(ManifestError, match=r"gone\.txt: named on line 2 of manifest\.yaml"):
        read_source(sources["gone.txt"])


# --- a 50 MB file -------------------------------------------------------------------------

BIG = 50 * 1024 * 1024


def big_text(size: int) -> str:
    """``size`` bytes of real sentences from the seeds, shuffled into paragraphs of eight
    (deterministic), so that the layout and extractors see prose, not one repeated line."""
    sentences = [
        s
        for p in sorted(SEEDS.glob("*.txt"))
        for s in re.findall(r"[^。！？\n]+[。！？]", p.read_text(encoding="utf-8"))
    ]
    rng = random.Random(0)
    parts: list[str] = []
    total = 0
    while total < size:
        paragraph = "".join(rng.choice(sentences) for _ in range(8)) + "\n"
        parts.append(paragraph)
        total += len(paragraph.encode("utf-8"))
    return "".join(parts)


@pytest.fixture(scope="module")
def big() -> str:
    return big_text(BIG)


def test_a_50_mb_file_is_decoded_quickly(big: str, tmp_path: Path) -> None:
    """The reading path of a 50 MB file, as UTF-8 and as GB18030 (which also tries Big5 and
    scores both): seconds, not minutes. Layout is linear; it runs here on 5 MB."""
    for encoding in ("utf-8", "gb18030"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(big.encode(encoding))
        started = time.perf_counter()
        decoded = read_text(path)
        assert time.perf_counter() - started < 30
        assert decoded.encoding == encoding and decoded.text == big
        path.unlink()
    part = big[: big.index("\n", len(big) // 10) + 1]  # whole paragraphs
    started = time.perf_counter()
    assert len(analyse(part).blocks) == part.count("\n")
    assert time.perf_counter() - started < 30


def test_a_file_above_the_size_limit_is_skipped_and_the_rest_is_built(tmp_path: Path) -> None:
    """A file above MAX_DOCUMENT_BYTES (where memory, not time, would run out) is refused at
    once, before it is decoded, with the reason."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    size = MAX_DOCUMENT_BYTES + 2**20
    (folder / "big.txt").write_bytes(TEXT.encode("utf-8") * (size // len(TEXT.encode("utf-8"))))
    started = time.perf_counter()
    result = build([folder], tmp_path / "out", views=False, jobs=1)
    assert time.perf_counter() - started < 60
    assert result.documents == 1
    limit = MAX_DOCUMENT_BYTES // 2**20
    assert result.skipped == [
        (
            str(folder / "big.txt"),
            f"{limit + 1} MB, more than the {limit} MB one document may have; "
            "split it into its documents",
        )
    ]


def test_a_50_mb_file_is_under_the_size_limit() -> None:
    assert BIG <= MAX_DOCUMENT_BYTES


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("POLICYGRAPH_SLOW"),
    reason="a 50 MB document takes minutes and GBs; run with POLICYGRAPH_SLOW=1 pytest -m slow",
)
def test_a_50_mb_file_builds(big: str, tmp_path: Path) -> None:
    """Extraction is linear in a document's size: the 50 MB file builds in about 3 minutes
    (7.7 GB peak), not the hours the quadratic extractors would have taken. It is over the
    default budget of one document, which is lifted here."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "big.txt").write_text(big, encoding="utf-8")
    result = build(
        [tmp_path / "in"], tmp_path / "out", views=False, jobs=1, doc_timeout=None, doc_memory=None
    )
    assert result.documents == 1 and result.skipped == []
    assert result.entities["Mention"] > 400_000


# --- the decoder alone ----------------------------------------------------------------------


def test_reading_never_blocks_on_a_fifo(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(DecodeError, match="not a regular file"):
        read_text(tmp_path / "pipe.txt")
