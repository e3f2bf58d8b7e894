"""``kg docs``: the ontology's documentation, one section per term with both labels and comments, the shapes
that constrain it and the schemes as trees; offline in a real browser; and the JSON-LD context."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS

from kg.cli import main
from kg.graph.docs import terms
from kg.graph.files import Project, load_ontology
from kg.namespaces import HKG


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs")
    assert main(["docs", "-o", str(out)]) == 0
    return out


class Sections(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.loads = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag in ("script", "img", "iframe") and attrs.get("src") or tag == "link" and attrs.get("href"):
            self.loads.append((tag, attrs.get("src") or attrs.get("href")))


def test_every_term_has_its_section_with_both_labels_and_comments(docs):
    page = (docs / "index.html").read_text(encoding="utf-8")
    parser = Sections()
    parser.feed(page)
    ontology = load_ontology(Project())
    for group in terms(ontology).values():
        for term in group:
            name = str(term).rsplit("#", 1)[-1]
            assert name in parser.ids, f"no section for hkg:{name}"
            section = page.split(f'id="{name}"', 1)[1].split('<section class="term"', 1)[0]
            for lang in ("en", "vi"):
                for literal in ontology.objects(term, RDFS.label):
                    if literal.language == lang:
                        assert str(literal).replace('"', "&quot;").replace("'", "&#x27;") in section
    assert len([t for t in ontology.subjects(RDF.type, OWL.Class) if str(t).startswith(str(HKG))]) > 50
    assert parser.loads == []  # the page loads nothing: style inline, no script


def test_a_class_lists_its_alignments_and_the_shapes_that_constrain_it(docs):
    page = (docs / "index.html").read_text(encoding="utf-8")
    institution = page.split('id="Institution"', 1)[1].split('<section class="term"', 1)[0]
    assert "org:FormalOrganization" in institution and "schema:Organization" in institution
    flow = page.split('id="ReferralFlow"', 1)[1].split('<section class="term"', 1)[0]
    assert "hkg:ReferralFlowShape" in flow and "prov:Entity" in flow
    referred = page.split('id="referredTo"', 1)[1].split('<section class="term"', 1)[0]
    assert "exactly one hkg:referredTo" in referred  # the property shape's message


def test_the_schemes_are_trees_of_their_concepts(docs):
    page = (docs / "index.html").read_text(encoding="utf-8")
    shares = page.split('id="scheme:shares"', 1)[1].split("<section", 1)[0]
    assert re.search(r"share:most</code> most <span[^>]*>· phần lớn", shares)
    assert "3 concepts" in shares


def test_the_context_gives_short_keys_that_expand_to_the_project_terms(docs):
    context = json.loads((docs / "context.jsonld").read_text(encoding="utf-8"))
    doc = {"@context": context["@context"], "@id": "https://w3id.org/vnhealth/id/referral/x",
           "type": "hkg:ReferralFlow", "referredTo": "inst:bach-mai-stroke-center", "comparedWith": "before"}
    graph = Graph().parse(data=json.dumps(doc), format="json-ld")
    assert {(str(p), str(o)) for _, p, o in graph} == {
        (str(RDF.type), str(HKG.ReferralFlow)),
        (str(HKG.referredTo), "https://w3id.org/vnhealth/id/org/bach-mai-stroke-center"),
        (str(HKG.comparedWith), "before")}


def test_the_page_renders_in_a_browser_with_no_request(docs):
    from test_visualise import Chromium, _chromium

    executable = _chromium()
    if not executable:
        pytest.skip("no Chromium found (Debian package 'chromium'); run 'make browser' to install it")
    chrome = Chromium(executable, 1280, 800)
    try:
        chrome.open((docs / "index.html").as_uri(), "document.readyState === 'complete'")
        assert chrome.evaluate("document.querySelectorAll('section.term').length") > 100
        assert chrome.evaluate("document.getElementById('ReferralFlow').getBoundingClientRect().height") > 40
        requests = [e["params"]["request"]["url"] for e in chrome.events if e.get("method") == "Network.requestWillBeSent"]
        assert all(url.startswith("file://") for url in requests), requests
        errors = [e for e in chrome.events if e.get("method") in ("Runtime.exceptionThrown", "Log.entryAdded")
                  and e["params"].get("entry", {}).get("level", "error") == "error"]
        assert errors == []
    finally:
        chrome.close()


def test_the_dataset_description_is_dcat_and_void_of_the_store(home, tmp_path, capsys):
    """build/docs/dataset.ttl: the dataset with its licence, one DCAT distribution per dump at --base, the SPARQL
    service, and a VoID subset per source graph with the triples the store holds in it."""
    from rdflib import URIRef
    from rdflib.namespace import DCAT, DCTERMS

    from kg.graph.search_labels import SEARCH_GRAPH
    from kg.graph.store import open_store

    out = tmp_path / "docs"
    assert main(["docs", "-o", str(out), "--base", "https://kg.example.org/"]) == 0
    g = Graph().parse(out / "dataset.ttl")
    void = "http://rdfs.org/ns/void#"
    [dataset] = set(g.subjects(RDF.type, DCAT.Dataset))
    assert (dataset, RDF.type, URIRef(void + "Dataset")) in g
    assert g.value(dataset, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    downloads = sorted(str(g.value(d, DCAT.downloadURL)) for d in g.objects(dataset, DCAT.distribution)
                       if g.value(d, DCAT.downloadURL))
    assert downloads and all(u.startswith("https://kg.example.org/download/vnhealth") for u in downloads)
    assert (URIRef("https://kg.example.org/sparql"), RDF.type, DCAT.DataService) in g
    store = open_store(Project(home))
    sizes = {URIRef(n): s for n, s in store.graph_sizes().items() if n != str(SEARCH_GRAPH)}
    subsets = {s: int(g.value(s, URIRef(void + "triples"))) for s in g.objects(dataset, URIRef(void + "subset"))}
    assert subsets == sizes and URIRef("https://w3id.org/vnhealth/graph/source-004") in subsets


def test_a_base_that_is_not_an_address_is_refused(capsys):
    assert main(["docs", "--base", "ftp://kg.example.org"]) == 2
    assert "--base 'ftp://kg.example.org' is not an http(s) address" in capsys.readouterr().err
