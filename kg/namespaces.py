"""The project namespaces and the prefixes bound on every graph the package builds."""

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

BASE = "https://w3id.org/vnhealth/"

HKG = Namespace(BASE + "def#")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")

INST = Namespace(BASE + "id/org/")
PERSON = Namespace(BASE + "id/person/")
POST = Namespace(BASE + "id/post/")
AGR = Namespace(BASE + "id/agreement/")
EVT = Namespace(BASE + "id/event/")
ACT = Namespace(BASE + "id/activity/")
FIG = Namespace(BASE + "id/figure/")
AREA = Namespace(BASE + "id/area/")
SRC = Namespace(BASE + "id/source/")
SCHEME = Namespace(BASE + "id/scheme/")
SPEC = Namespace(BASE + "id/concept/specialty/")
TECH = Namespace(BASE + "id/concept/technique/")
LEVEL = Namespace(BASE + "id/concept/level/")
STATUS = Namespace(BASE + "id/concept/status/")
ROLE = Namespace(BASE + "id/concept/role/")
COOP = Namespace(BASE + "id/concept/cooperation-area/")
MEASURE = Namespace(BASE + "id/concept/measure/")
UNIT = Namespace(BASE + "id/concept/unit/")
APPROX = Namespace(BASE + "id/concept/approximation/")
HCLASS = Namespace(BASE + "id/concept/hospital-class/")
METRIC = Namespace(BASE + "id/metric/")
REF = Namespace(BASE + "id/referral/")
GROUP = Namespace(BASE + "id/group/")
SHARE = Namespace(BASE + "id/concept/share/")
CASEMIX = Namespace(BASE + "id/concept/case-mix/")
TREND = Namespace(BASE + "id/concept/referral-trend/")
AREAKIND = Namespace(BASE + "id/concept/area-kind/")
EQUIP = Namespace(BASE + "id/concept/equipment/")
REPORT = Namespace(BASE + "id/report/")

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
VANN = Namespace("http://purl.org/vocab/vann/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")

#: Every prefix the project binds, in the order they are written in exports.
PREFIXES: dict[str, Namespace] = {
    "hkg": HKG,
    "inst": INST,
    "person": PERSON,
    "post": POST,
    "agr": AGR,
    "evt": EVT,
    "act": ACT,
    "fig": FIG,
    "area": AREA,
    "src": SRC,
    "graph": GRAPH,
    "scheme": SCHEME,
    "spec": SPEC,
    "tech": TECH,
    "level": LEVEL,
    "status": STATUS,
    "role": ROLE,
    "coop": COOP,
    "measure": MEASURE,
    "unit": UNIT,
    "approx": APPROX,
    "hclass": HCLASS,
    "metric": METRIC,
    "ref": REF,
    "group": GROUP,
    "share": SHARE,
    "casemix": CASEMIX,
    "trend": TREND,
    "areakind": AREAKIND,
    "equip": EQUIP,
    "report": REPORT,
    "geo": GEO,
    "org": ORG,
    "schema": SCHEMA,
    "skos": SKOS,
    "prov": PROV,
    "time": TIME,
    "dcterms": DCTERMS,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "sh": SH,
    "vann": VANN,
}

#: The properties that name an entity: every label in every language (search, counts of labels).
LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project prefixes on ``graph`` (replacing rdflib's defaults) and return it.

    >>> g = bind_prefixes(Graph())
    >>> g.namespace_manager.normalizeUri(INST["bach-mai-hospital"])
    'inst:bach-mai-hospital'
    """
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def turtle_prefix_block() -> str:
    """Return the ``@prefix`` lines for every project prefix, for writing fixtures and data files."""
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
