"""``kg push``: load the graph into a SPARQL store through the Graph Store Protocol."""

from __future__ import annotations


from kg.graph.store import open_store
from kg.queries.run import say
from kg.queries.remote import DEFAULT_TIMEOUT, graph_store_url, has_no_default_graph, push, shown_url

from kg.commands import positive_seconds

NAME = "push"
HELP = "replace a graph of a SPARQL store with the knowledge graph (Graph Store Protocol PUT)"
DESCRIPTION = """Send the whole graph (ontology, schemes, curated data and the generated search labels)
to a SPARQL 1.1 Graph Store endpoint with one HTTP PUT, which replaces the default graph, or
the named graph given with --graph. The graph is read back and its size checked. Queries
then run there with 'kg query NAME --endpoint QUERY-URL' (add --graph IRI when pushed to a
named graph).

Virtuoso's Graph Store endpoint (/sparql-graph-crud) has no default graph to replace: there
the graph goes to the named graph https://w3id.org/vnhealth/graph/all unless --graph names
another, and Virtuoso's /sparql answers queries over all its graphs, so 'kg query NAME
--endpoint http://HOST:8890/sparql' needs no --graph.

Exit codes: 0 pushed, 2 unreachable endpoint, timeout, HTTP error or a size mismatch."""
EXAMPLES = """examples:
  oxigraph serve --location /tmp/kg-store --bind 127.0.0.1:7878 &
  kg push --endpoint http://127.0.0.1:7878/store
  kg query agreements-in-force --endpoint http://127.0.0.1:7878/query
  kg push --endpoint http://127.0.0.1:7878/store --graph https://w3id.org/vnhealth/graph/all
  kg push --endpoint http://127.0.0.1:8890/sparql-graph-crud      # Virtuoso
  kg query agreements-in-force --endpoint http://127.0.0.1:8890/sparql"""


def add_arguments(parser):
    parser.add_argument("--endpoint", required=True, metavar="URL",
                        help="Graph Store Protocol URL (Oxigraph: http://HOST:PORT/store, Fuseki: .../DATASET/data, "
                             "Virtuoso: http://HOST:8890/sparql-graph-crud)")
    parser.add_argument("--graph", metavar="IRI", help="replace this named graph instead of the default graph "
                        f"(Virtuoso: default {VIRTUOSO_GRAPH})")
    parser.add_argument("--timeout", type=positive_seconds, default=DEFAULT_TIMEOUT, metavar="S",
                        help=f"seconds to wait for the store (default: {DEFAULT_TIMEOUT})")


#: The named graph a push goes to where the store has no default graph (Virtuoso).
VIRTUOSO_GRAPH = "https://w3id.org/vnhealth/graph/all"


def run(args) -> int:
    if not args.graph and has_no_default_graph(args.endpoint):
        args.graph = VIRTUOSO_GRAPH
        say(f"{shown_url(args.endpoint)} is Virtuoso's Graph Store endpoint, which has no default graph: pushing to "
            f"the named graph <{VIRTUOSO_GRAPH}> (give --graph for another)")
    graph_store_url(args.endpoint, args.graph)  # checks the graph IRI before loading anything
    count = push(open_store(progress=say), args.endpoint, args.graph, args.timeout)
    where = f"graph <{args.graph}>" if args.graph else "the default graph"
    print(f"pushed {count} triples to {where} of {shown_url(args.endpoint)}")
    return 0
