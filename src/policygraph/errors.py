"""Every error policygraph raises on purpose, in one place, with messages a user can act on.

The CLI maps :class:`InputError` to exit status 2 and anything else to 1.
"""

from __future__ import annotations


class PolicyGraphError(Exception):
    """Base class of the tool's own errors."""


class InputError(PolicyGraphError):
    """Bad input or usage: a file that cannot be read, a malformed manifest or query."""


class DecodeError(InputError):
    """A file that is not text in an encoding we can decode correctly."""


class EmptyDocument(InputError):
    """A file that decodes to nothing but white space: nothing to extract."""


class DocumentTooLarge(InputError):
    """A file larger than one document may be (see ``loader.MAX_DOCUMENT_BYTES``)."""


class ManifestError(InputError):
    """A ``manifest.yaml`` that is malformed or names files that do not exist."""


class QueryError(InputError):
    """A SPARQL query that does not parse or cannot run."""


class StoreError(PolicyGraphError):
    """The persistent store is unusable."""


class StoreMissing(InputError):
    """No store where the user pointed (a wrong ``--store``, or no build yet)."""


class LookupFailed(InputError):
    """An entity asked for by label or IRI is not in the graph, or is ambiguous."""


class WordListError(PolicyGraphError, ValueError):
    """A malformed line in one of the rule word files under ``policygraph/data/``."""


class UnknownRule(PolicyGraphError, LookupError):
    """A rule id that is not registered in ``rules/data/rules.txt``."""


class QueryRefused(QueryError):
    """A query refused before it runs: over a size, nesting or operator limit (which would
    crash Oxigraph's parser) or asking for a remote request (``SERVICE``, ``LOAD``)."""


def printable(text: object) -> str:
    """``text`` with the bytes of a path that is not valid UTF-8 (kept by Python as lone
    surrogates) written as ``\\xff``: printing or logging it as is fails in any UTF-8 stream
    (a log file, a terminal, pytest-xdist's channel)."""
    return str(text).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
