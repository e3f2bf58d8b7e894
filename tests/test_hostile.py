"""Hostile and careless input: each case ends in a clear error (exit 2 on the command line), reads nothing it
was not given, and contacts nothing. More cases join as they are handled; the web server's own are in
tests/test_web.py."""

from __future__ import annotations

import pytest

from pathlib import Path

from kg.cli import main
from kg.errors import QueryError
from kg.queries.stored import parse_header, stored_query


# --- a stored query's name is a name, not a path -------------------------------------------------

@pytest.mark.parametrize("name", ["../../etc/passwd", "../queries/events", "/etc/passwd", "a/b", ".hidden", "x" * 5000, ""])
def test_a_query_name_that_is_a_path_is_refused(name, capsys):
    with pytest.raises(QueryError, match="is not the name of a stored query"):
        stored_query(name)
    assert main(["query", name]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err) < 600


def test_the_python_api_refuses_a_path_too():
    import kg

    with pytest.raises(QueryError, match="is not the name of a stored query"):
        kg.query("../../README")


# --- YAML headers --------------------------------------------------------------------------------

def test_a_header_with_yaml_aliases_is_refused_before_it_can_expand():
    bomb = "#+ summary: x\n#+ defaults: &a [&b [1, 2], *b, *b]\n#+ tags: [*a, *a, *a]\nSELECT * {}\n"
    with pytest.raises(QueryError, match=r"line 2: .*aliases \(\*name\) are not allowed"):
        parse_header(bomb, "bomb.rq")


def test_a_header_without_aliases_still_reads():
    assert parse_header("#+ summary: People\n#+ defaults:\n#+   - date: '2025-01-01'\nSELECT * {}") == {
        "summary": "People", "defaults": [{"date": "2025-01-01"}]}


# --- RDF/XML entities --------------------------------------------------------------------------

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="urn:x"><rdfs:label>&c;</rdfs:label></rdf:Description>
</rdf:RDF>
"""


def test_rdf_xml_that_declares_entities_is_refused_with_file_and_line(tmp_path, capsys, project):
    from kg.errors import ParseError
    from kg.graph.files import load_dataset
    from kg.graph.store import memory_store

    bomb = tmp_path / "laughs.rdf"
    bomb.write_text(LAUGHS, encoding="utf-8")
    assert main(["validate", str(bomb)]) == 2
    err = capsys.readouterr().err
    assert "laughs.rdf line 3: declares a DTD entity" in err and "Traceback" not in err
    with pytest.raises(ParseError, match="line 3: declares a DTD entity"):
        memory_store([bomb], project)  # the store's parser
    with pytest.raises(ParseError, match="line 3: declares a DTD entity"):
        load_dataset([bomb], project)  # and rdflib's


# --- the Python API: every part of a term is checked before it is written into query text ---------

@pytest.mark.parametrize("term", [
    "datatype", "language",
])
def test_a_literal_cannot_smuggle_text_into_a_values_block(term, server):
    import kg
    from rdflib import Literal

    bad = (Literal("bach mai", datatype='urn:a>) ("lao cai") ("ha noi") } #') if term == "datatype"
           else Literal("bach mai", lang="en") )
    if term == "language":
        bad._language = 'en) ("lao cai") } #'  # a tag rdflib would not build itself, set behind its back
    with pytest.raises(QueryError, match="not a valid IRI|is not one"):
        kg.query("find-by-name", endpoint=server.url + "/sparql", name=bad)
    with pytest.raises(QueryError, match="not a valid IRI|is not one"):
        kg.query("find-by-name", name=bad)


# --- the command line: clear errors with exit 2, never a traceback ---------------------------------

def _run(*argv, stdout=None):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "kg", *argv], stdout=stdout if stdout is not None else subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=120)


def test_a_query_file_that_is_not_utf8_is_named(tmp_path):
    query = tmp_path / "latin1.rq"
    query.write_bytes('SELECT ("café" AS ?x) {}'.encode("latin-1"))
    done = _run("query", "-f", str(query))
    assert done.returncode == 2 and "latin1.rq: is not UTF-8 text (byte 0xe9" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("url,says", [("http://[::1/query", "Invalid IPv6 URL"),
                                      ("http://127.0.0.1:99999/sparql", "Port out of range")])
def test_a_malformed_endpoint_is_named(url, says):
    done = _run("query", "-e", "ASK {}", "--endpoint", url)
    assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("value", ["inf", "nan", "1e300", "-5", "0"])
def test_a_timeout_no_clock_can_wait_for_is_refused(value):
    done = _run("query", "-e", "ASK {}", "--endpoint", "http://127.0.0.1:9/sparql", "--timeout", value)
    assert done.returncode == 2 and "is not a number of seconds above 0" in done.stderr


@pytest.mark.parametrize("argv", [("export",), ("query", "institution-support")])
def test_a_full_output_is_a_clear_error(argv):
    import os

    if not os.path.exists("/dev/full"):
        pytest.skip("this system has no /dev/full")
    with open("/dev/full", "w") as full:
        done = _run(*argv, stdout=full)
    assert done.returncode == 2 and "cannot write the output (No space left on device)" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_closed_output_is_a_clear_error():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "import os, sys; os.close(1); sys.stdout = None; "
                           "from kg.cli import main; sys.exit(main(['export']))"],
                          stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2 and "standard output is closed" in done.stderr


@pytest.mark.parametrize("argv,says", [
    (("--root", "r" * 100_000, "validate"), "File name too long"),
    (("validate", "f" * 100_000 + ".ttl"), "File name too long"),
    (("query", "institution-support", "-p", "institution=" + "i" * 100_000), "a value of 100,000 characters is no name"),
    (("query", "institution-support", "--width", "-5"), "is not a table width"),
    (("query", "institution-support", "--width", "0"), "is not a table width"),
    (("network", "--as-of", ""), "not a date; write it as YYYY-MM-DD"),
])
def test_long_names_and_bad_option_values_are_clear_errors(argv, says):
    done = _run(*argv)
    assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr) < 1000  # a 100,000-character input is not echoed whole


def test_a_parameter_of_one_kind_suggests_names_of_that_kind(capsys):
    assert main(["query", "cooperations-by-status", "-p", "status=bach mai"]) == 2
    err = capsys.readouterr().err
    assert 'no status is named "bach mai"' in err and "Did you mean: bach mai" not in err


# --- JSON-LD contexts: nothing is fetched or read but the file named --------------------------------

def _listener():
    from conftest import recording_listener

    return recording_listener()


@pytest.mark.parametrize("context", [
    '"http://127.0.0.1:{port}/ctx.jsonld"',
    '["http://127.0.0.1:{port}/a.jsonld", {{"x": "urn:x"}}]',
    '{{"@import": "http://127.0.0.1:{port}/imported.jsonld"}}',
    '"secret.json"',
    '"file://{secret}"',
])
def test_a_json_ld_context_that_names_another_document_is_refused_and_not_read(tmp_path, context, capsys):
    server, port, asked = _listener()
    secret = tmp_path / "secret.json"
    secret.write_text('{"@context": {"name": "http://schema.org/name"}, "@id": "urn:leak", "name": "SECRET"}',
                      encoding="utf-8")
    doc = tmp_path / "doc.jsonld"
    doc.write_text('{"@context": ' + context.format(port=port, secret=secret) + ', "@id": "urn:x", "name": "x"}',
                   encoding="utf-8")
    try:
        assert main(["validate", str(doc)]) == 2
    finally:
        server.shutdown()
        server.server_close()
    err = capsys.readouterr().err
    assert "doc.jsonld: its @context refers to" in err and "never fetched or read" in err
    assert "SECRET" not in err and asked == []


def test_a_json_ld_file_with_an_inline_context_still_reads(tmp_path, project):
    from kg.graph.store import memory_store

    doc = tmp_path / "ok.jsonld"
    doc.write_text('{"@context": {"name": "http://www.w3.org/2000/01/rdf-schema#label"}, "@id": "urn:x", "name": "x"}',
                   encoding="utf-8")
    store = memory_store([doc], project, ontology=False)
    assert store.rows("SELECT ?l WHERE { <urn:x> ?p ?l }")[1][0][0].value == "x"


# --- local queries have a time limit ------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a (!<urn:x>|^!<urn:x>)* ?b . ?c ?d ?e }",
])
def test_a_local_query_that_runs_on_is_stopped_at_its_time_limit(query):
    done = _run("query", "-e", query, "--timeout", "1.5")
    assert done.returncode == 2 and "stopped after 1.5 s, its time limit" in done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr


def test_a_local_query_within_its_limit_answers(capsys):
    assert main(["query", "support-hubs", "--timeout", "30", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("institution,")


# --- endpoints: a password in the URL never reaches a message ----------------------------------------

@pytest.mark.parametrize("argv", [
    ("query", "-e", "ASK {}", "--endpoint", "http://ann:s3cret@127.0.0.1:9/sparql", "--timeout", "5"),
    ("push", "--endpoint", "http://ann:s3cret@127.0.0.1:9/store", "--timeout", "5"),
    ("query", "-e", "ASK {}", "--endpoint", "http://ann:s3cret@[::1/sparql"),
])
def test_a_password_in_an_endpoint_url_is_not_echoed(argv):
    done = _run(*argv)
    assert done.returncode == 2 and "s3cret" not in done.stderr + done.stdout and "ann:***@" in done.stderr


# --- kg push: success only when the server holds what was sent -------------------------------------

def _store_server(answer: bytes):
    import http.server
    import threading

    class Store(http.server.BaseHTTPRequestHandler):
        def do_PUT(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))  # and throw it away
            self.send_response(204)
            self.end_headers()

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/n-triples")
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Store)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/store"


@pytest.mark.parametrize("kind", ["junk", "other triples"])
def test_a_store_that_discards_the_upload_is_not_a_success(store, kind):
    from kg.errors import EndpointError
    from kg.queries.remote import push

    count = len([line for line in store.ntriples().splitlines() if line.strip()])
    answer = (b"this is not rdf\n" * count if kind == "junk"
              else b"".join(f"<urn:s{i}> <urn:p> <urn:o> .\n".encode() for i in range(count)))
    server, url = _store_server(answer)
    try:
        with pytest.raises(EndpointError, match="not N-Triples" if kind == "junk" else "does not hold"):
            push(store, url)
    finally:
        server.shutdown()
        server.server_close()


# --- "conforms" is never said of nothing --------------------------------------------------------------

@pytest.mark.parametrize("name,content", [("empty.ttl", ""), ("numbers.jsonld", "[1, 2, 3]"),
                                          ("unmapped.jsonld", '{"name": "no context, so no IRI"}')])
def test_validating_a_file_without_triples_is_an_error(tmp_path, name, content, capsys):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert f"{name}: no triples to validate" in capsys.readouterr().err


def test_validating_a_project_without_data_is_an_error(tmp_path, capsys):
    (tmp_path / "ontology").mkdir()
    (tmp_path / "ontology" / "core.ttl").write_text("", encoding="utf-8")
    assert main(["--root", str(tmp_path), "validate"]) == 2
    assert "has no curated data" in capsys.readouterr().err


@pytest.mark.parametrize("name,content,line", [
    ("bad.nt", '<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> "x\n', 2),
    ("bad.nq", "<urn:a> <urn:b> <urn:c> <urn:g> .\n<urn:a> <urn:b> .\n", 2),
])
def test_n_triples_and_n_quads_errors_name_the_line(tmp_path, name, content, line, capsys):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{name} line {line}: syntax error: Parser error" in err and "column" in err


@pytest.mark.parametrize("name,content,says", [
    ("space.ttl", "@prefix ex: <urn:x#> .\nex:a ex:b <urn:has space> .\n", "Invalid IRI code point ' '"),
    ("brace.ttl", "@prefix ex: <urn:x#> .\nex:a ex:b <urn:a{b}> .\n", "Invalid IRI code point '{'"),
    ("escape.ttl", '@prefix ex: <urn:x#> .\nex:a ex:b "\\uZZZZ" .\n', "is not a valid hexadecimal string"),
    ("x41.nt", '<urn:a> <urn:b> "\\x41" .\n', "Unexpected escape character"),
])
def test_bad_iris_and_escapes_are_refused_with_file_and_line(tmp_path, name, content, says, capsys):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{name} line " in err and says in err


# --- no leftover files ------------------------------------------------------------------------------

def test_a_temporary_file_left_by_a_killed_writer_is_removed_by_the_next_write(tmp_path):
    import subprocess
    import sys

    from kg.graph.export import write_atomic

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(gone.stdout)  # a process number that has ended
    stale = tmp_path / f".out.ttl.{dead}.abc123.tmp"
    stale.write_bytes(b"x" * 1000)
    alive = tmp_path / f".out.ttl.{__import__('os').getpid()}.def456.tmp"  # a live writer's: kept
    alive.write_bytes(b"y")
    write_atomic(tmp_path / "out.ttl", "data\n")
    assert (tmp_path / "out.ttl").read_text() == "data\n"
    assert not stale.exists() and alive.exists()


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.5])
def test_sigterm_during_an_export_leaves_no_temporary_file(tmp_path, delay):
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "graph.nq"
    process = subprocess.Popen([sys.executable, "-m", "kg", "export", "--format", "nquads", "-o", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode in (0, 143, -signal.SIGTERM), err
    assert "Traceback" not in err
    assert list(tmp_path.glob(".graph.nq.*.tmp")) == []


# --- remote endpoints: the timeout bounds the whole exchange, and answers have a size limit ------------

def _answering(handler_body):
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            handler_body(self)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/sparql"


def test_a_server_that_drips_bytes_does_not_outlast_the_timeout():
    import time

    from kg.errors import EndpointError
    from kg.queries.remote import Endpoint

    def drip(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        try:
            for _ in range(60):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.4)
        except OSError:
            pass

    server, url = _answering(drip)
    try:
        began = time.monotonic()
        with pytest.raises(EndpointError, match=r"no answer before the timeout \(the whole exchange counts\).*now 2 s"):
            Endpoint(url, timeout=2).select("ASK {}")
        assert time.monotonic() - began < 6
    finally:
        server.shutdown()
        server.server_close()


def test_an_answer_over_the_size_limit_is_refused(monkeypatch):
    import kg.queries.remote as remote
    from kg.errors import EndpointError

    monkeypatch.setattr(remote, "MAX_ANSWER", 100_000)

    def big(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        try:
            self.wfile.write(b'{"head": {"vars": ["x"]}, "results": {"bindings": [' + b" " * 300_000 + b"]}}")
        except OSError:
            pass

    server, url = _answering(big)
    try:
        with pytest.raises(EndpointError, match="an answer over 0 MB, the limit|over .* the limit"):
            remote.Endpoint(url, timeout=10).select("ASK {}")
    finally:
        server.shutdown()
        server.server_close()


# --- output paths ----------------------------------------------------------------------------------

def test_output_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    from kg.graph.export import write_atomic

    target = tmp_path / "real.ttl"
    target.write_text("old\n")
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    write_atomic(link, "new\n")
    assert link.is_symlink() and target.read_text() == "new\n"


def test_output_to_a_device_writes_through_it_and_leaves_it_a_device():
    import os
    import stat

    from kg.graph.export import write_atomic

    write_atomic(Path(os.devnull), "nothing\n")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_output_under_a_file_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    assert main(["export", "-o", str(tmp_path / "afile" / "x.ttl")]) == 2
    assert "afile is a file, not a folder" in capsys.readouterr().err


def test_a_redirect_to_another_server_is_not_followed():
    from kg.errors import EndpointError
    from kg.queries.remote import Endpoint

    other, other_port, asked = _listener()  # it records every request it receives

    def redirect(self):
        self.send_response(307)
        self.send_header("Location", f"http://127.0.0.1:{other_port}/sparql")
        self.end_headers()

    server, url = _answering(redirect)
    try:
        with pytest.raises(EndpointError, match="redirects to http://127.0.0.1:.*another server"):
            Endpoint(url, timeout=5).select("ASK {}")
    finally:
        for s in (server, other):
            s.shutdown()
            s.server_close()
    assert asked == []


# --- an interrupted build is told apart from a complete one -----------------------------------------

def test_a_complete_build_lists_its_outputs_and_an_interrupted_one_leaves_no_manifest(tmp_path):
    import hashlib
    import json
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "out"
    done = _run("build", "-o", str(out))
    assert done.returncode == 0, done.stderr
    manifest = json.loads((out / "build-manifest.json").read_text())
    assert {"vnhealth.ttl", "validation.txt", "network.html", "network.graphml"} <= set(manifest["files"])
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == entry["sha256"]
    process = subprocess.Popen([sys.executable, "-m", "kg", "build", "-o", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while (out / "build-manifest.json").exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # the new run removes the old manifest first
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    assert process.returncode in (143, -signal.SIGTERM, 0)
    if process.returncode != 0:  # stopped before the end: nothing vouches for a mix of old and new files
        assert not (out / "build-manifest.json").exists()
    assert list(out.glob(".*.tmp")) == []


# --- the table: every hostile command line, run as a user runs it ----------------------------------------

from hostile_table import CASES, leftovers, run_all  # noqa: E402


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    return folder, {o.case.name: o for o in run_all(folder)}


@pytest.mark.parametrize("case", CASES, ids=[f"{c.category}: {c.name[:50]}" for c in CASES])
def test_each_hostile_command_line_ends_in_a_clear_error(case, outcomes):
    outcome = outcomes[1][case.name]
    assert outcome.code is not None, f"no answer within the table's {outcome.seconds:.0f} s"
    assert "Traceback" not in outcome.stderr
    assert outcome.code == 2, outcome.stderr[-400:]
    assert case.says in outcome.stderr, outcome.stderr[-400:]
    assert len(outcome.stderr) < 2000  # long inputs are not echoed whole
    assert outcome.requests == [], "the listener was contacted"
    assert "SECRET-7f3a" not in outcome.stderr + outcome.stdout, "a file nobody named was read"


def test_the_hostile_table_leaves_no_temporary_file(outcomes):
    assert leftovers(outcomes[0]) == []
