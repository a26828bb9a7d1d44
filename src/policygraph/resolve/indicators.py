"""Indicators as entities: what a target or statistic measures, one node across documents.

A measure's indicator is written many ways (国内生产总值增长, 经济增长预期目标, 中央提出今年经济
增长预期目标, 国内生产总值比上年增长). The wording is first normalised: frame words that say
how the text sets or reports the figure, not what it measures, are removed (预期目标, 目标定,
安排, 比上年, 今年, 提高到, 控制在…). The result is looked up exactly among the labels of
``ontology/vocab/indicators.ttl`` (exact, not by containment: 服务业增加值占国内生产总值比重 is
not GDP), where a concept's unit must agree in kind (% or not) with the figure's. A wording
the vocabulary lacks becomes an Indicator of its own, keyed by the normalised text, so the
same wording in two documents meets one entity.

Resolution depends on the vocabulary and the one measure only, so ``pgo:measures`` belongs in
the document's own graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox

from policygraph.rules.normalize import normalise
from policygraph.rules.vocab import vocab_path

VOCABULARY = "indicators"
_PGO = "https://w3id.org/policygraph/ontology#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_SCHEME = ox.NamedNode("https://w3id.org/policygraph/vocab/indicator")

# Frame words, longest first within each list. Prefixes: time and the act of setting the
# figure; suffixes: the goal's wording and the verb before the number; infixes: a baseline.
_PREFIXES = (
    "中央提出今年", "中央提出", "今年全年", "今年", "全年", "年末", "年底", "去年", "上年",
    "当年", "拟安排", "安排", "实现", "把", "确保", "力争", "争取", "预计", "其中", "全国没有实现",
)  # fmt: skip
_SUFFIXES = (
    "预期目标定为", "预期目标定", "预期目标是", "预期目标为", "预期目标", "调控目标定为",
    "调控目标定", "调控目标", "目标定为", "目标定", "目标是", "目标为", "目标", "预期",
    "拟定", "拟安排", "安排", "计划", "控制在", "保持在", "稳定在", "提高到", "增加到",
    "达到", "降到", "降至", "回落到", "回落", "平均", "的", "为", "是", "要", "将", "拟", "降",
)  # fmt: skip
_ALLOTTING = ("安排", "增加", "发行", "下达", "投入", "追加", "新增", "拨付", "筹集", "设立")
_INFIX = re.compile(r"比(?:上年|去年|上一年)(?:预算|年初预算)?|同比|预期(?!寿命)")
_QUOTES = re.compile(r"[“”\"‘’《》\s]")


def normalise_indicator(text: str) -> str:
    """The indicator without its frame words: ``经济增长预期目标`` → ``经济增长``,
    ``国内生产总值比上年增长`` → ``国内生产总值增长``; the text itself when nothing is left."""
    s = _INFIX.sub("", _QUOTES.sub("", normalise(text)))
    head, dots, tail = s.partition("…")
    if dots and head.endswith(_ALLOTTING) and len(tail) >= 2:
        s = tail  # 一次性增加…地方政府债务限额: the amount is of 地方政府债务限额
    changed = True
    while changed:
        changed = False
        for p in _PREFIXES:
            if s.startswith(p) and len(s) > len(p) + 1:
                s, changed = s[len(p) :], True
        for w in _SUFFIXES:
            if s.endswith(w) and len(s) > len(w) + 1:
                s, changed = s[: -len(w)], True
    return s or text


@dataclass(frozen=True, slots=True)
class Indicator:
    iri: str | None  # a vocabulary concept's IRI; None for one of its own (see ``key``)
    key: str  # the normalised wording (an own indicator's identity and label)
    label: str
    unit: str | None = None
    higher_is_better: bool | None = None

    @property
    def rule(self) -> str:
        return "indicators.vocabulary" if self.iri else "indicators.normalised"


@cache
def vocabulary() -> dict[str, Indicator]:
    """Every normalised label of the vocabulary → its concept."""
    props: dict[str, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]] = {}
    for q in ox.parse(path=vocab_path(VOCABULARY), format=ox.RdfFormat.TURTLE):
        if isinstance(q.subject, ox.NamedNode):
            props.setdefault(q.subject.value, {}).setdefault(q.predicate.value, []).append(q.object)
    index: dict[str, Indicator] = {}
    for iri, p in sorted(props.items()):
        if _SCHEME not in p.get(_SKOS + "inScheme", []):
            continue
        pref = next(
            o.value
            for o in p[_SKOS + "prefLabel"]
            if isinstance(o, ox.Literal) and o.language == "zh"
        )
        unit = next((o.value for o in p.get(_PGO + "indicatorUnit", [])), None)
        better = next((o.value == "true" for o in p.get(_PGO + "higherIsBetter", [])), None)
        concept = Indicator(iri, normalise_indicator(pref), pref, unit, better)
        for o in p[_SKOS + "prefLabel"] + p.get(_SKOS + "altLabel", []):
            if isinstance(o, ox.Literal) and o.language == "zh":
                index.setdefault(normalise_indicator(o.value), concept)
    return index


def resolve(indicator: str, unit: str | None) -> Indicator:
    """The Indicator a measure of ``indicator`` in ``unit`` measures."""
    key = normalise_indicator(indicator)
    concept = vocabulary().get(key)
    if concept is not None and (concept.unit is None or (concept.unit == "%") == (unit == "%")):
        return concept
    if concept is not None:
        key = f"{key}（{unit or '无单位'}）"  # 国内生产总值 in %: not the level in 元
    return Indicator(None, key, key)
