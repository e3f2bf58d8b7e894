"""Projecting the knowledge graph onto NetworkX graphs of who supports whom, whole or as of a date.

Two stored queries do the projection: ``queries/network-links.rq`` gives one row per link
and pair of institutions (optionally only the links in force on a date) and
``queries/network-institutions.rq`` gives the institutions with their kind, level,
province and labels. From them come two graphs:

- the *support network*, a ``DiGraph`` with an edge supporter -> supported for every
  cooperation that has a direction, technique transfer and training;
- the *cooperation network*, a ``Graph`` with the same edges undirected plus the
  partnerships, cooperations whose source names no direction.

Several links between the same two institutions make one edge whose ``weight`` is the
number of links. Planned links (``status:planned``) are kept in ``Projection.links`` and
flagged, but left out of both graphs unless ``include_planned`` is set.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

import networkx as nx
from rdflib import Literal
from rdflib.namespace import XSD

from kg.dates import first_day, last_day, parse_date
from kg.errors import InputError
from kg.namespaces import HKG, LEVEL, STATUS
from kg.queries.engine import select
from kg.queries.stored import read_query
from kg.graph.files import Project
from kg.graph.store import open_store

LINKS_QUERY = "network-links.rq"
INSTITUTIONS_QUERY = "network-institutions.rq"


@dataclass(frozen=True)
class Link:
    """One cooperation or support activity between two institutions, as a row of ``network-links.rq``."""

    iri: str
    types: tuple[str, ...]
    source: str
    target: str
    directed: bool
    status: str | None = None
    start: str | None = None
    end: str | None = None
    areas: tuple[str, ...] = ()
    techniques: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    labels: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def planned(self) -> bool:
        """True when the source announces the link but nothing is signed yet."""
        return self.status == str(STATUS.planned)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.iri, self.source, self.target)

    def in_force(self, day: date) -> bool:
        """True when the link is in force on ``day``, by the rule ``network-links.rq`` applies for ``asof``.

        Dates are compared as ISO text cut to their own precision: a start "2021" counts from
        1 January 2021, an end "2022" lasts to 31 December 2022, "--01-21" limits nothing.

        >>> link = Link("urn:l", (), "urn:a", "urn:b", True, start="2021", end="2022-06")
        >>> [link.in_force(date(y, m, d)) for y, m, d in ((2020, 12, 31), (2021, 1, 1), (2022, 6, 30), (2022, 7, 1))]
        [False, True, True, False]
        """
        text = day.isoformat()
        start, end = (self.start or "")[:10], (self.end or "")[:10]
        return ((not start or start.startswith("--") or start <= text[:len(start)])
                and (not end or end.startswith("--") or text[:len(end)] <= end))


def local_name(iri: str) -> str:
    """The last segment of an IRI.

    >>> local_name("https://w3id.org/vnhealth/def#GeneralHospital")
    'GeneralHospital'
    >>> local_name("https://w3id.org/vnhealth/id/org/bach-mai-hospital")
    'bach-mai-hospital'
    """
    return iri.rstrip("/").replace("#", "/").rsplit("/", 1)[-1] if iri else ""


def _split(text, sep=" ") -> tuple[str, ...]:
    return tuple(sorted(p.strip() for p in str(text or "").split(sep) if p.strip()))


def stored_query(name: str, project: Project | None = None) -> str:
    """The text of the stored query ``queries/<name>``, checked to parse.

    A missing file or a body that does not parse is a ``KGError`` naming the file.
    """
    path = (project or Project()).query_dir / name
    if not path.is_file():
        raise InputError(f"{path}: stored query not found; the network needs queries/{name} in the project folder")
    return read_query(path).text


def _rows(target, text: str, bindings: dict | None = None) -> list[dict]:
    result = select(target, text, bindings)
    return [dict(zip(result.variables, row)) for row in result.rows]


def read_links(target, as_of: date | str | None = None, project: Project | None = None) -> list[Link]:
    """Every link of ``target`` (the store, a dataset or an endpoint; only those in force on ``as_of`` when given),
    planned ones included."""
    query = stored_query(LINKS_QUERY, project)
    bindings = {}
    if as_of is not None:
        bindings["__asof_xsd_date"] = Literal(parse_date(as_of).isoformat(), datatype=XSD.date)
    links = []
    for value in _rows(target, query, bindings):
        text = {k: (str(v) if v is not None else None) for k, v in value.items()}
        labels = {lang: {"areas": _split(text.get(f"areas{lang.title()}"), ";"),
                         "techniques": _split(text.get(f"techniques{lang.title()}"), ";")} for lang in ("en", "vi")}
        links.append(Link(iri=text["link"], types=tuple(local_name(t) for t in _split(text["linkTypes"])), source=text["source"],
                          target=text["target"], directed=value["directed"].toPython() is True,
                          status=text.get("status"), start=text.get("start") or None, end=text.get("end") or None,
                          areas=_split(text.get("areas")), techniques=_split(text.get("techniques")),
                          sources=_split(text.get("sources")), labels=labels))
    return links


def read_institutions(target, project: Project | None = None) -> dict[str, dict]:
    """The institutions that take part in some link, as node attribute dictionaries keyed by IRI."""
    nodes = {}
    for row in _rows(target, stored_query(INSTITUTIONS_QUERY, project)):
        v = {k: (str(x) if x is not None else None) for k, x in row.items()}
        level = local_name(v.get("levelOf") or "") or None
        nodes[v["node"]] = {
            "label_vi": v.get("labelViOf") or v.get("labelEnOf") or local_name(v["node"]),
            "label_en": v.get("labelEnOf") or v.get("labelViOf") or local_name(v["node"]),
            "kind": local_name(v.get("kindOf") or str(HKG.Institution)),
            "level": level,
            "province": v.get("provinceOf"),
            "province_vi": v.get("provinceLabelVi"),
            "province_en": v.get("provinceLabelEn"),
            "country": v.get("countryOf"),
            "country_vi": v.get("countryLabelVi"),
            "country_en": v.get("countryLabelEn"),
            "foreign": level == local_name(str(LEVEL.international)) or bool(v.get("countryOf")),
        }
    return nodes


def label(attrs: dict, lang: str = "en") -> str:
    """The label of a node in ``lang`` ('vi' or 'en'), falling back on the other language.

    >>> label({"label_vi": "Bệnh viện Bạch Mai", "label_en": "Bach Mai Hospital"}, "vi")
    'Bệnh viện Bạch Mai'
    """
    other = "vi" if lang == "en" else "en"
    return attrs.get(f"label_{lang}") or attrs.get(f"label_{other}") or ""


def fold(text: str) -> str:
    """``text`` in lower case without diacritics, for sorting and searching Vietnamese names.

    >>> fold("Bệnh viện Đa khoa tỉnh Lào Cai")
    'benh vien da khoa tinh lao cai'
    """
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _merge(links: list[Link]) -> dict:
    """Edge attributes for the links between one pair of institutions."""
    starts = sorted((first_day(l.start), l.start) for l in links if first_day(l.start))
    ends = sorted((last_day(l.end), l.end) for l in links if last_day(l.end))
    open_ended = any(not last_day(l.end) for l in links)
    attrs = {
        "weight": len(links),
        "links": [l.iri for l in links],
        "types": sorted({t for l in links for t in l.types}),
        "statuses": sorted({local_name(l.status) for l in links if l.status}),
        "planned": all(l.planned for l in links),
        "start": starts[0][1] if starts else None,  # as written, with its precision
        "end": None if open_ended else ends[-1][1],
        "sources": sorted({s for l in links for s in l.sources}),
    }
    for lang in ("en", "vi"):
        attrs[f"areas_{lang}"] = sorted({a for l in links for a in l.labels.get(lang, {}).get("areas", ())})
        attrs[f"techniques_{lang}"] = sorted({t for l in links for t in l.labels.get(lang, {}).get("techniques", ())})
    return attrs


def _grouped(links, include_planned, key):
    groups: dict = {}
    for link in links:
        if link.planned and not include_planned:
            continue
        groups.setdefault(key(link), []).append(link)
    return groups


def support_network(links: list[Link], institutions: dict[str, dict], include_planned: bool = False) -> nx.DiGraph:
    """The directed support network: an edge supporter -> supported, weighted by the number of links."""
    graph = nx.DiGraph(name="support network")
    for (u, v), group in sorted(_grouped([l for l in links if l.directed], include_planned,
                                         lambda l: (l.source, l.target)).items()):
        for node in (u, v):
            graph.add_node(node, **institutions.get(node, {"label_en": local_name(node), "label_vi": local_name(node)}))
        graph.add_edge(u, v, kind="support", **_merge(group))
    return graph


def cooperation_network(links: list[Link], institutions: dict[str, dict], include_planned: bool = False) -> nx.Graph:
    """The undirected cooperation network: support links and partnerships, weighted by the number of links.

    An edge's ``kind`` is ``support`` when some link between the two has a direction
    (``supporters`` then lists who supports), ``partnership`` otherwise.
    """
    graph = nx.Graph(name="cooperation network")
    for (u, v), group in sorted(_grouped(links, include_planned, lambda l: tuple(sorted((l.source, l.target)))).items()):
        for node in (u, v):
            graph.add_node(node, **institutions.get(node, {"label_en": local_name(node), "label_vi": local_name(node)}))
        supporters = sorted({l.source for l in group if l.directed})
        graph.add_edge(u, v, kind="support" if supporters else "partnership", supporters=supporters, **_merge(group))
    return graph


@dataclass
class Projection:
    """The links and institutions of one snapshot (``as_of`` None: every link whatever its dates)."""

    links: list[Link]
    institutions: dict[str, dict]
    as_of: date | None = None
    include_planned: bool = False

    @cached_property
    def support(self) -> nx.DiGraph:
        return support_network(self.links, self.institutions, self.include_planned)

    @cached_property
    def cooperation(self) -> nx.Graph:
        return cooperation_network(self.links, self.institutions, self.include_planned)

    @property
    def planned_links(self) -> list[Link]:
        return [l for l in self.links if l.planned]


def project_network(target=None, as_of: date | str | None = None, include_planned: bool = False,
                    project: Project | None = None, links: list[Link] | None = None,
                    institutions: dict[str, dict] | None = None) -> Projection:
    """Run the two stored queries on ``target`` (default: the project's store) and keep the result.

    Given ``links`` and ``institutions`` of the whole graph (from an earlier projection), the
    snapshot is filtered in memory by :meth:`Link.in_force` and the graph is not read again.
    """
    project = project or Project()
    as_of = parse_date(as_of) if as_of is not None else None
    if links is None or institutions is None:
        target = target if target is not None else open_store(project)
        links = read_links(target, as_of, project)
        institutions = read_institutions(target, project)
    elif as_of is not None:
        links = [link for link in links if link.in_force(as_of)]
    return Projection(links, institutions, as_of, include_planned)


def snapshot(projection: Projection, as_of: date | str | None) -> Projection:
    """The projection of the links of ``projection`` in force on ``as_of``, without reading the graph again."""
    return project_network(None, as_of, projection.include_planned, links=projection.links,
                           institutions=projection.institutions)


def change_dates(links: list[Link]) -> list[date]:
    """The dates on which the network changes: each link's first day, and the day after its last day."""
    days = {first_day(l.start) for l in links} | {d + timedelta(days=1) for d in (last_day(l.end) for l in links) if d}
    return sorted(d for d in days if d)


@dataclass
class SnapshotDiff:
    """How the network changed between two dates: links that started and links that ended."""

    before: date
    after: date
    added: list[Link]
    removed: list[Link]


def snapshot_diff(projection: Projection, before: date | str, after: date | str,
                  include_planned: bool = False) -> SnapshotDiff:
    """The links in force on ``after`` but not on ``before`` (added), and the other way round (removed),
    among the links of ``projection`` (of the whole graph)."""
    before, after = parse_date(before, "first date"), parse_date(after, "second date")
    keep = (lambda l: include_planned or not l.planned)
    old = {l.key: l for l in projection.links if keep(l) and l.in_force(before)}
    new = {l.key: l for l in projection.links if keep(l) and l.in_force(after)}
    return SnapshotDiff(before, after, [new[k] for k in sorted(new.keys() - old.keys())],
                        [old[k] for k in sorted(old.keys() - new.keys())])
