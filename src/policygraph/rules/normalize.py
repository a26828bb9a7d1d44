"""The normal forms of text, in one place: which characters each folds, and why they differ.

Every form folds full-width ASCII (``ＡＩ``, ``２０２５``) the same way, with one table,
:data:`FULL_WIDTH`, except the full-width brackets and punctuation Chinese text keeps as
written (:data:`KEEP_FULL_WIDTH`: ``（）：；，！？``; NFKC would rewrite them, and 、 too).
They differ in what else they do, because they serve different ends:

- :func:`fold` — the *identity* of a name (``extract.base.entity_key``): also drops white
  space and composes to NFC, and writes ``()`` as ``（）``. Offsets are not kept.
- :func:`normalise` — *matching* a vocabulary against text: one character for one, so that
  ``normalise(t)[i]`` stands for ``t[i]``; also lower-cases Latin letters (ＡＩ, AI, ai meet)
  and writes ``()`` as ``（）``. It keeps white space (dropping it would shift offsets).
- :func:`tidy_label` — the *display* form of a name: white-space runs become one space,
  brackets full-width (Chinese official typography); case is kept.
- :data:`YEAR_DIGITS` — years: full-width digits only, one for one. The year patterns match
  Chinese punctuation as written, and a full-width ``．`` after a year is not a decimal point.
- :data:`NUMBER_DIGITS` — quantities: full-width digits, ``．`` and ``％``, one for one, since
  the quantity patterns read decimal points and percent signs.

Merging the last two, or :func:`fold` with :func:`normalise`, would change outputs, so they
stay five forms built from the one table.
"""

from __future__ import annotations

import re
import unicodedata

#: Full-width brackets and punctuation that Chinese text keeps as written.
KEEP_FULL_WIDTH = "（）：；，！？"

#: Full-width ASCII (U+FF01–U+FF5E) → ASCII, without :data:`KEEP_FULL_WIDTH`.
FULL_WIDTH: dict[int, int] = {
    code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code) not in KEEP_FULL_WIDTH
}

#: Full-width digits → ASCII, one for one (years).
YEAR_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
HAS_YEAR_DIGITS = re.compile("[０-９]")
#: Full-width digits, decimal point and percent sign → ASCII, one for one (quantities).
NUMBER_DIGITS = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
HAS_NUMBER_DIGITS = re.compile("[０-９．％]")

# Every white-space code point is below U+3001 (U+3000, the ideographic space, is the last;
# tests/test_lexicon.py checks it): scanning all 1.1 M code points took 0.17 s of every
# process's start.
LAST_SPACE = 0x3000


def _fold_table() -> dict[int, int | None]:
    table: dict[int, int | None] = dict(FULL_WIDTH)
    table.update((code, None) for code in range(LAST_SPACE + 1) if chr(code).isspace())
    return table


# One translate table, not a Python loop per character: every mention's label is folded,
# and most labels have nothing to fold, which a regex search tells fastest.
_FOLD = _fold_table()
_NOT_FOLDED = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_FOLD)) + "]")


def fold(text: str) -> str:
    """Fold full-width ASCII to half-width and drop white space (NFKC would also rewrite
    Chinese punctuation such as 、 and （ that we want to keep as written)."""
    if _NOT_FOLDED.search(text):
        text = text.translate(_FOLD)
    folded = unicodedata.normalize("NFC", text)
    return folded.replace("(", "（").replace(")", "）")


def _normal_form_table() -> dict[int, str]:
    table: dict[int, str] = {code: chr(half) for code, half in FULL_WIDTH.items()}
    for code in range(0x80):
        table.setdefault(code, chr(code))
    # Applied after the full-width fold, so ＡＩ and AI and ai all meet.
    for code, ch in table.items():
        table[code] = {"(": "（", ")": "）"}.get(ch, ch.lower() if ch.isascii() else ch)
    return {code: ch for code, ch in table.items() if ch != chr(code)}


# One translate table instead of a Python loop per character: normalise runs on every block
# several times (once per vocabulary scan), so its speed is the build's speed.
_NORMAL_FORM = _normal_form_table()
# Most Chinese text has nothing to change: finding that out is ten times cheaper than
# translating it.
_NOT_NORMAL = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_NORMAL_FORM)) + "]")


def normalise(text: str) -> str:
    """A same-length normal form for matching: full-width ASCII to half-width, ``()`` to
    ``（）``, Latin letters to lower case. ``normalise(t)[i]`` stands for ``t[i]``."""
    return text.translate(_NORMAL_FORM) if _NOT_NORMAL.search(text) else text


def tidy_label(text: str) -> str:
    """The nicest written form of a name: full-width ASCII folded to half-width, brackets as
    full-width ``（）`` (Chinese official typography), runs of white space as one space."""
    out = []
    for ch in re.sub(r"\s+", " ", text.strip()):
        half = FULL_WIDTH.get(ord(ch))
        if half is not None:
            ch = chr(half)
        out.append({"(": "（", ")": "）"}.get(ch, ch))
    return "".join(out)
