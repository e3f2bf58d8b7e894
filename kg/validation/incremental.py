"""Validating again only what a change can affect: SHACL findings kept per named graph, between runs.

The whole graph is validated once; each finding is filed under the named graph that holds
its focus node as a subject (the convention of the data: an entity is described in one
graph). After a refresh of the store, a graph is validated again when its content changed,
or when it uses what changed: when one of its statements points, directly or through one
other node, at an entity described in a changed graph. Such a graph is validated with what
its shapes can reach: its own statements and those of the nodes it points at, two steps
out. The findings of every other graph are reused.

This is exact for shapes whose findings on a node depend on that node's statements and
the nodes they point at (property paths forward, ``sh:class``, ``sh:node``, targets by
class or by the node's own values), which is what ``shapes/`` holds; shapes with inverse
paths or ``sh:targetObjectsOf`` would make a graph depend on the graphs that point at it,
and then every run validates the whole graph (:func:`forward_only`). A differential test
compares the findings of a run after a change with those of a full run.

The findings live in ``validation-cache.json`` beside the store's versions, keyed by the
shapes, the ontology, the engine and each graph's content.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.graph.files import ONTOLOGY_GRAPH, Project
from kg.graph.search_labels import SEARCH_GRAPH
from kg.graph.store import GraphStore, to_rdflib
from kg.namespaces import SH, bind_prefixes
from kg.validation.report import Finding

CACHE_FORMAT = 1
_SKIP = {str(ONTOLOGY_GRAPH), str(SEARCH_GRAPH)}


def forward_only(shapes: Graph) -> bool:
    """True when no shape looks backwards (inverse paths, targets by the statements that point at a node).

    >>> forward_only(Graph().parse(data="[] <http://www.w3.org/ns/shacl#inversePath> <urn:p> .", format="turtle"))
    False
    """
    backwards = (SH.inversePath, SH.targetObjectsOf)
    return not any(True for p in backwards for _ in shapes.triples((None, p, None)))


def graph_hashes(store: GraphStore) -> dict[str, str]:
    """A hash of each data graph's content, from the SHA-256 of the files that write into it."""
    shas: dict[str, list[str]] = {}
    for entry in store.manifest.get("files", {}).values():
        for graph in entry.get("graphs", []):
            shas.setdefault(graph, []).append(entry.get("sha256", ""))
    return {g: hashlib.sha256("".join(sorted(v)).encode()).hexdigest() for g, v in shas.items() if g not in _SKIP}


def _base_key(project: Project, store: GraphStore, engine: str, shapes: Graph) -> str:
    """What the findings depend on besides the data: the shapes, the ontology, the engine chosen and its version."""
    from importlib.metadata import PackageNotFoundError, version

    from kg.validation.shacl_fast import pick_engine

    chosen = pick_engine(shapes, engine)[0]
    versions = []
    for package in ("pyshacl", "pyshacl-turbo", "rdflib"):
        try:
            versions.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            versions.append(f"{package} -")
    sha = hashlib.sha256(f"{CACHE_FORMAT} {chosen} {versions}".encode())
    for path in project.shape_files:
        sha.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for key, entry in sorted(store.manifest.get("files", {}).items()):
        if str(ONTOLOGY_GRAPH) in entry.get("graphs", []):
            sha.update(f"{key} {entry.get('sha256')}".encode())
    return sha.hexdigest()


def _name(term) -> str:
    """A term as findings name their focus: the IRI itself, or ``_:id`` for a blank node."""
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def _subjects(store: GraphStore, graph: str) -> set[str]:
    return {_name(q.subject) for q in store.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}


def _owner_of(store: GraphStore, focus: str) -> str:
    """The data graph that describes ``focus`` (an IRI, or ``_:id``), or "" when none does."""
    term = ox.BlankNode(focus[2:]) if focus.startswith("_:") else ox.NamedNode(focus)
    for quad in store.store.quads_for_pattern(term, None, None, None):
        name = quad.graph_name
        if isinstance(name, ox.NamedNode) and name.value not in _SKIP:
            return name.value
    return ""


def unit_data(store: GraphStore, graph: str, steps: int = 2) -> Graph:
    """The statements of ``graph`` and those of the nodes they point at, ``steps`` steps out (any data graph)."""
    out = bind_prefixes(Graph())
    add = out.add
    frontier, seen = set(), set()
    for q in store.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
        add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
        seen.add(q.subject)
        if not isinstance(q.object, ox.Literal):
            frontier.add(q.object)
    for _ in range(steps):
        frontier -= seen
        following = set()
        for node in frontier:
            seen.add(node)
            for q in store.store.quads_for_pattern(node, None, None, None):
                if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in _SKIP:
                    continue
                add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
                if not isinstance(q.object, ox.Literal):
                    following.add(q.object)
        frontier = following
    return out


def _dependents(store: GraphStore, entities: set[str], exclude: set[str]) -> set[str]:
    """The data graphs whose statements point at one of ``entities``, directly or through one other node."""
    iris = sorted(e for e in entities if not e.startswith("_:"))
    found: set[str] = set()
    for start in range(0, len(iris), 400):
        values = " ".join(f"<{e}>" for e in iris[start:start + 400])
        for text in (f"SELECT DISTINCT ?g WHERE {{ VALUES ?x {{ {values} }} GRAPH ?g {{ ?s ?p ?x }} }}",
                     f"SELECT DISTINCT ?g WHERE {{ VALUES ?x {{ {values} }} GRAPH ?h {{ ?m ?q ?x }} "
                     f"GRAPH ?g {{ ?s ?p ?m }} }}"):
            for row in store.store.query(text):
                found.add(row["g"].value)
    return found - exclude - _SKIP


def _described_elsewhere(store: GraphStore, entities: set[str]) -> bool:
    """True when one of ``entities`` is described (as a subject) in more than one data graph."""
    iris = sorted(e for e in entities if not e.startswith("_:"))
    for start in range(0, len(iris), 400):
        values = " ".join(f"<{e}>" for e in iris[start:start + 400])
        answer = store.store.query(f"SELECT ?s WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} "
                                   f"FILTER(?g NOT IN (<{ONTOLOGY_GRAPH}>, <{SEARCH_GRAPH}>)) }} "
                                   f"GROUP BY ?s HAVING (COUNT(DISTINCT ?g) > 1) LIMIT 1")
        if any(True for _ in answer):
            return True
    return False


class Cache:
    """The findings of the last validation, per data graph."""

    def __init__(self, path: Path, base: str):
        self.path, self.base = path, base
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        self.units: dict = data.get("units", {}) if data.get("base") == base else {}
        self.unowned: list = data.get("unowned", []) if data.get("base") == base else []
        self.valid = bool(self.units)

    def save(self) -> None:
        import tempfile

        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"base": self.base, "units": self.units, "unowned": self.unowned}, handle)
        os.replace(tmp, self.path)


def _as_dict(finding: Finding) -> dict:
    return dict(vars(finding))  # its fields are plain strings and numbers: no deep copy as asdict makes


def shacl_incremental(store: GraphStore, shapes: Graph, ontology: Graph, engine: str, project: Project,
                      run) -> tuple[list[Finding], str]:
    """The SHACL findings of ``store``, validating again only the graphs a change can affect.

    ``run(data, shapes, ontology, engine)`` validates one rdflib graph (``shacl_findings``).
    Returns the findings and a sentence that says what was validated.
    """
    hashes = graph_hashes(store)
    if store.location is None or not forward_only(shapes):
        why = "" if store.location is None else " (a shape looks backwards: every graph depends on the others)"
        return run(store.union_graph(), shapes, ontology, engine), f"validated the whole graph{why}"
    cache = Cache(store.location.parent / "validation-cache.json", _base_key(project, store, engine, shapes))
    changed = {g for g, h in hashes.items() if cache.units.get(g, {}).get("hash") != h}
    removed = set(cache.units) - set(hashes)
    sizes = store.manifest.get("graphs") or store.graph_sizes()  # the manifest counts the triples of each graph
    total = sum(sizes.get(g, 0) for g in hashes)
    if cache.valid and not changed and not removed:
        findings = [Finding(**f) for u in cache.units.values() for f in u["findings"]] + \
                   [Finding(**f) for f in cache.unowned]
        return findings, f"no graph changed since the last validation: the findings of {len(hashes)} graphs reused"
    affected: set[str] = set()
    if cache.valid:
        entities = set()
        for g in changed | removed:
            entities |= set(cache.units.get(g, {}).get("subjects", []))
            if g in hashes:
                entities |= _subjects(store, g)
        affected = (changed | _dependents(store, entities, changed | removed)) & set(hashes)
        share = sum(sizes.get(g, 0) for g in affected) / max(total, 1)
        # exact only when every entity is described in one graph, and every finding has a graph
        shared = _described_elsewhere(store, entities)
    if not cache.valid or share > 0.5 or cache.unowned or shared:
        findings = run(store.union_graph(), shapes, ontology, engine)
        cache.units = {g: {"hash": h, "subjects": sorted(_subjects(store, g)), "findings": []} for g, h in hashes.items()}
        cache.unowned = []
        for f in findings:
            owner = _owner_of(store, f.focus)
            (cache.units[owner]["findings"] if owner in cache.units else cache.unowned).append(_as_dict(f))
        cache.save()
        return findings, f"validated the whole graph ({len(hashes)} graphs)"
    for g in removed:
        cache.units.pop(g, None)
    for g in sorted(affected):
        owned = _subjects(store, g)
        found = [f for f in run(unit_data(store, g), shapes, ontology, engine) if f.focus in owned]
        cache.units[g] = {"hash": hashes[g], "subjects": sorted(owned), "findings": [_as_dict(f) for f in found]}
    cache.save()
    findings = [Finding(**f) for u in cache.units.values() for f in u["findings"]] + [Finding(**f) for f in cache.unowned]
    return findings, (f"validated again {len(affected)} of {len(hashes)} graphs ({len(changed)} changed, "
                      f"{len(affected) - len(changed & affected)} that use them); the findings of the others reused")
