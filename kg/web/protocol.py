"""The SPARQL 1.1 Protocol of ``/sparql``: what a request may ask, in which format the answer goes back,
and the answer written from Oxigraph's results with a cap on rows.

The endpoint is read-only and reaches nothing outside the store: updates are refused, SERVICE is
refused, and FROM / FROM NAMED (in the text or as ``default-graph-uri`` / ``named-graph-uri``) may
name only the store's own graphs. These checks run before the query does.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from kg.errors import QueryError
from kg.queries.stored import _IRI, _WITHOUT_LITERALS, calls_service, dataset_clauses, query_form, refuse_outside_graphs

#: Result formats of SELECT and ASK: short name -> media type.
RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
#: Graph formats of CONSTRUCT and DESCRIBE (and of entity descriptions).
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "ntriples": "application/n-triples",
}
#: Other names a client may give for a format (``?format=`` or an Accept type).
ALIASES = {
    "application/json": "json", "application/sparql-results+json": "json", "srj": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml", "srx": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
    "text/turtle": "turtle", "ttl": "turtle", "application/x-turtle": "turtle",
    "application/ld+json": "jsonld", "json-ld": "jsonld",
    "application/n-triples": "ntriples", "nt": "ntriples", "text/plain": "ntriples",
}

#: An update: after the prologue (PREFIX and BASE, their IRIs blanked), an update keyword comes first.
_UPDATE = re.compile(r"^\s*(?:(?:PREFIX\s+[\w.-]*:|BASE)\s*)*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
                     re.I)


@dataclass
class Request:
    """One query as the endpoint runs it: its text and the graphs it may see."""

    text: str
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)

    @property
    def form(self) -> str:
        return query_form(self.text)


def choose_format(form: str, accept: str | None, asked: str | None = None) -> str:
    """The short name of the format to answer a ``form`` query in: ``asked`` (``?format=``) first, then the
    first Accept type that fits, else JSON for results and Turtle for graphs.

    >>> choose_format("SELECT", "text/csv, */*"), choose_format("CONSTRUCT", "application/ld+json")
    ('csv', 'jsonld')
    >>> choose_format("ASK", None, "xml"), choose_format("DESCRIBE", "text/html,*/*;q=0.8")
    ('xml', 'turtle')
    """
    allowed = GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES
    if asked:
        name = ALIASES.get(asked.lower(), asked.lower())
        if name not in allowed:
            raise QueryError(f"format '{asked}' cannot hold the answer of a {form} query; "
                             f"choose one of: {', '.join(allowed)}")
        return name
    ranked = []
    for position, part in enumerate((accept or "").split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        quality = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    quality = float(p[2:])
                except ValueError:
                    quality = 0.0
        name = ALIASES.get(media.lower(), media.lower())
        if name in allowed and quality > 0:
            ranked.append((-quality, position, name))
    return min(ranked)[2] if ranked else next(iter(allowed))


def check(request: Request, graphs) -> None:
    """Refuse what the endpoint never runs: an update, SERVICE, and a FROM or FROM NAMED (in the text or in
    the protocol's parameters) that names something other than one of the store's ``graphs``.

    >>> check(Request("SELECT * FROM <urn:g> { ?s ?p ?o }"), {"urn:g"})
    >>> check(Request("SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }"), {"urn:g"})
    Traceback (most recent call last):
    kg.errors.QueryError: FROM <file:///etc/passwd> is not a graph of this store: FROM and FROM NAMED may name only the store's own graphs (listed at /.well-known/void); this endpoint reads no file and fetches nothing
    """
    bare = _WITHOUT_LITERALS.sub(lambda m: m.group(0) if m.group(0).startswith("<") else " ", request.text)
    no_iris = re.sub(_IRI, " ", bare)
    if _UPDATE.search(no_iris):
        raise QueryError("this endpoint is read-only: INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE and COPY "
                         "are refused; change the project's data files and rebuild instead")
    found = calls_service(request.text)
    if found or found is None:
        raise QueryError("SERVICE is refused: this endpoint answers from its own store and calls no other endpoint"
                         + ("" if found else " (the word SERVICE appears where this server cannot check it; "
                                             "write the query without it)"))
    refuse_outside_graphs(dataset_clauses(request.text) + request.default_graphs + request.named_graphs, graphs,
                          " (listed at /.well-known/void); this endpoint reads no file and fetches nothing")


# --- writing the answer --------------------------------------------------------------------------

def _term_json(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "literal", "value": str(term)}


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(text: str) -> str:
    """``text`` escaped for XML 1.0, with the characters XML cannot hold at all replaced by U+FFFD."""
    return escape(_NOT_XML.sub("\ufffd", text))


def _term_xml(term) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{_xml_text(term.value)}</literal>"
        if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            return f"<literal datatype={quoteattr(term.datatype.value)}>{_xml_text(term.value)}</literal>"
        return f"<literal>{_xml_text(term.value)}</literal>"
    return f"<literal>{_xml_text(str(term))}</literal>"


def _term_tsv(term) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.Literal) and not term.language:
        # the bare forms of Turtle: each must read back as its own datatype
        kind, value = term.datatype.value.rsplit("#", 1)[-1], term.value
        if (kind in ("integer", "boolean") or (kind == "decimal" and "." in value)
                or (kind == "double" and ("e" in value or "E" in value))):
            return value
    return str(term).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _term_csv(term) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


@dataclass
class Answer:
    """What the endpoint sends back: the body, its media type, and how many rows were left out by the cap."""

    body: bytes
    media_type: str
    rows: int = 0
    capped: bool = False


def write_solutions(variables: list[str], solutions, fmt: str, cap: int) -> Answer:
    """A SELECT's solutions (iterable of Oxigraph solutions) in ``fmt``, at most ``cap`` rows."""
    rows, capped = [], False
    for solution in solutions:
        if len(rows) == cap:
            capped = True
            break
        rows.append([solution[i] for i in range(len(variables))])
    if fmt == "json":
        bindings = [{v: _term_json(t) for v, t in zip(variables, row) if t is not None} for row in rows]
        doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        if capped:
            doc["head"]["link"] = [f"capped-at-{cap}-rows"]
        body = json.dumps(doc, ensure_ascii=False).encode()
    elif fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head><results>")
        for row in rows:
            out.append("<result>")
            out += [f"<binding name={quoteattr(v)}>{_term_xml(t)}</binding>" for v, t in zip(variables, row) if t is not None]
            out.append("</result>")
        out.append("</results></sparql>\n")
        body = "".join(out).encode()
    elif fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_term_csv(t) for t in row] for row in rows)
        body = text.getvalue().encode()
    else:
        lines = ["\t".join(f"?{v}" for v in variables)] + ["\t".join(_term_tsv(t) for t in row) for row in rows]
        body = ("\n".join(lines) + "\n").encode()
    return Answer(body, RESULT_TYPES[fmt], len(rows), capped)


def write_boolean(value: bool, fmt: str) -> Answer:
    """An ASK's answer in ``fmt``."""
    word = "true" if value else "false"
    if fmt == "json":
        body = json.dumps({"head": {}, "boolean": bool(value)}).encode()
    elif fmt == "xml":
        body = (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{word}</boolean></sparql>\n").encode()
    elif fmt == "csv":
        body = f"_askResult\r\n{word}\r\n".encode()
    else:
        body = f"?_askResult\n{word}\n".encode()
    return Answer(body, RESULT_TYPES[fmt], 1)


def write_triples(triples, fmt: str, cap: int) -> Answer:
    """A CONSTRUCT's or DESCRIBE's triples in ``fmt``, at most ``cap`` of them, with the project's prefixes."""
    import pyoxigraph as ox

    from kg.namespaces import PREFIXES

    kept, capped = [], False
    for triple in triples:
        if len(kept) == cap:
            capped = True
            break
        kept.append(triple)
    kinds = {"turtle": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "ntriples": ox.RdfFormat.N_TRIPLES}
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()} if fmt == "turtle" else None
    body = ox.serialize(kept, format=kinds[fmt], prefixes=prefixes) if kept or fmt != "jsonld" else b"[]"
    return Answer(body or b"", GRAPH_TYPES[fmt], len(kept), capped)


def answer(store, request: Request, fmt: str, cap: int) -> Answer:
    """Run ``request`` on the Oxigraph ``store`` and write its answer in ``fmt`` (``check`` has passed)."""
    import pyoxigraph as ox

    # the union of the graphs is the default graph unless the query or the request names its dataset
    given = request.default_graphs or request.named_graphs
    options = {"use_default_graph_as_union": not given and not dataset_clauses(request.text)}
    if given:  # the protocol's dataset: named graphs alone leave the default graph empty
        options["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs] or [ox.DefaultGraph()]
    if request.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    try:
        result = store.query(request.text, **options)
        if isinstance(result, ox.QueryBoolean):
            return write_boolean(bool(result), fmt)
        if isinstance(result, ox.QueryTriples):
            return write_triples(result, fmt, cap)
        return write_solutions([v.value for v in result.variables], result, fmt, cap)
    except SyntaxError as exc:
        raise QueryError(f"the SPARQL does not parse: {exc}") from None
    except (ValueError, OSError, RuntimeError, TypeError) as exc:
        raise QueryError(f"the query failed: {exc}") from None
