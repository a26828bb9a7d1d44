"""What reading a paragraph yields: a target or statistic at a clause of the block's text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from policygraph.extract.numbers import Quantity

Kind = Literal["Target", "Statistic"]


@dataclass(frozen=True, slots=True)
class MeasureSpan:
    """A measure found in one block's clean text: ``i:j`` is the clause it stands in."""

    kind: Kind
    indicator: str
    quantity: Quantity  # offsets in the block's clean text
    year: int | None
    i: int
    j: int
    rule: str
    projected: bool = False  # a target worded as a forecast (到2035年将约有…)
