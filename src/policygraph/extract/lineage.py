"""Lineage: which policy or law a document rests on, implements, amends, repeals or cites,
and from when it is in force.

The subject is always the document's own policy (a document whose title is a policy or law
title is that Policy, see ``text/loader.py``); a document that is not a policy states no
lineage. References are ``《…》`` titles that name a policy or law (``is_policy_title``) and
the bare ``宪法``; they resolve across documents through :func:`policy_key`, so
``《中华人民共和国专利法》``, ``《专利法》`` and ``《专利法》（2008年修正）`` are one node.

Rules (rule id: what; each sentence is read on its own, one relation per reference):

- ``lineage.legal-basis``: ``根据/依据/依照 …《X》… 制定本…`` (the basis clause of article 1:
  ``根据《中华人民共和国专利法》（以下简称专利法），制定本细则``) → ``legalBasis X``. Only when
  the sentence goes on to 制定本/此 (this text is made): ``根据《X》规定，县级人民政府应当制定
  …`` is a duty, not a basis, and becomes a citation.
- ``lineage.repeal``: ``《X》同时废止``, ``《X》…予以废止``, ``废止《X》`` → ``repeals X``;
  references in the clause before 废止 (``《A》和《B》同时废止``: both).
- ``lineage.amend``: a title ``关于修改《X》的决定`` (the document amends X), and ``对《X》作
  如下修改`` → ``amends X``.
- ``lineage.implement``: a purpose clause ``为(了)(深入/认真/进一步)贯彻落实/贯彻/落实/实施《X》``,
  or ``按照/根据《X》…部署/要求/精神`` → ``implements X``.
- ``lineage.cite``: any other reference to a policy or law → ``cites X``.
- ``lineage.in-force``: ``本法/本条例/… 自2002年1月1日起施行`` (also 实施, 生效) →
  ``inForceFrom "2002-01-01"^^xsd:date``. ``自公布之日起施行`` gives no date here: the day of
  publication is not in the text. When a later document repeals this one, the reduce step of
  the build (``resolve/lineage.py``) derives ``inForceUntil``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from policygraph.extract.base import policy_key
from policygraph.extract.driver import FactRecognizer, text_blocks
from policygraph.extract.policies import is_policy_title
from policygraph.model import Attribute, EntityMention, EntityRef, Fact, Relation
from policygraph.rules.normalize import tidy_label
from policygraph.text.document import Block, Document

#: Longest sentence read for lineage: basis and repeal clauses are short; a run without
#: punctuation (an OCR dump) is not searched in full.
MAX_SENTENCE = 1000

#: A law cited by its two-character short name: 《刑法》, 《水法》 (too short for a policy title).
_SHORT_LAW = re.compile(r"[\u4e00-\u9fff]法")
_NOTE = re.compile(r"[（(][^（）()]{1,30}[）)]")
_TITLE = re.compile(r"《(?P<title>[^《》\n]{2,100})》")
# The bare 宪法 after a basis verb or in a list (根据宪法、…; 依照宪法和法律), not inside a
# longer word (宪法日) or a title.
_CONSTITUTION = re.compile(
    r"(?:(?<=根据)|(?<=依据)|(?<=依照)|(?<=按照)|(?<=遵循)|(?<=[、和及]))宪法(?!》|日|宣誓)"
)
#: An unbracketed law in a basis clause: 根据宪法、地方各级人民代表大会和地方各级人民政府组织法，…
_BARE_ITEM = re.compile(r"[^、，,；;《》]+")
_BARE_TAIL = re.compile(r"(?:的)?(?:有关)?(?:规定|精神|原则)$|等(?:有关)?(?:法律|法规|规定)?.*$")
_BARE_GENERIC = re.compile(r"^(?:有关|其他|相关|国家|上位|本|该|法律|行政|地方性)")
CONSTITUTION = "中华人民共和国宪法"

_BASIS = re.compile(r"(?:根据|依据|依照)")
_MADE = re.compile(r"制定(?:本|此)[^，。；,;]{0,10}[。；;]?\s*$")
_REPEAL = re.compile(r"(?:同时|予以|一并|即行|即)?废止")
#: The year an earlier text was issued, written before it: 1995年10月28日国务院发布的《信访条例》
_EARLIER_YEAR = re.compile(r"((?:19|20)\d{2}|[一二][九〇零][〇零一二三四五六七八九]{2})年")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_REPEAL_BEFORE = re.compile(r"废止(?:了)?$")
_AMEND_TITLE = re.compile(r"关于修改《(?P<title>[^《》]{2,100})》(?:等[^的]{0,20})?的决定")
_AMENDING = re.compile(r"^关于修改(?:[〈<《](?P<title>[^〈〉<>《》]+)[〉>》])?.{0,40}的决定$")
_AMENDED = re.compile(r"^\s*(?:第[一二三四五六七八九十\d]+次)?(?:修正|修订|修改)")
_AMEND = re.compile(r"^\s*(?:作|做)(?:如下|以下)?修改")
_AMEND_BEFORE = re.compile(r"对$")
_IMPLEMENT = re.compile(
    r"(?:^|[，。；：,;:]|为了?|为)\s*(?:深入|认真|全面|进一步|切实)*"
    r"(?:贯彻落实|贯彻执行|贯彻|落实|实施)$"
)
_FOLLOW = re.compile(r"(?:按照|根据|依据)$")
_FOLLOW_AFTER = re.compile(r"^[^，。；]{0,30}?(?:部署|要求|精神)")
_IN_FORCE = re.compile(
    r"(?:本|该)[^\s，。；、]{0,12}?(?:自|从)(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日"
    r"起(?:施行|实施|生效|执行)"
)


def own_policy(doc: Document) -> EntityRef | None:
    """The policy the document is (its title a policy or law title), else None."""
    if doc.meta.kind != "policy":
        return None
    return EntityRef("Policy", policy_key(doc.meta.title))


def extract(doc: Document, found: Sequence[Fact]) -> Iterator[Fact]:
    own = own_policy(doc)
    if own is None:
        return
    related: set[tuple[str, str]] = set()  # (predicate, key): one relation per reference
    for rel in _title_amends(doc, own):
        related.add((rel.predicate, rel.object.key))
        yield rel
    in_force_done = False
    for _, block in text_blocks(doc):
        for a, b in block.sentences():
            if b - a > MAX_SENTENCE:
                b = a + MAX_SENTENCE
            for fact in _sentence(doc, block, a, b, own):
                if not isinstance(fact, Relation):
                    yield fact  # the mention of a law the policy rules do not find
                    continue
                rel = fact
                pair = (rel.predicate, rel.object.key)
                if pair in related or (rel.predicate == "cites" and _related(related, pair[1])):
                    continue
                related.add(pair)
                yield rel
            if not in_force_done:
                m = _IN_FORCE.search(block.text, a, b)
                if m:
                    in_force_done = True
                    date = f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}"
                    mention = doc.mention(block, m.start(), m.end(), "lineage.in-force")
                    yield Attribute(own, "inForceFrom", date, mention)


def _related(related: set[tuple[str, str]], key: str) -> bool:
    return any(k == key for _, k in related)


def _title_amends(doc: Document, own: EntityRef) -> Iterator[Relation]:
    """A decision titled ``关于修改《X》的决定`` amends X (its title may be a heading line)."""
    for block in doc.blocks[:3]:
        m = _AMEND_TITLE.search(block.text)
        if m and policy_key(m.group()) == own.key:
            ref = EntityRef("Policy", policy_key(m["title"]))
            mention = doc.mention(block, m.start("title"), m.end("title"), "lineage.amend")
            yield Relation(own, "amends", ref, mention)
            return


def _references(block: Block, a: int, b: int) -> list[tuple[int, int, str]]:
    """Policy and law titles cited in ``block.text[a:b]``: ``(i, j, label)`` of the title
    inside its brackets, with the bare 宪法 as the Constitution."""
    text = block.text
    refs = [
        (m.start("title"), m.end("title"), tidy_label(m["title"]))
        for m in _TITLE.finditer(text, a, b)
        if is_policy_title(m["title"]) or _SHORT_LAW.fullmatch(m["title"])
    ]
    refs += [(m.start(), m.end(), CONSTITUTION) for m in _CONSTITUTION.finditer(text, a, b)]
    return sorted(refs)


def _bare_laws(block: Block, a: int, b: int) -> list[tuple[int, int, str]]:
    """Laws named without 《》 in a basis clause (``根据宪法、地方各级人民代表大会和地方各级
    人民政府组织法，制定本条例``): the 、-separated items between the verb and the clause end
    that are themselves law titles (``…法``, ``…条例``), not ``有关法律、法规``."""
    text = block.text
    out: list[tuple[int, int, str]] = []
    for verb in _BASIS.finditer(text, a, b):
        end = _clause_end(text, verb.end(), b)
        for m in _BARE_ITEM.finditer(text, verb.end(), end):
            item = _BARE_TAIL.sub("", m.group())
            if 3 <= len(item) <= 40 and not _BARE_GENERIC.match(item) and is_policy_title(item):
                out.append((m.start(), m.start() + len(item), tidy_label(item)))
    return out


def _sentence(doc: Document, block: Block, a: int, b: int, own: EntityRef) -> Iterator[Fact]:
    text = block.text
    sentence = text[a:b]
    basis = _BASIS.search(sentence)
    made = _MADE.search(sentence) if basis else None
    refs = _references(block, a, b)
    if basis and made:
        taken = {(i, j) for i, j, _ in refs}
        refs = sorted(refs + [r for r in _bare_laws(block, a, b) if r[:2] not in taken])
    if not refs:
        return
    for i, j, label in refs:
        ref = EntityRef("Policy", policy_key(label))
        if ref == own:
            # The text names itself (its title, its history), or repeals its own earlier
            # edition: 1995年…发布的《信访条例》同时废止 in the 2005 信访条例.
            yield from _repealed_edition(doc, block, a, b, i, j, label, own)
            continue
        # The reference with its brackets and an edition note: 《X》（2018年修正）
        oi = i - 1 if text[i - 1 : i] == "《" else i
        oj = j + 1 if text[j : j + 1] == "》" else j
        if note := _NOTE.match(text, oj, b):
            oj = note.end()
        clause_end = _clause_end(text, oj, b)
        before = text[_clause_start(text, a, oi) : oi]
        after = text[oj:clause_end]
        if _amends_this(label, own, after):
            # 根据…《关于修改〈本条例〉的决定》修正: the decision amends this document.
            yield Relation(ref, "amends", own, doc.mention(block, i, j, "lineage.amended-by"))
            continue
        if basis and made and a + basis.start() < oi and oj <= a + made.start():
            rule, predicate = "lineage.legal-basis", "legalBasis"
        elif _repealed(text, oj, b) or _REPEAL_BEFORE.search(before):
            rule, predicate = "lineage.repeal", "repeals"
        elif _AMEND_BEFORE.search(before) and _AMEND.match(after):
            rule, predicate = "lineage.amend", "amends"
        elif _IMPLEMENT.search(before) or (_FOLLOW.search(before) and _FOLLOW_AFTER.match(after)):
            rule, predicate = "lineage.implement", "implements"
        else:
            rule, predicate = "lineage.cite", "cites"
        mention = doc.mention(block, i, j, rule)
        if not (text[i - 1 : i] == "《" and is_policy_title(text[i:j])):
            # 宪法, 《水法》, an unbracketed law: no policy rule names it, so it is named here,
            # with its full label (中华人民共和国宪法) and the form written as an alias.
            yield EntityMention(ref, label, mention, block.article)
        yield Relation(own, predicate, ref, mention)


def _repealed_edition(
    doc: Document, block: Block, a: int, b: int, i: int, j: int, label: str, own: EntityRef
) -> Iterator[Fact]:
    """A text that repeals the earlier text of its own name: one work, two editions. The
    earlier edition is a node of its own (``信访条例@1995``, labelled ``信访条例（1995年）``),
    ``pgo:editionOf`` the work, so that the repeal and the end of its force have a subject
    other than the text in force."""
    text = block.text
    oi = i - 1 if text[i - 1 : i] == "《" else i
    oj = j + 1 if text[j : j + 1] == "》" else j
    before = text[_clause_start(text, a, oi) : oi]
    if not (_repealed(text, oj, b) or _REPEAL_BEFORE.search(before)):
        return
    years = _EARLIER_YEAR.findall(before)
    year = years[-1].translate(_CN_DIGITS) if years else None
    key = f"{own.key}@{year or 'earlier'}"
    edition = EntityRef("Policy", key)
    mention = doc.mention(block, i, j, "lineage.repeal")
    yield EntityMention(edition, f"{label}（{year}年）" if year else f"{label}（旧）", mention,
                        block.article, alias=False)  # fmt: skip
    yield Relation(own, "repeals", edition, mention)
    yield Relation(edition, "editionOf", own, mention)


def _amends_this(label: str, own: EntityRef, after: str) -> bool:
    """An amending decision in this document's history: it names this document
    (``关于修改〈X〉的决定``) or is followed by 修正/修订 (``《关于修改本市部分地方性法规的
    决定》第二次修正``)."""
    m = _AMENDING.match(label)
    if m is None:
        return False
    named = m["title"]
    if named is not None and policy_key(named) == own.key:
        return True
    # A decision on another text amends this one only as one of several (…等五部法律的决定).
    several = named is None or "等" in label[m.end("title") :]
    return several and bool(_AMENDED.match(after))


def _clause_start(text: str, a: int, i: int) -> int:
    """Where the clause holding position ``i`` starts (after the last ，；： before it)."""
    k = max(text.rfind(c, a, i) for c in "，；：,;:")
    return k + 1 if k >= a else a


def _clause_end(text: str, j: int, b: int) -> int:
    ends = [k for c in "，；：,;:" if (k := text.find(c, j, b)) >= 0]
    return min(ends) if ends else b


def _repealed(text: str, j: int, b: int) -> bool:
    """``《X》同时废止``, ``《A》和《B》同时废止``, ``…发布的《X》予以废止``: 废止 closes the
    clause the reference stands in (titles joined by 和、及 count as one clause)."""
    m = _REPEAL.search(text, j, b)
    if m is None:
        return False
    between = text[j : m.start()]
    # Only other titles, list words, a date or an edition note between the title and 废止.
    rest = re.sub(r"《[^《》]*》|[（(][^（）()]*[）)]", "", between)
    return re.fullmatch(r"[\s和与及、，,也均都]*", rest) is not None


RECOGNIZER = FactRecognizer("lineage", extract)
