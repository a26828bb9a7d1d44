"""SPARQL over the store: run a query, load saved queries, format results.

Queries read the store's default graph, the merge of all document graphs (each triple once;
``GRAPH ?g`` reaches the per-document graphs). The project's prefixes (``pgo:``, ``rdfs:``,
``skos:``, ``dcterms:``, ``person:``, ``year:``…) are predeclared. Saved queries live in
``policygraph/queries/*.rq``; a saved query takes a parameter NAME through a line
``VALUES ?NAMEText { UNDEF }`` that ``--param NAME=value`` fills in.

Safety: every query and update passes :func:`policygraph.query.guard.check` first (size,
nesting and operator limits that keep Oxigraph's parser from overflowing its stack; no
``SERVICE`` or ``LOAD`` unless ``allow_remote``), :func:`execute` runs a query under a
time limit (Oxigraph has none of its own, so the query runs in a worker thread that is
abandoned when the time is up) and the table format shows at most ``max_rows`` rows.
"""

from __future__ import annotations

import re
import threading
import traceback
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox

from policygraph.errors import PolicyGraphError, QueryError, QueryRefused
from policygraph.namespaces import PREFIXES
from policygraph.query import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, FORMATS
from policygraph.query import guard as sparql_guard
from policygraph.query.display import written
from policygraph.store import DEFAULT_STORE
from policygraph.store.oxigraph import damaged, open_store

_UPDATE = re.compile(
    r"^\s*(?:(?:PREFIX|BASE)\s[^\n]*\n\s*)*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b",
    re.IGNORECASE,
)


class QueryTimeout(PolicyGraphError):
    """A query that ran longer than its time limit (exit status 1: the query is valid,
    the store or the question is too big for the limit)."""


@dataclass(frozen=True, slots=True)
class SavedQuery:
    name: str
    title: str
    params: tuple[str, ...]
    text: str


@cache
def saved_queries() -> dict[str, SavedQuery]:
    """The saved queries shipped with policygraph, by name."""
    out: dict[str, SavedQuery] = {}
    for entry in sorted(
        files("policygraph").joinpath("query/saved").iterdir(), key=lambda e: e.name
    ):
        if not entry.name.endswith(".rq"):
            continue
        text = entry.read_text(encoding="utf-8")
        title = next(
            (
                line[len("# title:") :].strip()
                for line in text.splitlines()
                if line.startswith("# title:")
            ),
            entry.name,
        )
        params = tuple(re.findall(r"VALUES \?(\w+)(?:Text|Year|Entity) \{ UNDEF \}", text))
        name = entry.name.removesuffix(".rq")
        out[name] = SavedQuery(name, title, params, text)
    return out


def query_text(
    sparql: str | None = None, *, file: Path | None = None, name: str | None = None
) -> str:
    """The query a user asked for: given inline, in a ``.rq`` file, or by saved name."""
    given = [x for x in (sparql, file, name) if x]
    if len(given) != 1:
        raise QueryError("give exactly one of sparql=, file= or name=")
    if file is not None:
        try:
            # Refuse a huge file before reading it into memory.
            size = file.stat().st_size
            if size > sparql_guard.MAX_BYTES:
                raise QueryRefused(
                    f"{file}: {size:,} bytes; a query may be at most "
                    f"{sparql_guard.MAX_BYTES:,} bytes"
                )
            return file.read_text(encoding="utf-8")
        except OSError as e:
            raise QueryError(f"{file}: cannot read: {e.strerror or e}") from None
        except UnicodeDecodeError as e:
            raise QueryError(f"{file}: not UTF-8 text: {e.reason}") from None
    if name is not None:
        saved = saved_queries()
        if name not in saved:
            raise QueryError(f"no saved query '{name}'; choose from {', '.join(saved)}")
        return saved[name].text
    return sparql or ""


def bind_params(
    text: str,
    params: Mapping[str, str],
    *,
    store: ox.Store | None = None,
    named: Callable[[str], list[ox.NamedNode]] | None = None,
) -> str:
    """Fill the parameter placeholders of a saved query.

    ``VALUES ?NAMEText { UNDEF }`` takes the value itself: IRIs stay IRIs, the rest are
    plain strings. ``VALUES ?NAMEYear { UNDEF }`` takes a year as ``xsd:gYear``.
    ``VALUES ?NAMEEntity { UNDEF }`` takes the entities the value names (an IRI, or an exact
    ``rdfs:label``/``skos:altLabel``), looked up in ``store`` first, or by ``named`` when
    given (a :class:`NameIndex` kept in memory answers the same without a query).

    A line ending in ``#+NAME`` is kept only when NAME is given, one ending in ``#-NAME``
    only when it is not; ``#+NAME+OTHER`` only when both are. Oxigraph applies a FILTER on
    a parameter only after the joins around it, so a query that filters statistics by year
    reads every statistic (0.5 s on the bulk graph); written so that the given value is the
    first pattern, it reads only its own (1 ms). The markers let one saved query have both
    shapes."""
    params = effective_params(text, params)
    for name, value in params.items():
        for kind in ("Text", "Year", "Entity"):
            placeholder = f"VALUES ?{name}{kind} {{ UNDEF }}"
            if placeholder in text:
                break
        else:
            known = declared_params(text)
            choice = f"its parameters: {', '.join(known)}" if known else "it takes none"
            raise QueryError(f"the query has no parameter '{name}'; {choice}")
        if kind == "Entity":
            if named is None and store is None:
                raise QueryError(f"parameter '{name}' names an entity; it needs the store")
            found = named(value) if named is not None else entities_named(store, value)  # type: ignore[arg-type]
            terms = " ".join(str(t) for t in found) or f"<{NOTHING}>"
        elif kind == "Year":
            if not re.fullmatch(r"-?\d{4}", value.strip()):
                raise QueryError(f"parameter '{name}' is a year (like 2024), not '{value}'")
            terms = str(ox.Literal(value.strip(), datatype=ox.NamedNode(str(XSD_GYEAR))))
        else:
            terms = str(_term(value))
        text = text.replace(placeholder, f"VALUES ?{name}{kind} {{ {terms} }}")
    return "\n".join(line for line in text.split("\n") if _kept(line, params))


#: ``# only with: NAME OTHER`` in a saved query's header: NAME acts only when OTHER is given.
_ONLY_WITH = re.compile(r"^# only with: (\w+) (\w+)\s*$", re.M)


def effective_params(text: str, params: Mapping[str, str]) -> dict[str, str]:
    """``params`` without those the query's header says act only with another parameter
    that is not given (``# only with: depth policy``: a depth of links of links means
    nothing without the policy they start from); the answer is the same without them."""
    dropped = {name for name, other in _ONLY_WITH.findall(text) if other not in params}
    return {k: v for k, v in params.items() if k not in dropped}


def _kept(line: str, params: Mapping[str, str]) -> bool:
    """Whether every ``+NAME``/``-NAME`` condition at the end of ``line`` holds."""
    m = _CONDITION.search(line)
    if m is None:
        return True
    return all((name in params) == (sign == "+") for sign, name in _TERM.findall(m[1]))


#: ``#+NAME`` / ``#-NAME`` (or several, ``#+NAME+OTHER``) at the end of a line: kept only
#: with / without those parameters.
_CONDITION = re.compile(r"#((?:[+-]\w+)+)\s*$")
_TERM = re.compile(r"([+-])(\w+)")
XSD_GYEAR = "http://www.w3.org/2001/XMLSchema#gYear"


#: An IRI no entity has: what an entity parameter naming nothing is bound to.
NOTHING = "https://w3id.org/policygraph/id/none"


def declared_params(text: str) -> list[str]:
    """The parameter names a query declares with ``VALUES ?NAME{Text,Year,Entity} { UNDEF }``."""
    return sorted(set(re.findall(r"VALUES \?(\w+?)(?:Text|Year|Entity) \{ UNDEF \}", text)))


def _iri(value: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError as e:
        raise QueryError(f"'{value}' is not a valid IRI: {e}") from None


def _term(value: str) -> ox.NamedNode | ox.Literal:
    return _iri(value) if re.match(r"^https?://\S+$", value) else ox.Literal(value)


def entities_named(store: ox.Store, value: str) -> list[ox.NamedNode]:
    """Entities whose IRI is ``value`` or whose label or alternative label is ``value``
    (any language tag), sorted."""
    value = value.strip()
    if re.match(r"^https?://\S+$", value):
        return [_iri(value)]
    # Exact literals first (index lookups); a label in another form (other language tag,
    # a typed literal) falls back to comparing strings, a scan of every label.
    # pyoxigraph writes the literals in N-Triples syntax, escaped: no injection.
    names = f"{ox.Literal(value, language='zh')} {ox.Literal(value)}"
    exact = f"""SELECT DISTINCT ?e WHERE {{
        VALUES ?name {{ {names} }}
        {{ ?e rdfs:label ?name }} UNION {{ ?e skos:altLabel ?name }} }}"""
    rows = store.query(exact, prefixes=PREFIXES)
    found = {row["e"] for row in rows}  # type: ignore[union-attr]
    if not found:
        scan = f"""SELECT DISTINCT ?e WHERE {{
            {{ ?e rdfs:label ?name }} UNION {{ ?e skos:altLabel ?name }}
            FILTER(STR(?name) = {ox.Literal(value)}) }}"""
        rows = store.query(scan, prefixes=PREFIXES)
        found = {row["e"] for row in rows}  # type: ignore[union-attr]
    return sorted((e for e in found if isinstance(e, ox.NamedNode)), key=lambda e: e.value)


#: The names :func:`entities_named` reads: an entity's labels and alternative labels.
NAMES_QUERY = (
    """SELECT ?e ?name WHERE { { ?e rdfs:label ?name } UNION { ?e skos:altLabel ?name } }"""
)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class NameIndex:
    """:func:`entities_named` answered from memory: every ``rdfs:label`` and
    ``skos:altLabel`` of a named node, read once (the explorer keeps one per store
    generation; the fallback scan of every label costs 200 ms a lookup on the bulk graph).
    The same answer as :func:`entities_named`, by construction: the names it matches
    exactly (``"v"@zh`` or ``"v"``) first, else any name whose string is ``v``."""

    def __init__(self, pairs: Iterable[tuple[object, object]]) -> None:
        """``pairs``: (entity, name) terms, as :data:`NAMES_QUERY` gives them."""
        self._exact: dict[str, set[str]] = {}
        self._other: dict[str, set[str]] = {}
        for entity, name in pairs:
            if not isinstance(entity, ox.NamedNode):
                continue
            if isinstance(name, ox.Literal):
                exact = name.language == "zh" or (
                    name.language is None and name.datatype.value == _XSD_STRING
                )
            elif isinstance(name, ox.NamedNode):  # STR() of an IRI is the IRI
                exact = False
            else:
                continue  # STR() of a blank node is an error: never equal
            (self._exact if exact else self._other).setdefault(name.value, set()).add(entity.value)

    @classmethod
    def read(cls, store: ox.Store) -> NameIndex:
        rows = store.query(NAMES_QUERY, prefixes=PREFIXES)
        return cls((row["e"], row["name"]) for row in rows)  # type: ignore[index,union-attr]

    def __call__(self, value: str) -> list[ox.NamedNode]:
        value = value.strip()
        if re.match(r"^https?://\S+$", value):
            return [_iri(value)]
        # As entities_named: the scan of every name runs only when no exact form matched.
        found = self._exact.get(value) or self._other.get(value, set())
        return [ox.NamedNode(iri) for iri in sorted(found)]


class Result:
    """A query result, still tied to its store: solutions, a boolean, or triples."""

    def __init__(self, raw: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> None:
        self.raw = raw

    @property
    def kind(self) -> str:
        if isinstance(self.raw, ox.QuerySolutions):
            return "select"
        if isinstance(self.raw, ox.QueryBoolean):
            return "ask"
        return "graph"

    def serialize(self, fmt: str = "table", *, max_rows: int | None = None) -> str:
        """The result as text: SELECT/ASK in ``table`` or the W3C ``csv``/``tsv``/``json``
        results formats; CONSTRUCT/DESCRIBE as Turtle (``table``), N-Triples (``csv``,
        ``tsv``) or JSON-LD (``json``). ``max_rows`` (``None`` or 0: all) caps the rows of
        the table format only."""
        if fmt not in FORMATS:
            raise QueryError(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")
        raw = self.raw
        if isinstance(raw, ox.QueryTriples):
            rdf = {"table": ox.RdfFormat.TURTLE, "json": ox.RdfFormat.JSON_LD}.get(
                fmt, ox.RdfFormat.N_TRIPLES
            )
            triples = sorted(raw, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
            prefixes = PREFIXES if rdf is ox.RdfFormat.TURTLE else None
            return _text(ox.serialize(triples, format=rdf, prefixes=prefixes))
        if fmt == "table":
            if isinstance(raw, ox.QueryBoolean):
                return "true\n" if bool(raw) else "false\n"
            return _table(raw, max_rows=max_rows)
        results_format = {
            "csv": ox.QueryResultsFormat.CSV,
            "tsv": ox.QueryResultsFormat.TSV,
            "json": ox.QueryResultsFormat.JSON,
        }[fmt]
        return _text(raw.serialize(format=results_format))

    def rows(self) -> list[dict[str, str]]:
        """SELECT solutions as dictionaries of plain values (IRIs and literal values)."""
        if not isinstance(self.raw, ox.QuerySolutions):
            raise QueryError("rows() needs a SELECT query")
        names = [v.value for v in self.raw.variables]
        return [
            {n: row[n].value for n in names if row[n] is not None}  # type: ignore[union-attr]
            for row in self.raw
        ]


def run_query(
    sparql: str,
    *,
    store: Path = DEFAULT_STORE,
    params: Mapping[str, str] | None = None,
    allow_remote: bool = False,
) -> Result:
    """Run the read-only query ``sparql`` against the store at ``store``.

    ``allow_remote`` lets ``SERVICE`` fetch from other servers (refused by default)."""
    sparql_guard.check(sparql, kind="query", allow_remote=allow_remote)
    if is_update(sparql):
        raise QueryError(
            "this is a SPARQL Update; queries only read (use pg.run_update() to change the store)"
        )
    db = open_store(store)
    text = bind_params(sparql, params or {}, store=db)
    try:
        return Result(db.query(text, prefixes=PREFIXES))
    except SyntaxError as e:
        raise QueryError(f"malformed query: {syntax_message(e.msg, text)}") from None
    except OSError as e:
        raise QueryError(f"query failed: {e}") from None


def release_frames(error: BaseException) -> None:
    """Clear the local variables of the frames ``error`` and the exceptions it came from
    went through, in the thread that raised it. pyoxigraph's query solutions may be dropped
    only by the thread that made them: an exception handed to another thread kept them in
    its traceback until the garbage collector freed them there, which pyo3 reports as an
    unraisable "unsendable" RuntimeError in whatever code runs then."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [error]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        traceback.clear_frames(e.__traceback__)  # (the frame running now is skipped)
        todo += [e.__cause__, e.__context__]


def execute(
    sparql: str,
    *,
    store: Path = DEFAULT_STORE,
    params: Mapping[str, str] | None = None,
    fmt: str = "table",
    max_rows: int | None = DEFAULT_MAX_ROWS,
    timeout: float | None = DEFAULT_TIMEOUT,
    allow_remote: bool = False,
) -> str:
    """Run a read-only query and serialize its result, giving up after ``timeout`` seconds
    (``None`` or 0: no limit) with :class:`QueryTimeout`.

    Oxigraph evaluates lazily, so the limit covers reading the solutions and writing them
    out, not only parsing. pyoxigraph cannot cancel a query and releases the GIL while it
    evaluates, so the work runs in a daemon thread that is abandoned when the time is up:
    the caller gets control back at once, and the thread ends with the process (the CLI
    exits right after the message)."""
    if timeout is not None and timeout < 0:
        raise QueryError(f"timeout={timeout}: must be 0 (no limit) or more seconds")
    # Refused here, in the caller's thread: a refusal is not a timeout.
    sparql_guard.check(sparql, kind="query", allow_remote=allow_remote)

    def answer() -> str:
        try:
            result = run_query(sparql, store=store, params=params, allow_remote=allow_remote)
            return result.serialize(fmt, max_rows=max_rows)
        except RuntimeError as e:  # RocksDB finds a damaged file while reading (lazily)
            raise damaged(store, e) from None

    if not timeout:
        return answer()
    outcome: list[str | BaseException] = []

    def work() -> None:
        try:
            outcome.append(answer())
        except BaseException as e:  # handed to the caller's thread, raised there
            release_frames(e)
            outcome.append(e)

    worker = threading.Thread(target=work, name="policygraph-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive() or not outcome:
        raise QueryTimeout(
            f"the query ran longer than {timeout:g} s and was stopped; "
            "narrow it (a params=, a LIMIT) or raise timeout= (0: no limit)"
        )
    done = outcome[0]
    if isinstance(done, BaseException):
        raise done
    return done


def run_update(sparql: str, *, store: Path = DEFAULT_STORE, allow_remote: bool = False) -> None:
    """Apply a SPARQL Update to the named graphs of the store (see
    :func:`policygraph.query.update.run_update`, which also says what changed). ``allow_remote``
    lets ``LOAD`` and ``SERVICE`` fetch from other servers (refused by default)."""
    from policygraph.query.update import run_update as update

    update(sparql, store=store, allow_remote=allow_remote)


def syntax_message(message: str, text: str) -> str:
    """The parser's message made readable; an undeclared prefix is named, which Oxigraph's
    own message ("expected one of Prefix not found, …") does not do."""
    if "Prefix not found" in message:
        unknown = undeclared_prefixes(text)
        if unknown:
            names = ", ".join(f"'{p}:'" for p in unknown)
            return (
                f"unknown prefix {names}; declare it (PREFIX {unknown[0]}: <…>) "
                f"or use one of: {', '.join(PREFIXES)}"
            )
    return one_line(message)


def undeclared_prefixes(text: str) -> list[str]:
    """Prefixes a query uses that it does not declare and policygraph does not predeclare.
    Strings, IRIs and comments are skipped so their colons do not count."""
    code = re.sub(
        r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"'
        r"|'(?:[^'\\\n]|\\.)*'|<[^<>\"{}|^`\\\s]*>|#[^\n]*",
        " ",
        text,
    )
    declared = set(re.findall(r"(?i)\bPREFIX\s+([\w\-.]*):", code))
    used = re.findall(r"(?<![\w\-.?$:])([A-Za-z][\w\-.]*|):[^\s]", code)
    return sorted({p for p in used if p not in declared and p not in PREFIXES})


def one_line(message: str, limit: int = 160) -> str:
    """The parser's message on one line, its long 'expected one of' lists cut short."""
    text = " ".join(message.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_update(text: str) -> bool:
    return _UPDATE.match(_strip_comments(text)) is not None


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8")


def _strip_comments(text: str) -> str:
    return re.sub(r"(?m)^\s*#.*$", "", text)


def short(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> str:
    """A term as a reader wants it in a table: prefixed IRIs, bare literal values."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return prefixed(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


#: Namespaces longest first, so ``year:2026`` wins over ``id:year/2026``.
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))
#: A local name a SPARQL prefixed name can carry as is (PN_LOCAL without escapes; a dot
#: is allowed inside, not at the end). Anything else is shown as a full ``<IRI>``.
_PN_LOCAL = re.compile(r"[\w\-:%]([\w\-:%.]*[\w\-:%])?|")


def prefixed(iri: str) -> str:
    """An IRI as a query accepts it back: ``year:2026``, ``person:习近平``, or ``<iri>``
    when no prefix fits or the local part would need escaping."""
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and _PN_LOCAL.fullmatch(local := iri[len(ns) :]):
            return f"{prefix}:{local}"
    return f"<{iri}>"


def _shown(term: ox.NamedNode | ox.Literal | ox.BlankNode | None, name: str, unit: object) -> str:
    """A cell of the table: a figure as written (:func:`policygraph.query.display.written`)."""
    if name in _FIGURES and isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC:
        return written(term.value, unit.value if isinstance(unit, ox.Literal) else None)
    return short(term)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    if _width(text) <= limit:
        return text
    out, w = [], 0
    for c in text:
        w += _width(c)
        if w > limit - 1:
            break
        out.append(c)
    return "".join(out) + "…"


# Columns of figures: the table shows them as people write them (1.39万亿斤, 5.5%), with the
# row's unit when it has one (the unit column is then folded in); other formats keep the
# exact decimal.
_FIGURES = frozenset({"value", "value_max", "target", "target_max", "outcome"})
_NUMERIC = frozenset(
    f"http://www.w3.org/2001/XMLSchema#{t}" for t in ("decimal", "integer", "double", "float")
)


def _table(raw: ox.QuerySolutions, *, max_rows: int | None) -> str:
    all_names = [v.value for v in raw.variables]
    figures = [n for n in all_names if n in _FIGURES]
    fold = bool(figures) and "unit" in all_names
    names = [n for n in all_names if not (fold and n == "unit")]
    rows: list[list[str]] = []
    more = 0
    for row in raw:
        # Rows past the limit are counted, not kept: memory stays bounded by max_rows.
        if max_rows and len(rows) >= max_rows:
            more += 1
            continue
        unit = row["unit"] if fold else None
        rows.append([_cell(_shown(row[n], n, unit)) for n in names])
    widths = [max([_width(n), *(_width(r[i]) for r in rows)]) for i, n in enumerate(names)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)
        ).rstrip()

    out = [line(names), line(["-" * w for w in widths]), *(line(r) for r in rows)]
    if more:
        tail = (
            f"(the first {len(rows)} of {len(rows) + more} rows; "
            "raise --max-rows (0: all) or use --format csv, tsv or json for all)"
        )
    else:
        tail = f"({len(rows)} row{'s' if len(rows) != 1 else ''})"
    return "\n".join([*out, tail]) + "\n"
