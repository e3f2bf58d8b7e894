"""``kg queries``: list the stored queries with their summary and parameters."""

from __future__ import annotations

from kg.commands import table_width

import sys

from rdflib import Literal

from kg.queries.terms import expand
from kg.queries.run import defaults
from kg.queries.stored import find_queries
from kg.queries.results import FORMATS, Result, prefixed, render
from kg.graph.files import Project

NAME = "queries"
HELP = "list the stored queries with their summary and parameters"
DESCRIPTION = """List the stored SPARQL queries of queries/: name, parameters and summary. A parameter
is written name=default when it has a default, name* when it is required and has none, and
[name] when it is optional. Run one with 'kg query NAME -p name=value'."""
EXAMPLES = """examples:
  kg queries
  kg queries --tag time
  kg queries --format markdown"""


def add_arguments(parser):
    parser.add_argument("--tag", metavar="TAG", help="only the queries carrying this tag")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.add_argument("--width", type=table_width, metavar="N", help="table width (default: the terminal's)")


def describe_parameters(query) -> str:
    """The parameters of ``query`` in one cell: ``name=default``, ``name*`` (required) or ``[name]``."""
    given = defaults(query)
    parts = []
    for p in query.parameters:
        if p.name in given:
            value = given[p.name]
            iri = expand(value) if p.kind == "iri" else None
            parts.append(f"{p.name}={prefixed(iri) if iri is not None else value}")
        else:
            parts.append(f"{p.name}*" if p.required else f"[{p.name}]")
    return " ".join(parts)


def run(args) -> int:
    queries = find_queries(Project().query_dir, check_syntax=False)
    if args.tag:
        queries = [q for q in queries if args.tag in (q.header.get("tags") or [])]
    rows = [(Literal(q.name), Literal(describe_parameters(q)), Literal(q.summary)) for q in queries]
    sys.stdout.write(render(Result(["query", "parameters", "summary"], rows), args.format, width=args.width, keep=1))
    return 0
