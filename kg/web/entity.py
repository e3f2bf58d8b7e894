"""What an entity page shows: every statement about an entity and pointing to it, each with the source
graphs that state it, the sources themselves, and the entity's description as RDF.

Everything is read from the store with bounded queries (one entity at a time, incoming statements
capped), so these run in the server process.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

from rdflib import BNode, Literal, URIRef

from kg.graph.search_labels import SEARCH_GRAPH
from kg.namespaces import BASE, HKG
from kg.queries.engine import select
from kg.queries.labels import Labels
from kg.queries.results import prefixed

#: Incoming statements shown on a page at most (a hub such as a province is named by many).
INCOMING_LIMIT = 300

_OUT = f"""SELECT ?p ?o ?g ?bp ?bo WHERE {{
  GRAPH ?g {{ ?_e ?p ?o OPTIONAL {{ FILTER(isBlank(?o)) ?o ?bp ?bo }} }}
  FILTER(?g != <{SEARCH_GRAPH}>)
}}"""
_IN = f"""SELECT ?s ?p ?g WHERE {{
  GRAPH ?g {{ ?s ?p ?_e }} FILTER(?g != <{SEARCH_GRAPH}>)
}} ORDER BY STR(?p) STR(?s) LIMIT {INCOMING_LIMIT + 1}"""
_SOURCES = """PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
SELECT ?g ?src ?title ?date ?url WHERE {
  VALUES ?g { %s }
  OPTIONAL { GRAPH ?g { ?g prov:wasDerivedFrom ?src } }
  OPTIONAL { ?src dcterms:title ?title }
  OPTIONAL { ?src dcterms:date ?date }
  OPTIONAL { ?src schema:url ?url }
}"""


def path_of(iri: str) -> str | None:
    """The site path of a project IRI (``/id/org/x`` for ``https://w3id.org/vnhealth/id/org/x``), else None.

    >>> path_of("https://w3id.org/vnhealth/id/org/bach-mai-hospital"), path_of("http://example.org/x")
    ('/id/org/bach-mai-hospital', None)
    """
    if iri.startswith(BASE) and "#" not in iri[len(BASE):]:
        return "/" + iri[len(BASE):]
    return None


def href(iri: str) -> str:
    """Where a link to ``iri`` goes on the site: its own path, else the generic resource page."""
    from urllib.parse import quote

    return path_of(iri) or f"/resource?iri={quote(iri, safe='')}"


@dataclass
class Value:
    term: object
    graphs: list[str] = field(default_factory=list)
    details: list[tuple] = field(default_factory=list)  # (predicate, object) of a blank node


@dataclass
class Group:
    predicate: URIRef
    values: list[Value]

    @property
    def disagree(self) -> bool:
        """Two sources give different values: no value is stated by every graph that states this property."""
        if len(self.values) < 2:
            return False
        graphs = [set(v.graphs) for v in self.values]
        return len(set().union(*graphs)) > 1 and not set.intersection(*graphs)


@dataclass
class Description:
    iri: URIRef
    groups: list[Group]
    incoming: list[tuple]  # (subject, predicate, graph)
    incoming_capped: bool
    sources: dict[str, dict]  # graph -> {src, title, date, url}
    labels: Labels

    @property
    def exists(self) -> bool:
        return bool(self.groups or self.incoming)

    def values(self, predicate) -> list:
        return [v.term for g in self.groups if g.predicate == predicate for v in g.values]


def describe(store, iri: str, lang: str) -> Description:
    """Every statement about ``iri`` and the statements pointing to it, with their graphs and sources."""
    entity = URIRef(iri)
    groups: dict[URIRef, dict] = {}
    for p, o, g, bp, bo in select(store, _OUT, {"_e": entity}).rows:
        values = groups.setdefault(p, {})
        key = ("_:b", str(o)) if isinstance(o, BNode) else o
        value = values.setdefault(key, Value(o))
        if str(g) not in value.graphs:
            value.graphs.append(str(g))
        if bp is not None and (bp, bo) not in value.details:
            value.details.append((bp, bo))
    rows = select(store, _IN, {"_e": entity}).rows
    incoming = [(s, p, str(g)) for s, p, g in rows[:INCOMING_LIMIT]]
    graphs = sorted({g for values in groups.values() for v in values.values() for g in v.graphs} |
                    {g for _, _, g in incoming})
    sources = {}
    if graphs:
        for g, src, title, date, url in select(store, _SOURCES % " ".join(f"<{g}>" for g in graphs)).rows:
            entry = sources.setdefault(str(g), {"src": src, "titles": [], "date": date, "url": url})
            if title is not None and title not in entry["titles"]:
                entry["titles"].append(title)
    labels = Labels(store, lang)
    wanted = {entity} | set(groups) | {v.term for vs in groups.values() for v in vs.values()}
    wanted |= {t for vs in groups.values() for v in vs.values() for pair in v.details for t in pair}
    wanted |= {s for s, _, _ in incoming} | {p for _, p, _ in incoming}
    wanted |= {e["src"] for e in sources.values() if e["src"] is not None}
    labels.prefetch(t for t in wanted if isinstance(t, URIRef))
    ordered = sorted(groups.items(), key=lambda kv: (_order(kv[0]), labels.label(kv[0]).lower()))
    return Description(entity, [Group(p, sorted(vs.values(), key=lambda v: (str(v.term).lower(), v.graphs)))
                                for p, vs in ordered], incoming, len(rows) > INCOMING_LIMIT, sources, labels)


def _order(predicate: URIRef) -> int:
    from rdflib.namespace import RDF, RDFS, SKOS

    first = [RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel, HKG.level, HKG.locatedIn]
    return first.index(predicate) if predicate in first else len(first)


def source_title(entry: dict, lang: str) -> str:
    """The title of a graph's source in ``lang`` (or another), else its name."""
    titles = entry.get("titles") or []
    for title in titles:
        if isinstance(title, Literal) and (title.language or "") == lang:
            return str(title)
    return str(titles[0]) if titles else ""


_DESCRIPTION = f"""CONSTRUCT {{ ?_e ?p ?o . ?o ?bp ?bo }} WHERE {{
  GRAPH ?g {{ ?_e ?p ?o OPTIONAL {{ FILTER(isBlank(?o)) ?o ?bp ?bo }} }}
  FILTER(?g != <{SEARCH_GRAPH}>)
}}"""


def description_query(iri: str) -> str:
    """A CONSTRUCT of the entity's bounded description (its statements, and those of its blank nodes)."""
    from kg.queries.terms import insert_values

    return insert_values(_DESCRIPTION, {"_e": URIRef(iri)})


# --- the support neighbourhood, drawn ----------------------------------------------------------

def neighbourhood_svg(iri: str, links, institutions: dict, lang: str, words: dict, link_to=href) -> str:
    """An SVG of the entity and its support partners: arrows from supporter to supported, plain lines
    for partnerships without a direction, each partner a link to its page (``link_to`` makes it from the IRI).
    Empty when it has none."""
    from kg.network.projection import label

    partners: dict[str, set] = {}
    for link in links:
        if iri not in (link.source, link.target) or link.source == link.target:
            continue
        other = link.target if link.source == iri else link.source
        way = "party" if not link.directed else ("out" if link.source == iri else "in")
        partners.setdefault(other, set()).add(way)
    if not partners:
        return ""
    width, height = 900, 480
    cx, cy, rx, ry = width / 2, height / 2, 300, 170
    ordered = sorted(partners, key=lambda p: label(institutions.get(p, {}), lang).lower())
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" class="neighbourhood" '
             f'aria-label="{escape(words["neighbourhood"])}">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#35627a"/></marker></defs>']
    centre = label(institutions.get(iri, {}), lang) or prefixed(URIRef(iri))
    for i, other in enumerate(ordered):
        angle = 2 * math.pi * i / len(ordered) - math.pi / 2
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        ways = partners[other]
        dx, dy = x - cx, y - cy
        length = math.hypot(dx, dy) or 1
        sx, sy = cx + dx / length * 28, cy + dy / length * 28
        ex, ey = x - dx / length * 16, y - dy / length * 16
        if "out" in ways:
            parts.append(f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" class="out" marker-end="url(#arrow)"/>')
        if "in" in ways:
            parts.append(f'<line x1="{ex:.1f}" y1="{ey:.1f}" x2="{sx:.1f}" y2="{sy:.1f}" class="in" marker-end="url(#arrow)"/>')
        if ways == {"party"}:
            parts.append(f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" class="party"/>')
        name = label(institutions.get(other, {}), lang) or prefixed(URIRef(other))
        lines = _wrap(name)
        ty = y + 28 if y >= cy - 1 else y - 18 - 16 * (len(lines) - 1)
        spans = "".join(f'<tspan x="{x:.1f}" dy="{0 if i == 0 else 16}">{escape(line)}</tspan>' for i, line in enumerate(lines))
        parts.append(f'<a href="{escape(link_to(other))}"><circle cx="{x:.1f}" cy="{y:.1f}" r="12" class="partner"/>'
                     f'<text x="{x:.1f}" y="{ty:.1f}" text-anchor="middle"><title>{escape(name)}</title>{spans}</text></a>')
    parts.append(f'<circle cx="{cx}" cy="{cy}" r="26" class="centre"/>')
    parts.append(f'<text x="{cx}" y="{cy + 46}" text-anchor="middle" class="centre-label">{escape(centre)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _wrap(name: str, width: int = 24, lines: int = 2) -> list[str]:
    """``name`` on at most ``lines`` lines of about ``width`` characters, cut with an ellipsis past that.

    >>> _wrap("Bệnh viện Đa khoa tỉnh Lào Cai số 2 (cũ)")
    ['Bệnh viện Đa khoa tỉnh', 'Lào Cai số 2 (cũ)']
    """
    out, line = [], ""
    for word in name.split():
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1] + "…"
    return out
