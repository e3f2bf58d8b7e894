"""Turning the values users give into the RDF terms a stored query is run with.

A parameter that names an entity takes an IRI, a prefixed name or a label in any language
(resolved by :func:`resolve_entity` through the folded search); other values become typed
literals (:func:`kg.queries.terms.typed_literal`).
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.errors import QueryError
from kg.queries.engine import ask, select
from kg.queries.terms import expand, typed_literal


#: Kinds of entity (kg.queries.search.KINDS values) a parameter name stands for; other names accept any entity.
ENTITY_KINDS = {
    "institution": ("institution",), "hospital": ("institution",), "partner": ("institution",),
    "provider": ("institution",), "recipient": ("institution",), "supporter": ("institution",),
    "organisation": ("institution",), "organization": ("institution",),
    "province": ("area",), "area": ("area",), "country": ("area",),
    "person": ("person",), "technique": ("technique",), "specialty": ("specialty",),
    "source": ("source",), "agreement": ("agreement",), "cooperation": ("agreement",),
    "subject": ("institution", "area"), "place": ("institution", "area"), "status": ("status",), "role": ("role",),
    "equipment": ("equipment",),
}


def resolve_entity(target, text: str, name: str = "entity") -> URIRef:
    """The IRI a user means by ``text``: an IRI, a prefixed name, or a label in any language.

    A label is matched with :func:`kg.queries.search.search`, restricted to the kinds the parameter
    ``name`` stands for. The best match wins when it alone is the best; otherwise the error
    lists the candidates. An IRI or prefixed name must name something in the graph.
    """
    from kg.queries.search import search

    iri = expand(text)
    if iri is not None:
        if not ask(target, "ASK { { ?_e ?p ?o } UNION { ?s ?p ?_e } }", {"_e": iri}):
            words = re.sub(r"[-_/#:]+", " ", str(iri).rstrip("/").rsplit("/", 1)[-1]).strip()
            raise QueryError(f"parameter '{name}': {text} names nothing in the graph; "
                             f"find the right one with: kg search \"{words}\"")
        return iri
    kinds = ENTITY_KINDS.get(name)
    if len(text) > 500:
        raise QueryError(f"parameter '{name}': a value of {len(text):,} characters is no name; give a name, "
                         "an IRI or a prefixed name")
    matches = search(target, text, kinds=kinds)
    what = " or ".join(kinds) if kinds else "entity"
    if not matches:
        close = _close_names(target, text, kinds=kinds)
        hint = f" Did you mean: {'; '.join(close)}?" if close else ""
        raise QueryError(f"parameter '{name}': no {what} is named \"{text}\".{hint} Look names up with "
                         f"kg search, or give an IRI or prefixed name")
    best = [m for m in matches if m.rank == matches[0].rank]
    if len(best) > 1 and name == "province":  # "yen bai": the province, before a ward or commune of that name
        provinces = [m for m in best if ask(target, "ASK { ?_e a <https://w3id.org/vnhealth/def#Province> }",
                                            {"_e": URIRef(m.iri)})]
        best = provinces if len(provinces) == 1 else best
    if len(best) == 1:
        return URIRef(best[0].iri)
    from kg.queries.labels import Labels

    labels = Labels(target, "en")
    labels.prefetch(URIRef(m.iri) for m in best[:10])
    listed = "".join(f"\n  {_short(m.iri)}  ({m.kind}) {labels.label(URIRef(m.iri))}" for m in best)
    raise QueryError(f"parameter '{name}': \"{text}\" is ambiguous; it matches {len(best)}:{listed}\n"
                     f"Give one of these prefixed names instead, e.g. -p {name}={_short(best[0].iri)}")


def _close_names(target, text: str, limit: int = 3, kinds=None) -> list[str]:
    """Search labels that look like ``text`` (a typing slip such as "bach mia"), closest first; with ``kinds``,
    only labels of entities of those kinds (a status parameter suggests statuses, not hospitals)."""
    import difflib

    from kg.graph.search_labels import fold
    from kg.queries.search import kind_of

    rows = select(target, "SELECT DISTINCT ?e ?l WHERE { ?e <https://w3id.org/vnhealth/def#searchLabel> ?l }").rows
    labels = sorted({str(label) for entity, label in rows if not kinds or kind_of(str(entity)) in kinds})
    return difflib.get_close_matches(fold(text), labels, n=limit, cutoff=0.75)


def _short(iri: str) -> str:
    from kg.queries.results import prefixed

    return prefixed(URIRef(iri))


def coerce(target, parameter, text: str) -> Node:
    """The RDF term for the string ``text`` given to ``parameter`` (a ``kg.queries.Parameter``)."""
    where = f"parameter '{parameter.name}'"
    if not isinstance(text, str):
        return text if isinstance(text, (URIRef, Literal)) else Literal(text)
    if parameter.kind == "iri":
        return resolve_entity(target, text, parameter.name)
    return typed_literal(text, parameter.kind, where)


