"""``kg validate`` and the ``Report``: exit codes, formats, locations, and nothing written on bad input."""

import json
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import RDF

from kg.cli import main
from kg.namespaces import SH
from kg.validation.report import Finding, Report
from kg.validation.validator import validate

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "store" / "broken.ttl"


def test_malformed_turtle_is_exit_2_with_file_and_line_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "report.json"
    assert main(["validate", str(BROKEN), "--format", "json", "-o", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ("Error: tests/fixtures/store/broken.ttl line 6: syntax error: newline found in string "
                            "literal; fix the turtle syntax there\n")
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_missing_file_is_exit_2(capsys):
    assert main(["validate", "no/such/file.trig"]) == 2
    assert capsys.readouterr().err == "Error: no/such/file.trig: no such file; give the path of a Turtle or TriG file\n"


def test_report_formats_agree():
    finding = Finding(severity="Violation", file="data/x.trig", line=3, focus="https://w3id.org/vnhealth/id/org/a",
                      path="http://www.w3.org/2000/01/rdf-schema#label",
                      component=str(SH.MinCountConstraintComponent), message="add a label", label="A")
    warning = Finding(severity="Warning", file=None, line=None, focus="https://w3id.org/vnhealth/id/org/b", path=None,
                      component="query:example-violation", message="look at this")
    report = Report(findings=[warning, finding], triples=7)
    assert not report.conforms
    assert report.to_text() == (
        "Violation (1)\n"
        '  data/x.trig:3  inst:a "A"\n'
        "    rdfs:label: add a label [sh:MinCountConstraintComponent]\n"
        "\n"
        "Warning (1)\n"
        "  (not found in the data files)  inst:b\n"
        "    look at this [query:example-violation]\n"
        "\n"
        "1 violations, 1 warnings, 0 info on 7 triples: does not conform\n")
    body = json.loads(report.to_json())
    assert body["conforms"] is False and [f["severity"] for f in body["findings"]] == ["Violation", "Warning"]
    graph = Graph().parse(data=report.to_turtle(), format="turtle")
    assert (None, SH.conforms, Literal(False)) in graph
    assert len(list(graph.subjects(RDF.type, SH.ValidationResult))) == 2
    assert Report(findings=[warning]).conforms


def test_curated_graph_conforms_and_cli_says_so(capsys):
    report = validate()
    assert report.conforms, report.to_text()
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.endswith(f"on {report.triples} triples: conforms\n")


def test_findings_without_a_file_sort_beside_located_ones():
    """A blank-node focus has no file; sorting it among located findings must not fail."""
    located = Finding(severity="Violation", file="data/x.trig", line=3, focus="urn:a", path=None,
                      component="c", message="m")
    unlocated = Finding(severity="Violation", file=None, line=None, focus="_:b1", path="urn:p",
                        component="c", message="m")
    report = Report(findings=[located, unlocated], triples=2)
    text = report.to_text()
    assert text.index("(not found in the data files)") < text.index("data/x.trig:3")
    assert [f["focus"] for f in json.loads(report.to_json())["findings"]] == ["_:b1", "urn:a"]
