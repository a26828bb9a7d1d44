"""Folding for the corpus overview: targets and statistics drawn as counts on their owner.

A corpus has thousands of targets and statistics, each tied to one policy or document; drawn
as nodes they crowd out everything else. Folded, each owner says ``目标 12 · 统计 30`` and
carries its first :data:`MAX_FOLDED` items in the page, which a double-click lays out around
it. Years (a target's deadline, a statistic's reference year, a policy's issue year, a
document's date) feed the page's year-range filter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
import rdflib

from policygraph.namespaces import PGO
from policygraph.view.details import OWN_FACTS, Facts
from policygraph.view.network import as_number

#: The classes folded into the policy or document they belong to.
FOLDED = ("Target", "Statistic")
#: Short names used in labels and counts.
SHORT = {"Target": "目标", "Statistic": "统计", "Mention": "提及"}
#: At most this many folded items per owner are written into the page.
MAX_FOLDED = 50

_PREAMBLE = f"""
PREFIX pgo: <{PGO}>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

# A target or statistic with no policy belongs to the document it is read in.
_DOCUMENTS = (
    _PREAMBLE
    + """
SELECT DISTINCT ?e ?d WHERE { VALUES ?e { %s } ?e pgo:hasMention ?m . ?m pgo:inDocument ?d }
"""
)

_YEARS = (
    _PREAMBLE
    + """
SELECT ?e ?y WHERE {
  { VALUES ?p { pgo:deadline pgo:refYear pgo:issuedIn } ?e ?p ?y }
  UNION { ?e a pgo:Year ; pgo:year ?y }
  UNION { ?e a pgo:Document ; dcterms:date ?y }
}
"""
)

_MENTIONS = (
    _PREAMBLE
    + """
SELECT ?d (COUNT(?m) AS ?n) WHERE {
  VALUES ?d { %s }
  ?m pgo:inDocument ?d ; a pgo:Mention .
} GROUP BY ?d
"""
)

_YEAR = re.compile(r"(?:^|/)(\d{4})(?:$|-)")


def owners(
    store: ox.Store, entities: dict[str, str], edges: Iterable[tuple[str, str, str]]
) -> dict[str, str]:
    """Each folded entity → its owner: the policy that sets it, or else its document.

    Ties (a target set by two policies) go to the smallest IRI, so the page is stable."""
    set_by, has_target = str(PGO.setBy), str(PGO.hasTarget)
    folded = {e for e, cls in entities.items() if cls in FOLDED}
    candidates: dict[str, set[str]] = {}
    for s, p, o in edges:
        if p == set_by and s in folded and o not in folded:
            candidates.setdefault(s, set()).add(o)
        elif p == has_target and o in folded and s not in folded:
            candidates.setdefault(o, set()).add(s)
    documents: dict[str, set[str]] = {}
    # Only the entities no policy claims are looked up, a few hundred a query.
    homeless = sorted(folded - set(candidates))
    for start in range(0, len(homeless), 500):
        values = " ".join(f"<{iri}>" for iri in homeless[start : start + 500])
        for e, d in _select(store, _DOCUMENTS % values):
            if d in entities:
                documents.setdefault(e, set()).add(d)
    found = {e: min(c) for e, c in candidates.items()}
    found.update({e: min(d) for e, d in documents.items()})
    return dict(sorted(found.items()))


def years(store: ox.Store) -> dict[str, int]:
    """Entity IRI → the year it is about (the earliest, when several are stated)."""
    found: dict[str, int] = {}
    for e, y in _select(store, _YEARS):
        match = _YEAR.search(y)
        if match:
            year = int(match.group(1))
            found[e] = min(year, found.get(e, year))
    return found


def mention_counts(store: ox.Store, documents: Iterable[str]) -> dict[str, int]:
    """Document IRI → how many mentions were read in it, for ``documents`` (those drawn)."""
    iris = sorted(documents)
    found: dict[str, int] = {}
    for start in range(0, len(iris), 200):
        values = " ".join(f"<{iri}>" for iri in iris[start : start + 200])
        found.update((d, int(n)) for d, n in _select(store, _MENTIONS % values))
    return found


def folded_items(
    store: ox.Store,
    entities: dict[str, str],
    folded_by_owner: dict[str, list[str]],
    year_of: dict[str, int],
) -> dict[str, list[dict[str, object]]]:
    """Owner → its first :data:`MAX_FOLDED` folded items (by year, then IRI), for the page."""
    chosen = {
        owner: sorted(items, key=lambda e: (year_of.get(e, 9999), e))[:MAX_FOLDED]
        for owner, items in folded_by_owner.items()
    }
    iris = sorted({e for items in chosen.values() for e in items})
    own = Facts(store, OWN_FACTS, iris)
    result: dict[str, list[dict[str, object]]] = {}
    for owner, items in chosen.items():
        rows = []
        for iri in items:
            subject = rdflib.URIRef(iri)
            item: dict[str, object] = {
                "iri": iri,
                "label": own.label(subject),
                "cls": entities[iri],
            }
            for name in ("indicator", "comparator", "unit"):
                value = own.text(subject, PGO[name])
                if value is not None:
                    item[name] = value
            literals = [o for o in own.objects(subject, PGO.value) if isinstance(o, rdflib.Literal)]
            numbers = [n for n in map(as_number, literals) if n is not None]
            if numbers:
                item["value"] = min(numbers)
            if iri in year_of:
                item["year"] = year_of[iri]
            rows.append(item)
        result[owner] = rows
    return result


def counts_text(counts: dict[str, int], *, mentions: bool = True) -> str:
    """``目标 12 · 统计 30`` (classes in :data:`FOLDED` order, then mentions if asked)."""
    order = (*FOLDED, "Mention") if mentions else FOLDED
    return " · ".join(f"{SHORT[c]} {counts[c]:,}" for c in order if counts.get(c))


def _select(store: ox.Store, query: str) -> Iterator[tuple[str, ...]]:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    for row in result:
        yield tuple(row[n].value if row[n] is not None else "" for n in names)
