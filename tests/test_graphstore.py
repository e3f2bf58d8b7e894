"""The persistent store: built on first use, refreshed by content, never half-published, shared safely."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest

import kg.graph.store as store_module
from kg.cli import main
from kg.errors import InputError, ParseError
from kg.graph.files import Project
from kg.graph.store import StoreLocation, memory_store, open_store
from kg.namespaces import GRAPH

ROOT = Path(__file__).resolve().parent.parent

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"




def triples_in(store, graph) -> int:
    return store.graph_sizes().get(str(graph), 0)


def test_built_on_first_use_then_read_without_parsing(home, monkeypatch):
    first = open_store(Project(home))
    assert first.refresh_note.startswith("store built from 25 files")
    assert triples_in(first, GRAPH["source-002"]) == 324
    assert (home / "build" / "store" / "current").read_text().strip() == "v000001"

    def no_parsing(*args, **kwargs):
        raise AssertionError("an up-to-date store parsed a file")

    monkeypatch.setattr(store_module.ox, "parse", no_parsing)
    again = open_store(Project(home))
    assert again.refresh_note is None
    assert len(again) == len(first)


def test_a_changed_file_reloads_its_own_graph_alone(home):
    open_store(Project(home))
    source = home / "data" / "sources" / "001-lao-cai-no2-lai-chau-2025.trig"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("graph:source-001 {", "graph:source-001 {\n    <urn:test:a> <urn:test:p> <urn:test:b> .", 1),
                      encoding="utf-8")
    refreshed = open_store(Project(home))
    assert refreshed.refresh_note.startswith("store refreshed: 1 changed, 0 removed, 1 files reloaded into 1 graphs")
    assert triples_in(refreshed, GRAPH["source-001"]) == 46
    assert triples_in(refreshed, GRAPH["source-002"]) == 324
    manifest = json.loads((home / "build" / "store" / "v000002.json").read_text())
    assert manifest["files"]["data/sources/001-lao-cai-no2-lai-chau-2025.trig"]["graphs"] == [str(GRAPH["source-001"])]


def test_files_sharing_a_graph_are_reloaded_together(home):
    open_store(Project(home))
    people = home / "data" / "reference" / "people.trig"
    people.write_text(people.read_text(encoding="utf-8") + "\n# reviewed\n", encoding="utf-8")
    refreshed = open_store(Project(home))
    # the four files of data/reference/ all write graph:reference: reloading one alone would lose the others
    assert "4 files reloaded into 1 graphs" in refreshed.refresh_note
    assert triples_in(refreshed, GRAPH["reference"]) == 468


def test_a_new_and_a_removed_file(home):
    open_store(Project(home))
    (home / "data" / "sources" / "001-lao-cai-no2-lai-chau-2025.trig").unlink()
    extra = home / "data" / "sources" / "900-extra.trig"
    extra.write_text("@prefix graph: <https://w3id.org/vnhealth/graph/> .\ngraph:source-900 { <urn:a> <urn:p> <urn:b> . }\n",
                     encoding="utf-8")
    refreshed = open_store(Project(home))
    assert refreshed.refresh_note.startswith("store refreshed: 1 changed, 1 removed")
    assert str(GRAPH["source-001"]) not in refreshed.graph_names()
    assert triples_in(refreshed, GRAPH["source-900"]) == 1


def test_only_a_new_time_does_not_reload(home):
    open_store(Project(home))
    os.utime(home / "data" / "sources" / "003-japan-bach-mai-20-years.trig")
    refreshed = open_store(Project(home))
    assert refreshed.refresh_note == "store up to date (file times changed, contents did not)"
    assert (home / "build" / "store" / "current").read_text().strip() == "v000001"


def test_a_syntax_error_leaves_the_previous_store_in_use(home):
    before = len(open_store(Project(home)))
    source = home / "data" / "sources" / "004-thanh-hoa-oncology-nghe-an-visit.trig"
    good = source.read_text(encoding="utf-8")
    source.write_text(good.replace("graph:source-004 {", "graph:source-004 {\n    <urn:a> <urn:p> ", 1), encoding="utf-8")
    with pytest.raises(ParseError) as info:
        open_store(Project(home))
    assert str(info.value).startswith("data/sources/004-thanh-hoa-oncology-nghe-an-visit.trig line ")
    place = StoreLocation(home / "build" / "store")
    assert place.current() == "v000001"
    assert sorted(p.name for p in place.folder.iterdir()) == ["counter", "current", "lock", "v000001", "v000001.json"]
    reader = store_module.GraphStore(pyoxigraph.Store.read_only(str(place.folder / "v000001")))
    assert len(reader) == before
    source.write_text(good, encoding="utf-8")
    assert len(open_store(Project(home))) == before


def test_a_refresh_that_dies_half_way_publishes_nothing(home, monkeypatch):
    open_store(Project(home))
    source = home / "data" / "sources" / "002-lao-cai-health-sector-2025.trig"
    source.write_text(source.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")

    def killed(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(store_module, "_rebuild_search", killed)
    with pytest.raises(KeyboardInterrupt):
        open_store(Project(home))
    place = StoreLocation(home / "build" / "store")
    assert place.current() == "v000001"
    assert not (place.folder / "v000002.json").exists()  # the half-written version was never published
    monkeypatch.undo()
    monkeypatch.setenv("KG_HOME", str(home))
    again = open_store(Project(home))
    assert again.refresh_note.startswith("store refreshed: 1 changed")
    # the next refresh removes what the dead one left, and keeps the version it replaced
    assert sorted(p.name for p in place.folder.iterdir()) == ["counter", "current", "lock", "v000001",
                                                               "v000001.json", "v000003", "v000003.json"]


def test_two_processes_refresh_at_once_and_agree(home):
    source = home / "data" / "sources" / "000-bach-mai-lao-cai-2023.trig"
    source.write_text(source.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    code = ("import sys; from kg.graph.store import open_store; s = open_store(); "
            "print(len(s), s.location.name)")
    env = {**os.environ, "KG_HOME": str(home)}
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outs
    answers = {out for out, _ in outs}
    assert len(answers) == 1  # one built the store, the others waited for it and read the same version
    # the version they agree on holds the whole project: what this process reads from it afterwards
    assert answers.pop().split()[0] == str(len(open_store(Project(home)))) and len(open_store(Project(home))) > 4000


def test_a_damaged_store_says_to_rebuild(home, capsys):
    open_store(Project(home))
    place = home / "build" / "store"
    (place / "v000001.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"is damaged: v000001\.json cannot be read .*; run kg build --rebuild"):
        open_store(Project(home))
    shutil.rmtree(place / "v000001")
    (place / "v000001.json").write_text(json.dumps({"format": 1, "files": {}}), encoding="utf-8")
    assert main(["stats"]) == 2
    assert "run kg build --rebuild" in capsys.readouterr().err
    assert main(["build", "--rebuild", "-o", str(home / "out")]) == 0
    assert StoreLocation(place).current() not in (None, "v000001")  # numbers never go back: no reader meets a reused name
    assert main(["stats"]) == 0


def test_memory_store_of_named_files_writes_nothing(home):
    store = memory_store([ROOT / "tests" / "fixtures" / "store" / "two-graphs.trig"], Project(home))
    assert store.location is None
    assert {GRAPH["test-a"].toPython(), GRAPH["test-b"].toPython()} <= set(store.graph_names())
    assert not (home / "build").exists()


def test_queries_see_the_union_of_the_graphs(store):
    variables, rows = store.rows("SELECT (COUNT(DISTINCT ?h) AS ?n) WHERE { ?h a <https://w3id.org/vnhealth/def#RegionalHospital> }")
    assert (variables, [r[0].toPython() for r in rows]) == (["n"], [3])


def test_a_refresh_updates_the_search_labels_of_what_changed(home):
    import kg

    store = open_store(Project(home))
    assert [m.iri for m in kg.find("lai chau provincial general", graph=store)][:1] == [
        "https://w3id.org/vnhealth/id/org/lai-chau-provincial-general-hospital"]
    places = home / "data" / "reference" / "institutions.trig"
    places.write_text(places.read_text(encoding="utf-8").replace('"Lai Chau Provincial General Hospital"@en',
                                                                 '"Lai Chau Renamed Hospital"@en'), encoding="utf-8")
    refreshed = open_store(Project(home))
    assert kg.find("lai chau renamed", graph=refreshed)[0].iri.endswith("/lai-chau-provincial-general-hospital")
    assert kg.find("lai chau provincial general hospital", graph=refreshed, kinds=["institution"]) == []
    rebuilt = open_store(Project(home), rebuild=True)
    assert sorted(rebuilt.rows("SELECT ?s ?l WHERE { GRAPH <https://w3id.org/vnhealth/graph/search-labels> "
                               "{ ?s ?p ?l } }")[1]) == sorted(
        refreshed.rows("SELECT ?s ?l WHERE { GRAPH <https://w3id.org/vnhealth/graph/search-labels> { ?s ?p ?l } }")[1])


def test_a_failed_rebuild_keeps_the_published_version(home):
    before = len(open_store(Project(home)))
    source = home / "data" / "sources" / "003-japan-bach-mai-20-years.trig"
    good = source.read_text(encoding="utf-8")
    source.write_text(good + "\n<urn:a> <urn:p> .\n", encoding="utf-8")
    with pytest.raises(ParseError):
        open_store(Project(home), rebuild=True)
    source.write_text(good, encoding="utf-8")
    assert len(open_store(Project(home))) == before


def test_blank_nodes_of_two_files_are_two_nodes_and_shared_graphs_reload_whole(home):
    sources = home / "data" / "sources"
    (sources / "900-a.trig").write_text("<urn:g:a> { <urn:s1> <urn:has> _:b1 . _:b1 <urn:name> \"A\" . }\n"
                                        "<urn:g:extra> { <urn:x> <urn:has> _:e . _:e <urn:name> \"E\" . }\n",
                                        encoding="utf-8")
    (sources / "901-b.trig").write_text("<urn:g:a> { <urn:s2> <urn:has> _:b1 . _:b1 <urn:name> \"B\" . }\n",
                                        encoding="utf-8")
    store = open_store(Project(home))
    names = store.rows("SELECT ?n WHERE { <urn:s1> <urn:has> ?b . ?b <urn:name> ?n }")[1]
    assert [str(r[0]) for r in names] == ["A"]
    (sources / "901-b.trig").write_text("<urn:g:a> { <urn:s2> <urn:has> _:b1 . _:b1 <urn:name> \"C\" . }\n",
                                        encoding="utf-8")
    store = open_store(Project(home))  # 900-a is reloaded for graph a, and so its graph extra is reloaded too
    assert store.graph_sizes()["urn:g:extra"] == 2
    assert store.graph_sizes()["urn:g:a"] == 4


def test_a_graph_named_by_a_blank_node_is_a_parse_error(home):
    (home / "data" / "sources" / "902-blank.trig").write_text("_:g { <urn:a> <urn:p> <urn:b> . }\n", encoding="utf-8")
    with pytest.raises(ParseError, match="902-blank.trig: a graph is named by a blank node"):
        open_store(Project(home))
