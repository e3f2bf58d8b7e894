"""The store's engine against rdflib's, where the project runs both: the checks, the network snapshots,
and how often a build reads the graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.graph.files import Project, load_dataset
from kg.graph.store import memory_store
from kg.network.projection import change_dates, project_network, read_links, snapshot
from kg.queries.stored import find_queries
from kg.validation.validator import check_findings

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = sorted((TESTS / "shapes").glob("*.trig"))
CHECKS = find_queries(ROOT / "queries", checks=True)


def _keys(findings):
    return sorted((f.focus, f.path or "", f.component, f.value or "") for f in findings)


@pytest.mark.parametrize("files", [None] + [[f] for f in FIXTURES], ids=lambda f: "curated" if f is None else f[0].stem)
def test_checks_find_the_same_on_both_engines(files):
    project = Project(ROOT)
    rdflib_side = check_findings(load_dataset(files, project), CHECKS)
    store_side = check_findings(memory_store(files, project), CHECKS)
    assert _keys(store_side) == _keys(rdflib_side)


def test_the_fixtures_trip_some_check():
    # the comparison above is not only of empty lists
    tripped = sum(bool(check_findings(memory_store([f], Project(ROOT)), CHECKS)) for f in FIXTURES)
    assert tripped >= 5


@pytest.mark.parametrize("name", ["curated", "small"])
def test_snapshots_in_memory_equal_the_stored_query(name):
    project = Project(ROOT)
    files = None if name == "curated" else [TESTS / "fixtures" / "network" / "small.trig"]
    target = memory_store(files, project)
    whole = project_network(target, project=project)
    days = change_dates(whole.links)
    assert len(days) >= 4
    for day in days + [d.replace(day=1) for d in days]:
        in_memory = sorted(l.key for l in snapshot(whole, day).links)
        by_sparql = sorted(l.key for l in read_links(target, day, project))
        assert in_memory == by_sparql, day


def test_a_build_projects_the_network_once(tmp_path, monkeypatch):
    import kg.network.projection as projection
    from kg.cli import main

    calls = []
    real = projection.select

    def counting(target, text, bindings=None):
        calls.append("map" if "asWKT" in text else "links" if "hkg:supporter ?source" in text
                     else "referrals" if "hkg:ReferralFlow" in text else "institutions")
        return real(target, text, bindings)

    monkeypatch.setattr(projection, "select", counting)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert main(["build", "-o", str(tmp_path)]) == 0
    # was 2 per page and picture, plus one per snapshot date; the referral network reads its flows and their areas
    # once, and the map its areas and its institutions' places once
    assert sorted(calls) == ["institutions", "links", "map", "map", "referrals", "referrals"]
