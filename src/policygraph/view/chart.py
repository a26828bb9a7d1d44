"""Indicator charts: years across, each year's target as a mark (a bar for a range), the
outcome as a line, and the sentence and document of each figure on hover; and the list of
indicators, one sparkline a row, each linking to its chart.

Drawn by Chart.js, inlined from the copy bundled in ``assets/chartjs`` (no CDN: the page
opens offline from ``file://``). A page holds one indicator (``policygraph view --indicator``)
or all of them with a picker, opened at the one the URL's ``#label`` names, so that a build
writes two files for every indicator of the corpus, not one file each.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from markupsafe import Markup

from policygraph.store.serialize import atomic_file
from policygraph.view.html import asset, environment, script_json
from policygraph.view.indicator import (
    Series,
    Source,
    YearRow,
    find_indicator,
    format_value,
    indicator_series,
    target_text,
)
from policygraph.view.sparkline import series_svg

#: Sentences are cut to this many characters in the page (the graph keeps them whole).
SENTENCE_CHARS = 200

#: What a chart page draws when no indicator has a figure with a year.
EMPTY = "没有可显示的指标。 No indicator has a target or statistic with a year."


def write_indicator_chart(
    series: Sequence[Series], path: Path, *, title: str | None = None
) -> Path:
    """One page charting ``series``: the first is shown, or the one the URL's ``#label``
    names; with more than one, a picker switches between them. Byte-identical for the same
    series."""
    heading = title or (
        f"{series[0].label} · 目标与实际 target and outcome"
        if len(series) == 1
        else "指标 indicators · 目标与实际 targets and outcomes"
    )
    data = {"indicators": [_series_data(s) for s in series if s.rows]}
    page = (
        environment()
        .get_template("chart.html.j2")
        .render(
            title=heading,
            empty=EMPTY if not data["indicators"] else "",
            picker=len(data["indicators"]) > 1,
            data_json=Markup(script_json(data)),
            chart_js=Markup(_chart_library()),
            page_js=Markup(asset("indicator.js")),
            page_css=Markup(asset("chart.css")),
        )
    )
    with atomic_file(Path(path)) as handle:
        handle.write(page.encode("utf-8"))
    return Path(path)


def write_indicator_list(
    series: Sequence[Series], path: Path, *, charts: str, title: str | None = None
) -> Path:
    """The page listing ``series``, one row each with counts, years, met/missed and a
    sparkline, linking to ``charts#label`` (``charts``: the chart page's relative URL).
    It runs no script."""
    rows = [
        {
            "label": s.label,
            "href": f"{charts}#{quote(s.label, safe='')}" if s.rows else None,
            "unit": s.unit,
            "vocabulary": s.vocabulary,
            "targets": s.targets,
            "statistics": s.statistics,
            "years": f"{s.rows[0].year}–{s.rows[-1].year}" if s.rows else "",
            "met": s.met,
            "missed": s.missed,
            "spark": series_svg(s),
        }
        for s in series
    ]
    page = (
        environment()
        .get_template("indicators.html.j2")
        .render(
            title=title or "指标 indicators",
            rows=rows,
            page_css=Markup(asset("chart.css")),
        )
    )
    with atomic_file(Path(path)) as handle:
        handle.write(page.encode("utf-8"))
    return Path(path)


def _series_data(series: Series) -> dict[str, object]:
    return {
        "label": series.label,
        "iri": series.iri,
        "unit": series.unit,
        "rows": [_row_data(r, series.unit) for r in series.rows],
    }


def _row_data(row: YearRow, unit: str) -> dict[str, object]:
    return {
        "year": row.year,
        "comparator": row.comparator,
        "target": row.target,
        "targetMax": row.target_max,
        "targetText": target_text(row, unit),
        "outcome": row.outcome,
        "outcomeText": f"{format_value(row.outcome)}{unit}" if row.outcome is not None else "",
        "attained": row.attained,
        "targetSource": _source_data(row.target_source),
        "outcomeSource": _source_data(row.outcome_source),
    }


def _source_data(source: Source | None) -> dict[str, str] | None:
    if source is None:
        return None
    sentence = source.sentence
    if len(sentence) > SENTENCE_CHARS:
        sentence = sentence[: SENTENCE_CHARS - 1] + "…"
    return {"sentence": sentence, "document": source.document, "title": source.title}


@cache
def _chart_library() -> str:
    """Chart.js, without its source-map comment (the map is not shipped)."""
    text = asset("chartjs/chart.umd.min.js")
    text = "\n".join(
        line for line in text.split("\n") if not line.startswith("//# sourceMappingURL=")
    )
    lowered = text.lower()
    if "</script" in lowered or "<!--" in lowered:
        raise RuntimeError("the bundled Chart.js cannot be inlined safely into a page")
    return text


# --- from the store: what ``policygraph view`` and ``build`` call ------------------------------


def write_store_indicator(store: ox.Store, name: str, path: Path) -> Path:
    """The chart of the indicator ``name`` (a label, an alias or an IRI) names; raises
    :class:`~policygraph.view.indicator.IndicatorNotFound` naming close matches."""
    return write_indicator_chart(indicator_series(store, [find_indicator(store, name)]), path)


def write_store_indicators(store: ox.Store, path: Path, charts: Path) -> list[Path]:
    """The list of every indicator with a target or statistic (``path``), and the one page
    charting them all (``charts``, beside it), from one query."""
    series = indicator_series(store)
    href = os.path.relpath(charts, Path(path).parent).replace(os.sep, "/")
    return [
        write_indicator_list(series, path, charts=quote(href)),
        write_indicator_chart(series, charts),
    ]
