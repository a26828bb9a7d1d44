r"""A lexical check of untrusted SPARQL before Oxigraph parses it.

Oxigraph's parser and optimizer recurse once per nesting level and per chained operator or
pattern, on the stack of whatever thread runs them: a 10 kB query whose FILTER nests 5,000
parentheses deep, or 20,000 ``+``, ``UNION`` or triple patterns in a row, overflows it and
kills the process (a segfault of ``policygraph query``, the end of ``policygraph serve``'s
server). A crash cannot be caught, so :func:`check` refuses such queries first, with one
linear scan that knows where strings, IRIs and comments begin and end (brackets and
keywords inside them do not count):

* the size (``MAX_BYTES``, 1 MB of UTF-8);
* how deep ``(``, ``[``, ``{`` and ``<<`` nest (``MAX_DEPTH``; the parser survives 2,000);
* how many operators and pattern joins it chains (``MAX_OPERATORS``: symbolic operators,
  path operators, ``UNION``, ``OPTIONAL``, ``MINUS``, ``FILTER`` and the ``.``, ``;``, ``,``
  between triple patterns; Oxigraph survives 2,000 of each, and ``INSERT DATA`` /
  ``DELETE DATA`` blocks are not counted: their triples are a flat list and hold no
  expressions);
* ``SERVICE`` and ``LOAD``, which make the process fetch URLs (SSRF on a server), unless
  ``allow_remote``.

Where the grammar, not the characters, decides what a token is, the scan takes the reading
that counts more, so that no text hides from it what Oxigraph will parse:

* ``<…>`` is an IRI in a triple but the operator ``<`` in an expression (``?o<((…))&&1>0``
  parses 5,000 parentheses). The scan keeps it one token (a ``#`` or quote in it starts
  nothing), yet counts the brackets and operator signs inside it as if they were code: a
  real IRI holds a few at most. Only in a ``VALUES`` block, where ``<`` is always an IRI,
  are they left out.
* ``\#`` in a prefixed name (``ex:a\#``) is an escaped character of the name, not a comment.
* The items of an RDF collection (``( 1 2 3 … )``, one recursion each) count as operators:
  any term that follows another term inside parentheses.

The limits are far above any query a person writes (the saved queries use under a tenth of
each) and far below where Oxigraph falls over.
"""

from __future__ import annotations

import re

from policygraph.errors import QueryRefused

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 100
MAX_OPERATORS = 500
#: Keywords that make Oxigraph open a connection to a URL the query names.
REMOTE = frozenset({"SERVICE", "LOAD"})
#: What counts as an operator inside an IRI token, in case Oxigraph reads its ``<`` as "less
#: than": the signs it chains expressions with (``&&`` as one).
_INNER_OPERATORS = re.compile(r"&&|[+\-*/!=]")
_INNER_BRACKETS = re.compile(r"[()\[\]]")
_TERMS = frozenset({"string", "iri", "var", "number", "word", "close"})
_JOINS = frozenset({"UNION", "OPTIONAL", "MINUS", "FILTER"})

# One alternative per token kind; tried in this order at each position. Strings and IRIs
# are whole tokens, so what they hold is never seen as brackets, operators or keywords.
# Each repeated group has mutually exclusive branches: no backtracking blow-up.
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>
        \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      | '''(?:[^'\\]|\\.|'(?!''))*'''
      | "(?:[^"\\\n\r]|\\.)*"
      | '(?:[^'\\\n\r]|\\.)*'
    )
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<word>(?:[\w:]|\\\S)(?:[\w\-:%]|\\\S|\.(?=[\w\-:%\\]))*)
  | (?P<datatype>\^\^)
  | (?P<open>[(\[{]|<<)
  | (?P<close>[)\]}]|>>)
  | (?P<op>\|\||&&|!=|<=|>=|[=<>!+\-*/|^?])
  | (?P<sep>[.;,])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def check(
    text: str,
    *,
    kind: str = "query",
    allow_remote: bool = False,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    max_operators: int = MAX_OPERATORS,
) -> None:
    """Raise :class:`QueryRefused` (one line) when ``text`` is over a limit or asks for a
    remote request; return quietly otherwise. ``kind`` names the text in the message
    ("query" or "update"). Malformed SPARQL is let through: the parser says what is wrong."""
    size = len(text) if len(text) * 4 <= max_bytes else len(text.encode("utf-8", "replace"))
    if size > max_bytes:
        raise QueryRefused(
            f"the {kind} is {size:,} bytes; the limit is {max_bytes:,} ({_mb(max_bytes)})"
        )
    depth = 0
    operators = 0
    data_pending = False  # after the keyword DATA: the next brace opens a list of triples
    data_depth = 0  # while > 0: inside a DATA block opened at this depth
    values_pending = False  # after the keyword VALUES: the next brace opens its rows
    values_depth = 0  # while > 0: inside a VALUES block opened at this depth
    brackets: list[str] = []  # the open brackets, innermost last
    after_term = False  # the previous token ended a term (for collections' items)
    pos = 0
    end = len(text)
    while pos < end:
        m = _TOKEN.match(text, pos)
        assert m is not None  # the last branch matches any character
        token_kind = m.lastgroup
        if token_kind == "other" and text[pos] in "\"'":
            break  # a string that never ends: the parser will say so; nothing after counts
        pos = m.end()
        if token_kind in ("ws", "comment"):
            continue
        if (
            token_kind in _TERMS
            and token_kind != "close"
            and after_term
            and brackets[-1:] == ["("]
            and not values_depth
        ):
            operators += 1  # the next item of a collection: ( 1 2 3 … )
        after_term = token_kind in _TERMS
        if token_kind == "iri" and not values_depth:
            inner = m.group()[1:-1]
            if _INNER_BRACKETS.search(inner):
                deepest = _deepest(inner)
                if depth + deepest > max_depth:
                    raise QueryRefused(
                        f"the {kind} nests brackets more than {max_depth} deep "
                        f"(at {_where(text, m.start())}); the limit is {max_depth}"
                    )
            operators += len(_INNER_OPERATORS.findall(inner))
        elif token_kind == "open":
            depth += 1
            brackets.append(m.group())
            if depth > max_depth:
                raise QueryRefused(
                    f"the {kind} nests brackets more than {max_depth} deep "
                    f"(at {_where(text, m.start())}); the limit is {max_depth}"
                )
            if data_pending and m.group() == "{":
                data_pending, data_depth = False, depth
            if values_pending and m.group() == "{":
                values_pending, values_depth = False, depth
        elif token_kind == "close":
            if data_depth and depth == data_depth:
                data_depth = 0
            if values_depth and depth == values_depth:
                values_depth = 0
            depth = max(0, depth - 1)
            if brackets:
                brackets.pop()
        elif token_kind == "word":
            word = m.group().upper()
            if word in REMOTE and not allow_remote:
                raise QueryRefused(
                    f"the {kind} uses {word} (at {_where(text, m.start())}), which makes a "
                    "request to another server; that is refused unless remote requests "
                    "are allowed (allow_remote=True)"
                )
            if word == "DATA":
                data_pending = True
            elif word == "VALUES":
                values_pending = True
            elif word in _JOINS:
                operators += 1
        elif token_kind in ("op", "sep") and not data_depth:
            operators += 1  # in a DATA block only signs of numbers and separators of triples
        if operators > max_operators:
            raise QueryRefused(
                f"the {kind} chains more than {max_operators} operators and patterns "
                f"(at {_where(text, m.start())}); the limit is {max_operators}"
            )


def _deepest(inner: str) -> int:
    """How deep the round and square brackets inside an IRI token nest, read as code."""
    depth = deepest = 0
    for m in _INNER_BRACKETS.finditer(inner):
        if m.group() in "([":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(0, depth - 1)
    return deepest


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"line {line}, column {column}"


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"
