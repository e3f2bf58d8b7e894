"""The network projection, its measures, snapshots, RDF write-back, exports and the ``kg network`` command.

Measures are checked on graphs small enough to work out by hand, on the fixture
``fixtures/network/small.trig`` (drawn in its header) and on the curated graph against
what the source articles say.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from kg.cli import main
from kg.errors import InputError
from kg.network.measures import MEASURES, compute_measures, ranked
from kg.network.measures import articulation, authorities, betweenness, bridges, closeness, community, component, eigenvector, hubs, pagerank, reach_onward
from kg.network.metrics import add_metrics, metrics_graph_iri
from kg.namespaces import AGR, GRAPH, INST, METRIC, STATUS
from kg.network.projection import change_dates, project_network, read_links, snapshot_diff
from kg.network.files import annotated, serialise_network, write_network
from kg.graph.files import Project, load_dataset

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures" / "network"

A, B, C, D, E = (str(INST[f"hospital-{x}"]) for x in "abcde")
F, G, H = str(INST["institute-f"]), str(INST["hospital-g"]), str(INST["station-h"])


@pytest.fixture(scope="module")
def small():
    return load_dataset([FIXTURES / "small.trig"], Project(ROOT))


@pytest.fixture(scope="module")
def dates():
    return load_dataset([FIXTURES / "dates.trig"], Project(ROOT))


@pytest.fixture(scope="module")
def projection(small):
    return project_network(small, project=Project(ROOT))


@pytest.fixture(scope="module")
def results(projection):
    return compute_measures(projection)


# --- measures on graphs worked out by hand ----------------------------------------------------

def test_path_of_three_middle_node_is_the_broker_and_the_weak_point():
    path = nx.path_graph(3)
    assert betweenness(path) == {0: 0.0, 1: 1.0, 2: 0.0}
    assert closeness(path) == pytest.approx({0: 2 / 3, 1: 1.0, 2: 2 / 3})
    assert articulation(path) == {0: 0, 1: 1, 2: 0}
    assert bridges(path) == {(0, 1): 1, (1, 2): 1}
    assert component(path) == {0: 1, 1: 1, 2: 1}


def test_directed_chain_betweenness_and_reach():
    chain = nx.DiGraph([("a", "b"), ("b", "c")])
    # one ordered pair (a, c) of the 3 * 2 = 6 passes through b
    assert betweenness(chain)["b"] == pytest.approx(1 / 2)
    assert reach_onward(chain) == {"a": 2, "b": 1, "c": 0}


def test_cycle_has_no_weak_point():
    cycle = nx.cycle_graph(4)
    assert set(articulation(cycle).values()) == {0}
    assert bridges(cycle) == {}


def test_star_eigenvector_and_hits():
    star = nx.star_graph(3)  # centre 0: eigenvalue sqrt(3), centre weight sqrt(3) times a leaf's
    values = eigenvector(star)
    assert values[0] == pytest.approx(1 / 2 ** 0.5)
    assert values[1] == pytest.approx(1 / 6 ** 0.5)
    out_star = nx.DiGraph([(0, 1), (0, 2), (0, 3)])
    assert hubs(out_star) == pytest.approx({0: 1.0, 1: 0.0, 2: 0.0, 3: 0.0})
    assert authorities(out_star) == pytest.approx({0: 0.0, 1: 1 / 3, 2: 1 / 3, 3: 1 / 3})


def test_eigenvector_only_on_the_largest_component():
    graph = nx.Graph([(1, 2), (2, 3), (4, 5)])
    assert set(eigenvector(graph)) == {1, 2, 3}
    assert eigenvector(nx.empty_graph(3)) == {}


def test_pagerank_sums_to_one_and_louvain_is_seeded():
    graph = nx.DiGraph([(1, 2), (2, 3), (3, 1), (3, 4)])
    assert sum(pagerank(graph).values()) == pytest.approx(1.0)
    barbell = nx.barbell_graph(4, 0)  # two 4-cliques joined by the edge 3-4
    assert community(barbell) == {0: 1, 1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 2, 7: 2}


def test_ranked_shares_ranks_between_equal_values():
    assert ranked({"x": 2, "y": 5, "z": 2}) == [(1, "y", 5), (2, "x", 2), (2, "z", 2)]


# --- the projection of the fixture -------------------------------------------------------------

def test_support_network_of_the_fixture(projection):
    support = projection.support
    assert sorted(support.edges) == sorted([(F, A), (A, B), (A, C), (B, D), (B, E)])
    assert support.edges[A, B]["weight"] == 2  # agreement and training
    assert support.edges[A, C]["types"] == ["TechniqueTransfer", "Training"]  # one link with two types
    assert support.edges[A, C]["weight"] == 1
    assert H not in support  # planned support only


def test_cooperation_network_adds_partnerships(projection):
    coop = projection.cooperation
    assert coop.number_of_nodes() == 7 and coop.number_of_edges() == 6
    assert coop.edges[B, G]["kind"] == "partnership"
    assert coop.edges[A, B]["kind"] == "support" and coop.edges[A, B]["supporters"] == [A]


def test_nodes_carry_kind_level_province_and_labels(projection):
    d = projection.institutions[D]
    assert (d["kind"], d["level"], d["province_en"]) == ("RegionalHospital", "regional", "P Province")  # via a district
    assert d["label_vi"] == "Bệnh viện khu vực Dê"
    f = projection.institutions[F]
    assert f["foreign"] and f["country_en"] == "Japan"


def test_planned_links_are_kept_flagged_and_left_out_unless_asked(small):
    plain = project_network(small, project=Project(ROOT))
    assert [l.iri.rsplit("/", 1)[1] for l in plain.planned_links] == ["c-will-support-h"]
    assert plain.planned_links[0].status == str(STATUS.planned)
    planned = project_network(small, include_planned=True, project=Project(ROOT))
    assert planned.support.has_edge(C, H) and planned.support.edges[C, H]["planned"]


def test_edges_carry_areas_techniques_period_and_sources(projection):
    edge = projection.support.edges[A, B]  # agreement 2021..2022 and training 2021-06-01..2021-06
    assert (edge["start"], edge["end"]) == ("2021", "2022")  # as written
    assert edge["statuses"] == ["ended"] and edge["sources"] == ["https://w3id.org/vnhealth/id/source/900"]
    assert (edge["areas_en"], edge["areas_vi"]) == (["training (test)"], ["đào tạo (thử)"])
    assert edge["techniques_vi"] == ["ECMO (thử)"]
    assert projection.support.edges[A, C]["techniques_en"] == ["ECMO (test)", "thrombolysis (test)"]
    assert projection.support.edges[A, C]["end"] is None  # open-ended


# --- measures on the fixture, by hand ----------------------------------------------------------

def test_fixture_betweenness_articulation_bridges(results):
    # cooperation network: a tree on 7 nodes, 15 pairs; A separates {F}, {C}, {B, D, E, G}: 1 + 4 + 4 = 9 pairs;
    # B separates {A, C, F}, {D}, {E}, {G}: 3 * 3 + 3 = 12 pairs
    assert results["betweenness"].values[A] == pytest.approx(9 / 15)
    assert results["betweenness"].values[B] == pytest.approx(12 / 15)
    assert {n for n, v in results["articulation"].values.items() if v} == {A, B}
    assert len(results["bridge"].values) == 6


def test_fixture_degrees_and_reach(results):
    assert results["out_degree"].values == {A: 2, B: 2, C: 0, D: 0, E: 0, F: 1}
    assert results["out_strength"].values[A] == 3
    assert results["reach_onward"].values[F] == 5 and results["reach_onward"].values[A] == 4
    # directed betweenness: A is on F->B, F->C, F->D, F->E; B on F->D, F->E, A->D, A->E; 4 / (5 * 4)
    assert results["support_betweenness"].values[A] == pytest.approx(0.2)
    assert results["support_betweenness"].values[B] == pytest.approx(0.2)


def test_fixture_communities_follow_the_two_halves(results):
    values = results["community"].values
    assert {n for n, c in values.items() if c == 1} == {B, D, E, G}
    assert {n for n, c in values.items() if c == 2} == {A, C, F}


def test_every_measure_runs(results):
    assert set(results) == set(MEASURES)


# --- snapshots --------------------------------------------------------------------------------

@pytest.mark.parametrize("day, expected", [
    ("2019-12-31", {"no-year"}),
    ("2020-01-01", {"by-year", "no-year"}),      # a year starts on its first day
    ("2021-12-31", {"by-year", "no-year"}),      # ... and ends on its last
    ("2022-01-01", {"no-year"}),
    ("2022-03-16", {"by-day", "no-year"}),
    ("2022-03-17", {"no-year"}),
    ("2024-02-01", {"by-month", "no-year"}),     # a month starts on its first day
    ("2024-02-29", {"by-month", "no-year"}),     # ... and ends on its last, leap day included
    ("2024-03-01", {"no-year"}),
])
def test_snapshot_rule_for_partial_dates(dates, day, expected):
    assert {l.iri.rsplit("/", 1)[1] for l in read_links(dates, day, Project(ROOT))} == expected


def test_snapshot_of_the_fixture(small):
    snap = project_network(small, "2021-06-15", project=Project(ROOT))
    assert sorted(snap.support.edges) == sorted([(F, A), (A, B)])
    assert snap.support.edges[A, B]["weight"] == 2
    assert sorted(project_network(small, "2023-01-01", project=Project(ROOT)).support.edges) == [(F, A)]


def test_difference_between_two_dates(small):
    diff = snapshot_diff(project_network(small, project=Project(ROOT)), "2021-06-15", "2023-08-01")
    assert [l.iri.rsplit("/", 1)[1] for l in diff.added] == ["a-transfers-to-c", "b-with-g"]
    assert [l.iri.rsplit("/", 1)[1] for l in diff.removed] == ["a-trains-b", "a-supports-b"]  # by IRI: activity/, agreement/


def test_change_dates(projection):
    assert change_dates(projection.links) == [date(2014, 1, 1), date(2021, 1, 1), date(2021, 6, 1), date(2021, 7, 1),
                                              date(2023, 1, 1), date(2023, 5, 1), date(2023, 8, 1), date(2025, 10, 27)]


def test_bad_date_says_how_to_write_it(small):
    with pytest.raises(InputError, match="write it as YYYY-MM-DD"):
        project_network(small, "15/06/2021", project=Project(ROOT))


# --- RDF write-back --------------------------------------------------------------------------

def test_measures_written_back_can_be_queried(small, projection, results):
    dataset = Dataset(default_union=True)
    for graph in small.graphs():
        dataset.graph(graph.identifier).__iadd__(graph)
    graph = add_metrics(dataset, results, projection)
    assert graph.identifier == GRAPH["metrics"]
    rows = dataset.query("""
        PREFIX hkg: <https://w3id.org/vnhealth/def#>
        PREFIX metric: <https://w3id.org/vnhealth/id/metric/>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?institution ?value WHERE {
          GRAPH <https://w3id.org/vnhealth/graph/metrics> {
            ?v hkg:measuredInstitution ?institution ; hkg:metricValue ?value ; prov:wasGeneratedBy ?analysis .
            ?analysis hkg:analysedMeasure metric:articulation ; prov:startedAtTime ?t0 ; prov:endedAtTime ?t1 .
            FILTER(?value = 1)
          }
        } ORDER BY STR(?institution)""")
    assert [str(r.institution) for r in rows] == [A, B]
    alpha = dataset.query("""
        PREFIX hkg: <https://w3id.org/vnhealth/def#>
        PREFIX metric: <https://w3id.org/vnhealth/id/metric/>
        SELECT ?value WHERE { ?a hkg:analysedMeasure metric:pagerank ; hkg:parameter [ hkg:parameterName "alpha" ;
                              hkg:parameterValue ?value ] ; hkg:includesPlanned false } ORDER BY ?value""")
    assert [r.value.toPython() for r in alpha] == [0.85]
    top = dataset.value(URIRef(METRIC["value/all/betweenness/hospital-b"]), URIRef("https://w3id.org/vnhealth/def#rank"))
    assert top == Literal(1)


def test_snapshot_measures_go_to_their_own_graph(small):
    snap = project_network(small, "2021-06-15", project=Project(ROOT))
    graph = add_metrics(Dataset(), compute_measures(snap, ["pagerank"]), snap)
    assert metrics_graph_iri(snap) == graph.identifier == GRAPH["metrics/2021-06-15"]
    assert Literal(date(2021, 6, 15)) in set(graph.objects(None, URIRef("https://w3id.org/vnhealth/def#snapshotDate")))


def test_every_measure_has_a_concept_with_english_and_vietnamese_labels(project):
    from kg.graph.files import load_ontology

    onto = load_ontology(project)
    for measure in MEASURES.values():
        concept = METRIC[measure.slug]
        langs = {l.language for l in onto.objects(concept, SKOS.prefLabel)}
        assert langs == {"en", "vi"}, f"metric:{measure.slug} lacks a label in ontology/metrics.ttl"
        assert {l.language for l in onto.objects(concept, SKOS.definition)} == {"en", "vi"}
    for prop in onto.subjects(RDFS.domain, URIRef("https://w3id.org/vnhealth/def#MetricValue")):
        assert {l.language for l in onto.objects(prop, RDFS.comment)} == {"en", "vi"}


# --- exports -----------------------------------------------------------------------------------

def test_graphml_gexf_and_json_exports_parse(tmp_path, projection, results):
    graph = annotated(projection.cooperation, results)
    back = nx.read_graphml(write_network(graph, "graphml", tmp_path / "n.graphml"))
    assert back.number_of_nodes() == 7 and back.number_of_edges() == 6
    assert back.nodes[B]["betweenness"] == pytest.approx(0.8)
    assert back.nodes[B]["label_vi"] == "Bệnh viện Đa khoa tỉnh Bờ"
    assert back.edges[A, B]["links"].count(";") == 1
    path = write_network(graph, "gexf", tmp_path / "n.gexf")
    gexf = nx.read_gexf(path)
    assert gexf.number_of_edges() == 6
    data = json.loads(serialise_network(graph, "json"))
    assert nx.node_link_graph(data, edges="links").number_of_nodes() == 7


def test_gexf_is_version_1_3_with_labels_and_full_dates_for_gephi(tmp_path, projection, results):
    from xml.etree import ElementTree

    path = write_network(annotated(projection.cooperation, results), "gexf", tmp_path / "n.gexf")
    root = ElementTree.parse(path).getroot()
    assert (root.tag, root.get("version")) == ("{http://gexf.net/1.3}gexf", "1.3")
    ns = {"g": "http://gexf.net/1.3"}
    assert root.find("g:graph", ns).get("timeformat") == "date"
    labels = {n.get("id"): n.get("label") for n in root.iter("{http://gexf.net/1.3}node")}
    assert labels[B] == "B Provincial General Hospital" and not any(l.startswith("http") for l in labels.values())
    spells = {(e.get("source"), e.get("target")): (e.get("start"), e.get("end"))
              for e in root.iter("{http://gexf.net/1.3}edge")}
    # every start and end is a full date that timeformat="date" readers keep, and the stated form is kept
    assert all(v is None or len(v) == 10 for pair in spells.values() for v in pair)
    stated = {(e.get("source"), e.get("target")): {a.get("for"): a.get("value") for a in e.iter("{http://gexf.net/1.3}attvalue")}
              for e in root.iter("{http://gexf.net/1.3}edge")}
    titles = {a.get("id"): a.get("title") for a in root.iter("{http://gexf.net/1.3}attribute")}
    as_stated = {pair: {titles[k]: v for k, v in vals.items() if titles.get(k, "").endswith("_as_stated")}
                 for pair, vals in stated.items()}
    partial = [(pair, spells[pair], values) for pair, values in as_stated.items()
               if any(len(v) < 10 for v in values.values())]
    assert partial, "the fixture has periods given as a year or a month"
    for pair, (start, end), values in partial:
        if "start_as_stated" in values and len(values["start_as_stated"]) in (4, 7):
            assert start.startswith(values["start_as_stated"]) and start.endswith("-01")
        if "end_as_stated" in values and len(values["end_as_stated"]) == 4:
            assert end == values["end_as_stated"] + "-12-31"


# --- the command line ---------------------------------------------------------------------------

@pytest.fixture()
def fixture_project(tmp_path, monkeypatch):
    """A project folder whose curated data is the small fixture (ontology and queries of this checkout)."""
    (tmp_path / "data" / "sources").mkdir(parents=True)
    (tmp_path / "data" / "sources" / "900-small.trig").write_bytes((FIXTURES / "small.trig").read_bytes())
    for folder in ("ontology", "queries"):
        (tmp_path / folder).symlink_to(ROOT / folder, target_is_directory=True)
    monkeypatch.setenv("KG_HOME", str(tmp_path))
    return tmp_path


def test_cli_table(fixture_project, capsys):
    assert main(["network", "--measure", "betweenness", "out_degree", "--top", "2", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[2].split() == ["rank", "institution", "level", "betweenness", "out_degree"]
    assert lines[3].split() == ["1", "B", "Provincial", "General", "Hospital", "provincial", "0.8000", "2"]
    assert lines[4].split()[:4] == ["2", "Central", "Hospital", "A"]
    assert "Articulation points (2): B Provincial General Hospital; Central Hospital A" in out
    assert "1 planned links left out" in out


def test_cli_csv_and_json(fixture_project, capsys):
    assert main(["network", "--measure", "reach_onward", "--format", "csv", "--top", "0"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert (rows[0]["iri"], rows[0]["reach_onward"]) == (F, "5")
    assert len(rows) == 7
    assert main(["network", "--measure", "in_degree", "--format", "json", "--top", "0", "--include-planned"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["iri"]: row["in_degree"] for row in rows}[H] == 1  # the planned support of H counts when asked


def test_cli_snapshot_diff_export_and_rdf(fixture_project, tmp_path, capsys):
    assert main(["network", "--as-of", "2021-06-15", "--measure", "out_degree"]) == 0
    assert "as of 2021-06-15" in capsys.readouterr().out
    assert main(["network", "--diff", "2021-06-15", "2023-08-01"]) == 0
    out = capsys.readouterr().out
    assert "Central Hospital A -> C Oncology Hospital" in out and "B Provincial General Hospital -- G" in out
    assert main(["network", "--export", "graphml", "-o", str(tmp_path / "x.graphml")]) == 0
    assert nx.read_graphml(tmp_path / "x.graphml").number_of_nodes() == 7
    assert main(["network", "--write-rdf", str(tmp_path / "m.trig")]) == 0
    back = Dataset()
    back.parse(tmp_path / "m.trig", format="trig")
    assert len(back.graph(GRAPH["metrics"])) > 100


@pytest.mark.parametrize("argv, message", [
    (["network", "--as-of", "2021-13-01"], "--as-of '2021-13-01': not a date; write it as YYYY-MM-DD"),
    (["network", "--measure", "centrality"], "unknown measure 'centrality'; known measures: out_degree"),
    (["network", "--export", "gexf"], "--export gexf needs -o FILE"),
])
def test_cli_bad_input_exits_2_with_a_message(fixture_project, capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


# --- the curated graph, against what the sources say -------------------------------------------

@pytest.fixture(scope="module")
def curated_network(curated):
    projection = project_network(curated, project=Project(ROOT))
    return projection, compute_measures(projection)


def test_curated_top_supporter_is_lao_cai_general_hospital_no2(curated_network):
    # source 002: No. 2 signed support agreements with the Bao Thang, Bao Yen and Bat Xat regional hospitals
    projection, results = curated_network
    rank, top, value = ranked(results["out_degree"].values)[0]
    assert (top, value) == (str(INST["lao-cai-general-hospital-no2"]), 3)
    assert set(projection.support.successors(top)) == {str(INST[f"{x}-regional-hospital"])
                                                       for x in ("bao-thang", "bao-yen", "bat-xat")}


def test_curated_articulation_points(curated_network):
    # the regional hospitals hang on No. 2 (source 002); the Japanese institute on Bach Mai (source 003)
    _, results = curated_network
    points = {n for n, v in results["articulation"].values.items() if v}
    assert {str(INST["lao-cai-general-hospital-no2"]), str(INST["bach-mai-hospital"])} <= points


def test_curated_bach_mai_supports_lao_cai_and_is_supported_by_japan(curated_network):
    projection, _ = curated_network
    bach_mai = str(INST["bach-mai-hospital"])
    assert str(INST["lao-cai-peoples-committee-old"]) in projection.support.successors(bach_mai)  # source 000
    assert str(INST["jihs"]) in projection.support.predecessors(bach_mai)  # source 003


def test_curated_planned_support_of_no3_is_flagged(curated, curated_network):
    # source 002: No. 2 "will" support No. 3, announced, not signed
    projection, _ = curated_network
    no2, no3 = str(INST["lao-cai-general-hospital-no2"]), str(INST["lao-cai-general-hospital-no3"])
    assert any(l.source == no2 and l.target == no3 and l.planned for l in projection.links)
    assert not projection.support.has_edge(no2, no3)


def test_curated_memorandum_without_a_stated_term_is_in_every_snapshot(curated):
    # source 000: 2021-2022 is when staff were trained under the memorandum of Bach Mai and the Lao Cai
    # People's Committee, not the memorandum's term, which the source does not state
    edge = (str(INST["bach-mai-hospital"]), str(INST["lao-cai-peoples-committee-old"]))
    for day in ("2020-06-01", "2022-06-01", "2023-06-01"):
        assert project_network(curated, day, project=Project(ROOT)).support.has_edge(*edge), day
    [link] = [l for l in project_network(curated, project=Project(ROOT)).links
              if l.iri == str(AGR["bach-mai-lao-cai-comprehensive-support"])]
    assert (link.start, link.end) == (None, None)


def test_the_report_summarises_long_lists_with_counts():
    from kg.network.projection import Link, Projection
    from kg.network.report import LIST_LIMIT, weak_points

    chain = [str(INST[f"chain-{i:02d}"]) for i in range(40)]
    links = [Link(f"urn:test:link-{i}", ("Training",), a, b, True) for i, (a, b) in enumerate(zip(chain, chain[1:]))]
    institutions = {n: {"label_en": n.rsplit("/", 1)[1], "label_vi": n.rsplit("/", 1)[1]} for n in chain}
    projection = Projection(links, institutions)
    lines = weak_points(projection, compute_measures(projection, ["articulation", "bridge"]))
    assert lines[0].startswith("Articulation points (38): chain-01; chain-02;")
    assert lines[0].endswith(f"chain-{LIST_LIMIT:02d}; and 18 more")
    assert lines[1].startswith("Bridges (39): chain-00 - chain-01;") and lines[1].endswith("; and 19 more")
    assert lines[2] == "  (the full lists are in the GraphML export: kg network --export graphml -o FILE)"
