"""Facts → RDF: the IRIs of entities, documents and mentions, and one document's named graph
built from its extraction (the map step's output)."""
