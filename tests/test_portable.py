"""The stored queries are written so that every SPARQL engine the project meets gives the same rows:
rules that Virtuoso 7 and grlc need, checked on the text of every query.

- No property path with ``*`` or ``+`` inside FILTER EXISTS, FILTER NOT EXISTS or MINUS (Virtuoso drops
  rows there, or fails to compile): there a class and its subclasses are a VALUES list, marked
  ``# hkg:C and its subclasses``, and "the most specific type" is an OPTIONAL over a VALUES list of the
  pairs of a narrower and a broader class, marked ``# narrower and broader classes below hkg:C``,
  followed by ``FILTER(!BOUND(?narrower))``. This test keeps both lists equal to the ontology: run
  ``python tests/test_portable.py hkg:C`` to print them.
- An aggregate appears in ORDER BY as its bare variable (or in ASC/DESC), never inside an expression
  such as STR() (Virtuoso's SP031).
- No optional parameter tested with BOUND(?__x), which grlc's text replacement breaks.
- A query with a parameter of an XSD type declares the xsd: prefix, word for word as grlc writes it: grlc
  otherwise puts the declaration before every SELECT of the text, sub-SELECTs too, which does not parse.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
sys.path.insert(0, str(ROOT))

from kg.graph.files import Project, load_ontology  # noqa: E402
from kg.namespaces import HKG  # noqa: E402
from kg.queries.stored import find_queries  # noqa: E402

HKG_IRI = str(HKG)


def _all_queries():
    return find_queries(ROOT / "queries", checks=False) + find_queries(ROOT / "queries", checks=True)


def _short(iri) -> str:
    return "hkg:" + str(iri)[len(HKG_IRI):] if str(iri).startswith(HKG_IRI) else f"<{iri}>"


def subclasses(ontology, root: str) -> list[str]:
    """``root`` (written hkg:C) and every class below it, sorted."""
    from rdflib import RDFS, URIRef

    top = URIRef(HKG_IRI + root.split(":", 1)[1])
    return sorted(_short(c) for c in ontology.transitive_subjects(RDFS.subClassOf, top))


def class_pairs(ontology, root: str) -> list[tuple[str, str]]:
    """Every (narrower, broader) pair of distinct classes at or below ``root``, sorted."""
    from rdflib import RDFS, URIRef

    below = {_short(c) for c in ontology.transitive_subjects(RDFS.subClassOf, URIRef(HKG_IRI + root.split(":", 1)[1]))}
    pairs = set()
    for narrower in below:
        iri = URIRef(HKG_IRI + narrower.split(":", 1)[1])
        for broader in ontology.transitive_objects(iri, RDFS.subClassOf):
            if _short(broader) in below and _short(broader) != narrower:
                pairs.add((narrower, _short(broader)))
    return sorted(pairs)


def all_class_pairs(ontology) -> list[tuple[str, str]]:
    """Every (narrower, broader) pair of distinct classes of the ontology, sorted."""
    from rdflib import RDFS, URIRef

    pairs = set()
    for narrower in set(ontology.subjects(RDFS.subClassOf, None)):
        if isinstance(narrower, URIRef):
            for broader in ontology.transitive_objects(narrower, RDFS.subClassOf):
                if isinstance(broader, URIRef) and broader != narrower:
                    pairs.add((_short(narrower), _short(broader)))
    return sorted(pairs)


def _blocks(text: str):
    """(kind, root, values) for every marked VALUES block of a query."""
    for match in re.finditer(r"VALUES\s+(\?\w+|\(\s*\?\w+\s+\?\w+\s*\))\s*\{([^}]*)\}\s*#\s*(.+)", text):
        head, body, note = match.groups()
        note = note.strip()
        single = re.fullmatch(r"(hkg:\w+) and its subclasses", note)
        double = re.fullmatch(r"narrower and broader classes below (hkg:\w+)", note)
        if single:
            yield "classes", single.group(1), sorted(body.split())
        elif double:
            yield "pairs", double.group(1), sorted(tuple(p.split()) for p in re.findall(r"\(([^)]*)\)", body))
        elif note == "narrower and broader classes of the ontology":
            yield "all pairs", None, sorted(tuple(p.split()) for p in re.findall(r"\(([^)]*)\)", body))


@pytest.fixture(scope="module")
def ontology():
    return load_ontology(Project(ROOT))


@pytest.mark.parametrize("query", _all_queries(), ids=lambda q: q.name)
def test_class_lists_equal_the_ontology(query, ontology):
    for kind, root, values in _blocks(query.text):
        expected = subclasses(ontology, root) if kind == "classes" else class_pairs(ontology, root) \
            if kind == "pairs" else all_class_pairs(ontology)
        assert values == expected, f"{query.name}: the list of {root} is stale; run python tests/test_portable.py {root}"


def _negations(text: str):
    """The bodies of FILTER EXISTS, FILTER NOT EXISTS and MINUS groups (with nested braces)."""
    for match in re.finditer(r"\b(?:EXISTS|MINUS)\s*\{", text):
        depth, i = 1, match.end()
        while depth and i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        yield text[match.end():i - 1]


def _body(text: str) -> str:
    """The query without its comment lines (the grlc header)."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


@pytest.mark.parametrize("query", _all_queries(), ids=lambda q: q.name)
def test_no_transitive_path_in_a_negation(query):
    for inner in _negations(_body(query.text)):
        assert not re.search(r"subClassOf[*+]", inner), \
            f"{query.name}: a * or + path inside EXISTS or MINUS; write the classes as a VALUES list " \
            "(python tests/test_portable.py hkg:C prints it)"


@pytest.mark.parametrize("query", _all_queries(), ids=lambda q: q.name)
def test_no_expression_over_an_aggregate_in_order_by(query):
    text = _body(query.text)
    aliases = set(re.findall(r"\(\s*(?:COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(.*?\)\s+AS\s+(\?\w+)\s*\)", text,
                             flags=re.I | re.S))
    order = re.search(r"\n\s*ORDER BY(.*)$", text, flags=re.S)
    if not aliases or not order:
        return
    # the last ORDER BY belongs to the outermost SELECT: it may sort by an alias only if the aggregation is inside
    outer_group = re.search(r"\}\s*GROUP BY[^\n]*\n\s*ORDER BY", text)
    if outer_group:
        keys = re.sub(r"\b(?:ASC|DESC)\(\s*(\?\w+)\s*\)", r"\1", order.group(1), flags=re.I)
        used = [a for a in aliases if re.search(rf"\(\s*[^()]*{re.escape(a)}\b", keys)]
        assert not used, f"{query.name}: ORDER BY uses {used} inside an expression; wrap the aggregation in a sub-SELECT"


@pytest.mark.parametrize("query", _all_queries(), ids=lambda q: q.name)
def test_no_bound_test_of_a_parameter(query):
    assert not re.search(r"BOUND\s*\(\s*\?__", _body(query.text)), f"{query.name}: write COALESCE(STR(?__x), \"\") = \"\""


@pytest.mark.parametrize("query", _all_queries(), ids=lambda q: q.name)
def test_a_typed_parameter_comes_with_the_xsd_prefix(query):
    if re.search(r"\?_{1,2}[a-zA-Z0-9]+_xsd_", query.text):
        assert "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>" in query.text, f"{query.name}: declare the xsd: prefix"


if __name__ == "__main__":  # print the VALUES lists of a class: python tests/test_portable.py hkg:Event
    onto = load_ontology(Project(ROOT))
    for name in sys.argv[1:]:
        if name != "all":
            print(f"VALUES ?class {{ {' '.join(subclasses(onto, name))} }}  # {name} and its subclasses")
        if name == "all":
            pairs = " ".join(f"({a} {b})" for a, b in all_class_pairs(onto))
            print(f"VALUES (?narrower ?kind) {{ {pairs} }}  # narrower and broader classes of the ontology")
            continue
        pairs = " ".join(f"({a} {b})" for a, b in class_pairs(onto, name))
        print(f"VALUES (?narrower ?kind) {{ {pairs} }}  # narrower and broader classes below {name}")
