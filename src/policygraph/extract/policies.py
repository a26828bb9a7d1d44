"""Policies: titled policy documents, five-year plans and named initiatives, with who issued
them, when, for which period and at which meeting they were adopted.

Included (rule id: what):

- ``policies.title-brackets``: ``《…》`` whose title, once a trailing note such as ``（试行）``
  or ``（2025—2027年）`` is set aside, ends in a document type (意见, 规划, 计划, 行动计划,
  方案, 纲要, 建议, 决定, 通知, 办法, 条例, 法, 战略, 报告, 规定, 若干措施, 政策 …). Books and
  newspapers (《人民日报》, 《习近平谈治国理政》) and treaties (《巴黎协定》) are not policies.
  Label: the title without ``《》``, inner quotes kept, brackets full-width (the official
  typography: ``…行动计划（2025—2027年）``), white space runs as one space.
- ``policies.title-heading``: a title or heading line that is itself a document title:
  it starts with an issuer and reads ``…关于…的意见/建议/决定…`` (``中共中央 国务院关于实施乡村振兴
  战略的意见``), or equals the manifest title of a ``kind: policy`` document. A date line
  right under it (``（2018年1月2日）``, ``（2020年10月29日…全体会议通过）``) gives issuedIn and
  adoptedAt.
- ``policies.named-document``: a document known by a generic name and its year:
  ``2024年政府工作报告``, ``今年《政府工作报告》``, ``2018年中央一号文件`` → label
  ``2024年政府工作报告``, issuedIn that year, issuedBy 国务院 (and 中共中央 for
  中央一号文件). Without a year it is left out (which year's report?).
- ``policies.five-year-plan``: ``“十五五”规划``, ``十四五规划``, ``第十四个五年规划``,
  ``“十五”计划`` (→ ``“十五”计划``, the 10th), ``…规划纲要`` (the same plan), ``…规划建议`` (the
  party's proposal for it, a policy of its own). Label ``“十四五”规划`` / ``“十五五”规划建议``;
  periodStart/periodEnd from the ordinal (1st plan 1953–1957, 2nd 1958–1962, then from 1966
  in five-year steps: 十四五 → 2021–2025, 十五五 → 2026–2030).
- ``policies.initiative-quoted``: a quoted name followed by 行动/行动计划/行动方案/战略/工程/计划/
  倡议 (``“人工智能+”行动``, ``“走出去”战略``, ``“一带一路”倡议``), or a quoted name that ends in
  one of them (``“雪亮工程”`` → ``雪亮工程``). Not when the suffix starts a longer word
  (``“四个全面”战略布局``).
- ``policies.initiative``: an unquoted name ending in 战略/行动/行动计划/行动方案/工程/计划/规划/
  纲要 right after a verb of implementation (实施, 深入实施, 推进, 推动, 开展, 落实, 启动, 发挥 …):
  ``实施乡村振兴战略`` → ``乡村振兴战略``, ``深入实施基础研究领先行动方案`` →
  ``基础研究领先行动方案`` (a named programme, so included).
  ``policies.initiative-list``: the other items of a ``、`` list of names with the same
  suffix (``区域协调发展战略、区域重大战略、主体功能区战略``).
  ``policies.initiative-repeat``: later bare occurrences of a name found by these rules.
  Excluded: generic phrases (``新型生产关系``, ``重大工程``, ``一批颠覆性技术攻关计划``,
  ``若干重大工程``), names that contain 的/和/与/等, and suffixes that begin a longer word
  (``战略性``, ``战略机遇``, ``行动者``, ``规划建设``). ``新一轮`` in front is dropped.
- ``policies.self-reference``: ``本规划``, ``本意见`` … (and ``该意见`` when the document's title
  ends in 意见) in a ``kind: policy`` document → the document's own policy
  (``EntityRef("Policy", entity_key(doc.meta.title))``).

A mention nested in another policy mention is left out (``“人工智能+”行动`` inside
``国务院关于深入实施“人工智能+”行动的意见``: two different policies, one mention).

Relations: ``issuedBy`` an Organization or a Place acting as government at the start of a
title (``国务院关于…``, ``中共中央 国务院关于…``, ``北京市加快…``; both are also mentioned here,
rule ``policies.issuer``) or named just before ``印发《…》``; ``issuedIn`` the year stated in
the same sentence before the title when the title is issued there (``今年，《…》印发``,
``今年发布的《…》``); ``periodStart``/``periodEnd``; ``adoptedAt`` the meeting right before
``(审议)通过的`` (``党的二十届四中全会审议通过的“十五五”规划建议``). Known gaps: a full title
(``中共中央关于制定…第十四个五年规划…的建议``) and its short name (``“十四五”规划建议``) are two
policies; unquoted initiatives need a verb or a list to be found the first time.

The words these rules are made of (document types, suffixes, trigger verbs, generic and
excluded names, issuance verbs, named documents and their issuers) live in
``data/policies.txt``; the patterns here are the grammar that puts them together.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

import cn2an

from policygraph.extract.base import entity_key
from policygraph.extract.events import find_events
from policygraph.extract.organizations import find_organizations
from policygraph.extract.years import find_years, five_year_plan_period
from policygraph.model import EntityClass, EntityMention, EntityRef, Fact, Mention, Relation
from policygraph.text.document import Block, Document
from policygraph.vocab import load_scheme, tidy_label
from policygraph.wordlists import (
    alternation,
    entry_error,
    longest_first,
    none_of,
    parse_word_file,
    read_data,
)

SKIP_KINDS = frozenset({"byline", "editor"})

# 本规划, 该意见: what makes a document type refer to the document itself (the words that only
# look like it, 基本 and 应该, are in the data).
_SELF_DETERMINERS = ("本", "该")
_BRACKET = re.compile(r"《(?P<title>[^《》\n]{2,100})》")
_TRAILING_NOTE = re.compile(r"\s*[（(][^（）()]{1,24}[）)]\s*$")
_YEAR_RANGE_NOTE = re.compile(
    r"[（(]\s*(?P<a>(?:19|20)\d{2})\s*年?\s*(?:[—–\-－~～]{1,2}|至|到)\s*(?P<b>(?:19|20)\d{2})"
    r"\s*年?\s*[）)]\s*$"
)
_YEAR_RANGE_HEAD = re.compile(
    r"^(?P<a>(?:19|20)\d{2})\s*(?:[—–\-－~～]{1,2}|至|到)\s*(?P<b>(?:19|20)\d{2})\s*年"
)
_FYP_SHORT = re.compile(
    r"(?<![一二三四五六七八九十])(?P<open>[“\"]?)(?P<n>十[一二三四五六七八九]?|[一二三四五六七八九])五"
    r"(?P<close>[”\"]?)(?P<kind>规划|计划)(?P<tail>建议|纲要)?"
)
_FYP_LONG = re.compile(
    r"(?:国民经济和社会发展)?第(?P<n>[一二三四五六七八九十]+)个五年(?P<kind>规划|计划)(?P<tail>纲要|建议)?"
)
_ADOPTED_BY = re.compile(r"^(?:上)?(?:审议)?(?:通过|批准)(?:了)?(?:的)?$")
_DATE_LINE = re.compile(
    r"^[（(]\s*(?P<y>(?:19|20)\d{2})年(?:\d{1,2}月(?:\d{1,2}日)?)?(?P<rest>[^（）()]*)[）)]$"
)
_ISSUER_SEP = re.compile(r"[ \u3000、，,和与及]*")


# ---------------------------------------------------------------------------------------------
# Words (data/policies.txt) and the patterns built from them


@dataclass(frozen=True, slots=True)
class PolicyWords:
    """The word lists of ``data/policies.txt``; see the comments there."""

    doc_types: tuple[str, ...]  # longest first
    not_policy_endings: tuple[str, ...]
    initiative_suffixes: tuple[str, ...]  # longest first: 行动计划 before 行动
    quoted_suffixes: tuple[str, ...]  # longest first
    triggers: tuple[str, ...]
    not_after: Mapping[str, tuple[str, ...]]  # suffix -> words that continue it
    generic_heads: tuple[str, ...]
    drop_heads: tuple[str, ...]  # in file order: dropped one after the other
    demonstratives: tuple[str, ...]
    generic_cores: frozenset[str]
    name_stops: str
    self_types: tuple[str, ...]
    not_self_reference: tuple[str, ...]
    issue_adverbs: tuple[str, ...]
    issued_after: tuple[str, ...]
    issued_before: tuple[str, ...]
    issuer_verbs: tuple[str, ...]
    issuer_groups: tuple[str, ...]
    named_documents: Mapping[str, tuple[str, ...]]  # name -> its issuers
    no_year_before: tuple[str, ...]
    government_suffixes: tuple[str, ...]
    issuing_places: tuple[str, ...]


_SINGLE = (
    "doc-types",
    "not-policy-endings",
    "initiative-suffixes",
    "quoted-suffixes",
    "triggers",
    "generic-heads",
    "drop-heads",
    "demonstratives",
    "generic-cores",
    "name-stops",
    "self-types",
    "not-self-reference",
    "issue-adverbs",
    "issued-after",
    "issued-before",
    "issuer-verbs",
    "issuer-groups",
    "no-year-before",
    "government-suffixes",
    "issuing-places",
)
_ROWS = ("not-after", "named-documents")


def parse_words(text: str, *, name: str = "policies.txt") -> PolicyWords:
    """The word lists of a ``policies.txt``, checked."""
    sections = parse_word_file(text, name=name, single=_SINGLE, rows=_ROWS)

    def section(key: str) -> tuple[str, ...]:
        return tuple(e.words[0] for e in sections[key])

    suffixes = {*section("initiative-suffixes"), *section("quoted-suffixes")}
    not_after: dict[str, tuple[str, ...]] = {}
    for entry in sections["not-after"]:
        suffix, *rest = entry.words
        if suffix not in suffixes:
            raise entry_error(
                name, entry, f"{suffix} is in neither [initiative-suffixes] nor [quoted-suffixes]"
            )
        not_after[suffix] = (*not_after.get(suffix, ()), *rest)
    for entry in sections["name-stops"]:
        if len(entry.words[0]) != 1:
            raise entry_error(name, entry, "[name-stops] takes one character a line")
    for entry in sections["not-self-reference"]:
        word = entry.words[0]
        if len(word) < 2 or not word.endswith(_SELF_DETERMINERS):
            raise entry_error(
                name,
                entry,
                f"[not-self-reference] takes words ending in {'/'.join(_SELF_DETERMINERS)}",
            )
    return PolicyWords(
        doc_types=longest_first(section("doc-types")),
        not_policy_endings=section("not-policy-endings"),
        initiative_suffixes=longest_first(section("initiative-suffixes")),
        quoted_suffixes=longest_first(section("quoted-suffixes")),
        triggers=section("triggers"),
        not_after=not_after,
        generic_heads=section("generic-heads"),
        drop_heads=section("drop-heads"),
        demonstratives=section("demonstratives"),
        generic_cores=frozenset(section("generic-cores")),
        name_stops="".join(section("name-stops")),
        self_types=section("self-types"),
        not_self_reference=section("not-self-reference"),
        issue_adverbs=section("issue-adverbs"),
        issued_after=section("issued-after"),
        issued_before=section("issued-before"),
        issuer_verbs=section("issuer-verbs"),
        issuer_groups=section("issuer-groups"),
        named_documents={e.words[0]: e.words[1:] for e in sections["named-documents"]},
        no_year_before=section("no-year-before"),
        government_suffixes=section("government-suffixes"),
        issuing_places=section("issuing-places"),
    )


@cache
def words() -> PolicyWords:
    """Loaded and checked once."""
    return parse_words(read_data("policies.txt"))


@dataclass(frozen=True, slots=True)
class _Patterns:
    not_policy_title: re.Pattern[str]
    name_run: re.Pattern[str]
    quoted: re.Pattern[str]
    self_reference: re.Pattern[str]
    issue_after: re.Pattern[str]
    issue_before: re.Pattern[str]
    issuer_before: re.Pattern[str]
    issuer_tail: re.Pattern[str]
    named_doc: re.Pattern[str]
    government: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    w = words()
    name_char = rf"(?:{none_of(w.name_stops)}[\u4e00-\u9fffA-Za-z0-9+＋])"
    quoted = alternation(w.quoted_suffixes)
    # 本 or 该, then a lookbehind per word that is no self-reference (基本, 应该)
    determiner = f"(?:{alternation(_SELF_DETERMINERS)})" + "".join(
        f"(?<!{re.escape(word)})" for word in w.not_self_reference
    )
    return _Patterns(
        # titles that end in a document type without being one
        not_policy_title=re.compile(rf"(?:{alternation(w.not_policy_endings)})$"),
        name_run=re.compile(rf"{name_char}+"),
        quoted=re.compile(
            rf"“(?P<q>[^“”，。；：、\n]{{1,16}})”(?P<suf>{quoted})"
            rf"|“(?P<whole>[^“”，。；：、\n]{{2,16}}?(?:{quoted}))”"
        ),
        self_reference=re.compile(rf"{determiner}(?P<type>{alternation(w.self_types)})"),
        issue_after=re.compile(
            rf"^》?\s*(?:{alternation(w.issue_adverbs)})?(?:{alternation(w.issued_after)})"
        ),
        issue_before=re.compile(rf"(?:{alternation(w.issued_before)})(?:了|的)?\s*《?$"),
        issuer_before=re.compile(rf"(?:联合)?(?:{alternation(w.issuer_verbs)})(?:了)?\s*《?$"),
        # between the issuers and the verb: 等六部门, 关于 (国务院关于印发《…》的通知)
        issuer_tail=re.compile(
            rf"(?:等[一二三四五六七八九十\d]{{0,3}}个?(?:{alternation(w.issuer_groups)}))?"
            r"(?:关于)?$"
        ),
        # documents known by a generic name plus their year: 2024年政府工作报告
        named_doc=re.compile(
            r"(?:(?P<y>(?:19|20)\d{2})年|(?P<rel>今年|去年|明年))(?:的)?(?:国务院)?"
            rf"(?P<open>《?)(?P<name>{alternation(w.named_documents)})(?P<close>》?)"
        ),
        government=re.compile(alternation(w.government_suffixes)),
    )


@dataclass(slots=True)
class Candidate:
    """A policy found in one block, before labels are unified across the document."""

    block: Block
    i: int
    j: int
    label: str
    rule: str
    period: tuple[int, int] | None = None
    issuers: list[tuple[int, int, EntityClass, str]] = field(default_factory=list)
    issued_in: int | None = None
    adopted_at: str | None = None
    initiative: bool = False
    known_issuers: tuple[str, ...] = ()  # organizations that always issue this kind of document


# ---------------------------------------------------------------------------------------------
# Titles


def strip_notes(title: str) -> str:
    """The title without trailing notes: ``…行动计划（2025—2027年）`` → ``…行动计划``."""
    while (m := _TRAILING_NOTE.search(title)) and m.start() > 0:
        title = title[: m.start()]
    return title


def is_policy_title(title: str) -> bool:
    core = strip_notes(title.strip())
    if len(core) < 3 or _patterns().not_policy_title.search(core):
        return False
    return core.endswith(words().doc_types)


def title_period(title: str) -> tuple[int, int] | None:
    """``…（2025—2027年）`` or ``2024—2027年…`` → (2025, 2027); a five-year plan named in the
    title gives its period."""
    for m in (_YEAR_RANGE_NOTE.search(title), _YEAR_RANGE_HEAD.search(title)):
        if m and int(m["a"]) < int(m["b"]):
            return int(m["a"]), int(m["b"])
    for pattern in (_FYP_LONG, _FYP_SHORT):
        m = pattern.search(title)
        if m and (ordinal := _ordinal(m["n"])):
            return five_year_plan_period(ordinal)
    return None


def plan_label(ordinal: int, tail: str | None) -> str:
    """``“十四五”规划``, ``“十五五”规划建议``, ``“十五”计划`` (plans up to the 10th were 计划)."""
    short = _numeral(ordinal) + "五"
    kind = "计划" if ordinal <= 10 else "规划"
    return f"“{short}”{kind}" + ("建议" if tail == "建议" else "")


def _numeral(n: int) -> str:
    digits = "一二三四五六七八九"
    if n < 10:
        return digits[n - 1]
    return ("" if n < 20 else digits[n // 10 - 1]) + "十" + (digits[n % 10 - 1] if n % 10 else "")


def _ordinal(numeral: str) -> int | None:
    try:
        value = cn2an.cn2an(numeral, "strict")
    except ValueError:
        return None
    return int(value) if value else None


def issuers_at_start(title: str) -> list[tuple[int, int, EntityClass, str]]:
    """Organizations (or places acting as government) a title starts with:
    ``中共中央 国务院关于…`` → 中共中央, 国务院; ``北京市加快…`` → the Place 北京市;
    ``北京市人民政府关于…`` → the Organization 北京市人民政府."""
    orgs = load_scheme("organizations")
    places = load_scheme("places")
    org_hits = {i: (j, c) for i, j, c in orgs.find(title)}
    place_hits = {i: (j, c) for i, j, c in places.find(title)}
    out: list[tuple[int, int, EntityClass, str]] = []
    pos = 0
    while pos < len(title):
        if pos in org_hits:
            j, concept = org_hits[pos]
            out.append((pos, j, "Organization", concept.pref_label))
        elif pos in place_hits:
            j, concept = place_hits[pos]
            gov = _patterns().government.match(title, j)
            if gov:
                j = gov.end()
                out.append((pos, j, "Organization", tidy_label(title[pos:j])))
            elif title[pos:j].endswith(words().issuing_places):
                out.append((pos, j, "Place", concept.pref_label))
            else:
                break
        else:
            break
        sep = _ISSUER_SEP.match(title, j)
        pos = sep.end() if sep else j
    if out and out[-1][1] >= len(strip_notes(title)):
        return []  # the whole title is a name: 《国务院》 is not a policy issued by itself
    return out


# ---------------------------------------------------------------------------------------------
# Rules over one block


def _bracket_titles(block: Block) -> Iterator[Candidate]:
    text = block.text
    for m in _BRACKET.finditer(text):
        title = m["title"]
        if not is_policy_title(title):
            continue
        i, j = m.start("title"), m.end("title")
        cand = Candidate(
            block, i, j, tidy_label(title), "policies.title-brackets", period=title_period(title)
        )
        cand.issuers = [(i + a, i + b, cls, label) for a, b, cls, label in issuers_at_start(title)]
        yield cand


def _heading_title(block: Block, doc: Document) -> Candidate | None:
    text = block.text.strip()
    if block.kind not in ("title", "heading") or "《" in text or not is_policy_title(text):
        return None
    lead = len(block.text) - len(block.text.lstrip())
    issuers = issuers_at_start(text)
    own = doc.meta.kind == "policy" and entity_key(text) == entity_key(doc.meta.title)
    if not own and not (issuers and "关于" in text):
        return None
    cand = Candidate(
        block,
        lead,
        lead + len(text),
        tidy_label(text),
        "policies.title-heading",
        period=title_period(text),
    )
    cand.issuers = [(lead + a, lead + b, cls, label) for a, b, cls, label in issuers]
    return cand


def _named_documents(block: Block, doc: Document) -> Iterator[Candidate]:
    for m in _patterns().named_doc.finditer(block.text):
        if bool(m["open"]) != bool(m["close"]):
            continue
        if m["y"]:
            year = int(m["y"])
        elif doc.meta.year is not None:
            year = doc.meta.year + {"今年": 0, "去年": -1, "明年": 1}[m["rel"]]
        else:
            continue
        cand = Candidate(
            block,
            m.start(),
            m.end(),
            f"{year}年{m['name']}",
            "policies.named-document",
            issued_in=year,
        )
        cand.known_issuers = words().named_documents[m["name"]]
        yield cand


def _five_year_plans(block: Block) -> Iterator[Candidate]:
    for pattern in (_FYP_SHORT, _FYP_LONG):
        for m in pattern.finditer(block.text):
            if pattern is _FYP_SHORT and bool(m["open"]) != bool(m["close"]):
                continue
            ordinal = _ordinal(m["n"])
            if not ordinal or ordinal > 30:
                continue
            yield Candidate(
                block,
                m.start(),
                m.end(),
                plan_label(ordinal, m["tail"]),
                "policies.five-year-plan",
                period=five_year_plan_period(ordinal),
            )


def _followed_by_word(text: str, j: int, suffix: str) -> bool:
    return text.startswith(words().not_after.get(suffix, ()), j)


def _quoted(block: Block) -> Iterator[Candidate]:
    text = block.text
    for m in _patterns().quoted.finditer(text):
        if m["q"] is not None:
            if _followed_by_word(text, m.end(), m["suf"]) or _FYP_SHORT.fullmatch(m.group()):
                continue
            label = tidy_label(m.group())
        else:
            whole = m["whole"]
            suffix = next(s for s in words().quoted_suffixes if whole.endswith(s))
            if not _good_core(whole[: -len(suffix)], quoted=True):
                continue
            label = tidy_label(whole)
        yield Candidate(
            block, m.start(), m.end(), label, "policies.initiative-quoted", initiative=True
        )


def _good_core(core: str, *, quoted: bool = False) -> bool:
    """Is ``core`` (a name without its suffix) specific enough to name an initiative?
    Unquoted names need three characters (培训计划, 住房规划 are generic)."""
    w = words()
    return (
        len(core) >= (2 if quoted else 3)
        and not core.startswith(w.generic_heads)
        and core not in w.generic_cores
        and not any(d in core for d in w.demonstratives)
    )


def _initiatives(block: Block) -> list[Candidate]:
    """Unquoted named initiatives after a verb of implementation, and the other items of a
    ``、`` list they head."""
    text = block.text
    runs = list(_patterns().name_run.finditer(text))
    found: dict[int, tuple[int, int, str, bool]] = {}  # run index -> (i, j, suffix, triggered)
    for n, run in enumerate(runs):
        hit = _initiative_in_run(text, run.start(), run.end())
        if hit:
            found[n] = hit
    out: list[Candidate] = []
    for n, (i, j, suffix, triggered) in sorted(found.items()):
        if triggered:
            rule = "policies.initiative"
        elif _in_list(text, runs, found, n, suffix):
            rule = "policies.initiative-list"
        else:
            continue
        out.append(Candidate(block, i, j, tidy_label(text[i:j]), rule, initiative=True))
    return out


def _initiative_in_run(text: str, a: int, b: int) -> tuple[int, int, str, bool] | None:
    """The first initiative name in ``text[a:b]``: ``(i, j, suffix, after a trigger)``."""
    run = text[a:b]
    w = words()
    for k in range(len(run)):
        suffix = next((s for s in w.initiative_suffixes if run.startswith(s, k)), None)
        if suffix is None or k == 0:
            continue
        j = k + len(suffix)
        if _followed_by_word(text, a + j, suffix):
            continue
        head = max(
            ((run.rfind(t, 0, k), t) for t in w.triggers if run.rfind(t, 0, k) >= 0),
            default=None,
        )
        start = head[0] + len(head[1]) if head else 0
        for drop in w.drop_heads:
            if run.startswith(drop, start):
                start += len(drop)
        if _good_core(run[start:k]):
            return a + start, a + j, suffix, head is not None
    return None


def _in_list(
    text: str,
    runs: list[re.Match[str]],
    found: dict[int, tuple[int, int, str, bool]],
    n: int,
    suffix: str,
) -> bool:
    """Is run ``n`` an item of a ``、`` list whose neighbour has the same suffix?"""
    for other in (n - 1, n + 1):
        if other not in found or found[other][2] != suffix:
            continue
        left, right = (runs[other], runs[n]) if other < n else (runs[n], runs[other])
        if text[left.end() : right.start()] == "、":
            return True
    return False


def _self_references(block: Block, doc: Document) -> Iterator[Candidate]:
    if doc.meta.kind != "policy":
        return
    own_type = strip_notes(doc.meta.title)
    for m in _patterns().self_reference.finditer(block.text):
        if m.group().startswith("该") and not own_type.endswith(m["type"]):
            continue
        yield Candidate(block, m.start(), m.end(), doc.meta.title, "policies.self-reference")


# ---------------------------------------------------------------------------------------------
# Relations stated around a mention


def _sentence_span(block: Block, i: int) -> tuple[int, int]:
    return block.sentence_span(i)


def _issued_in(cand: Candidate, doc: Document) -> int | None:
    """The year of issuance stated before the title in its sentence (``今年，《…》印发``)."""
    text = cand.block.text
    a, _ = _sentence_span(cand.block, cand.i)
    after = text[cand.j : cand.j + 10]
    before = text[max(a, cand.i - 9) : cand.i]
    patterns = _patterns()
    if not (patterns.issue_after.match(after) or patterns.issue_before.search(before)):
        return None
    years = [
        y
        for y in find_years(text[a : cand.i], base_year=doc.meta.year)
        if not text[a : a + y.i].endswith(words().no_year_before)
    ]
    return years[-1].year if years else None


def _issuers_before(cand: Candidate) -> list[EntityRef]:
    """``国务院办公厅印发《…》``, ``工业和信息化部等六部门联合印发《…》``, ``国务院关于印发《…》
    的通知`` → the organizations right before the verb."""
    text = cand.block.text
    a, _ = _sentence_span(cand.block, cand.i)
    before = text[a : cand.i]
    m = _patterns().issuer_before.search(before)
    if not m:
        return []
    head = _patterns().issuer_tail.sub("", before[: m.start()])
    names = find_organizations(head)
    outer = [h for h in names if not any(o[0] <= h[0] and h[1] <= o[1] and o != h for o in names)]
    refs: list[EntityRef] = []
    end = len(head)
    for i, j, label, _ in reversed(outer):
        if head[j:end].strip(" 、，,和与及") != "":
            break
        refs.insert(0, EntityRef("Organization", entity_key(label)))
        end = i
    return refs


def _adopted_at(cand: Candidate) -> str | None:
    """The meeting right before ``(审议)通过的`` this policy, as a canonical event label."""
    text = cand.block.text
    a, _ = _sentence_span(cand.block, cand.i)
    for _, j, label, _ in reversed(find_events(text[a : cand.i])):
        if _ADOPTED_BY.match(text[a + j : cand.i]):
            return label
    return None


def _date_line(cand: Candidate, doc: Document) -> tuple[int | None, str | None]:
    """Year and adopting meeting from the line under a title heading:
    ``（2020年10月29日中国共产党第十九届中央委员会第五次全体会议通过）``."""
    blocks = doc.blocks
    at = next((n for n, b in enumerate(blocks) if b is cand.block), None)
    if at is None or at + 1 >= len(blocks):
        return None, None
    m = _DATE_LINE.match(blocks[at + 1].text.strip())
    if not m:
        return None, None
    events = find_events(m["rest"])
    adopted = None
    if events and m["rest"][events[-1][1] :].startswith(("通过", "审议通过", "批准")):
        adopted = events[-1][2]
    return int(m["y"]), adopted


# ---------------------------------------------------------------------------------------------
# The extractor


def _overlaps(cand: Candidate, taken: list[tuple[int, int]]) -> bool:
    return any(cand.i < b and a < cand.j for a, b in taken)


def _block_candidates(block: Block, doc: Document) -> list[Candidate]:
    ordered: list[Candidate] = list(_named_documents(block, doc))
    ordered += list(_bracket_titles(block))
    heading = _heading_title(block, doc)
    if heading is not None:
        ordered.append(heading)
    ordered += list(_five_year_plans(block))
    ordered += list(_quoted(block))
    ordered += _initiatives(block)
    ordered += list(_self_references(block, doc))
    chosen: list[Candidate] = []
    taken: list[tuple[int, int]] = []
    for cand in ordered:
        if not _overlaps(cand, taken):
            chosen.append(cand)
            taken.append((cand.i, cand.j))
    return chosen


def _repeats(doc: Document, per_block: list[list[Candidate]]) -> None:
    """Bare later (or earlier) occurrences of initiative names found in the document."""
    names = sorted(
        {c.block.text[c.i : c.j] for cands in per_block for c in cands if c.initiative},
        key=lambda s: (-len(s), s),
    )
    if not names:
        return
    for block, cands in zip(doc.blocks, per_block, strict=True):
        if block.kind in SKIP_KINDS:
            continue
        taken = [(c.i, c.j) for c in cands]
        for name in names:
            suffix = next((s for s in words().initiative_suffixes if name.endswith(s)), "")
            for m in re.finditer(re.escape(name), block.text):
                i, j = m.span()
                if any(i < b and a < j for a, b in taken):
                    continue
                if _followed_by_word(block.text, j, suffix):
                    continue
                cands.append(
                    Candidate(
                        block, i, j, tidy_label(name), "policies.initiative-repeat", initiative=True
                    )
                )
                taken.append((i, j))
        cands.sort(key=lambda c: (c.i, c.j))


def _labels(per_block: list[list[Candidate]]) -> dict[str, str]:
    """One canonical label per key: a quoted form (“人工智能+”行动) over a bare one, else the
    first seen."""
    labels: dict[str, str] = {}
    for cands in per_block:
        for c in cands:
            key = entity_key(c.label)
            if key not in labels or ("“" in c.label and "“" not in labels[key]):
                labels[key] = c.label
    return labels


def extract(doc: Document, found: Sequence[Fact]) -> Iterator[Fact]:
    per_block = [
        [] if block.kind in SKIP_KINDS else _block_candidates(block, doc) for block in doc.blocks
    ]
    _repeats(doc, per_block)
    labels = _labels(per_block)
    periods_done: set[str] = set()
    for cands in per_block:
        for cand in cands:
            yield from _facts(cand, doc, labels, periods_done)


def _facts(
    cand: Candidate, doc: Document, labels: dict[str, str], periods_done: set[str]
) -> Iterator[Fact]:
    block = cand.block
    key = entity_key(cand.label)
    ref = EntityRef("Policy", key)
    m = doc.mention(block, cand.i, cand.j, cand.rule)
    yield EntityMention(
        ref=ref,
        label=labels[key],
        mention=m,
        article=block.article,
        alias=cand.rule != "policies.self-reference",
    )
    for i, j, cls, label in cand.issuers:
        issuer = EntityRef(cls, entity_key(label))
        yield EntityMention(
            ref=issuer,
            label=label,
            mention=doc.mention(block, i, j, "policies.issuer"),
            article=block.article,
        )
        yield Relation(ref, "issuedBy", issuer, m)
    for label in cand.known_issuers:
        yield Relation(ref, "issuedBy", EntityRef("Organization", entity_key(label)), m)
    if cand.issued_in is not None and cand.rule == "policies.named-document":
        yield Relation(ref, "issuedIn", EntityRef("Year", str(cand.issued_in)), m)
    if cand.rule in ("policies.title-brackets", "policies.title-heading"):
        stated = {EntityRef(cls, entity_key(label)) for _, _, cls, label in cand.issuers}
        for issuer in _issuers_before(cand):
            if issuer not in stated:
                yield Relation(ref, "issuedBy", issuer, m)
        if cand.rule == "policies.title-heading":
            cand.issued_in, cand.adopted_at = _date_line(cand, doc)
        year = cand.issued_in or _issued_in(cand, doc)
        if year is not None:
            yield Relation(ref, "issuedIn", EntityRef("Year", str(year)), m)
    adopted = cand.adopted_at or _adopted_at(cand)
    if adopted is not None:
        yield Relation(ref, "adoptedAt", EntityRef("Event", entity_key(adopted)), m)
    if cand.period is not None and key not in periods_done:
        periods_done.add(key)
        yield from _period_relations(ref, cand.period, m)


def _period_relations(ref: EntityRef, period: tuple[int, int], m: Mention) -> Iterator[Relation]:
    yield Relation(ref, "periodStart", EntityRef("Year", str(period[0])), m)
    yield Relation(ref, "periodEnd", EntityRef("Year", str(period[1])), m)
