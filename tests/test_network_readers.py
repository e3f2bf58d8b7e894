"""The network exports opened by the tools their users run: networkx and igraph read the GraphML, networkx
and graphology (JavaScript, the library behind Sigma.js and Gephi Lite) read the GEXF, and each finds the
project's support networks, with human labels in the chosen language and the IRI of every node.

graphology comes from the npm registry into ``tests/js/node_modules`` (``make test`` installs it from
``tests/js/package-lock.json`` when Node.js and npm are there); without it, its tests are skipped and say why.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import igraph
import networkx as nx
import pytest

from kg.network.files import annotated, write_network
from kg.network.measures import compute_measures
from kg.network.projection import project_network
from kg.network.referral import project_referrals

TESTS = Path(__file__).resolve().parent
JS = TESTS / "js"
GEXF = "{http://gexf.net/1.3}"


@pytest.fixture(scope="module")
def networks(store, project):
    """The curated cooperation network with its measures, and the referral network, as the commands export them."""
    projection = project_network(store, project=project)
    return {"cooperation": annotated(projection.cooperation, compute_measures(projection)),
            "referral": project_referrals(store, project=project).network}


def _label(attrs: dict, lang: str) -> str:
    return attrs.get(f"label_{lang}") or attrs["label_en"]


def _edges(graph: nx.Graph) -> set:
    pairs = {(u, v) for u, v in graph.edges()}
    return pairs if graph.is_directed() else {frozenset(p) for p in pairs}


@pytest.fixture(scope="module")
def graphology():
    """A function reading a GEXF file with graphology-gexf and giving graphology's JSON of the graph."""
    node = shutil.which("node")
    if not node or not (JS / "node_modules" / "graphology-gexf").is_dir():
        pytest.skip("graphology is not installed: needs Node.js and `npm ci --prefix tests/js` (make test runs it)")

    def read(path: Path) -> dict:
        done = subprocess.run([node, str(JS / "read-gexf.js"), str(path)], capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stderr[-800:]
        return json.loads(done.stdout)

    return read


@pytest.mark.parametrize("name", ["cooperation", "referral"])
def test_graphml_opens_in_networkx_and_igraph_with_every_node_and_edge(networks, name, tmp_path):
    graph = networks[name]
    path = write_network(graph, "graphml", tmp_path / f"{name}.graphml")
    back = nx.read_graphml(path)
    assert set(back.nodes) == set(graph.nodes) and _edges(back) == _edges(graph)
    assert {n: back.nodes[n]["label_vi"] for n in back} == {n: graph.nodes[n]["label_vi"] for n in graph}
    read = igraph.Graph.Read_GraphML(str(path))
    assert read.is_directed() == graph.is_directed()
    ids = read.vs["id"]
    assert sorted(ids) == sorted(graph.nodes)
    assert sorted(read.vs["label_en"]) == sorted(graph.nodes[n]["label_en"] for n in graph)
    pairs = {(ids[e.source], ids[e.target]) for e in read.es}
    assert (pairs if graph.is_directed() else {frozenset(p) for p in pairs}) == _edges(graph)
    if name == "cooperation":
        assert read.vs["betweenness"] == pytest.approx([graph.nodes[i]["betweenness"] for i in ids])


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("name", ["cooperation", "referral"])
def test_gexf_opens_in_networkx_with_labels_in_the_language_and_the_iri(networks, name, lang, tmp_path):
    graph = networks[name]
    back = nx.read_gexf(write_network(graph, "gexf", tmp_path / f"{name}.gexf", lang))
    assert set(back.nodes) == set(graph.nodes) and _edges(back) == _edges(graph)
    assert {n: back.nodes[n]["label"] for n in back} == {n: _label(graph.nodes[n], lang) for n in graph}
    assert all(back.nodes[n]["iri"] == n for n in back)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("name", ["cooperation", "referral"])
def test_gexf_opens_in_graphology_with_labels_the_iri_and_the_periods_as_stated(networks, graphology, name, lang,
                                                                                tmp_path):
    graph = networks[name]
    read = graphology(write_network(graph, "gexf", tmp_path / f"{name}.gexf", lang))
    assert read["type"] == ("directed" if graph.is_directed() else "undirected") and not read["multi"]
    nodes = {n["key"]: n["attributes"] for n in read["nodes"]}
    assert {k: a["label"] for k, a in nodes.items()} == {n: _label(graph.nodes[n], lang) for n in graph}
    assert all(a["iri"] == k for k, a in nodes.items())
    pairs = {(e["source"], e["target"]) for e in read["edges"]}
    assert (pairs if graph.is_directed() else {frozenset(p) for p in pairs}) == _edges(graph)
    stated = {frozenset((e["source"], e["target"])): e["attributes"].get("start_as_stated") for e in read["edges"]}
    assert stated == {frozenset((u, v)): a.get("start") for u, v, a in graph.edges(data=True)}
    if name == "cooperation":
        assert any(value and len(value) < 10 for value in stated.values()), "some periods start with a year only"
        assert {k: a["betweenness"] for k, a in nodes.items()} == pytest.approx(
            {n: graph.nodes[n]["betweenness"] for n in graph})
