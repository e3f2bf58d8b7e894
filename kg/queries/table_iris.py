"""IRIs for the rows of a table: the institution a row names, or a new slug IRI unique in the graph and the table.

An institutions row describes the existing institution whose Vietnamese or English name is exactly
its own (case and diacritics aside), or else a new one; a row of facts is always a new entity. A new
IRI is the ``id`` cell, or a slug made from the row: the English name of an institution or label
of an agreement, the provider and recipient of an activity, the person, role, institution and
source of a post, the subject and measure of a figure (as the curated IRIs are made), followed by
``-2``, ``-3`` ... when it is taken.
"""

from __future__ import annotations

import re

from rdflib import URIRef

from kg.graph.search_labels import fold
from kg.graph.tables import Row
from kg.queries.results import prefixed
from kg.queries.search import search
from kg.queries.table_cells import CellError, check_slug, slug
from kg.queries.table_columns import Kind
from kg.queries.table_names import Resolver


def local_name(iri: URIRef) -> str:
    """The last segment of ``iri``.

    >>> local_name(URIRef("https://w3id.org/vnhealth/def#GeneralHospital"))
    'GeneralHospital'
    """
    return re.split(r"[/#]", str(iri).rstrip("/"))[-1]


class Minter:
    """Gives the rows of one table their IRIs; a problem is reported through ``problem(row, column, message)``."""

    def __init__(self, kind: Kind, names: Resolver, problem):
        self.kind, self.names, self.problem = kind, names, problem
        self.first_row: dict[URIRef, int] = {}  # IRI -> the row that took it
        self.by_name: dict[str, URIRef] = {}  # the table's institutions by folded name
        self.new: list[URIRef] = []
        self.existing: list[URIRef] = []

    @property
    def taken(self) -> set[URIRef]:
        return set(self.first_row)

    def free(self, base: str) -> URIRef:
        """The first IRI of the kind's namespace made from ``base`` that neither the graph nor the table uses."""
        stem = slug(base) or self.kind.noun.split()[0]
        candidate, n = URIRef(self.kind.namespace + stem), 1
        while candidate in self.first_row or self.names.exists(candidate):
            n += 1
            candidate = URIRef(f"{self.kind.namespace}{stem}-{n}")
        return candidate

    def claim(self, row: Row, iri: URIRef) -> URIRef | None:
        """``iri`` for ``row``, unless an earlier row or the graph has it."""
        if iri in self.first_row:
            self.problem(row.number, "id", f"{prefixed(iri)} is the id of row {self.first_row[iri]} already; give "
                                           "each row its own id")
            return None
        if self.names.exists(iri):
            self.problem(row.number, "id", f"{prefixed(iri)} already names an entity of the graph "
                                           f"({self.names.label(iri)}); choose another id, or leave the cell empty "
                                           "to have one made")
            return None
        self.first_row[iri] = row.number
        return iri

    def given(self, row: Row) -> URIRef | None:
        """The IRI the ``id`` cell gives, None when it is empty or not a slug (reported)."""
        text = row.get("id")
        if not text:
            return None
        try:
            return URIRef(self.kind.namespace + check_slug(text))
        except CellError as exc:
            self.problem(row.number, "id", str(exc))
            return None

    def fact(self, row: Row, cells: dict, source: URIRef) -> URIRef | None:
        """The IRI of a new agreement, activity, post or figure."""
        if row.get("id"):
            iri = self.given(row)
            return self.claim(row, iri) if iri is not None else None
        first = lambda name: local_name(cells[name][0]) if cells.get(name) else ""  # noqa: E731
        if self.kind.name == "agreements":
            base = slug(str(cells["label_en"][0]), 60)
        elif self.kind.name == "activities":
            who = first("provider") or first("performed_by") or first("performed_in")
            whom = first("recipients") or first("recipient_area")
            what = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", first("kind"))
            year = str(cells["start"][0])[:4] if cells.get("start") else ""
            base = " ".join(filter(None, [who, what, whom, year]))
        elif self.kind.name == "posts":
            base = " ".join([first("person"), first("role"), first("organisation"), local_name(source)])
        else:
            base = " ".join([first("subject"), first("measure")])
        return self.claim(row, self.free(base))

    def exact(self, name: str) -> list[URIRef]:
        """The institutions one of whose names is ``name``, case and diacritics aside."""
        if not fold(name):
            raise CellError(f"'{name}' holds no letter or digit; give the name")
        return sorted({URIRef(m.iri) for m in search(self.names.target, name, kinds=["institution"]) if m.rank == 0},
                      key=str)

    def institution(self, row: Row, cells: dict) -> URIRef | None:
        """The institution a row describes: one an earlier row named, an existing one its names match, or new."""
        names = {column: str(cells[column][0]) for column in ("name_en", "name_vi") if cells.get(column)}
        for name in names.values():
            if fold(name) in self.by_name:
                return self.by_name[fold(name)]
        found = {}
        for column, name in names.items():
            try:
                matches = self.exact(name)
            except CellError as exc:
                self.problem(row.number, column, str(exc))
                return None
            if len(matches) > 1:
                self.problem(row.number, column, f"\"{name}\" is the name of {len(matches)} institutions:"
                                                 f"{self.names.listing(matches)}\n    write the id of the one meant "
                                                 "in the id column")
                return None
            if matches:
                found[column] = matches[0]
        if len(set(found.values())) > 1:
            self.problem(row.number, "name_vi", f"\"{names['name_en']}\" is {prefixed(found['name_en'])} but "
                                                f"\"{names['name_vi']}\" is {prefixed(found['name_vi'])}; give the two "
                                                "names of one institution")
            return None
        given = self.given(row)
        if row.get("id") and given is None:
            return None
        existing = next(iter(found.values()), None)
        if existing is not None:
            if given is not None and given != existing:
                self.problem(row.number, "id", f"the names are those of {prefixed(existing)}, not {prefixed(given)}; "
                                               f"write {local_name(existing)} or leave the id empty")
                return None
            self.existing.append(existing)
            self.first_row.setdefault(existing, row.number)
            iri = existing
        elif given is not None and self.names.exists(given):
            self.problem(row.number, "id", f"{prefixed(given)} is an existing entity named \"{self.names.label(given)}\""
                                           ", which this row's names do not match; give its names, or another id for "
                                           "a new institution")
            return None
        else:
            iri = self.claim(row, given if given is not None else self.free(names["name_en"]))
            if iri is None:
                return None
            self.new.append(iri)
        for name in names.values():
            self.by_name[fold(name)] = iri
        return iri
