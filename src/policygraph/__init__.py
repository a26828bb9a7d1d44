"""policygraph: Chinese policy texts → an RDF knowledge graph you can query, view and export."""

__version__ = "0.1.0"
