"""igraph versions of the network measures whose cost grows fast, with networkx as the reference.

Betweenness and closeness need a shortest-path search from every node, so their cost grows
with nodes x edges: on a network of 16,000 nodes and 28,000 edges networkx takes minutes
for betweenness, igraph seconds (see ``choose`` for measured ratios). The functions here
take the same networkx graph and return the same ``{node: value}``, keyed by the graph's own
node labels, as their namesakes in ``kg.network.measures``:

- ``betweenness`` computes what ``nx.betweenness_centrality(graph, normalized=True)`` computes,
  on undirected and directed graphs, unweighted (as ``kg.network.measures`` calls it); with
  ``k`` it samples ``k`` source nodes exactly as networkx's ``k=`` does;
- ``closeness`` computes what ``nx.closeness_centrality(graph, wf_improved=True)`` computes,
  Wasserman and Faust's form on graphs in pieces, incoming distances on directed graphs;
- ``community`` is igraph's multilevel (Louvain) method. It is NOT networkx's partition: the
  two implementations visit nodes in different random orders and settle in different local
  optima of modularity. Its partitions are as good (their modularity agrees closely), not equal.
  networkx's Louvain is nearly linear in the edges and took seconds at 16,000 nodes, so
  ``kg.network.measures.community`` has little to gain from it.

Betweenness agrees with networkx to floating-point rounding (the sums are taken in another
order); closeness agrees exactly, bit for bit. ``choose`` says which one to use for a network of
a given size; ``kg.network.measures`` asks it.

>>> graph = nx.Graph([("a", "b"), ("b", "c"), ("d", "e")])
>>> graph.add_node("f")
>>> print(betweenness(graph))
{'a': 0.0, 'b': 0.1, 'c': 0.0, 'd': 0.0, 'e': 0.0, 'f': 0.0}
>>> print({n: round(v, 4) for n, v in closeness(graph).items()})
{'a': 0.2667, 'b': 0.4, 'c': 0.2667, 'd': 0.2, 'e': 0.2, 'f': 0.0}
"""

from __future__ import annotations

import math
import numbers
import random

import networkx as nx

from kg.errors import InputError

#: igraph is imported on first use: importing it loads matplotlib, which ``kg validate`` never needs.
_loaded: dict = {}

#: Seed of the community detection, the same as ``kg.network.measures.LOUVAIN_SEED``.
LOUVAIN_SEED = 42

#: From this many nodes on, ``choose`` picks igraph for betweenness and closeness (see ``choose``).
IGRAPH_FROM_NODES = 100


def available() -> bool:
    """Whether igraph can be imported, so that the igraph backend can run.

    >>> isinstance(available(), bool)
    True
    """
    import importlib.util

    return importlib.util.find_spec("igraph") is not None


def _require_igraph():
    """The igraph module, imported once."""
    if "igraph" not in _loaded:
        try:
            import igraph
        except ImportError:
            raise InputError("the igraph backend needs the igraph package (pip install igraph); "
                             "without it use the networkx backend") from None
        _loaded["igraph"] = igraph
    return _loaded["igraph"]


def _sorted_nodes(graph) -> list:
    """The nodes in sorted order; labels of mixed types by type name, then by repr, then as inserted."""
    try:
        return sorted(graph)
    except TypeError:
        return sorted(graph, key=lambda n: (type(n).__name__, repr(n)))


def to_igraph(graph: nx.Graph, weight: str | None = None):
    """The graph as an igraph ``Graph``: vertex ``i`` is the ``i``-th node in sorted order.

    Each vertex keeps its networkx label in the vertex attribute ``node``. Edges come in
    sorted order too, so the result depends on the graph's contents, not on the order its
    nodes and edges were added. With ``weight``, each edge gets the attribute ``weight``
    from that edge attribute (1 when missing, as networkx's Louvain reads it). Parallel edges
    of a multigraph become one edge whose weight is their sum (as networkx's Louvain merges
    them; shortest-path counts in networkx also see one edge per pair). Self-loops are kept.

    >>> if available():
    ...     g = to_igraph(nx.Graph([("b", "a", {"weight": 3}), ("b", "c")]), weight="weight")
    ...     print(g.vs["node"], g.get_edgelist(), g.es["weight"], g.is_directed())
    ... else:
    ...     print("['a', 'b', 'c'] [(0, 1), (1, 2)] [3, 1] False")
    ['a', 'b', 'c'] [(0, 1), (1, 2)] [3, 1] False
    """
    _require_igraph()
    nodes = _sorted_nodes(graph)
    index = {node: i for i, node in enumerate(nodes)}
    directed = graph.is_directed()
    weights: dict[tuple[int, int], object] = {}
    triples = graph.edges(data=weight, default=1) if weight is not None else ((u, v, 1) for u, v in graph.edges())
    for u, v, w in triples:
        i, j = index[u], index[v]
        if not directed and i > j:
            i, j = j, i
        # a parallel edge of a multigraph adds its weight to the first one's
        weights[(i, j)] = weights[(i, j)] + w if (i, j) in weights else w
    edges = sorted(weights)
    result = _require_igraph().Graph(n=len(nodes), edges=edges, directed=directed)
    result.vs["node"] = nodes
    if weight is not None:
        result.es["weight"] = [weights[e] for e in edges]
    return result


def _by_node(graph, g, values) -> dict:
    """``{node: value}`` in the networkx graph's own node order, from per-vertex igraph values."""
    position = {node: i for i, node in enumerate(g.vs["node"])}
    return {node: values[position[node]] for node in graph}


def betweenness(graph: nx.Graph, k: int | None = None, seed=None) -> dict:
    """Normalised betweenness: ``nx.betweenness_centrality(graph, normalized=True, k=k, seed=seed)``.

    Unweighted, like ``kg.network.measures.betweenness``; directed graphs count paths along their
    edges only. As networkx does, each value is divided by ``(n - 1)(n - 2)``, the number of
    ordered pairs of other nodes (an undirected path counts once each way, so this is the
    same as dividing unordered pair counts by ``(n - 1)(n - 2) / 2``); with ``n <= 2`` there is
    no pair of others, every value is 0 and nothing is divided.

    Exact by default. With ``k`` (only when asked: ``k`` below the number of nodes), it is
    networkx's estimate from ``k`` source nodes (pivots) drawn uniformly without
    replacement by ``seed.sample(list(graph), k)``, the same draw as networkx's, so the same
    seed gives the same pivots and the same values to rounding. A non-pivot node's estimate is
    the mean over the ``k`` pivots ``s`` of ``delta_s(v) / (n - 2)`` (a pivot's own over the other
    ``k - 1``; with ``k = 1`` networkx gives that pivot NaN, and so does this), where the
    dependency ``delta_s(v)`` lies between 0 and ``n - 2``. The estimate is unbiased and, by
    Hoeffding's inequality for sampling without replacement (the bound of Brandes and Pich,
    "Centrality estimation in large networks", 2007, after Eppstein and Wang, 2004),
    ``P(|estimate(v) - betweenness(v)| >= eps) <= 2 exp(-2 (k - 1) eps**2)`` for each node; over
    all ``n`` nodes at once, every error is below ``sampling_error(n, k, delta)`` with
    probability at least ``1 - delta``. This is a worst-case bound on the normalised values,
    loose next to the errors seen in practice; the path-sampling estimator of Riondato and
    Kornaropoulos (2016), whose sample size depends on the vertex diameter, not on ``n``, is
    another estimator and not the one computed here.

    >>> if available():
    ...     print(betweenness(nx.path_graph(3)), betweenness(nx.DiGraph([(0, 1), (1, 2)]))[1])
    ...     star = nx.star_graph(3)
    ...     print(betweenness(star, k=2, seed=1) == nx.betweenness_centrality(star, k=2, seed=1))
    ... else:
    ...     print({0: 0.0, 1: 1.0, 2: 0.0}, 0.5)
    ...     print(True)
    {0: 0.0, 1: 1.0, 2: 0.0} 0.5
    True
    """
    _require_igraph()
    n = len(graph)
    if k == n:  # networkx too computes the exact values then
        k = None
    pivots = None
    if k is not None:
        if not isinstance(k, numbers.Integral) or isinstance(k, bool) or not 1 <= k <= n:
            raise InputError(f"betweenness: k={k!r} pivots, but it must be a whole number from 1 to "
                             f"the number of nodes ({n})")
        pivots = nx.utils.create_py_random_state(seed).sample(list(graph.nodes()), k)
    g = to_igraph(graph)
    if not n:
        return {}
    position = {node: i for i, node in enumerate(g.vs["node"])}
    sources = None if pivots is None else [position[p] for p in pivots]
    raw = g.betweenness(directed=True, sources=sources)
    # networkx sums dependencies over ordered (source, target) pairs; igraph counts an undirected pair once
    ordered = 1 if graph.is_directed() else 2
    pairs = n - 2  # N - 1 in networkx's _rescale, with N = n - 1 (endpoints excluded)
    if n - 1 < 2:
        scale_pivot = scale_other = 1.0
    elif pivots is None:
        scale_pivot = scale_other = 1 / ((n - 1) * pairs)
    else:
        scale_pivot = 1 / ((k - 1) * pairs) if k > 1 else math.nan
        scale_other = 1 / (k * pairs)
    chosen = set(sources or ())
    values = [raw[i] * ordered * (scale_pivot if i in chosen else scale_other) for i in range(n)]
    return _by_node(graph, g, values)


def sampling_error(n: int, k: int, delta: float = 0.05) -> float:
    """The error bound of all ``n`` betweenness estimates from ``k`` pivots, with probability ``1 - delta``.

    ``sqrt(ln(2 n / delta) / (2 (k - 1)))``: Hoeffding's bound for one node, with ``k - 1``
    pivots (a pivot does not count for itself), and a union bound over the ``n`` nodes. A
    bound on the normalised values (which lie in [0, 1]), not a typical error.

    >>> round(sampling_error(16000, 1000), 4)
    0.0818
    >>> round(sampling_error(16000, 4000, delta=0.01), 4)
    0.0433
    """
    if k < 2:
        return math.inf
    return math.sqrt(math.log(2 * n / delta) / (2 * (k - 1)))


def closeness(graph: nx.Graph) -> dict:
    """Closeness as ``nx.closeness_centrality(graph, wf_improved=True)`` computes it.

    For a node ``u`` that ``r`` nodes (``u`` included) can reach, at total distance ``d``:
    ``(r - 1) / d * (r - 1) / (n - 1)``, and 0 when ``d`` is 0 (nothing else reaches ``u``) or
    the graph has one node. On a directed graph the distances are those towards ``u``
    (networkx's incoming distance). igraph's own closeness leaves out the Wasserman-Faust
    factor ``(r - 1) / (n - 1)`` and gives NaN where networkx gives 0; here ``d`` and ``r`` are
    recovered from igraph's searches (whole numbers, exactly) and networkx's formula is
    applied to them, in networkx's order of operations, so the values agree exactly.

    >>> if available():
    ...     print({n: round(v, 3) for n, v in closeness(nx.path_graph(3)).items()})
    ...     print(closeness(nx.DiGraph([("a", "b"), ("b", "c")])))
    ... else:
    ...     print({0: 0.667, 1: 1.0, 2: 0.667})
    ...     print({'a': 0.0, 'b': 0.5, 'c': 0.6666666666666666})
    {0: 0.667, 1: 1.0, 2: 0.667}
    {'a': 0.0, 'b': 0.5, 'c': 0.6666666666666666}
    """
    _require_igraph()
    g = to_igraph(graph)
    n = g.vcount()
    if graph.is_directed():
        inverse_total = g.closeness(mode="in", normalized=False)  # 1 / d
        mean_inverse = g.closeness(mode="in", normalized=True)  # (r - 1) / d
        others = [0 if math.isnan(i) else round(m / i) for i, m in zip(inverse_total, mean_inverse)]
    else:
        inverse_total = g.closeness(mode="all", normalized=False)
        membership = g.connected_components().membership
        sizes: dict[int, int] = {}
        for c in membership:
            sizes[c] = sizes.get(c, 0) + 1
        others = [sizes[c] - 1 for c in membership]
    values = []
    for inverse, reached in zip(inverse_total, others):
        value = 0.0
        if not math.isnan(inverse) and n > 1:
            total = round(1 / inverse)
            if total > 0:
                value = float(reached) / total  # networkx's (len(sp) - 1.0) / totsp
                value *= float(reached) / (n - 1)
        values.append(value)
    return _by_node(graph, g, values)


def _numbered(groups) -> dict:
    """Number groups of nodes 1, 2, ... from the largest; ties by their smallest member (as the registry does)."""
    ordered = sorted((sorted(map(str, g)), g) for g in groups)
    ordered.sort(key=lambda pair: -len(pair[1]))
    return {node: index for index, (_, group) in enumerate(ordered, start=1) for node in sorted(group, key=str)}


def community(graph: nx.Graph, resolution: float = 1.0, seed=LOUVAIN_SEED) -> dict:
    """igraph's multilevel (Louvain) communities, weighted, numbered from the largest as the registry numbers them.

    NOT the partition ``kg.network.measures.community`` finds. Both run Blondel et al.'s
    method with the same weights (``weight``, 1 when missing) and resolution, but networkx and igraph
    draw the order in which nodes are visited from different random generators and stop on
    different criteria, so they settle in different local optima: comparable modularity,
    not the same communities. Use it where networkx's Louvain is too slow, and do not mix its
    community numbers with networkx's. ``seed`` (a number, a ``random.Random``, or None for
    the ``random`` module) seeds igraph's generator for this call only, so that runs agree;
    igraph's generator is then set back to the ``random`` module, its default (so this is not
    safe to run from several threads at once). Undirected graphs only (igraph's method does
    not take directions; networkx's Louvain does, with the directed modularity).

    Two triangles joined by one edge are two communities:

    >>> if available():
    ...     print(sorted(community(nx.Graph([(1, 2), (2, 3), (3, 1), (3, 4), (4, 5), (5, 6), (6, 4)])).items()))
    ... else:
    ...     print([(1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (6, 2)])
    [(1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (6, 2)]
    """
    _require_igraph()
    if graph.is_directed():
        raise InputError("igraph's community detection takes undirected graphs only; "
                         "use the networkx backend for a directed graph")
    if graph.number_of_edges() == 0:
        return {n: i for i, n in enumerate(sorted(graph, key=str), start=1)}
    g = to_igraph(graph, weight="weight")
    generator = nx.utils.create_py_random_state(seed) if seed is not None else random
    _require_igraph().set_random_number_generator(generator)
    try:
        membership = g.community_multilevel(weights="weight", resolution=resolution).membership
    finally:
        _require_igraph().set_random_number_generator(random)
    groups: dict[int, set] = {}
    for node, c in zip(g.vs["node"], membership):
        groups.setdefault(c, set()).add(node)
    return _numbered(groups.values())


def choose(n_nodes: int, n_edges: int) -> str:
    """The backend for betweenness and closeness: igraph from ``IGRAPH_FROM_NODES`` nodes with edges, if installed.

    Ratios of networkx's time to igraph's, conversion included, measured once each (best of
    a few runs on small graphs) on a 2-core machine that other work shared at times; they
    say which is faster, not how fast it will be elsewhere. Random graphs
    ``nx.gnm_random_graph(n, 1.75 n)``, the density of the national network:

    ======  ======  ==============  ==============  =========  =========
    nodes   edges   betweenness     betweenness     closeness  community
                    (undirected)    (directed)                 (not equal)
    ======  ======  ==============  ==============  =========  =========
    10      17      4.6             3.6             1.3        5.4
    100     175     20              26              7.2        12
    1,000   1,750   27              43              8.4        15
    4,000   7,000   39              89              8.4        9.5
    8,000   14,000  41              60              12         24
    16,000  28,000  over 12         not measured    11         15
    ======  ======  ==============  ==============  =========  =========

    Undirected betweenness took 37 s against 0.9 s at 4,000 nodes, 113 s against 2.8 s at
    8,000. At 16,000 nodes networkx's was stopped after 300 s, twice, while igraph took 25 s
    on the shared machine (14 s alone): hence "over 12". As networkx's cost grows like nodes x
    edges, about 4 times the 8,000-node time (450 s, a ratio of 20 to 30) is an estimate, not
    a measurement. There closeness took 132 s against 11.6 s, Louvain 4.8 s against 0.3 s.

    igraph was faster for betweenness at every size and density tried (from 3.5 times at
    10 nodes). For closeness it was slower on small dense graphs (0.8 times at 10 nodes and
    40 edges, and at 50 nodes and 1,000 edges: networkx's search is quick there and the
    conversion is not), and faster on every graph from 100 nodes on, from sparse (100 nodes,
    50 edges: 2.5 times) to dense (100 nodes, 2,000 edges: 1.5 times). Hence the
    threshold of 100 nodes; below it networkx, the reference, takes a few milliseconds, and
    a graph without edges stays with it too. Not for ``community``: igraph's partition is not
    networkx's, so switching by size would change the communities when the network grows;
    call :func:`community` by name for it.

    >>> choose(50, 80)
    'networkx'
    >>> choose(16000, 28000) == ("igraph" if available() else "networkx")
    True
    """
    if not available():
        return "networkx"
    return "igraph" if n_nodes >= IGRAPH_FROM_NODES and n_edges > 0 else "networkx"
