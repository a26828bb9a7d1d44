"""The graph a build writes conforms to the project's own SHACL shapes."""

from __future__ import annotations

import pyshacl
import rdflib

from conftest import ROOT
from policygraph.pipeline.build import BuildResult
from policygraph.store.oxigraph import merged_graph, open_store


def test_seed_graph_conforms_to_the_shapes(seed_build: BuildResult) -> None:
    data = merged_graph(open_store(seed_build.store))
    shapes = rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl")
    ontology = rdflib.Graph().parse(ROOT / "ontology" / "policygraph.ttl")
    conforms, _, report = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True
    )
    assert conforms, report
