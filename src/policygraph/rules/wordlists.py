"""Word files: the small data files under ``policygraph/rules/data/`` that hold rule
vocabulary, all read by :func:`load` (checked, cached).

Format: ``[section]`` headers, one entry a line (white-space separated words), ``#`` starts
a comment. Errors name the file and the line, so a user who edits a list sees what to fix.
A section is ``single`` (one word a line), ``rows`` (a word and what goes with it) or
``lists`` (any number of words a line; :func:`words` reads them all, in file order).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from policygraph.errors import WordListError


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a word file: its number (for error messages) and its words."""

    line: int
    words: tuple[str, ...]


def read_data(name: str) -> str:
    return files("policygraph").joinpath(f"rules/data/{name}").read_text(encoding="utf-8")


def entry_error(name: str, entry: Entry, message: str) -> WordListError:
    return WordListError(f"data/{name}, line {entry.line}: {message}")


def parse_word_file(
    text: str,
    *,
    name: str,
    single: Collection[str] = (),
    rows: Collection[str] = (),
    lists: Collection[str] = (),
) -> dict[str, list[Entry]]:
    """The ``[section]``s of a word file (one entry a line, ``#`` starts a comment). When
    ``single``, ``rows`` or ``lists`` name sections, the file is checked: every section
    named and no other, one word a line in the ``single`` sections, a word and what goes
    with it in the ``rows`` sections. With none, any section and any entry is accepted."""
    known = [*single, *rows, *lists]
    sections: dict[str, list[Entry]] = {}
    current: str | None = None
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            if known and current not in known:
                listed = ", ".join(f"[{s}]" for s in known)
                raise WordListError(
                    f"data/{name}, line {n}: unknown section [{current}]; the sections are {listed}"
                )
            sections.setdefault(current, [])
            continue
        if current is None:
            raise WordListError(f"data/{name}, line {n}: {line!r} stands before any [section]")
        entry = Entry(n, tuple(line.split()))
        if current in single and len(entry.words) != 1:
            raise entry_error(name, entry, f"[{current}] takes one word a line, not {line!r}")
        if current in rows and len(entry.words) < 2:
            raise entry_error(name, entry, f"[{current}] takes a word and what goes with it")
        sections[current].append(entry)
    missing = [s for s in known if s not in sections]
    if missing:
        raise WordListError(f"data/{name}: no section " + ", ".join(f"[{s}]" for s in missing))
    return sections


def longest_first(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


def alternation(words: Iterable[str]) -> str:
    """``A|B|…`` of the words, escaped, longest first (so 行动计划 wins over 行动); a pattern
    that never matches when there are none."""
    return "|".join(re.escape(w) for w in longest_first(words)) or "(?!)"


def none_of(words: Sequence[str]) -> str:
    """A lookahead that fails where one of the words starts; empty when there are none."""
    if not words:
        return ""
    if all(len(w) == 1 for w in words):
        return "(?![" + "".join(re.escape(c) for c in words) + "])"
    return "(?!" + "|".join(re.escape(w) for w in words) + ")"


@cache
def load(
    name: str,
    *,
    single: tuple[str, ...] = (),
    rows: tuple[str, ...] = (),
    lists: tuple[str, ...] = (),
) -> dict[str, list[Entry]]:
    """The entries of ``data/{name}`` by section, checked against the sections named (see
    :func:`parse_word_file`): the one way every word file is read."""
    if not (single or rows or lists):
        raise ValueError(f"data/{name}: name its sections to have them checked")
    return parse_word_file(read_data(name), name=name, single=single, rows=rows, lists=lists)


def words(sections: dict[str, list[Entry]], section: str) -> tuple[str, ...]:
    """Every word of ``section``, in file order."""
    return tuple(w for entry in sections[section] for w in entry.words)


def rows_of(sections: dict[str, list[Entry]], section: str) -> list[tuple[str, ...]]:
    """The lines of ``section``, each a tuple of its words."""
    return [entry.words for entry in sections[section]]
