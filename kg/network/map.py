"""The support network on a map: where provinces and institutions are, before and after 1 July 2025.

Points are read as the gazetteer writes them, in GeoSPARQL
(https://docs.ogc.org/is/22-047r1/22-047r1.html, "Geometry serializations"):
``<AREA> geo:hasGeometry <AREA/point> . <AREA/point> geo:asWKT "POINT(lon lat)"^^geo:wktLiteral``. Two stored
queries read them: ``queries/map-areas.rq`` (the provinces, and the areas institutions lie in with those
they are part of) and ``queries/map-institutions.rq`` (every institution, with its own point if any).

An institution is placed at its own point; else at the point of an area it lies in (``hkg:locatedIn``),
going up ``hkg:partOf`` to the first unit that has one; else where the institution it is a unit of
(``org:unitOf``) is placed. The provinces come in two layers, the country on 30 June 2025 and on 1 July
2025; in each layer an institution's province is the province of that day it lies in, found through
``hkg:mergedInto`` when the graph names it in the other geography (and left unknown when that is not one
province). How the map is drawn (projection, colours) is ``kg.network.map_style``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from rdflib import URIRef

from kg.dates import first_day, last_day
from kg.errors import InputError
from kg.graph.files import Project
from kg.graph.store import open_store
from kg.network.projection import _rows, stored_query
from kg.queries.results import prefixed

AREAS_QUERY = "map-areas.rq"
INSTITUTIONS_QUERY = "map-institutions.rq"

#: The reorganisation of the provinces (Resolution 202/2025/QH15): 63 provincial units before, 34 from then on.
REORGANISATION = date(2025, 7, 1)

#: The two layers of provinces, each with the day it shows the country on.
LAYERS = {"before": date(2025, 6, 30), "after": REORGANISATION}

#: The coordinate system GeoSPARQL assumes when a WKT literal names none: longitude, then latitude.
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

_POINT = re.compile(r"\s*(?:<([^>]*)>\s*)?POINT\s*(?:Z|M|ZM)?\s*\(\s*([-+]?[\d.]+(?:[eE][-+]?\d+)?)\s+"
                    r"([-+]?[\d.]+(?:[eE][-+]?\d+)?)(?:\s+[-+]?[\d.]+(?:[eE][-+]?\d+)?)*\s*\)\s*", re.I)


def parse_point(text: str, where: str) -> tuple[float, float]:
    """``(longitude, latitude)`` of a WKT point; ``where`` names the entity in an error.

    >>> parse_point("POINT(104.193092 22.275944)", "area:lao-cai-province-old")
    (104.193092, 22.275944)
    >>> parse_point("<http://www.opengis.net/def/crs/OGC/1.3/CRS84> Point ( 105.8 21 )", "area:hanoi")
    (105.8, 21.0)
    >>> parse_point("POINT(21.0 105.8)", "area:hanoi")
    Traceback (most recent call last):
    kg.errors.InputError: area:hanoi: geo:asWKT "POINT(21.0 105.8)" has latitude 105.8, outside -90..90; WKT in CRS84 gives the longitude first: write "POINT(lon lat)"
    """
    match = _POINT.fullmatch(text or "")
    if not match:
        raise InputError(f'{where}: geo:asWKT "{text}" is not a point; write it as "POINT(lon lat)"^^geo:wktLiteral')
    crs, lon, lat = match.group(1), float(match.group(2)), float(match.group(3))
    if crs and crs != CRS84:
        raise InputError(f'{where}: geo:asWKT "{text}" is in the coordinate system <{crs}>; the map reads only '
                         f'CRS84 (longitude, latitude): leave the system out or write <{CRS84}>')
    if not -90 <= lat <= 90:
        raise InputError(f'{where}: geo:asWKT "{text}" has latitude {lat}, outside -90..90; WKT in CRS84 gives '
                         f'the longitude first: write "POINT(lon lat)"')
    if not -180 <= lon <= 180:
        raise InputError(f'{where}: geo:asWKT "{text}" has longitude {lon}, outside -180..180; write "POINT(lon lat)"')
    return lon, lat


def layer_on(day: date | None) -> str:
    """The layer of provinces a snapshot on ``day`` shows: the country of that day (the present one without a day).

    >>> layer_on(date(2023, 5, 5)), layer_on(date(2025, 7, 1)), layer_on(None)
    ('before', 'after', 'after')
    """
    return "before" if day is not None and day < REORGANISATION else "after"


@dataclass(frozen=True)
class Area:
    """An administrative area as ``map-areas.rq`` gives it."""

    iri: str
    label_vi: str = ""
    label_en: str = ""
    point: tuple[float, float] | None = None
    province: bool = False
    valid_from: str | None = None
    valid_until: str | None = None
    parents: tuple[str, ...] = ()
    successors: tuple[str, ...] = ()

    def in_force(self, day: date) -> bool:
        """True when the area exists on ``day`` (dates at their own precision, as for links).

        >>> Area("urn:a", valid_until="2025-06-30").in_force(date(2025, 7, 1))
        False
        """
        start, end = first_day(self.valid_from), last_day(self.valid_until)
        return (start is None or start <= day) and (end is None or day <= end)


@dataclass(frozen=True)
class Site:
    """An institution as ``map-institutions.rq`` gives it: its own point, the areas it lies in, what it is a unit of."""

    iri: str
    label_vi: str = ""
    label_en: str = ""
    point: tuple[float, float] | None = None
    areas: tuple[str, ...] = ()
    unit_of: tuple[str, ...] = ()


def _split(text) -> tuple[str, ...]:
    return tuple(sorted({p for p in str(text or "").split() if p}))


@dataclass
class Places:
    """The areas and institutions of the graph, and where each institution goes on each layer."""

    areas: dict[str, Area]
    sites: dict[str, Site]
    _predecessors: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        for area in self.areas.values():
            for successor in area.successors:
                self._predecessors.setdefault(successor, []).append(area.iri)

    def provinces(self, layer: str) -> list[Area]:
        """The provinces that exist on the layer's day, with or without a point, in order of IRI."""
        day = LAYERS[layer]
        return [a for _, a in sorted(self.areas.items()) if a.province and a.in_force(day)]

    def _ordered(self, iris, day: date) -> list[str]:
        """``iris`` with those of areas in force on ``day`` first, each part in order of IRI."""
        return sorted(iris, key=lambda i: (not (i in self.areas and self.areas[i].in_force(day)), i))

    def _upwards(self, iri: str, day: date):
        """``iri`` and the areas it is part of, nearest first (breadth first; those in force on ``day`` first)."""
        queue, seen = [iri], set()
        while queue:
            current = queue.pop(0)
            if current in seen or current not in self.areas:
                continue
            seen.add(current)
            yield self.areas[current]
            queue.extend(self._ordered(self.areas[current].parents, day))

    def point_of(self, iri: str, layer: str, _seen: frozenset = frozenset()) -> tuple[tuple[float, float], str] | None:
        """``((lon, lat), IRI of what the point belongs to)`` of an institution on ``layer``, or None.

        Its own point first, then the nearest point up from the areas it lies in (those that exist on the
        layer's day first), then that of the institution it is a unit of.
        """
        site = self.sites.get(iri)
        if site is None or iri in _seen:
            return None
        if site.point is not None:
            return site.point, iri
        day = LAYERS[layer]
        for area in self._ordered(site.areas, day):
            for above in self._upwards(area, day):
                if above.point is not None:
                    return above.point, above.iri
        for holder in site.unit_of:
            found = self.point_of(holder, layer, _seen | {iri})
            if found:
                return found
        return None

    def province_of(self, iri: str, layer: str, _seen: frozenset = frozenset()) -> str | None:
        """The province of ``layer`` an institution lies in, or None when the graph does not tell one."""
        site = self.sites.get(iri)
        if site is None or iri in _seen:
            return None
        day = LAYERS[layer]
        for area in self._ordered(site.areas, day):
            for above in self._upwards(area, day):
                if above.province:
                    found = self._on_day(above, day)
                    if found:
                        return found
        for holder in site.unit_of:
            found = self.province_of(holder, layer, _seen | {iri})
            if found:
                return found
        return None

    def _on_day(self, province: Area, day: date) -> str | None:
        """``province`` if it exists on ``day``; else the one province of that day it became (through
        ``hkg:mergedInto``), or else the one it came from; None when that is not one province."""
        if province.in_force(day):
            return province.iri
        found = (self._reached(province.iri, lambda a: self.areas[a].successors if a in self.areas else (), day)
                 or self._reached(province.iri, lambda a: self._predecessors.get(a, ()), day))
        return next(iter(found)) if len(found) == 1 else None

    def _reached(self, start: str, step, day: date) -> set[str]:
        """The provinces in force on ``day`` first reached from ``start`` by ``step`` (areas to areas)."""
        queue, seen, found = [start], set(), set()
        while queue:
            current = queue.pop(0)
            if current in seen:
                continue
            seen.add(current)
            for other in step(current):
                area = self.areas.get(other)
                if area is not None and area.province and area.in_force(day):
                    found.add(other)
                else:
                    queue.append(other)
        return found


def read_places(target=None, project: Project | None = None) -> Places:
    """Run the two stored queries of the map on ``target`` (default: the project's store)."""
    project = project or Project()
    target = target if target is not None else open_store(project)
    areas, sites = {}, {}
    for row in _rows(target, stored_query(AREAS_QUERY, project)):
        v = {k: (str(x) if x is not None else "") for k, x in row.items()}
        where = prefixed(URIRef(v["area"]))
        areas[v["area"]] = Area(v["area"], v["labelViOf"], v["labelEnOf"],
                                parse_point(v["point"], where) if v["point"] else None, v["province"] == "1",
                                v["validFrom"] or None, v["validUntil"] or None, _split(v["parents"]),
                                _split(v["successors"]))
    for row in _rows(target, stored_query(INSTITUTIONS_QUERY, project)):
        v = {k: (str(x) if x is not None else "") for k, x in row.items()}
        where = prefixed(URIRef(v["institution"]))
        sites[v["institution"]] = Site(v["institution"], v["labelViOf"], v["labelEnOf"],
                                       parse_point(v["point"], where) if v["point"] else None, _split(v["areas"]),
                                       _split(v["unitOf"]))
    return Places(areas, sites)


def province_support(places: Places, layer: str, given: dict, received: dict) -> dict[str, list]:
    """``{province: [links given, links received, institutions]}`` of ``layer``: the sums over the institutions
    that lie in each province of the layer (every province of the layer, with zeros where none does).

    ``given`` and ``received`` are the support measures ``out_strength`` and ``in_strength`` by institution.
    """
    totals = {p.iri: [0, 0, 0] for p in places.provinces(layer)}
    for iri in sorted(places.sites):
        province = places.province_of(iri, layer)
        if province in totals:
            totals[province][0] += given.get(iri, 0) or 0
            totals[province][1] += received.get(iri, 0) or 0
            totals[province][2] += 1
    return totals
