"""``kg import table``: a spreadsheet of institutions, agreements, activities, posts or figures as TriG."""

from __future__ import annotations

import sys
from pathlib import Path

from kg.errors import InputError
from kg.graph.export import write_atomic
from kg.graph.files import Project
from kg.graph.tables import read_table
from kg.queries.table_columns import KINDS, columns_text, values_text
from kg.queries.results import prefixed
from kg.queries.table_import import REFERENCE, import_table
from kg.validation.tables import check_import, store_files

HELP = "turn a spreadsheet (CSV or TSV) of institutions, agreements, activities, posts or figures into TriG"
DESCRIPTION = """Read FILE, a table saved as CSV or TSV in UTF-8 (with or without a byte-order mark; save an
.xlsx sheet as "CSV UTF-8" first), whose header row names its columns, and write its rows as TriG
in the project's conventions. --as says what each row is:

""" + "\n".join(f"  {name:<13}{kind.summary}" for name, kind in KINDS.items()) + """

The templates, one per kind with every column, are data/templates/KIND.csv; data/templates/README.md
says what each column means, the property it becomes, whether it is required and the values it takes
(--columns KIND prints the same, with the concepts and classes the graph accepts today). The examples
in data/templates/examples/ restate facts of source 004.

- the source column names a source document of data/reference/sources.trig (004, src:004); each
  row's facts go into that source's named graph, graph:source-NNN, and cite it. Institutions go into
  graph:reference, citing the sources of their rows; an institution, person or area that the facts
  mention is given the source as well, in graph:reference.
- names are found as kg search finds them: in any language, with or without diacritics. A name
  that matches several entities equally well is refused with the candidates; an institution whose
  name matches none is new. New entities get a slug IRI (from the id column, or made from the name),
  unique in the graph.
- dates keep the precision the source gives (a year, a month, a day, or --MM-DD without a year).
- the TriG is validated with the project's data against the shapes and checks before anything is
  written. Every problem is reported with its row (the header is row 1) and column, and nothing is
  written unless the whole table passes. With -o the file is written atomically (an existing file
  is replaced, and the table is checked against the project without it, so an import can be run
  again into the same file); without -o the TriG goes to standard output.

Exit codes: 0 written, 2 a problem in the table or a bad argument (nothing written)."""
EXAMPLES = """examples:
  kg import table data/templates/examples/004-institutions.csv --as institutions
  kg import table hospitals.csv --as institutions -o data/reference/institutions-lao-cai-2025.trig
  kg import table agreements.tsv --as agreements -o data/sources/005-agreements.trig
  kg import table --columns figures"""


def add_arguments(parser):
    parser.add_argument("file", nargs="?", type=Path, metavar="FILE", help="the table: a .csv or .tsv file")
    parser.add_argument("--as", dest="table_kind", choices=list(KINDS), metavar="KIND",
                        help=f"what each row is: {', '.join(KINDS)}")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE.trig",
                        help="write the TriG here (atomically) instead of to standard output")
    parser.add_argument("--columns", choices=list(KINDS), metavar="KIND",
                        help="print the columns of KIND's table, with the values the graph accepts, and stop")


def _columns(kind: str, project: Project) -> str:
    from kg.graph.store import open_store
    from kg.queries.results import prefixed
    from kg.queries.table_names import Resolver

    spec = KINDS[kind]
    names = Resolver(open_store(project))
    lines = [columns_text(kind), "Values the graph accepts today:"]
    for column in spec.columns:
        if column.value == "class":
            iris = set().union(*names.classes(spec.roots).values())
        elif column.value == "concept":
            iris = set().union(*names.concepts(column.scheme).values())
        else:
            continue
        lines.append(f"  {column.name}: " + ", ".join(sorted(prefixed(i).split(":", 1)[1] for i in iris)))
    return "\n".join(lines) + "\n\n" + values_text()


def run(args) -> int:
    project = Project()
    if args.columns:
        sys.stdout.write(_columns(args.columns, project))
        return 0
    if args.file is None or args.table_kind is None:
        raise InputError("give the table and what its rows are, e.g. kg import table hospitals.csv --as "
                         f"institutions (KIND is one of {', '.join(KINDS)}); kg import table --columns KIND lists "
                         "a kind's columns")
    if args.output is not None and args.output.suffix.lower() != ".trig":
        raise InputError(f"-o {args.output}: the output is TriG; give a file name ending in .trig")
    table = read_table(args.file)
    target = _target(project, args.output)
    imported = import_table(table, args.table_kind, target)
    warnings = check_import(imported, project, target, args.output)
    text = imported.text()
    for note in imported.notes:
        print(f"* {note}", file=sys.stderr)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    summary = f"{args.file.name}: {_count(len(table.rows), 'row')} read as {args.table_kind}"
    if imported.kind.in_reference:
        summary += (f", {_count(len(imported.new), 'new institution')} and {len(imported.existing)} already in the "
                    "graph, in graph:reference")
    else:
        made = sum(len(e) for g, e in imported.graphs.items() if g != REFERENCE)
        cited = len(imported.graphs.get(REFERENCE, []))
        summary += f", {_count(made, 'new entity', 'new entities')} in " + ", ".join(
            prefixed(g) for g in sorted(imported.graphs, key=str) if g != REFERENCE)
        if cited:
            summary += f", the source added to {_count(cited, 'reference entity', 'reference entities')}"
    summary += f"; conforms with the project's data ({_count(len(warnings), 'warning')})"
    if args.output:
        write_atomic(args.output, text)
        print(f"wrote {args.output}: {summary}", file=sys.stderr)
    else:
        sys.stdout.write(text)
        print(summary, file=sys.stderr)
    return 0


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _target(project: Project, output: Path | None):
    """The graph names are resolved in: the store, or, when the output replaces a curated file, the data
    without it."""
    from kg.graph.store import memory_store, open_store

    files = store_files(project, output)
    if len(files) == len(project.store_files):
        return open_store(project)
    return memory_store(files, project)

