"""Suggestions as a person types: the folded search, ranked so that a name that keeps the typed diacritics
comes before one that only matches without them, with each entity's kind and province."""

from __future__ import annotations

import unicodedata

from rdflib import URIRef

from kg.errors import QueryError
from kg.queries.engine import select
from kg.queries.labels import pick
from kg.queries.search import search
from kg.queries.terms import insert_values
from kg.web.entity import href

#: The kinds of kg.queries.search.KINDS in Vietnamese.
KIND_WORDS_VI = {
    "institution": "cơ sở", "person": "người", "area": "địa bàn", "technique": "kỹ thuật", "specialty": "chuyên khoa",
    "source": "nguồn", "agreement": "thỏa thuận", "event": "sự kiện", "activity": "hoạt động", "post": "chức vụ",
    "figure": "số liệu", "cooperation area": "lĩnh vực hợp tác", "measure": "chỉ số", "role": "vai trò",
    "level": "tuyến", "status": "tình trạng", "unit": "đơn vị", "hospital class": "hạng bệnh viện",
    "approximation": "mức ước lượng", "concept scheme": "bảng khái niệm", "equipment": "trang thiết bị",
    "entity": "thực thể",
}

_DETAILS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX hkg: <https://w3id.org/vnhealth/def#>
SELECT ?e ?what ?p ?label WHERE {
  { ?e ?p ?label . VALUES ?p { rdfs:label skos:prefLabel skos:altLabel dcterms:title } BIND("name" AS ?what) }
  UNION
  { ?e hkg:locatedIn ?area . ?area ?p ?label . VALUES ?p { rdfs:label skos:prefLabel } BIND("place" AS ?what) }
}"""


def _lower(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def kind_word(kind: str, lang: str) -> str:
    return KIND_WORDS_VI.get(kind, kind) if lang == "vi" else kind


def suggest(store, text: str, lang: str = "vi", kinds=None, limit: int = 10) -> list[dict]:
    """At most ``limit`` entities matching ``text``, best first, as JSON-ready dicts."""
    try:
        matches = search(store, text, kinds=kinds, limit=80)
    except QueryError:
        return []
    if not matches:
        return []
    iris = [URIRef(m.iri) for m in matches]
    names: dict[URIRef, list] = {i: [] for i in iris}
    places: dict[URIRef, list] = {i: [] for i in iris}
    for e, what, p, label in select(store, insert_values(_DETAILS, {"e": iris})).rows:
        (names if str(what) == "name" else places)[e].append((p, label))
    typed = _lower(text.strip())
    keeps_marks = typed != _lower("".join(c for c in unicodedata.normalize("NFD", typed)
                                           if unicodedata.category(c) != "Mn"))

    def keeps(iri) -> bool:
        return keeps_marks and any(all(w in _lower(str(l)) for w in typed.split()) for _, l in names[iri])

    ranked = sorted(matches, key=lambda m: (m.rank, not keeps(URIRef(m.iri)), m.length, m.iri))
    out = []
    for m in ranked[:limit]:
        iri = URIRef(m.iri)
        out.append({"iri": m.iri, "label": pick(names[iri], lang) or m.label, "kind": m.kind,
                    "kindLabel": kind_word(m.kind, lang), "province": pick(places[iri], lang) or "",
                    "href": href(m.iri), "prefixed": _prefixed(m.iri), "how": m.how})
    return out


def _prefixed(iri: str) -> str:
    from kg.queries.results import prefixed

    return prefixed(URIRef(iri))
