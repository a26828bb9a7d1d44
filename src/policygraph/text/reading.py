"""Decode a text file exactly once: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030
(GBK, GB2312) or Big5.

Offsets in the graph are code points into the string this returns: the bytes decoded as
they are, with no newline translation (a CRLF is two code points, a lone CR one). The choice
of encoding is a fixed function of the bytes, the same on every run and every machine.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from policygraph.errors import DecodeError

# Legacy encodings, tried only after strict UTF-8 fails. GB18030 is a superset of GBK and
# GB2312, the usual legacy encodings of mainland government documents. Most Big5 files are
# also valid GB18030 byte sequences that decode to nonsense, so both are tried and the one
# that reads as Chinese wins; cp950 is Big5 as Windows writes it.
_LEGACY = ("gb18030", "cp950")
# Below this share of ordinary characters among the non-ASCII ones (see plausibility), a
# decoding is nonsense: a binary file, or an encoding we do not read (Shift-JIS, ...). The
# 3,121 documents of the bulk corpus, saved as GB18030, score 0.985 or more (median 1.0);
# Big5 text read as GB18030 about 0.5.
_MIN_PLAUSIBLE = 0.8
# A text file has almost no control characters besides white space; a binary one is full.
_MAX_CONTROL = 0.01


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str
    sha256: str  # of the raw bytes


def decode_bytes(data: bytes, *, name: str = "<bytes>") -> DecodedText:
    """Decode ``data`` or raise :class:`DecodeError` naming ``name`` and the reason."""
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data[3:], "utf-8", name), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _strict(data, "utf-16", name), "utf-16"
    elif b"\x00" in data:
        raise DecodeError(f"{name}: {_nul_reason(data)}")
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as utf8_error:
            if utf8_error.reason == "unexpected end of data" and utf8_error.end == len(data):
                # UTF-8 throughout but for the last character: cut short, not another encoding.
                raise DecodeError(
                    f"{name}: ends in the middle of a UTF-8 character; the file was cut short"
                ) from None
            text, encoding = _legacy(data, name, utf8_error.start)
    _check_controls(text, encoding, name)
    return DecodedText(text, encoding, digest)


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise DecodeError(f"{name}: invalid {encoding} at byte {e.start}: {e.reason}") from None


def _nul_reason(data: bytes) -> str:
    # UTF-16 text without a BOM has a NUL in every other byte of its ASCII characters.
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if max(even, odd) >= max(4, len(data) // 8) and min(even, odd) * 4 < max(even, odd):
        return "looks like UTF-16 without a byte-order mark; save it as UTF-8"
    return f"contains NUL bytes (first at byte {data.index(0)}); a binary file, not text"


def _legacy(data: bytes, name: str, utf8_bad: int) -> tuple[str, str]:
    """The legacy decoding that reads as Chinese, or :class:`DecodeError`."""
    candidates: list[tuple[float, int, str, str]] = []
    for rank, encoding in enumerate(_LEGACY):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # On a tie, max() picks the larger -rank: the encoding listed first.
        candidates.append((plausibility(text), -rank, text, encoding))
    if not candidates:
        raise DecodeError(
            f"{name}: not UTF-8 (bad byte at offset {utf8_bad}), GB18030 or Big5; "
            "a binary file, or text in another encoding: save it as UTF-8"
        )
    score, _, text, encoding = max(candidates)
    if score < _MIN_PLAUSIBLE:
        tried = " or ".join(c[3] for c in sorted(candidates, key=lambda c: c[1], reverse=True))
        raise DecodeError(
            f"{name}: not UTF-8 (bad byte at offset {utf8_bad}), and read as {tried} it is "
            f"not Chinese text (only {score:.0%} ordinary characters); save it as UTF-8"
        )
    return text, encoding


def plausibility(text: str) -> float:
    """The share of non-ASCII characters that ordinary Chinese text is made of: common
    hanzi (GB2312 or Big5), CJK and full-width punctuation, dashes and quotes, circled and
    Roman numerals. 1.0 for text without non-ASCII characters."""
    others = _ASCII_OR_SPACE.sub("", text)
    if not others:
        return 1.0
    unusual = _ordinary().sub("", others)
    return 1 - len(unusual) / len(others)


_ASCII_OR_SPACE = re.compile(r"[\x00-\x7f\s]+")
_ORDINARY_SYMBOLS = (
    "\u3000-\u303f"  # CJK punctuation: 、。《》「」【】
    "\uff01-\uff65"  # full-width ASCII and punctuation: ，：；（）％
    "\u2010-\u2027"  # dashes, quotes, ellipsis: —“”…
    "\u00b0-\u00b7\u00d7\u00f7"  # ° ± · × ÷
    "\u2030\u203b\u2103\u2116"  # ‰ ※ ℃ №
    "\u2160-\u217f\u2460-\u24ff"  # Roman numerals Ⅰ Ⅱ, circled numbers ① ②
)


@cache
def _ordinary() -> re.Pattern[str]:
    """Ordinary characters of Chinese text, as one character class: a regular expression
    counts them in a 50 MB file in a fraction of a second."""
    hanzi = "".join(sorted(_common_hanzi()))
    return re.compile(f"[{_ORDINARY_SYMBOLS}{re.escape(hanzi)}]+")


@cache
def _common_hanzi() -> frozenset[str]:
    """The hanzi of GB2312 (simplified, 6,763) and of Big5 (traditional, 13,000),
    read from the codecs themselves so that no table has to be kept."""
    chars: set[str] = set()
    trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    for encoding, leads, trail_bytes in (
        ("gb2312", range(0xB0, 0xF8), range(0xA1, 0xFF)),
        ("cp950", range(0xA4, 0xFA), trails),
    ):
        for lead in leads:
            for trail in trail_bytes:
                try:
                    char = bytes((lead, trail)).decode(encoding)
                except UnicodeDecodeError:
                    continue
                if unicodedata.category(char) == "Lo":
                    chars.add(char)
    return frozenset(chars)


# C0 and C1 control characters other than white space and \x1a (the DOS end-of-file mark).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")


def _check_controls(text: str, encoding: str, name: str) -> None:
    controls = len(_CONTROL.findall(text))
    if controls > max(1, len(text) * _MAX_CONTROL):
        raise DecodeError(
            f"{name}: {controls} control characters in {len(text)} (read as {encoding}); "
            "a binary file, not text"
        )


def read_text(path: Path, *, name: str | None = None) -> DecodedText:
    """Read and decode a file; errors name the file."""
    label = name or str(path)
    return decode_bytes(read_bytes(path, name=label), name=label)


def read_bytes(path: Path, *, name: str | None = None, limit: int | None = None) -> bytes:
    """The bytes of a regular file, or :class:`DecodeError` (an :class:`InputError`) naming
    the file and saying why it cannot be read: a folder, a FIFO (never opened: reading one
    can block forever), a dangling symbolic link, a loop, a permission problem."""
    label = name or str(path)
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise DecodeError(f"{label}: not a regular file ({_file_kind(mode)})")
        if limit is None:
            return path.read_bytes()
        with path.open("rb") as f:  # at most limit + 1 bytes: a 10 GB file is not held whole
            return f.read(limit + 1)
    except OSError as e:
        reason = e.strerror or str(e)
        if e.errno == errno.ENOENT and path.is_symlink():
            reason = f"a symbolic link to {os.readlink(path)}, which does not exist"
        elif e.errno == errno.ELOOP:
            reason = "a symbolic link that leads back to itself (a loop)"
        raise DecodeError(f"{label}: cannot read: {reason}") from None


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"
