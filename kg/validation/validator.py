"""Validation: SHACL shapes (pySHACL) plus the ``-violation.rq`` checks, as a ``Report`` of ``Finding``s.

Each finding also names the file and line where its focus node is defined.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Iterable

from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, RDFS, SKOS

from kg.errors import QueryError
from kg.graph.files import ONTOLOGY_GRAPH, Project, SourceIndex, load_shapes
from kg.graph.store import GraphStore, memory_store, open_store
from kg.namespaces import SH
from kg.queries.engine import select
from kg.queries.stored import StoredQuery, find_queries
from kg.validation.report import Finding, Report
from kg.validation.incremental import shacl_incremental
from kg.validation.shacl_fast import results_graph


def _show(graph: Graph, node) -> str | None:
    if node is None:
        return None
    if isinstance(node, Literal):
        return str(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _label(graph: Graph, node) -> str | None:
    best = None
    for pred in (RDFS.label, SKOS.prefLabel):
        for lit in graph.objects(node, pred):
            if isinstance(lit, Literal) and (best is None or lit.language == "en"):
                best = str(lit)
    return best


def shacl_findings(data: Graph, shapes: Graph, ontology: Graph, engine: str = "auto") -> list[Finding]:
    """Validate ``data`` against ``shapes`` and turn each ``sh:ValidationResult`` into a ``Finding`` (file and
    line filled in later).

    ``engine``: ``pyshacl`` (the reference), ``turbo`` (pyshacl-turbo, several times faster on large
    graphs), or ``auto``, which takes turbo when it is installed and the shapes use only what the
    differential tests cover (see :mod:`kg.validation.shacl_fast`).
    """
    results = results_graph(data, shapes, ontology, engine)
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        severity = results.value(result, SH.resultSeverity)
        message = results.value(result, SH.resultMessage)
        findings.append(Finding(
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            file=None, line=None,
            focus=_show(results, focus),
            path=_show(results, results.value(result, SH.resultPath)),
            component=str(results.value(result, SH.sourceConstraintComponent)),
            message=str(message) if message else "constraint not met",
            value=_show(results, results.value(result, SH.value)),
            label=_label(data, focus),
            shape=_show(results, results.value(result, SH.sourceShape)),
        ))
    return findings


def check_findings(dataset, checks: Iterable[StoredQuery]) -> list[Finding]:
    """Run each ``-violation`` query on ``dataset`` (the store or an rdflib dataset); every row is a finding
    (its ``?focus``, ``?path``, ``?value``, ``?message``)."""
    findings = []
    for check in checks:
        severity = str(check.header.get("severity", "Violation")).capitalize()
        try:
            result = select(dataset, check.text)
        except Exception as exc:
            raise QueryError(f"{check.path}: the check does not run: {exc}; fix the query") from None
        for row in result.rows:
            values = {k: v for k, v in zip(result.variables, row) if v is not None}
            focus = values.get("focus")
            findings.append(Finding(
                severity=severity, file=None, line=None,
                focus=_show(dataset, focus) or "(dataset)",
                path=_show(dataset, values.get("path")),
                component=f"query:{check.name}",
                message=str(values.get("message") or check.summary),
                value=_show(dataset, values.get("value")),
                label=_label(dataset, focus) if focus is not None else None,
                shape=None,
            ))
    return findings


def validate(files: Iterable[Path] | None = None, project: Project | None = None,
             store: GraphStore | None = None, engine: str = "auto") -> Report:
    """Validate the project's curated data (from its store), or the given files together with the ontology.

    ``store`` is the project's store when the caller has it open already; ``engine`` chooses the SHACL
    engine (see :func:`shacl_findings`). Raises ``ParseError``
    (with file and line) when a file does not parse.
    """
    project = project or Project()
    if files is not None:
        files = list(files)
        target = memory_store(files, project)
        if target.data_triples() == 0:  # "conforms" on nothing would mislead
            from kg.errors import InputError

            names = ", ".join(str(f) for f in files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
            raise InputError(f"{names}: no triples to validate (the file is empty, or its JSON-LD maps nothing to "
                             "IRIs); give a file with data")
    else:
        files = project.data_files
        if not files:
            from kg.errors import InputError

            raise InputError(f"{project.root.name}/ has no curated data (data/reference/*.trig, data/sources/*.trig): "
                             "nothing to validate; give the project folder with --root, or the files to validate")
        target = store if store is not None else open_store(project)
        files = project.store_files
    ontology = target.rdflib_graph(str(ONTOLOGY_GRAPH))
    findings, note = shacl_incremental(target, load_shapes(project), ontology, engine, project, shacl_findings)
    findings += check_findings(target, find_queries(project.query_dir, checks=True, check_syntax=False))
    index = SourceIndex(files, project.root)
    located = []
    for f in findings:
        where = index.locate(f.focus) if not f.focus.startswith("_:") else None
        located.append(replace(f, file=where[0], line=where[1]) if where else f)
    return Report(findings=located, triples=target.data_triples(), note=note)
