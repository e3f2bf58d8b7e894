"""Vietnam Health Cooperation Knowledge Graph: load the graph, run its stored queries, find entities by name.

>>> import kg
>>> rows = kg.query("find-by-name", name="BACH MAI")
>>> rows[0]["entity"]
'https://w3id.org/vnhealth/id/org/bach-mai-hospital'
>>> kg.validate().conforms
True
"""

from __future__ import annotations

from kg.errors import EndpointError, InputError, KGError, ParseError, QueryError
from kg.graph.store import GraphStore, open_store
from kg.queries.engine import select
from kg.queries.run import load_graph, run_query
from kg.queries.stored import StoredQuery, find_queries, stored_query
from kg.queries.remote import Endpoint, push
from kg.queries.results import Result
from kg.graph.search_labels import add_search_labels, fold, search_label_graph
from kg.queries.search import Match, search
from kg.validation.report import Finding, Report
from kg.validation.validator import validate

__all__ = [
    "open_store", "GraphStore", "load_graph", "query", "dataframe", "run_query", "select", "stored_query", "find_queries", "StoredQuery",
    "Result", "find", "search", "Match", "fold", "add_search_labels", "search_label_graph", "Endpoint", "push",
    "validate", "Report", "Finding", "KGError", "InputError", "ParseError", "QueryError", "EndpointError",
]

_loaded: dict = {}


def _target(graph=None, endpoint: str | Endpoint | None = None):
    if endpoint is not None:
        return endpoint if isinstance(endpoint, Endpoint) else Endpoint(endpoint)
    if graph is not None:
        return graph
    import os

    from kg.graph.files import default_root

    key = (str(default_root()), os.environ.get("KG_STORE"))  # one store per project folder
    if key not in _loaded:
        _loaded[key] = open_store()
    return _loaded[key]


def query(name: str, /, graph=None, endpoint: str | Endpoint | None = None, **params) -> list[dict]:
    """Run the stored query ``name`` with keyword parameters; rows as dicts of plain Python values.

    ``graph`` is the project's store (``open_store()``, opened once and kept when not given) or an rdflib
    dataset from ``load_graph()``;
    ``endpoint`` runs the query on a SPARQL endpoint instead. A parameter that names an entity
    takes an IRI, a prefixed name or a label (``institution="Bach Mai"``); a list runs once per value.
    """
    return run_query(stored_query(name), _target(graph, endpoint), params).records()


def find(text: str, /, graph=None, endpoint: str | Endpoint | None = None, kinds=None, limit=None) -> list[Match]:
    """Entities whose name matches ``text`` in any language, ignoring case and diacritics, best first.

    >>> [m.iri.rsplit("/", 1)[1] for m in find("BẠCH MAI", kinds=["institution"])]
    ['bach-mai-hospital', 'bach-mai-stroke-center']
    """
    return search(_target(graph, endpoint), text, kinds=kinds, limit=limit)


def dataframe(name: str, /, graph=None, endpoint: str | Endpoint | None = None, **params):
    """Like :func:`query`, as a pandas DataFrame (pandas must be installed)."""
    return run_query(stored_query(name), _target(graph, endpoint), params).to_dataframe()
