"""The interactive page of the network: one self-contained HTML file that works with no network at all.

The page is ``templates/page.html`` (Jinja2) with its CSS and JavaScript in ``static/``; at
generation time they are inlined, with vis-network (read from the installed ``pyvis``
package) and the data, into one file: nothing is loaded from the internet. Snapshots are
computed here (the links of the projection in force on each date on which a link starts
or ends) so that the page only shows and hides links and never applies the date rule itself.
"""

from __future__ import annotations

import functools
import json
from datetime import date
from importlib import resources
from pathlib import Path

from markupsafe import Markup

from kg.errors import InputError
from kg.graph.export import write_atomic
from kg.network.measures import MEASURES, compute_measures
from kg.network.projection import Projection, change_dates, cooperation_network, label, local_name
from kg.network.style import LEVEL_COLOURS, UI_WORDS, edge_state, node_colours, tiered_layout


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


def _snapshots(links, as_of, words) -> tuple[list[dict], int]:
    index = {link.key: i for i, link in enumerate(links)}
    days = change_dates(links)
    if as_of and as_of not in days:
        days = sorted(days + [as_of])
    snaps = [{"date": None, "label": words["all_links"], "links": list(range(len(links)))}]
    for day in days:
        kept = [index[l.key] for l in links if l.in_force(day)]
        snaps.append({"date": day.isoformat(), "label": f"{words['as_of']} {day.isoformat()}", "links": sorted(kept)})
    initial = next((i for i, s in enumerate(snaps) if as_of and s["date"] == as_of.isoformat()), 0)
    return snaps, initial


def page_data(projection: Projection, lang: str, size_by: str, colour_by: str, as_of: date | None,
              include_planned: bool, words: dict) -> dict:
    """Everything the page shows, as JSON-ready data: nodes, edges, links, snapshots, measures and words.

    ``projection`` holds every link of the graph; each snapshot keeps those in force on its date.
    """
    links, institutions = projection.links, projection.institutions
    drawing = cooperation_network(links, institutions, include_planned=True)
    pos = tiered_layout(drawing, width=1.0)
    by_level, level_legend = node_colours(drawing, "level")
    by_kind, kind_legend = node_colours(drawing, "kind")
    snapshots, initial = _snapshots(links, as_of, words)
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
        "x": round(pos[n][0] * 200, 1), "y": round(-pos[n][1] * 300, 1),  # vis-network's y grows downwards
        "colour": {"level": by_level[n], "kind": by_kind[n]},
    } for n, a in sorted(drawing.nodes(data=True), key=lambda na: str(na[0]))]
    edges = []
    for i, (u, v, a) in enumerate(sorted(drawing.edges(data=True), key=lambda e: (str(e[0]), str(e[1])))):
        keys = [k for k in link_index if {k[1], k[2]} == {u, v}]
        edges.append({"id": f"e{i}", "from": u, "to": v, "kind": a["kind"], "supporters": a.get("supporters", []),
                      "state": edge_state(a), "weight": a["weight"], "links": sorted(link_index[k] for k in keys),
                      "types": [words.get(t, t) for t in a["types"]], "statuses": [words.get(t, t) for t in a["statuses"]], "start": a["start"], "end": a["end"],
                      "areas": a[f"areas_{lang}"], "techniques": a[f"techniques_{lang}"],
                      "sources": [local_name(s) for s in a["sources"]]})
    return {
        "lang": lang, "words": words, "sizeBy": size_by, "colourBy": colour_by,
        "measures": {m: words.get(m, m) for m in scores},
        "legend": {"level": {k or "": [words.get(k or "", k or words["unknown"]), c] for k, c in level_legend.items()},
                   "kind": {k or "": [words.get(k or "", k or ""), c] for k, c in kind_legend.items()}},
        "nodes": nodes, "edges": edges,
        "links": [{"iri": l.iri, "from": l.source, "to": l.target, "directed": l.directed, "types": list(l.types),
                   "status": local_name(l.status or ""), "planned": l.planned} for l in links],
        "snapshots": snapshots, "initial": initial, "levelColours": {k or "": c for k, c in LEVEL_COLOURS.items()},
    }


def render_page(data: dict) -> str:
    """The HTML text of the page: ``templates/page.html`` rendered by Jinja2, with the page's own CSS and
    JavaScript (``static/``), vis-network and ``data`` inlined, so that the file works with no network."""
    js, css = vis_network_files()
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return _templates().get_template("page.html").render(
        lang=data["lang"], title=data["words"]["title"], data=Markup(payload),
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
               words: dict | None = None) -> Path:
    """Write the self-contained page of ``projection`` (every link of the graph) to ``path``; returns the path."""
    words = words or UI_WORDS[lang]
    return write_atomic(Path(path), render_page(page_data(projection, lang, size_by, colour_by, as_of, include_planned,
                                                          words)))
