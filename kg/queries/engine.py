"""Running SPARQL text on a target: an rdflib graph or dataset, the persistent store, or a remote endpoint.

Locally a query reads only its target: SERVICE is refused, and FROM / FROM NAMED may name only the
target's own graphs. rdflib would otherwise fetch or read whatever FROM names (a ``file:`` path, an
address); loading is switched off for the whole process when this module is imported
(``rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS``), so FROM then picks a graph the dataset already has.
"""

from __future__ import annotations

import rdflib.plugins.sparql


from kg.errors import QueryError
from kg.graph.store import GraphStore
from kg.queries.stored import dataset_clauses, parsed, refuse_outside_graphs, refuse_service
from kg.queries.terms import insert_values

rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False


def _local(target, text: str, bindings: dict | None):
    from rdflib import Literal

    from kg.queries.results import Result

    try:
        answer = target.query(parsed(text), initBindings=bindings or {})
    except QueryError:
        raise
    except Exception as exc:
        raise QueryError(f"the query failed: {type(exc).__name__}: {exc}") from None
    if answer.type == "ASK":
        return Result(["ask"], [(Literal(bool(answer.askAnswer)),)])
    if answer.type in ("CONSTRUCT", "DESCRIBE"):
        return Result(["subject", "predicate", "object"], sorted(tuple(t) for t in answer.graph))
    return Result([str(v) for v in answer.vars], [tuple(row) for row in answer])

def _stored(target: GraphStore, text: str, bindings: dict | None, union: bool = True):
    """Run ``text`` on the persistent store with Oxigraph's engine.

    Bindings go into a VALUES block at the start of the WHERE group, as for a remote endpoint
    (Oxigraph substitutes only variables the query projects).
    """
    import pyoxigraph as ox
    from rdflib import Literal

    from kg.graph.store import to_rdflib
    from kg.queries.results import Result

    try:
        answer = target.query(insert_values(text, bindings) if bindings else text, union=union)
        if isinstance(answer, ox.QueryBoolean):
            return Result(["ask"], [(Literal(bool(answer)),)])
        if isinstance(answer, ox.QueryTriples):
            triples = {(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in answer}
            return Result(["subject", "predicate", "object"], sorted(triples))
        variables = [v.value for v in answer.variables]
        width = range(len(variables))
        return Result(variables, [tuple(to_rdflib(row[i]) for i in width) for row in answer])
    except SyntaxError as exc:
        raise QueryError(f"the SPARQL does not parse: {exc}") from None
    except (ValueError, OSError, RuntimeError) as exc:
        raise QueryError(f"the query failed: {exc}") from None


def select(target, text: str, bindings: dict | None = None):
    """Run SPARQL ``text`` on ``target``: the persistent store (``kg.graph.store.GraphStore``), an rdflib
    graph or dataset, or a ``kg.queries.remote.Endpoint``.

    ``bindings`` maps variable names to RDF terms: a VALUES block on the store and remotely,
    ``initBindings`` on rdflib. Returns a ``kg.queries.results.Result``.
    """
    from kg.queries.remote import Endpoint

    if isinstance(target, Endpoint):
        return target.select(text, bindings)
    refuse_service(text)
    for name, value in (bindings or {}).items():
        if isinstance(value, (list, tuple)):
            raise QueryError(f"cannot bind a list to ?{name} locally; run the query once per value")
    if isinstance(target, GraphStore):
        # FROM names the query's dataset among the store's graphs (else the union is the default graph)
        named = dataset_clauses(text)
        if named:
            refuse_outside_graphs(named, set(target.graph_names()))
        return _stored(target, text, bindings, union=not named)
    named = dataset_clauses(text)
    if named:
        refuse_outside_graphs(named, {str(g.identifier) for g in target.graphs()} if hasattr(target, "graphs") else set())
    return _local(target, text, bindings)

def ask(target, text: str, bindings: dict | None = None) -> bool:
    """The answer of an ASK query on ``target``."""
    return bool(select(target, text, bindings).rows[0][0])
