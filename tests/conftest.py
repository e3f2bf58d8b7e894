"""Shared fixtures: the real project and its curated graph, loaded once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.graph.files import Project, load_dataset

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

# The tests of the curated graph leave out the national gazetteer (data/gazetteer/, 170,000 triples): the
# store, the commands and the served site they start hold the curated data alone. tests/test_gazetteer.py
# builds a store with it.
os.environ.setdefault("KG_GAZETTEER", "0")


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def curated(project):
    """Ontology, schemes and curated data as one dataset (read-only: do not add to it)."""
    return load_dataset(project=project)


@pytest.fixture(scope="session")
def graph(project):
    """The curated graph as ``kg.load_graph`` gives it: with the folded search labels."""
    from kg.queries.run import load_graph

    return load_graph(project)


@pytest.fixture(scope="session")
def sample(project):
    """The small query fixture (tests/fixtures/queries/sample.trig) with its search labels."""
    from kg.graph.search_labels import add_search_labels

    dataset = load_dataset([TESTS / "fixtures" / "queries" / "sample.trig"], project)
    add_search_labels(dataset)
    return dataset


@pytest.fixture(scope="session")
def store(project, tmp_path_factory):
    """The project's persistent store, built afresh in a folder of the test session (read-only: do not add to it)."""
    from kg.graph.store import open_store

    return open_store(project, location=tmp_path_factory.mktemp("store") / "store")


@pytest.fixture(scope="session")
def sample_store(project):
    """The small query fixture in an in-memory store (Oxigraph's engine), with its search labels."""
    from kg.graph.store import memory_store

    return memory_store([TESTS / "fixtures" / "queries" / "sample.trig"], project)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A project folder of its own: the real ontology, shapes and queries, a copy of the curated data
    (to change), and KG_HOME pointing at it."""
    import shutil

    for folder in ("ontology", "shapes", "queries"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    shutil.copytree(ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("gazetteer"))
    monkeypatch.setenv("KG_HOME", str(tmp_path))
    monkeypatch.delenv("KG_STORE", raising=False)
    return tmp_path


class Served:
    """A ``kg serve`` process on a free loopback port, stopped by ``stop()``."""

    def __init__(self, url: str, process):
        self.url, self.process = url, process

    def stop(self) -> None:
        import subprocess

        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(store_folder: Path | None = None, root: Path | None = None, *args: str) -> Served:
    """Start ``kg serve --port 0`` (the store in ``store_folder``, the project in ``root``) and wait for its address."""
    import os
    import re
    import subprocess
    import sys
    import time

    env = dict(os.environ)
    if store_folder is not None:
        env["KG_STORE"] = str(store_folder)
    command = [sys.executable, "-m", "kg"] + (["--root", str(root)] if root else []) + ["serve", "--port", "0", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               cwd=str(root or ROOT))
    deadline = time.monotonic() + 60
    line = process.stdout.readline()
    match = re.search(r"at (http://127\.0\.0\.1:\d+)/", line)
    if not match:
        process.kill()
        raise RuntimeError(f"kg serve did not start: {line}{process.stderr.read()}")
    served = Served(match.group(1), process)
    import urllib.request

    while time.monotonic() < deadline:  # the socket is bound before uvicorn accepts: wait for an answer
        try:
            with urllib.request.urlopen(served.url + "/api/openapi.json", timeout=5):
                return served
        except OSError:
            time.sleep(0.1)
    served.stop()
    raise RuntimeError("kg serve did not answer within 60 s")


@pytest.fixture(scope="session")
def server(store):
    """``kg serve`` on the session's store, on a free 127.0.0.1 port; its base URL as ``server.url``."""
    served = start_server(store.location.parent)
    yield served
    served.stop()


def recording_listener(body: bytes = b'{"@context": {"name": "http://schema.org/name"}}', status: int = 200):
    """An HTTP server on a free loopback port that records the path of every request it receives and answers
    ``status`` with ``body``; returns (server, port, paths). Call ``server.shutdown()`` and ``server_close()``."""
    import http.server
    import threading

    asked: list[str] = []

    class Listener(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(status)
            self.send_header("Content-Type", "application/ld+json")
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Listener)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1], asked
