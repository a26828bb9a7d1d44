"""Named initiatives: quoted (``“一带一路”倡议``), unquoted after a verb of implementation
(``实施乡村振兴战略``), the other items of their ``、`` lists, and later bare repeats."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, KeysView
from functools import cache

from policygraph.extract.driver import SKIP_KINDS
from policygraph.extract.policies.candidates import Candidate, CandidateKind
from policygraph.extract.policies.plans import FYP_SHORT
from policygraph.rules.normalize import tidy_label
from policygraph.rules.policy_words import patterns, words
from policygraph.text.document import Block, Document
from policygraph.text.spans import Claims


def _followed_by_word(text: str, j: int, suffix: str) -> bool:
    return text.startswith(words().not_after.get(suffix, ()), j)


def quoted_initiatives(block: Block) -> Iterator[Candidate]:
    text = block.text
    for m in patterns().quoted.finditer(text):
        if m["q"] is not None:
            if _followed_by_word(text, m.end(), m["suf"]) or FYP_SHORT.fullmatch(m.group()):
                continue
            label = tidy_label(m.group())
        else:
            whole = m["whole"]
            suffix = next(s for s in words().quoted_suffixes if whole.endswith(s))
            if not _good_core(whole[: -len(suffix)], quoted=True):
                continue
            label = tidy_label(whole)
        yield Candidate(block, m.start(), m.end(), label, "initiative-quoted", initiative=True)


# “互联网+”, “人工智能+”: a quoted name that ends in the plus sign and stands alone is the
# “X+” action itself (从“互联网+”到“人工智能+”，…). Followed by more words (“区块链+”智慧工业)
# or by another quoted “Y+” (“外语+”“专业+”) it is an application pattern, not an action,
# unless the document names the “X+”行动 elsewhere (see :func:`repeats`).
_PLUS = re.compile(r"“(?P<x>[\u4e00-\u9fffA-Za-z0-9]{1,10})[+＋]”")
_ALONE = re.compile(r"$|[^\u4e00-\u9fffA-Za-z0-9“]|[到和与及]")


_PLUS_ACTION = re.compile(r"(?P<plus>“[^“”]{1,10}[+＋]”)行动")


def plus_initiatives(block: Block) -> Iterator[Candidate]:
    for m in _PLUS.finditer(block.text):
        if not _ALONE.match(block.text, m.end()):
            continue
        if m.start() > 0 and block.text[m.start() - 1] == "”":
            continue  # the second of a run of patterns: “超算+”“AI+”
        label = tidy_label(f"“{m['x']}+”行动")
        yield Candidate(block, m.start(), m.end(), label, "initiative-plus", initiative=True)


def _good_core(core: str, *, quoted: bool = False) -> bool:
    """Is ``core`` (a name without its suffix) specific enough to name an initiative?
    Unquoted names need three characters (培训计划, 住房规划 are generic)."""
    w = words()
    return (
        len(core) >= (2 if quoted else 3)
        and not core.startswith(w.generic_heads)
        and core not in w.generic_cores
        and not any(d in core for d in w.demonstratives)
    )


def initiatives(block: Block) -> list[Candidate]:
    """Unquoted named initiatives after a verb of implementation, and the other items of a
    ``、`` list they head."""
    text = block.text
    if _suffixes().search(text, 1) is None:
        return []  # a name ends in a suffix after its first character: nine blocks in ten have none
    runs = list(patterns().name_run.finditer(text))
    found: dict[int, tuple[int, int, str, bool]] = {}  # run index -> (i, j, suffix, triggered)
    for n in _runs_with_suffix(text, runs):
        hit = _initiative_in_run(text, runs[n].start(), runs[n].end())
        if hit:
            found[n] = hit
    out: list[Candidate] = []
    for n, (i, j, suffix, triggered) in sorted(found.items()):
        kind: CandidateKind
        if triggered:
            kind = "initiative"
        elif _in_list(text, runs, found, n, suffix):
            kind = "initiative-list"
        else:
            continue
        out.append(Candidate(block, i, j, tidy_label(text[i:j]), kind, initiative=True))
    return out


@cache
def _suffixes() -> re.Pattern[str]:
    """The initiative suffixes in their order (longest first): at each position the regex
    engine picks the first that matches, as a scan of the list would, without a Python loop
    over every character and suffix."""
    return re.compile("|".join(map(re.escape, words().initiative_suffixes)) or "(?!)")


def _runs_with_suffix(text: str, runs: list[re.Match[str]]) -> list[int]:
    """Indices of the runs in which a suffix starts after the first character: the only
    runs :func:`_initiative_in_run` can find a name in. Where suffixes start is asked of the
    whole text at once (a suffix in a run is one in the text), not of every run: most runs
    hold none."""
    search = _suffixes().search
    starts = [run.start() for run in runs]
    out: list[int] = []
    m = search(text)
    while m is not None:
        k = m.start()
        n = bisect_right(starts, k) - 1  # the run that starts at or before k
        if n >= 0 and starts[n] < k < runs[n].end() and (not out or out[-1] != n):
            out.append(n)
        m = search(text, k + 1)
    return out


def _initiative_in_run(text: str, a: int, b: int) -> tuple[int, int, str, bool] | None:
    """The first initiative name in ``text[a:b]``: ``(i, j, suffix, after a trigger)``."""
    run = text[a:b]
    w = words()
    search = _suffixes().search
    m = search(run, 1)
    while m is not None:
        k, suffix = m.start(), m.group()
        m = search(run, k + 1)
        j = k + len(suffix)
        if _followed_by_word(text, a + j, suffix):
            continue
        head = max(
            ((run.rfind(t, 0, k), t) for t in w.triggers if run.rfind(t, 0, k) >= 0),
            default=None,
        )
        start = head[0] + len(head[1]) if head else 0
        for drop in w.drop_heads:
            if run.startswith(drop, start):
                start += len(drop)
        if _good_core(run[start:k]):
            return a + start, a + j, suffix, head is not None
    return None


def _in_list(
    text: str,
    runs: list[re.Match[str]],
    found: dict[int, tuple[int, int, str, bool]],
    n: int,
    suffix: str,
) -> bool:
    """Is run ``n`` an item of a ``、`` list whose neighbour has the same suffix?"""
    for other in (n - 1, n + 1):
        if other not in found or found[other][2] != suffix:
            continue
        left, right = (runs[other], runs[n]) if other < n else (runs[n], runs[other])
        if text[left.end() : right.start()] == "、":
            return True
    return False


def _heads_in(text: str, heads: KeysView[str]) -> set[str]:
    """The two-character ``heads`` that occur in ``text``: a few are each looked for (a
    substring search is fast); many are met with the text's own pairs of characters (a
    search for each would make many names in many blocks quadratic)."""
    if len(heads) <= _FEW_HEADS:
        return {h for h in heads if h in text}
    return {text[k : k + 2] for k in range(len(text) - 1)} & heads


_FEW_HEADS = 16


def repeats(doc: Document, per_block: list[list[Candidate]]) -> None:
    """Bare later (or earlier) occurrences of initiative names found in the document; the
    quoted ``“X+”`` of a ``“X+”行动`` found there is one of them, whatever follows it."""
    found = {c.block.text[c.i : c.j] for cands in per_block for c in cands if c.initiative}
    found |= {m["plus"] for name in found if (m := _PLUS_ACTION.fullmatch(name))}
    names = sorted(found, key=lambda s: (-len(s), s))
    if not names:
        return
    suffixes = {
        name: next((s for s in words().initiative_suffixes if name.endswith(s)), "")
        for name in names
    }
    # The names are looked for only in the blocks that hold their first two characters: a
    # search for every name in every block made long documents (many names, many blocks)
    # quadratic. A one-character name is looked for everywhere.
    rank = {name: n for n, name in enumerate(names)}
    by_head: dict[str, list[str]] = {}
    everywhere: list[str] = []
    for name in names:
        if len(name) < 2:
            everywhere.append(name)
        else:
            by_head.setdefault(name[:2], []).append(name)
    for block, cands in zip(doc.blocks, per_block, strict=True):
        if block.kind in SKIP_KINDS:
            continue
        text = block.text
        heads = _heads_in(text, by_head.keys())
        present = sorted(
            everywhere + [name for h in heads for name in by_head[h] if name in text],
            key=rank.__getitem__,
        )
        taken = Claims()  # (an index, not a list scanned for each repeat)
        for c in cands:
            taken.add(c.i, c.j)
        for name in present:
            suffix = suffixes[name]
            for m in re.finditer(re.escape(name), block.text):
                i, j = m.span()
                if taken.overlap(i, j):
                    continue
                if _followed_by_word(block.text, j, suffix):
                    continue
                label = tidy_label(f"{name}行动" if name.endswith("+”") else name)
                cands.append(Candidate(block, i, j, label, "initiative-repeat", initiative=True))
                taken.add(i, j)
        cands.sort(key=lambda c: (c.i, c.j))
