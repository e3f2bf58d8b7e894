"""The map of the support network as a static picture (PNG, SVG) with matplotlib: one layer of provinces on one date.

The same view as the page (``map_page.map_view``): provinces and institutions at their points on a plain
background with meridians and parallels, coloured by the support links given and received on the date
(``kg.network.map_style.support_colour``), the support links as arrows. In an SVG the provinces are the group
``provinces``, the institutions ``institutions`` (one ``path`` element per disc), and each label the group
``province-label-<n>`` or ``institution-label-<n>``. matplotlib is imported inside the function that draws.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from kg.graph.export import write_atomic
from kg.network.map import Places, layer_on, province_support
from kg.network.map_style import ROLE_COLOURS, Frame, support_colour
from kg.network.map_page import graticule, map_view, map_words, province_size, site_size, support_values
from kg.network.projection import Projection, cooperation_network, snapshot
from kg.network.style import EDGE_COLOURS, FONT, edge_state

#: How many institutions the picture names: those with the most support links (given and received).
NAMED = 12

#: Map units per point of the picture (the map is WIDTH units across, drawn 6.6 inches wide).
UNIT = 72 * 6.6 / 600


def draw_map(projection: Projection, places: Places, path: Path, lang: str = "vi", words: dict | None = None,
             as_of: date | None = None, layer: str | None = None, include_planned: bool = False,
             colour_by: str = "role") -> Path:
    """Draw the map of ``projection`` (every link) on ``as_of`` (None: every link) into a PNG or SVG file.

    ``layer`` (``before`` or ``after`` 1 July 2025) defaults to the country of ``as_of`` (``layer_on``).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    words = map_words(words or {}, lang)
    layer = layer or layer_on(as_of)
    frame = Frame()
    shown = snapshot(projection, as_of)
    shown.include_planned = include_planned
    given, received = support_values(shown)
    view = map_view(projection, places, lang, frame)
    totals = province_support(places, layer, given, received)
    provinces = view["provinces"][layer]
    sites = [(s, s["layers"][layer]) for s in view["sites"].values() if s["layers"][layer]]
    top_p = {"given": max([totals[p["id"]][0] for p in provinces] + [0]) or 1,
             "received": max([totals[p["id"]][1] for p in provinces] + [0]) or 1}
    top_s = {"given": max(list(given.values()) + [0]) or 1, "received": max(list(received.values()) + [0]) or 1}

    plt.rcParams["font.family"] = FONT
    fig, ax = plt.subplots(figsize=(7.4, 13.6), dpi=100)
    fig.subplots_adjust(left=0.06, right=0.98, top=0.95, bottom=0.03)
    for line in graticule(frame, words):
        if line["kind"] == "lon":
            ax.plot([line["at"]] * 2, [0, frame.height], color="#E4E4E4", linewidth=0.6, zorder=0)
            ax.text(line["at"] + 2, frame.height - 6, line["label"], fontsize=7, color="#999999")
        else:
            ax.plot([0, frame.width], [line["at"]] * 2, color="#E4E4E4", linewidth=0.6, zorder=0)
            ax.text(2, line["at"] - 3, line["label"], fontsize=7, color="#999999")

    kept = {link.key for link in shown.links}
    pairs: dict = {}
    for link in projection.links:
        pairs.setdefault(frozenset((link.source, link.target)), []).append(link.key)
    drawing = cooperation_network(projection.links, projection.institutions, include_planned=True)
    styles = {"active": "-", "planned": (0, (4, 3)), "ended": ":"}
    for u, v, attrs in sorted(drawing.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        a, b = view["sites"][u]["layers"][layer], view["sites"][v]["layers"][layer]
        state = edge_state(attrs)
        in_force = any(key in kept for key in pairs.get(frozenset((u, v)), ()))
        if not (a and b) or not in_force or (state == "planned" and not include_planned):
            continue
        if attrs["kind"] == "support" and u not in attrs.get("supporters", []):
            a, b = b, a
        colour = EDGE_COLOURS["partnership"] if attrs["kind"] != "support" else \
            EDGE_COLOURS["support" if state == "active" else state]
        ax.annotate("", xy=(b["x"], b["y"]), xytext=(a["x"], a["y"]), zorder=1,
                    arrowprops=dict(arrowstyle="-|>" if attrs["kind"] == "support" else "-", color=colour,
                                    linewidth=0.9, linestyle=styles[state], mutation_scale=8, shrinkA=3, shrinkB=4))

    p_colours = [support_colour(*totals[p["id"]][:2], colour_by, top_p.get(colour_by, 1)) for p in provinces]
    ax.scatter([p["x"] for p in provinces], [p["y"] for p in provinces], zorder=2, gid="provinces", alpha=0.4,
               s=[(2 * province_size(*totals[p["id"]][:2]) * UNIT) ** 2 for p in provinces], c=p_colours,
               edgecolors=p_colours, linewidths=1.2)
    for i, p in enumerate(provinces):
        radius = province_size(*totals[p["id"]][:2])
        ax.text(p["x"] + radius + 2, p["y"], p["short"], fontsize=6.5, va="center", zorder=4, gid=f"province-label-{i}",
                bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.6))
    for s, at in sites:
        if (at["x"], at["y"]) != (at["ax"], at["ay"]):
            ax.plot([at["ax"], at["x"]], [at["ay"], at["y"]], color="#888888", linewidth=0.4, zorder=2.5)
    values = [(given.get(s["id"], 0), received.get(s["id"], 0)) for s, _ in sites]
    ax.scatter([at["x"] for _, at in sites], [at["y"] for _, at in sites], zorder=3, gid="institutions",
               s=[(2 * site_size(g, r) * UNIT) ** 2 for g, r in values], edgecolors="white", linewidths=0.6,
               c=[support_colour(g, r, colour_by, top_s.get(colour_by, 1)) for g, r in values])
    named = sorted(((g + r, s["label"], at) for (s, at), (g, r) in zip(sites, values) if g + r),
                   key=lambda t: (-t[0], t[1]))[:NAMED]
    for i, (_, text, at) in enumerate(sorted(named, key=lambda t: t[1])):
        ax.text(at["x"] + 4, at["y"] + 5, text, fontsize=5.5, va="top", zorder=4, color="#222222",
                gid=f"institution-label-{i}", bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.7))

    if colour_by == "role":
        handles = [Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor=ROLE_COLOURS[k],
                          markeredgecolor="white", label=words[f"role_{k}"]) for k in ("given", "received", "both", "none")]
    else:
        handles = [Line2D([], [], marker="o", linestyle="", markersize=7, markeredgecolor="white",
                          markerfacecolor=support_colour(n, n, colour_by, top_s[colour_by]), label=str(n))
                   for n in sorted({0, 1, int(top_s[colour_by])})]
    handles += [Line2D([], [], color=EDGE_COLOURS["support"], label=words["legend_support"]),
                Line2D([], [], color=EDGE_COLOURS["partnership"], label=words["legend_partnership"])]
    unplaced = len(view["unplaced"][layer])
    note = (f"{len(provinces)} {words['provinces']}, {len(sites)} {words['institutions']} {words['on_map']}"
            + (f"; {unplaced} {words['unplaced'].lower()}" if unplaced else "")
            + (f"; {words['no_point_provinces']}: {len(view['missing'][layer])}" if view["missing"][layer] else ""))
    # the legend goes where the map has no province: over Laos and Cambodia, west of the central highlands
    ax.legend(handles=handles, loc="center left", bbox_to_anchor=(0.0, 0.45), fontsize=7, frameon=True, framealpha=0.9,
              title=f"{words['colour_' + colour_by]}\n{words['size_note']}\n{note}", title_fontsize=7)
    when = as_of.isoformat() if as_of else words["all_links"]
    ax.set_title(f"{words['map_title']}\n({words['as_of'] + ' ' + when if as_of else when}; "
                 f"{words['layer_' + layer]})", fontsize=10)
    ax.set_xlim(0, frame.width)
    ax.set_ylim(frame.height, 0)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#DDDDDD")
    path = Path(path)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=path.suffix.lstrip(".").lower(),
                metadata={"Software": None} if path.suffix.lower() == ".png" else {"Date": None})
    plt.close(fig)
    return write_atomic(path, buffer.getvalue())
