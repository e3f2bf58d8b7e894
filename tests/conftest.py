"""Shared fixtures: the real project and its curated graph, loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.store import Project, load_dataset

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def curated(project):
    """Ontology, schemes and curated data as one dataset (read-only: do not add to it)."""
    return load_dataset(project=project)
