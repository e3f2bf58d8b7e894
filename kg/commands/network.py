"""``kg network``: measures of the support network, ranked with labels; exports for Gephi and Cytoscape."""

from __future__ import annotations

from kg.commands import iso_day

import csv
import json
import sys
from pathlib import Path

from kg.errors import InputError
from kg.network.measures import MAIN_MEASURES, MEASURES, SAMPLED, check_names, compute_measures
from kg.dates import parse_date
from kg.network.projection import project_network, snapshot, snapshot_diff
from kg.network.files import NETWORK_FORMATS, annotated, write_network
from kg.network.report import diff_text, measure_rows, summary
from kg.graph.files import Project
from kg.graph.store import open_store
from kg.queries.run import say

NAME = "network"
HELP = "rank institutions by network measures; snapshots, differences and exports of the support network"
DESCRIPTION = f"""Project the graph onto the support network (supporter -> supported, from agreements
with a direction, technique transfers and trainings) and the cooperation network (the
same links undirected, plus partnerships without a direction), compute measures and
print the institutions ranked by the first one.

Measures on the support network: out_degree, in_degree, out_strength, in_strength
(weighted by the number of links), reach_direct, reach_onward, pagerank, hub, authority,
support_betweenness. On the cooperation network: betweenness, closeness, eigenvector
(largest component only), component, articulation, bridge, community (Louvain, seed 42).

--as-of D keeps the links in force on D: a start given as a year or month counts from
its first day, an end given as a year or month lasts to its last day, a missing date
does not limit the period. Planned links are left out unless --include-planned.

Default measures: {', '.join(MAIN_MEASURES)}.
Exit codes: 0 ok, 2 bad input (unknown measure, bad date, no -o with --export)."""
EXAMPLES = """examples:
  kg network
  kg network --measure pagerank betweenness --top 5
  kg network --as-of 2023-05-05 --format csv
  kg --root build/synthetic-1m network --sample 500
  kg network --diff 2022-01-01 2025-11-01
  kg network --export graphml -o build/network.graphml
  kg network --write-rdf build/network-metrics.trig
  kg network --network referral                # receivers of referred patients ranked by load"""


def add_arguments(parser):
    parser.add_argument("--measure", nargs="+", action="extend", metavar="NAME",
                        help=f"measures to compute and show (default: {' '.join(MAIN_MEASURES)}); "
                             f"one of: {', '.join(MEASURES)}; 'all' for every one")
    parser.add_argument("--as-of", type=iso_day, metavar="YYYY-MM-DD", help="only links in force on this date")
    parser.add_argument("--diff", nargs=2, metavar=("D1", "D2"), help="links that started or ended between two dates")
    parser.add_argument("--top", type=int, default=10, metavar="N", help="rows to show (default 10; 0 for all)")
    parser.add_argument("--include-planned", action="store_true", help="count planned links in the measures")
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output (default: table)")
    parser.add_argument("--sample", type=int, metavar="K",
                        help="estimate betweenness from K pivot institutions (seed 42) instead of exactly; the bound "
                             "of the error is printed. Exact values take minutes on tens of thousands of institutions")
    parser.add_argument("--lang", choices=["en", "vi"], default="en", help="language of the labels (default: en)")
    parser.add_argument("--export", choices=list(NETWORK_FORMATS), help="write the network with its measures to -o FILE")
    parser.add_argument("--network", choices=["cooperation", "support", "referral"], default="cooperation",
                        help="network to export (default: cooperation, which holds every link); referral ranks the "
                             "receivers of referred patients by load instead, as 'kg referrals' does, and exports "
                             "or writes that network")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="file for --export")
    parser.add_argument("--write-rdf", type=Path, metavar="FILE",
                        help="write the measures as TriG, in the named graph graph:metrics (or graph:metrics/DATE)")


def _names(args) -> list[str]:
    names = args.measure or MAIN_MEASURES
    return list(MEASURES) if "all" in names else check_names(names)


def run(args) -> int:
    if args.network == "referral":
        from kg.commands.referrals import run as referrals

        if args.measure or args.diff or args.include_planned or args.sample:
            raise InputError("--network referral takes --as-of, --top, --format, --lang, --export, -o and --write-rdf; "
                             "--measure, --diff, --include-planned and --sample are for the support network")
        return referrals(args)
    if args.export and not args.output:
        raise InputError(f"--export {args.export} needs -o FILE, for example -o build/network{NETWORK_FORMATS[args.export]}")
    if args.top < 0:
        raise InputError(f"--top {args.top}: give a number of rows, or 0 for all")
    names = _names(args)
    as_of = parse_date(args.as_of) if args.as_of else None
    project = Project()
    whole = project_network(open_store(project, progress=say), None, args.include_planned, project)
    projection = snapshot(whole, as_of) if as_of else whole

    if args.diff:
        sys.stdout.write(diff_text(snapshot_diff(whole, *args.diff, args.include_planned), whole, args.lang))
        return 0

    wanted = set(MEASURES) if (args.export or args.write_rdf) else set(names)
    if args.format == "table":
        wanted |= {"articulation", "bridge", "community"}  # the weak points and communities under the table
    results = compute_measures(projection, [m for m in MEASURES if m in wanted], sample=args.sample)
    for name in SAMPLED:
        if name in results and "error_bound" in results[name].measure.parameters:
            bound = results[name].measure.parameters["error_bound"]
            print(f"{name} estimated from {args.sample} pivots: every value within {bound} of the exact one "
                  f"with probability 95 %", file=sys.stderr)
    if args.export:
        graph = projection.cooperation if args.network == "cooperation" else projection.support
        write_network(annotated(graph, results), args.export, args.output, args.lang)
        print(f"wrote {args.output} ({args.export}, {args.network} network, "
              f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges)", file=sys.stderr)
    if args.write_rdf:
        from rdflib import Dataset

        from kg.graph.export import trig, write_atomic
        from kg.network.metrics import add_metrics

        target = Dataset()
        add_metrics(target, results, projection)
        write_atomic(args.write_rdf, trig(target))
        print(f"wrote {args.write_rdf} (measures as RDF)", file=sys.stderr)
    if args.export or args.write_rdf:
        return 0

    if args.format == "table":
        sys.stdout.write(summary(projection, results, names, args.top, args.lang))
        return 0
    rows = measure_rows(projection, results, names, args.top, args.lang)
    columns = ["rank", "iri", "institution", "level", "kind"] + [n for n in names if MEASURES[n].scope == "node"]
    if args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        json.dump([{c: row.get(c) for c in columns} for row in rows], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    return 0
