"""Asking the graph: stored queries and their headers, parameter binding, running locally or on an endpoint,
search by name, labels and result formats. Built on ``kg.graph``; knows nothing of validation or networks.
"""

from kg.queries.binding import coerce, resolve_entity
from kg.queries.engine import ask, select
from kg.queries.labels import Labels
from kg.queries.remote import Endpoint, push
from kg.queries.results import FORMATS, Result, render
from kg.queries.run import bindings_for, defaults, load_graph, open_target, run_query
from kg.queries.search import Match, kind_of
from kg.queries.stored import (Parameter, StoredQuery, adhoc_query, find_queries, parse_header, parsed, query_form,
                               read_query, stored_query)

__all__ = ["StoredQuery", "Parameter", "adhoc_query", "find_queries", "parse_header", "parsed", "query_form",
           "read_query", "stored_query", "select", "ask", "run_query", "bindings_for", "defaults", "load_graph",
           "open_target", "coerce", "resolve_entity", "Endpoint", "push", "Labels", "Result", "FORMATS", "render",
           "Match", "kind_of"]
