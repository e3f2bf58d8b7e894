"""Running stored queries: parameters bound as RDF terms over the header's defaults, once per value."""

from __future__ import annotations

from kg.errors import QueryError
from kg.graph.store import open_store
from kg.queries.engine import select
from kg.queries.stored import StoredQuery, stored_query


def defaults(query: StoredQuery) -> dict[str, str]:
    """The header's defaults as ``{parameter name: value}``; grlc writes them as a list of one-key maps.

    >>> from pathlib import Path
    >>> defaults(StoredQuery("q", Path("q.rq"), {"defaults": [{"date": "2025-01-01"}]}, ""))
    {'date': '2025-01-01'}
    """
    raw = query.header.get("defaults") or {}
    if isinstance(raw, list):
        merged = {}
        for item in raw:
            if isinstance(item, dict):
                merged.update(item)
        raw = merged
    if not isinstance(raw, dict):
        raise QueryError(f"{query.path}: '#+ defaults:' must be a list of 'name: value' entries")
    return {str(k).lstrip("_"): str(v) for k, v in raw.items()}

def bindings_for(query: StoredQuery, target, params: dict | None = None) -> list[dict]:
    """The sets of bindings to run ``query`` with: ``params`` (name -> value or list of values) over the defaults.

    Every value is turned into an RDF term by ``kg.queries.binding.coerce``; a list gives one run per
    value. A missing required parameter or an unknown name is a ``QueryError``.
    """
    import itertools

    from kg.queries.binding import coerce

    by_name = {p.name: p for p in query.parameters}
    by_name.update({p.variable: p for p in query.parameters})
    given: dict[str, list] = {}
    for key, value in (params or {}).items():
        param = by_name.get(key) or by_name.get(key.lstrip("?"))
        if param is None:
            known = ", ".join(p.name for p in query.parameters) or "none"
            raise QueryError(f"query '{query.name}' has no parameter '{key}'; its parameters: {known}")
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        given.setdefault(param.name, []).extend(values)
    for name, value in defaults(query).items():
        if name in by_name and by_name[name].name not in given:
            given[by_name[name].name] = [value]
    missing = [p.name for p in query.parameters if p.required and p.name not in given]
    if missing:
        raise QueryError(f"query '{query.name}' needs a value for: {', '.join(missing)}; "
                         f"give it as -p {missing[0]}=VALUE")
    names = [p for p in query.parameters if p.name in given]
    choices = [[coerce(target, p, v) for v in given[p.name]] for p in names]
    return [{p.variable: term for p, term in zip(names, combo)} for combo in itertools.product(*choices)]

def run_query(query: StoredQuery | str, target, params: dict | None = None):
    """Run a stored query (or its name) on ``target`` with ``params``; returns a ``kg.queries.results.Result``.

    Several values for one parameter run the query once per value and concatenate the rows,
    in the order the values were given.
    """
    from kg.queries.results import Result

    if isinstance(query, str):
        query = stored_query(query)
    result = None
    for bindings in bindings_for(query, target, params):
        try:
            part = select(target, query.text, bindings)
        except QueryError as exc:
            if query.path.suffix == ".rq" and query.path.is_file() and not str(exc).startswith(str(query.path)):
                raise QueryError(f"{query.path}: {exc}") from None
            raise
        result = part if result is None else Result(result.variables, result.rows + part.rows)
    return result

def say(message: str) -> None:
    """Progress of long work (building or refreshing the store), one line on standard error when it is a
    terminal: results go to standard output, and logs and pipes get only what they asked for."""
    import sys

    if sys.stderr.isatty():
        print(f"* {message}", file=sys.stderr, flush=True)


def load_graph(project=None):
    """The ontology, schemes, curated data and search labels as one queryable rdflib ``Dataset``."""
    from kg.graph.search_labels import add_search_labels, has_search_labels
    from kg.graph.files import load_dataset

    dataset = load_dataset(project=project)
    if not has_search_labels(dataset):
        add_search_labels(dataset)
    return dataset

def open_target(endpoint: str | None = None, timeout: float | None = None, graph: str | None = None):
    """Where to run queries: a ``kg.queries.remote.Endpoint`` when ``endpoint`` is given, else the project's store
    (refreshed first when a file changed, saying so on standard error)."""
    from kg.queries.remote import DEFAULT_TIMEOUT, Endpoint

    if endpoint:
        return Endpoint(endpoint, timeout or DEFAULT_TIMEOUT, graph)
    if graph:
        from kg.errors import InputError

        raise InputError(f"--graph {graph} names a graph on an endpoint; give --endpoint URL too, "
                         "or leave --graph out to query the local graph")
    return open_store(progress=say)

