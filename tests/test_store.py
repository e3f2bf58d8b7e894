"""Loading: project layout by glob, named graphs kept, syntax errors with file and line, entity locations."""

from pathlib import Path

import pytest
from rdflib import URIRef

from kg.errors import InputError, ParseError
from kg.namespaces import GRAPH, INST
from kg.graph.files import ONTOLOGY_GRAPH, SourceIndex, load_data, load_dataset, union_graph

FIXTURES = Path(__file__).parent / "fixtures" / "store"


def test_project_finds_every_file_by_glob(project):
    onto = {p.relative_to(project.root).as_posix() for p in project.ontology_files}
    assert "ontology/core.ttl" in onto
    assert {"ontology/vocab/levels.ttl", "ontology/vocab/statuses.ttl"} <= onto
    data = [p.relative_to(project.root).as_posix() for p in project.data_files]
    assert data == sorted(data, key=lambda p: (not p.startswith("data/reference/"), p))
    assert all(p.endswith(".trig") for p in data)


def test_named_graphs_are_kept_and_ontology_sits_apart():
    dataset = load_dataset([FIXTURES / "two-graphs.trig"])
    names = {g.identifier for g in dataset.graphs() if len(g)}
    assert {GRAPH["test-a"], GRAPH["test-b"], ONTOLOGY_GRAPH} <= names
    data = union_graph(dataset)
    assert len(data) == 11
    assert (INST["hospital-a"], URIRef("https://w3id.org/vnhealth/def#partner"), INST["hospital-b"]) in data
    assert len(union_graph(dataset, include_ontology=True)) > len(data)


def test_turtle_without_graphs_goes_into_a_graph_named_after_the_file(tmp_path):
    path = tmp_path / "plain.ttl"
    path.write_text("<urn:a> <urn:p> <urn:b> .\n", encoding="utf-8")
    dataset = load_data([path])
    assert [len(dataset.graph(URIRef(path.resolve().as_uri())))] == [1]


def test_syntax_error_names_file_and_line():
    with pytest.raises(ParseError) as info:
        load_data([FIXTURES / "broken.ttl"])
    assert info.value.line == 6
    assert str(info.value).startswith("tests/fixtures/store/broken.ttl line 6: syntax error: newline found in string literal")


def test_missing_file_and_unknown_suffix_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_data([tmp_path / "absent.trig"])
    odd = tmp_path / "data.xyz"
    odd.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match=r"unknown RDF file type '\.xyz'; known suffixes: \.jsonld, \.nq"):
        load_data([odd])


def test_source_index_points_at_the_defining_line():
    index = SourceIndex([FIXTURES / "two-graphs.trig"], Path(__file__).parent.parent)
    assert index.locate(str(INST["hospital-a"])) == ("tests/fixtures/store/two-graphs.trig", 9)
    assert index.locate(str(INST["hospital-b"])) == ("tests/fixtures/store/two-graphs.trig", 14)
    assert index.locate("urn:nowhere") is None
