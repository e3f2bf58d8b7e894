"""How the network is shown, shared by the picture and the page: tiers and layout, colours, edge states, words.

>>> tier_of({"level": "provincial"})
1
"""

from __future__ import annotations

import math
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


#: Edge colours (Okabe-Ito, colour-blind safe): support flows down in dark grey, partnerships are blue, and
#: referrals flow up in vermillion; planned and ended support links are lighter greys.
EDGE_COLOURS = {"support": "#444444", "partnership": "#0072B2", "planned": "#888888", "ended": "#AAAAAA",
                "referral": "#D55E00"}

#: Width of a referral edge, in points (the picture) or pixels at scale 1 (the page): UNSTATED for a flow whose
#: source gives no number (drawn dashed), else BASE + sqrt(patients) / SCALE, at most WIDEST: the width grows
#: with the square root of the volume, so that ten times the patients looks about three times as wide.
REFERRAL_WIDTH = {"unstated": 1.5, "base": 2.0, "scale": 16.0, "widest": 14.0}

#: Volumes shown as sample widths in the legends (patients per year).
REFERRAL_SAMPLES = (1000, 10000)

#: Shapes of the nodes of each kind (matplotlib marker, vis-network shape): named institutions are discs,
#: unnamed groups of institutions hollow diamonds, groups of patients hollow triangles.
NODE_SHAPES = {None: ("o", "dot"), "InstitutionGroup": ("D", "diamond"), "PatientGroup": ("^", "triangle")}

#: The tier drawn as "other", below the commune tier, for a node whose tier nothing tells.
OTHER_TIER = 4


#: The font of the labels: shipped with matplotlib, it has every Vietnamese letter.
FONT = "DejaVu Sans"


def tier_of(attrs: dict) -> int | None:
    """The tier of an institution (0 is the top), or None for a foreign partner; a ``tier`` given (the
    referral network's nodes, see ``referral_tiers``) comes first.

    >>> tier_of({"level": "central"}), tier_of({"level": "international"}), tier_of({"kind": "DepartmentOfHealth"})
    (0, None, 1)
    >>> tier_of({"kind": "InstitutionGroup", "tier": 2})
    2
    """
    if "tier" in attrs:
        return attrs["tier"]
    if attrs.get("foreign") or attrs.get("level") == "international":
        return None
    if attrs.get("level") in TIERS:
        return TIERS[attrs["level"]]
    return KIND_TIERS.get(attrs.get("kind"), OTHER_TIER)


def referral_tiers(referral: nx.DiGraph, support: nx.Graph | None = None) -> dict:
    """The tier of every node of the referral network (None: the column of foreign partners).

    A node of the support network keeps its tier there (it is one node of both layers); a node with a
    ``level`` (an institution's, or a group's stated level) goes on that level's tier; a group of patients
    on the bottom (commune) tier. Any other node is placed by what it is connected to, since referrals go
    up the lines: one tier above the highest of its senders, else one tier below the lowest of its
    receivers; a node nothing places goes on the "other" tier.

    >>> r = nx.DiGraph([("patients", "hospitals"), ("unit", "centre"), ("loose", "free")])
    >>> nx.set_node_attributes(r, {"patients": {"kind": "PatientGroup"}, "hospitals": {"kind": "InstitutionGroup"},
    ...                            "centre": {"kind": "Institution", "level": "central"},
    ...                            "unit": {"kind": "InstitutionGroup"}})
    >>> referral_tiers(r)
    {'centre': 0, 'free': 4, 'hospitals': 2, 'loose': 4, 'patients': 3, 'unit': 1}
    """
    tiers: dict = {}
    for node, attrs in referral.nodes(data=True):
        if support is not None and node in support:
            tiers[node] = tier_of(support.nodes[node])
        elif attrs.get("level") in TIERS or attrs.get("level") == "international":
            tiers[node] = tier_of({"level": attrs["level"]})
        elif attrs.get("kind") == "PatientGroup":
            tiers[node] = TIERS["commune"]
    bottom = TIERS["commune"]
    for _ in range(len(referral)):
        changed = False
        for node in sorted(referral, key=str):
            if node in tiers:
                continue
            senders = [tiers[m] for m in referral.predecessors(node) if tiers.get(m) is not None]
            receivers = [tiers[m] for m in referral.successors(node) if tiers.get(m) is not None]
            if senders or receivers:
                tiers[node] = max(min(senders) - 1, 0) if senders else min(max(receivers) + 1, bottom)
                changed = True
        if not changed:
            break
    return {n: tiers.get(n, OTHER_TIER) for n in sorted(referral, key=str)}


def combined_network(support: nx.Graph, referral: nx.DiGraph | None = None) -> nx.Graph:
    """The nodes of both layers in one undirected graph, to lay out and colour them together.

    The support network's nodes keep their attributes; a node of the referral network that is not in it is
    added with its own (its area as its province) and its tier (``referral_tiers``), so that an unnamed
    group stays a node of its own, never merged into an institution. ``layers`` lists the layers a node
    is drawn in; edges of both layers are kept, without their attributes, for the layout's ordering.

    >>> s = nx.Graph([("a", "b")]); r = nx.DiGraph([("g", "a")])
    >>> nx.set_node_attributes(r, {"g": {"kind": "PatientGroup", "group": True, "area_en": "P"}})
    >>> g = combined_network(s, r)
    >>> g.nodes["g"]["tier"], g.nodes["g"]["province_en"], g.nodes["a"]["layers"], g.has_edge("g", "a")
    (3, 'P', ['support', 'referral'], True)
    """
    graph = nx.Graph(name="support and referral")
    for node, attrs in support.nodes(data=True):
        graph.add_node(node, **attrs, layers=["support"])
    graph.add_edges_from(support.edges())
    if referral is None:
        return graph
    tiers = referral_tiers(referral, support)
    for node, attrs in sorted(referral.nodes(data=True), key=lambda na: str(na[0])):
        if node in graph:
            graph.nodes[node]["layers"] = ["support", "referral"]
            continue
        extra = {f"province_{lang}": attrs.get(f"area_{lang}") for lang in ("en", "vi")}
        graph.add_node(node, **{**extra, "province": attrs.get("area"), **attrs, "tier": tiers[node],
                                "layers": ["referral"]})
    graph.add_edges_from(referral.edges())
    return graph


def node_shape(attrs: dict) -> tuple[str, str]:
    """``(matplotlib marker, vis-network shape)`` of a node: discs for institutions, others for groups.

    >>> node_shape({"kind": "PatientGroup", "group": True}), node_shape({"kind": "GeneralHospital"})
    (('^', 'triangle'), ('o', 'dot'))
    """
    return NODE_SHAPES.get(attrs.get("kind") if attrs.get("group") else None, NODE_SHAPES[None])


def referral_width(attrs: dict) -> float:
    """The width of a referral edge by its stated volume (see ``REFERRAL_WIDTH``).

    >>> referral_width({"weight": 12500.0, "volume_stated": True}), referral_width({"weight": 0.0})
    (8.99, 1.5)
    """
    if not attrs.get("volume_stated") or not attrs.get("weight"):
        return REFERRAL_WIDTH["unstated"]
    width = REFERRAL_WIDTH["base"] + math.sqrt(attrs["weight"]) / REFERRAL_WIDTH["scale"]
    return round(min(width, REFERRAL_WIDTH["widest"]), 2)


def count_text(number: float, lang: str) -> str:
    """A number of patients as written in ``lang``: "12,500" in English, "12.500" in Vietnamese.

    >>> count_text(12500.0, "en"), count_text(12500, "vi"), count_text(2.5, "en")
    ('12,500', '12.500', '2.5')
    """
    text = f"{int(number):,}" if float(number).is_integer() else f"{number:,}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "vi" else text


def volume_text(attrs: dict, lang: str, words: dict, units: list[str] | tuple = ()) -> str:
    """The stated volume of a referral edge in words: the value or range, approximate or not, with its unit
    and the share referred; "no number given" when the source gives none. Units and shares are named by
    ``words`` (``unit_<name>``, ``share_<name>``: the vocabulary's labels), else by their local names.

    >>> volume_text({"volume_stated": True, "volume_min": 12000.0, "volume_max": 13000.0, "approximate": True,
    ...              "share": "most"}, "en", UI_WORDS["en"], ["patients-per-year"])
    'about 12,000–13,000 patients per year (share referred: most)'
    """
    if not attrs.get("volume_stated"):
        return words.get("no_number", "no number given")
    low, high = attrs.get("volume_min"), attrs.get("volume_max")
    number = count_text(low, lang) if low == high else f"{count_text(low, lang)}–{count_text(high, lang)}"
    text = (words.get("about", "about") + " " if attrs.get("approximate") else "") + number
    for unit in units:
        text += " " + words.get(f"unit_{unit}", unit.replace("-", " "))
    if attrs.get("share"):
        text += f" ({words.get('share', 'share')}: {words.get('share_' + attrs['share'], attrs['share'])})"
    return text


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
        "title": "Support network of Vietnamese health institutions",
        "title_referral": "Support and referral network of Vietnamese health institutions", "all_links": "all links, whatever their dates",
        "as_of": "as of", "search": "Find an institution (diacritics optional)", "supports": "Supports",
        "supported_by": "Supported by", "partners": "Partners", "size": "Node size", "colour": "Colour by",
        "level": "Level", "kind": "Kind", "province": "Province", "country": "Country", "snapshot": "Snapshot",
        "legend_support": "support (arrow: supporter to supported)", "legend_partnership": "partnership, no direction",
        "legend_planned": "planned, not yet signed", "legend_ended": "ended", "show_planned": "show planned links",
        "measures": "Measures", "period": "period", "areas": "areas", "techniques": "techniques", "sources": "sources",
        "no_match": "no match", "unknown": "level not recorded", "other": "other", "shown": "institutions shown",
        "help": "Click an institution, or search for it, to see whom it supports.", "open": "open",
        "legend": "Legend", "snapshot_date": "Date", "entity_page": "Open the page of this institution",
        "layers": "Layers", "layer_support": "Support", "layer_referral": "Referral",
        "legend_referral": "referral (arrow: sender to receiver)",
        "legend_width": "line width of a referral: patients per year, as stated",
        "legend_unstated": "dashed: no number given", "patients_year": "{n} patients a year",
        "group_institutions": "unnamed group of institutions", "group_patients": "group of patients",
        "refers_to": "Refers patients to", "referred_from": "Receives patients from",
        "volume": "volume", "no_number": "no number given", "about": "about", "share": "share referred",
        "reported": "reported on",
    },
    "vi": {
        "title": "Mạng lưới hỗ trợ giữa các cơ sở y tế Việt Nam",
        "title_referral": "Mạng lưới hỗ trợ và chuyển tuyến giữa các cơ sở y tế Việt Nam", "all_links": "mọi liên kết, không xét thời hạn",
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
        "layers": "Lớp hiển thị", "layer_support": "Hỗ trợ", "layer_referral": "Chuyển tuyến",
        "legend_referral": "chuyển tuyến (mũi tên: nơi chuyển đến nơi nhận)",
        "legend_width": "độ dày nét chuyển tuyến: số người bệnh mỗi năm theo nguồn",
        "legend_unstated": "nét đứt: nguồn không nêu con số", "patients_year": "{n} người bệnh mỗi năm",
        "group_institutions": "nhóm cơ sở không nêu tên", "group_patients": "nhóm người bệnh",
        "refers_to": "Chuyển người bệnh đến", "referred_from": "Nhận người bệnh từ",
        "volume": "số lượng", "no_number": "nguồn không nêu con số", "about": "khoảng",
        "share": "tỷ lệ được chuyển đến", "reported": "thời điểm đưa tin",
    },
}
