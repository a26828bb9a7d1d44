"""SKOS vocabularies from ``ontology/vocab/{name}.ttl``: concepts with their labels and a
longest-match finder, so that the extractors' word lists stay data, not code."""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import logging
import marshal
import os
import re
import stat
import sys
import tempfile
import threading
import time
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, TypeAlias

import pyoxigraph as ox

from policygraph.errors import PolicyGraphError
from policygraph.rules.normalize import normalise

if TYPE_CHECKING:  # jieba is imported where it is used: a build that extracts nothing
    import jieba  # in this process (an update) does not pay for it (60 ms, pkg_resources)

VOCAB_BASE = "https://w3id.org/policygraph/vocab/"

_ASCII_WORD = re.compile(r"[0-9A-Za-z]")


class VocabularyError(PolicyGraphError):
    """An ontology folder or vocabulary file is missing or malformed."""


def ontology_dir() -> Path:
    """The ontology folder: the copy inside an installed wheel (``policygraph/_ontology``),
    else the repository's ``ontology/`` above this file."""
    packaged = files("policygraph") / "_ontology"
    if packaged.is_dir():
        return Path(str(packaged))
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "ontology"
        if (candidate / "vocab").is_dir():
            return candidate
    raise VocabularyError(
        "cannot find the ontology folder: neither policygraph/_ontology (installed wheel) nor "
        "an ontology/vocab folder above the package source; reinstall policygraph"
    )


@dataclass(frozen=True, slots=True)
class Concept:
    """One SKOS concept: its IRI, Chinese preferred and alternative labels, broader concepts."""

    iri: str
    pref_label: str
    alt_labels: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    en_label: str | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.pref_label, *self.alt_labels)

    @property
    def slug(self) -> str:
        return self.iri.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The concepts of one scheme and a longest-match finder over their Chinese labels."""

    name: str
    iri: str
    concepts: tuple[Concept, ...]
    _index: dict[str, Concept] = field(init=False, repr=False, compare=False)
    _lengths: dict[str, tuple[int, ...]] = field(init=False, repr=False, compare=False)
    _starts: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, Concept] = {}
        for concept in self.concepts:
            for label in concept.labels:
                key = normalise(label)
                other = index.setdefault(key, concept)
                if other.iri != concept.iri:
                    raise VocabularyError(
                        f"vocabulary {self.name}: label {label!r} belongs to both "
                        f"{other.iri} and {concept.iri}; keep it on one concept"
                    )
        lengths: dict[str, set[int]] = {}
        for key in index:
            lengths.setdefault(key[0], set()).add(len(key))
        object.__setattr__(self, "_index", index)
        object.__setattr__(
            self, "_lengths", {c: tuple(sorted(ls, reverse=True)) for c, ls in lengths.items()}
        )
        # Where some label starts, found by the regex engine rather than a Python loop over
        # every character. The pattern is a trie (common prefixes written once) that begins
        # with a literal in every branch, so the engine skips to the next possible first
        # character on its own; it is as fast as an Aho-Corasick automaton (pyahocorasick)
        # here, without the dependency.
        object.__setattr__(self, "_starts", re.compile(_trie_pattern(index)))

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts)

    def __len__(self) -> int:
        return len(self.concepts)

    def by_iri(self, iri: str) -> Concept | None:
        return next((c for c in self.concepts if c.iri == iri), None)

    def lookup(self, label: str) -> Concept | None:
        """The concept with this exact (normalised) label."""
        return self._index.get(normalise(label))

    def candidates(self, text: str) -> list[tuple[int, int, Concept]]:
        """Every label occurrence in ``text``, overlapping ones included, in text order
        (longest first at one position)."""
        index, lengths = self._index, self._lengths
        norm = normalise(text)
        size = len(norm)
        hits: list[tuple[int, int, Concept]] = []
        search = self._starts.search
        # search() from one past each start, not finditer(): labels overlap (中国 inside
        # 中国人民银行), and finditer would resume after the end of the match.
        m = search(norm)
        while m is not None:
            i = m.start()
            for n in lengths[norm[i]]:
                j = i + n
                if j <= size and norm[i:j] in index and _word_edges(norm, i, j):
                    hits.append((i, j, index[norm[i:j]]))
            m = search(norm, i + 1)
        return hits

    def find(self, text: str) -> list[tuple[int, int, Concept]]:
        """Non-overlapping matches, longest first (ties: leftmost), returned in text order."""
        hits = self.candidates(text)
        if len(hits) < 2:
            return hits  # nothing overlaps (most blocks hold no label at all)
        chosen: list[tuple[int, int, Concept]] = []
        taken = [False] * len(text)
        for i, j, concept in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
            if not any(taken[i:j]):
                chosen.append((i, j, concept))
                taken[i:j] = [True] * (j - i)
        return sorted(chosen, key=lambda h: h[0])


def _word_edges(norm: str, i: int, j: int) -> bool:
    """Latin or digit labels (AI, 5G) must not be cut out of a longer Latin word."""
    if _ASCII_WORD.match(norm[i]) and i > 0 and _ASCII_WORD.match(norm[i - 1]):
        return False
    return not (_ASCII_WORD.match(norm[j - 1]) and j < len(norm) and _ASCII_WORD.match(norm[j]))


_Trie: TypeAlias = dict[str, "_Trie"]


def _trie_pattern(keys: Iterable[str]) -> str:
    """A regex alternation of ``keys`` shaped as a trie (common prefixes written once), so
    that the engine tests each character of the text against a few branches, not every key."""
    trie: _Trie = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: _Trie) -> str:
        # A label that ends here makes the rest unnecessary: the pattern only tells where
        # some label starts, so the shortest one is enough.
        if "" in node:
            return ""
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items())]
        if not branches:
            return "(?!)"  # an empty vocabulary: nothing starts anywhere
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"

    return pattern(trie)


@cache
def tokenizer() -> jieba.Tokenizer:
    """A jieba tokenizer of its own (initialised once), for word boundaries around matches."""
    jieba = _jieba()
    tok = jieba.Tokenizer()
    # jieba logs its dictionary loading at DEBUG on its own stderr handler; keep it quiet.
    logger = jieba.default_logger
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        prefix_dict = _cached_prefix_dict()
        if prefix_dict is None:
            tok.initialize()
            _save_prefix_dict(tok.FREQ, tok.total)
        else:
            tok.FREQ, tok.total = prefix_dict
            tok.initialized = True
    finally:
        logger.setLevel(level)
    return tok


# jieba's prefix dictionary (500,000 words and prefixes with their counts), kept whole in
# one file. jieba keeps it too (``jieba.cache``), but reads it with ``marshal.load`` on an
# open file, which reads each of its million objects from the file apart: 0.6 s, against
# 0.2 s to read the bytes and ``marshal.loads`` them. That is most of the time an update
# waits for its extraction worker. The file's name holds the user, jieba's version and the
# size and modification time of the ``dict.txt`` it was built from (a dictionary swapped in
# place gives another name); it is read only when this user owns it, and it starts with
# the SHA-256 of the rest, so a damaged file is ignored (jieba then builds the dictionary
# and it is saved again).
def _prefix_dict_path() -> Path | None:
    """The cache file's path, or None when jieba's dictionary cannot be found."""
    try:
        from importlib.metadata import version

        jieba = _jieba()
        source = os.stat(Path(str(jieba.__file__)).parent / jieba.DEFAULT_DICT_NAME)
        key = f"{version('jieba')} {source.st_size} {source.st_mtime_ns}"
    except Exception:  # jieba without metadata or its dict.txt: jieba's own load
        return None
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    name = f"policygraph-jieba-{_uid()}-{digest}-marshal{marshal.version}.bin"
    return Path(tempfile.gettempdir()) / name


def _uid() -> int:
    return os.getuid() if hasattr(os, "getuid") else 0


def _cached_prefix_dict() -> tuple[dict[str, int], int] | None:
    path = _prefix_dict_path()
    if path is None:
        return None
    try:
        with open(path, "rb") as f:
            if os.fstat(f.fileno()).st_uid != _uid():
                return None  # another user's file in a shared folder: never trusted
            data = f.read()
    except OSError:
        return None
    digest, payload = data[:32], data[32:]
    if hashlib.sha256(payload).digest() != digest:
        return None
    try:
        freq, total = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(freq, dict) or not isinstance(total, int):
        return None
    return freq, total


def _save_prefix_dict(freq: dict[str, int], total: int) -> None:
    """Written to a temporary file and renamed, so a reader never sees half of it; a
    folder that cannot be written only costs the next process the slow load."""
    path = _prefix_dict_path()
    if path is None:
        return
    payload = marshal.dumps((freq, total))
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return
    _prune_prefix_dicts(path)


#: Another jieba (another venv, another dict.txt) may still use its file: only files of this
#: user untouched for this long are removed.
PREFIX_DICT_MAX_AGE = 7 * 24 * 3600


def _prune_prefix_dicts(kept: Path) -> None:
    """Remove this user's dictionary files of other jieba installs, written more than
    :data:`PREFIX_DICT_MAX_AGE` ago. Each fresh venv installs a ``dict.txt`` with a new
    modification time and so writes a new 9 MB file; without this they piled up in the
    temporary folder (twenty on the CI machine in a day)."""
    prefix = f"policygraph-jieba-{_uid()}-"
    old = time.time() - PREFIX_DICT_MAX_AGE
    try:
        entries = list(os.scandir(kept.parent))
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(prefix) or entry.name == kept.name:
            continue
        with contextlib.suppress(OSError):
            st = entry.stat(follow_symlinks=False)
            if st.st_uid == _uid() and stat.S_ISREG(st.st_mode) and st.st_mtime < old:
                os.unlink(entry.path)


def word_bounds(text: str) -> frozenset[int]:
    """Positions in ``text`` where a jieba word starts or ends."""
    return frozenset(b for _, i, j in tokenizer().tokenize(text) for b in (i, j))


class WordBounds:
    """``pos in WordBounds(text)`` iff ``pos in word_bounds(text)``, segmenting only the
    pieces of ``text`` that are asked about.

    jieba cuts a text into runs of Han characters (and ASCII words) and the pieces between
    them, and segments each piece on its own (``jieba.re_han_default``): a piece's words do
    not depend on the text around it. So a piece that holds no position in question is never
    segmented, and most blocks need one or two of their clauses segmented, not all."""

    __slots__ = ("_pieces", "_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None  # where the pieces start, once asked
        self._pieces: dict[int, frozenset[int]] = {}

    def __contains__(self, pos: object) -> bool:
        text = self._text
        if not isinstance(pos, int) or not text or not 0 <= pos <= len(text):
            return False
        if self._starts is None:
            self._starts = _piece_starts(text)
        starts = self._starts
        k = bisect_right(starts, pos) - 1
        start = starts[k]
        if pos == start or pos == len(text):
            return True
        bounds = self._pieces.get(k)
        if bounds is None:
            end = starts[k + 1] if k + 1 < len(starts) else len(text)
            bounds = self._pieces[k] = word_bounds(text[start:end])
        return pos - start in bounds


def _piece_starts(text: str) -> list[int]:
    """Where the pieces of ``jieba.re_han_default.split(text)`` start (``text`` not empty):
    at 0 and at both ends of every run the pattern matches."""
    starts = {0}
    for m in _re_han().finditer(text):
        starts.update(m.span())
    starts.discard(len(text))
    return sorted(starts)


@cache
def _re_han() -> re.Pattern[str]:
    pattern: re.Pattern[str] = _jieba().re_han_default
    return pattern


def _jieba() -> ModuleType:
    """jieba, imported without ``pkg_resources`` when this process has not imported it.

    jieba uses it only to find its own data files and reads them from beside its module
    when it is missing (``jieba/_compat.py``); importing it took 0.07 s of the 0.1 s of
    importing jieba, at every extraction worker's start. Only in a process with one thread:
    another thread importing ``pkg_resources`` meanwhile would find it missing."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules or threading.active_count() > 1:
        return importlib.import_module("jieba")
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # (import fails)
    try:
        return importlib.import_module("jieba")
    finally:
        del sys.modules["pkg_resources"]


def vocab_path(name: str) -> Path:
    return ontology_dir() / "vocab" / f"{name}.ttl"


#: Kinds of place in ``places.ttl`` (the ``skos:broader`` of every place).
PROVINCE = "https://w3id.org/policygraph/vocab/place-kind/province"
CITY = "https://w3id.org/policygraph/vocab/place-kind/city"


def provinces() -> list[Concept]:
    """The provinces, autonomous regions, municipalities and SARs of ``places.ttl`` (34)."""
    return [c for c in load_scheme("places") if PROVINCE in c.broader]


@cache
def load_scheme(name: str) -> Vocabulary:
    """The vocabulary in ``ontology/vocab/{name}.ttl``: the concepts of its main
    ``skos:ConceptScheme`` (the one with ``dcterms:identifier "{name}"``). Other schemes in
    the file, such as organization kinds, only serve as ``skos:broader`` targets."""
    path = vocab_path(name)
    if not path.is_file():
        raise VocabularyError(f"{path}: no such vocabulary file")
    # Oxigraph's Turtle parser, not rdflib's: every build process loads the vocabularies
    # at start-up, and rdflib took 0.2 s for them where Oxigraph takes 0.01 s.
    graph: dict[str, dict[str, set[ox.NamedNode | ox.BlankNode | ox.Literal]]] = {}
    try:
        for quad in ox.parse(path=path, format=ox.RdfFormat.TURTLE):
            if isinstance(quad.subject, ox.NamedNode):
                by_predicate = graph.setdefault(quad.subject.value, {})
                by_predicate.setdefault(quad.predicate.value, set()).add(quad.object)
    except (SyntaxError, ValueError) as exc:
        raise VocabularyError(f"{path}: not valid Turtle: {exc}") from exc
    identifier = ox.Literal(name)
    schemes = sorted(
        s
        for s, props in graph.items()
        if identifier in props.get(_DCTERMS_IDENTIFIER, ())
        and _CONCEPT_SCHEME in props.get(_RDF_TYPE, ())
    )
    if len(schemes) != 1:
        raise VocabularyError(
            f'{path}: needs exactly one skos:ConceptScheme with dcterms:identifier "{name}"'
        )
    scheme = ox.NamedNode(schemes[0])
    members = sorted(s for s, props in graph.items() if scheme in props.get(_SKOS + "inScheme", ()))
    concepts = [_concept(iri, graph[iri], path) for iri in members]
    return Vocabulary(name=name, iri=schemes[0], concepts=tuple(concepts))


_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_DCTERMS_IDENTIFIER = "http://purl.org/dc/terms/identifier"
_CONCEPT_SCHEME = ox.NamedNode(_SKOS + "ConceptScheme")


def _concept(
    iri: str, props: dict[str, set[ox.NamedNode | ox.BlankNode | ox.Literal]], path: Path
) -> Concept:
    def labels(prop: str, lang: str) -> list[str]:
        return sorted(
            o.value
            for o in props.get(_SKOS + prop, ())
            if isinstance(o, ox.Literal) and o.language == lang
        )

    pref = labels("prefLabel", "zh")
    if len(pref) != 1:
        raise VocabularyError(f"{path}: <{iri}> needs exactly one skos:prefLabel @zh, has {pref}")
    en = labels("prefLabel", "en")
    broader = sorted(o.value for o in props.get(_SKOS + "broader", ()))
    return Concept(
        iri=iri,
        pref_label=pref[0],
        alt_labels=tuple(a for a in labels("altLabel", "zh") if a != pref[0]),
        broader=tuple(broader),
        en_label=en[0] if en else None,
    )
