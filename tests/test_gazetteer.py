"""The national gazetteer (kg import gazetteer): reproducible from the package, complete, aligned with the curated
areas, conforming to its shapes, and the province queries answering for old units, new ones and communes.

The expected counts, codes and names are read from the package's own data files here, never written down.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import unicodedata
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kg.cli import main
from kg.graph.files import Project
from kg.graph.gazetteer import CURATED, package_data, read_gazetteer
from kg.graph.gazetteer_trig import curated_statements, gazetteer_trig
from kg.graph.store import memory_store, open_store
from kg.namespaces import AREA, HKG, INST
from kg.queries.run import run_query

pytest.importorskip("vietnamadminunits", reason="the gazetteer is read from the package vietnamadminunits "
                                               "(pip install -e '.[dev]')")

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "data" / "gazetteer" / "vietnam-admin-units.trig"
PREFIX = "PREFIX hkg: <https://w3id.org/vnhealth/def#> PREFIX geo: <http://www.opengis.net/ont/geosparql#> "


def package_rows(sql: str) -> list[tuple]:
    with sqlite3.connect(f"file:{package_data() / 'dataset.db'}?mode=ro", uri=True) as db:
        return db.execute(sql).fetchall()


def package_mapping() -> dict:
    return json.loads((package_data() / "converter_2025.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gazetteer():
    return read_gazetteer()


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    """The store of the curated data with the gazetteer, as users get it."""
    return open_store(Project(ROOT, gazetteer=True), location=tmp_path_factory.mktemp("gazetteer") / "store")


def one(store, sparql: str):
    return store.rows(PREFIX + sparql)[1][0][0]


def unit_iri(gazetteer, level: str, period: str, code: str) -> URIRef:
    found = [u for u in gazetteer.units if u.level == level and u.period in (period, "both") and u.code == code]
    assert len(found) == 1, (level, period, code, found)
    return AREA[found[0].local]


# --- reproducible -------------------------------------------------------------------------------

def test_the_import_gives_the_same_bytes_twice_and_the_committed_file():
    curated = curated_statements(Project(ROOT).data_files)
    first = gazetteer_trig(read_gazetteer(), curated)
    second = gazetteer_trig(read_gazetteer(), curated_statements(Project(ROOT).data_files))
    assert first == second
    assert COMMITTED.read_text(encoding="utf-8") == first, \
        "data/gazetteer/vietnam-admin-units.trig is not what the import writes; run kg import gazetteer"


def test_the_command_writes_checks_and_says_what_differs(tmp_path, capsys):
    out = tmp_path / "gazetteer.trig"
    assert main(["import", "gazetteer", "-o", str(out)]) == 0
    assert out.read_bytes() == COMMITTED.read_bytes()
    said = capsys.readouterr().out
    version = read_gazetteer().version
    assert said.startswith(f"wrote {out}: ") and said.endswith(f"from vietnamadminunits {version}\n")
    assert main(["import", "gazetteer", "--check"]) == 0
    assert capsys.readouterr().out.startswith(f"{COMMITTED}: up to date (")
    out.write_text("stale", encoding="utf-8")
    assert main(["import", "gazetteer", "--check", "-o", str(out)]) == 1
    assert capsys.readouterr().err == (f"{out}: differs from what kg import gazetteer writes from vietnamadminunits "
                                       f"{version}; run kg import gazetteer and commit the file\n")
    assert out.read_text(encoding="utf-8") == "stale"


def test_data_that_is_not_the_package_layout_is_exit_2_and_nothing_is_written(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(package_data(), data)
    with sqlite3.connect(data / "dataset.db") as db:
        db.execute("ALTER TABLE admin_units RENAME COLUMN wardCode TO code")
    out = tmp_path / "out.trig"
    assert main(["import", "gazetteer", "--data", str(data), "-o", str(out)]) == 2
    assert capsys.readouterr().err == (f"Error: {data / 'dataset.db'}: table admin_units has no column wardCode (this "
                                       "importer reads the layout of vietnamadminunits 1.0.4); install that version\n")
    assert not out.exists()


# --- complete: the package's own counts ---------------------------------------------------------

def test_the_units_of_each_level_and_period_are_the_packages(full):
    old_provinces, districts, old_communes = package_rows(
        "SELECT COUNT(DISTINCT provinceCode), COUNT(DISTINCT districtCode), COUNT(DISTINCT wardCode) "
        "FROM admin_units_legacy")[0]
    new_provinces, new_communes, areas = package_rows(
        "SELECT COUNT(DISTINCT provinceCode), COUNT(DISTINCT wardCode), COUNT(wardAreaKm2) FROM admin_units")[0]
    counted = {row[0].rsplit("#", 1)[-1] + " " + str(row[1]): int(row[2]) for row in full.rows(PREFIX + """
        SELECT ?level ?period (COUNT(DISTINCT ?unit) AS ?n) WHERE {
          ?unit hkg:adminCode ?code ; a ?level . VALUES ?level { hkg:Province hkg:District hkg:Commune }
          { ?unit hkg:validUntil ?d BIND("before" AS ?period) } UNION { ?unit hkg:validFrom ?d BIND("after" AS ?period) }
          UNION { ?unit hkg:unchangedOn ?d VALUES ?period { "before" "after" } }
        } GROUP BY ?level ?period""")[1]}
    assert counted == {"Province before": old_provinces, "Province after": new_provinces,
                       "District before": districts, "Commune before": old_communes, "Commune after": new_communes}
    assert one(full, "SELECT (COUNT(*) AS ?n) WHERE { ?u hkg:areaKm2 ?a }").toPython() == areas
    units = one(full, "SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE { ?u hkg:adminCode ?c }").toPython()
    points = one(full, "SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE { ?u hkg:adminCode ?c ; geo:hasGeometry/geo:asWKT ?w "
                       "FILTER(STRSTARTS(STR(?w), 'POINT(')) }").toPython()
    assert units == points == len(read_gazetteer().units)


def test_every_old_unit_goes_where_the_mapping_says(full, gazetteer):
    mapping = package_mapping()
    pairs = sum(len(olds) for wards in mapping["DICT_PROVINCE_WARD_NO_DIVIDED"].values() for olds in wards.values())
    pairs += sum(len(new) for olds in mapping["DICT_PROVINCE_WARD_DIVIDED"].values() for new in olds.values())
    pairs += sum(len(olds) for key, olds in mapping["DICT_PROVINCE"].items() if olds != [key])
    assert one(full, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?a ?b WHERE { ?a hkg:mergedInto ?b ; "
                     "hkg:adminCode ?c } }").toPython() == pairs


# --- golden units, read from the package --------------------------------------------------------

def test_a_province_before_and_after(full, gazetteer):
    (name, code), = package_rows("SELECT DISTINCT province, provinceCode FROM admin_units_legacy "
                                 "WHERE provinceShort = 'Hà Giang'")
    (new_name, new_code), = package_rows("SELECT DISTINCT province, provinceCode FROM admin_units "
                                         "WHERE provinceShort = 'Tuyên Quang'")
    old, new = unit_iri(gazetteer, "province", "before", code), unit_iri(gazetteer, "province", "after", new_code)
    assert (old, new) == (AREA["ha-giang-province-old"], AREA["tuyen-quang-province"])
    assert set(full.objects(old, HKG.mergedInto)) == {new}
    assert Literal(name, lang="vi") in set(full.objects(old, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
    assert set(full.objects(new, HKG.adminCode)) == {Literal(new_code)}
    assert Literal(new_name, lang="vi") in set(full.objects(new, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
    assert set(full.objects(old, HKG.validUntil)) == {Literal("2025-06-30", datatype=URIRef(
        "http://www.w3.org/2001/XMLSchema#date"))}


def test_a_commune_divided_between_several_new_ones(full, gazetteer):
    divided = {old: [part["newWardKey"] for part in parts] for province, olds
               in package_mapping()["DICT_PROVINCE_WARD_DIVIDED"].items() for old, parts in olds.items()}
    key = max(sorted(divided), key=lambda k: len(divided[k]))  # the commune divided the most
    province, district, ward = key.split("_")
    (code,), = package_rows(f"SELECT wardCode FROM admin_units_legacy WHERE provinceKey = '{province}' AND "
                            f"districtKey = '{district}' AND wardKey = '{ward}'")
    new_province = next(k for k, v in package_mapping()["DICT_PROVINCE"].items() if province in v)
    keys = ", ".join(f"'{w}'" for w in divided[key])
    codes = {c for (c,) in package_rows(f"SELECT wardCode FROM admin_units WHERE provinceKey = '{new_province}' "
                                        f"AND wardKey IN ({keys})")}
    assert len(codes) == len(divided[key]) > 2
    successors = set(full.objects(unit_iri(gazetteer, "commune", "before", code), HKG.mergedInto))
    assert {str(next(iter(full.objects(s, HKG.adminCode)))) for s in successors} == codes


def test_the_curated_areas_keep_their_iris_labels_and_facts(full, gazetteer):
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    for (level, period, code), (local, short) in CURATED.items():
        assert unit_iri(gazetteer, level, period, code) == AREA[local]
        assert set(full.objects(AREA[local], HKG.adminCode)) == {Literal(code)}
        vi = [x for x in full.objects(AREA[local], label) if x.language == "vi"]
        assert len(vi) == 1, (local, vi)  # the curated name; the dataset's is an altLabel
    assert set(full.objects(AREA["lao-cai-province-old"], HKG.mergedInto)) == {AREA["lao-cai-province"]}
    assert set(full.objects(AREA["sa-pa-town"], HKG.partOf)) == {AREA["lao-cai-province-old"]}
    # no triple of the curated files is stated again by the gazetteer
    assert one(full, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/vnhealth/graph/reference> { ?s ?p ?o } "
                     "GRAPH <https://w3id.org/vnhealth/graph/gazetteer> { ?s ?p ?o } }").toPython() == 0


def test_the_post_2025_codes_agree_with_vietnam_provinces():
    """vietnam-provinces (another package, from the statistics office's list) as a cross-check of the new codes."""
    vp = pytest.importorskip("vietnam_provinces")
    nested = json.loads(Path(vp.NESTED_DIVISIONS_JSON_PATH).read_text(encoding="utf-8"))

    def norm(name: str) -> str:
        name = " ".join(unicodedata.normalize("NFC", name).replace("–", "-").replace("’", "'").split())
        for prefix in ("Tỉnh ", "Thành phố "):
            name = name.removeprefix(prefix)
        return name

    theirs = {f"{p['code']:02d}": norm(p["name"]) for p in nested}
    ours = {code: norm(name) for code, name in package_rows("SELECT DISTINCT provinceCode, province FROM admin_units")}
    assert ours == theirs
    their_counts = {f"{p['code']:02d}": len(p["wards"]) for p in nested}
    our_counts = dict(package_rows("SELECT provinceCode, COUNT(*) FROM admin_units GROUP BY provinceCode"))
    assert our_counts == their_counts
    their_codes = {f"{w['code']:05d}" for p in nested for w in p["wards"]}
    our_codes = {c for (c,) in package_rows("SELECT wardCode FROM admin_units")}
    assert len(our_codes & their_codes) >= 0.95 * len(our_codes)  # the two lists differ on a few merged wards' codes


# --- conforming -----------------------------------------------------------------------------------

def test_the_full_graph_conforms_to_the_shapes(full):
    from kg.validation.validator import validate

    report = validate(project=Project(ROOT, gazetteer=True), store=full)
    assert report.conforms, report.to_text()
    assert [f for f in report.findings if (f.file or "").startswith("data/gazetteer/")] == []


# --- institutions placed, and the queries on old units, new ones and communes ---------------------

def test_every_institution_has_its_province_then_and_today(full):
    rows = full.rows(PREFIX + """
        SELECT ?institution ?province ?today WHERE {
          GRAPH <https://w3id.org/vnhealth/graph/reference> { ?institution hkg:locatedIn ?place }
          FILTER(STRSTARTS(STR(?institution), "https://w3id.org/vnhealth/id/org/"))
          FILTER(?place NOT IN (<https://w3id.org/vnhealth/id/area/vietnam>, <https://w3id.org/vnhealth/id/area/japan>))
          OPTIONAL { ?place hkg:partOf* ?province . ?province a hkg:Province .
                     OPTIONAL { ?province hkg:mergedInto ?next } }
          BIND(COALESCE(?next, ?province) AS ?today)
          OPTIONAL { ?today hkg:validFrom ?from } OPTIONAL { ?today hkg:unchangedOn ?kept }
        }""")[1]
    assert rows and all(province is not None for _, province, _ in rows), rows
    today = {str(t) for _, _, t in rows}
    for area in today:  # a province of today: it began on 1 July 2025 or was left as it was
        assert one(full, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{area}> hkg:validFrom|hkg:unchangedOn ?d }}").toPython(), area


@pytest.fixture(scope="module")
def placed(tmp_path_factory, gazetteer):
    """The full graph with a made-up commune health station in an old commune of Sa Pa town, and a training it got."""
    old = next(u for u in gazetteer.units if u.level == "commune" and u.period == "before" and u.parent == "sa-pa-town"
               and len(u.successors) == 1)
    fixture = tmp_path_factory.mktemp("placed") / "station.trig"
    fixture.write_text(f"""
@prefix hkg: <https://w3id.org/vnhealth/def#> . @prefix inst: <{INST}> . @prefix area: <{AREA}> .
@prefix act: <https://w3id.org/vnhealth/id/activity/> . @prefix src: <https://w3id.org/vnhealth/id/source/> .
@prefix spec: <https://w3id.org/vnhealth/id/concept/specialty/> . @prefix graph: <https://w3id.org/vnhealth/graph/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix dcterms: <http://purl.org/dc/terms/> .
graph:reference {{
  inst:test-station a hkg:CommuneHealthStation ; rdfs:label "Test Station"@en ;
      hkg:locatedIn area:{old.local} ; dcterms:source src:000 .
}}
graph:source-000 {{
  act:test-training a hkg:Training ; hkg:provider inst:sa-pa-general-hospital ; hkg:recipient inst:test-station ;
      hkg:specialty spec:paediatrics ; dcterms:source src:000 .
}}
""", encoding="utf-8")
    project = Project(ROOT, gazetteer=True)
    store = memory_store(project.store_files + [fixture], project)
    return store, AREA[old.local], AREA[old.successors[0]]


def institutions(store, area) -> set[str]:
    return {str(row[0]).rsplit("/", 1)[-1] for row in run_query("institutions-in-province", store, {"province": area}).rows}


def test_institutions_in_an_old_province_a_new_one_a_former_district_and_a_commune(placed):
    store, old_commune, new_commune = placed
    old_bodies = {"lao-cai-department-of-health-old", "lao-cai-peoples-committee-old",
                  "lao-cai-provincial-general-hospital-old", "sa-pa-general-hospital", "test-station"}
    assert old_bodies <= institutions(store, AREA["lao-cai-province-old"])
    assert "lao-cai-general-hospital-no1" not in institutions(store, AREA["lao-cai-province-old"])
    assert old_bodies | {"lao-cai-general-hospital-no1"} <= institutions(store, AREA["lao-cai-province"])
    assert institutions(store, AREA["sa-pa-town"]) == {"sa-pa-general-hospital", "test-station"}
    assert institutions(store, old_commune) == institutions(store, new_commune) == {"test-station"}
    assert institutions(store, AREA["yen-bai-province-old"]) == set()
    row = run_query("institutions-in-province", store, {"province": new_commune}).rows[0]
    assert (row[4], row[5]) == (AREA["lao-cai-province-old"], AREA["lao-cai-province"])  # province then, today


def test_techniques_that_reached_a_commune_and_names_that_resolve(placed):
    store, old_commune, new_commune = placed
    for area in (old_commune, new_commune, AREA["sa-pa-town"], AREA["lao-cai-province"]):
        rows = run_query("techniques-transferred-to-province", store, {"province": area}).rows
        assert (INST["test-station"], URIRef("https://w3id.org/vnhealth/id/activity/test-training")) in \
            {(r[1], r[4]) for r in rows}, area
    hanoi = run_query("techniques-transferred-to-province", store, {"province": AREA["hanoi"]}).rows
    assert INST["test-station"] not in {r[1] for r in hanoi}
    # names: the new province by its name, the old one by its own, a province before a ward of the same name
    assert institutions(store, "lao cai") == institutions(store, AREA["lao-cai-province"])
    assert institutions(store, "tỉnh Lào Cai (cũ)") == institutions(store, AREA["lao-cai-province-old"])
    assert institutions(store, "yen bai") == set()


def test_provinces_without_support_before_and_after_the_reorganisation(placed):
    store, _, _ = placed
    before = run_query("provinces-without-specialty-support", store, {"specialty": "spec:paediatrics",
                                                                      "date": "2025-06-30"}).rows
    after = run_query("provinces-without-specialty-support", store, {"specialty": "spec:paediatrics"}).rows
    (old_provinces,), = package_rows("SELECT COUNT(DISTINCT provinceCode) FROM admin_units_legacy")
    (new_provinces,), = package_rows("SELECT COUNT(DISTINCT provinceCode) FROM admin_units")
    assert len({r[0] for r in before}) == old_provinces and len({r[0] for r in after}) == new_provinces
    supported = {(r[0], r[3]): r[4] for r in after if r[2].toPython() > 0}
    assert supported[(AREA["lao-cai-province"], INST["test-station"])] is not None  # the commune it serves
    assert all(r[2].toPython() == 0 and r[3] is None for r in after if r[0] == AREA["lai-chau-province"])
