"""The map of the support network as one self-contained HTML page, and the view the page and the picture share.

The page is ``templates/map.html`` with ``static/map.css`` and ``static/map.js`` inlined, with the data,
into one file that loads nothing (the map is SVG drawn by the page's own script on a plain background:
no tiles, no library). The data holds both layers of provinces (30 June and 1 July 2025), every
institution's position on each, the support links, and the snapshots of the network page, each with
the support measures (``out_strength``: links given, ``in_strength``: links received) of its links and
the sums of them by province of each layer.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from pathlib import Path

from markupsafe import Markup

from kg.errors import InputError
from kg.graph.export import write_atomic
from kg.namespaces import BASE
from kg.network.map import LAYERS, Places, layer_on, province_support
from kg.network.map_style import BOUNDS, COLOUR_MODES, ROLE_COLOURS, Frame, spread
from kg.network.measures import compute_measures
from kg.network.page import _snapshots, _static, _templates
from kg.network.projection import Projection, cooperation_network, label
from kg.network.style import EDGE_COLOURS, UI_WORDS, edge_state

#: The measures that colour the map: support given and received, as the network counts them (links).
GIVEN, RECEIVED = "out_strength", "in_strength"

#: The map's own words, over those of the network page (``UI_WORDS``).
MAP_WORDS = {
    "en": {
        "map_title": "The support network on the map of Vietnam", "geography": "Provinces",
        "layer_before": "before 1 July 2025", "layer_after": "from 1 July 2025", "provinces": "provinces",
        "colour_role": "support role", "colour_given": "support given (links)",
        "colour_received": "support received (links)", "role_both": "gives and receives support",
        "role_given": "gives support", "role_received": "receives support", "role_none": "no support recorded",
        "given": "support given", "received": "support received", "institutions": "institutions",
        "on_map": "on the map", "show_links": "show support links", "unplaced": "Not on this map",
        "unplaced_none": "no point for it or its area in the graph", "unplaced_outside": "outside Vietnam",
        "no_points": "The graph holds no coordinates yet (geo:hasGeometry / geo:asWKT): nothing can be placed.",
        "no_point_provinces": "provinces without a point", "own_point": "its own point", "placed_at": "placed at the point of",
        "size_note": "size: support links given and received", "merged_into": "merged into",
        "map_help": "Click a province or an institution. Scroll to zoom, drag to move.", "reset": "whole country",
        "lon_east": "°E", "lat_north": "°N", "in_province": "in the province",
    },
    "vi": {
        "map_title": "Mạng lưới hỗ trợ trên bản đồ Việt Nam", "geography": "Tỉnh, thành phố",
        "layer_before": "trước ngày 1/7/2025", "layer_after": "từ ngày 1/7/2025", "provinces": "tỉnh, thành phố",
        "colour_role": "vai trò hỗ trợ", "colour_given": "hỗ trợ đơn vị khác (số liên kết)",
        "colour_received": "được hỗ trợ (số liên kết)", "role_both": "vừa hỗ trợ vừa được hỗ trợ",
        "role_given": "hỗ trợ đơn vị khác", "role_received": "được hỗ trợ", "role_none": "chưa ghi nhận hỗ trợ",
        "given": "hỗ trợ đơn vị khác", "received": "được hỗ trợ", "institutions": "cơ sở",
        "on_map": "trên bản đồ", "show_links": "hiện liên kết hỗ trợ", "unplaced": "Không có trên bản đồ này",
        "unplaced_none": "đồ thị chưa có tọa độ của cơ sở hoặc nơi đặt cơ sở", "unplaced_outside": "ngoài Việt Nam",
        "no_points": "Đồ thị chưa có tọa độ nào (geo:hasGeometry / geo:asWKT): chưa đặt được gì lên bản đồ.",
        "no_point_provinces": "tỉnh, thành phố chưa có tọa độ", "own_point": "tọa độ riêng của cơ sở",
        "placed_at": "đặt tại tọa độ của", "size_note": "kích thước: số liên kết hỗ trợ đi và đến",
        "merged_into": "sáp nhập vào", "map_help": "Bấm vào một tỉnh hoặc một cơ sở. Cuộn để phóng to, kéo để di chuyển.",
        "reset": "toàn quốc", "lon_east": "°Đ", "lat_north": "°B", "in_province": "thuộc tỉnh, thành phố",
    },
}


def map_words(words: dict, lang: str) -> dict:
    """The words of the map in ``lang``: ``words`` (the vocabulary's and the network page's) and the map's own."""
    return {**UI_WORDS[lang], **words, **MAP_WORDS[lang]}


def support_values(projection: Projection) -> tuple[dict, dict]:
    """``(given, received)``: the links each institution gives and receives in the support network of ``projection``."""
    results = compute_measures(projection, [GIVEN, RECEIVED])
    return results[GIVEN].values, results[RECEIVED].values


def province_size(given: float, received: float) -> float:
    """Radius of a province's disc, in map units, by the support links of its institutions."""
    return round(8 + 2 * (given + received) ** 0.5, 2)


def site_size(given: float, received: float) -> float:
    """Radius of an institution's disc, in map units, by its support links."""
    return round(4 + 1.5 * (given + received) ** 0.5, 2)


def short_label(text: str) -> str:
    """A province's name as the map writes it beside its disc: without a closing remark in brackets, which the
    layer already says (the full name is in the details).

    >>> short_label("Lao Cai province (before 1 July 2025)"), short_label("tỉnh Lào Cai (cũ)"), short_label("Hà Nội")
    ('Lao Cai province', 'tỉnh Lào Cai', 'Hà Nội')
    """
    return re.sub(r"\s*\([^()]*\)$", "", text) or text


def _name(attrs: dict, lang: str) -> tuple[str, str]:
    other = "en" if lang == "vi" else "vi"
    return label(attrs, lang), label(attrs, other)


def map_view(projection: Projection, places: Places, lang: str, frame: Frame | None = None) -> dict:
    """What both layers show, whatever the date: provinces and institutions with their points and positions.

    ``provinces[layer]`` lists the provinces of the layer that have a point inside the map, ``missing[layer]``
    the labels of those without one; every institution has, per layer, its point (``lon``, ``lat``, as in the
    graph), the map position of the point (``ax``, ``ay``), its own position (``x``, ``y``: institutions at one
    point are spread around it, see ``spread``), what the point belongs to (``at``) and its province
    (``province``), or None when it is not on that layer's map (``unplaced[layer]`` says why).
    """
    frame = frame or Frame()
    institutions = projection.institutions
    view: dict = {"provinces": {}, "missing": {}, "unplaced": {}, "sites": {}}
    for layer in LAYERS:
        shown, missing = [], []
        for area in places.provinces(layer):
            names = _name({"label_vi": area.label_vi, "label_en": area.label_en}, lang)
            if area.point is None or not frame.contains(*area.point):
                missing.append(names[0] or area.iri)
                continue
            x, y = frame.xy(*area.point)
            successors = [places.areas[s] for s in area.successors if s in places.areas]
            shown.append({"id": area.iri, "label": names[0], "short": short_label(names[0]), "other": names[1],
                          "lon": area.point[0],
                          "lat": area.point[1], "x": x, "y": y,
                          "mergedInto": [_name({"label_vi": s.label_vi, "label_en": s.label_en}, lang)[0]
                                         for s in successors]})
        view["provinces"][layer], view["missing"][layer] = shown, sorted(missing)
    iris = sorted(set(places.sites) | set(institutions))
    for iri in iris:
        site = places.sites.get(iri)
        attrs = {**({"label_vi": site.label_vi, "label_en": site.label_en} if site else {}),
                 **{k: v for k, v in institutions.get(iri, {}).items() if v}}
        names = _name(attrs, lang)
        view["sites"][iri] = {"id": iri, "label": names[0] or iri, "other": names[1], "level": attrs.get("level"),
                              "kind": attrs.get("kind"), "layers": {}}
    for layer in LAYERS:
        at_point: dict = {}
        unplaced = []
        for iri in iris:
            found = places.point_of(iri, layer)
            entry = view["sites"][iri]
            if found is None or not frame.contains(*found[0]):
                entry["layers"][layer] = None
                unplaced.append([entry["label"], "outside" if found else "none"])
                continue
            (lon, lat), at = found
            ax, ay = frame.xy(lon, lat)
            entry["layers"][layer] = {"lon": lon, "lat": lat, "ax": ax, "ay": ay, "at": at,
                                      "province": places.province_of(iri, layer)}
            at_point.setdefault((ax, ay), []).append(iri)
        for (ax, ay), group in at_point.items():
            for iri, (dx, dy) in zip(group, spread(len(group))):
                view["sites"][iri]["layers"][layer].update(x=round(ax + dx, 2) + 0.0, y=round(ay + dy, 2) + 0.0)
        view["unplaced"][layer] = sorted(unplaced)
    return view


def _at_label(places: Places, at: str, iri: str, lang: str, words: dict) -> str:
    if at == iri:
        return words["own_point"]
    area = places.areas.get(at)
    text = _name({"label_vi": area.label_vi, "label_en": area.label_en}, lang)[0] if area else ""
    return f"{words['placed_at']} {text or at}"


def graticule(frame: Frame, words: dict, step: int = 2) -> list[dict]:
    """The meridians and parallels every ``step`` degrees inside the map, with their labels.

    >>> [g["label"] for g in graticule(Frame(), MAP_WORDS["en"])][:3]
    ['104°E', '106°E', '108°E']
    """
    west, south, east, north = frame.bounds
    lines = []
    for lon in range(math.ceil(west), math.floor(east) + 1):
        if lon % step == 0 and west < lon < east:  # the edges are the frame's
            lines.append({"kind": "lon", "at": frame.xy(lon, north)[0], "label": f"{lon}{words['lon_east']}"})
    for lat in range(math.ceil(south), math.floor(north) + 1):
        if lat % step == 0 and south < lat < north:
            lines.append({"kind": "lat", "at": frame.xy(west, lat)[1], "label": f"{lat}{words['lat_north']}"})
    return lines


def map_data(projection: Projection, places: Places, lang: str = "vi", words: dict | None = None,
             as_of: date | None = None, include_planned: bool = False, colour_by: str = "role",
             layer: str | None = None, entity_base: str | None = None) -> dict:
    """Everything the map page shows, as JSON-ready data.

    ``projection`` holds every link of the graph; the snapshots are the network page's (every link, then the
    links in force on each date the network changes), each with the support measures of its links and the
    layer it opens on (``layer_on``). ``layer``, when given, is the layer the page opens on whatever the date.
    """
    if colour_by not in COLOUR_MODES:
        raise InputError(f"colour the map by '{colour_by}': choose {', '.join(COLOUR_MODES)}")
    if layer is not None and layer not in LAYERS:
        raise InputError(f"map layer '{layer}': choose {', '.join(LAYERS)} (1 July 2025), or leave it out to follow the date")
    words = map_words(words or {}, lang)
    frame = Frame()
    view = map_view(projection, places, lang, frame)
    for entry in view["sites"].values():
        for spot in entry["layers"].values():
            if spot:
                spot["atLabel"] = _at_label(places, spot["at"], entry["id"], lang, words)
    snapshots, initial = _snapshots(projection.links, as_of, words)
    for snap in snapshots:
        kept = [projection.links[i] for i in snap["links"]]
        given, received = support_values(Projection(kept, projection.institutions, None, include_planned))
        snap["given"] = {n: v for n, v in sorted(given.items()) if v}
        snap["received"] = {n: v for n, v in sorted(received.items()) if v}
        snap["provinces"] = {name: province_support(places, name, given, received) for name in LAYERS}
        snap["layer"] = layer_on(date.fromisoformat(snap["date"]) if snap["date"] else None)
    drawing = cooperation_network(projection.links, projection.institutions, include_planned=True)
    index = {l.key: i for i, l in enumerate(projection.links)}
    edges = []
    for i, (u, v, a) in enumerate(sorted(drawing.edges(data=True), key=lambda e: (str(e[0]), str(e[1])))):
        edges.append({"id": f"e{i}", "from": u, "to": v, "kind": a["kind"], "supporters": a.get("supporters", []),
                      "state": edge_state(a), "links": sorted(i for k, i in index.items() if {k[1], k[2]} == {u, v})})
    data = {
        "lang": lang, "words": words, "title": words["map_title"], "colourBy": colour_by, "layer": layer,
        "layers": list(LAYERS), "width": frame.width, "height": frame.height, "bounds": list(BOUNDS),
        "graticule": graticule(frame, words), "provinces": view["provinces"], "missing": view["missing"],
        "unplaced": view["unplaced"], "sites": [view["sites"][k] for k in sorted(view["sites"])], "edges": edges,
        "snapshots": snapshots, "initial": initial, "roleColours": ROLE_COLOURS, "edgeColours": EDGE_COLOURS,
        "colourModes": list(COLOUR_MODES),
    }
    if entity_base is not None:
        data["entityBase"], data["entityNamespace"] = entity_base, BASE
    return data


def render_map_page(data: dict) -> str:
    """The HTML text of the map page: ``templates/map.html`` with its CSS, its script and ``data`` inlined."""
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return _templates().get_template("map.html").render(
        lang=data["lang"], title=data["title"], data=Markup(payload), page_css=Markup(_static("map.css")),
        page_js=Markup(_static("map.js")))


def write_map_page(path: Path, projection: Projection, places: Places, lang: str = "vi", words: dict | None = None,
                   as_of: date | None = None, include_planned: bool = False, colour_by: str = "role",
                   layer: str | None = None) -> Path:
    """Write the self-contained map page of ``projection`` (every link) and ``places`` to ``path``; returns it."""
    data = map_data(projection, places, lang, words, as_of, include_planned, colour_by, layer)
    return write_atomic(Path(path), render_map_page(data))
