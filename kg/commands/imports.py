"""``kg import``: bring facts in from outside the project and write them as TriG in its conventions.

Each kind of import is a module of ``kg.commands`` named ``import_<kind>`` with HELP, DESCRIPTION,
EXAMPLES, add_arguments(parser) and run(args), as the top-level commands have.
"""

from __future__ import annotations

import argparse
import importlib

NAME = "import"
HELP = "write TriG from an outside source: the administrative gazetteer, or a spreadsheet of facts"
DESCRIPTION = """Turn facts from outside the project into TriG files in its conventions (one named graph per
source, prefixes, slug IRIs, dates at their precision). Nothing is written unless the whole input
passes; the message of a refusal names the row, column or unit and says what to do."""
EXAMPLES = """examples:
  kg import gazetteer            # Vietnam's provinces and communes, before and after 1 July 2025
  kg import table hospitals.csv --as institutions
  kg import table --help"""

#: The kinds of import, each the module kg.commands.import_<kind>.
KINDS = ["gazetteer", "table"]


def add_arguments(parser):
    sub = parser.add_subparsers(dest="kind", metavar="KIND")
    for kind in KINDS:
        module = importlib.import_module(f"kg.commands.import_{kind}")
        cmd = sub.add_parser(kind, help=module.HELP, description=module.DESCRIPTION,
                             epilog=getattr(module, "EXAMPLES", None),
                             formatter_class=argparse.RawDescriptionHelpFormatter)
        module.add_arguments(cmd)
        cmd.set_defaults(run=module.run)
    parser.set_defaults(run=_no_kind, import_parser=parser)


def _no_kind(args) -> int:
    args.import_parser.print_help()
    return 2


def run(args) -> int:  # pragma: no cover - each kind sets its own run
    return _no_kind(args)
