"""A stored query as a form: one input per parameter, of the kind its type asks for, with the header's
defaults filled in; and the answer as a table whose names link to entity pages."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef

from kg.queries.binding import ENTITY_KINDS
from kg.queries.engine import select
from kg.queries.labels import Labels
from kg.queries.results import Result, prefixed
from kg.queries.run import bindings_for, defaults
from kg.queries.terms import expand, insert_values
from kg.namespaces import PREFIXES
from kg.web.entity import href

#: Parameters whose values are few enough for a list to choose from, and the namespace of their values.
LISTED = {"status": "status", "specialty": "spec", "role": "role", "level": "level"}

#: The words for each parameter name shown on a form.
PARAM_WORDS = {
    "institution": ("Cơ sở y tế", "Institution"), "province": ("Tỉnh", "Province"), "date": ("Ngày", "Date"),
    "asof": ("Vào ngày", "As of"), "years": ("Số năm", "Years"), "name": ("Tên", "Name"),
    "entity": ("Thực thể", "Entity"), "source": ("Nguồn", "Source"), "subject": ("Đối tượng (cơ sở hoặc tỉnh)", "Subject (institution or province)"),
    "status": ("Tình trạng", "Status"), "specialty": ("Chuyên khoa", "Specialty"),
}


@dataclass
class Field:
    name: str
    label: str
    input: str  # entity, select, date, number, text
    value: str = ""
    shown: str = ""  # the label of an entity given by IRI
    required: bool = True
    default: str = ""
    kinds: str = ""
    options: list = field(default_factory=list)  # (value, label)


def _entity_value(store, value: str, labels: Labels) -> tuple[str, str]:
    from kg.errors import QueryError

    try:
        iri = expand(value) if value else None
    except QueryError:  # shown as typed; running the query says what is wrong with it
        return value, ""
    if iri is None and value.startswith("http"):
        iri = URIRef(value)
    if iri is None:
        return value, ""
    return prefixed(iri), labels.label(iri)


def _options(store, namespace: str, labels: Labels) -> list[tuple[str, str]]:
    ns = str(PREFIXES[namespace])
    rows = select(store, "SELECT DISTINCT ?e WHERE { ?e a ?t FILTER(STRSTARTS(STR(?e), ?ns)) }",
                  {"ns": Literal(ns)}).rows
    iris = sorted({r[0] for r in rows if isinstance(r[0], URIRef)})
    labels.prefetch(iris)
    return sorted(((prefixed(i), labels.label(i)) for i in iris), key=lambda o: o[1].lower())


def form_fields(site, query, given: dict, lang: str) -> list[Field]:
    """The inputs of ``query``'s form, filled with ``given`` values, else the header's defaults."""
    labels = Labels(site.store, lang)
    preset = defaults(query)
    out = []
    for p in query.parameters:
        words = PARAM_WORDS.get(p.name, (p.name, p.name))
        value = given.get(p.name, preset.get(p.name, ""))
        value = value[0] if isinstance(value, list) else value
        f = Field(p.name, words[0] if lang == "vi" else words[1], "text", value=str(value), required=p.required,
                  default=preset.get(p.name, ""))
        if p.kind == "iri" and p.name in LISTED:
            f.input = "select"
            f.options = _options(site.store, LISTED[p.name], labels)
            f.value = _entity_value(site.store, f.value, labels)[0] if f.value else ""
        elif p.kind == "iri":
            f.input = "entity"
            f.kinds = p.name if p.name in ENTITY_KINDS else ""
            f.value, f.shown = _entity_value(site.store, f.value, labels)
        elif p.kind in ("xsd_date", "date"):
            f.input = "date"
        elif p.kind in ("xsd_integer", "xsd_int", "xsd_decimal"):
            f.input = "number"
        out.append(f)
    return out


#: Runs of one stored query that one request may ask for (a list of values gives one run per combination).
MAX_RUNS = 50


async def run_stored(site, query, given: dict, lang: str, fmt: str | None = None):
    """Run ``query`` with ``given`` on the server's workers: its rows (all value combinations, in order, at most
    the server's row cap in all) and the SPARQL text of the first run, with its values in a VALUES block.

    With ``fmt``, a single run comes back as the worker wrote it in that format (a ``kg.web.protocol.Answer``),
    with nothing read back into terms; several runs are always merged into one ``Result``.

    Repeated values count once; more than ``MAX_RUNS`` combinations are refused, and all the runs of
    one request share the server's time limit.
    """
    import asyncio

    from starlette.concurrency import run_in_threadpool

    from kg.errors import QueryError
    from kg.queries.remote import parse_results

    given = {k: list(dict.fromkeys(v)) if isinstance(v, list) else v for k, v in given.items()}
    combinations = 1
    for value in given.values():
        combinations *= len(value) if isinstance(value, list) else 1
    if combinations > MAX_RUNS:
        raise QueryError(f"these values ask for {combinations} runs of '{query.name}'; give at most {MAX_RUNS} "
                         "combinations of values in one request")
    runs = await run_in_threadpool(bindings_for, query, site.store, given)
    if fmt is not None and len(runs) == 1:
        text = insert_values(query.text, runs[0]) if runs[0] else query.text
        return await site.run_user_query(text, fmt), text
    loop = asyncio.get_running_loop()
    deadline = loop.time() + site.settings.timeout
    result, first, capped, cap = None, query.text, False, site.settings.max_rows
    for i, bindings in enumerate(runs):
        text = insert_values(query.text, bindings) if bindings else query.text
        if i == 0:
            first = text
        left = cap - (len(result.rows) if result else 0)
        if left <= 0:
            capped = True
            break
        answer = await site.run_user_query(text, "json", timeout=max(0.05, deadline - loop.time()), cap=left)
        part = parse_results(json.loads(answer.body))
        capped = capped or answer.capped
        result = part if result is None else Result(result.variables, result.rows + part.rows)
    result.capped = capped
    return result, first


def result_table(store, result: Result, lang: str) -> dict:
    """The rows as cells of text, each IRI shown by its label and linked to its page."""
    labels = Labels(store, lang)
    labels.prefetch(t for row in result.rows for t in row if isinstance(t, URIRef))
    rows = []
    for row in result.rows:
        cells = []
        for term in row:
            if term is None:
                cells.append({"text": "", "href": None})
            elif isinstance(term, URIRef):
                cells.append({"text": labels.label(term), "href": href(str(term)), "title": prefixed(term)})
            elif isinstance(term, BNode):
                cells.append({"text": "_:" + str(term), "href": None})
            else:
                text = prefixed(term)
                cells.append({"text": text, "href": None, "short": len(text) <= 12})
        rows.append(cells)
    return {"columns": result.variables, "rows": rows, "capped": getattr(result, "capped", False)}


__all__ = ["form_fields", "run_stored", "result_table"]
