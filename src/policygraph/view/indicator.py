"""An indicator's series, year by year: the target set for the year, the outcome reported for
it, whether it was met, and the sentence and document each figure was read in.

One function, :func:`indicator_series`, reads it from the store by SPARQL (all indicators in
one query), so the offline chart, the list of indicators and the explorer's Indicator page
draw the same rows. The target of a year is chosen as the ``series`` saved query chooses it:
the document nearest the year, a goal in the year's list of targets first. The outcome is the
target's ``pgo:outcome`` reported earliest or, for a year without a target, the year's
statistic reported earliest. Values are scaled to the unit people write (万人, 亿元, %).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from policygraph.errors import LookupFailed
from policygraph.query.sparql import entities_named
from policygraph.view.overview import SPARQL_PREAMBLE, select_rows

_VOCAB = "https://w3id.org/policygraph/vocab/"
_TARGET = "https://w3id.org/policygraph/ontology#Target"

#: Close matches named by the error for an unknown indicator.
CLOSE_MATCHES = 5

#: A plain value at least this large is written with this prefix (1244万人, 1.4万亿斤).
SCALES: tuple[tuple[Decimal, str], ...] = (
    (Decimal(10) ** 12, "万亿"),
    (Decimal(10) ** 8, "亿"),
    (Decimal(10) ** 5, "万"),
)
_PREFIX_VALUE = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4}

#: How each comparator reads before a target value.
COMPARATOR_TEXT = {">": "超过", ">=": "不低于", "=": "", "~": "左右", "<": "低于", "<=": "不超过"}

_RULE_RANK = {"measures.list-item": 0, "measures.target-cue": 1}


class IndicatorNotFound(LookupFailed, LookupError):
    """No indicator has that label or alias (exit 2, naming close matches)."""


@dataclass(frozen=True, slots=True)
class Source:
    """Where a figure was read: its sentence and its document."""

    sentence: str
    document: str  # the source file
    title: str


@dataclass(frozen=True, slots=True)
class YearRow:
    """One year of a series, values in the series' display unit (:attr:`Series.unit`)."""

    year: int
    comparator: str | None = None
    target: float | None = None
    target_max: float | None = None  # the upper end of a range (6%－6.5%)
    outcome: float | None = None
    attained: bool | None = None
    target_source: Source | None = None
    outcome_source: Source | None = None


@dataclass(frozen=True, slots=True)
class Series:
    iri: str
    label: str
    unit: str  # as people write it: %, 万人, 亿元
    rows: tuple[YearRow, ...]
    targets: int  # measures of each kind, with or without a year
    statistics: int
    vocabulary: bool  # a concept of ontology/vocab/indicators.ttl

    @property
    def met(self) -> int:
        return sum(r.attained is True for r in self.rows)

    @property
    def missed(self) -> int:
        return sum(r.attained is False for r in self.rows)


@dataclass(frozen=True, slots=True)
class _Measure:
    iri: str
    target: bool
    year: int | None
    comparator: str | None
    value: Decimal
    low: Decimal | None
    high: Decimal | None
    unit: str
    attained: bool | None
    source: Source
    date: str
    rule: str


_MEASURES = (
    SPARQL_PREAMBLE
    + """
SELECT ?i ?label ?m ?kind ?year ?comparator ?value ?low ?high ?unit ?attained
       ?sentence ?file ?title ?date ?rule WHERE {
  VALUES ?i { UNDEF }
  ?m pgo:measures ?i ; a ?kind ; pgo:value ?value .
  FILTER(?kind IN (pgo:Target, pgo:Statistic))
  ?i rdfs:label ?label .
  OPTIONAL { ?m pgo:deadline|pgo:refYear ?when . ?when pgo:year ?year }
  OPTIONAL { ?m pgo:comparator ?comparator }
  OPTIONAL { ?m pgo:valueMin ?low }
  OPTIONAL { ?m pgo:valueMax ?high }
  OPTIONAL { ?m pgo:unit ?unit }
  OPTIONAL { ?m pgo:attained ?attained }
  OPTIONAL {
    ?m pgo:hasMention ?mention . ?mention pgo:inDocument ?doc .
    OPTIONAL { ?mention pgo:sentence ?sentence }
    OPTIONAL { ?mention pgo:rule ?rule }
    OPTIONAL { ?doc pgo:sourceFile ?file }
    OPTIONAL { ?doc dcterms:title ?title }
    OPTIONAL { ?doc dcterms:date ?date }
  }
}
"""
)

_OUTCOMES = SPARQL_PREAMBLE + "SELECT ?t ?s WHERE { ?t pgo:outcome ?s }"
_LABELS = (
    SPARQL_PREAMBLE
    + """
SELECT DISTINCT ?name WHERE {
  ?i a pgo:Indicator . { ?i rdfs:label ?name } UNION { ?i skos:altLabel ?name }
}
"""
)


def find_indicator(store: ox.Store, name: str) -> ox.NamedNode:
    """The Indicator a label, an alias or an IRI names, resolved as ``series`` resolves
    ``--param indicator=…``; :class:`IndicatorNotFound` names close matches otherwise."""
    for entity in entities_named(store, name):
        if any(True for _ in store.quads_for_pattern(entity, _RDF_TYPE, _INDICATOR)):
            return entity
    labels = sorted({row[0] for row in select_rows(store, _LABELS)})
    close = difflib.get_close_matches(name.strip(), labels, n=CLOSE_MATCHES, cutoff=0.5)
    if not close:
        close = [label for label in labels if name.strip() and name.strip() in label]
        close = close[:CLOSE_MATCHES]
    hint = f"; close matches: {', '.join(close)}" if close else ""
    raise IndicatorNotFound(
        f"no indicator '{name}' in the graph{hint} (the saved query 'indicators' lists them)"
    )


_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_INDICATOR = ox.NamedNode("https://w3id.org/policygraph/ontology#Indicator")


#: A function answering a SELECT with rows of terms by variable, unbound ones left out: how
#: the explorer reads the store (:func:`policygraph.serve.explore.app.rows`).
Ask = Callable[[str], list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]]


def _tuples(source: ox.Store | Ask, query: str) -> Iterator[tuple[str, ...]]:
    """The rows of ``query`` as strings ("" when unbound), in the SELECT's order."""
    if isinstance(source, ox.Store):
        yield from select_rows(source, query)
        return
    head = query[query.index("SELECT") : query.index("WHERE")]
    names = re.findall(r"\?(\w+)", head)
    for row in source(query):
        yield tuple(row[n].value if n in row else "" for n in names)


def indicator_series(
    store: ox.Store | Ask, indicators: Sequence[ox.NamedNode] | None = None
) -> list[Series]:
    """The series of ``indicators`` (every indicator with a target or statistic when None),
    most measured first, then by label. ``store`` is a store or a function that answers
    a SELECT (:data:`Ask`)."""
    query = _MEASURES
    if indicators is not None:
        if not indicators:
            return []
        query = query.replace(
            "VALUES ?i { UNDEF }", f"VALUES ?i {{ {' '.join(map(str, indicators))} }}"
        )
    measures: dict[str, dict[str, _Measure]] = defaultdict(dict)
    labels: dict[str, str] = {}
    for row in _tuples(store, query):
        i, label, m, kind, year, comparator, value, low, high, unit, attained = row[:11]
        sentence, file, title, date, rule = row[11:]
        labels[i] = label
        if m in measures[i]:  # a second mention or label: the first one serves
            continue
        number = _decimal(value)
        if number is None:
            continue
        measures[i][m] = _Measure(
            iri=m,
            target=kind == _TARGET,
            year=int(year) if year.lstrip("-").isdigit() else None,
            comparator=comparator or None,
            value=number,
            low=_decimal(low),
            high=_decimal(high),
            unit=unit,
            attained={"true": True, "false": False}.get(attained),
            source=Source(sentence, file, title or file),
            date=date,
            rule=rule,
        )
    outcomes: dict[str, list[str]] = defaultdict(list)
    if measures:
        for t, s in _tuples(store, _OUTCOMES):
            outcomes[t].append(s)
    found = [
        _series(i, labels[i], list(by_iri.values()), outcomes) for i, by_iri in measures.items()
    ]
    return sorted(found, key=lambda s: (-(s.targets + s.statistics), s.label, s.iri))


def _series(
    iri: str, label: str, measures: list[_Measure], outcomes: dict[str, list[str]]
) -> Series:
    # One axis, one unit: measures in another unit than the indicator's usual one are left out.
    unit = Counter(m.unit for m in measures).most_common(1)[0][0]
    kept = [m for m in measures if m.unit == unit]
    by_iri = {m.iri: m for m in kept}
    targets: dict[int, list[_Measure]] = defaultdict(list)
    statistics: dict[int, list[_Measure]] = defaultdict(list)
    for m in kept:
        if m.year is not None:
            (targets if m.target else statistics)[m.year].append(m)
    shown = [
        v for m in kept if m.year is not None for v in (m.value, m.low, m.high) if v is not None
    ]
    factor, written = display_unit(unit, shown)
    rows = []
    for year in sorted(set(targets) | set(statistics)):
        target = min(targets[year], key=lambda m: _target_key(m, year)) if targets[year] else None
        linked = [by_iri[s] for s in outcomes.get(target.iri, []) if s in by_iri] if target else []
        candidates = linked or statistics[year]
        outcome = min(candidates, key=lambda m: (m.date or "9999", m.iri)) if candidates else None
        rows.append(
            YearRow(
                year=year,
                comparator=target.comparator if target else None,
                target=_scaled(target.low if target.low is not None else target.value, factor)
                if target
                else None,
                target_max=_scaled(target.high, factor) if target else None,
                outcome=_scaled(outcome.value, factor) if outcome else None,
                attained=target.attained if target else None,
                target_source=target.source if target else None,
                outcome_source=outcome.source if outcome else None,
            )
        )
    return Series(
        iri=iri,
        label=label,
        unit=written,
        rows=tuple(rows),
        targets=sum(m.target for m in measures),
        statistics=sum(not m.target for m in measures),
        vocabulary=iri.startswith(_VOCAB),
    )


def _target_key(m: _Measure, year: int) -> tuple[int, int, str, str]:
    """The ``series`` query's order: nearest document, a listed goal first, earliest, IRI."""
    distance = abs(int(m.date[:4]) - year) if m.date[:4].isdigit() else 999
    return (distance, _RULE_RANK.get(m.rule, 2), m.date or "9999", m.iri)


def display_unit(unit: str, values: Iterable[Decimal]) -> tuple[Decimal, str]:
    """The factor to divide plain values by, and the unit people write: 12440000 人 →
    (10⁴, 万人); a percentage and small values stay as they are."""
    if unit == "%" or not unit:
        return Decimal(1), unit
    largest = max((abs(v) for v in values), default=Decimal(0))
    for threshold, prefix in SCALES:
        if largest >= threshold:
            return _PREFIX_VALUE[prefix], prefix + unit
    return Decimal(1), unit


def _scaled(value: Decimal | None, factor: Decimal) -> float | None:
    # Rounded to 4 significant places after the scale: the plain values are exact decimals,
    # the chart needs only what a reader can tell apart (and no 1243.9999999).
    return None if value is None else float(round(value / factor, 4))


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def format_value(value: float | None) -> str:
    """A display value without a needless ``.0``: 5, 5.5, 1244."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def target_text(row: YearRow, unit: str) -> str:
    """A target as people write it: ``5%左右``, ``不低于1200万人``, ``6%－6.5%``."""
    if row.target is None:
        return ""
    if row.target_max is not None and row.target_max != row.target:
        return f"{format_value(row.target)}{unit}－{format_value(row.target_max)}{unit}"
    words = COMPARATOR_TEXT.get(row.comparator or "=", "")
    value = f"{format_value(row.target)}{unit}"
    return value + words if row.comparator == "~" else words + value
