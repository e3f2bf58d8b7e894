"""Shared fixtures: the real project and its curated graph, loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.graph.files import Project, load_dataset

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


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
    shutil.copytree(ROOT / "data", tmp_path / "data")
    monkeypatch.setenv("KG_HOME", str(tmp_path))
    monkeypatch.delenv("KG_STORE", raising=False)
    return tmp_path
