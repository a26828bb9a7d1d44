"""The ontology and SHACL shapes in ontology/: they parse, declare every contract term, and
accept a well-formed graph while rejecting the mistakes they exist to catch."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import OWL, RDF, RDFS, SH, XSD, BNode, Graph, Literal, Namespace, URIRef

ONTOLOGY_DIR = Path(__file__).parents[1] / "ontology"
PGO = Namespace("https://w3id.org/policygraph/ontology#")
ID = Namespace("https://w3id.org/policygraph/id/")
ONTOLOGY_IRI = URIRef("https://w3id.org/policygraph/ontology")

CONTRACT_CLASSES = [
    "Document", "Article", "Policy", "Industry", "Technology", "Target", "Statistic", "Year",
    "Organization", "Person", "Place", "Event", "Quote", "Mention",
    "Indicator",  # contract section 4 (issue 17)
]  # fmt: skip
CONTRACT_PROPERTIES = [
    "hasMention", "inDocument", "start", "end", "surface", "sentence", "rule", "year", "setBy",
    "hasTarget", "indicator", "comparator", "value", "unit", "deadline", "refYear", "issuedBy",
    "issuedIn", "periodStart", "periodEnd", "adoptedAt", "concerns", "affiliation", "speaker",
    "date", "atEvent", "atPlace", "text", "sourceFile", "sha256",
    # not in the contract's table, but the code relies on them
    "inArticle", "mentions", "inferred", "kind", "column", "valueText", "quotes",
    # contract section 4: cross-document vocabulary (issue 17)
    "measures", "valueMin", "valueMax", "outcome", "attained",
]  # fmt: skip
PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}

# A small graph that follows the contract: a government work report that is itself a policy
# (manifest kind: policy, so it needs no mention), a plan named in it with a target, and the
# organization and years they point to.
VALID_TTL = """
@prefix pgo: <https://w3id.org/policygraph/ontology#> .
@prefix id: <https://w3id.org/policygraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

id:doc-gwr_2025 a pgo:Document , pgo:Policy ;
    rdfs:label "2025年国务院政府工作报告"@zh ;
    dcterms:title "2025年国务院政府工作报告"@zh ;
    dcterms:date "2025-03-05"^^xsd:date ;
    pgo:sourceFile "gwr_2025.txt" ;
    pgo:sha256 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" ;
    pgo:kind "policy" ;
    pgo:inferred false ;
    pgo:issuedBy id:org-guowuyuan ;
    pgo:issuedIn id:year-2025 .

id:plan-15 a pgo:Policy ;
    rdfs:label "十五五规划"@zh ;
    skos:altLabel "“十五五”规划"@zh ;
    pgo:issuedBy id:org-guowuyuan ;
    pgo:periodStart id:year-2026 ;
    pgo:periodEnd id:year-2030 ;
    pgo:hasTarget id:target-1 ;
    pgo:hasMention id:m-plan .

id:org-guowuyuan a pgo:Organization ;
    rdfs:label "国务院"@zh ;
    pgo:hasMention id:m-org .

id:year-2025 a pgo:Year ; rdfs:label "2025年"@zh ; pgo:year "2025"^^xsd:gYear .
id:year-2026 a pgo:Year ; rdfs:label "2026年"@zh ; pgo:year "2026"^^xsd:gYear .
id:year-2030 a pgo:Year ; rdfs:label "2030年"@zh ; pgo:year "2030"^^xsd:gYear .
id:year-2027 a pgo:Year ;
    rdfs:label "2027年"@zh ;
    pgo:year "2027"^^xsd:gYear ;
    pgo:hasMention id:m-target .

id:target-1 a pgo:Target ;
    rdfs:label "新一代智能终端普及率超70%"@zh ;
    pgo:indicator "新一代智能终端普及率" ;
    pgo:comparator ">" ;
    pgo:value "70"^^xsd:decimal ;
    pgo:valueText "70" ;
    pgo:unit "%" ;
    pgo:deadline id:year-2027 ;
    pgo:setBy id:plan-15 ;
    pgo:hasMention id:m-target .

id:m-org a pgo:Mention ;
    pgo:inDocument id:doc-gwr_2025 ;
    pgo:start 0 ; pgo:end 3 ;
    pgo:surface "国务院" ;
    pgo:sentence "国务院发布。" ;
    pgo:rule "organization.lexicon" .

id:m-plan a pgo:Mention ;
    pgo:inDocument id:doc-gwr_2025 ;
    pgo:start 6 ; pgo:end 13 ;
    pgo:surface "“十五五”规划" ;
    pgo:sentence "编制“十五五”规划。" ;
    pgo:rule "policy.plan" .

id:m-target a pgo:Mention ;
    pgo:inDocument id:doc-gwr_2025 ;
    pgo:start 20 ; pgo:end 41 ;
    pgo:surface "到2027年新一代智能终端普及率超70%" ;
    pgo:sentence "到2027年新一代智能终端普及率超70%。" ;
    pgo:rule "measure.target" .
"""


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "policygraph.ttl")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "shapes.ttl")


@pytest.fixture
def data() -> Graph:
    return Graph().parse(data=VALID_TTL, format="turtle")


def violations(data: Graph, shapes: Graph, ontology: Graph) -> set[tuple[str, str, str]]:
    """(focus node, path, constraint component) of every violation, local names only."""
    # inference="none": the ontology is still mixed into the data graph, so sh:class and
    # sh:targetClass see its rdfs:subClassOf triples; RDFS inference would in addition type
    # nodes from rdfs:domain / rdfs:range and hide a missing rdf:type in the export.
    conforms, report, _ = validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=False
    )
    assert isinstance(report, Graph)
    found = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus, path, component = (
            report.value(result, p)
            for p in (SH.focusNode, SH.resultPath, SH.sourceConstraintComponent)
        )
        found.add((_local(focus), _local(path), _local(component)))
    assert conforms == (not found)
    return found


def _local(term: object) -> str:
    return "" if term is None else str(term).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


# --- the files ---------------------------------------------------------------------------------


def test_both_files_parse(ontology: Graph, shapes: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert (None, RDF.type, SH.NodeShape) in shapes


def test_ontology_header(ontology: Graph) -> None:
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert ontology.value(ONTOLOGY_IRI, URIRef("http://purl.org/dc/terms/license")) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )


@pytest.mark.parametrize("name", CONTRACT_CLASSES)
def test_contract_class_declared(ontology: Graph, name: str) -> None:
    assert (PGO[name], RDF.type, OWL.Class) in ontology


@pytest.mark.parametrize("name", CONTRACT_PROPERTIES)
def test_contract_property_declared(ontology: Graph, name: str) -> None:
    types = set(ontology.objects(PGO[name], RDF.type))
    assert types & PROPERTY_TYPES, f"pgo:{name} has no property type"
    assert not {OWL.ObjectProperty, OWL.DatatypeProperty} <= types
    assert ontology.value(PGO[name], RDFS.domain) is not None
    assert ontology.value(PGO[name], RDFS.range) is not None


def test_every_pgo_term_has_labels_and_comments_in_both_languages(ontology: Graph) -> None:
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and s.startswith(PGO)}
    assert terms >= {PGO[n] for n in CONTRACT_CLASSES + CONTRACT_PROPERTIES}
    for term in terms:
        for prop in (RDFS.label, RDFS.comment):
            langs = [
                o.language or "" for o in ontology.objects(term, prop) if isinstance(o, Literal)
            ]
            assert sorted(langs) == ["en", "zh"], f"{term} {prop}: {langs}"


def test_datatype_properties_have_xsd_ranges(ontology: Graph) -> None:
    for prop in ontology.subjects(RDF.type, OWL.DatatypeProperty):
        rng = ontology.value(prop, RDFS.range)
        assert rng is not None, prop
        union = ontology.value(rng, OWL.unionOf) if isinstance(rng, BNode) else None
        # a datatype union, e.g. pgo:date, or a single datatype
        members = list(ontology.items(union)) if union is not None else [rng]
        assert members and all(str(m).startswith(str(XSD)) for m in members), prop


def test_has_target_is_inverse_of_set_by(ontology: Graph) -> None:
    assert (PGO.hasTarget, OWL.inverseOf, PGO.setBy) in ontology


def test_external_terms_are_not_redeclared(ontology: Graph) -> None:
    # dcterms:title, skos:altLabel etc. are used on instances as their owners define them.
    foreign = {
        s
        for s in ontology.subjects()
        if isinstance(s, URIRef) and s != ONTOLOGY_IRI and not s.startswith(PGO)
    }
    assert foreign == set()


def test_shapes_name_only_declared_terms(ontology: Graph, shapes: Graph) -> None:
    used = {
        o
        for p in (SH.targetClass, SH["class"], SH.path)
        for o in shapes.objects(None, p)
        if isinstance(o, URIRef) and o.startswith(PGO)
    }
    declared = {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef)}
    assert used - declared == set()


# --- validation --------------------------------------------------------------------------------


def test_valid_graph_conforms(data: Graph, shapes: Graph, ontology: Graph) -> None:
    assert violations(data, shapes, ontology) == set()


def test_comparator_must_be_ascii(data: Graph, shapes: Graph, ontology: Graph) -> None:
    data.set((ID["target-1"], PGO.comparator, Literal("≥")))
    assert violations(data, shapes, ontology) == {
        ("target-1", "comparator", "InConstraintComponent")
    }


def test_mention_end_must_follow_start(data: Graph, shapes: Graph, ontology: Graph) -> None:
    data.set((ID["m-org"], PGO.end, Literal(0)))
    data.set((ID["m-org"], PGO.start, Literal(3)))
    assert violations(data, shapes, ontology) == {("m-org", "end", "SPARQLConstraintComponent")}


def test_one_zh_label_per_entity(data: Graph, shapes: Graph, ontology: Graph) -> None:
    data.add((ID["org-guowuyuan"], RDFS.label, Literal("中华人民共和国国务院", lang="zh")))
    found = violations(data, shapes, ontology)
    assert ("org-guowuyuan", "label", "UniqueLangConstraintComponent") in found
    assert {focus for focus, _, _ in found} == {"org-guowuyuan"}


def test_label_must_be_zh(data: Graph, shapes: Graph, ontology: Graph) -> None:
    data.set((ID["org-guowuyuan"], RDFS.label, Literal("State Council", lang="en")))
    assert violations(data, shapes, ontology) == {
        ("org-guowuyuan", "label", "LanguageInConstraintComponent")
    }


def test_year_needs_its_value(data: Graph, shapes: Graph, ontology: Graph) -> None:
    data.remove((ID["year-2027"], PGO.year, None))
    assert violations(data, shapes, ontology) == {
        ("year-2027", "year", "MinCountConstraintComponent")
    }


def test_policy_in_text_needs_a_mention(data: Graph, shapes: Graph, ontology: Graph) -> None:
    # The document-policy id:doc-gwr_2025 has none and is fine; a policy found in text is not.
    data.remove((ID["plan-15"], PGO.hasMention, None))
    assert violations(data, shapes, ontology) == {("plan-15", "", "OrConstraintComponent")}


def test_period_must_not_run_backwards(data: Graph, shapes: Graph, ontology: Graph) -> None:
    data.set((ID["plan-15"], PGO.periodStart, ID["year-2030"]))
    data.set((ID["plan-15"], PGO.periodEnd, ID["year-2026"]))
    assert violations(data, shapes, ontology) == {
        ("plan-15", "periodEnd", "SPARQLConstraintComponent")
    }


def test_value_must_be_decimal(data: Graph, shapes: Graph, ontology: Graph) -> None:
    data.set((ID["target-1"], PGO.value, Literal("70%")))
    assert violations(data, shapes, ontology) == {
        ("target-1", "value", "DatatypeConstraintComponent")
    }
