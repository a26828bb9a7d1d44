"""``python -m policygraph``."""

from policygraph.cli import main

main()
