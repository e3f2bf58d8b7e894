"""The referral network: patients sent up the lines, beside the support that flows down.

``queries/network-referrals.rq`` gives one row per referral flow and pair, and
``queries/network-referral-areas.rq`` the province, successor and lifetime of each area the
sides lie in (read apart, so that neither query grows faster than its answer). The *referral
network* is a ``DiGraph`` with an edge sender -> receiver for each pair (several flows
between the same two make one edge). An unnamed group of referrers or patients (an
``hkg:InstitutionGroup`` or ``hkg:PatientGroup``) is a node of its own kind, never merged
into an institution, and is counted apart.

Edge ``weight`` is the stated volume: the value, or the midpoint of a range, with ``volume_min``
and ``volume_max`` kept as attributes; a flow whose source gives no number has weight 0 and
``volume_stated`` False, so that sums count only what the sources state. A volume that
counts every patient received, of whom the source says only that "most" were referred
(``share`` other than "all"), is an upper bound of the referral: the edge says so
(``upper_bound``), and so does every report that shows it. A flow from a node to itself is
left out of the network.

Measures (:func:`referral_measures`):

- ``in_strength`` (load) and ``out_strength`` (dependence): summed stated volumes;
- ``origin_share``: for each receiver, the share of its stated load by the province of the
  sender (its area when that lies in no province; "not stated" when the source gives none);
- ``centralisation``: Freeman's centralisation of in-strength over the nodes that receive,
  sum(max - s) / ((n - 1) max): 1 when one receiver takes every stated patient, 0 when all
  receive alike;
- ``reciprocity``: pairs where A supports B while B refers patients to A, between
  institutions (a unit counts for the institution it belongs to) and between provinces
  (support from an institution of X to one of Y, or to Y itself, while a sender of Y refers
  to a receiver in X); each pair carries the trends the sources claim for its flows, since a
  flow that a source says has shrunk is no evidence of the line system at work;
- ``retention``: for each province, the share of the stated volume its senders send that
  stays in the province (a province and its successor by merger count as one); only flows
  whose volume and both provinces are stated count.

Snapshots follow the support network's rule: a flow with a stated start and end is in force
between them, and never outside the period in which the areas of its sides existed (a group
of the patients of a province merged on 1 July 2025 ends on 30 June 2025); a missing date
does not limit the period. The date a flow was reported is not its start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import networkx as nx

from kg.dates import parse_date
from kg.graph.files import Project
from kg.graph.store import open_store
from kg.namespaces import HKG
from kg.network.projection import _rows, local_name, stored_query

REFERRALS_QUERY = "network-referrals.rq"
AREAS_QUERY = "network-referral-areas.rq"
GROUP_KINDS = {str(HKG.InstitutionGroup): "InstitutionGroup", str(HKG.PatientGroup): "PatientGroup"}
NOT_STATED = "not stated"


@dataclass(frozen=True)
class Flow:
    """One referral flow and sender, as a row of ``network-referrals.rq``."""

    iri: str
    sender: str
    receiver: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    approximate: bool | None = None
    share: str | None = None
    start: str | None = None
    end: str | None = None
    reported: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    trends: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def volume(self) -> float | None:
        """The stated number of patients: the value, or the midpoint of the range; None when none is stated.

        >>> Flow("urn:f", "urn:a", "urn:b", low=12000, high=13000).volume
        12500.0
        """
        if self.value is not None:
            return self.value
        if self.low is not None and self.high is not None:
            return (self.low + self.high) / 2
        return None

    @property
    def upper_bound(self) -> bool:
        """True when the volume counts more than the referred patients (the source gives their share in words).

        >>> Flow("urn:f", "urn:a", "urn:b", value=5.0, share="https://w3id.org/vnhealth/id/concept/share/most").upper_bound
        True
        """
        return self.volume is not None and bool(self.share) and local_name(self.share) != "all"

    def in_force(self, day: date) -> bool:
        """True when the flow counts on ``day``: within its stated period and the lifetime of its sides' areas.

        >>> flow = Flow("urn:f", "urn:a", "urn:b", start="2021", valid_until="2025-06-30", reported="2023-05-05")
        >>> [flow.in_force(date(y, m, d)) for y, m, d in ((2020, 12, 31), (2021, 1, 1), (2025, 6, 30), (2025, 7, 1))]
        [False, True, True, False]
        """
        text = day.isoformat()

        def after(start):
            start = (start or "")[:10]
            return not start or start.startswith("--") or start <= text[:len(start)]

        def before(end):
            end = (end or "")[:10]
            return not end or end.startswith("--") or text[:len(end)] <= end

        return after(self.start) and after(self.valid_from) and before(self.end) and before(self.valid_until)


def _number(value) -> float | None:
    return float(value.toPython()) if value is not None else None


def _later(a: str | None, b: str | None) -> str | None:
    return max((d for d in (a, b) if d), default=None)


def _earlier(a: str | None, b: str | None) -> str | None:
    return min((d for d in (a, b) if d), default=None)


def read_flows(target, project: Project | None = None) -> tuple[list[Flow], dict[str, dict]]:
    """The flows of ``target`` and the attributes of every node they join (institutions and groups)."""
    areas = {}
    for row in _rows(target, stored_query(AREAS_QUERY, project)):
        text = {k: (str(v) if v is not None else None) for k, v in row.items()}
        areas[text["area"]] = text
    flows, nodes = {}, {}
    for row in _rows(target, stored_query(REFERRALS_QUERY, project)):
        text = {k: (str(v) if v is not None else None) for k, v in row.items()}
        key = (text["flow"], text["sender"], text["receiver"])
        if key in flows:  # one row per flow and pair; another engine's grouping never counts a flow twice
            continue
        sides = {side: areas.get(text.get(f"{side}Area") or "", {}) for side in ("sender", "receiver")}
        flows[key] = Flow(
            iri=text["flow"], sender=text["sender"], receiver=text["receiver"], value=_number(row.get("value")),
            low=_number(row.get("min")), high=_number(row.get("max")), unit=text.get("unit"),
            approximate=row["approximate"].toPython() is True if row.get("approximate") is not None else None,
            share=text.get("share"), start=text.get("start"), end=text.get("end"), reported=text.get("reportedOn"),
            valid_from=_later(sides["sender"].get("validFrom"), sides["receiver"].get("validFrom")),
            valid_until=_earlier(sides["sender"].get("validUntil"), sides["receiver"].get("validUntil")),
            trends=tuple(local_name(t) for t in (text.get("trends") or "").split()),
            sources=tuple((text.get("sources") or "").split()))
        for side in ("sender", "receiver"):
            kind = GROUP_KINDS.get(text.get(f"{side}Kind") or "", "Institution")
            area = sides[side]
            attrs = nodes.setdefault(text[side], {})
            attrs.update({k: v for k, v in {
                "label": text.get(f"{side}En") or text.get(f"{side}Vi") or local_name(text[side]),  # for GEXF, GraphML
                "label_en": text.get(f"{side}En") or text.get(f"{side}Vi") or local_name(text[side]),
                "label_vi": text.get(f"{side}Vi") or text.get(f"{side}En") or local_name(text[side]),
                "kind": kind, "group": kind != "Institution",
                "area": text.get(f"{side}Area"), "province": area.get("province"),
                "province_now": area.get("provinceNow"),
                "province_en": area.get("provinceEn"), "province_vi": area.get("provinceVi"),
                "level": local_name(text[f"{side}Level"]) if text.get(f"{side}Level") else None,
            }.items() if v is not None or k not in attrs})
        if text.get("receiverParent"):
            nodes[text["receiver"]]["unit_of"] = text["receiverParent"]
    return list(flows.values()), nodes


def referral_network(flows: list[Flow], nodes: dict[str, dict]) -> nx.DiGraph:
    """The directed network sender -> receiver, weighted by stated volume (see the module's notes)."""
    graph = nx.DiGraph(name="referral network")
    for flow in flows:
        if flow.sender == flow.receiver:
            continue
        for end in (flow.sender, flow.receiver):
            if end not in graph:
                graph.add_node(end, **nodes.get(end, {"label_en": local_name(end), "label_vi": local_name(end),
                                                      "kind": "Institution", "group": False}))
        if graph.has_edge(flow.sender, flow.receiver):
            edge = graph.edges[flow.sender, flow.receiver]
        else:
            graph.add_edge(flow.sender, flow.receiver, weight=0.0, volume_stated=False, volume_min=None,
                           volume_max=None, approximate=None, share=None, upper_bound=False, flows=[], trends=[],
                           sources=[])
            edge = graph.edges[flow.sender, flow.receiver]
        edge["flows"].append(flow.iri)
        edge["sources"] = sorted(set(edge["sources"]) | set(flow.sources))
        edge["trends"] = sorted(set(edge["trends"]) | set(flow.trends))
        if flow.volume is not None:
            edge["weight"] += flow.volume
            edge["volume_stated"] = True
            low = flow.low if flow.low is not None else flow.value
            high = flow.high if flow.high is not None else flow.value
            edge["volume_min"] = (edge["volume_min"] or 0.0) + low
            edge["volume_max"] = (edge["volume_max"] or 0.0) + high
            edge["approximate"] = bool(edge["approximate"]) or bool(flow.approximate)
            edge["upper_bound"] = edge["upper_bound"] or flow.upper_bound
        if flow.share:
            edge["share"] = local_name(flow.share)
    return graph


@dataclass
class ReferralProjection:
    """The flows and nodes of one snapshot (``as_of`` None: every flow whatever its dates)."""

    flows: list[Flow]
    nodes: dict[str, dict]
    as_of: date | None = None

    @cached_property
    def network(self) -> nx.DiGraph:
        return referral_network(self.flows, self.nodes)


def project_referrals(target=None, as_of: date | str | None = None, project: Project | None = None,
                      flows: list[Flow] | None = None, nodes: dict[str, dict] | None = None) -> ReferralProjection:
    """Run ``network-referrals.rq`` on ``target`` (default: the project's store), or filter given ``flows``
    to the snapshot ``as_of`` in memory."""
    project = project or Project()
    as_of = parse_date(as_of) if as_of is not None else None
    if flows is None or nodes is None:
        flows, nodes = read_flows(target if target is not None else open_store(project), project)
    if as_of is not None:
        flows = [f for f in flows if f.in_force(as_of)]
    return ReferralProjection(flows, nodes, as_of)


# --- measures -------------------------------------------------------------------------------------

def in_strength(graph: nx.DiGraph) -> dict[str, float]:
    """Stated patients received by each node (its load).

    >>> g = nx.DiGraph(); g.add_edge("a", "c", weight=10.0); g.add_edge("b", "c", weight=5.0)
    >>> in_strength(g)["c"], in_strength(g)["a"]
    (15.0, 0.0)
    """
    return {n: float(sum(d["weight"] for _, _, d in graph.in_edges(n, data=True))) for n in graph}


def out_strength(graph: nx.DiGraph) -> dict[str, float]:
    """Stated patients sent by each node (its dependence on others)."""
    return {n: float(sum(d["weight"] for _, _, d in graph.out_edges(n, data=True))) for n in graph}


def origin_share(graph: nx.DiGraph) -> dict[str, dict[str, float]]:
    """For each receiver with a stated load, the share of that load by the sender's area ("not stated" if none).

    >>> g = nx.DiGraph(); g.add_node("a", area="urn:p"); g.add_node("b"); g.add_edge("a", "c", weight=30.0)
    >>> g.add_edge("b", "c", weight=10.0); origin_share(g)
    {'c': {'not stated': 0.25, 'urn:p': 0.75}}
    """
    shares = {}
    for node in graph:
        by_area: dict[str, float] = {}
        for sender, _, data in graph.in_edges(node, data=True):
            if data["weight"]:
                area = _area_of(graph, sender) or NOT_STATED
                by_area[area] = by_area.get(area, 0.0) + data["weight"]
        total = sum(by_area.values())
        if total:
            shares[node] = {area: value / total for area, value in sorted(by_area.items())}
    return shares


def centralisation(graph: nx.DiGraph) -> float | None:
    """Freeman's centralisation of in-strength over the nodes that receive: 1 when one receiver takes every
    stated patient, 0 when all receive alike; None with fewer than two receivers or no stated volume.

    >>> centralisation(nx.DiGraph([("a", "c", {"weight": 5.0}), ("b", "d", {"weight": 5.0})]))
    0.0
    >>> centralisation(nx.DiGraph([("a", "c", {"weight": 5.0}), ("b", "d", {"weight": 0.0})]))
    1.0
    """
    load = {n: s for n, s in in_strength(graph).items() if graph.in_degree(n)}
    top = max(load.values(), default=0.0)
    if len(load) < 2 or not top:
        return None
    return sum(top - s for s in load.values()) / ((len(load) - 1) * top)


def _area_of(graph: nx.Graph, node: str) -> str | None:
    """The province of ``node`` where known (else its own area): what origin shares and reciprocity compare."""
    attrs = graph.nodes[node]
    return attrs.get("province") or attrs.get("area")


def reciprocity(referral: nx.DiGraph, support: nx.DiGraph) -> list[dict]:
    """Pairs where one side supports the other while the other refers patients to it.

    ``level`` is "institution" (A supports B, B refers to A or to a unit of A) or "province" (an
    institution of X supports one of Y, or Y itself, while a sender of Y refers to a receiver in X).
    A support node without attributes counts as an area only when the referral network names it as a
    province or area. ``trends`` are what the sources claim for the pair's flows.

    >>> s = nx.DiGraph([("bm", "lc")]); s.nodes["bm"]["province"] = "hn"; s.nodes["lc"]["province"] = "lc-p"
    >>> r = nx.DiGraph([("lc", "bm", {"weight": 0.0, "flows": ["f"], "trends": []})])
    >>> r.nodes["lc"]["area"] = "lc-p"; r.nodes["bm"]["area"] = "hn"
    >>> [(p["level"], p["supporter"], p["supported"]) for p in reciprocity(r, s)]
    [('institution', 'bm', 'lc'), ('province', 'hn', 'lc-p')]
    """
    pairs = []
    for sender, receiver, data in referral.edges(data=True):
        for supporter in dict.fromkeys((receiver, referral.nodes[receiver].get("unit_of"))):
            if supporter and support.has_edge(supporter, sender):
                pairs.append({"level": "institution", "supporter": supporter, "supported": sender,
                              "flows": list(data.get("flows", [])), "trends": list(data.get("trends", []))})
    areas = {a for _, d in referral.nodes(data=True) for a in (d.get("province"), d.get("area")) if a}
    support_pairs = set()
    for a, b in support.edges():
        from_area = support.nodes[a].get("province")
        to_area = support.nodes[b].get("province") or (b if b in areas and not support.nodes[b] else None)
        if from_area and to_area and from_area != to_area:
            support_pairs.add((from_area, to_area))
    found: dict[tuple[str, str], dict] = {}
    for sender, receiver, data in referral.edges(data=True):
        pair = (_area_of(referral, receiver), _area_of(referral, sender))
        if None not in pair and pair[0] != pair[1] and pair in support_pairs:
            entry = found.setdefault(pair, {"level": "province", "supporter": pair[0], "supported": pair[1],
                                            "flows": [], "trends": []})
            entry["flows"] = sorted(set(entry["flows"]) | set(data.get("flows", [])))
            entry["trends"] = sorted(set(entry["trends"]) | set(data.get("trends", [])))
    pairs += found.values()
    return sorted(pairs, key=lambda p: (p["level"], p["supporter"], p["supported"]))


def retention(graph: nx.DiGraph) -> dict[str, float]:
    """For each province whose senders send a stated volume to receivers of a stated province, the share that
    stays inside it (a province and its successor by merger are one).

    >>> g = nx.DiGraph(); g.add_nodes_from([("a", {"area": "p"}), ("b", {"area": "p"}), ("c", {"area": "q"})])
    >>> g.add_edge("a", "b", weight=30.0); g.add_edge("a", "c", weight=10.0); retention(g)
    {'p': 0.75}
    """
    sent: dict[str, float] = {}
    kept: dict[str, float] = {}
    now = lambda node: graph.nodes[node].get("province_now") or _area_of(graph, node)  # noqa: E731
    for sender, receiver, data in graph.edges(data=True):
        origin, destination = now(sender), now(receiver)
        if data["weight"] and origin and destination:
            sent[origin] = sent.get(origin, 0.0) + data["weight"]
            kept[origin] = kept.get(origin, 0.0) + (data["weight"] if origin == destination else 0.0)
    return {area: kept[area] / total for area, total in sorted(sent.items()) if total}


@dataclass
class ReferralMeasures:
    """Every referral measure of one snapshot."""

    in_strength: dict[str, float]
    out_strength: dict[str, float]
    origin_share: dict[str, dict[str, float]]
    centralisation: float | None
    reciprocity: list[dict]
    retention: dict[str, float]
    groups: list[str] = field(default_factory=list)


def referral_measures(projection: ReferralProjection, support: nx.DiGraph | None = None) -> ReferralMeasures:
    """The measures of the module's notes on ``projection``; ``support`` is the support network of the same
    snapshot, for reciprocity (none given: no pairs)."""
    graph = projection.network
    return ReferralMeasures(
        in_strength=in_strength(graph), out_strength=out_strength(graph), origin_share=origin_share(graph),
        centralisation=centralisation(graph), reciprocity=reciprocity(graph, support if support is not None
                                                                       else nx.DiGraph()),
        retention=retention(graph), groups=sorted(n for n, d in graph.nodes(data=True) if d.get("group")))


# --- measures as RDF ------------------------------------------------------------------------------

def referral_metrics_graph(measures: ReferralMeasures, projection: ReferralProjection, started=None, ended=None):
    """The referral measures as RDF in ``graph:metrics/referral`` (``graph:metrics/referral/YYYY-MM-DD`` for a
    snapshot), with the vocabulary of the support network's measures (``ontology/metrics.ttl``)."""
    from datetime import datetime, timezone

    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

    from kg.namespaces import GRAPH, METRIC, bind_prefixes
    from kg.network.metrics import _decimal, _time

    slug = projection.as_of.isoformat() if projection.as_of else "all"
    graph = bind_prefixes(Graph(identifier=GRAPH["metrics/referral" if slug == "all" else f"metrics/referral/{slug}"]))
    graph.add((graph.identifier, RDF.type, PROV.Bundle))
    graph.add((graph.identifier, SKOS.note, Literal(
        "Referral network measures computed by 'kg referrals'; regenerated on every build, never curated.", lang="en")))
    moment = started or datetime.now(timezone.utc)

    def analysis(measure: str):
        node = METRIC[f"analysis/referral/{slug}/{measure}"]
        graph.add((node, RDF.type, HKG.NetworkAnalysis))
        graph.add((node, RDFS.label, Literal(f"{measure} on the referral network ({slug})", lang="en")))
        graph.add((node, HKG.analysedMeasure, METRIC[f"referral-{measure}"]))
        graph.add((node, HKG.analysedNetwork, METRIC["referral-network"]))
        if projection.as_of:
            graph.add((node, HKG.snapshotDate, Literal(projection.as_of.isoformat(), datatype=XSD.date)))
        graph.add((node, PROV.startedAtTime, _time(moment)))
        graph.add((node, PROV.endedAtTime, _time(ended or moment)))
        return node

    def value(measure: str, run, key: str, number, **about):
        item = METRIC[f"value/referral/{slug}/{measure}/{key}"]
        graph.add((item, RDF.type, HKG.MetricValue))
        graph.add((item, PROV.wasGeneratedBy, run))
        graph.add((item, HKG.metricValue, _decimal(number)))
        for prop, target in about.items():
            graph.add((item, HKG[prop], URIRef(target)))

    for measure, values in (("in-strength", measures.in_strength), ("out-strength", measures.out_strength)):
        run = analysis(measure)
        for node, number in sorted(values.items()):
            value(measure, run, local_name(node), number, measuredNode=node)
    run = analysis("origin-share")
    for node, shares in sorted(measures.origin_share.items()):
        for area, number in shares.items():
            key = f"{local_name(node)}--{local_name(area) if area != NOT_STATED else 'not-stated'}"
            value("origin-share", run, key, number, measuredNode=node,
                  **({"measuredArea": area} if area != NOT_STATED else {}))
    run = analysis("centralisation")
    if measures.centralisation is not None:
        value("centralisation", run, "network", measures.centralisation)
    run = analysis("reciprocity")
    for pair in measures.reciprocity:
        key = f"{pair['level']}--{local_name(pair['supporter'])}--{local_name(pair['supported'])}"
        value("reciprocity", run, key, 1, supportingEnd=pair["supporter"], referringEnd=pair["supported"])
    run = analysis("retention")
    for area, number in sorted(measures.retention.items()):
        value("retention", run, local_name(area), number, measuredArea=area)
    return graph


def add_referral_metrics(dataset, measures: ReferralMeasures, projection: ReferralProjection, started=None,
                         ended=None):
    """Write the referral measures into their named graph of ``dataset`` (replacing what it held), as
    ``kg.network.metrics.add_metrics`` does for the support network; returns that graph."""
    built = referral_metrics_graph(measures, projection, started, ended)
    target = dataset.graph(built.identifier)
    target.remove((None, None, None))
    for triple in built:
        target.add(triple)
    return target


def _stated(edge: dict) -> str:
    """How a stated volume reads.

    >>> _stated({"volume_min": 12000.0, "volume_max": 13000.0, "approximate": True, "share": "most", "upper_bound": True})
    'at most about 12,000-13,000: the figure counts every patient received, most of them referred'
    """
    low, high = edge.get("volume_min"), edge.get("volume_max")
    text = ("about " if edge.get("approximate") else "") + (f"{low:,.0f}" if low == high else f"{low:,.0f}-{high:,.0f}")
    if edge.get("upper_bound"):
        return f"at most {text}: the figure counts every patient received, {edge['share']} of them referred"
    return text


def referral_rows(projection: ReferralProjection, measures: ReferralMeasures, lang: str = "en",
                  top: int = 0) -> list[dict]:
    """The nodes of the referral network ranked by load then dependence, with labels, kind and area."""
    graph = projection.network
    rows = []
    for node, attrs in graph.nodes(data=True):
        stated = "; ".join(_stated(d) for _, _, d in sorted(graph.in_edges(node, data=True)) if d.get("volume_stated"))
        rows.append({"iri": node, "node": attrs.get(f"label_{lang}") or local_name(node), "kind": attrs.get("kind"),
                     "area": attrs.get(f"province_{lang}") or "", "load": measures.in_strength.get(node, 0.0),
                     "dependence": measures.out_strength.get(node, 0.0),
                     "flows_in": graph.in_degree(node), "flows_out": graph.out_degree(node),
                     "stated": stated})
    rows.sort(key=lambda r: (-r["load"], -r["dependence"], -r["flows_in"], r["node"], r["iri"]))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return rows[:top or None]
