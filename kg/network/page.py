"""The interactive page of the network: one self-contained HTML file that works with no network at all.

The page is ``templates/page.html`` (Jinja2) with its CSS and JavaScript in ``static/``; at
generation time they are inlined, with vis-network (read from the installed ``pyvis``
package) and the data, into one file: nothing is loaded from the internet. Snapshots are
computed here (the links of the projection in force on each date on which a link starts
or ends) so that the page only shows and hides links and never applies the date rule itself.

The referral network is a second layer: its edges (sender to receiver, as wide as the stated
volume) and its nodes (unnamed groups as nodes of their own shape), each layer switched on and
off on the page. Snapshots keep the flows in force on their date too (``Flow.in_force``), and
their dates include those on which a flow starts or ends.
"""

from __future__ import annotations

import functools
import json
import math
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import networkx as nx
from markupsafe import Markup

from kg.dates import first_day, last_day
from kg.errors import InputError
from kg.graph.export import write_atomic
from kg.namespaces import BASE
from kg.network.measures import MEASURES, compute_measures
from kg.network.projection import Projection, change_dates, cooperation_network, label, local_name
from kg.network.referral import Flow, ReferralProjection
from kg.network.style import (EDGE_COLOURS, LEVEL_COLOURS, REFERRAL_SAMPLES, REFERRAL_WIDTH, UI_WORDS,
                              combined_network, count_text, edge_state, node_colours, node_shape, referral_width,
                              tier_of, tiered_layout, volume_text)


#: Spacing of the page's layout, in vis-network units (a label is 16 units high and at most 180 wide).
COLUMN, LINE, TIER = 200.0, 130.0, 190.0

#: The canvas the layout is shaped for (a 1280 x 800 window less the side panel), and the room that
#: labels and node discs take beyond the outermost node centres.
CANVAS, MARGIN = (940.0, 800.0), (200.0, 150.0)


def vis_network_files() -> tuple[str, str]:
    """The JavaScript and CSS of vis-network, as shipped inside the installed pyvis package."""
    try:
        lib = resources.files("pyvis") / "lib"
    except ModuleNotFoundError:
        raise InputError("the interactive page needs the pyvis package (it ships vis-network); "
                         "install the drawing extra: pip install -e '.[viz]'") from None
    folders = sorted((p for p in lib.iterdir() if p.name.startswith("vis-")),
                     key=lambda p: tuple(int(x) for x in p.name[4:].split(".") if x.isdigit()))
    if not folders:
        raise InputError(f"no vis-network found in {lib}; reinstall pyvis: pip install --force-reinstall pyvis")
    folder = folders[-1]
    return (folder / "vis-network.min.js").read_text(encoding="utf-8"), (folder / "vis-network.css").read_text(encoding="utf-8")


def page_layout(graph, canvas: tuple[float, float] = CANVAS) -> dict:
    """Positions ``{node: (x, y)}`` of the page, in vis-network units (y grows downwards).

    The tiers of ``tiered_layout`` (central on top, foreign partners in a column on the right),
    kept in its left-to-right order, but a tier too long for the canvas is folded into columns
    of a few lines, each line a little to the right of the one above, so that the drawing has
    about the shape of ``canvas``: fitted to it, labels keep a legible size and links do not
    run straight through the nodes stacked below one another.

    >>> import networkx as nx
    >>> g = nx.Graph([("a", "b"), ("a", "c")])
    >>> nx.set_node_attributes(g, {"a": {"level": "central"}, "b": {"level": "provincial"},
    ...                            "c": {"level": "provincial"}})
    >>> page_layout(g)
    {'a': (0.0, 0.0), 'b': (-100.0, 190.0), 'c': (100.0, 190.0)}
    """
    base = tiered_layout(graph, width=1.0)
    tiers: dict[int, list] = {}
    foreign = []
    for node in sorted(base, key=lambda n: (base[n][0], -base[n][1], str(n))):
        tier = tier_of(graph.nodes[node])
        (foreign if tier is None else tiers.setdefault(tier, [])).append(node)
    rows = [tiers[t] for t in sorted(tiers)]
    longest = max((len(r) for r in rows), default=1)

    def shape(columns: int) -> tuple[int, list[int], float, float]:
        lines = [math.ceil(len(r) / columns) for r in rows]
        height = sum(lines) * LINE - LINE + (len(rows) - 1) * (TIER - LINE) if rows else 0.0
        per_column = max(1, int(height // LINE) + 1)
        extra = math.ceil(len(foreign) / per_column) if foreign else 0
        width = (max((math.ceil(len(r) / n) for r, n in zip(rows, lines)), default=1) - 1) * COLUMN
        width += (1.3 * COLUMN + (extra - 1) * COLUMN) if extra else 0.0
        return per_column, lines, width, height

    def scale(columns: int) -> float:
        _, _, width, height = shape(columns)
        return min(canvas[0] / (width + MARGIN[0]), canvas[1] / (height + MARGIN[1]))

    columns = max(range(1, longest + 1), key=lambda c: (round(scale(c), 3), c))
    per_column, lines, _, _ = shape(columns)
    pos: dict = {}
    y = 0.0
    widest = 0.0
    for row, count in zip(rows, lines):
        across = math.ceil(len(row) / count)
        widest = max(widest, (across - 1) * COLUMN)
        sizes = [len(row) // across + (1 if i < len(row) % across else 0) for i in range(across)]
        start = 0
        for column, size in enumerate(sizes):  # column by column, so that the left-to-right order is kept
            for line, node in enumerate(row[start:start + size]):
                shift = (line - (count - 1) / 2) * (0.5 * COLUMN / count) if count > 1 else 0.0
                pos[node] = ((column - (across - 1) / 2) * COLUMN + shift, y + line * LINE)
            start += size
        y += (count - 1) * LINE + TIER
    right = widest / 2 + 1.3 * COLUMN
    for i, node in enumerate(foreign):
        pos[node] = (right + (i // per_column) * COLUMN, (i % per_column) * LINE)
    return {n: (round(x, 1) + 0.0, round(y, 1) + 0.0) for n, (x, y) in sorted(pos.items(), key=lambda kv: str(kv[0]))}


def flow_change_dates(flows: list[Flow]) -> list[date]:
    """The days on which a flow may start or stop counting: the first day of each date it has (its start,
    and any other date the rule of ``Flow.in_force`` may use), and the day after each of its ends.
    ``_snapshots`` keeps those on which the network shown changes.

    >>> flow_change_dates([Flow("urn:f", "urn:a", "urn:b", start="2021", end="2022"), Flow("urn:g", "urn:a", "urn:b")])
    [datetime.date(2021, 1, 1), datetime.date(2023, 1, 1)]
    """
    days = set()
    for flow in flows:
        days |= {first_day(getattr(flow, name, None)) for name in ("start", "valid_from", "reported")}
        days |= {d + timedelta(days=1) for d in (last_day(getattr(flow, name, None)) for name in ("end", "valid_until"))
                 if d}
    return sorted(d for d in days if d)


def _snapshots(links, as_of, words, flows: list[Flow] = ()) -> tuple[list[dict], int]:
    """The snapshots of the page: every link and flow, then those in force on each date the network changes
    (a day on which only a flow might change is left out when nothing shown changes on it).

    ``links`` of a snapshot index ``links``, its ``flows`` the distinct flows (by IRI, in order of IRI).
    """
    index = {link.key: i for i, link in enumerate(links)}
    iris = {iri: i for i, iri in enumerate(sorted({f.iri for f in flows}))}
    link_days = set(change_dates(links))
    days = sorted(link_days | set(flow_change_dates(list(flows))) | ({as_of} if as_of else set()))
    snaps = [{"date": None, "label": words["all_links"], "links": list(range(len(links))),
              "flows": list(range(len(iris)))}]
    for day in days:
        kept = sorted(index[l.key] for l in links if l.in_force(day))
        flowing = sorted({iris[f.iri] for f in flows if f.in_force(day)})
        same = len(snaps) > 1 and (snaps[-1]["links"], snaps[-1]["flows"]) == (kept, flowing)
        if same and day not in link_days and day != as_of:
            continue
        snaps.append({"date": day.isoformat(), "label": f"{words['as_of']} {day.isoformat()}", "links": kept,
                      "flows": flowing})
    initial = next((i for i, s in enumerate(snaps) if as_of and s["date"] == as_of.isoformat()), 0)
    return snaps, initial


def _referral_edges(referral: nx.DiGraph, flows: list[Flow], lang: str, words: dict) -> list[dict]:
    """The edges of the referral layer, sender to receiver, with their width, dash and words."""
    iris = {iri: i for i, iri in enumerate(sorted({f.iri for f in flows}))}
    by_pair: dict[tuple, list[Flow]] = {}
    for flow in flows:
        by_pair.setdefault((flow.sender, flow.receiver), []).append(flow)
    edges = []
    for i, (u, v, a) in enumerate(sorted(referral.edges(data=True), key=lambda e: (str(e[0]), str(e[1])))):
        mine = by_pair.get((u, v), [])
        units = sorted({local_name(f.unit) for f in mine if f.unit})
        edges.append({
            "id": f"r{i}", "from": u, "to": v, "layer": "referral", "kind": "referral", "weight": a["weight"],
            "stated": bool(a["volume_stated"]), "min": a["volume_min"], "max": a["volume_max"],
            "approximate": a["approximate"], "share": a["share"], "width": referral_width(a),
            "dashed": not a["volume_stated"], "volume": volume_text(a, lang, words, units),
            "flows": sorted({iris[f.iri] for f in mine}),
            "period": sorted({(f.start or "", f.end or "") for f in mine if f.start or f.end}),
            "reported": sorted({f.reported for f in mine if f.reported}),
            "sources": [local_name(s) for s in a["sources"]]})
    return edges


def _referral_legend(lang: str, words: dict, kinds: set) -> dict:
    """The legend of the referral layer (colour, sample widths, the dashed line) and of the groups' shapes."""
    rows = [[words.get("legend_referral", "referral"), REFERRAL_WIDTH["base"], False]]
    rows += [[words.get("patients_year", "{n}").format(n=count_text(n, lang)),
              referral_width({"weight": n, "volume_stated": True}), False] for n in REFERRAL_SAMPLES]
    rows.append([words.get("legend_unstated", "dashed: no number given"), REFERRAL_WIDTH["unstated"], True])
    shapes = [[words.get(key, kind), node_shape({"kind": kind, "group": True})[1]]
              for kind, key in (("InstitutionGroup", "group_institutions"), ("PatientGroup", "group_patients"))
              if kind in kinds]
    return {"colour": EDGE_COLOURS["referral"], "rows": rows, "note": words.get("legend_width", ""), "shapes": shapes}


def page_data(projection: Projection, lang: str, size_by: str, colour_by: str, as_of: date | None,
              include_planned: bool, words: dict, entity_base: str | None = None,
              referrals: ReferralProjection | None = None) -> dict:
    """Everything the page shows, as JSON-ready data: nodes, edges, links, flows, snapshots, measures and words.

    ``projection`` holds every link of the graph, ``referrals`` (when given) every referral flow; each
    snapshot keeps those in force on its date. Every edge has its ``layer``, ``support`` or ``referral``.
    With ``entity_base`` (the web app gives "/"), the name of the institution chosen links to its
    entity page: ``entity_base`` followed by the IRI's path in the graph's namespace.
    """
    links, institutions = projection.links, projection.institutions
    flows = referrals.flows if referrals is not None else []
    referral = referrals.network if referrals is not None else nx.DiGraph()
    drawing = cooperation_network(links, institutions, include_planned=True)
    graph = combined_network(drawing, referral)
    pos = page_layout(graph)
    by_level, level_legend = node_colours(graph, "level")
    by_kind, kind_legend = node_colours(graph, "kind")
    snapshots, initial = _snapshots(links, as_of, words, flows)
    scores = [m.name for m in MEASURES.values() if m.kind == "score"]
    for snap in snapshots:  # measures of each snapshot, so that node sizes follow the date chosen
        kept = [links[i] for i in snap["links"]]
        results = compute_measures(Projection(kept, institutions, None, include_planned), scores)
        snap["values"] = {name: {n: round(float(v), 6) for n, v in r.values.items()} for name, r in results.items()}
    link_index = {l.key: i for i, l in enumerate(links)}
    nodes = [{
        "id": n, "label": label(a, lang), "other": label(a, "en" if lang == "vi" else "vi"),
        "level": a.get("level"), "levelLabel": words.get(a.get("level") or "", a.get("level") or words["unknown"]),
        "kind": a.get("kind"), "kindLabel": words.get(a.get("kind") or "", a.get("kind") or ""),
        "province": a.get(f"province_{lang}") or a.get("province_en"), "country": a.get(f"country_{lang}"),
        "x": pos[n][0], "y": pos[n][1],
        "colour": {"level": by_level[n], "kind": by_kind[n]},
        "group": bool(a.get("group")), "shape": node_shape(a)[1], "layers": a["layers"],
    } for n, a in sorted(graph.nodes(data=True), key=lambda na: str(na[0]))]
    edges = []
    for i, (u, v, a) in enumerate(sorted(drawing.edges(data=True), key=lambda e: (str(e[0]), str(e[1])))):
        keys = [k for k in link_index if {k[1], k[2]} == {u, v}]
        edges.append({"id": f"e{i}", "from": u, "to": v, "layer": "support", "kind": a["kind"],
                      "supporters": a.get("supporters", []),
                      "state": edge_state(a), "weight": a["weight"], "links": sorted(link_index[k] for k in keys),
                      "types": [words.get(t, t) for t in a["types"]], "statuses": [words.get(t, t) for t in a["statuses"]], "start": a["start"], "end": a["end"],
                      "areas": a[f"areas_{lang}"], "techniques": a[f"techniques_{lang}"],
                      "sources": [local_name(s) for s in a["sources"]]})
    edges += _referral_edges(referral, flows, lang, words)
    data = {
        "lang": lang, "words": words, "sizeBy": size_by, "colourBy": colour_by,
        "measures": {m: words.get(m, m) for m in scores},
        "legend": {"level": {k or "": [words.get(k or "", k or words["unknown"]), c] for k, c in level_legend.items()},
                   "kind": {k or "": [words.get(k or "", k or ""), c] for k, c in kind_legend.items()}},
        "nodes": nodes, "edges": edges,
        "links": [{"iri": l.iri, "from": l.source, "to": l.target, "directed": l.directed, "types": list(l.types),
                   "status": local_name(l.status or ""), "planned": l.planned} for l in links],
        "flows": [{"iri": iri} for iri in sorted({f.iri for f in flows})],
        "snapshots": snapshots, "initial": initial, "levelColours": {k or "": c for k, c in LEVEL_COLOURS.items()},
        "edgeColours": EDGE_COLOURS,
        "title": (words.get("title_referral") if referral.number_of_edges() else None) or words["title"],
        "referralLegend": _referral_legend(lang, words, {a.get("kind") for _, a in graph.nodes(data=True)
                                                         if a.get("group")}),
    }
    if entity_base is not None:
        data["entityBase"], data["entityNamespace"] = entity_base, BASE
    return data


def render_page(data: dict) -> str:
    """The HTML text of the page: ``templates/page.html`` rendered by Jinja2, with the page's own CSS and
    JavaScript (``static/``), vis-network and ``data`` inlined, so that the file works with no network."""
    js, css = vis_network_files()
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return _templates().get_template("page.html").render(
        lang=data["lang"], title=data.get("title") or data["words"]["title"], data=Markup(payload),
        vis_css=Markup(css), vis_js=Markup(js.replace("</script", "<\\/script")),
        page_css=Markup(_static("page.css")), page_js=Markup(_static("page.js")))


@functools.lru_cache(maxsize=1)
def _templates():
    """The template environment of the package's ``templates/`` folder (HTML escaping on, bytes kept)."""
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("kg.network", "templates"), autoescape=True,
                              keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


def _static(name: str) -> str:
    """A file of the package's ``static/`` folder, inlined into the page at build time."""
    return (resources.files("kg.network") / "static" / name).read_text(encoding="utf-8")


def write_page(path: Path, projection: Projection, lang: str = "vi", size_by: str = "out_degree",
               colour_by: str = "level", as_of: date | None = None, include_planned: bool = False,
               words: dict | None = None, entity_base: str | None = None,
               referrals: ReferralProjection | None = None) -> Path:
    """Write the self-contained page of ``projection`` (every link of the graph) to ``path``, with the referral
    layer of ``referrals`` (every flow) when given; returns the path.

    ``entity_base`` links the institution chosen to its entity page (see ``page_data``); without it the
    page links nowhere, as befits a file opened with no server.
    """
    words = words or UI_WORDS[lang]
    return write_atomic(Path(path), render_page(page_data(projection, lang, size_by, colour_by, as_of, include_planned,
                                                          words, entity_base=entity_base, referrals=referrals)))
