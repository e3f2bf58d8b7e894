"""Writing the network for Gephi, Cytoscape and web tools: GraphML, GEXF and node-link JSON.

Every node carries its labels, kind, level and province and the value of each measure
computed; every edge its links, types, statuses, period, areas, techniques and
sources. GraphML and GEXF hold only scalars, so lists are written as text joined by
``"; "`` and missing values are left out.

GEXF is written as version 1.3 for Gephi: node labels are the English labels (the IRI stays
the id, the Vietnamese label an attribute), and an edge's period is given as full dates, a
start "2014" as 2014-01-01 and an end "2022" as 2022-12-31, so that readers of
``timeformat="date"`` keep the spells; the dates as the sources write them stay in
``start_as_stated`` and ``end_as_stated``, and a day and month without a year limits nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.errors import InputError
from kg.graph.export import write_atomic
from kg.network.measures import MeasureResult

#: export format -> file suffix
NETWORK_FORMATS = {"graphml": ".graphml", "gexf": ".gexf", "json": ".json"}


def annotated(graph: nx.Graph, results: dict[str, MeasureResult] | None = None) -> nx.Graph:
    """A copy of ``graph`` with each node-level measure of ``results`` as a node attribute.

    >>> from kg.network.measures import MEASURES, MeasureResult
    >>> result = MeasureResult(MEASURES["betweenness"], {0: 0.0, 1: 1.0, 2: 0.0}, None, None)
    >>> annotated(nx.path_graph(3), {"betweenness": result}).nodes[1]
    {'betweenness': 1.0}
    """
    copy = graph.copy()
    for name, result in (results or {}).items():
        if result.measure.scope != "node":
            continue
        for node, value in result.values.items():
            if node in copy:
                copy.nodes[node][name] = value
    for name, result in (results or {}).items():
        if result.measure.scope == "edge":
            for u, v in result.values:
                if copy.has_edge(u, v):
                    copy.edges[u, v][name] = 1
    return copy


def _scalar(value):
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value)
    return value


def flattened(graph: nx.Graph) -> nx.Graph:
    """A copy whose attributes are all scalars (lists joined by ``"; "``, None dropped), for GraphML and GEXF.

    >>> g = nx.Graph(); g.add_edge("a", "b", links=["x", "y"], end=None)
    >>> flattened(g).edges["a", "b"]
    {'links': 'x; y'}
    """
    flat = graph.__class__(name=graph.graph.get("name", ""))
    for node, attrs in graph.nodes(data=True):
        flat.add_node(node, **{k: _scalar(v) for k, v in attrs.items() if v is not None})
    for u, v, attrs in graph.edges(data=True):
        flat.add_edge(u, v, **{k: _scalar(val) for k, val in attrs.items() if val is not None})
    return flat


GEXF_1_2 = ('xmlns="http://www.gexf.net/1.2draft"', 'xsi:schemaLocation="http://www.gexf.net/1.2draft '
            'http://www.gexf.net/1.2draft/gexf.xsd" version="1.2"')
GEXF_1_3 = ('xmlns="http://gexf.net/1.3"', 'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" '
            'version="1.3"')


def for_gexf(graph: nx.Graph, lang: str = "en") -> nx.Graph:
    """A copy of ``graph`` (flattened) with a ``label`` in ``lang`` (else the other language, else the IRI's
    last segment) and an ``iri`` attribute on every node, and full-date ``start``/``end`` on edges.

    >>> g = nx.Graph(); g.add_node("urn:a", label_en="A", label_vi="Ă")
    >>> g.add_edge("urn:a", "urn:b", start="2014", end="2022-06")
    >>> flat = for_gexf(g, "vi"); flat.nodes["urn:a"]["label"], flat.nodes["urn:a"]["iri"], flat.nodes["urn:b"]["label"]
    ('Ă', 'urn:a', 'urn:b')
    >>> sorted(flat.edges["urn:a", "urn:b"].items())
    [('end', '2022-06-30'), ('end_as_stated', '2022-06'), ('start', '2014-01-01'), ('start_as_stated', '2014')]
    """
    from kg.dates import first_day, last_day
    from kg.network.projection import local_name

    other = "vi" if lang == "en" else "en"
    flat = flattened(graph)
    for node, attrs in flat.nodes(data=True):
        attrs["label"] = (attrs.get(f"label_{lang}") or attrs.get("label") or attrs.get(f"label_{other}")
                          or local_name(str(node)))
        attrs.setdefault("iri", str(node))
    for _, _, attrs in flat.edges(data=True):
        for key, day in (("start", first_day), ("end", last_day)):
            if key in attrs:
                stated = attrs.pop(key)
                attrs[f"{key}_as_stated"] = stated
                full = day(str(stated))
                if full:
                    attrs[key] = full.isoformat()
    return flat


def serialise_network(graph: nx.Graph, fmt: str, lang: str = "en") -> str:
    """``graph`` as GraphML, GEXF or node-link JSON text; GEXF nodes are labelled in ``lang``, for Gephi.

    >>> serialise_network(nx.Graph([("a", "b")]), "json").splitlines()[1]
    ' "directed": false,'
    """
    if fmt not in NETWORK_FORMATS:
        raise InputError(f"unknown network format '{fmt}'; choose one of: {', '.join(NETWORK_FORMATS)}")
    if fmt == "json":
        data = nx.node_link_data(graph, edges="links")
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True, default=str) + "\n"
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(flattened(graph), prettyprint=True)) + "\n"
    text = "\n".join(nx.generate_gexf(for_gexf(graph, lang), prettyprint=True)) + "\n"
    head, rest = text.split("\n", 1)
    for old, new in zip(GEXF_1_2, GEXF_1_3):
        head = head.replace(old, new)
    return head + "\n" + rest


def write_network(graph: nx.Graph, fmt: str, path: Path, lang: str = "en") -> Path:
    """Write ``graph`` to ``path`` in ``fmt`` atomically (GEXF labels in ``lang``); returns the path."""
    return write_atomic(Path(path), serialise_network(graph, fmt, lang))
