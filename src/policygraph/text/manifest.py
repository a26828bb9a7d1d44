"""The optional ``manifest.yaml`` of an input folder (contract section 2).

A manifest comes from whoever hands over the folder, so it is checked before any document
is read, in two steps:

1. The YAML events, before anything is built from them: no aliases or anchors (299 bytes
   of nested aliases expand to megabytes), no tags beyond YAML's plain scalar types, and
   no nesting deeper than :data:`MAX_DEPTH` (PyYAML's composer recurses, and a deep file
   would end in a ``RecursionError``).
2. Every entry against :data:`FIELDS`: known keys, each of its type, a date that exists,
   a ``source`` that is an absolute URL.

A bad manifest refuses the build (exit 2), as a malformed one always has: metadata a user
wrote down and that the graph silently ignored would be a fact dropped unsaid. Every bad
entry is named, one line each (the first in the error, the others logged before it):
``manifest.yaml: line 7: document 3 (foo.txt), source: not an absolute URL ...``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox
import yaml

from policygraph.errors import DecodeError, ManifestError
from policygraph.text.reading import read_text

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.yaml"
KINDS = ("policy", "report", "article", "newspaper", "speech")
#: Mappings and lists inside one another: a manifest needs 3 (top, documents, an entry).
MAX_DEPTH = 10
#: Characters a title or issuer may have (the longest seen in the corpora is under 100).
MAX_TEXT = 1000
MAX_URL = 2000
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_YAML = "tag:yaml.org,2002:"
#: Tags a scalar may carry: YAML's own plain types (``!!str 2025`` keeps a year a string).
_TAGS = {_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    file: str
    title: str | None = None
    date: str | None = None
    issuer: str | None = None
    kind: str | None = None
    source: str | None = None
    line: int | None = None  # where the entry starts in manifest.yaml, for error messages


class _Bad(Exception):
    """One problem of one field, with the line it is on."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


def load_manifest(folder: Path) -> dict[str, ManifestEntry]:
    """Entries of ``folder/manifest.yaml`` keyed by file path relative to ``folder``;
    empty when there is no manifest. :class:`ManifestError` names the manifest, the line,
    the entry and the field of the first problem (the others are logged).

    An entry naming a file that does not exist is kept: the loader reports that file as
    a bad input (skipped, or fatal with ``--strict``), like any other unreadable file."""
    path = folder / MANIFEST_NAME
    if not os.path.lexists(path):
        return {}
    if not path.is_file():
        # a dangling link, a loop, a folder, a pipe: what the user wrote down cannot be
        # read, and building without it would drop it unsaid
        what = "a folder" if path.is_dir() else "not a readable regular file"
        if path.is_symlink() and not path.exists():
            what = f"a symbolic link to {os.readlink(path)}, which cannot be followed"
        raise ManifestError(f"{path}: {what}; fix or remove it")
    try:
        # Decoded like the documents: a manifest saved as GBK or with a BOM is fine.
        text = read_text(path).text
    except DecodeError as e:
        raise ManifestError(str(e)) from None
    root = _compose(text, path)
    if root is None:
        return {}
    documents = _documents(root, path)
    entries: dict[str, ManifestEntry] = {}
    problems: list[str] = []
    for n, item in enumerate(documents.value, 1):
        line = item.start_mark.line + 1
        try:
            entry = _entry(item, line)
        except _Bad as e:
            problems.append(f"{path}: line {e.line}: {_who(n, item)}, {e.problem}")
            continue
        key = PurePosixPath(entry.file).as_posix()
        if key in entries:
            first = entries[key].line
            problems.append(
                f"{path}: line {line}: {_who(n, item)}, file: already described on line {first}"
            )
            continue
        entries[key] = entry
    if problems:
        for problem in problems[1:]:
            log.error("%s", problem)
        more = f" (and {len(problems) - 1} more, listed above)" if len(problems) > 1 else ""
        raise ManifestError(problems[0] + more)
    return entries


# --- step 1: the YAML itself ---------------------------------------------------------------


def _compose(text: str, path: Path) -> yaml.Node | None:
    """The node tree of ``text``, after its events passed :func:`_check_events`."""
    try:
        _check_events(text, path)
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        # An unclosed quote or bracket is found at the end; say where it was opened.
        start = e.context_mark
        opened = f" ({e.context}, line {start.line + 1})" if start and e.context else ""
        problem = _one_line(str(e.problem or e))
        raise ManifestError(f"{path}:{where}: {problem}{opened}") from None
    except yaml.YAMLError as e:
        raise ManifestError(f"{path}: {_one_line(str(e))}") from None


def _check_events(text: str, path: Path) -> None:
    """Refuse aliases, anchors, unknown tags and deep nesting, reading the event stream:
    nothing is composed, let alone expanded, before this passes."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, yaml.AliasEvent):
            raise ManifestError(
                f"{path}: line {line}: an alias (*{_show(event.anchor or '')}); "
                "aliases are not allowed in a manifest, write the value out"
            )
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            raise ManifestError(
                f"{path}: line {line}: an anchor (&{_show(event.anchor)}); "
                "anchors and aliases are not allowed in a manifest"
            )
        tag = getattr(event, "tag", None)
        if isinstance(event, yaml.NodeEvent) and tag is not None and tag not in _TAGS:
            raise ManifestError(
                f"{path}: line {line}: the tag {_show(tag)} is not allowed in a manifest"
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise ManifestError(
                    f"{path}: line {line}: nested more than {MAX_DEPTH} levels deep; "
                    "a manifest is a list of flat entries"
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _documents(root: yaml.Node, path: Path) -> yaml.SequenceNode:
    """The ``documents`` list of the top mapping, its only key."""
    if isinstance(root, yaml.MappingNode):
        keys = [_key(k) for k, _ in root.value]
        for key, value in root.value:
            if _key(key) == "documents" and isinstance(value, yaml.SequenceNode):
                unknown = sorted({str(k) for k in keys} - {"documents"})
                if unknown:
                    line = root.start_mark.line + 1
                    raise ManifestError(
                        f"{path}: line {line}: unknown top-level keys: {_show(', '.join(unknown))}"
                        "; a manifest holds only 'documents'"
                    )
                return value
    raise ManifestError(f"{path}: expected a mapping with a 'documents' list")


# --- step 2: each entry against the field table ------------------------------------------


def _text(value: Any, line: int) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Bad(line, f"expected text, not {_type(value)}")
    text = str(value)
    if len(text) > MAX_TEXT:
        raise _Bad(line, f"{len(text)} characters, more than the {MAX_TEXT} allowed")
    return text


def _file(value: Any, line: int) -> str | None:
    if not isinstance(value, str) or not value.strip():
        raise _Bad(line, f"expected a file name, not {_type(value)}")
    if "\0" in value:  # (no file system has such a name; os.stat raises ValueError)
        raise _Bad(line, f"'{_show(value)}' holds a NUL character; no file has such a name")
    name = PurePosixPath(value.replace("\\", "/"))
    if name.is_absolute() or ".." in name.parts:
        raise _Bad(line, f"'{_show(value)}' is not a path inside the folder")
    return value


def _date(value: Any, line: int) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise _Bad(line, f"'{value.isoformat()}' has a time; write YYYY-MM-DD")
    if isinstance(value, dt.date):  # YAML reads 2025-03-05 as a date
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Bad(line, f"expected YYYY, YYYY-MM or YYYY-MM-DD, not {_type(value)}")
    text = str(value)
    match = _DATE.match(text)
    if not match:
        raise _Bad(line, f"'{_show(text)}' is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError as e:
        raise _Bad(line, f"'{text}' is not a date ({e})") from None
    return text


def _kind(value: Any, line: int) -> str | None:
    if value is None:
        return None
    if value not in KINDS:
        raise _Bad(line, f"'{_show(str(value))}' is not one of {', '.join(KINDS)}")
    return str(value)


def _source(value: Any, line: int) -> str | None:
    """An absolute URL: it becomes an IRI in the graph (``dcterms:source``)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Bad(line, f"expected a URL, not {_type(value)}")
    if len(value) > MAX_URL:
        raise _Bad(line, f"{len(value)} characters, more than the {MAX_URL} allowed")
    if not _SCHEME.match(value):
        raise _Bad(line, f"'{_show(value)}' is not an absolute URL (no scheme such as https://)")
    if urlsplit(value).scheme.lower() in ("http", "https") and not urlsplit(value).netloc:
        raise _Bad(line, f"'{_show(value)}' is not an absolute URL (no host)")
    try:
        ox.NamedNode(value)
    except ValueError as e:
        raise _Bad(line, f"'{_show(value)}' is not a valid IRI ({_one_line(str(e))})") from None
    return value


#: Every field an entry may have, and how its value is checked and turned into text.
FIELDS: dict[str, Callable[[Any, int], str | None]] = {
    "file": _file,
    "title": _text,
    "date": _date,
    "issuer": _text,
    "kind": _kind,
    "source": _source,
}


def _entry(item: yaml.Node, line: int) -> ManifestEntry:
    if not isinstance(item, yaml.MappingNode):
        raise _Bad(line, "expected a mapping with a 'file' key")
    values: dict[str, str | None] = {}
    seen: set[str] = set()
    for key_node, value_node in item.value:
        key = _key(key_node)
        at = key_node.start_mark.line + 1
        if not isinstance(key, str) or key not in FIELDS:
            known = ", ".join(FIELDS)
            raise _Bad(at, f"{_show(str(key))}: unknown key (known: {known})")
        if key in seen:
            raise _Bad(at, f"{key}: given twice")
        seen.add(key)
        try:
            values[key] = FIELDS[key](_scalar(value_node), value_node.start_mark.line + 1)
        except _Bad as e:
            raise _Bad(e.line, f"{key}: {e.problem}") from None
    if "file" not in values:
        raise _Bad(line, "file: missing; every document needs one")
    return ManifestEntry(**values, line=line)  # type: ignore[arg-type]


def _scalar(node: yaml.Node) -> Any:
    """The Python value of a scalar node (a list or mapping comes back as its type)."""
    if isinstance(node, yaml.SequenceNode):
        return []
    if isinstance(node, yaml.MappingNode):
        return {}
    try:
        return yaml.SafeLoader("").construct_object(node)  # type: ignore[no-untyped-call]
    except Exception as e:  # 2025-13-45 is a date YAML fails on; !!bool x a KeyError
        what = "date" if node.tag == _YAML + "timestamp" else node.tag.rsplit(":", 1)[-1]
        problem = f"'{_show(node.value)}' is not a valid {what}"
        if isinstance(e, ValueError):
            problem += f" ({_one_line(str(e))})"
        raise _Bad(node.start_mark.line + 1, problem) from None


def _key(node: yaml.Node) -> object:
    return node.value if isinstance(node, yaml.ScalarNode) else f"<{_type(_scalar(node))}>"


def _who(n: int, item: yaml.Node) -> str:
    """``document 3 (foo.txt)``: the entry by its place and, when it has one, its file."""
    if isinstance(item, yaml.MappingNode):
        for key, value in item.value:
            if _key(key) == "file" and isinstance(value, yaml.ScalarNode) and value.value:
                return f"document {n} ({_show(value.value)})"
    return f"document {n}"


def _type(value: Any) -> str:
    names = {list: "a list", dict: "a mapping", bool: "true/false", type(None): "nothing"}
    return names.get(type(value), type(value).__name__)


def _show(text: str, limit: int = 80) -> str:
    """``text`` fit for a one-line message: control characters escaped, long text cut."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:limit])
    return shown + "…" if len(text) > limit else shown


def _one_line(text: str) -> str:
    return " ".join(text.split())
