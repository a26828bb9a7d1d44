"""The tables people browse (policies, targets, documents) and the saved queries as pages.

A list is read from the store once per store generation, with one query, and then
filtered and paged here: a filter over a few thousand rows in Python takes a millisecond,
where a SPARQL ``FILTER(CONTAINS(…))`` would scan every label again on every page (the
policies of the bulk graph take a second to read; their pages then take milliseconds).

A saved query (``policygraph/queries/*.rq``) is run as the CLI runs it, its parameters
bound by :func:`policygraph.query.sparql.bind_params` (which writes each value as an escaped
literal, never as SPARQL text), with a LIMIT for the page. Without parameters, its whole
result is read once per store generation (:class:`Warm`, in the background from the first
page) and its pages are slices of it: Oxigraph sorts every row for ``ORDER BY`` even for a
page of 100 (``statistics``: seconds on the bulk graph), and the query, the rows and their
order are the same whichever page is asked.

A saved query whose header declares ``# filter: NAME contains`` takes parameter NAME from
that result too: ``--param NAME=T`` gives exactly the rows of the result without parameters
whose ``?NAME`` contains T (``CONTAINS(STR(?NAME), STR(T))``: code points as written, no
case or width folding; a row without ``?NAME`` is not kept), so the page filters the kept
rows in Python (:meth:`Warm.page`) instead of running the query. A stable filter of rows
sorted by the query's ``ORDER BY`` stays sorted by it; rows the ``ORDER BY`` ties (the same
values of its variables) are put in the order of their values (:func:`untie`), so the page
does not depend on the order Oxigraph happened to give them, and may order them otherwise
than ``policygraph query --name X --param NAME=T``. Parameters without such a line
(``lineage``, ``provenance``, ``series``: an entity looked up by label, alias or IRI;
``statistics``: a year) still run the query, as does any query whose result is not kept.

One exception, :data:`HUBS`: ``provenance`` of an entity with more than
:data:`HUB_MENTIONS` mentions (国务院 has 14,584 on the bulk graph) costs Oxigraph about
0.2 ms a mention, seconds, however small the page, because ``ORDER BY`` sorts them all.
Those few entities' results are read whole in the background after the saved queries, and
a page whose parameter names one of them (and only entities that add no row) is a slice.
"""

from __future__ import annotations

import csv
import io
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

import pyoxigraph as ox

from policygraph.errors import PolicyGraphError
from policygraph.query.sparql import NameIndex, bind_params, entities_named, saved_queries

#: Rows on one HTML page of a list or a saved query.
PAGE_SIZE = 100
#: Rows in one CSV download: past it the file says so in its last row.
MAX_CSV_ROWS = 100_000
#: A saved query whose result without parameters has more rows than this is not kept for
#: the generation: each of its pages runs the query, as one with parameters does.
MAX_WARM_ROWS = 100_000
#: Filtered results of saved queries (one per query and parameters) kept for a generation.
MAX_FILTERED = 64
#: ``provenance`` of an entity with more mentions than this is read whole per generation
#: (48 entities, 95,000 rows on the bulk graph, read in about 29 s in the background); an
#: entity with fewer takes Oxigraph under 110 ms (0.2 ms a mention).
HUB_MENTIONS = 500


@dataclass(frozen=True)
class Hubs:
    """A saved query read whole per generation for its hubs (:class:`Warm`)."""

    param: str  #: the parameter that names the entity
    listing: str  #: lists the hubs as ``?e`` (MENTIONS: :attr:`Warm.hub_mentions`)
    #: A pattern every row's entity ``?e`` matches (the query requires it): an entity
    #: without it adds no row, so a name that finds a hub and such entities (国务院's
    #: alias 中华人民共和国国务院 also names the vocabulary's concept) gives the hub's rows.
    rows_need: str


#: Saved queries read whole per generation for their hubs.
HUBS = {
    "provenance": Hubs(
        "entity",
        """SELECT ?e WHERE { ?e pgo:hasMention ?m }
        GROUP BY ?e HAVING (COUNT(?m) > MENTIONS) ORDER BY DESC(COUNT(?m)) ?e""",
        "?e pgo:hasMention ?m",
    )
}

Row = dict[str, str]
Term = ox.NamedNode | ox.BlankNode | ox.Literal
Select = Callable[[str], list[dict[str, Term]]]


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    #: The key of the IRI this column's value links to (its entity page).
    iri: str | None = None


@dataclass(frozen=True, slots=True)
class Filter:
    name: str
    title: str
    kind: str  # "text" (substring, folded), "year" (four digits) or "choice"
    key: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Listing:
    name: str
    title: str
    sparql: str
    columns: tuple[Column, ...]
    filters: tuple[Filter, ...]
    #: Sort key of a row (the query's order is not kept by GROUP BY).
    order: Callable[[Row], tuple[object, ...]] = field(default=lambda r: ())


def _desc_year(value: str) -> int:
    """Newest first, rows without a year last."""
    return -int(value[:4]) if value[:4].isdigit() else 1


LISTS: dict[str, Listing] = {
    "policies": Listing(
        "policies",
        "Policies",
        """SELECT ?policy (SAMPLE(?l) AS ?label)
            (GROUP_CONCAT(DISTINCT ?il; separator="、") AS ?issuers)
            (MIN(STR(?iy)) AS ?issued) (MIN(STR(?fy)) AS ?from) (MAX(STR(?ty)) AS ?to)
        WHERE { ?policy a pgo:Policy .
            OPTIONAL { ?policy rdfs:label ?l } OPTIONAL { ?policy pgo:issuedBy/rdfs:label ?il }
            OPTIONAL { ?policy pgo:issuedIn/pgo:year ?iy }
            OPTIONAL { ?policy pgo:periodStart/pgo:year ?fy }
            OPTIONAL { ?policy pgo:periodEnd/pgo:year ?ty }
        } GROUP BY ?policy""",
        (
            Column("label", "policy", "policy"),
            Column("issuers", "issued by"),
            Column("issued", "year"),
            Column("from", "period from"),
            Column("to", "period to"),
        ),
        (
            Filter("title", "title holds", "text", "label"),
            Filter("issuer", "issuer holds", "text", "issuers"),
            Filter("year", "issued in", "year", "issued"),
            Filter("period", "period covers", "period", ""),
        ),
        lambda r: (_desc_year(r.get("issued", "")), r.get("label", ""), r["policy"]),
    ),
    "targets": Listing(
        "targets",
        "Targets",
        """SELECT ?target (SAMPLE(?l) AS ?label) (SAMPLE(?i) AS ?indicator)
            (SAMPLE(?c) AS ?comparator) (SAMPLE(STR(?v)) AS ?value) (SAMPLE(?u) AS ?unit)
            (MIN(STR(?dy)) AS ?deadline) (SAMPLE(?p) AS ?policy) (SAMPLE(?pl) AS ?policyLabel)
            (SAMPLE(STR(?a)) AS ?attained)
        WHERE { ?target a pgo:Target .
            OPTIONAL { ?target rdfs:label ?l } OPTIONAL { ?target pgo:indicator ?i }
            OPTIONAL { ?target pgo:comparator ?c } OPTIONAL { ?target pgo:value ?v }
            OPTIONAL { ?target pgo:unit ?u } OPTIONAL { ?target pgo:deadline/pgo:year ?dy }
            OPTIONAL { ?target pgo:setBy ?p OPTIONAL { ?p rdfs:label ?pl } }
            OPTIONAL { ?target pgo:attained ?a }
        } GROUP BY ?target""",
        (
            Column("label", "target", "target"),
            Column("indicator", "indicator"),
            Column("comparator", "comparator"),
            Column("value", "value"),
            Column("unit", "unit"),
            Column("deadline", "deadline"),
            Column("attained", "attained"),
            Column("policyLabel", "set by", "policy"),
        ),
        (
            Filter("indicator", "indicator holds", "text", "indicator"),
            Filter("deadline", "deadline year", "year", "deadline"),
            # Offered only when the graph says whether any target was attained.
            Filter("attained", "attained", "choice", "attained", ("true", "false")),
        ),
        lambda r: (r.get("deadline") or "9999", r.get("policyLabel", ""), r["target"]),
    ),
    "documents": Listing(
        "documents",
        "Documents",
        """SELECT ?document (SAMPLE(?t) AS ?title) (MIN(STR(?d)) AS ?date)
            (SAMPLE(?k) AS ?kind) (GROUP_CONCAT(DISTINCT ?il; separator="、") AS ?issuers)
        WHERE { ?document a pgo:Document .
            OPTIONAL { ?document dcterms:title ?t } OPTIONAL { ?document dcterms:date ?d }
            OPTIONAL { ?document pgo:kind ?k }
            OPTIONAL { ?document pgo:issuedBy/rdfs:label ?il }
        } GROUP BY ?document""",
        (
            Column("title", "document", "document"),
            Column("date", "date"),
            Column("kind", "kind"),
            Column("issuers", "issued by"),
        ),
        (
            Filter("title", "title holds", "text", "title"),
            Filter("year", "dated in", "year", "date"),
        ),
        lambda r: (_desc_year(r.get("date", "")), r.get("date", ""), r.get("title", "")),
    ),
}


def read_list(select: Select, listing: Listing) -> list[Row]:
    """Every row of a list, as plain strings, in the list's order."""
    out = [{k: str(v.value) for k, v in row.items()} for row in select(listing.sparql)]
    for row in out:  # GROUP_CONCAT over nothing is "": the same as no value
        for key in [k for k, v in row.items() if v == ""]:
            del row[key]
    return sorted(out, key=listing.order)


def has_attained(select: Select) -> bool:
    return bool(select("SELECT ?t WHERE { ?t pgo:attained ?a } LIMIT 1"))


class BadInput(ValueError):
    """A filter or parameter value the page cannot use (answered 400)."""


class Missing(BadInput):
    """A parameter the page needs before it runs its query (the form is answered 200)."""


#: Saved queries a page runs only with this parameter given: without it they read every
#: mention in the graph (provenance: 20 s on the bulk graph of 3,122 documents), far too
#: slow for a page. The CLI still runs them whole.
NEEDS = {"provenance": "entity"}


def year(value: str, name: str) -> int:
    value = value.strip()
    if not (len(value) == 4 and value.isascii() and value.isdigit()):
        raise BadInput(f"{name} is a year like 2025, not '{value}'")
    return int(value)


def keep(
    rows: list[Row],
    filters: tuple[Filter, ...],
    given: Mapping[str, str],
    fold: Callable[[str], str],
) -> list[Row]:
    """The rows every given filter keeps."""
    for f in filters:
        value = given.get(f.name, "").strip()
        if not value:
            continue
        if f.kind == "text":
            needle = fold(value)
            rows = [r for r in rows if needle in fold(r.get(f.key, ""))]
        elif f.kind == "year":
            wanted = str(year(value, f.title))
            rows = [r for r in rows if r.get(f.key, "")[:4] == wanted]
        elif f.kind == "period":
            y = year(value, f.title)
            rows = [r for r in rows if _covers(r, y)]
        elif f.kind == "choice":
            if value not in f.choices:
                raise BadInput(f"{f.title} is one of {', '.join(f.choices)}, not '{value}'")
            rows = [r for r in rows if r.get(f.key) == value]
    return rows


def _covers(row: Row, y: int) -> bool:
    """A period with one end only is open on the other; a policy with none covers nothing."""
    start, end = row.get("from", "")[:4], row.get("to", "")[:4]
    if not (start.isdigit() or end.isdigit()):
        return False
    return (not start.isdigit() or int(start) <= y) and (not end.isdigit() or y <= int(end))


def safe_cell(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula: document text may start
    with = + - @ (OWASP's CSV injection advice: a leading apostrophe). Numbers stay numbers."""
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def to_csv(header: list[str], rows: list[list[str]], cut: bool = False) -> bytes:
    """RFC 4180 CSV with a header row, UTF-8 with a byte-order mark so that spreadsheet
    programs read the Chinese as UTF-8 and not as the local code page."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    if cut:
        writer.writerow([f"(cut at {MAX_CSV_ROWS:,} rows)"])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def list_csv(listing: Listing, rows: list[Row]) -> bytes:
    """A list as CSV: every column's text, and each linked column's IRI beside it."""
    header: list[str] = []
    for c in listing.columns:
        header.append(c.title)
        if c.iri:
            header.append(f"{c.title} IRI")
    body = []
    for row in rows[:MAX_CSV_ROWS]:
        line = []
        for c in listing.columns:
            line.append(row.get(c.key, ""))
            if c.iri:
                line.append(row.get(c.iri, ""))
        body.append(line)
    return to_csv(header, body, len(rows) > MAX_CSV_ROWS)


# -- saved queries -----------------------------------------------------------------------


class _Asker:
    """What :func:`policygraph.query.sparql.entities_named` needs of a store (``query``), answered
    by the explorer's own ``select``: an entity parameter is looked up in the store served."""

    def __init__(self, select: Select) -> None:
        self._select = select

    def query(self, sparql: str, prefixes: object = None) -> list[dict[str, object]]:
        return self._select(sparql)  # type: ignore[return-value]


def run_saved(
    select: Select,
    name: str,
    given: Mapping[str, str],
    limit: int,
    offset: int = 0,
    named: NameIndex | None = None,
) -> tuple[list[str], list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]]:
    """The variables and up to ``limit`` rows of saved query ``name`` with the parameters
    given (empty ones left out, as if not given). ``named``: the store's names in memory,
    to look an entity parameter up without a query (else the store is asked)."""
    saved = saved_queries()[name]
    params = {k: v.strip() for k, v in given.items() if k in saved.params and v.strip()}
    if name in NEEDS and NEEDS[name] not in params:
        raise Missing(
            f"give {NEEDS[name]} to run this query here: without it, it reads every mention "
            f"in the graph (policygraph query --name {name} runs it whole)"
        )
    try:
        text = bind_params(saved.text, params, store=_Asker(select), named=named)  # type: ignore[arg-type]
    except PolicyGraphError as e:  # a year that is not a year, an IRI that is not one
        raise BadInput(str(e)) from None
    variables = list(dict.fromkeys(_variables(text)))
    rows = select(f"{text}\nLIMIT {limit} OFFSET {offset}")
    return variables, rows


#: ``# filter: NAME contains`` in a saved query's header (see the module's docstring).
_FILTER_LINE = re.compile(r"^# filter: (\w+) contains\s*$", re.M)


def contains_filters(name: str) -> frozenset[str]:
    """The parameters of saved query ``name`` that its header declares as filters of its
    result without parameters (``# filter: NAME contains``)."""
    saved = saved_queries()[name]
    return frozenset(p for p in _FILTER_LINE.findall(saved.text) if p in saved.params)


def order_keys(text: str) -> list[str]:
    """The variables a query's ``ORDER BY`` reads, in order (``DESC(BOUND(?x))``: ``x``)."""
    code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    match = re.search(r"\bORDER\s+BY\b(.*)$", code, re.S | re.I)
    return list(dict.fromkeys(re.findall(r"\?(\w+)", match.group(1)))) if match else []


def _text_of(term: Term | None) -> str:
    return "" if term is None else str(term)


def untie(rows: list[tuple[Term | None, ...]], keys: list[int]) -> list[tuple[Term | None, ...]]:
    """Rows sorted by an ``ORDER BY`` on the columns ``keys``, with each run of rows that
    have the same values in those columns (the ties) sorted by all their values as
    N-Triples text: an order that depends on the rows only, not on how they were found."""
    out: list[tuple[Term | None, ...]] = []
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or any(rows[i][k] != rows[start][k] for k in keys):
            run = rows[start:i]
            if len(run) > 1:
                run.sort(key=lambda r: tuple(_text_of(t) for t in r))
            out += run
            start = i
    return out


def _contains(term: Term | None, needle: str) -> bool:
    """``CONTAINS(STR(?x), STR(needle))``: STR of a blank node or of nothing is an error,
    which a FILTER takes as false."""
    return isinstance(term, (ox.Literal, ox.NamedNode)) and needle in term.value


def _variables(text: str) -> list[str]:
    """The projected variables of a SELECT, in order (``(… AS ?x)`` gives ``x``): the
    columns of the table even when no row came back."""
    code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    match = re.search(r"\bSELECT\b(.*?)\bWHERE\b|\bSELECT\b(.*?)\{", code, re.S | re.I)
    clause = (match.group(1) or match.group(2) or "") if match else ""
    names = re.findall(r"AS\s+\?(\w+)\s*\)|(?<![(\w])\?(\w+)", clause)
    return [a or b for a, b in names]


class Warm:
    """The whole result of each saved query run without parameters, for one store
    generation: read once, by :meth:`fill` in a background thread or by the first page that
    asks before it got there, and then sliced into pages and CSV.

    Each query is read by one thread only: a page that asks while another thread reads it
    waits for that read and gets the same rows, never a result of its own. A query that
    fails, needs a parameter (:data:`NEEDS`) or passes :data:`MAX_WARM_ROWS` rows is not
    kept: :meth:`result` says ``None`` and the page runs the query as before."""

    def __init__(self, select: Select) -> None:
        self._select = select
        self._lock = threading.Lock()
        self._done: dict[str, threading.Event] = {}
        self._results: dict[str, tuple[list[str], list[tuple[Term | None, ...]]] | None] = {}
        #: Set when the store changed: the background thread stops after its current query.
        self.stopped = False
        #: Seconds each query took to read, in the order they were read.
        self.seconds: dict[str, float] = {}
        #: The hubs (:data:`HUBS`), by IRI, and the keys of the results read for them.
        self._hub_iris: set[str] = set()
        self._hub_keys: set[str] = set()
        #: An entity with more mentions is a hub (:data:`HUB_MENTIONS`).
        self.hub_mentions = HUB_MENTIONS
        #: Rows a filter kept (:meth:`page` with parameters), the last :data:`MAX_FILTERED`.
        self._pages: dict[
            tuple[str, tuple[tuple[str, str], ...]], list[tuple[Term | None, ...]]
        ] = {}

    def rows(self, name: str) -> tuple[list[str], list[tuple[Term | None, ...]]] | None:
        """The variables and every row of ``name`` without parameters (each row a tuple in
        the variables' order, ``None`` where unbound), read now if no thread has started
        to; ``None`` when it is not kept."""
        if name in NEEDS or name not in saved_queries():
            return None
        return self._once(name, lambda: self._read(name))

    def _once(
        self, key: str, read: Callable[[], tuple[list[str], list[tuple[Term | None, ...]]] | None]
    ) -> tuple[list[str], list[tuple[Term | None, ...]]] | None:
        """``read()``'s answer for ``key``, read by the first thread that asks; the others
        wait for it."""
        with self._lock:
            done = self._done.get(key)
            mine = done is None
            if done is None:
                done = self._done[key] = threading.Event()
        if mine:
            try:
                self._results[key] = read()
            finally:
                done.set()
        else:
            done.wait()
        return self._results.get(key)

    def hub(
        self, name: str, params: Mapping[str, str], named: NameIndex | None
    ) -> tuple[list[str], list[tuple[Term | None, ...]]] | None:
        """The whole result of ``name`` with ``params`` when the entities they name that
        add rows are a hub, or a hub and the others its label names, whose result is read
        for this generation (:data:`HUBS`); ``None`` otherwise (the page runs the query)."""
        hubs = HUBS.get(name)
        if hubs is None or set(params) != {hubs.param} or named is None:
            return None
        try:
            found = [e.value for e in named(params[hubs.param])]
        except PolicyGraphError:
            return None
        with self._lock:
            if not self._hub_iris.intersection(found):
                return None
        key = self._hub_key(name, hubs, found)
        with self._lock:
            known = key in self._hub_keys
        return self._once(key, partial(self._read, name, params, named)) if known else None

    def _hub_key(self, name: str, hubs: Hubs, iris: list[str]) -> str:
        """``name`` and the entities of ``iris`` that add rows: those the query's rows
        come from (the others add none: the same rows, in the same order)."""
        with self._lock:
            adding = [iri for iri in iris if iri in self._hub_iris]
        others = [iri for iri in iris if iri not in adding]
        if others:
            values = " ".join(f"<{iri}>" for iri in others)
            sparql = f"SELECT DISTINCT ?e WHERE {{ VALUES ?e {{ {values} }} {hubs.rows_need} }}"
            adding += [str(row["e"].value) for row in self._select(sparql)]
        return f"{name} {' '.join(sorted(adding))}"

    def fill_hubs(self) -> None:
        """Read the hubs' results (:data:`HUBS`), the biggest first, each as its IRI asks
        for it and then as its label does when that names others that add rows (教育: an
        industry and an indicator)."""
        for name, hubs in HUBS.items():
            try:
                listed = self._select(hubs.listing.replace("MENTIONS", str(self.hub_mentions)))
            except Exception:  # no hubs kept: their pages run the query
                continue
            iris = [str(row["e"].value) for row in listed]
            with self._lock:
                self._hub_iris.update(iris)
            asks: list[dict[str, str]] = [{hubs.param: iri} for iri in iris]
            if iris:
                values = " ".join(f"<{iri}>" for iri in iris)
                labels = self._select(
                    f"SELECT ?l WHERE {{ VALUES ?e {{ {values} }} ?e rdfs:label ?l }}"
                )
                asks += [{hubs.param: str(row["l"].value)} for row in labels]
            for given in asks:
                if self.stopped:
                    return
                found = entities_named(_Asker(self._select), given[hubs.param])  # type: ignore[arg-type]
                key = self._hub_key(name, hubs, [e.value for e in found])
                with self._lock:
                    new = key not in self._hub_keys
                    self._hub_keys.add(key)
                if new:
                    self._once(key, partial(self._read, name, given))

    def page(
        self,
        name: str,
        limit: int,
        offset: int,
        given: Mapping[str, str] | None = None,
        named: NameIndex | None = None,
    ) -> tuple[list[str], list[dict[str, Term]]] | None:
        """What :func:`run_saved` gives for ``name``, as a slice of its result without
        parameters: with none given, or with only parameters its header declares as filters
        (``# filter: NAME contains``), the kept rows that contain them (:func:`untie`d).
        ``None`` when the page must run the query: the result is not kept, or a parameter
        is not such a filter."""
        saved = saved_queries().get(name)
        if saved is None:
            return None
        params = {k: v.strip() for k, v in (given or {}).items() if k in saved.params and v.strip()}
        if params and not set(params) <= contains_filters(name):
            found = self.hub(name, params, named)
        else:
            if params:
                try:  # the same refusals as running it (an IRI that is not one)
                    bind_params(saved.text, params)
                except PolicyGraphError as e:
                    raise BadInput(str(e)) from None
            found = self._filtered(name, params)
        if found is None:
            return None
        variables, rows = found
        return variables, [
            {v: t for v, t in zip(variables, row, strict=True) if t is not None}
            for row in rows[offset : offset + limit]
        ]

    def _filtered(
        self, name: str, params: Mapping[str, str]
    ) -> tuple[list[str], list[tuple[Term | None, ...]]] | None:
        kept = self.rows(name)
        if kept is None or not params:
            return kept
        variables, rows = kept
        order = order_keys(saved_queries()[name].text)
        if not set(params) | set(order) <= set(variables):
            return None  # a filter or an ORDER BY on a column not shown: run the query
        key = (name, tuple(sorted(params.items())))
        with self._lock:
            if key in self._pages:
                return variables, self._pages[key]
        columns = [(variables.index(p), value) for p, value in params.items()]
        chosen = [r for r in rows if all(_contains(r[i], value) for i, value in columns)]
        chosen = untie(chosen, [variables.index(k) for k in order])
        with self._lock:
            while len(self._pages) >= MAX_FILTERED:
                self._pages.pop(next(iter(self._pages)))  # the oldest first
            self._pages[key] = chosen
        return variables, chosen

    def fill(self) -> None:
        """Read every saved query not read yet, then the hubs' results (run in a
        background thread)."""
        for name in saved_queries():
            if self.stopped:
                return
            with self._lock:
                claimed = name in self._done
            if not claimed:
                self.rows(name)
        self.fill_hubs()

    def _read(
        self, name: str, params: Mapping[str, str] | None = None, named: NameIndex | None = None
    ) -> tuple[list[str], list[tuple[Term | None, ...]]] | None:
        started = time.perf_counter()
        try:
            variables, found = run_saved(
                self._select, name, params or {}, MAX_WARM_ROWS + 1, named=named
            )
        except Exception:  # the page runs the query itself and shows why it failed
            return None
        finally:
            label = name if not params else f"{name} {' '.join(params.values())}"
            self.seconds[label] = time.perf_counter() - started
        if len(found) > MAX_WARM_ROWS:
            return None
        # One object per distinct term: a hub's 14,584 rows repeat its label, its class, a
        # few thousand titles and rules; kept once each, they take a fraction of the memory.
        seen: dict[Term, Term] = {}
        return variables, [
            tuple(None if (t := row.get(v)) is None else seen.setdefault(t, t) for v in variables)
            for row in found
        ]
