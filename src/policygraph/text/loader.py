"""Turn input paths into :class:`Document` objects: find files, decode, apply the manifest,
infer what the manifest does not say, and analyse the layout."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from policygraph.errors import (
    DocumentTooLarge,
    EmptyDocument,
    InputError,
    ManifestError,
    printable,
)
from policygraph.model import DocumentMeta
from policygraph.rules.policy_words import is_policy_title
from policygraph.text.document import Document
from policygraph.text.layout import analyse
from policygraph.text.manifest import MANIFEST_NAME, ManifestEntry, load_manifest
from policygraph.text.numerals import iso_dates
from policygraph.text.reading import decode_bytes, read_bytes

log = logging.getLogger(__name__)

#: The largest file read as one document. Time is no reason for a limit: extraction is linear
#: in a document's size (50 MB: about 40 CPU seconds; a whole build of it, about 3 minutes).
#: Memory is: a document is held whole, with all its facts, triples and their N-Quads, until
#: its graph is loaded, and a build's peak is about 155 times the file (50 MB: 7.7 GB). A
#: file above 64 MB (10 GB) is likelier a whole collection than one document, and would run
#: an ordinary machine out of memory.
MAX_DOCUMENT_BYTES = 64 * 2**20


@dataclass(frozen=True, slots=True)
class Source:
    """One input file: its path on disk, the name relative to its input folder, and the
    manifest entry for it, if any. ``problem`` says why it is not read at all (a folder
    that cannot be listed, a link out of the input folder): it is listed as skipped."""

    path: Path
    name: str
    entry: ManifestEntry | None
    problem: str | None = None


def find_sources(inputs: Iterable[Path], *, follow_links: bool = False) -> list[Source]:
    """``.txt`` files under the inputs (files or folders), sorted by name so that the
    order never depends on the file system. Folders contribute their ``manifest.yaml``.
    A document's name is its path relative to its input folder; two different files with
    the same name are an error, never a silent choice.

    Entries that cannot be read (a dangling symbolic link or a loop, a FIFO, a file the
    manifest names but that is missing, a sub-folder that cannot be listed) are sources
    too: :func:`load_document` refuses them with the reason, so a build lists them as
    skipped instead of losing them silently. So are symbolic links that lead out of the
    input folder, unless ``follow_links``: a link to ``/etc/passwd`` is not a document
    anyone handed over. Files that are not ``.txt`` are ignored (counted in the log)."""
    sources: dict[str, Source] = {}
    ids: dict[str, Source] = {}

    def add(source: Source) -> None:
        other = sources.setdefault(source.name, source)
        # (realpath only when two entries have one name: 0.16 s for 3,122 files otherwise)
        if other is not source and _real(other.path) != _real(source.path):
            raise InputError(
                f"{other.path} and {source.path} would both be document '{source.name}'; "
                "rename one, or build them into separate graphs"
            )
        # a.txt and a.TXT are two names but one document IRI (the name without .txt): one
        # of them was lost without a word
        if source.problem is not None:
            return  # skipped with its reason (a name that is not UTF-8 has no id at all)
        same_id = ids.setdefault(document_id(source.name), source)
        if same_id.name != source.name:
            raise InputError(
                f"{same_id.path} and {source.path} would both be document "
                f"'{document_id(source.name)}' (names that differ only in the case of .txt); "
                "rename one"
            )

    for root in inputs:
        if root.is_dir():
            manifest = load_manifest(root)
            ignored = 0
            unread: list[str] = []  # folders that could not be listed, as name prefixes
            for path, problem in _walk(root, follow_links=follow_links):
                name = path.relative_to(root).as_posix()
                if problem is None and path.suffix.lower() == ".txt" and not _utf8(name):
                    problem = "the file name is not valid UTF-8; rename it"
                if problem is not None:
                    add(Source(path, name, manifest.get(name), problem))
                    unread.append(name + "/")
                elif path.suffix.lower() != ".txt":
                    ignored += path.name != MANIFEST_NAME
                else:
                    add(Source(path, name, manifest.get(name)))
            for name, entry in manifest.items():
                if name in sources or name.startswith(tuple(unread)):
                    continue  # found, or in a folder already named as unreadable
                if not (root / name).exists():
                    add(Source(root / name, name, entry))
            if ignored:
                log.info("%s: ignored %d file(s) that are not .txt", printable(root), ignored)
        elif root.exists() or root.is_symlink():
            bad_name = None if _utf8(root.name) else "the file name is not valid UTF-8; rename it"
            add(Source(root, root.name, load_manifest(root.parent).get(root.name), bad_name))
        else:
            raise InputError(f"{root}: no such file or folder")
    return [sources[k] for k in sorted(sources)]


#: The folder a build keeps its generations in (store/outputs.py). An output folder inside
#: an input folder (``build . --out exports``) holds a copy of every text there: read as
#: input, they came back as documents of their own, under new names, on every build.
BUILD_STATE = ".policygraph"


def _walk(root: Path, *, follow_links: bool) -> Iterator[tuple[Path, str | None]]:
    """Every entry under ``root`` that is not a folder, with ``None``, and every entry
    that cannot be walked or read, with the reason. ``Path.rglob`` would be shorter, but
    it leaves out a folder it cannot list without a word (issue 18.5).

    A symbolic link to a folder inside ``root`` is not walked: its files are found where
    they are. A link to a folder outside is walked only when ``follow_links``, each real
    folder once (a loop ends)."""
    inside = _real(root)
    walked = {inside}
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as e:
            reason = e.strerror or str(e)
            if folder == root:
                raise InputError(f"{root}: cannot read this folder: {reason}") from None
            yield folder, f"cannot read this folder: {reason}; the files in it are left out"
            continue
        for entry in reversed(entries):  # popped from the stack in name order
            path = Path(entry.path)
            if not entry.is_symlink():
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != BUILD_STATE:
                        stack.append(path)
                else:
                    yield path, None
                continue
            real = _real(path)
            outside = not (real == inside or real.startswith(inside.rstrip(os.sep) + os.sep))
            if os.path.isdir(real):
                if not outside:
                    continue
                if not follow_links:
                    yield path, _outside(real, "folder")
                elif real not in walked:
                    walked.add(real)
                    stack.append(path)
            elif outside and os.path.exists(real) and not follow_links:
                if path.suffix.lower() == ".txt":
                    yield path, _outside(real, "file")
            else:
                yield path, None  # inside, followed, or dangling (read_bytes says which)


def _utf8(name: str) -> bool:
    """Whether a name read from the file system is text: bytes that are not UTF-8 come as
    lone surrogates, which no IRI or literal can hold."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _outside(real: str, what: str) -> str:
    return (
        f"a symbolic link to the {what} {real}, outside the input folder; "
        "not read (--follow-links reads it)"
    )


def _real(path: Path | str) -> str:
    # Path.resolve() raises on a symlink loop (Python 3.11); realpath stops quietly.
    return os.path.realpath(path)


def document_id(name: str) -> str:
    """A stable IRI-safe id from the file name relative to its input folder."""
    stem = str(PurePosixPath(name).with_suffix(""))
    return quote(stem, safe="-_.~")


def read_source(source: Source) -> bytes:
    """The bytes of one source, or :class:`InputError` naming the file and why it cannot
    be read (missing though the manifest names it, a dangling link, a FIFO, ...)."""
    if source.problem is not None:
        raise InputError(f"{source.path}: {source.problem}")
    if source.entry and source.entry.line and not source.path.exists():
        raise ManifestError(
            f"{source.path}: named on line {source.entry.line} of {MANIFEST_NAME}, "
            "but there is no such file"
        )
    data = read_bytes(source.path, name=str(source.path), limit=MAX_DOCUMENT_BYTES)
    if len(data) > MAX_DOCUMENT_BYTES:
        try:
            size = source.path.stat().st_size
        except OSError:
            size = len(data)
        raise DocumentTooLarge(
            f"{source.path}: {size / 2**20:.0f} MB, more than the "
            f"{MAX_DOCUMENT_BYTES // 2**20} MB one document may have; split it into its documents"
        )
    return data


#: What shows nothing: white space, and the zero-width and format characters that str.strip
#: keeps (a file of U+200B alone was built as an empty document).
_BLANK = (
    "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + "\u200b\u200c\u200d\u2060\ufeff"
)


def load_document(source: Source, data: bytes | None = None) -> Document:
    """Read, decode and analyse one source; :class:`InputError` names the file and why it
    cannot be a document. ``data`` are its bytes when the caller read them already (a
    worker on another machine gets the bytes, not the file)."""
    if data is None:
        data = read_source(source)
    decoded = decode_bytes(data, name=str(source.path))
    text = decoded.text
    if not text.strip(_BLANK):
        what = "empty" if not text else "only white space"
        if text.strip():
            what = "only zero-width characters and white space"
        raise EmptyDocument(f"{source.path}: {what}; nothing to extract")
    layout = analyse(text)
    return Document(
        id=document_id(source.name),
        path=source.name,
        text=text,
        sha256=decoded.sha256,
        meta=_meta(text, layout.blocks, source),
        blocks=layout.blocks,
        encoding=decoded.encoding,
    )


def _meta(text: str, blocks: list, source: Source) -> DocumentMeta:  # type: ignore[type-arg]
    entry = source.entry or ManifestEntry(file=source.name)
    inferred: set[str] = set()
    date = entry.date
    if not date:
        date = infer_date(text)
        named = _year_in_name(source.name)
        if named and (date is None or date[:4] != named):
            # a year the file was named by beats the latest date the text quotes (a 2003
            # report recalls 2001年12月)
            date = named
        if date:
            inferred.add("date")
    report = _work_report_title(text, date)
    notice = None if report else notice_title(text)
    title = entry.title
    if not title:
        title = report or notice or _infer_title(blocks) or PurePosixPath(source.name).stem
        inferred.add("title")
    kind = entry.kind
    if kind is None:
        # a government work report, once the congress approves it, is the year's programme:
        # its 主要预期目标 are set by the report itself; a notice that prints a plan (关于印发
        # 《…》的通知) is read as the plan it prints
        kind = "policy" if report or (notice and notice == title) else _infer_kind(title)
        inferred.add("kind")
    return DocumentMeta(
        title=title,
        date=date,
        issuer=entry.issuer,
        kind=kind,
        source=entry.source,
        inferred=frozenset(inferred),
    )


# The heading of a notice that prints a policy: [issuer]关于印发《…》的通知 (or without the
# title brackets). It opens the document, possibly wrapped over lines, after the issuer
# lines and the document number; the first sentence (。) ends the head.
_NOTICE = re.compile(
    r"(?:[\u4e00-\u9fff（）() \u3000]{0,60}?)关于印发"
    r"(?:[《<〈](?P<bracketed>[^《》<>〈〉\n]{2,120})[》>〉]|(?P<bare>[^《》<>〈〉。，；\n]{2,120}?))"
    r"的(?:通知|通告)\s*$"
)
_HEAD_LINES = 15


def notice_title(text: str) -> str | None:
    """The name of the policy a notice prints, when the document is headed
    ``关于印发《X》的通知`` (``X``, a line break inside it removed); None otherwise."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        lines.append(line)
        if len(lines) >= _HEAD_LINES or "。" in line:
            break
    for k, line in enumerate(lines):
        if "关于印发" not in "".join(lines[k : k + 3]):
            continue
        joined = ""
        for part in lines[k : k + 3]:  # a heading wrapped over up to three lines
            joined += part
            m = _NOTICE.match(joined)
            if m:
                return (m["bracketed"] or m["bare"]).strip()
        if "关于印发" in line:
            return None  # the first heading that prints something is the one
    return None


def _infer_kind(title: str) -> str:
    """A document whose own title names a policy document (…的意见, …规划的建议, …行动计划)
    is that policy: its targets are set by it even without a manifest."""
    return "policy" if is_policy_title(title) else "article"


def _infer_title(blocks: list) -> str | None:  # type: ignore[type-arg]
    """The first title or heading block, when the document opens with one."""
    for block in blocks[:3]:
        if block.kind in ("title", "heading", "column"):
            return str(block.text)
        if block.kind == "body":
            return None
    return None


_NAME_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# 各位代表：现在，我代表国务院，向大会报告…政府工作: how work reports open; texts copied
# without their title page start here.
_WORK_REPORT = re.compile(
    r"\s*各位代表[：:！!，,][\s\S]{0,300}?(?:我(?:代表|受)[^。]{0,12}国务院|政府工作报告)"
)
_REPORT_TITLE = re.compile(r"\s*政府工作报告\s*\n")


def _year_in_name(name: str) -> str | None:
    """A year in the file name (gwr_2018.txt), when the text itself carries no date."""
    years = _NAME_YEAR.findall(PurePosixPath(name).stem)
    return years[0] if len(years) == 1 else None


def _work_report_title(text: str, date: str | None) -> str | None:
    """``2018年政府工作报告`` for a government work report that lost its title lines or is
    titled just 政府工作报告 (every year's is: the year tells them apart)."""
    if date is None:
        return None
    if not (_WORK_REPORT.match(text[:400]) or _REPORT_TITLE.match(text)):
        return None
    return f"{date[:4]}年政府工作报告"


def infer_date(text: str) -> str | None:
    """The latest explicit date (year and month at least) in the text, as ISO."""
    dated = [iso for iso, _, _ in iso_dates(text) if len(iso) >= 7]
    return max(dated, default=None)
