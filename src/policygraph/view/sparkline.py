"""An indicator's series as a small inline SVG, drawn on the server: no script, no library.

The list of indicators draws one per row; a page that runs no script (the explorer, with its
strict CSP) draws a larger one with ``titles=True``, where hovering a mark shows its year,
values and source through the SVG ``<title>`` the browser shows as a tooltip.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from policygraph.view.indicator import Series, YearRow, format_value, target_text

#: Colours of a target by attainment, and of the outcome line.
MET = "#2ca02c"
MISSED = "#d62728"
OPEN = "#888888"
OUTCOME = "#1f77b4"


def series_svg(
    series: Series, *, width: int = 140, height: int = 28, titles: bool = False
) -> Markup:
    """The series as ``<svg>``: the outcome as a line, each target as a mark (a bar for a
    range), coloured green when met, red when missed, grey when open."""
    rows = series.rows
    values = [v for r in rows for v in (r.target, r.target_max, r.outcome) if v is not None]
    label = escape(f"{series.label} ({series.unit})" if series.unit else series.label)
    if not rows or not values:
        return Markup(
            f'<svg class="pg-spark" width="{width}" height="{height}" role="img" '
            f'aria-label="{label}"></svg>'
        )
    # A chart with titles is big enough for its axes: the first and last year, the lowest
    # and highest value, written in the margins.
    pad = 4.0
    left, bottom = (44.0, 18.0) if titles else (pad, pad)
    first, last = rows[0].year, rows[-1].year
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1, high + 1

    def x(year: int) -> float:
        if last == first:
            return round((left + width - pad) / 2, 1)
        return round(left + (year - first) * (width - left - 2 * pad) / (last - first), 1)

    def y(value: float) -> float:
        return round(height - bottom - (value - low) * (height - bottom - pad) / (high - low), 1)

    parts = [
        f'<svg class="pg-spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{label}">'
    ]
    if titles:
        lowest, highest = min(values), max(values)
        for value in sorted({lowest, highest}):
            parts.append(
                f'<text x="{left - 4}" y="{y(value) + 4}" text-anchor="end" font-size="11" '
                f'fill="#555">{escape(format_value(value) + series.unit)}</text>'
            )
        for year, anchor in sorted({(first, "start"), (last, "end")}):
            parts.append(
                f'<text x="{x(year)}" y="{height - 3}" text-anchor="{anchor}" font-size="11" '
                f'fill="#555">{year}</text>'
            )
    # The outcome line, broken where a year has none (as the chart draws it).
    runs: list[list[str]] = []
    previous: int | None = None
    for r in rows:
        if r.outcome is None:
            continue
        if previous is None or r.year != previous + 1:
            runs.append([])
        runs[-1].append(f"{x(r.year)},{y(r.outcome)}")
        previous = r.year
    for run in runs:
        if len(run) > 1:
            parts.append(
                f'<polyline points="{" ".join(run)}" fill="none" stroke="{OUTCOME}" '
                'stroke-width="1.5"/>'
            )
    radius = 2.5 if height < 60 else 4
    for r in rows:
        tip = f"<title>{escape(_tip(r, series))}</title>" if titles else ""
        if r.outcome is not None:
            parts.append(
                f'<circle cx="{x(r.year)}" cy="{y(r.outcome)}" r="{radius - 1}" '
                f'fill="{OUTCOME}">{tip}</circle>'
            )
        if r.target is None:
            continue
        colour = MET if r.attained is True else MISSED if r.attained is False else OPEN
        if r.target_max is not None:
            top, bottom = y(r.target_max), y(r.target)
            parts.append(
                f'<rect x="{x(r.year) - radius}" y="{top}" width="{2 * radius}" '
                f'height="{max(bottom - top, 1)}" fill="{colour}" fill-opacity="0.6">{tip}</rect>'
            )
        else:
            parts.append(
                f'<rect x="{x(r.year) - radius}" y="{y(r.target) - radius}" '
                f'width="{2 * radius}" height="{2 * radius}" fill="{colour}" '
                f'transform="rotate(45 {x(r.year)} {y(r.target)})">{tip}</rect>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _tip(row: YearRow, series: Series) -> str:
    lines = [f"{row.year}年"]
    if row.target is not None:
        met = {True: "，已实现 met", False: "，未实现 missed", None: ""}[row.attained]
        lines.append(f"目标 target：{target_text(row, series.unit)}{met}")
        if row.target_source:
            lines.append(f"{row.target_source.title}：{row.target_source.sentence}")
    if row.outcome is not None:
        lines.append(f"实际 outcome：{format_value(row.outcome)}{series.unit}")
        if row.outcome_source:
            lines.append(f"{row.outcome_source.title}：{row.outcome_source.sentence}")
    return "\n".join(lines)
