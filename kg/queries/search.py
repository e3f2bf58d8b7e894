"""Finding entities by name in any language, without caring about case or Vietnamese diacritics.

Candidates come from the folded ``hkg:searchLabel`` literals (:mod:`kg.graph.search_labels`),
so matching works the same on the local graph, the store and a remote endpoint; each is
ranked by :func:`match_rank` (exact, prefix, phrase, words in any order, word parts).
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal

from kg.errors import QueryError
from kg.graph.search_labels import SEARCH_GRAPH, add_search_labels, fold, has_search_labels, search_label_graph
from kg.namespaces import PREFIXES
from kg.queries.engine import select

__all__ = ["KINDS", "Match", "kind_of", "match_rank", "search", "fold", "SEARCH_GRAPH", "add_search_labels",
           "has_search_labels", "search_label_graph"]


#: Kind of an entity, from the namespace its IRI is minted in (data/README.md, "Prefixes").
KINDS = {
    "inst": "institution", "person": "person", "area": "area", "tech": "technique",
    "spec": "specialty", "src": "source", "agr": "agreement", "evt": "event", "act": "activity",
    "post": "post", "fig": "figure", "coop": "cooperation area", "measure": "measure",
    "role": "role", "level": "level", "status": "status", "unit": "unit", "hclass": "hospital class",
    "approx": "approximation", "scheme": "concept scheme", "areakind": "kind of area", "equip": "equipment",
}


_CANDIDATES = """PREFIX hkg: <https://w3id.org/vnhealth/def#>
SELECT DISTINCT ?entity ?searchLabel WHERE {
  ?entity hkg:searchLabel ?searchLabel .
  FILTER(CONTAINS(?searchLabel, ?_token))
}"""


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
