"""The graph as a FHIR R4 Bundle in the shape IHE mCSD uses for facility registries.

- every institution is an ``Organization``: its IRI as identifier, its kind and level as ``type``,
  its English name with the Vietnamese one as ``alias`` (or the reverse when it has no English
  name), ``partOf`` for a unit, an address with the province (or district) it lies in, and
  ``active`` true, false for one that a source announces and that does not exist yet (status planned);
- every administrative area is a ``Location`` of physical type *jurisdiction* (``jdn``) and the mCSD
  jurisdiction type, with a ``partOf`` hierarchy (a district in its province, a province in its
  country); an area that ended (a province merged on 1 July 2025) is ``inactive`` and its
  successor is named in its description; its ``position`` is the point of the gazetteer
  (GeoSPARQL ``geo:asWKT``, longitude then latitude in WGS 84, as FHIR's position is);
- every support link and cooperation of the support network is an ``OrganizationAffiliation``:
  the supporter as ``organization``, the supported as ``participatingOrganization`` (or, when the
  source names only an area, that area as ``location``), its ``period`` with the precision of
  the source (FHIR dates allow a year or a month), and a ``code`` *support* or *partnership* from
  the CodeSystem the Bundle carries (a partnership names its two parties in IRI order);
- every source is a ``Provenance`` whose targets are the resources stated by it.

The resources follow FHIR R4; ``tests/test_fhir.py`` validates each with the R4B models of
``fhir.resources`` (R4B changed none of these five resources' elements used here).
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime, timezone

from kg.graph.files import Project
from kg.network.projection import _rows, local_name, project_network, stored_query

BASE = "https://w3id.org/vnhealth/fhir/"
IDENTIFIER_SYSTEM = "https://w3id.org/vnhealth/id"
KIND_SYSTEM = "https://w3id.org/vnhealth/def"
LEVEL_SYSTEM = "https://w3id.org/vnhealth/id/scheme/levels"
AFFILIATION_SYSTEM = BASE + "CodeSystem/affiliation-kind"
MCSD_TYPES = "https://profiles.ihe.net/ITI/mCSD/CodeSystem/IHE.mCSD.Organization.Location.Types"
PHYSICAL_TYPES = "http://terminology.hl7.org/CodeSystem/location-physical-type"
PARENT_ORDER = ("District", "Province", "Country", "Region")  # a Location has one parent: the nearest jurisdiction


def fhir_id(iri: str) -> str:
    """A FHIR id (letters, digits, '-' and '.', at most 64) for ``iri``: its local name.

    >>> fhir_id("https://w3id.org/vnhealth/id/org/bach-mai-hospital")
    'bach-mai-hospital'
    """
    return re.sub(r"[^A-Za-z0-9.-]", "-", local_name(iri))[:64]


def _digest(*parts: str) -> str:
    """Ten hexadecimal digits that tell apart the resources of one link.

    >>> _digest("urn:l", "urn:a", "urn:b") != _digest("urn:l", "urn:a", "urn:c")
    True
    """
    import hashlib

    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:10]


def _text(row: dict) -> dict:
    return {k: (str(v) if v is not None else None) for k, v in row.items()}


def _fhir_date(value: str | None) -> str | None:
    """A date of the source's precision as a FHIR dateTime (YYYY, YYYY-MM or YYYY-MM-DD); None for no year."""
    if not value or value.startswith("--"):
        return None
    return value[:10]


def organizations(target, project: Project) -> list[tuple[dict, list[str]]]:
    """Each institution's Organization, with the sources that state it."""
    resources = []
    for row in _rows(target, stored_query("fhir-organizations.rq", project)):
        v = _text(row)
        name, alias = (v["labelEn"], v["labelVi"]) if v.get("labelEn") else (v.get("labelVi"), None)
        resource = {
            "resourceType": "Organization", "id": fhir_id(v["institution"]),
            "identifier": [{"system": IDENTIFIER_SYSTEM, "value": v["institution"]}],
            "active": local_name(v.get("status") or "") != "planned",
            "type": [{"coding": [{"system": KIND_SYSTEM, "code": local_name(v["kind"])}]}]
                    + ([{"coding": [{"system": LEVEL_SYSTEM, "code": local_name(v["level"])}]}] if v.get("level") else []),
            "name": name or local_name(v["institution"]),
        }
        if alias:
            resource["alias"] = [alias]
        if v.get("parent"):
            resource["partOf"] = {"reference": f"Organization/{fhir_id(v['parent'])}"}
        if v.get("area"):
            place = v.get("areaVi") or v.get("areaEn")
            field = "district" if local_name(v.get("areaKind") or "") == "District" else "state"
            resource["address"] = [{"use": "work", field: place, "country": "VN"}]
        elif v.get("country"):
            resource["address"] = [{"use": "work", "country": local_name(v["country"])}]
        resources.append((resource, (v.get("sources") or "").split()))
    return resources


def _position(wkt: str | None) -> dict | None:
    """FHIR's ``Location.position`` of a WKT point (longitude first, WGS 84); None for anything else.

    >>> _position("POINT(103.97 22.48)"), _position(None)
    ({'longitude': 103.97, 'latitude': 22.48}, None)
    """
    import re
    from decimal import Decimal

    match = re.fullmatch(r"\s*(?:<[^>]*>\s*)?POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)\s*", wkt or "", flags=re.I)
    if not match:
        return None
    lon, lat = (float(Decimal(x)) for x in match.groups())
    return {"longitude": lon, "latitude": lat}


def locations(target, project: Project) -> list[dict]:
    """Each administrative area's jurisdiction Location."""
    areas: dict[str, dict] = {}
    for row in _rows(target, stored_query("fhir-locations.rq", project)):
        v = _text(row)
        area = areas.setdefault(v["area"], {**v, "parents": []})
        if v.get("parent"):
            area["parents"].append((local_name(v.get("parentKind") or ""), v["parent"]))
    resources = []
    for iri, v in areas.items():
        kind = local_name(v["kind"])
        resource = {
            "resourceType": "Location", "id": fhir_id(iri),
            "identifier": [{"system": IDENTIFIER_SYSTEM, "value": iri}],
            "status": "inactive" if v.get("validUntil") else "active",
            "name": v.get("labelVi") or v.get("labelEn") or local_name(iri),
            "type": [{"coding": [{"system": MCSD_TYPES, "code": "jurisdiction"}]},
                     {"coding": [{"system": KIND_SYSTEM, "code": kind}]}],
            "physicalType": {"coding": [{"system": PHYSICAL_TYPES, "code": "jdn"}]},
        }
        if v.get("labelEn") and v.get("labelVi"):
            resource["alias"] = [v["labelEn"]]
        notes = []
        if v.get("validFrom"):
            notes.append(f"exists from {v['validFrom']}")
        if v.get("validUntil"):
            notes.append(f"existed until {v['validUntil']}")
        if v.get("mergedInto"):
            notes.append(f"merged into {v['mergedInto']}")
        if notes:
            resource["description"] = "; ".join(notes)
        position = _position(v.get("point"))
        if position:
            resource["position"] = position
        parents = sorted(v["parents"], key=lambda p: (PARENT_ORDER.index(p[0]) if p[0] in PARENT_ORDER else 9, p[1]))
        nearer = [p for p in parents if p[0] != "Region"] or parents
        if nearer:
            resource["partOf"] = {"reference": f"Location/{fhir_id(nearer[0][1])}"}
        resources.append(resource)
    return resources


def affiliations(projection, location_ids: set[str]) -> list[tuple[dict, list[str]]]:
    """One OrganizationAffiliation per link and pair of the support network's projection (planned ones left out)."""
    resources = []
    for link in sorted(projection.links, key=lambda l: l.key):
        if link.planned:
            continue
        source, target = (link.source, link.target) if link.directed else sorted((link.source, link.target))
        resource = {
            "resourceType": "OrganizationAffiliation",
            "id": f"{fhir_id(link.iri)[:50].rstrip('-.')}-{_digest(link.iri, source, target)}",
            "identifier": [{"system": IDENTIFIER_SYSTEM, "value": f"{link.iri}#{local_name(source)}--{local_name(target)}"}],
            "active": True,
            "organization": {"reference": f"Organization/{fhir_id(source)}"},
            "code": [{"coding": [{"system": AFFILIATION_SYSTEM, "code": "support" if link.directed else "partnership"}]}],
        }
        if fhir_id(target) in location_ids and "/area/" in target:
            resource["location"] = [{"reference": f"Location/{fhir_id(target)}"}]
        else:
            resource["participatingOrganization"] = {"reference": f"Organization/{fhir_id(target)}"}
        period = {k: d for k, d in (("start", _fhir_date(link.start)), ("end", _fhir_date(link.end))) if d}
        if period:
            resource["period"] = period
        resources.append((resource, list(link.sources)))
    return resources


def code_system() -> dict:
    return {
        "resourceType": "CodeSystem", "id": "affiliation-kind", "url": AFFILIATION_SYSTEM, "status": "active",
        "name": "AffiliationKind", "title": "Kinds of affiliation between health institutions",
        "content": "complete", "caseSensitive": True,
        "concept": [
            {"code": "support", "display": "support",
             "definition": "The organization supports the participating organization (or area): an agreement with "
                           "a stated direction, a technique transfer or a training."},
            {"code": "partnership", "display": "partnership",
             "definition": "The two organizations cooperate; the source names no direction between them."},
        ],
    }


def _recorded() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), tz=timezone.utc) if epoch else datetime.now(timezone.utc)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def fhir_bundle(target, project: Project | None = None) -> dict:
    """The Bundle (type *collection*) of the graph in ``target``: organizations, locations, affiliations,
    the CodeSystem of affiliation kinds and one Provenance per source."""
    project = project or Project()
    orgs = organizations(target, project)
    places = locations(target, project)
    links = affiliations(project_network(target, project=project), {p["id"] for p in places})
    stated: dict[str, list[str]] = {}
    for resource, sources in orgs + links:
        for source in sources:
            stated.setdefault(source, []).append(f"{resource['resourceType']}/{resource['id']}")
    recorded = _recorded()
    provenance = [{
        "resourceType": "Provenance", "id": f"source-{fhir_id(source)}",
        "target": [{"reference": ref} for ref in sorted(set(refs))],
        "recorded": recorded,
        "agent": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                                        "code": "assembler"}]},
                   "who": {"display": "Vietnam Health Cooperation Knowledge Graph"}}],
        "entity": [{"role": "source", "what": {"identifier": {"system": IDENTIFIER_SYSTEM, "value": source}}}],
    } for source, refs in sorted(stated.items())]
    resources = [code_system()] + places + [r for r, _ in orgs] + [r for r, _ in links] + provenance
    return {"resourceType": "Bundle", "type": "collection", "timestamp": recorded,
            "entry": [{"fullUrl": f"{BASE}{r['resourceType']}/{r['id']}", "resource": r} for r in resources]}


def fhir_text(target, project: Project | None = None) -> str:
    """The Bundle as JSON text, keys in a fixed order."""
    return json.dumps(fhir_bundle(target, project), ensure_ascii=False, indent=1) + "\n"
