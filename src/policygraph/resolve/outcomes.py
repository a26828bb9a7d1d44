"""The reduce step of indicators: a target's outcome and whether it was attained.

A report sets a target for a year (国内生产总值增长5%左右, 2024); a later report says what
the year brought (国内生产总值增长5.2%). Neither document alone links them, so the link is
derived after every document graph is loaded, into a corpus-level graph of its own
(``OUTCOMES_GRAPH``) and the default graph, like ``lineage.py``:

- ``pgo:outcome``: each Target (indicator I, deadline Y) → each Statistic (indicator I,
  reference year Y, the same kind of unit), from any document;
- ``pgo:attained``: true or false by the comparator, the range and the indicator's direction
  against the outcome the earliest later document reports (a report of the year after
  states the result; a retrospective years later restates it); no outcome, no attainment.

Each derived triple has a ``pgo:RelationMention`` in the same graph with the statistic's span,
sentence and document and the rule that made it. The result is a function of the document
graphs alone (ties are broken by IRI), so it does not depend on the order or split of the
corpus. Each target's quads follow from the targets and statistics of its indicator and
year, so an update derives again only those of the targets its changed documents touch
(:func:`update`) and gives the graph a clean build would.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from policygraph.namespaces import ID, PGO, PREFIXES, RDF, XSD

OUTCOMES_GRAPH = "https://w3id.org/policygraph/graph/outcomes"
VOCABULARY = "https://w3id.org/policygraph/vocab/"

# 左右 (~): within half a percentage point for a rate, 5 % of the value otherwise
RATE_TOLERANCE = Decimal("0.5")
RELATIVE_TOLERANCE = Decimal("0.05")

# 年均增长9.5%, 累计…, “十五”期间…增长57.3%: a figure over several years is no year's outcome
_SEVERAL_YEARS = re.compile(r"年均|累计|期间|时期|[两三四五六七八九十多]年|以来|平均每年")

# 2005年与2000年相比，国内生产总值增长57.3%: a change over a baseline years before
_BASELINE = re.compile(r"(?:与|同|比)(\d{4})年(?:相比|比较|底|末)?")

#: What the derivation reads, as bytes of N-Triples lines: any triple of a target or a
#: statistic or of a statistic's mention, the indicators' labels, the documents' dates. An
#: update that moves no such line leaves the graph as it is (store/incremental.py).
OUTCOMES_READS = (
    b"/id/target/",
    b"/id/statistic/",
    b"-statistic>",
    b"<https://w3id.org/policygraph/ontology#measures>",
    b"/id/indicator/",
    b"<http://purl.org/dc/terms/date>",
)

# The candidates are read in three small queries joined here: one query joining targets and
# statistics on indicator and year made Oxigraph's plan take 6.4 s on the bulk corpus (81
# rows); these take a fraction of a second. The rows are the solutions that one query gives.
_TARGETS = """
SELECT ?t ?ind ?y ?c ?v ?vmax ?tu ?better WHERE {
    %s
    ?t a pgo:Target ; pgo:measures ?ind ; pgo:deadline ?y ; pgo:comparator ?c ; pgo:value ?v .
    OPTIONAL { ?t pgo:valueMax ?vmax }
    OPTIONAL { ?ind pgo:higherIsBetter ?better }
    OPTIONAL { ?t pgo:unit ?tu }
}
"""
_STATISTICS = """
SELECT ?s ?ind ?y ?o ?su WHERE {
    VALUES ?ind { %s }
    ?s pgo:measures ?ind .
    ?s a pgo:Statistic ; pgo:refYear ?y ; pgo:value ?o .
    OPTIONAL { ?s pgo:unit ?su }
}
"""
_SOURCES = """
SELECT ?s ?doc ?date ?start ?end ?surface ?sentence WHERE {
    VALUES ?s { %s }
    ?s pgo:hasMention ?m .
    ?m pgo:inDocument ?doc ; pgo:start ?start ; pgo:end ?end ; pgo:surface ?surface ;
       pgo:sentence ?sentence .
    OPTIONAL { ?doc <http://purl.org/dc/terms/date> ?date }
}
"""


def candidates(store: ox.Store, only: Touched | None = None) -> list[dict[str, Any]]:
    """Each (target, statistic of the same indicator, year and unit, mention of that
    statistic) as a row keyed by variable name (None where an OPTIONAL did not match);
    ``only``: the rows of the targets it holds (:meth:`Touched.holds`)."""
    targets: dict[tuple[str, str], list[ox.QuerySolution]] = {}
    if only is None:
        solutions = list(store.query(_TARGETS % "", prefixes=PREFIXES))  # type: ignore[arg-type]
    else:
        solutions = []
        wanted = sorted(only.indicators())
        for i in range(0, len(wanted), 500):
            iris = " ".join(f"<{iri}>" for iri in wanted[i : i + 500])
            values = f"VALUES ?ind {{ {iris} }}"
            solutions += store.query(_TARGETS % values, prefixes=PREFIXES)  # type: ignore[arg-type]
    for r in solutions:
        if only is None or only.holds(r["ind"].value, r["y"].value):
            targets.setdefault((r["ind"].value, r["y"].value), []).append(r)
    pairs = []
    # only the statistics of the targets' indicators: 0.1 s instead of 0.5 s for all of
    # them on the bulk corpus (14,164 statistics, 911 indicators with a target)
    indicators = sorted({ind for ind, _ in targets})
    for i in range(0, len(indicators), 500):
        values = " ".join(f"<{iri}>" for iri in indicators[i : i + 500])
        for r in store.query(_STATISTICS % values, prefixes=PREFIXES):  # type: ignore[union-attr]
            for t in targets.get((r["ind"].value, r["y"].value), ()):
                if _unit(t["tu"]) == _unit(r["su"]):
                    pairs.append((t, r))
    sources: dict[str, list[ox.QuerySolution]] = {}
    stats = sorted({s["s"].value for _, s in pairs})
    for i in range(0, len(stats), 500):
        values = " ".join(f"<{iri}>" for iri in stats[i : i + 500])
        for r in store.query(_SOURCES % values, prefixes=PREFIXES):  # type: ignore[union-attr]
            sources.setdefault(r["s"].value, []).append(r)
    rows = []
    for t, s in pairs:
        for m in sources.get(s["s"].value, ()):
            row = {name: t[name] for name in ("ind", "y", "tu", "t", "c", "v", "vmax", "better")}
            row |= {"s": s["s"], "o": s["o"]}
            row |= {
                name: m[name] for name in ("doc", "date", "start", "end", "surface", "sentence")
            }
            rows.append(row)
    return rows


def _unit(term: ox.Literal | None) -> str:
    return "" if term is None else term.value


@dataclass(frozen=True, slots=True)
class Goal:
    comparator: str
    value: Decimal
    value_max: Decimal | None
    unit_is_rate: bool
    higher_is_better: bool | None


def attained(goal: Goal, outcome: Decimal) -> tuple[bool, str]:
    """Was ``goal`` met by ``outcome``? With the rule that decided: a floor is met from
    above (growth, jobs; ``>=``), a ceiling from below (prices, unemployment; ``<=``),
    a band (``~`` or a range without a direction) from within."""
    v, vmax, c, up = goal.value, goal.value_max, goal.comparator, goal.higher_is_better
    tol = RATE_TOLERANCE if goal.unit_is_rate else abs(v) * RELATIVE_TOLERANCE
    if c in (">", ">="):
        return (outcome > v if c == ">" else outcome >= v), "outcomes.floor"
    if c in ("<", "<="):
        return (outcome < v if c == "<" else outcome <= v), "outcomes.ceiling"
    low, high = (v, vmax) if vmax is not None else (v, v)
    if c == "~":
        low, high = low - tol, high + tol
    if up is True:
        return outcome >= low, "outcomes.floor"
    if up is False:
        return outcome <= high, "outcomes.ceiling"
    if c == "=" and vmax is None:
        return outcome >= v, "outcomes.floor"  # 达到 with no direction: a level to reach
    return low <= outcome <= high, "outcomes.band"


def derive_outcomes(store: ox.Store) -> None:
    """Link targets to their outcomes and say whether each was attained. Reads and writes
    the store in place."""
    quads = derived(store, candidates(store))
    default = ox.DefaultGraph()
    # one bulk load (each costs about 70 ms whatever its size)
    store.bulk_extend(
        [*quads, *(ox.Quad(q.subject, q.predicate, q.object, default) for q in quads)]
    )


def derived(store: ox.Store, rows: list[dict[str, Any]]) -> list[ox.Quad]:
    """The quads of the outcomes graph that the candidate ``rows`` give. Each target's
    quads follow from its own rows alone (its outcomes, and its attainment by the earliest
    of them), which :func:`update` relies on."""
    rows = sorted(
        rows,
        key=lambda r: (
            r["t"].value,
            r["date"].value if r["date"] is not None else "9999",
            r["s"].value,
        ),
    )
    graph = ox.NamedNode(OUTCOMES_GRAPH)
    quads: list[ox.Quad] = []
    first: set[str] = set()
    for r in rows:
        year = int(r["y"].value.rsplit("/", 1)[-1])
        if _over_several_years(r["sentence"].value, r["surface"].value, year):
            continue
        if not _annual(r, year, store):
            continue
        target, stat = r["t"], r["s"]
        triple = (target, ox.NamedNode(str(PGO.outcome)), stat)
        quads.append(ox.Quad(*triple, graph))
        quads += _evidence(triple, r, "outcomes.indicator-year", graph)
        if target.value in first:
            continue  # attainment by the earliest report of the outcome
        first.add(target.value)
        goal = Goal(
            comparator=r["c"].value,
            value=Decimal(r["v"].value),
            value_max=Decimal(r["vmax"].value) if r["vmax"] is not None else None,
            unit_is_rate=_is_rate(store, target),
            higher_is_better=(r["better"].value == "true") if r["better"] is not None else None,
        )
        met, rule = attained(goal, Decimal(r["o"].value))
        flag = ox.Literal("true" if met else "false", datatype=ox.NamedNode(str(XSD.boolean)))
        triple = (target, ox.NamedNode(str(PGO.attained)), flag)
        quads.append(ox.Quad(*triple, graph))
        quads += _evidence(triple, r, rule, graph)
    return quads


class Touched:
    """What an update may have changed the outcomes of: the (indicator, year) keys of every
    target and statistic in the lines that changed, and the indicators those lines say
    anything about (their labels: any year)."""

    def __init__(self) -> None:
        self.keys: set[tuple[str, str]] = set()
        self.any_year: set[str] = set()
        self.targets: set[str] = set()  # targets in the lines: their old quads go

    def indicators(self) -> set[str]:
        return {ind for ind, _ in self.keys} | self.any_year

    def holds(self, indicator: str, year: str) -> bool:
        return indicator in self.any_year or (indicator, year) in self.keys


_TARGET, _STATISTIC, _INDICATOR = (f"{ID}{kind}/" for kind in ("target", "statistic", "indicator"))
_VOCAB_INDICATOR = f"{VOCABULARY}indicator/"


def touched(lines: Iterable[bytes]) -> Touched:
    """The :class:`Touched` of N-Triples ``lines``: every line of the document graphs that
    changed, as they were and as they are, and every line that entered or left another
    graph (labels). A target's or statistic's facts and mentions, and its document's date,
    are all in its document's graph, so each one an update can affect has its lines there."""
    found = Touched()
    inds: dict[str, set[str]] = {}
    years: dict[str, set[str]] = {}
    measures, deadline, ref_year = str(PGO.measures), str(PGO.deadline), str(PGO.refYear)
    for t in ox.parse(b"".join(sorted(set(lines))), ox.RdfFormat.N_TRIPLES):
        subject = t.subject.value
        if subject.startswith(_INDICATOR) or subject.startswith(_VOCAB_INDICATOR):
            found.any_year.add(subject)
        if not (subject.startswith(_TARGET) or subject.startswith(_STATISTIC)):
            continue
        if subject.startswith(_TARGET):
            found.targets.add(subject)
        p = t.predicate.value
        if p == measures:
            inds.setdefault(subject, set()).add(t.object.value)
        elif p in (deadline, ref_year):
            years.setdefault(subject, set()).add(t.object.value)
    for subject, its in inds.items():
        found.keys.update((ind, year) for ind in its for year in years.get(subject, ()))
    return found


def update(store: ox.Store, lines: Iterable[bytes]) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """The outcomes graph after an update, by difference: the quads to take out of it and
    those to put in, for the targets the changed ``lines`` touch (:func:`touched`), as
    :func:`derive_outcomes` would give them on the whole store. 0.01-0.03 s, where deriving
    the graph again took 0.2-0.5 s on the bulk corpus."""
    found = touched(lines)
    rows = candidates(store, found)
    graph = ox.NamedNode(OUTCOMES_GRAPH)
    subject = ox.NamedNode(str(RDF) + "subject")
    # the targets whose rows were read (those there now), and those the lines name (gone,
    # or moved to another indicator or year): their quads go, the rows give them again.
    # (A target is one span of one document: one indicator and one deadline, so the rows
    # read are all of its rows.)
    drop = set(found.targets)
    for ind in sorted(found.indicators()):
        for q in store.quads_for_pattern(None, _P("measures"), ox.NamedNode(ind), None):
            target = q.subject
            if not isinstance(target, ox.NamedNode) or not target.value.startswith(_TARGET):
                continue
            for y in store.quads_for_pattern(target, _P("deadline"), None, None):
                if isinstance(y.object, ox.NamedNode) and found.holds(ind, y.object.value):
                    drop.add(target.value)
    old: list[ox.Quad] = []
    for iri in sorted(drop):
        target = ox.NamedNode(iri)
        old += store.quads_for_pattern(target, None, None, graph)
        for evidence in store.quads_for_pattern(None, subject, target, graph):
            old += store.quads_for_pattern(evidence.subject, None, None, graph)
    return old, derived(store, rows)


# a change over a plan period (城镇新增就业5000万人 in “十三五”, 能耗降低16%) is no one year's
_CHANGE = re.compile(r"增长|降低|下降|减少|提高|上涨|涨幅|增加|新增")


def _annual(row: Mapping[str, Any], year: int, store: ox.Store | None = None) -> bool:
    """Can the target of ``row`` be compared with one year's figure? Not a goal set years
    ahead for a change or a count (then cumulative over the plan: 城镇新增就业5000万人以上
    by 2020 in a 2016 plan), and not a wording too generic to mean the same thing twice
    (安排, 增加: an indicator of its own needs four characters)."""
    # (label and date looked up here: joined in the query they made Oxigraph's plan scan
    # every label, minutes on the policy subset)
    label, date = _target_facts(store, row) if store is not None else (row["label"], row["tdate"])
    if not row["ind"].value.startswith(VOCABULARY) and len(label.value) < 4:
        return False
    ahead = date is not None and year - int(date.value[:4]) >= 2
    rate = row["tu"] is not None and row["tu"].value == "%"
    return not (ahead and (_CHANGE.search(label.value) or not rate))


def _target_facts(store: ox.Store, row: Mapping[str, Any]) -> tuple[ox.Literal, ox.Literal | None]:
    """The indicator's label and the date of the document that sets the target."""
    label = next(store.quads_for_pattern(row["ind"], _LABEL, None, None)).object
    date = None
    for m in store.quads_for_pattern(row["t"], _P("hasMention"), None, ox.DefaultGraph()):
        for d in store.quads_for_pattern(m.object, _P("inDocument"), None, ox.DefaultGraph()):  # type: ignore[arg-type]
            for q in store.quads_for_pattern(d.object, _DATE, None, ox.DefaultGraph()):  # type: ignore[arg-type]
                date = q.object
    return label, date  # type: ignore[return-value]


def _P(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(PGO[name]))


_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_DATE = ox.NamedNode("http://purl.org/dc/terms/date")


def _over_several_years(sentence: str, surface: str, year: int) -> bool:
    """Does ``surface`` in ``sentence`` state a figure over several years (年均 in its
    clause, or a baseline year before ``year``'s previous one in the sentence)?"""
    before = sentence.split(surface, 1)[0]
    clause = re.split("[，,；;。：:]", before)[-1]
    if _SEVERAL_YEARS.search(clause + surface):
        return True
    return any(int(b) < year - 1 for b in _BASELINE.findall(before + surface))


def _is_rate(store: ox.Store, target: ox.NamedNode) -> bool:
    unit = ox.NamedNode(str(PGO.unit))
    return any(
        isinstance(q.object, ox.Literal) and q.object.value == "%"
        for q in store.quads_for_pattern(target, unit, None, None)
    )


def _evidence(
    triple: tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal],
    row: Mapping[str, Any],
    rule: str,
    graph: ox.NamedNode,
) -> list[ox.Quad]:
    """A RelationMention for a derived triple: the statistic's span, sentence and document
    (what the fact rests on) and the rule that derived it."""
    s, p, o = triple
    digest = hashlib.sha256(f"{s.value} {p.value} {o.value}".encode()).hexdigest()[:12]
    node = ox.NamedNode(f"{ID}mention/derived.{p.value.rsplit('#', 1)[-1]}-{digest}")

    def pgo(name: str) -> ox.NamedNode:
        return ox.NamedNode(str(PGO[name]))

    rdf = str(RDF)
    return [
        ox.Quad(node, ox.NamedNode(rdf + "type"), pgo("RelationMention"), graph),
        ox.Quad(node, ox.NamedNode(rdf + "subject"), s, graph),
        ox.Quad(node, ox.NamedNode(rdf + "predicate"), p, graph),
        ox.Quad(node, ox.NamedNode(rdf + "object"), o, graph),
        ox.Quad(node, pgo("inDocument"), row["doc"], graph),
        ox.Quad(node, pgo("start"), row["start"], graph),
        ox.Quad(node, pgo("end"), row["end"], graph),
        ox.Quad(node, pgo("surface"), row["surface"], graph),
        ox.Quad(node, pgo("sentence"), row["sentence"], graph),
        ox.Quad(node, pgo("rule"), ox.Literal(rule), graph),
    ]
