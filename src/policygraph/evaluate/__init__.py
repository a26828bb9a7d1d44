"""Evaluation against hand-written gold: facts per class (gold.py), indicator series (series.py).

``pg.evaluate(...)`` is :func:`policygraph.evaluate.gold.evaluate`; this package calls as it.
"""

from policygraph._callable import make_callable
from policygraph.evaluate.gold import Report, evaluate

__all__ = ["Report", "evaluate"]

# `pg.evaluate(...)` works whatever was imported first (see _callable.py).
make_callable(__name__, evaluate)
