"""``kg validate``: check the curated data against the SHACL shapes and the -violation checks."""

from __future__ import annotations

import sys
from pathlib import Path

from kg.commands import whole_number
from kg.graph.export import write_atomic
from kg.graph.files import Project
from kg.validation.validator import validate

NAME = "validate"
HELP = "validate the graph against the SHACL shapes and the -violation checks"
DESCRIPTION = """Validate the project's curated data (data/reference/*.trig and data/sources/*.trig), or the given files, together with
the ontology and SKOS schemes. Findings are grouped by severity; each names the file and
line where the entity is defined, its label, what is wrong and what to do.

The project's data is validated from the store; after a change, only the named graphs the
change can affect are validated again (the command says which), the findings of the
others are reused.

Exit codes: 0 conforms (warnings allowed), 1 does not conform, 2 a file does not parse or
a bad argument (nothing is written then)."""
EXAMPLES = """examples:
  kg validate
  kg validate data/sources/001-lao-cai-no2-lai-chau-2025.trig data/reference/*.trig
  kg validate --format json -o build/validation.json"""


def add_arguments(parser):
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE",
                        help="Turtle or TriG files to validate instead of the project's data")
    parser.add_argument("--format", choices=["text", "json", "turtle"], default="text",
                        help="report format (default: text); turtle is a SHACL validation report graph")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the report here instead of stdout")
    parser.add_argument("--limit", type=whole_number, default=100, metavar="N",
                        help="the text report lists at most N findings of each severity and counts the rest "
                             "(default: 100; 0 lists them all; json and turtle always hold all)")
    parser.add_argument("--shacl-engine", choices=["auto", "pyshacl", "turbo"], default="auto",
                        help="SHACL engine: pyshacl (the reference), turbo (pyshacl-turbo, the same findings, several "
                             "times faster on large graphs), auto (turbo when installed and the shapes suit it; default)")


def run(args) -> int:
    report = validate(args.files or None, Project(), engine=args.shacl_engine)
    if report.note:
        print(f"* {report.note}", file=sys.stderr)
    text = {"text": lambda: report.to_text(args.limit), "json": report.to_json, "turtle": report.to_turtle}[args.format]()
    if args.output:
        write_atomic(args.output, text)
        print(f"wrote {args.output}: {'conforms' if report.conforms else 'does not conform'}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0 if report.conforms else 1
