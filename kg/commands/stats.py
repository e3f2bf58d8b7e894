"""``kg stats``: counts per class, per source graph and per label language."""

from __future__ import annotations

import csv
import json
import sys

from kg.graph.stats import compute_stats
from kg.graph.files import Project
from kg.graph.store import open_store
from kg.queries.run import say

NAME = "stats"
HELP = "count entities per class, triples per source and labels per language"
DESCRIPTION = "Print counts that summarise the curated graph."
EXAMPLES = """examples:
  kg stats
  kg stats --format csv > build/stats.csv"""


def add_arguments(parser):
    parser.add_argument("--format", choices=["text", "csv", "json"], default="text", help="output format (default: text)")


def run(args) -> int:
    stats = compute_stats(open_store(Project(), progress=say))
    if args.format == "text":
        sys.stdout.write(stats.to_text())
    elif args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["section", "key", "count"])
        writer.writerows(stats.rows())
    else:
        json.dump([{"section": s, "key": k, "count": c} for s, k, c in stats.rows()], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    return 0
