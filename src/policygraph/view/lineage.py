"""``policygraph view --lineage NAME``: a policy's legal basis, implementation, amendment and
repeal links, laid out by rank (laws above regulations above rules above other policies),
not by physics, so the chain of authority reads from top to bottom."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from policygraph.errors import InputError
from policygraph.extract.base import policy_key
from policygraph.namespaces import PREFIXES
from policygraph.query.sparql import entities_named

#: The links drawn, with the words on their edges.
LINKS = {
    "legalBasis": "依据",
    "implements": "贯彻",
    "amends": "修改",
    "repeals": "废止",
}
#: Rank of a text by the kind of title it has: 0 the Constitution and laws, 1 regulations,
#: 2 rules and measures, 3 other policies. A rank is a row of the drawing.
_RANKS = (
    (re.compile(r"宪法$|(?<![办方])法(?:（.*）)?$"), 0),
    (re.compile(r"条例$|决定$|条例（.*）$"), 1),
    (re.compile(r"(?:办法|规定|细则|规则|通则|规程)(?:（.*）)?$"), 2),
)
_ROW = 220.0
_COLUMN = 240.0


def rank(label: str) -> int:
    for pattern, level in _RANKS:
        if pattern.search(label):
            return level
    return 3


def lineage_network(store: ox.Store, name: str, depth: int = 2) -> tuple[nx.MultiDiGraph, str]:
    """The policies within ``depth`` lineage links of the one named ``name`` (a label, an
    alternative label, a prefixed name or an IRI), with the sentence of each link."""
    from policygraph.view.from_store import expand_name

    found = [e for e in entities_named(store, expand_name(name)) if _is_policy(store, e)]
    if not found:  # 水法 for 中华人民共和国水法: the same work key (extract/base.py)
        found = _policies_by_work(store, name)
    if not found:
        raise InputError(f"no policy named '{name}'; the saved query 'policies' lists them")
    if len(found) > 1:
        names = ", ".join(f"<{e.value}>" for e in found[:5])
        raise InputError(f"'{name}' names {len(found)} policies ({names}); give one IRI")
    centre = found[0].value
    seen = {centre}
    frontier = {centre}
    edges: dict[tuple[str, str, str], str] = {}
    for _ in range(depth):
        if not frontier:
            break
        values = " ".join(f"<{n}>" for n in sorted(frontier))
        links = " ".join(f"pgo:{p}" for p in LINKS)
        rows = store.query(
            f"""SELECT ?s ?p ?o ?sentence WHERE {{
                VALUES ?n {{ {values} }} VALUES ?p {{ {links} }}
                {{ ?n ?p ?o BIND(?n AS ?s) }} UNION {{ ?s ?p ?n BIND(?n AS ?o) }}
                OPTIONAL {{ ?m rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                               pgo:sentence ?sentence }}
            }}""",
            prefixes=PREFIXES,
        )
        nxt: set[str] = set()
        for row in rows:  # type: ignore[union-attr]
            s, p, o = row["s"].value, row["p"].value, row["o"].value  # type: ignore[index]
            sentence = row["sentence"].value if row["sentence"] is not None else ""  # type: ignore[index]
            key = (s, p.rsplit("#", 1)[-1], o)
            if key not in edges or (sentence and sentence < edges[key]) or not edges[key]:
                edges[key] = sentence
            for node in (s, o):
                if node not in seen:
                    seen.add(node)
                    nxt.add(node)
        frontier = nxt
    g: nx.MultiDiGraph = nx.MultiDiGraph()
    for node in sorted(seen):
        g.add_node(node, **_attributes(store, node))
    for (s, p, o), sentence in sorted(edges.items()):
        g.add_edge(s, o, key=f"pgo:{p}", predicate=f"pgo:{p}", label=LINKS[p], sources=[sentence])
    return g, centre


def positions(g: nx.MultiDiGraph, centre: str) -> dict[str, tuple[float, float]]:
    """One row per rank, nodes in a row ordered by distance from the centre then label, the
    row centred: the same graph always gives the same drawing."""
    distance = nx.single_source_shortest_path_length(g.to_undirected(as_view=True), centre)
    rows: dict[int, list[str]] = {}
    for node, data in g.nodes(data=True):
        rows.setdefault(int(data["rank"]), []).append(node)
    out: dict[str, tuple[float, float]] = {}
    for level, nodes in sorted(rows.items()):
        nodes.sort(key=lambda n: (distance.get(n, 99), str(g.nodes[n]["label"]), n))
        width = (len(nodes) - 1) * _COLUMN
        for k, node in enumerate(nodes):
            out[node] = (round(k * _COLUMN - width / 2, 1), level * _ROW)
    return out


def write_lineage(store: ox.Store, name: str, path: Path, *, depth: int = 2) -> Path:
    from policygraph.view.html import write_html

    g, centre = lineage_network(store, name, depth)
    label = str(g.nodes[centre]["label"])
    counts = {p: 0 for p in LINKS}
    for _, _, key in g.edges(keys=True):
        counts[key.removeprefix("pgo:")] += 1
    summary = "，".join(f"{LINKS[p]} {n}" for p, n in counts.items() if n)
    note = (
        f"{g.number_of_nodes()} 件法规政策在 {depth} 步之内（{summary or '无关联'}）；"
        "自上而下：法律、行政法规、规章、其他政策 · laws, regulations, rules, other policies, "
        "top to bottom"
    )
    return write_html(
        g,
        path,
        title=f"{label} · 沿革 lineage",
        note=note,
        focus=centre,
        positions=positions(g, centre),
    )


def _policies_by_work(store: ox.Store, name: str) -> list[ox.NamedNode]:
    """Policies whose label is the same work as ``name`` (a scan of the policies' labels)."""
    key = policy_key(name)
    rows = store.query(
        "SELECT DISTINCT ?p ?label WHERE { ?p a pgo:Policy ; rdfs:label ?label }",
        prefixes=PREFIXES,
    )
    found = {
        row["p"]  # type: ignore[index]
        for row in rows  # type: ignore[union-attr]
        if policy_key(row["label"].value) == key  # type: ignore[index]
    }
    return sorted((p for p in found if isinstance(p, ox.NamedNode)), key=lambda p: p.value)


def _is_policy(store: ox.Store, iri: ox.NamedNode) -> bool:
    return bool(store.query(f"ASK {{ <{iri.value}> a pgo:Policy }}", prefixes=PREFIXES))


def _attributes(store: ox.Store, node: str) -> dict[str, object]:
    row = next(
        iter(
            store.query(  # type: ignore[arg-type]
                f"""SELECT ?label ?from ?until WHERE {{
                    OPTIONAL {{ <{node}> rdfs:label ?label }}
                    OPTIONAL {{ <{node}> pgo:inForceFrom ?from }}
                    OPTIONAL {{ <{node}> pgo:inForceUntil ?until }}
                }} ORDER BY ?label LIMIT 1""",
                prefixes=PREFIXES,
            )
        )
    )
    label = row["label"].value if row["label"] is not None else node  # type: ignore[index]
    rows = []
    if row["from"] is not None:  # type: ignore[index]
        rows.append(f"施行 in force from {row['from'].value}")  # type: ignore[index]
    if row["until"] is not None:  # type: ignore[index]
        rows.append(f"失效 repealed from {row['until'].value}")  # type: ignore[index]
    return {
        "label": label,
        "cls": "Policy",
        "iri": node,
        "rank": rank(label),
        "sources": rows,
        "documents": [],
    }
