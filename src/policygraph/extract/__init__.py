"""Rule-based extractors, one a module, run in a fixed order (later ones read earlier facts).

Each module exposes ``extract(doc, found)``; the pipeline is the list of module names below,
not a chain of ifs. Order matters only where an extractor reads another's facts: articles
and quotes need persons, organizations, events and policies; measures need years, policies,
quotes and the lexicon.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from importlib import import_module

from policygraph.model import Fact
from policygraph.text.document import Document

ExtractFn = Callable[[Document, Sequence[Fact]], Iterable[Fact]]

#: Module names under ``policygraph.extract``, in the order they run.
PIPELINE: tuple[str, ...] = (
    "years",
    "policies",
    "lineage",
    "organizations",
    "places",
    "events",
    "lexicon",
    "persons",
    "articles",
    "quotes",
    "measures",
)


def extractor(name: str) -> ExtractFn:
    module = import_module(f"policygraph.extract.{name}")
    fn: ExtractFn = module.extract
    return fn


def run(doc: Document, *, names: Sequence[str] = PIPELINE) -> list[Fact]:
    """All facts about ``doc``, in pipeline order."""
    found: list[Fact] = []
    for name in names:
        found.extend(extractor(name)(doc, found))
    return found
