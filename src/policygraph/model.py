"""The facts extractors produce: plain frozen dataclasses, independent of RDF.

Every fact that comes from the text carries a :class:`Mention` with original code-point
offsets, the sentence and the id of the rule that fired, so that provenance survives all
the way into the graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, TypeAlias

#: Entity classes of the ontology (local names in ``pgo:``) that extractors may emit.
EntityClass: TypeAlias = Literal[
    "Policy",
    "Industry",
    "Technology",
    "Year",
    "Organization",
    "Person",
    "Place",
    "Event",
    "Indicator",
]

Comparator: TypeAlias = Literal[">", ">=", "=", "~", "<", "<="]


@dataclass(frozen=True, slots=True)
class Mention:
    """Where something was found: ``surface == document.text[start:end]``.

    ``clean`` is the same span after layout repair: where a word was split across columns
    (数字素 / 养), or a sidebar quote was set inside it, ``surface`` contains the break and
    ``clean`` does not. None when the two are the same."""

    start: int
    end: int
    surface: str
    sentence: str
    rule: str
    clean: str | None = None

    @property
    def form(self) -> str:
        """The form as a reader sees it: the repaired text."""
        return self.surface if self.clean is None else self.clean


@dataclass(frozen=True, slots=True)
class EntityRef:
    """Identity of an entity: its class and a canonical key (usually the canonical label)."""

    cls: EntityClass
    key: str


@dataclass(frozen=True, slots=True)
class EntityMention:
    """An entity seen in the text. ``label`` is the canonical label, ``mention.surface`` the
    form as written; it becomes a ``skos:altLabel`` when it differs, unless ``alias`` is
    False (a reference that is not a name: 今年 for 2025, 本规划 for the document's plan)."""

    ref: EntityRef
    label: str
    mention: Mention
    article: int | None = None
    alias: bool = True


@dataclass(frozen=True, slots=True)
class Relation:
    """A relation between two entities (``predicate`` is a ``pgo:`` local name), with the
    mention of the sentence that states it when there is one."""

    subject: EntityRef
    predicate: str
    object: EntityRef
    mention: Mention | None = None


@dataclass(frozen=True, slots=True)
class Attribute:
    """A dated property of an entity stated in the text (``predicate`` a ``pgo:`` local
    name, ``value`` an ISO date): ``本条例自2002年1月1日起施行`` → inForceFrom 2002-01-01."""

    subject: EntityRef
    predicate: str
    value: str
    mention: Mention


@dataclass(frozen=True, slots=True)
class Measure:
    """A quantified target or a reported statistic (``kind``)."""

    kind: Literal["Target", "Statistic"]
    indicator: str
    comparator: Comparator
    value: Decimal
    unit: str | None
    year: int | None  # deadline of a target, reference year of a statistic
    value_text: str
    mention: Mention
    policy: EntityRef | None = None
    concerns: tuple[EntityRef, ...] = ()
    article: int | None = None
    value_max: Decimal | None = None  # the upper end of a range (6%－6.5%); value the lower
    year_inferred: bool = False  # the year is not written but follows from the document's date
    # a change figure (赤字规模4.06万亿元，比上年增加1800亿元): the kind and mention span of the
    # figure it modifies, in the same document (pgo:changeOf)
    change_of: tuple[str, int, int] | None = None


@dataclass(frozen=True, slots=True)
class ArticleFact:
    """A newspaper article found on a page: title, authors and where they work."""

    index: int
    title: str | None
    title_mention: Mention | None
    authors: tuple[EntityMention, ...] = ()
    affiliations: tuple[EntityMention, ...] = ()  # organizations from the 作者系 line
    column: str | None = None


@dataclass(frozen=True, slots=True)
class QuoteFact:
    """A quotation with its attribution (``——习近平总书记2025年4月在……时的讲话``)."""

    text: str
    mention: Mention  # the quoted text
    attribution: Mention  # the attribution line
    speaker: EntityMention | None = None
    policy: EntityMention | None = None  # when the quote is an excerpt of a policy document
    date: str | None = None  # ISO: YYYY-MM-DD, YYYY-MM or YYYY
    event: EntityMention | None = None
    place: EntityMention | None = None
    article: int | None = None


Fact: TypeAlias = EntityMention | Relation | Attribute | Measure | ArticleFact | QuoteFact


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """What is known about a document as a whole (from the manifest, or inferred)."""

    title: str
    date: str | None = None  # ISO date YYYY-MM-DD (or YYYY-MM / YYYY)
    issuer: str | None = None
    kind: str = "article"
    source: str | None = None
    inferred: frozenset[str] = field(default_factory=frozenset)  # which fields were inferred

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None
