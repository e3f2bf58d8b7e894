"""Readable labels for the IRIs in a result, in a chosen language with a fallback, locally or remotely."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS
from rdflib.term import Node

from kg.namespaces import LABEL_PROPERTIES  # noqa: F401 - part of this module's interface
from kg.queries.results import prefixed

#: Languages a user can ask for; each falls back to the other, then to any label, then to the prefixed name.
LANGUAGES = ("en", "vi")


_PREFERENCE = {RDFS.label: 0, SKOS.prefLabel: 0, SKOS.altLabel: 1, DCTERMS.title: 1}

_FETCH = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?s ?p ?label WHERE {
  VALUES ?p { rdfs:label skos:prefLabel skos:altLabel dcterms:title }
  ?s ?p ?label .
}"""


def pick(labels: list[tuple[URIRef, Literal]], lang: str = "en") -> str | None:
    """The best label among ``(property, literal)`` pairs for ``lang``.

    Preferred labels (``rdfs:label``, ``skos:prefLabel``) before alternative ones and titles
    (``skos:altLabel``, ``dcterms:title``); within them
    ``lang``, then the other of en/vi, then labels without a tag, then any language.

    >>> pick([(RDFS.label, Literal("Bệnh viện Bạch Mai", lang="vi")), (RDFS.label, Literal("Bach Mai Hospital", lang="en"))], "vi")
    'Bệnh viện Bạch Mai'
    >>> pick([(RDFS.label, Literal("Lao Cai", lang="fr"))], "vi")
    'Lao Cai'
    """
    if not labels:
        return None
    other = {"en": "vi", "vi": "en"}.get(lang, "en")
    order = {lang: 0, other: 1, "": 2}

    def key(item):
        prop, lit = item
        tag = (lit.language or "").lower()
        return (_PREFERENCE.get(prop, 2), order.get(tag, 3), str(lit))

    return str(min(labels, key=key)[1])


class Labels:
    """Labels of IRIs from a local graph or an ``Endpoint``, fetched once per IRI.

    >>> from rdflib import Graph
    >>> g = Graph(); _ = g.add((URIRef("urn:x"), RDFS.label, Literal("Bạch Mai", lang="vi")))
    >>> Labels(g, "en").label(URIRef("urn:x")), Labels(g).label(URIRef("urn:y"))
    ('Bạch Mai', 'urn:y')
    """

    def __init__(self, target, lang: str = "en"):
        self.target = target
        self.lang = lang
        self._cache: dict[URIRef, str] = {}

    def _local(self, iri: URIRef) -> list[tuple[URIRef, Literal]]:
        return [(p, o) for p in _PREFERENCE for o in self.target.objects(iri, p) if isinstance(o, Literal)]

    def prefetch(self, terms) -> None:
        """Fetch the labels of every IRI in ``terms`` not yet known (one request for a remote endpoint)."""
        wanted = sorted({t for t in terms if isinstance(t, URIRef) and t not in self._cache})
        if not wanted:
            return
        from kg.queries.remote import Endpoint

        if isinstance(self.target, Endpoint):
            found: dict[URIRef, list] = {iri: [] for iri in wanted}
            for start in range(0, len(wanted), 200):
                chunk = wanted[start:start + 200]
                result = self.target.select(_FETCH, {"s": chunk})
                for s, p, label in result.rows:
                    if s in found and isinstance(label, Literal):
                        found[s].append((p, label))
        else:
            found = {iri: self._local(iri) for iri in wanted}
        for iri, labels in found.items():
            self._cache[iri] = pick(labels, self.lang) or prefixed(iri)

    def label(self, term: Node) -> str:
        """The label of ``term`` (an IRI), or its prefixed name when it has none."""
        if not isinstance(term, URIRef):
            return prefixed(term)
        if term not in self._cache:
            self.prefetch([term])
        return self._cache[term]
