"""``kg referrals``: the referral network (patients sent up the lines): load, origins, centralisation,
reciprocity with support, retention; exports for Gephi and Cytoscape, measures as RDF."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from kg.commands import iso_day
from kg.dates import parse_date
from kg.errors import InputError
from kg.graph.files import Project
from kg.graph.store import open_store
from kg.network.files import NETWORK_FORMATS, write_network
from kg.network.projection import local_name, project_network
from kg.network.referral import NOT_STATED, add_referral_metrics, project_referrals, referral_measures, referral_rows
from kg.queries.run import say

NAME = "referrals"
HELP = "the referral network: who receives the patients sent up the lines, from where, and with which support"
DESCRIPTION = """Project the graph onto the referral network (sender -> receiver, one edge per pair, weighted
by the stated number of patients: the value, or the midpoint of a range with the range kept) and
print its nodes ranked by load (patients received) and dependence (patients sent).

An unnamed group of referring hospitals or of a province's patients is a node of its own kind,
never merged into an institution. A flow whose source gives no number has weight 0: sums count
only what the sources state. Qualitative claims (fewer patients referred, more severe cases
treated locally) are listed by 'kg query referral-claims', never turned into numbers.

Below the table: the share of each receiver's load by the sender's area; Freeman's centralisation
of the load; reciprocity with the support network (A supports B while B refers patients to A,
between institutions or between areas); and, where volumes and both provinces are stated, the
share of a province's referrals that stays inside it.

--as-of D keeps the flows in force on D (a stated period, else from the date reported; an undated
flow does not limit). Exit codes: 0 ok, 2 bad input (bad date, no -o with --export)."""
EXAMPLES = """examples:
  kg referrals
  kg referrals --lang vi --format csv
  kg referrals --as-of 2024-01-01
  kg referrals --export gexf -o build/referral.gexf
  kg referrals --write-rdf build/referral-metrics.trig"""


def add_arguments(parser):
    parser.add_argument("--as-of", type=iso_day, metavar="YYYY-MM-DD", help="only flows in force on this date")
    parser.add_argument("--top", type=int, default=10, metavar="N", help="rows to show (default 10; 0 for all)")
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output (default: table)")
    parser.add_argument("--lang", choices=["en", "vi"], default="en", help="language of the labels (default: en)")
    parser.add_argument("--export", choices=list(NETWORK_FORMATS), help="write the referral network to -o FILE")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="file for --export")
    parser.add_argument("--write-rdf", type=Path, metavar="FILE",
                        help="write the measures as TriG, in the named graph graph:metrics/referral (or .../DATE)")


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def _label(attrs: dict, node: str, lang: str) -> str:
    return attrs.get(f"label_{lang}") or local_name(node)


WORDS = {
    "en": {"not stated": "not stated", "trend": {"fewer-referred": "the source says fewer patients go there now",
                                                  "less-load": "the source says the load there is lighter now",
                                                  "severe-cases-treated-locally": "the source says severe cases are "
                                                                                  "treated locally"}},
    "vi": {"not stated": "không rõ", "trend": {"fewer-referred": "nguồn cho biết nay ít người bệnh phải chuyển đến hơn",
                                                "less-load": "nguồn cho biết tuyến này đã được giảm tải",
                                                "severe-cases-treated-locally": "nguồn cho biết ca nặng được điều trị "
                                                                                "tại địa phương"}},
}


def _areas(projection, support, lang: str) -> dict[str, str]:
    """Labels in ``lang`` of the provinces the nodes of both networks name."""
    names = {}
    for graph in (projection.network, support):
        for _, attrs in graph.nodes(data=True):
            if attrs.get("province"):
                names.setdefault(attrs["province"], attrs.get(f"province_{lang}") or attrs.get("province_en")
                                 or attrs.get("province_vi"))
    return names


def report(projection, support, measures, lang: str, top: int) -> str:
    """The ranked table and the measures under it, as text."""
    graph = projection.network
    rows = referral_rows(projection, measures, lang, top)
    groups = len(measures.groups)
    head = (f"Referral network{f' on {projection.as_of}' if projection.as_of else ''}: {len(projection.flows)} "
            f"flows, {graph.number_of_nodes()} nodes ({groups} unnamed groups), {graph.number_of_edges()} edges, "
            f"{sum(1 for _, _, d in graph.edges(data=True) if d['volume_stated'])} with a stated volume\n")
    lines = [head, f"{'rank':>4}  {'load':>9}  {'sent':>9}  {'in':>3}  {'out':>3}  node"]
    for row in rows:
        kind = "" if row["kind"] == "Institution" else f" [{row['kind']}]"
        lines.append(f"{row['rank']:>4}  {_number(row['load']):>9}  {_number(row['dependence']):>9}  "
                     f"{row['flows_in']:>3}  {row['flows_out']:>3}  {row['node']}{kind}"
                     + (f"  (stated: {row['stated']})" if row["stated"] else ""))
    areas = _areas(projection, support, lang)
    words = WORDS[lang]
    area = lambda iri: areas.get(iri) or local_name(iri)  # noqa: E731
    lines.append("\nShare of load by origin area:")
    for node, shares in measures.origin_share.items():
        parts = ", ".join(f"{area(a) if a != NOT_STATED else words['not stated']} {v:.0%}"
                          for a, v in shares.items())
        lines.append(f"  {_label(graph.nodes[node], node, lang)}: {parts}")
    if not measures.origin_share:
        lines.append("  (no flow with a stated volume)")
    centre = measures.centralisation
    lines.append(f"\nCentralisation of the load: {centre:.2f}" if centre is not None else
                 "\nCentralisation of the load: not defined (fewer than two nodes, or no stated volume)")
    lines.append("\nSupport returned by referral (A supports B while B refers patients to A):")
    for pair in measures.reciprocity:
        claims = "".join(f"; {words['trend'].get(t, t)}" for t in pair["trends"])
        flows = ", ".join(local_name(f) for f in pair["flows"])
        if pair["level"] == "institution":
            lines.append(f"  {_label(support.nodes[pair['supporter']], pair['supporter'], lang)} supports "
                         f"{_label(support.nodes[pair['supported']], pair['supported'], lang)}, which refers patients "
                         f"to it ({flows}{claims})")
        else:
            lines.append(f"  institutions of {area(pair['supporter'])} support {area(pair['supported'])}, whose "
                         f"patients go to {area(pair['supporter'])} ({flows}{claims})")
    if not measures.reciprocity:
        lines.append("  (none)")
    lines.append("\nReferrals kept in the province:")
    for province, share in measures.retention.items():
        lines.append(f"  {area(province)}: {share:.0%}")
    if not measures.retention:
        lines.append("  (no flow states both a volume and the provinces of both sides)")
    return "\n".join(lines) + "\n"


def run(args) -> int:
    if args.export and not args.output:
        raise InputError(f"--export {args.export} needs -o FILE, for example -o build/referral{NETWORK_FORMATS[args.export]}")
    if args.top < 0:
        raise InputError(f"--top {args.top}: give a number of rows, or 0 for all")
    from datetime import datetime, timezone

    project = Project()
    store = open_store(project, progress=say)
    as_of = parse_date(args.as_of) if args.as_of else None
    started = datetime.now(timezone.utc)
    projection = project_referrals(store, as_of, project)
    support = project_network(store, as_of, False, project)
    measures = referral_measures(projection, support.support)
    ended = datetime.now(timezone.utc)
    if args.export:
        write_network(projection.network, args.export, args.output, args.lang)
        print(f"wrote {args.output} ({args.export}, referral network, {projection.network.number_of_nodes()} nodes, "
              f"{projection.network.number_of_edges()} edges)", file=sys.stderr)
    if args.write_rdf:
        from rdflib import Dataset

        from kg.graph.export import trig, write_atomic

        target = Dataset()
        graph = add_referral_metrics(target, measures, projection, started, ended)
        write_atomic(args.write_rdf, trig(target))
        print(f"wrote {args.write_rdf} (referral measures as RDF, graph {graph.identifier})", file=sys.stderr)
    if args.export or args.write_rdf:
        return 0
    if args.format == "table":
        sys.stdout.write(report(projection, support.support, measures, args.lang, args.top))
        return 0
    rows = referral_rows(projection, measures, args.lang, args.top)
    columns = ["rank", "iri", "node", "kind", "area", "load", "dependence", "flows_in", "flows_out", "stated"]
    if args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        json.dump({"nodes": [{c: r.get(c) for c in columns} for r in rows],
                   "origin_share": measures.origin_share, "centralisation": measures.centralisation,
                   "reciprocity": measures.reciprocity, "retention": measures.retention},
                  sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    return 0
