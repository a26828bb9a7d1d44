"""The optional ``manifest.yaml`` of an input folder (contract section 2)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from policygraph.errors import DecodeError, ManifestError
from policygraph.text.reading import read_text

MANIFEST_NAME = "manifest.yaml"
KINDS = ("policy", "report", "article", "newspaper", "speech")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    file: str
    title: str | None = None
    date: str | None = None
    issuer: str | None = None
    kind: str | None = None
    source: str | None = None
    line: int | None = None  # where the entry starts in manifest.yaml, for error messages


def load_manifest(folder: Path) -> dict[str, ManifestEntry]:
    """Entries of ``folder/manifest.yaml`` keyed by file path relative to ``folder``;
    empty when there is no manifest. Errors name the manifest and the line.

    An entry naming a file that does not exist is kept: the loader reports that file as
    a bad input (skipped, or fatal with ``--strict``), like any other unreadable file."""
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        # Decoded like the documents: a manifest saved as GBK or with a BOM is fine.
        text = read_text(path).text
    except DecodeError as e:
        raise ManifestError(str(e)) from None
    try:
        node = yaml.compose(text)
        raw = yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        # An unclosed quote or bracket is found at the end; say where it was opened.
        start = e.context_mark
        opened = f" ({e.context}, line {start.line + 1})" if start and e.context else ""
        raise ManifestError(f"{path}:{where}: {e.problem or e}{opened}") from None
    except ValueError as e:  # YAML reads 2025-13-45 as a date and fails on it
        raise ManifestError(f"{path}:{_bad_date_line(text)}: {e}") from None
    except yaml.YAMLError as e:
        raise ManifestError(f"{path}: {e}") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not isinstance(raw.get("documents"), list):
        raise ManifestError(f"{path}: expected a mapping with a 'documents' list")
    lines = _item_lines(node)
    entries: dict[str, ManifestEntry] = {}
    for n, item in enumerate(raw["documents"]):
        line = lines[n] if n < len(lines) else None
        where = f"{path}: line {line}" if line else f"{path}: document {n + 1}"
        entry = _entry(item, where, line)
        key = Path(entry.file).as_posix()
        if key in entries:
            first = entries[key].line
            raise ManifestError(f"{where}: '{entry.file}' is already described on line {first}")
        entries[key] = entry
    return entries


def _bad_date_line(text: str) -> str:
    """`` line N`` of the first date YAML cannot construct, or nothing."""
    constructor = yaml.SafeLoader("")
    for node in _scalars(yaml.compose(text)):
        if node.tag == "tag:yaml.org,2002:timestamp":
            try:
                constructor.construct_yaml_timestamp(node)
            except ValueError:
                return f" line {node.start_mark.line + 1}"
    return ""


def _scalars(node: yaml.Node | None) -> Iterator[yaml.ScalarNode]:
    if isinstance(node, yaml.ScalarNode):
        yield node
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _scalars(item)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _scalars(key)
            yield from _scalars(value)


def _item_lines(node: yaml.Node | None) -> list[int]:
    """The line on which each item of the ``documents`` list starts."""
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if key.value == "documents" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _entry(item: Any, where: str, line: int | None) -> ManifestEntry:
    if not isinstance(item, dict) or not isinstance(item.get("file"), str):
        raise ManifestError(f"{where}: a document needs a 'file' string")
    unknown = set(item) - {"file", "title", "date", "issuer", "kind", "source"}
    if unknown:
        raise ManifestError(f"{where}: unknown keys: {', '.join(sorted(unknown))}")
    date = item.get("date")
    if isinstance(date, dt.date):  # YAML reads 2025-03-05 as a date
        date = date.isoformat()
    elif date is not None:
        date = str(date)
        if not _DATE.match(date):
            raise ManifestError(f"{where}: date '{date}' is not YYYY-MM-DD")
    kind = item.get("kind")
    if kind is not None and kind not in KINDS:
        raise ManifestError(f"{where}: kind '{kind}' is not one of {', '.join(KINDS)}")
    return ManifestEntry(
        file=item["file"],
        title=_opt_str(item.get("title")),
        date=date,
        issuer=_opt_str(item.get("issuer")),
        kind=kind,
        source=_opt_str(item.get("source")),
        line=line,
    )


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
