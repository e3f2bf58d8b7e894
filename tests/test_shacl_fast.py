"""pyshacl-turbo against pySHACL (the reference): the same SHACL findings, message for message.

The differential runs ``kg.validation.shacl_fast.results_graph`` with each engine on the curated data
(the union of data/) and on every case of tests/shapes/, each validated together with
``valid-minimal.trig`` and the ontology as tests/test_shapes.py validates it, and compares
the results as sets of (focus node, path, source constraint component, severity) and of
those with the message. tests/test_shapes.py checks that every shape is tripped by some
case, so every shape of shapes/ is compared here. The graphs are loaded with rdflib alone.
Skipped, with the reason, where pyshacl-turbo is not installed.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.validation import shacl_fast
from kg.errors import InputError
from kg.namespaces import SH, bind_prefixes

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "shapes"
VALID = CASES / "valid-minimal.trig"
CASE_NAMES = sorted(p.stem for p in CASES.glob("*.trig"))

needs_turbo = pytest.mark.skipif(
    not shacl_fast.engine_available(),
    reason="pyshacl-turbo is not installed (pip install pyshacl-turbo); nothing to compare pySHACL with")


# ---------------------------------------------------------------- loading, with rdflib only


def _turtle(paths) -> Graph:
    graph = bind_prefixes(Graph())
    for path in paths:
        graph.parse(path, format="turtle", publicID=path.resolve().as_uri())
    return graph


@functools.cache
def ontology() -> Graph:
    """ontology/*.ttl and ontology/vocab/*.ttl in one graph."""
    return _turtle(sorted((ROOT / "ontology").glob("*.ttl")) + sorted((ROOT / "ontology" / "vocab").glob("*.ttl")))


@functools.cache
def shapes() -> Graph:
    return _turtle(sorted((ROOT / "shapes").glob("*.ttl")))


def union_of(paths) -> Graph:
    """The triples of every graph of the TriG files, as one graph."""
    dataset = Dataset()
    for path in paths:
        dataset.parse(path, format="trig", publicID=path.resolve().as_uri())
    graph = bind_prefixes(Graph())
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def curated() -> Graph:
    return union_of(sorted((ROOT / "data" / "reference").glob("*.trig")) + sorted((ROOT / "data" / "sources").glob("*.trig")))


def case_data(name: str) -> Graph:
    return union_of([VALID] if name == "valid-minimal" else [VALID, CASES / f"{name}.trig"])


# ---------------------------------------------------------------- comparing reports


def _show(node) -> str | None:
    """A term as text: ``<iri>``, ``_:`` for every blank node, a literal with its language or datatype."""
    if node is None:
        return None
    if isinstance(node, BNode):
        return "_:"
    if isinstance(node, Literal):
        return f'"{node}"' + (f"@{node.language}" if node.language else f"^^<{node.datatype}>" if node.datatype else "")
    return f"<{node}>"


def results(report: Graph) -> list[dict]:
    fields = {"focus": SH.focusNode, "path": SH.resultPath, "component": SH.sourceConstraintComponent,
              "severity": SH.resultSeverity, "message": SH.resultMessage, "shape": SH.sourceShape, "value": SH.value}
    return [{name: _show(report.value(result, predicate)) for name, predicate in fields.items()}
            for result in report.subjects(RDF.type, SH.ValidationResult)]


def keyed(rows: list[dict], *names: str) -> set[tuple]:
    return {tuple(row[name] for name in names) for row in rows}


KEY = ("focus", "path", "component", "severity")


@functools.cache
def reports(name: str) -> tuple[list[dict], list[dict]]:
    """The results of pySHACL and of pyshacl-turbo on one case (or "curated"), validated once."""
    data = curated() if name == "curated" else case_data(name)
    return tuple(results(shacl_fast.results_graph(data, shapes(), ontology(), engine=engine))
                 for engine in ("pyshacl", "turbo"))


def assert_same(name: str) -> None:
    reference, fast = reports(name)
    for names in (KEY, KEY + ("message",), KEY + ("message", "shape", "value")):
        want, got = keyed(reference, *names), keyed(fast, *names)
        assert got == want, (f"{name}: pyshacl-turbo differs from pySHACL in {', '.join(names)}\n"
                             f"  only pySHACL: {sorted(want - got, key=str)}\n"
                             f"  only pyshacl-turbo: {sorted(got - want, key=str)}")
    assert len(fast) == len(reference), f"{name}: {len(reference)} results from pySHACL, {len(fast)} from pyshacl-turbo"


# ---------------------------------------------------------------- the differential


@needs_turbo
def test_curated_graph_gives_the_same_findings_with_both_engines():
    assert len(curated()) > 1000
    assert_same("curated")


@needs_turbo
@pytest.mark.parametrize("case", CASE_NAMES)
def test_case_gives_the_same_findings_with_both_engines(case):
    assert_same(case)


@needs_turbo
def test_the_cases_give_findings_to_compare():
    assert len(CASE_NAMES) > 30 and "valid-minimal" in CASE_NAMES
    reference = [row for case in CASE_NAMES for row in reports(case)[0]]
    assert len(keyed(reference, "component")) >= 10, "the cases trip too few constraint components to compare"
    assert {row["severity"] for row in reference} == {f"<{SH.Violation}>", f"<{SH.Warning}>"}


@needs_turbo
def test_auto_picks_turbo_for_the_project_shapes():
    engine, reason = shacl_fast.pick_engine(shapes())
    if not shacl_fast.turbo_version().startswith(shacl_fast.TURBO_SERIES):
        pytest.skip(f"pyshacl-turbo {shacl_fast.turbo_version()} is not of the series this test was written for")
    assert engine == "turbo", reason


@needs_turbo
def test_turbo_leaves_the_data_as_it_was():
    data = case_data("period-reversed")
    before = set(data)
    shacl_fast.results_graph(data, shapes(), ontology(), engine="turbo")
    assert set(data) == before


@needs_turbo
def test_a_dataset_is_validated_as_the_union_of_its_graphs():
    dataset = Dataset()
    for path in (VALID, CASES / "period-reversed.trig"):
        dataset.parse(path, format="trig", publicID=path.resolve().as_uri())
    for engine in ("pyshacl", "turbo"):
        got = keyed(results(shacl_fast.results_graph(dataset, shapes(), ontology(), engine=engine)), *KEY)
        assert got == keyed(reports("period-reversed")[0], *KEY), engine


# ---------------------------------------------------------------- choosing the engine


def test_unknown_engine_is_an_input_error():
    with pytest.raises(InputError, match="unknown SHACL engine"):
        shacl_fast.results_graph(Graph(), shapes(), ontology(), engine="fast")


def test_missing_turbo(monkeypatch):
    monkeypatch.setattr(shacl_fast, "_turbo", lambda: None)
    assert not shacl_fast.engine_available()
    assert shacl_fast.pick_engine(shapes()) == ("pyshacl", "pyshacl-turbo is not installed")
    with pytest.raises(InputError, match="pip install pyshacl-turbo"):
        shacl_fast.results_graph(Graph(), shapes(), ontology(), engine="turbo")


def _with(extra: str) -> Graph:
    graph = Graph()
    graph += shapes()
    graph.parse(data=f"@prefix sh: <{SH}> .\n{extra}", format="turtle")
    return graph


@needs_turbo
@pytest.mark.parametrize("extra, reason", [
    ("<urn:t:S> a sh:NodeShape ; sh:sparql [ sh:select 'SELECT $this WHERE { }' ] .", "sh:sparql"),
    ("<urn:t:S> a sh:NodeShape ; sh:property [ sh:path <urn:t:p> ; sh:minCount 1 ] .", "no sh:message"),
    ("<urn:t:S> a sh:NodeShape ; sh:closed true .", "no sh:message"),
    ("<urn:t:S> a sh:NodeShape ; sh:rule [ a sh:TripleRule ] .", "sh:rule"),
])
def test_auto_keeps_shapes_the_differential_does_not_cover_on_pyshacl(extra, reason):
    engine, why = shacl_fast.pick_engine(_with(extra))
    assert engine == "pyshacl" and reason in why


def test_the_reference_engine_reports_in_shacl_vocabulary():
    report = shacl_fast.results_graph(case_data("period-reversed"), shapes(), ontology(), engine="pyshacl")
    assert (None, RDF.type, SH.ValidationReport) in report
    rows = results(report)
    assert {row["component"] for row in rows} == {f"<{SH.LessThanOrEqualsConstraintComponent}>"}
    assert all(row["message"] and row["shape"] and row["focus"].startswith("<") for row in rows)
    assert URIRef(SH.Violation) in set(report.objects(None, SH.resultSeverity))
