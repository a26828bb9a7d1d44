"""RDF terms written as N-Triples text, the form a document's chunk stores.

A document's graph is built straight as N-Triples terms (``<iri>``, ``"text"@zh``): making
rdflib term objects and encoding them again cost about a sixth of the graph step's CPU.
:func:`nt_term` writes any rdflib term the same way, for the few literals whose lexical form
rdflib normalises (dates, decimals) and for the store's other writers.
"""

from __future__ import annotations

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

_ECHAR = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def _escaped(text: str) -> str:
    if '"' in text or "\\" in text or "\n" in text or "\r" in text:
        return text.translate(_ECHAR)
    return text


def nt_iri(value: str) -> str:
    return f"<{value}>"


def nt_string(text: str) -> str:
    """A plain literal (``xsd:string``), as :func:`nt_term` writes ``Literal(text)``."""
    return f'"{_escaped(text)}"'


def nt_literal(text: str, language: str) -> str:
    """A language-tagged literal in N-Triples syntax, as :func:`nt_term` writes it."""
    return f'"{_escaped(text)}"@{language}'


def nt_integer(n: int) -> str:
    """``Literal(n, datatype=XSD.integer)`` as :func:`nt_term` writes it."""
    return f'"{n}"^^<{XSD_INTEGER}>'


def nt_term(term: Node) -> str:
    """An rdflib term in N-Triples/N-Quads syntax: the same term ``to_ox`` makes, as
    text that Oxigraph's Rust parser reads back (no Python term objects on the way)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = _escaped(str(term))
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype is not None:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    if isinstance(term, BNode):
        return f"_:{term}"
    raise TypeError(f"cannot store {term!r}")
