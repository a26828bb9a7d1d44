"""The policy targets timeline: one row per policy, its targets placed by deadline year.

Positions are fixed here (x from the year on a linear axis, y from the policy's row), so the
page is a chart rather than a force layout; the page draws the year columns, sticky year
headers and each policy's period behind the nodes. Rows run in time order (first target year),
and each policy sits just left of its own first target, so a row reads without scrolling back
to a far-away title. Read from the store by SPARQL, so it costs the same at corpus scale.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import networkx as nx
import pyoxigraph as ox

from policygraph.namespaces import ID
from policygraph.view.details import entity_attributes
from policygraph.view.overview import SPARQL_PREAMBLE, select_rows

#: Horizontal distance between two years, and vertical distance between stacked targets.
YEAR_WIDTH = 230
STACK = 90
ROW_GAP = 40
#: Policies are drawn this far left of their row's first year.
POLICY_COLUMN = 320
#: Every node the same size: in a chart, size would suggest a quantity.
NODE_SIZE = 12
#: Rows and targets per (policy, year) cell drawn; the rest are counted in the note.
MAX_ROWS = 40
MAX_PER_CELL = 6

NO_POLICY = "未注明政策 no policy named"

_COMPARATORS = {">": "超", ">=": "≥", "=": "达", "~": "约", "<": "低于", "<=": "≤"}

_TARGETS = (
    SPARQL_PREAMBLE
    + """
SELECT ?t ?y ?p WHERE {
  ?t a pgo:Target ; pgo:deadline ?d . ?d pgo:year ?y .
  OPTIONAL { ?t pgo:setBy ?p }
}
"""
)

_PERIODS = (
    SPARQL_PREAMBLE
    + """
SELECT ?p ?start ?end ?issued WHERE {
  ?p a pgo:Policy .
  OPTIONAL { ?p pgo:periodStart/pgo:year ?start }
  OPTIONAL { ?p pgo:periodEnd/pgo:year ?end }
  OPTIONAL { ?p pgo:issuedIn/pgo:year ?issued }
  FILTER(BOUND(?start) || BOUND(?end))
}
"""
)


@dataclass(slots=True)
class _Row:
    policy: str | None
    targets: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    period: tuple[int, int] | None = None

    @property
    def count(self) -> int:
        return sum(len(t) for t in self.targets.values())

    @property
    def first(self) -> int:
        """The row's first year: its first deadline, else its period's start."""
        years = list(self.targets) or list(self.period or ())
        return min(years) if years else 0

    @property
    def start(self) -> int:
        """Where the row begins on the axis: its first deadline or its period's start."""
        years: list[int] = [*self.targets, *(self.period or ())]
        return min(years) if years else 0


@dataclass(frozen=True, slots=True)
class Timeline:
    """The chart as a graph with fixed positions, the grid the page draws, and a note."""

    graph: nx.MultiDiGraph
    positions: dict[str, tuple[float, float]]
    grid: dict[str, object]
    note: str


def format_quantity(value: object, unit: str | None) -> str:
    """A target's value as a reader writes it: ``90%``, ``1000万``, ``9.4亿元``."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return f"{value}{unit or ''}"
    scale = ""
    for size, name in ((Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万")):
        if abs(number) >= size and unit != "%":
            number, scale = number / size, name
            break
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return f"{text}{scale}{unit or ''}"


def target_caption(data: dict[str, object], year: int | None = None) -> str:
    """Two lines: what is measured, then comparator, value and year (``超 70%（2027）``)."""
    indicator = str(data.get("indicator") or data.get("label") or "")
    if len(indicator) > 14:
        indicator = indicator[:13] + "…"
    comparator = _COMPARATORS.get(str(data.get("comparator", "")), "")
    value = data.get("value")
    unit = data.get("unit")
    amount = format_quantity(value, str(unit) if unit else None) if value is not None else ""
    when = f"（{year}）" if year is not None else ""
    return f"{indicator}\n{comparator} {amount}".rstrip() + when


def timeline(store: ox.Store) -> Timeline:
    """Every target with a deadline, by policy (rows) and deadline year (columns)."""
    rows: dict[str | None, _Row] = {}
    for target, deadline_year, policy in sorted(select_rows(store, _TARGETS)):
        key = policy or None
        rows.setdefault(key, _Row(key)).targets[int(deadline_year)].append(target)
    for policy, start, end, issued in sorted(select_rows(store, _PERIODS)):
        first = int(start or issued or end)
        last = int(end or start)
        rows.setdefault(policy, _Row(policy)).period = (min(first, last), max(first, last))
    # The rows with the most targets are drawn, in time order: by first target year, and the
    # rows with a period but no target after them.
    ranked = sorted(rows.values(), key=lambda r: (r.policy is None, -r.count, r.policy or ""))
    shown, hidden_rows = ranked[:MAX_ROWS], ranked[MAX_ROWS:]
    shown.sort(key=lambda r: (not r.targets, r.first, r.policy is None, r.policy or ""))
    hidden_targets = sum(r.count for r in hidden_rows)
    years = sorted(
        {y for r in shown for y in r.targets} | {y for r in shown if r.period for y in r.period}
    )
    if not years:
        return Timeline(nx.MultiDiGraph(), {}, {"years": [], "rows": []}, _empty_note())
    # A linear axis: the distance between two columns is the time between them.
    first_year = years[0]

    def x_of(year: int) -> float:
        return float((year - first_year) * YEAR_WIDTH)

    chosen: list[str] = [r.policy for r in shown if r.policy]
    policies = len(chosen)
    for row in shown:
        for cell_year in sorted(row.targets):
            cell = sorted(row.targets[cell_year])
            hidden_targets += max(0, len(cell) - MAX_PER_CELL)
            chosen += cell[:MAX_PER_CELL]
    attributes = entity_attributes(
        store, {iri: ("Policy" if i < policies else "Target") for i, iri in enumerate(chosen)}
    )
    g: nx.MultiDiGraph = nx.MultiDiGraph()
    positions: dict[str, tuple[float, float]] = {}
    grid_rows: list[dict[str, object]] = []
    top = 0.0
    for year in years:
        node = f"{ID}year/{year}"
        g.add_node(node, label=str(year), cls="Year", iri=node, sources=[], documents=[], size=14)
        positions[node] = (x_of(year), -STACK)
    for row in shown:
        height = max([min(len(t), MAX_PER_CELL) for t in row.targets.values()] or [1])
        middle = top + (height - 1) * STACK / 2
        policy_node = row.policy or "policygraph:no-policy"
        if row.policy:
            g.add_node(row.policy, **attributes[row.policy], size=NODE_SIZE)
        else:
            g.add_node(
                policy_node,
                label=NO_POLICY,
                cls="Policy",
                iri="",
                sources=[],
                documents=[],
                size=NODE_SIZE,
            )
        positions[policy_node] = (x_of(row.start) - POLICY_COLUMN, middle)
        for deadline in sorted(row.targets):
            for k, target in enumerate(sorted(row.targets[deadline])[:MAX_PER_CELL]):
                data = dict(attributes[target])
                data["caption"] = target_caption(data, deadline)
                data["deadline"] = deadline
                data["size"] = NODE_SIZE
                g.add_node(target, **data)
                positions[target] = (x_of(deadline), top + k * STACK)
                g.add_edge(
                    policy_node, target, key="pgo:hasTarget", predicate="pgo:hasTarget", label=""
                )
        band = None
        if row.period:
            band = [x_of(row.period[0]) - YEAR_WIDTH / 3, x_of(row.period[1]) + YEAR_WIDTH / 3]
        grid_rows.append(
            {
                "title": str(g.nodes[policy_node].get("label", "")),
                "x": positions[policy_node][0],
                "top": top - STACK / 2,
                "bottom": top + (height - 1) * STACK + STACK / 2,
                "band": band,
                "period": f"{row.period[0]}–{row.period[1]}" if row.period else "",
            }
        )
        top += height * STACK + ROW_GAP
    axis = range(first_year, years[-1] + 1)
    with_targets = sorted({y for r in shown for y in r.targets})
    grid = {
        # Every year of the axis gets a column and a header, not only the years with targets.
        "years": [x_of(y) for y in axis],
        "labels": [str(y) for y in axis],
        "rows": grid_rows,
        "left": -float(POLICY_COLUMN) - YEAR_WIDTH / 2,
        "right": x_of(years[-1]) + YEAR_WIDTH / 2,
        # Where the page opens: the first row, and the years of its targets.
        "open": x_of(with_targets[0]) if with_targets else 0.0,
    }
    return Timeline(g, positions, grid, _note(g, len(hidden_rows), hidden_targets))


def _empty_note() -> str:
    return "没有带期限的目标。 No target with a deadline year in this graph."


def _note(g: nx.MultiDiGraph, hidden_rows: int, hidden_targets: int) -> str:
    targets = sum(1 for _, d in g.nodes(data=True) if d.get("cls") == "Target")
    note = (
        f"{targets} 个目标按期限年份排列；每行一项政策，色带为规划期。"
        f" {targets} targets by deadline year; one row per policy, the band is its period."
    )
    if hidden_rows or hidden_targets:
        note += (
            f" Left out: {hidden_rows} policies and {hidden_targets} targets"
            f" (at most {MAX_ROWS} rows and {MAX_PER_CELL} targets a year and row)."
        )
    return note
