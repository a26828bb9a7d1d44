"""The optional ``manifest.yaml`` of an input folder (contract section 2)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from policygraph.errors import ManifestError

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


def load_manifest(folder: Path) -> dict[str, ManifestEntry]:
    """Entries of ``folder/manifest.yaml`` keyed by file path relative to ``folder``;
    empty when there is no manifest. Errors name the manifest and the line."""
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text)
        raw = yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ManifestError(f"{path}:{where}: {e.problem or e}") from None
    except ValueError as e:  # YAML reads 2025-13-45 as a date and fails on it
        raise ManifestError(f"{path}: {e}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise ManifestError(f"{path}: cannot read: {e}") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not isinstance(raw.get("documents"), list):
        raise ManifestError(f"{path}: expected a mapping with a 'documents' list")
    lines = _item_lines(node)
    entries: dict[str, ManifestEntry] = {}
    for n, item in enumerate(raw["documents"]):
        where = f"{path}: line {lines[n]}" if n < len(lines) else f"{path}: document {n + 1}"
        entry = _entry(item, where)
        if not (folder / entry.file).is_file():
            raise ManifestError(f"{where}: '{entry.file}' does not exist")
        entries[Path(entry.file).as_posix()] = entry
    return entries


def _item_lines(node: yaml.Node | None) -> list[int]:
    """The line on which each item of the ``documents`` list starts."""
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if key.value == "documents" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _entry(item: Any, where: str) -> ManifestEntry:
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
    )


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
