"""``kg export``: write the graph as Turtle, N-Triples, TriG, N-Quads, JSON-LD or a FHIR R4 Bundle."""

from __future__ import annotations

import sys
from pathlib import Path

from kg.graph.export import FORMATS, export, serialise
from kg.graph.files import Project
from kg.graph.store import open_store
from kg.queries.run import say

NAME = "export"
HELP = "export the graph (turtle, ntriples, trig, nquads, jsonld, fhir), deterministically"
DESCRIPTION = """Serialise the curated graph. Turtle and N-Triples merge every source graph; TriG,
N-Quads and JSON-LD keep one named graph per source. The output is the same bytes on
every run and is written atomically (a temporary file, then a rename).

--format fhir writes a FHIR R4 Bundle in the shape of IHE mCSD, for facility registries:
institutions as Organization (with partOf for units and the province in the address), areas as
Location (a partOf hierarchy of jurisdictions), every support link and partnership as
OrganizationAffiliation (supporter as organization, supported as participatingOrganization,
its period, a code support or partnership), and each source as Provenance. Set
SOURCE_DATE_EPOCH for a fixed timestamp."""
EXAMPLES = """examples:
  kg export --format turtle -o build/vnhealth.ttl
  kg export --format trig --with-ontology -o build/graph-and-ontology.trig
  kg export --format nquads | head
  kg export --format fhir -o build/vnhealth-fhir.json"""


def add_arguments(parser):
    parser.add_argument("--format", choices=[*FORMATS, "fhir"], default="turtle", help="output format (default: turtle)")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="file to write (default: stdout)")
    parser.add_argument("--with-ontology", action="store_true",
                        help="include the ontology and SKOS schemes (graph:ontology) in the export")


def run(args) -> int:
    project = Project()
    dataset = open_store(project, progress=say)
    if args.format == "fhir":
        from kg.graph.export import write_atomic
        from kg.network.fhir import fhir_text

        text = fhir_text(dataset, project)
        if args.output:
            write_atomic(args.output, text)
            print(f"wrote {args.output} (FHIR R4 Bundle)", file=sys.stderr)
        else:
            sys.stdout.write(text)
        return 0
    if args.output:
        export(dataset, args.format, args.output, include_ontology=args.with_ontology)
        print(f"wrote {args.output} ({args.format})", file=sys.stderr)
    else:
        sys.stdout.write(serialise(dataset, args.format, include_ontology=args.with_ontology))
    return 0
