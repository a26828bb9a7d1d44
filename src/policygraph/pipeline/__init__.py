"""The build: find inputs, run the map step (local worker processes or a Dask cluster) with
its cache, reduce the summaries, and publish the store and files; merging built parts."""

from __future__ import annotations

#: Where a build extracts documents: local worker processes, or a Dask cluster
#: (pipeline/dask_executor.py). The command line's ``--executor`` choices.
EXECUTORS = ("local", "dask")

#: The extraction workers' initializer (pipeline/mapstep.py, ``warm_up``: jieba's
#: dictionary), by name: the command line starts a worker with it before it imports the
#: pipeline (0.26 s), so that the worker's second of start-up overlaps more of an update.
WARM_UP = "policygraph.pipeline.mapstep:warm_up"
