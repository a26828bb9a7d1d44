"""Local bodies: ``省发展改革委``, ``市国资委``, ``自治区发展改革委`` are a province's or a
city's department, never the national body whose short name they contain (issue 19.5).

A body's level and place are part of its identity. A known body (vocabulary label) written
right after a bare level word (省, 市, 自治区, 县, 区 … alone, or after 各/本/全/由 and the
like) is a local body:

- resolved against the document's seat when it is known (:func:`document_seat`): in a Hunan
  plan ``省发展改革委`` is ``湖南省发展改革委``, in a Jinan one ``市发展改革委`` is
  ``济南市发展改革委``;
- otherwise kept apart with its place unknown: label ``省发展改革委``, and a key scoped to the
  document (``省发展改革委@<document id>``), so that two provinces' commissions do not merge.

``各省（区、市）发展改革委`` (every province's commission) never resolves to one place.
A level word that ends a longer word (潍坊市, 高新区) names its place itself: the body is
named as written (``潍坊市发展改革委``) unless that word is a common noun (城市, 上市).

A bare level word also opens the names of local bodies the vocabulary does not know:
``省工业和信息化厅``, ``市大数据局``, ``省委网信办`` (an institution word ends them, as in
``organizations.pattern``), placed the same way.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from policygraph.extract.base import entity_key
from policygraph.rules.vocab import CITY, PROVINCE, Concept, load_scheme, tokenizer
from policygraph.rules.wordlists import load, words
from policygraph.text.document import Document

_HAN = re.compile(r"[\u4e00-\u9fff]")
# The level word right before a body, with an optional （区、市） list after it.
_LEVEL_TAIL = re.compile(
    r"(自治区|直辖市|自治州|省|市|区|县|州|盟|旗)(（[区市县旗盟州自治直辖、]+）)?$"
)
# Characters that can stand before a bare level word without being part of a place name:
# scope words (各市, 本市, 全省) and the verbs and particles of lists of responsible units.
_BEFORE_BARE = frozenset("各本全该由经向与和及同对在将为请报交至从头归按据是并或")
# Scope words that make the level word a collective (每个省), not the document's own place.
_COLLECTIVE = frozenset("各")
# Words ending in a level character that are not places.
#: The sections of ``data/organizations.txt`` (read here and by :mod:`.organizations`).
ORGANIZATION_SECTIONS = (
    "institution-suffixes",
    "affiliation-suffixes",
    "not-institutions",
    "job-titles",
    "middle-stopwords",
    "not-level-words",
    "parent-suffixes",
    "national-names",
    "not-places",
    "national-prefixes",
)
_WORDS = load("organizations.txt", lists=ORGANIZATION_SECTIONS)
_NOT_PLACE = frozenset(words(_WORDS, "not-places"))
# Prefixes of a national body's name that a local one does not repeat (国家发展改革委 →
# 省发展改革委, 国务院国资委 → 市国资委).
_NATIONAL_PREFIXES = words(_WORDS, "national-prefixes")


@dataclass(frozen=True, slots=True)
class LocalPrefix:
    """The level words before a body: ``start`` where they begin in the text, ``level`` the
    level word (省, 市 …), ``place`` a place named with it (潍坊市) or None for a bare level,
    ``collective`` for 各省 and （区、市） lists."""

    start: int
    level: str
    place: str | None
    collective: bool


def local_prefix(text: str, i: int) -> LocalPrefix | None:
    """The level word(s) right before ``text[i]``, when they make what follows a local body."""
    m = _LEVEL_TAIL.search(text[max(0, i - 16) : i])
    if m is None:
        return None
    offset = max(0, i - 16)
    p = offset + m.start(1)  # where the level word starts
    level = m[1]
    listed = m[2] is not None
    before = text[p - 1] if p > 0 else ""
    if not _HAN.match(before) or before in _BEFORE_BARE:
        collective = listed or before in _COLLECTIVE
        return LocalPrefix(p, level, None, collective)
    # The level word ends a longer word: a place the vocabulary does not know (潍坊市), a
    # zone (高新区), or a common noun (城市) that makes no local body.
    word = _last_word(text[max(0, p - 6) : p + len(level)])
    if len(word) <= len(level) or word in _NOT_PLACE or not word.endswith(level):
        return None
    return LocalPrefix(p + len(level) - len(word), level, word, listed)


_LEVEL = re.compile(
    r"(?:自治区|直辖市|自治州|省|市|区|县|州|盟|旗)(?:（[区市县旗盟州自治直辖、]+）)?"
)


def bare_levels(text: str) -> list[tuple[int, int, LocalPrefix]]:
    """Bare level words (``省`` of ``、省科技厅``, ``各市``), as ``(start, end, prefix)``: where a
    local body's own name may follow (``省工业和信息化厅``)."""
    out = []
    for m in _LEVEL.finditer(text):
        prefix = local_prefix(text, m.end())
        if prefix is not None and prefix.place is None and prefix.start == m.start():
            out.append((m.start(), m.end(), prefix))
    return out


@lru_cache(maxsize=4096)
def _last_word(window: str) -> str:
    words = [w for w, _, _ in tokenizer().tokenize(window)]
    return words[-1] if words else ""


def local_name(concept: Concept, surface: str) -> str:
    """What a local body of this kind is called after its level word: the national name
    without 国家 / 国务院 when that is one of its labels (发展改革委, 国资委), else as written."""
    labels = set(concept.labels)
    for prefix in _NATIONAL_PREFIXES:
        rest = concept.pref_label.removeprefix(prefix)
        if rest != concept.pref_label and rest in labels:
            return rest
    return surface


@dataclass(frozen=True, slots=True)
class Seat:
    """Where a document's issuer sits, as far as the document tells: its province-level
    division and its city (None when unknown)."""

    province: str | None = None
    city: str | None = None

    def place_for(self, level: str) -> str | None:
        if level in ("省", "自治区"):
            return self.province if self.province and self.province.endswith(level) else None
        if level in ("市", "直辖市"):
            return self.city
        return None  # 区, 县 …: the vocabulary knows no districts or counties


# How far into a document its head goes (issuer lines, title, addressees).
_HEAD = 200


def document_seat(doc: Document) -> Seat:
    """The province and city a document is issued in: from the manifest's issuer, else from
    the places named in its head (issuer lines, title), else from the one province (or city)
    its text names more often than all others together, at least twice."""
    if doc.meta.issuer:
        seat = _seat_of(Counter(_places(doc.meta.issuer)), decisive=True)
        if seat.province or seat.city:
            return seat
    head_text = doc.meta.title + "\n" + doc.text[:_HEAD]
    head = _seat_of(Counter(_places(head_text)), decisive=True)
    body = _seat_of(Counter(_places(doc.text)), decisive=False)
    return Seat(head.province or body.province, head.city or body.city)


def _places(text: str) -> list[Concept]:
    return [concept for _, _, concept in load_scheme("places").find(text)]


def _seat_of(counts: Counter[Concept], *, decisive: bool) -> Seat:
    """The province and city in ``counts``: the only one of its level when ``decisive``
    (a head names its own place), else one named at least twice and more often than all
    others of its level together."""
    provinces = Counter({c: n for c, n in counts.items() if PROVINCE in c.broader})
    cities = Counter(
        {
            c: n
            for c, n in counts.items()
            if CITY in c.broader or (PROVINCE in c.broader and c.pref_label.endswith("市"))
        }
    )

    def pick(group: Counter[Concept]) -> str | None:
        if not group:
            return None
        (top, n), *rest = sorted(group.items(), key=lambda kv: (-kv[1], kv[0].pref_label))
        if decisive:
            return top.pref_label if not rest else None
        return top.pref_label if n >= 2 and n > sum(k for _, k in rest) else None

    return Seat(pick(provinces), pick(cities))


#: Rule ids of local bodies: placed (湖南省发展改革委) and with the place unknown (省发展改革委,
#: whose key is scoped to its document by :func:`scoped_key`).
LOCAL_RULE = "organizations.local"
UNPLACED_RULE = "organizations.local-unplaced"


def local_body(prefix: LocalPrefix, name: str, seat: Seat) -> tuple[str, str]:
    """``(label, rule)`` of the local body ``name`` (发展改革委) after ``prefix``."""
    if prefix.place is not None:
        return prefix.place + name, LOCAL_RULE
    if not prefix.collective:
        place = seat.place_for(prefix.level)
        if place is not None:
            return place + name, LOCAL_RULE
    return prefix.level + name, UNPLACED_RULE


def org_key(label: str, rule: str, doc_id: str) -> str:
    """The key of an organization found by ``rule``: a local body whose place is unknown is
    one of its document only (two documents' 省发展改革委 may be two provinces')."""
    key = entity_key(label)
    return f"{key}@{doc_id}" if rule == UNPLACED_RULE else key
