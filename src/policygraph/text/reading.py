"""Decode a text file exactly once: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030.

Offsets in the graph are code points into the string this returns, so decoding must be the
same on every run and every machine; nothing is guessed from statistics.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

from policygraph.errors import DecodeError

# GB18030 is a superset of GBK and GB2312, the usual legacy encodings of Chinese
# government documents; it is tried only after strict UTF-8 fails.
_FALLBACKS = ("gb18030",)


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str
    sha256: str  # of the raw bytes


def decode_bytes(data: bytes, *, name: str = "<bytes>") -> DecodedText:
    """Decode ``data`` or raise :class:`DecodeError` naming ``name`` and the reason."""
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(codecs.BOM_UTF8):
        return DecodedText(_strict(data[3:], "utf-8", name), "utf-8-sig", digest)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return DecodedText(_strict(data, "utf-16", name), "utf-16", digest)
    if b"\x00" in data:
        raise DecodeError(f"{name}: contains NUL bytes; not a text file (or UTF-16 without BOM)")
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", digest)
    except UnicodeDecodeError as utf8_error:
        for encoding in _FALLBACKS:
            try:
                return DecodedText(data.decode(encoding), encoding, digest)
            except UnicodeDecodeError:
                continue
        raise DecodeError(
            f"{name}: neither UTF-8 nor GB18030 (first bad byte at offset {utf8_error.start})"
        ) from None


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise DecodeError(f"{name}: invalid {encoding} at byte {e.start}: {e.reason}") from None


def read_text(path: Path, *, name: str | None = None) -> DecodedText:
    """Read and decode a file; errors name the file."""
    label = name or str(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DecodeError(f"{label}: cannot read: {e.strerror or e}") from None
    return decode_bytes(data, name=label)
