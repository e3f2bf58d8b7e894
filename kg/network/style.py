"""How the network is shown, shared by the picture and the page: tiers and layout, colours, edge states, words.

>>> tier_of({"level": "provincial"})
1
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone

import networkx as nx

from kg.dates import last_day
from kg.errors import InputError
from kg.network.projection import fold, label


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


#: The words of the page and the pictures, in each language.
UI_WORDS = {
    "en": {
        "title": "Support network of Vietnamese health institutions", "all_links": "all links, whatever their dates",
        "as_of": "as of", "search": "Find an institution (diacritics optional)", "supports": "Supports",
        "supported_by": "Supported by", "partners": "Partners", "size": "Node size", "colour": "Colour by",
        "level": "Level", "kind": "Kind", "province": "Province", "country": "Country", "snapshot": "Snapshot",
        "legend_support": "support (arrow: supporter to supported)", "legend_partnership": "partnership, no direction",
        "legend_planned": "planned, not yet signed", "legend_ended": "ended", "show_planned": "show planned links",
        "measures": "Measures", "period": "period", "areas": "areas", "techniques": "techniques", "sources": "sources",
        "no_match": "no match", "unknown": "level not recorded", "other": "other", "shown": "institutions shown",
        "help": "Click an institution, or search for it, to see whom it supports.", "open": "open",
        "legend": "Legend", "snapshot_date": "Date", "entity_page": "Open the page of this institution",
    },
    "vi": {
        "title": "Mạng lưới hỗ trợ giữa các cơ sở y tế Việt Nam", "all_links": "mọi liên kết, không xét thời hạn",
        "as_of": "tại ngày", "search": "Tìm cơ sở (gõ có dấu hoặc không dấu)", "supports": "Hỗ trợ",
        "supported_by": "Được hỗ trợ bởi", "partners": "Đối tác", "size": "Kích thước nút", "colour": "Tô màu theo",
        "level": "Tuyến", "kind": "Loại hình", "province": "Tỉnh", "country": "Quốc gia", "snapshot": "Lát cắt thời gian",
        "legend_support": "hỗ trợ (mũi tên: bên hỗ trợ đến bên được hỗ trợ)",
        "legend_partnership": "hợp tác, không nêu bên hỗ trợ", "legend_planned": "dự kiến, chưa ký kết",
        "legend_ended": "đã kết thúc", "show_planned": "hiện liên kết dự kiến", "measures": "Chỉ số",
        "period": "thời hạn", "areas": "lĩnh vực", "techniques": "kỹ thuật", "sources": "nguồn",
        "no_match": "không tìm thấy", "unknown": "chưa rõ tuyến", "other": "khác", "shown": "cơ sở hiển thị",
        "help": "Bấm vào một cơ sở, hoặc tìm theo tên, để xem cơ sở đó hỗ trợ những đơn vị nào.", "open": "không thời hạn",
        "legend": "Chú giải", "snapshot_date": "Ngày", "entity_page": "Mở trang của cơ sở này",
    },
}
