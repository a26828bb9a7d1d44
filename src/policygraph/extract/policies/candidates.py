"""A policy found in one block before it becomes facts, and how candidates are settled: the
first rule to claim a span keeps it, and each policy gets one label across the document."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from policygraph.extract.base import policy_key
from policygraph.model import EntityClass
from policygraph.text.document import Block
from policygraph.text.spans import Claims

#: How a policy candidate was found (its rule is ``policies.{kind}``).
CandidateKind: TypeAlias = Literal[
    "named-document",
    "title-brackets",
    "title-heading",
    "five-year-plan",
    "initiative",
    "initiative-quoted",
    "initiative-plus",
    "initiative-list",
    "initiative-repeat",
    "self-reference",
]


@dataclass(slots=True)
class Candidate:
    """A policy found in one block, before labels are unified across the document."""

    block: Block
    i: int
    j: int
    label: str
    kind: CandidateKind  # the rule that found it is ``policies.{kind}``
    period: tuple[int, int] | None = None
    issuers: list[tuple[int, int, EntityClass, str]] = field(default_factory=list)
    issued_in: int | None = None
    adopted_at: str | None = None
    initiative: bool = False
    known_issuers: tuple[str, ...] = ()  # organizations that always issue this kind of document

    @property
    def rule(self) -> str:
        return f"policies.{self.kind}"

    @property
    def titled(self) -> bool:
        """A title (in brackets or as the heading): its issuers and year may stand around it."""
        return self.kind in ("title-brackets", "title-heading")


def first_come(ordered: Iterable[Candidate]) -> list[Candidate]:
    """The candidates that overlap none before them: a mention nested in another policy
    mention is left out."""
    chosen: list[Candidate] = []
    taken = Claims()  # (an index: a scan of every span taken cost the square of their number)
    for cand in ordered:
        if not taken.overlap(cand.i, cand.j):
            chosen.append(cand)
            taken.add(cand.i, cand.j)
    return chosen


def unified_labels(per_block: list[list[Candidate]]) -> dict[str, str]:
    """One canonical label per key: a quoted form (“人工智能+”行动) over a bare one, else the
    first seen."""
    labels: dict[str, str] = {}
    for cands in per_block:
        for c in cands:
            key = policy_key(c.label)
            if key not in labels or ("“" in c.label and "“" not in labels[key]):
                labels[key] = c.label
    return labels
