"""``kg serve``: the site's pages, the SPARQL 1.1 Protocol, the API and its OpenAPI document, VoID, and what
the server refuses (updates, SERVICE, FROM outside the store, oversized requests, traversal, runaway queries).

Most tests run the application in process (Starlette's test client); the protocol tests run a real
``kg serve`` on a free loopback port (the ``server`` fixture) and talk to it with SPARQLWrapper and
``kg query --endpoint``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kg.graph.files import Project
from kg.namespaces import INST
from kg.queries.remote import Endpoint
from kg.queries.run import run_query
from kg.queries.stored import find_queries

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from kg.web.app import Settings, create_app  # noqa: E402

TESTS = Path(__file__).resolve().parent
BACH_MAI = str(INST["bach-mai-hospital"])


@dataclass
class BuildElsewhere(Project):
    """The project, with its downloads written into a folder of the test instead of build/."""

    out: Path | None = None

    @property
    def build_dir(self) -> Path:
        return self.out


@pytest.fixture(scope="module")
def client(store, project, tmp_path_factory):
    app = create_app(store, BuildElsewhere(project.root, out=tmp_path_factory.mktemp("downloads")))
    with TestClient(app) as c:
        yield c


def html(client, path: str, status: int = 200) -> str:
    response = client.get(path, headers={"accept": "text/html"})
    assert response.status_code == status, (path, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    return response.text


# --- the pages ----------------------------------------------------------------------------------

PAGES = ["/", "/search?q=bach+mai", "/q/institution-support", "/q/agreements-in-force?date=2024-06-30",
         "/editor", "/id/org/bach-mai-hospital", "/id/area/lao-cai-province", "/network", "/downloads"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_vietnamese_by_default_english_on_request_and_loads_nothing_from_elsewhere(client, path):
    vi = html(client, path)
    en = html(client, path + ("&" if "?" in path else "?") + "lang=en")
    assert '<html lang="vi">' in vi and '<html lang="en">' in en
    assert ">Câu hỏi<" in vi and ">Questions<" in en  # the navigation
    assert 'id="lang-switch"' in vi and 'id="lang-switch"' in en
    for page in (vi, en):
        loads = re.findall(r"""<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)\s*=\s*["']([^"']+)""", page)
        assert loads and all(u.startswith("/") for u in loads), loads
        assert "url(http" not in page and "@import" not in page


def test_the_home_page_lists_the_questions_each_with_its_stored_queries(client):
    page = html(client, "/")
    assert page.count('<li value="') == 18
    assert "Cơ sở X hỗ trợ những ai" in page
    names = {q.name for q in find_queries(TESTS.parent / "queries", checks=False, check_syntax=False)
             if any(str(t).startswith("cq") for t in q.header.get("tags") or [])}
    linked = set(re.findall(r'href="/q/([\w-]+)"', page))
    assert names <= linked
    assert "chưa có truy vấn nào trả lời câu hỏi này" not in page  # every question has its stored queries


def test_a_stored_query_opens_as_a_form_with_its_defaults_and_inputs_of_the_right_kind(client):
    page = html(client, "/q/institution-support")
    assert 'name="institution" value="inst:bach-mai-hospital"' in page and 'data-suggest="institution"' in page
    assert "Bệnh viện Bạch Mai" in page  # the default's label beside the field
    assert '<table class="results">' not in page  # a form with parameters waits to be asked
    dated = html(client, "/q/agreements-in-force")
    assert 'type="date" id="p-date" name="date" value="2025-12-31"' in dated
    listed = html(client, "/q/cooperations-by-status")
    assert '<select id="p-status" name="status">' in listed and 'value="status:planned"' in listed


def _table(page: str) -> list[list[str]]:
    body = page.split('<table class="results">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], flags=re.S)
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td>(.*?)</td>", r, flags=re.S)] for r in rows]


def test_the_answer_is_the_stored_querys_rows_with_labels_linked_and_the_url_reproduces_it(client, store):
    url = "/q/institution-support?institution=inst%3Abach-mai-hospital&run=1"
    page = html(client, url)
    expected = run_query("institution-support", store, {"institution": BACH_MAI})
    rows = _table(page)
    assert len(rows) == len(expected.rows) > 0
    assert 'href="/id/org/lao-cai-general-hospital"' in page or 'href="/id/org/' in page
    assert html(client, url) == page  # the same link, the same answer
    csv_link = re.search(r'id="download-csv"|href="([^"]+format=csv)"', page)
    assert csv_link
    downloaded = client.get("/api/institution-support?institution=inst%3Abach-mai-hospital&format=csv")
    assert downloaded.status_code == 200 and downloaded.headers["content-type"].startswith("text/csv")
    assert len(list(csv.reader(io.StringIO(downloaded.text)))) == len(expected.rows) + 1


def test_a_label_given_for_an_entity_parameter_is_resolved_and_a_bad_one_is_explained(client):
    page = html(client, "/q/institution-support?institution=Bach+Mai+Hospital")
    assert '<table class="results">' in page
    bad = html(client, "/q/institution-support?institution=Nowhere+Clinic", status=400)
    assert "no institution is named" in bad
    date = html(client, "/q/agreements-in-force?date=31%2F12%2F2025", status=400)
    assert 'class="error"' in date and "date" in date


def test_the_entity_page_shows_names_kind_statements_sources_and_the_support_neighbourhood(client):
    page = html(client, "/id/org/bach-mai-hospital")
    assert "<h1>Bệnh viện Bạch Mai</h1>" in page
    assert "Bach Mai Hospital" in page and "@en" in page and "@vi" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'href="/id/org/' in page
    assert 'id="who-supports" href="/q/institution-support?institution=inst%3Abach-mai-hospital"' in page
    assert "source-000" in page and "source-003" in page  # the graphs that state things about it
    assert "Twenty years of cooperation between Japan and Bach Mai Hospital" in page  # a source's title
    assert "Được nhắc đến trong" in page  # statements that point to it
    english = html(client, "/id/org/bach-mai-hospital?lang=en")
    assert "<h1>Bach Mai Hospital</h1>" in english


@pytest.mark.parametrize("accept,fmt,parse", [("text/turtle", "turtle", "turtle"),
                                              ("application/ld+json", "jsonld", "json-ld"),
                                              ("application/n-triples", "ntriples", "nt")])
def test_the_entity_path_serves_rdf_by_content_negotiation_and_format(client, store, accept, fmt, parse):
    by_accept = client.get("/id/org/bach-mai-hospital", headers={"accept": accept})
    by_format = client.get(f"/id/org/bach-mai-hospital?format={fmt}")
    assert by_accept.status_code == by_format.status_code == 200
    assert by_accept.headers["content-type"].startswith(accept)
    got = Graph().parse(data=by_accept.text, format=parse)
    again = Graph().parse(data=by_format.text, format=parse)
    stated = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?p ?o WHERE {{ <{BACH_MAI}> ?p ?o "
                         "FILTER(?p != <https://w3id.org/vnhealth/def#searchLabel>) } }")
    assert len(got) == len(again) == int(next(iter(stated))["n"].value) >= 8
    assert (URIRef(BACH_MAI), RDFS.label, Literal("Bệnh viện Bạch Mai", lang="vi")) in got
    assert not any(str(p).endswith("#searchLabel") for p in got.predicates())


def test_an_unknown_entity_is_a_404_in_html_and_in_rdf(client):
    assert "Không tìm thấy" in html(client, "/id/org/no-such-hospital", status=404)
    assert client.get("/id/org/no-such-hospital", headers={"accept": "text/turtle"}).status_code == 404


# --- search -------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["bach mai", "BACH MAI", "Bạch Mai", "mai bach"])
def test_suggestions_fold_case_and_diacritics_and_take_words_in_any_order(client, typed):
    found = client.get("/api/suggest", params={"q": typed}).json()
    assert found[0]["iri"] == BACH_MAI
    assert found[0]["kindLabel"] == "cơ sở" and found[0]["province"] == "Hà Nội"


def test_lao_cai_no_2_is_found_from_plain_letters(client):
    found = client.get("/api/suggest", params={"q": "lao cai so 2", "lang": "en"}).json()
    assert found and found[0]["iri"].endswith("/lao-cai-general-hospital-no2") and found[0]["kindLabel"] == "institution"


def test_a_match_that_keeps_the_typed_diacritics_ranks_first(tmp_path, project):
    from kg.graph.store import memory_store
    from kg.web.suggest import suggest

    data = tmp_path / "names.trig"
    data.write_text("""@prefix inst: <https://w3id.org/vnhealth/id/org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/vnhealth/graph/source-900> {
  inst:a-plain rdfs:label "Ba Vi Clinic"@en .
  inst:z-marked rdfs:label "Ba Vì Clinic"@vi .
}
""", encoding="utf-8")
    store = memory_store([data], project, ontology=False)
    marked = [m["iri"].rsplit("/", 1)[1] for m in suggest(store, "Ba Vì", "vi")]
    plain = [m["iri"].rsplit("/", 1)[1] for m in suggest(store, "ba vi", "vi")]
    assert marked[:2] == ["z-marked", "a-plain"]
    assert plain[:2] == ["a-plain", "z-marked"]  # nothing typed to keep: the shorter IRI order decides


def test_what_a_page_shows_is_escaped(tmp_path, project):
    from kg.graph.store import memory_store

    data = tmp_path / "hostile.trig"
    data.write_text("""@prefix inst: <https://w3id.org/vnhealth/id/org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix hkg: <https://w3id.org/vnhealth/def#> .
<https://w3id.org/vnhealth/graph/source-901> {
  inst:hostile a hkg:Hospital ; rdfs:label "Evil <script>alert('x')</script> Clinic"@en ;
      hkg:locatedIn inst:hostile .
}
""", encoding="utf-8")
    store = memory_store([data], project)
    with TestClient(create_app(store, project)) as c:
        pages = [html(c, "/id/org/hostile?lang=en"), html(c, "/search?q=evil+clinic&lang=en"),
                 html(c, "/q/find-by-name?name=evil&lang=en"),
                 html(c, "/search?q=%3Cscript%3Ealert(1)%3C/script%3E", status=200)]
        for page in pages:
            assert "<script>alert" not in page
        assert "Evil &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Clinic" in pages[0]
        assert "&lt;script&gt;" in pages[1] and "&lt;script&gt;" in pages[2]


# --- the SPARQL endpoint ------------------------------------------------------------------------

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/vnhealth/def#GeneralHospital> }"


def _count(store) -> int:
    return int(next(iter(store.query(COUNT)))["n"].value)


def test_get_post_form_and_post_direct_give_the_same_answer(client, store):
    expected = _count(store)
    answers = [client.get("/sparql", params={"query": COUNT}),
               client.post("/sparql", data={"query": COUNT}),
               client.post("/sparql", content=COUNT, headers={"content-type": "application/sparql-query"})]
    for r in answers:
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/sparql-results+json")
        assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == expected


def test_results_come_as_json_xml_csv_and_tsv_by_accept(client, store):
    query = "SELECT ?h ?name WHERE { ?h a <https://w3id.org/vnhealth/def#GeneralHospital> ; <http://www.w3.org/2000/01/rdf-schema#label> ?name } ORDER BY ?h ?name"
    rows = store.rows(query)[1]
    r = client.get("/sparql", params={"query": query}, headers={"accept": "application/sparql-results+xml"})
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    results = ET.fromstring(r.content).findall("s:results/s:result", ns)
    assert len(results) == len(rows)
    assert results[0].find("s:binding[@name='h']/s:uri", ns).text == str(rows[0][0])
    r = client.get("/sparql", params={"query": query}, headers={"accept": "text/csv"})
    table = list(csv.reader(io.StringIO(r.text)))
    assert table[0] == ["h", "name"] and table[1] == [str(rows[0][0]), str(rows[0][1])] and len(table) == len(rows) + 1
    r = client.get("/sparql", params={"query": query}, headers={"accept": "text/tab-separated-values"})
    lines = r.text.splitlines()
    assert lines[0] == "?h\t?name" and lines[1].split("\t")[0] == f"<{rows[0][0]}>" and len(lines) == len(rows) + 1
    ask = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()
    assert ask == {"head": {}, "boolean": True}


@pytest.mark.parametrize("accept,parse", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                          ("application/n-triples", "nt")])
def test_construct_comes_as_turtle_jsonld_and_ntriples(client, accept, parse):
    query = f"CONSTRUCT {{ <{BACH_MAI}> ?p ?o }} WHERE {{ <{BACH_MAI}> ?p ?o }}"
    r = client.post("/sparql", data={"query": query}, headers={"accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    assert (URIRef(BACH_MAI), RDFS.label, Literal("Bach Mai Hospital", lang="en")) in Graph().parse(data=r.text, format=parse)


REFUSED = [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "read-only"),
    ("DELETE WHERE { ?s ?p ?o }", "read-only"),
    ("LOAD <http://127.0.0.1:9/x.ttl>", "read-only"),
    ("DROP ALL", "read-only"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE is refused"),
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "not a graph of this store"),
    ("SELECT * FROM NAMED <http://127.0.0.1:9/x.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }", "not a graph of this store"),
    ("SELECT * WHERE { ?s ?p }", "does not parse"),
]


@pytest.mark.parametrize("query,message", REFUSED)
def test_updates_service_outside_graphs_and_bad_syntax_are_refused_with_a_reason(client, query, message):
    for r in (client.get("/sparql", params={"query": query}), client.post("/sparql", data={"query": query})):
        assert r.status_code == 400 and message in r.text, r.text


def test_a_syntax_error_says_where(client):
    r = client.get("/sparql", params={"query": "SELECT * WHERE {\n  ?s ?p\n}"})
    assert r.status_code == 400 and re.search(r"\b3:1\b|line 3|3:", r.text), r.text


def test_the_protocols_update_operation_and_graph_parameters_outside_the_store_are_refused(client, store):
    assert client.post("/sparql", data={"update": "CLEAR ALL"}).status_code == 400
    r = client.post("/sparql", content="CLEAR ALL", headers={"content-type": "application/sparql-update"})
    assert r.status_code == 400 and "read-only" in r.text
    r = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }", "default-graph-uri": "file:///etc/passwd"})
    assert r.status_code == 400 and "not a graph of this store" in r.text
    own = "https://w3id.org/vnhealth/graph/source-000"
    r = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "default-graph-uri": own})
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == store.graph_sizes()[own]
    r = client.get("/sparql", params={"query": f"SELECT (COUNT(*) AS ?n) FROM <{own}> {{ ?s ?p ?o }}"})
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == store.graph_sizes()[own]


def test_results_are_capped_with_a_note(store, project):
    with TestClient(create_app(store, project, Settings(max_rows=5))) as c:
        r = c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert len(r.json()["results"]["bindings"]) == 5 and "5 rows" in r.headers["x-result-capped"]
        page = html(c, "/q/agreements-in-force?date=2025-12-31")
        assert "Chỉ hiện 5 dòng đầu" in page


def test_a_request_over_100_kb_gets_413(client):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 110_000
    assert client.post("/sparql", content=big, headers={"content-type": "application/sparql-query"}).status_code == 413
    assert client.post("/sparql", data={"query": big}).status_code == 413


def test_static_paths_do_not_traverse(client):
    assert client.get("/static/site.css").status_code == 200
    for path in ("/static/../pyproject.toml", "/static/%2e%2e/pyproject.toml", "/static/..%2f..%2fpyproject.toml",
                 "/static/vendor/../../app.py"):
        r = client.get(path)
        assert r.status_code == 404 and "[project]" not in r.text


def test_the_editor_ships_codemirror_with_its_licence(client):
    page = html(client, "/editor")
    assert '/static/vendor/codemirror/codemirror.js' in page and 'id="query"' in page
    assert "MIT" in client.get("/static/vendor/codemirror/LICENSE").text
    assert client.get("/sparql", headers={"accept": "text/html"}, follow_redirects=False).headers["location"] == "/editor"


# --- the API --------------------------------------------------------------------------------------

def test_every_stored_query_is_a_rest_path_in_a_valid_openapi_document(client):
    from openapi_spec_validator import validate

    doc = client.get("/api/openapi.json").json()
    validate(doc)
    names = {q.name for q in find_queries(TESTS.parent / "queries", check_syntax=False)}
    assert {p.removeprefix("/api/") for p in doc["paths"]} == names
    params = {p["name"]: p for p in doc["paths"]["/api/institution-support"]["get"]["parameters"]}
    assert params["institution"]["schema"]["default"] == BACH_MAI and params["institution"]["required"] is False
    assert doc["paths"]["/api/agreements-in-force"]["get"]["parameters"][0]["schema"]["format"] == "date"


def test_the_api_answers_like_the_store_and_explains_bad_parameters(client, store):
    expected = run_query("agreements-in-force", store, {"date": "2024-06-30"})
    r = client.get("/api/agreements-in-force", params={"date": "2024-06-30"})
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == len(expected.rows)
    r = client.get("/api/agreements-in-force", params={"day": "2024-06-30"})
    assert r.status_code == 400 and "its parameters: date" in r.text
    r = client.get("/api/no-such-query")
    assert r.status_code == 404 and "agreements-in-force" in r.text
    r = client.get("/api/agreements-in-force", params={"date": "last tuesday"})
    assert r.status_code == 400 and "date" in r.text


# --- downloads and VoID -------------------------------------------------------------------------

def test_void_describes_every_source_graph_with_its_triples_and_the_dumps_download(client, store):
    from rdflib import Namespace

    void = Namespace("http://rdfs.org/ns/void#")
    r = client.get("/.well-known/void", headers={"accept": "text/turtle"})
    g = Graph().parse(data=r.text, format="turtle")
    sizes = store.graph_sizes()
    stated = {str(s): int(n) for s, n in g.subject_objects(void.triples) if str(s) in sizes}
    assert stated == {k: v for k, v in sizes.items() if not k.endswith("search-labels")}
    assert (None, void.sparqlEndpoint, URIRef("http://testserver/sparql")) in g
    assert any(True for _ in g.objects(None, void.classPartition))
    dumps = sorted(str(o) for o in g.objects(None, void.dataDump))
    assert any(d.endswith("/download/vnhealth.ttl") for d in dumps)
    ttl = client.get("/download/vnhealth.ttl")
    assert ttl.status_code == 200 and len(Graph().parse(data=ttl.text, format="turtle")) > 1000
    trig = client.get("/download/vnhealth.trig")
    assert len(list(Dataset().parse(data=trig.text, format="trig").graphs())) > 3
    assert client.get("/download/..%2Fpyproject.toml").status_code == 404
    assert "vnhealth.nq" in html(client, "/downloads")


# --- a real server: SPARQLWrapper, kg query --endpoint, and the time limit ------------------------------

STORED = [q.name for q in find_queries(TESTS.parent / "queries", check_syntax=False)]


@pytest.mark.parametrize("name", STORED)
def test_every_stored_query_gives_the_same_rows_through_the_endpoint_as_on_the_store(server, store, name):
    local = run_query(name, store)
    remote = run_query(name, Endpoint(server.url + "/sparql"))
    assert remote.variables == local.variables
    assert remote.normalised() == local.normalised()


def test_kg_query_endpoint_works_against_the_server(server, store, capsys):
    from kg.cli import main

    assert main(["query", "institution-support", "--endpoint", server.url + "/sparql", "--format", "csv"]) == 0
    printed = capsys.readouterr().out
    assert main(["query", "institution-support", "--format", "csv"]) == 0
    assert printed == capsys.readouterr().out and printed.count("\n") > 5


def test_a_query_over_the_time_limit_is_stopped_and_others_are_served_meanwhile(store):
    from conftest import start_server

    served = start_server(store.location.parent, None, "--timeout", "1.5", "--workers", "2")
    try:
        forever = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        outcome = {}

        def slow():
            try:
                urllib.request.urlopen(served.url + "/sparql?query=" + urllib.parse.quote(forever), timeout=60)
                outcome["slow"] = 200
            except urllib.error.HTTPError as exc:
                outcome["slow"] = exc.code
                outcome["message"] = exc.read().decode()

        thread = threading.Thread(target=slow)
        thread.start()
        quick, niceness = [], set()
        children = Path(f"/proc/{served.process.pid}/task/{served.process.pid}/children")
        while thread.is_alive() and len(quick) < 2000:
            time.sleep(0.01)
            with urllib.request.urlopen(served.url + "/sparql?query=" + urllib.parse.quote(COUNT), timeout=30) as r:
                quick.append(json.loads(r.read())["results"]["bindings"][0]["n"]["value"])
            if children.exists():
                for pid in children.read_text().split():
                    try:
                        niceness.add(os.getpriority(os.PRIO_PROCESS, int(pid)))
                    except OSError:
                        pass
        thread.join()
        if children.exists():  # the long query's worker was lowered in priority while it ran
            assert 19 in niceness and 0 in niceness
        assert outcome["slow"] == 503 and "stopped after 1.5 s" in outcome["message"]
        assert quick and set(quick) == {str(_count(store))}  # answered while the runaway query held a worker
        with urllib.request.urlopen(served.url + "/sparql?query=" + urllib.parse.quote(COUNT), timeout=30) as r:
            assert r.status == 200  # and the server is whole afterwards
    finally:
        served.stop()


# --- the same rules for local queries ------------------------------------------------------------

def test_local_queries_read_no_file_that_from_names(tmp_path, store, graph):
    from kg.errors import QueryError
    from kg.queries.engine import select

    secret = tmp_path / "secret.nt"
    secret.write_text('<urn:secret> <urn:is> "the secret" .\n', encoding="utf-8")
    for target in (store, graph):
        for form in ("SELECT * FROM <{}> WHERE {{ ?s ?p ?o }}", "ASK FROM NAMED <{}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
                     "CONSTRUCT {{ ?s ?p ?o }} FROM <{}> WHERE {{ ?s ?p ?o }}"):
            with pytest.raises(QueryError, match="not a graph of this store"):
                select(target, form.format(secret.as_uri()))
    own = "https://w3id.org/vnhealth/graph/source-000"
    text = f"SELECT (COUNT(*) AS ?n) FROM <{own}> WHERE {{ ?s ?p ?o }}"
    assert int(select(store, text).rows[0][0]) == store.graph_sizes()[own]  # FROM picks the store's own graph
    assert int(select(graph, text).rows[0][0]) == store.graph_sizes()[own]


def test_where_two_sources_disagree_the_page_shows_both_with_their_sources(tmp_path, project):
    from kg.graph.store import memory_store
    from kg.web.entity import describe

    data = tmp_path / "disagree.trig"
    data.write_text("""@prefix inst: <https://w3id.org/vnhealth/id/org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix hkg: <https://w3id.org/vnhealth/def#> .
@prefix level: <https://w3id.org/vnhealth/id/concept/level/> .
<https://w3id.org/vnhealth/graph/source-900> {
  inst:x a hkg:Hospital ; rdfs:label "Clinic X"@en ; hkg:level level:central .
}
<https://w3id.org/vnhealth/graph/source-901> {
  inst:x a hkg:Hospital ; hkg:level level:provincial .
}
""", encoding="utf-8")
    store = memory_store([data], project)
    d = describe(store, str(INST["x"]), "en")
    groups = {str(g.predicate).rsplit("#", 1)[1]: g for g in d.groups if "#" in str(g.predicate)}
    level = groups["level"]
    assert level.disagree and [(str(v.term).rsplit("/", 1)[1], [g.rsplit("/", 1)[1] for g in v.graphs])
                               for v in level.values] == [("central", ["source-900"]), ("provincial", ["source-901"])]
    assert not groups["type"].disagree  # both sources state the same type: agreement, not a conflict
    with TestClient(create_app(store, project)) as c:
        page = html(c, "/id/org/x?lang=en")
    assert page.count('<tr class="disagree">') == 2 and "sources differ" in page


def test_pages_forbid_loading_from_elsewhere_by_policy(client):
    r = client.get("/id/org/bach-mai-hospital", headers={"accept": "text/html"})
    policy = r.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe-eval" not in policy
    assert r.headers["x-content-type-options"] == "nosniff"


def test_an_address_that_is_no_iri_is_a_400(client):
    r = client.get("/resource", params={"iri": "urn:a> } #"}, headers={"accept": "text/html"})
    assert r.status_code == 400 and "is not a valid IRI" in r.text
    assert client.get("/resource", params={"iri": "not an iri"}).status_code == 400


# --- what a review of the server found, each kept fixed ------------------------------------------

HIDDEN_SERVICE = [
    "SELECT * WHERE { #x\rSERVICE <http://127.0.0.1:{port}/cr> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<http://127.0.0.1:{port}/lateral> AS ?u) FILTER(1<2)LATERAL{SERVICE?u{?s?p?o}}FILTER(3>2) }",
    "SELECT * WHERE { BIND(<http://127.0.0.1:{port}/exists> AS ?u) FILTER(1<2&&EXISTS{SERVICE?u{?s ?p ?o}}&&3>2) }",
]


def test_a_service_hidden_from_a_simple_scan_is_refused_and_nothing_is_contacted(client):
    from conftest import recording_listener

    listener, port, asked = recording_listener(b"", status=500)
    try:
        for query in HIDDEN_SERVICE:
            text = query.replace("{port}", str(port))
            for r in (client.get("/sparql", params={"query": text}), client.post("/sparql", data={"query": text})):
                assert r.status_code == 400 and "SERVICE is refused" in r.text, (text, r.text)
    finally:
        listener.shutdown()
        listener.server_close()
    assert asked == []


def test_a_large_answer_crosses_the_workers_pipe_whole(server, store):
    query = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o LIMIT 3000"
    with urllib.request.urlopen(server.url + "/sparql?query=" + urllib.parse.quote(query), timeout=60) as r:
        body = r.read()
    assert len(body) > 200_000 and len(json.loads(body)["results"]["bindings"]) == 3000


def test_repeated_values_count_once_and_too_many_combinations_are_refused(client):
    once = client.get("/api/agreements-in-force", params={"date": "2024-06-30"}).json()
    twice = client.get("/api/agreements-in-force", params=[("date", "2024-06-30"), ("date", "2024-06-30")]).json()
    assert twice == once
    many = [("date", f"2024-01-{d:02d}") for d in range(1, 29)] + [("date", f"2023-01-{d:02d}") for d in range(1, 29)]
    r = client.get("/api/agreements-in-force", params=many)
    assert r.status_code == 400 and "at most 50" in r.text


def test_a_chunked_body_over_the_limit_gets_413(client):
    def chunks():
        for _ in range(12):
            yield b"#" + b"x" * 10_000 + b"\n"

    r = client.post("/sparql", content=chunks(), headers={"content-type": "application/sparql-query"})
    assert r.status_code == 413 and "limit of this server" in r.text


def test_a_version_a_server_holds_survives_refreshes_beside_it(tmp_path):
    from kg.graph.store import StoreLocation

    place = StoreLocation(tmp_path)
    for name in ("v000001", "v000002", "v000003"):
        (tmp_path / name).mkdir()
    held = place.hold("v000001")
    place.collect({"v000003"})
    assert sorted(p.name for p in tmp_path.glob("v*")) == ["v000001", "v000003"]
    held.close()
    place.collect({"v000003"})
    assert sorted(p.name for p in tmp_path.glob("v*")) == ["v000003"]
    assert list((tmp_path / "readers").iterdir()) == []  # the mark of a reader that has gone is removed


def test_tsv_numbers_read_back_as_their_own_datatypes_and_xml_holds_any_string(client):
    from rdflib.util import from_n3

    query = 'SELECT (2.0 AS ?d) (1e2 AS ?e) (3 AS ?i) (true AS ?b) ("a\\u0001b" AS ?s) {}'
    row = client.get("/sparql", params={"query": query}, headers={"accept": "text/tab-separated-values"}).text.splitlines()[1]
    kinds = [from_n3(cell).datatype.rsplit("#", 1)[1] for cell in row.split("\t")[:4]]
    assert kinds == ["decimal", "double", "integer", "boolean"]
    xml = client.get("/sparql", params={"query": query}, headers={"accept": "application/sparql-results+xml"})
    assert ET.fromstring(xml.content) is not None


def test_named_graph_uri_alone_leaves_the_default_graph_empty(client):
    own = "https://w3id.org/vnhealth/graph/source-000"
    r = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "named-graph-uri": own})
    assert r.json()["results"]["bindings"][0]["n"]["value"] == "0"
    r = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": own})
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) > 0


def test_the_api_says_when_it_capped_and_errors_are_400s_and_503s_not_500s(store, project):
    with TestClient(create_app(store, project, Settings(max_rows=5))) as c:
        r = c.get("/api/network-links")
        assert len(r.json()["results"]["bindings"]) == 5 and "5 rows" in r.headers["x-result-capped"]
        assert c.get("/.well-known/void?format=xml").status_code == 400
        bad = c.get("/q/institution-support", params={"institution": "<a b>"}, headers={"accept": "text/html"})
        assert bad.status_code == 400 and "not a valid IRI" in bad.text
    from kg.graph.store import memory_store

    slow = memory_store(None, project)
    with TestClient(create_app(slow, project, Settings(timeout=0.000001))) as c:
        assert c.get("/id/org/bach-mai-hospital?format=turtle").status_code == 503


def test_links_keep_the_language_and_the_page_address(client):
    page = html(client, "/resource?iri=" + urllib.parse.quote("https://w3id.org/vnhealth/def#Hospital", safe=""))
    assert "/resource?iri=https%3A%2F%2Fw3id.org%2Fvnhealth%2Fdef%23Hospital&amp;format=turtle" in page
    english = html(client, "/id/org/bach-mai-hospital?lang=en")
    switch = re.search(r'id="lang-switch" href="([^"]*)"', english).group(1)
    links = [link for link in re.findall(r'href="(/(?:id|resource|graph)[^"]*)"', english)
             if link != switch and "format=" not in link]  # the switch leads to Vietnamese; data has no language
    assert switch == "/id/org/bach-mai-hospital"
    assert len(links) > 20 and all("lang=en" in link for link in links), [l for l in links if "lang=en" not in l][:5]
    switched = html(client, "/q/cooperations-by-status?status=status%3Ain-force&status=status%3Aplanned")
    assert 'href="/q/cooperations-by-status?status=status%3Ain-force&amp;status=status%3Aplanned&amp;lang=en"' in switched


def test_a_graph_has_a_page_with_what_it_holds(client, store):
    page = html(client, "/graph/reference")
    assert f"{store.graph_sizes()['https://w3id.org/vnhealth/graph/reference']:,}" in page
    assert "search-labels" not in html(client, "/downloads")
