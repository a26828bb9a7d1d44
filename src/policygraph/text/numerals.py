"""Chinese digits and written dates, shared by the loader and the extractors."""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterator

#: Chinese digits as written in numerals (两千) and, positionally, in years (二〇三五).
CHINESE_DIGITS: dict[str, int] = {
    "〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
# Typesetters write the zero of a year with a Latin O too; 两 never appears in a year.
_YEAR_DIGITS = {**{k: v for k, v in CHINESE_DIGITS.items() if k != "两"}, "O": 0, "Ｏ": 0}
YEAR_DIGIT_CLASS = "[" + "".join(_YEAR_DIGITS) + "]"

DATE = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}}|{YEAR_DIGIT_CLASS}{{4}})年"
    r"(?:(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?)?"
)


def chinese_year(digits: str) -> int | None:
    """``二〇三五`` → 2035 (positional digits, not a numeral like 二千零三十五)."""
    if len(digits) != 4 or any(c not in _YEAR_DIGITS for c in digits):
        return None
    return int("".join(str(_YEAR_DIGITS[c]) for c in digits))


def iso_dates(text: str) -> Iterator[tuple[str, int, int]]:
    """Explicit dates in ``text`` as ISO strings (YYYY, YYYY-MM or YYYY-MM-DD) with their
    span; impossible months and days are skipped."""
    for m in DATE.finditer(text):
        year = int(m["y"]) if m["y"].isdigit() else chinese_year(m["y"])
        if year is None or year < 1:  # (〇〇〇〇年: no year 0 in xsd:gYear or a calendar)
            continue
        month = int(m["m"]) if m["m"] else None
        day = int(m["d"]) if m["d"] else None
        if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
            continue
        if day is not None and month is not None and day > monthrange(year, month)[1]:
            continue  # 2023年2月29日, 4月31日: no such day, and no valid xsd:date either
        iso = f"{year:04d}"
        if month is not None:
            iso += f"-{month:02d}"
            if day is not None:
                iso += f"-{day:02d}"
        yield iso, m.start(), m.end()
