"""Policy titles: ``《…》`` titles, title and heading lines that are themselves a document title,
the issuers a title starts with, and ``本规划``-style references to a document's own title."""

from __future__ import annotations

import re
from collections.abc import Iterator

from policygraph.extract.base import entity_key
from policygraph.extract.policies.candidates import Candidate
from policygraph.extract.policies.plans import FYP_LONG, FYP_SHORT, ordinal
from policygraph.model import EntityClass
from policygraph.rules.normalize import tidy_label
from policygraph.rules.policy_words import is_policy_title, patterns, strip_notes, words
from policygraph.rules.vocab import load_scheme
from policygraph.text.document import Block, Document
from policygraph.text.years import five_year_plan_period

_BRACKET = re.compile(r"《(?P<title>[^《》\n]{2,100})》")
_YEAR_RANGE_NOTE = re.compile(
    r"[（(]\s*(?P<a>(?:19|20)\d{2})\s*年?\s*(?:[—–\-－~～]{1,2}|至|到)\s*(?P<b>(?:19|20)\d{2})"
    r"\s*年?\s*[）)]\s*$"
)
_YEAR_RANGE_HEAD = re.compile(
    r"^(?P<a>(?:19|20)\d{2})\s*(?:[—–\-－~～]{1,2}|至|到)\s*(?P<b>(?:19|20)\d{2})\s*年"
)
_ISSUER_SEP = re.compile(r"[ \u3000、，,和与及]*")


def title_period(title: str) -> tuple[int, int] | None:
    """``…（2025—2027年）`` or ``2024—2027年…`` → (2025, 2027); a five-year plan named in the
    title gives its period."""
    for m in (_YEAR_RANGE_NOTE.search(title), _YEAR_RANGE_HEAD.search(title)):
        if m and int(m["a"]) < int(m["b"]):
            return int(m["a"]), int(m["b"])
    for pattern in (FYP_LONG, FYP_SHORT):
        m = pattern.search(title)
        if m and (n := ordinal(m["n"])):
            return five_year_plan_period(n)
    return None


def issuers_at_start(title: str) -> list[tuple[int, int, EntityClass, str]]:
    """Organizations (or places acting as government) a title starts with:
    ``中共中央 国务院关于…`` → 中共中央, 国务院; ``北京市加快…`` → the Place 北京市;
    ``北京市人民政府关于…`` → the Organization 北京市人民政府."""
    orgs = load_scheme("organizations")
    places = load_scheme("places")
    org_hits = {i: (j, c) for i, j, c in orgs.find(title)}
    place_hits = {i: (j, c) for i, j, c in places.find(title)}
    out: list[tuple[int, int, EntityClass, str]] = []
    pos = 0
    while pos < len(title):
        if pos in org_hits:
            j, concept = org_hits[pos]
            out.append((pos, j, "Organization", concept.pref_label))
        elif pos in place_hits:
            j, concept = place_hits[pos]
            gov = patterns().government.match(title, j)
            if gov:
                j = gov.end()
                out.append((pos, j, "Organization", tidy_label(title[pos:j])))
            elif title[pos:j].endswith(words().issuing_places):
                out.append((pos, j, "Place", concept.pref_label))
            else:
                break
        else:
            break
        sep = _ISSUER_SEP.match(title, j)
        pos = sep.end() if sep else j
    if out and out[-1][1] >= len(strip_notes(title)):
        return []  # the whole title is a name: 《国务院》 is not a policy issued by itself
    return out


def bracket_titles(block: Block) -> Iterator[Candidate]:
    text = block.text
    for m in _BRACKET.finditer(text):
        title = m["title"]
        if not is_policy_title(title):
            continue
        i, j = m.start("title"), m.end("title")
        cand = Candidate(
            block, i, j, tidy_label(title), "title-brackets", period=title_period(title)
        )
        cand.issuers = [(i + a, i + b, cls, label) for a, b, cls, label in issuers_at_start(title)]
        yield cand


def heading_title(block: Block, doc: Document) -> Candidate | None:
    text = block.text.strip()
    if block.kind not in ("title", "heading") or "《" in text or not is_policy_title(text):
        return None
    lead = len(block.text) - len(block.text.lstrip())
    issuers = issuers_at_start(text)
    own = doc.meta.kind == "policy" and entity_key(text) == entity_key(doc.meta.title)
    if not own and not (issuers and "关于" in text):
        return None
    cand = Candidate(
        block,
        lead,
        lead + len(text),
        tidy_label(text),
        "title-heading",
        period=title_period(text),
    )
    cand.issuers = [(lead + a, lead + b, cls, label) for a, b, cls, label in issuers]
    return cand


def self_references(block: Block, doc: Document) -> Iterator[Candidate]:
    if doc.meta.kind != "policy":
        return
    own_type = strip_notes(doc.meta.title)
    for m in patterns().self_reference.finditer(block.text):
        if m.group().startswith("该") and not own_type.endswith(m["type"]):
            continue
        yield Candidate(block, m.start(), m.end(), doc.meta.title, "self-reference")
