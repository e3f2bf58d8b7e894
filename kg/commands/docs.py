"""``kg docs``: the ontology's documentation as an offline site, and a JSON-LD context."""

from __future__ import annotations

import sys
from pathlib import Path

from kg.graph.docs import write_docs
from kg.errors import InputError
from kg.graph.files import Project
from kg.graph.store import open_store
from kg.web.void import write_void

NAME = "docs"
HELP = "write the ontology's documentation (every class, property and scheme) into build/docs/"
DESCRIPTION = """Write build/docs/index.html: every class and property of the ontology with its Vietnamese and
English label and comment, its superclasses and alignments (W3C ORG, schema.org, PROV-O, SKOS,
OWL-Time), domain and range, the SHACL shapes that constrain it, and the SKOS schemes as trees.
The page works offline: its style is inline and it loads nothing. build/docs/context.jsonld is
a JSON-LD context with the project's prefixes and a short key for every property.
build/docs/dataset.ttl describes the dataset in VoID and DCAT (title, licence, triples per source
graph, classes, the dumps and the SPARQL endpoint of the site at --base), as kg serve gives it at
/.well-known/void, for catalogues that harvest a file."""
EXAMPLES = """examples:
  kg docs
  kg docs -o /tmp/ontology-docs
  kg docs --base https://kg.example.org     # where the site of kg serve is published"""


def add_arguments(parser):
    parser.add_argument("-o", "--out-dir", type=Path, metavar="DIR", help="where to write (default: build/docs/)")
    parser.add_argument("--base", default="http://127.0.0.1:8000", metavar="URL",
                        help="address of the published site, for the dumps and the endpoint in dataset.ttl "
                             "(default: kg serve's http://127.0.0.1:8000)")


def run(args) -> int:
    project = Project()
    out = args.out_dir or project.build_dir / "docs"
    if not args.base.startswith(("http://", "https://")) or any(c in args.base for c in ' <>"{}|\\^`'):
        raise InputError(f"--base {args.base[:80]!r} is not an http(s) address; give where the site is published, "
                         "e.g. https://kg.example.org")
    for path in write_docs(out, project):
        print(f"wrote {path}", file=sys.stderr)
    print(f"wrote {write_void(out / 'dataset.ttl', open_store(project), project, args.base.rstrip('/'))}", file=sys.stderr)
    return 0
