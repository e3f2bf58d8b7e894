"""TriG text written the way the curated files are: the prefix block, a heading, one block per graph and entity.

Entities come in the order given and their statements in the order given, one predicate a line,
objects of one predicate on the same line; a ``time:Duration`` and other small nodes are written
inline as ``[ ... ]``. Numbers, booleans and dates are written as the curated files write them
(``7.0``, ``110``, ``true``, ``"2021"^^xsd:gYear``), so that the text reads like the rest of ``data/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Union

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.namespaces import PREFIXES, turtle_prefix_block

#: An inline blank node: its statements as (predicate, object) pairs.
Inline = tuple[tuple[URIRef, Union[URIRef, Literal]], ...]
Term = Union[URIRef, Literal, Inline]

_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_NUMBERS = {XSD.integer: re.compile(r"^[+-]?[0-9]+$"), XSD.decimal: re.compile(r"^[+-]?[0-9]*\.[0-9]+$")}
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


@dataclass
class Entity:
    """One subject and its statements, in the order they are written."""

    subject: URIRef
    statements: list[tuple[URIRef, list[Term]]] = field(default_factory=list)

    def add(self, predicate: URIRef, obj: Term) -> None:
        """Add ``obj`` to the objects of ``predicate`` (once), keeping the order of first mention."""
        for pred, objects in self.statements:
            if pred == predicate:
                if obj not in objects:
                    objects.append(obj)
                return
        self.statements.append((predicate, [obj]))

    def objects(self, predicate: URIRef) -> list[Term]:
        return next((objs for pred, objs in self.statements if pred == predicate), [])


def term_text(term: Term) -> str:
    """``term`` as Turtle writes it in the curated files.

    >>> term_text(URIRef("https://w3id.org/vnhealth/id/org/bach-mai-hospital"))
    'inst:bach-mai-hospital'
    >>> term_text(Literal("7.0", datatype=XSD.decimal)), term_text(Literal(True)), term_text(Literal("Sở Y tế", lang="vi"))
    ('7.0', 'true', '"Sở Y tế"@vi')
    >>> term_text(Literal('a "b"\\nc', lang="en")), term_text(Literal("2021", datatype=XSD.gYear))
    ('"a \\\\"b\\\\"\\\\nc"@en', '"2021"^^xsd:gYear')
    """
    if isinstance(term, tuple):
        inner = " ; ".join(f"{_predicate(p)} {term_text(o)}" for p, o in term)
        return f"[ {inner} ]"
    if isinstance(term, URIRef):
        return _iri(term)
    lexical = str(term)
    if term.datatype in _NUMBERS and _NUMBERS[term.datatype].match(lexical):
        return lexical
    if term.datatype == XSD.boolean and lexical in ("true", "false"):
        return lexical
    quoted = '"' + "".join(_ESCAPES.get(c, c if c >= " " else f"\\u{ord(c):04X}") for c in lexical) + '"'
    if term.language:
        return f"{quoted}@{term.language}"
    if term.datatype and term.datatype != XSD.string:
        return f"{quoted}^^{_iri(term.datatype)}"
    return quoted


def _iri(iri: URIRef) -> str:
    """A prefixed name with the longest project namespace that leaves a valid local name, else ``<iri>``."""
    text = str(iri)
    fits = [(len(str(ns)), p) for p, ns in PREFIXES.items()
            if text.startswith(str(ns)) and _LOCAL.match(text[len(str(ns)):])]
    if not fits:
        return f"<{text}>"
    length, prefix = max(fits)
    return f"{prefix}:{text[length:]}"


def _predicate(predicate: URIRef) -> str:
    return "a" if predicate == RDF.type else _iri(predicate)


def entity_text(entity: Entity) -> str:
    """One entity as a block: the subject and its first statement on one line, the others indented below."""
    lines = []
    for pred, objects in entity.statements:
        lines.append(f"{_predicate(pred)} " + " , ".join(term_text(o) for o in objects))
    if not lines:
        return ""
    return f"{_iri(entity.subject)} " + " ;\n    ".join(lines) + " .\n"


def trig_text(graphs: list[tuple[URIRef, list[Entity], list[str]]], heading: str) -> str:
    """A TriG document: the project's prefix block, ``heading`` as comment lines, then each graph.

    Each graph is ``(name, entities, statements)``: ``statements`` are lines written first inside the
    graph (``graph:source-004 prov:wasDerivedFrom src:004 .``).

    >>> from kg.namespaces import GRAPH, INST, HKG
    >>> e = Entity(INST["x"]); e.add(RDF.type, HKG.GeneralHospital)
    >>> print(trig_text([(GRAPH["reference"], [e], [])], "An example.").split("\\n\\n", 1)[1])
    # An example.
    <BLANKLINE>
    graph:reference {
    <BLANKLINE>
    inst:x a hkg:GeneralHospital .
    }
    <BLANKLINE>
    """
    out = [turtle_prefix_block().rstrip("\n"), ""]
    out += [f"# {line}".rstrip() for line in heading.splitlines()]
    for name, entities, statements in graphs:
        out += ["", f"{_iri(name)} {{", ""]
        if statements:
            out += statements + [""]
        blocks = [entity_text(e) for e in entities]
        out.append("\n".join(b for b in blocks if b).rstrip("\n"))
        out.append("}")
    return "\n".join(out) + "\n"
