"""kg import table: the example tables of source 004 round-trip to the same answers, new institutions show up,
and every refusal names its row and column, exits 2 and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from kg.cli import main
from kg.graph.files import Project
from kg.graph.store import open_store
from kg.graph.tables import read_table
from kg.namespaces import EVT, GRAPH, HKG, INST, SRC, bind_prefixes
from kg.queries.results import prefixed
from kg.queries.run import run_query
from kg.queries.table_columns import KINDS, template_csv, templates_readme
from kg.queries.table_import import import_table
from kg.queries.terms import expand

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "data" / "templates"
EXAMPLES = TEMPLATES / "examples"

#: The IRIs the example's rows get (slugs made from their names) and the curated entities they restate.
CURATED = {
    "agr:professional-exchange-between-the-thanh-hoa-and-nghe-an": "agr:thanh-hoa-nghe-an-oncology-exchange",
    "agr:cooperation-of-the-nghe-an-and-thanh-hoa-health-sectors-on": "agr:nghe-an-thanh-hoa-health-cooperation",
    "act:thanh-hoa-oncology-hospital-technique-deployment": "act:thanh-hoa-oncology-high-tech-techniques",
    "post:nguyen-huu-le-deputy-director-nghe-an-department-of-health-004":
        "post:nguyen-huu-le-deputy-director-nghe-an-doh-004",
    "post:le-van-cuong-deputy-director-thanh-hoa-department-of-health-004":
        "post:le-van-cuong-deputy-director-thanh-hoa-doh-004",
    "post:tran-van-thiet-party-secretary-thanh-hoa-oncology-hospital-004":
        "post:tran-van-thiet-party-secretary-thanh-hoa-oncology-004",
    "post:tran-van-thiet-director-thanh-hoa-oncology-hospital-004": "post:tran-van-thiet-director-thanh-hoa-oncology-004",
    "post:nguyen-quang-trung-party-secretary-nghe-an-oncology-hospital-004":
        "post:nguyen-quang-trung-party-secretary-nghe-an-oncology-004",
    "post:nguyen-quang-trung-director-nghe-an-oncology-hospital-004":
        "post:nguyen-quang-trung-director-nghe-an-oncology-004",
    "fig:thanh-hoa-oncology-hospital-years-in-operation": "fig:thanh-hoa-oncology-years-since-founding",
    "fig:thanh-hoa-oncology-hospital-hospital-beds": "fig:thanh-hoa-oncology-beds-at-founding",
    "fig:thanh-hoa-oncology-hospital-technical-services": "fig:thanh-hoa-oncology-technical-services-at-founding",
    "fig:thanh-hoa-oncology-hospital-beds-in-use": "fig:thanh-hoa-oncology-beds-in-use",
    "fig:thanh-hoa-oncology-hospital-beds-in-use-2": "fig:thanh-hoa-oncology-beds-increase-since-founding",
    "fig:thanh-hoa-oncology-hospital-technical-services-2": "fig:thanh-hoa-oncology-technical-services-now",
}
#: Where each example table is written in the copy of the project.
WRITTEN = {"institutions": "data/reference/institutions-004.trig", "posts": "data/sources/004-posts.trig",
           "agreements": "data/sources/004-agreements.trig", "activities": "data/sources/004-activities.trig",
           "figures": "data/sources/004-figures.trig"}


def kg(capsys, *argv) -> tuple[int, str, str]:
    code = main(["import", "table", *[str(a) for a in argv]])
    out, err = capsys.readouterr()
    return code, out, err


def _example_institutions() -> list[URIRef]:
    return [INST[row.get("id")] for row in read_table(EXAMPLES / "004-institutions.csv").rows]


@pytest.fixture
def without_004(home):
    """A copy of the project without source 004: its source graph gone, and the nine institutions it names."""
    for path in (home / "data" / "sources").glob("004-*.trig"):
        path.unlink()
    institutions = home / "data" / "reference" / "institutions.trig"
    dataset = bind_prefixes(Dataset())
    dataset.parse(institutions, format="trig")
    reference = dataset.graph(GRAPH["reference"])
    for iri in _example_institutions():
        reference.remove((iri, None, None))
    institutions.write_text(dataset.serialize(format="trig"), encoding="utf-8")
    return home


def _rows(store, name, **params) -> set[tuple]:
    return set(run_query(name, store, params).rows)


MAP = {expand(made): expand(curated) for made, curated in CURATED.items()}


def _renamed(rows: set[tuple]) -> set[tuple]:
    """The rows with the IRIs the table's rows were given read as the curated IRIs they restate."""
    return {tuple(MAP.get(t, t) for t in row) for row in rows}


def test_the_example_of_source_004_round_trips_through_the_stored_queries(without_004, store, capsys):
    for kind, target in WRITTEN.items():
        code, out, err = kg(capsys, EXAMPLES / f"004-{kind}.csv", "--as", kind, "-o", without_004 / target)
        assert (code, out) == (0, ""), err
        assert f"wrote {without_004 / target}: 004-{kind}.csv: " in err and "; conforms with the project's data" in err
    made = open_store(Project(without_004))
    assert {prefixed(s) for s in made.subjects(RDF.type, None) if s in MAP} == set(CURATED)

    # the institutions: the very statements the curated graph makes of them, for every property the table covers
    written = Dataset().parse(without_004 / WRITTEN["institutions"], format="trig").graph(GRAPH["reference"])
    curated = store.rdflib_graph(str(GRAPH["reference"]))
    for iri in _example_institutions():
        covered = set(written.predicates(iri, None))
        assert covered >= {RDF.type, RDFS.label, HKG.level, HKG.locatedIn, DCTERMS.source}
        assert set(written.triples((iri, None, None))) == {t for t in curated.triples((iri, None, None))
                                                           if t[1] in covered}
    for province in ("area:thanh-hoa-province", "area:nghe-an-province"):
        assert _rows(made, "institutions-in-province", province=province) == \
            _rows(store, "institutions-in-province", province=province)

    # the facts come back through the queries that answer for them
    figures = _rows(store, "figures", subject="inst:thanh-hoa-oncology-hospital")
    assert len(figures) == 6 and _rows(made, "figures", subject="inst:thanh-hoa-oncology-hospital") == figures
    posts = {r for r in _rows(store, "posts-as-of") if r[-1] == SRC["004"]}
    assert len(posts) == 6 and {r for r in _rows(made, "posts-as-of") if r[-1] == SRC["004"]} == posts
    deployed = _rows(store, "techniques-deployed-in-province", province="area:thanh-hoa-province")
    assert len(deployed) == 15
    assert _renamed(_rows(made, "techniques-deployed-in-province", province="area:thanh-hoa-province")) == deployed
    restated = set(MAP.values())
    cooperations = {r for r in _rows(store, "cooperations-by-status") if r[1] in restated}
    assert len(cooperations) == 5
    assert {r for r in _renamed(_rows(made, "cooperations-by-status")) if r[1] in restated} == cooperations
    for name in ("inst:thanh-hoa-oncology-hospital", "inst:nghe-an-department-of-health"):
        assert _renamed(_rows(made, "institution-support", institution=name)) == \
            _rows(store, "institution-support", institution=name)
    # what the source states: every entity of the tables, none more
    tabled = restated | set(_example_institutions())
    contents = {r for r in _rows(store, "source-contents", source="src:004") if r[1] in tabled}
    assert len(contents) == 24 and _renamed(_rows(made, "source-contents", source="src:004")) == \
        contents | {r for r in _rows(store, "source-contents", source="src:004")
                    if r[1] not in tabled and not str(r[1]).startswith(str(EVT)) and "/report/" not in str(r[1])}
    assert main(["validate"]) == 0


TEN = """id,name_vi,name_en,kind,level,located_in,specialties,source
,Bệnh viện Đa khoa mẫu số 01,Synthetic General Hospital 01,general hospital,provincial,area:lao-cai-province,,900
,Bệnh viện Đa khoa mẫu số 02,Synthetic General Hospital 02,GeneralHospital,regional,area:lao-cai-province,,900
,Bệnh viện Ung bướu mẫu số 03,Synthetic Oncology Hospital 03,specialised hospital,provincial,area:lao-cai-province,oncology,900
,Bệnh viện Sản Nhi mẫu số 04,Synthetic Obstetrics and Paediatrics Hospital 04,bệnh viện chuyên khoa,provincial,area:lao-cai-province,obstetrics; paediatrics,900
,Trung tâm Y tế mẫu số 05,Synthetic Medical Centre 05,medical centre,regional,area:lao-cai-province,,900
,Trạm Y tế mẫu số 06,Synthetic Commune Health Station 06,trạm y tế xã,commune,area:lao-cai-province,,900
,Bệnh viện Khu vực mẫu số 07,Synthetic Regional Hospital 07,regional hospital,regional,area:lao-cai-province,,900
,Bệnh viện Phục hồi chức năng mẫu số 08,Synthetic Rehabilitation Hospital 08,specialised hospital,provincial,area:lao-cai-province,rehabilitation,900
,Trạm Y tế mẫu số 09,Synthetic Commune Health Station 09,CommuneHealthStation,commune,area:lao-cai-province,,900
synthetic-hospital-ten,Bệnh viện Đa khoa mẫu số 10,Synthetic General Hospital 10,general hospital,provincial,area:lao-cai-province,,900
"""

SYNTHETIC_SOURCE = """@prefix hkg: <https://w3id.org/vnhealth/def#> .
@prefix src: <https://w3id.org/vnhealth/id/source/> .
@prefix graph: <https://w3id.org/vnhealth/graph/> .
@prefix dcterms: <http://purl.org/dc/terms/> .

graph:reference {
src:900 a hkg:SourceDocument ;
    dcterms:title "A synthetic list of ten institutions, for the tests"@en ;
    dcterms:language "en" .
}
"""


@pytest.fixture
def synthetic(home):
    """The copy of the project with one more source document, src:900, and the table of ten institutions."""
    (home / "data" / "reference" / "synthetic-source.trig").write_text(SYNTHETIC_SOURCE, encoding="utf-8")
    table = home / "ten.csv"
    table.write_text(TEN, encoding="utf-8")
    return home


def test_a_table_of_ten_institutions_imports_validates_and_shows_up_in_search_and_queries(synthetic, capsys):
    out = synthetic / "data" / "reference" / "institutions-synthetic.trig"
    code, stdout, err = kg(capsys, synthetic / "ten.csv", "--as", "institutions", "-o", out)
    assert (code, stdout) == (0, ""), err
    assert err == (f"wrote {out}: ten.csv: 10 rows read as institutions, 10 new institutions and 0 already in the "
                   "graph, in graph:reference; conforms with the project's data (0 warnings)\n")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("@prefix hkg: <https://w3id.org/vnhealth/def#> .\n")
    assert ("inst:synthetic-oncology-hospital-03 a hkg:SpecialisedHospital ;\n"
            '    rdfs:label "Bệnh viện Ung bướu mẫu số 03"@vi , "Synthetic Oncology Hospital 03"@en ;\n'
            "    hkg:level level:provincial ;\n"
            "    hkg:locatedIn area:lao-cai-province ;\n"
            "    hkg:specialty spec:oncology ;\n"
            "    dcterms:source src:900 .\n") in text
    assert "inst:synthetic-hospital-ten a hkg:GeneralHospital ;" in text
    assert main(["validate"]) == 0
    capsys.readouterr()
    assert main(["search", "benh vien khu vuc mau so 07", "--format", "csv", "--iris"]) == 0
    assert capsys.readouterr().out == f"kind,entity,match\ninstitution,{INST}synthetic-regional-hospital-07,exact\n"
    assert main(["query", "institutions-in-province", "-p", "province=area:lao-cai-province", "--format", "csv",
                 "--iris"]) == 0
    listed = capsys.readouterr().out
    made = [str(INST) + line.split()[0][5:] for line in text.splitlines() if line.startswith("inst:")]
    assert len(made) == 10 and all(f"\n{iri}," in listed for iri in made)
    # importing again into the same file gives the same bytes: the file it replaces is not part of the graph
    assert kg(capsys, synthetic / "ten.csv", "--as", "institutions", "-o", out)[0] == 0
    assert out.read_text(encoding="utf-8") == text


def test_new_institutions_get_free_slugs_and_known_names_describe_existing_ones(home, capsys, tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("name_vi,name_en,kind,located_in,source\n"
                     "Cơ quan mẫu Nhật Bản,Japan Side,research institute,area:japan,003\n"
                     "Bệnh viện Bạch Mai,Bach Mai Hospital,general hospital,area:hanoi,003\n"
                     "Cơ quan mẫu Nhật Bản,Japan Side,research institute,area:japan,003\n", encoding="utf-8")
    code, out, err = kg(capsys, table, "--as", "institutions")
    assert code == 0, err
    assert "3 rows read as institutions, 1 new institution and 1 already in the graph" in err
    # inst:japan-side is taken, by the Japanese side: the new institution is the next slug; row 4 names it again
    assert "\ninst:japan-side-2 a hkg:ResearchInstitute ;\n" in out and "inst:japan-side " not in out
    assert "\ninst:bach-mai-hospital a hkg:GeneralHospital ;\n" in out


def test_a_fact_mentioning_a_reference_entity_gives_it_the_source(home, capsys, tmp_path):
    table = tmp_path / "t.tsv"
    table.write_bytes("\ufeffkind\tlabel_en\tparties\tstatus\tsigned_on\tsource\trelated\r\n"
                      "memorandum\tA memorandum of two hospitals\tBệnh viện Bạch Mai; Thanh Hoa Provincial Oncology "
                      "Hospital\tsigned\t2023-08\t003\r\n"
                      "agreement\tAnother one\tviet duc; inst:nghe-an-oncology-hospital\tended\t2021\t002\t"
                      "A memorandum of two hospitals\r\n".encode())
    out = home / "data" / "sources" / "900-table.trig"
    code, _, err = kg(capsys, table, "--as", "agreements", "-o", out)
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert "\ngraph:source-002 {\n\ngraph:source-002 prov:wasDerivedFrom src:002 .\n" in text
    assert "\ngraph:source-003 {\n\ngraph:source-003 prov:wasDerivedFrom src:003 .\n" in text
    assert ("agr:a-memorandum-of-two-hospitals a hkg:MemorandumOfUnderstanding ;\n"
            '    rdfs:label "A memorandum of two hospitals"@en ;\n'
            "    hkg:party inst:bach-mai-hospital , inst:thanh-hoa-oncology-hospital ;\n"
            "    hkg:status status:signed ;\n"
            '    hkg:signedOn "2023-08"^^xsd:gYearMonth ;\n'
            "    dcterms:source src:003 .\n") in text
    assert ('    hkg:signedOn "2021"^^xsd:gYear ;\n'
            "    hkg:relatedAgreement agr:a-memorandum-of-two-hospitals ;\n") in text
    # Bach Mai cites 003 already, Viet Duc cites 002; the two provincial hospitals get the new sources
    assert text.endswith("graph:reference {\n\ninst:nghe-an-oncology-hospital dcterms:source src:002 .\n\n"
                         "inst:thanh-hoa-oncology-hospital dcterms:source src:003 .\n}\n")
    assert "'memorandum' read as hkg:MemorandumOfUnderstanding (starts with)" in err
    assert "inst:viet-duc-hospital , inst:nghe-an-oncology-hospital ;" in text
    assert main(["validate"]) == 0


def _refused(capsys, tmp_path, kind, text, suffix=".csv"):
    table = tmp_path / f"table{suffix}"
    table.write_text(text, encoding="utf-8")
    out = tmp_path / "out.trig"
    code, stdout, err = kg(capsys, table, "--as", kind, "-o", out)
    assert (code, stdout, out.exists()) == (2, "", False), err
    assert list(tmp_path.glob(".out.trig*")) == []
    return err


AGREEMENT = "kind,label_en,parties,start,status,source\n"


@pytest.mark.parametrize("kind,text,parts", [
    ("agreements", AGREEMENT + "cooperation,Exchange,thanh hoa; Bach Mai Hospital,,in force,004\n",
     ['1 problem, nothing written:\n  row 2, column parties: "thanh hoa" is ambiguous: it names',
      "\n      inst:thanh-hoa-department-of-health  Thanh Hoa Department of Health\n",
      "\n      inst:thanh-hoa-oncology-hospital  Thanh Hoa Provincial Oncology Hospital\n",
      "write one of these prefixed names in the cell instead, or more of the name"]),
    ("agreements", "kind,label_en,partys,source\ncooperation,Exchange,Bach Mai Hospital,004\n",
     ["row 1: unknown column 'partys' for --as agreements; its columns are: id, kind, label_en, label_vi, parties,",
      "(see data/templates/agreements.csv)"]),
    ("agreements", AGREEMENT + "cooperation,Exchange,Bach Mai Hospital; Viet Duc Hospital,2023-13,signed,004\n",
     ["row 2, column start: '2023-13' has no month 13; write the month as 01 to 12"]),
    ("agreements", AGREEMENT + "cooperation,Exchange,Bach Mai Hospital; Viet Duc Hospital,about 2020,signed,004\n",
     ["row 2, column start: 'about 2020' is an approximate date, which the graph does not record; give the year"]),
    ("agreements", AGREEMENT + "cooperation,,Bach Mai Hospital; Viet Duc Hospital,2023,signed,004\n",
     ["row 2, column label_en: empty, but this column is required (A short English name of the agreement or "
      "cooperation); fill it in, or leave the row out"]),
    ("agreements", AGREEMENT + "cooperation,Exchange,Bach Mai Hospital; Viet Duc Hospital,2023,signed,999\n",
     ["row 2, column source: src:999 is not a source document of the graph (known: src:000, src:001,",
      "describe the source first in data/reference/sources.trig (src:999 a hkg:SourceDocument, with its title"]),
    ("agreements", AGREEMENT + "cooperation,Exchange,Bach Mai Hospital,2023,signed,004\n",
     ["1 violation of the shapes and checks, nothing written:\n  row 2, column parties: agr:exchange [hkg:party]: "
      "A cooperation needs at least two distinct hkg:party institutions; list every party, the supporter and the "
      "supported institution included [MinCountConstraintComponent]"]),
    ("posts", "person,role,organisation,source\nNguyen Van Mau,director,Bach Mai Hospital,000\n",
     ['row 2, column person: no person is named "Nguyen Van Mau"', "a new person is described in "
      "data/reference/people.trig first"]),
    ("posts", "person,role,organisation,source\nDao Xuan Co,director,Bệnh viện mẫu,000\n",
     ['row 2, column organisation: no institution is named "Bệnh viện mẫu"',
      "a new institution is added with --as institutions first"]),
    ("figures", "id,subject,measure,value,unit,source\nthanh-hoa-oncology-beds-in-use,Nghe An Oncology Hospital,"
                "hospital beds,1000,beds,004\n",
     ["1 problem, nothing written:\n  row 2, column id: fig:thanh-hoa-oncology-beds-in-use already names an entity "
      "of the graph (fig:thanh-hoa-oncology-beds-in-use); choose another id, or leave the cell empty to have one "
      "made"]),
    ("figures", "subject,measure,value,unit,source\nNghe An Oncology Hospital,hospital beds,\"1,268\",beds,004\n",
     ["row 2, column value: '1,268' holds thousands separators; write the number without them: 1268"]),
    ("institutions", "name_vi,name_en,kind,level,source\nBệnh viện mẫu,Sample Hospital,general hospital,3,004\n",
     ["row 2, column level: '3' is ambiguous: it names 2 of a concept of scheme:levels:",
      "level:district", "level:regional"]),
])
def test_a_refused_table_names_row_and_column_exits_2_and_writes_nothing(home, capsys, tmp_path, kind, text,
                                                                         parts):
    err = _refused(capsys, tmp_path, kind, text)
    assert err.startswith(f"Error: {tmp_path / 'table.csv'}")
    for part in parts:
        assert part in err


def test_a_table_without_its_kind_is_a_usage_error(home, capsys, tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("name_vi,name_en,kind,source\n", encoding="utf-8")
    assert kg(capsys, table) == (2, "", "Error: give the table and what its rows are, e.g. kg import table "
                                        "hospitals.csv --as institutions (KIND is one of institutions, agreements, "
                                        "activities, posts, figures); kg import table --columns KIND lists a kind's "
                                        "columns\n")
    assert kg(capsys, table, "--as", "institutions") == (2, "", f"Error: {table}: the table has a header but no "
                                                                "rows; add one row per institution\n")


def test_a_workbook_is_refused_with_the_way_out(home, capsys, tmp_path):
    err = _refused(capsys, tmp_path, "institutions", "not really a workbook", suffix=".xlsx")
    assert err == (f"Error: {tmp_path / 'table.xlsx'}: a .xlsx workbook is not read; save the sheet as \"CSV UTF-8\" "
                   "(.csv) or as tab-separated text (.tsv) and import that file\n")


def test_columns_lists_the_values_the_graph_accepts(home, capsys):
    assert main(["import", "table", "--columns", "posts"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("### `--as posts`: who holds which post at which institution, as a source reports it\n")
    assert "\n  role: " in out and " deputy-director, " in out and "\n- **date**: " in out


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_templates_are_what_the_columns_say(kind):
    assert (TEMPLATES / f"{kind}.csv").read_text(encoding="utf-8") == template_csv(kind), \
        "regenerate with: python -c 'from kg.queries.table_columns import write_templates; write_templates()'"
    table = read_table(TEMPLATES / f"{kind}.csv")
    assert table.columns == [c.name for c in KINDS[kind].columns] and table.rows == []


def test_the_templates_readme_is_what_the_columns_say():
    assert (TEMPLATES / "README.md").read_text(encoding="utf-8") == templates_readme()


@pytest.mark.parametrize("kind,text", [
    ("agreements", "kind,label_en,parties,supporters,supported,start,end,status,source\n"
                   "cooperation,One party,Bach Mai Hospital,,,2023,2021,planned,004\n"
                   "memorandum,Itself,,Bach Mai Hospital,Bach Mai Hospital,,,signed,004\n"
                   "cooperation,No status,Bach Mai Hospital; Viet Duc Hospital,,,,,,002\n"),
    ("figures", "subject,measure,value,min_value,max_value,unit,source\n"
                "Bach Mai Hospital,hospital beds,10,5,20,beds,003\n"
                "Bach Mai Hospital,hospital beds,,20,5,beds,003\n"),
    ("institutions", "name_vi,name_en,kind,level,source\n"
                     "Bệnh viện Bạch Mai mới,Bach Mai Hospital,general hospital,provincial,004\n"
                     "Benh vien mau,Sample Hospital,general hospital,provincial,004\n"),
])
def test_the_findings_of_a_table_are_those_a_full_validation_adds(home, tmp_path, kind, text):
    from kg.validation.tables import store_files, table_findings
    from kg.validation.validator import validate

    table = tmp_path / "t.csv"
    table.write_text(text, encoding="utf-8")
    project = Project(home)
    before = open_store(project)
    imported = import_table(read_table(table), kind, before)
    fast = {f.key() + (f.severity,) for f in table_findings(imported, project, before)}
    written = tmp_path / "t.trig"
    written.write_text(imported.text(), encoding="utf-8")
    whole = lambda files: {f.key() + (f.severity,) for f in validate(files, project).findings  # noqa: E731
                           if not f.focus.startswith("_:")}
    assert fast and fast == whole(store_files(project) + [written]) - whole(store_files(project))
