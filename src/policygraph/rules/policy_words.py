"""The word lists of ``data/policies.txt``, loaded and checked once, and the regular
expressions the policy rules build from them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from policygraph.rules.wordlists import (
    alternation,
    entry_error,
    longest_first,
    none_of,
    parse_word_file,
    read_data,
)

# 本规划, 该意见: what makes a document type refer to the document itself (the words that only
# look like it, 基本 and 应该, are in the data).
_SELF_DETERMINERS = ("本", "该")


@dataclass(frozen=True, slots=True)
class PolicyWords:
    """The word lists of ``data/policies.txt``; see the comments there."""

    doc_types: tuple[str, ...]  # longest first
    not_policy_endings: tuple[str, ...]
    initiative_suffixes: tuple[str, ...]  # longest first: 行动计划 before 行动
    quoted_suffixes: tuple[str, ...]  # longest first
    triggers: tuple[str, ...]
    not_after: Mapping[str, tuple[str, ...]]  # suffix -> words that continue it
    generic_heads: tuple[str, ...]
    drop_heads: tuple[str, ...]  # in file order: dropped one after the other
    demonstratives: tuple[str, ...]
    generic_cores: frozenset[str]
    name_stops: str
    self_types: tuple[str, ...]
    not_self_reference: tuple[str, ...]
    issue_adverbs: tuple[str, ...]
    issued_after: tuple[str, ...]
    issued_before: tuple[str, ...]
    issuer_verbs: tuple[str, ...]
    issuer_groups: tuple[str, ...]
    named_documents: Mapping[str, tuple[str, ...]]  # name -> its issuers
    no_year_before: tuple[str, ...]
    government_suffixes: tuple[str, ...]
    issuing_places: tuple[str, ...]


_SINGLE = (
    "doc-types",
    "not-policy-endings",
    "initiative-suffixes",
    "quoted-suffixes",
    "triggers",
    "generic-heads",
    "drop-heads",
    "demonstratives",
    "generic-cores",
    "name-stops",
    "self-types",
    "not-self-reference",
    "issue-adverbs",
    "issued-after",
    "issued-before",
    "issuer-verbs",
    "issuer-groups",
    "no-year-before",
    "government-suffixes",
    "issuing-places",
)
_ROWS = ("not-after", "named-documents")


def parse_words(text: str, *, name: str = "policies.txt") -> PolicyWords:
    """The word lists of a ``policies.txt``, checked."""
    sections = parse_word_file(text, name=name, single=_SINGLE, rows=_ROWS)

    def section(key: str) -> tuple[str, ...]:
        return tuple(e.words[0] for e in sections[key])

    suffixes = {*section("initiative-suffixes"), *section("quoted-suffixes")}
    not_after: dict[str, tuple[str, ...]] = {}
    for entry in sections["not-after"]:
        suffix, *rest = entry.words
        if suffix not in suffixes:
            raise entry_error(
                name, entry, f"{suffix} is in neither [initiative-suffixes] nor [quoted-suffixes]"
            )
        not_after[suffix] = (*not_after.get(suffix, ()), *rest)
    for entry in sections["name-stops"]:
        if len(entry.words[0]) != 1:
            raise entry_error(name, entry, "[name-stops] takes one character a line")
    for entry in sections["not-self-reference"]:
        word = entry.words[0]
        if len(word) < 2 or not word.endswith(_SELF_DETERMINERS):
            raise entry_error(
                name,
                entry,
                f"[not-self-reference] takes words ending in {'/'.join(_SELF_DETERMINERS)}",
            )
    return PolicyWords(
        doc_types=longest_first(section("doc-types")),
        not_policy_endings=section("not-policy-endings"),
        initiative_suffixes=longest_first(section("initiative-suffixes")),
        quoted_suffixes=longest_first(section("quoted-suffixes")),
        triggers=section("triggers"),
        not_after=not_after,
        generic_heads=section("generic-heads"),
        drop_heads=section("drop-heads"),
        demonstratives=section("demonstratives"),
        generic_cores=frozenset(section("generic-cores")),
        name_stops="".join(section("name-stops")),
        self_types=section("self-types"),
        not_self_reference=section("not-self-reference"),
        issue_adverbs=section("issue-adverbs"),
        issued_after=section("issued-after"),
        issued_before=section("issued-before"),
        issuer_verbs=section("issuer-verbs"),
        issuer_groups=section("issuer-groups"),
        named_documents={e.words[0]: e.words[1:] for e in sections["named-documents"]},
        no_year_before=section("no-year-before"),
        government_suffixes=section("government-suffixes"),
        issuing_places=section("issuing-places"),
    )


@cache
def words() -> PolicyWords:
    """Loaded and checked once."""
    return parse_words(read_data("policies.txt"))


@dataclass(frozen=True, slots=True)
class Patterns:
    not_policy_title: re.Pattern[str]
    name_run: re.Pattern[str]
    quoted: re.Pattern[str]
    self_reference: re.Pattern[str]
    issue_after: re.Pattern[str]
    issue_before: re.Pattern[str]
    issuer_before: re.Pattern[str]
    issuer_tail: re.Pattern[str]
    named_doc: re.Pattern[str]
    government: re.Pattern[str]


@cache
def patterns() -> Patterns:
    w = words()
    name_char = rf"(?:{none_of(w.name_stops)}[\u4e00-\u9fffA-Za-z0-9+＋])"
    quoted = alternation(w.quoted_suffixes)
    # 本 or 该, then a lookbehind per word that is no self-reference (基本, 应该)
    determiner = f"(?:{alternation(_SELF_DETERMINERS)})" + "".join(
        f"(?<!{re.escape(word)})" for word in w.not_self_reference
    )
    return Patterns(
        # titles that end in a document type without being one
        not_policy_title=re.compile(rf"(?:{alternation(w.not_policy_endings)})$"),
        name_run=re.compile(rf"{name_char}+"),
        quoted=re.compile(
            rf"“(?P<q>[^“”，。；：、\n]{{1,16}})”(?P<suf>{quoted})"
            rf"|“(?P<whole>[^“”，。；：、\n]{{2,16}}?(?:{quoted}))”"
        ),
        self_reference=re.compile(rf"{determiner}(?P<type>{alternation(w.self_types)})"),
        issue_after=re.compile(
            rf"^》?\s*(?:{alternation(w.issue_adverbs)})?(?:{alternation(w.issued_after)})"
        ),
        issue_before=re.compile(rf"(?:{alternation(w.issued_before)})(?:了|的)?\s*《?$"),
        issuer_before=re.compile(rf"(?:联合)?(?:{alternation(w.issuer_verbs)})(?:了)?\s*《?$"),
        # between the issuers and the verb: 等六部门, 关于 (国务院关于印发《…》的通知)
        issuer_tail=re.compile(
            rf"(?:等[一二三四五六七八九十\d]{{0,3}}个?(?:{alternation(w.issuer_groups)}))?"
            r"(?:关于)?$"
        ),
        # documents known by a generic name plus their year: 2024年政府工作报告
        named_doc=re.compile(
            r"(?:(?P<y>(?:19|20)\d{2})年|(?P<rel>今年|去年|明年))(?:的)?(?:国务院)?"
            rf"(?P<open>《?)(?P<name>{alternation(w.named_documents)})(?P<close>》?)"
        ),
        government=re.compile(alternation(w.government_suffixes)),
    )


_TRAILING_NOTE = re.compile(r"\s*[（(][^（）()]{1,24}[）)]\s*$")


def strip_notes(title: str) -> str:
    """The title without trailing notes: ``…行动计划（2025—2027年）`` → ``…行动计划``."""
    while (m := _TRAILING_NOTE.search(title)) and m.start() > 0:
        title = title[: m.start()]
    return title


def is_policy_title(title: str) -> bool:
    core = strip_notes(title.strip())
    if len(core) < 3 or patterns().not_policy_title.search(core):
        return False
    return core.endswith(words().doc_types)
