"""The manifest is checked before anything is extracted: YAML without aliases, anchors,
custom tags or deep nesting, then every entry against the field table, each bad entry
named in one line (file, line, entry, field)."""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from policygraph.cli import main
from policygraph.errors import ManifestError
from policygraph.text.manifest import MAX_DEPTH, load_manifest


def manifest(tmp_path: Path, text: str) -> Path:
    (tmp_path / "manifest.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def refused(tmp_path: Path, text: str) -> str:
    with pytest.raises(ManifestError) as info:
        load_manifest(manifest(tmp_path, text))
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{tmp_path / 'manifest.yaml'}: ")
    return message.removeprefix(f"{tmp_path / 'manifest.yaml'}: ")


GOOD = """\
documents:
  - file: a.txt
    title: 2025年国务院政府工作报告
    date: 2025-03-05
    issuer: 国务院
    kind: policy
    source: https://www.gov.cn/x.htm
  - file: sub/b.txt
    date: 2024-06
    title: !!str 2024
  - file: c.txt
    date: 2023
"""


def test_a_good_manifest_is_read(tmp_path: Path) -> None:
    entries = load_manifest(manifest(tmp_path, GOOD))
    assert sorted(entries) == ["a.txt", "c.txt", "sub/b.txt"]
    a = entries["a.txt"]
    assert (a.date, a.kind, a.source, a.line) == ("2025-03-05", "policy", a.source, 2)
    assert entries["sub/b.txt"].date == "2024-06" and entries["sub/b.txt"].title == "2024"
    assert entries["c.txt"].date == "2023"


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("source", "www.gov.cn/x.htm", r"source: 'www.gov.cn/x.htm' is not an absolute URL"),
        ("source", "https://", r"source: 'https://' is not an absolute URL \(no host\)"),
        ("source", "'https://a b'", r"source: 'https://a b' is not a valid IRI"),
        ("source", "[a, b]", r"source: expected a URL, not a list"),
        ("date", "2025-02-30", r"date: '2025-02-30' is not a valid date \(day is out of range"),
        ("date", "'2025-13'", r"date: '2025-13' is not a date \(month must be in 1..12\)"),
        ("date", "'25-1-1'", r"date: '25-1-1' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ("date", "2025-03-05 10:00:00", r"date: '2025-03-05T10:00:00' has a time"),
        ("kind", "law", r"kind: 'law' is not one of policy, report"),
        ("title", "{a: b}", r"title: expected text, not a mapping"),
        ("title", "true", r"title: expected text, not true/false"),
        ("title", "x" * 1001, r"title: 1001 characters, more than the 1000 allowed"),
        ("issuer", "!!bool maybe", r"issuer: 'maybe' is not a valid bool"),
        ("colour", "red", r"colour: unknown key \(known: file, title, date"),
    ],
)
def test_a_bad_field_names_file_line_entry_and_field(
    tmp_path: Path, field: str, value: str, problem: str
) -> None:
    text = f"documents:\n  - file: ok.txt\n  - file: foo.txt\n    {field}: {value}\n"
    message = refused(tmp_path, text)
    assert re.fullmatch(rf"line 4: document 2 \(foo\.txt\), {problem}.*", message), message


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("- just a string", r"line 2: document 1, expected a mapping with a 'file' key"),
        ("- title: x", r"line 2: document 1, file: missing"),
        ("- file: /etc/passwd", r"line 2: document 1 \(/etc/passwd\), file: '/etc/passwd' is not"),
        ("- file: ../x.txt", r"line 2: document 1 \(../x.txt\), file: '../x.txt' is not a path"),
        ("- file: 2025", r"line 2: document 1 \(2025\), file: expected a file name, not int"),
        ("- {file: a.txt, file: b.txt}", r"line 2: document 1 \(a.txt\), file: given twice"),
    ],
)
def test_a_bad_entry_is_named(tmp_path: Path, entry: str, problem: str) -> None:
    message = refused(tmp_path, f"documents:\n  {entry}\n")
    assert re.fullmatch(problem + ".*", message), message


def test_every_bad_entry_is_named_the_first_in_the_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    text = (
        "documents:\n  - file: a.txt\n    source: a.htm\n"
        "  - file: b.txt\n  - file: c.txt\n    kind: law\n  - file: d.txt\n    date: x\n"
    )
    with caplog.at_level(logging.ERROR):
        message = refused(tmp_path, text)
    assert message == (
        "line 3: document 1 (a.txt), source: 'a.htm' is not an absolute URL "
        "(no scheme such as https://) (and 2 more, listed above)"
    )
    logged = [r.getMessage() for r in caplog.records]
    assert [m.split(": ", 1)[1] for m in logged] == [
        "line 6: document 3 (c.txt), kind: 'law' is not one of policy, report, article, "
        "newspaper, speech",
        "line 8: document 4 (d.txt), date: 'x' is not YYYY, YYYY-MM or YYYY-MM-DD",
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "documents:\n  - file: a.txt\n    title: &t x\n  - file: b.txt\n    title: *t\n",
            r"line 3: an anchor \(&t\); anchors and aliases are not allowed",
        ),
        ("documents:\n  - file: a.txt\n    title: *t\n", r"line 3: an alias \(\*t\)"),
        ("documents:\n  - file: a.txt\n    title: !x y\n", r"line 3: the tag !x is not allowed"),
        (
            "documents:\n  - !!python/object:os.system {}\n",
            r"line 2: the tag tag:yaml.org,2002:python/object:os.system is not allowed",
        ),
        ("documents:\n  - file: a.txt\nversion: 2\n", r"line 1: unknown top-level keys: version"),
        ("- file: a.txt\n", r"expected a mapping with a 'documents' list"),
    ],
)
def test_yaml_beyond_plain_data_is_refused(tmp_path: Path, text: str, problem: str) -> None:
    message = refused(tmp_path, text)
    assert re.match(problem, message), message


def test_an_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    """The probe of issue 18: 299 bytes that expand tenfold per level."""
    levels = ['a: &a ["xxxxxxxxxx"]']
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        levels.append(f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [{', '.join(['*' + prev] * 10)}]")
    text = "\n".join(levels) + "\ndocuments:\n  - file: x.txt\n    title: *i\n"
    started = time.perf_counter()
    message = refused(tmp_path, text)
    assert time.perf_counter() - started < 1
    assert message.startswith("line 1: an anchor (&a)")


@pytest.mark.parametrize("flow", [True, False])
def test_deep_nesting_is_refused_without_recursion(tmp_path: Path, flow: bool) -> None:
    # flow lists, or block lists one in another
    deep = "[" * 100_000 + "]" * 100_000 if flow else "\n      " + "- " * 2000 + "x"
    message = refused(tmp_path, f"documents:\n  - file: a.txt\n    title: {deep}\n")
    assert f"nested more than {MAX_DEPTH} levels deep" in message
    # MAX_DEPTH itself is fine as YAML; it fails the field table instead.
    inner = "[" * (MAX_DEPTH - 3) + "]" * (MAX_DEPTH - 3)
    assert "title: expected text, not a list" in refused(
        tmp_path, f"documents:\n  - file: a.txt\n    title: {inner}\n"
    )


def test_the_cli_refuses_a_bad_source_before_extracting(tmp_path: Path) -> None:
    """The issue's probe: a source without a scheme was a ValueError traceback after the
    whole extraction ran. Now exit 2, one line, and no output folder."""
    folder = tmp_path / "in"
    folder.mkdir()
    text = "国务院关于推进数字经济的意见\n到2027年普及率超过70%。\n"
    (folder / "a.txt").write_text(text, encoding="utf-8")
    manifest(folder, "documents:\n  - file: a.txt\n    source: www.gov.cn/x.htm\n")
    result = CliRunner().invoke(main, ["build", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"policygraph: error: {folder / 'manifest.yaml'}: line 3: document 1 (a.txt), "
        "source: 'www.gov.cn/x.htm' is not an absolute URL (no scheme such as https://)"
    )
    assert not (tmp_path / "out").exists()
