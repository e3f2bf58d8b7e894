"""Drawing the support network as a tiered static picture (PNG, SVG) with matplotlib.

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
from kg.namespaces import HKG, LEVEL, METRIC, STATUS
from kg.network.measures import MEASURES
from kg.network.projection import Projection, label
from kg.network.style import FONT, TIERS, edge_state, node_colours, tier_of, tiered_layout


def vocabulary_labels(dataset: Dataset, lang: str) -> dict[str, str]:
    """Labels in ``lang`` of the levels, statuses, classes and measures, keyed by local name (measures by name)."""
    out = {}
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
                 size_by: str = "out_degree", colour_by: str = "level", words: dict | None = None) -> Path:
    """Draw ``drawing`` (the cooperation network with planned links) tiered, into a PNG or SVG file."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    words = words or {}
    pos = tiered_layout(drawing)
    colours, legend_colours = node_colours(drawing, colour_by)
    values = results[size_by].values if size_by in results else {}
    top = max([v for v in values.values() if v is not None] + [1e-9])
    sizes = {n: 180 + 1400 * (values.get(n) or 0) / top for n in drawing}
    xs = [x for x, _ in pos.values()] or [0]
    ys = [y for _, y in pos.values()] or [0]
    fig_w = max(10.0, 1.75 * (max(xs) - min(xs) + 2))
    fig_h = max(6.0, 2.3 * (max(ys) - min(ys) + 1) + 2.2)
    plt.rcParams["font.family"] = FONT
    fig, ax = plt.subplots(figsize=(fig_w, fig_h), dpi=110)
    styles = {"active": ("#444444", "-", 1.4), "planned": ("#888888", (0, (4, 3)), 1.1), "ended": ("#AAAAAA", ":", 1.1)}
    for u, v, attrs in sorted(drawing.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        colour, style, width = styles[edge_state(attrs)]
        pairs = [(s, v if s == u else u) for s in attrs.get("supporters") or []] or [(u, v)]
        for a, b in pairs:
            arrow = "-|>" if attrs.get("supporters") else "-"
            ax.annotate("", xy=pos[b], xytext=pos[a], zorder=1,
                        arrowprops=dict(arrowstyle=arrow, color=colour if attrs["kind"] == "support" else "#0072B2",
                                        linestyle=style, linewidth=width, mutation_scale=14,
                                        shrinkA=7 + sizes[a] ** 0.5 / 2, shrinkB=7 + sizes[b] ** 0.5 / 2,
                                        connectionstyle="arc3,rad=0.06"))
    nodes = sorted(drawing, key=str)
    ax.scatter([pos[n][0] for n in nodes], [pos[n][1] for n in nodes], s=[sizes[n] for n in nodes],
               c=[colours[n] for n in nodes], edgecolors="white", linewidths=1.2, zorder=2)
    for n in nodes:
        x, y = pos[n]
        tier = tier_of(drawing.nodes[n])
        below = tier is None or y <= -tier
        ax.text(x, y + (-0.16 if below else 0.16), _wrapped(label(drawing.nodes[n], lang)), ha="center",
                va="top" if below else "bottom", fontsize=7.5, zorder=3,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.75))
    tiers = {t: words.get(k, k) for k, t in TIERS.items() if k != "district"}
    for tier in sorted({tier_of(drawing.nodes[n]) for n in drawing} - {None}):
        ax.text(min(xs) - 0.9, -tier, tiers.get(tier, words.get("other", "other")), ha="right", va="center",
                fontsize=9, fontweight="bold", color="#555555")
    handles = [Line2D([], [], marker="o", linestyle="", markersize=9, markerfacecolor=c, markeredgecolor="white",
                      label=words.get(k, k) if k else words.get("unknown", "unknown")) for k, c in legend_colours.items()]
    handles += [Line2D([], [], color="#444444", label=words.get("legend_support", "support")),
                Line2D([], [], color="#0072B2", label=words.get("legend_partnership", "partnership")),
                Line2D([], [], color="#888888", linestyle=(0, (4, 3)), label=words.get("legend_planned", "planned")),
                Line2D([], [], color="#AAAAAA", linestyle=":", label=words.get("legend_ended", "ended"))]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=min(len(handles), 6),
              fontsize=8, frameon=False, title=f"{words.get('size', 'size')}: {words.get(size_by, size_by)}",
              title_fontsize=8)
    when = projection.as_of.isoformat() if projection.as_of else words.get("all_links", "all links")
    ax.set_title(f"{words.get('title', 'Support network')} ({when})", fontsize=12)
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


def missing_glyphs(text: str, font: str = FONT) -> set[str]:
    """The characters of ``text`` that ``font`` has no glyph for (empty when every letter can be drawn)."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    face = FT2Font(font_manager.findfont(font, fallback_to_default=False))
    return {c for c in set(text) if not c.isspace() and face.get_char_index(ord(c)) == 0}


