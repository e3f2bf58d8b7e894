"""``kg search``: find institutions, people, techniques and specialties by name in any language."""

from __future__ import annotations

import sys

from rdflib import Literal, URIRef

from kg.commands.query import add_endpoint_arguments, add_output_arguments, print_result
from kg.queries.run import open_target
from kg.queries.results import Result
from kg.queries.search import KINDS, search


def non_negative(text: str) -> int:
    """argparse type for --limit: a whole number, 0 or more."""
    import argparse

    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 0 or more")
    return int(text)


NAME = "search"
HELP = "find institutions, people, techniques, specialties and areas by name, with or without diacritics"
DESCRIPTION = """Find entities whose name (in Vietnamese, English, French or Norwegian) matches TEXT,
ignoring case and Vietnamese diacritics ("bach mai", "Bạch Mai" and "BACH MAI" are the
same). The best matches come first: exact names, then names that start with TEXT, then
names that contain it as a phrase, then names holding all its words, then names whose
words start with its words ("bac ma" finds Bach Mai). Works on a SPARQL
endpoint too (--endpoint), through the folded search labels pushed with the graph.
Exit codes: 0 found, 1 nothing found, 2 bad input or endpoint."""
EXAMPLES = """examples:
  kg search "bach mai"
  kg search "benh vien" --kind institution --lang vi
  kg search ecmo --kind technique
  kg search "lao cai" --endpoint http://localhost:7878/query"""


def add_arguments(parser):
    parser.add_argument("text", metavar="TEXT", help="the name, or part of it")
    parser.add_argument("--kind", action="append", choices=sorted(set(KINDS.values())), metavar="KIND",
                        help="only this kind (institution, person, technique, specialty, area, ...); repeatable")
    parser.add_argument("--limit", type=non_negative, default=20, metavar="N", help="at most N results (default: 20; 0 for all)")
    add_output_arguments(parser)
    add_endpoint_arguments(parser)


def run(args) -> int:
    target = open_target(args.endpoint, args.timeout or 30, args.graph)
    matches = search(target, args.text, kinds=args.kind, limit=args.limit or None)
    rows = [(Literal(m.kind), URIRef(m.iri), Literal(m.how)) for m in matches]
    print_result(Result(["kind", "entity", "match"], rows), args, target)  # an empty table too, for scripts
    if not matches:
        print(f"nothing is named like \"{args.text}\"; try fewer or shorter words", file=sys.stderr)
        return 1
    return 0
