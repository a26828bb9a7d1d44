"""The indicator of a number: the measured thing as written around it, trimmed of time words,
verbs and trailing particles; and whether a clause inherits the previous one's subject."""

from __future__ import annotations

import re
from dataclasses import dataclass

from policygraph.extract.measures.clauses import PUNCT, skip_time
from policygraph.extract.measures.frame import Frame
from policygraph.extract.measures.words import words
from policygraph.extract.numbers import Quantity
from policygraph.text.years import YearSpan

# 由10.2%下降到3.1%, 由2002年7703元增加到…, 从去年的2.1%提高到…, 由每人每年50元提高到…: the start
# value is no measure
_BETWEEN = r"(?:\s*\d{4}年的?|(?:去|上|前|上一)年的?|每人|每年|每户|人均)*\s*"
_FROM = re.compile(rf"[从由](?={_BETWEEN}\d)")
FROM_BEFORE = re.compile(rf"[从由]{_BETWEEN}$")
# 能耗由前三年分别上升4.9%、5.5%，转为下降1.2%: the figures it turned from are a past state,
# no measure of their own; the one it turned to is the subject's (能耗下降1.2%)
_TURN = re.compile(r"([^，,；;。！？：:、]{2,40}?)由[^。！？]*?转为")
TURNED = "转为"
_LIST_SEP = re.compile(r"[、和及]")
_AFTER_DIGITS = re.compile(r"[\d０-９][，,]$")
# an amount of money after a verb of allotting, and the noun after it up to what it is for
_MONEY = frozenset({"元", "美元", "欧元", "港元", "日元"})
_MONEY_VERBS = ("安排", "增加", "发行", "下达", "投入", "追加", "新增", "拨付", "筹集", "设立")
# (no numeral, 的 or 了 in it: 增加了一百七十七亿元, 增加一元钱的购买力 are no such noun)
_MONEY_NOUN = re.compile(
    r"((?:(?![一二三四五六七八九十百千万亿元了的])[\u4e00-\u9fff“”]){2,20}?)"
    r"(?=用于|置换|支持|用来|主要|帮助|推动|促进|解决|重点|补充|化解|发放|$)"
)
_TRAILING_DURATION = re.compile(r"(?:连续|近|过去)?[一二三四五六七八九十两\d]+年$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MAX_INDICATOR = 40
_LOCATIVE_END = ("之中", "中", "里", "内")


@dataclass(frozen=True, slots=True)
class Indicator:
    text: str
    i: int  # clause span of indicator and number
    j: int
    named_before: bool  # something stands before the number (a verb at least)
    from_pre: bool  # the indicator is the text before the number


def find_indicator(
    text: str,
    ca: int,
    cb: int,
    quantity: Quantity,
    clause_qs: list[Quantity],
    years: list[YearSpan],
    frame: Frame,
) -> Indicator | None:
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
    i = skip_time(text, pre_start, pre_end, years)
    verb = _bare_verb(text[i:pre_end].rstrip(PUNCT))
    e = strip_trailing(text, i, pre_end)
    pre = text[i:e]
    if (
        verb is None
        and text[e:pre_end].strip(PUNCT) == "在"
        and text[quantity.end : clause_qs[k + 1].start if k + 1 < len(clause_qs) else cb].strip(
            PUNCT
        )
    ):
        # 在36个大城市率先实现…: the number counts what follows (not 稳定在); with nothing
        # after the number (涨幅在3%以内) 在 is the copula and the indicator stands before it
        verb = ""
    post = text[quantity.end : post_end]
    if k + 1 < len(clause_qs):
        # 1.88万所乡镇卫生院、786所县医院: this number's noun ends where the next item begins
        seps = [m.start() for m in _LIST_SEP.finditer(post)]
        post = post[: seps[-1]] if seps else post
    post = post.rstrip(PUNCT)
    if listed and frame.verb and verb is None and not pre.startswith(lists.lead_verbs):
        if pre:
            pre = frame.verb + pre  # 关停小火电2157万千瓦、小煤矿1.12万处
        else:
            verb = frame.verb  # 改扩建1.88万所乡镇卫生院、786所县医院
    counts = quantity.unit is None or quantity.unit in lists.count_units
    noun = post[1:] if post.startswith("的") else post
    if verb is None and text[i:pre_end].rstrip(PUNCT).endswith("有") and noun:
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
            return Indicator(pre + noun, i, quantity.end + len(post), True, False)
        return Indicator(noun, quantity.start, quantity.end + len(post), True, False)
    money = _MONEY_NOUN.match(noun) if quantity.unit in _MONEY and verb is None else None
    if (
        money is not None
        and pre.endswith(_MONEY_VERBS)
        and "的" not in pre  # (城市居民的购买力将增加…: a consequence, not an allotment)
        and not post.startswith("的")
    ):
        # 一次性增加6万亿元地方政府债务限额置换…, 中央财政拟安排200亿元专项资金: an amount
        # of what follows it (6万亿元 of 地方政府债务限额), not of the verb
        return Indicator(pre + "…" + money.group(1), i, quantity.end + money.end(1), True, True)
    if quantity.unit in _MONEY and not noun and pre.endswith(_MONEY_VERBS) and "的" not in pre:
        # 拟连续几年发行超长期特别国债，…，今年先发行1万亿元: the sentence named what is
        # allotted after the same verb earlier
        named = _allotted_before(text, ca, next(v for v in _MONEY_VERBS if pre.endswith(v)))
        if named is not None:
            return Indicator(pre + "…" + named, i, quantity.end, True, True)
    if pre.endswith("的") and not noun and len(pre) > 1:
        # 占移动基站总数的33.6%: a share, its subject in the clause before
        return Indicator(pre[:-1], i, quantity.end, True, True)
    if not pre and starts and k == 0:
        # 电子商务交易额保持快速增长，由2012年的8万亿元增长到…: the subject stands in the clause
        # before, ahead of what it says about it
        subject = clause_subject(text, ca)
        if subject is not None:
            return Indicator(subject, ca, quantity.end, True, True)
    if not pre or verb is not None or pre.endswith("的"):
        if pre.startswith("在") and noun.endswith(_LOCATIVE_END):
            # 在我国的690多座城市中: the setting reports how many there are (城市)
            noun = noun[: -len(next(e for e in _LOCATIVE_END if noun.endswith(e)))]
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
        # 16个国家签署…, 3000多家企业参展: a count opening its clause names what it counts and
        # what they did after it (not 6.5%左右的增速可以…, a rate)
        number_first = (
            not pre
            and verb is None
            and quantity.unit in lists.count_units
            and len(noun) >= 4
            and quantity.value > 0  # (３，０００余户: a thousands separator read as a clause)
            and k == 0  # (not 解决三个1亿人问题: the count opens the clause)
            and skip_time(text, ca, quantity.start, years) >= quantity.start
            and not _AFTER_DIGITS.search(text, max(0, quantity.start - 2), quantity.start)
        )
        return Indicator(indicator, start, end, bool(pre or verb or number_first), False)
    t = text.rfind(TURNED, i, e)
    if t >= 0 and e > t + len(TURNED):
        subject = turned_subject(text, t)
        if subject is not None:  # 工业企业利润由上年下降2.3%转为增长8.5% → 工业企业利润增长
            return Indicator(subject + text[t + len(TURNED) : e], t, quantity.end, True, False)
    frame.verb = next((v for v in lists.lead_verbs if pre.startswith(v)), None)
    if post.startswith("的") and len(post) > 1:
        return Indicator(pre + "…" + post, i, quantity.end + len(post), True, True)
    return Indicator(pre, i, quantity.end, True, True)


def strip_trailing(text: str, i: int, e: int) -> int:
    trailing = words().trailing
    changed = True
    while changed and e > i:
        changed = False
        while e > i and text[e - 1] in PUNCT:
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


def continues(indicator: str) -> bool:
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


def subject_of(indicator: str) -> str:
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


def valid(indicator: str) -> bool:
    return (
        2 <= len(indicator) <= _MAX_INDICATOR
        and len(_CJK.findall(indicator)) >= 2
        and not indicator.startswith(("比", "较", "是", "的", "和", "与", "及"))
        # 在我们这样一个13亿人口的发展中国家: 一个 before a number makes it a description
        and not indicator.endswith("一个")
    )


def turn_spans(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Where a sentence ``text[a:b]`` states what a figure turned from (由…转为)."""
    return [(m.end(1), m.end()) for m in _TURN.finditer(text, a, b)]


def turned_subject(text: str, i: int) -> str | None:
    """The subject of ``X由…转为`` whose 转为 stands at ``i``, if any."""
    start = max(text.rfind(c, 0, i) for c in "。！？") + 1
    found = [m for m in _TURN.finditer(text, start, i + len(TURNED)) if m.end() == i + len(TURNED)]
    return found[-1].group(1).strip() if found else None


_FROM_YEAR_AFTER = re.compile(rf"的?{_BETWEEN}\d")


def from_year(text: str, i: int, j: int) -> bool:
    """Is the year ``text[i:j]`` that of a start value (从去年的2.1%提高到…)?"""
    return text[:i].rstrip().endswith(("从", "由")) and _FROM_YEAR_AFTER.match(text, j) is not None


# what a clause says of its subject (保持快速增长, 年均增长较快): the subject ends before it
_PREDICATE = re.compile(
    r"保持|持续|实现|稳步|快速|不断|大幅|显著|继续|年均|逐年|明显|进一步|有所|稳定|迅速|较快|增长|提高|"
    r"蓬勃|加快|发展"
)


# a clause that ends in one of these names a measured thing whole
_MEASURE_NOUN = re.compile(r"(?:率|额|量|数|比重|规模|总值|收入|产值|里程|面积|人口|人数)$")


def clause_subject(text: str, ca: int) -> str | None:
    """The subject of the clause before the one starting at ``ca`` in its sentence, when it
    opens that clause and a predicate follows it (``电子商务交易额保持快速增长``)."""
    end = ca
    while end > 0 and text[end - 1] in PUNCT:
        end -= 1
    if end == 0 or text[end - 1] in "。！？":
        return None
    start = max(text.rfind(c, 0, end) for c in "。！？，,；;：:\n") + 1
    whole = text[start:end].strip()
    if _MEASURE_NOUN.search(whole) and valid(whole) and len(whole) <= _MAX_INDICATOR:
        return whole  # 全国…的人口地区覆盖率，由1997年的65%提高到…: the clause names it whole
    predicate = _PREDICATE.search(text, start, end)
    if predicate is None:
        return None
    subject = text[start : predicate.start()].strip()
    return subject if valid(subject) and len(subject) <= 20 else None


def _allotted_before(text: str, ca: int, verb: str) -> str | None:
    """What ``verb`` allots earlier in the sentence before ``ca`` (发行超长期特别国债)."""
    start = max(text.rfind(c, 0, ca) for c in "。！？\n") + 1
    k = text.rfind(verb, start, ca)
    if k < 0:
        return None
    found = _MONEY_NOUN.match(text[k + len(verb) : ca].split("，")[0])
    return found.group(1) if found else None
