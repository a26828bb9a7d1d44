"""`policygraph serve`: Oxigraph's SPARQL server kept alive (server.py), the HTTP front that
checks every request (front.py) and the explorer pages it serves (explore/)."""
