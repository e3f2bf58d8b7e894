"""``kg export``: write the graph as Turtle, N-Triples, TriG, N-Quads or JSON-LD."""

from __future__ import annotations

import sys
from pathlib import Path

from kg.graph.export import FORMATS, export, serialise
from kg.graph.files import Project
from kg.graph.store import open_store
from kg.queries.run import say

NAME = "export"
HELP = "export the graph (turtle, ntriples, trig, nquads, jsonld), deterministically"
DESCRIPTION = """Serialise the curated graph. Turtle and N-Triples merge every source graph; TriG,
N-Quads and JSON-LD keep one named graph per source. The output is the same bytes on
every run and is written atomically (a temporary file, then a rename)."""
EXAMPLES = """examples:
  kg export --format turtle -o build/vnhealth.ttl
  kg export --format trig --with-ontology -o build/graph-and-ontology.trig
  kg export --format nquads | head"""


def add_arguments(parser):
    parser.add_argument("--format", choices=list(FORMATS), default="turtle", help="output format (default: turtle)")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="file to write (default: stdout)")
    parser.add_argument("--with-ontology", action="store_true",
                        help="include the ontology and SKOS schemes (graph:ontology) in the export")


def run(args) -> int:
    project = Project()
    dataset = open_store(project, progress=say)
    if args.output:
        export(dataset, args.format, args.output, include_ontology=args.with_ontology)
        print(f"wrote {args.output} ({args.format})", file=sys.stderr)
    else:
        sys.stdout.write(serialise(dataset, args.format, include_ontology=args.with_ontology))
    return 0
