"""The referral network: projection, measures worked out by hand, snapshots, RDF write-back, exports and
``kg referrals``, on ``fixtures/network/referrals.trig`` (over ``small.trig``) and on the curated graph."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from kg.cli import main
from kg.graph.files import Project
from kg.graph.store import memory_store
from kg.namespaces import AREA, GRAPH, GROUP, INST, REF
from kg.network.projection import project_network
from kg.network.referral import (centralisation, project_referrals, referral_measures, referral_metrics_graph,
                                 referral_rows)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "network"
A, B, C, D, E, G, H = (str(INST[n]) for n in ("hospital-a", "hospital-b", "hospital-c", "hospital-d", "hospital-e",
                                               "hospital-g", "station-h"))
P, Q = str(AREA["province-p"]), str(AREA["province-q"])


@pytest.fixture(scope="module")
def small():
    store = memory_store([FIXTURES / "small.trig", FIXTURES / "referrals.trig"], Project(ROOT))
    referrals = project_referrals(store, project=Project(ROOT))
    support = project_network(store, project=Project(ROOT))
    return store, referrals, support


@pytest.fixture(scope="module")
def curated(store):
    return project_referrals(store), project_network(store)


def test_the_projection_has_one_edge_per_pair_weighted_by_stated_volume(small):
    graph = small[1].network
    assert (graph.number_of_nodes(), graph.number_of_edges(), len(small[1].flows)) == (9, 7, 7)
    assert {(u, v): d["weight"] for u, v, d in graph.edges(data=True)} == {
        (B, A): 100.0, (D, B): 50.0, (E, B): 30.0, (G, B): 20.0, (H, C): 10.0,
        (str(GROUP["patients-of-q"]), A): 0.0, (str(GROUP["like-b"]), A): 0.0}
    edge = graph.edges[D, B]
    assert (edge["volume_min"], edge["volume_max"], edge["approximate"], edge["share"], edge["volume_stated"],
            edge["upper_bound"]) == (40.0, 60.0, True, "most", True, True)  # "most": the figure bounds the referrals
    assert graph.edges[B, A]["upper_bound"] is False
    assert graph.edges[str(GROUP["patients-of-q"]), A]["volume_stated"] is False


def test_an_unnamed_group_stays_a_node_of_its_own_even_with_an_institutions_name(small):
    graph = small[1].network
    like_b = graph.nodes[str(GROUP["like-b"])]
    assert like_b["label_en"] == graph.nodes[B]["label_en"] == "B Provincial General Hospital"
    assert (like_b["kind"], like_b["group"], graph.nodes[B]["kind"], graph.nodes[B]["group"]) == \
        ("InstitutionGroup", True, "Institution", False)
    assert graph.nodes[str(GROUP["patients-of-q"])]["kind"] == "PatientGroup"


def test_load_dependence_origins_centralisation_and_retention_by_hand(small):
    measures = referral_measures(small[1], small[2].support)
    assert {n: v for n, v in measures.in_strength.items() if v} == {A: 100.0, B: 100.0, C: 10.0}
    assert {n: v for n, v in measures.out_strength.items() if v} == {B: 100.0, D: 50.0, E: 30.0, G: 20.0, H: 10.0}
    assert measures.origin_share == {A: {P: 1.0}, B: {P: 0.8, Q: 0.2}, C: {P: 1.0}}  # D's town lies in P
    assert measures.centralisation == pytest.approx(90 / 200)  # over the receivers A, B, C: loads 100, 100, 10
    assert measures.retention == {P: 1.0, Q: 0.0}  # B to A does not count: A's province is not stated
    assert measures.groups == [str(GROUP["like-b"]), str(GROUP["patients-of-q"])]


def test_reciprocity_finds_the_pairs_where_support_goes_down_and_patients_come_up(small):
    pairs = referral_measures(small[1], small[2].support).reciprocity
    assert [(p["level"], p["supporter"], p["supported"]) for p in pairs] == [
        ("institution", A, B), ("institution", B, D), ("institution", B, E)]
    assert all(p["trends"] == [] for p in pairs)


def test_centralisation_is_undefined_without_a_stated_volume():
    assert centralisation(nx.DiGraph([("a", "b", {"weight": 0.0}), ("c", "d", {"weight": 0.0})])) is None
    assert centralisation(nx.DiGraph([("a", "b", {"weight": 3.0})])) is None  # one receiver: nothing to compare
    assert centralisation(nx.DiGraph([("a", "b", {"weight": 3.0}), ("c", "d", {"weight": 3.0})])) == 0.0
    assert centralisation(nx.DiGraph([("a", "b", {"weight": 3.0}), ("c", "d", {"weight": 1.0}),
                                      ("e", "d", {"weight": 0.0})])) == pytest.approx(2 / 3)


def test_a_flow_from_a_node_to_itself_is_left_out():
    from kg.network.referral import Flow, referral_network

    graph = referral_network([Flow("urn:f", "urn:a", "urn:a", value=5.0), Flow("urn:g", "urn:a", "urn:b", value=2.0)], {})
    assert list(graph.edges(data="weight")) == [("urn:a", "urn:b", 2.0)]


@pytest.mark.parametrize("day,flows", [
    (date(2020, 12, 31), {"e-to-b", "g-to-b", "q-patients-to-a", "like-b-to-a"}),
    (date(2022, 6, 1), {"b-to-a", "e-to-b", "g-to-b", "q-patients-to-a", "like-b-to-a"}),
    (date(2024, 1, 1), {"d-to-b", "e-to-b", "g-to-b", "q-patients-to-a", "like-b-to-a"}),
    (date(2025, 1, 1), {"d-to-b", "e-to-b", "g-to-b", "h-to-c", "q-patients-to-a", "like-b-to-a"}),
])
def test_a_snapshot_keeps_the_flows_in_force_on_its_day(small, day, flows):
    whole = small[1]
    shown = project_referrals(None, day, flows=whole.flows, nodes=whole.nodes)
    assert {f.iri.rsplit("/", 1)[-1] for f in shown.flows} == flows
    assert shown.as_of == day


def test_the_curated_referrals_project_and_measure_as_the_sources_say(curated):
    referrals, support = curated
    graph = referrals.network
    stroke = str(INST["bach-mai-stroke-center"])
    assert (graph.number_of_nodes(), graph.number_of_edges(), len(referrals.flows)) == (6, 3, 3)
    edge = graph.edges[str(GROUP["hospitals-referring-to-bach-mai-stroke-center"]), stroke]
    assert (edge["weight"], edge["volume_min"], edge["volume_max"], edge["approximate"], edge["share"],
            edge["upper_bound"]) == (12500.0, 12000.0, 13000.0, True, "most", True)
    measures = referral_measures(referrals, support.support)
    assert {n: v for n, v in measures.in_strength.items() if v} == {stroke: 12500.0}
    assert measures.origin_share == {stroke: {"not stated": 1.0}}
    assert measures.centralisation == 1.0 and measures.retention == {}
    assert [(p["level"], p["supporter"], p["supported"], p["flows"], p["trends"]) for p in measures.reciprocity] == [
        ("province", str(AREA["hanoi"]), str(AREA["lao-cai-province-old"]), [str(REF["lao-cai-patients-to-hanoi"])],
         ["fewer-referred"])]  # the source says the flow has shrunk: the pair carries it
    assert referral_rows(referrals, measures)[0]["stated"] == \
        "at most about 12,000-13,000: the figure counts every patient received, most of them referred"


@pytest.mark.parametrize("day,flows", [
    ("2020-01-01", {"bach-mai-stroke-center-referrals", "lao-cai-patients-to-hanoi", "localities-to-central-level"}),
    ("2025-06-30", {"bach-mai-stroke-center-referrals", "lao-cai-patients-to-hanoi", "localities-to-central-level"}),
    ("2025-07-01", {"bach-mai-stroke-center-referrals", "localities-to-central-level"}),  # the old province has ended
])
def test_a_curated_flow_lasts_as_long_as_the_area_of_its_side(curated, day, flows):
    whole = curated[0]
    shown = project_referrals(None, day, flows=whole.flows, nodes=whole.nodes)
    assert {f.iri.rsplit("/", 1)[-1] for f in shown.flows} == flows


def test_the_measures_are_written_back_as_rdf_in_their_own_graph(small):
    measures = referral_measures(small[1], small[2].support)
    graph = referral_metrics_graph(measures, small[1])
    assert graph.identifier == GRAPH["metrics/referral"]
    rows = {(str(r.measure).rsplit("/", 1)[-1], str(r.node or r.area), float(r.value)) for r in graph.query("""
        PREFIX hkg: <https://w3id.org/vnhealth/def#> PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?measure ?node ?area ?value WHERE {
          ?v a hkg:MetricValue ; hkg:metricValue ?value ; prov:wasGeneratedBy/hkg:analysedMeasure ?measure .
          OPTIONAL { ?v hkg:measuredNode ?node } OPTIONAL { ?v hkg:measuredArea ?area }
          FILTER(?measure != <https://w3id.org/vnhealth/id/metric/referral-reciprocity>)
          FILTER(?value != 0) }""")}
    assert ("referral-in-strength", B, 100.0) in rows and ("referral-retention", P, 1.0) in rows
    assert [v for m, _, v in rows if m == "referral-centralisation"] == [0.45]
    ends = {(str(r.s), str(r.r)) for r in graph.query("""
        PREFIX hkg: <https://w3id.org/vnhealth/def#>
        SELECT ?s ?r WHERE { ?v hkg:supportingEnd ?s ; hkg:referringEnd ?r }""")}
    assert ends == {(A, B), (B, D), (B, E)}
    snap = project_referrals(None, "2022-06-01", flows=small[1].flows, nodes=small[1].nodes)
    assert referral_metrics_graph(referral_measures(snap), snap).identifier == GRAPH["metrics/referral/2022-06-01"]


def test_kg_referrals_prints_exports_and_writes_rdf(tmp_path, capsys):
    assert main(["referrals", "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert "Referral network: 3 flows, 6 nodes (5 unnamed groups), 3 edges, 1 with a stated volume" in out
    assert "Stroke Center, Bach Mai Hospital  (stated: at most about 12,000-13,000" in out
    assert ("institutions of Hanoi support Lao Cai province (before 1 July 2025), whose patients go to Hanoi "
            "(lao-cai-patients-to-hanoi; the source says fewer patients go there now)") in out
    assert main(["referrals", "--lang", "vi"]) == 0
    assert "Trung tâm Đột quỵ, Bệnh viện Bạch Mai: không rõ 100%" in capsys.readouterr().out
    assert main(["referrals", "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["centralisation"] == 1.0 and body["nodes"][0]["load"] == 12500.0
    for fmt in ("graphml", "gexf"):
        path = tmp_path / f"r.{fmt}"
        assert main(["referrals", "--export", fmt, "-o", str(path)]) == 0
        back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
        assert (back.number_of_nodes(), back.number_of_edges(), back.is_directed()) == (6, 3, True)
        assert sorted(d["weight"] for _, _, d in back.edges(data=True)) == [0.0, 0.0, 12500.0]
    rdf = tmp_path / "r.trig"
    assert main(["referrals", "--write-rdf", str(rdf)]) == 0
    from rdflib import Dataset

    assert len(Dataset().parse(rdf, format="trig").graph(GRAPH["metrics/referral"])) > 50
    capsys.readouterr()
    assert main(["referrals", "--export", "gexf"]) == 2
    assert "--export gexf needs -o FILE" in capsys.readouterr().err
    assert main(["referrals", "--as-of", "2020-01-01", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "rank,iri,node,kind,area,load,dependence,flows_in,flows_out,stated"


def test_kg_network_ranks_the_receivers_by_load_with_network_referral(capsys):
    assert main(["network", "--network", "referral", "--format", "csv", "--top", "1"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith(
        "1,https://w3id.org/vnhealth/id/org/bach-mai-stroke-center,\"Stroke Center, Bach Mai Hospital\",Institution,Hanoi,12500.0")
    assert main(["network", "--network", "referral", "--measure", "pagerank"]) == 2
    assert "--network referral takes --as-of" in capsys.readouterr().err


def test_who_sends_patients_to_bach_mai_answers_with_the_unnamed_hospitals(capsys):
    assert main(["query", "referrals-received", "-p", "institution=bach mai", "--format", "csv", "--iris"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 2 and rows[1].startswith(
        "https://w3id.org/vnhealth/id/org/bach-mai-stroke-center,"
        "https://w3id.org/vnhealth/id/group/hospitals-referring-to-bach-mai-stroke-center,"
        "https://w3id.org/vnhealth/def#InstitutionGroup,,,12000,13000,")
