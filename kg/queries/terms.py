"""RDF terms from the text users type, and VALUES blocks that bind them without pasting text into a query.

Values become rdflib terms checked against the parameter's type (grlc/BASIL suffixes:
``_iri``, ``_xsd_date``, ``_xsd_integer``, ``_en``, ...). For a remote endpoint a ``VALUES``
block is built from each term's ``.n3()`` and put at the start of the query's WHERE group
(not at its end: a trailing VALUES is joined after FILTERs and aggregates, so it would not
bind the same way).
"""

from __future__ import annotations

import datetime
import functools
import re
from typing import Iterable

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import QueryError
from kg.namespaces import PREFIXES


#: Characters that may not appear in an IRI (RFC 3987 excludes them; they would also break ``<...>``).
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


_PREFIXED = re.compile(r"^([A-Za-z][\w-]*):([\w.-]*)$")


#: What a date-like XSD type must look like (lexical space, without time zones).
_LEXICAL = {
    "date": r"-?\d{4}-\d{2}-\d{2}",
    "gYear": r"-?\d{4}",
    "gYearMonth": r"-?\d{4}-\d{2}",
    "gMonthDay": r"--\d{2}-\d{2}",
    "integer": r"[+-]?\d+",
    "decimal": r"[+-]?(\d+(\.\d*)?|\.\d+)",
    "boolean": r"true|false|1|0",
}


def check_iri(text: str, where: str = "value") -> URIRef:
    """``text`` as an IRI, refusing anything that could not be written between ``<`` and ``>``.

    >>> check_iri("https://w3id.org/vnhealth/id/org/x")
    rdflib.term.URIRef('https://w3id.org/vnhealth/id/org/x')
    >>> check_iri("urn:a> } #")
    Traceback (most recent call last):
    kg.errors.QueryError: value 'urn:a> } #' is not a valid IRI: it contains a space, a quote, a brace or one of <>|^`\\; percent-encode such characters
    """
    if _BAD_IRI.search(text):
        raise QueryError(f"{where} {text!r} is not a valid IRI: it contains a space, a quote, a brace or one of "
                         "<>|^`\\; percent-encode such characters")
    if not _SCHEME.match(text):
        raise QueryError(f"{where} {text!r} is not an absolute IRI: it needs a scheme such as https:")
    return URIRef(text)


def expand(text: str) -> URIRef | None:
    """A prefixed name (``inst:bach-mai-hospital``) or ``<IRI>`` as an IRI; None when ``text`` is neither.

    >>> expand("inst:bach-mai-hospital")
    rdflib.term.URIRef('https://w3id.org/vnhealth/id/org/bach-mai-hospital')
    >>> expand("Bach Mai") is None
    True
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return check_iri(text[1:-1])
    match = _PREFIXED.match(text)
    if match and match.group(1) in PREFIXES:
        return URIRef(str(PREFIXES[match.group(1)]) + match.group(2))
    if _SCHEME.match(text) and ("://" in text or text.startswith("urn:")):
        return check_iri(text)
    return None


def typed_literal(text: str, kind: str, where: str) -> Literal:
    """``text`` as a literal of the BASIL ``kind`` (``xsd_date``, ``xsd_integer``, ``en``, ``literal``, ...).

    >>> typed_literal("2025-11-01", "xsd_date", "date")
    rdflib.term.Literal('2025-11-01', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#date'))
    >>> typed_literal("Lao Cai", "vi", "name").language
    'vi'
    """
    if kind == "literal":
        return Literal(text)
    if kind.startswith("xsd_"):
        local = kind[4:]
        pattern = _LEXICAL.get(local)
        if pattern and not re.fullmatch(pattern, text.strip()):
            raise QueryError(f"{where}: {text!r} is not a valid xsd:{local}; write it like {_example(local)}")
        if local == "date":
            try:
                datetime.date.fromisoformat(text.strip())
            except ValueError:
                raise QueryError(f"{where}: {text!r} is not a calendar date; write it like 2025-11-01") from None
        return Literal(text.strip(), datatype=XSD[local])
    if re.fullmatch(r"[a-z]{2,3}", kind):
        return Literal(text, lang=kind)
    return Literal(text, datatype=URIRef(kind)) if _SCHEME.match(kind) else Literal(text)


def _example(local: str) -> str:
    return {"date": "2025-11-01", "gYear": "2025", "gYearMonth": "2025-11", "gMonthDay": "--11-01",
            "integer": "5", "decimal": "1.5", "boolean": "true"}.get(local, "its XSD lexical form")


def values_block(bindings: dict[str, Node | Iterable[Node]]) -> str:
    """A SPARQL ``VALUES`` block binding each variable; a list gives one row per term (single variable only).

    >>> values_block({"_d": Literal("2025-01-01", datatype=XSD.date)})
    'VALUES (?_d) { ("2025-01-01"^^<http://www.w3.org/2001/XMLSchema#date>) }'
    >>> values_block({"s": [URIRef("urn:a"), URIRef("urn:b")]})
    'VALUES (?s) { (<urn:a>) (<urn:b>) }'
    >>> values_block({"n": Literal("bach mai", datatype='urn:a>) ("lao cai") } #')})
    Traceback (most recent call last):
    kg.errors.QueryError: the datatype of a value, 'urn:a>) ("lao cai") } #' is not a valid IRI: it contains a space, a quote, a brace or one of <>|^`\\; percent-encode such characters
    """
    names = list(bindings)
    for name in names:
        if not re.fullmatch(r"\w+", name):
            raise QueryError(f"cannot bind variable {name!r}: variable names are letters, digits and _")
    lists = [v for v in bindings.values() if isinstance(v, (list, tuple))]
    if lists and len(names) != 1:
        raise QueryError("a list of values can only be bound to a single variable")
    rows = [[t] for t in lists[0]] if lists else [list(bindings.values())]
    for row in rows:
        for term in row:
            if isinstance(term, URIRef):
                check_iri(str(term))
            elif isinstance(term, Literal):  # every part written into the text is checked, not only the value
                if term.datatype is not None:
                    check_iri(str(term.datatype), "the datatype of a value,")
                if term.language is not None and not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", term.language):
                    raise QueryError(f"the language tag {term.language[:40]!r} is not one (BCP 47: letters, "
                                     "digits and dashes, such as vi or en-GB)")
            else:
                raise QueryError(f"cannot bind {term!r}: only IRIs and literals can be bound")
    body = " ".join("(" + " ".join(t.n3() for t in row) + ")" for row in rows)
    return "VALUES (" + " ".join(f"?{n}" for n in names) + ") { " + body + " }"


def _skip(text: str, i: int) -> int:
    """Index after the comment, string or IRI starting at ``text[i]``, or ``i`` when none starts there."""
    ch = text[i]
    if ch == "#":  # a comment ends at a line break, LF or CR
        match = re.compile(r"[\r\n]").search(text, i)
        return match.start() if match else len(text)
    if ch == "<":
        match = re.compile(r"<[^<>\"{}|^`\\\s]*>").match(text, i)
        return match.end() if match else i
    if ch in "\"'":
        long = text.startswith(ch * 3, i)
        quote = ch * 3 if long else ch
        j = i + len(quote)
        while j < len(text):
            if text[j] == "\\":
                j += 2
                continue
            if text.startswith(quote, j):
                return j + len(quote)
            j += 1
        raise QueryError("the query has an unterminated string")
    return i


@functools.lru_cache(maxsize=512)
def where_brace(text: str) -> int:
    """Index of the ``{`` that opens the query's WHERE group (after a CONSTRUCT template, if any).

    Kept per text: the stored queries are bound again and again with other values.

    >>> q = 'SELECT ?x WHERE { ?x ?p "{" }'
    >>> q[where_brace(q):]
    '{ ?x ?p "{" }'
    """
    i, depth, groups = 0, 0, []
    keyword_at = None
    while i < len(text):
        j = _skip(text, i)
        if j != i:
            i = j
            continue
        ch = text[i]
        if ch == "{":
            if depth == 0:
                groups.append(i)
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and keyword_at is None:
            match = re.compile(r"(?i)\b(CONSTRUCT)\s*(WHERE\s*)?").match(text, i)
            if match:
                keyword_at = "construct-where" if match.group(2) else "construct"
                i = match.end()
                continue
        i += 1
    if not groups:
        raise QueryError("the query has no { ... } group to bind parameters in")
    if keyword_at == "construct" and len(groups) > 1:
        return groups[1]
    return groups[0]


#: The keyword that opens a sub-SELECT.
_SELECT = re.compile(r"SELECT\b", re.I)


def _significant(text: str, i: int) -> int:
    """Index of the first character at or after ``i`` that is neither white space nor in a comment."""
    while i < len(text):
        if text[i].isspace():
            i += 1
        elif text[i] == "#":
            i = _skip(text, i)
        else:
            break
    return i


def _closing(text: str, i: int) -> int:
    """Index of the ``}`` that closes the group opened by the ``{`` at ``text[i]``."""
    depth = 0
    while i < len(text):
        j = _skip(text, i)
        if j != i:
            i = j
            continue
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise QueryError("the query has an unclosed group")


def _mentions(text: str, names: Iterable[str]) -> bool:
    """Whether ``text`` uses one of the variables ``names`` outside its comments, strings and IRIs."""
    code, i = [], 0
    while i < len(text):
        j = _skip(text, i)
        code.append(" " if j != i else text[i])
        i = j if j != i else i + 1
    code = "".join(code)
    return any(re.search(rf"[?$]{re.escape(name)}\b", code) for name in names)


def insert_values(text: str, bindings: dict[str, Node | Iterable[Node]]) -> str:
    """``text`` with a ``VALUES`` block for ``bindings`` first in its WHERE group.

    >>> insert_values("SELECT ?x WHERE { ?x ?p ?_o }", {"_o": URIRef("urn:a")})
    'SELECT ?x WHERE { VALUES (?_o) { (<urn:a>) }\\n ?x ?p ?_o }'
    >>> insert_values("SELECT ?x ?n WHERE { { SELECT ?x (COUNT(*) AS ?n) WHERE { ?x ?p ?_o } GROUP BY ?x } } ORDER BY ?n",
    ...               {"_o": URIRef("urn:a")})
    'SELECT ?x ?n WHERE { { SELECT ?x (COUNT(*) AS ?n) WHERE { VALUES (?_o) { (<urn:a>) }\\n ?x ?p ?_o } GROUP BY ?x } } ORDER BY ?n'
    >>> def inside(q): return insert_values(q, {"_o": URIRef("urn:a")}).find("VALUES") > q.find("SELECT ?x")
    >>> inside("SELECT * WHERE { { SELECT ?x WHERE { ?x ?p ?_o } } } # ?_o, in a comment, is no use")
    True
    >>> inside("SELECT (?_o AS ?y) WHERE { { SELECT ?x WHERE { ?x ?p ?_o } } }")  # a use in the projection
    False
    >>> insert_values("SELECT * WHERE { { SELECT ?x WHERE { ?x ?p ?o } } ?x ?q ?_o }", {"_o": URIRef("urn:a")})
    'SELECT * WHERE { VALUES (?_o) { (<urn:a>) }\\n { SELECT ?x WHERE { ?x ?p ?o } } ?x ?q ?_o }'
    """
    if not bindings:
        return text
    at = where_brace(text) + 1
    # A query whose WHERE group opens with a sub-SELECT whose WHERE group holds every use of the parameters (the form that
    # portable queries use to sort by an aggregate, or to compute values from what a sub-SELECT found) takes
    # the values inside, where they are used: a sub-SELECT does not see the bindings of the query around it.
    while True:
        start = _significant(text, at)
        if not text.startswith("{", start) or not _SELECT.match(text, _significant(text, start + 1)):
            break
        inner = start + 1 + where_brace(text[start + 1:])  # the sub-SELECT's WHERE group
        if _mentions(text[:inner] + text[_closing(text, inner) + 1:], bindings):
            break
        at = inner + 1
    return text[:at] + " " + values_block(bindings) + "\n" + text[at:]
