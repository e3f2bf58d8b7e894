"""The gazetteer as TriG text: one named graph, the units in a fixed order, the same bytes on every run.

The text is written line by line rather than by a serialiser, so that the order of units and statements
never depends on a hash or a blank-node label. A unit's point follows the GeoSPARQL pattern
(https://docs.ogc.org/is/22-047r1/22-047r1.html, "Geometry serializations")::

    <AREA> geo:hasGeometry <AREA/point> . <AREA/point> a geo:Geometry ; geo:asWKT "POINT(lon lat)"^^geo:wktLiteral .
"""

from __future__ import annotations

from decimal import Decimal

from kg.graph.gazetteer import FIRST_DAY_AFTER, LAST_DAY_BEFORE, PACKAGE, Gazetteer, Unit
from kg.namespaces import AREA, PREFIXES

#: The named graph of the gazetteer and the source document of the dataset.
GRAPH_NAME = "graph:gazetteer"
SOURCE = f"src:{PACKAGE}"
LEGAL_SOURCE = "src:resolution-202-2025-qh15"  # the resolution on the provinces: the legal source of their merger

#: The prefixes the file declares (those it uses), in the project's order.
USED_PREFIXES = ("hkg", "area", "src", "graph", "areakind", "geo", "schema", "skos", "prov", "dcterms", "rdfs", "xsd")

LEVEL_CLASSES = {"province": "hkg:Province", "district": "hkg:District", "commune": "hkg:Commune"}
HEADINGS = {"province": "Provinces and centrally run cities", "district": "Districts, towns and cities of the district level",
            "commune": "Communes, wards, townships and special zones"}


def _quoted(text: str) -> str:
    """A Turtle string literal.

    >>> _quoted('Xã "A"')
    '"Xã \\\\"A\\\\""'
    """
    escapes = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return '"' + "".join(escapes.get(c, c) for c in text) + '"'


def _decimal(value: float) -> str:
    """A float as a canonical Turtle decimal.

    >>> _decimal(15.09), _decimal(59.0), _decimal(1e-05)
    ('15.09', '59.0', '0.00001')
    """
    text = format(Decimal(repr(value)), "f")
    return text if "." in text else text + ".0"


def _number(value: float) -> str:
    """A coordinate as the dataset gives it, for WKT (no exponent).

    >>> _number(105.83416), _number(21.0)
    ('105.83416', '21')
    """
    text = format(Decimal(repr(value)), "f")
    return text[:-2] if text.endswith(".0") else text


def _point(unit: Unit) -> str:
    return f"<{AREA[unit.local]}/point>"


def unit_statements(unit: Unit) -> list[tuple[str, list[str]]]:
    """The statements about one unit, as (predicate, objects) in Turtle text, in the order they are written."""
    if unit.curated:  # the curated labels stay in data/reference/areas.trig; the dataset's name is another name
        names = [("skos:altLabel", [f"{_quoted(unit.name)}@vi"])]
    else:
        names = [("rdfs:label", [f"{_quoted(unit.name)}@vi", f"{_quoted(unit.english)}@en"])]
    validity = {"before": ("hkg:validUntil", LAST_DAY_BEFORE), "after": ("hkg:validFrom", FIRST_DAY_AFTER),
                "both": ("hkg:unchangedOn", FIRST_DAY_AFTER)}[unit.period]
    statements = [("a", [LEVEL_CLASSES[unit.level]]), *names,
                  ("hkg:adminCode", [f'"{unit.code}"']),
                  ("hkg:areaKind", [f"areakind:{unit.kind}"]),
                  ("hkg:partOf", [f"area:{unit.parent or 'vietnam'}"]),
                  (validity[0], [f'"{validity[1]}"^^xsd:date']),
                  ("hkg:mergedInto", [f"area:{s}" for s in unit.successors]),
                  ("hkg:areaKm2", [_decimal(unit.area_km2)] if unit.area_km2 is not None else []),
                  ("geo:hasGeometry", [_point(unit)]),
                  ("dcterms:source", [LEGAL_SOURCE, SOURCE] if unit.level == "province" else [SOURCE])]
    return [(p, objects) for p, objects in statements if objects]


def unit_text(unit: Unit, known: frozenset[tuple[str, str]] = frozenset()) -> str:
    """The statements about one unit and its point, as TriG lines inside the graph; those in ``known`` (the
    curated statements about the unit, as (predicate, object) text) are left to the curated file, so that no
    triple is stated in two graphs."""
    kept = [(p, [o for o in objects if (p, o) not in known]) for p, objects in unit_statements(unit)]
    kept = [(p, objects) for p, objects in kept if objects]
    lines = [f"area:{unit.local} {kept[0][0]} {' , '.join(kept[0][1])}"]
    lines += [f"    {p} {' , '.join(objects)}" for p, objects in kept[1:]]
    text = " ;\n".join(lines) + " .\n"
    return text + (f"{_point(unit)} a geo:Geometry ;\n"
                   f'    geo:asWKT "POINT({_number(unit.lon)} {_number(unit.lat)})"^^geo:wktLiteral .\n')


def curated_statements(files) -> dict[str, frozenset[tuple[str, str]]]:
    """What the curated files state about each area, as (predicate, object) in the writer's Turtle text, by the
    area's local name (``rdf:type`` written ``a``)."""
    from rdflib import Dataset
    from rdflib.namespace import RDF

    from kg.graph.files import parse_into
    from kg.namespaces import bind_prefixes

    dataset = bind_prefixes(Dataset())
    for path in files:
        parse_into(dataset, path)
    manager = dataset.namespace_manager
    out: dict[str, set[tuple[str, str]]] = {}
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        if str(s).startswith(str(AREA)) and "/" not in str(s)[len(str(AREA)):]:
            out.setdefault(str(s)[len(str(AREA)):], set()).add(("a" if p == RDF.type else p.n3(manager), o.n3(manager)))
    return {k: frozenset(v) for k, v in out.items()}


def source_text(gazetteer: Gazetteer) -> str:
    """The dataset as a hkg:SourceDocument, with its name, version, licence and homepage from the package metadata."""
    counts = {(lv, p): gazetteer.count(lv, p) for lv in ("province", "district", "commune") for p in ("before", "after")}
    description = (f"The dataset of Vietnam's administrative units that the PyPI package {PACKAGE} ships: "
                   f"{counts['province', 'before']} provinces, {counts['district', 'before']} districts and "
                   f"{counts['commune', 'before']} communes until 30 June 2025, {counts['province', 'after']} "
                   f"provinces and {counts['commune', 'after']} communes from 1 July 2025, with official codes, "
                   "coordinates, the areas of the new communes and the mapping from the old units to the new. "
                   "Read from the package's data files by kg import gazetteer.")
    return "\n".join([
        f"{SOURCE} a hkg:SourceDocument , hkg:Gazetteer ;",
        f"    dcterms:title {_quoted(PACKAGE)}@en ;",
        f"    schema:version {_quoted(gazetteer.version)} ;",
        f"    dcterms:license {_quoted(gazetteer.licence)} ;",
        f"    schema:url <{gazetteer.homepage}> ;",
        '    dcterms:language "vi" ;',
        f"    dcterms:description {_quoted(description)}@en .",
    ]) + "\n"


def gazetteer_trig(gazetteer: Gazetteer, curated: dict[str, frozenset] | None = None) -> str:
    """The whole file: header, prefixes, and the graph with the source document and every unit.

    ``curated`` (from :func:`curated_statements`) holds what the curated files already state about the
    curated units: the gazetteer leaves it out."""
    curated = curated or {}
    header = [
        "# Vietnam's administrative units before and after 1 July 2025: provinces, districts and communes with",
        "# their official codes, names, kinds, the units they are part of, their validity, their successors and",
        f"# a point. Written by `kg import gazetteer` from the PyPI package {PACKAGE} {gazetteer.version}",
        f"# ({gazetteer.licence}, {gazetteer.homepage}); do not edit it by hand: change the",
        "# importer (kg/graph/gazetteer.py) and run the import again. The curated areas of",
        "# data/reference/areas.trig keep their IRIs and labels; the dataset's name is a skos:altLabel there.",
        "",
    ]
    prefixes = [f"@prefix {p}: <{PREFIXES[p]}> ." for p in USED_PREFIXES]
    parts = ["\n".join(header + prefixes) + "\n", f"\n{GRAPH_NAME} {{\n\n{GRAPH_NAME} prov:wasDerivedFrom {SOURCE} .\n\n",
             source_text(gazetteer)]
    level = None
    for unit in gazetteer.units:
        if unit.level != level:
            level = unit.level
            parts.append(f"\n{'#' * 65}\n# {HEADINGS[level]}\n{'#' * 65}\n")
        parts.append("\n" + unit_text(unit, curated.get(unit.local, frozenset())))
    parts.append("}\n")
    return "".join(parts)
