"""Finding entities by name: folding, search labels, ranking, the stored find-by-name query and ``kg search``."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg.cli import main
from kg.errors import QueryError
from kg.namespaces import HKG, ID
from kg.queries.engine import select
from kg.queries.run import run_query
from kg.queries.stored import stored_query
from kg.graph.search_labels import SEARCH_GRAPH, add_search_labels, fold, search_label_graph
from kg.queries.search import kind_of, search

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURE = TESTS / "fixtures" / "queries" / "sample.trig"




def institutions(graph):
    return sorted({s for s in graph.subjects(RDF.type, None) if kind_of(str(s)) == "institution"})


@pytest.mark.parametrize("text, folded", [
    ("Bệnh viện Bạch Mai", "benh vien bach mai"),
    ("BACH MAI", "bach mai"),
    ("Đào Xuân Cơ", "dao xuan co"),
    ("đ Đ", "d d"),
    ("hôpital de l'amitié Viet Duc", "hopital de l amitie viet duc"),
    ("Helsedepartementet i Lai Chau-provinsen", "helsedepartementet i lai chau provinsen"),
    ("Sykehus nr. 2 – Nordvest-regionen (ø, æ, å)", "sykehus nr 2 nordvest regionen o ae a"),
    ("Bệnh viện Ung bướu tỉnh Thanh Hoá", fold("Bệnh viện Ung bướu tỉnh Thanh Hóa")),  # two placements of the accent
    ("  ", ""),
])
def test_fold(text, folded):
    assert fold(text) == folded


def test_search_labels_cover_the_projects_entities_only(graph):
    labels = search_label_graph(graph)
    assert labels.identifier == SEARCH_GRAPH
    subjects = set(labels.subjects())
    assert all(str(s).startswith(str(ID)) for s in subjects)
    assert URIRef(str(HKG) + "Hospital") not in subjects
    assert all(str(o) == fold(str(o)) and str(o) for o in labels.objects())
    assert (URIRef(str(ID) + "org/bach-mai-hospital"), HKG.searchLabel, Literal("benh vien bach mai")) in labels


def test_adding_search_labels_twice_gives_the_same_graph(sample):
    before = set(sample.graph(SEARCH_GRAPH))
    add_search_labels(sample)
    assert set(sample.graph(SEARCH_GRAPH)) == before and before


@pytest.mark.parametrize("text", ["bach mai", "Bạch Mai", "BACH MAI", "bạch  MAI", "Bệnh viện Bạch Mai", "hôpital Bach Mai"])
def test_bach_mai_however_written(graph, text):
    assert search(graph, text, kinds=["institution"])[0].iri == str(ID) + "org/bach-mai-hospital"


def test_every_institution_is_found_by_its_unaccented_names(graph):
    for inst in institutions(graph):
        for label in graph.objects(inst, RDFS.label):
            matches = search(graph, fold(str(label)), kinds=["institution"])
            assert matches and matches[0].iri == str(inst) and matches[0].rank == 0, (inst, str(label))


def test_people_techniques_and_specialties_in_any_language(graph):
    assert search(graph, "dao xuan co")[0].iri == str(ID) + "person/dao-xuan-co"
    assert search(graph, "Đào Xuân Cơ")[0].iri == str(ID) + "person/dao-xuan-co"
    assert search(graph, "ecmo", kinds=["technique"])[0].iri == str(ID) + "concept/technique/ecmo"
    assert search(graph, "UNG BUOU", kinds=["specialty"])[0].iri == str(ID) + "concept/specialty/oncology"
    assert search(graph, "Helsedepartementet i Lai Chau-provinsen")[0].iri == str(ID) + "org/lai-chau-department-of-health"


def test_ranking_puts_exact_names_before_longer_ones(sample):
    ranked = [(m.iri.rsplit("/", 1)[1], m.how) for m in search(sample, "da nang")]
    assert ranked == [("da-nang-hospital", "starts with")]
    ranked = [(m.iri.rsplit("/", 1)[1], m.how) for m in search(sample, "ang", kinds=["institution"])]
    assert ranked == [("dan-ang-clinic", "phrase"), ("da-nang-hospital", "part of words")]
    assert [m.rank for m in search(sample, "test hospital da nang")] == [3]


def test_an_empty_search_is_an_error(graph):
    with pytest.raises(QueryError, match="give at least one letter or digit"):
        search(graph, " -- ")


def sparql_fold_query() -> str:
    """A query that folds every label with the very expressions find-by-name applies to its parameter."""
    text = stored_query("find-by-name").text
    chain = text[text.index("WHERE {") + len("WHERE {"):text.index('FILTER(?q != "")')]
    prefixes = "".join(line + "\n" for line in text.splitlines() if line.startswith("PREFIX"))
    return (prefixes + "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
            "SELECT DISTINCT ?_name ?q WHERE { ?s rdfs:label|skos:prefLabel|skos:altLabel ?_name .\n"
            + chain + "} ORDER BY STR(?_name)")


def test_the_stored_query_folds_like_python(graph):
    """find-by-name folds the name inside SPARQL, for any endpoint; it must agree with fold() on every label."""
    rows = select(graph, sparql_fold_query()).rows
    assert len(rows) > 300
    assert [(str(label), fold(str(label))) for label, _ in rows] == [(str(label), str(q)) for label, q in rows]


@pytest.mark.parametrize("name", ["BỆNH VIỆN BẠCH MAI", "bach mai hospital", "Hôpital Bach Mai"])
def test_find_by_name_matches_whole_names_first(graph, name):
    rows = run_query(stored_query("find-by-name"), graph, {"name": name}).dicts()
    assert str(rows[0]["entity"]) == str(ID) + "org/bach-mai-hospital" and rows[0]["match"].toPython() == 0


def test_cli_search_exact_output(graph, capsys):
    assert main(["search", "BẠCH MAI", "--kind", "institution", "--width", "100"]) == 0
    assert capsys.readouterr().out == (
        "kind         entity                            match\n"
        "-----------  --------------------------------  -----------\n"
        "institution  Bach Mai Hospital                 exact\n"
        "institution  Stroke Center, Bach Mai Hospital  starts with\n"
        "(2 rows)\n")


def test_cli_search_in_vietnamese_with_iris(graph, capsys):
    assert main(["search", "bach mai", "--kind", "institution", "--lang", "vi", "--format", "csv"]) == 0
    assert capsys.readouterr().out == (
        "kind,entity,match\n"
        "institution,Bệnh viện Bạch Mai,exact\n"
        "institution,\"Trung tâm Đột quỵ, Bệnh viện Bạch Mai\",starts with\n")
    assert main(["search", "bach mai", "--kind", "institution", "--iris", "--format", "tsv", "--limit", "1"]) == 0
    assert capsys.readouterr().out == "kind\tentity\tmatch\ninstitution\thttps://w3id.org/vnhealth/id/org/bach-mai-hospital\texact\n"


def test_cli_search_finding_nothing_exits_1(capsys):
    assert main(["search", "zzzz qqqq"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "kind  entity  match\n----  ------  -----\n(0 rows)\n"
    assert captured.err == 'nothing is named like "zzzz qqqq"; try fewer or shorter words\n'
