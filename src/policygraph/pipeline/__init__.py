"""The build: find inputs, run the map step (local worker processes or a Dask cluster) with
its cache, reduce the summaries, and publish the store and files; merging built parts."""

from __future__ import annotations

#: Where a build extracts documents: local worker processes, or a Dask cluster
#: (pipeline/dask_executor.py). The command line's ``--executor`` choices.
EXECUTORS = ("local", "dask")
