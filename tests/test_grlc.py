"""grlc itself (the PyPI package, version 1.3.11) on every stored query: its decorator parser reads the
header and finds the parameters, its ``rewrite_query`` fills them, with every optional parameter given
and left out in turn, and the filled text gives the rows of the project's own binding on the same store.

grlc reads a ``config.ini`` from the working folder when it is imported and writes nothing; enumerations
would query an endpoint, but no stored query asks for one (checked below), so nothing leaves the machine.
"""

from __future__ import annotations

import os

import pytest

from kg.graph.files import Project
from kg.queries.engine import select
from kg.queries.run import bindings_for
from kg.queries.stored import find_queries
from test_grlc_fill import SAMPLES

QUERIES = [q for q in find_queries(Project().query_dir, checks=False) if q.parameters]


@pytest.fixture(scope="module")
def gquery(tmp_path_factory):
    here = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("grlc"))  # its config.ini is looked for here
    try:
        return pytest.importorskip("grlc.gquery", reason="grlc is not installed (pip install -e '.[dev]')")
    finally:
        os.chdir(here)


def cases():
    for query in QUERIES:
        yield pytest.param(query, None, id=f"{query.name}-all")
        for p in query.parameters:
            if not p.required:
                yield pytest.param(query, p.name, id=f"{query.name}-without-{p.name}")


def test_every_query_with_parameters_is_tried():
    assert len(QUERIES) >= 15 and all("enumerate" not in q.text for q in QUERIES)


@pytest.mark.parametrize("query,left_out", list(cases()))
def test_grlc_fills_every_query_and_gets_the_projects_rows(query, left_out, store, gquery):
    metadata = gquery.get_metadata(query.text, "http://127.0.0.1:9/sparql")
    assert metadata["type"] == "SelectQuery"
    found = metadata["parameters"]
    # grlc sees the parameters the project sees, required and optional alike
    assert {p["original"][1:]: p["required"] for p in found.values()} == \
        {p.variable: p.required for p in query.parameters}
    given = {p.name: SAMPLES[p.name] for p in query.parameters if not p.required and p.name in SAMPLES}
    if left_out:
        given.pop(left_out, None)
    [bindings] = bindings_for(query, store, given)
    expected = select(store, query.text, bindings)
    by_variable = {p["original"][1:]: name for name, p in found.items()}
    get_args = {by_variable[variable]: str(term) for variable, term in bindings.items()}
    filled = gquery.rewrite_query(query.text, found, get_args)
    assert "?_" not in filled.replace(f"?__{left_out}", "") if left_out else "?_" not in filled
    got = select(store, filled)
    assert (got.variables, got.rows) == (expected.variables, expected.rows)
