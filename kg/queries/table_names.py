"""What the names in a table's cells stand for: entities found by the folded search, concepts, classes, sources.

A cell may give an IRI or a prefixed name, or a name in any language with or without diacritics.
Entity names go through :func:`kg.queries.search.search`, as ``kg search`` and the parameters of
``kg query`` do: the best match wins when it alone is the best, an ambiguous name is refused with
its candidates. Concepts and classes are matched exactly, by local name, notation or any label,
case and diacritics aside, or by the one name they alone match best (``memorandum`` for
``memorandum of understanding``). Every failure is a :class:`~kg.queries.table_cells.CellError`.
"""

from __future__ import annotations

import difflib
import re

from rdflib import Literal, URIRef

from kg.errors import QueryError
from kg.graph.search_labels import fold
from kg.namespaces import HKG, SCHEME, SRC
from kg.queries.engine import ask, select
from kg.queries.results import prefixed
from kg.queries.search import Match, kind_of, match_rank, search
from kg.queries.table_cells import CellError
from kg.queries.terms import expand

#: At most this many candidates of an ambiguous name are listed.
SHOWN = 12

_CONCEPTS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?concept ?name WHERE {
  ?concept skos:inScheme ?_scheme .
  OPTIONAL { ?concept skos:prefLabel|skos:altLabel|skos:notation ?name }
}"""

_CLASSES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?class ?name WHERE {
  ?class rdfs:subClassOf* ?_root .
  FILTER(isIRI(?class))
  OPTIONAL { ?class rdfs:label ?name }
}"""

_SOURCES = "SELECT ?source WHERE { ?source a <https://w3id.org/vnhealth/def#SourceDocument> }"


def _local(iri: URIRef) -> str:
    return re.split(r"[/#]", str(iri))[-1]


def _words(local: str) -> str:
    """A local name as words: ``GeneralHospital`` and ``in-force`` as ``general hospital``, ``in force``."""
    return fold(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local))


class Resolver:
    """Resolves the names of one table against ``target`` (the store), remembering what it has looked up."""

    def __init__(self, target):
        self.target = target
        self._schemes: dict[str, dict[str, set[URIRef]]] = {}
        self._classes: dict[tuple, dict[str, set[URIRef]]] = {}
        self._sources: set[URIRef] | None = None
        self._labels = None

    # --- labels and existence ------------------------------------------------------------------

    def label(self, iri: URIRef) -> str:
        from kg.queries.labels import Labels

        if self._labels is None:
            self._labels = Labels(self.target, "en")
        return self._labels.label(iri)

    def exists(self, iri: URIRef) -> bool:
        """True when ``iri`` occurs anywhere in the graph."""
        return ask(self.target, "ASK { { ?_e ?p ?o } UNION { ?s ?p ?_e } }", {"_e": iri})

    def listing(self, iris) -> str:
        """IRIs and labels of ``iris``, one an indented line, at most ``SHOWN`` of them."""
        iris = sorted(iris, key=str)
        lines = "".join(f"\n      {prefixed(i)}  {self.label(i)}" for i in iris[:SHOWN])
        more = f"\n      ... and {len(iris) - SHOWN} more" if len(iris) > SHOWN else ""
        return lines + more

    # --- entities ---------------------------------------------------------------------------------

    def entity(self, text: str, kinds: tuple[str, ...]) -> tuple[URIRef, str | None]:
        """The entity of one of ``kinds`` that ``text`` names, and a note when the match was not exact."""
        what = " or ".join(kinds)
        try:
            iri = expand(text)
        except QueryError as exc:
            raise CellError(f"'{text}' is not a valid IRI ({exc}); give a name or a prefixed name") from None
        if iri is not None:
            if not self.exists(iri):
                raise CellError(f"{text} names nothing in the graph; look the right one up with "
                                f"kg search \"{_local(iri).replace('-', ' ')}\"")
            if kind_of(str(iri)) not in kinds:
                raise CellError(f"{text} is a {kind_of(str(iri))}, not an {what}; give an {what}".replace(
                    "an person", "a person"))
            return iri, None
        try:
            matches = search(self.target, text, kinds=list(kinds))
        except QueryError:
            raise CellError(f"'{text}' holds no letter or digit; give the name") from None
        if not matches:
            from kg.queries.binding import _close_names  # the suggestions kg query gives

            close = _close_names(self.target, text, kinds=kinds)
            hint = f" (did you mean: {'; '.join(close)}?)" if close else ""
            add = {"institution": "; a new institution is added with --as institutions first",
                   "person": "; a new person is described in data/reference/people.trig first",
                   "area": "; a new area is added to data/reference/areas.trig first"}.get(kinds[0], "")
            raise CellError(f"no {what} is named \"{text}\"{hint}; look it up with kg search \"{text}\" or give "
                            f"its prefixed name{add}")
        best = [m for m in matches if m.rank == matches[0].rank]
        if len(best) > 1:
            plural = " or ".join(k + "s" for k in kinds)
            raise CellError(f"\"{text}\" is ambiguous: it names {len(best)} {plural} "
                            f"({best[0].how}):{self.listing(URIRef(m.iri) for m in best)}\n    write one of these "
                            "prefixed names in the cell instead, or more of the name")
        iri = URIRef(best[0].iri)
        note = None if best[0].rank == 0 else f"\"{text}\" read as {prefixed(iri)} ({self.label(iri)}; {best[0].how})"
        return iri, note

    # --- concepts and classes ---------------------------------------------------------------------

    def _names(self, rows) -> dict[str, set[URIRef]]:
        names: dict[str, set[URIRef]] = {}
        for iri, name in rows:
            if not isinstance(iri, URIRef):
                continue
            names.setdefault(_words(_local(iri)), set()).add(iri)
            names.setdefault(_local(iri).lower(), set()).add(iri)
            if isinstance(name, Literal) and fold(str(name)):
                names.setdefault(fold(str(name)), set()).add(iri)
        return names

    def concepts(self, scheme: str) -> dict[str, set[URIRef]]:
        """Every name of every concept of ``scheme:<scheme>``: local names, notations and labels, folded."""
        if scheme not in self._schemes:
            self._schemes[scheme] = self._names(select(self.target, _CONCEPTS, {"_scheme": SCHEME[scheme]}).rows)
        return self._schemes[scheme]

    def classes(self, roots: tuple[URIRef, ...]) -> dict[str, set[URIRef]]:
        """Every name of ``roots`` and their subclasses."""
        if roots not in self._classes:
            rows = [row for root in roots for row in select(self.target, _CLASSES, {"_root": root}).rows]
            self._classes[roots] = self._names(rows)
        return self._classes[roots]

    def _pick(self, text: str, names: dict[str, set[URIRef]], what: str) -> tuple[URIRef, str | None]:
        every = set().union(*names.values()) if names else set()
        try:
            iri = expand(text)
        except QueryError:
            iri = None
        if iri is not None:
            if iri not in every:
                raise CellError(f"{text} is not {what}; give one of:{self._choices(every)}")
            return iri, None
        found = names.get(fold(text), set()) | names.get(text.strip().lower(), set())
        how = "exact"
        if not found and fold(text):
            ranked = [(rank, iri) for name, iris in names.items() for iri in iris
                      if (rank := match_rank(fold(text), name)) is not None]
            best = min((rank for rank, _ in ranked), default=None)
            found = {iri for rank, iri in ranked if rank == best}
            how = "" if best is None else Match(best, 0, "", "", "").how
        if len(found) == 1:
            iri = next(iter(found))
            return iri, (None if how == "exact" else f"'{text}' read as {prefixed(iri)} ({how})")
        if found:
            raise CellError(f"'{text}' is ambiguous: it names {len(found)} of {what}:{self.listing(found)}\n    "
                            "write one of these prefixed names in the cell instead")
        close = difflib.get_close_matches(fold(text), sorted(names), n=3, cutoff=0.6)
        hint = f" (did you mean: {'; '.join(close)}?)" if close else ""
        raise CellError(f"'{text}' is not {what}{hint}; give one of:{self._choices(every)}")

    def _choices(self, iris: set[URIRef]) -> str:
        shown = ", ".join(prefixed(i) for i in sorted(iris, key=str)[:40])
        return f" {shown}" + (f" and {len(iris) - 40} more (kg import table --columns KIND lists them)"
                              if len(iris) > 40 else "")

    def concept(self, text: str, scheme: str) -> tuple[URIRef, str | None]:
        """The concept of ``scheme:<scheme>`` that ``text`` names, and a note when the match was not exact."""
        return self._pick(text, self.concepts(scheme), f"a concept of scheme:{scheme}")

    def klass(self, text: str, roots: tuple[URIRef, ...]) -> tuple[URIRef, str | None]:
        """The class among ``roots`` and their subclasses that ``text`` names, and a note for a loose match."""
        return self._pick(text, self.classes(roots), "a kind of " + " or ".join(prefixed(r) for r in roots))

    # --- sources ----------------------------------------------------------------------------------

    def source(self, text: str) -> URIRef:
        """The ``hkg:SourceDocument`` that ``text`` (``004``, ``src:004`` or an IRI) names."""
        if self._sources is None:
            self._sources = {row[0] for row in select(self.target, _SOURCES).rows}
        try:
            iri = expand(text)
        except QueryError:
            iri = None
        if iri is None:
            if not re.fullmatch(r"[\w.-]+", text):
                raise CellError(f"'{text}' is not the id of a source; write the id of a source document of "
                                "data/reference/sources.trig, e.g. 004 or src:004")
            iri = SRC[text]
        if not str(iri).startswith(str(SRC)):
            raise CellError(f"{text} is not a source of the project (src:...); write the id of a source document of "
                            "data/reference/sources.trig, e.g. 004 or src:004")
        if iri not in self._sources:
            known = ", ".join(prefixed(s) for s in sorted(self._sources, key=str))
            raise CellError(f"{prefixed(iri)} is not a source document of the graph (known: {known}); describe the "
                            f"source first in data/reference/sources.trig ({prefixed(iri)} a hkg:SourceDocument, with "
                            "its title, language, publisher, address and hkg:sourceFile; see the README, \"Adding a "
                            "source article\"), then import the table again")
        return iri

    def is_reference(self, iri: URIRef) -> bool:
        """True when ``iri`` is described in graph:reference (an institution, person, area), not a source."""
        return ask(self.target, "ASK { GRAPH <https://w3id.org/vnhealth/graph/reference> { ?_e a ?type } "
                                "FILTER(?type != ?_source) }", {"_e": iri, "_source": HKG.SourceDocument})

    def cites(self, iri: URIRef, source: URIRef) -> bool:
        """True when graph:reference says that ``source`` mentions ``iri``."""
        return ask(self.target, "ASK { GRAPH <https://w3id.org/vnhealth/graph/reference> { ?_e "
                                "<http://purl.org/dc/terms/source> ?_s } }", {"_e": iri, "_s": source})
