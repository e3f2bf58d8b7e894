"""The graph as files and as data: the project's folders, parsing, the persistent store, exports and counts.

The lowest layer above ``kg.errors``, ``kg.namespaces`` and ``kg.dates``: it imports no other package of ``kg``.
"""

from kg.graph.export import FORMATS, serialise, write_atomic
from kg.graph.files import (ONTOLOGY_GRAPH, Project, SourceIndex, load_data, load_dataset, load_ontology, load_shapes,
                            parse_into, rdf_format, union_graph)
from kg.graph.search_labels import SEARCH_GRAPH, add_search_labels, fold, has_search_labels, search_label_graph
from kg.graph.stats import Stats, compute_stats
from kg.graph.store import GraphStore, memory_store, open_store

__all__ = ["Project", "ONTOLOGY_GRAPH", "SourceIndex", "load_data", "load_dataset", "load_ontology", "load_shapes",
           "parse_into", "rdf_format", "union_graph", "FORMATS", "serialise", "write_atomic",
           "SEARCH_GRAPH", "add_search_labels", "fold", "has_search_labels", "search_label_graph", "Stats",
           "compute_stats", "GraphStore", "open_store", "memory_store"]
