"""Events: party plenums and congresses, NPC and CPPCC sessions, central work conferences,
Politburo meetings and collective study sessions, and inspection tours (``在安徽考察``).

Included (rule id → canonical label):

- ``events.plenum``: ``党的二十届四中全会``, ``二十届四中全会``, ``中共十九届五中全会``,
  ``中国共产党第十九届中央委员会第五次全体会议`` → ``党的十九届五中全会``; a list
  ``十九届二中、三中全会`` gives one mention per plenum (``十九届二中`` | ``三中全会``).
- ``events.congress``: ``党的十九大``, ``中共十九大``, ``中国共产党第十九次全国代表大会``
  → ``党的十九大`` (the party prefix is required: a bare ``十九大`` is left out).
- ``events.npc-session``: ``十四届全国人大三次会议``, ``第十二届全国人民代表大会第一次会议``,
  ``十四届全国人大常委会第十次会议`` → ``十二届全国人大一次会议`` / ``…全国人大常委会第十次会议``.
- ``events.cppcc-session``: ``全国政协十四届三次会议``, ``十四届全国政协三次会议``,
  ``中国人民政治协商会议第十四届全国委员会第三次会议`` → ``全国政协十四届三次会议``.
- ``events.two-sessions``: ``全国两会``.
- ``events.collective-study``: ``二十届中央政治局第二十次集体学习`` (``中共``/``第`` dropped).
- ``events.meeting``: ``中央政治局会议``, ``中央政治局常委会会议``, ``国务院常务会议``,
  ``中央…委员会第N次会议`` (as written).
- ``events.work-conference``: ``中央城市工作会议``, ``全国金融工作会议``, ``全国科技大会``… —
  ``中央``/``全国``/``全军`` + a short name + ``工作会议``/``大会`` (never ``代表大会``).
- ``events.named-meeting``: a meeting named by its topic after ``在``/``出席``/``主持召开``…
  and before ``上``/``时``/``的讲话``…: ``庆祝中国共产党成立100周年大会``,
  ``新时代推动东北全面振兴座谈会``, ``2024年世界人工智能大会`` (as written; 座谈会, 研讨会,
  论坛, 峰会, 博览会, 大会, 年会, 开幕式; not ``这次大会``, ``有关座谈会``).
- ``events.inspection``: ``在安徽考察`` → ``安徽考察``: ``在`` + a place from the vocabulary
  (+ up to four more characters) + ``考察``/``调研``/``视察``; the label uses the place's
  short name and leaves out the person.

Excluded: numbered sessions without a body (``三次会议``), ``两会`` without ``全国``, meetings
named only by a date. Known gap: recurring events share a key (every ``中央政治局会议``, every
``安徽考察``), since the text rarely dates them in the same phrase.

Meeting names, conference words and inspection verbs live in ``data/events.txt`` (read with
:mod:`policygraph.rules.wordlists`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from policygraph.extract.driver import BlockRecognizer, BlockScan, Found, Match
from policygraph.rules.vocab import load_scheme
from policygraph.rules.wordlists import (
    alternation,
    entry_error,
    none_of,
    parse_word_file,
    read_data,
)
from policygraph.text.document import Block, Document
from policygraph.text.spans import Claims

_N = "[一二三四五六七八九十]+"
_CJK = "[\u4e00-\u9fff]"


@dataclass(frozen=True, slots=True)
class EventWords:
    """The word lists of ``data/events.txt``."""

    meetings: tuple[str, ...]
    conference_scopes: tuple[str, ...]
    conference_kinds: tuple[str, ...]
    conference_name_stops: str
    congress_heads: tuple[str, ...]
    congress_tails: tuple[str, ...]
    not_congress: tuple[str, ...]
    inspection_verbs: tuple[str, ...]
    named_triggers: tuple[str, ...]
    named_kinds: tuple[str, ...]
    named_not_heads: tuple[str, ...]


_SECTIONS = (
    "meetings",
    "conference-scopes",
    "conference-kinds",
    "conference-name-stops",
    "congress-heads",
    "congress-tails",
    "not-congress",
    "inspection-verbs",
    "named-meeting-triggers",
    "named-meeting-kinds",
    "named-meeting-not-heads",
)


def parse_words(text: str, *, name: str = "events.txt") -> EventWords:
    """The word lists of an ``events.txt``, checked."""
    sections = parse_word_file(text, name=name, single=_SECTIONS)

    def section(key: str) -> tuple[str, ...]:
        return tuple(e.words[0] for e in sections[key])

    for entry in sections["conference-name-stops"]:
        if len(entry.words[0]) != 1:
            raise entry_error(name, entry, "[conference-name-stops] takes one character a line")
    for entry in sections["not-congress"]:
        if len(entry.words[0]) < 2 or not entry.words[0].startswith("大"):
            raise entry_error(name, entry, "[not-congress] takes words that start with 大")
    return EventWords(
        meetings=section("meetings"),
        conference_scopes=section("conference-scopes"),
        conference_kinds=section("conference-kinds"),
        conference_name_stops="".join(section("conference-name-stops")),
        congress_heads=section("congress-heads"),
        congress_tails=section("congress-tails"),
        not_congress=section("not-congress"),
        inspection_verbs=section("inspection-verbs"),
        named_triggers=section("named-meeting-triggers"),
        named_kinds=section("named-meeting-kinds"),
        named_not_heads=section("named-meeting-not-heads"),
    )


@cache
def words() -> EventWords:
    """Loaded and checked once."""
    return parse_words(read_data("events.txt"))


# ---------------------------------------------------------------------------------------------
# Patterns


def _as_written(m: re.Match[str]) -> str | None:
    return m.group()


@dataclass(frozen=True, slots=True)
class _Rule:
    """A rule's pattern and words one of which every match of it contains (a literal the
    pattern requires, or the alternatives it requires one of): a text without any of them
    is not searched. Most blocks name no event, and a failed search tries the pattern at
    every position, so the rules cost little where a substring test rules them out."""

    name: str
    pattern: re.Pattern[str]
    needs: tuple[str, ...]
    # the canonical label of a match, None to drop it
    label: Callable[[re.Match[str]], str | None] = _as_written
    # the mention starts at this group (a named meeting's trigger word is not part of it)
    start_group: int | str = 0

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if not any(map(text.__contains__, self.needs)):
            return iter(())
        return self.pattern.finditer(text)


@dataclass(frozen=True, slots=True)
class _Patterns:
    rules: tuple[_Rule, ...]
    inspection: _Rule
    # any word some rule needs (plenum lists need 届 too): one search tells that a block
    # names no event, as nineteen in twenty do
    needed: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    w = words()
    not_congress = [word[1:] for word in w.not_congress]  # 大学 → 学: the 大 is in the pattern
    # A topic name holds no verb of meeting: 在北京主持召开座谈会 names no meeting.
    verbs = sorted({t for t in w.named_triggers if len(t) > 1} | {"主持", "参加"})
    rules = (
        _Rule(
            "events.plenum",
            re.compile(
                rf"(?P<party>党的|中共|中国共产党)?第?(?P<a>{_N})届(?P<cc>中央委员会|中央)?"
                rf"第?(?P<b>{_N})(?P<kind>中全会|次全体会议)"
            ),
            ("届",),
            label=_plenum,
        ),
        _Rule(
            "events.congress",
            re.compile(rf"(?:党的|中共)(?P<a>{_N})大{none_of(not_congress)}"),
            ("党的", "中共"),
            label=_congress,
        ),
        _Rule(
            "events.congress",
            re.compile(rf"中国共产党第(?P<a>{_N})次全国代表大会"),
            ("中国共产党第",),
            label=_congress,
        ),
        _Rule(
            "events.npc-session",
            re.compile(
                rf"第?(?P<a>{_N})届全国(?:人民代表大会|人大)(?P<sc>常务委员会|常委会)?"
                rf"第?(?P<b>{_N})次(?:全体)?会议"
            ),
            ("届全国",),
            label=_npc_session,
        ),
        _Rule(
            "events.npc-session",
            re.compile(rf"全国人大(?P<a>{_N})届(?P<b>{_N})次会议"),
            ("全国人大",),
            label=_npc_session,
        ),
        _Rule(
            "events.cppcc-session",
            re.compile(rf"中国人民政治协商会议第(?P<a>{_N})届全国委员会第(?P<b>{_N})次会议"),
            ("中国人民政治协商会议第",),
            label=_cppcc_session,
        ),
        _Rule(
            "events.cppcc-session",
            re.compile(rf"全国政协(?P<a>{_N})届(?P<b>{_N})次会议"),
            ("全国政协",),
            label=_cppcc_session,
        ),
        _Rule(
            "events.cppcc-session",
            re.compile(rf"第?(?P<a>{_N})届全国政协第?(?P<b>{_N})次会议"),
            ("届全国政协",),
            label=_cppcc_session,
        ),
        _Rule("events.two-sessions", re.compile(r"全国两会"), ("全国两会",)),
        _Rule(
            "events.collective-study",
            re.compile(rf"(?:中共)?(?:第?(?P<a>{_N})届)?中央政治局第(?P<b>{_N})次集体学习"),
            ("中央政治局第",),
            label=_collective_study,
        ),
        _Rule(
            "events.meeting",
            re.compile(
                alternation(w.meetings)
                + rf"|中央(?:(?!委员会){_CJK}){{2,12}}委员会第{_N}次(?:全体)?会议"
            ),
            (*w.meetings, "委员会第"),
        ),
        _Rule(
            "events.work-conference",
            re.compile(
                rf"(?:{alternation(w.conference_scopes)})"
                rf"(?P<name>(?:{none_of(w.conference_name_stops)}{_CJK}){{1,8}}?)"
                rf"(?P<kind>{alternation(w.conference_kinds)})"
            ),
            w.conference_kinds,
            label=_work_conference,
        ),
        _Rule(
            "events.named-meeting",
            re.compile(
                rf"(?:{alternation(w.named_triggers)})"
                rf"(?P<name>(?:{none_of(verbs)}{none_of(w.conference_name_stops)}"
                r"[\u4e00-\u9fff0-9A-Za-z]){3,24}?)"
                rf"(?P<kind>{alternation(w.named_kinds)})"
                r"(?=上|时|期间|开幕|闭幕|的讲话|的致辞|[，,。；、并])"
            ),
            w.named_kinds,
            label=_named_meeting,
            start_group="name",
        ),
    )
    inspection = _Rule(
        "events.inspection",
        re.compile(rf"在(?P<where>{_CJK}{{2,12}}?)(?P<verb>{alternation(w.inspection_verbs)})"),
        w.inspection_verbs,
    )
    needed = {word for rule in (*rules, inspection) for word in rule.needs} | {"届"}
    return _Patterns(rules, inspection, re.compile(alternation(needed)))


# 十九届二中、三中全会: one mention per plenum (``十九届二中`` | ``三中全会``).
_PLENUM_LIST = re.compile(
    rf"(?P<party>党的|中共)?(?P<a>{_N})届(?P<items>(?:[一二三四五六七八九十]+中、)+[一二三四五六七八九十]+中全会)"
)
_INSPECTION_REST = re.compile(r"[\u4e00-\u9fff]{0,4}")


def find_events(text: str) -> list[tuple[int, int, str, str]]:
    """Events in ``text`` as ``(i, j, canonical label, rule)``, non-overlapping, in order.
    Other extractors use this to keep out of meeting names (中央政治局 inside
    ``中央政治局会议``) and to link a policy to the meeting that adopted it."""
    patterns = _patterns()
    if not patterns.needed.search(text):
        return []
    hits: list[tuple[int, int, str, str]] = []
    for rule in patterns.rules:
        for m in rule.finditer(text):
            label = rule.label(m)
            if label is not None:
                hits.append((m.start(rule.start_group), m.end(), label, rule.name))
    hits.extend(_inspections(text))
    hits.extend(_plenum_lists(text))
    chosen: list[tuple[int, int, str, str]] = []
    taken = Claims()  # (an index: a scan of every event chosen cost the square of their number)
    for hit in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
        if not taken.overlap(hit[0], hit[1]):
            chosen.append(hit)
            taken.add(hit[0], hit[1])
    return sorted(chosen)


def _plenum(m: re.Match[str]) -> str | None:
    if m["kind"] == "次全体会议" and not m["cc"]:
        return None  # 第五次全体会议 of what? Only the Central Committee's count here.
    return f"党的{m['a']}届{m['b']}中全会"


def _congress(m: re.Match[str]) -> str | None:
    return f"党的{m['a']}大"


def _npc_session(m: re.Match[str]) -> str | None:
    if m.groupdict().get("sc"):
        return f"{m['a']}届全国人大常委会第{m['b']}次会议"
    return f"{m['a']}届全国人大{m['b']}次会议"


def _cppcc_session(m: re.Match[str]) -> str | None:
    return f"全国政协{m['a']}届{m['b']}次会议"


def _collective_study(m: re.Match[str]) -> str | None:
    prefix = f"{m['a']}届" if m["a"] else ""
    return f"{prefix}中央政治局第{m['b']}次集体学习"


def _work_conference(m: re.Match[str]) -> str | None:
    name = m["name"]
    w = words()
    if m["kind"] == "大会" and (
        name.endswith(w.congress_tails) or name.startswith(w.congress_heads)
    ):
        return None  # 全国人民代表大会, 全国代表大会: bodies and congresses, not this rule
    return m.group()


def _named_meeting(m: re.Match[str]) -> str | None:
    name = m["name"]
    w = words()
    if name.startswith(w.named_not_heads) or (
        m["kind"] == "大会"
        and (name.endswith(w.congress_tails) or name.startswith(w.congress_heads))
    ):
        return None
    return name + m["kind"]


def _inspections(text: str) -> Iterator[tuple[int, int, str, str]]:
    places = load_scheme("places")
    for m in _patterns().inspection.finditer(text):
        where = m["where"]
        hits = places.find(where)
        if not hits or hits[0][0] != 0:
            continue
        _, j, place = hits[0]
        rest = where[j:]
        if len(rest) > 4 or not _INSPECTION_REST.fullmatch(rest):
            continue
        short = min(place.labels, key=lambda s: (len(s), s))
        yield m.start("where"), m.end(), f"{short}{rest}{m['verb']}", "events.inspection"


def _plenum_lists(text: str) -> Iterator[tuple[int, int, str, str]]:
    if "中全会" not in text:
        return  # every list ends in one (二中、三中全会)
    for m in _PLENUM_LIST.finditer(text):
        start = m.start()
        for item in re.finditer(r"([一二三四五六七八九十]+)中(?:全会)?", m["items"]):
            end = m.start("items") + item.end()
            yield start, end, f"党的{m['a']}届{item[1]}中全会", "events.plenum"
            start = end + 1  # past the 、


def _scan(doc: Document, found: Found) -> BlockScan:
    def match(block: Block, n: int) -> list[Match]:
        return [Match(i, j, "Event", label, rule) for i, j, label, rule in find_events(block.text)]

    return match


RECOGNIZER = BlockRecognizer("events", _scan)
