"""Drawing the support network, with the referral network as a second layer, as a tiered static picture
(PNG, SVG) with matplotlib.

Support flows down the tiers (grey arrows, supporter to supported), referrals flow up (vermillion
arrows, sender to receiver), as wide as the stated volume allows and dashed where the source gives
no number; unnamed groups are hollow diamonds (institutions) and triangles (patients).

matplotlib is imported inside the functions that draw, so that importing this module
(and running ``kg validate``) never loads it.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import networkx as nx
from rdflib import Dataset, URIRef
from rdflib.namespace import RDFS, SKOS

from kg.graph.export import write_atomic
from kg.namespaces import HKG, LEVEL, METRIC, SCHEME, STATUS
from kg.network.measures import MEASURES
from kg.network.projection import Projection, label, local_name
from kg.network.style import (EDGE_COLOURS, FONT, NODE_SHAPES, REFERRAL_SAMPLES, REFERRAL_WIDTH, TIERS,
                              combined_network, count_text, edge_state, node_colours, node_shape, referral_width,
                              tier_of, tiered_layout)


def vocabulary_labels(dataset: Dataset, lang: str) -> dict[str, str]:
    """Labels in ``lang`` of the levels, statuses, classes and measures, keyed by local name (measures by name),
    and of the units and shares of referral volumes, keyed ``unit_<name>`` and ``share_<name>``."""
    out = {}
    for scheme, prefix in ((SCHEME.units, "unit_"), (SCHEME.shares, "share_")):
        for concept in set(dataset.subjects(SKOS.inScheme, scheme)):
            for value in dataset.objects(concept, SKOS.prefLabel):
                if getattr(value, "language", None) == lang:
                    out[prefix + local_name(str(concept))] = str(value)
    statuses = ["planned", "signed", "in-force", "ended"]
    for iri, key in ([(LEVEL[k], k) for k in list(TIERS) + ["international"]] + [(STATUS[k], k) for k in statuses]
                     + [(METRIC[m.slug], m.name) for m in MEASURES.values()]):
        for value in dataset.objects(iri, SKOS.prefLabel):
            if getattr(value, "language", None) == lang:
                out[key] = str(value)
    for cls in set(dataset.subjects(RDFS.subClassOf, None)):
        if isinstance(cls, URIRef) and str(cls).startswith(str(HKG)):
            for value in dataset.objects(cls, RDFS.label):
                if getattr(value, "language", None) == lang:
                    out.setdefault(str(cls)[len(str(HKG)):], str(value))
    return out


def _wrapped(text: str, width: int = 24) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def draw_picture(projection: Projection, drawing: nx.Graph, results: dict, path: Path, lang: str = "vi",
                 size_by: str = "out_degree", colour_by: str = "level", words: dict | None = None,
                 referral: nx.DiGraph | None = None) -> Path:
    """Draw ``drawing`` (the cooperation network with planned links) tiered, into a PNG or SVG file, with the
    edges of ``referral`` (the referral network of the same snapshot), when given, as a second layer.

    In an SVG, each referral edge is the group ``referral-<n>`` (in the order of sender and receiver)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    words = words or {}
    referral = referral if referral is not None else nx.DiGraph()
    graph = combined_network(drawing, referral)
    pos = tiered_layout(graph)
    colours, legend_colours = node_colours(graph, colour_by)
    values = results[size_by].values if size_by in results else {}
    top = max([v for v in values.values() if v is not None] + [1e-9])
    sizes = {n: 180 + 1400 * (values.get(n) or 0) / top for n in graph}
    xs = [x for x, _ in pos.values()] or [0]
    ys = [y for _, y in pos.values()] or [0]
    fig_w = max(10.0, 1.75 * (max(xs) - min(xs) + 2))
    fig_h = max(6.0, 2.3 * (max(ys) - min(ys) + 1) + 2.2)
    plt.rcParams["font.family"] = FONT
    fig, ax = plt.subplots(figsize=(fig_w, fig_h), dpi=110)
    styles = {"active": (EDGE_COLOURS["support"], "-", 1.4), "planned": (EDGE_COLOURS["planned"], (0, (4, 3)), 1.1),
              "ended": (EDGE_COLOURS["ended"], ":", 1.1)}
    shrink = {n: 7 + sizes[n] ** 0.5 / 2 for n in graph}
    for u, v, attrs in sorted(drawing.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        colour, style, width = styles[edge_state(attrs)]
        pairs = [(s, v if s == u else u) for s in attrs.get("supporters") or []] or [(u, v)]
        for a, b in pairs:
            arrow = "-|>" if attrs.get("supporters") else "-"
            ax.annotate("", xy=pos[b], xytext=pos[a], zorder=1,
                        arrowprops=dict(arrowstyle=arrow, color=colour if attrs["kind"] == "support"
                                        else EDGE_COLOURS["partnership"],
                                        linestyle=style, linewidth=width, mutation_scale=14,
                                        shrinkA=shrink[a], shrinkB=shrink[b], connectionstyle="arc3,rad=0.06"))
    for i, (u, v, attrs) in enumerate(sorted(referral.edges(data=True), key=lambda e: (str(e[0]), str(e[1])))):
        width = referral_width(attrs)
        edge = ax.annotate("", xy=pos[v], xytext=pos[u], zorder=1.5,
                           arrowprops=dict(arrowstyle="-|>", color=EDGE_COLOURS["referral"], linewidth=width,
                                           linestyle="-" if attrs.get("volume_stated") else (0, (5, 3)),
                                           mutation_scale=10 + 2.5 * width, shrinkA=shrink[u], shrinkB=shrink[v],
                                           connectionstyle="arc3,rad=-0.12"))
        edge.arrow_patch.set_gid(f"referral-{i}")
    for kind, (marker, _) in NODE_SHAPES.items():
        nodes = sorted((n for n in graph if node_shape(graph.nodes[n])[0] == marker), key=str)
        if not nodes:
            continue
        if kind is None:
            ax.scatter([pos[n][0] for n in nodes], [pos[n][1] for n in nodes], s=[sizes[n] for n in nodes],
                       c=[colours[n] for n in nodes], edgecolors="white", linewidths=1.2, zorder=2)
        else:  # unnamed groups: hollow, outlined in the colour of their level or kind
            ax.scatter([pos[n][0] for n in nodes], [pos[n][1] for n in nodes], s=[sizes[n] * 1.2 for n in nodes],
                       marker=marker, facecolors="white", edgecolors=[colours[n] for n in nodes], linewidths=2.2,
                       zorder=2, gid=f"group-{kind}")
    for n in sorted(graph, key=str):
        x, y = pos[n]
        tier = tier_of(graph.nodes[n])
        below = tier is None or y <= -tier
        ax.text(x, y + (-0.16 if below else 0.16), _wrapped(label(graph.nodes[n], lang)), ha="center",
                va="top" if below else "bottom", fontsize=7.5, zorder=3,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.75))
    tiers = {t: words.get(k, k) for k, t in TIERS.items() if k != "district"}
    for tier in sorted({tier_of(graph.nodes[n]) for n in graph} - {None}):
        ax.text(min(xs) - 0.9, -tier, tiers.get(tier, words.get("other", "other")), ha="right", va="center",
                fontsize=9, fontweight="bold", color="#555555")
    handles = [Line2D([], [], marker="o", linestyle="", markersize=9, markerfacecolor=c, markeredgecolor="white",
                      label=words.get(k, k) if k else words.get("unknown", "unknown")) for k, c in legend_colours.items()]
    kinds = {graph.nodes[n].get("kind") for n in graph if graph.nodes[n].get("group")}
    for kind, key in (("InstitutionGroup", "group_institutions"), ("PatientGroup", "group_patients")):
        if kind in kinds:
            handles.append(Line2D([], [], marker=NODE_SHAPES[kind][0], linestyle="", markersize=8,
                                  markerfacecolor="white", markeredgecolor="#555555", markeredgewidth=1.8,
                                  label=words.get(key, kind)))
    handles += [Line2D([], [], color=EDGE_COLOURS["support"], label=words.get("legend_support", "support")),
                Line2D([], [], color=EDGE_COLOURS["partnership"], label=words.get("legend_partnership", "partnership")),
                Line2D([], [], color=EDGE_COLOURS["planned"], linestyle=(0, (4, 3)),
                       label=words.get("legend_planned", "planned")),
                Line2D([], [], color=EDGE_COLOURS["ended"], linestyle=":", label=words.get("legend_ended", "ended"))]
    title = f"{words.get('size', 'size')}: {words.get(size_by, size_by)}"
    if referral.number_of_edges():
        handles += referral_legend(Line2D, lang, words)
        title += "\n" + words.get("legend_width", "line width of a referral: patients per year, as stated")
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=min(len(handles), 6),
              fontsize=8, frameon=False, title=title, title_fontsize=8)
    when = projection.as_of.isoformat() if projection.as_of else words.get("all_links", "all links")
    heading = words.get("title_referral") if referral.number_of_edges() else None
    ax.set_title(f"{heading or words.get('title', 'Support network')} ({when})", fontsize=12)
    ax.set_xlim(min(xs) - 2.4, max(xs) + 1.2)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.5)
    ax.axis("off")
    fig.tight_layout()
    path = Path(path)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=path.suffix.lstrip(".").lower(), metadata={"Software": None} if path.suffix == ".png"
                else {"Date": None})
    plt.close(fig)
    return write_atomic(path, buffer.getvalue())


def referral_legend(line, lang: str, words: dict) -> list:
    """The legend's lines of the referral layer: the arrow, a width for each sample volume, the dashed line."""
    colour = EDGE_COLOURS["referral"]
    lines = [line([], [], color=colour, linewidth=REFERRAL_WIDTH["base"],
                  label=words.get("legend_referral", "referral (arrow: sender to receiver)"))]
    for number in REFERRAL_SAMPLES:
        lines.append(line([], [], color=colour, linewidth=referral_width({"weight": number, "volume_stated": True}),
                          label=words.get("patients_year", "{n} patients a year").format(n=count_text(number, lang))))
    lines.append(line([], [], color=colour, linewidth=REFERRAL_WIDTH["unstated"], linestyle=(0, (5, 3)),
                      label=words.get("legend_unstated", "dashed: no number given")))
    return lines


def missing_glyphs(text: str, font: str = FONT) -> set[str]:
    """The characters of ``text`` that ``font`` has no glyph for (empty when every letter can be drawn)."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    face = FT2Font(font_manager.findfont(font, fallback_to_default=False))
    return {c for c in set(text) if not c.isspace() and face.get_char_index(ord(c)) == 0}


