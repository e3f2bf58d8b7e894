"""Validation: SHACL shapes (pySHACL) plus the ``-violation.rq`` checks, as a ``Report`` of ``Finding``s.

SHACL results follow https://www.w3.org/TR/shacl/#validation-report ; each finding also
names the file and line where its focus node is defined.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.errors import QueryError
from kg.namespaces import SH, bind_prefixes
from kg.queries import StoredQuery, find_queries, parsed
from kg.store import Project, SourceIndex, load_dataset, load_ontology, load_shapes, union_graph

SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class Finding:
    """One thing wrong with the data: where, what, and what to do."""

    severity: str
    file: str | None
    line: int | None
    focus: str
    path: str | None
    component: str
    message: str
    value: str | None = None
    label: str | None = None
    shape: str | None = None

    def key(self) -> tuple[str, str | None, str]:
        """``(focus, path, constraint component)``, the identity tests compare."""
        return (self.focus, self.path, self.component)

    def sort_key(self) -> tuple:
        """Severity first, then file and line; fields that may be missing sort first."""
        return (SEVERITIES.index(self.severity) if self.severity in SEVERITIES else len(SEVERITIES),
                self.file or "", self.line or 0, self.focus, self.path or "", self.component, self.message,
                self.value or "")


@dataclass
class Report:
    """The outcome of a validation run."""

    findings: list[Finding] = field(default_factory=list)
    triples: int = 0

    @property
    def conforms(self) -> bool:
        """True when no finding is a Violation (warnings and info do not fail validation)."""
        return not any(f.severity == "Violation" for f in self.findings)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def keys(self) -> set[tuple[str, str | None, str]]:
        return {f.key() for f in self.findings}

    def to_text(self) -> str:
        """Findings grouped by severity, IRIs as prefixed names, then a one-line verdict."""
        names = bind_prefixes(Graph()).namespace_manager
        short = lambda text: names.normalizeUri(URIRef(text)) if text and text.startswith("http") else text  # noqa: E731
        lines = []
        for severity in SEVERITIES:
            group = sorted((f for f in self.findings if f.severity == severity), key=Finding.sort_key)
            if not group:
                continue
            lines.append(f"{severity} ({len(group)})")
            for f in group:
                where = f"{f.file}:{f.line}" if f.file else "(not found in the data files)"
                label = f' "{f.label}"' if f.label else ""
                lines.append(f"  {where}  {short(f.focus)}{label}")
                path = f"{short(f.path)}: " if f.path else ""
                value = f" (value: {f.value})" if f.value else ""
                lines.append(f"    {path}{f.message}{value} [{short(f.component)}]")
            lines.append("")
        verdict = "conforms" if self.conforms else "does not conform"
        lines.append(f"{self.count('Violation')} violations, {self.count('Warning')} warnings, "
                     f"{self.count('Info')} info on {self.triples} triples: {verdict}")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        body = {"conforms": self.conforms, "triples": self.triples,
                "findings": [asdict(f) for f in sorted(self.findings, key=Finding.sort_key)]}
        return json.dumps(body, ensure_ascii=False, indent=2) + "\n"

    def to_graph(self) -> Graph:
        """The findings as a SHACL validation report graph."""
        graph = bind_prefixes(Graph())
        report = URIRef("urn:kg:validation-report")
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(self.conforms)))
        for i, f in enumerate(sorted(self.findings, key=Finding.sort_key)):
            result = URIRef(f"urn:kg:validation-report:result-{i + 1}")
            graph.add((report, SH.result, result))
            graph.add((result, RDF.type, SH.ValidationResult))
            graph.add((result, SH.resultSeverity, SH[f.severity]))
            graph.add((result, SH.focusNode, _term(f.focus)))
            if f.path:
                graph.add((result, SH.resultPath, _term(f.path)))
            graph.add((result, SH.sourceConstraintComponent, _term(f.component)))
            graph.add((result, SH.resultMessage, Literal(f.message)))
            if f.shape:
                graph.add((result, SH.sourceShape, _term(f.shape)))
            if f.value:
                graph.add((result, SH.value, Literal(f.value)))
        return graph

    def to_turtle(self) -> str:
        return self.to_graph().serialize(format="turtle")


def _term(text: str) -> URIRef | BNode:
    return BNode(text[2:]) if text.startswith("_:") else URIRef(text)


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


def shacl_findings(data: Graph, shapes: Graph, ontology: Graph) -> list[Finding]:
    """Run pySHACL and turn each ``sh:ValidationResult`` into a ``Finding`` (file and line filled in later)."""
    from pyshacl import validate as shacl_validate

    _, results, _ = shacl_validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                   advanced=True, allow_warnings=True)
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


def check_findings(dataset: Dataset, checks: Iterable[StoredQuery]) -> list[Finding]:
    """Run each ``-violation`` query; every row is a finding (its ``?focus``, ``?path``, ``?value``, ``?message``)."""
    findings = []
    for check in checks:
        severity = str(check.header.get("severity", "Violation")).capitalize()
        try:
            rows = list(dataset.query(parsed(check.text)))
        except Exception as exc:
            raise QueryError(f"{check.path}: the check does not run: {exc}; fix the query") from None
        for row in rows:
            values = row.asdict()
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


def validate(files: Iterable[Path] | None = None, project: Project | None = None) -> Report:
    """Validate the project's curated data, or the given files together with the ontology.

    Raises ``ParseError`` (with file and line) when a file does not parse.
    """
    project = project or Project()
    files = list(files) if files is not None else project.data_files
    dataset = load_dataset(files, project)
    data = union_graph(dataset)
    ontology = load_ontology(project)
    findings = shacl_findings(data, load_shapes(project), ontology)
    findings += check_findings(dataset, find_queries(project.query_dir, checks=True))
    index = SourceIndex(files, project.root)
    located = []
    for f in findings:
        where = index.locate(f.focus) if not f.focus.startswith("_:") else None
        located.append(Finding(**{**asdict(f), "file": where[0] if where else None,
                                  "line": where[1] if where else None}))
    return Report(findings=located, triples=len(data))
