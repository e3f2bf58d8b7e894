"""``kg export --format fhir``: a FHIR R4 Bundle in the shape of IHE mCSD, validated resource by resource with
the models of ``fhir.resources``, with every reference resolved, the jurisdiction hierarchy checked, and the
affiliations compared with the support network's edges."""

from __future__ import annotations

import json

import pytest

from kg.cli import main
from kg.network.fhir import fhir_bundle, fhir_id
from kg.network.projection import project_network

R4B = pytest.importorskip("fhir.resources.R4B", reason="fhir.resources is a dev dependency (make test installs it)")


@pytest.fixture(scope="module")
def bundle(store):
    return fhir_bundle(store)


def resources(bundle, kind=None):
    return [e["resource"] for e in bundle["entry"] if kind is None or e["resource"]["resourceType"] == kind]


def test_every_resource_is_valid_fhir(bundle):
    from fhir.resources.R4B import get_fhir_model_class

    R4B_bundle = get_fhir_model_class("Bundle")
    R4B_bundle.model_validate(bundle)  # the Bundle as a whole, entries included
    for resource in resources(bundle):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    counts = {kind: len(resources(bundle, kind)) for kind in
              ("CodeSystem", "Location", "Organization", "OrganizationAffiliation", "Provenance")}
    assert counts == {"CodeSystem": 1, "Location": 14, "Organization": 37, "OrganizationAffiliation": 24,
                      "Provenance": 5}


def test_ids_are_unique_and_every_reference_resolves(bundle):
    keys = [(r["resourceType"], r["id"]) for r in resources(bundle)]
    assert len(keys) == len(set(keys))
    known = {f"{t}/{i}" for t, i in keys}
    refs = []

    def walk(node):
        if isinstance(node, dict):
            if "reference" in node:
                refs.append(node["reference"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(bundle)
    assert refs and set(refs) <= known
    assert all(e["fullUrl"].endswith(f"{e['resource']['resourceType']}/{e['resource']['id']}") for e in bundle["entry"])


def test_organizations_and_locations_meet_the_mcsd_requirements(bundle):
    planned = {"lao-cai-geriatric-rehabilitation-hospital"}  # source 002 announces it; it does not exist yet
    for org in resources(bundle, "Organization"):
        assert org["identifier"][0]["value"].startswith("https://w3id.org/vnhealth/id/org/")
        assert org["name"] and org["type"] and org["active"] is (org["id"] not in planned)
    stroke = next(o for o in resources(bundle, "Organization") if o["id"] == "bach-mai-stroke-center")
    assert stroke["partOf"] == {"reference": "Organization/bach-mai-hospital"}
    assert stroke["address"] == [{"use": "work", "state": "Hà Nội", "country": "VN"}]
    places = {p["id"]: p for p in resources(bundle, "Location")}
    for place in places.values():
        assert place["physicalType"]["coding"][0]["code"] == "jdn"
        assert place["type"][0]["coding"][0]["code"] == "jurisdiction"
    assert places["bao-thang-district"]["partOf"] == {"reference": "Location/lao-cai-province-old"}
    assert places["lao-cai-province-old"]["partOf"] == {"reference": "Location/vietnam"}
    assert places["lao-cai-province-old"]["status"] == "inactive"
    assert "merged into https://w3id.org/vnhealth/id/area/lao-cai-province" in places["lao-cai-province-old"]["description"]
    assert "partOf" not in places["vietnam"]
    for start in places:  # the hierarchy has no cycle
        seen, here = set(), start
        while "partOf" in places[here]:
            assert here not in seen
            seen.add(here)
            here = places[here]["partOf"]["reference"].split("/", 1)[1]


def test_the_affiliations_are_the_support_networks_edges(bundle, store):
    projection = project_network(store)
    pairs = {"support": set(), "partnership": set()}
    for aff in resources(bundle, "OrganizationAffiliation"):
        other = aff.get("participatingOrganization") or aff["location"][0]
        pairs[aff["code"][0]["coding"][0]["code"]].add(
            (aff["organization"]["reference"].split("/", 1)[1], other["reference"].split("/", 1)[1]))
    assert pairs["support"] == {(fhir_id(u), fhir_id(v)) for u, v in projection.support.edges()}
    partnership = {tuple(sorted((fhir_id(u), fhir_id(v)))) for u, v, d in projection.cooperation.edges(data=True)
                   if d["kind"] == "partnership"}
    assert {tuple(sorted(p)) for p in pairs["partnership"]} == partnership


def test_a_period_keeps_the_sources_precision(bundle):
    periods = {a["identifier"][0]["value"].split("#", 1)[0].rsplit("/", 1)[1]: a.get("period")
               for a in resources(bundle, "OrganizationAffiliation")}
    assert periods["vietnam-japan-hospital-capacity-projects"] == {"start": "2014"}
    assert periods["lao-cai-lai-chau-health-departments-memorandum-2023"] == {"start": "2023-08"}
    assert periods["lao-cai-no2-lai-chau-cooperation-2025-2030"] == {"start": "2025-10-27", "end": "2030-10-27"}
    assert periods["bach-mai-lao-cai-comprehensive-support"] is None  # source 000 states no term for it


def test_kg_export_fhir_writes_the_same_bytes_twice(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    one, two = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["export", "--format", "fhir", "-o", str(one)]) == 0
    assert main(["export", "--format", "fhir", "-o", str(two)]) == 0
    assert one.read_bytes() == two.read_bytes()
    data = json.loads(one.read_text(encoding="utf-8"))
    assert data["timestamp"] == "2023-11-14T22:13:20Z" and data["type"] == "collection"
    assert "wrote" in capsys.readouterr().err


def test_a_location_has_the_position_of_its_point():
    """With points in the graph (the map's fixture: provinces with the gazetteer's coordinates), every
    Location of an area with a point has it as its position, longitude and latitude as written."""
    import re
    from pathlib import Path

    from fhir.resources.R4B.location import Location

    from kg.graph.files import Project
    from kg.graph.store import memory_store
    from kg.network.fhir import locations
    from kg.queries.engine import select

    tests = Path(__file__).resolve().parent
    fixture = tests / "fixtures" / "map" / "provinces.trig"
    project = Project(tests.parent)
    target = memory_store([fixture], project)
    points = {str(a): str(w) for a, w in select(target, "PREFIX geo: <http://www.opengis.net/ont/geosparql#> SELECT ?a ?w WHERE { ?a geo:hasGeometry/geo:asWKT ?w }").rows}
    found = {r["identifier"][0]["value"]: r for r in locations(target, project)}
    placed = [iri for iri in points if iri in found]
    assert len(placed) >= 5
    for iri in placed:
        lon, lat = map(float, re.findall(r"-?[\d.]+", points[iri]))
        assert found[iri]["position"] == {"longitude": lon, "latitude": lat}
        Location.model_validate(found[iri])
