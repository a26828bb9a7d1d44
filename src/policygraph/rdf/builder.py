"""Facts → RDF triples, one named graph per source document.

A document's graph depends only on that document (its bytes, manifest entry and the
extractor version), whatever else is in the corpus, so graphs can be built apart and
merged (issue 12). Hence:

- a *shared* entity (keyed by an :class:`EntityRef`, seen across documents: a person, an
  organization, a policy…) is stated with its type, its mentions and every label and
  surface form this document uses, as ``skos:altLabel``; its one canonical ``rdfs:label``
  is decided from every document's votes by the reduce (``resolve/labels.py``) and lives
  in the corpus-level labels graph;
- a *local* node (the Document, its Mentions, Targets, Statistics, Quotes, Articles: IRIs
  made from the document id) and an entity whose label is a function of its key or of a
  vocabulary (Years, Indicators) keeps its ``rdfs:label`` here;
- a policy that is itself a document (``kind: policy``) is the Policy node of its key, in
  its own graph as in every other one; its own graph says ``<document> pgo:realizes
  <policy>`` (see :meth:`DocumentGraph.document`).

Terms are N-Triples text (rdf/ntriples.py), the form the chunk stores: ``<iri>``,
``"text"@zh``. :func:`build_triples` parses them back into rdflib terms for callers that
want a graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

from rdflib import Graph, Literal
from rdflib.term import Node

from policygraph.extract.base import entity_key, fold, policy_key
from policygraph.extract.places import find_places
from policygraph.model import (
    ArticleFact,
    Attribute,
    EntityMention,
    EntityRef,
    Fact,
    Measure,
    Mention,
    QuoteFact,
    Relation,
)
from policygraph.namespaces import DCTERMS as _DCTERMS
from policygraph.namespaces import PGO as _PGO
from policygraph.namespaces import RDF as _RDF
from policygraph.namespaces import RDFS as _RDFS
from policygraph.namespaces import SKOS as _SKOS
from policygraph.namespaces import XSD as _XSD
from policygraph.rdf.iris import document_iri, entity_iri, local_iri, year_iri
from policygraph.rdf.ntriples import nt_integer, nt_iri, nt_literal, nt_string, nt_term
from policygraph.resolve.indicators import resolve as resolve_indicator
from policygraph.text.document import Document


class _Terms:
    """A namespace whose terms are N-Triples IRIs (``PGO.start`` is
    ``"<https://w3id.org/policygraph/ontology#start>"``), each made once: a build asks for
    a few dozen terms millions of times."""

    def __init__(self, namespace: object) -> None:
        self._namespace = namespace
        self._items: dict[str, str] = {}

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        term = nt_iri(getattr(self._namespace, name))
        setattr(self, name, term)  # found in the instance dict next time
        return term

    def __getitem__(self, name: str) -> str:
        term = self._items.get(name)
        if term is None:
            term = self._items[name] = nt_iri(self._namespace[name])  # type: ignore[index]
        return term


DCTERMS, PGO, RDF, RDFS, SKOS = map(_Terms, (_DCTERMS, _PGO, _RDF, _RDFS, _SKOS))

#: A triple as three N-Triples terms.
Triple = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Extraction:
    """A document and everything the pipeline found in it."""

    doc: Document
    facts: tuple[Fact, ...]


#: Classes whose label is a function of the key (a year's digits; an indicator's wording,
#: which nobody votes on): labelled in each document graph, never in the labels graph.
LOCAL_CLASSES = frozenset({"Year", "Indicator"})


def is_shared(ref: EntityRef) -> bool:
    """Whether ``ref``'s canonical label is decided across documents (resolve/labels.py)."""
    return ref.cls not in LOCAL_CLASSES


def labelled(ex: Extraction) -> Iterator[tuple[EntityRef, str]]:
    """Every ``(entity, label)`` vote a document casts, once per occurrence (shared
    entities only: a local one's label does not depend on votes)."""
    for ref, label in _labels(ex):
        if is_shared(ref):
            yield ref, label


def _labels(ex: Extraction) -> Iterator[tuple[EntityRef, str]]:
    policy = self_policy(ex.doc)
    if policy is not None:
        yield policy, ex.doc.meta.title
    for fact in ex.facts:
        if isinstance(fact, EntityMention):
            yield fact.ref, fact.label
        elif isinstance(fact, ArticleFact):
            for e in (*fact.authors, *fact.affiliations):
                yield e.ref, e.label
        elif isinstance(fact, QuoteFact):
            for q in (fact.speaker, fact.policy, fact.event, fact.place):
                if q is not None:
                    yield q.ref, q.label


def shared_entities(ex: Extraction) -> set[EntityRef]:
    """The shared entities the document's graph declares (each needs a canonical label in
    the labels graph): the refs :meth:`DocumentGraph.entity` is called with, read off the
    facts without building the graph (tests/test_map_reduce.py checks they agree)."""
    refs: list[EntityRef] = []
    policy = self_policy(ex.doc)
    if policy is not None:
        refs.append(policy)
        if ex.doc.meta.issuer:
            refs.append(issuer_ref(ex.doc.meta.issuer))
    for fact in ex.facts:
        if isinstance(fact, EntityMention):
            refs.append(fact.ref)
        elif isinstance(fact, (Relation,)):
            refs += (fact.subject, fact.object)
        elif isinstance(fact, Attribute):
            refs.append(fact.subject)
        elif isinstance(fact, Measure):
            if fact.policy is not None and fact.kind == "Target":
                refs.append(fact.policy)
            refs += fact.concerns
        elif isinstance(fact, ArticleFact):
            refs += (a.ref for a in fact.authors)
        elif isinstance(fact, QuoteFact):
            refs += (q.ref for q in (fact.speaker, fact.policy, fact.event, fact.place) if q)
    return {ref for ref in refs if is_shared(ref)}


def self_policy(doc: Document) -> EntityRef | None:
    """The policy a document *is*, when its manifest says ``kind: policy``."""
    if doc.meta.kind != "policy":
        return None
    return EntityRef("Policy", policy_key(doc.meta.title))


# Literals repeat (offsets, rule names, a sentence for each of its mentions): each
# distinct one is written once.
@lru_cache(maxsize=1 << 16)
def zh(text: str) -> str:
    return nt_literal(text, "zh")


plain = lru_cache(maxsize=1 << 16)(nt_string)
integer = lru_cache(maxsize=1 << 16)(nt_integer)
TRUE = nt_term(Literal(True))


class DocumentGraph:
    """Accumulates the triples of one document's named graph."""

    def __init__(self, ex: Extraction) -> None:
        self.ex = ex
        self.doc = ex.doc
        self.facts = ex.facts
        self.shared: set[EntityRef] = set()  # the shared entities declared
        self.doc_iri = nt_iri(document_iri(ex.doc.id))
        self.triples: set[Triple] = set()
        self.mentioned: set[str] = set()  # the subjects of pgo:hasMention
        self._self_policy = self_policy(ex.doc)

    # -- terms ---------------------------------------------------------------------------

    def iri(self, ref: EntityRef) -> str:
        if ref.cls == "Year" and ref.key.isdigit():
            return nt_iri(year_iri(int(ref.key)))
        return nt_iri(entity_iri(ref))

    def local(self, cls: str, *parts: object) -> str:
        return nt_iri(local_iri(cls, self.doc.id, *parts))

    def add(self, s: str, p: str, o: str) -> None:
        self.triples.add((s, p, o))

    def entity(self, ref: EntityRef) -> str:
        """Declare an entity (its type; the label of a local one) and return its IRI."""
        iri = self.iri(ref)
        self.add(iri, RDF.type, PGO[ref.cls])
        if is_shared(ref):
            self.shared.add(ref)  # labelled by the reduce, in the labels graph
            return iri
        self.add(iri, RDFS.label, zh(ref.key))
        if ref.cls == "Year" and ref.key.isdigit():
            self.add(iri, PGO.year, nt_term(Literal(ref.key, datatype=_XSD.gYear)))
        return iri

    def anchor(self, iri: str, m: Mention) -> None:
        """Where in the document ``iri`` was read: span, surface, sentence and rule."""
        add = self.triples.add  # six triples for each of the 260,000 mentions of bulk
        add((iri, PGO.inDocument, self.doc_iri))
        add((iri, PGO.start, integer(m.start)))
        add((iri, PGO.end, integer(m.end)))
        add((iri, PGO.surface, plain(m.surface)))
        add((iri, PGO.sentence, plain(m.sentence)))
        add((iri, PGO.rule, plain(m.rule)))

    def mention(self, owner: str, cls: str, m: Mention, article: int | None = None) -> str:
        iri = self.local("Mention", m.start, m.end, cls.lower())
        self.add(owner, PGO.hasMention, iri)
        self.mentioned.add(owner)
        self.add(iri, RDF.type, PGO.Mention)
        self.anchor(iri, m)
        if article is not None:
            self.add(iri, PGO.inArticle, self.article_iri(article))
        return iri

    def evidence(
        self, subject: str, predicate: str, obj: str, m: Mention, lexical: str | None = None
    ) -> str:
        """Where a relation was read: a ``pgo:RelationMention`` naming the statement
        (``rdf:subject``/``rdf:predicate``/``rdf:object``, as an ``rdf:Statement``) with the
        span, sentence and rule, like the mention of an entity. Several relations read
        from one span (a policy issued by two bodies) each get their own. ``lexical``: the
        value of a literal ``obj``, which names it in the mention's IRI."""
        tail = obj[1:-1].rsplit("/", 1)[-1] if lexical is None else lexical
        iri = self.local(
            "Mention", m.start, m.end, predicate, _short_hash(f"{subject[1:-1]} {tail}")
        )
        self.add(iri, RDF.type, PGO.RelationMention)
        self.add(iri, RDF.subject, subject)
        self.add(iri, RDF.predicate, PGO[predicate])
        self.add(iri, RDF.object, obj)
        self.anchor(iri, m)
        return iri

    def seen(
        self, ref: EntityRef, m: Mention, article: int | None = None, *, alias: bool = True
    ) -> str:
        """An entity with one more mention: its surface form as an alias, provenance."""
        iri = self.entity(ref)
        surface = fold(m.form)
        # A shared entity's canonical label is not known here: every form is an alias (the
        # canonical one too, once the graphs merge). A local one's label is its key.
        if alias and surface and (is_shared(ref) or surface != ref.key):
            self.add(iri, SKOS.altLabel, zh(surface))
        self.mention(iri, ref.cls, m, article)
        self.add(self.doc_iri, PGO.mentions, iri)
        return iri

    def article_iri(self, index: int) -> str:
        return self.local("Article", index)

    # -- facts ---------------------------------------------------------------------------

    def build(self) -> set[Triple]:
        self.document()
        # Every label the document gives a shared entity is one of its aliases: their union
        # over documents is the merged skos:altLabel (the canonical label is among them).
        for ref, label in labelled(self.ex):
            self.add(self.iri(ref), SKOS.altLabel, zh(label))
        relations: list[Relation] = []
        for fact in self.facts:
            if isinstance(fact, EntityMention):
                self.seen(fact.ref, fact.mention, fact.article, alias=fact.alias)
            elif isinstance(fact, Relation):
                subject, obj = self.entity(fact.subject), self.entity(fact.object)
                self.add(subject, PGO[fact.predicate], obj)
                relations.append(fact)
                if fact.mention is not None:
                    self.evidence(subject, fact.predicate, obj, fact.mention)
            elif isinstance(fact, Attribute):
                subject = self.entity(fact.subject)
                value = date_literal(fact.value)
                self.add(subject, PGO[fact.predicate], nt_term(value))
                self.evidence(subject, fact.predicate, nt_term(value), fact.mention, str(value))
            elif isinstance(fact, Measure):
                self.measure(fact)
            elif isinstance(fact, ArticleFact):
                self.article(fact)
            elif isinstance(fact, QuoteFact):
                self.quote(fact)
        # An entity known only through a relation (2026 and 2030 from “十五五”) keeps the
        # span the relation was read from as its mention, so it too has provenance.
        mentioned = self.mentioned
        self_ref = self._self_policy  # (read from the manifest, not from a span)
        for rel in relations:
            for ref in (rel.subject, rel.object):
                iri = self.iri(ref)
                if rel.mention is not None and iri not in mentioned and ref != self_ref:
                    self.mention(iri, ref.cls, rel.mention)
                    mentioned.add(iri)
        return self.triples

    def document(self) -> None:
        doc, meta, iri = self.doc, self.doc.meta, self.doc_iri
        self.add(iri, RDF.type, PGO.Document)
        self.add(iri, DCTERMS.title, zh(meta.title))
        self.add(iri, RDFS.label, zh(meta.title))
        self.add(iri, PGO.sourceFile, nt_string(doc.path))
        self.add(iri, PGO.sha256, nt_string(doc.sha256))
        self.add(iri, PGO.kind, nt_string(meta.kind))
        if meta.date:
            self.add(iri, DCTERMS.date, nt_term(date_literal(meta.date)))
        if meta.source:
            self.add(iri, DCTERMS.source, nt_iri(meta.source))
        if meta.inferred:
            self.add(iri, PGO.inferred, TRUE)
            for name in sorted(meta.inferred):
                self.add(iri, PGO.inferredField, nt_string(name))
        policy = self._self_policy
        if policy is not None:
            # The document is the text of a policy: the Policy is the node of its key, the
            # same IRI other documents cite it by, so no graph needs to know which file it
            # is in. pgo:realizes (eli:realizes) ties the text to it here, in its own graph.
            node = self.entity(policy)
            self.add(iri, PGO.realizes, node)
            if meta.issuer:
                self.add(node, PGO.issuedBy, self.entity(issuer_ref(meta.issuer)))
            if meta.year:
                self.add(node, PGO.issuedIn, self.entity(EntityRef("Year", str(meta.year))))

    def measure(self, fact: Measure) -> None:
        m = fact.mention
        iri = self.local(fact.kind, m.start, m.end)
        self.add(iri, RDF.type, PGO[fact.kind])
        self.add(iri, RDFS.label, zh(measure_label(fact)))
        self.add(iri, PGO.indicator, plain(fact.indicator))
        self.add(iri, PGO.comparator, plain(fact.comparator))
        self.add(iri, PGO.value, decimal(fact.value))
        self.add(iri, PGO.valueText, nt_string(fact.value_text))
        if fact.value_max is not None:
            self.add(iri, PGO.valueMin, decimal(fact.value))
            self.add(iri, PGO.valueMax, decimal(fact.value_max))
        if fact.unit:
            self.add(iri, PGO.unit, nt_string(fact.unit))
        self.measures(iri, fact)
        if fact.year is not None:
            year = self.entity(EntityRef("Year", str(fact.year)))
            self.add(iri, PGO.deadline if fact.kind == "Target" else PGO.refYear, year)
            if fact.year_inferred:
                self.add(iri, PGO.yearInferred, TRUE)
        if fact.change_of is not None:  # 比上年增加1800亿元: the figure it modifies
            kind, start, end = fact.change_of
            self.add(iri, PGO.changeOf, self.local(kind, start, end))
        if fact.policy is not None and fact.kind == "Target":
            policy = self.entity(fact.policy)
            self.add(iri, PGO.setBy, policy)
            self.add(policy, PGO.hasTarget, iri)
        for ref in fact.concerns:
            self.add(iri, PGO.concerns, self.entity(ref))
        if fact.article is not None:
            self.add(iri, PGO.inArticle, self.article_iri(fact.article))
        self.mention(iri, fact.kind, m, fact.article)

    def measures(self, iri: str, fact: Measure) -> None:
        """``pgo:measures``: the Indicator the measure's wording resolves to, with the span
        and the resolving rule as evidence (indicators.py)."""
        found = resolve_indicator(fact.indicator, fact.unit)
        if found.iri is not None:
            # (typed and labelled here too: a document's graph stands on its own)
            indicator = nt_iri(found.iri)
            self.add(indicator, RDF.type, PGO.Indicator)
            self.add(indicator, RDFS.label, zh(found.label))
        else:
            indicator = self.entity(EntityRef("Indicator", found.key))
        self.add(iri, PGO.measures, indicator)
        # the indicator is mentioned where the measure is (every entity has a mention)
        self.mention(indicator, "Indicator", replace(fact.mention, rule=found.rule), fact.article)
        if fact.indicator != found.label and "（" not in found.key:
            # the wording as written is an alias (series --param indicator=经济增长预期目标)
            self.add(indicator, SKOS.altLabel, zh(fact.indicator))
        self.evidence(iri, "measures", indicator, replace(fact.mention, rule=found.rule))

    def article(self, fact: ArticleFact) -> None:
        iri = self.article_iri(fact.index)
        self.add(iri, RDF.type, PGO.Article)
        self.add(iri, PGO.inDocument, self.doc_iri)
        label = fact.title or f"{self.doc.meta.title}（第{fact.index + 1}篇）"
        self.add(iri, RDFS.label, zh(label))
        if fact.title:
            self.add(iri, DCTERMS.title, zh(fact.title))
        if fact.column:
            self.add(iri, PGO.column, nt_string(fact.column))
        if fact.title_mention is not None:
            self.mention(iri, "Article", fact.title_mention, fact.index)
        for author in fact.authors:
            self.add(iri, DCTERMS.creator, self.entity(author.ref))

    def quote(self, fact: QuoteFact) -> None:
        m = fact.mention
        iri = self.local("Quote", m.start, m.end)
        self.add(iri, RDF.type, PGO.Quote)
        text = fact.text
        self.add(iri, RDFS.label, zh(text if len(text) <= 24 else text[:24] + "…"))
        self.add(iri, PGO.text, nt_string(text))
        self.mention(iri, "Quote", m, fact.article)
        if fact.speaker is not None:
            self.add(iri, PGO.speaker, self.entity(fact.speaker.ref))
        if fact.policy is not None:
            self.add(iri, PGO.quotes, self.entity(fact.policy.ref))
        if fact.event is not None:
            self.add(iri, PGO.atEvent, self.entity(fact.event.ref))
        if fact.place is not None:
            self.add(iri, PGO.atPlace, self.entity(fact.place.ref))
        if fact.date:
            self.add(iri, PGO.date, nt_term(date_literal(fact.date)))
        if fact.article is not None:
            self.add(iri, PGO.inArticle, self.article_iri(fact.article))


def _short_hash(text: str) -> str:
    """Eight hex digits that tell apart relations read from the same span."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def issuer_ref(name: str) -> EntityRef:
    """A manifest's issuer: a Place when the whole name is one (北京市 acting as its
    government, the same node as the place mentioned in texts), else an Organization."""
    places = find_places(name)
    if len(places) == 1 and places[0][:2] == (0, len(name)):
        return EntityRef("Place", entity_key(places[0][2]))
    return EntityRef("Organization", entity_key(name))


def build_lines(ex: Extraction) -> list[bytes]:
    """The triples of one document's named graph as N-Triples lines (any order): a
    function of the document alone."""
    return [f"{s} {p} {o} .\n".encode() for s, p, o in DocumentGraph(ex).build()]


def build_triples(ex: Extraction) -> set[tuple[Node, Node, Node]]:
    """The same triples as rdflib terms, read back by rdflib's Turtle parser (N-Triples is
    Turtle; rdflib's N-Triples parser splits a literal holding U+2028 or U+0085)."""
    graph = Graph().parse(data=b"".join(build_lines(ex)).decode("utf-8"), format="turtle")
    return set(graph)  # type: ignore[arg-type]


def date_literal(iso: str) -> Literal:
    """``2025-04-25`` → xsd:date, ``2025-04`` → xsd:gYearMonth, ``2025`` → xsd:gYear."""
    datatype = {10: _XSD.date, 7: _XSD.gYearMonth, 4: _XSD.gYear}.get(len(iso), _XSD.string)
    return Literal(iso, datatype=datatype)


def decimal(value: Decimal) -> str:
    """An ``xsd:decimal``, written as rdflib writes ``Literal(text, datatype=XSD.decimal)``
    (rdflib may normalise the lexical form: its writer decides here, not a copy of it)."""
    return nt_term(Literal(decimal_text(value), datatype=_XSD.decimal))


def decimal_text(value: Decimal) -> str:
    """Canonical xsd:decimal lexical form without exponent (9.4E+8 → 940000000)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


_COMPARATOR_TEXT = {">": "超", ">=": "不少于", "=": "达", "~": "约", "<": "低于", "<=": "不超过"}


def measure_label(fact: Measure) -> str:
    value = decimal_text(fact.value)
    if fact.value_max is not None:
        value += "–" + decimal_text(fact.value_max)
    when = f"（{fact.year}年）" if fact.year else ""
    return f"{fact.indicator} {_COMPARATOR_TEXT[fact.comparator]}{value}{fact.unit or ''}{when}"
