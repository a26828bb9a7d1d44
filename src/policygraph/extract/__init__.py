"""Rule-based extractors, one a module, run in a fixed order (later ones read earlier facts).

Each module exposes ``RECOGNIZER`` (the contract and the block driver: :mod:`.driver`); the
pipeline is the list of module names below, not a chain of ifs. Order matters only where a
recognizer reads another's results, and each names those in its ``needs``: organizations
read the events' matches, articles and quotes need persons, organizations, events and
policies; measures need policies, the lexicon and quotes.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module

from policygraph.extract.driver import MAX_PER_SENTENCE, Recognizer, fact_mention
from policygraph.extract.driver import run as run_recognizers
from policygraph.model import Fact
from policygraph.text.document import Document

#: Module names under ``policygraph.extract``, in the order they run.
PIPELINE: tuple[str, ...] = (
    "years",
    "events",
    "policies",
    "lineage",
    "organizations",
    "places",
    "lexicon",
    "persons",
    "articles",
    "quotes",
    "measures",
)


def recognizer(name: str) -> Recognizer:
    """The recognizer of module ``policygraph.extract.{name}``."""
    found: Recognizer = import_module(f"policygraph.extract.{name}").RECOGNIZER
    if found.name != name:
        raise LookupError(f"extract/{name} declares a recognizer named {found.name!r}")
    return found


def run(doc: Document, *, names: Sequence[str] = PIPELINE) -> list[Fact]:
    """The facts of the recognizers ``names`` about ``doc``, in pipeline order. The ones
    they need run too, but their facts are not returned."""
    wanted = set(names)
    todo = list(wanted)
    while todo:
        for need in recognizer(todo.pop()).needs:
            if need not in wanted:
                wanted.add(need)
                todo.append(need)
    chosen = [recognizer(n) for n in PIPELINE if n in wanted]
    chosen += [recognizer(n) for n in names if n not in PIPELINE]
    return run_recognizers(doc, chosen, emit=names)


__all__ = ["MAX_PER_SENTENCE", "PIPELINE", "fact_mention", "recognizer", "run"]
