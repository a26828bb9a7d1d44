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
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ManifestError(f"{path}:{where}: {e.problem or e}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise ManifestError(f"{path}: cannot read: {e}") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not isinstance(raw.get("documents"), list):
        raise ManifestError(f"{path}: expected a mapping with a 'documents' list")
    entries: dict[str, ManifestEntry] = {}
    for n, item in enumerate(raw["documents"], start=1):
        entry = _entry(item, path, n)
        if not (folder / entry.file).is_file():
            raise ManifestError(f"{path}: document {n} names '{entry.file}', which does not exist")
        entries[Path(entry.file).as_posix()] = entry
    return entries


def _entry(item: Any, path: Path, n: int) -> ManifestEntry:
    if not isinstance(item, dict) or not isinstance(item.get("file"), str):
        raise ManifestError(f"{path}: document {n} needs a 'file' string")
    unknown = set(item) - {"file", "title", "date", "issuer", "kind", "source"}
    if unknown:
        raise ManifestError(f"{path}: document {n} has unknown keys: {', '.join(sorted(unknown))}")
    date = item.get("date")
    if isinstance(date, dt.date):  # YAML reads 2025-03-05 as a date
        date = date.isoformat()
    elif date is not None:
        date = str(date)
        if not _DATE.match(date):
            raise ManifestError(f"{path}: document {n}: date '{date}' is not YYYY-MM-DD")
    kind = item.get("kind")
    if kind is not None and kind not in KINDS:
        raise ManifestError(f"{path}: document {n}: kind '{kind}' is not one of {', '.join(KINDS)}")
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
