"""Quantities as Chinese policy texts write them: ``超70%``, ``9.4亿人``, ``2000多亿元``,
``不少于10个``, ``1100万人以上``, into a plain value, a unit and a comparator.

Pure Chinese numerals (``六``, ``一万二千``) go to cn2an; numbers that mix digits with
magnitude characters (``9.4亿``, ``1万6千多``, ``1.55万亿``) and the words around them are
read here, because cn2an either rejects them or, for approximations such as ``两三``, returns
a wrong number (23). Word lists live in ``data/quantities.txt``.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import cast

from policygraph.model import Comparator
from policygraph.rules.normalize import HAS_NUMBER_DIGITS, NUMBER_DIGITS
from policygraph.rules.wordlists import Entry, entry_error, load, rows_of
from policygraph.rules.wordlists import words as words_of
from policygraph.text.numerals import CHINESE_DIGITS

_ARABIC = re.compile(r"\d+(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?")
_CN_DIGITS = CHINESE_DIGITS
_SMALL = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10**4, "亿": 10**8}
_MORE = "多余"  # 2000多亿, 2万余: a little more than the number
# Approximations that are not a number: 十几亿, 几十个, 数十.
_VAGUE_BEFORE = "几数若"
_VAGUE_AFTER = "几来"
_DASH = r"\s*(?:[—–\-－~～至到])\s*"
_RANGE_AFTER = re.compile(_DASH + r"\d")
_RANGE_BEFORE = re.compile(r"\d[%‰]?" + _DASH + "$")
_PERCENT_WORD = "百分之"
# An order of magnitude stated as a scale: 拉动万亿元规模的投资, 达到万亿级 (about 10^12).
# Only 亿 and above (百万级结点 is a tier), and only as what a verb reaches (达到, 拉动,
# 带动, 形成, 突破, 超过, 约): 打造千亿级产业集群 describes the clusters, it measures nothing.
_ORDER = re.compile(r"(?<=[达到动成破过超约])([十百千万]?亿)(元?)(?:级|规模)")
_ORDER_SCALE = {"": 1, "十": 10, "百": 100, "千": 1000, "万": 10**4}
_TOO_LARGE = Decimal(10) ** 20
_TERMINAL_AGE = set("，。；、,;:：)）”")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A quantity found in a text. ``text[start:end]`` is the whole expression with its
    comparator words and unit; ``text[number_start:number_end]`` the number as written."""

    start: int
    end: int
    number_start: int
    number_end: int
    value: Decimal
    unit: str | None
    comparator: Comparator
    value_text: str
    chinese: bool = False  # the numeral is written in Chinese characters (六, 一万)
    magnitude: bool = False  # it carries 万 or 亿
    value_max: Decimal | None = None  # the upper end of a range (6%－6.5%): value is the lower


@dataclass(frozen=True, slots=True)
class QuantityWords:
    """The word lists of ``data/quantities.txt``."""

    units: Mapping[str, str]
    not_units: tuple[str, ...]
    before: Mapping[str, Comparator]
    after: Mapping[str, Comparator]
    not_quantity: tuple[str, ...]


_FILE = "quantities.txt"
_COMPARATORS = (">", ">=", "=", "~", "<", "<=")


def _comparators(entries: list[Entry], name: str) -> dict[str, Comparator]:
    out: dict[str, Comparator] = {}
    for entry in entries:
        row = entry.words
        if len(row) != 2 or row[1] not in _COMPARATORS:
            raise entry_error(
                _FILE, entry, f"[{name}] takes a word and one of {' '.join(_COMPARATORS)}"
            )
        out[row[0]] = cast(Comparator, row[1])
    return out


def _longest_first(words: Mapping[str, object] | list[str]) -> list[str]:
    return sorted(words, key=lambda w: (-len(w), w))


@cache
def words() -> QuantityWords:
    """Loaded and checked once."""
    sections = load(
        _FILE, single=("not-units", "not-quantity"), rows=("before", "after"), lists=("units",)
    )
    units = {row[0]: row[-1] for row in rows_of(sections, "units")}
    before = _comparators(sections["before"], "before")
    after = _comparators(sections["after"], "after")
    return QuantityWords(
        units={u: units[u] for u in _longest_first(units)},
        not_units=tuple(_longest_first(list(words_of(sections, "not-units")))),
        before={w: before[w] for w in _longest_first(before)},
        after={w: after[w] for w in _longest_first(after)},
        not_quantity=tuple(_longest_first(list(words_of(sections, "not-quantity")))),
    )


def plain(value: Decimal) -> Decimal:
    """``940000000.0`` → ``940000000``; ``6.50`` → ``6.5`` (never exponent notation)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


# --- the numeral itself -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Numeral:
    end: int
    value: Decimal
    more: bool  # 多 / 余
    chinese: bool
    magnitude: bool


def _read_numeral(text: str, p: int) -> _Numeral | None:
    """The numeral starting at ``text[p]``, or None when there is none or it is vague."""
    tokens: list[tuple[str, Decimal]] = []  # ("num" | "small" | "big" | "more", value)
    pos = p
    chinese = False
    while pos < len(text):
        last = tokens[-1][0] if tokens else None
        m = _ARABIC.match(text, pos)
        if m and last in (None, "big"):
            tokens.append(("num", Decimal(m.group().replace(",", ""))))
            pos = m.end()
            continue
        ch = text[pos]
        if ch in _CN_DIGITS and last in (None, "small", "big", "num"):
            if last == "num" and ch not in "〇○零" and tokens[-1][1] != 0:
                return None  # 两三个, 十四五: two digits in a row are a range or a name
            chinese = True
            tokens.append(("num", Decimal(_CN_DIGITS[ch])))
        elif ch in _SMALL and (last == "num" or (ch == "十" and last in (None, "big"))):
            # 千 needs a digit before it: 500万千瓦 is 500万 of 千瓦
            chinese = True
            tokens.append(("small", Decimal(_SMALL[ch])))
        elif ch in _BIG and last in ("num", "small", "big", "more"):
            tokens.append(("big", Decimal(_BIG[ch])))
        elif ch in _MORE and last in ("num", "small", "big") and not _has_more(tokens):
            tokens.append(("more", Decimal(0)))
        else:
            break
        pos += 1
    if not any(kind == "num" or (kind == "small" and v == 10) for kind, v in tokens):
        return None
    if pos < len(text) and text[pos] in _VAGUE_AFTER:
        return None
    if p > 0 and text[p - 1] in _VAGUE_BEFORE:
        return None
    value = _value(text[p:pos], tokens)
    if value is None or value >= _TOO_LARGE:
        return None  # not a quantity any policy states: an id or a run of digits
    return _Numeral(
        end=pos,
        value=plain(value),
        more=_has_more(tokens),
        chinese=chinese,
        magnitude=any(kind == "big" for kind, _ in tokens),
    )


def _has_more(tokens: list[tuple[str, Decimal]]) -> bool:
    return any(kind == "more" for kind, _ in tokens)


def _value(written: str, tokens: list[tuple[str, Decimal]]) -> Decimal | None:
    if all(ch in _CN_DIGITS or ch in _SMALL or ch in _BIG for ch in written):
        read, value = _cn2an(written)
        if read:
            return value
    total = Decimal(0)
    section = Decimal(0)
    number: Decimal | None = None
    for kind, v in tokens:
        if kind == "num":
            if number is not None and v != 0:
                return None
            number = v if number is None or v != 0 else number
        elif kind == "small":
            section += (number if number is not None else Decimal(1)) * v
            number = None
        elif kind == "big":
            section += number or 0
            number = None
            total = (total + section) * v if v == _BIG["亿"] else total + section * v
            section = Decimal(0)
    return total + section + (number or 0)


@lru_cache(maxsize=4096)
def _cn2an(written: str) -> tuple[bool, Decimal | None]:
    """cn2an's reading of a pure Chinese numeral: ``(True, value)``, ``(True, None)`` when it
    rejects it as malformed (ValueError), ``(False, None)`` when it fails on it (一亿一, 二十零
    raise KeyError or IndexError) and the token reading decides. A pure function of the
    string, so cached: the same few numerals (一, 三, 十) come back in every sentence, and
    cn2an's checks took most of the time of reading a number."""
    try:
        return True, Decimal(str(cn2an(written, "normal")))
    except ValueError:
        return True, None
    except (KeyError, IndexError):
        return False, None


def cn2an(numeral: str, mode: str) -> int | float | str:
    """``cn2an.cn2an(numeral, mode)``: cn2an's reading of a Chinese numeral."""
    return _converter()(numeral, mode)


@cache
def _converter() -> Callable[[str, str], int | float | str]:
    """cn2an's converter, loaded without the package's ``__init__``.

    ``import cn2an`` builds two converters, three writers of numerals and a text
    transformer, each compiling its patterns: 0.21 s at the start of every extraction
    worker, which an update that adds one document waits for. Only the converter's module
    and the two it imports (``an2cn``, ``conf``) are loaded here, under a private package
    name that no one else imports, and one converter is built: 0.11 s. The reading is
    cn2an's own code (tests/test_numbers.py compares it with the package's). If the
    package's layout ever changes, the package is imported as usual."""
    try:
        spec = importlib.util.find_spec("cn2an")  # finds the package, runs nothing
        if spec is None or spec.origin is None:
            raise ImportError("cn2an")
        name = "_policygraph_cn2an"
        if name not in sys.modules:
            package = types.ModuleType(name)
            package.__path__ = [str(Path(spec.origin).parent)]
            sys.modules[name] = package
        module = importlib.import_module(f"{name}.cn2an")
        return cast(Callable[[str, str], int | float | str], module.Cn2An().cn2an)
    except Exception:  # any surprise: the package's own way
        import cn2an as package_

        return cast(Callable[[str, str], int | float | str], package_.cn2an)


def _fold_digits(text: str) -> str:
    # str.translate looks up every character, slow on text that has nothing to change
    # (most of it); a regex search says so in a fraction of the time.
    return text.translate(NUMBER_DIGITS) if HAS_NUMBER_DIGITS.search(text) else text


def parse_number(text: str) -> Decimal | None:
    """The numeral at the start of ``text``: ``六大`` → 6, ``9.4亿人`` → 940000000,
    ``两三个`` and ``十几亿`` → None (approximations, not numbers)."""
    numeral = _read_numeral(_fold_digits(text), 0)
    return numeral.value if numeral else None


# --- a quantity: comparator words, numeral, unit ------------------------------------


def _starts(text: str, pos: int, options: Mapping[str, object] | tuple[str, ...]) -> str | None:
    m = _alternation(tuple(options)).match(text, pos)
    return m.group() if m else None


@cache
def _alternation(options: tuple[str, ...]) -> re.Pattern[str]:
    """The options in their order: the regex engine picks the first that matches, as a
    scan of the list would, in one call instead of a Python loop over every option."""
    return re.compile("|".join(map(re.escape, options)) or "(?!)")


def _quantity_at(text: str, p: int) -> Quantity | None:
    """The quantity whose numeral starts at ``text[p]``: not a date, an ordinal, an age
    band, a model name, part of a range or a numeral inside a word."""
    if _after_ordinal_or_code(text, p):
        return None  # asked before the numeral is read: it is rejected whatever it reads
    lists = words()
    percent_word = text.startswith(_PERCENT_WORD, max(0, p - len(_PERCENT_WORD)), p)
    if not percent_word and _lone_chinese_digit(text, p, lists.units):
        return None  # (the commonest case, settled without reading the numeral)
    numeral = _read_numeral(text, p)
    if numeral is None:
        return None
    pos = numeral.end
    unit: str | None = None
    if percent_word:
        unit = "%"
    elif text.startswith((" %", "\u3000%"), pos) and numeral.chinese is False:
        unit, pos = "%", pos + 2  # 经济增长速度8 ％ (older reports set a space before ％)
    elif _starts(text, pos, lists.not_units) is None:
        written = _starts(text, pos, lists.units)
        if written is not None:
            unit = lists.units[written]
            pos += len(written)
    number_end = numeral.end
    upper = _range_end(text, p, pos, numeral, unit)
    if upper is not None:
        pos, value_max, unit = upper[0], upper[1], "%"
        number_end = pos  # the range as written is its value text
    elif _rejected(text, p, pos, unit):
        return None
    else:
        value_max = None
    if numeral.chinese and not (unit or numeral.magnitude):
        return None  # 一方面, 十分: Chinese numerals inside words, not quantities
    comparator: Comparator | None = None
    suffix = _starts(text, pos, lists.after)
    if suffix is not None:
        comparator = lists.after[suffix]
        pos += len(suffix)
    start = p - len(_PERCENT_WORD) if percent_word else p
    prefix = _prefix(text, start)
    if prefix is not None:
        start -= len(prefix)
        if comparator is None:
            comparator = lists.before[prefix]
    if comparator is None:
        if numeral.chinese and numeral.value == 1 and not numeral.magnitude and unit != "%":
            return None  # 一个, 一批: an article, not a count
        comparator = ">" if numeral.more else "="
    return Quantity(
        start=start,
        end=pos,
        number_start=p,
        number_end=number_end,
        value=numeral.value,
        unit=unit,
        comparator=comparator,
        value_text=text[p:number_end],
        chinese=numeral.chinese,
        magnitude=numeral.magnitude,
        value_max=value_max,
    )


_RANGE_DASH = re.compile(_DASH)


def _range_end(
    text: str, p: int, pos: int, low: _Numeral, unit: str | None
) -> tuple[int, Decimal] | None:
    """A percentage range (6%－6.5%, 6.5—7%, 8%至10%) whose first number ends at ``pos``:
    the end of the range and its upper value. Only rates in Arabic digits, rising, with
    nothing after the upper end that makes it a range again (3—5—7%); other ranges
    (5至10个) are still not quantities."""
    dash = _RANGE_DASH.match(text, pos)
    if dash is None or unit not in (None, "%") or low.chinese or low.more:
        return None
    q = dash.end()
    if q >= len(text) or not text[q].isdigit():
        return None
    high = _read_numeral(text, q)
    if high is None or high.chinese or high.more or high.magnitude or low.magnitude:
        return None
    end = high.end
    if not text.startswith("%", end) or not low.value < high.value:
        return None
    if _RANGE_AFTER.match(text, end + 1) or _RANGE_BEFORE.search(text, max(0, p - 8), p):
        return None
    return end + 1, high.value


# What may follow a Chinese digit within its numeral (两千, 三十, 一万, 十余).
_CONTINUES_CHINESE = frozenset(_CN_DIGITS) | frozenset(_SMALL) | frozenset(_BIG) | frozenset(_MORE)


def _lone_chinese_digit(text: str, p: int, units: Mapping[str, str]) -> bool:
    """Is ``text[p]`` a Chinese digit (or 十) that neither another numeral character nor a
    unit follows (一些, 统一, 进一步, 十分)? Then the numeral is that one character, without
    万 or 亿, and such a numeral is a quantity only with a unit (or after 百分之): it is
    part of a word."""
    if text[p] not in _CN_DIGITS and text[p] != "十":
        return False
    after = p + 1
    if after < len(text) and text[after] in _CONTINUES_CHINESE:
        return False
    return _starts(text, after, units) is None


def _prefix(text: str, start: int) -> str | None:
    for word in words().before:
        if text.endswith(word, 0, start):
            return word
    return None


def _after_ordinal_or_code(text: str, p: int) -> bool:
    """Is the numeral at ``text[p]`` an ordinal (第二十次: half the Chinese numerals of the
    bulk corpus number articles) or part of a code (M2, v1.5)?"""
    before = text[p - 1] if p > 0 else ""
    return before == "第" or (before.isascii() and (before.isalnum() or before == "."))


def _rejected(text: str, p: int, pos: int, unit: str | None) -> bool:
    """Is the quantity ``text[p:pos]`` not one (besides :func:`_after_ordinal_or_code`)?"""
    after = text[pos] if pos < len(text) else ""
    if after.isascii() and after.isalpha():
        return True  # 5G, 3D
    if _RANGE_AFTER.match(text, pos) or _RANGE_BEFORE.search(text, max(0, p - 8), p):
        return True  # 3%—5%, 5至10个: a range, not one value
    if unit == "岁":
        # an age band (60岁及以上人口) is not a measurement; a life expectancy is
        return after != "" and after not in _TERMINAL_AGE
    if unit is None:
        return _starts(text, pos, words().not_quantity) is not None
    return False


def _orders(text: str) -> list[Quantity]:
    """``万亿元规模`` → about 10^12 元; ``万亿级`` → about 10^12 (no unit)."""
    out = []
    for m in _ORDER.finditer(text):
        written = m.group(1)
        value = Decimal(_ORDER_SCALE[written[:-1]]) * _BIG["亿"]
        out.append(
            Quantity(
                start=m.start(),
                end=m.end(),
                number_start=m.start(1),
                number_end=m.end(1),
                value=plain(value),
                unit="元" if m.group(2) else None,
                comparator="~",
                value_text=written,
                chinese=True,
                magnitude=True,
            )
        )
    return out


def _starts_numeral(ch: str) -> bool:
    return ch.isdigit() or ch in _CN_DIGITS or ch == "十"


def _ranges(chars: list[str]) -> str:
    """The inside of a regex class of ``chars``, written as ranges (a class of hundreds of
    single characters made every search several times slower)."""
    codes = sorted({ord(ch) for ch in chars})
    parts = []
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        first, last = re.escape(chr(codes[i])), re.escape(chr(codes[j]))
        parts.append(first if i == j else f"{first}-{last}")
        i = j + 1
    return "".join(parts)


# Where a numeral may start: a character of :func:`_starts_numeral` (``str.isdigit``
# accepts other digits than 0-9: full-width, superscript ², circled ①), found in one search
# instead of a test per character; a sentence without any holds no quantity. Characters
# beyond U+FFFF are all let through and tested one by one (a class of the few digits among
# them made every search slow).
_NUMERAL_START = re.compile(
    "["
    + _ranges([ch for ch in map(chr, range(0x10000)) if _starts_numeral(ch)])
    + "\U00010000-\U0010ffff]"
)


def find_quantities(text: str) -> list[Quantity]:
    """Quantities in running text, in order, without dates, ordinals, ages, ranges,
    approximations (两三个, 十几亿) and ``N大`` counts (六大领域); scales without a
    number (万亿元规模) are about their order of magnitude."""
    folded = _fold_digits(text)
    found: list[Quantity] = _orders(folded)
    m = _NUMERAL_START.search(folded)
    while m is not None:
        p = m.start()
        if not _starts_numeral(folded[p]) or _inside_numeral(folded, p):
            p += 1
        else:
            quantity = _quantity_at(folded, p)
            if quantity is not None:
                found.append(_restore(quantity, text))
                p = quantity.end
            else:
                p = _skip_numeral(folded, p)
        m = _NUMERAL_START.search(folded, p)
    return sorted(found, key=lambda q: q.start)


def _continues_numeral(ch: str) -> bool:
    return ch.isdigit() or ch in _CN_DIGITS or ch in _SMALL or ch in _BIG or ch in ".,"


def _inside_numeral(text: str, p: int) -> bool:
    """Is ``text[p]`` the tail of a numeral (1,363; 9.4) rather than the start of one?
    A comma after a percent sign or a unit separates clauses: 67%,9.4亿."""
    if p == 0:
        return False
    before = text[p - 1]
    if before in ".,":
        return p >= 2 and text[p - 2].isdigit()
    return _continues_numeral(before)


def _skip_numeral(text: str, p: int) -> int:
    while p < len(text) and _continues_numeral(text[p]):
        p += 1
    return p


def _restore(quantity: Quantity, text: str) -> Quantity:
    """Keep ``value_text`` as written (full-width digits are folded only for parsing)."""
    written = text[quantity.number_start : quantity.number_end]
    if written == quantity.value_text:
        return quantity
    return replace(quantity, value_text=written)


def parse_quantity(text: str) -> Quantity | None:
    """The quantity at the start of ``text`` (comparator words allowed before the number):
    ``超70%`` → 70 % >, ``2000多亿元`` → 200000000000 元 >, ``1000万用户`` → 10000000 with
    no unit. None when ``text`` does not start with one."""
    folded = _fold_digits(text)
    prefix = _starts(folded, 0, words().before) or ""
    p = len(prefix)
    if folded.startswith(_PERCENT_WORD, p):
        p += len(_PERCENT_WORD)
    quantity = _quantity_at(folded, p)
    if quantity is None or quantity.start != 0:
        return None
    return _restore(quantity, text)
