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
- ``events.inspection``: ``在安徽考察`` → ``安徽考察``: ``在`` + a place from the vocabulary
  (+ up to four more characters) + ``考察``/``调研``/``视察``; the label uses the place's
  short name and leaves out the person.

Excluded: numbered sessions without a body (``三次会议``), ``两会`` without ``全国``, meetings
named only by a date. Known gap: recurring events share a key (every ``中央政治局会议``, every
``安徽考察``), since the text rarely dates them in the same phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from policygraph.extract.base import entity_key
from policygraph.model import EntityMention, EntityRef, Fact
from policygraph.text.document import Document
from policygraph.vocab import load_scheme

SKIP_KINDS = frozenset({"byline", "editor"})

_N = "[一二三四五六七八九十]+"
_CJK = "[\u4e00-\u9fff]"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "events.plenum",
        re.compile(
            rf"(?P<party>党的|中共|中国共产党)?第?(?P<a>{_N})届(?P<cc>中央委员会|中央)?"
            rf"第?(?P<b>{_N})(?P<kind>中全会|次全体会议)"
        ),
    ),
    ("events.congress", re.compile(rf"(?:党的|中共)(?P<a>{_N})大(?!会|学|型|量|力)")),
    ("events.congress", re.compile(rf"中国共产党第(?P<a>{_N})次全国代表大会")),
    (
        "events.npc-session",
        re.compile(
            rf"第?(?P<a>{_N})届全国(?:人民代表大会|人大)(?P<sc>常务委员会|常委会)?"
            rf"第?(?P<b>{_N})次(?:全体)?会议"
        ),
    ),
    ("events.npc-session", re.compile(rf"全国人大(?P<a>{_N})届(?P<b>{_N})次会议")),
    (
        "events.cppcc-session",
        re.compile(rf"中国人民政治协商会议第(?P<a>{_N})届全国委员会第(?P<b>{_N})次会议"),
    ),
    ("events.cppcc-session", re.compile(rf"全国政协(?P<a>{_N})届(?P<b>{_N})次会议")),
    ("events.cppcc-session", re.compile(rf"第?(?P<a>{_N})届全国政协第?(?P<b>{_N})次会议")),
    ("events.two-sessions", re.compile(r"全国两会")),
    (
        "events.collective-study",
        re.compile(rf"(?:中共)?(?:第?(?P<a>{_N})届)?中央政治局第(?P<b>{_N})次集体学习"),
    ),
    (
        "events.meeting",
        re.compile(
            rf"中央政治局(?:常委会)?会议|国务院常务会议"
            rf"|中央(?:(?!委员会){_CJK}){{2,12}}委员会第{_N}次(?:全体)?会议"
        ),
    ),
    (
        "events.work-conference",
        re.compile(
            r"(?:中央|全国|全军)(?P<name>(?:(?![的和与及或在对把将从向于为了是并等])[\u4e00-\u9fff]){1,8}?)"
            r"(?P<kind>工作会议|大会)"
        ),
    ),
)
# 十九届二中、三中全会: one mention per plenum (``十九届二中`` | ``三中全会``).
_PLENUM_LIST = re.compile(
    rf"(?P<party>党的|中共)?(?P<a>{_N})届(?P<items>(?:[一二三四五六七八九十]+中、)+[一二三四五六七八九十]+中全会)"
)
_INSPECTION = re.compile(r"在(?P<where>[\u4e00-\u9fff]{2,12}?)(?P<verb>考察|调研|视察)")
_INSPECTION_REST = re.compile(r"[\u4e00-\u9fff]{0,4}")


def find_events(text: str) -> list[tuple[int, int, str, str]]:
    """Events in ``text`` as ``(i, j, canonical label, rule)``, non-overlapping, in order.
    Other extractors use this to keep out of meeting names (中央政治局 inside
    ``中央政治局会议``) and to link a policy to the meeting that adopted it."""
    hits: list[tuple[int, int, str, str]] = []
    for rule, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            label = _label(rule, m)
            if label is not None:
                hits.append((m.start(), m.end(), label, rule))
    hits.extend(_inspections(text))
    hits.extend(_plenum_lists(text))
    chosen: list[tuple[int, int, str, str]] = []
    for hit in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
        if all(hit[1] <= c[0] or c[1] <= hit[0] for c in chosen):
            chosen.append(hit)
    return sorted(chosen)


def _label(rule: str, m: re.Match[str]) -> str | None:
    if rule == "events.plenum":
        if m["kind"] == "次全体会议" and not m["cc"]:
            return None  # 第五次全体会议 of what? Only the Central Committee's count here.
        return f"党的{m['a']}届{m['b']}中全会"
    if rule == "events.congress":
        return f"党的{m['a']}大"
    if rule == "events.npc-session":
        if m.groupdict().get("sc"):
            return f"{m['a']}届全国人大常委会第{m['b']}次会议"
        return f"{m['a']}届全国人大{m['b']}次会议"
    if rule == "events.cppcc-session":
        return f"全国政协{m['a']}届{m['b']}次会议"
    if rule == "events.collective-study":
        prefix = f"{m['a']}届" if m["a"] else ""
        return f"{prefix}中央政治局第{m['b']}次集体学习"
    if rule == "events.work-conference":
        name = m["name"]
        if m["kind"] == "大会" and (name.endswith("代表") or name.startswith("人民")):
            return None  # 全国人民代表大会, 全国代表大会: bodies and congresses, not this rule
        return m.group()
    return m.group()


def _inspections(text: str) -> Iterator[tuple[int, int, str, str]]:
    places = load_scheme("places")
    for m in _INSPECTION.finditer(text):
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
    for m in _PLENUM_LIST.finditer(text):
        start = m.start()
        for item in re.finditer(r"([一二三四五六七八九十]+)中(?:全会)?", m["items"]):
            end = m.start("items") + item.end()
            yield start, end, f"党的{m['a']}届{item[1]}中全会", "events.plenum"
            start = end + 1  # past the 、


def extract(doc: Document, found: Sequence[Fact]) -> Iterator[Fact]:
    for block in doc.blocks:
        if block.kind in SKIP_KINDS:
            continue
        for i, j, label, rule in find_events(block.text):
            yield EntityMention(
                ref=EntityRef("Event", entity_key(label)),
                label=label,
                mention=doc.mention(block, i, j, rule),
                article=block.article,
            )
