"""Where graphs are kept: the Oxigraph store, the serializers, per-document chunks of the
output files, incremental replacement of changed graphs, and atomic output generations."""
