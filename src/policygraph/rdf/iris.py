"""Deterministic IRIs: the same input gives the same IRIs, whatever the file order.

Entity IRIs are readable (``…/id/org/国务院``): the key is kept where it is a letter or digit
in any script and percent-encoded elsewhere, so IRIs are valid in Turtle and SPARQL and two
keys never share an IRI.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from rdflib import URIRef

from policygraph.model import EntityRef
from policygraph.namespaces import ID

#: Path segment of each class under ``…/id/``.
SEGMENT: dict[str, str] = {
    "Document": "doc",
    "Article": "article",
    "Policy": "policy",
    "Industry": "industry",
    "Technology": "technology",
    "Target": "target",
    "Statistic": "statistic",
    "Indicator": "indicator",
    "Year": "year",
    "Organization": "org",
    "Person": "person",
    "Place": "place",
    "Event": "event",
    "Quote": "quote",
    "Mention": "mention",
}
_MAX_KEY = 80


def slug(key: str) -> str:
    """``key`` as one IRI path segment: letters and digits kept, the rest percent-encoded."""
    if len(key) > _MAX_KEY:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
        key = f"{key[:60]}~{digest}"
    out = []
    for ch in key:
        if ch.isalnum() or ch in "-_.~":
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
    return "".join(out) or "_"


@lru_cache(maxsize=1 << 14)  # a document names its entities again and again
def entity_iri(ref: EntityRef) -> URIRef:
    return ID[f"{SEGMENT[ref.cls]}/{slug(ref.key)}"]


def year_iri(year: int) -> URIRef:
    return ID[f"year/{year}"]


def document_iri(doc_id: str) -> URIRef:
    return ID[f"doc/{doc_id}"]


def graph_iri(doc_id: str) -> URIRef:
    return ID[f"graph/{doc_id}"]


def local_iri(cls: str, doc_id: str, *parts: object) -> URIRef:
    """IRI of something that exists only inside one document (mention, target, quote…):
    ``…/id/mention/<document>.<start>-<end>-<class>``. No second ``/``, so that Turtle can
    write it as a prefixed name (``mention:doc1.2-18-article``)."""
    return ID[f"{SEGMENT[cls]}/{doc_id}." + "-".join(str(p) for p in parts)]
