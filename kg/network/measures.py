"""Measures on the support and cooperation networks: centralities, weak points, communities and reach.

Each measure is a small function of a NetworkX graph returning ``{node: value}`` (or
``{(u, v): value}`` for bridges), registered in ``MEASURES`` with the network it runs on
and its parameters. Directed measures run on the support network (supporter ->
supported); the others on the undirected cooperation network, which also holds the
partnerships.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

import networkx as nx

from kg.errors import InputError
from kg.network import fast

#: Seed of the Louvain community detection, so that every run finds the same communities.
LOUVAIN_SEED = 42


def in_degree(graph: nx.DiGraph) -> dict:
    """How many institutions support each one.

    >>> in_degree(nx.DiGraph([("a", "b"), ("c", "b")]))
    {'a': 0, 'b': 2, 'c': 0}
    """
    return dict(graph.in_degree())


def out_degree(graph: nx.DiGraph) -> dict:
    """How many institutions each one supports.

    >>> out_degree(nx.DiGraph([("a", "b"), ("a", "c")]))
    {'a': 2, 'b': 0, 'c': 0}
    """
    return dict(graph.out_degree())


def in_strength(graph: nx.DiGraph) -> dict:
    """Weighted in-degree: the number of links (agreements, transfers, trainings) received.

    >>> in_strength(nx.DiGraph([("a", "b", {"weight": 2}), ("c", "b", {"weight": 1})]))["b"]
    3
    """
    return dict(graph.in_degree(weight="weight"))


def out_strength(graph: nx.DiGraph) -> dict:
    """Weighted out-degree: the number of links given.

    >>> out_strength(nx.DiGraph([("a", "b", {"weight": 2}), ("a", "c", {"weight": 1})]))["a"]
    3
    """
    return dict(graph.out_degree(weight="weight"))


def pagerank(graph: nx.DiGraph, alpha: float = 0.85) -> dict:
    """PageRank along the support direction: high for institutions supported by well-supported ones.

    >>> round(pagerank(nx.DiGraph([("a", "b")]))["b"], 3)
    0.649
    """
    return nx.pagerank(graph, alpha=alpha, weight="weight") if len(graph) else {}


def _hits(graph: nx.DiGraph) -> tuple[dict, dict]:
    if not graph.number_of_edges():
        return {n: 0.0 for n in graph}, {n: 0.0 for n in graph}
    hub, authority = nx.hits(graph, max_iter=1000, normalized=True)
    # the power iteration leaves float noise (-1e-17) on nodes whose true score is 0: round it away, and no -0.0
    return ({n: round(v, 12) + 0.0 for n, v in hub.items()},
            {n: round(v, 12) + 0.0 for n, v in authority.items()})


def hubs(graph: nx.DiGraph) -> dict:
    """HITS hub score: high for institutions that support many well-supported ones.

    >>> hubs(nx.DiGraph([("a", "b"), ("a", "c")]))["a"]
    1.0
    """
    return _hits(graph)[0]


def authorities(graph: nx.DiGraph) -> dict:
    """HITS authority score: high for institutions supported by strong hubs.

    >>> authorities(nx.DiGraph([("a", "b"), ("a", "c")]))["b"]
    0.5
    """
    return _hits(graph)[1]


def betweenness(graph: nx.Graph) -> dict:
    """Share of shortest paths between two others that pass through each node, normalised to [0, 1].

    On a directed graph only paths along the support direction count (brokers of support onward).

    >>> betweenness(nx.path_graph(3))
    {0: 0.0, 1: 1.0, 2: 0.0}
    >>> betweenness(nx.DiGraph([(0, 1), (1, 2)]))[1]
    0.5

    Exact on every network: from ``kg.network.fast.IGRAPH_FROM_NODES`` nodes on, igraph computes it
    (the same values to rounding, tens of times faster), below that networkx, the reference.
    """
    if fast.choose(graph.number_of_nodes(), graph.number_of_edges()) == "igraph":
        return fast.betweenness(graph)
    return nx.betweenness_centrality(graph, normalized=True)


def closeness(graph: nx.Graph) -> dict:
    """Closeness (Wasserman and Faust's form for graphs in pieces): high for nodes near all others.

    >>> {n: round(v, 3) for n, v in closeness(nx.path_graph(3)).items()}
    {0: 0.667, 1: 1.0, 2: 0.667}

    igraph computes it on large networks, as for :func:`betweenness`; the values are the same, bit for bit.
    """
    if fast.choose(graph.number_of_nodes(), graph.number_of_edges()) == "igraph":
        return fast.closeness(graph)
    return nx.closeness_centrality(graph, wf_improved=True)


def eigenvector(graph: nx.Graph) -> dict:
    """Eigenvector centrality on the largest connected component, where it is defined; other nodes get none.

    On a star the centre has weight sqrt(3) times each leaf's:

    >>> {n: round(v, 4) for n, v in eigenvector(nx.star_graph(3)).items()}
    {0: 0.7071, 1: 0.4082, 2: 0.4082, 3: 0.4082}
    """
    if graph.number_of_edges() == 0:
        return {}
    largest = max(nx.connected_components(graph), key=lambda c: (len(c), sorted(map(str, c))[0] if c else ""))
    return nx.eigenvector_centrality(graph.subgraph(largest), max_iter=1000, tol=1e-10)


def _numbered(groups) -> dict:
    """Number groups of nodes 1, 2, ... from the largest; ties by their smallest member."""
    ordered = sorted((sorted(map(str, g)), g) for g in groups)
    ordered.sort(key=lambda pair: -len(pair[1]))
    return {node: index for index, (_, group) in enumerate(ordered, start=1) for node in sorted(group, key=str)}


def component(graph: nx.Graph) -> dict:
    """The connected component of each node, numbered from the largest.

    >>> component(nx.Graph([("a", "b"), ("c", "d"), ("d", "e")]))
    {'c': 1, 'd': 1, 'e': 1, 'a': 2, 'b': 2}
    """
    return _numbered(nx.connected_components(graph))


def articulation(graph: nx.Graph) -> dict:
    """1 for articulation points (removing one splits its component), 0 for the others.

    >>> articulation(nx.path_graph(3))
    {0: 0, 1: 1, 2: 0}
    """
    points = set(nx.articulation_points(graph))
    return {n: int(n in points) for n in graph}


def bridges(graph: nx.Graph) -> dict:
    """The bridges: edges whose removal splits their component, as ``{(u, v): 1}`` with ``u < v``.

    >>> bridges(nx.Graph([(1, 2), (2, 3), (3, 1), (3, 4)]))
    {(3, 4): 1}
    """
    return {tuple(sorted((u, v), key=str)): 1 for u, v in nx.bridges(graph)}


def community(graph: nx.Graph, resolution: float = 1.0, seed: int = LOUVAIN_SEED) -> dict:
    """Louvain communities (weighted, seeded so that runs agree), numbered from the largest.

    Two triangles joined by one edge are two communities:

    >>> sorted(community(nx.Graph([(1, 2), (2, 3), (3, 1), (3, 4), (4, 5), (5, 6), (6, 4)])).items())
    [(1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (6, 2)]
    """
    if graph.number_of_edges() == 0:
        return {n: i for i, n in enumerate(sorted(graph, key=str), start=1)}
    return _numbered(nx.community.louvain_communities(graph, weight="weight", resolution=resolution, seed=seed))


def reach_direct(graph: nx.DiGraph) -> dict:
    """How many institutions each one supports directly (the out-neighbours).

    >>> reach_direct(nx.DiGraph([("a", "b"), ("b", "c")]))["a"]
    1
    """
    return {n: len(set(graph.successors(n))) for n in graph}


def reach_onward(graph: nx.DiGraph) -> dict:
    """How many institutions each one reaches directly or through those it supports.

    >>> reach_onward(nx.DiGraph([("a", "b"), ("b", "c")]))["a"]
    2
    """
    return {n: len(nx.descendants(graph, n)) for n in graph}


@dataclass(frozen=True)
class Measure:
    """A registered measure: its function, the network it runs on and the parameters it is run with.

    ``kind`` is ``score`` (ranked, higher first), ``group`` (a component or community
    number) or ``flag`` (1 for yes); ``scope`` is ``node`` or ``edge``.
    """

    name: str
    network: str
    function: Callable
    parameters: dict = field(default_factory=dict)
    kind: str = "score"
    scope: str = "node"

    @property
    def slug(self) -> str:
        """The local name of the measure's concept in ``ontology/metrics.ttl`` (``metric:out-degree``)."""
        return self.name.replace("_", "-")


MEASURES: dict[str, Measure] = {m.name: m for m in [
    Measure("out_degree", "support", out_degree),
    Measure("in_degree", "support", in_degree),
    Measure("out_strength", "support", out_strength, {"weight": "weight"}),
    Measure("in_strength", "support", in_strength, {"weight": "weight"}),
    Measure("reach_direct", "support", reach_direct),
    Measure("reach_onward", "support", reach_onward),
    Measure("pagerank", "support", pagerank, {"alpha": 0.85, "weight": "weight"}),
    Measure("hub", "support", hubs, {"max_iter": 1000, "normalized": True}),
    Measure("authority", "support", authorities, {"max_iter": 1000, "normalized": True}),
    Measure("support_betweenness", "support", betweenness, {"normalized": True}),
    Measure("betweenness", "cooperation", betweenness, {"normalized": True}),
    Measure("closeness", "cooperation", closeness, {"wf_improved": True}),
    Measure("eigenvector", "cooperation", eigenvector, {"component": "largest", "max_iter": 1000, "tol": 1e-10}),
    Measure("component", "cooperation", component, kind="group"),
    Measure("articulation", "cooperation", articulation, kind="flag"),
    Measure("bridge", "cooperation", bridges, kind="flag", scope="edge"),
    Measure("community", "cooperation", community, {"resolution": 1.0, "seed": LOUVAIN_SEED, "weight": "weight"},
            kind="group"),
]}

#: The measures the main job prints and the page offers for node size.
MAIN_MEASURES = ["out_degree", "reach_onward", "pagerank", "betweenness"]


@dataclass
class MeasureResult:
    """The values of one measure on one snapshot, with when it was computed and how long it took."""

    measure: Measure
    values: dict
    started: datetime
    ended: datetime

    @property
    def name(self) -> str:
        return self.measure.name

    @property
    def seconds(self) -> float:
        return (self.ended - self.started).total_seconds()


def check_names(names) -> list[str]:
    """The measure names, checked against ``MEASURES``.

    >>> check_names(["pagerank"])
    ['pagerank']
    >>> check_names(["page_rank"])
    Traceback (most recent call last):
    kg.errors.InputError: unknown measure 'page_rank'; known measures: out_degree, in_degree, out_strength, in_strength, reach_direct, reach_onward, pagerank, hub, authority, support_betweenness, betweenness, closeness, eigenvector, component, articulation, bridge, community
    """
    for name in names:
        if name not in MEASURES:
            raise InputError(f"unknown measure '{name}'; known measures: {', '.join(MEASURES)}")
    return list(names)


#: The measures that ``sample`` estimates from pivots instead of computing exactly.
SAMPLED = ("betweenness", "support_betweenness")


def compute_measures(projection, names=None, sample: int | None = None) -> dict[str, MeasureResult]:
    """Run the named measures (default: all) on a ``kg.network.Projection``; results keyed by name.

    ``sample`` estimates the betweenness measures from that many pivot institutions (seed 42)
    instead of computing them exactly; the result's parameters record the pivots and the bound
    of the error on every value (:func:`kg.network.fast.sampling_error`, probability 95 %).
    """
    if sample is not None and sample < 2:
        raise InputError(f"--sample {sample}: give at least 2 pivot institutions, or leave it out for exact values")
    results = {}
    for name in check_names(names or list(MEASURES)):
        measure = MEASURES[name]
        graph = projection.support if measure.network == "support" else projection.cooperation
        started, clock = datetime.now(timezone.utc), time.perf_counter()
        if sample is not None and name in SAMPLED and graph.number_of_nodes() > sample:
            k = sample
            bound = fast.sampling_error(graph.number_of_nodes(), k)
            measure = Measure(measure.name, measure.network, measure.function,
                              {**measure.parameters, "k": k, "seed": LOUVAIN_SEED, "error_bound": round(bound, 4)},
                              measure.kind, measure.scope)
            if fast.available():
                values = fast.betweenness(graph, k=k, seed=LOUVAIN_SEED)
            else:
                values = nx.betweenness_centrality(graph, k=k, normalized=True, seed=LOUVAIN_SEED)
        else:
            values = measure.function(graph)
        ended = started + timedelta(seconds=time.perf_counter() - clock)
        results[name] = MeasureResult(measure, values, started, ended)
    return results


def ranked(values: dict, top: int | None = None, key=str) -> list[tuple[int, object, float]]:
    """``(rank, node, value)`` from the highest value; equal values share a rank, ties ordered by ``key``.

    >>> ranked({"a": 1, "b": 3, "c": 3, "d": 0}, top=3)
    [(1, 'b', 3), (1, 'c', 3), (3, 'a', 1)]
    """
    rows, rank, previous = [], 0, object()
    for position, (node, value) in enumerate(sorted(values.items(), key=lambda kv: (-kv[1], key(kv[0]))), start=1):
        if value != previous:
            rank, previous = position, value
        rows.append((rank, node, value))
    return rows[:top] if top else rows
