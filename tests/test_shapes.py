"""The SHACL shapes (shapes/) and the ``-violation.rq`` checks (queries/): each case carries its expected findings.

Every failing case in ``tests/shapes/`` is validated together with ``valid-minimal.trig``
and must give exactly the (focus node, path, constraint component) triples listed for it
in ``tests/shapes/expected.yaml``: a case that fails for another reason (a prefix typo, a
shape that no longer fires) fails the test. A meta-test checks that every shape and every
check is tripped by some case.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.plugins.sparql import processor

import kg.queries
from kg.namespaces import PREFIXES, SH
from kg.graph.files import Project, load_ontology, load_shapes
from kg.validation.report import Report
from kg.validation.validator import validate

HERE = Path(__file__).parent
CASES = HERE / "shapes"
VALID = CASES / "valid-minimal.trig"
EXPECTED: dict = yaml.safe_load((CASES / "expected.yaml").read_text(encoding="utf-8"))
PROJECT = Project(HERE.parent)
SEVERITIES = {"violations": "Violation", "warnings": "Warning"}

Key = tuple[str, "str | None", str]




@functools.cache
def case_report(name: str) -> Report:
    """The report of ``valid-minimal.trig`` plus ``<name>.trig`` (validated once per session)."""
    files = [VALID] if name == "valid-minimal" else [VALID, CASES / f"{name}.trig"]
    return validate(files=files, project=PROJECT)


def expand(name: str | None) -> str | None:
    """A prefixed name of the expectations file as a full IRI; ``query:...``, ``_:`` and null as they are.

    >>> expand("sh:MinCountConstraintComponent")
    'http://www.w3.org/ns/shacl#MinCountConstraintComponent'
    """
    if name is None or name == "_:" or name.startswith("query:"):
        return name
    prefix, _, local = name.partition(":")
    if prefix not in PREFIXES:
        raise ValueError(f"tests/shapes/expected.yaml: unknown prefix in '{name}'; known: {', '.join(PREFIXES)}")
    return str(PREFIXES[prefix]) + local


def found(report: Report, severity: str) -> set[Key]:
    """The keys of the findings of one severity, every blank node focus written ``_:``."""
    return {("_:" if f.focus.startswith("_:") else f.focus, f.path, f.component)
            for f in report.findings if f.severity == severity}


def expected(case: str, severity: str) -> set[Key]:
    rows = EXPECTED[case].get(severity, []) or []
    return {tuple(expand(part) for part in row) for row in rows}


@functools.cache
def shapes_graph() -> Graph:
    return load_shapes(PROJECT)


def check_names() -> set[str]:
    """The ``-violation`` checks, by glob as ``kg.queries.find_queries`` finds them."""
    return {p.stem for p in PROJECT.query_dir.glob("*-violation.rq")}


# ---------------------------------------------------------------- the cases


def test_valid_minimal_has_no_finding_at_all():
    report = case_report("valid-minimal")
    assert report.findings == [], report.to_text()


def test_every_case_file_has_expectations_and_every_expectation_a_file():
    files = {p.stem for p in CASES.glob("*.trig")} - {"valid-minimal"}
    assert files == set(EXPECTED), (
        f"cases without expectations: {sorted(files - set(EXPECTED))}; "
        f"expectations without a case file: {sorted(set(EXPECTED) - files)}")
    for case, entry in EXPECTED.items():
        assert entry.get("breaks"), f"tests/shapes/expected.yaml: {case} does not say what it breaks"
        assert set(entry) <= {"breaks", *SEVERITIES}, f"tests/shapes/expected.yaml: {case}: unknown keys {sorted(entry)}"
        assert any(entry.get(s) for s in SEVERITIES), f"tests/shapes/expected.yaml: {case} expects no finding"


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_case_gives_exactly_its_findings(case):
    report = case_report(case)
    for key, severity in SEVERITIES.items():
        want, got = expected(case, key), found(report, severity)
        assert got == want, (f"{case}: {key} differ\n  missing: {sorted(want - got, key=str)}\n"
                             f"  unexpected: {sorted(got - want, key=str)}\n{report.to_text()}")
    assert {f.severity for f in report.findings} <= set(SEVERITIES.values())
    assert report.conforms == (not expected(case, "violations"))


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_case_findings_carry_their_shape_message_and_a_location(case):
    shapes = shapes_graph()
    for f in case_report(case).findings:
        if f.shape is not None:
            assert f.message == str(shapes.value(URIRef(f.shape), SH.message)), f"{case}: {f}"
        else:
            assert f.component.startswith("query:") and f.message, f"{case}: {f}"
        if not f.focus.startswith("_:"):
            assert f.file and f.file.startswith("tests/shapes/") and f.line, f"{case}: {f.focus} is not located"


# ---------------------------------------------------------------- the meta-tests


def test_every_shape_and_every_check_is_tripped_by_a_case():
    shapes = shapes_graph()
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    property_shapes = {p for n in node_shapes for p in shapes.objects(n, SH.property)
                       if (p, SH.message, None) in shapes}
    tripped_shapes, tripped_checks = set(), set()
    for case in EXPECTED:
        for f in case_report(case).findings:
            if f.shape:
                tripped_shapes.add(URIRef(f.shape))
                tripped_shapes.update(shapes.subjects(SH.property, URIRef(f.shape)))
            else:
                tripped_checks.add(f.component.removeprefix("query:"))
    untripped = sorted(str(s) for s in (node_shapes | property_shapes) - tripped_shapes)
    assert untripped == [], f"shapes that no failing case trips: {untripped}; add a case in tests/shapes/"
    assert check_names() - tripped_checks == set(), "checks that no failing case trips; add a case in tests/shapes/"


def test_every_constraint_has_a_message_and_every_property_shape_a_name():
    shapes = shapes_graph()
    for node in shapes.subjects(RDF.type, SH.NodeShape):
        assert isinstance(node, URIRef) and str(node).endswith("Shape"), f"{node}: name node shapes <Class>Shape"
        for prop in shapes.objects(node, SH.property):
            assert isinstance(prop, URIRef), f"{node}: name its property shapes, so findings say which one fired"
            assert len(list(shapes.objects(prop, SH.message))) == 1, f"{prop}: give it exactly one sh:message"
        node_level = {SH["or"], SH.xone, SH.closed, SH["not"], SH["and"]} & set(shapes.predicates(node))
        if node_level:
            assert (node, SH.message, None) in shapes, f"{node}: its node-level constraints need an sh:message"


def test_shapes_are_shacl_core_but_for_the_documented_targets():
    shapes = shapes_graph()
    assert list(shapes.subject_objects(SH.sparql)) == [], "no SHACL-SPARQL constraints: use SHACL Core or a -violation.rq"
    targeted = {n for n, _ in shapes.subject_objects(SH.target)}
    assert {str(n).rsplit("#", 1)[-1] for n in targeted} == {"PeriodShape", "ValidityPeriodShape", "ValueRangeShape",
                                                              "GazetteerUnitShape", "GazetteerValidityShape",
                                                              "GazetteerSuccessorShape"}


@pytest.mark.parametrize("name", sorted(check_names()))
def test_check_header_and_columns(name):
    query = kg.queries.read_query(PROJECT.query_dir / f"{name}.rq")
    assert query.summary and query.header.get("severity") in ("violation", "warning")
    assert query.query_type == "SELECT"
    variables = [str(v) for v in processor.prepareQuery(query.text).algebra["PV"]]
    assert variables == ["focus", "path", "value", "message"]
    body = [line for line in query.text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert body[-1].startswith("ORDER BY")


def test_import_module_declares_each_term_with_a_kind_and_a_label():
    imports = Graph().parse(PROJECT.root / "ontology" / "imports.ttl")
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property}
    terms = {s for s in imports.subjects() if s != URIRef("https://w3id.org/vnhealth/def/imports")}
    assert len(terms) > 50
    for term in terms:
        assert len(set(imports.objects(term, RDF.type)) & kinds) == 1, f"{term}: declare exactly one kind"
        assert imports.value(term, RDFS.label) is not None, f"{term}: give it an rdfs:label"
    own = [t for t in terms if str(t).startswith("https://w3id.org/vnhealth/")]
    assert own == [], "the project's own terms belong in ontology/core.ttl"


# ---------------------------------------------------------------- the real graph


def test_concept_schemes_conform_to_the_concept_shape():
    """pySHACL sees only the RDFS and OWL axioms of the ontology graph, so the schemes are validated as data here."""
    vocab = sorted((PROJECT.root / "ontology" / "vocab").glob("*.ttl"))
    assert len(load_ontology(PROJECT)) > 0 and vocab
    report = validate(files=vocab, project=PROJECT)
    assert report.findings == [], report.to_text()


def test_curated_graph_conforms():
    report = validate(project=PROJECT)
    assert report.triples > 0
    assert report.conforms, report.to_text()
