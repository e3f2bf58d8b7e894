"""The outcome of a validation: ``Finding``s (where, what, what to do) and the ``Report`` that prints them.

SHACL results follow https://www.w3.org/TR/shacl/#validation-report ; a report prints as text,
JSON or a SHACL validation report graph.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.namespaces import SH, bind_prefixes


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
    #: what was validated (the whole graph, or which graphs again after a change), for the command to say
    note: str = ""

    @property
    def conforms(self) -> bool:
        """True when no finding is a Violation (warnings and info do not fail validation)."""
        return not any(f.severity == "Violation" for f in self.findings)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def keys(self) -> set[tuple[str, str | None, str]]:
        return {f.key() for f in self.findings}

    def to_text(self, limit: int = 0) -> str:
        """Findings grouped by severity, IRIs as prefixed names, then a one-line verdict.

        With ``limit``, each severity lists its first ``limit`` findings and says how many more there are.
        """
        names = bind_prefixes(Graph()).namespace_manager
        short = lambda text: names.normalizeUri(URIRef(text)) if text and text.startswith("http") else text  # noqa: E731
        lines = []
        for severity in SEVERITIES:
            group = sorted((f for f in self.findings if f.severity == severity), key=Finding.sort_key)
            if not group:
                continue
            lines.append(f"{severity} ({len(group)})")
            for f in group[:limit or None]:
                where = f"{f.file}:{f.line}" if f.file else "(not found in the data files)"
                label = f' "{f.label}"' if f.label else ""
                lines.append(f"  {where}  {short(f.focus)}{label}")
                path = f"{short(f.path)}: " if f.path else ""
                value = f" (value: {f.value})" if f.value else ""
                lines.append(f"    {path}{f.message}{value} [{short(f.component)}]")
            if limit and len(group) > limit:
                lines.append(f"  ... and {len(group) - limit} more of this severity; give --limit 0 to list them "
                             "all, or --format json for a report other tools read")
            lines.append("")
        verdict = "conforms" if self.conforms else "does not conform"
        lines.append(f"{self.count('Violation')} violations, {self.count('Warning')} warnings, "
                     f"{self.count('Info')} info on {self.triples} triples: {verdict}")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        body = {"conforms": self.conforms, "triples": self.triples,
                "findings": [dict(vars(f)) for f in sorted(self.findings, key=Finding.sort_key)]}
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
