"""The OpenAPI 3 document of ``/api/NAME``: one GET path per stored query, as grlc describes a folder of queries
(summary, description and tags from the ``#+`` header, one query parameter per SPARQL parameter)."""

from __future__ import annotations

from kg.queries.run import defaults

_SCHEMAS = {"xsd_date": {"type": "string", "format": "date"}, "xsd_integer": {"type": "integer"},
            "xsd_decimal": {"type": "number"}, "iri": {"type": "string"}, "literal": {"type": "string"}}

_RESULTS = {
    "application/sparql-results+json": {"schema": {"type": "object"}},
    "application/sparql-results+xml": {"schema": {"type": "string"}},
    "text/csv": {"schema": {"type": "string"}},
    "text/tab-separated-values": {"schema": {"type": "string"}},
}


def openapi_document(queries, base: str) -> dict:
    """The OpenAPI 3.0 document of the stored queries (checks included), served from ``base``."""
    paths = {}
    for q in sorted(queries, key=lambda q: q.name):
        if q.query_type != "SELECT" and q.query_type != "ASK":
            continue
        preset = defaults(q)
        parameters = []
        for p in q.parameters:
            schema = dict(_SCHEMAS.get(p.kind, {"type": "string"}))
            if p.name in preset:
                value = preset[p.name]
                schema["default"] = int(value) if schema["type"] == "integer" else (
                    float(value) if schema["type"] == "number" else value)
            what = ("an IRI, a prefixed name (inst:bach-mai-hospital) or a name in any language"
                    if p.kind == "iri" else f"a value of type {p.kind.replace('_', ':')}")
            parameters.append({"name": p.name, "in": "query", "required": p.required and p.name not in preset,
                               "description": f"?{p.variable}: {what}; repeat it to run the query once per value",
                               "schema": schema})
        parameters.append({"name": "format", "in": "query", "required": False,
                           "description": "the answer's format, instead of the Accept header",
                           "schema": {"type": "string", "enum": ["json", "xml", "csv", "tsv"]}})
        paths[f"/api/{q.name}"] = {"get": {
            "operationId": q.name.replace("-", "_"),
            "summary": q.summary,
            "description": q.header.get("description") or q.summary,
            "tags": [str(t) for t in q.header.get("tags") or []],
            "parameters": parameters,
            "responses": {
                "200": {"description": "the rows of the query, as SPARQL results", "content": _RESULTS},
                "400": {"description": "an unknown or bad parameter; the message says which and what to give",
                        "content": {"text/plain": {"schema": {"type": "string"}}}},
                "503": {"description": "the query ran over the server's time limit",
                        "content": {"text/plain": {"schema": {"type": "string"}}}},
            },
        }}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Vietnam Health Cooperation Knowledge Graph: stored queries",
                 "version": "1", "description": "Every stored SPARQL query of the project as a GET path; "
                 "the SPARQL 1.1 endpoint is at /sparql.",
                 "license": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}},
        "servers": [{"url": base}],
        "paths": paths,
    }
