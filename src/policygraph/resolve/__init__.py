"""The resolve stage: what is decided across documents, from per-document summaries.

Each document's graph depends only on that document (its bytes, its manifest entry, the
extractor version). What needs the whole corpus is decided here, in a reduce step over
small per-document :class:`~policygraph.resolve.summary.Summary` objects whose merge is
associative and commutative, so any split of the corpus gives the same result:

- ``summary.py``: a document's summary (label votes, the shared entities it declares) and
  the merge;
- ``labels.py``: the canonical ``rdfs:label`` of every shared entity, written to the
  corpus-level graph :data:`~policygraph.resolve.labels.LABELS_GRAPH`.
"""
