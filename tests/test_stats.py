"""Counts per class, per graph and per label language, on a fixture worked out by hand."""

from pathlib import Path

from kg.cli import main
from kg.graph.stats import compute_stats
from kg.graph.files import load_dataset

FIXTURE = Path(__file__).parent / "fixtures" / "store" / "two-graphs.trig"


def test_counts_on_a_fixture():
    stats = compute_stats(load_dataset([FIXTURE]))
    assert stats.triples == 11
    assert dict(stats.classes) == {"hkg:GeneralHospital": 1, "hkg:Hospital": 1, "time:Duration": 1}
    assert dict(stats.graphs) == {"graph:test-a": 3, "graph:test-b": 8}
    # two institutions with @vi and @en labels, plus every label of the ontology and schemes
    ontology_only = compute_stats(load_dataset([]))
    assert stats.languages["vi"] - ontology_only.languages["vi"] == 2
    assert stats.languages["en"] - ontology_only.languages["en"] == 2
    assert stats.concepts == ontology_only.concepts > 0


def test_cli_stats_csv_rows(capsys, curated):
    assert main(["stats", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "section,key,count"
    expected = compute_stats(curated)
    assert lines[1] == f"total,triples,{expected.triples}"
    assert len(lines) == 1 + len(expected.rows())
