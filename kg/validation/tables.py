"""A table's TriG validated with the project's data before it is written; its findings told by row and column.

The TriG is loaded with every file the store is built from (but the one it is to replace) into an
in-memory store. The ``-violation`` checks run on all of it; the SHACL shapes run on what they can
reach from the table's entities and from the entities that point at them (their statements and
those of the nodes they point at, two steps out), which is exact for shapes that look only forward,
as :mod:`kg.validation.incremental` explains. Only what the table adds counts: findings the data
has without it are left out. A violation refuses the whole table, naming the row and column of each
finding and the shape's message; warnings are returned for the command to print.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.errors import InputError
from kg.graph.files import ONTOLOGY_GRAPH, Project, load_shapes
from kg.graph.search_labels import SEARCH_GRAPH
from kg.graph.store import GraphStore, memory_store, to_rdflib
from kg.namespaces import bind_prefixes
from kg.queries.results import prefixed
from kg.queries.stored import find_queries
from kg.queries.table_import import Imported
from kg.validation.incremental import forward_only
from kg.validation.report import Finding
from kg.validation.validator import check_findings, shacl_findings

_SKIP = {str(ONTOLOGY_GRAPH), str(SEARCH_GRAPH)}


def store_files(project: Project, replacing: Path | None = None) -> list[Path]:
    """The files the store is built from, without ``replacing`` (the file the table's TriG is to be written to)."""
    files = list(project.store_files)
    if replacing is None:
        return files
    target = Path(replacing).resolve()
    return [f for f in files if f.resolve() != target]


def _name(term) -> str:
    return term.value if isinstance(term, ox.NamedNode) else f"_:{term.value}"


def _node(name: str):
    return ox.BlankNode(name[2:]) if name.startswith("_:") else ox.NamedNode(name)


def _quads(store: GraphStore, subject):
    return (q for q in store.store.quads_for_pattern(subject, None, None, None)
            if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in _SKIP))


def neighbourhood(store: GraphStore, focus: set[str], steps: int = 2) -> Graph:
    """The statements of the ``focus`` nodes and of the nodes they point at, ``steps`` steps out."""
    out = bind_prefixes(Graph())
    seen: set = set()
    frontier = {_node(f) for f in focus}
    for _ in range(steps + 1):
        following = set()
        for node in frontier - seen:
            seen.add(node)
            for q in _quads(store, node):
                out.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
                if not isinstance(q.object, ox.Literal):
                    following.add(q.object)
        frontier = following
    return out


def _focus(store: GraphStore, imported: Imported) -> set[str]:
    """The table's entities, their blank nodes, and the entities that point at them: what the table can change."""
    subjects = {str(e.subject) for entities in imported.graphs.values() for e in entities}
    focus = set(subjects)
    for iri in subjects:
        node = ox.NamedNode(iri)
        for q in _quads(store, node):
            if isinstance(q.object, ox.BlankNode):
                focus.add(_name(q.object))
        for q in store.store.quads_for_pattern(None, None, node, None):
            if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in _SKIP):
                focus.add(_name(q.subject))
    return focus


def _shacl(store: GraphStore, focus: set[str], shapes: Graph, engine: str) -> list[Finding]:
    if not focus:
        return []
    ontology = store.rdflib_graph(str(ONTOLOGY_GRAPH))
    return [f for f in shacl_findings(neighbourhood(store, focus), shapes, ontology, engine) if f.focus in focus]


def _key(finding: Finding) -> tuple:
    blank = lambda text: "_" if text and text.startswith("_:") else text  # noqa: E731 - labels differ per store
    return (finding.severity, blank(finding.focus), finding.path, finding.component, finding.message,
            blank(finding.value))


def _short(component: str) -> str:
    return component.rsplit("#", 1)[-1] if component.startswith("http://www.w3.org/ns/shacl#") else component


def _shown(text: str | None) -> str:
    return prefixed(URIRef(text)) if text and text.startswith(("http://", "https://")) else (text or "")


def describe(imported: Imported, finding: Finding) -> str:
    """One finding as a line of the refusal: where in the table, what the shape or check says, its value."""
    value = f" (value: {_shown(finding.value)})" if finding.value else ""
    path = f" [{_shown(finding.path)}]" if finding.path and not finding.path.startswith("_:") else ""
    return (f"{imported.where(finding.focus, finding.path)}: {_shown(finding.focus)}{path}: {finding.message}{value} "
            f"[{_short(finding.component)}]")


def table_findings(imported: Imported, project: Project, before: GraphStore, replacing: Path | None = None,
                   engine: str = "auto") -> list[Finding]:
    """The findings that ``imported`` adds to the data of ``before`` (the store its names were resolved on)."""
    shapes = load_shapes(project)
    if not forward_only(shapes):  # pragma: no cover - shapes/ holds none; the whole graph would be needed
        raise InputError("a shape of shapes/ looks backwards (sh:inversePath, sh:targetObjectsOf), so a table "
                         "cannot be validated on its own; validate after writing it with kg validate")
    checks = find_queries(project.query_dir, checks=True, check_syntax=False)
    with tempfile.TemporaryDirectory(prefix="kg-table-") as folder:
        after = _with_table(imported, project, replacing, Path(folder))
    focus = _focus(after, imported)
    found = _shacl(after, focus, shapes, engine) + check_findings(after, checks)
    if found:  # only then is it worth asking which of them the data has without the table
        existed = {f for f in focus if not f.startswith("_:") and any(True for _ in _quads(before, _node(f)))}
        known = {_key(f) for f in _shacl(before, existed, shapes, engine) + check_findings(before, checks)}
        found = [f for f in found if _key(f) not in known]
    return sorted(found, key=lambda f: f.sort_key())


def _with_table(imported: Imported, project: Project, replacing: Path | None, folder: Path) -> GraphStore:
    """An in-memory store of the files the store is built from (but ``replacing``) and the table's TriG."""
    written = folder / "table.trig"
    written.write_text(imported.text(), encoding="utf-8")
    return memory_store(store_files(project, replacing) + [written], project)


def check_import(imported: Imported, project: Project, before: GraphStore, replacing: Path | None = None,
                 engine: str = "auto") -> list[str]:
    """Raise ``InputError`` listing, by row and column, every violation ``imported`` adds to the data of ``before``;
    return the warnings it adds, one line each."""
    added = table_findings(imported, project, before, replacing, engine)
    violations = [describe(imported, f) for f in added if f.severity == "Violation"]
    if violations:
        count = len(violations)
        raise InputError(f"{imported.table.path}: {count} violation{'s' if count > 1 else ''} of the shapes and "
                         "checks, nothing written:\n  " + "\n  ".join(violations))
    return [describe(imported, f) for f in added if f.severity != "Violation"]
