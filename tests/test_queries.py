"""Stored queries: headers, golden rows on the curated graph, binding, dates, output formats, CLI and API.

Set KG_UPDATE_GOLDEN=1 to rewrite tests/golden/<query>.csv from the current graph; review
the diff like code.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery

import kg
from kg.queries.terms import check_iri, insert_values, values_block, where_brace
from kg.cli import main
from kg.errors import QueryError
from kg.queries.run import defaults, run_query
from kg.queries.stored import adhoc_query, find_queries, read_query, stored_query
from kg.queries.results import Result, prefixed, render, to_csv

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
GOLDEN = TESTS / "golden"
FIXTURE = TESTS / "fixtures" / "queries" / "sample.trig"
QUERIES = find_queries(ROOT / "queries")
ANSWERS = [q for q in QUERIES if not q.is_check]
MINE = [q for q in ANSWERS if not q.name.startswith("network-")]

#: Values that try to break out of the place a parameter is bound in.
INJECTIONS = [
    'x" } UNION { ?s ?p ?o } #',
    "x' } UNION { ?s ?p ?o } #",
    "<urn:a> } UNION { ?s ?p ?o",
    "https://w3id.org/vnhealth/id/org/bach-mai-hospital> } UNION { ?s ?p ?o } #",
    "urn:with space",
    "inst:bach-mai-hospital } #",
    "}\n} UNION { ?s ?p ?o }\n#",
    '2025-01-01"^^<http://www.w3.org/2001/XMLSchema#date> } UNION { ?s ?p ?o } #',
    "5 } #",
]


def golden_csv(result: Result, unordered_lists: bool = False) -> str:
    """The rows as the golden files hold them: prefixed IRIs, lexical forms, empty when unbound.

    SPARQL leaves the order inside a GROUP_CONCAT to the engine (and to the order triples were
    loaded in), so with ``unordered_lists`` the members of each joined cell are sorted.
    """
    rows = [[prefixed(t) if t is not None else "" for t in row] for row in result.rows]
    if unordered_lists:
        rows = [[_sorted_members(cell) for cell in row] for row in rows]
    return to_csv(list(result.variables), rows)


def _sorted_members(cell: str) -> str:
    """A GROUP_CONCAT cell with its members sorted: "; "-separated labels, or space-separated IRIs.

    >>> _sorted_members("b; a c"), _sorted_members("https://x/b https://x/a"), _sorted_members("one label")
    ('a c; b', 'https://x/a https://x/b', 'one label')
    """
    if "; " in cell:
        return "; ".join(sorted(cell.split("; ")))
    parts = cell.split(" ")
    if len(parts) > 1 and all(":" in p for p in parts):
        return " ".join(sorted(parts))
    return cell




@pytest.fixture
def sample_home(tmp_path, monkeypatch):
    """A project folder with the real ontology and queries and the made-up sample data."""
    (tmp_path / "data" / "sources").mkdir(parents=True)
    (tmp_path / "data" / "sources" / "sample.trig").write_bytes(FIXTURE.read_bytes())
    (tmp_path / "ontology").symlink_to(ROOT / "ontology")
    (tmp_path / "queries").symlink_to(ROOT / "queries")
    monkeypatch.setenv("KG_HOME", str(tmp_path))
    return tmp_path


# --- headers and bodies ---------------------------------------------------------------

@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_stored_query_has_a_summary_and_parses(query):
    assert query.summary.strip(), f"{query.path.name} has no '#+ summary:'"
    prepareQuery(query.text)


@pytest.mark.parametrize("query", MINE, ids=lambda q: q.name)
def test_my_queries_describe_themselves_and_order_on_labels(query):
    assert query.header.get("description") and query.header.get("tags")
    assert query.query_type == "SELECT"
    body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#"))
    assert re.search(r"ORDER BY [^\n]*STR\(", body), "a SELECT must end with ORDER BY on STR() of labels"
    for name in query.header.get("defaults") and defaults(query) or {}:
        assert name in {p.name for p in query.parameters}, f"default for unknown parameter {name}"


def test_every_competency_question_has_a_stored_query():
    tagged = {t for q in ANSWERS for t in (q.header.get("tags") or []) if re.fullmatch(r"cq\d+", str(t))}
    assert tagged == {f"cq{i}" for i in range(1, 19)}


def test_a_missing_summary_or_a_bad_header_is_an_error(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("#+ tags: [x]\nSELECT * WHERE { ?s ?p ?o } ORDER BY STR(?s)\n", encoding="utf-8")
    with pytest.raises(QueryError, match="no '#\\+ summary:' line"):
        read_query(bad)
    bad.write_text("#+ sumary: typo\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryError, match="unknown header key 'sumary'"):
        read_query(bad)


# --- golden rows on the curated graph -------------------------------------------------

@pytest.mark.parametrize("engine", ["rdflib", "store"])
@pytest.mark.parametrize("query", ANSWERS, ids=lambda q: q.name)
def test_golden_rows(query, engine, graph, store):
    """Every stored query gives the golden rows on rdflib's engine (the files parsed into memory) and on
    Oxigraph's (the persistent store): the two engines agree row for row."""
    target = graph if engine == "rdflib" else store
    text = golden_csv(run_query(query, target), unordered_lists="GROUP_CONCAT" in query.text.upper())
    path = GOLDEN / f"{query.name}.csv"
    if os.environ.get("KG_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no golden file {path.name}; run with KG_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8"), f"rows of {query.name} changed; see the diff, then rewrite with KG_UPDATE_GOLDEN=1"


# --- dates of every precision -----------------------------------------------------------

@pytest.mark.parametrize("day, expected", [
    ("2020-12-31", {"no-year"}),
    ("2021-01-01", {"no-year", "year-period"}),
    ("2022-12-31", {"no-year", "year-period"}),
    ("2023-07-31", {"no-year"}),
    ("2023-08-01", {"no-year", "month-signed"}),
    ("2024-03-14", {"no-year", "month-signed"}),
    ("2024-03-15", {"no-year", "month-signed", "day-period"}),
    ("2024-09-30", {"no-year", "month-signed", "day-period"}),
    ("2024-10-01", {"no-year", "month-signed"}),
])
def test_in_force_compares_partial_dates_at_their_precision(sample, day, expected):
    rows = run_query(stored_query("agreements-in-force"), sample, {"date": day}).records()
    assert {r["agreement"].rsplit("/", 1)[1] for r in rows} == expected


def test_agreements_ending_within_years(sample):
    rows = run_query(stored_query("agreements-ending"), sample, {"date": "2021-06-01", "years": "1"}).records()
    assert {r["agreement"].rsplit("/", 1)[1] for r in rows} == {"year-period"}
    assert run_query(stored_query("agreements-ending"), sample, {"date": "2021-06-01", "years": "0"}).rows == []
    assert run_query(stored_query("agreements-ending"), sample, {"date": "2020-06-01", "years": "5"}).rows == []


def test_posts_as_of_a_date(sample):
    early = run_query(stored_query("posts-as-of"), sample, {"date": "2023-05-01"}).dicts()
    late = run_query(stored_query("posts-as-of"), sample, {"date": "2025-12-31"}).dicts()
    assert [str(r["reportedOn"]) for r in early] == ["2023-05"]
    assert [str(r["reportedOn"]) for r in late] == ["2023-05", "2025-02-01"]
    assert run_query(stored_query("posts-as-of"), sample, {"date": "2023-04-30"}).rows == []


def test_institutions_of_a_province_include_merged_areas(sample):
    rows = run_query(stored_query("institutions-in-province"), sample, {"province": "area:alpha-province"}).records()
    assert {r["institution"].rsplit("/", 1)[1] for r in rows} == {"da-nang-hospital", "dan-ang-clinic"}
    [supported] = [r for r in rows if r["institution"].endswith("da-nang-hospital")]
    assert supported["supporter"].endswith("central-hospital")


# --- parameters: names, IRIs, labels, injection ----------------------------------------

def test_an_entity_parameter_takes_an_iri_a_prefixed_name_or_a_label(sample):
    query = stored_query("institutions-in-province")
    expected = run_query(query, sample, {"province": "area:alpha-province"}).rows
    for value in ("https://w3id.org/vnhealth/id/area/alpha-province", "<https://w3id.org/vnhealth/id/area/alpha-province>",
                  "alpha province", "TỈNH ALPHA", "tinh alpha"):
        assert run_query(query, sample, {"province": value}).rows == expected, value


def test_an_ambiguous_name_lists_the_candidates(sample):
    with pytest.raises(QueryError) as err:
        run_query(stored_query("institution-support"), sample, {"institution": "test hospital"})
    message = str(err.value)
    assert "ambiguous" in message
    for name in ("inst:central-hospital", "inst:da-nang-hospital", "inst:beta-hospital"):
        assert name in message


def test_diacritics_tell_apart_nothing_but_d_is_d(sample):
    query = stored_query("institution-support")
    for value in ("Bệnh viện Thử Đà Nẵng", "benh vien thu da nang", "DA NANG TEST HOSPITAL"):
        rows = run_query(query, sample, {"institution": value}).records()
        assert {r["partner"].rsplit("/", 1)[1] for r in rows} == {"central-hospital", "beta-hospital", "dan-ang-clinic"}


def test_an_unknown_name_or_iri_is_an_error(sample):
    with pytest.raises(QueryError, match='no institution is named "Nowhere Hospital". Look names up with kg search'):
        run_query(stored_query("institution-support"), sample, {"institution": "Nowhere Hospital"})
    with pytest.raises(QueryError, match="names nothing in the graph"):
        run_query(stored_query("institution-support"), sample, {"institution": "inst:nowhere"})


def test_a_near_miss_name_gets_a_suggestion(sample):
    with pytest.raises(QueryError) as info:
        run_query(stored_query("institution-support"), sample, {"institution": "Central Tset Hospital"})
    assert 'no institution is named "Central Tset Hospital". Did you mean: central test hospital;' in str(info.value)


def test_unknown_and_missing_parameters_are_errors(sample):
    with pytest.raises(QueryError, match="has no parameter 'dat'; its parameters: date"):
        run_query(stored_query("agreements-in-force"), sample, {"dat": "2025-01-01"})
    with pytest.raises(QueryError, match="needs a value for: entity"):
        run_query(adhoc_query("SELECT ?p WHERE { ?_entity_iri ?p ?o } ORDER BY STR(?p)"), sample, {})


@pytest.mark.parametrize("engine", ["rdflib", "store"])
@pytest.mark.parametrize("query", ANSWERS, ids=lambda q: q.name)
def test_injection_through_every_parameter_fails_safely(query, engine, sample, sample_store):
    target = sample if engine == "rdflib" else sample_store
    for param in query.parameters:
        for payload in INJECTIONS:
            try:
                result = run_query(query, target, {param.name: payload})
            except QueryError as exc:
                assert param.name in str(exc) or "IRI" in str(exc)
                continue
            # only a plain text parameter may accept it, and then only as a literal that matches nothing
            assert param.kind in ("literal",) and len(result) == 0, (query.name, param.name, payload)


@pytest.mark.parametrize("payload", INJECTIONS + ['a\\b"c', "line\nbreak", "'''", '"""', "# not a comment"])
def test_values_block_round_trips_any_literal(payload):
    text = insert_values("SELECT ?x WHERE { BIND(?_v AS ?x) }", {"_v": Literal(payload)})
    [[value]] = Graph().query(text)
    assert str(value) == payload


def test_iris_that_cannot_be_written_are_refused():
    for bad in ("urn:a b", "urn:a>", 'urn:a"', "urn:{", "relative/path", "urn:a\n"):
        with pytest.raises(QueryError):
            check_iri(bad)
    with pytest.raises(QueryError, match="only be bound to a single variable"):
        values_block({"a": [URIRef("urn:a")], "b": URIRef("urn:b")})


def test_values_go_into_the_where_group_not_the_template():
    text = 'PREFIX x: <urn:x#>\nCONSTRUCT { ?s x:p "{" } WHERE { ?s ?p ?_o }'
    assert text[where_brace(text):].startswith("{ ?s ?p ?_o }")


def test_repeated_values_run_the_query_once_per_value(graph):
    rows = run_query(stored_query("province-specialty-coverage"), graph,
                     {"specialty": ["spec:oncology", "spec:neurology"]}).records()
    assert [r["specialty"].rsplit("/", 1)[1] for r in rows] == ["oncology", "neurology"]


# --- output formats and labels ----------------------------------------------------------

def test_formats(sample):
    result = Result(["name", "n"], [(Literal("Đà, \"x\"|y"), Literal(2)), (None, Literal(3))])
    assert render(result, "csv") == 'name,n\n"Đà, ""x""|y",2\n,3\n'
    assert render(result, "tsv") == 'name\tn\nĐà, "x"|y\t2\n\t3\n'
    assert json.loads(render(result, "json")) == [{"name": 'Đà, "x"|y', "n": "2"}, {"name": None, "n": "3"}]
    assert render(result, "markdown").splitlines()[2] == '| Đà, "x"\\|y | 2 |'
    table = render(result, "table", width=12)
    assert all(len(line) <= 12 for line in table.splitlines())


def test_table_fits_the_width_and_shows_labels(sample_home, capsys):
    assert main(["query", "agreements-in-force", "-p", "date=2024-03-20", "--width", "60"]) == 0
    out = capsys.readouterr().out
    assert all(len(line) <= 60 for line in out.splitlines())
    assert "Central" in out and "inst:" not in out


# --- command line, exact output ---------------------------------------------------------

def test_cli_query_exact_output(sample_home, capsys):
    assert main(["query", "agreements-in-force", "-p", "date=2024-03-20", "--lang", "vi", "--width", "200"]) == 0
    assert capsys.readouterr().out == (
        "agreement                         status          start       end         relation         value\n"
        "--------------------------------  --------------  ----------  ----------  ---------------  ------------------------\n"
        "Agreement with a day period       đã ký kết       2024-03-15  2024-09-30  bên hỗ trợ       Bệnh viện Trung ương Thử\n"
        "Agreement with a day period       đã ký kết       2024-03-15  2024-09-30  bên được hỗ trợ  Bệnh viện Thử Đà Nẵng\n"
        "Cooperation dated without a year  đang thực hiện  --01-21                 bên tham gia     Bệnh viện Thử Beta\n"
        "Cooperation dated without a year  đang thực hiện  --01-21                 bên tham gia     Bệnh viện Trung ương Thử\n"
        "Memorandum signed in a month      đã ký kết       2023-08                 bên tham gia     Bệnh viện Thử Beta\n"
        "Memorandum signed in a month      đã ký kết       2023-08                 bên tham gia     Bệnh viện Thử Đà Nẵng\n"
        "(6 rows)\n")


def test_cli_query_csv_with_iris(sample_home, capsys):
    assert main(["query", "posts-as-of", "-p", "date=2024-01-01", "--format", "csv", "--iris"]) == 0
    assert capsys.readouterr().out == (
        "organisation,role,person,reportedOn,source\n"
        "https://w3id.org/vnhealth/id/org/da-nang-hospital,https://w3id.org/vnhealth/id/concept/role/director,"
        "https://w3id.org/vnhealth/id/person/nguyen-van-a,2023-05,https://w3id.org/vnhealth/id/source/900\n")


def test_cli_adhoc_and_file_queries(sample_home, tmp_path, capsys):
    assert main(["query", "-e", "SELECT ?x WHERE { VALUES ?x { 2 1 } } ORDER BY ?x", "--format", "csv"]) == 0
    assert capsys.readouterr().out == "x\n1\n2\n"
    path = tmp_path / "mine.rq"
    path.write_text("SELECT ?h WHERE { ?h hkg:level level:central } ORDER BY STR(?h)\n", encoding="utf-8")
    assert main(["query", "-f", str(path), "--format", "tsv"]) == 0
    assert capsys.readouterr().out == "h\nCentral Test Hospital\n"


@pytest.mark.parametrize("argv, message", [
    (["query", "nope"], "Error: no stored query 'nope' in queries/; known queries: "),
    (["query", "agreements-in-force", "-p", "date=2025-02-30"],
     "Error: parameter 'date': '2025-02-30' is not a calendar date; write it like 2025-11-01\n"),
    (["query", "agreements-in-force", "-p", "date"], "Error: -p 'date': write a parameter as NAME=VALUE, e.g. -p date=2025-11-01\n"),
    (["query", "institution-support", "-p", 'institution=x" } UNION { ?s ?p ?o } #'],
     "Error: parameter 'institution': no institution is named \"x\" } UNION { ?s ?p ?o } #\". "),
    (["query"], "Error: give exactly one of: a stored query NAME, -f FILE.rq, or -e 'SPARQL'; "),
    (["query", "-e", "SELECT ?x WHERE {"], "Error: <query>: the SPARQL does not parse: "),
])
def test_cli_errors_exit_2_with_a_clear_message(sample_home, capsys, argv, message):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(message)


def test_cli_lists_queries(capsys):
    assert main(["queries", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("query,parameters,summary\n")
    assert '\nagreements-in-force,date=2025-12-31,"Agreements and cooperations in force on a date, with' in out
    assert "\ninstitution-support,institution=inst:bach-mai-hospital," in out
    assert main(["queries", "--tag", "cq15", "--format", "tsv"]) == 0
    assert [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()] == ["query", "support-links-on-date"]


# --- Python API -------------------------------------------------------------------------

def test_python_api(sample):
    rows = kg.query("agreements-in-force", graph=sample, date="2021-06-01")
    assert {r["agreement"] for r in rows} == {"https://w3id.org/vnhealth/id/agreement/no-year",
                                              "https://w3id.org/vnhealth/id/agreement/year-period"}
    assert set(rows[0]) == {"agreement", "status", "start", "end", "relation", "value"}
    assert set(kg.__all__) >= {"load_graph", "query", "dataframe", "search", "run_query", "Endpoint", "push"}


def test_python_api_dataframe(sample):
    pytest.importorskip("pandas")
    frame = kg.dataframe("agreements-in-force", graph=sample, date="2021-06-01")
    assert list(frame.columns) == ["agreement", "status", "start", "end", "relation", "value"]


@pytest.fixture(scope="module")
def shuffled(graph):
    """The same quads as ``graph``, added in a shuffled order (seeded): a store may return them in any order."""
    import random

    from rdflib import Dataset

    quads = sorted(graph.quads((None, None, None, None)), key=lambda q: tuple(t.n3() for t in q[:3]) + (str(q[3]),))
    random.Random(7).shuffle(quads)
    copy = Dataset(default_union=True)
    for s, p, o, g in quads:
        copy.graph(g.identifier if hasattr(g, "identifier") else g).add((s, p, o))
    return copy


@pytest.mark.parametrize("query", ANSWERS, ids=lambda q: q.name)
def test_golden_rows_do_not_depend_on_load_order(query, shuffled):
    """Every ORDER BY is total, so a store that returns triples in another order gives the same file."""
    text = golden_csv(run_query(query, shuffled), unordered_lists="GROUP_CONCAT" in query.text.upper())
    assert text == (GOLDEN / f"{query.name}.csv").read_text(encoding="utf-8")
