"""From extracted facts to RDF: IRIs, the per-document graph builder, the store, serializers."""
