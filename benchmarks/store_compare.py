"""Compare the embedded RDF stores policygraph could use, on a synthetic policy graph.

Run by hand (not in CI)::

    python benchmarks/store_compare.py --triples 1000000 > results.json

The script generates a deterministic dataset (``random.Random(0)``) with the shape of what
``policygraph build`` stores: four small SKOS vocabulary graphs and one named graph of about
2000 quads per document, holding the document, its policies, targets, statistics, quotes,
articles and the entities they mention (Chinese ``rdfs:label``/``skos:altLabel``) with their
``pgo:Mention`` provenance nodes; entities and their facts recur across documents. It is
written once to an N-Quads file in a temporary folder.

Each engine then runs in its own Python subprocess, so that the peak resident set size
(``ru_maxrss``) is that engine's alone; memory figures are the growth over the child's
baseline after its imports. Per engine: the load time, the time to build the default graph
queries read, the peak RSS, the median time (``--runs`` runs after one warm-up) of every
saved query in ``src/policygraph/queries/`` executed and fully consumed with the prefixes
of :data:`policygraph.namespaces.PREFIXES`, and the time to write the merged triples (each
once) as N-Triples.

Engines: ``rdflib`` (``Dataset(default_union=True)`` in memory, pure-Python SPARQL; its
union of the named graphs is a set), ``oxigraph-memory`` (``pyoxigraph.Store()``),
``oxigraph-disk`` (``pyoxigraph.Store(path)``, RocksDB) and ``oxrdflib``
(``rdflib.Dataset(store="Oxigraph")`` on disk: rdflib's API, Oxigraph's storage and SPARQL;
skipped when the plugin is unavailable). With ``--graph merged`` (the default) Oxigraph
queries read the default graph filled by :func:`policygraph.store.oxigraph.
merge_into_default_graph`, as ``policygraph query`` does; with ``--graph union`` they read
``use_default_graph_as_union=True``, where pyoxigraph 0.5 returns a triple once per graph
holding it.

A query run is capped at ``--timeout`` seconds: an alarm in the child stops Python code, and
the parent kills a child stuck in native code (or above ``--max-rss-gb``), records the query
as "timeout" (or "memory cap") and starts a new child for the remaining queries.

The JSON report goes to stdout, a Markdown table to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from types import FrameType
from typing import IO, Any, Protocol

REPO = Path(__file__).resolve().parents[1]
QUERIES_DIR = REPO / "src" / "policygraph" / "queries"

ENGINES: dict[str, str] = {
    "rdflib": "rdflib Dataset (memory)",
    "oxigraph-memory": "pyoxigraph Store() (memory)",
    "oxigraph-disk": "pyoxigraph Store(path) (RocksDB)",
    "oxrdflib": "rdflib Dataset(store='Oxigraph') (disk)",
}
TRIPLES_PER_GRAPH = 2000

# -- synthetic data ---------------------------------------------------------------------------

ID = "https://w3id.org/policygraph/id/"
PGO = "https://w3id.org/policygraph/ontology#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
SKOS_ALT = "<http://www.w3.org/2004/02/skos/core#altLabel>"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"

SEGMENT = {
    "Organization": "org",
    "Person": "person",
    "Place": "place",
    "Policy": "policy",
    "Industry": "industry",
    "Technology": "technology",
    "Event": "event",
    "Year": "year",
}
COMPARATORS = {">": "超", ">=": "不少于", "=": "达", "~": "约", "<": "低于", "<=": "不超过"}
UNITS = ("%", "亿元", "万吨", "个", "万人", "吉瓦", "公里", "")
RULES = tuple(f"{k}.{n}" for k in ("org", "person", "place", "policy", "measure") for n in "ab")
COLUMNS = ("要闻", "评论", "理论", "经济", "地方")

Triple = tuple[str, str, str]


def pgo(name: str) -> str:
    return f"<{PGO}{name}>"


def dct(name: str) -> str:
    return f"<{DCT}{name}>"


def iri(path: str) -> str:
    return f"<{ID}{path}>"


def lit(text: str, *, lang: str | None = None, datatype: str | None = None) -> str:
    """An N-Quads literal."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if lang:
        return f'"{body}"@{lang}'
    if datatype:
        return f'"{body}"^^<{XSD}{datatype}>'
    return f'"{body}"'


def zh(text: str) -> str:
    return lit(text, lang="zh")


class Synthesizer:
    """Documents shaped like policygraph's named graphs, from one seeded generator."""

    def __init__(self, rng: random.Random, n_triples: int) -> None:
        self.rng = rng
        scale = max(1, n_triples // 1000)
        suffixes = {
            "Organization": ("部", "委员会", "局", "办公室", "集团", "研究院"),
            "Person": ("",),
            "Place": ("省", "市", "县", "区"),
            "Policy": ("规划", "意见", "方案", "条例", "通知"),
            "Industry": ("产业", "行业"),
            "Technology": ("技术",),
            "Event": ("会议", "论坛", "博览会"),
        }
        sizes = {
            "Organization": 40 + 2 * scale,
            "Person": 40 + 2 * scale,
            "Place": 40 + scale,
            "Policy": 20 + scale,
            "Industry": 60,
            "Technology": 60,
            "Event": 10 + scale // 2,
        }
        self.pools: dict[str, list[str]] = {}
        for cls, size in sizes.items():
            labels: dict[str, None] = {}
            while len(labels) < size:
                length = rng.randint(2, 3) if cls == "Person" else rng.randint(2, 6)
                labels[self.cjk(length) + rng.choice(suffixes[cls])] = None
            self.pools[cls] = list(labels)
        self.pools["Year"] = [str(y) for y in range(2000, 2036)]
        self.indicators = [self.cjk(self.rng.randint(3, 8)) for _ in range(300)]
        # Facts about an entity are the same in every document that states them, so the
        # graphs repeat each other (as in the real corpus) rather than contradict.
        self.affiliation = {person: self.pick("Organization") for person in self.pools["Person"]}
        self.policy_facts: dict[str, list[tuple[str, str, str]]] = {}
        for policy in self.pools["Policy"]:
            year = rng.randint(2010, 2025)
            facts = [
                ("issuedBy", "Organization", self.pick("Organization")),
                ("issuedIn", "Year", str(year)),
                ("periodStart", "Year", str(year + 1)),
                ("periodEnd", "Year", str(year + 5)),
                ("adoptedAt", "Event", self.pick("Event")),
            ]
            for _ in range(rng.randint(1, 2)):
                topic = rng.choice(("Industry", "Technology"))
                facts.append(("concerns", topic, self.pick(topic)))
            self.policy_facts[policy] = facts

    def cjk(self, n: int) -> str:
        return "".join(chr(self.rng.randint(0x4E00, 0x9FA5)) for _ in range(n))

    def pick(self, cls: str) -> str:
        """A label from the class's pool, the first ones much more often (Zipf-like)."""
        pool = self.pools[cls]
        return pool[int(len(pool) * self.rng.random() ** 3)]

    def document(self, index: int, budget: int) -> list[Triple]:
        return _Document(self, index).build(budget)


class _Document:
    def __init__(self, synth: Synthesizer, index: int) -> None:
        self.s = synth
        self.rng = synth.rng
        self.id = f"d{index:06d}"
        self.iri = iri(f"doc/{self.id}")
        self.kind = self.rng.choices(("policy", "news", "speech"), weights=(5, 3, 2))[0]
        self.title = self.s.cjk(self.rng.randint(6, 16)) + (
            self.rng.choice(("规划", "意见", "方案")) if self.kind == "policy" else ""
        )
        self.triples: dict[Triple, None] = {}
        self.cursor = 0
        self.articles = 0

    def add(self, s: str, p: str, o: str) -> None:
        self.triples[(s, p, o)] = None

    def build(self, budget: int) -> list[Triple]:
        self.header()
        actions: list[Callable[[], None]] = [
            self.entity_mention,
            self.target,
            self.statistic,
            self.quote,
            self.article,
            self.relation,
        ]
        weights = (70, 10, 6, 5 if self.kind == "speech" else 2, 5 if self.kind == "news" else 0, 5)
        while len(self.triples) < budget:
            self.rng.choices(actions, weights=weights)[0]()
        return list(self.triples)[:budget]

    # -- terms ------------------------------------------------------------------------

    def entity(self, cls: str, label: str) -> str:
        node = iri(f"{SEGMENT[cls]}/{label}")
        self.add(node, RDF_TYPE, pgo(cls))
        self.add(node, RDFS_LABEL, zh(f"{label}年" if cls == "Year" else label))
        if cls == "Year":
            self.add(node, pgo("year"), lit(label, datatype="gYear"))
        return node

    def policy(self) -> str:
        """The document itself when it is a policy, most of the time; else a known policy."""
        if self.kind == "policy" and self.rng.random() < 0.7:
            return self.iri
        return self.entity("Policy", self.s.pick("Policy"))

    def mention(
        self, owner: str, cls: str, surface: str, article: int | None, start: int | None = None
    ) -> None:
        if start is None:
            start = self.cursor + self.rng.randint(2, 120)
        end = start + len(surface)
        self.cursor = end
        node = iri(f"mention/{self.id}.{start}-{end}-{cls.lower()}")
        before, after = self.s.cjk(self.rng.randint(5, 30)), self.s.cjk(self.rng.randint(5, 30))
        self.add(owner, pgo("hasMention"), node)
        self.add(node, RDF_TYPE, pgo("Mention"))
        self.add(node, pgo("inDocument"), self.iri)
        self.add(node, pgo("start"), lit(str(start), datatype="integer"))
        self.add(node, pgo("end"), lit(str(end), datatype="integer"))
        self.add(node, pgo("surface"), lit(surface))
        self.add(node, pgo("sentence"), lit(f"{before}{surface}{after}。"))
        self.add(node, pgo("rule"), lit(self.rng.choice(RULES)))
        if article is not None:
            self.add(node, pgo("inArticle"), iri(f"article/{self.id}.{article}"))

    def current_article(self) -> int | None:
        return self.rng.randrange(self.articles) if self.articles else None

    # -- content ----------------------------------------------------------------------

    def header(self) -> None:
        node, rng = self.iri, self.rng
        self.add(node, RDF_TYPE, pgo("Document"))
        self.add(node, dct("title"), zh(self.title))
        self.add(node, RDFS_LABEL, zh(self.title))
        self.add(node, pgo("sourceFile"), lit(f"corpus/{self.id}.txt"))
        self.add(node, pgo("sha256"), lit(f"{rng.getrandbits(256):064x}"))
        self.add(node, pgo("kind"), lit(self.kind))
        year = rng.randint(2015, 2025)
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        self.add(node, dct("date"), lit(date, datatype="date"))
        if self.kind == "policy":
            self.add(node, RDF_TYPE, pgo("Policy"))
            issuer = self.entity("Organization", self.s.pick("Organization"))
            self.add(node, pgo("issuedBy"), issuer)
            self.add(node, pgo("issuedIn"), self.entity("Year", str(year)))
            if rng.random() < 0.5:
                self.add(node, pgo("periodStart"), self.entity("Year", str(year + 1)))
                self.add(node, pgo("periodEnd"), self.entity("Year", str(year + 5)))
            for _ in range(rng.randint(1, 3)):
                topic = rng.choice(("Industry", "Technology"))
                self.add(node, pgo("concerns"), self.entity(topic, self.s.pick(topic)))

    def entity_mention(self) -> None:
        cls = self.rng.choices(
            ("Organization", "Person", "Place", "Policy", "Industry", "Technology", "Event"),
            weights=(30, 20, 20, 10, 8, 7, 5),
        )[0]
        label = self.s.pick(cls)
        node = self.entity(cls, label)
        surface = label
        if self.rng.random() < 0.2 and len(label) > 2:
            surface = label[:-1]
            self.add(node, SKOS_ALT, zh(surface))
        self.mention(node, cls, surface, self.current_article())
        self.add(self.iri, pgo("mentions"), node)

    def measure(self, kind: str) -> str:
        rng = self.rng
        indicator = rng.choice(self.s.indicators)
        comparator = rng.choice(list(COMPARATORS))
        value = str(rng.randint(1, 9999)) if rng.random() < 0.6 else f"{rng.uniform(0, 100):.1f}"
        unit = rng.choice(UNITS)
        year = rng.randint(2020, 2035)
        surface = f"{indicator}{COMPARATORS[comparator]}{value}{unit}"
        start = self.cursor + rng.randint(2, 120)
        node = iri(f"{kind.lower()}/{self.id}.{start}-{start + len(surface)}")
        self.add(node, RDF_TYPE, pgo(kind))
        label = f"{indicator} {COMPARATORS[comparator]}{value}{unit}（{year}年）"
        self.add(node, RDFS_LABEL, zh(label))
        self.add(node, pgo("indicator"), lit(indicator))
        self.add(node, pgo("comparator"), lit(comparator))
        self.add(node, pgo("value"), lit(value, datatype="decimal"))
        self.add(node, pgo("valueText"), lit(value))
        if unit:
            self.add(node, pgo("unit"), lit(unit))
        year_node = self.entity("Year", str(year))
        self.add(node, pgo("deadline" if kind == "Target" else "refYear"), year_node)
        article = self.current_article()
        if article is not None:
            self.add(node, pgo("inArticle"), iri(f"article/{self.id}.{article}"))
        self.mention(node, kind, surface, article, start)
        return node

    def target(self) -> None:
        node = self.measure("Target")
        policy = self.policy()
        self.add(node, pgo("setBy"), policy)
        self.add(policy, pgo("hasTarget"), node)
        for _ in range(self.rng.randint(0, 2)):
            topic = self.rng.choice(("Industry", "Technology"))
            self.add(node, pgo("concerns"), self.entity(topic, self.s.pick(topic)))

    def statistic(self) -> None:
        self.measure("Statistic")

    def quote(self) -> None:
        rng = self.rng
        text = self.s.cjk(rng.randint(20, 120))
        start = self.cursor + rng.randint(2, 120)
        node = iri(f"quote/{self.id}.{start}-{start + len(text)}")
        self.add(node, RDF_TYPE, pgo("Quote"))
        self.add(node, RDFS_LABEL, zh(text[:24] + "…"))
        self.add(node, pgo("text"), lit(text))
        article = self.current_article()
        self.mention(node, "Quote", text, article, start)
        self.add(node, pgo("speaker"), self.entity("Person", self.s.pick("Person")))
        if rng.random() < 0.5:
            self.add(node, pgo("quotes"), self.policy())
        if rng.random() < 0.4:
            self.add(node, pgo("atEvent"), self.entity("Event", self.s.pick("Event")))
        if rng.random() < 0.4:
            self.add(node, pgo("atPlace"), self.entity("Place", self.s.pick("Place")))
        if rng.random() < 0.6:
            date = f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            self.add(node, pgo("date"), lit(date, datatype="date"))
        if article is not None:
            self.add(node, pgo("inArticle"), iri(f"article/{self.id}.{article}"))

    def article(self) -> None:
        index, rng = self.articles, self.rng
        self.articles += 1
        node = iri(f"article/{self.id}.{index}")
        title = self.s.cjk(rng.randint(6, 20))
        self.add(node, RDF_TYPE, pgo("Article"))
        self.add(node, pgo("inDocument"), self.iri)
        self.add(node, RDFS_LABEL, zh(title))
        self.add(node, dct("title"), zh(title))
        self.add(node, pgo("column"), lit(rng.choice(COLUMNS)))
        self.mention(node, "Article", title, index)
        for _ in range(rng.randint(1, 2)):
            person = self.s.pick("Person")
            author = self.entity("Person", person)
            self.add(node, dct("creator"), author)
            if rng.random() < 0.7:
                org = self.entity("Organization", self.s.affiliation[person])
                self.add(author, pgo("affiliation"), org)

    def relation(self) -> None:
        """One of the fixed facts about a person or a policy of the pools."""
        if self.rng.random() < 0.25:
            person = self.s.pick("Person")
            org = self.entity("Organization", self.s.affiliation[person])
            self.add(self.entity("Person", person), pgo("affiliation"), org)
            return
        policy = self.s.pick("Policy")
        predicate, cls, label = self.rng.choice(self.s.policy_facts[policy])
        self.add(self.entity("Policy", policy), pgo(predicate), self.entity(cls, label))


def vocabulary_graphs(synth: Synthesizer) -> dict[str, list[Triple]]:
    """SKOS concept schemes like ``ontology/vocab/*.ttl``, one graph each."""
    skos = "http://www.w3.org/2004/02/skos/core#"
    vocab = "https://w3id.org/policygraph/vocab/"
    graphs: dict[str, list[Triple]] = {}
    for cls, name in (("Organization", "organizations"), ("Place", "places"),
                      ("Industry", "industries"), ("Technology", "technologies")):  # fmt: skip
        scheme = f"<{vocab}{SEGMENT[cls]}>"
        triples: list[Triple] = []
        for n, label in enumerate(synth.pools[cls][:100]):
            concept = f"<{vocab}{SEGMENT[cls]}/c{n}>"
            triples += [
                (concept, RDF_TYPE, f"<{skos}Concept>"),
                (concept, f"<{skos}prefLabel>", zh(label)),
                (concept, f"<{skos}prefLabel>", lit(f"concept {n}", lang="en")),
                (concept, f"<{skos}altLabel>", zh(label[:-1] or label)),
                (concept, f"<{skos}inScheme>", scheme),
            ]
            if n >= 10:
                triples.append((concept, f"<{skos}broader>", f"<{vocab}{SEGMENT[cls]}/c{n % 10}>"))
        graphs[f"<https://w3id.org/policygraph/graph/vocab/{name}>"] = triples
    return graphs


def write_dataset(path: Path, n_triples: int) -> dict[str, Any]:
    """Write ``n_triples`` quads to ``path``: four small vocabulary graphs, and document
    graphs of about 2000 quads each for the rest."""
    started = time.perf_counter()
    synth = Synthesizer(random.Random(0), n_triples)
    vocabularies = vocabulary_graphs(synth)
    n_vocab = sum(len(t) for t in vocabularies.values())
    n_docs = max(1, round((n_triples - n_vocab) / TRIPLES_PER_GRAPH))
    base, extra = divmod(max(n_triples - n_vocab, n_docs), n_docs)
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for graph, triples in vocabularies.items():
            out.writelines(f"{s} {p} {o} {graph} .\n" for s, p, o in triples)
            written += len(triples)
        for index in range(n_docs):
            triples = synth.document(index, base + (1 if index < extra else 0))
            graph = iri(f"graph/d{index:06d}")
            out.writelines(f"{s} {p} {o} {graph} .\n" for s, p, o in triples)
            written += len(triples)
    return {
        "quads": written,
        "document_graphs": n_docs,
        "vocabulary_graphs": len(vocabularies),
        "nquads_mb": round(path.stat().st_size / 2**20, 1),
        "generate_s": round(time.perf_counter() - started, 2),
        "seed": 0,
    }


# -- engines (run in the child process) -------------------------------------------------------


class Engine(Protocol):
    dump_method: str

    def load(self, data: Path) -> None: ...

    def merge(self) -> bool:
        """Build the default graph queries read; False when there is none to build."""
        ...

    def query(self, sparql: str) -> int: ...

    def dump(self, out: Path) -> None: ...


class RdflibEngine:
    """rdflib's in-memory Dataset; its union default graph is a set, so nothing to merge."""

    dump_method = "Dataset.triples() over the union (each triple once) as N-Triples rows"

    def __init__(self, prefixes: dict[str, str]) -> None:
        from rdflib import Dataset, Namespace

        self.dataset = Dataset(default_union=True)
        self.ns = {prefix: Namespace(ns) for prefix, ns in prefixes.items()}

    def load(self, data: Path) -> None:
        self.dataset.parse(str(data), format="nquads")

    def merge(self) -> bool:
        return False

    def query(self, sparql: str) -> int:
        return sum(1 for _ in self.dataset.query(sparql, initNs=self.ns))

    def dump(self, out: Path) -> None:
        # Dataset.serialize(format="nt") writes one row per quad (duplicates across graphs);
        # the union's triples() gives each triple once, as the other engines write them.
        from rdflib.plugins.serializers.nt import _nt_row

        with out.open("w", encoding="utf-8") as f:
            f.writelines(_nt_row(t) for t in self.dataset.triples((None, None, None)))


class OxigraphEngine:
    """pyoxigraph, queried as ``policygraph query`` does (``--graph merged``: the default
    graph holds the merge of the document graphs) or over the union of all graphs."""

    def __init__(self, prefixes: dict[str, str], path: Path | None, graph: str) -> None:
        import pyoxigraph as ox

        self.ox = ox
        self.store = ox.Store(str(path)) if path is not None else ox.Store()
        self.prefixes = prefixes
        self.union = graph == "union"
        self.dump_method = (
            "CONSTRUCT { ?s ?p ?o } over the union, QueryTriples.serialize(N_TRIPLES)"
            if self.union
            else "Store.dump(N_TRIPLES, from_graph=DefaultGraph())"
        )

    def load(self, data: Path) -> None:
        self.store.bulk_load(path=str(data), format=self.ox.RdfFormat.N_QUADS)

    def merge(self) -> bool:
        if self.union:
            return False
        from policygraph.store.oxigraph import merge_into_default_graph

        merge_into_default_graph(self.store)
        return True

    def query(self, sparql: str) -> int:
        solutions = self.store.query(
            sparql, prefixes=self.prefixes, use_default_graph_as_union=self.union
        )
        assert isinstance(solutions, self.ox.QuerySolutions)  # the saved queries are SELECTs
        rows = 0
        for solution in solutions:
            tuple(solution)  # materialize every term, as rdflib does
            rows += 1
        return rows

    def dump(self, out: Path) -> None:
        if self.union:
            triples = self.store.query(
                "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True
            )
            assert isinstance(triples, self.ox.QueryTriples)
            triples.serialize(str(out), format=self.ox.RdfFormat.N_TRIPLES)
        else:
            self.store.dump(
                str(out), format=self.ox.RdfFormat.N_TRIPLES, from_graph=self.ox.DefaultGraph()
            )


class OxrdflibEngine(RdflibEngine):
    """rdflib's API over an on-disk Oxigraph store, as :func:`policygraph.store.oxigraph.
    rdflib_dataset` gives it to rdflib users; SPARQL is answered by Oxigraph."""

    def __init__(self, prefixes: dict[str, str], path: Path, graph: str) -> None:
        from rdflib import Dataset, Namespace
        from rdflib.parser import Parser
        from rdflib.plugin import get

        get("ox-nquads", Parser)  # PluginException when oxrdflib is not installed
        self.union = graph == "union"
        self.dataset = Dataset(store="Oxigraph", default_union=self.union)
        self.dataset.open(str(path), create=True)
        self.ns = {prefix: Namespace(ns) for prefix, ns in prefixes.items()}
        # oxrdflib's "ox-ntriples" refuses a whole Dataset (it wants a quad format) and the
        # store's triples() yields one triple per quad, so the union goes through a CONSTRUCT.
        self.dump_method = (
            'Dataset.query("CONSTRUCT …").serialize(format="nt")'
            if self.union
            else 'Dataset.default_context.serialize(format="ox-ntriples")'
        )

    def load(self, data: Path) -> None:
        # transactional=False makes oxrdflib use Store.bulk_load, like the other Oxigraph runs.
        self.dataset.parse(str(data), format="ox-nquads", transactional=False)

    def merge(self) -> bool:
        if self.union:
            return False
        from policygraph.store.oxigraph import merge_into_default_graph

        store: Any = self.dataset.store  # oxrdflib's OxigraphStore
        merge_into_default_graph(store._inner)  # its pyoxigraph Store
        return True

    def dump(self, out: Path) -> None:
        if self.union:
            result = self.dataset.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
            result.serialize(destination=str(out), format="nt", encoding="utf-8")
        else:
            self.dataset.default_context.serialize(destination=str(out), format="ox-ntriples")


class QueryTimeoutError(Exception):
    pass


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise QueryTimeoutError


def timed(fn: Callable[[], object], limit: float | None = None) -> float:
    """Seconds ``fn`` took; :class:`QueryTimeoutError` past ``limit`` seconds.

    The alarm interrupts Python code (rdflib) on time; native code (pyoxigraph) only sees it
    when it returns, so the parent process also enforces the limit by killing the child."""
    if limit:
        signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        started = time.perf_counter()
        fn()
        return time.perf_counter() - started
    finally:
        if limit:
            signal.setitimer(signal.ITIMER_REAL, 0)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def saved_queries() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(QUERIES_DIR.glob("*.rq"))}


def emit(event: str, **fields: object) -> None:
    """One progress event, a JSON line on stdout, for the parent."""
    print(json.dumps({"event": event, **fields}), flush=True)


def run_child(
    name: str,
    data: Path,
    workdir: Path,
    runs: int,
    limit: float,
    queries: list[str],
    graph: str,
) -> None:
    """Load, query and dump with one engine, reporting each step with :func:`emit`."""
    warnings.simplefilter("ignore", DeprecationWarning)  # rdflib 7.6's own Dataset API
    sys.path.insert(0, str(REPO / "src"))
    import oxrdflib  # noqa: F401  (every child imports all three, so baselines compare)
    import pyoxigraph  # noqa: F401
    import rdflib  # noqa: F401

    from policygraph.namespaces import PREFIXES

    signal.signal(signal.SIGALRM, _on_alarm)
    baseline = peak_rss_mb()
    store_dir = workdir / f"store-{name}"
    engine: Engine
    try:
        if name == "rdflib":
            engine = RdflibEngine(PREFIXES)
        elif name == "oxigraph-memory":
            engine = OxigraphEngine(PREFIXES, None, graph)
        elif name == "oxigraph-disk":
            engine = OxigraphEngine(PREFIXES, store_dir, graph)
        else:
            engine = OxrdflibEngine(PREFIXES, store_dir, graph)
    except Exception as e:  # an optional engine that cannot run here
        emit("skipped", reason=f"{type(e).__name__}: {e}")
        return

    load_s = timed(lambda: engine.load(data))
    merged: list[bool] = []
    merge_s = round(timed(lambda: merged.append(engine.merge())), 3)
    disk = round(dir_mb(store_dir), 1) if store_dir.exists() else None
    rss = round(peak_rss_mb() - baseline, 1)
    merge = merge_s if merged[0] else None
    emit("loaded", load_s=round(load_s, 3), merge_s=merge, rss_mb=rss, disk_mb=disk)

    texts = saved_queries()
    for qname in queries:
        rows: list[int] = []

        def once(sparql: str = texts[qname], rows: list[int] = rows) -> None:
            rows.append(engine.query(sparql))

        times: list[float] = []
        try:
            for run in range(runs + 1):  # run 0 is the warm-up
                emit("run", query=qname, run=run)
                elapsed = timed(once, limit)
                if run:
                    times.append(elapsed)
        except QueryTimeoutError:
            emit("query", query=qname, median_ms=None, outcome="timeout", rows=None)
            continue
        median_ms = round(statistics.median(times) * 1000, 2)
        emit("query", query=qname, median_ms=median_ms, outcome="ok", rows=rows[0])

    out = workdir / f"dump-{name}.nt"
    dump_s = timed(lambda: engine.dump(out))
    with out.open("rb") as f:
        lines = sum(1 for _ in f)
    out.unlink()
    emit("dumped", dump_s=round(dump_s, 3), lines=lines, method=engine.dump_method)
    emit("done", peak_rss_mb=round(peak_rss_mb() - baseline, 1), baseline_mb=round(baseline, 1))


# -- parent -----------------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    versions: dict[str, str | None] = {}
    for package in ("rdflib", "pyoxigraph", "oxrdflib"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "mem_total_gb": round(meminfo_kb("MemTotal") / 2**20, 1),
        "python": platform.python_version(),
        "versions": versions,
    }


def meminfo_kb(field: str, path: str = "/proc/meminfo") -> int:
    """A ``kB`` field of ``/proc/meminfo`` (or of ``/proc/PID/status``); 0 when absent."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Watchdog:
    """Runs one engine's child processes and enforces the per-run time and memory caps.

    When a query overruns (``limit`` + ``GRACE`` seconds without news, or the child's RSS
    above ``max_rss_mb``) the child is killed, the query recorded as such, and a new child
    loads the data again to go on with the remaining queries."""

    GRACE = 15.0

    def __init__(self, name: str, data: Path, workdir: Path, args: argparse.Namespace) -> None:
        self.name, self.data, self.workdir, self.args = name, data, workdir, args
        self.max_rss_mb = args.max_rss_gb * 1024

    def command(self, queries: list[str]) -> list[str]:
        return [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child", self.name,
            "--data", str(self.data),
            "--workdir", str(self.workdir),
            "--runs", str(self.args.runs),
            "--timeout", str(self.args.timeout),
            "--queries", ",".join(queries),
            "--graph", self.args.graph,
        ]  # fmt: skip

    def run(self) -> dict[str, Any]:
        started = time.perf_counter()
        result: dict[str, Any] = {"engine": self.name, "label": ENGINES[self.name], "restarts": 0}
        queries: dict[str, dict[str, Any]] = {}
        pending = list(saved_queries())
        peaks: list[float] = []
        while True:
            shutil.rmtree(self.workdir / f"store-{self.name}", ignore_errors=True)
            proc = subprocess.Popen(self.command(pending), stdout=subprocess.PIPE, text=True)
            assert proc.stdout is not None
            lines: queue.Queue[str | None] = queue.Queue()
            threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True).start()
            deadline: float | None = None
            current: str | None = None
            killed: dict[str, Any] | None = None
            while True:
                try:
                    line = lines.get(timeout=0.5)
                except queue.Empty:
                    rss = meminfo_kb("VmRSS", f"/proc/{proc.pid}/status") / 1024
                    if deadline is not None and time.monotonic() > deadline:
                        killed = {"outcome": "timeout", "rss_at_kill_mb": round(rss)}
                    elif rss > self.max_rss_mb:
                        killed = {"outcome": "memory cap", "rss_at_kill_mb": round(rss)}
                    if killed:
                        proc.kill()
                        break
                    continue
                if line is None:
                    break
                event = json.loads(line)
                kind = event.pop("event")
                if kind == "skipped":
                    log(f"[{self.name}] skipped: {event['reason']}")
                    proc.wait()
                    return {"engine": self.name, "label": ENGINES[self.name], **event}
                if kind == "loaded":
                    log(f"[{self.name}] loaded in {event['load_s']} s")
                    if "load_s" not in result:
                        result["load_s"] = event["load_s"]
                        result["merge_s"] = event["merge_s"]
                        result["rss_after_load_mb"] = event["rss_mb"]
                        result["disk_mb"] = event["disk_mb"]
                elif kind == "run":
                    current = event["query"]
                    deadline = time.monotonic() + self.args.timeout + self.GRACE
                elif kind == "query":
                    deadline = current = None
                    qname = event.pop("query")
                    queries[qname] = event
                    pending.remove(qname)
                    log(f"[{self.name}] {qname}: {_outcome(event)}")
                elif kind == "dumped":
                    result["dump_s"] = event["dump_s"]
                    result["dump_lines"] = event["lines"]
                    result["dump_method"] = event["method"]
                elif kind == "done":
                    peaks.append(event["peak_rss_mb"])
                    result["baseline_rss_mb"] = event["baseline_mb"]
            proc.wait()
            if killed and current is not None:
                queries[current] = {"median_ms": None, "rows": None, **killed}
                pending.remove(current)
                result["restarts"] += 1
                log(f"[{self.name}] {current}: {_outcome(queries[current])}, restarting")
                continue
            if proc.returncode != 0:
                result["error"] = f"child exited with {proc.returncode}"
            break
        result["peak_rss_mb"] = max(peaks, default=None)
        result["queries"] = {q: queries[q] for q in saved_queries() if q in queries}
        result["wall_s"] = round(time.perf_counter() - started, 1)
        return result


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def _outcome(q: dict[str, Any]) -> str:
    if q["outcome"] == "ok":
        return f"{q['median_ms']} ms, {q['rows']} rows"
    return str(q["outcome"])


def _cell(value: object) -> str:
    return "—" if value is None else str(value)


def markdown(report: dict[str, Any]) -> str:
    """The report as a Markdown table: one column per engine."""
    engines = [e for e in report["engines"] if "queries" in e]
    lines = [
        "| | " + " | ".join(e["label"] for e in engines) + " |",
        "|---" + "|---:" * len(engines) + "|",
    ]

    def row(title: str, cells: list[str]) -> None:
        lines.append(f"| {title} | " + " | ".join(cells) + " |")

    row("load (s)", [_cell(e.get("load_s")) for e in engines])
    row("merge into default graph (s)", [_cell(e.get("merge_s")) for e in engines])
    row("peak RSS after load + merge (MB)", [_cell(e.get("rss_after_load_mb")) for e in engines])
    row("peak RSS, whole run (MB)", [_cell(e.get("peak_rss_mb")) for e in engines])
    row("store on disk (MB)", [_cell(e.get("disk_mb")) for e in engines])
    for qname in report["queries"]:
        found = {e["queries"].get(qname, {}).get("rows") for e in engines} - {None}
        counts = "/".join(str(c) for c in sorted(found)) or "?"
        cells = []
        for e in engines:
            q = e["queries"].get(qname)
            if q is None:
                cells.append("—")
            else:
                cells.append(str(q["outcome"] if q["median_ms"] is None else q["median_ms"]))
        row(f"`{qname}.rq` (ms; {counts} rows)", cells)
    row("write N-Triples (s)", [_cell(e.get("dump_s")) for e in engines])
    notes = [
        f"Not run: {e['engine']}: {e.get('skipped') or e.get('reason') or e.get('error')}"
        for e in report["engines"]
        if "queries" not in e
    ]
    return "\n".join(lines + ([""] if notes else []) + notes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--triples", type=int, default=300_000, help="dataset size (quads)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query")
    parser.add_argument("--timeout", type=float, default=60.0, help="cap per query run (s)")
    default_cap = round(0.6 * meminfo_kb("MemTotal") / 2**20, 1) or 8.0
    parser.add_argument(
        "--max-rss-gb",
        type=float,
        default=default_cap,
        help=f"kill a child above this RSS (default 60%% of RAM: {default_cap})",
    )
    parser.add_argument(
        "--graph",
        choices=("merged", "union"),
        default="merged",
        help="what Oxigraph queries read: the default graph holding the merge of the "
        "named graphs, as policygraph builds it (default), or the union of all graphs "
        "(use_default_graph_as_union=True); rdflib always reads its union, a set",
    )
    parser.add_argument(
        "--engines", default=",".join(ENGINES), help=f"comma-separated: {', '.join(ENGINES)}"
    )
    parser.add_argument("--child", choices=list(ENGINES), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--queries", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        queries = [q for q in (args.queries or "").split(",") if q]
        run_child(args.child, args.data, args.workdir, args.runs, args.timeout, queries, args.graph)
        return 0

    names = [n.strip() for n in args.engines.split(",") if n.strip()]
    unknown = [n for n in names if n not in ENGINES]
    if unknown:
        parser.error(f"unknown engine(s): {', '.join(unknown)}")
    workdir = Path(tempfile.mkdtemp(prefix="policygraph-bench-"))
    try:
        data = workdir / "data.nq"
        log(f"generating {args.triples} quads into {data}")
        dataset = write_dataset(data, args.triples)
        log(f"  {dataset}")
        report: dict[str, Any] = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": " ".join(["python", "benchmarks/store_compare.py", *sys.argv[1:]]),
            "machine": machine(),
            "dataset": dataset,
            "settings": {
                "runs": args.runs,
                "warmup": 1,
                "timeout_s": args.timeout,
                "max_rss_gb": args.max_rss_gb,
                "oxigraph_graph": args.graph,
            },
            "queries": list(saved_queries()),
            "engines": [Watchdog(n, data, workdir, args).run() for n in names],
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    log("")
    log(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
