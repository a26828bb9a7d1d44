"""``series:`` gold (issue 17): an indicator's target, outcome and attainment by year, scored
against the ``series`` saved query over a store built from the gold's documents.

Gold format (in a gold file next to ``documents``)::

    series:
      国内生产总值增长:              # an indicator: a label or any alias
        2016: {comparator: "=", target: 6.5, target_max: 7, outcome: 6.7, attained: true}
        2017: {comparator: "~", target: 6.5}    # no outcome in the corpus: none, no attainment

Each field of each gold year is one cell (``Series <field>`` rows; a field the gold leaves out
means "none"), and a year is right (``Series year`` row) when all its fields are. Years the
tool finds and the gold does not list are not scored.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from policygraph.errors import InputError
from policygraph.namespaces import PREFIXES
from policygraph.pipeline.build import document_nquads, labels_nquads, load_vocabularies
from policygraph.pipeline.cache import header_of
from policygraph.query.sparql import bind_params, saved_queries
from policygraph.rdf.builder import Extraction
from policygraph.resolve.lineage import derive_lineage
from policygraph.resolve.outcomes import derive_outcomes
from policygraph.resolve.summary import merge_all

FIELDS = ("comparator", "target", "target_max", "outcome", "attained")


def series_store(extractions: list[Extraction]) -> ox.Store:
    """The documents built as a build would: vocabularies, document graphs, reduce steps."""
    store = ox.Store()
    load_vocabularies(store)
    for ex in sorted(extractions, key=lambda ex: ex.doc.id):
        store.bulk_load(document_nquads(ex), ox.RdfFormat.N_QUADS, lenient=True)
    summary = merge_all(header_of(ex).summary() for ex in extractions)
    store.bulk_load(labels_nquads(summary), ox.RdfFormat.N_QUADS, lenient=True)
    derive_lineage(store)
    derive_outcomes(store)
    return store


def series_rows(store: ox.Store, indicator: str) -> dict[int, dict[str, str]]:
    """The ``series`` saved query's rows for ``indicator``, by year."""
    text = bind_params(saved_queries()["series"].text, {"indicator": indicator}, store=store)
    out: dict[int, dict[str, str]] = {}
    result = store.query(text, prefixes=PREFIXES)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    for row in result:
        values = {n: row[n].value for n in names if row[n] is not None}  # type: ignore[union-attr]
        out.setdefault(int(values["year"]), values)
    return out


def score_series(
    scores: dict[str, Any], gold: Any, extractions: list[Extraction], path: Path, check: Any
) -> None:
    """Add the ``Series …`` rows to ``scores`` (``check`` is evaluate's ``_check``)."""
    from policygraph.evaluate.gold import Score

    if not isinstance(gold, dict):
        raise InputError(f"{path}: series takes a mapping of indicator → year → fields")
    store = series_store(extractions)
    for indicator, years in sorted(gold.items()):
        found = series_rows(store, str(indicator))
        for year, want in sorted((years or {}).items()):
            if not isinstance(want, dict) or set(want) - set(FIELDS):
                raise InputError(f"{path}: {indicator} {year}: fields are {', '.join(FIELDS)}")
            got = found.get(int(year), {})
            label = f"{indicator} {year}"
            right = True
            for field in FIELDS:
                expected, actual = _value(want.get(field)), _value(got.get(field))
                right &= expected == actual
                check(scores.setdefault(f"Series {field}", Score()), label, expected, actual)
            row = scores.setdefault("Series year", Score())
            check(row, label, True, right or None)


def _value(value: object) -> str | None:
    """A cell compared as read: numbers by value (6.50 = 6.5), booleans as true/false."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    return format(number.normalize(), "f")
