"""Query results: rows of RDF terms, as dicts, plain values, normalised forms and printed tables."""

from __future__ import annotations

from decimal import Decimal

import csv
import io
import json
import shutil
from dataclasses import dataclass, field
from typing import Callable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import InputError
from kg.namespaces import bind_prefixes

#: Output formats of ``kg query`` and ``kg search``.
FORMATS = ("table", "csv", "tsv", "json", "markdown")

_NAMES = bind_prefixes(Graph()).namespace_manager


@dataclass
class Result:
    """The answer of a SELECT (or ASK: one ``ask`` column) as ``variables`` and ``rows`` of terms (None when unbound)."""

    variables: list[str]
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def dicts(self) -> list[dict[str, Node | None]]:
        """Each row as ``{variable: term}``.

        >>> Result(["x"], [(Literal(1),)]).dicts()
        [{'x': rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))}]
        """
        return [dict(zip(self.variables, row)) for row in self.rows]

    def records(self) -> list[dict[str, object]]:
        """Each row as ``{variable: plain Python value}``: IRIs as strings, literals as numbers, dates, ...

        >>> Result(["n", "s"], [(Literal(3), URIRef("urn:a"))]).records()
        [{'n': 3, 's': 'urn:a'}]
        """
        return [{k: plain(v) for k, v in row.items()} for row in self.dicts()]

    def normalised(self) -> list[tuple[str, ...]]:
        """Rows in a form two engines agree on (see :func:`normalise`), order kept."""
        return [tuple(normalise(t) for t in row) for row in self.rows]

    def to_dataframe(self):
        """The records as a pandas DataFrame; raises ``InputError`` when pandas is not installed."""
        try:
            import pandas
        except ImportError:
            raise InputError("pandas is not installed; run 'pip install pandas' or use Result.records()") from None
        return pandas.DataFrame(self.records(), columns=self.variables)


def plain(term: Node | None) -> object:
    """A term as a plain Python value (None for unbound)."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)


def normalise(term: Node | None) -> str:
    """One string per term that does not depend on the engine: lower-case language tags, canonical
    numbers and booleans, and ``xsd:string`` written like a plain literal.

    >>> normalise(Literal("Bạch Mai", lang="VI")) == normalise(Literal("Bạch Mai", lang="vi"))
    True
    >>> normalise(Literal("1", datatype=XSD.boolean)), normalise(Literal("x", datatype=XSD.string))
    ('"true"^^<http://www.w3.org/2001/XMLSchema#boolean>', '"x"')
    >>> normalise(Literal("2", datatype=XSD.decimal)) == normalise(Literal("2.0", datatype=XSD.decimal))
    True
    """
    if term is None:
        return ""
    if isinstance(term, BNode):
        return "_:b"
    if isinstance(term, Literal):
        if term.language:
            return Literal(str(term), lang=term.language.lower()).n3()
        if term.datatype in (None, XSD.string):
            return Literal(str(term)).n3()
        if term.datatype == XSD.decimal and isinstance(term.value, Decimal):
            # engines write decimals differently ("2" or "2.0"): compare the value
            return Literal(format(term.value.normalize(), "f"), datatype=XSD.decimal).n3()
        return Literal(str(term), datatype=term.datatype).n3()
    return term.n3()


def prefixed(term: Node | None) -> str:
    """An IRI as a prefixed name where a project prefix fits, a literal as its lexical form.

    >>> prefixed(URIRef("https://w3id.org/vnhealth/id/org/bach-mai-hospital"))
    'inst:bach-mai-hospital'
    >>> prefixed(Literal("4028.0", datatype=XSD.decimal)), prefixed(Literal("98.70", datatype=XSD.decimal))
    ('4028', '98.7')
    """
    if term is None:
        return ""
    if isinstance(term, URIRef):
        name = _NAMES.normalizeUri(term)
        return str(term) if name.startswith("<") else name
    if isinstance(term, Literal) and term.datatype == XSD.decimal and isinstance(term.value, Decimal):
        return format(term.value.normalize(), "f")  # 4028.0 and 4028 are one value: show it as people write it
    return str(term)


def cells(result: Result, show: Callable[[Node], str]) -> list[list[str]]:
    """The rows as strings: ``show`` renders IRIs, literals their lexical form (decimals as people write
    them, see ``prefixed``), unbound is empty."""
    return [["" if t is None else (show(t) if isinstance(t, (URIRef, BNode)) else prefixed(t)) for t in row]
            for row in result.rows]


def to_csv(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    """CSV (or TSV with ``delimiter='\\t'``) with a header line.

    >>> to_csv(["a", "b"], [["x, y", "z"]])
    'a,b\\n"x, y",z\\n'
    """
    out = io.StringIO()
    if delimiter == "\t":
        clean = lambda v: v.replace("\t", " ").replace("\n", " ")  # noqa: E731 - TSV cannot quote
        out.write("\t".join(header) + "\n")
        out.writelines("\t".join(clean(v) for v in row) + "\n" for row in rows)
        return out.getvalue()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def to_json(header: list[str], rows: list[list[str]], result: Result | None = None) -> str:
    """A JSON list of objects, one per row; unbound values are null."""
    objects = []
    for i, row in enumerate(rows):
        raw = result.rows[i] if result is not None else [None] * len(row)
        objects.append({k: (None if (result is not None and t is None) else v) for k, v, t in zip(header, row, raw)})
    return json.dumps(objects, ensure_ascii=False, indent=1) + "\n"


def to_markdown(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown (GitHub) table; pipes in values are escaped.

    >>> print(to_markdown(["a"], [["x|y"]]), end="")
    | a |
    | --- |
    | x\\|y |
    """
    esc = lambda v: v.replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["| " + " | ".join(esc(h) for h in header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(esc(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _fit(widths: list[int], budget: int, minimum: int = 6, keep: int = 0) -> list[int]:
    """Shrink the widest columns until the sum fits ``budget`` (never below ``minimum`` each);
    the first ``keep`` columns are never shrunk.

    >>> _fit([30, 10, 5], 30)
    [15, 10, 5]
    >>> _fit([30, 10, 5], 30, keep=1)
    [30, 6, 5]
    """
    widths = list(widths)
    while sum(widths) > budget:
        widest = max(range(keep, len(widths)), key=lambda i: widths[i], default=None)
        if widest is None:
            break
        if widths[widest] <= minimum:
            break
        widths[widest] -= 1
    return widths


def _clip(value: str, width: int) -> str:
    value = value.replace("\n", " ")
    return value if len(value) <= width else value[: max(width - 1, 0)] + "…"


def to_table(header: list[str], rows: list[list[str]], width: int | None = None, keep: int = 0) -> str:
    """An aligned text table that fits ``width`` columns (default: the terminal), long values cut with "…".

    >>> print(to_table(["name", "n"], [["Bach Mai Hospital", "3"]], width=80), end="")
    name               n
    -----------------  -
    Bach Mai Hospital  3
    (1 row)
    """
    width = width or shutil.get_terminal_size((100, 24)).columns
    natural = [max([len(h)] + [len(r[i].replace("\n", " ")) for r in rows]) for i, h in enumerate(header)]
    widths = _fit(natural, max(width - 2 * (len(header) - 1), len(header)), keep=keep)
    line = lambda vals: "  ".join(_clip(v, w).ljust(w) for v, w in zip(vals, widths)).rstrip()  # noqa: E731
    out = [line(header), line(["-" * w for w in widths])] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def render(result: Result, fmt: str = "table", show: Callable[[Node], str] = prefixed, width: int | None = None,
           keep: int = 0) -> str:
    """``result`` as text in ``fmt`` (one of ``FORMATS``); ``show`` renders IRIs (a label, a prefixed name, ...).

    In a table the first ``keep`` columns are never cut (names a user copies).
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown output format '{fmt}'; choose one of: {', '.join(FORMATS)}")
    rows = cells(result, show)
    header = list(result.variables)
    if fmt == "csv":
        return to_csv(header, rows)
    if fmt == "tsv":
        return to_csv(header, rows, "\t")
    if fmt == "json":
        return to_json(header, rows, result)
    if fmt == "markdown":
        return to_markdown(header, rows)
    return to_table(header, rows, width, keep)
