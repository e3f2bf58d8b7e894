"""Synthetic national health-cooperation graphs in the project's own ontology, for scale tests and demos.

``generate(out, institutions=N, seed=S)`` writes a complete project folder that
``kg --root OUT validate|stats|query|network`` can use:

- ``ontology/``, ``shapes/`` and ``queries/``: copies of the project's own folders;
- ``data/reference/{areas,institutions,people,sources}.trig``: one synthetic country, six
  regions, 34 provinces valid from 2025-07-01 and 63 former provinces valid until
  2025-06-30 (each ``hkg:mergedInto`` a new one), foreign partner countries, the N
  institutions, the people in public posts and the source documents;
- ``data/sources/syn-NNNN.trig``: one named graph ``graph:source-syn-NNNN`` per synthetic
  source, each ``prov:wasDerivedFrom src:syn-NNNN``, holding agreements, support
  activities, technique deployments, posts, events, reported figures, referral flows and
  the unnamed groups some flows come from;
- ``README.md`` (synthetic, the seed and the command) and ``expected-violations.json``.

Every label says it is synthetic ("Synthetic Province 07"@en, "Tỉnh mẫu 07"@vi,
"Synthetic Provincial General Hospital 0123"@en, "Bệnh viện Đa khoa tỉnh mẫu 0123"@vi,
"Synthetic Person 00042"@en) and every generated IRI has a ``syn-`` local name, so a
synthetic folder never clashes with the curated data.

The network is built like the real one: a few central hospitals (general and
specialised) support every provincial hospital (1 to 3 central supporters each, a
round robin making the whole network one component); each provincial general hospital
supports the regional hospitals and commune health stations of its province under group
agreements; central hospitals support the departments of health; departments of
neighbouring provinces sign memoranda; foreign partners support central hospitals.
Statuses come from ``scheme:statuses`` (some planned, most signed or in force, some
ended), periods mix ``xsd:date``, ``xsd:gYearMonth`` and ``xsd:gYear`` and some carry a
``time:Duration``; techniques and specialties are read from the template's
``ontology/vocab/``.

Referral flows (``hkg:ReferralFlow``) go the other way, up the line system (commune ->
regional -> provincial -> central): every commune health station sends patients to a
regional hospital of its province or to the provincial general hospital that supports it,
every regional hospital to that general hospital (sometimes a provincial specialised one),
and every provincial hospital to one of the central hospitals that support it; about a
third send a second flow to a higher level (a station skipping the regional hospital, a
regional hospital across the provincial border or straight to a central hospital, a
provincial hospital to a central hospital of its specialty). Never down, never across a
level. A few flows per province come from unnamed groups with a ``hkg:groupArea``: the
patients of a province (or of a former one, dated before the merger) to a central
hospital (``hkg:PatientGroup``), the province's commune stations as a whole to its general
hospital (``hkg:InstitutionGroup``, ``hkg:groupLevel level:commune``). Nine flows in ten
(half of the patients' flows) state a volume, a ``hkg:ReportedFigure`` of
``measure:patients-received-per-year`` about the receiver: an exact value, an approximate
one or a range; some give the share referred or the case mix in words; four in ten carry a
period in years, half the date they were reported. So there are about 1.3 flows per
commune station, regional or provincial hospital. The flows draw from a random stream of
their own (``REFERRALS`` holds the rates), so they change none of the other facts drawn
for a seed; each sender's flows are one story, packed into sources like the rest.

Size. The output grows linearly with N: about 41 triples per institution once commune
health stations make up the bulk (some 20 of support facts and 21 of referral flows), more
in small graphs (which hold relatively more hospitals and departments), plus about 1,000
fixed triples (areas and the register). Measured with seed 1: 60 institutions give about
6,500 triples and 64 flows, 97 about 10,000, 1,000 about 59,000, 1,848 about 100,000
(2,385 flows) and 22,900 about 1,000,000 (about 29,700 flows, some 800 source files,
written in a few seconds). ``triples=T`` picks N for about T triples (within about 5 %,
7 % for the smallest graphs) through ``institutions_for(T)``. Facts are packed into sources of about 1,000
triples each (at least eight sources for small graphs), so a change to one source file
stays small.

Determinism: the same arguments give the same bytes (``random.Random(seed)``, entities
sorted by IRI in every file). The TriG is written as text, not through rdflib's
serialiser, so a million triples take seconds.

``violations=K`` injects K known violations of K distinct shapes or checks (see
``VIOLATIONS``) into an otherwise unchanged graph, and ``expected-violations.json`` lists
the findings ``kg validate`` must report for them: ``focus``, ``path`` (or null) and
``component`` (a SHACL constraint component IRI, or ``query:<check>``).

Everything is written into a temporary folder beside OUT and renamed into place, so a
failure leaves nothing half-written. Bad arguments raise ``InputError``.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SKOS

from kg.errors import InputError
from kg.namespaces import PREFIXES, turtle_prefix_block

#: The smallest number of institutions that still holds every kind and a connected network.
MIN_INSTITUTIONS = 20
#: The largest number accepted (about 10 million triples, some 4 GB of memory); beyond it, write several folders.
MAX_INSTITUTIONS = 500_000
#: Triples aimed at per source graph once the graph is large enough.
TRIPLES_PER_SOURCE = 1000
#: Fewest sources of a small graph (so that source-related checks have something to compare).
MIN_SOURCES = 8

#: Folders copied from the template project.
COPIED_FOLDERS = ("ontology", "shapes", "queries")

SH = "http://www.w3.org/ns/shacl#"

#: Concepts the generator uses by name; the template's schemes must define them.
REQUIRED_CONCEPTS = (
    "level:central", "level:provincial", "level:regional", "level:commune", "level:international",
    "status:planned", "status:signed", "status:in-force", "status:ended",
    "role:director", "role:deputy-director", "role:deputy-minister", "role:expert",
    "unit:count", "unit:percent", "unit:per-10000-population", "unit:patients-per-year", "unit:beds", "unit:years",
    "approx:about", "approx:more-than", "approx:nearly",
    "hclass:special", "hclass:category-1", "hclass:category-2", "hclass:category-3",
    "measure:staff-trained", "measure:doctors-per-population", "measure:hospital-beds-per-population",
    "measure:share-communes-meeting-national-health-criteria", "measure:inter-level-techniques-provincial-hospitals",
    "measure:communes-meeting-national-health-criteria", "measure:patients-received-per-year",
    "measure:hospital-beds", "measure:cooperation-duration",
    "share:most", "share:some", "share:all", "casemix:severe", "casemix:complex",
)

#: Specialties given to specialised hospitals, when the template's scheme has them.
HOSPITAL_SPECIALTIES = ("oncology", "obstetrics-gynaecology", "paediatrics", "cardiology", "geriatrics",
                        "rehabilitation", "orthopaedics-trauma", "neurology", "surgery")
#: Specialties in which provincial hospitals train commune health stations.
PRIMARY_CARE_SPECIALTIES = ("internal-medicine", "paediatrics", "obstetrics", "infection-control", "rehabilitation",
                            "emergency-and-intensive-care")

#: Referral flows (``_Builder.build_referrals``): the chance of a second receiver by the sender's level, of a
#: flow from an unnamed group per province, the volumes (patients a year: low, high, step) by the sender's
#: level or group, the chance the source states a volume, and the chance of a severe or complex case mix
#: by the receiver's level (or the group).
REFERRALS = {
    "second": {"level:commune": 0.3, "level:regional": 0.35, "level:provincial": 0.4},
    "patient_group": 0.3,
    "institution_group": 0.3,
    "volume": {"level:commune": (20, 400, 10), "level:regional": (100, 2500, 50),
               "level:provincial": (300, 6000, 100), "patients": (1000, 20000, 500), "stations": (500, 5000, 100)},
    "stated": {"institution": 0.9, "patients": 0.5},
    "severe": {"level:regional": 0.05, "level:provincial": 0.15, "level:central": 0.4, "patients": 0.8},
}

#: Provinces from 1 July 2025, provinces before it, and socio-economic regions.
NEW_PROVINCES = 34
OLD_PROVINCES = 63
REGIONS = 6


# ---------------------------------------------------------------------------------------
# Turtle terms
# ---------------------------------------------------------------------------------------

def _escape(text: str) -> str:
    """A Turtle string body.

    >>> _escape('say "hi"\\n')
    'say \\\\"hi\\\\"\\\\n'
    """
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
            .replace("\t", "\\t"))


def _lang(text: str, lang: str) -> str:
    return f'"{_escape(text)}"@{lang}'


def _str(text: str) -> str:
    return f'"{_escape(text)}"'


def _date(y: int, m: int = 1, d: int = 1, precision: str = "date") -> str:
    """A date literal at a precision: ``date``, ``month``, ``year`` or ``monthday``.

    >>> _date(2025, 7, 1), _date(2025, 7, 1, "month"), _date(2025, precision="year"), _date(0, 1, 21, "monthday")
    ('"2025-07-01"^^xsd:date', '"2025-07"^^xsd:gYearMonth', '"2025"^^xsd:gYear', '"--01-21"^^xsd:gMonthDay')
    """
    if precision == "date":
        return f'"{y:04d}-{m:02d}-{d:02d}"^^xsd:date'
    if precision == "month":
        return f'"{y:04d}-{m:02d}"^^xsd:gYearMonth'
    if precision == "year":
        return f'"{y:04d}"^^xsd:gYear'
    return f'"--{m:02d}-{d:02d}"^^xsd:gMonthDay'


def _decimal(value: float) -> str:
    """A canonical Turtle decimal with one digit after the point.

    >>> _decimal(110), _decimal(98.74)
    ('110.0', '98.7')
    """
    return f"{value:.1f}"


class _Blank(str):
    """An inline blank node ``[ ... ]``; ``inner`` is the number of triples inside it."""

    inner = 0


def _duration(amount: int, unit: str = "time:unitYear") -> _Blank:
    node = _Blank(f"[ a time:Duration ; time:numericDuration {amount} ; time:unitType {unit} ]")
    node.inner = 3
    return node


def expand(term: str | None) -> str | None:
    """The full IRI of a prefixed name (other text is returned as it is).

    >>> expand("inst:syn-ministry-of-health")
    'https://w3id.org/vnhealth/id/org/syn-ministry-of-health'
    >>> expand("query:period-order-violation")
    'query:period-order-violation'
    """
    if term is None:
        return None
    if term.startswith("<") and term.endswith(">"):
        return term[1:-1]
    prefix, sep, local = term.partition(":")
    if sep and prefix in PREFIXES and prefix != "query":
        return str(PREFIXES[prefix]) + local
    return term


def _prefixed(iri: str) -> str:
    """The shortest prefixed name of ``iri`` with the project prefixes, else ``<iri>``."""
    best = None
    for prefix, ns in PREFIXES.items():
        ns = str(ns)
        if iri.startswith(ns) and (best is None or len(ns) > len(str(PREFIXES[best]))):
            best = prefix
    if best is None:
        return f"<{iri}>"
    local = iri[len(str(PREFIXES[best])):]
    if local and all(c.isalnum() or c in "-_." for c in local) and not local.endswith("."):
        return f"{best}:{local}"
    return f"<{iri}>"


# ---------------------------------------------------------------------------------------
# The model: entities as ordered predicate -> objects, written as Turtle text
# ---------------------------------------------------------------------------------------

class Entity:
    """One subject: its properties in the order they were added, objects as Turtle terms."""

    __slots__ = ("iri", "props", "src")

    def __init__(self, iri: str, *types: str):
        self.iri = iri
        self.props: dict[str, list[str]] = {"a": list(types)}
        self.src: str | None = None

    def add(self, pred: str, *objects: str) -> "Entity":
        values = self.props.setdefault(pred, [])
        for obj in objects:
            if obj not in values:
                values.append(obj)
        return self

    def set(self, pred: str, *objects: str) -> "Entity":
        self.props[pred] = []
        return self.add(pred, *objects)

    def drop(self, pred: str, obj: str | None = None) -> "Entity":
        if obj is None:
            self.props.pop(pred, None)
        elif obj in self.props.get(pred, []):
            self.props[pred].remove(obj)
        return self

    def get(self, pred: str) -> list[str]:
        return self.props.get(pred, [])

    def triples(self) -> int:
        return sum(len(values) + sum(o.inner for o in values if type(o) is _Blank) for values in self.props.values())

    def render(self) -> str:
        parts = [f"{pred} {' , '.join(values)}" for pred, values in self.props.items() if values]
        return f"{self.iri} " + " ;\n    ".join(parts) + " .\n"


@dataclass
class _Inst:
    """What the generator needs to know of an institution while it writes the facts."""

    iri: str
    kind: str
    level: str
    province: int | None
    en: str
    specialty: str | None = None
    entity: Entity | None = None
    vi: str = ""


@dataclass
class _Story:
    """Facts that belong together (an agreement, its activities, events, posts and figures): one source."""

    province: int | None
    entities: list[Entity] = field(default_factory=list)

    def triples(self) -> int:
        return sum(e.triples() + 1 for e in self.entities)  # + 1: the dcterms:source added when packed


@dataclass
class _Vocab:
    concepts: dict[str, list[str]]
    labels: dict[str, dict[str, str]]
    tech_specs: dict[str, set[str]]

    def scheme(self, name: str) -> list[str]:
        return self.concepts.get(name, [])


def _load_vocab(template: Path) -> _Vocab:
    graph = Graph()
    files = sorted((template / "ontology" / "vocab").glob("*.ttl"))
    if not files:
        raise InputError(f"{template}: no ontology/vocab/*.ttl; generate from a project folder that has its "
                         "SKOS schemes")
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:
            raise InputError(f"{path}: cannot be parsed as Turtle ({exc}); fix the scheme file first") from None
    concepts: dict[str, list[str]] = {}
    for concept, scheme in graph.subject_objects(SKOS.inScheme):
        concepts.setdefault(str(scheme).rstrip("/").rsplit("/", 1)[-1], []).append(_prefixed(str(concept)))
    concepts = {k: sorted(set(v)) for k, v in concepts.items()}
    labels: dict[str, dict[str, str]] = {}
    for concept, label in graph.subject_objects(SKOS.prefLabel):
        labels.setdefault(_prefixed(str(concept)), {})[getattr(label, "language", None) or ""] = str(label)
    broader: dict[str, list[str]] = {}
    for narrower, wider in graph.subject_objects(SKOS.broader):
        broader.setdefault(_prefixed(str(narrower)), []).append(_prefixed(str(wider)))
    tech_specs = {}
    for tech in concepts.get("techniques", []):
        seen, todo = set(), [tech]
        while todo:
            node = todo.pop()
            for up in broader.get(node, []):
                if up not in seen:
                    seen.add(up)
                    todo.append(up)
        tech_specs[tech] = {s for s in seen if s.startswith("spec:")}
    known = {c for values in concepts.values() for c in values}
    missing = [c for c in REQUIRED_CONCEPTS if c not in known]
    for scheme in ("specialties", "techniques", "cooperation-areas"):
        if not concepts.get(scheme):
            missing.append(f"scheme:{scheme}")
    if missing:
        raise InputError(f"{template}/ontology/vocab: the schemes lack {', '.join(missing)}; generate from a project "
                         "whose schemes define them")
    return _Vocab(concepts, labels, tech_specs)


# ---------------------------------------------------------------------------------------
# How many institutions of each kind
# ---------------------------------------------------------------------------------------

def plan(institutions: int) -> dict[str, int]:
    """The number of institutions of each kind for N institutions in all.

    >>> p = plan(60)
    >>> sum(v for k, v in p.items() if k != "provinces_covered"), p["provinces_covered"], p["communes"]
    (60, 18, 14)
    >>> p = plan(1000); p["central_general"] + p["central_specialised"], p["provinces_covered"], p["communes"]
    (10, 34, 672)
    """
    n = institutions
    foreign = min(12, max(1, n // 200))
    central = min(60, max(2, n // 100))
    rest = n - 1 - foreign - central
    provinces = min(NEW_PROVINCES, rest // 3)
    remaining = rest - 2 * provinces
    extra_general = min(provinces, round(remaining * 0.04))
    specialised = min(12 * provinces, round(remaining * 0.08))
    regional = min(30 * provinces, round(remaining * 0.15))
    communes = remaining - extra_general - specialised - regional
    central_general = max(1, round(central * 0.4))
    return {
        "ministry": 1, "foreign": foreign, "central_general": central_general,
        "central_specialised": central - central_general, "provinces_covered": provinces,
        "departments": provinces, "provincial_general": provinces + extra_general,
        "provincial_specialised": specialised, "regional": regional, "communes": communes,
    }


#: Rough triples per institution of each kind (all the facts it brings), and fixed triples;
#: fitted on generated graphs, used only to pick N for a number of triples.
_COST = {"ministry": 0, "foreign": 280, "central_general": 0, "central_specialised": 0, "departments": 111,
         "provincial_general": 120, "provincial_specialised": 112, "regional": 55, "communes": 41.4}
_FIXED = 990


def estimate_triples(institutions: int) -> int:
    """About how many triples ``institutions`` institutions give (within about 5 %)."""
    counts = plan(institutions)
    return round(_FIXED + sum(_COST[k] * counts[k] for k in _COST))


def institutions_for(triples: int) -> int:
    """The number of institutions that gives about ``triples`` triples."""
    if triples < estimate_triples(MIN_INSTITUTIONS):
        raise InputError(f"--triples {triples}: too few; the smallest graph ({MIN_INSTITUTIONS} institutions) has "
                         f"about {estimate_triples(MIN_INSTITUTIONS):,} triples; ask for at least that many")
    low, high = MIN_INSTITUTIONS, MAX_INSTITUTIONS
    if triples > estimate_triples(high):
        raise InputError(f"--triples {triples}: too many; at most about {estimate_triples(high):,} triples "
                         f"({MAX_INSTITUTIONS:,} institutions) in one folder")
    while low < high:
        mid = (low + high) // 2
        if estimate_triples(mid) < triples:
            low = mid + 1
        else:
            high = mid
    return low


# ---------------------------------------------------------------------------------------
# The builder
# ---------------------------------------------------------------------------------------

def _title(text: str) -> str:
    small = {"and", "of", "for", "the", "in"}
    return " ".join(w if w in small else w[:1].upper() + w[1:] for w in text.split())


class _Builder:
    def __init__(self, n: int, seed: int, vocab: _Vocab):
        self.n = n
        self.seed = seed
        self.rng = random.Random(seed)
        self.vocab = vocab
        self.width = max(4, len(str(n)))
        self.counters: dict[str, int] = {}
        self.areas: list[Entity] = []
        self.institutions: list[_Inst] = []
        self.people: dict[str, Entity] = {}
        self.holders: dict[tuple[str, str, int], str] = {}
        self.stories: list[_Story] = []
        self.sources: list[Entity] = []
        self.register: Entity | None = None
        self.no_provenance: set[str] = set()
        # candidates for injected violations
        self.directed: list[Entity] = []
        self.groups: list[Entity] = []
        self.memoranda: list[Entity] = []
        self.activities: list[Entity] = []
        self.value_figures: list[Entity] = []
        self.range_figures: list[Entity] = []
        self.posts: list[Entity] = []
        self.joint_operations: list[Entity] = []
        self.old_provinces: list[Entity] = []
        self.new_provinces: list[Entity] = []
        self.regions: list[Entity] = []
        self.story_entities: list[Entity] = []
        # who supports whom, for referrals sent back up the same lines
        self.supporters: dict[str, list[_Inst]] = {}
        self.local_supporter: dict[str, _Inst] = {}
        specs = set(vocab.scheme("specialties"))
        self.hospital_specs = [f"spec:{s}" for s in HOSPITAL_SPECIALTIES if f"spec:{s}" in specs] or sorted(specs)
        self.primary_specs = [f"spec:{s}" for s in PRIMARY_CARE_SPECIALTIES if f"spec:{s}" in specs] or sorted(specs)
        self.techniques = vocab.scheme("techniques")
        self.coop_areas = vocab.scheme("cooperation-areas")
        self.all_specs = sorted(specs)

    # --- numbering and small helpers -----------------------------------------------------

    def next(self, name: str) -> int:
        self.counters[name] = self.counters.get(name, 0) + 1
        return self.counters[name]

    def precision(self) -> str:
        r = self.rng.random()
        return "date" if r < 0.55 else "month" if r < 0.8 else "year"

    def techniques_for(self, specialty: str | None, k: int) -> list[str]:
        pool = [t for t in self.techniques if specialty and specialty in self.vocab.tech_specs.get(t, ())]
        pool = pool or self.techniques
        return sorted(self.rng.sample(pool, min(k, len(pool))))

    def specialty_of(self, technique: str) -> str | None:
        specs = sorted(self.vocab.tech_specs.get(technique, ()))
        return specs[0] if specs else None

    def new(self, story: _Story, prefix: str, name: str, *types: str) -> Entity:
        entity = Entity(f"{prefix}:syn-{name}-{self.next(name):06d}", *types)
        story.entities.append(entity)
        return entity

    # --- areas --------------------------------------------------------------------------

    def build_areas(self) -> None:
        rng = self.rng
        country = Entity("area:syn-country", "hkg:Country")
        country.add("rdfs:label", _lang("Quốc gia mẫu", "vi"), _lang("Synthetic Country", "en"))
        country.add("dcterms:description", _lang("A synthetic country standing for a national health system; it "
                                                  "is no real place.", "en"))
        self.areas.append(country)
        for r in range(1, REGIONS + 1):
            region = Entity(f"area:syn-region-{r}", "hkg:Region")
            region.add("rdfs:label", _lang(f"Vùng mẫu {r}", "vi"), _lang(f"Synthetic Region {r}", "en"))
            region.add("hkg:partOf", "area:syn-country")
            self.areas.append(region)
            self.regions.append(region)
        # 11 provinces keep their extent, 17 merge two former ones and 6 merge three: 11 + 34 + 18 = 63
        sizes = [1] * 11 + [2] * 17 + [3] * 6
        rng.shuffle(sizes)
        self.province_region = {}
        self.successors: dict[int, list[int]] = {}
        old = list(range(1, OLD_PROVINCES + 1))
        rng.shuffle(old)
        cursor = 0
        for p in range(1, NEW_PROVINCES + 1):
            region = (p - 1) * REGIONS // NEW_PROVINCES + 1
            self.province_region[p] = region
            area = Entity(self.province(p), "hkg:Province")
            area.add("rdfs:label", _lang(f"Tỉnh mẫu {p:02d}", "vi"), _lang(f"Synthetic Province {p:02d}", "en"))
            area.add("hkg:partOf", "area:syn-country", f"area:syn-region-{region}")
            area.add("hkg:validFrom", _date(2025, 7, 1))
            self.areas.append(area)
            self.new_provinces.append(area)
            self.successors[p] = sorted(old[cursor:cursor + sizes[p - 1]])
            cursor += sizes[p - 1]
        self.predecessor_of = {o: p for p, olds in self.successors.items() for o in olds}
        for o in range(1, OLD_PROVINCES + 1):
            p = self.predecessor_of[o]
            area = Entity(self.old_province(o), "hkg:Province")
            area.add("rdfs:label", _lang(f"Tỉnh mẫu cũ {o:02d}", "vi"),
                     _lang(f"Synthetic Former Province {o:02d} (before 1 July 2025)", "en"))
            area.add("hkg:partOf", "area:syn-country", f"area:syn-region-{self.province_region[p]}")
            area.add("hkg:validUntil", _date(2025, 6, 30))
            area.add("hkg:mergedInto", self.province(p))
            self.areas.append(area)
            self.old_provinces.append(area)

    @staticmethod
    def province(p: int) -> str:
        return f"area:syn-province-{p:02d}"

    @staticmethod
    def old_province(o: int) -> str:
        return f"area:syn-former-province-{o:02d}"

    # --- institutions -------------------------------------------------------------------

    def institution(self, kind: str, level: str, province: int | None, stem: str, en: str, vi: str,
                    specialty: str | None = None, hclass: str | None = None, country: str | None = None) -> _Inst:
        number = len(self.institutions) + 1
        num = f"{number:0{self.width}d}"
        iri = f"inst:syn-{stem}-{num}"
        entity = Entity(iri, kind)
        entity.add("rdfs:label", _lang(f"{vi} {num}", "vi"), _lang(f"{en} {num}", "en"))
        entity.add("hkg:level", level)
        if hclass:
            entity.add("hkg:hospitalClass", hclass)
        if country:
            entity.add("hkg:country", country)
            entity.add("hkg:locatedIn", country)
        else:
            entity.add("hkg:locatedIn", self.province(province))
        if specialty:
            entity.add("hkg:specialty", specialty)
        inst = _Inst(iri, kind, level, province, f"{en} {num}", specialty, entity, f"{vi} {num}")
        self.institutions.append(inst)
        return inst

    def spec_names(self, spec: str) -> tuple[str, str]:
        labels = self.vocab.labels.get(spec, {})
        return _title(labels.get("en", spec.split(":")[1].replace("-", " "))), labels.get("vi", "Chuyên khoa")

    def build_institutions(self) -> None:
        rng, counts = self.rng, plan(self.n)
        self.ministry = self.institution("hkg:Ministry", "level:central", 1, "ministry-of-health",
                                         "Synthetic Ministry of Health", "Bộ Y tế mẫu")
        self.central: list[_Inst] = []
        capital = lambda: rng.choices((1, 2, 3), weights=(6, 3, 1))[0]  # noqa: E731
        for _ in range(counts["central_general"]):
            self.central.append(self.institution(
                "hkg:GeneralHospital", "level:central", capital(), "central-general-hospital",
                "Synthetic Central General Hospital", "Bệnh viện Đa khoa Trung ương mẫu",
                hclass=rng.choice(("hclass:special", "hclass:special", "hclass:category-1"))))
        for i in range(counts["central_specialised"]):
            spec = self.hospital_specs[i % len(self.hospital_specs)]
            en, vi = self.spec_names(spec)
            self.central.append(self.institution(
                "hkg:SpecialisedHospital", "level:central", capital(), "central-specialised-hospital",
                f"Synthetic Central {en} Hospital", f"Bệnh viện {vi} Trung ương mẫu", specialty=spec,
                hclass=rng.choice(("hclass:special", "hclass:category-1"))))
        countries = min(5, counts["foreign"])
        for c in range(1, countries + 1):
            area = Entity(f"area:syn-partner-country-{c}", "hkg:Country")
            area.add("rdfs:label", _lang(f"Quốc gia đối tác mẫu {c}", "vi"),
                     _lang(f"Synthetic Partner Country {c}", "en"))
            self.areas.append(area)
        self.foreign: list[_Inst] = []
        for i in range(counts["foreign"]):
            country = f"area:syn-partner-country-{i % countries + 1}"
            if i % 2 == 0:
                self.foreign.append(self.institution(
                    "hkg:ResearchInstitute", "level:international", None, "foreign-research-institute",
                    "Synthetic Foreign Research Institute", "Viện nghiên cứu nước ngoài mẫu",
                    country=country))
            else:
                self.foreign.append(self.institution(
                    "hkg:GeneralHospital", "level:international", None, "foreign-partner-hospital",
                    "Synthetic Foreign Partner Hospital", "Bệnh viện đối tác nước ngoài mẫu",
                    country=country))
        covered = sorted(rng.sample(range(1, NEW_PROVINCES + 1), counts["provinces_covered"]))
        self.covered = covered
        self.departments: dict[int, _Inst] = {}
        self.general: dict[int, list[_Inst]] = {p: [] for p in covered}
        self.specialised: dict[int, list[_Inst]] = {p: [] for p in covered}
        self.regional: dict[int, list[_Inst]] = {p: [] for p in covered}
        self.communes: dict[int, list[_Inst]] = {p: [] for p in covered}
        second = set(rng.sample(covered, counts["provincial_general"] - len(covered)))
        weights = [rng.uniform(0.5, 1.5) for _ in covered]
        spec_at = sorted(rng.choices(covered, weights=weights, k=counts["provincial_specialised"]))
        regional_at = sorted(rng.choices(covered, weights=weights, k=counts["regional"]))
        commune_at = sorted(rng.choices(covered, weights=weights, k=counts["communes"]))
        spec_count = {p: spec_at.count(p) for p in covered}
        regional_count = {p: regional_at.count(p) for p in covered}
        commune_count = {p: commune_at.count(p) for p in covered}
        for p in covered:
            self.departments[p] = self.institution(
                "hkg:DepartmentOfHealth", "level:provincial", p, "department-of-health",
                "Synthetic Department of Health", "Sở Y tế mẫu")
            for _ in range(2 if p in second else 1):
                self.general[p].append(self.institution(
                    "hkg:GeneralHospital", "level:provincial", p, "provincial-general-hospital",
                    "Synthetic Provincial General Hospital", "Bệnh viện Đa khoa tỉnh mẫu",
                    hclass=rng.choice(("hclass:category-1", "hclass:category-1", "hclass:category-2"))))
            for _ in range(spec_count[p]):
                spec = rng.choice(self.hospital_specs)
                en, vi = self.spec_names(spec)
                self.specialised[p].append(self.institution(
                    "hkg:SpecialisedHospital", "level:provincial", p, "provincial-specialised-hospital",
                    f"Synthetic Provincial {en} Hospital", f"Bệnh viện {vi} tỉnh mẫu", specialty=spec,
                    hclass=rng.choice(("hclass:category-1", "hclass:category-2", "hclass:category-2"))))
            for _ in range(regional_count[p]):
                self.regional[p].append(self.institution(
                    "hkg:RegionalHospital", "level:regional", p, "regional-hospital",
                    "Synthetic Regional Hospital", "Bệnh viện khu vực mẫu",
                    hclass=rng.choice(("hclass:category-2", "hclass:category-3", "hclass:category-3"))))
            for _ in range(commune_count[p]):
                self.communes[p].append(self.institution(
                    "hkg:CommuneHealthStation", "level:commune", p, "commune-health-station",
                    "Synthetic Commune Health Station", "Trạm y tế xã mẫu"))

    # --- people and posts ---------------------------------------------------------------

    def holder(self, inst: _Inst, role: str, index: int = 0) -> str:
        """The person holding ``role`` (the ``index``-th one) at ``inst``, created the first time."""
        key = (inst.iri, role, index)
        if key not in self.holders:
            number = len(self.people) + 1
            iri = f"person:syn-person-{number:05d}"
            person = Entity(iri, "hkg:Person")
            person.add("rdfs:label", _lang(f"Synthetic Person {number:05d}", "en"))
            honorific = self.rng.choice(("TS.BS", "PGS.TS", "ThS.BS", "BSCKII", "GS.TS", None, None))
            if honorific:
                person.add("hkg:honorific", _str(honorific))
            self.people[iri] = person
            self.holders[key] = iri
        return self.holders[key]

    def post(self, story: _Story, inst: _Inst, role: str, reported: str | None, index: int = 0) -> str:
        person = self.holder(inst, role, index)
        post = self.new(story, "post", "post", "hkg:Post")
        post.add("org:member", person).add("org:organization", inst.iri).add("org:role", role)
        if reported:
            post.add("hkg:reportedOn", reported)
        self.posts.append(post)
        return person

    # --- periods ------------------------------------------------------------------------

    def period(self, status: str) -> dict:
        """Start, end, duration and signing date for a cooperation of ``status``, as tuples (y, m, d, precision)."""
        rng = self.rng
        m, d = rng.randint(1, 12), rng.randint(1, 28)
        if status == "planned":
            if rng.random() < 0.5:
                return {"start": (rng.randint(2026, 2027), m, d, rng.choice(("year", "month")))}
            return {}
        if status == "ended":
            y, years = rng.randint(2012, 2021), rng.randint(1, 4)
            open_ended = False
        else:
            y = rng.randint(2021, 2025)
            years = rng.randint(2026 - y, 5)
            open_ended = rng.random() < 0.25
        start_precision = self.precision()
        end_precision = start_precision if rng.random() < 0.8 else self.precision()
        out = {"start": (y, m, d, start_precision), "years": years, "signed": (y, m, d, start_precision)}
        if not open_ended:
            out["end"] = (y + years, m, d, end_precision)
            if rng.random() < 0.35:
                out["duration"] = years
        return out

    def within(self, period: dict) -> tuple[int, int, int]:
        """A day inside ``period`` (before 2026), for activities, events and reports."""
        start = period.get("start")
        if not start:
            return (self.rng.randint(2024, 2025), self.rng.randint(1, 12), self.rng.randint(1, 28))
        last = min(start[0] + period.get("years", 1), 2025)
        y = self.rng.randint(min(start[0], last), last)
        m = self.rng.randint(start[1] if y == start[0] else 1, 12)
        return (y, m, self.rng.randint(1, 28))

    def status(self, backbone: bool) -> str:
        r = self.rng.random()
        if not backbone and r < 0.2:
            return "planned"
        r = self.rng.random()
        return "ended" if r < 0.15 else "signed" if r < 0.4 else "in-force"

    # --- cooperations -------------------------------------------------------------------

    def cooperation(self, story: _Story, supporter: _Inst | None, supported: list[_Inst], parties: list[_Inst],
                    status: str, kinds=("hkg:MemorandumOfUnderstanding", "hkg:CooperationAgreement", "hkg:Cooperation"),
                    weights=(35, 45, 20), specialty: str | None = None, area: str | None = None,
                    techniques: int = 0) -> tuple[Entity, dict]:
        rng = self.rng
        kind = rng.choices(kinds, weights=weights)[0]
        agreement = self.new(story, "agr", "agreement", kind)
        number = agreement.iri.rsplit("-", 1)[1]
        en, vi = {"hkg:MemorandumOfUnderstanding": ("Synthetic memorandum of understanding",
                                                    "Biên bản ghi nhớ mẫu"),
                  "hkg:CooperationAgreement": ("Synthetic cooperation agreement", "Thỏa thuận hợp tác mẫu"),
                  "hkg:Cooperation": ("Synthetic cooperation", "Hợp tác mẫu")}[kind]
        agreement.add("rdfs:label", _lang(f"{vi} {number}", "vi"), _lang(f"{en} {number}", "en"))
        agreement.add("hkg:party", *[p.iri for p in parties])
        if supporter:
            agreement.add("hkg:supporter", supporter.iri)
            agreement.add("hkg:supported", *[s.iri for s in supported])
        agreement.add("hkg:status", f"status:{status}")
        period = self.period(status)
        if "start" in period:
            agreement.add("hkg:startDate", _date(*period["start"]))
        if "end" in period:
            agreement.add("hkg:endDate", _date(*period["end"]))
        if "duration" in period:
            agreement.add("hkg:duration", _duration(period["duration"]))
        if kind != "hkg:Cooperation" and "signed" in period:
            y, m, d, precision = period["signed"]
            agreement.add("hkg:signedOn", _date(y, m, d, precision))
        areas = rng.sample(self.coop_areas, rng.randint(1, min(3, len(self.coop_areas))))
        agreement.add("hkg:cooperationArea", *sorted(areas))
        if area:
            agreement.add("hkg:cooperationArea", area)
        if specialty:
            agreement.add("hkg:specialty", specialty)
        if techniques:
            agreement.add("hkg:technique", *self.techniques_for(specialty, techniques))
        if rng.random() < 0.3:
            agreement.add("hkg:staffTrained", str(rng.randint(5, 200)))
        period["kind"] = kind
        period["status"] = status
        return agreement, period

    def activity(self, story: _Story, kind: str, provider: _Inst, recipient: _Inst | None, agreement: Entity | None,
                 period: dict, specialty: str | None = None, techniques: list[str] | None = None,
                 area: str | None = None) -> Entity:
        rng = self.rng
        act = self.new(story, "act", "activity", kind)
        act.add("hkg:provider", provider.iri)
        if recipient:
            act.add("hkg:recipient", recipient.iri)
        if area:
            act.add("hkg:recipientArea", area)
        if techniques:
            act.add("hkg:technique", *techniques)
        if specialty:
            act.add("hkg:specialty", specialty)
        if agreement is not None:
            act.add("hkg:relatedAgreement", agreement.iri)
        if period.get("status") == "planned":
            act.add("hkg:status", "status:planned")
        else:
            y, m, d = self.within(period)
            if rng.random() < 0.3:
                m2 = rng.randint(m, 12)
                d2 = rng.randint(d if m2 == m else 1, 28)
                precision = rng.choice(("date", "month"))
                act.add("hkg:startDate", _date(y, m, d, precision)).add("hkg:endDate", _date(y, m2, d2, precision))
            else:
                act.add("hkg:date", _date(y, m, d, self.precision()))
        if kind == "hkg:Training" and period.get("status") != "planned":
            act.add("hkg:staffTrained", str(rng.randint(2, 60)))
        if recipient is not None:
            self.activities.append(act)
        return act

    def deployment(self, story: _Story, performer: _Inst, technique: str, transfer: Entity) -> Entity:
        """The recipient of ``transfer`` reported performing ``technique``, in the year of the transfer or later."""
        rng = self.rng
        when = (transfer.get("hkg:endDate") or transfer.get("hkg:date"))[0]
        y, m = int(when[1:5]), int(when[6:8]) if when[5] == "-" else 1
        year = min(2025, y + rng.choice((0, 1, 1)))
        deployment = self.new(story, "act", "activity", "hkg:TechniqueDeployment")
        deployment.add("hkg:performedBy", performer.iri).add("hkg:technique", technique)
        if year == y:
            deployment.add("hkg:date", _date(year, rng.randint(m, 12), 28, rng.choice(("month", "year"))))
        else:
            deployment.add("hkg:date", _date(year, rng.randint(1, 12), rng.randint(1, 28), self.precision()))
        if rng.random() < 0.6:
            deployment.add("hkg:interLevel", "true")
        return deployment

    def figure(self, story: _Story, measure: str, subject: str, unit: str, value: float | None = None,
               low: float | None = None, high: float | None = None, approximation: str | None = None,
               reported: str | None = None, reference: str | None = None, baseline: str | None = None,
               change: bool = False) -> Entity:
        fig = self.new(story, "fig", "figure", "hkg:ReportedFigure")
        fig.add("hkg:measure", measure).add("hkg:subject", subject)
        if value is not None:
            fig.add("hkg:value", _decimal(value))
            self.value_figures.append(fig)
        else:
            fig.add("hkg:minValue", _decimal(low)).add("hkg:maxValue", _decimal(high))
            self.range_figures.append(fig)
        fig.add("hkg:unit", unit)
        fig.add("hkg:isApproximate", "true" if approximation else "false")
        if approximation:
            fig.add("hkg:approximation", approximation)
        if change:
            fig.add("hkg:isChange", "true")
        if baseline:
            fig.add("hkg:baseline", baseline)
        if reference:
            fig.add("hkg:referenceDate", reference)
        if reported:
            fig.add("hkg:reportedOn", reported)
        return fig

    def event(self, story: _Story, kind: str, en: str, vi: str, when: str | None, place: str | None = None,
              host: _Inst | None = None, participants: list[str] = (), agreement: Entity | None = None) -> Entity:
        evt = self.new(story, "evt", "event", kind)
        number = evt.iri.rsplit("-", 1)[1]
        evt.add("rdfs:label", _lang(f"{vi} {number}", "vi"), _lang(f"{en} {number}", "en"))
        if when:
            evt.add("hkg:date", when)
        if place:
            evt.add("hkg:place", place)
        if host:
            evt.add("hkg:host", host.iri)
        if participants:
            evt.add("hkg:participant", *participants)
        if agreement is not None:
            evt.add("hkg:relatedAgreement", agreement.iri)
        return evt

    # --- the stories ----------------------------------------------------------------------

    def central_supporters(self) -> dict[str, list[_Inst]]:
        """1 to 3 central supporters per provincial hospital; a round robin links every central hospital."""
        rng = self.rng
        provincial = [h for p in self.covered for h in self.general[p] + self.specialised[p]]
        supporters: dict[str, list[_Inst]] = {}
        count = len(self.central)
        for i, hospital in enumerate(provincial):
            chosen = [self.central[i % count]]
            if i < count:
                chosen.append(self.central[(i + 1) % count])
            wanted = rng.choice((1, 1, 2, 2, 3))
            if hospital.specialty:
                same = [c for c in self.central if c.specialty == hospital.specialty and c not in chosen]
                if same and len(chosen) < 3:
                    chosen.append(rng.choice(same))
            while len(chosen) < min(wanted, count):
                pick = rng.choice(self.central)
                if pick not in chosen:
                    chosen.append(pick)
            supporters[hospital.iri] = chosen
        return supporters

    def central_to_provincial(self, story: _Story, central: _Inst, hospital: _Inst, backbone: bool) -> None:
        rng = self.rng
        specialty = hospital.specialty or central.specialty or rng.choice(self.hospital_specs)
        status = self.status(backbone)
        agreement, period = self.cooperation(story, central, [hospital], [central, hospital], status,
                                             specialty=specialty, techniques=rng.randint(0, 3))
        self.directed.append(agreement)
        signed = agreement.get("hkg:signedOn")
        if signed and rng.random() < 0.5:
            people = [self.post(story, central, "role:director", signed[0]),
                      self.post(story, hospital, "role:director", signed[0])]
            agreement.add("hkg:signatory", *people)
            if signed[0].endswith("^^xsd:date") and rng.random() < 0.6:
                self.event(story, "hkg:Signing", "Synthetic signing ceremony", "Lễ ký kết mẫu", signed[0],
                           place=hospital.iri, host=hospital,
                           participants=[central.iri, hospital.iri] + people, agreement=agreement)
        for _ in range(rng.choice((0, 1, 1, 2))):
            if rng.random() < 0.55:
                techniques = self.techniques_for(specialty, rng.randint(1, 3))
                act = self.activity(story, "hkg:TechniqueTransfer", central, hospital, agreement, period,
                                    specialty=self.specialty_of(techniques[0]) or specialty, techniques=techniques)
                if status != "planned" and rng.random() < 0.4:
                    self.deployment(story, hospital, techniques[0], act)
            else:
                act = self.activity(story, "hkg:Training", central, hospital, agreement, period, specialty=specialty)
                if status != "planned" and rng.random() < 0.4:
                    when = act.get("hkg:date") or act.get("hkg:endDate")
                    self.figure(story, "measure:staff-trained", hospital.iri, "unit:count",
                                value=float(act.get("hkg:staffTrained")[0]), reported=when[0])
        if status != "planned" and (not self.joint_operations or rng.random() < 0.08):
            y, m, d = self.within(period)
            technique = self.techniques_for(specialty, 1)
            op = self.event(story, "hkg:JointOperation", "Synthetic joint operation",
                            "Ca phẫu thuật phối hợp mẫu",
                            _date(y, m, d), place=hospital.iri, participants=[central.iri, hospital.iri],
                            agreement=agreement)
            op.add("hkg:technique", *technique).add("hkg:specialty", specialty)
            self.joint_operations.append(op)

    def department_support(self, story: _Story, p: int) -> None:
        rng = self.rng
        department = self.departments[p]
        central = rng.choice(self.central)
        agreement, period = self.cooperation(story, central, [department], [central, department], self.status(True),
                                             kinds=("hkg:MemorandumOfUnderstanding", "hkg:Cooperation"),
                                             weights=(60, 40), area="coop:comprehensive-medical-support"
                                             if "coop:comprehensive-medical-support" in self.coop_areas else None)
        self.directed.append(agreement)
        if period["status"] == "planned":
            return
        # training given to the province as it was before the merger
        old = rng.choice(self.successors[p])
        y = rng.randint(2021, 2024)
        training = self.new(story, "act", "activity", "hkg:Training")
        training.add("hkg:provider", central.iri).add("hkg:recipientArea", self.old_province(old))
        training.add("hkg:specialty", *sorted(rng.sample(self.all_specs, 2)))
        training.add("hkg:relatedAgreement", agreement.iri)
        training.add("hkg:startDate", _date(y, precision="year")).add("hkg:endDate", _date(y + 1, precision="year"))
        y, m, d = self.within(period)
        when = _date(y, m, d)
        before = (y, m) < (2025, 7)
        people = [self.post(story, department, "role:director", when),
                  self.post(story, central, "role:director", when),
                  self.post(story, self.ministry, "role:deputy-minister", when, index=p % 3)]
        self.event(story, "hkg:WorkingSession", "Synthetic working session", "Buổi làm việc mẫu", when,
                   place=self.old_province(old) if before else self.province(p), host=department,
                   participants=[department.iri, central.iri, self.ministry.iri] + people, agreement=agreement)

    def department_memorandum(self, story: _Story, p: int, q: int) -> None:
        rng = self.rng
        a, b = self.departments[p], self.departments[q]
        status = rng.choice(("signed", "signed", "in-force", "ended"))
        agreement, period = self.cooperation(story, None, [], [a, b], status,
                                             kinds=("hkg:MemorandumOfUnderstanding",), weights=(1,))
        self.memoranda.append(agreement)
        hosts = self.specialised[q] + self.general[q]
        if hosts and rng.random() < 0.7:
            host = rng.choice(hosts)
            leader = self.post(story, a, "role:deputy-director", None)
            when = _date(0, rng.randint(1, 12), rng.randint(1, 28), "monthday") if rng.random() < 0.3 else \
                _date(*self.within(period), precision=self.precision())
            visit = self.event(story, "hkg:Visit", "Synthetic study visit", "Chuyến thăm mẫu", when,
                               place=host.iri,
                               host=host, participants=[a.iri, host.iri, leader], agreement=agreement)
            visit.add("hkg:delegationLeader", leader)

    def provincial_to_local(self, story_for, p: int) -> None:
        """Each provincial general hospital supports the regional hospitals and commune stations assigned to it."""
        rng = self.rng
        general = self.general[p]
        assigned: dict[str, tuple[_Inst, list[_Inst], list[_Inst]]] = {g.iri: (g, [], []) for g in general}
        for r in self.regional[p]:
            assigned[rng.choice(general).iri][1].append(r)
        for c in self.communes[p]:
            assigned[rng.choice(general).iri][2].append(c)
        for hospital, regionals, communes in assigned.values():
            for member in regionals + communes:
                self.local_supporter[member.iri] = hospital
            for members, size in ((regionals, 6), (communes, 8)):
                i = 0
                while i < len(members):
                    chunk = members[i:i + rng.randint(max(1, size // 2), size)]
                    i += len(chunk)
                    story = story_for()
                    agreement, period = self.cooperation(story, hospital, chunk, [hospital] + chunk, self.status(True),
                                                         kinds=("hkg:CooperationAgreement", "hkg:Cooperation"),
                                                         weights=(70, 30), area="coop:professional-support"
                                                         if "coop:professional-support" in self.coop_areas else None)
                    (self.groups if len(chunk) > 1 else self.directed).append(agreement)
                    for member in chunk:
                        self.local_support(story, hospital, member, agreement, period)
        for r in self.regional[p]:
            if self.specialised[p] and rng.random() < 0.25:
                story = story_for()
                provider = rng.choice(self.specialised[p])
                techniques = self.techniques_for(provider.specialty, 1)
                self.activity(story, "hkg:TechniqueTransfer", provider, r, None, {"status": "in-force"},
                              specialty=provider.specialty, techniques=techniques)

    def local_support(self, story: _Story, hospital: _Inst, member: _Inst, agreement: Entity, period: dict) -> None:
        rng = self.rng
        if member.kind == "hkg:RegionalHospital":
            if rng.random() < 0.8:
                techniques = self.techniques_for(None, rng.randint(1, 2))
                transfer = self.activity(story, "hkg:TechniqueTransfer", hospital, member, agreement, period,
                                         specialty=self.specialty_of(techniques[0]), techniques=techniques)
                if period["status"] != "planned" and rng.random() < 0.3:
                    self.deployment(story, member, techniques[0], transfer)
            if rng.random() < 0.5:
                self.post(story, member, "role:director", agreement.get("hkg:signedOn")[0]
                          if agreement.get("hkg:signedOn") else None)
            return
        if rng.random() < 0.7:
            training = self.activity(story, "hkg:Training", hospital, member, agreement, period,
                                     specialty=rng.choice(self.primary_specs))
            if period["status"] != "planned" and rng.random() < 0.15:
                when = training.get("hkg:date") or training.get("hkg:endDate")
                self.figure(story, "measure:staff-trained", member.iri, "unit:count",
                            value=float(training.get("hkg:staffTrained")[0]), reported=when[0])
        if rng.random() < 0.2:
            self.post(story, member, "role:director", None)

    def province_plans(self, story: _Story, p: int) -> None:
        """What a province announces but has not signed: support between its general hospitals, training plans."""
        rng = self.rng
        general = self.general[p]
        if len(general) > 1:
            agreement, _ = self.cooperation(story, general[0], [general[1]], general[:2], "planned",
                                            kinds=("hkg:Cooperation",), weights=(1,))
            self.directed.append(agreement)
        if rng.random() < 0.4:
            self.activity(story, "hkg:Training", general[0], None, None, {"status": "planned"},
                          specialty=rng.choice(self.primary_specs), area=self.province(p))

    def province_figures(self, story: _Story, p: int) -> None:
        rng = self.rng
        area = self.province(p)
        year = _date(rng.choice((2025, 2026)), precision="year")
        self.figure(story, "measure:doctors-per-population", area, "unit:per-10000-population",
                    value=rng.uniform(6, 20), reference=year)
        self.figure(story, "measure:hospital-beds-per-population", area, "unit:per-10000-population",
                    value=rng.uniform(20, 45), reference=year)
        self.figure(story, "measure:share-communes-meeting-national-health-criteria", area, "unit:percent",
                    value=rng.uniform(70, 100), approximation="approx:nearly" if rng.random() < 0.3 else None)
        self.figure(story, "measure:inter-level-techniques-provincial-hospitals", area, "unit:count",
                    value=float(rng.randint(50, 2000)), baseline=_date(2020, precision="year"), change=True)
        old = rng.choice(self.successors[p])
        self.figure(story, "measure:communes-meeting-national-health-criteria", self.old_province(old), "unit:count",
                    value=float(rng.randint(50, 300)), reference=_date(rng.choice((2023, 2024)), precision="year"))
        for hospital in self.general[p]:
            if rng.random() < 0.6:
                approx = "approx:more-than" if rng.random() < 0.3 else None
                self.figure(story, "measure:hospital-beds", hospital.iri, "unit:beds",
                            value=float(rng.randrange(300, 1500, 10)), approximation=approx, reference=year)

    def central_figures(self, story: _Story, hospital: _Inst, first: bool) -> None:
        rng = self.rng
        if first or rng.random() < 0.6:
            low = rng.randrange(5000, 60000, 1000)
            self.figure(story, "measure:patients-received-per-year", hospital.iri, "unit:patients-per-year",
                        low=float(low), high=float(low + rng.randrange(1000, 5000, 1000)), approximation="approx:about")
        self.figure(story, "measure:hospital-beds", hospital.iri, "unit:beds",
                    value=float(rng.randrange(800, 3000, 50)),
                    reference=_date(2025, precision="year"))

    def foreign_support(self, story: _Story, partner: _Inst, hospital: _Inst) -> None:
        rng = self.rng
        coop = self.new(story, "agr", "agreement", "hkg:Cooperation")
        number = coop.iri.rsplit("-", 1)[1]
        coop.add("rdfs:label", _lang(f"Hợp tác quốc tế mẫu {number}", "vi"),
                 _lang(f"Synthetic international cooperation {number}", "en"))
        coop.add("hkg:party", partner.iri, hospital.iri)
        coop.add("hkg:supporter", partner.iri).add("hkg:supported", hospital.iri)
        coop.add("hkg:status", "status:in-force")
        since = rng.randint(2000, 2016)
        coop.add("hkg:startYear", _date(since, precision="year"))
        if rng.random() < 0.5:
            coop.add("hkg:duration", _duration(2026 - since))
        coop.add("hkg:cooperationArea", *sorted(rng.sample(self.coop_areas, min(2, len(self.coop_areas)))))
        specialty = hospital.specialty or rng.choice(self.hospital_specs)
        coop.add("hkg:specialty", specialty)
        self.directed.append(coop)
        period = {"start": (since, 1, 1, "year"), "years": 2025 - since, "status": "in-force"}
        self.activity(story, "hkg:Training", partner, hospital, coop, period, specialty=specialty)
        self.figure(story, "measure:cooperation-duration", hospital.iri, "unit:years", value=float(2026 - since),
                    reported=_date(2026, rng.randint(1, 6), rng.randint(1, 28)))
        consult = self.event(story, "hkg:OnlineConsultation", "Synthetic online consultations",
                             "Hội chẩn trực tuyến mẫu",
                             None, participants=[partner.iri, hospital.iri], agreement=coop)
        consult.add("hkg:frequency", _duration(1, "time:unitMonth")).add("hkg:specialty", specialty)
        if rng.random() < 0.5:
            when = _date(0, rng.randint(1, 12), rng.randint(1, 28), "monthday") if rng.random() < 0.5 else \
                _date(rng.randint(2020, 2025), rng.randint(1, 12), rng.randint(1, 28))
            director = self.post(story, hospital, "role:director", when)
            expert = self.post(story, partner, "role:expert", when)
            ceremony = self.event(story, "hkg:Ceremony", "Synthetic award ceremony", "Lễ trao tặng mẫu", when,
                                  place=hospital.iri, host=hospital,
                                  participants=[hospital.iri, partner.iri, director, expert],
                                  agreement=coop)
            ceremony.add("hkg:award", _lang("Kỷ niệm chương mẫu vì sức khỏe nhân dân", "vi"))
            ceremony.add("hkg:awardedTo", partner.iri)

    def build_stories(self) -> None:
        rng = self.rng
        supporters = self.central_supporters()
        self.supporters = supporters
        national = _Story(None)
        self.stories.append(national)
        for i, hospital in enumerate(self.central):
            self.central_figures(national, hospital, i == 0)
        for partner in self.foreign:
            chosen = rng.sample(self.central, min(len(self.central), rng.randint(1, 4)))
            for hospital in sorted(chosen, key=lambda h: h.iri):
                story = _Story(hospital.province)
                self.stories.append(story)
                self.foreign_support(story, partner, hospital)
        backbone = {}
        provincial = [h for p in self.covered for h in self.general[p] + self.specialised[p]]
        count = len(self.central)
        for i, hospital in enumerate(provincial):
            backbone[hospital.iri] = {self.central[i % count].iri}
            if i < count:
                backbone[hospital.iri].add(self.central[(i + 1) % count].iri)
        for index, p in enumerate(self.covered):
            def story_for(p=p):
                story = _Story(p)
                self.stories.append(story)
                return story
            self.department_support(story_for(), p)
            if index + 1 < len(self.covered) and (index == 0 or rng.random() < 0.5):
                self.department_memorandum(story_for(), p, self.covered[index + 1])
            for hospital in self.general[p] + self.specialised[p]:
                for central in supporters[hospital.iri]:
                    self.central_to_provincial(story_for(), central, hospital, central.iri in backbone[hospital.iri])
            self.provincial_to_local(story_for, p)
            self.province_plans(story_for(), p)
            self.province_figures(story_for(), p)

    # --- referrals ----------------------------------------------------------------------

    def build_referrals(self) -> None:
        """Patients sent up the line system, one story per sender (see ``REFERRALS``).

        The flows draw from a random stream of their own (``referrals-SEED``), so the
        support facts of a seed are the same as without them.
        """
        rng = random.Random(f"referrals-{self.seed}")
        for index, p in enumerate(self.covered):
            neighbour = self.covered[(index + 1) % len(self.covered)] if len(self.covered) > 1 else None
            general, specialised, regional = self.general[p], self.specialised[p], self.regional[p]
            for commune in self.communes[p]:
                supporter = self.local_supporter[commune.iri]
                first = rng.choice(regional) if regional and rng.random() < 0.7 else supporter
                receivers = [first]
                if rng.random() < REFERRALS["second"]["level:commune"]:
                    if first is not supporter:
                        receivers.append(supporter)  # skipping the regional hospital
                    else:
                        others = specialised + [g for g in general if g is not supporter]
                        if others:
                            receivers.append(rng.choice(others))
                self.referrals_of(rng, p, commune, receivers)
            for hospital in regional:
                supporter = self.local_supporter[hospital.iri]
                first = rng.choice(specialised) if specialised and rng.random() < 0.15 else supporter
                receivers = [first]
                if rng.random() < REFERRALS["second"]["level:regional"]:
                    r = rng.random()
                    if neighbour is not None and r < 0.2:
                        receivers.append(rng.choice(self.general[neighbour]))  # across the provincial border
                    elif specialised and r < 0.6:
                        receivers.append(rng.choice([s for s in specialised if s is not first] or specialised))
                    else:
                        receivers.append(rng.choice(self.supporters[supporter.iri]))  # straight to the centre
                    if receivers[1] is first:
                        receivers.pop()
                self.referrals_of(rng, p, hospital, receivers)
            for hospital in general + specialised:
                first = rng.choice(self.supporters[hospital.iri])
                receivers = [first]
                if rng.random() < REFERRALS["second"]["level:provincial"]:
                    same = [c for c in self.central if c is not first and hospital.specialty
                            and c.specialty == hospital.specialty]
                    receivers.append(rng.choice(same or [c for c in self.central if c is not first]))
                self.referrals_of(rng, p, hospital, receivers)
            if index == 0 or rng.random() < REFERRALS["patient_group"]:
                self.group_referral(rng, p, "hkg:PatientGroup")
            if index == 0 or rng.random() < REFERRALS["institution_group"]:
                self.group_referral(rng, p, "hkg:InstitutionGroup")

    def referrals_of(self, rng: random.Random, p: int, sender: _Inst, receivers: list[_Inst]) -> None:
        story = _Story(p)
        self.stories.append(story)
        for receiver in receivers:
            self.referral(rng, story, sender.iri, sender.en, sender.vi, sender.level, receiver)

    def group_referral(self, rng: random.Random, p: int, kind: str) -> None:
        """A flow from a group the source does not name: the patients of a province to a central hospital, or
        the province's commune health stations as a whole to its general hospital."""
        story = _Story(p)
        self.stories.append(story)
        until = 2025
        if kind == "hkg:PatientGroup":
            group = self.new(story, "group", "patient-group", kind)
            if rng.random() < 0.3:  # a province merged on 1 July 2025: its patients' flow ends before
                until = 2024
                old = rng.choice(self.successors[p])
                area = self.old_province(old)
                en = f"Patients of Synthetic Former Province {old:02d} (before 1 July 2025)"
                vi = f"Người bệnh tỉnh mẫu cũ {old:02d} (trước sáp nhập)"
            else:
                area, en, vi = self.province(p), f"Patients of Synthetic Province {p:02d}", \
                    f"Người bệnh tỉnh mẫu {p:02d}"
            receiver, sizes = rng.choice(self.supporters[self.general[p][0].iri]), "patients"
        else:
            group = self.new(story, "group", "institution-group", kind)
            area = self.province(p)
            en = f"Commune health stations of Synthetic Province {p:02d} (not named)"
            vi = f"Các trạm y tế xã của tỉnh mẫu {p:02d} (không nêu tên)"
            group.add("hkg:groupLevel", "level:commune")
            receiver, sizes = self.general[p][0], "stations"
        group.add("rdfs:label", _lang(vi, "vi"), _lang(en, "en"))
        group.add("hkg:groupArea", area)
        self.referral(rng, story, group.iri, en[:1].lower() + en[1:], vi[:1].lower() + vi[1:], sizes, receiver,
                      until)

    def referral(self, rng: random.Random, story: _Story, sender: str, sender_en: str, sender_vi: str, sizes: str,
                 receiver: _Inst, until: int = 2025) -> Entity:
        """One flow ``sender`` -> ``receiver``, its volume a reported figure about the receiver; ``sizes`` is the
        sender's level, or ``patients`` / ``stations`` for a group (``REFERRALS``); its dates end by ``until``."""
        flow = self.new(story, "ref", "referral", "hkg:ReferralFlow")
        flow.add("rdfs:label", _lang(f"Chuyển tuyến mẫu từ {sender_vi} đến {receiver.vi}", "vi"),
                 _lang(f"Synthetic referrals from {sender_en} to {receiver.en}", "en"))
        flow.add("hkg:referredFrom", sender).add("hkg:referredTo", receiver.iri)
        low, high, step = REFERRALS["volume"][sizes]
        if rng.random() < REFERRALS["stated"].get(sizes, REFERRALS["stated"]["institution"]):
            figure = {"measure": "measure:patients-received-per-year", "subject": receiver.iri,
                      "unit": "unit:patients-per-year"}
            r = rng.random()
            if r < 0.5:
                fig = self.figure(story, **figure, value=float(rng.randrange(low, high, step)))
            elif r < 0.75:
                fig = self.figure(story, **figure, value=float(rng.randrange(low, high, step)),
                                  approximation=rng.choice(("approx:about", "approx:more-than", "approx:nearly")))
            else:
                start = rng.randrange(low, high, step)
                fig = self.figure(story, **figure, low=float(start), high=float(start + step * rng.randint(1, 5)),
                                  approximation="approx:about" if rng.random() < 0.6 else None)
            flow.add("hkg:referralVolume", fig.iri)
        if rng.random() < 0.15:
            flow.add("hkg:referredShare", rng.choices(("share:most", "share:some", "share:all"), weights=(6, 3, 1))[0])
        if rng.random() < REFERRALS["severe"].get(sizes, REFERRALS["severe"][receiver.level]):
            flow.add("hkg:caseMix", *sorted(rng.sample(("casemix:complex", "casemix:severe"), rng.randint(1, 2))))
        r = rng.random()
        if r < 0.4:
            y = rng.randint(2019, until - 2)
            flow.add("hkg:startDate", _date(y, precision="year"))
            flow.add("hkg:endDate", _date(rng.randint(y + 1, min(y + 3, until)), precision="year"))
        elif r < 0.9:
            precision = rng.choices(("date", "month", "year"), weights=(55, 25, 20))[0]
            flow.add("hkg:reportedOn", _date(rng.randint(2021, until), rng.randint(1, 12), rng.randint(1, 28),
                                             precision))
        return flow

    # --- sources ------------------------------------------------------------------------

    def pack(self) -> None:
        """Pack the stories, in order, into sources of about ``TRIPLES_PER_SOURCE`` triples."""
        total = sum(s.triples() for s in self.stories)
        budget = TRIPLES_PER_SOURCE if total >= TRIPLES_PER_SOURCE * MIN_SOURCES else max(20, total // MIN_SOURCES)
        groups: list[list[_Story]] = [[]]
        size = 0
        for story in self.stories:
            if not story.entities:
                continue
            weight = story.triples()
            if groups[-1] and size + weight > budget:
                groups.append([])
                size = 0
            groups[-1].append(story)
            size += weight
        width = max(4, len(str(len(groups))))
        rng = self.rng
        self.register = Entity("src:syn-register", "hkg:SourceDocument")
        self.register.add("dcterms:title",
                          _lang("Danh mục mẫu các đơn vị hành chính và cơ sở y tế", "vi"),
                          _lang("Synthetic register of administrative areas and health institutions", "en"))
        self.register.add("dcterms:language", _str("vi"))
        self.register.add("dcterms:publisher", _str("Synthetic Health Registry"))
        self.register.add("dcterms:description", _lang(
            "Synthetic source document: the register that lists every synthetic area and institution. "
            "It stands for no real document.", "en"))
        self.graphs: list[tuple[str, list[Entity]]] = []
        for number, group in enumerate(groups, start=1):
            local = f"syn-{number:0{width}d}"
            src = f"src:{local}"
            province = next((s.province for s in group if s.province), None)
            where_en = f"Synthetic Province {province:02d}" if province else "the Synthetic Country"
            where_vi = f"tỉnh mẫu {province:02d}" if province else "quốc gia mẫu"
            doc = Entity(src, "hkg:SourceDocument")
            doc.add("dcterms:title",
                    _lang(f"Synthetic news report {number:0{width}d}: health cooperation in {where_en}", "en"))
            language = rng.choice(("vi", "vi", "en"))
            if language == "vi":
                doc.add("dcterms:title",
                        _lang(f"Bản tin mẫu {number:0{width}d}: hợp tác y tế tại {where_vi}", "vi"))
            doc.add("dcterms:language", _str(language))
            doc.add("dcterms:publisher", _str("Synthetic Health News"))
            doc.add("schema:url", f"<https://example.org/synthetic/{local}>")
            self.sources.append(doc)
            entities = []
            for story in group:
                for entity in story.entities:
                    entity.add("dcterms:source", src)
                    entity.src = src
                    entities.append(entity)
                    self.story_entities.append(entity)
            self.graphs.append((local, entities))

    def cite(self) -> None:
        """Give every reference entity one ``dcterms:source`` per source graph that mentions it."""
        mentions: dict[str, set[str]] = {}
        for _, entities in self.graphs:
            for entity in entities:
                src = entity.src
                for pred, values in entity.props.items():
                    if pred == "dcterms:source":
                        continue
                    for value in values:
                        if value.startswith(("inst:", "area:", "person:")):
                            mentions.setdefault(value, set()).add(src)
        self.mentions = mentions
        for entity in [i.entity for i in self.institutions] + self.areas:
            entity.add("dcterms:source", "src:syn-register", *sorted(mentions.get(entity.iri, ())))
        for iri, person in self.people.items():
            person.add("dcterms:source", *(sorted(mentions.get(iri, ())) or ["src:syn-register"]))

    def build(self) -> None:
        self.build_areas()
        self.build_institutions()
        self.build_stories()
        self.build_referrals()
        self.pack()


# ---------------------------------------------------------------------------------------
# Injected violations
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Violation:
    """One kind of defect ``--violations`` can inject: the shape or check it breaks."""

    name: str
    breaks: str
    phase: int  # 1: before the reference entities cite their sources, 2: after


def _pick(rng: random.Random, candidates, used: set[str], what: str):
    free = [c for c in candidates if c.iri not in used]
    if not free:
        raise InputError(f"the graph has no {what} left for this violation; ask for more institutions or "
                         "fewer violations")
    choice = rng.choice(free)
    used.add(choice.iri)
    return choice


def _agreements(b: _Builder) -> list[Entity]:
    return b.directed + b.groups


def _v_start_after_end(b, rng, used):
    agr = _pick(rng, _agreements(b), used, "agreement")
    agr.set("hkg:startDate", _date(2024, 5, 2)).set("hkg:endDate", _date(2023, 5, 2))
    return [(agr.iri, "hkg:startDate", SH + "LessThanOrEqualsConstraintComponent")]


def _v_missing_english_label(b, rng, used):
    inst = _pick(rng, [i.entity for i in b.institutions], used, "institution")
    inst.set("rdfs:label", *[lab for lab in inst.get("rdfs:label") if not lab.endswith("@en")])
    return [(inst.iri, "rdfs:label", SH + "QualifiedMinCountConstraintComponent")]


def _v_status_outside_scheme(b, rng, used):
    agr = _pick(rng, _agreements(b), used, "agreement")
    agr.set("hkg:status", "level:central")
    return [(agr.iri, "hkg:status", "query:concept-scheme-violation")]


def _v_missing_source(b, rng, used):
    region = _pick(rng, [r for r in b.regions if r.iri not in b.mentions], used, "region")
    region.drop("dcterms:source")
    return [(region.iri, "dcterms:source", SH + "MinCountConstraintComponent")]


def _v_source_graph_without_provenance(b, rng, used):
    local, _ = rng.choice([g for g in b.graphs if f"graph:source-{g[0]}" not in used])
    used.add(f"graph:source-{local}")
    b.no_provenance.add(f"src:{local}")
    return [(f"graph:source-{local}", "prov:wasDerivedFrom", "query:graph-provenance-violation")]


def _v_supporter_not_party(b, rng, used):
    agr = _pick(rng, b.groups or b.directed, used, "agreement with a supporter")
    supporter = agr.get("hkg:supporter")[0]
    if len(agr.get("hkg:party")) < 3:  # keep two parties after the supporter leaves the list
        other = next(i.iri for i in b.institutions
                     if i.iri not in agr.get("hkg:party") and i.level != "level:international")
        agr.add("hkg:party", other)
    agr.drop("hkg:party", supporter)
    return [(agr.iri, "hkg:supporter", "query:supporter-not-party-violation")]


def _v_undeclared_property(b, rng, used):
    agr = _pick(rng, [a for a in _agreements(b) if a.get("hkg:supporter")], used, "agreement with a supporter")
    agr.add("hkg:suporter", agr.get("hkg:supporter")[0])
    return [(agr.iri, "hkg:suporter", "query:undeclared-term-violation")]


def _v_start_after_end_mixed(b, rng, used):
    agr = _pick(rng, _agreements(b), used, "agreement")
    agr.set("hkg:startDate", _date(2024, precision="year")).set("hkg:endDate", _date(2023, 6, 30))
    return [(agr.iri, "hkg:startDate", "query:period-order-violation")]


def _v_value_and_range(b, rng, used):
    fig = _pick(rng, b.value_figures, used, "figure with a value")
    value = float(fig.get("hkg:value")[0])
    fig.add("hkg:minValue", _decimal(value)).add("hkg:maxValue", _decimal(value + 10))
    return [(fig.iri, None, SH + "OrConstraintComponent")]


def _v_range_reversed(b, rng, used):
    fig = _pick(rng, b.range_figures, used, "figure with a range")
    low, high = fig.get("hkg:minValue")[0], fig.get("hkg:maxValue")[0]
    fig.set("hkg:minValue", high).set("hkg:maxValue", low)
    return [(fig.iri, "hkg:minValue", SH + "LessThanOrEqualsConstraintComponent")]


def _v_person_private_property(b, rng, used):
    person = _pick(rng, [b.people[k] for k in sorted(b.people)], used, "person")
    person.add("dcterms:date", _date(1970, 1, 1))
    return [(person.iri, "dcterms:date", SH + "ClosedConstraintComponent")]


def _v_post_two_roles(b, rng, used):
    post = _pick(rng, b.posts, used, "post")
    post.add("org:role", "role:expert" if post.get("org:role")[0] != "role:expert" else "role:director")
    return [(post.iri, "org:role", SH + "MaxCountConstraintComponent")]


def _v_label_without_language(b, rng, used):
    inst = _pick(rng, [i.entity for i in b.institutions], used, "institution")
    inst.add("rdfs:label", _str("Synthetic institution without a language tag"))
    return [(inst.iri, "rdfs:label", SH + "LanguageInConstraintComponent")]


def _v_validity_reversed(b, rng, used):
    area = _pick(rng, b.old_provinces, used, "former province")
    area.add("hkg:validFrom", _date(2026, 1, 1))
    return [(area.iri, "hkg:validFrom", SH + "LessThanOrEqualsConstraintComponent")]


def _v_merged_twice(b, rng, used):
    area = _pick(rng, b.old_provinces, used, "former province")
    current = area.get("hkg:mergedInto")[0]
    other = next(p.iri for p in b.new_provinces if p.iri != current)
    area.add("hkg:mergedInto", other)
    return [(area.iri, "hkg:mergedInto", SH + "MaxCountConstraintComponent")]


def _v_activity_without_recipient(b, rng, used):
    act = _pick(rng, [a for a in b.activities if not a.get("hkg:recipientArea")], used, "support activity")
    act.drop("hkg:recipient")
    return [(act.iri, None, SH + "OrConstraintComponent")]


def _v_supporter_is_supported(b, rng, used):
    agr = _pick(rng, b.directed, used, "agreement with a supporter")
    agr.add("hkg:supported", agr.get("hkg:supporter")[0])
    return [(agr.iri, "hkg:supporter", SH + "DisjointConstraintComponent")]


def _v_single_party(b, rng, used):
    agr = _pick(rng, b.memoranda, used, "memorandum between departments of health")
    agr.drop("hkg:party", agr.get("hkg:party")[-1])
    return [(agr.iri, "hkg:party", SH + "MinCountConstraintComponent")]


def _v_staff_trained_text(b, rng, used):
    act = _pick(rng, [a for a in b.activities if a.get("hkg:staffTrained")], used, "training")
    act.set("hkg:staffTrained", _str(act.get("hkg:staffTrained")[0]))
    return [(act.iri, "hkg:staffTrained", SH + "DatatypeConstraintComponent")]


def _v_reference_source_missing(b, rng, used):
    candidates = [i.entity for i in b.institutions
                  if b.mentions.get(i.iri, set()) - b.no_provenance]
    inst = _pick(rng, candidates, used, "institution named by a source")
    src = sorted(b.mentions[inst.iri] - b.no_provenance)[0]
    inst.drop("dcterms:source", src)
    return [(inst.iri, "dcterms:source", "query:reference-source-violation")]


def _v_wrong_entity_source(b, rng, used):
    entity = _pick(rng, [e for e in b.story_entities if e.src not in b.no_provenance], used, "fact of a source")
    other = next(s.iri for s in b.sources if s.iri != entity.src)
    entity.set("dcterms:source", other)
    return [(entity.iri, "dcterms:source", "query:entity-source-violation")]


def _v_joint_operation_patient(b, rng, used):
    op = _pick(rng, b.joint_operations, used, "joint operation")
    op.add("dcterms:subject", _str("synthetic patient details that must not be recorded"))
    return [(op.iri, "dcterms:subject", SH + "ClosedConstraintComponent")]


def _v_source_without_language(b, rng, used):
    doc = _pick(rng, b.sources, used, "source document")
    doc.drop("dcterms:language")
    return [(doc.iri, "dcterms:language", SH + "MinCountConstraintComponent")]


def _v_located_in_not_area(b, rng, used):
    inst = _pick(rng, [i.entity for i in b.institutions if i.province], used, "institution")
    inst.set("hkg:locatedIn", b.ministry.iri)
    return [(inst.iri, "hkg:locatedIn", SH + "ClassConstraintComponent")]


#: The defects ``violations=K`` injects: the first K of this list, each breaking a different shape or check.
VIOLATIONS: list[tuple[Violation, object]] = [
    (Violation("start-after-end", "hkg:PeriodShape (shapes/period.ttl)", 1), _v_start_after_end),
    (Violation("missing-english-label", "hkg:InstitutionShape-label-en (shapes/institution.ttl)", 1),
     _v_missing_english_label),
    (Violation("status-outside-scheme", "queries/concept-scheme-violation.rq", 1), _v_status_outside_scheme),
    (Violation("missing-source", "hkg:AdministrativeAreaShape-source (shapes/administrative-area.ttl)", 2),
     _v_missing_source),
    (Violation("source-graph-without-provenance", "queries/graph-provenance-violation.rq", 2),
     _v_source_graph_without_provenance),
    (Violation("supporter-not-party", "queries/supporter-not-party-violation.rq", 1), _v_supporter_not_party),
    (Violation("undeclared-property", "queries/undeclared-term-violation.rq", 1), _v_undeclared_property),
    (Violation("start-after-end-mixed-precision", "queries/period-order-violation.rq", 1), _v_start_after_end_mixed),
    (Violation("value-and-range", "hkg:ReportedFigureShape sh:or (shapes/reported-figure.ttl)", 1), _v_value_and_range),
    (Violation("range-reversed", "hkg:ValueRangeShape (shapes/reported-figure.ttl)", 1), _v_range_reversed),
    (Violation("person-private-property", "hkg:PersonShape, closed (shapes/person.ttl)", 1),
     _v_person_private_property),
    (Violation("post-two-roles", "hkg:PostShape-role (shapes/post.ttl)", 1), _v_post_two_roles),
    (Violation("label-without-language", "hkg:InstitutionShape-label (shapes/institution.ttl)", 1),
     _v_label_without_language),
    (Violation("validity-reversed", "hkg:ValidityPeriodShape (shapes/administrative-area.ttl)", 1),
     _v_validity_reversed),
    (Violation("merged-into-two", "hkg:AdministrativeAreaShape-mergedInto (shapes/administrative-area.ttl)", 1),
     _v_merged_twice),
    (Violation("activity-without-recipient", "hkg:SupportActivityShape sh:or (shapes/support-activity.ttl)", 1),
     _v_activity_without_recipient),
    (Violation("supporter-is-supported", "hkg:CooperationShape-supporter sh:disjoint (shapes/cooperation.ttl)", 1),
     _v_supporter_is_supported),
    (Violation("single-party", "hkg:CooperationShape-party-count (shapes/cooperation.ttl)", 1), _v_single_party),
    (Violation("staff-trained-as-text", "hkg:SupportActivityShape-staffTrained (shapes/support-activity.ttl)", 1),
     _v_staff_trained_text),
    (Violation("reference-source-missing", "queries/reference-source-violation.rq", 2), _v_reference_source_missing),
    (Violation("fact-cites-another-source", "queries/entity-source-violation.rq", 2), _v_wrong_entity_source),
    (Violation("joint-operation-patient", "hkg:JointOperationShape, closed (shapes/joint-operation.ttl)", 1),
     _v_joint_operation_patient),
    (Violation("source-without-language", "hkg:SourceDocumentShape-language (shapes/source-document.ttl)", 2),
     _v_source_without_language),
    (Violation("located-in-not-area", "hkg:InstitutionShape-locatedIn (shapes/institution.ttl)", 1),
     _v_located_in_not_area),
]


def _inject(builder: _Builder, count: int, phase: int, expected: list[dict], rng: random.Random,
            used: set[str]) -> None:
    for violation, inject in VIOLATIONS[:count]:
        if violation.phase != phase:
            continue
        for focus, path, component in inject(builder, rng, used):
            expected.append({"violation": violation.name, "breaks": violation.breaks, "focus": expand(focus),
                             "path": expand(path), "component": expand(component)})


# ---------------------------------------------------------------------------------------
# Writing the folder
# ---------------------------------------------------------------------------------------

_HEADER = turtle_prefix_block()


def _graph_file(graph: str, comment: str, entities: list[Entity], first: str = "") -> tuple[str, int]:
    body = [_HEADER, "\n", comment, "\n", f"{graph} {{\n\n"]
    if first:
        body.append(first + "\n")
    triples = 1 if first else 0
    for entity in sorted(entities, key=lambda e: e.iri):
        body.append(entity.render())
        body.append("\n")
        triples += entity.triples()
    body.append("}\n")
    return "".join(body), triples


@dataclass
class Summary:
    """What ``generate`` wrote."""

    out: Path
    institutions: int
    seed: int
    triples: int
    files: int
    sources: int
    violations: list[dict]
    seconds: float

    def text(self) -> str:
        injected = f", {len(self.violations)} expected findings in expected-violations.json" if self.violations else ""
        return (f"wrote {self.out}: {self.triples:,} triples in {self.files:,} data files "
                f"({self.sources:,} source graphs), {self.institutions:,} institutions, seed {self.seed}"
                f"{injected}, in {self.seconds:.1f} s")


def _readme(n: int, seed: int, triples: int, files: int, sources: int, violations: int, command: str) -> str:
    lines = [
        "# Synthetic health-cooperation graph",
        "",
        "Everything in this folder's `data/` is **synthetic**: the country, regions, provinces,",
        "institutions, people, agreements, activities, events, figures and sources were made up by",
        "`kg generate` and stand for nothing real. Labels say so (\"Synthetic Province 07\",",
        "\"Tỉnh mẫu 07\", \"Synthetic Person 00042\") and every generated IRI has a `syn-` local name.",
        "`ontology/`, `shapes/` and `queries/` are copies of the project's own folders.",
        "",
        f"- command: `{command}`",
        f"- seed: {seed}",
        f"- institutions: {n:,}",
        f"- triples: {triples:,} in {files:,} data files ({sources:,} source graphs)",
        f"- injected violations: {violations}" + (" (listed in `expected-violations.json`)" if violations else ""),
        "",
        "The same command gives the same bytes. Use the folder as a project:",
        "",
        "```sh",
        "kg --root DIR validate",
        "kg --root DIR stats",
        "kg --root DIR network",
        "kg --root DIR query agreements-in-force -p date=2026-01-01",
        "```",
        "",
    ]
    return "\n".join(lines)


def _check_arguments(institutions, triples, violations) -> int:
    if institutions is None and triples is None:
        raise InputError("give the size: --institutions N or --triples T")
    if institutions is not None and triples is not None:
        raise InputError("give either --institutions or --triples, not both")
    if triples is not None:
        institutions = institutions_for(triples)
    if institutions < MIN_INSTITUTIONS:
        raise InputError(f"--institutions {institutions}: too few; give at least {MIN_INSTITUTIONS}, so that every "
                         "kind of institution and a connected support network fit")
    if institutions > MAX_INSTITUTIONS:
        raise InputError(f"--institutions {institutions}: too many for one folder; give at most {MAX_INSTITUTIONS:,}")
    if violations < 0 or violations > len(VIOLATIONS):
        raise InputError(f"--violations {violations}: give a number from 0 to {len(VIOLATIONS)} (one per kind of "
                         "violation the generator knows)")
    return institutions


def _check_target(out: Path, force: bool, template: Path) -> Path:
    target = Path(os.path.abspath(out))
    if target.exists() and not target.is_dir():
        raise InputError(f"{out}: exists and is not a folder; give a new or empty folder for the generated project")
    if target.is_dir() and any(target.iterdir()):
        if not force:
            raise InputError(f"{out}: the folder is not empty; give a new or empty folder, or add --force to "
                             "replace it")
        project = template.resolve()
        if target.resolve() == project or target.resolve() in project.parents:
            raise InputError(f"{out}: is the project the generator copies from (or holds it); give another folder")
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out}: cannot create the folder that holds it ({exc.strerror or exc}); "
                         "choose a folder you can write to") from None
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"{out}: cannot write into {parent}; choose a folder you can write to")
    return target


def _install(tmp: Path, target: Path) -> None:
    """Move the finished folder ``tmp`` to ``target``, replacing what is there, by renames only."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)
    if target.is_dir() and any(target.iterdir()):
        trash = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.replace(target, trash)  # onto the empty trash folder
        try:
            os.replace(tmp, target)
        except OSError:
            os.replace(trash, target)
            raise
        shutil.rmtree(trash, ignore_errors=True)
    else:
        os.replace(tmp, target)  # a missing or empty target


def default_template() -> Path:
    """The project folder whose ontology, shapes and queries are copied: ``$KG_HOME`` or this checkout."""
    from kg.graph.files import default_root

    return default_root()


def generate(out, institutions: int | None = None, *, seed: int = 0, triples: int | None = None,
             violations: int = 0, force: bool = False, template: Path | None = None,
             command: str | None = None) -> Summary:
    """Write a synthetic project folder at ``out`` and return what was written (see the module docstring).

    ``template`` is the project whose ``ontology/``, ``shapes/`` and ``queries/`` are copied
    (default: the folder holding this package). ``command`` is recorded in the README.
    """
    clock = time.perf_counter()
    n = _check_arguments(institutions, triples, violations)
    template = Path(template) if template else default_template()
    for folder in COPIED_FOLDERS:
        if not (template / folder).is_dir():
            raise InputError(f"{template}: has no {folder}/; generate from a project folder that holds "
                             f"{', '.join(COPIED_FOLDERS)}")
    target = _check_target(Path(out), force, template)
    vocab = _load_vocab(template)

    builder = _Builder(n, seed, vocab)
    builder.build()
    expected: list[dict] = []
    vrng, used = random.Random(f"violations-{seed}"), set()
    _inject(builder, violations, 1, expected, vrng, used)
    builder.cite()
    _inject(builder, violations, 2, expected, vrng, used)

    files: dict[str, str] = {}
    total = 0
    reference = [
        ("sources.trig", "# Synthetic source documents: the register and one news report per source graph.\n",
         [builder.register] + builder.sources),
        ("areas.trig", "# Synthetic areas: the country, regions, 34 provinces from 1 July 2025 and the 63 "
                       "former ones.\n",
         builder.areas),
        ("institutions.trig", "# Synthetic institutions: kind, level, location, labels and the sources naming them.\n",
         [i.entity for i in builder.institutions]),
        ("people.trig", "# Synthetic people in public posts: a name and a title only. Posts are in the "
                        "source graphs.\n",
         list(builder.people.values())),
    ]
    for name, comment, entities in reference:
        text, count = _graph_file("graph:reference", comment, entities)
        files[f"data/reference/{name}"] = text
        total += count
    for local, entities in builder.graphs:
        first = f"graph:source-{local} prov:wasDerivedFrom src:{local} .\n"
        if f"src:{local}" in builder.no_provenance:
            first = ""
        text, count = _graph_file(f"graph:source-{local}", f"# Facts stated by the synthetic source src:{local}.\n",
                                  entities, first)
        files[f"data/sources/{local}.trig"] = text
        total += count
    data_files = len(files)
    command = command or (f"kg generate --institutions {n} --seed {seed} -o DIR"
                          + (f" --violations {violations}" if violations else ""))
    files["README.md"] = _readme(n, seed, total, data_files, len(builder.graphs), violations, command)
    files["expected-violations.json"] = json.dumps(expected, ensure_ascii=False, indent=1) + "\n"

    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise InputError(f"{out}: cannot write beside it ({exc.strerror or exc}); choose a folder you can "
                         "write to") from None
    try:
        for folder in COPIED_FOLDERS:
            shutil.copytree(template / folder, tmp / folder, copy_function=shutil.copyfile,
                            ignore=shutil.ignore_patterns("__pycache__", ".*"))
        (tmp / "data" / "reference").mkdir(parents=True)
        (tmp / "data" / "sources").mkdir(parents=True)
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
        _install(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Summary(out=Path(out), institutions=n, seed=seed, triples=total, files=data_files,
                   sources=len(builder.graphs), violations=expected, seconds=time.perf_counter() - clock)
