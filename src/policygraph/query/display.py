"""Values as people write them (``1.39万亿斤``, ``1256万人``, ``5.5%``), for tables meant for
reading. The graph keeps the exact decimal in plain units (``pgo:value 1390000000000``);
only the table format shows this form, and csv, tsv and json keep the exact value."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

# the largest magnitude word the value reaches (division by a power of ten is exact)
_MAGNITUDES = ((Decimal(10) ** 12, "万亿"), (Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万"))
_RATES = {"%": "%", "‰": "‰", "百分点": "个百分点"}


def written(value: str, unit: str | None = None) -> str:
    """``1390000000000`` 斤 → ``1.39万亿斤``; ``5.5`` % → ``5.5%``; ``value`` itself when
    it is not a number."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    if not number.is_finite():
        return value
    word = ""
    if unit not in _RATES:
        for size, name in _MAGNITUDES:
            if abs(number) >= size:
                number, word = number / size, name
                break
    return format(number.normalize(), "f") + word + _RATES.get(unit or "", unit or "")
