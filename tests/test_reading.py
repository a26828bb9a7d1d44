"""Decoding and the input manifest."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from policygraph.errors import DecodeError, ManifestError
from policygraph.text.manifest import load_manifest
from policygraph.text.reading import decode_bytes, plausibility, read_text

TEXT = "到2027年，新一代智能终端、智能体等应用普及率超70%。"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk"), "gb18030"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
    ],
)
def test_decodes_the_same_text_from_every_encoding(data: bytes, encoding: str) -> None:
    decoded = decode_bytes(data)
    assert decoded.text == TEXT
    assert decoded.encoding == encoding


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"abc\x00def", "NUL"),
        (b"abc\x80\xffdef", r"not UTF-8 \(bad byte at offset 3\), GB18030 or Big5"),
        (b"abc\xe3\x80", "ends in the middle of a UTF-8 character"),
        (b"x" * 200 + b"\x1b\x07\x01\x02\x03", "5 control characters"),
        ("日本語のテキスト".encode("shift_jis"), "not Chinese text"),
    ],
)
def test_undecodable_bytes_are_refused_with_the_file_named(data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError, match=rf"^doc\.txt: .*{reason}"):
        decode_bytes(data, name="doc.txt")


def test_big5_is_read_as_big5_not_as_gb18030_mojibake() -> None:
    traditional = "國務院關於促進數字經濟發展的指導意見。到2027年，應用普及率超過70%。"
    decoded = decode_bytes(traditional.encode("cp950"))
    assert (decoded.text, decoded.encoding) == (traditional, "cp950")
    # The same bytes are valid GB18030, which is why plausibility has to decide.
    mojibake = traditional.encode("cp950").decode("gb18030")
    assert plausibility(mojibake) < 0.8 <= plausibility(traditional)


def test_a_stray_control_character_is_kept() -> None:
    # One ESC in a page of text is a copy-paste accident, not a binary file.
    assert decode_bytes(TEXT.encode("utf-8") + b"\x1b").text == TEXT + "\x1b"


def test_unreadable_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(DecodeError, match=r"missing\.txt: cannot read"):
        read_text(tmp_path / "missing.txt")


def test_manifest_entries(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "manifest.yaml").write_text(
        "documents:\n  - file: a.txt\n    title: 标题\n    date: 2025-03-05\n"
        "    issuer: 国务院\n    kind: policy\n",
        encoding="utf-8",
    )
    entry = load_manifest(tmp_path)["a.txt"]
    assert (entry.title, entry.date, entry.issuer, entry.kind) == (
        "标题",
        "2025-03-05",
        "国务院",
        "policy",
    )


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("documents:\n  - file: a.txt\n   title: x\n", r"manifest.yaml: line 3"),
        (
            "documents:\n  - file: a.txt\n  - file: a.txt\n    kind: novel\n",
            r"line 4: document 2 \(a.txt\), kind: 'novel'",
        ),
        ("documents:\n  - file: a.txt\n    date: March\n", "date: 'March' is not YYYY"),
        ("documents:\n  - file: a.txt\n    date: 2025-13-45\n", "month must be in 1..12"),
        ("documents:\n  - file: a.txt\n    colour: red\n", "line 3: .*colour: unknown key"),
        ("- just a list\n", "expected a mapping with a 'documents' list"),
    ],
)
def test_bad_manifests_say_what_and_where(tmp_path: Path, manifest: str, message: str) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "manifest.yaml").write_text(manifest, encoding="utf-8")
    with pytest.raises(ManifestError, match=message):
        load_manifest(tmp_path)


def test_two_files_with_the_same_name_are_an_error(tmp_path: Path) -> None:
    from policygraph.errors import InputError
    from policygraph.text.loader import find_sources

    for folder in ("A", "B"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match=r"would both be document 'report\.txt'"):
        find_sources([tmp_path / "A", tmp_path / "B"])
    # The same file named twice is one document.
    assert len(find_sources([tmp_path / "A", tmp_path / "A" / "report.txt"])) == 1
