"""The explorer's pages, each a thin view over a few SPARQL queries to the served store.

URLs (the conventions of DBpedia and LodView, with 303 See Other):

* ``/id/<path>``: the IRI ``https://w3id.org/policygraph/id/<path>`` itself. It names a
  thing (a person, a policy), not a document about it, so it answers ``303`` to
  ``/page/<path>`` (HTML) or ``/data/<path>.<ext>`` (RDF) as the ``Accept`` header asks.
* ``/page/<path>``: the HTML page; a ``pgo:Document`` page shows the text.
* ``/data/<path>.ttl|.nt|.jsonld|.nq|.trig``: the triples with the IRI as subject or
  object; ``.nq``, ``.trig`` and ``.jsonld`` keep the named graph each triple is stated in.
* ``/vocab/<path>``: the vocabulary concept ``https://w3id.org/policygraph/vocab/<path>``
  (a national indicator, a place…), negotiated as ``/id/`` is, to ``/page/vocab/<path>`` or
  ``/data/vocab/<path>.<ext>``. The ontology's terms are hash IRIs (``pgo:Policy``), which
  reach no server with their name: their pages are ``/page/ontology/Policy`` and
  ``/data/ontology/Policy.<ext>``; a class's page lists its first instances.
* ``/explore`` (home: class counts, documents, search), ``/search?q=``, ``/-/explore.css``.
* ``/explore/policies``, ``/explore/targets``, ``/explore/documents``: lists with filters
  (see :mod:`policygraph.serve.explore.lists`); ``/explore/queries/<name>``: a saved query with
  its parameters as form fields. Each table is also CSV (``.csv`` or ``?format=csv``).
* Every HTML page above is also JSON (:mod:`policygraph.serve.explore.twins`): ``.json`` after
  its path, ``?format=json`` or ``Accept: application/json``.

The store is asked through ``ask`` (SPARQL text → SPARQL JSON results): the front sends it
to Oxigraph with the same timeout as any query. What every page needs again (labels for
search, class counts, document titles) is read once per store generation.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlencode

import jinja2
import pyoxigraph as ox
from markupsafe import Markup

from policygraph.namespaces import ID, ONTOLOGY_GRAPH, PGO, PREFIXES, VOCAB
from policygraph.query.sparql import NameIndex, effective_params, release_frames, saved_queries
from policygraph.rdf.iris import slug
from policygraph.serve.explore import lists as L
from policygraph.serve.explore import twins
from policygraph.serve.explore.neighbours import Graph, layout, pick
from policygraph.serve.explore.text import Mark, Sentences, highlight, render, sentence_starts
from policygraph.store.texts import TEXTS, read_text

log = logging.getLogger(__name__)


#: Rows a page shows for one property before it says how many more there are.
ROWS_PER_PROPERTY = 50
#: Rows one page query may return: a year or a ministry can be the object of thousands.
MAX_ROWS = 2000
#: Source sentences shown for one fact, and mentions listed for one entity.
SOURCES_PER_FACT = 3
MAX_MENTIONS = 30
#: Past this many mentions an entity page lists the first the store gives, not the first
#: in document order: sorting them all took 0.6 s for 国务院's 14,584 on the bulk graph.
SORTED_MENTIONS = 1000
#: Triples in one RDF description (``/data/``); past it the answer says it was cut.
MAX_TRIPLES = 10_000
#: Mentions drawn on one document page.
MAX_MARKS = 20_000
SEARCH_PER_CLASS = 20
#: Pages of saved queries kept for the store generation (each at most 101 rows).
SAVED_PAGES = 256

ID_PREFIX = str(ID)
PGO_PREFIX = str(PGO)
VOCAB_PREFIX = str(VOCAB)
#: The namespaces the explorer gives pages, each with its path under ``/page/`` and
#: ``/data/``: the build's entities, the SKOS vocabularies (the national indicators,
#: places, industries) and the ontology's terms (``pgo:Policy`` at ``/page/ontology/Policy``:
#: a hash IRI reaches a server without its name, so it has no page at its own path).
SERVED = ((ID_PREFIX, ""), (VOCAB_PREFIX, "vocab/"), (PGO_PREFIX, "ontology/"))
#: Instances listed on a class's page (its count is the store's).
INSTANCES = 50
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
SKOS_CONCEPT = "http://www.w3.org/2004/02/skos/core#Concept"
CLASS_TYPES = ("http://www.w3.org/2002/07/owl#Class", "http://www.w3.org/2000/01/rdf-schema#Class")
ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
#: Incoming links from provenance records are shown as sources, not as facts.
_PROVENANCE = """FILTER NOT EXISTS { ?s a pgo:Mention }
    FILTER NOT EXISTS { ?s a pgo:RelationMention }"""
#: Offsets of a mention ``?{v}``. One OPTIONAL each: Oxigraph answers an OPTIONAL of two
#: patterns by reading the pattern for the whole store first (1.3 s on the bulk graph).
_OFFSETS = "OPTIONAL {{ ?{v} pgo:start ?start }} OPTIONAL {{ ?{v} pgo:end ?end }}"
_SPARQL_PREFIXES = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
#: Characters that cannot stand in an IRI written ``<…>`` in SPARQL.
_NOT_IN_IRI = set('<>"{}|^`\\') | {chr(c) for c in range(0x21)}

FORMATS: dict[str, tuple[str, ox.RdfFormat, bool]] = {
    # extension: (media type, format, keeps the graph of each triple)
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE, False),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES, False),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD, True),
    "nq": ("application/n-quads", ox.RdfFormat.N_QUADS, True),
    "trig": ("application/trig", ox.RdfFormat.TRIG, True),
}
_HTML_TYPES = ("text/html", "application/xhtml+xml")
#: No script, no frame, nothing from elsewhere: the pages are plain HTML and one stylesheet.
HTML_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Vary": "Accept",
}
CSV_TYPE = "text/csv; charset=utf-8"


Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = dict[str, Term]


def rows(results: object) -> list[Row]:
    """The rows of a SELECT result (pyoxigraph's, from a store or parsed), unbound
    variables left out."""
    assert isinstance(results, ox.QuerySolutions)
    names = [v.value for v in results.variables]
    # zip over the solution (its values in order, None when unbound): a third faster than
    # looking each variable up twice, which counts on a 10,000-triple description.
    return [{n: v for n, v in zip(names, s, strict=True) if v is not None} for s in results]


@dataclass(frozen=True, slots=True)
class Page:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class Unavailable(Exception):
    """The store could not answer in time (503) or its server stopped (502)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def fold(text: str) -> str:
    """Case- and width-folded text for search: ＡＩ, Ai and ai are the same."""
    return unicodedata.normalize("NFKC", text).casefold()


def local_name(cls_iri: str) -> str:
    return cls_iri.removeprefix(PGO_PREFIX) if cls_iri.startswith(PGO_PREFIX) else ""


def href(iri: str) -> str | None:
    """The page of an IRI under ``…/id/``, ``…/vocab/`` or ``…/ontology#`` on this server;
    None for other IRIs."""
    for prefix, path in SERVED:
        if iri.startswith(prefix):
            return f"/page/{path}" + quote(iri[len(prefix) :], safe="/%-_.~")
    return None


def ours(iri: str) -> bool:
    """Whether ``iri`` is in a namespace the explorer gives pages (:data:`SERVED`)."""
    return iri.startswith((ID_PREFIX, VOCAB_PREFIX, PGO_PREFIX))


def short(iri: str) -> str:
    """``pgo:affiliation`` for a known namespace, else the IRI."""
    best = max((v for v in PREFIXES.values() if iri.startswith(v)), key=len, default=None)
    if best is None:
        return iri
    name = next(k for k, v in PREFIXES.items() if v == best)
    return f"{name}:{unquote(iri[len(best) :])}"


@dataclass(slots=True)
class Index:
    """What pages need again and again, read once per store generation."""

    labels: list[tuple[str, str, str, bool]]  # (folded label, label, iri, is an alias)
    names: dict[str, str]  # iri -> rdfs:label
    classes: dict[str, str]  # iri -> class local name
    counts: list[tuple[str, int]]
    documents: list[tuple[str, str]]  # (iri, title)
    named: NameIndex  # entity parameters of saved queries, looked up without a query


class Explorer:
    def __init__(
        self,
        ask: Callable[[str], list[Row]],
        location: Callable[[], Path],
        *,
        warm_saved: bool = True,
    ) -> None:
        """``ask`` answers a SELECT query with its rows (see :func:`rows`); ``location``
        is the store folder being served now (its ``../texts`` holds the documents).
        ``warm_saved``: read each saved query's whole result without parameters once per
        generation, in the background, and serve its pages as slices (:class:`L.Warm`);
        without it every page runs its query with a LIMIT."""
        self._ask = ask
        self._location = location
        self._warm_saved = warm_saved
        self._warm: tuple[Path, L.Warm] | None = None
        self._index: tuple[Path, Index] | None = None
        self._lists: tuple[Path, dict[str, list[L.Row]], dict[str, bool]] | None = None
        self._saved_pages: (
            tuple[Path, dict[tuple[object, ...], tuple[list[str], list[Row]]]] | None
        ) = None
        self._lock = threading.Lock()
        loader = jinja2.PackageLoader("policygraph.serve.explore", "templates")
        self._env = jinja2.Environment(
            loader=loader, autoescape=True, undefined=jinja2.StrictUndefined
        )
        self._env.globals.update(href=href, short=short)
        self._css = (
            resources.files("policygraph.serve.explore").joinpath("explore.css").read_bytes()
        )

    # -- routing -------------------------------------------------------------------------

    @staticmethod
    def serves(path: str) -> bool:
        pages = ("/explore", "/explore.json", "/search", "/search.json", "/-/explore.css")
        prefixes = ("/id/", "/vocab/", "/page/", "/data/", "/doc/", "/explore/")
        return path in pages or path.startswith(prefixes)

    def respond(self, path: str, query: str, accept: str) -> Page:
        """The answer to ``GET path?query``; ``path`` is still percent-encoded.

        Every HTML page has a JSON twin (Datasette's convention): the same path with
        ``.json``, or ``?format=json``, or ``Accept: application/json``. Not on ``/id/``
        and ``/data/``, where ``Accept`` chooses the RDF description (JSON-LD included)."""
        as_json = suffixed = False
        if not path.startswith(("/id/", "/vocab/", "/data/", "/-/")):
            suffixed = path.endswith(".json")
            as_json = suffixed or wants_json(accept)
            as_json |= parse_qs(query).get("format", [""])[-1] == "json"
        answer = self._route(path.removesuffix(".json"), query, accept)
        if suffixed and isinstance(answer, View) and answer.status == 404:
            # An IRI whose own name ends in .json: its page, as Accept asks.
            whole = self._route(path, query, accept)
            if not (isinstance(whole, View) and whole.status == 404):
                answer, as_json = whole, wants_json(accept)
        if isinstance(answer, Page):
            return answer
        if as_json:
            return twins.page(answer.status, answer.template, answer.context)
        return self._render(answer)

    def _route(self, path: str, query: str, accept: str) -> Page | View:
        if path == "/-/explore.css":
            return Page(200, "text/css; charset=utf-8", self._css, {"Cache-Control": "max-age=300"})
        if path == "/explore":
            return self._html(200, "home.html.j2", index=self.index())
        if path == "/search":
            q = parse_qs(query).get("q", [""])[0]
            return self._html(200, "search.html.j2", q=q, groups=self.search(q))
        if path.startswith("/explore/"):
            return self._table_page(path[len("/explore/") :], query)
        for prefix in ("/id/", "/vocab/", "/page/", "/data/", "/doc/"):
            if path.startswith(prefix):
                return self._resource(prefix, path[len(prefix) :], accept, query)
        return self._not_found("no such page")

    def _resource(self, prefix: str, rest: str, accept: str, query: str = "") -> Page | View:
        ext = None
        if prefix == "/data/":
            rest, _, ext = rest.rpartition(".")
            if ext not in FORMATS:
                return self._not_found("ask for .ttl, .nt, .jsonld, .nq or .trig")
        if prefix == "/doc/":
            rest = "doc/" + rest
        if prefix == "/vocab/":
            rest = "vocab/" + rest
        elif prefix == "/id/" and rest.startswith(tuple(p for _, p in SERVED if p)):
            return self._not_found(f"nothing in the graph is called {ID_PREFIX}{unquote(rest)}")
        iri = self.resolve(rest)
        if iri is None:
            return self._not_found(f"nothing in the graph is called {_named(rest)}")
        if prefix == "/page/":
            return self.page(iri, _span(parse_qs(query).get("at", [""])[0]))
        if ext is not None:
            return self.data(iri, ext)
        page = href(iri) or ""
        if prefix in ("/id/", "/vocab/"):
            wanted = negotiate(accept)
            if wanted == "json":  # plain JSON: the page's twin; JSON-LD is the description
                page += ".json"
            elif wanted != "html":
                page = page.replace("/page/", "/data/", 1) + "." + wanted
        return Page(
            303,
            "text/plain; charset=utf-8",
            f"See {page}\n".encode(),
            {"Location": page, "Vary": "Accept"},
        )

    # -- the store -----------------------------------------------------------------------

    def select(self, sparql: str) -> list[Row]:
        return self._ask(_SPARQL_PREFIXES + sparql)

    def resolve(self, rest: str) -> str | None:
        """The IRI a path names: as sent, or with its key written the way the build writes
        keys (letters kept, the rest percent-encoded), whichever is in the graph."""
        try:
            decoded = unquote(rest, errors="strict")
        except UnicodeDecodeError:
            return None
        namespace = ID_PREFIX
        for prefix, path in SERVED[1:]:  # vocab/… and ontology/…: no entity segment is so named
            if path and rest.startswith(path):
                namespace, rest, decoded = prefix, rest[len(path) :], decoded[len(path) :]
        segment, _, key = decoded.partition("/")
        candidates = [rest, f"{segment}/{slug(key)}" if key else decoded]
        candidates += [quote(decoded, safe="/-_.~"), decoded]
        iris = list(dict.fromkeys(namespace + c for c in candidates))
        iris = [i for i in iris if not _NOT_IN_IRI & set(i)]
        if not iris:
            return None
        values = " ".join(f"<{i}>" for i in iris)
        rows = self.select(
            f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} "
            "FILTER EXISTS { { ?x ?p ?o } UNION { ?s ?q ?x } } }"
        )
        found = {str(r["x"].value) for r in rows}
        return next((i for i in iris if i in found), None)

    def index(self) -> Index:
        location = self._location()
        self.warm()  # first: the saved queries are read while the index is
        with self._lock:
            if self._index is None or self._index[0] != location:
                self._index = (location, self._read_index())
                documents = [iri for iri, _ in self._index[1].documents]
                threading.Thread(
                    target=_in_background, args=(warm_sentences, location, documents), daemon=True
                ).start()
            return self._index[1]

    def warm(self) -> L.Warm | None:
        """The saved queries' results without parameters for the generation served now;
        the first call for a generation starts reading them all in a background thread.
        ``None`` when the explorer was made without ``warm_saved``."""
        if not self._warm_saved:
            return None
        location = self._location()
        with self._lock:
            if self._warm is None or self._warm[0] != location:
                if self._warm is not None:
                    self._warm[1].stopped = True
                self._warm = (location, L.Warm(self.select))
                threading.Thread(
                    target=_in_background,
                    args=(self._warm[1].fill,),
                    name="policygraph-saved-queries",
                    daemon=True,
                ).start()
            return self._warm[1]

    def forget(self) -> None:
        """A write changed the store: read the index again on the next page."""
        with self._lock:
            self._index = None
            self._lists = None
            self._saved_pages = None
            if self._warm is not None:
                self._warm[1].stopped = True
            self._warm = None

    def _read_index(self) -> Index:
        labels: list[tuple[str, str, str, bool]] = []
        names: dict[str, str] = {}
        preferred: dict[str, str] = {}
        # The vocabularies name their concepts with skos:prefLabel (and most with rdfs:label
        # too): a prefLabel is a name, used on pages when there is no rdfs:label.
        # Every subject's names are read (one scan): labels and aliases of any IRI are what
        # a saved query's entity parameter is matched against; pages show only ours.
        found = self.select(
            """SELECT ?x ?l ?kind WHERE {
                { ?x rdfs:label ?l BIND(0 AS ?kind) }
                UNION { ?x skos:prefLabel ?l BIND(1 AS ?kind) }
                UNION { ?x skos:altLabel ?l BIND(2 AS ?kind) }
            }"""
        )
        named = NameIndex((row["x"], row["l"]) for row in found if row["kind"].value != "1")
        ours = (ID_PREFIX, VOCAB_PREFIX, PGO_PREFIX)
        for row in found:
            if not isinstance(row["x"], ox.NamedNode) or not row["x"].value.startswith(ours):
                continue
            iri, label, kind = str(row["x"].value), str(row["l"].value), row["kind"].value
            alias = kind == "2"
            labels.append((fold(label), label, iri, alias))
            if kind == "0":
                names.setdefault(iri, label)
            elif kind == "1":
                preferred.setdefault(iri, label)
        for iri, label in preferred.items():
            names.setdefault(iri, label)
        labels = list(dict.fromkeys(labels))  # a concept's rdfs:label is often a prefLabel too
        classes: dict[str, str] = {}
        typed_document: set[str] = set()
        counts: Counter[str] = Counter()
        for row in self.select(
            f"""SELECT ?x ?c WHERE {{ ?x a ?c FILTER(STRSTARTS(STR(?c), "{PGO_PREFIX}"))
                FILTER(STRSTARTS(STR(?x), "{ID_PREFIX}")) }}"""
        ):
            iri, cls = str(row["x"].value), local_name(str(row["c"].value))
            counts[cls] += 1
            if cls == "Document":
                typed_document.add(iri)
            # One class per entity on pages: a document that is also a policy is a Policy.
            if iri not in classes or cls != "Document":
                classes[iri] = cls
        # Vocabulary concepts: their pgo: class (a national indicator is a pgo:Indicator in
        # the document graphs that measure it), else Concept (or ConceptScheme). Not counted
        # on the home page.
        for row in self.select(
            # MAX: https://w3id.org/… sorts after http://www.w3.org/…, so pgo: wins.
            f"""SELECT ?x (MAX(STR(?c)) AS ?cls) WHERE {{ ?x a ?c
                FILTER(STRSTARTS(STR(?x), "{VOCAB_PREFIX}"))
                FILTER(STRSTARTS(STR(?c), "{PGO_PREFIX}")
                    || ?c IN (skos:Concept, skos:ConceptScheme))
            }} GROUP BY ?x"""
        ):
            cls = str(row["cls"].value)
            classes[str(row["x"].value)] = local_name(cls) or cls.rpartition("#")[2]
        # The ontology's classes and properties.
        for row in self.select(
            f"""SELECT ?x ?c WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?x a ?c }}
                FILTER(STRSTARTS(STR(?x), "{PGO_PREFIX}")) }}"""
        ):
            iri = str(row["x"].value)
            if str(row["c"].value) in CLASS_TYPES:
                classes[iri] = "Class"
            else:
                classes.setdefault(iri, "Property")
        documents = sorted((iri, names.get(iri, iri)) for iri in typed_document)
        return Index(
            sorted(labels),
            names,
            classes,
            sorted(counts.items(), key=lambda c: -c[1]),
            documents,
            named,
        )

    # -- search --------------------------------------------------------------------------

    def search(self, q: str) -> list[tuple[str, list[tuple[str, str, str]], int]]:
        """Entities whose label or alias holds ``q`` (folded), grouped by class: exact
        matches first, then labels that start with it, then shorter labels."""
        needle = fold(q.strip())
        if not needle:
            return []
        index = self.index()
        best: dict[str, tuple[tuple[int, int, str], str]] = {}
        for folded, label, iri, alias in index.labels:
            if needle in folded:
                rank = 0 if folded == needle else 1 if folded.startswith(needle) else 2
                key = (rank + alias, len(folded), label)
                if iri not in best or key < best[iri][0]:
                    best[iri] = (key, label)
        groups: dict[str, list[tuple[tuple[int, int, str], str, str]]] = defaultdict(list)
        for iri, (key, label) in best.items():
            groups[index.classes.get(iri, "")].append((key, iri, label))
        out = []

        # The ontology's terms (政策 is pgo:Policy) after the things the graph is about.
        def order(g: tuple[str, list[tuple[tuple[int, int, str], str, str]]]) -> tuple[object, ...]:
            return (g[0] in ("Class", "Property"), min(h[0] for h in g[1]), g[0])

        for cls, hits in sorted(groups.items(), key=order):
            hits.sort()
            shown = [(iri, label, index.names.get(iri, label)) for _, iri, label in hits]
            out.append((cls, shown[:SEARCH_PER_CLASS], len(hits)))
        return out

    # -- pages ---------------------------------------------------------------------------

    def page(self, iri: str, at: tuple[int, int] | None = None) -> Page | View:
        """The HTML page of ``iri``; ``at`` (start, end) marks one mention of a document."""
        index = self.index()
        cls = index.classes.get(iri, "")
        rows_out = self.select(
            f"""SELECT ?p ?o (SAMPLE(?l) AS ?label) WHERE {{ <{iri}> ?p ?o
                FILTER(?p != pgo:hasMention) OPTIONAL {{ ?o rdfs:label ?l }}
            }} GROUP BY ?p ?o ORDER BY ?p ?o LIMIT {MAX_ROWS}"""
        )
        if iri.startswith(PGO_PREFIX):
            rows_in, count_in = self._term_in(iri, cls)
        else:
            rows_in, count_in = self._rows_in(iri)
        # Counted by the store only when the rows were cut: most pages need no count query.
        count_out = (
            self._counts(f"<{iri}> ?p ?o FILTER(?p != pgo:hasMention)")
            if len(rows_out) >= MAX_ROWS
            else dict(Counter(str(r["p"].value) for r in rows_out))
        )
        types = sorted(str(r["o"].value) for r in rows_out if str(r["p"].value) == RDF_TYPE)
        label = index.names.get(iri, short(iri))
        names_p = (ALT_LABEL, PREF_LABEL)
        aliases = sorted(
            {str(r["o"].value) for r in rows_out if str(r["p"].value) in names_p} - {label}
        )
        sources = self._fact_sources(iri)
        facts_out = self._group(
            [r for r in rows_out if str(r["p"].value) not in (RDF_TYPE, RDFS_LABEL, *names_p)],
            "o",
            count_out,
            index,
            lambda p, other: [self._source(r) for r in sources.get((iri, p, other), [])],
        )
        facts_in = self._group(
            rows_in,
            "s",
            count_in,
            index,
            lambda p, other: [self._source(r) for r in sources.get((other, p, iri), [])],
        )
        context: dict[str, object] = dict(
            iri=iri,
            cls=cls,
            label=label,
            types=types,
            aliases=aliases,
            facts_out=facts_out,
            facts_in=facts_in,
            formats=FORMATS,
            data_href=(href(iri) or "").replace("/page/", "/data/", 1),
            targets=self._targets(iri) if cls == "Policy" else [],
            series=self._series(iri) if cls == "Indicator" or _indicator(iri) else None,
        )
        context["graph"] = self._neighbourhood(iri, label, cls, facts_out, facts_in)
        if "Document" in (local_name(t) for t in types):
            return self._html(200, "document.html.j2", **context, **self._document(iri, index, at))
        mentions, total, sorted_all = self._mentions(iri)
        return self._html(
            200,
            "entity.html.j2",
            **context,
            mentions=mentions,
            mention_count=total,
            mentions_sorted=sorted_all,
        )

    def _rows_in(self, iri: str) -> tuple[list[Row], dict[str, int]]:
        rows_in = self.select(
            f"""SELECT ?s ?p WHERE {{ ?s ?p <{iri}> {_PROVENANCE}
                FILTER(?p NOT IN (pgo:mentions)) }} ORDER BY ?p ?s LIMIT {MAX_ROWS}"""
        )
        count_in = (
            self._counts(f"?s ?p <{iri}> {_PROVENANCE} FILTER(?p NOT IN (pgo:mentions))")
            if len(rows_in) >= MAX_ROWS
            else dict(Counter(str(r["p"].value) for r in rows_in))
        )
        return rows_in, count_in

    def _term_in(self, iri: str, cls: str) -> tuple[list[Row], dict[str, int]]:
        """What links to an ontology term: the ontology's own statements (domains, ranges,
        subclasses) and, for a class, its first instances and how many it has, as LodView
        and DBpedia list them. Not every ``?s ?p <class>``: pgo:Mention has millions."""
        rows_in = self.select(
            f"""SELECT DISTINCT ?s ?p WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p <{iri}> }} }}
                ORDER BY ?p ?s LIMIT {MAX_ROWS}"""
        )
        counts = dict(Counter(str(r["p"].value) for r in rows_in))
        if cls == "Class":
            n = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{iri}> }}")
            count = int(n[0]["n"].value) if n else 0
            if count:
                instances = self.select(f"SELECT ?s WHERE {{ ?s a <{iri}> }} LIMIT {INSTANCES}")
                rows_in += [{"s": r["s"], "p": ox.NamedNode(RDF_TYPE)} for r in instances]
                counts[RDF_TYPE] = count
        return rows_in, counts

    def _neighbourhood(
        self, iri: str, label: str, cls: str, facts_out: list[Facts], facts_in: list[Facts]
    ) -> Graph:
        groups = [
            [
                (v.href, v.label or v.value, v.cls, arrow + short(g.property))
                for v in g.values
                if v.href and v.value != iri
            ]
            for facts, arrow in ((facts_out, ""), (facts_in, "← "))
            for g in facts
        ]
        chosen, total = pick(groups)
        return layout(label, cls, chosen, total)

    def _counts(self, pattern: str) -> dict[str, int]:
        rows = self.select(f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {pattern} }} GROUP BY ?p")
        return {str(r["p"].value): int(r["n"].value) for r in rows}

    def _group(
        self,
        rows: list[Row],
        var: str,
        counts: dict[str, int],
        index: Index,
        sources_of: Callable[[str, str], list[Source]],
    ) -> list[Facts]:
        groups: dict[str, Facts] = {}
        for row in rows:
            p = str(row["p"].value)
            group = groups.setdefault(p, Facts(p, counts.get(p, 0), []))
            if len(group.values) >= ROWS_PER_PROPERTY:
                continue
            term = row[var]
            value = str(term.value)
            if isinstance(term, ox.NamedNode):
                label = str(row["label"].value) if "label" in row else index.names.get(value)
                group.values.append(
                    Value(
                        value,
                        label or short(value),
                        href(value),
                        index.classes.get(value, ""),
                        sources_of(p, value),
                    )
                )
            else:
                group.values.append(Value(_literal(term), None, None, "", sources_of(p, value)))
        return sorted(groups.values(), key=lambda g: short(g.property))

    def _fact_sources(self, iri: str) -> dict[tuple[str, str, str], list[Row]]:
        """The rows of the first sources of each fact of ``iri``: made into
        :class:`Source` only for the facts a page shows (each reads a document)."""
        rows = self.select(
            f"""SELECT ?s ?p ?o ?doc ?start ?end ?sentence ?surface WHERE {{
                {{ ?r rdf:subject <{iri}> }} UNION {{ ?r rdf:object <{iri}> }}
                ?r rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; pgo:inDocument ?doc .
                # A filter, not a pattern: as a pattern Oxigraph starts from every
                # RelationMention (95 ms on the bulk graph even for none).
                FILTER EXISTS {{ ?r a pgo:RelationMention }}
                {_OFFSETS.format(v="r")}
                OPTIONAL {{ ?r pgo:surface ?surface }}
                OPTIONAL {{ ?r pgo:sentence ?sv OPTIONAL {{ ?sv pgo:text ?st }} }}
                BIND(COALESCE(?st, ?sv) AS ?sentence)
            }} ORDER BY ?doc ?start LIMIT {MAX_ROWS}"""
        )
        out: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
        for row in rows:
            key = (str(row["s"].value), str(row["p"].value), str(row["o"].value))
            if len(out[key]) < SOURCES_PER_FACT:
                out[key].append(row)
        return out

    def _mentions(self, iri: str) -> tuple[list[Source], int, bool]:
        """The first mentions of ``iri`` in document order, how many it has, and whether
        they are the first of all its mentions (False: the first the store lists, sorted)."""
        n = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ <{iri}> pgo:hasMention ?m }}")
        total = int(n[0]["n"].value) if n else 0
        if total == 0:
            return [], 0, True
        # Sorting every mention costs ~40 ms a thousand: past SORTED_MENTIONS the page
        # takes the first the store lists (its index order, the same on every visit).
        # The first mentions are chosen on (document, start) alone, then described.
        sorted_all = total <= SORTED_MENTIONS
        order = "ORDER BY ?doc ?start " if sorted_all else ""
        rows = self.select(
            f"""SELECT ?doc ?start ?end ?sentence ?surface WHERE {{
                {{ SELECT ?m ?doc ?start WHERE {{
                    <{iri}> pgo:hasMention ?m . ?m pgo:inDocument ?doc .
                    OPTIONAL {{ ?m pgo:start ?start }}
                }} {order}LIMIT {MAX_MENTIONS} }}
                OPTIONAL {{ ?m pgo:end ?end }}
                OPTIONAL {{ ?m pgo:surface ?surface }}
                OPTIONAL {{ ?m pgo:sentence ?sv OPTIONAL {{ ?sv pgo:text ?st }} }}
                BIND(COALESCE(?st, ?sv) AS ?sentence)
            }}"""
        )
        rows.sort(key=_document_order)
        return [self._source(r) for r in rows], total, sorted_all

    def _source(self, row: Row) -> Source:
        doc = str(row["doc"].value)
        doc_page = href(doc) or ""
        title = self.index().names.get(doc, short(doc))
        surface = str(row["surface"].value) if "surface" in row else ""
        literal = str(row["sentence"].value) if "sentence" in row else ""
        if "start" in row and "end" in row:
            start, end = int(row["start"].value), int(row["end"].value)
            found = _text(self._location(), doc)
            if found is not None and end <= len(found[0]):
                text, sentences = found
                i = sentences.index(start)
                lo, hi = sentences.span(i)
                hi = max(hi, end)
                place = f"{doc_page}?at={start}-{end}#s{i}"
                mark = Mark(start, end, "fact", place, surface)
                html = render(text, lo, hi, [mark])
                return Source(title, place, i, html, text[lo:hi], text[start:end], doc)
        return Source(title, doc_page, None, highlight(literal, surface), literal, surface, doc)

    def _series(self, iri: str) -> Markup | None:
        """An indicator's targets and outcomes by year as inline SVG (no script: hovering a
        mark shows its sentence through ``<title>``), as the offline chart draws them."""
        from policygraph.view.indicator import indicator_series
        from policygraph.view.sparkline import series_svg

        found = indicator_series(self._ask, [ox.NamedNode(iri)])
        if not found or not found[0].rows:
            return None
        return series_svg(found[0], width=640, height=220, titles=True)

    def _targets(self, iri: str) -> list[dict[str, str]]:
        rows = self.select(
            f"""SELECT ?t ?label ?indicator ?comparator ?value ?unit ?deadline ?attained WHERE {{
                ?t pgo:setBy <{iri}> .
                OPTIONAL {{ ?t rdfs:label ?label }} OPTIONAL {{ ?t pgo:indicator ?indicator }}
                OPTIONAL {{ ?t pgo:comparator ?comparator }} OPTIONAL {{ ?t pgo:value ?value }}
                OPTIONAL {{ ?t pgo:unit ?unit }} OPTIONAL {{ ?t pgo:attained ?attained }}
                OPTIONAL {{ ?t pgo:deadline/pgo:year ?deadline }}
            }} ORDER BY ?deadline ?t LIMIT {MAX_ROWS}"""
        )
        return [{k: str(v.value) for k, v in row.items()} for row in rows]

    def _document(self, iri: str, index: Index, at: tuple[int, int] | None) -> dict[str, object]:
        rows = self.select(
            f"""SELECT DISTINCT ?start ?end ?x WHERE {{
                ?m pgo:inDocument <{iri}> ; pgo:start ?start ; pgo:end ?end .
                ?x pgo:hasMention ?m .
            }} ORDER BY ?start DESC(?end) LIMIT {MAX_MARKS + 1}"""
        )
        # Classes come from the index; asking them here with the mentions cost 40 ms of 55.
        unknown = {str(r["x"].value) for r in rows} - index.classes.keys()
        other = self._classes(unknown) if unknown else {}
        inferred = {
            str(r["f"].value)
            for r in self.select(f"SELECT ?f WHERE {{ <{iri}> pgo:inferredField ?f }}")
        }
        found = _text(self._location(), iri)
        if found is None:
            return dict(
                body=None,
                text=None,
                drawn=[],
                inferred=inferred,
                marks=0,
                more_marks=False,
                classes=[],
            )
        text, sentences = found
        marks: dict[int, list[Mark]] = defaultdict(list)
        drawn: list[dict[str, object]] = []
        classes: Counter[str] = Counter()
        for row in rows[:MAX_MARKS]:
            x, start, end = str(row["x"].value), int(row["start"].value), int(row["end"].value)
            if end > len(text):
                continue
            cls = index.classes.get(x) or other.get(x, "")
            classes[cls] += 1
            focus = at == (start, end)
            name = index.names.get(x, x)
            mark = Mark(start, end, cls, href(x) or "", f"{cls}: {name}", focus)
            drawn.append(dict(start=start, end=end, entity=x, label=name, cls=cls))
            for i in range(sentences.index(start), sentences.index(max(start, end - 1)) + 1):
                marks[i].append(mark)
        # Joined here rather than in a template loop: 0.04 s less on a 1,000-sentence text.
        drawn_sentences = (
            render(text, *sentences.span(i), marks.get(i, [])) for i in range(len(sentences))
        )
        body = Markup("").join(
            Markup(f'<span class="s" id="s{i}">{html}</span>')
            for i, html in enumerate(drawn_sentences)
        )
        return dict(
            body=body,
            text=text,
            drawn=drawn,
            inferred=inferred,
            marks=sum(classes.values()),
            more_marks=len(rows) > MAX_MARKS,
            classes=sorted(classes.items()),
        )

    def _classes(self, iris: set[str]) -> dict[str, str]:
        """The first ``pgo:`` class of each IRI the index does not hold (outside ``…/id/``)."""
        values = " ".join(f"<{i}>" for i in sorted(iris) if not _NOT_IN_IRI & set(i))
        found = self.select(
            f"""SELECT ?x (MIN(STR(?c)) AS ?cls) WHERE {{ VALUES ?x {{ {values} }}
                ?x a ?c FILTER(STRSTARTS(STR(?c), "{PGO_PREFIX}")) }} GROUP BY ?x"""
        )
        return {str(r["x"].value): local_name(str(r["cls"].value)) for r in found if "cls" in r}

    def data(self, iri: str, ext: str) -> Page:
        media, fmt, with_graphs = FORMATS[ext]
        rows = self.select(
            f"""SELECT ?s ?p ?o ?g WHERE {{
                {{ GRAPH ?g {{ <{iri}> ?p ?o }} BIND(<{iri}> AS ?s) }}
                UNION {{ GRAPH ?g {{ ?s ?p <{iri}> }} BIND(<{iri}> AS ?o) }}
            }} LIMIT {MAX_TRIPLES + 1}"""
        )
        headers = {"Vary": "Accept"}
        if len(rows) > MAX_TRIPLES:
            rows = rows[:MAX_TRIPLES]
            headers["X-Policygraph-Truncated"] = f"first {MAX_TRIPLES} triples"
        if with_graphs:
            quads = sorted(
                {ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows},  # type: ignore[arg-type]
                key=str,
            )
            body = ox.serialize(quads, format=fmt, prefixes=_prefixes(fmt))
        else:
            triples = sorted({ox.Triple(r["s"], r["p"], r["o"]) for r in rows}, key=str)  # type: ignore[arg-type]
            body = ox.serialize(triples, format=fmt, prefixes=_prefixes(fmt))
        return Page(200, f"{media}; charset=utf-8", body or b"", headers)

    # -- lists and saved queries ---------------------------------------------------------

    def table(self, name: str) -> list[L.Row]:
        """Every row of list ``name``, read once per store generation."""
        location = self._location()
        with self._lock:
            if self._lists is None or self._lists[0] != location:
                self._lists = (location, {}, {})
            cache = self._lists[1]
        self.warm()
        if name not in cache:  # read outside the lock: two first readers both read, harmlessly
            cache[name] = L.read_list(self.select, L.LISTS[name])
        return cache[name]

    def has_attained(self) -> bool:
        self.table("targets")  # makes the cache of this generation
        assert self._lists is not None
        flags = self._lists[2]
        if "attained" not in flags:
            flags["attained"] = L.has_attained(self.select)
        return flags["attained"]

    def _saved_page(
        self, name: str, given: dict[str, str], limit: int, offset: int
    ) -> tuple[list[str], list[Row]]:
        """One page of a saved query, kept for the store generation: some read the whole
        graph (``lineage``: ~1 s on the bulk graph), and a reader goes back and forth."""
        location = self._location()
        key = (name, tuple(sorted(given.items())), limit, offset)
        with self._lock:
            if self._saved_pages is None or self._saved_pages[0] != location:
                self._saved_pages = (location, {})
            pages = self._saved_pages[1]
            if key in pages:
                return pages[key]
        answer = L.run_saved(self.select, name, given, limit, offset, self.index().named)
        with self._lock:
            while len(pages) >= SAVED_PAGES:
                pages.pop(next(iter(pages)))  # the oldest first
            pages[key] = answer
        return answer

    def _table_page(self, rest: str, query: str) -> Page | View:
        try:
            fields = parse_qs(query, max_num_fields=50)
        except ValueError:  # over max_num_fields: the client's request, not a failed page
            return self._html(400, "error.html.j2", message="the address has over 50 parameters")
        params = {k: v[-1] for k, v in fields.items()}
        csv = params.pop("format", "") == "csv"
        if rest.endswith(".csv"):
            rest, csv = rest.removesuffix(".csv"), True
        if rest in ("lists", "queries"):
            return self._html(200, "lists.html.j2", lists=L.LISTS, queries=saved_queries())
        try:
            page = _page_number(params.pop("page", "1"))
        except L.BadInput as e:
            return self._html(400, "error.html.j2", message=str(e))
        if rest in L.LISTS:
            return self._listing(L.LISTS[rest], params, page, csv)
        name = unquote(rest.removeprefix("queries/"))
        if rest.startswith("queries/") and name in saved_queries():
            return self._saved(name, params, page, csv)
        return self._not_found(f"no list or saved query called {unquote(rest)}")

    def _listing(
        self, listing: L.Listing, params: dict[str, str], page: int, csv: bool
    ) -> Page | View:
        attained = listing.name != "targets" or self.has_attained()
        filters = tuple(f for f in listing.filters if f.name != "attained" or attained)
        columns = [c for c in listing.columns if c.key != "attained" or attained]
        given = {f.name: params.get(f.name, "").strip() for f in filters}
        given = {k: v for k, v in given.items() if v}
        error, kept = None, []
        try:
            kept = L.keep(self.table(listing.name), filters, given, fold)
        except L.BadInput as e:
            error = str(e)
        if csv and error is not None:
            return _plain(400, error)
        if csv and error is None:
            shown = L.Listing(listing.name, listing.title, "", tuple(columns), filters)
            return self._csv(listing.name, L.list_csv(shown, kept))
        first = (page - 1) * L.PAGE_SIZE
        cells = [
            [
                (
                    row.get(c.key) or (short(row[c.iri]) if c.iri and c.iri in row else ""),
                    href(row[c.iri]) if c.iri and c.iri in row else None,
                )
                for c in columns
            ]
            for row in kept[first : first + L.PAGE_SIZE]
        ]
        # The JSON twin's rows: the CSV's columns (each linked column's IRI beside it).
        json_columns = [t for c in columns for t in (c.title, f"{c.title} IRI")[: 1 + bool(c.iri)]]
        records = [
            dict(zip(json_columns, _record(row, columns), strict=True))
            for row in kept[first : first + L.PAGE_SIZE]
        ]
        fields = [
            dict(
                name=f.name,
                title=f.title,
                kind=f.kind,
                value=given.get(f.name, ""),
                choices=f.choices,
            )
            for f in filters
        ]
        return self._table_html(
            400 if error else 200,
            f"/explore/{listing.name}",
            given,
            page,
            title=f"{listing.title}",
            intro="",
            fields=fields,
            button="Filter",
            columns=[c.title for c in columns],
            rows=cells,
            records=records,
            json_columns=json_columns,
            total=len(kept),
            more=first + L.PAGE_SIZE < len(kept),
            error=error,
        )

    def _saved(self, name: str, params: dict[str, str], page: int, csv: bool) -> Page | View:
        saved = saved_queries()[name]
        given = {p: params.get(p, "").strip() for p in saved.params}
        given = {k: v for k, v in given.items() if v}
        shown = given  # in the form; ``given`` below: those that change the answer
        given = effective_params(saved.text, given)
        limit = L.MAX_CSV_ROWS + 1 if csv else L.PAGE_SIZE + 1
        offset = 0 if csv else (page - 1) * L.PAGE_SIZE
        error, variables, found = None, list[str](), list[Row]()
        status = 200
        # Without parameters, or with parameters the query declares as filters of its result
        # without them (``# filter: NAME contains``): a slice of that result, read once this
        # generation (filtered in Python); otherwise, or when it is not kept, run the query.
        # The whole results of a few big entities (L.HUBS) are kept too.
        filters = not given or set(given) <= L.contains_filters(name) or name in L.HUBS
        warm = self.warm() if filters else None
        try:
            named = self.index().named if given else None
            sliced = warm.page(name, limit, offset, given, named) if warm is not None else None
            if sliced is not None:
                variables, found = sliced
            elif csv:
                variables, found = L.run_saved(
                    self.select, name, given, limit, offset, self.index().named
                )
            else:
                variables, found = self._saved_page(name, given, limit, offset)
        except L.BadInput as e:
            error, status = str(e), 200 if isinstance(e, L.Missing) else 400
        if csv and error is not None:
            return _plain(400, error)
        if csv and error is None:
            body = [[str(r[v].value) if v in r else "" for v in variables] for r in found]
            cut = len(body) > L.MAX_CSV_ROWS
            return self._csv(name, L.to_csv(variables, body[: L.MAX_CSV_ROWS], cut))
        names = self.index().names
        cells = [[_cell(r.get(v), names) for v in variables] for r in found[: L.PAGE_SIZE]]
        records = [
            {v: str(r[v].value) if v in r else None for v in variables}
            for r in found[: L.PAGE_SIZE]
        ]
        fields = [
            dict(name=p, title=p, kind="text", value=shown.get(p, ""), choices=())
            for p in saved.params
        ]
        return self._table_html(
            status,
            f"/explore/queries/{name}",
            shown,
            page,
            title=saved.title,
            intro=f"The saved query {name}.rq (policygraph query --name {name}).",
            fields=fields,
            button="Run",
            columns=variables,
            rows=cells,
            records=records,
            json_columns=variables,
            total=None,
            more=len(found) > L.PAGE_SIZE,
            error=error,
        )

    def _table_html(
        self,
        status: int,
        action: str,
        given: dict[str, str],
        page: int,
        more: bool,
        **context: object,
    ) -> View:
        def at(n: int) -> str:
            q = urlencode({**given, **({"page": str(n)} if n > 1 else {})})
            return f"{action}?{q}" if q else action

        csv_query = urlencode(given)
        return self._html(
            status,
            "table.html.j2",
            action=action,
            first=(page - 1) * L.PAGE_SIZE + 1,
            prev_href=at(page - 1) if page > 1 else None,
            next_href=at(page + 1) if more else None,
            json_next=at(page + 1).replace(action, f"{action}.json", 1) if more else None,
            page=page,
            given=given,
            csv_href=f"{action}.csv" + (f"?{csv_query}" if csv_query else ""),
            **context,
        )

    def _csv(self, name: str, body: bytes) -> Page:
        return Page(
            200,
            CSV_TYPE,
            body,
            {"Content-Disposition": f'attachment; filename="{name}.csv"', "Vary": "Accept"},
        )

    # -- rendering -----------------------------------------------------------------------

    def _html(self, status: int, template: str, **context: object) -> View:
        return View(status, template, context)

    def _render(self, view: View) -> Page:
        html = self._env.get_template(view.template).render(**view.context)
        body = html.encode("utf-8")
        return Page(view.status, "text/html; charset=utf-8", body, dict(HTML_HEADERS))

    def _not_found(self, message: str) -> View:
        return self._html(404, "error.html.j2", message=message)

    def page_for_error(self, status: int, message: str, accept: str = "") -> Page:
        if wants_json(accept):
            return twins.page(status, "error.html.j2", {"message": message})
        return self._render(self._html(status, "error.html.j2", message=message))


@dataclass(frozen=True, slots=True)
class View:
    """A page before it is drawn: the template and what it shows, as HTML or as JSON."""

    status: int
    template: str
    context: dict[str, object]


@dataclass(frozen=True, slots=True)
class Source:
    """One sentence a fact or mention comes from, with the place in its document."""

    title: str
    href: str
    sentence: int | None
    html: Markup
    #: The sentence and the mention as plain text (for the JSON twin).
    text: str = ""
    mention: str = ""
    document: str = ""


@dataclass(frozen=True, slots=True)
class Value:
    value: str
    label: str | None
    href: str | None
    cls: str
    sources: list[Source]


@dataclass(slots=True)
class Facts:
    property: str
    count: int
    values: list[Value]


def negotiate(accept: str) -> str:
    """``html`` or the extension of the RDF format ``accept`` prefers (HTML for ``*/*``
    and when nothing fits, as DBpedia does for browsers and curl)."""
    best, best_q = "html", 0.0
    for i, part in enumerate(accept.split(",")):
        media, *params = (x.strip() for x in part.split(";"))
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        media = media.lower()
        kind = "html" if media in _HTML_TYPES or media == "*/*" else None
        kind = kind or next((e for e, (m, _, _) in FORMATS.items() if m == media), None)
        kind = kind or ("json" if media == "application/json" else None)
        # Earlier entries win ties; */* counts a little less than a named type.
        score = q - (0.001 if media == "*/*" else 0) - i * 1e-6
        if kind and q > 0 and score > best_q:
            best, best_q = kind, score
    return best


def wants_json(accept: str) -> bool:
    """Whether ``accept`` prefers plain JSON to HTML (never for a browser's ``*/*``)."""
    return negotiate(accept) == "json"


def _plain(status: int, message: str) -> Page:
    headers = {"X-Content-Type-Options": "nosniff"}
    return Page(status, "text/plain; charset=utf-8", f"{message}\n".encode(), headers)


def _page_number(value: str) -> int:
    if not (value.isascii() and value.isdigit() and 0 < len(value) < 7 and int(value) > 0):
        raise L.BadInput(f"page is a number from 1, not '{value}'")
    return int(value)


def _cell(term: Term | None, names: dict[str, str]) -> tuple[str, str | None]:
    """A saved query's value as a table cell: an IRI of ours links to its page."""
    if term is None:
        return "", None
    value = str(term.value)
    if isinstance(term, ox.NamedNode):
        return names.get(value, short(value)), href(value)
    return value, None


def _record(row: L.Row, columns: list[L.Column]) -> list[str]:
    """A list's row as its CSV has it: each column's text, a linked column's IRI beside it."""
    return [
        v
        for c in columns
        for v in (row.get(c.key, ""), row.get(c.iri or "", ""))[: 1 + bool(c.iri)]
    ]


def _document_order(row: Row) -> tuple[str, int]:
    return (str(row["doc"].value), int(row["start"].value) if "start" in row else -1)


def _indicator(iri: str) -> bool:
    """A concept of the indicator vocabulary: its page draws its series, if it has one."""
    return iri.startswith(f"{VOCAB_PREFIX}indicator/")


def _named(rest: str) -> str:
    """The IRI a page path names, for a message: ``vocab/x`` is ``…/vocab/x``."""
    rest = unquote(rest)
    for prefix, path in SERVED[::-1]:
        if path == "" or rest.startswith(path):
            return prefix + rest[len(path) :]
    return ID_PREFIX + rest


def _span(at: str) -> tuple[int, int] | None:
    start, _, end = at.partition("-")
    ok = all(x.isascii() and x.isdigit() and len(x) < 12 for x in (start, end))
    return (int(start), int(end)) if ok else None


def _literal(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return str(term.value)


def _prefixes(fmt: ox.RdfFormat) -> dict[str, str] | None:
    return PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None


def _text(location: Path, doc_iri: str) -> tuple[str, Sentences] | None:
    folder = location.parent / TEXTS
    doc_id = doc_iri.removeprefix(f"{ID_PREFIX}doc/")
    text = _read(folder, doc_id)
    if text is None:
        return None
    starts = _STARTS.setdefault(folder, {})
    if doc_id not in starts:
        starts[doc_id] = sentence_starts(text)
    return text, Sentences(text, starts[doc_id])


@lru_cache(maxsize=64)
def _read(folder: Path, doc_id: str) -> str | None:
    # Keyed by the generation's folder: a new build is a new folder, so never stale.
    return read_text(folder, doc_id)


#: The sentence starts of each document, by generation's texts folder: splitting a text
#: into sentences costs ~1 ms for 30,000 characters, and a big entity's page shows
#: sources from hundreds of documents (0.14 s of 0.25 s on 上海市's page, bulk graph).
#: Filled lazily and, for a new generation, by :func:`warm_sentences` in the background.
_STARTS: dict[Path, dict[str, array[int]]] = {}


def _in_background(work: Callable[..., object], *args: object) -> None:
    """Run a warming thread's ``work``: what it reads ahead is only a head start (pages
    read for themselves what it has not), so its failure (the store gone with its
    generation, say) ends it quietly. The exception's frames are cleared here: they may
    hold pyoxigraph query solutions, which only this thread may drop (release_frames)."""
    try:
        work(*args)
    except Exception as e:
        release_frames(e)
        log.debug("reading ahead stopped: %s", e)


def warm_sentences(location: Path, documents: list[str]) -> None:
    """Find the sentence starts of every document of the generation at ``location``
    (dropping those of older generations), so that no page waits for them."""
    folder = location.parent / TEXTS
    for old in [f for f in list(_STARTS) if f != folder]:  # list(): pages add folders too
        _STARTS.pop(old, None)
    starts = _STARTS.setdefault(folder, {})
    for iri in documents:
        doc_id = iri.removeprefix(f"{ID_PREFIX}doc/")
        if doc_id not in starts:
            text = read_text(folder, doc_id)
            if text is not None:
                starts[doc_id] = sentence_starts(text)
