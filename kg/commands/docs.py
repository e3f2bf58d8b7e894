"""``kg docs``: the ontology's documentation as an offline site, and a JSON-LD context."""

from __future__ import annotations

import sys
from pathlib import Path

from kg.graph.docs import write_docs
from kg.graph.files import Project

NAME = "docs"
HELP = "write the ontology's documentation (every class, property and scheme) into build/docs/"
DESCRIPTION = """Write build/docs/index.html: every class and property of the ontology with its Vietnamese and
English label and comment, its superclasses and alignments (W3C ORG, schema.org, PROV-O, SKOS,
OWL-Time), domain and range, the SHACL shapes that constrain it, and the SKOS schemes as trees.
The page works offline: its style is inline and it loads nothing. build/docs/context.jsonld is
a JSON-LD context with the project's prefixes and a short key for every property."""
EXAMPLES = """examples:
  kg docs
  kg docs -o /tmp/ontology-docs"""


def add_arguments(parser):
    parser.add_argument("-o", "--out-dir", type=Path, metavar="DIR", help="where to write (default: build/docs/)")


def run(args) -> int:
    project = Project()
    out = args.out_dir or project.build_dir / "docs"
    for path in write_docs(out, project):
        print(f"wrote {path}", file=sys.stderr)
    return 0
