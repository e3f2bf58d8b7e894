"""Counts that summarise the graph: entities per class, triples per source graph, labels per language."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rdflib import Dataset, Literal
from rdflib.namespace import RDF, SKOS

from kg.namespaces import LABEL_PROPERTIES
from kg.namespaces import bind_prefixes
from kg.graph.files import ONTOLOGY_GRAPH, union_graph



@dataclass
class Stats:
    """Counts of one dataset; ``rows()`` gives them as ``(section, key, count)`` rows."""

    triples: int = 0
    classes: Counter = field(default_factory=Counter)
    graphs: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    concepts: int = 0

    def rows(self) -> list[tuple[str, str, int]]:
        out = [("total", "triples", self.triples), ("total", "concepts in schemes", self.concepts)]
        out += [("class", k, v) for k, v in sorted(self.classes.items())]
        out += [("graph", k, v) for k, v in sorted(self.graphs.items())]
        out += [("label language", k, v) for k, v in sorted(self.languages.items())]
        return out

    def to_text(self) -> str:
        width = max(len(k) for _, k, _ in self.rows())
        lines, section = [], None
        for sec, key, value in self.rows():
            if sec != section:
                lines.append(f"{sec}:")
                section = sec
            lines.append(f"  {key:<{width}}  {value:>6}")
        return "\n".join(lines) + "\n"


def compute_stats(dataset: Dataset) -> Stats:
    """Count the curated data of ``dataset`` (the ontology graph counts only its concepts and labels)."""
    data = union_graph(dataset)
    names = bind_prefixes(data).namespace_manager
    stats = Stats(triples=len(data))
    for _, cls in data.subject_objects(RDF.type):
        stats.classes[names.normalizeUri(cls)] += 1
    for graph in dataset.graphs():
        if len(graph) and graph.identifier != ONTOLOGY_GRAPH:
            stats.graphs[names.normalizeUri(graph.identifier)] = len(graph)
    full = union_graph(dataset, include_ontology=True)
    for pred in LABEL_PROPERTIES:
        for label in full.objects(None, pred):
            if isinstance(label, Literal):
                stats.languages[label.language or "(none)"] += 1
    stats.concepts = len(set(full.subjects(RDF.type, SKOS.Concept)))
    return stats
