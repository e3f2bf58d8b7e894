"""Folded search labels: every label of every entity in lower case without diacritics, in a graph of their own.

Matching by name works the same on the local graph, the store and a remote endpoint because it
runs on ``hkg:searchLabel`` literals: every label folded by :func:`fold` (lower case, no
diacritics, ``đ`` as ``d``, punctuation as spaces). :func:`search_label_graph` builds them into
the named graph ``graph:search-labels``, which is loaded with the data and pushed with it.
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import Dataset, Graph, Literal, URIRef

from kg.namespaces import GRAPH, HKG, ID, LABEL_PROPERTIES


#: The named graph that holds the generated search labels.
SEARCH_GRAPH = GRAPH["search-labels"]


#: Letters that Unicode decomposition leaves alone.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe",
                          "ß": "ss", "ı": "i", "ł": "l", "Ł": "l"})


def fold(text: str) -> str:
    """``text`` in lower case, without diacritics, every run of other signs as one space.

    >>> fold("Bệnh viện Bạch Mai")
    'benh vien bach mai'
    >>> fold("ĐÀ NẴNG") == fold("da nang")
    True
    >>> fold("Lao Cai General Hospital No. 2")
    'lao cai general hospital no 2'
    >>> fold("Sykehus i Lao Cai-provinsen (det gamle)")
    'sykehus i lao cai provinsen det gamle'
    """
    if text.isascii():
        return _OTHER.sub(" ", text.lower()).strip()
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL)).translate(_COMBINING)
    return _OTHER.sub(" ", text.translate(_SPECIAL).lower()).strip()


#: Every combining mark of the Basic Multilingual Plane, deleted by ``str.translate`` (quicker than a loop).
_COMBINING = {cp: None for cp in range(0x300, 0x10000) if unicodedata.combining(chr(cp))}
_OTHER = re.compile(r"[^a-z0-9]+")


def search_label_graph(dataset: Graph) -> Graph:
    """A graph of ``hkg:searchLabel`` literals, one per distinct folded label of every entity.

    Only the project's own individuals and concepts (IRIs under ``https://w3id.org/vnhealth/id/``)
    get search labels; ontology terms do not.
    """
    graph = Graph(identifier=SEARCH_GRAPH)
    graph.bind("hkg", HKG)
    for prop in LABEL_PROPERTIES:
        for subject, label in dataset.subject_objects(prop):
            if isinstance(subject, URIRef) and str(subject).startswith(str(ID)) and isinstance(label, Literal):
                folded = fold(str(label))
                if folded:
                    graph.add((subject, HKG.searchLabel, Literal(folded)))
    return graph


def add_search_labels(dataset: Dataset) -> Graph:
    """Put the search labels of ``dataset`` into its named graph ``graph:search-labels`` and return that graph.

    Call it after loading and before exporting or pushing; calling it again rebuilds the graph.
    """
    built = search_label_graph(dataset)
    target = dataset.graph(SEARCH_GRAPH)
    target.remove((None, None, None))
    for triple in built:
        target.add(triple)
    return target


def has_search_labels(dataset: Graph) -> bool:
    """True when ``dataset`` already holds search labels."""
    return next(iter(dataset.triples((None, HKG.searchLabel, None))), None) is not None
