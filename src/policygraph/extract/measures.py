"""Targets and statistics: quantified goals (``到2027年，…普及率超70%``) and reported figures
(``2024年末，我国常住人口城镇化率达67%``), each with indicator, comparator, value, unit and year.

A paragraph is read sentence by sentence and clause by clause (，；：). Years set the time
frame: ``到2027年`` (or any future year) is a deadline that governs the following clauses and
sentences of the paragraph until the next year; a past year (``2024年末``) frames a statistic.
``目标是：…；…`` opens a list of targets. Estimates (``据测算，…每提高1个百分点…``) are
skipped: they are neither a measured fact nor a goal. Cue words live in ``data/measures.txt``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from policygraph.extract.base import entities, entity_key
from policygraph.extract.numbers import Quantity, find_quantities
from policygraph.extract.years import YearSpan, find_years
from policygraph.model import EntityMention, EntityRef, Fact, Measure, QuoteFact
from policygraph.text.document import Block, Document
from policygraph.wordlists import sections as word_sections

_KINDS = frozenset({"body", "heading", "quote", "title"})
_CLAUSE_SEP = "，,；;：:"
_PUNCT = " \t\u3000，,、；;：:。“”\"'‘’（）()【】《》—-…"
_PROTECTED = re.compile(r"《[^《》]*》|[（(][^（）()]*[）)]")
_SHORT_QUOTE = re.compile(r"“[^“”]{0,12}”")
# 由10.2%下降到3.1%, 由2002年7703元增加到…, 由每人每年50元提高到…: the start value is no measure
_BETWEEN = r"(?:\s*\d{4}年的?|每人|每年|每户|人均)*\s*"
_FROM = re.compile(rf"[从由](?={_BETWEEN}\d)")
_FROM_BEFORE = re.compile(rf"[从由]{_BETWEEN}$")
_LIST_SEP = re.compile(r"[、和及]")
_TRAILING_DURATION = re.compile(r"(?:连续|近|过去)?[一二三四五六七八九十两\d]+年$")
_COMPARISON = ("比", "较", "同比", "相比", "与", "于")  # 比去年…: a comparison, not a time frame
_DURATION = re.compile(r"(?:连续|近|过去)?[一二三四五六七八九十两\d]+年(?:来|间|内)?")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_YEAR_TAIL = re.compile(r"(?:年)?(?:底|末|初|以来|来|前|以前|之前|上半年|全年)?的?")
_RESPECTIVELY = "分别"
_FIRST_N = re.compile(r"前[一二三四五六七八九两几\d]")
_MAX_INDICATOR = 40
_LOCATIVE_END = ("中", "里", "内", "之中")

Kind = Literal["Target", "Statistic"]


@dataclass(frozen=True, slots=True)
class MeasureWords:
    """The word lists of ``data/measures.txt``."""

    target_cues: tuple[str, ...]
    not_cues: tuple[str, ...]
    clause_cues: tuple[str, ...]
    current_cues: tuple[str, ...]
    statistic_cues: tuple[str, ...]
    list_leads: tuple[str, ...]
    skip: tuple[str, ...]
    deadline_before: tuple[str, ...]
    leading: tuple[str, ...]
    trailing: tuple[str, ...]
    lead_verbs: tuple[str, ...]
    count_units: tuple[str, ...]
    inherit: tuple[str, ...]
    change_words: tuple[str, ...]


@cache
def words() -> MeasureWords:
    sections = word_sections("measures.txt")

    def section(name: str) -> tuple[str, ...]:
        return tuple(sorted((row[0] for row in sections[name]), key=lambda w: (-len(w), w)))

    return MeasureWords(
        target_cues=section("target-cues"),
        not_cues=section("not-cues"),
        clause_cues=section("clause-cues"),
        current_cues=section("current-cues"),
        statistic_cues=section("statistic-cues"),
        list_leads=section("list-leads"),
        skip=section("skip"),
        deadline_before=section("deadline-before"),
        leading=section("leading"),
        trailing=section("trailing"),
        lead_verbs=section("lead-verbs"),
        count_units=section("count-units"),
        inherit=section("inherit"),
        change_words=section("change-words"),
    )


@dataclass(frozen=True, slots=True)
class MeasureSpan:
    """A measure found in one block's clean text: ``i:j`` is the clause it stands in."""

    kind: Kind
    indicator: str
    quantity: Quantity  # offsets in the block's clean text
    year: int | None
    i: int
    j: int
    rule: str


@dataclass(frozen=True, slots=True)
class _Indicator:
    text: str
    i: int  # clause span of indicator and number
    j: int
    named_before: bool  # something stands before the number (a verb at least)
    from_pre: bool  # the indicator is the text before the number


@dataclass(slots=True)
class _Frame:
    """The time frame of the sentence being read."""

    mode: Literal["target", "current", "statistic"] | None = None
    year: int | None = None
    listing: bool = False
    list_year: int | None = None
    subject: str | None = None  # of the last measure, for 年均增长… clauses
    verb: str | None = None  # lead verb of the last measure, for 、-lists


@dataclass(slots=True)
class _Paragraph:
    base_year: int | None
    deadline: int | None = None
    out: list[MeasureSpan] = field(default_factory=list)


def measure_spans(block: Block, *, base_year: int | None) -> list[MeasureSpan]:
    """Targets and statistics in one paragraph, in text order."""
    para = _Paragraph(base_year)
    for a, b in block.sentences():
        _sentence(block.text, a, b, para)
    return para.out


def _sentence(text: str, a: int, b: int, para: _Paragraph) -> None:
    sentence = text[a:b]
    lists = words()
    protected = [(m.start() + a, m.end() + a) for m in _PROTECTED.finditer(sentence)]
    quoted = protected + [(m.start() + a, m.end() + a) for m in _SHORT_QUOTE.finditer(sentence)]
    years = [
        _shift_year(y, a)
        for y in find_years(sentence, base_year=para.base_year)
        if not _inside(y.i + a, y.j + a, protected)
    ]
    all_years = [_shift_year(y, a) for y in find_years(sentence, base_year=para.base_year)]
    quantities = [
        q
        for q in (_shift(q, a) for q in find_quantities(sentence))
        if not any(y.i < q.end and q.start < y.j for y in all_years)
        and not _inside(q.start, q.end, quoted)
        and not _FROM_BEFORE.search(text, a, q.start)
    ]
    # 据测算…, 每提高1个百分点…可以…: estimates and conditionals are neither fact nor goal
    skip = any(w in sentence for w in lists.skip) or any(
        "每" + w in sentence for w in lists.change_words
    )
    frame = _Frame()
    for ca, cb, sep in _clauses(text, a, b):
        events: list[tuple[int, YearSpan | None, Quantity | None]] = [
            (y.i, y, None) for y in years if ca <= y.i < cb
        ] + [(q.start, None, q) for q in quantities if ca <= q.start < cb]
        clause_qs = [q for q in quantities if ca <= q.start < cb]
        paired = _respectively(text, ca, cb, clause_qs, years)
        for _, year, quantity in sorted(events, key=lambda e: e[0]):
            if year is not None:
                _on_year(text, ca, year, frame, para)
            elif quantity is not None and not skip:
                _on_quantity(text, ca, cb, quantity, clause_qs, paired, years, frame, para)
        leads = any(w in text[ca:cb] for w in lists.list_leads)
        if sep in "：:" and frame.mode != "statistic" and leads:
            frame.listing = True
            frame.list_year = frame.year if frame.mode in ("target", "current") else para.deadline


def _clauses(text: str, a: int, b: int) -> Iterator[tuple[int, int, str]]:
    start = a
    for k in range(a, b):
        if text[k] in _CLAUSE_SEP:
            yield start, k, text[k]
            start = k + 1
    if start < b:
        yield start, b, ""


def _on_year(text: str, ca: int, year: YearSpan, frame: _Frame, para: _Paragraph) -> None:
    before = text[ca : year.i]
    after = text[year.j : year.j + 3]
    base = para.base_year
    if before.endswith(_COMPARISON):
        return
    by = before.endswith(("到", "至")) and not before[:-1].endswith(words().deadline_before)
    if before.endswith(("截至", "截止", "截止到")):
        by = False
    if after.startswith(("前", "以前", "之前")) and not _FIRST_N.match(after):
        by = True  # 2030年前 (but not 2024年前三季度)
    if (by and (base is None or year.year >= base)) or (base is not None and year.year > base):
        frame.mode, frame.year = "target", year.year
        # a period (2006－2020年的科技发展) frames its sentence but sets no deadline
        if year.rule != "years.range" and not after.startswith("的"):
            para.deadline = year.year
    elif base is not None and year.year == base:
        frame.mode, frame.year = "current", year.year
    else:
        frame.mode, frame.year = "statistic", year.year
        para.deadline = None


def _on_quantity(
    text: str,
    ca: int,
    cb: int,
    quantity: Quantity,
    clause_qs: list[Quantity],
    paired: dict[int, tuple[str, int]],
    years: list[YearSpan],
    frame: _Frame,
    para: _Paragraph,
) -> None:
    if not _measurable(quantity):
        return
    if quantity.start in paired:
        indicator, i = paired[quantity.start]
        kind, year, _ = _classify(text, ca, i, quantity, years, frame, para)
        _emit(para, kind, indicator, quantity, year, i, quantity.end, "measures.respectively")
        return
    if len(paired) > 0 or _RESPECTIVELY in text[ca : quantity.start]:
        return  # a 分别 clause whose subjects and values do not pair up
    found = _indicator(text, ca, cb, quantity, clause_qs, years, frame)
    if found is None:
        return
    indicator, i, j = found.text, found.i, found.j
    kind, year, rule = _classify(text, ca, i, quantity, years, frame, para)
    if kind == "Statistic" and not found.named_before:
        return  # 6.5%左右的增速可以…: a report must say what it measures before the number
    inherited = found.from_pre and frame.subject is not None and _continues(indicator)
    if inherited and frame.subject:
        indicator = frame.subject + indicator
    if not _valid(indicator):
        return
    if not inherited:
        frame.subject = _subject(indicator)
    _emit(para, kind, indicator, quantity, year, i, j, rule)


def _continues(indicator: str) -> bool:
    """Does ``indicator`` lack its own subject (年均增长, 比上年增加, 占…比重, 增长)?"""
    lists = words()
    if indicator.startswith(lists.inherit):
        return True
    rest = indicator
    while rest:
        word = next((w for w in lists.change_words if rest.startswith(w)), None)
        if word is None:
            return False
        rest = rest[len(word) :]
    return True


def _emit(
    para: _Paragraph,
    kind: Kind,
    indicator: str,
    quantity: Quantity,
    year: int | None,
    i: int,
    j: int,
    rule: str,
) -> None:
    para.out.append(MeasureSpan(kind, indicator, quantity, year, i, j, rule))


def _measurable(quantity: Quantity) -> bool:
    """Worth a measure: a unit, a percentage or a magnitude; Chinese numerals (一个, 三项)
    only with a comparator word other than 为/是 (不少于三个)."""
    if quantity.unit is None and not quantity.magnitude:
        return False
    return not (
        quantity.chinese
        and (quantity.value == 1 or quantity.comparator == "=")
        and not quantity.magnitude
    )


def _classify(
    text: str,
    ca: int,
    i: int,
    quantity: Quantity,
    years: list[YearSpan],
    frame: _Frame,
    para: _Paragraph,
) -> tuple[Kind, int | None, str]:
    """Target or statistic, its year and the rule, for a number whose indicator starts at
    ``i``. Words that merely contain a cue are masked (人均预期寿命 holds 预期, no goal)."""
    lists = words()
    upto = min(i, quantity.start)
    before = _mask(text[_sentence_start(text, ca) : quantity.start])
    past = any(w in _mask(text[ca:upto]) for w in lists.statistic_cues)
    inherited = frame.mode is None and para.deadline is not None
    if inherited:
        # a deadline from an earlier sentence yields to any sign of a report in this one
        past = past or any(w in before for w in lists.statistic_cues)
    if (frame.mode == "target" or inherited) and not past:
        year = frame.year if frame.mode == "target" else para.deadline
        return "Target", year, "measures.deadline-clause"
    if frame.listing and not past:
        return "Target", frame.list_year, "measures.list-item"
    cues = lists.target_cues + (lists.current_cues if frame.mode == "current" else ())
    cue = any(w in before for w in cues) or text.startswith(
        lists.clause_cues, _skip_time(text, ca, upto, years, keep=lists.clause_cues), upto
    )
    if frame.mode != "statistic" and not past and cue:
        year = frame.year if frame.mode == "current" else para.deadline
        return "Target", year, "measures.target-cue"
    return "Statistic", frame.year, "measures.statistic"


def _mask(text: str) -> str:
    """``text`` with the words that hold a cue without being one (主要, 预期寿命) blanked."""
    for word in words().not_cues:
        text = text.replace(word, "\0" * len(word))
    return text


def _sentence_start(text: str, i: int) -> int:
    k = i
    while k > 0 and text[k - 1] not in "。！？!?":
        k -= 1
    return k


def _skip_time(
    text: str, i: int, j: int, years: list[YearSpan], *, keep: tuple[str, ...] = ()
) -> int:
    """Position after the punctuation, year expressions and leading words opening
    ``text[i:j]`` (except the words in ``keep``)."""
    k = i
    leading = words().leading
    while k < j:
        if text[k] in _PUNCT:
            k += 1
            continue
        year = next((y for y in years if y.i == k), None)
        if year is not None:
            k = year.j
            tail = _YEAR_TAIL.match(text, k, j)
            k = tail.end() if tail else k
            continue
        duration = _DURATION.match(text, k, j)
        if duration is not None:
            k = duration.end()  # 五年来, 三年内
            continue
        word = next((w for w in leading if text.startswith(w, k, j) and w not in keep), None)
        if word is None:
            break
        k += len(word)
    return k


def _indicator(
    text: str,
    ca: int,
    cb: int,
    quantity: Quantity,
    clause_qs: list[Quantity],
    years: list[YearSpan],
    frame: _Frame,
) -> _Indicator | None:
    """The measured thing as written, the clause span ``(i, j)`` it forms with the number,
    and whether it stands before the number (``城镇化率达67%``) rather than after it when
    only a verb precedes (``建设不少于10个高质量科学数据库``)."""
    lists = words()
    k = clause_qs.index(quantity)
    pre_start = clause_qs[k - 1].end if k > 0 else ca
    listed = False
    if k > 0:
        # 1.88万所乡镇卫生院、786所县医院: the previous noun is not this one's indicator
        seps = [m.end() for m in _LIST_SEP.finditer(text, pre_start, quantity.start)]
        if seps:
            pre_start, listed = seps[-1], True
    post_end = clause_qs[k + 1].start if k + 1 < len(clause_qs) else cb
    pre_end = quantity.start
    starts = [m.start() for m in _FROM.finditer(text, pre_start, pre_end)]
    if starts:
        pre_end = starts[-1]  # 国内生产总值从54万亿元增加到…: what comes before 从
    i = _skip_time(text, pre_start, pre_end, years)
    verb = _bare_verb(text[i:pre_end].rstrip(_PUNCT))
    e = _strip_trailing(text, i, pre_end)
    pre = text[i:e]
    if verb is None and text[e:pre_end].strip(_PUNCT) == "在":
        verb = ""  # 在36个大城市率先实现…: the number counts what follows (not 稳定在)
    post = text[quantity.end : post_end]
    if k + 1 < len(clause_qs):
        # 1.88万所乡镇卫生院、786所县医院: this number's noun ends where the next item begins
        seps = [m.start() for m in _LIST_SEP.finditer(post)]
        post = post[: seps[-1]] if seps else post
    post = post.rstrip(_PUNCT)
    if listed and frame.verb and verb is None and not pre.startswith(lists.lead_verbs):
        if pre:
            pre = frame.verb + pre  # 关停小火电2157万千瓦、小煤矿1.12万处
        else:
            verb = frame.verb  # 改扩建1.88万所乡镇卫生院、786所县医院
    counts = quantity.unit is None or quantity.unit in lists.count_units
    noun = post[1:] if post.startswith("的") else post
    if verb is None and text[i:pre_end].rstrip(_PUNCT).endswith("有") and noun:
        verb = "有"  # 对于我们这样一个有13亿人口的国家: what there is, after the number
    if (
        verb is None
        and counts
        and noun
        and not post.startswith("的")
        and pre.endswith(lists.lead_verbs)
    ):
        # 在上海等省市设立11个自贸试验区: what is counted comes after the number; with a
        # magnitude and no unit (营养改善计划惠及3600多万农村学生) the clause says it whole
        if quantity.unit is None:
            return _Indicator(pre + noun, i, quantity.end + len(post), True, False)
        return _Indicator(noun, quantity.start, quantity.end + len(post), True, False)
    if pre.endswith("的") and not noun and len(pre) > 1:
        # 占移动基站总数的33.6%: a share, its subject in the clause before
        return _Indicator(pre[:-1], i, quantity.end, True, True)
    if not pre or verb is not None or pre.endswith("的"):
        if pre.startswith("在") and post.endswith(_LOCATIVE_END):
            return None  # 在我国的690多座城市中: a setting, not a measure
        attributive = post.startswith("的")
        if not noun or not (counts or (attributive and quantity.unit == "%")):
            return None  # 30万千瓦以下煤电机组: a threshold on a kind of thing
        frame.verb = verb
        existential = verb in ("有", "拥有")
        if quantity.unit is None and existential:
            noun = noun.split("的")[0]  # 有13亿人口的发展中国家 → 人口
        indicator = verb + noun if verb and quantity.unit is None and not existential else noun
        start = i if pre or verb else quantity.start
        end = quantity.end + int(attributive) + len(noun)
        return _Indicator(indicator, start, end, bool(pre or verb), False)
    frame.verb = next((v for v in lists.lead_verbs if pre.startswith(v)), None)
    if post.startswith("的") and len(post) > 1:
        return _Indicator(pre + "…" + post, i, quantity.end + len(post), True, True)
    return _Indicator(pre, i, quantity.end, True, True)


def _strip_trailing(text: str, i: int, e: int) -> int:
    trailing = words().trailing
    changed = True
    while changed and e > i:
        changed = False
        while e > i and text[e - 1] in _PUNCT:
            e -= 1
            changed = True
        word = next((w for w in trailing if text.endswith(w, i, e) and e - len(w) >= i), None)
        if word is not None:
            e -= len(word)
            changed = True
        duration = _TRAILING_DURATION.search(text, i, e)
        if duration is not None and duration.start() > i:
            e = duration.start()  # 粮食年产量连续五年稳定在…
            changed = True
    return e


def _bare_verb(pre: str) -> str | None:
    """``pre`` when it is nothing but lead verbs (``建设``, ``推动在``), else None."""
    if not pre:
        return None
    rest = pre
    verbs = words().lead_verbs
    seen = False
    while rest:
        verb = next((v for v in verbs if rest.startswith(v)), None)
        if verb is None:
            break
        rest = rest[len(verb) :]
        seen = True
        if rest[:1] in ("和", "、", "并") and len(rest) > 1:
            rest = rest[1:]  # 新签和升级8个自由贸易协定
    if seen and rest in ("", "在", "了", "出", "到", "至"):
        return pre[: len(pre) - len(rest)] if rest else pre
    return None


def _subject(indicator: str) -> str:
    subject = indicator.split("…")[0]
    inherit = words().inherit
    changed = True
    while changed:
        changed = False
        for w in inherit:
            if subject.endswith(w) and len(subject) > len(w):
                subject = subject[: -len(w)]
                changed = True
    return subject


def _valid(indicator: str) -> bool:
    return (
        2 <= len(indicator) <= _MAX_INDICATOR
        and len(_CJK.findall(indicator)) >= 2
        and not indicator.startswith(("比", "较", "是", "的", "和", "与", "及"))
    )


def _respectively(
    text: str, ca: int, cb: int, clause_qs: list[Quantity], years: list[YearSpan]
) -> dict[int, tuple[str, int]]:
    """``60岁及以上人口、65岁及以上人口分别达3.1亿、2.2亿``: subject k goes with value k.
    Returns indicator and start per quantity start; empty when they do not pair up."""
    at = text.find(_RESPECTIVELY, ca, cb)
    after = [q for q in clause_qs if q.start > at] if at >= 0 else []
    if len(after) < 2:
        return {}
    i = _skip_time(text, ca, at, years)
    subjects: list[tuple[str, int]] = []
    for part in re.finditer(r"[^、和与]+", text[i:at]):
        subject = part.group().strip(_PUNCT)
        if subject:
            subjects.append((subject, i + part.start() + part.group().index(subject)))
    if len(subjects) != len(after) or any(len(s) < 2 for s, _ in subjects):
        return {}  # 中、高等职业教育在校生: an elided subject we cannot rebuild
    verb = at + len(_RESPECTIVELY)
    middle = text[verb : _strip_trailing(text, verb, after[0].start)]
    return {q.start: (s + middle, start) for q, (s, start) in zip(after, subjects, strict=True)}


def _inside(i: int, j: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= i and j <= b for a, b in spans)


def _shift(q: Quantity, a: int) -> Quantity:
    return Quantity(
        start=q.start + a,
        end=q.end + a,
        number_start=q.number_start + a,
        number_end=q.number_end + a,
        value=q.value,
        unit=q.unit,
        comparator=q.comparator,
        value_text=q.value_text,
        chinese=q.chinese,
        magnitude=q.magnitude,
    )


def _shift_year(y: YearSpan, a: int) -> YearSpan:
    return YearSpan(y.i + a, y.j + a, y.year, y.rule)


# --- facts ---------------------------------------------------------------------------


def extract(doc: Document, found: Sequence[Fact]) -> Iterator[Fact]:
    policies = list(entities(found, "Policy"))
    topics = list(entities(found, "Industry", "Technology"))
    quotes = [f for f in found if isinstance(f, QuoteFact) and f.policy is not None]
    own = EntityRef("Policy", entity_key(doc.meta.title)) if doc.meta.kind == "policy" else None
    measures: list[Measure] = []
    for block in doc.blocks:
        if block.kind not in _KINDS:
            continue
        offsets = set(block.offsets)
        for span in measure_spans(block, base_year=doc.meta.year):
            mention = doc.mention(block, span.i, span.j, span.rule)
            policy = None
            if span.kind == "Target":
                policy = _policy(block, mention.start, offsets, policies, quotes) or own
            sentence = _sentence_offsets(block, span.i)
            concerns = sorted(
                {
                    t.ref
                    for t in topics
                    if t.mention.start in sentence and t.mention.end - 1 in sentence
                },
                key=lambda r: (r.cls, r.key),
            )
            q = span.quantity
            measures.append(
                Measure(
                    kind=span.kind,
                    indicator=span.indicator,
                    comparator=q.comparator,
                    value=q.value,
                    unit=q.unit,
                    year=span.year,
                    value_text=q.value_text,
                    mention=mention,
                    policy=policy,
                    concerns=tuple(concerns),
                    article=block.article,
                )
            )
    # A target restated later (提出国内生产总值增长8%左右，主要是…) is not a new statistic.
    targets = {_figure(m) for m in measures if m.kind == "Target"}
    seen: set[tuple[object, ...]] = set()
    for measure in measures:
        key = (measure.kind, *_figure(measure), measure.year, measure.policy)
        if key in seen or (measure.kind == "Statistic" and _figure(measure) in targets):
            continue  # a page that prints the same goal twice (sidebar and body)
        seen.add(key)
        yield measure


def _figure(measure: Measure) -> tuple[str, object, str, str | None]:
    return measure.indicator, measure.value, measure.comparator, measure.unit


def _sentence_offsets(block: Block, i: int) -> frozenset[int]:
    a, b = block.sentence_span(i)
    return frozenset(block.offsets[a:b])


def _policy(
    block: Block,
    start: int,
    offsets: set[int],
    policies: list[EntityMention],
    quotes: list[QuoteFact],
) -> EntityRef | None:
    """The policy a target belongs to: the policy a sidebar quote is an excerpt of, else
    the nearest policy named before the target in the same paragraph."""
    if block.kind == "quote":
        for quote in quotes:
            if quote.policy and quote.mention.start <= block.start < quote.mention.end:
                return quote.policy.ref
    before = [
        p
        for p in policies
        if p.mention.start in offsets and p.mention.end - 1 in offsets and p.mention.end <= start
    ]
    return before[-1].ref if before else None
