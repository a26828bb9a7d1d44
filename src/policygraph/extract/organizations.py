"""Organizations: central party and state bodies, ministries, universities, research
institutes and the like, from the vocabulary ``ontology/vocab/organizations.ttl`` and from
the shape of institution names.

Included (rule ids):

- ``organizations.vocab``: every label of the vocabulary (国务院, 党中央 → 中共中央,
  工信部 → 工业和信息化部, 中央党校(国家行政学院) …); canonical label = the prefLabel.
- ``organizations.pattern``: a name that starts with a known organization or place and ends
  in an institution word at a word boundary (研究中心, 研究院, 研究所, 学院, 大学, 委员会,
  人民政府, 局, 厅, 银行, 集团, 公司 …), e.g. ``北京市习近平新时代中国特色社会主义思想研究中心``,
  ``教育部习近平新时代中国特色社会主义思想研究中心``, ``北京市人民政府``. The known
  organization it starts with is mentioned too (the parent body).
- ``organizations.affiliation``: in ``（作者系……）`` lines every item between ``、`` whose job
  title (研究员, 副所长, 院长, 教授 …) has been cut off, when what is left ends in an
  institution word or is in the vocabulary (``内蒙古自治区社会科学院社会学研究所``,
  ``财经战略研究院服务经济与互联网发展研究室``). :func:`affiliation_orgs` is the pure function
  behind it, for the person extractor.
- ``organizations.parent``: in those lines, the body whose name opens an item and ends in
  社会科学院 / 科学院 / 研究院 / 大学 / 党校 before a sub-unit (``内蒙古自治区社会科学院`` in
  ``内蒙古自治区社会科学院社会学研究所``), when the vocabulary does not already name it.
- ``organizations.central``: ``中央`` standing alone before a verb of decision
  (``中央明确提出``) → 中共中央.

Excluded: 我国, 政府 / 企业 / 党 alone, 各地, 各部门; names inside a Policy title (the policy
extractor mentions the issuer itself) or inside an event name (中央政治局 in
``中央政治局会议``, 全国人大 in ``十四届全国人大三次会议``); institution-shaped phrases in
running text that do not start with a known organization or place (``邻里服务中心``).
Canonical label of a pattern name: the name as written, full-width brackets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from policygraph.extract.driver import BlockRecognizer, BlockScan, Found, Match
from policygraph.extract.local import (
    ORGANIZATION_SECTIONS,
    LocalPrefix,
    Seat,
    bare_levels,
    document_seat,
    local_body,
    local_name,
    local_prefix,
    org_key,
)
from policygraph.model import EntityMention
from policygraph.rules.normalize import tidy_label
from policygraph.rules.vocab import load_scheme, tokenizer
from policygraph.rules.wordlists import load, longest_first, words
from policygraph.text.document import Block, Document
from policygraph.text.layout import is_person_name
from policygraph.text.spans import Spans, Stabbing

# Words an institution name in running text ends in (checked at a jieba word boundary).
# Bare 中心/院/所/部 are left to affiliation lines: in running text they end goals
# (上海国际金融中心) and regions (广东东部) as often as institutions.
_WORDS = load("organizations.txt", lists=ORGANIZATION_SECTIONS)
INSTITUTION_SUFFIXES: tuple[str, ...] = words(_WORDS, "institution-suffixes")
# In affiliation lines (作者系……) every item is an institution, so any of these endings do.
_AFFILIATION_EXTRA = words(_WORDS, "affiliation-suffixes")
# Words that end in an institution character without being institutions.
_NOT_INSTITUTION = frozenset(words(_WORDS, "not-institutions"))

# Job titles at the end of an affiliation item, longest first.
JOB_TITLES: tuple[str, ...] = longest_first(words(_WORDS, "job-titles"))

# Words that cannot stand inside an institution name in running text: verbs of the
# sentence around it, and the particles that join phrases.
_MIDDLE_STOPWORDS = frozenset(words(_WORDS, "middle-stopwords"))
_NAME_RUN = re.compile(r"[\u4e00-\u9fff（）()]+")
_CENTRAL = re.compile(
    r"(?<![\u4e00-\u9fff])中央(?=明确|提出|要求|强调|决定|部署|作出|做出|出台|印发|高度重视|号召|指出)"
)
_AFFILIATION_BODY = re.compile(r"^[（(【\[]?\s*(?:作者)?(?:均|分别)?(?:系|为|单位[:：])?")
_AUTHOR_CLAUSE = re.compile(r"(?P<name>[\u4e00-\u9fff·]{2,4}?)系")  # 任晓刚系……
_AFFILIATION_END = re.compile(r"[）)】\]]\s*$")
_ITEM_SPLIT = re.compile(r"[、，,；;]|(?<=[员授长任师])和")
_MAX_NAME = 40
# A name can only end in an institution word where one of these characters stands: windows
# without one after the anchor are not segmented at all (jieba is most of the cost here).
_SUFFIX_ENDS = re.compile(f"[{''.join(sorted({s[-1] for s in INSTITUTION_SUFFIXES}))}]")


# Names that say they are national: a level word before them (香港地区全国人大代表, 驻本市
# 全国人民代表大会代表) does not make them a local body.
_NATIONAL_NAMES = words(_WORDS, "national-names")
# A level word a local body may be written after (the check that a document's seat is needed).
_LEVEL_WORD = re.compile("[省市区县州盟旗]")


def _ends_institution(name: str, extra: tuple[str, ...] = ()) -> str | None:
    return next((s for s in (*INSTITUTION_SUFFIXES, *extra) if name.endswith(s)), None)


def _vocab_label(surface: str) -> str | None:
    concept = load_scheme("organizations").lookup(surface)
    return concept.pref_label if concept else None


def affiliation_orgs(text: str) -> list[tuple[int, int, str]]:
    """Organizations in an affiliation line such as ``（作者系教育部……研究中心特约研究员、
    北京大学经济学院院长）``, as ``(i, j, canonical label)`` with clean offsets into ``text``:
    the line is split at ``、``, each item loses its job titles, and what is left counts when it
    ends in an institution word or is in the vocabulary."""
    head = _AFFILIATION_BODY.match(text)
    start = head.end() if head else 0
    tail = _AFFILIATION_END.search(text, start)
    end = tail.start() if tail else len(text)
    out: list[tuple[int, int, str]] = []
    i = start
    for sep in [*_ITEM_SPLIT.finditer(text, start, end), None]:
        j = sep.start() if sep else end
        item = _strip_item(text, i, j)
        if item is not None:
            a, b = item
            surface = text[a:b]
            label = _vocab_label(surface)
            if label is None and _ends_institution(surface, _AFFILIATION_EXTRA):
                label = tidy_label(surface)
            if label is not None:
                out.append((a, b, label))
        i = sep.end() if sep else end
    return out


# A body whose name can open a sub-unit's (内蒙古自治区社会科学院|社会学研究所,
# 财经战略研究院|服务经济与互联网发展研究室): the affiliation names the parent too.
_PARENT_SUFFIXES = words(_WORDS, "parent-suffixes")


def _parent_end(name: str) -> int | None:
    """End of the longest parent body that opens ``name`` and leaves a sub-unit after it."""
    best = None
    for k in range(2, len(name) - 1):
        rest = name[k:]
        if name[:k].endswith(_PARENT_SUFFIXES) and rest[0] not in "（）()" and len(rest) >= 2:
            best = k
    return best


def _strip_item(text: str, i: int, j: int) -> tuple[int, int] | None:
    """Clean span of the organization in ``text[i:j]`` once job titles are cut off."""
    while i < j and (text[i].isspace() or text[i] in "兼原"):
        i += 1
    author = _AUTHOR_CLAUSE.match(text, i, j)
    if author and is_person_name(author["name"]):
        i = author.end()
    while j > i and text[j - 1].isspace():
        j -= 1
    changed = True
    while changed:
        changed = False
        for title in JOB_TITLES:
            if j - i > len(title) and text[i:j].endswith(title):
                j -= len(title)
                changed = True
                break
    return (i, j) if j - i >= 2 else None


def _pattern_orgs(text: str, anchors: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Institution names in running text that start at an anchor (a known organization or
    place) and end in an institution word at a word boundary."""
    out: list[tuple[int, int]] = []
    for a, b in anchors:
        if out and a < out[-1][1]:
            continue  # 中国 inside …中国特色社会主义思想研究中心 starts no second name
        run = _NAME_RUN.match(text, a, a + _MAX_NAME)  # (not a whole unpunctuated run)
        if run is None:
            continue
        window = text[a : run.end()]
        if _SUFFIX_ENDS.search(window, b - a) is None:
            continue
        words = _window_words(window)
        best = None
        for k, (_, end, word) in enumerate(words):
            if end <= b - a:
                continue
            stop = word in _MIDDLE_STOPWORDS or word.startswith(("各", "等"))
            if stop and not _joins_name(words, k, b - a):
                break
            if word not in _NOT_INSTITUTION and _ends_institution(window[:end]):
                best = end
        if best is not None:
            out.append((a, a + best))
    return out


# 本市 / 全省 / 该县 open a sentence's subject (本市节能工作…), not a list of bodies: only a
# known body after them is read as local (本市发展改革委).
_NOT_BEFORE_LEVEL = frozenset("本全该在将为是并或对从至按据归")
# Words a level character opens that make it no level word of a body's name (jieba cuts
# 市大数据局 as 市大|数据|局 and 省政府 as one word, so its word bounds cannot tell).
_NOT_LEVEL_WORDS = frozenset(words(_WORDS, "not-level-words"))


# Words that do not stand inside a local body's name: the verbs and places of the sentence
# around it (市工业和信息化局根据省工业和信息化厅…, 全省建有…实验室, 县人民政府所在地…).
_NOT_IN_LOCAL_NAME = re.compile(
    "根据|按照|依照|依据|建有|境内|所在地|区域|函请|报送|报请|配合|认真|可以|应当|委托|商同"
    "|决定|认为|提请|会同|负责|组织|指导|以及|或者|及|与|在|对|向|由|将|的|等|各|有关|相关"
    "|以上|以下|一级|实行|下设|重点"
    "|[，、；：（）()]"
)
_MAX_LOCAL_NAME = 12  # 人力资源社会保障厅, 人民代表大会常务委员会


# 政府 and 党委 end a sentence's subject as often as a name (本市节能工作遵循政府…): a name
# with them is the government (office) or the committee itself.
_GOVERNMENT = re.compile(r"政府|党委")
_GOVERNMENT_NAME = re.compile(r"(?:人民)?政府(?:办公厅|办公室)?|党委")


def _local_name_ok(name: str) -> bool:
    """A local body's own name (what follows its level word): short, one body, no verb."""
    if _GOVERNMENT.search(name) and not _GOVERNMENT_NAME.fullmatch(name):
        return False
    for k, ch in enumerate(name):
        # 和 inside one name (工业和信息化厅), not between two (市人民检察院和市人民检察院,
        # 公积金管理中心和受托银行, 市和区人大财经委)
        if ch == "和" and (
            k == 0 or _ends_institution(name[:k]) or name[k + 1 : k + 2] in "省市县区"
        ):
            return False
    return len(name) <= _MAX_LOCAL_NAME and not _NOT_IN_LOCAL_NAME.search(name)


def _level_names(
    text: str,
    levels: list[tuple[int, int, LocalPrefix]],
    names: list[tuple[int, int, str, str]],
    vocab_starts: set[int],
    seat: Seat,
) -> list[tuple[int, int, str, str]]:
    """Local bodies the vocabulary does not know, opened by a bare level word: ``省科技厅``,
    ``省工业和信息化厅`` → the document's province's (``湖南省工业和信息化厅``). A known body
    right after the level word (省发展改革委) is left to the vocabulary's local rule."""
    taken = Spans((a, b) for a, b, _, _ in names)
    out = []
    for p, e, prefix in levels:
        if e in vocab_starts or taken.overlap(p, e) or (p and text[p - 1] in _NOT_BEFORE_LEVEL):
            continue
        run = _NAME_RUN.match(text, p)
        window = text[p : min(run.end(), p + _MAX_NAME)] if run else ""
        if len(window) <= e - p or (
            window[: e - p + 1] in _NOT_LEVEL_WORDS and not window.startswith("政府", e - p)
        ):
            continue  # 市场, 省级, 市县: the level character opens a longer word
        for a, b in _pattern_orgs(text, [(p, e)]):
            name = tidy_label(text[e:b])
            if _local_name_ok(name):
                out.append((a, b, *local_body(prefix, name, seat)))
    return out


@lru_cache(maxsize=4096)
def _window_words(window: str) -> tuple[tuple[int, int, str], ...]:
    """jieba's words of a name window as ``(start, end, word)``. Cached: the same names
    (某某市人民政府, 国务院办公厅) come back in every document of a kind."""
    return tuple((s, e, w) for w, s, e in tokenizer().tokenize(window))


def _joins_name(words: Sequence[tuple[int, int, str]], k: int, anchor_end: int) -> bool:
    """``和`` inside a name (北京市发展和改革委员会, 北京市经济和信息化局) joins two of its
    words; right after the anchor (中国和世界银行) it joins two names."""
    return words[k][2] == "和" and 0 < k < len(words) - 1 and words[k - 1][0] >= anchor_end


def _covered(block: Block, doc_spans: Spans, i: int, j: int) -> bool:
    return doc_spans.cover(*block.original_span(i, j))


def find_organizations(
    text: str,
    *,
    affiliation: bool = False,
    seat: Seat | None = None,
    events: Iterable[tuple[int, int]] = (),
) -> list[tuple[int, int, str, str]]:
    """Organizations in one block's clean text as ``(i, j, canonical label, rule)``. A known
    body after a level word (省发展改革委) is a local body (:mod:`.local`), placed by ``seat``
    (the document's province and city) when it is known; its key: :func:`.local.org_key`.
    No name overlaps ``events``, the spans of the event names in ``text`` (the events
    recognizer's matches): 中央政治局 inside ``中央政治局会议`` is no mention."""
    orgs = load_scheme("organizations")
    places = load_scheme("places")
    event_spans = Spans(events)
    # The overlap questions below ask indexes (extract.base), not every earlier span: a
    # single long line (a file without line breaks) made them quadratic.

    def free(i: int, j: int) -> bool:
        return not event_spans.overlap(i, j)

    hits: list[tuple[int, int, str, str]] = []
    concepts = {
        (i, j): c
        for i, j, c in orgs.find(text)
        # 科技部门, 财政部门: "the science (finance) departments", not the ministry
        if free(i, j) and not (text.startswith("门", j) and text[j - 1] == "部")
    }
    vocab = [(i, j, c.pref_label) for (i, j), c in concepts.items()]
    place_hits = [] if affiliation else places.find(text)
    levels = [] if affiliation else bare_levels(text)
    if not vocab and not place_hits and not affiliation and not levels:
        # No known body and no place: nothing anchors a name, so only a lone 中央 can be
        # one (what follows, with every index empty, gives the same in fewer steps).
        return [
            (m.start(), m.end(), "中共中央", "organizations.central")
            for m in _CENTRAL.finditer(text)
            if free(m.start(), m.end())
        ]
    if affiliation:
        names = [
            (i, j, label, "organizations.affiliation") for i, j, label in affiliation_orgs(text)
        ]
        known_spans = {(a, b) for a, b, _ in vocab}  # (a set: not a scan for each name)
        for i, j, _, _ in list(names):
            k = _parent_end(text[i:j])
            if k is not None and (i, i + k) not in known_spans:
                names.append((i, i + k, tidy_label(text[i : i + k]), "organizations.parent"))
    else:
        known = Spans((a, b) for a, b, _ in vocab)
        anchors = sorted(
            [(i, j) for i, j, _ in vocab]
            + [(i, j) for i, j, _ in place_hits if not known.cover(i, i + 1)]
        )
        names = [
            (i, j, tidy_label(text[i:j]), "organizations.pattern")
            for i, j in _pattern_orgs(text, anchors)
            if free(i, j) and orgs.lookup(text[i:j]) is None
        ]
        names += _level_names(text, levels, names, {i for i, _, _ in vocab}, seat or Seat())
    hits.extend(names)
    around = Stabbing((a, b) for a, b, _, _ in names)
    for i, j, label in vocab:
        # A known body at the start of a longer name is its parent (教育部 in 教育部……研究中心);
        # one further inside is a word of the name (社科院 in 上海社科院), not a mention.
        inside = [names[n][:2] for n in around.at(i) if j <= names[n][1]]
        if not all(a == i and j < b for a, b in inside):
            continue
        national = text.startswith(_NATIONAL_NAMES, i)  # 驻本市全国人大代表: still the NPC
        local = None if inside or affiliation or national else local_prefix(text, i)
        if local is not None and not around.at(local.start):
            # 省发展改革委 is a province's commission, never the national one
            name = local_name(concepts[(i, j)], text[i:j])
            hits.append((local.start, j, *local_body(local, name, seat or Seat())))
        else:
            hits.append((i, j, label, "organizations.vocab"))
    # (the 中共中央 matches do not overlap one another, so the hits before them suffice)
    taken = Spans((a, b) for a, b, _, _ in hits)
    for m in _CENTRAL.finditer(text):
        if free(m.start(), m.end()) and not taken.cover(m.start(), m.start() + 1):
            hits.append((m.start(), m.end(), "中共中央", "organizations.central"))
    return sorted(hits)


def _scan(doc: Document, found: Found) -> BlockScan:
    # Policy titles (their issuer is mentioned by the policy extractor) and organizations
    # already mentioned are not mentioned again.
    taken = Spans(
        (f.mention.start, f.mention.end)
        for f in found
        if isinstance(f, EntityMention) and f.ref.cls in ("Policy", "Organization")
    )
    seat: Seat | None = None

    def match(block: Block, n: int) -> list[Match]:
        nonlocal seat
        if seat is None and _LEVEL_WORD.search(block.text):
            seat = document_seat(doc)  # only documents that name a body by its level
        events = [(m.start, m.end) for m in found.matches("events", n)]
        hits = find_organizations(
            block.text, affiliation=block.kind == "affiliation", seat=seat, events=events
        )
        return [
            Match(i, j, "Organization", label, rule, key=org_key(label, rule, doc.id))
            for i, j, label, rule in hits
            if not _covered(block, taken, i, j)
        ]

    return match


RECOGNIZER = BlockRecognizer("organizations", _scan, needs=("policies", "events"))
