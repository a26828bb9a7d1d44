"""Persons: authors on bylines and people named with a title or a speech verb.

Includes: byline names (``刘 晖`` → 刘晖); the page staff
(``本版编辑 李笑语 美编 倪梦婷``); a name followed by a title
(习近平总书记, 李强总理), after an office and before a verb (国务院总理李强主持) or before
a speech verb once named (习近平指出); the name opening a quote's attribution
(``——习近平：《……》``); a name standing alone before a telephone number in a notice's
contact lines (``联系人：张娴 010-67558129``).
Canonical label is the bare name; the titled form is kept as the surface (and so as an
``skos:altLabel``). Excludes names inside organization or policy names
(习近平新时代中国特色社会主义思想研究中心) and words that merely start with a surname
character (国家主席 is not a person called 国家).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from policygraph.extract.base import entities, entity_key
from policygraph.extract.driver import FactRecognizer
from policygraph.model import EntityMention, EntityRef, Fact
from policygraph.rules.vocab import provinces
from policygraph.rules.wordlists import load, words
from policygraph.text.document import Block, Document
from policygraph.text.layout import byline_names, editor_names, is_person_name
from policygraph.text.spans import Claims, Spans

# Titles that follow a bare name directly; 部长, 主任 and the like usually follow an
# organization name instead, so they are left out.
_WORDS = load(
    "persons.txt",
    lists=("titles", "speech-verbs", "offices", "after-name", "contact-words", "not-names"),
)
_TITLES = "|".join(words(_WORDS, "titles"))
_SPEECH = "|".join(words(_WORDS, "speech-verbs"))
_TITLED = re.compile(rf"(?P<name>[\u4e00-\u9fff]{{2,3}}?)(?P<title>{_TITLES})")
# Where a title is: _TITLED tries a name at every Han character, this skips to the titles
# (rare; a block without one holds no titled name).
_TITLE = re.compile(_TITLES)
# 国家主席习近平出席, 国务院总理李强主持, 国家统计局局长康义介绍: an office before the name;
# the verb after it fixes where the name ends (李明 in 市长李明强调, not 李明强).
_OFFICES = "|".join(words(_WORDS, "offices"))
_AFTER_NAME = "|".join(words(_WORDS, "after-name"))
_TITLE_FIRST = re.compile(
    rf"(?:{_OFFICES})[ \u3000]?(?P<name>[\u4e00-\u9fff]{{2,3}}?)(?:同志)?(?={_AFTER_NAME}|$)"
)
# ——习近平：《……》 / ——习近平2023年9月在……: the name that opens a quote's attribution line.
_ATTRIBUTED = re.compile(
    r"^[—―－-]{2}\s*(?:摘自)?(?P<name>[\u4e00-\u9fff]{2,3}?)(?=[：:《\d]|在|于|同志|总书记)"
)
# 联系人：张三 010-68205630 / 装备工业一司　　陆瑞阳　010-… / 刘　迎　18610885074: a name
# standing alone between spaces (or after a colon) right before a telephone number, in a
# notice's contact lines. Form cells (姓名 / 电话) have no number after them.
_PHONE = r"(?:0\d{2,3}\s?[-－一—]\s?\d{7,8}|1[3-9]\d{9}|\d{8})(?!\d)"
_CONTACT = re.compile(
    r"(?:^|(?<=[\s：:，,；;]))"
    r"(?P<name>[\u4e00-\u9fff]{2,3}|[\u4e00-\u9fff][ \u3000]{1,2}[\u4e00-\u9fff])"
    rf"[ \u3000]+(?={_PHONE})"
)
# Words of a contact line that stand where a name would (电话 010-…).
_CONTACT_WORDS = frozenset(words(_WORDS, "contact-words"))
_CONTACT_HINT = re.compile(_PHONE)
_SPEAKING = re.compile(rf"(?P<name>[\u4e00-\u9fff]{{2,3}})(?:{_SPEECH})")
# Two- and three-character words that begin with a surname character but are not names.
# and the provinces' short names, cut to two characters as a name is (江苏, 黑龙 of 黑龙江),
# from ontology/vocab/places.ttl
_NOT_NAMES = frozenset(words(_WORDS, "not-names")) | frozenset(
    min(c.labels, key=lambda s: (len(s), s))[:2] for c in provinces()
)


def extract(doc: Document, found: Sequence[Fact]) -> Iterator[Fact]:
    # both indexed: a scan of every mention per candidate made long documents quadratic
    covered = Spans(
        (e.mention.start, e.mention.end) for e in entities(found, "Organization", "Policy", "Place")
    )
    seen = Claims()
    known: set[str] = set()
    out: list[EntityMention] = []

    def keep(block: Block, i: int, j: int, name: str, rule: str, at: int | None = None) -> None:
        """Mention ``text[i:j]`` as ``name``; the name itself starts at ``at`` (default
        ``i``) and may not overlap an organization, policy or place (国务院 in 国务院总理)."""
        start, end = block.original_span(i, j)
        ni = i if at is None else at
        n_start, n_end = block.original_span(ni, ni + len(name))
        if covered.overlap(n_start, n_end):
            return
        if seen.overlap(start, end):
            return  # 习近平 of 主席习近平强调 is mentioned once
        seen.add(start, end)
        known.add(name)
        out.append(_person(doc, block, i, j, name, rule))

    for block in doc.blocks:
        if block.kind == "byline":
            for i, j in byline_names(block.text) or []:
                keep(block, i, j, re.sub(r"\s", "", block.text[i:j]), "persons.byline")
        elif block.kind == "editor":
            for i, j in editor_names(block.text):
                keep(block, i, j, re.sub(r"\s", "", block.text[i:j]), "persons.editor")
        else:
            titled = _TITLED.finditer(block.text) if _TITLE.search(block.text) else ()
            for m in titled:
                name = m["name"]
                if _plausible(name):
                    keep(block, m.start("name"), m.end("title"), name, "persons.titled")
            if block.kind == "attribution":
                head = _ATTRIBUTED.match(block.text)
                if head and _plausible(head["name"]):
                    i, j = head.span("name")
                    keep(block, i, j, head["name"], "persons.attribution")
            if _CONTACT_HINT.search(block.text):
                for m in _CONTACT.finditer(block.text):
                    name = re.sub(r"\s", "", m["name"])
                    if name not in _CONTACT_WORDS and _plausible(name):
                        keep(block, m.start("name"), m.end("name"), name, "persons.contact")
            for m in _TITLE_FIRST.finditer(block.text):
                name = m["name"]
                if _plausible(name):
                    at = m.start("name")
                    keep(block, m.start(), m.end("name"), name, "persons.title-first", at)
    # A bare name before a speech verb counts only once the document has named that
    # person with a title or on a byline: 习近平指出 yes, 平稳指出 no. (So a document
    # that has named nobody is not read again.)
    for block in doc.blocks if known else ():
        if block.kind in ("byline", "editor"):
            continue
        for m in _SPEAKING.finditer(block.text):
            for k in range(len(m["name"]) - 1):
                name = m["name"][k:]
                if name in known:
                    keep(block, m.start("name") + k, m.end("name"), name, "persons.speech-verb")
                    break
    yield from sorted(out, key=lambda e: (e.mention.start, e.mention.end))


def _plausible(name: str) -> bool:
    """A name to keep: a surname first, not a common word, no particle inside (平等的同志)."""
    return (
        name not in _NOT_NAMES
        and name[-2:] not in _NOT_NAMES  # 各单位有关同志: 有关 ends no name (位有关)
        and is_person_name(name)
        and not any(c in name for c in "的之和与")
    )


def _person(doc: Document, block: Block, i: int, j: int, name: str, rule: str) -> EntityMention:
    return EntityMention(
        ref=EntityRef("Person", entity_key(name)),
        label=name,
        mention=doc.mention(block, i, j, rule),
        article=block.article,
    )


RECOGNIZER = FactRecognizer("persons", extract, needs=("policies", "organizations", "places"))
