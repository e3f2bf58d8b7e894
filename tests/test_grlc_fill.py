"""Every stored query gives the same rows when its parameters are filled the way grlc fills them: by plain
text replacement of ``?_name_type`` and ``?__name_type`` in the query (an IRI as ``<...>``, a typed
literal as ``"..."^^xsd:type``, a plain one in quotes), optional parameters left as they are when not
given. The reference is the project's own binding (a VALUES block of RDF terms) on the same store.

This mirrors grlc's ``rewrite_query`` (gquery.py); it does not run grlc itself."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from kg.graph.files import Project
from kg.queries.engine import select
from kg.queries.run import bindings_for
from kg.queries.stored import find_queries

#: values for optional parameters that have no default, so that each is tried given and not given
SAMPLES = {"status": "https://w3id.org/vnhealth/id/concept/status/in-force",
           "institution": "https://w3id.org/vnhealth/id/org/bach-mai-hospital",
           "specialty": "https://w3id.org/vnhealth/id/concept/specialty/oncology",
           "asof": "2023-05-05",
           "place": "https://w3id.org/vnhealth/id/area/lao-cai-province",
           "equipment": "https://w3id.org/vnhealth/id/concept/equipment/information-systems"}
QUERIES = [q for q in find_queries(Project().query_dir, checks=False) if q.parameters]
XSD_PREFIX = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>"


def grlc_fill(text: str, values: dict[str, object]) -> str:
    """``text`` with each ``?variable`` of ``values`` replaced as grlc does, by plain text replacement.

    >>> grlc_fill("SELECT * { ?s ?p ?_x_iri . FILTER(COALESCE(STR(?__d_xsd_date), '') = '') }",
    ...           {"_x_iri": URIRef("urn:a")})
    "SELECT * { ?s ?p <urn:a> . FILTER(COALESCE(STR(?__d_xsd_date), '') = '') }"
    """
    typed = False
    for variable, term in values.items():
        if isinstance(term, URIRef):
            shown = f"<{term}>"
        elif isinstance(term, Literal) and term.datatype is not None:
            shown = f'"{term}"^^xsd:{str(term.datatype).rsplit("#", 1)[-1]}'
            typed = True
        else:
            shown = f'"{term}"'
        text = text.replace(f"?{variable}", shown)
    if typed and XSD_PREFIX not in text:
        text = text.replace("SELECT", XSD_PREFIX + "\n\nSELECT", 1)
    return text


def cases():
    for query in QUERIES:
        optional = [p.name for p in query.parameters if not p.required]
        yield pytest.param(query, None, id=f"{query.name}-all")
        for name in optional:
            yield pytest.param(query, name, id=f"{query.name}-without-{name}")


@pytest.mark.parametrize("query,left_out", list(cases()))
def test_grlc_text_filling_gives_the_rows_of_the_projects_binding(query, left_out, store):
    given = {p.name: SAMPLES[p.name] for p in query.parameters if not p.required and p.name in SAMPLES}
    if left_out:
        given.pop(left_out, None)
    [bindings] = bindings_for(query, store, given)
    expected = select(store, query.text, bindings)
    filled = grlc_fill(query.text, bindings)
    assert "?_" not in filled.replace(f"?__{left_out}", "") if left_out else "?_" not in filled
    got = select(store, filled)
    assert (got.variables, got.rows) == (expected.variables, expected.rows)
    assert expected.rows or query.name in {"agreements-ending"}, "the case binds nothing: pick a sample that answers"
