"""``kg query``: run a stored query by name, a query file or an ad-hoc query, locally or on an endpoint."""

from __future__ import annotations

import sys
from pathlib import Path

from kg.errors import InputError
from kg.graph.files import require_file
from kg.queries.labels import LANGUAGES, Labels
from kg.queries.run import open_target, run_query
from kg.queries.stored import adhoc_query, read_query, stored_query
from kg.queries.results import FORMATS, prefixed, render

from kg.commands import positive_seconds, table_width

NAME = "query"
HELP = "run a stored query (by name), a .rq file or an ad-hoc SPARQL query"
DESCRIPTION = """Run a stored query from queries/ by name, a query file (-f) or the text of a query (-e),
on the local graph or on a SPARQL 1.1 endpoint (--endpoint). Parameters are given as
-p name=value; a parameter that names an entity takes an IRI, a prefixed name
(inst:bach-mai-hospital) or a name in any language, with or without diacritics. Values are
bound as RDF terms, never pasted into the query text. Repeat -p with the same name to run
the query once per value. 'kg queries' lists the queries and their parameters.

IRIs are shown as labels in --lang (falling back to the other language, then to the
prefixed name); --iris shows them as IRIs instead (prefixed in table and Markdown, full in
CSV, TSV and JSON). The table is cut to the terminal's width (--width N to choose).
Exit codes: 0 ok, 2 bad query, parameter or endpoint."""
EXAMPLES = """examples:
  kg query institution-support -p institution="bach mai"
  kg query agreements-in-force -p date=2026-01-01 --lang vi
  kg query figures -p subject=inst:thanh-hoa-oncology-hospital --format csv
  kg query -e 'SELECT ?s WHERE { ?s a hkg:Hospital }' --iris
  kg query agreements-in-force --endpoint http://localhost:7878/query"""


def add_output_arguments(parser) -> None:
    """--format, --lang, --iris and --width, shared with ``kg search``."""
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="language of labels, falling back to the other (default: en)")
    parser.add_argument("--iris", action="store_true",
                        help="show IRIs instead of labels (prefixed in table and markdown, full otherwise)")
    parser.add_argument("--width", type=table_width, metavar="N", help="table width (default: the terminal's)")


def add_endpoint_arguments(parser) -> None:
    """--endpoint, --graph and --timeout, shared with ``kg search``."""
    parser.add_argument("--endpoint", metavar="URL", help="SPARQL 1.1 query endpoint to run on instead of the local graph")
    parser.add_argument("--graph", metavar="IRI", help="with --endpoint: query this named graph (as pushed with kg push --graph)")
    parser.add_argument("--timeout", type=positive_seconds, default=None, metavar="S",
                        help="seconds a query may take: waiting for the endpoint (default: 30), or running on the "
                             "local graph (default: 60), after which it stops with exit 2")


def add_arguments(parser):
    parser.add_argument("name", nargs="?", metavar="NAME", help="stored query name (see kg queries)")
    parser.add_argument("-f", "--file", type=Path, metavar="FILE.rq", help="run the query in this file")
    parser.add_argument("-e", "--execute", metavar="SPARQL", help="run this query text (project prefixes are predeclared)")
    parser.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                        help="a parameter value; repeat for several parameters or values")
    add_output_arguments(parser)
    add_endpoint_arguments(parser)


def parse_params(items: list[str]) -> dict[str, list[str]]:
    """``["a=1", "a=2", "b=x=y"]`` as ``{"a": ["1", "2"], "b": ["x=y"]}``.

    >>> parse_params(["date=2025-01-01", "institution=Bach Mai"])
    {'date': ['2025-01-01'], 'institution': ['Bach Mai']}
    """
    params: dict[str, list[str]] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"-p {item!r}: write a parameter as NAME=VALUE, e.g. -p date=2025-11-01")
        params.setdefault(name.strip(), []).append(value)
    return params


def print_result(result, args, target) -> None:
    """Print ``result`` in ``args.format``, IRIs as labels in ``args.lang`` unless ``args.iris``."""
    if args.iris:
        show = prefixed if args.format in ("table", "markdown") else str
    else:
        labels = Labels(target, args.lang)
        labels.prefetch(t for row in result.rows for t in row)
        show = labels.label
    sys.stdout.write(render(result, args.format, show, args.width))


def run(args) -> int:
    chosen = [x for x in (args.name, args.file, args.execute) if x]
    if len(chosen) != 1:
        raise InputError("give exactly one of: a stored query NAME, -f FILE.rq, or -e 'SPARQL'; "
                         "run 'kg queries' to list the stored ones")
    if args.name:
        query = stored_query(args.name)
    elif args.file:
        path = Path(args.file)
        require_file(path, "a .rq file")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at position {exc.start}); "
                             "save the query as UTF-8") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
        query = read_query(path) if text.lstrip().startswith("#+") else adhoc_query(text, str(path))
    else:
        query = adhoc_query(args.execute)
    target = open_target(args.endpoint, args.timeout or 30, args.graph)
    params = parse_params(args.param)
    if args.endpoint:
        result = run_query(query, target, params)
    else:
        result = run_with_time_limit(lambda: run_query(query, target, params), args.timeout or LOCAL_TIMEOUT)
    print_result(result, args, target)
    return 0


#: Seconds a query on the local graph may run by default.
LOCAL_TIMEOUT = 60.0


def run_with_time_limit(work, seconds: float):
    """The value of ``work()``, run on a thread of its own; past ``seconds`` the command stops with a message and
    exit 2. Oxigraph cannot be interrupted once a query runs, so the process itself ends (nothing has been
    written yet: results are printed only after the query is done)."""
    import os
    import threading

    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the main thread, which raises it
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="query", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        print(f"Error: the query was stopped after {seconds:g} s, its time limit; make it more selective "
              "(a LIMIT, fewer OPTIONALs, a narrower pattern), or give more time with --timeout S", file=sys.stderr,
              flush=True)
        os._exit(2)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
