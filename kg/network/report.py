"""Reports of the network measures: ranked rows with labels, a text table, weak points, communities, reach."""

from __future__ import annotations

import networkx as nx

from kg.network.measures import MeasureResult, ranked
from kg.network.projection import Projection, SnapshotDiff, fold, label


def _name(projection: Projection, node, lang: str) -> str:
    attrs = projection.institutions.get(node) or {"label_en": str(node), "label_vi": str(node)}
    return label(attrs, lang)


def measure_rows(projection: Projection, results: dict[str, MeasureResult], names: list[str],
                 top: int | None = 10, lang: str = "en") -> list[dict]:
    """One row per institution, ranked by the first score measure of ``names``; ``top`` 0 or None for all."""
    node_names = [n for n in names if results[n].measure.scope == "node"]
    nodes = set(projection.support) | set(projection.cooperation)
    scores = [n for n in node_names if results[n].measure.kind == "score"]
    order = ranked({node: results[scores[0]].values.get(node, float("-inf")) for node in nodes},
                   key=lambda n: fold(_name(projection, n, lang))) if scores else \
        [(i, node, None) for i, node in enumerate(sorted(nodes, key=lambda n: fold(_name(projection, n, lang))), 1)]
    rows = []
    for rank, node, _ in order[:top] if top else order:
        attrs = projection.institutions.get(node, {})
        row = {"rank": rank, "institution": _name(projection, node, lang), "level": attrs.get("level") or "",
               "kind": attrs.get("kind") or "", "iri": node}
        for name in node_names:
            row[name] = results[name].values.get(node)
        rows.append(row)
    return rows


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def format_table(rows: list[dict], columns: list[str]) -> str:
    """Rows as a text table; numbers right-aligned, text left-aligned.

    >>> print(format_table([{"rank": 1, "institution": "Bệnh viện Bạch Mai", "pagerank": 0.25}],
    ...                    ["rank", "institution", "pagerank"]), end="")
    rank  institution         pagerank
       1  Bệnh viện Bạch Mai    0.2500
    """
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    numeric = [all(isinstance(row.get(c), (int, float)) or row.get(c) is None for row in rows) for c in columns]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    def line(values, header=False):
        parts = [v.rjust(w) if numeric[i] and not header else v.ljust(w) for i, (v, w) in enumerate(zip(values, widths))]
        return "  ".join(parts).rstrip()
    return "\n".join([line(columns, header=True)] + [line(r) for r in cells]) + "\n"


def describe(projection: Projection) -> str:
    """One line: the size of both networks and how many planned links were left out."""
    support, coop = projection.support, projection.cooperation
    planned = len(projection.planned_links)
    when = f"as of {projection.as_of.isoformat()}" if projection.as_of else "all links, whatever their dates"
    kept = "counted" if projection.include_planned else "left out"
    return (f"Network ({when}): support network {support.number_of_nodes()} institutions, "
            f"{support.number_of_edges()} support edges; cooperation network {coop.number_of_nodes()} institutions, "
            f"{coop.number_of_edges()} edges in {nx.number_connected_components(coop) if len(coop) else 0} connected parts; "
            f"{planned} planned links {kept}")


def top_lines(projection: Projection, results: dict[str, MeasureResult], names: list[str], top: int = 3,
              lang: str = "en") -> list[str]:
    """One line per score measure: the ``top`` institutions with their values."""
    lines = []
    for name in names:
        if results[name].measure.kind != "score":
            continue
        best = ranked(results[name].values, top, key=lambda n: fold(_name(projection, n, lang)))
        lines.append(f"Top by {name}: " + "; ".join(f"{_name(projection, n, lang)} ({_cell(v)})" for _, n, v in best))
    return lines


#: Names a printed list shows before it says how many more there are (the files hold them all).
LIST_LIMIT = 20
_MORE = "the full lists are in the GraphML export: kg network --export graphml -o FILE"


def listed(names: list[str], limit: int = LIST_LIMIT) -> str:
    """``names`` joined by "; ", the first ``limit`` of them and then how many more.

    >>> listed(["a", "b", "c"], 2)
    'a; b; and 1 more'
    """
    shown = "; ".join(names[:limit]) or "none"
    return shown + (f"; and {len(names) - limit} more" if len(names) > limit else "")


def weak_points(projection: Projection, results: dict[str, MeasureResult], lang: str = "en") -> list[str]:
    """Lines naming the articulation points and the bridges of the cooperation network (the first
    ``LIST_LIMIT`` of each, and their number)."""
    name = lambda n: _name(projection, n, lang)  # noqa: E731
    lines, cut = [], False
    if "articulation" in results:
        points = sorted((name(n) for n, v in results["articulation"].values.items() if v), key=fold)
        lines.append(f"Articulation points ({len(points)}): " + listed(points))
        cut |= len(points) > LIST_LIMIT
    if "bridge" in results:
        pairs = sorted((" - ".join(sorted((name(u), name(v)), key=fold)) for u, v in results["bridge"].values),
                       key=fold)
        lines.append(f"Bridges ({len(pairs)}): " + listed(pairs))
        cut |= len(pairs) > LIST_LIMIT
    return lines + ([f"  ({_MORE})"] if cut else [])


def communities(projection: Projection, results: dict[str, MeasureResult], lang: str = "en", key="community") -> list[str]:
    """One line per community (or component): its number and its members."""
    if key not in results:
        return []
    groups: dict[int, list[str]] = {}
    for node, number in results[key].values.items():
        groups.setdefault(number, []).append(_name(projection, node, lang))
    lines = [f"  {number}: " + listed(sorted(members, key=fold)) for number, members in sorted(groups.items())]
    if len(lines) > LIST_LIMIT:
        lines = lines[:LIST_LIMIT] + [f"  and {len(lines) - LIST_LIMIT} more communities ({_MORE})"]
    return lines


def central_reach(projection: Projection, lang: str = "en") -> list[str]:
    """For each central-level institution that supports others: whom it supports directly and onward."""
    graph, lines = projection.support, []
    for node in sorted(graph, key=lambda n: fold(_name(projection, n, lang))):
        if projection.institutions.get(node, {}).get("level") != "central" or not graph.out_degree(node):
            continue
        direct = sorted((_name(projection, n, lang) for n in graph.successors(node)), key=fold)
        onward = sorted((_name(projection, n, lang) for n in nx.descendants(graph, node)
                         if n not in graph.successors(node)), key=fold)
        lines.append(f"  {_name(projection, node, lang)}: directly {len(direct)} ({listed(direct)})"
                     + (f", onward {len(onward)} more ({listed(onward)})" if onward else ", no onward reach"))
    if len(lines) > LIST_LIMIT:
        lines = lines[:LIST_LIMIT] + [f"  and {len(lines) - LIST_LIMIT} more central institutions"]
    return lines


def summary(projection: Projection, results: dict[str, MeasureResult], names: list[str], top: int = 5,
            lang: str = "en") -> str:
    """The text the main job and ``kg network`` print: ranked table, weak points, communities, reach."""
    columns = ["rank", "institution", "level"] + [n for n in names if results[n].measure.scope == "node"]
    out = [describe(projection), "", format_table(measure_rows(projection, results, names, top, lang), columns).rstrip()]
    out += [""] + top_lines(projection, results, names, 3, lang) + weak_points(projection, results, lang)
    if "community" in results:
        out += ["Communities (Louvain, seed %s):" % results["community"].measure.parameters["seed"]]
        out += communities(projection, results, lang)
    reach = central_reach(projection, lang)
    if reach:
        out += ["Reach of the central hospitals:"] + reach
    return "\n".join(out) + "\n"


def diff_text(diff: SnapshotDiff, projection: Projection, lang: str = "en") -> str:
    """The links that started and ended between two dates, one a line."""
    def show(link):
        arrow = "->" if link.directed else "--"
        return (f"  {_name(projection, link.source, lang)} {arrow} {_name(projection, link.target, lang)}"
                f"  [{', '.join(link.types)}; {link.start or '?'} .. {link.end or 'open'}]")
    lines = [f"Links in force on {diff.after} but not on {diff.before} ({len(diff.added)}):"]
    lines += [show(l) for l in diff.added] or ["  none"]
    lines += [f"Links in force on {diff.before} but not on {diff.after} ({len(diff.removed)}):"]
    lines += [show(l) for l in diff.removed] or ["  none"]
    return "\n".join(lines) + "\n"
