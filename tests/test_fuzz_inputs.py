"""Fuzzing what a user hands to ``build`` (issue 18.9): manifest YAML, raw bytes to decode.
Each input gives a result or one error of the tool's own kind in one line, never another
exception, and through the CLI never a traceback: exit 0, or 2 with one line.

``POLICYGRAPH_HYPOTHESIS=explore`` runs many more examples, with fresh randomness."""

from __future__ import annotations

import codecs
import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policygraph.cli import main
from policygraph.errors import DecodeError, InputError, ManifestError
from policygraph.text.loader import Source, load_document
from policygraph.text.manifest import FIELDS, load_manifest
from policygraph.text.reading import decode_bytes

EXPLORE = os.environ.get("POLICYGRAPH_HYPOTHESIS") == "explore"


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples * 20 if EXPLORE else examples,
        deadline=None,  # a shared CI machine is slow now and then; hangs show as timeouts
        derandomize=not EXPLORE,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


TEXT = "国务院关于推进数字经济发展的意见\n到2027年，数字经济核心产业增加值占比达到12%。\n"

# --- manifest YAML ---------------------------------------------------------------------------

# Values that are, or nearly are, what a manifest field takes, and YAML a manifest must not use.
_VALUES = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
    st.sampled_from(
        [
            "2025-03-05",
            "2025-13-45",
            "2025-02-30",
            "'2025-02'",
            "2025",
            "2025-03-05 10:00:00",
            "https://www.gov.cn/x.htm",
            "www.gov.cn/x.htm",
            "'https://a b'",
            "http://",
            "policy",
            "law",
            "~",
            "null",
            "true",
            "1.5e3",
            "&a x",
            "*a",
            "!x y",
            "!!python/object:os.system {}",
            "!!binary aGk=",
            "!!bool maybe",
            "!!timestamp x",
            "[a, [b, {c: d}]]",
            "{file: a.txt}",
            "'unclosed",
            '"\\x00"',
            "|\n      multi\n      line",
            "[" * 50 + "]" * 50,
            "../../etc/passwd",
            "/etc/passwd",
        ]
    ),
)
_KEYS = st.one_of(st.sampled_from([*FIELDS, "<<", "? x", "colour"]), st.text(max_size=8))
_ENTRY = st.lists(st.tuples(_KEYS, _VALUES), max_size=6).map(
    lambda pairs: "  - " + "\n    ".join(f"{k}: {v}" for k, v in pairs) if pairs else "  -"
)
_MANIFEST = st.one_of(
    st.lists(_ENTRY, max_size=4).map(lambda entries: "documents:\n" + "\n".join(entries) + "\n"),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=200),
    st.sampled_from(["", "documents:", "documents: []", "- a", "---\n---\n", "documents: &d []"]),
)


def check_manifest(folder: Path, data: bytes) -> dict[str, object] | None:
    (folder / "manifest.yaml").write_bytes(data)
    try:
        return dict(load_manifest(folder))
    except ManifestError as e:
        message = str(e)
        assert "\n" not in message and "\r" not in message, message
        assert message.startswith(f"{folder / 'manifest.yaml'}: "), message
        return None


@fuzz(300)
@given(text=_MANIFEST)
def test_any_manifest_text_is_read_or_refused_in_one_line(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        check_manifest(Path(folder), text.encode("utf-8"))


@fuzz(150)
@given(data=st.binary(max_size=300))
def test_any_manifest_bytes_are_read_or_refused_in_one_line(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        check_manifest(Path(folder), data)


@fuzz(60)
@given(depth=st.integers(1, 20_000), flow=st.booleans())
def test_any_nesting_is_refused_without_recursion(depth: int, flow: bool) -> None:
    deep = "[" * depth + "]" * depth if flow else "\n      " + "- " * depth + "x"
    with tempfile.TemporaryDirectory() as folder:
        text = f"documents:\n  - file: a.txt\n    title: {deep}\n"
        assert check_manifest(Path(folder), text.encode("utf-8")) is None


# --- raw bytes to decode ---------------------------------------------------------------------

_ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "gb18030", "gbk", "big5", "shift_jis"]


@st.composite
def _mangled(draw: st.DrawFn) -> bytes:
    """Chinese text in some encoding, then cut, spliced or salted with random bytes."""
    text = draw(st.text(st.sampled_from(TEXT + "\r\x00\x1b\u3000\ufeff「」"), max_size=200))
    data = text.encode(draw(st.sampled_from(_ENCODINGS)), errors="ignore")
    if data and draw(st.booleans()):
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=8)) + data[cut:]
    if draw(st.booleans()):
        data = draw(st.sampled_from([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b""])) + data
    return data


def check_decoding(data: bytes) -> None:
    try:
        decoded = decode_bytes(data, name="x.txt")
    except DecodeError as e:
        assert "\n" not in str(e) and str(e).startswith("x.txt: "), str(e)
        return
    assert isinstance(decoded.text, str)


@fuzz(400)
@given(data=st.one_of(st.binary(max_size=500), _mangled()))
def test_any_bytes_decode_or_are_refused_in_one_line(data: bytes) -> None:
    check_decoding(data)


@fuzz(60)
@given(data=_mangled())
def test_any_bytes_load_as_a_document_or_are_refused_in_one_line(data: bytes) -> None:
    """Decoding, then the layout analysis a build runs on whatever decoded."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.txt"
        path.write_bytes(data)
        try:
            doc = load_document(Source(path, "x.txt", None))
        except InputError as e:
            assert "\n" not in str(e), str(e)
            return
        assert doc.text and doc.id == "x"


# --- through the CLI -------------------------------------------------------------------------


@fuzz(12)
@given(text=_MANIFEST, data=st.one_of(st.just(TEXT.encode("utf-8")), _mangled()))
def test_the_build_command_gives_a_result_or_one_line(
    tmp_path_factory: pytest.TempPathFactory, text: str, data: bytes
) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    folder = root / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(data)
    (folder / "manifest.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["build", str(folder), "--out", str(root / "out"), "--no-views", "-j", "1"]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr)
    if result.exit_code:
        errors = [line for line in result.stderr.splitlines() if "error:" in line]
        assert len(errors) == 1 and errors[0].startswith("policygraph: error: "), result.stderr
        assert not (root / "out").exists()
    assert "Traceback" not in result.stderr
