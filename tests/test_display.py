"""Values as people write them in tables (issue 17.7); the graph keeps the exact decimal."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from policygraph.query.display import written
from policygraph.query.sparql import Result


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        ("1390000000000", "斤", "1.39万亿斤"),
        ("12440000", "人", "1244万人"),
        ("732000000000", "元", "7320亿元"),
        ("5.5", "%", "5.5%"),
        ("0.20", "百分点", "0.2个百分点"),
        ("25", "部", "25部"),
        ("15000", None, "1.5万"),
        ("9999", "个", "9999个"),
        ("n/a", None, "n/a"),
    ],
)
def test_written(value: str, unit: str | None, shown: str) -> None:
    assert written(value, unit) == shown


def test_the_table_folds_the_unit_into_the_value_and_csv_keeps_the_decimal() -> None:
    store = ox.Store()
    query = """SELECT ?indicator ?value ?unit WHERE {
        VALUES (?indicator ?value ?unit) {
            ("粮食产量" 1400000000000.0 "斤") ("城镇调查失业率" 5.5 "%") ("人口" 1409000000 UNDEF)
        } }"""
    result = Result(store.query(query))
    table = result.serialize("table")
    assert table.splitlines()[0].split() == ["indicator", "value"]
    assert "1.4万亿斤" in table and "5.5%" in table and "14.09亿" in table
    csv = Result(store.query(query)).serialize("csv")
    assert "1400000000000" in csv and "unit" in csv
