"""The ontology loads in an OWL 2 DL reasoner: HermiT (shipped by owlready2) classifies the ontology, the
schemes and the metrics vocabulary, merged, without refusing a datatype. Values whose XSD type OWL 2's
datatype map lacks (xsd:date, xsd:gYear) have rdfs:Literal as their OWL range and the type in
schema:rangeIncludes; the SHACL shapes check it."""

from __future__ import annotations

import shutil

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDFS, XSD

from kg.graph.files import Project

owlready2 = pytest.importorskip("owlready2", reason="owlready2 is a dev dependency (make test installs it)")
OWL2_MAP_MISSING = {XSD.date, XSD.gYear, XSD.gYearMonth, XSD.gMonthDay, XSD.duration, XSD.time}


def merged() -> Graph:
    graph = Graph()
    for path in Project().ontology_files:
        graph.parse(path, format="turtle")
    graph.remove((None, OWL.imports, None))  # every imported part is in the merge; nothing is fetched
    return graph


def test_no_owl_range_is_a_datatype_outside_the_owl2_map():
    ranges = {(str(p), str(r)) for p, r in merged().subject_objects(RDFS.range) if r in OWL2_MAP_MISSING}
    assert ranges == set()


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs a Java runtime; the Makefile installs "
                                                          "Debian's default-jre-headless when it can")
def test_hermit_loads_and_classifies_the_ontology(tmp_path):
    path = tmp_path / "ontology.nt"
    merged().serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    ontology = world.get_ontology(path.as_uri()).load(format="ntriples")
    with ontology:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)  # raises on a refusal
    assert list(world.inconsistent_classes()) == []
    hospital = world.search_one(iri="https://w3id.org/vnhealth/def#GeneralHospital")
    assert world.search_one(iri="https://w3id.org/vnhealth/def#Institution") in hospital.ancestors()
