"""``kg generate``: synthetic project folders that are deterministic, valid, connected, and fail as announced."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset, Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from kg.cli import main
from kg.graph.files import Project
from kg.graph.store import open_store
from kg.namespaces import AREA, GRAPH, HKG, INST, LEVEL, MEASURE, SRC, UNIT
from kg.network.projection import project_network
from kg.network.referral import project_referrals

ROOT = Path(__file__).resolve().parent.parent
SMALL = 60


def _kg(*argv: str) -> int:
    """``kg`` in this process; ``--root`` sets KG_HOME, which must not leak into other tests."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("KG_HOME", raising=False)
        return main(list(argv))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """Four generated folders and the bytes of their files, taken before any other command runs on them."""
    base = tmp_path_factory.mktemp("generated")
    runs = {"a": ("--seed", "1"), "b": ("--seed", "1"), "c": ("--seed", "2"),
            "bad": ("--seed", "1", "--violations", "5")}
    out = {}
    for name, extra in runs.items():
        assert _kg("generate", "--institutions", str(SMALL), *extra, "-o", str(base / name)) == 0
        out[name] = (base / name, _snapshot(base / name))
    return out


def _dataset(folder: Path, pattern: str = "*.trig") -> Dataset:
    """The folder's data files (or those matching ``pattern``), queried as the union of their graphs."""
    dataset = Dataset(default_union=True)
    for path in sorted((folder / "data").rglob(pattern)):
        dataset.parse(path, format="trig")
    return dataset


def _validate(folder: Path, tmp_path: Path, expected_code: int) -> list[dict]:
    report = tmp_path / f"{folder.name}-validation.json"
    assert _kg("--root", str(folder), "validate", "--format", "json", "-o", str(report)) == expected_code
    return json.loads(report.read_text(encoding="utf-8"))["findings"]


def test_same_seed_gives_the_same_bytes(folders):
    assert folders["a"][1] == folders["b"][1]
    assert len([f for f in folders["a"][1] if f.startswith("data/sources/")]) >= 8
    sources = b"".join(v for k, v in folders["a"][1].items() if k.startswith("data/sources/"))
    assert sources.count(b" a hkg:ReferralFlow ;") >= SMALL  # the referral flows are part of the same bytes


def test_another_seed_gives_another_graph(folders):
    a, c = folders["a"][1], folders["c"][1]
    assert a["data/reference/institutions.trig"] != c["data/reference/institutions.trig"]
    assert any(a.get(name) != c.get(name) for name in a if name.startswith("data/sources/"))


def test_folder_holds_copies_of_the_project_and_a_readme(folders):
    folder, files = folders["a"]
    for sub in ("ontology", "shapes", "queries"):
        project = {str(p.relative_to(ROOT)): p.read_bytes() for p in sorted((ROOT / sub).rglob("*"))
                   if p.is_file() and "__pycache__" not in p.parts}
        assert project and {k: v for k, v in files.items() if k.startswith(sub + "/")} == project
    readme = files["README.md"].decode("utf-8")
    assert "synthetic" in readme.lower() and "- seed: 1" in readme
    assert f"kg generate --institutions {SMALL} --seed 1 -o DIR" in readme
    assert json.loads(files["expected-violations.json"]) == []
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_provinces_before_and_after_the_merger(folders):
    areas = _dataset(folders["a"][0], "areas.trig")
    provinces = set(areas.subjects(RDF.type, HKG.Province))
    new = {p for p in provinces if areas.value(p, HKG.validFrom) == Literal("2025-07-01", datatype=XSD.date)}
    old = {p for p in provinces if str(areas.value(p, HKG.validUntil)) == "2025-06-30"}
    assert (len(new), len(old), len(provinces)) == (34, 63, 97)
    country = AREA["syn-country"]
    assert all((p, HKG.partOf, country) in areas for p in provinces)
    assert all(areas.value(p, HKG.mergedInto) in new for p in old)
    assert {areas.value(p, HKG.mergedInto) for p in old} == new  # every new province has a predecessor


def test_institutions_labels_and_triple_count(folders):
    folder, files = folders["a"]
    dataset = _dataset(folder)
    kinds = {}
    for s, o in dataset.subject_objects(RDF.type):
        if str(s).startswith(str(INST)):
            kinds[s] = o
    assert len(kinds) == SMALL
    assert all(str(s).startswith(str(INST["syn-"])) for s in kinds)
    for inst in kinds:
        assert dataset.value(inst, HKG.locatedIn) is not None and dataset.value(inst, HKG.level) is not None
    for kind in (HKG.GeneralHospital, HKG.SpecialisedHospital, HKG.RegionalHospital, HKG.CommuneHealthStation,
                 HKG.DepartmentOfHealth, HKG.Ministry):
        assert kind in kinds.values(), kind
    labels = [(s, o) for s, o in dataset.subject_objects(RDFS.label) if str(s).startswith(str(INST))]
    assert all(("Synthetic" in o) if o.language == "en" else ("mẫu" in o) for _, o in labels)
    triples = sum(len(g) for g in dataset.graphs())
    assert f"- triples: {triples:,} in" in files["README.md"].decode("utf-8")


def test_small_folder_validates_without_findings(folders, tmp_path):
    data = _dataset(folders["a"][0])
    for kind in (HKG.ReferralFlow, HKG.InstitutionGroup, HKG.PatientGroup, HKG.ReportedFigure):
        assert (None, RDF.type, kind) in data, kind  # the shapes of referrals have something to check
    assert _validate(folders["a"][0], tmp_path, 0) == []


def test_injected_violations_are_exactly_the_findings(folders, tmp_path):
    folder, files = folders["bad"]
    expected = json.loads(files["expected-violations.json"])
    assert len({e["violation"] for e in expected}) == 5
    findings = _validate(folder, tmp_path, 1)
    got = {(f["focus"], f["path"], f["component"]) for f in findings if f["severity"] == "Violation"}
    assert got == {(e["focus"], e["path"], e["component"]) for e in expected}
    assert [f for f in findings if f["severity"] != "Violation"] == []
    assert set(files) == set(folders["a"][1])  # the same graph with defects, not another one
    assert sum(files[n] != folders["a"][1][n] for n in files if n.startswith("data/")) <= 5 + 1


def test_support_network_is_connected_from_central_to_commune_level(folders, tmp_path):
    folder = folders["a"][0]
    exported = tmp_path / "support.json"
    assert _kg("--root", str(folder), "network", "--export", "json", "--network", "support", "-o", str(exported)) == 0
    network = nx.node_link_graph(json.loads(exported.read_text(encoding="utf-8")), edges="links")
    assert network.is_directed() and network.number_of_nodes() > SMALL // 2
    assert nx.is_weakly_connected(network)
    reference = _dataset(folder, "institutions.trig")
    level = {str(s): o for s, o in reference.subject_objects(HKG.level)}
    central = [n for n in network if level.get(n) == LEVEL.central]
    assert len(central) >= 2
    reached = set().union(*(nx.descendants(network, c) for c in central))
    for wanted in (LEVEL.provincial, LEVEL.regional, LEVEL.commune):
        nodes = {n for n in network if level.get(n) == wanted}
        assert nodes and nodes <= reached, wanted
    for c in central:  # each central hospital reaches down to commune level
        assert any(level.get(n) == LEVEL.commune for n in nx.descendants(network, c))


def test_triples_option_aims_at_a_size(tmp_path):
    out = tmp_path / "sized"
    assert _kg("generate", "--triples", "10000", "--seed", "3", "-o", str(out)) == 0
    triples = sum(len(g) for g in _dataset(out).graphs())
    assert 9000 <= triples <= 11000


@pytest.mark.parametrize("argv, message", [
    (["--institutions", "5"], "give at least 20"),
    (["--institutions", "60", "--violations", "999"], "--violations 999"),
    (["--triples", "10"], "--triples 10: too few"),
    ([], "one of the arguments --institutions --triples is required"),
])
def test_bad_arguments_exit_2_with_a_message(argv, message, tmp_path, capsys):
    assert _kg("generate", *argv, "-o", str(tmp_path / "out")) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_non_empty_folder_needs_force(tmp_path, capsys):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("keep me\n", encoding="utf-8")
    assert _kg("generate", "--institutions", "20", "-o", str(out)) == 2
    assert "--force" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert _kg("generate", "--institutions", "20", "-o", str(out), "--force") == 0
    assert not (out / "notes.txt").exists() and (out / "data" / "reference" / "areas.trig").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]  # no temporary or old folder left


def test_unwritable_folder_is_an_input_error(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    assert _kg("generate", "--institutions", "20", "-o", str(blocker / "out")) == 2
    assert "choose a folder you can write to" in capsys.readouterr().err
    assert _kg("generate", "--institutions", "20", "-o", str(blocker)) == 2
    assert "is not a folder" in capsys.readouterr().err


# --- referral flows -------------------------------------------------------------------------

#: Rank on the line system; a flow goes to a higher rank than its sender.
LINE = {LEVEL.commune: 0, LEVEL.regional: 1, LEVEL.provincial: 2, LEVEL.central: 3}
HOSPITALS = (HKG.CommuneHealthStation, HKG.RegionalHospital, HKG.GeneralHospital, HKG.SpecialisedHospital)


def _flows(data: Dataset) -> list[dict]:
    """Every referral flow of ``data`` with its sender, receiver, volume figure and the graph stating it."""
    flows = []
    for flow in sorted(set(data.subjects(RDF.type, HKG.ReferralFlow))):
        senders, receivers = list(data.objects(flow, HKG.referredFrom)), list(data.objects(flow, HKG.referredTo))
        assert len(senders) == 1 and len(receivers) == 1, flow
        graphs = {c for _, _, _, c in data.quads((flow, RDF.type, HKG.ReferralFlow, None))}
        flows.append({"iri": flow, "sender": senders[0], "receiver": receivers[0], "graphs": graphs,
                      "volume": data.value(flow, HKG.referralVolume)})
    return flows


def _figure(data: Dataset, fig) -> tuple[float | None, float | None, float | None]:
    number = lambda p: None if data.value(fig, p) is None else float(data.value(fig, p).toPython())  # noqa: E731
    return number(HKG.value), number(HKG.minValue), number(HKG.maxValue)


def test_referral_flows_go_up_the_line_from_every_hospital(folders):
    data = _dataset(folders["a"][0])
    flows = _flows(data)
    level = {s: o for s, o in data.subject_objects(HKG.level)}
    kind = {s: o for s, o in data.subject_objects(RDF.type) if str(s).startswith(str(INST))}
    directions: dict[tuple[str, str], int] = {}
    sent: dict = {}
    for flow in flows:
        sender, receiver = flow["sender"], flow["receiver"]
        assert kind.get(receiver) in HOSPITALS and receiver in level, flow  # a named hospital receives
        if (sender, RDF.type, HKG.PatientGroup) in data:
            origin = "patients"
        elif (sender, RDF.type, HKG.InstitutionGroup) in data:
            origin = str(data.value(sender, HKG.groupLevel)).rsplit("/", 1)[1] + " (group)"
            assert LINE[data.value(sender, HKG.groupLevel)] < LINE[level[receiver]], flow
        else:
            assert kind[sender] in HOSPITALS, flow
            assert LINE[level[sender]] < LINE[level[receiver]], flow  # up the line, never down nor across
            origin = str(level[sender]).rsplit("/", 1)[1]
            sent[sender] = sent.get(sender, 0) + 1
        key = (origin, str(level[receiver]).rsplit("/", 1)[1])
        directions[key] = directions.get(key, 0) + 1
    # the line system: stations to regional or provincial hospitals, regional to provincial (or central), and
    # provincial to central hospitals; unnamed patients to central hospitals, unnamed stations to provincial ones
    assert set(directions) <= {("commune", "regional"), ("commune", "provincial"), ("regional", "provincial"),
                               ("regional", "central"), ("provincial", "central"), ("patients", "central"),
                               ("commune (group)", "provincial")}, directions
    for wanted in (("commune", "regional"), ("commune", "provincial"), ("regional", "provincial"),
                   ("provincial", "central"), ("patients", "central"), ("commune (group)", "provincial")):
        assert directions.get(wanted, 0) >= 1, (wanted, directions)
    # every commune station, regional and provincial hospital sends one or two flows; central ones send none
    senders = {i for i, k in kind.items() if k in HOSPITALS and level[i] != LEVEL.central}
    assert set(sent) == senders and set(sent.values()) == {1, 2}
    assert len(senders) <= sum(sent.values()) <= 2 * len(senders)
    assert sum(directions.values()) == len(flows) > len(senders)


def test_referral_volumes_dates_groups_and_sources(folders):
    data = _dataset(folders["a"][0])
    flows = _flows(data)
    forms = set()
    for flow in flows:
        (graph,) = flow["graphs"]  # stated in one source graph, citing that source
        local = str(graph).rsplit("/source-", 1)[1]
        assert str(graph) == str(GRAPH[f"source-{local}"])
        assert list(data.objects(flow["iri"], DCTERMS.source)) == [SRC[local]]
        assert len(list(data.objects(flow["iri"], RDFS.label))) == 2
        fig = flow["volume"]
        if fig is None:
            forms.add("no number")
            continue
        assert (fig, HKG.measure, MEASURE["patients-received-per-year"]) in data
        assert (fig, HKG.unit, UNIT["patients-per-year"]) in data
        assert data.value(fig, HKG.subject) == flow["receiver"]
        assert list(data.objects(fig, DCTERMS.source)) == [SRC[local]]
        value, low, high = _figure(data, fig)
        approximate = data.value(fig, HKG.isApproximate).toPython()
        assert approximate == ((fig, HKG.approximation, None) in data)
        if value is not None:
            assert low is None and high is None and value > 0
            forms.add("approximate value" if approximate else "exact value")
        else:
            assert 0 < low <= high
            forms.add("range")
    assert forms == {"exact value", "approximate value", "range", "no number"}
    periods = [(data.value(f["iri"], HKG.startDate), data.value(f["iri"], HKG.endDate)) for f in flows]
    reported = [data.value(f["iri"], HKG.reportedOn) for f in flows]
    with_period = [(s, e) for s, e in periods if s is not None or e is not None]
    assert with_period and all(s.datatype == e.datatype == XSD.gYear and int(s) < int(e) <= 2025
                               for s, e in with_period)
    assert any(reported) and not any(r is not None and p[0] is not None for r, p in zip(reported, periods))
    assert any((f["iri"], HKG.referredShare, None) in data for f in flows)
    assert any((f["iri"], HKG.caseMix, None) in data for f in flows)
    groups = {f["sender"] for f in flows if not str(f["sender"]).startswith(str(INST))}
    assert groups and all(str(g).startswith("https://w3id.org/vnhealth/id/group/syn-") for g in groups)
    former = 0
    for group in groups:
        area = data.value(group, HKG.groupArea)
        assert (area, RDF.type, HKG.Province) in data, group
        if (area, HKG.validUntil, None) in data:  # the patients of a province merged in 2025: dated before it
            former += 1
            (flow,) = [f["iri"] for f in flows if f["sender"] == group]
            years = [int(str(d)[:4]) for p in (HKG.endDate, HKG.reportedOn) for d in data.objects(flow, p)]
            assert all(y <= 2024 for y in years), flow
        assert {str(data.value(group, DCTERMS.source))} == {str(s) for f in flows if f["sender"] == group
                                                           for s in data.objects(f["iri"], DCTERMS.source)}
    assert 0 < former < len(groups)


def test_referral_network_of_a_generated_store_matches_the_flows(folders, tmp_path):
    folder = folders["a"][0]
    data = _dataset(folder)
    flows = _flows(data)
    project = Project(folder)
    store = open_store(project, location=tmp_path / "store")
    projection = project_referrals(store, project=project)
    network = projection.network
    expected_edges: dict[tuple[str, str], float] = {}
    for flow in flows:
        value, low, high = _figure(data, flow["volume"]) if flow["volume"] is not None else (None, None, None)
        volume = value if value is not None else (low + high) / 2 if low is not None else 0.0
        key = (str(flow["sender"]), str(flow["receiver"]))
        expected_edges[key] = expected_edges.get(key, 0.0) + volume
    assert len(projection.flows) == len(flows)
    assert set(network.edges) == set(expected_edges) and network.number_of_edges() == len(flows)
    assert set(network.nodes) == {n for edge in expected_edges for n in edge}
    assert {e: d["weight"] for e, d in network.edges.items()} == pytest.approx(expected_edges)
    groups = {n for n, d in network.nodes(data=True) if d["group"]}
    assert groups == {str(f["sender"]) for f in flows if not str(f["sender"]).startswith(str(INST))}
    assert {network.nodes[g]["kind"] for g in groups} == {"InstitutionGroup", "PatientGroup"}
    # provincial hospitals send patients back to a central hospital that supports them
    support = project_network(store, include_planned=True, project=project).support
    provincial = {str(s) for s, o in data.subject_objects(HKG.level) if o == LEVEL.provincial
                  and (s, RDF.type, HKG.DepartmentOfHealth) not in data}
    assert provincial and all(any(support.has_edge(r, h) for r in network.successors(h)) for h in provincial)
