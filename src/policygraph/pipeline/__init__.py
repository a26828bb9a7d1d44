"""The build: find inputs, run the map step (local worker processes or a Dask cluster) with
its cache, reduce the summaries, and publish the store and files; merging built parts."""
