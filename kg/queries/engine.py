"""Running SPARQL text on a target: an rdflib graph or dataset, the persistent store, or a remote endpoint."""

from __future__ import annotations


from kg.errors import QueryError
from kg.queries.stored import parsed


def _local(target, text: str, bindings: dict | None):
    from rdflib import Literal

    from kg.queries.results import Result

    for name, value in (bindings or {}).items():
        if isinstance(value, (list, tuple)):
            raise QueryError(f"cannot bind a list to ?{name} locally; run the query once per value")
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

def select(target, text: str, bindings: dict | None = None):
    """Run SPARQL ``text`` on ``target`` (an rdflib graph or dataset, or a ``kg.queries.remote.Endpoint``).

    ``bindings`` maps variable names to RDF terms: ``initBindings`` locally, a VALUES block remotely.
    Returns a ``kg.queries.results.Result``.
    """
    from kg.queries.remote import Endpoint

    if isinstance(target, Endpoint):
        return target.select(text, bindings)
    return _local(target, text, bindings)

def ask(target, text: str, bindings: dict | None = None) -> bool:
    """The answer of an ASK query on ``target``."""
    return bool(select(target, text, bindings).rows[0][0])
