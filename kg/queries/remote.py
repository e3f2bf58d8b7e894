"""Remote SPARQL 1.1 endpoints: queries through SPARQLWrapper, loading through the Graph Store Protocol.

Every failure (unreachable, timeout, HTTP error, an answer that is not SPARQL JSON results)
becomes an ``EndpointError`` (exit code 2) that names the URL and says what to check.
"""

from __future__ import annotations

import re

import json
import socket
import urllib.error
import urllib.parse
import urllib.request

from rdflib import BNode, Literal, URIRef

from kg.queries.terms import check_iri, insert_values
from kg.errors import EndpointError
from kg.queries.stored import query_form
from kg.queries.results import Result

#: GeoSPARQL's WKT literal type, and Virtuoso's own type that it turns WKT literals into: the same points.
GEO_WKT = "http://www.opengis.net/ont/geosparql#wktLiteral"
GEOMETRY_TYPES = (GEO_WKT, "http://www.openlinksw.com/schemas/virtrdf#Geometry")

#: Seconds to wait for an answer before giving up.
DEFAULT_TIMEOUT = 30


def _reason(exc: BaseException) -> str:
    """A short human reason for a network error."""
    inner = getattr(exc, "reason", None) or exc
    if isinstance(inner, (socket.timeout, TimeoutError)):
        return "no answer before the timeout"
    if isinstance(inner, ConnectionRefusedError):
        return "connection refused"
    if isinstance(inner, socket.gaierror):
        return "unknown host"
    return str(inner) or type(inner).__name__


def server_message(body: bytes, limit: int = 400) -> str:
    """What a server said in an error answer, as one line of plain text: an HTML page (Virtuoso's, Jetty's)
    loses its tags, scripts and styles, entities are decoded, and runs of space become one.

    >>> server_message(b"<html><head><title>Failed</title></head><body><h3>Error 22023</h3><p>no &quot;default&quot;"
    ...                b" graph</p></body></html>")
    'Failed Error 22023 no "default" graph'
    >>> server_message(b"Parse error: line 1")
    'Parse error: line 1'
    """
    import html

    text = body.decode("utf-8", "replace")
    if re.search(r"<(html|body|h\d|p|pre|title|!DOCTYPE)\b", text[:2000], flags=re.I):
        text = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", text, flags=re.I | re.S)
        text = re.sub(r"<!DOCTYPE[^>]*>|<!--.*?-->", " ", text, flags=re.I | re.S)
        text = html.unescape(re.sub(r"<[^>]*>", " ", text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _said(exc) -> str:
    """``": "`` and what the server said in an HTTP error answer, as plain text; nothing if it said nothing."""
    try:
        detail = server_message(exc.read(20000))
    except OSError:
        detail = ""
    return f": {detail}" if detail else ""


def term(value: dict):
    """An rdflib term from one SPARQL 1.1 JSON results binding.

    >>> term({"type": "literal", "value": "x", "xml:lang": "VI"})
    rdflib.term.Literal('x', lang='vi')
    """
    kind = value.get("type")
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        lang = value.get("xml:lang")
        return Literal(value["value"], lang=lang.lower() if lang else None,
                       datatype=None if lang else value.get("datatype"))
    raise ValueError(f"unknown term type {kind!r}")


def parse_results(data) -> Result:
    """A ``Result`` from decoded SPARQL JSON results; raises ``ValueError`` when the shape is wrong."""
    if not isinstance(data, dict):
        raise ValueError("the answer is not a JSON object")
    if "boolean" in data:
        return Result(["ask"], [(Literal(bool(data["boolean"])),)])
    variables = data["head"]["vars"]
    rows = [tuple(term(b[v]) if v in b else None for v in variables) for b in data["results"]["bindings"]]
    return Result(list(variables), rows)


class _SameOrigin(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to the same scheme, host and port: an endpoint cannot send a query elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        if (old.scheme, old.hostname, old.port) != (new.scheme, new.hostname, new.port):
            raise EndpointError(f"{shown_url(req.full_url)} redirects to {shown_url(newurl)}, another server; "
                                "a query is sent only where you said: give that URL with --endpoint if it is meant")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_SameOrigin)

#: The largest answer read from an endpoint, in bytes.
MAX_ANSWER = 200_000_000


class Endpoint:
    """A SPARQL 1.1 query endpoint; ``graph`` makes a named graph the default graph of every query."""

    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT, graph: str | None = None):
        import urllib.parse

        try:
            parts = urllib.parse.urlsplit(url)
            parts.port  # an out-of-range or malformed port raises here
        except ValueError as exc:
            raise EndpointError(f"endpoint {shown_url(url)[:200]!r} is not a valid URL ({exc}); give the SPARQL query URL, "
                                "for example http://localhost:7878/query") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EndpointError(f"endpoint {shown_url(url)[:200]!r} is not an http(s) URL; give the SPARQL query URL, "
                                "for example http://localhost:7878/query")
        self.url = url
        self.timeout = timeout
        self.graph = str(check_iri(graph, "graph")) if graph else None

    def __repr__(self) -> str:
        return f"Endpoint({shown_url(self.url)!r})"

    def _exchange(self, wrapper) -> bytes:
        """Send the query and read the whole answer, within ``timeout`` seconds for the whole exchange (a server
        that sends a byte now and then does not hold it longer) and at most ``MAX_ANSWER`` bytes."""
        import threading
        import time

        outcome: dict = {}
        deadline = time.monotonic() + self.timeout

        def run():
            try:
                try:
                    response = _OPENER.open(wrapper._createRequest(), timeout=self.timeout)
                except urllib.error.HTTPError as exc:
                    if exc.code != 400:
                        raise
                    raise EndpointError(f"{shown_url(self.url)} refused the query: {server_message(exc.read(20000))}") from None
                parts, size = [], 0
                while True:
                    chunk = response.read(1 << 16)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > MAX_ANSWER:
                        response.close()
                        raise EndpointError(f"{shown_url(self.url)} sent an answer over {MAX_ANSWER // 1_000_000} MB, "
                                            "the limit; add a LIMIT to the query, or ask for fewer rows")
                    if time.monotonic() > deadline:
                        response.close()
                        raise TimeoutError()
                    parts.append(chunk)
                outcome["raw"] = b"".join(parts)
            except BaseException as exc:  # handed to the caller's thread
                outcome["error"] = exc

        worker = threading.Thread(target=run, name="endpoint", daemon=True)
        worker.start()
        worker.join(max(0.0, deadline - time.monotonic()) + 1.0)  # a silent server meets the socket timeout first
        if worker.is_alive() or isinstance(outcome.get("error"), TimeoutError):
            raise EndpointError(f"cannot reach the SPARQL endpoint {shown_url(self.url)}: no answer before the timeout "
                                "(the whole exchange counts); check the URL, that the server is running, or raise "
                                f"--timeout (now {self.timeout:g} s)")
        if "error" in outcome:
            raise outcome["error"]
        return outcome["raw"]

    def select(self, text: str, bindings: dict | None = None) -> Result:
        """Run a SELECT or ASK query with ``bindings`` put in a VALUES block; rows as rdflib terms."""
        from SPARQLWrapper import JSON, POST, SPARQLWrapper

        wrapper = SPARQLWrapper(self.url)
        wrapper.setMethod(POST)
        wrapper.setReturnFormat(JSON)
        wrapper.setTimeout(self.timeout)
        wrapper.timeout = self.timeout  # setTimeout() keeps whole seconds only, and 0 means wait for ever
        if self.graph:
            wrapper.addDefaultGraph(self.graph)
        text = insert_values(text, bindings or {})
        wrapper.setQuery("\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")))
        # SPARQLWrapper guesses the query type by searching for keywords anywhere in the
        # text ("loaded" reads as LOAD, an update); say what it is instead.
        wrapper.queryType = query_form(text)
        try:
            raw = self._exchange(wrapper)
        except urllib.error.HTTPError as exc:
            raise EndpointError(f"{shown_url(self.url)} answered HTTP {exc.code} {exc.reason}{_said(exc)}; check the query URL "
                                "(Oxigraph: /query, Fuseki: /DATASET/sparql, Virtuoso: /sparql)") from None
        except (urllib.error.URLError, OSError) as exc:
            raise EndpointError(f"cannot reach the SPARQL endpoint {shown_url(self.url)}: {_reason(exc)}; check the URL, "
                                f"that the server is running, or raise --timeout (now {self.timeout:g} s)") from None
        try:
            return parse_results(json.loads(raw.decode("utf-8")))
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            start = raw[:80].decode("utf-8", "replace").replace("\n", " ")
            raise EndpointError(f"{shown_url(self.url)} did not answer with SPARQL JSON results ({exc}); the answer starts "
                                f"with {start!r}; check that the URL is a SPARQL query endpoint") from None


def _same_wkt(sent: str, held: str | None) -> bool:
    """Whether a server kept a WKT value: the same words, and numbers equal to 1e-4 (about 10 m in degrees).

    >>> _same_wkt("POINT(104.6 10.4479)", "POINT(104.59999847412 10.44789981842)"), _same_wkt("POINT(1 2)", "POINT(1 3)")
    (True, False)
    """
    if held is None:
        return False
    number = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
    a, b = re.findall(number, sent), re.findall(number, held)
    return re.sub(number, "0", " ".join(sent.split())) == re.sub(number, "0", " ".join(held.split())) \
        and len(a) == len(b) and all(abs(float(x) - float(y)) <= 1e-4 for x, y in zip(a, b))


def shown_url(url: str) -> str:
    """``url`` as it may appear in a message: a password in it is replaced by ``***``.

    >>> shown_url("http://ann:s3cret@127.0.0.1:7878/query"), shown_url("http://127.0.0.1/q")
    ('http://ann:***@127.0.0.1:7878/query', 'http://127.0.0.1/q')
    """
    import urllib.parse

    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return re.sub(r"//([^/@:]*):[^/@]*@", r"//\1:***@", url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


def has_no_default_graph(url: str) -> bool:
    """Whether ``url`` is a Graph Store endpoint without a default graph to replace: Virtuoso's
    ``/sparql-graph-crud`` (and ``-auth``), which refuses ``?default`` ("Error 22023").

    >>> has_no_default_graph("http://h:8890/sparql-graph-crud"), has_no_default_graph("http://h:7878/store")
    (True, False)
    """
    try:
        path = urllib.parse.urlsplit(url).path.rstrip("/")
    except ValueError:
        return False
    return path.endswith(("/sparql-graph-crud", "/sparql-graph-crud-auth"))


def graph_store_url(url: str, graph: str | None) -> str:
    """The Graph Store Protocol URL of the default graph, or of the named graph ``graph``.

    >>> graph_store_url("http://localhost:7878/store", None)
    'http://localhost:7878/store?default'
    >>> graph_store_url("http://h/store", "https://w3id.org/vnhealth/graph/all")
    'http://h/store?graph=https%3A%2F%2Fw3id.org%2Fvnhealth%2Fgraph%2Fall'
    """
    if not url.startswith(("http://", "https://")):
        raise EndpointError(f"endpoint {shown_url(url)!r} is not an http(s) URL; give the Graph Store URL, "
                            "for example http://localhost:7878/store")
    sep = "&" if "?" in url else "?"
    if graph:
        return f"{url}{sep}graph={urllib.parse.quote(str(check_iri(graph, 'graph')), safe='')}"
    return f"{url}{sep}default"


def _request(method: str, url: str, timeout: float, body: bytes | None = None, headers: dict | None = None) -> bytes:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        raise EndpointError(f"{method} {shown_url(url)} answered HTTP {exc.code} {exc.reason}{_said(exc)}; "
                            "check that the URL is the Graph Store endpoint "
                            "(Oxigraph: /store, Fuseki: /DATASET/data, Virtuoso: /sparql-graph-crud)") from None
    except (urllib.error.URLError, OSError) as exc:
        raise EndpointError(f"cannot reach {shown_url(url)}: {_reason(exc)}; check the URL, that the server is running, "
                            f"or raise --timeout (now {timeout:g} s)") from None


def push(dataset, url: str, graph: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> int:
    """Replace the default graph (or ``graph``) at the Graph Store endpoint ``url`` with ``dataset``
    (the store, or an rdflib dataset).

    The whole dataset (ontology, schemes, data and search labels) is serialised first as one
    N-Triples document and sent with a single ``PUT``
    (https://www.w3.org/TR/sparql11-http-rdf-update/#http-put), so the server replaces the
    graph in one request; the graph is then read back and its size compared, so a partial load
    is reported rather than left unnoticed. Returns the number of triples pushed.
    """
    from kg.graph.search_labels import add_search_labels, has_search_labels
    from kg.graph.files import union_graph

    from kg.graph.store import GraphStore

    target = graph_store_url(url, graph)
    if isinstance(dataset, GraphStore):  # the store holds the search labels already
        body = dataset.ntriples()
    else:
        if not has_search_labels(dataset):
            add_search_labels(dataset)
        body = union_graph(dataset, include_ontology=True).serialize(format="nt", encoding="utf-8")
    expected = sum(1 for line in body.splitlines() if line.strip())
    _request("PUT", target, timeout, body, {"Content-Type": "application/n-triples"})
    back = _request("GET", target, timeout, None, {"Accept": "application/n-triples"})
    import pyoxigraph as ox

    try:  # read the answer as RDF: lines of junk are not triples
        sent = set(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        held_triples = set(ox.parse(back, format=ox.RdfFormat.N_TRIPLES))
    except (SyntaxError, ValueError) as exc:
        raise EndpointError(f"{shown_url(target)} answered the read-back with something that is not N-Triples ({exc}); "
                            "the push cannot be confirmed: check that the URL is a Graph Store endpoint") from None
    held, expected = len(held_triples), len(sent)

    def blank(t) -> bool:  # a server names blank nodes its own way: those triples are counted, not matched
        return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)

    def key(t):  # servers write numbers canonically ("100.0" comes back as "100"): compare their values
        o = t.object
        if isinstance(o, ox.Literal) and o.datatype.value.rsplit("#", 1)[-1] in ("decimal", "double", "float", "integer"):
            from decimal import Decimal, InvalidOperation

            try:
                return (t.subject, t.predicate, o.datatype.value, Decimal(o.value).normalize())
            except InvalidOperation:
                pass
        return (t.subject, t.predicate, o)

    def wkt(t) -> bool:
        # Virtuoso keeps WKT as its own type, and a point's coordinates in single precision (104.6 comes back
        # as 104.59999847412): such a value is compared by _same_wkt, to 1e-4 degrees (about 10 m)
        return isinstance(t.object, ox.Literal) and t.object.datatype.value in GEOMETRY_TYPES

    kept = {key(t) for t in held_triples if not wkt(t)}
    points = {(t.subject, t.predicate): t.object.value for t in held_triples if wkt(t)}
    missing = [t for t in sent if not blank(t) and (
        not _same_wkt(t.object.value, points.get((t.subject, t.predicate))) if wkt(t) else key(t) not in kept)]
    if held != expected:
        raise EndpointError(f"{shown_url(target)} holds {held} triples after the push, expected {expected}; "
                            "the server did not take the whole graph; run kg push again")
    if missing:
        raise EndpointError(f"{shown_url(target)} does not hold {len(missing)} of the {expected} triples pushed "
                            f"(for example {missing[0]}); the server did not take the graph; run kg push again")
    return expected
