"""The map: points read from the graph, institutions placed, the two layers of provinces, colours by the support
measures, the picture (PNG, SVG), the command, the page in headless Chromium and the page the server serves.

Most tests run on ``tests/fixtures/map/provinces.trig``, a slice of the gazetteer with real coordinates (its
header says where each comes from) and test links worked out by hand below; the last ones on the curated graph.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF

from kg.cli import main
from kg.errors import InputError
from kg.graph.files import Project, load_dataset
from kg.namespaces import AREA, GEO, HKG, INST
from kg.network.draw import visualise_map, vocabulary_words
from kg.network.map import LAYERS, layer_on, read_places
from kg.network.map_style import ROLE_COLOURS, Frame, shade, support_colour
from kg.network.map_page import map_data, map_view, support_values
from kg.network.projection import project_network, snapshot
from test_visualise import Chromium, _chromium

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURE = TESTS / "fixtures" / "map" / "provinces.trig"
SVG = "{http://www.w3.org/2000/svg}"


def a(name: str) -> str:
    return str(AREA[name])


def i(name: str) -> str:
    return str(INST[name])


@pytest.fixture(scope="module")
def fixture():
    dataset = load_dataset([FIXTURE], Project(ROOT))
    places = read_places(dataset, Project(ROOT))
    projection = project_network(dataset, project=Project(ROOT))
    return dataset, places, projection


def graph_points(dataset) -> dict[str, tuple[float, float]]:
    """Every point of the graph, read with rdflib alone: ``{entity: (lon, lat)}``."""
    out = {}
    for entity, geometry in dataset.subject_objects(GEO.hasGeometry):
        wkt = str(dataset.value(geometry, GEO.asWKT))
        lon, lat = re.fullmatch(r"POINT\((\S+) (\S+)\)", wkt).groups()
        out[str(entity)] = (float(lon), float(lat))
    return out


# --- places ----------------------------------------------------------------------------------------

BEFORE = {a(n) for n in ("ha-giang-province-old", "hanoi", "lai-chau-province", "lao-cai-province-old",
                         "thanh-hoa-province", "tuyen-quang-province-old", "yen-bai-province-old")}
AFTER = {a(n) for n in ("hanoi", "lai-chau-province", "lao-cai-province", "thanh-hoa-province", "tuyen-quang-province")}

#: Where each institution goes, worked out by hand: (what the point belongs to, province) before and after.
PLACED = {
    "bach-mai-hospital": (("hanoi", "hanoi"), ("hanoi", "hanoi")),
    "bach-mai-stroke-center": (("hanoi", "hanoi"), ("hanoi", "hanoi")),  # no area: where Bach Mai is
    "viet-duc-hospital": (("hanoi", "hanoi"), ("hanoi", "hanoi")),
    "jihs": ((None, None), (None, None)),  # in Japan, which has no point
    "nghe-an-department-of-health": ((None, "nghe-an-province"), (None, "nghe-an-province")),
    "lai-chau-provincial-general-hospital": (("lai-chau-province", "lai-chau-province"),) * 2,
    "thanh-hoa-oncology-hospital": (("thanh-hoa-province", "thanh-hoa-province"),) * 2,
    # in the new Lao Cai: before 1 July 2025 it came from two provinces, so none is its own
    "lao-cai-general-hospital-no2": (("lao-cai-province", None), ("lao-cai-province", "lao-cai-province")),
    "lao-cai-provincial-general-hospital-old": (("lao-cai-province-old", "lao-cai-province-old"),
                                                ("lao-cai-province-old", "lao-cai-province")),
    "sa-pa-general-hospital": (("sa-pa-town", "lao-cai-province-old"), ("sa-pa-town", "lao-cai-province")),
    # Bao Thang district has no point: the province it is part of; after 1 July the new Lao Cai it also lies in
    "test-bao-thang-station": (("lao-cai-province-old", "lao-cai-province-old"), ("lao-cai-province", "lao-cai-province")),
    "test-sa-pa-station": (("own", "lao-cai-province-old"), ("own", "lao-cai-province")),
}


def test_layers_hold_the_provinces_of_their_day(fixture):
    _, places, projection = fixture
    view = map_view(projection, places, "en")
    assert {p["id"] for p in view["provinces"]["before"]} == BEFORE
    assert {p["id"] for p in view["provinces"]["after"]} == AFTER
    assert view["missing"] == {"before": ["Nghe An province"], "after": ["Nghe An province"]}
    assert [p.iri for p in places.provinces("before")] == sorted(BEFORE | {a("nghe-an-province")})
    merged = {p["id"]: p["mergedInto"] for p in view["provinces"]["before"] if p["mergedInto"]}
    assert merged == {a("lao-cai-province-old"): ["Lao Cai province"], a("yen-bai-province-old"): ["Lao Cai province"],
                      a("ha-giang-province-old"): ["Tuyen Quang province"],
                      a("tuyen-quang-province-old"): ["Tuyen Quang province"]}


def test_the_points_drawn_are_the_points_of_the_graph(fixture):
    dataset, places, projection = fixture
    points, frame = graph_points(dataset), Frame()
    view = map_view(projection, places, "vi")
    drawn = 0
    for layer in LAYERS:
        for p in view["provinces"][layer]:
            assert (p["lon"], p["lat"]) == points[p["id"]]
            assert (p["x"], p["y"]) == frame.xy(*points[p["id"]])
            drawn += 1
        for name, spots in PLACED.items():
            spot = view["sites"][i(name)]["layers"][layer]
            at = spots[list(LAYERS).index(layer)][0]
            if at is None:
                assert spot is None
                continue
            owner = i(name) if at == "own" else a(at)
            assert (spot["at"], spot["lon"], spot["lat"]) == (owner, *points[owner])
            assert (spot["ax"], spot["ay"]) == frame.xy(*points[owner])
            drawn += 1
    assert drawn == 7 + 5 + 2 * 10
    assert sorted(view["unplaced"]["after"]) == [["Sở Y tế tỉnh Nghệ An", "none"], ["Viện an ninh sức khỏe Nhật Bản", "none"]]


def test_institutions_at_one_point_are_spread_around_it_and_alone_on_it(fixture):
    _, places, projection = fixture
    sites = map_view(projection, places, "en")["sites"]
    hanoi = [sites[i(n)]["layers"]["after"] for n in ("bach-mai-hospital", "bach-mai-stroke-center", "viet-duc-hospital")]
    assert len({(s["x"], s["y"]) for s in hanoi}) == 3 and {(s["ax"], s["ay"]) for s in hanoi} == {Frame().xy(105.698, 21.0001)}
    alone = sites[i("thanh-hoa-oncology-hospital")]["layers"]["after"]
    assert (alone["x"], alone["y"]) == (alone["ax"], alone["ay"])


def test_each_institution_is_in_the_province_of_each_layer(fixture):
    _, places, _ = fixture
    for name, spots in PLACED.items():
        for layer, (_, province) in zip(LAYERS, spots):
            assert places.province_of(i(name), layer) == (a(province) if province else None), (name, layer)


def test_a_point_that_is_not_lon_lat_is_an_error_naming_the_area(tmp_path):
    dataset = Dataset(default_union=True)
    graph = dataset.graph(URIRef("urn:g"))
    area, point = AREA["bad-point"], URIRef(str(AREA["bad-point"]) + "/point")
    graph.add((area, RDF.type, HKG.Province))
    graph.add((area, GEO.hasGeometry, point))
    graph.add((point, GEO.asWKT, Literal("POINT(21.0001 105.698)", datatype=GEO.wktLiteral)))
    with pytest.raises(InputError, match=r'^area:bad-point: geo:asWKT "POINT\(21.0001 105.698\)" has latitude 105.698'):
        read_places(dataset, Project(ROOT))


# --- snapshots and colours ---------------------------------------------------------------------------

def test_snapshots_are_the_network_pages_and_open_on_the_layer_of_their_day(fixture):
    _, places, projection = fixture
    data = map_data(projection, places, "en", as_of=date(2021, 1, 1))
    assert [s["date"] for s in data["snapshots"]] == [None, "2014-01-01", "2021-01-01", "2023-01-01", "2023-05-01",
                                                      "2023-08-01", "2024-01-01", "2025-10-27"]
    assert [s["layer"] for s in data["snapshots"]] == ["after"] + ["before"] * 6 + ["after"]
    assert data["initial"] == 2 and layer_on(date(2025, 6, 30)) == "before"


def test_measures_and_province_sums_follow_the_links_of_the_day(fixture):
    _, places, projection = fixture
    data = map_data(projection, places, "en")
    every, day = data["snapshots"][0], data["snapshots"][2]  # every link; 2021-01-01
    assert every["given"] == {i("bach-mai-hospital"): 2, i("jihs"): 1, i("lao-cai-general-hospital-no2"): 1,
                              i("viet-duc-hospital"): 1}
    assert day["given"] == {i("bach-mai-hospital"): 1, i("jihs"): 1}
    assert day["received"] == {i("bach-mai-hospital"): 1, i("lao-cai-provincial-general-hospital-old"): 1}
    # [links given, links received, institutions] of the institutions in each province
    assert every["provinces"]["before"][a("hanoi")] == [3, 1, 3]
    assert every["provinces"]["before"][a("lao-cai-province-old")] == [0, 2, 4]
    assert every["provinces"]["after"][a("lao-cai-province")] == [1, 2, 5]
    assert day["provinces"]["before"][a("lao-cai-province-old")] == [0, 1, 4]
    assert every["provinces"]["after"][a("tuyen-quang-province")] == [0, 0, 0]


def expected_colours(projection, day, by: str) -> dict[str, str]:
    """The colour of every institution on ``day`` by ``by``, from the support measures computed here."""
    given, received = support_values(snapshot(projection, day))
    top = max((given if by == "given" else received).values(), default=0) or 1
    return {n: support_colour(given.get(n, 0), received.get(n, 0), by, top) for n in set(given) | set(received)}


def test_colours_follow_the_measures(fixture):
    _, _, projection = fixture
    role = expected_colours(projection, None, "role")
    assert role[i("bach-mai-hospital")] == ROLE_COLOURS["both"] == "#CC79A7"
    assert role[i("viet-duc-hospital")] == ROLE_COLOURS["given"]
    assert role[i("sa-pa-general-hospital")] == ROLE_COLOURS["received"]
    assert support_colour(0, 0) == ROLE_COLOURS["none"]
    given = expected_colours(projection, None, "given")  # at most 2 links given, by Bach Mai
    assert given[i("bach-mai-hospital")] == ROLE_COLOURS["given"]
    assert given[i("viet-duc-hospital")] == shade(ROLE_COLOURS["given"], 0.625) == "#E59A60"
    assert given[i("sa-pa-general-hospital")] == ROLE_COLOURS["none"]
    with pytest.raises(InputError, match="choose role, given, received"):
        support_colour(1, 1, "level")


# --- the picture -----------------------------------------------------------------------------------

def test_svg_has_a_disc_for_each_province_and_institution_and_their_labels(tmp_path, fixture):
    dataset, places, projection = fixture
    words = vocabulary_words(dataset, "en")
    for layer, provinces in (("after", 5), ("before", 7)):
        path, _ = visualise_map(tmp_path / f"{layer}.svg", lang="en", layer=layer, projection=projection,
                                places=places, words=words)
        root = ET.parse(path).getroot()
        groups = {g.get("id"): g for g in root.iter(SVG + "g") if g.get("id")}
        assert len(groups["provinces"].findall(SVG + "path")) == provinces
        assert len(groups["institutions"].findall(SVG + "path")) == 10
        assert len([g for g in groups if g.startswith("province-label-")]) == provinces
        # the institutions with support: Bach Mai, Viet Duc, No. 2, Lao Cai PGH (old), Sa Pa, Lai Chau, Thanh Hoa
        assert len([g for g in groups if g.startswith("institution-label-")]) == 7
        fills = {m.lower() for m in re.findall(r"fill: (#[0-9a-fA-F]{6})", ET.tostring(groups["institutions"], "unicode"))}
        assert fills == {c.lower() for c in (ROLE_COLOURS["both"], ROLE_COLOURS["given"], ROLE_COLOURS["received"],
                                             ROLE_COLOURS["none"])}


def test_png_is_written_with_the_colours_of_the_roles(tmp_path, fixture):
    import matplotlib.image as mpimg

    dataset, places, projection = fixture
    path, _ = visualise_map(tmp_path / "map.png", lang="vi", as_of=date(2021, 1, 1), projection=projection,
                            places=places, words=vocabulary_words(dataset, "vi"))
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    pixels = mpimg.imread(io.BytesIO(data), format="png")
    colours = {tuple((p * 255).round().astype(int)) for p in pixels[:, :, :3].reshape(-1, 3)}
    assert (0xCC, 0x79, 0xA7) in colours and (0x00, 0x72, 0xB2) in colours  # Bach Mai both; Lao Cai PGH receives


def _home(tmp_path, monkeypatch, *files: Path) -> Path:
    (tmp_path / "data" / "sources").mkdir(parents=True)
    for n, f in enumerate(files):
        shutil.copy(f, tmp_path / "data" / "sources" / f"90{n}.trig")
    for folder in ("ontology", "queries"):
        (tmp_path / folder).symlink_to(ROOT / folder, target_is_directory=True)
    monkeypatch.setenv("KG_HOME", str(tmp_path))
    monkeypatch.delenv("KG_STORE", raising=False)
    return tmp_path


def test_cli_draws_the_map_and_refuses_what_the_map_has_not(tmp_path, monkeypatch, capsys):
    home = _home(tmp_path, monkeypatch, FIXTURE)
    assert main(["visualise", "--picture", "map", "-o", str(home / "m.svg"), "--layer", "before"]) == 0
    root = ET.parse(home / "m.svg").getroot()
    assert len(next(g for g in root.iter(SVG + "g") if g.get("id") == "provinces").findall(SVG + "path")) == 7
    assert main(["visualise", "--picture", "map", "-o", str(home / "m.html"), "--lang", "en"]) == 0
    assert '<html lang="en">' in (home / "m.html").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["visualise", "--picture", "map", "-o", str(home / "m.png"), "--colour-by", "kind"]) == 2
    assert "--colour-by kind: the map is coloured by role or given or received" in capsys.readouterr().err
    assert main(["visualise", "-o", str(home / "n.png"), "--layer", "after"]) == 2
    assert "--layer after: only the map has layers of provinces; add --picture map" in capsys.readouterr().err
    bad = tmp_path / "bad.trig"
    bad.write_text(FIXTURE.read_text(encoding="utf-8").replace("POINT(105.698 21.0001)", "POINT(21.0001 105.698)"),
                   encoding="utf-8")
    (home / "data" / "sources" / "900.trig").write_bytes(bad.read_bytes())
    assert main(["visualise", "--picture", "map", "-o", str(home / "bad.png")]) == 2
    assert 'area:hanoi: geo:asWKT "POINT(21.0001 105.698)" has latitude 105.698' in capsys.readouterr().err
    assert not (home / "bad.png").exists()


# --- the page in a real browser ----------------------------------------------------------------------

def _data(html: str) -> dict:
    raw = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S).group(1)
    return json.loads(raw.replace("<\\/", "</"))


@pytest.fixture(scope="module")
def page(fixture, tmp_path_factory):
    dataset, places, projection = fixture
    path, _ = visualise_map(tmp_path_factory.mktemp("map") / "map.html", lang="vi", as_of=date(2021, 1, 1),
                            projection=projection, places=places, words=vocabulary_words(dataset, "vi"))
    return path


@pytest.fixture(scope="module")
def browser(page):
    executable = _chromium()
    if not executable:
        pytest.skip("no Chromium found (Debian package 'chromium'); run 'make browser' to install it")
    chrome = Chromium(executable)
    chrome.open(page.as_uri(), "document.body.dataset.rendered !== undefined")
    yield chrome
    chrome.close()


def _faults(events) -> list:
    return [e for e in events if e.get("method") == "Runtime.exceptionThrown"
            or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
            or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]


def test_page_is_self_contained(page):
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html) and "<link" not in html
    assert "default-src 'none'" in html


def test_page_draws_every_node_with_no_request_and_no_error(browser, page):
    # opened on 2021-01-01: the provinces before 1 July 2025 and the ten institutions placed on them
    assert int(browser.evaluate("document.body.dataset.rendered")) == 7 + 10
    drawn = browser.evaluate("kg.drawn()")
    assert set(drawn["provinces"]) == BEFORE and len(drawn["sites"]) == 10
    points = browser.evaluate("[...document.querySelectorAll('#layer-before [data-lon]')].map(n => "
                              "[n.dataset.id, Number(n.dataset.lon), Number(n.dataset.lat)])")
    graph = graph_points(load_dataset([FIXTURE], Project(ROOT)))
    data = _data(page.read_text(encoding="utf-8"))
    owners = {s["id"]: s["layers"]["before"]["at"] for s in data["sites"] if s["layers"]["before"]}
    assert len(points) == 17 and all((lon, lat) == graph[owners.get(iri, iri)] for iri, lon, lat in points)
    assert _faults(browser.events) == []
    requests = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert requests == [page.as_uri()]


def test_page_colours_follow_the_measures(browser, fixture):
    _, _, projection = fixture
    for by, index, day in (("role", 2, date(2021, 1, 1)), ("given", 0, None), ("received", 0, None)):
        browser.evaluate(f"document.getElementById('colour').value = '{by}'; "
                         f"document.getElementById('colour').dispatchEvent(new Event('change')); kg.setSnapshot({index})")
        fills = browser.evaluate("Object.fromEntries([...document.querySelectorAll('.layer:not([style*=none]) .site')]"
                                 ".map(n => [n.dataset.id, n.querySelector('circle').getAttribute('fill')]))")
        expected = expected_colours(projection, day, by)
        assert fills and fills == {n: expected.get(n, ROLE_COLOURS["none"]) for n in fills}, by
    browser.evaluate("document.getElementById('colour').value = 'role'; "
                     "document.getElementById('colour').dispatchEvent(new Event('change'))")


def test_layer_follows_the_date_until_the_reader_switches_it(browser):
    browser.evaluate("kg.setSnapshot(0)")  # every link: the present provinces
    assert browser.evaluate("kg.layer()") == "after" and set(browser.evaluate("kg.drawn().provinces")) == AFTER
    assert browser.evaluate("document.getElementById('layer-before').style.display") == "none"
    browser.evaluate("document.getElementById('show-before').click()")
    assert browser.evaluate("kg.layer()") == "before" and set(browser.evaluate("kg.drawn().provinces")) == BEFORE
    assert browser.evaluate("document.getElementById('layer-after').style.display") == "none"
    browser.evaluate("kg.setSnapshot(7)")  # 2025-10-27: the reader's choice stays
    assert browser.evaluate("kg.layer()") == "before"
    browser.evaluate("document.getElementById('show-after').click()")
    assert set(browser.evaluate("kg.drawn().provinces")) == AFTER
    links = browser.evaluate("kg.drawn().links")  # in force on 2025-10-27 and placed at both ends
    assert len(links) == 3
    assert _faults(browser.events) == []


# --- the curated graph, with the gazetteer and without ----------------------------------------------------

@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """A store of the curated graph with the national gazetteer (``data/gazetteer/``), which the other tests leave out."""
    from kg.graph.store import open_store

    project = Project(ROOT, gazetteer=True)
    if not project.gazetteer_files:
        pytest.skip("no gazetteer in data/gazetteer/; run 'kg import gazetteer'")
    return project, open_store(project, location=tmp_path_factory.mktemp("national") / "store")


def test_the_country_map_shows_63_provinces_before_and_34_after_at_their_points(national, tmp_path):
    from kg.queries.engine import select

    project, store = national
    path, _ = visualise_map(tmp_path / "map.html", store, lang="en", project=project)
    data = _data(path.read_text(encoding="utf-8"))
    rows = select(store, f"SELECT ?e ?wkt WHERE {{ ?e <{GEO.hasGeometry}>/<{GEO.asWKT}> ?wkt }}").rows
    points = {str(e): tuple(float(x) for x in re.fullmatch(r"POINT\((\S+) (\S+)\)", str(w)).groups()) for e, w in rows}
    assert {layer: len(data["provinces"][layer]) for layer in LAYERS} == {"before": 63, "after": 34}
    assert data["missing"] == {"before": [], "after": []}
    for layer in LAYERS:
        assert all((p["lon"], p["lat"]) == points[p["id"]] for p in data["provinces"][layer])
    assert {a(n) for n in ("lao-cai-province-old", "yen-bai-province-old")} <= {p["id"] for p in data["provinces"]["before"]}
    assert a("lao-cai-province") in {p["id"] for p in data["provinces"]["after"]}
    executable = _chromium()
    if executable:  # the page of the whole country draws without an error or a request
        chrome = Chromium(executable)
        try:
            chrome.open(path.as_uri(), "document.body.dataset.rendered !== undefined")
            placed = [s for s in data["sites"] if s["layers"]["after"]]
            assert int(chrome.evaluate("document.body.dataset.rendered")) == 34 + len(placed)
            chrome.evaluate("document.getElementById('show-before').click()")
            assert len(chrome.evaluate("kg.drawn().provinces")) == 63
            assert _faults(chrome.events) == []
            assert [e["params"]["request"]["url"] for e in chrome.events
                    if e.get("method") == "Network.requestWillBeSent"] == [path.as_uri()]
        finally:
            chrome.close()


def test_the_server_serves_the_map_in_both_languages(store, project):
    from starlette.testclient import TestClient

    from kg.web.app import create_app

    places = read_places(store, project)
    with TestClient(create_app(store, project)) as client:
        for lang in ("vi", "en"):
            response = client.get(f"/map/view?lang={lang}")
            assert response.status_code == 200 and f'<html lang="{lang}">' in response.text
            served = _data(response.text)
            assert served["entityBase"] == "/" and "default-src 'none'" in response.text
            assert {s["id"] for s in served["sites"]} >= set(places.sites)
        assert "/map/view" in client.get("/network").text
