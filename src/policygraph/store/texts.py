"""Each document's decoded text, kept beside the store in the output generation.

The store holds offsets into a document's text (``pgo:start``/``pgo:end``) but not the text
itself, and the extraction cache drops it too (pipeline/cache.py). The explorer of
``policygraph serve`` shows a document with its mentions highlighted, so a build writes
``DIR/.policygraph/gen-<id>/texts/<document id>.txt`` (UTF-8, exactly the text the offsets
count in), next to ``store/``: the explorer reads the copy that belongs to the generation it
serves, never an input file that may have changed or moved since.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable
from pathlib import Path

from policygraph.errors import InputError
from policygraph.text.loader import Source, read_source
from policygraph.text.reading import decode_bytes

log = logging.getLogger(__name__)

TEXTS = "texts"
#: File names longer than this (in bytes) are replaced by a digest: most file systems stop
#: at 255, and a document id is a percent-encoded file name that may be long.
_MAX_NAME = 200


def text_path(folder: Path, doc_id: str) -> Path:
    """Where the text of ``doc_id`` is kept in ``folder`` (a generation's ``texts/``)."""
    name = f"{doc_id}.txt"
    if len(name.encode("utf-8")) > _MAX_NAME or doc_id.startswith("."):
        name = hashlib.sha256(doc_id.encode("utf-8")).hexdigest() + ".txt"
    return folder / name


def write_texts(
    folder: Path,
    documents: Iterable[tuple[str, Source, bool]],
    previous: Path | None = None,
) -> int:
    """Keep the text of each ``(doc_id, source, unchanged)``; returns how many were kept.
    An unchanged document's text is linked from the ``previous`` generation's folder; the
    others are decoded again. A source that cannot be read now (removed since it was
    extracted) is left out with a warning: its page then shows the facts without text."""
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for doc_id, source, unchanged in documents:
        if unchanged and previous is not None:
            try:
                os.link(text_path(previous, doc_id), text_path(folder, doc_id))
                written += 1
                continue
            except OSError:  # not kept then, or another file system: decode it again
                pass
        try:
            text = decode_bytes(read_source(source), name=str(source.path)).text
        except InputError as e:
            log.warning("the explorer will show no text for %s: %s", doc_id, e)
            continue
        text_path(folder, doc_id).write_bytes(text.encode("utf-8"))
        written += 1
    return written


def read_text(folder: Path, doc_id: str) -> str | None:
    """The kept text of ``doc_id``, or None when the build kept none."""
    try:
        return text_path(folder, doc_id).read_bytes().decode("utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
