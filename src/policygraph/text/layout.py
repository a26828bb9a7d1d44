"""Page layout: paragraphs, broken-word repair, articles, bylines and sidebar quotes.

Newspaper pages reach us as text with the columns' line breaks still in it: a word can be
split by a blank line (``数字素`` / ``养和跨界协同能力``) and a sidebar quotation can sit in
the middle of a sentence. This module rebuilds clean paragraphs (every character keeping its
original offset) and labels each one with its role on the page. Documents without bylines
(reports, opinions, plans) simply come out as headings and body text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from policygraph.rules.wordlists import load, words
from policygraph.text.document import Block, BlockKind, join_blocks
from policygraph.text.spans import Stabbing

# A paragraph that ends in one of these is complete; anything else may continue elsewhere.
_TERMINAL = set("。！？!?…”’」』）)】》：:；;")
# Words that cannot end a title or heading, so a short paragraph ending in them is broken.
_DANGLING = set("的、，,和与及或在了是对为把将从以而并且其之向于")
_MAX_SHORT = 40  # titles, headings and column names are shorter than this
_NUMBERED = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]"
    r"|第[一二三四五六七八九十百\d]+[章节条部分篇])"
)
_ATTRIBUTION = re.compile(r"^[—―－-]{2}\s*(?P<who>[^。；，,;]{2,100})$")
# （作者系……）, （作者均系/分别系/为……）, （作者单位：……）, and one clause per author:
# （刘晖系……研究员，任晓刚系……教授）.
_AFFILIATION = re.compile(
    r"^[（(【]\s*(?:作者(?:均|分别)?(?:系|为|单位[:：])|(?P<name>[\u4e00-\u9fff·]{2,4}?)系)"
    r"(?P<what>.+)[）)】]$"
)
_EDITOR = re.compile(r"^本版(?:责任)?编辑")
# A line above a byline that names a company is a table row, not an article's title.
_WORDS = load("layout.txt", lists=("staff-roles", "company-words"))
_COMPANY = words(_WORDS, "company-words")
_MIN_REPEAT = 40  # shorter lines (headings, 本版编辑 …) may repeat on purpose
_NAME_TOKEN = re.compile(r"^[\u4e00-\u9fff·]{1,4}$")


@cache
def surnames() -> frozenset[str]:
    """Surnames from ``data/surnames.txt`` (data, not code: extend the file)."""
    return frozenset(words(load("surnames.txt", lists=("surnames",)), "surnames"))


def is_person_name(name: str) -> bool:
    """A plausible Chinese personal name: 2-4 characters starting with a known surname."""
    if not 2 <= len(name) <= 4:
        return False
    return name[:1] in surnames() or (len(name) >= 3 and name[:2] in surnames())


def byline_names(line: str) -> list[tuple[int, int]] | None:
    """Clean ``(i, j)`` ranges of the names on a byline (``刘 晖 任晓刚`` → 刘 晖, 任晓刚),
    or None when ``line`` is not a byline. Two-character names are typeset with a space
    inside them, so runs of single characters pair up."""
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", line)]
    if not tokens or len(tokens) > 8 or not all(_NAME_TOKEN.match(line[a:b]) for a, b in tokens):
        return None
    names: list[tuple[int, int]] = []
    k = 0
    while k < len(tokens):
        a, b = tokens[k]
        if b - a == 1:
            if k + 1 >= len(tokens) or tokens[k + 1][1] - tokens[k + 1][0] != 1:
                return None
            names.append((a, tokens[k + 1][1]))
            k += 2
        else:
            names.append((a, b))
            k += 1
    if not all(_byline_name(re.sub(r"\s", "", line[a:b])) for a, b in names):
        return None
    return names


def _byline_name(name: str) -> bool:
    """A name on a byline. Four characters only after a two-character surname (欧阳优优):
    a four-character cell of a form (单位名称, 应用描述, 揭榜任务) starts with a surname
    character as often as not."""
    if len(name) == 4 and name[:2] not in surnames():
        return False
    return is_person_name(name)


# Roles on a page's staff line (本版编辑 李笑语 美编 倪梦婷): each is followed by names.
_STAFF_ROLES = frozenset(words(_WORDS, "staff-roles"))

# What follows the names on a staff line: contact details, not people (来 is a surname).
_NOT_STAFF = re.compile(r"来稿|投稿|邮箱|电话|传真|地址|邮编|网址")


def editor_names(line: str) -> list[tuple[int, int]]:
    """``(i, j)`` ranges of the names on a staff line (``本版编辑 欧阳优 钟梓滨 美编 高妍
    来稿邮箱 …``): the names after each role word, up to the first item that is neither a
    role nor a name (an e-mail address, 来稿邮箱)."""
    tokens = [(m.start(), m.end()) for m in re.finditer(r"[^\s:：]+", line)]
    names: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    started = False

    def flush() -> bool:
        if not run:
            return True
        a, b = run[0][0], run[-1][1]
        found = byline_names(line[a:b])
        if found is None:
            return False
        names.extend((a + i, a + j) for i, j in found)
        run.clear()
        return True

    for a, b in tokens:
        word = line[a:b]
        if word in _STAFF_ROLES or _EDITOR.match(word):
            if not flush():
                break
            started = True
        elif started and _NAME_TOKEN.match(word) and not _NOT_STAFF.search(word):
            run.append((a, b))
        else:
            break
    flush()
    return names


@dataclass(slots=True)
class _Para:
    block: Block  # kind is provisional until classify()
    kind: str = "text"  # text | short | byline | attribution | affiliation | editor

    @property
    def text(self) -> str:
        return self.block.text


def split_paragraphs(text: str) -> list[Block]:
    """Non-blank lines as blocks, stripped of surrounding white space."""
    blocks: list[Block] = []
    for m in re.finditer(r"[^\r\n]+", text):
        line = m.group()
        lead = len(line) - len(line.lstrip())
        body = line.strip()
        if body:
            start = m.start() + lead
            blocks.append(Block("body", body, tuple(range(start, start + len(body)))))
    return blocks


def _classify(text: str) -> str:
    if _EDITOR.match(text):
        return "editor"
    m = _AFFILIATION.match(text)
    if m and (m["name"] is None or is_person_name(m["name"])):
        return "affiliation"
    if _ATTRIBUTION.match(text):
        return "attribution"
    if byline_names(text) is not None:
        return "byline"
    if (
        len(text) <= _MAX_SHORT
        and not any(c in text for c in "。，,；;")
        and text[-1] not in "。！？!?；;：:，,、…"
        and text[-1] not in _DANGLING
    ):
        return "short"
    if _NUMBERED.match(text) and "。" not in text:
        return "short"
    return "text"


def _is_broken(para: _Para) -> bool:
    """Does this paragraph stop in the middle of a sentence (a column or page break)?"""
    return para.kind == "text" and para.text[-1] not in _TERMINAL


def _continues(para: _Para) -> bool:
    """Can this paragraph be the rest of a broken one?"""
    return (
        para.kind in ("text", "short")
        and not _NUMBERED.match(para.text)
        and (para.text[0] not in "（(【—―")
    )


def repair(paragraphs: Sequence[Block]) -> tuple[list[Block], list[tuple[list[Block], Block]]]:
    """Rejoin paragraphs broken across columns. Returns the repaired paragraphs and the
    sidebar quotations lifted out of the running text (quote paragraphs, attribution)."""
    paras = [_Para(b, _classify(b.text)) for b in paragraphs]
    out: list[_Para] = []
    lifted: list[tuple[list[Block], Block]] = []
    k = 0
    while k < len(paras):
        cur = paras[k]
        k += 1
        while _is_broken(cur) and k < len(paras):
            # A sidebar quote (1-4 paragraphs and its ——attribution) may sit in the gap.
            gap = _quote_in_gap(paras, k)
            if gap is not None:
                quote, attribution, after = gap
                lifted.append(([p.block for p in quote], attribution.block))
                nxt = paras[after]
                k = after + 1
            elif _continues(paras[k]):
                nxt = paras[k]
                k += 1
            else:
                break
            joined = join_blocks("body", [cur.block, nxt.block])
            cur = _Para(joined, _classify(joined.text))
        out.append(cur)
    return [p.block for p in out], lifted


def _quote_in_gap(paras: Sequence[_Para], k: int) -> tuple[list[_Para], _Para, int] | None:
    for n in range(1, 5):
        if k + n + 1 > len(paras) - 1:
            return None
        run = paras[k : k + n]
        if any(p.kind not in ("text",) for p in run):
            return None
        if paras[k + n].kind == "attribution" and _continues(paras[k + n + 1]):
            return list(run), paras[k + n], k + n + 1
    return None


_AS_BLOCK: dict[str, BlockKind] = {
    "affiliation": "affiliation",
    "editor": "editor",
    "attribution": "attribution",
}


@dataclass(frozen=True, slots=True)
class Layout:
    """The blocks of a document in reading order; ``articles`` counts articles found."""

    blocks: list[Block]
    articles: int


def analyse(text: str) -> Layout:
    """Split ``text`` into labelled clean blocks."""
    paragraphs, lifted = repair(split_paragraphs(text))
    paras = [_Para(b, _classify(b.text)) for b in paragraphs]
    kinds: list[BlockKind] = ["body"] * len(paras)
    article_of: list[int | None] = [None] * len(paras)

    # Titles and column names sit right above a byline.
    for i, p in enumerate(paras):
        if p.kind == "byline" and i + 1 < len(paras) and paras[i + 1].kind in ("short", "byline"):
            # a run of short lines is a form or a table, one cell a line (姓名 / 电话 / 邮箱),
            # not a title over a byline over the article's text
            p.kind = "short"
        if p.kind == "byline" and i > 0 and paras[i - 1].text.endswith(_COMPANY):
            p.kind = "short"  # a table row: a company, then its product (普运贷), no byline
        if p.kind == "byline" and i > 0 and paras[i - 1].kind == "short":
            kinds[i] = "byline"
            kinds[i - 1] = "title"
            if i > 1 and paras[i - 2].kind == "short" and (i < 3 or paras[i - 3].kind != "short"):
                kinds[i - 2] = "column"
        elif p.kind in ("affiliation", "editor", "attribution"):
            kinds[i] = _AS_BLOCK[p.kind]
        elif p.kind == "short":
            kinds[i] = "heading"

    # Sidebar quotations: up to three text paragraphs right before an attribution, after a
    # boundary (byline, affiliation, another attribution).
    boundary = {"byline", "affiliation", "attribution", "editor", "title"}
    for i in range(len(paras)):
        if kinds[i] != "attribution":
            continue
        j = i - 1
        while j >= 0 and i - j <= 3 and kinds[j] == "body":
            j -= 1
        if j < 0 or kinds[j] in boundary:
            for q in range(j + 1, i):
                kinds[q] = "quote"
        elif i - j <= 3:
            kinds[i] = "body"  # a ——line inside running text, not a sidebar

    # Articles: a title (with its column) starts one; so does body text right after an
    # affiliation line (an article whose header the page set elsewhere).
    current: int | None = None
    count = 0
    headless: list[int] = []
    has_body: dict[int, bool] = {}
    for i, kind in enumerate(kinds):
        if kind in ("column", "title") and (kind == "column" or i == 0 or kinds[i - 1] != "column"):
            current = count
            count += 1
            has_body[current] = False
        elif kind == "body" and i > 0 and kinds[i - 1] == "affiliation":
            current = count
            count += 1
            headless.append(current)
            has_body[current] = False
        elif kind == "editor":
            article_of[i] = None
            current = None
            continue
        if kind == "body" and current is not None:
            has_body[current] = True
        article_of[i] = current

    # A trailing title and byline with no body belong to the last headless article.
    if count and not has_body.get(count - 1, True) and headless:
        orphan, target = count - 1, headless[-1]
        article_of = [target if a == orphan else a for a in article_of]
        count -= 1

    # A long paragraph the page prints twice (a layout repeat) is read once: its second copy
    # would state every fact again.
    seen: set[str] = set()
    blocks: list[Block] = []
    for i, p in enumerate(paras):
        if len(p.text) >= _MIN_REPEAT and p.text in seen:
            continue
        seen.add(p.text)
        blocks.append(Block(kinds[i], p.block.text, p.block.offsets, article_of[i]))
    # Lifted quotes go after the paragraph they interrupted (reading order for humans); a
    # later quote after the same paragraph goes before an earlier one, a quote that
    # interrupted none goes at the end. The paragraphs are found by bisection and the list
    # is built once: a scan and an insertion per quote made a long page quadratic.
    around = Stabbing((b.start, b.end) for b in blocks)
    last = blocks[-1].article if blocks else None
    after: dict[int, list[Block]] = {}
    tail: list[list[Block]] = []
    for quote_paras, attribution in reversed(lifted):
        hosts = around.at(quote_paras[0].start)
        article = blocks[hosts[0]].article if hosts else last
        extra = [Block("quote", q.text, q.offsets, article) for q in quote_paras]
        extra.append(Block("attribution", attribution.text, attribution.offsets, article))
        if hosts:
            after.setdefault(hosts[0], []).extend(extra)
        else:
            tail.append(extra)
    if not after and not tail:
        return Layout(blocks, count)
    ordered: list[Block] = []
    for n, block in enumerate(blocks):
        ordered.append(block)
        ordered.extend(after.get(n, ()))
    for extra in reversed(tail):
        ordered.extend(extra)
    return Layout(ordered, count)
