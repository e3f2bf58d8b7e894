"""SHACL validation reports from pySHACL (the reference) or from pyshacl-turbo, a Rust engine with pySHACL's API.

``results_graph(data, shapes, ontology)`` returns the ``sh:ValidationReport`` graph, in
pySHACL's vocabulary, that ``pyshacl.validate`` returns with the options the project uses:
the ontology as ``ont_graph``, no pre-inference, SHACL Advanced Features on (the
``sh:SPARQLTarget`` targets of shapes/ need them), warnings not failing conformance.

Engines:

``"pyshacl"``
    pySHACL itself: the reference.
``"turbo"``
    pyshacl-turbo. The ontology is mixed into the data the way pySHACL mixes it
    (pySHACL's own ``inoculate``: only the RDFS and OWL axioms), and the data goes to the
    engine as an rdflib graph. The engine's own ``ont_graph`` option gives the same findings
    but serialises the data, mixes the ontology in natively and decodes the result back into
    rdflib before converting it again: 4 to 7 times slower than this, with 3 times the memory
    at a million triples. N-Triples text or a file is slower too (the engine decodes it into
    rdflib first): 4.5 times slower than the graph at 120,000 triples.
``"auto"`` (the default)
    turbo when it is installed, is of the series the differential test was run with, and
    the shapes use only what that test covers; pySHACL otherwise. ``pick_engine`` says
    which, and why not turbo.

pyshacl-turbo gives the same results as pySHACL on the project's shapes (Core constraints,
``sh:SPARQLTarget`` targets, every shape with its ``sh:message``): tests/test_shacl_fast.py
compares the two on the curated data and on every case of tests/shapes/. It differs where
the shapes of the project do not go, so "auto" keeps such shapes on pySHACL:

* ``sh:sparql`` constraints run on a different SPARQL engine: a comparison of literals of
  different datatypes (an ``xsd:gYear`` with an ``xsd:date``) is an error there, so no
  result, where rdflib orders them by datatype IRI; two ``xsd:gYear`` values are compared.
* a shape without ``sh:message`` gets another default message
  (``"MinCountConstraintComponent violated at inst:x"``); the other fields are the same.
* ``sh:rule`` and the other SHACL-AF features than ``sh:SPARQLTarget`` are not covered by
  the differential test.
"""

from __future__ import annotations

from rdflib import BNode, Graph
from rdflib.namespace import RDF

from kg.errors import InputError
from kg.namespaces import SH

ENGINES = ("auto", "pyshacl", "turbo")

#: The pySHACL options of every validation (the same as the project's validation uses).
OPTIONS = {"inference": "none", "advanced": True, "allow_warnings": True}

#: The pyshacl-turbo release series the differential test was run with; "auto" uses no other.
TURBO_SERIES = "0.6."

#: Shape predicates whose results the differential test does not cover, with the reason.
_NOT_COVERED = {
    SH.sparql: "has sh:sparql constraints, which the two engines evaluate with different SPARQL engines",
    SH.rule: "has sh:rule rules (SHACL-AF), which the differential test does not cover",
    SH.js: "has SHACL-JS, which pyshacl-turbo does not implement",
    SH.jsFunctionName: "has SHACL-JS, which pyshacl-turbo does not implement",
}
_NOT_COVERED_TYPES = {
    SH.SPARQLFunction: "declares SHACL-AF SPARQL functions, which the differential test does not cover",
    SH.SPARQLTargetType: "declares SHACL-AF target types, which the differential test does not cover",
    SH.ConstraintComponent: "declares its own constraint components, which the differential test does not cover",
}


def _turbo():
    """The pyshacl-turbo module, or None when it is not installed."""
    try:
        import pyshacl_turbo
    except ImportError:
        return None
    return pyshacl_turbo


def engine_available() -> bool:
    """True when pyshacl-turbo can be imported."""
    return _turbo() is not None


def turbo_version() -> str | None:
    """The installed pyshacl-turbo version, or None."""
    turbo = _turbo()
    return getattr(turbo, "__version__", "unknown") if turbo is not None else None


def turbo_unfit_reason(shapes: Graph) -> str | None:
    """Why these shapes are not left to pyshacl-turbo under "auto", or None when they can be.

    A shape that reports results (a node shape, or a property shape of one) needs an
    ``sh:message``: without one the two engines write different default messages.
    """
    for predicate, reason in _NOT_COVERED.items():
        if (None, predicate, None) in shapes:
            return f"the shapes graph {reason}"
    for kind, reason in _NOT_COVERED_TYPES.items():
        if (None, RDF.type, kind) in shapes:
            return f"the shapes graph {reason}"
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    property_shapes = set(shapes.subjects(RDF.type, SH.PropertyShape))
    property_shapes.update(p for n in node_shapes for p in shapes.objects(n, SH.property))
    for shape in sorted(property_shapes, key=str):
        if (shape, SH.message, None) not in shapes:
            name = "a blank node" if isinstance(shape, BNode) else f"<{shape}>"
            return f"the property shape {name} has no sh:message, and the engines' default messages differ"
    node_level = {SH["or"], SH.xone, SH["and"], SH["not"], SH.closed, SH.node, SH["class"], SH.datatype,
                  SH.nodeKind, SH["in"], SH.hasValue, SH.pattern, SH.languageIn, SH.minLength, SH.maxLength,
                  SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive}
    for shape in sorted(node_shapes, key=str):
        if node_level & set(shapes.predicates(shape)) and (shape, SH.message, None) not in shapes:
            return f"the node shape <{shape}> has node-level constraints but no sh:message"
    return None


def pick_engine(shapes: Graph, engine: str = "auto") -> tuple[str, str]:
    """``(engine, reason)``: the engine ``results_graph`` runs for these shapes, and why."""
    if engine not in ENGINES:
        raise InputError(f"unknown SHACL engine '{engine}'; use one of {', '.join(ENGINES)}")
    if engine == "pyshacl":
        return "pyshacl", "asked for"
    version = turbo_version()
    if engine == "turbo":
        if version is None:
            raise InputError("the SHACL engine 'turbo' is not installed; pip install pyshacl-turbo, "
                             "or use the engine 'pyshacl'")
        return "turbo", "asked for"
    if version is None:
        return "pyshacl", "pyshacl-turbo is not installed"
    if not version.startswith(TURBO_SERIES):
        return "pyshacl", (f"pyshacl-turbo {version} is not of the {TURBO_SERIES}x series that the differential "
                           "test was run with; run tests/test_shacl_fast.py and update TURBO_SERIES")
    reason = turbo_unfit_reason(shapes)
    if reason:
        return "pyshacl", reason
    return "turbo", f"pyshacl-turbo {version}"


def ontology_axioms(ontology: Graph) -> Graph:
    """What pySHACL copies from ``ont_graph`` into the data: the RDFS and OWL axioms, in a graph of their own.

    pySHACL's ``inoculate`` adds to its target graph and never reads it, so the axioms copied
    into an empty graph and then added to the data are what pySHACL adds to its copy of the data
    (blank nodes renamed). Under pySHACL's ``PYSHACL_USE_FULL_MIXIN`` the whole ontology is.
    """
    from pyshacl import validator as reference

    if getattr(reference, "USE_FULL_MIXIN", False):
        axioms = Graph()
        axioms += ontology
        return axioms
    from pyshacl.rdfutil.inoculate import inoculate

    return inoculate(Graph(), ontology)


def _plain(data: Graph) -> Graph:
    """``data`` as one graph: a dataset (or conjunctive graph) as the union of its graphs."""
    if not data.context_aware:
        return data
    union = Graph()
    for prefix, namespace in data.namespaces():
        union.bind(prefix, namespace)
    for s, p, o, _ in data.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _report(outcome) -> Graph:
    _, results, text = outcome
    if not isinstance(results, Graph):
        raise InputError(f"the SHACL shapes cannot be used: {text}")
    return results


def _with_pyshacl(data: Graph, shapes: Graph, ontology: Graph | None) -> Graph:
    from pyshacl import validate

    return _report(validate(data, shacl_graph=shapes, ont_graph=ontology, **OPTIONS))


def _with_turbo(data: Graph, shapes: Graph, ontology: Graph | None) -> Graph:
    """pyshacl-turbo on ``data`` plus the ontology's axioms.

    The axioms are added to ``data`` for the time of the call and removed afterwards (only
    those it did not hold already): a copy of a million-triple rdflib graph would cost more
    time and memory than the validation. ``data`` is as it was when this returns or raises,
    but another thread reading it meanwhile sees the axioms.
    """
    from pyshacl_turbo import validate

    options = {**OPTIONS, "shacl_graph": shapes}
    if ontology is None or len(ontology) == 0:
        return _report(validate(data, **options))
    added = [triple for triple in ontology_axioms(ontology) if triple not in data]
    for triple in added:
        data.add(triple)
    try:
        return _report(validate(data, **options))
    finally:
        for triple in added:
            data.remove(triple)


def results_graph(data: Graph, shapes: Graph, ontology: Graph | None = None, engine: str = "auto") -> Graph:
    """The SHACL validation report of ``data`` against ``shapes``, with ``ontology`` as pySHACL's ``ont_graph``.

    ``data`` is validated as one graph (a dataset as the union of its graphs). The report
    has one ``sh:ValidationResult`` per finding, with ``sh:focusNode``, ``sh:resultPath``,
    ``sh:sourceConstraintComponent``, ``sh:resultSeverity``, ``sh:resultMessage``,
    ``sh:sourceShape`` and ``sh:value``. Raises ``InputError`` for an unknown or missing
    engine, or shapes that cannot be used.
    """
    chosen, _ = pick_engine(shapes, engine)
    data = _plain(data)
    if chosen == "pyshacl":
        return _with_pyshacl(data, shapes, ontology)
    try:
        return _with_turbo(data, shapes, ontology)
    except NotImplementedError:
        if engine == "turbo":
            raise
        return _with_pyshacl(data, shapes, ontology)  # a feature the fast engine lacks: use the reference
