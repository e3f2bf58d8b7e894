"""A table's rows as entities of the graph, in the project's conventions, ready to be written as TriG.

Every row becomes one entity: an institution in ``graph:reference``, or an agreement, activity,
post or figure in the named graph of the row's source (``graph:source-NNN``, derived from
``src:NNN``). Names are resolved against the graph (:mod:`kg.queries.table_names`); an institution
named by no existing one is new, and every new entity gets a slug IRI, unique in the graph and the
table. A reference entity the facts mention is given the ``dcterms:source`` of the rows that
mention it, as data/README.md requires. All problems of all rows are reported together, each with
its row and column; nothing is built unless every cell reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, TIME

from kg.errors import InputError
from kg.graph.search_labels import fold
from kg.graph.tables import Row, Table
from kg.graph.trig_text import Entity, trig_text
from kg.namespaces import GRAPH, HKG, SRC
from kg.queries.results import prefixed
from kg.queries.table_cells import (CellError, boolean_literal, date_literal, decimal_literal, integer_literal,
                                    split_cell, tagged_name, year_literal)
from kg.queries.table_columns import KINDS, Column, Kind
from kg.queries.table_iris import Minter, local_name
from kg.queries.table_names import Resolver

REFERENCE = GRAPH["reference"]

#: At most this many problems are listed; the count says how many more there are.
LISTED = 40


@dataclass
class Imported:
    """The entities built from a table, where each came from, and the TriG text that states them."""

    table: Table
    kind: Kind
    graphs: dict[URIRef, list[Entity]]  # graph name -> entities, in row order
    rows_of: dict[URIRef, list[int]] = field(default_factory=dict)
    column_of: dict[tuple[URIRef, URIRef], list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    new: list[URIRef] = field(default_factory=list)
    existing: list[URIRef] = field(default_factory=list)

    def where(self, focus: str, path: str | None) -> str:
        """``row N, column C`` for a finding on ``focus`` (an IRI) and ``path``."""
        rows = self.rows_of.get(URIRef(focus))
        if not rows:
            return "outside the table's rows"
        columns = self.column_of.get((URIRef(focus), URIRef(path)), []) if path else []
        shown = ", ".join(str(r) for r in rows[:5]) + (" ..." if len(rows) > 5 else "")
        return (f"row{'s' if len(rows) > 1 else ''} {shown}"
                + (f", column{'s' if len(columns) > 1 else ''} {', '.join(columns)}" if columns else ""))

    def note_column(self, subject: URIRef, prop: URIRef, column: str) -> None:
        """Remember that ``column`` gives ``subject`` its values of ``prop``."""
        columns = self.column_of.setdefault((subject, prop), [])
        if column and column not in columns:
            columns.append(column)

    def text(self) -> str:
        """The TriG document: one named graph per cited source (and graph:reference), prefixes, a heading."""
        graphs = []
        for name in sorted(self.graphs, key=lambda g: (g == REFERENCE, str(g))):
            statements = []
            if name != REFERENCE:
                statements = [f"{prefixed(name)} prov:wasDerivedFrom {prefixed(graph_source(name))} ."]
            graphs.append((name, self.graphs[name], statements))
        rows = len(self.table.rows)
        heading = (f"Written by `kg import table {self.table.path.name} --as {self.kind.name}` from {rows} "
                   f"row{'s' if rows != 1 else ''}.\nChange the table and import it again rather than editing "
                   "this file by hand.")
        if REFERENCE in self.graphs and not self.kind.in_reference:
            heading += ("\ngraph:reference adds the sources of these facts to the institutions, people and areas "
                        "they mention.")
        return trig_text(graphs, heading)


class _Problems:
    def __init__(self, path: Path):
        self.path, self.items = path, []

    def add(self, row: int, column: str | None, message: str) -> None:
        self.items.append(f"row {row}" + (f", column {column}" if column else "") + f": {message}")

    def raise_if_any(self) -> None:
        if not self.items:
            return
        listed = self.items[:LISTED]
        more = f"\n  ... and {len(self.items) - LISTED} more" if len(self.items) > LISTED else ""
        count = len(self.items)
        raise InputError(f"{self.path}: {count} problem{'s' if count > 1 else ''}, nothing written:\n  "
                         + "\n  ".join(listed) + more)


def source_graph(source: URIRef) -> URIRef:
    """The named graph of a source's facts: ``graph:source-004`` for ``src:004``.

    >>> from kg.namespaces import SRC
    >>> prefixed(source_graph(SRC["004"]))
    'graph:source-004'
    """
    return GRAPH[f"source-{str(source).rsplit('/', 1)[-1]}"]


def graph_source(graph: URIRef) -> URIRef:
    """The source a source graph is derived from: ``src:004`` for ``graph:source-004``.

    >>> prefixed(graph_source(GRAPH["source-004"]))
    'src:004'
    """
    return SRC[str(graph)[len(str(GRAPH["source-"])):]]


class _Builder:
    def __init__(self, table: Table, kind: Kind, target):
        self.table, self.kind = table, kind
        self.names = Resolver(target)
        self.problems = _Problems(table.path)
        self.imported = Imported(table, kind, {})
        self.iris = Minter(kind, self.names, self.problems.add)
        self.labels: dict[str, URIRef] = {}  # entities of this table by id and folded label (for 'related')
        self.entities: dict[URIRef, Entity] = {}

    # --- cells ------------------------------------------------------------------------------------

    def values(self, row: Row, column: Column) -> list:
        """The RDF terms of one cell (empty list for an empty cell); a problem is recorded, not raised."""
        text = row.get(column.name)
        if not text:
            return []
        parts = split_cell(text) if column.many or column.value == "names" else [text]
        out = []
        for part in parts:
            try:
                out.append(self.value(part, column, row))
            except CellError as exc:
                self.problems.add(row.number, column.name, str(exc))
        return out

    def value(self, text: str, column: Column, row: Row):
        kind = column.value
        if kind == "text":
            return Literal(text, lang=column.lang)
        if kind == "names":
            return tagged_name(text)
        if kind == "date":
            return date_literal(text)
        if kind == "year":
            return year_literal(text)
        if kind == "decimal":
            return decimal_literal(text)
        if kind == "integer":
            return integer_literal(text)
        if kind == "years":
            years = integer_literal(text)
            return ((RDF.type, TIME.Duration), (TIME.numericDuration, years), (TIME.unitType, TIME.unitYear))
        if kind == "boolean":
            return boolean_literal(text)
        if kind == "source":
            return self.names.source(text)
        if kind == "concept":
            iri, note = self.names.concept(text, column.scheme)
        elif kind == "class":
            iri, note = self.names.klass(text, self.kind.roots)
        elif kind == "entity":
            local = self.labels.get(text) or self.labels.get(fold(text))
            if local is not None and column.kinds == ("agreement",):
                return local
            iri, note = self.names.entity(text, column.kinds)
        else:  # pragma: no cover - every value type of table_columns is read here
            raise AssertionError(kind)
        if note:
            self.imported.notes.append(f"row {row.number}, column {column.name}: {note}")
        return iri

    # --- rows -------------------------------------------------------------------------------------

    def build(self) -> Imported:
        unknown = [c for c in self.table.columns if c and self.kind.column(c) is None]
        if unknown:
            known = ", ".join(c.name for c in self.kind.columns)
            raise InputError(f"{self.table.path} row {self.table.header_row}: unknown column"
                             f"{'s' if len(unknown) > 1 else ''} {', '.join(repr(c) for c in unknown)} for "
                             f"--as {self.kind.name}; its columns are: {known} (see data/templates/"
                             f"{self.kind.name}.csv)")
        missing = [c for c in self.kind.required if c not in self.table.columns]
        if missing:
            raise InputError(f"{self.table.path} row {self.table.header_row}: the header lacks the required column"
                             f"{'s' if len(missing) > 1 else ''} {', '.join(missing)} for --as {self.kind.name}; "
                             f"add {'them' if len(missing) > 1 else 'it'} (see data/templates/{self.kind.name}.csv)")
        if not self.table.rows:
            raise InputError(f"{self.table.path}: the table has a header but no rows; add one row per "
                             f"{self.kind.noun}")
        for row in self.table.rows:
            self.row(row)
        self.problems.raise_if_any()
        self.imported.new, self.imported.existing = self.iris.new, self.iris.existing
        if not self.kind.in_reference:
            self.cite_reference()
        return self.imported

    def row(self, row: Row) -> None:
        before = len(self.problems.items)
        for name in self.kind.required:
            if not row.get(name):
                column = self.kind.column(name)
                self.problems.add(row.number, name, f"empty, but this column is required ({column.meaning.rstrip('.')})"
                                                    "; fill it in, or leave the row out")
        cells = {c.name: self.values(row, c) for c in self.kind.columns if c.name != "id"}
        for column in self.kind.columns:
            if len(cells.get(column.name, [])) > 1 and not column.many and column.value != "names":
                self.problems.add(row.number, column.name, "holds several values separated by ';', but takes one")
        if len(self.problems.items) > before:
            return
        source = cells["source"][0]
        if self.kind.in_reference:
            subject = self.iris.institution(row, cells)
        else:
            subject = self.iris.fact(row, cells, source)
        if subject is None:
            return
        self.labels.setdefault(local_name(subject), subject)
        graph = REFERENCE if self.kind.in_reference else source_graph(source)
        entity = self.entities.get(subject)
        if entity is None:
            entity = self.entities[subject] = Entity(subject)
            self.imported.graphs.setdefault(graph, []).append(entity)
        self.imported.rows_of.setdefault(subject, []).append(row.number)
        classes = cells.get("kind") or [self.kind.roots[0]]
        for klass in classes:
            entity.add(RDF.type, klass)
        self.imported.note_column(subject, RDF.type, "kind" if "kind" in cells else "")
        for column in self.kind.columns:
            if column.name in ("id", "kind", "source"):
                continue
            if column.prop == HKG.isApproximate and not cells.get(column.name):  # as the curated figures say it
                entity.add(HKG.isApproximate, Literal(bool(cells.get("approximation"))))
                self.imported.note_column(subject, HKG.isApproximate, "approximation")
            for value in cells.get(column.name, []):
                for prop in column.also:
                    entity.add(prop, value)
                    self.imported.note_column(subject, prop, column.name)
                entity.add(column.prop, value)
                self.imported.note_column(subject, column.prop, column.name)
        entity.add(DCTERMS.source, source)
        self.imported.note_column(subject, DCTERMS.source, "source")
        for label in cells.get("label_en", []) + cells.get("label_vi", []):
            self.labels.setdefault(fold(str(label)), subject)

    # --- provenance of what the facts mention -----------------------------------------------------

    def cite_reference(self) -> None:
        """Add to graph:reference the source of every fact to the reference entities it mentions."""
        additions: dict[URIRef, Entity] = {}
        taken = self.iris.taken
        for graph, entities in list(self.imported.graphs.items()):
            source = graph_source(graph)
            for entity in entities:
                for pred, objects in entity.statements:
                    for obj in objects:
                        if not isinstance(obj, URIRef) or pred in (RDF.type, DCTERMS.source) or obj in taken:
                            continue
                        if self.names.is_reference(obj) and not self.names.cites(obj, source):
                            cited = additions.setdefault(obj, Entity(obj))
                            cited.add(DCTERMS.source, source)
                            self.imported.rows_of.setdefault(obj, [])
                            for r in self.imported.rows_of.get(entity.subject, []):
                                if r not in self.imported.rows_of[obj]:
                                    self.imported.rows_of[obj].append(r)
                            for column in self.imported.column_of.get((entity.subject, pred), []):
                                self.imported.note_column(obj, DCTERMS.source, column)
        if additions:
            self.imported.graphs[REFERENCE] = sorted(additions.values(), key=lambda e: str(e.subject))


def import_table(table: Table, kind: str, target) -> Imported:
    """Build the entities of ``table`` read as ``kind`` (a key of ``KINDS``), resolving names on ``target``.

    Raises ``InputError`` listing every problem with its row and column when a cell cannot be read,
    a name is unknown or ambiguous, or a required cell is empty.
    """
    if kind not in KINDS:
        raise InputError(f"--as {kind}: unknown kind of table; choose one of {', '.join(KINDS)}")
    return _Builder(table, KINDS[kind], target).build()

