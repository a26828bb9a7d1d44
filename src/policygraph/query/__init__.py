"""Reading the graph: SPARQL queries (saved ones in saved/*.rq), updates, the guard for
untrusted SPARQL, and the text tables of results."""
