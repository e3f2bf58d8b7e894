"""The curated data against the source articles: every seed is curated, nothing is copied, no patient is named."""

import re
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import RDF, RDFS

from kg.namespaces import HKG, GRAPH, INST, SRC, STATUS
from kg.graph.files import union_graph

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles (../shared/seeds) are not beside the checkout")


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _runs(text: str, n: int = 9) -> set[str]:
    words = _words(text)
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


@needs_seeds
def test_every_seed_article_has_a_source_and_a_graph(curated):
    data = union_graph(curated)
    described = {str(o) for o in data.objects(None, HKG.sourceFile)}
    seeds = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert seeds and described >= set(seeds)
    for name in seeds:
        number = name.split("_", 1)[0]
        graph = curated.graph(GRAPH[f"source-{number}"])
        assert (GRAPH[f"source-{number}"], None, SRC[number]) in graph, f"no graph:source-{number} derived from src:{number}"
        assert len(graph) > 20, f"graph:source-{number} holds only {len(graph)} triples"


@needs_seeds
def test_no_literal_repeats_nine_words_of_an_article(curated):
    """Facts are curated in the project's own words; names (the medal's is ten words long) may match once."""
    seed_runs = set().union(*(_runs(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")))
    full = union_graph(curated, include_ontology=True)
    copied = {}
    for lit in set(full.objects()):
        if isinstance(lit, Literal):
            shared = _runs(str(lit)) & seed_runs
            if len(shared) > 2:
                copied[str(lit)[:80]] = len(shared)
    assert copied == {}


def test_joint_operations_record_no_patient(curated):
    data = union_graph(curated)
    allowed = {RDF.type, HKG.participant, HKG.technique, HKG.specialty, HKG.relatedAgreement, HKG.date, HKG.place,
               HKG.host}
    for event in data.subjects(RDF.type, HKG.JointOperation):
        used = {p for p in data.predicates(event, None)}
        extra = {str(p) for p in used - allowed if not str(p).startswith(("http://www.w3.org/2000/01/rdf-schema#",
                                                                           "http://purl.org/dc/terms/"))}
        assert extra == set()


def _printed(text: str) -> str:
    """``text`` folded for finding a label in an article: one kind of apostrophe and space, case ignored."""
    import unicodedata

    text = unicodedata.normalize("NFC", text).replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).casefold()


@needs_seeds
def test_french_and_norwegian_names_of_institutions_and_concepts_are_printed_by_their_source(curated):
    """data/README.md, "Labels": an @fr or @no name is a form the French (002) or Norwegian (001) source prints."""
    from rdflib.namespace import SKOS

    articles = {"fr": _printed((SEEDS / "002_7f6156f6b08e6a08.txt").read_text(encoding="utf-8")),
                "no": _printed((SEEDS / "001_430dd6c26236db30.txt").read_text(encoding="utf-8"))}
    full = union_graph(curated, include_ontology=True)
    named = {s for s in full.subjects(RDF.type, SKOS.Concept)} | {s for s in full.subjects() if str(s).startswith(str(INST))}
    invented = sorted((str(s), str(o)) for s in named for p in (SKOS.altLabel, SKOS.prefLabel) for o in full.objects(s, p)
                      if isinstance(o, Literal) and o.language in articles and _printed(str(o)) not in articles[o.language])
    assert invented == []


def test_the_corrections_of_the_review_against_the_articles_hold(curated):
    """Source 002 names the health sector, not its Department of Health, and no direction towards the central
    hospitals; source 004's ties go on rather than being planned; source 000's 2021-2022 dates the trainings."""
    from kg.namespaces import ACT, AGR

    data = union_graph(curated)
    doh, sector = INST["lao-cai-department-of-health"], INST["lao-cai-health-sector"]
    assert set(data.subjects(HKG.supported, doh)) == set() and set(data.subjects(HKG.provider, doh)) == set()
    central = {s for s in data.subjects(HKG.party, sector) if (s, HKG.supporter, None) not in data}
    assert {str(o) for s in central for o in data.objects(s, HKG.party) if o != sector} == {
        str(INST[n]) for n in ("hanoi-medical-university-hospital", "bach-mai-hospital", "viet-duc-hospital")}
    for tie in ("thanh-hoa-nghe-an-oncology-exchange", "nghe-an-thanh-hoa-health-cooperation"):
        assert list(data.objects(AGR[tie], HKG.status)) == [STATUS["in-force"]]
    memorandum = AGR["bach-mai-lao-cai-comprehensive-support"]
    assert (memorandum, HKG.startDate, None) not in data and (memorandum, HKG.endDate, None) not in data
    trainings = set(data.subjects(HKG.relatedAgreement, memorandum)) & set(data.subjects(HKG.startDate, None))
    assert {(str(data.value(a, HKG.startDate)), str(data.value(a, HKG.endDate))) for a in trainings} == {("2021", "2022")}
    assert len(trainings) == 3 and ACT["bach-mai-lao-cai-training-imaging-2021-2022"] in trainings
    for slug in ("bao-thang", "bao-yen", "bat-xat"):
        [vi] = [o for o in data.objects(INST[f"{slug}-regional-hospital"], RDFS.label) if o.language == "vi"]
        assert str(vi).startswith("Bệnh viện Đa khoa khu vực ")
