"""Drawing the support network: a tiered static picture (PNG, SVG), or the interactive page of ``kg.page``.

matplotlib is imported inside the functions that draw, so that importing this module
(and running ``kg validate``) never loads it.
"""

from __future__ import annotations

import io
import os

import textwrap
import time
from datetime import date, datetime, timezone
from pathlib import Path

import networkx as nx
from rdflib import Dataset, URIRef
from rdflib.namespace import RDFS, SKOS

from kg.dates import last_day
from kg.export import write_atomic
from kg.errors import InputError
from kg.measures import MEASURES, compute_measures
from kg.namespaces import HKG, LEVEL, METRIC, STATUS
from kg.network import Projection, cooperation_network, fold, label, project_network
from kg.store import Project, load_dataset

#: Tier of each level, from the top of the picture; foreign partners go in a column beside.
TIERS = {"central": 0, "provincial": 1, "regional": 2, "district": 2, "commune": 3}
#: Tier of an institution whose level is not recorded, by its kind.
KIND_TIERS = {"Ministry": 0, "DepartmentOfHealth": 1, "PeoplesCommittee": 1, "PeoplesCouncil": 1,
              "PartyCommittee": 1, "RegionalHospital": 2, "MedicalCentre": 2, "CommuneHealthStation": 3}
#: Node colours by level (colour-blind-safe Okabe-Ito palette).
LEVEL_COLOURS = {"central": "#D55E00", "provincial": "#0072B2", "regional": "#009E73", "district": "#56B4E9",
                 "commune": "#E69F00", "international": "#CC79A7", None: "#999999"}
KIND_PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000",
                "#882255", "#44AA99", "#999933", "#AA4499", "#117733", "#332288"]
#: The font of the labels: shipped with matplotlib, it has every Vietnamese letter.
FONT = "DejaVu Sans"


def tier_of(attrs: dict) -> int | None:
    """The tier of an institution (0 is the top), or None for a foreign partner.

    >>> tier_of({"level": "central"}), tier_of({"level": "international"}), tier_of({"kind": "DepartmentOfHealth"})
    (0, None, 1)
    """
    if attrs.get("foreign") or attrs.get("level") == "international":
        return None
    if attrs.get("level") in TIERS:
        return TIERS[attrs["level"]]
    return KIND_TIERS.get(attrs.get("kind"), 4)


def tiered_layout(graph: nx.Graph, width: float = 1.0, max_row: int = 8) -> dict:
    """Positions ``{node: (x, y)}``: one row per tier (y = -tier), foreign partners in a column on the right.

    Within a row, nodes start in order of province and name, then a few sweeps down and
    up the tiers sort each row by the mean position of each node's neighbours (the
    barycentre heuristic, which keeps links short and crossings few). A row of more than
    ``max_row`` nodes is packed at half the spacing, alternately a little above and below
    its line, so that the picture stays readable. Rows are centred on x = 0.

    >>> g = nx.Graph([("a", "b"), ("a", "c")])
    >>> nx.set_node_attributes(g, {"a": {"level": "central"}, "b": {"level": "provincial"},
    ...                            "c": {"level": "provincial"}})
    >>> tiered_layout(g)
    {'a': (0.0, 0.0), 'b': (-0.5, -1.0), 'c': (0.5, -1.0)}
    """
    rows: dict[int, list] = {}
    foreign = []
    for node, attrs in graph.nodes(data=True):
        tier = tier_of(attrs)
        (foreign if tier is None else rows.setdefault(tier, [])).append(node)
    name = lambda n: (fold(graph.nodes[n].get("province_en") or ""), fold(label(graph.nodes[n], "en") or str(n)))  # noqa: E731
    order = {tier: sorted(nodes, key=name) for tier, nodes in rows.items()}
    pos: dict = {}

    def place(tier):
        nodes = order[tier]
        packed = len(nodes) > max_row
        step = width / 2 if packed else width
        for i, node in enumerate(nodes):
            shift = (0.18 if i % 2 == 0 else -0.18) if packed else 0.0
            pos[node] = (step * (i - (len(nodes) - 1) / 2), -tier + shift)

    for tier in order:
        place(tier)
    tiers = sorted(order)
    for sweep in range(4):
        for tier in (tiers if sweep % 2 == 0 else tiers[::-1]):
            def barycentre(node):
                xs = [pos[m][0] for m in graph.neighbors(node) if m in pos]
                return sum(xs) / len(xs) if xs else pos[node][0]
            order[tier] = sorted(order[tier], key=lambda n: (round(barycentre(n), 9), pos[n][0], name(n)))
            place(tier)
    right = max((x for x, _ in pos.values()), default=0.0) + 1.5 * width
    for i, node in enumerate(sorted(foreign, key=name)):
        pos[node] = (right, -0.8 * i)
    return {n: (round(x, 6) + 0.0, round(y, 6) + 0.0) for n, (x, y) in sorted(pos.items(), key=lambda kv: str(kv[0]))}


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


def node_colours(graph: nx.Graph, colour_by: str = "level") -> tuple[dict, dict]:
    """``({node: colour}, {legend key: colour})`` by level or by kind.

    >>> node_colours(nx.Graph([("a", "b")]), "level")[0]
    {'a': '#999999', 'b': '#999999'}
    """
    if colour_by == "level":
        key = {n: (a.get("level") if a.get("level") in LEVEL_COLOURS else None) for n, a in graph.nodes(data=True)}
        palette = LEVEL_COLOURS
    elif colour_by == "kind":
        key = {n: a.get("kind") for n, a in graph.nodes(data=True)}
        palette = {k: KIND_PALETTE[i % len(KIND_PALETTE)] for i, k in enumerate(sorted(set(key.values()), key=str))}
    else:
        raise InputError(f"colour by '{colour_by}': choose level or kind")
    used = {k: palette[k] for k in sorted(set(key.values()), key=lambda k: (k is None, str(k)))}
    return {n: palette[k] for n, k in key.items()}, used


def edge_state(attrs: dict, today: date | None = None) -> str:
    """``planned``, ``ended`` (every link ended or past its end) or ``active``.

    >>> edge_state({"planned": False, "statuses": ["ended"]}), edge_state({"planned": True})
    ('ended', 'planned')
    >>> edge_state({"end": "2023"}, date(2023, 12, 31)), edge_state({"end": "2023"}, date(2024, 1, 1))
    ('active', 'ended')

    Without ``today``, the day is that of ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else today.
    """
    if today is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        today = datetime.fromtimestamp(int(epoch), timezone.utc).date() if epoch and epoch.isdigit() else date.today()
    if attrs.get("planned"):
        return "planned"
    statuses = set(attrs.get("statuses") or [])
    if (statuses and statuses <= {"ended"}) or (last_day(attrs.get("end")) or date.max) < today:
        return "ended"
    return "active"


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


def visualise(path: Path, dataset: Dataset | None = None, lang: str = "vi", size_by: str = "out_degree",
              colour_by: str = "level", as_of: date | None = None, include_planned: bool = False,
              project: Project | None = None) -> tuple[Path, float]:
    """Draw the network into ``path`` (``.html``, ``.png`` or ``.svg``); returns the path and the seconds taken."""
    from kg.page import UI_WORDS, write_page

    started = time.perf_counter()
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".html", ".png", ".svg"):
        raise InputError(f"{path}: unknown picture type '{suffix}'; give a file name ending in .html, .png or .svg")
    project = project or Project()
    dataset = dataset if dataset is not None else load_dataset(project=project)
    words = {**vocabulary_labels(dataset, lang), **UI_WORDS[lang]}
    if suffix == ".html":
        write_page(path, dataset, lang, size_by, colour_by, as_of, include_planned, project, words)
    else:
        projection = project_network(dataset, as_of, include_planned, project)
        results = compute_measures(projection, [size_by])
        drawing = cooperation_network(projection.links, projection.institutions, include_planned=True)
        draw_picture(projection, drawing, results, path, lang, size_by, colour_by, words)
    return path, time.perf_counter() - started
