"""Finding entities by name in any language, without caring about case or Vietnamese diacritics.

Matching works the same on the local graph and on a remote endpoint because it runs on
``hkg:searchLabel`` literals: every label folded by :func:`fold` (lower case, no
diacritics, ``đ`` as ``d``, punctuation as spaces). :func:`search_label_graph` builds them
into their own named graph, which is loaded with the data and pushed with it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rdflib import Dataset, Graph, Literal, URIRef

from kg.errors import QueryError
from kg.labels import LABEL_PROPERTIES
from kg.namespaces import GRAPH, HKG, ID, PREFIXES

#: The named graph that holds the generated search labels.
SEARCH_GRAPH = GRAPH["search-labels"]

#: Label properties folded into search labels, preferred labels first.

#: Kind of an entity, from the namespace its IRI is minted in (data/README.md, "Prefixes").
KINDS = {
    "inst": "institution", "person": "person", "area": "area", "tech": "technique",
    "spec": "specialty", "src": "source", "agr": "agreement", "evt": "event", "act": "activity",
    "post": "post", "fig": "figure", "coop": "cooperation area", "measure": "measure",
    "role": "role", "level": "level", "status": "status", "unit": "unit", "hclass": "hospital class",
    "approx": "approximation", "scheme": "concept scheme",
}

#: Letters that Unicode decomposition leaves alone.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe",
                          "ß": "ss", "ı": "i", "ł": "l", "Ł": "l"})

_CANDIDATES = """PREFIX hkg: <https://w3id.org/vnhealth/def#>
SELECT DISTINCT ?entity ?searchLabel WHERE {
  ?entity hkg:searchLabel ?searchLabel .
  FILTER(CONTAINS(?searchLabel, ?_token))
}"""


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
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_SPECIAL).lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def kind_of(iri: str) -> str:
    """The kind of entity ``iri`` names, from its namespace.

    >>> kind_of("https://w3id.org/vnhealth/id/org/bach-mai-hospital")
    'institution'
    >>> kind_of("urn:x")
    'entity'
    """
    best = ("", "entity")
    for prefix, kind in KINDS.items():
        ns = str(PREFIXES[prefix])
        if iri.startswith(ns) and len(ns) > len(best[0]):
            best = (ns, kind)
    return best[1]


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


@dataclass(frozen=True, order=True)
class Match:
    """One entity found by name: ``rank`` 0 is an exact match; lower is better."""

    rank: int
    length: int
    label: str
    iri: str
    kind: str

    @property
    def how(self) -> str:
        return ("exact", "starts with", "phrase", "all words", "part of words")[self.rank]


def match_rank(query: str, label: str) -> int | None:
    """How well the folded ``label`` matches the folded ``query``: 0 exact ... 4 word parts, None no match.

    >>> [match_rank("bach mai", x) for x in ("bach mai", "bach mai hospital", "benh vien bach mai")]
    [0, 1, 2]
    >>> match_rank("mai bach", "benh vien bach mai"), match_rank("bac ma", "bach mai"), match_rank("x", "y")
    (3, 4, None)
    """
    if label == query:
        return 0
    if label.startswith(query + " "):
        return 1
    if f" {query} " in f" {label} ":
        return 2
    words, tokens = label.split(), query.split()
    if tokens and all(t in words for t in tokens):
        return 3
    if tokens and all(t in label for t in tokens):
        return 4
    return None


def search(target, text: str, kinds: list[str] | tuple[str, ...] | None = None, limit: int | None = None) -> list[Match]:
    """Entities whose name matches ``text``, best first; ``target`` is a graph or an ``Endpoint``.

    ``kinds`` keeps only those kinds (``institution``, ``person``, ``technique``, ...).
    """
    from kg.execution import select  # run locally or remotely; imported late to avoid an import cycle

    query = fold(text)
    if not query:
        raise QueryError(f"cannot search for {text!r}: give at least one letter or digit of the name")
    token = max(query.split(), key=len)
    best: dict[str, Match] = {}
    for row in select(target, _CANDIDATES, {"_token": Literal(token)}).rows:
        iri, label = str(row[0]), str(row[1])
        kind = kind_of(iri)
        if kinds and kind not in kinds:
            continue
        rank = match_rank(query, label)
        if rank is None:
            continue
        match = Match(rank, len(label), label, iri, kind)
        if iri not in best or match < best[iri]:
            best[iri] = match
    found = sorted(best.values())
    return found[:limit] if limit else found
