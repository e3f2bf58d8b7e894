"""Validation after a change: only the graphs the change can affect are validated again, with the same
findings as a validation of the whole graph."""

from __future__ import annotations

from pathlib import Path


from kg.graph.files import Project
from kg.graph.store import open_store
from kg.validation.validator import validate

ROOT = Path(__file__).resolve().parent.parent




def keys(report):
    return sorted((f.severity, f.focus, f.path or "", f.component, f.message, f.value or "", f.file or "", f.line or 0)
                  for f in report.findings)


def full(project):
    cache = project.build_dir / "store" / "validation-cache.json"
    cache.unlink(missing_ok=True)
    report = validate(project=project)
    assert report.note.startswith("validated the whole graph")
    return report


def edit(path: Path, old: str, new: str):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_one_changed_source_is_validated_again_alone(home):
    project = Project(home)
    first = validate(project=project)
    assert first.note == "validated the whole graph (6 graphs)"
    assert validate(project=project).note == "no graph changed since the last validation: the findings of 6 graphs reused"
    # a new violation in source 001: an agreement that ends before it starts
    edit(home / "data" / "sources" / "001-lao-cai-no2-lai-chau-2025.trig", '"2030-10-27"^^xsd:date', '"2020-10-27"^^xsd:date')
    again = validate(project=project)
    assert again.note == "validated again 1 of 6 graphs (1 changed, 0 that use them); the findings of the others reused"
    assert keys(again) == keys(full(project))
    assert len(again.findings) > len(first.findings)


def test_a_changed_reference_validates_what_uses_it(home):
    project = Project(home)
    validate(project=project)
    # a hospital loses its English label: the reference changed, and every source that points at it is affected
    edit(home / "data" / "reference" / "institutions.trig", ', "Lai Chau Provincial General Hospital"@en', "")
    again = validate(project=project)
    assert again.note.startswith("validated ")
    assert keys(again) == keys(full(project))


def test_a_generated_graph_with_violations_gives_the_same_findings_after_a_change(tmp_path, monkeypatch):
    from kg.cli import main

    folder = tmp_path / "g"
    assert main(["generate", "--institutions", "80", "--seed", "3", "--violations", "6", "-o", str(folder)]) == 0
    monkeypatch.setenv("KG_HOME", str(folder))
    project = Project(folder)
    validate(project=project)
    source = sorted((folder / "data" / "sources").glob("*.trig"))[1]
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("@en", "@fr", 1), encoding="utf-8")  # one label in a language of its own
    again = validate(project=project)
    assert again.note.startswith("validated again ")
    assert keys(again) == keys(full(project))
    assert open_store(project).refresh_note is None  # validate refreshed the store, and nothing is left to do


def test_an_entity_described_in_two_graphs_makes_a_full_run(home):
    project = Project(home)
    validate(project=project)
    hospital = "inst:lao-cai-general-hospital-no2"
    edit(home / "data" / "sources" / "001-lao-cai-no2-lai-chau-2025.trig", "graph:source-001 {",
         f'graph:source-001 {{\n    {hospital} <https://w3id.org/vnhealth/def#note> "described here too" .')
    again = validate(project=project)
    assert again.note == "validated the whole graph (6 graphs)"
