"""Remote endpoints: push the graph into a real Oxigraph server and get the same rows there as locally.

The server runs from the ``oxigraph`` command of the dev extra, on a free port, with its
store in a temporary folder; it is stopped when the module's tests are done.
"""

from __future__ import annotations

import re

import contextlib
import http.server
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from rdflib import Literal

from kg.cli import main
from kg.errors import EndpointError, QueryError
from kg.queries.run import load_graph, run_query
from kg.queries.stored import find_queries, stored_query
from kg.queries.remote import Endpoint, push
from kg.graph.search_labels import fold
from kg.queries.search import search
from kg.graph.files import Project

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
# The users' queries. The -violation checks look at named graphs (GRAPH ?g), and `kg push` sends
# the graph as one graph (the Graph Store Protocol replaces one graph at a time), so on the server
# they could only ever return zero rows: they are run locally, by `kg validate` and tests/test_shapes.py.
QUERIES = find_queries(ROOT / "queries", checks=False)
GRAPH_IRI = "https://w3id.org/vnhealth/graph/pushed"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_command() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``http://127.0.0.1:PORT`` of a fresh Oxigraph server."""
    command = oxigraph_command()
    if not command:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen([command, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    with running(process, f"{url}/query?query=ASK%7B%7D", f"oxigraph on port {port}"):
        yield url


@contextlib.contextmanager
def running(process, ready_url: str, what: str, timeout: float = 20, log=lambda: ""):
    """Wait until ``ready_url`` answers (or fail the test, with ``log()``), then stop ``process`` on leaving."""
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(ready_url, timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"{what} did not start {log()}")
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def graph():
    return load_graph(Project(ROOT))


@pytest.fixture(scope="module")
def endpoint(server, graph):
    push(graph, f"{server}/store")
    return Endpoint(f"{server}/query")


def comparable(result, unordered_lists: bool = False) -> list[tuple[str, ...]]:
    """Rows with engine differences normalised: language-tag case and boolean forms (by
    ``Result.normalised``), and an empty GROUP_CONCAT, which rdflib gives as "" and Oxigraph as unbound.

    SPARQL leaves the order inside a GROUP_CONCAT to the engine, so with ``unordered_lists``
    each cell is compared as the sorted multiset of its words.
    """
    rows = [tuple("" if cell == '""' else cell for cell in row) for row in result.normalised()]
    if unordered_lists:
        rows = [tuple(_sorted_words(cell) for cell in row) for row in rows]
    return rows


def _sorted_words(cell: str) -> str:
    """A literal cell with the words inside its quotes sorted; other cells unchanged."""
    match = re.fullmatch(r'"(.*)"((?:@|\^\^).*)?', cell, flags=re.S)
    if not match:
        return cell
    words = match.group(1).replace(";", " ").split()  # the lists use " " and "; " as separators
    return '"' + " ".join(sorted(words)) + '"' + (match.group(2) or "")


# --- the same rows on both engines -------------------------------------------------------

@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_stored_query_gives_the_same_rows_on_oxigraph(query, graph, endpoint):
    lists = "GROUP_CONCAT" in query.text.upper()
    local = comparable(run_query(query, graph), lists)
    remote = comparable(run_query(query, endpoint), lists)
    assert remote == local


def test_entity_parameters_resolve_remotely_too(graph, endpoint):
    query = stored_query("institution-support")
    params = {"institution": "Bệnh viện Đa khoa số 2 tỉnh Lào Cai"}
    assert comparable(run_query(query, endpoint, params)) == comparable(run_query(query, graph, params))
    with pytest.raises(QueryError, match="ambiguous"):
        run_query(query, endpoint, {"institution": "general hospital no"})


@pytest.mark.parametrize("text", ["bach mai", "BẠCH MAI", "dao xuan co", "lao cai", "ecmo", "hôpital"])
def test_search_gives_the_same_matches_remotely(graph, endpoint, text):
    assert search(endpoint, text) == search(graph, text)


def test_the_server_folds_names_like_python(endpoint):
    text = stored_query("find-by-name").text
    chain = text[text.index("WHERE {") + len("WHERE {"):text.index('FILTER(?q != "")')]
    query = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
             "SELECT DISTINCT ?_name ?q WHERE { ?s rdfs:label|skos:prefLabel|skos:altLabel ?_name .\n" + chain + "}")
    rows = endpoint.select(query).rows
    assert len(rows) > 300
    assert {(str(label), fold(str(label))) for label, _ in rows} == {(str(label), str(q)) for label, q in rows}


# --- binding on the server ------------------------------------------------------------------

@pytest.mark.parametrize("payload", ['x" } UNION { ?s ?p ?o } #', "a\nb } #", "'''", '"""', "\\", "# c", "{ }"])
def test_values_blocks_round_trip_any_literal_on_the_server(endpoint, payload):
    result = endpoint.select("SELECT ?x WHERE { BIND(?_v AS ?x) }", {"_v": Literal(payload)})
    assert [str(row[0]) for row in result.rows] == [payload]


@pytest.mark.parametrize("name, params", [
    ("find-by-name", {"name": 'x" } UNION { ?s ?p ?o } #'}),
    ("find-by-name", {"name": "bach mai\n} UNION { ?s ?p ?o }"}),
])
def test_injected_text_matches_nothing_on_the_server(endpoint, name, params):
    assert len(run_query(stored_query(name), endpoint, params)) == 0


@pytest.mark.parametrize("params", [
    {"institution": "<urn:a> } UNION { ?s ?p ?o"}, {"institution": "urn:a b"},
    {"institution": 'x" } UNION { ?s ?p ?o } #'},
])
def test_injected_entities_are_errors_on_the_server(endpoint, params):
    with pytest.raises(QueryError):
        run_query(stored_query("institution-support"), endpoint, params)


# --- the command line against the server ---------------------------------------------------

def test_cli_push_and_query_a_named_graph(server, capsys, graph):
    assert main(["push", "--endpoint", f"{server}/store", "--graph", GRAPH_IRI]) == 0
    out = capsys.readouterr().out
    assert out.startswith("pushed ") and out.endswith(f" triples to graph <{GRAPH_IRI}> of {server}/store\n")
    assert main(["push", "--endpoint", f"{server}/store", "--graph", GRAPH_IRI]) == 0  # replaces, never appends
    assert capsys.readouterr().out == out
    args = ["query", "agreements-ending", "--format", "csv"]
    assert main(args) == 0
    local = capsys.readouterr().out
    assert main(args + ["--endpoint", f"{server}/query", "--graph", GRAPH_IRI]) == 0
    assert capsys.readouterr().out == local


def test_cli_search_on_the_server(endpoint, server, capsys):
    assert main(["search", "BACH MAI", "--kind", "institution", "--format", "csv", "--endpoint", f"{server}/query"]) == 0
    assert capsys.readouterr().out == ("kind,entity,match\ninstitution,Bach Mai Hospital,exact\n"
                                       "institution,\"Stroke Center, Bach Mai Hospital\",starts with\n")


# --- failures: exit 2 and a message, never a traceback --------------------------------------

class _Silent:
    """A TCP server that accepts connections and never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


class _Garbage(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the http.server API
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b"<html>not json</html>")

    def log_message(self, *args):
        pass


class _Forgetful(http.server.BaseHTTPRequestHandler):
    """A Graph Store that accepts a PUT but keeps only one triple of it."""

    def do_PUT(self):  # noqa: N802 - the http.server API
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(204)
        self.end_headers()

    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "application/n-triples")
        self.end_headers()
        self.wfile.write(b"<urn:a> <urn:b> <urn:c> .\n")

    def log_message(self, *args):
        pass


def test_a_store_that_keeps_half_of_the_graph_is_reported(graph, capsys):
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Forgetful)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/store"
    try:
        with pytest.raises(EndpointError, match=r"holds 1 triples after the push, expected \d+; .* run kg push again"):
            push(graph, url)
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def garbage_server():
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Garbage)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def silent_server():
    silent = _Silent()
    yield f"http://127.0.0.1:{silent.port}"
    silent.close()


def test_unreachable_endpoint(capsys):
    url = f"http://127.0.0.1:{free_port()}/query"
    assert main(["query", "support-hubs", "--endpoint", url]) == 2
    assert capsys.readouterr().err == (f"Error: cannot reach the SPARQL endpoint {url}: connection refused; check the URL, "
                                       "that the server is running, or raise --timeout (now 30 s)\n")
    assert main(["push", "--endpoint", url.replace("/query", "/store")]) == 2
    assert "connection refused" in capsys.readouterr().err


def test_timeout(silent_server, capsys):
    assert main(["query", "support-hubs", "--endpoint", f"{silent_server}/query", "--timeout", "0.5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Error: cannot reach the SPARQL endpoint {silent_server}/query: no answer before the timeout")
    assert "(now 0.5 s)" in err


def test_http_error(endpoint, server, capsys):
    assert main(["query", "support-hubs", "--endpoint", f"{server}/store"]) == 2
    assert capsys.readouterr().err.startswith(f"Error: {server}/store answered HTTP 415")
    assert main(["push", "--endpoint", f"{server}/nowhere"]) == 2
    assert capsys.readouterr().err.startswith(f"Error: PUT {server}/nowhere?default answered HTTP 404")


def test_malformed_answer(garbage_server, capsys):
    assert main(["query", "support-hubs", "--endpoint", garbage_server]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Error: {garbage_server} did not answer with SPARQL JSON results")
    assert "'<html>not json</html>'" in err


def test_not_an_http_url(capsys):
    assert main(["query", "support-hubs", "--endpoint", "ftp://x/query"]) == 2
    assert capsys.readouterr().err == ("Error: endpoint 'ftp://x/query' is not an http(s) URL; give the SPARQL query URL, "
                                       "for example http://localhost:7878/query\n")
    with pytest.raises(EndpointError):
        push(None, "file:///tmp/store")
