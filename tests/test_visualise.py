"""The pictures: the tiered layout, the PNG and SVG, and the self-contained page opened in headless Chromium.

The browser tests drive Debian's ``chromium`` through the DevTools protocol over a pipe
(``--remote-debugging-pipe``: messages are JSON separated by NUL bytes on file
descriptors 3 and 4), so no extra Python package is needed. They are skipped, with the
reason, only when no Chromium can be found; ``make browser`` installs it.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from kg.cli import main
from kg.namespaces import GROUP, INST
from kg.network.projection import cooperation_network, project_network
from kg.graph.files import Project, load_dataset
from kg.network.picture import missing_glyphs
from kg.network.style import combined_network, referral_tiers, referral_width, tier_of, tiered_layout
from kg.network.draw import visualise, vocabulary_words
from kg.network.page import page_data, write_page
from kg.network.projection import fold
from kg.network.referral import ReferralProjection, project_referrals

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures" / "network"


@pytest.fixture(scope="module")
def small():
    return load_dataset([FIXTURES / "small.trig"], Project(ROOT))


@pytest.fixture(scope="module")
def drawn(tmp_path_factory, curated):
    """The page and the picture of the curated graph, drawn once."""
    out = tmp_path_factory.mktemp("drawn")
    page, page_seconds = visualise(out / "network.html", curated, lang="vi", project=Project(ROOT))
    png, png_seconds = visualise(out / "network.png", curated, lang="vi", project=Project(ROOT))
    return {"page": page, "png": png, "seconds": (page_seconds, png_seconds)}


# --- layout and fonts ------------------------------------------------------------------------

def test_tiers_put_central_on_top_and_foreign_partners_beside(small):
    projection = project_network(small, project=Project(ROOT))
    graph = cooperation_network(projection.links, projection.institutions, include_planned=True)
    pos = tiered_layout(graph)
    a, b, d, f, h = (str(INST[x]) for x in ("hospital-a", "hospital-b", "hospital-d", "institute-f", "station-h"))
    assert pos[a][1] == 0 and pos[b][1] == -1 and pos[d][1] == -2 and pos[h][1] == -3
    assert pos[f][0] > max(x for n, (x, _) in pos.items() if n != f)  # the foreign column is on the right
    assert tier_of(graph.nodes[f]) is None


def test_long_rows_are_packed_in_two_lines():
    graph = nx.Graph()
    graph.add_nodes_from((i, {"level": "provincial", "label_en": f"H{i:02d}"}) for i in range(10))
    pos = tiered_layout(graph, max_row=8)
    assert sorted({y for _, y in pos.values()}) == [-1.18, -0.82]
    assert max(x for x, _ in pos.values()) == pytest.approx(2.25)


def test_dejavu_sans_draws_every_vietnamese_letter(curated):
    from matplotlib import font_manager

    assert Path(font_manager.findfont("DejaVu Sans", fallback_to_default=False)).name == "DejaVuSans.ttf"
    projection = project_network(curated, project=Project(ROOT))
    labels = "".join(a["label_vi"] for a in projection.institutions.values())
    assert re.search("[ăâđêôơưĐ]", labels) and "Bệnh viện Bạch Mai" in labels
    assert missing_glyphs(labels + "ẠạẶặẬậỆệỘộỢợỰựỲỳỴỵỸỹĐđ") == set()


# --- the static picture -----------------------------------------------------------------------

def _pixels(png: bytes):
    import matplotlib.image as mpimg

    return mpimg.imread(io.BytesIO(png), format="png")


def test_png_has_size_and_content(drawn):
    data = drawn["png"].read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 50_000
    pixels = _pixels(data)
    height, width = pixels.shape[:2]
    assert width >= 1100 and height >= 660
    ink = (pixels[:, :, :3].min(axis=2) < 0.9).mean()
    assert 0.01 < ink < 0.5, f"{ink:.1%} of the picture is drawn: blank or a blot"
    colours = {tuple((p * 255).round().astype(int)) for p in pixels[::4, ::4, :3].reshape(-1, 3)}
    assert (0xD5, 0x5E, 0x00) in colours and (0x00, 0x72, 0xB2) in colours  # central and provincial nodes


def test_svg_parses(tmp_path, small):
    path, _ = visualise(tmp_path / "n.svg", small, lang="en", project=Project(ROOT))
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 50


def test_cli_visualise_png_and_bad_suffix(tmp_path, monkeypatch, capsys):
    (tmp_path / "data" / "sources").mkdir(parents=True)
    (tmp_path / "data" / "sources" / "900.trig").write_bytes((FIXTURES / "small.trig").read_bytes())
    for folder in ("ontology", "queries"):
        (tmp_path / folder).symlink_to(ROOT / folder, target_is_directory=True)
    monkeypatch.setenv("KG_HOME", str(tmp_path))
    assert main(["visualise", "-o", str(tmp_path / "n.png"), "--lang", "en", "--colour-by", "kind"]) == 0
    assert (tmp_path / "n.png").stat().st_size > 20_000
    assert main(["visualise", "-o", str(tmp_path / "n.pdf")]) == 2
    assert "unknown picture type '.pdf'; give a file name ending in .html, .png, .svg" in capsys.readouterr().err


def test_validate_never_loads_the_drawing_libraries():
    code = ("import sys, kg.cli, kg.commands.validate, kg.commands.network, kg.commands.visualise, kg.network.draw; "
            "print(sorted(m for m in ('matplotlib', 'pyvis') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --- the page, as a file -------------------------------------------------------------------------

def _page_data(html: str) -> dict:
    raw = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S).group(1)
    return json.loads(raw.replace("<\\/", "</"))


def test_page_is_self_contained(drawn):
    html = drawn["page"].read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "the page loads something from the web"
    assert "<link" not in html and "@import" not in html
    assert "vis-network" in html and "default-src 'none'" in html
    data = _page_data(html)
    assert len(data["nodes"]) >= 10
    assert {s["date"] for s in data["snapshots"]} >= {None, "2014-01-01", "2023-08-01"}


# --- the page in a real browser --------------------------------------------------------------------

def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


class Chromium:
    """Headless Chromium driven by the DevTools protocol over ``--remote-debugging-pipe``."""

    def __init__(self, executable: str, width: int = 1400, height: int = 900):
        self.profile = tempfile.mkdtemp(prefix="kg-chromium-")
        to_read, self._to = os.pipe()        # Chromium reads commands on its fd 3
        self._from, from_write = os.pipe()   # and writes answers on its fd 4

        def child():
            import fcntl

            a, b = fcntl.fcntl(to_read, fcntl.F_DUPFD, 10), fcntl.fcntl(from_write, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.process = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", f"--user-data-dir={self.profile}", "--remote-debugging-pipe",
             f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=child, close_fds=False)
        os.close(to_read)
        os.close(from_write)
        self.buffer, self.next_id, self.events, self.session = b"", 0, [], None
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def _message(self, deadline: float) -> dict:
        while b"\0" not in self.buffer:
            ready, _, _ = select.select([self._from], [], [], max(0.05, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._from, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, params: dict | None = None, timeout: float = 20) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if self.session:
            message["sessionId"] = self.session
        os.write(self._to, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._message(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_for(self, method: str, timeout: float = 20) -> dict:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            self.events.append(self._message(deadline))
        return next(e for e in self.events if e.get("method") == method)

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str, ready: str, timeout: float = 20):
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired", timeout)
        deadline = time.monotonic() + timeout
        while not self.evaluate(ready):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url}: '{ready}' never became true")
            time.sleep(0.05)

    def screenshot(self) -> bytes:
        return base64.b64decode(self.send("Page.captureScreenshot", {"format": "png"})["data"])

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser(drawn):
    executable = _chromium()
    if not executable:
        pytest.skip("no Chromium found (Debian package 'chromium'); run 'make browser' to install it")
    chrome = Chromium(executable)
    chrome.open(drawn["page"].as_uri(), "document.body.dataset.rendered !== undefined")
    yield chrome
    chrome.close()


def test_page_renders_every_node_without_errors_or_requests(browser, drawn):
    data = _page_data(drawn["page"].read_text(encoding="utf-8"))
    assert int(browser.evaluate("document.body.dataset.rendered")) == len(data["nodes"])
    errors = [e for e in browser.events
              if e.get("method") == "Runtime.exceptionThrown"
              or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
              or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]
    assert errors == []
    requests = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert requests == [drawn["page"].as_uri()], f"the page asked for more than itself: {requests}"


def test_screenshot_is_not_blank(browser, tmp_path):
    shot = browser.screenshot()
    (tmp_path / "page.png").write_bytes(shot)
    pixels = _pixels(shot)
    canvas = pixels[:, 360:, :3]  # right of the side panel
    ink = (canvas.min(axis=2) < 0.85).mean()
    assert ink > 0.005, f"the network area is blank ({ink:.2%} drawn)"
    assert len({tuple((p * 255).round().astype(int)) for p in canvas[::3, ::3].reshape(-1, 3)}) > 20


def test_planner_finds_bach_mai_without_diacritics_and_what_it_supports(browser):
    browser.evaluate("document.getElementById('search').value = 'bach mai'; kg.search().length")
    found = browser.evaluate("[...document.querySelectorAll('#results button')].map(b => b.textContent)")
    # the hospital first; the nodes of the referral layer named after it (its stroke centre, unnamed groups) after it
    assert found[0] == "Bệnh viện Bạch Mai" and "Trung tâm Đột quỵ, Bệnh viện Bạch Mai" in found
    assert all("bach mai" in fold(text) for text in found)
    browser.evaluate("document.querySelector('#results button').click()")
    assert browser.evaluate("kg.network.getSelectedNodes()") == [str(INST["bach-mai-hospital"])]
    supports = browser.evaluate("[...document.querySelectorAll('#details-supports li')].map(l => l.textContent)")
    assert any(text.startswith("Ủy ban nhân dân tỉnh Lào Cai (cũ)") for text in supports)
    supported_by = browser.evaluate("document.getElementById('details-supported-by').textContent")
    assert "Viện an ninh sức khỏe Nhật Bản" in supported_by


def test_snapshot_selector_hides_links_not_in_force(browser, curated):
    data = browser.evaluate("kg.data.snapshots.map(s => s.date)")
    index = data.index("2014-01-01")
    browser.evaluate(f"document.getElementById('snapshot').value = '{index}'; "
                     "document.getElementById('snapshot').dispatchEvent(new Event('change'))")
    shown = set(browser.evaluate("kg.nodes.get({filter: n => !n.hidden}).map(n => n.id)"))
    expected = project_network(curated, "2014-01-01", include_planned=True, project=Project(ROOT)).cooperation
    referral = project_referrals(curated, "2014-01-01", project=Project(ROOT)).network  # the referral layer's nodes
    assert shown == set(expected) | set(referral)
    bach_mai, lai_chau_doh = str(INST["bach-mai-hospital"]), str(INST["lai-chau-department-of-health"])
    assert lai_chau_doh not in shown  # its only link, the memorandum with the former Lao Cai, dates from August 2023
    assert bach_mai in shown and str(INST["lao-cai-peoples-committee-old"]) in shown  # a memorandum of no stated term
    browser.evaluate("document.getElementById('snapshot').value = '0'; "
                     "document.getElementById('snapshot').dispatchEvent(new Event('change'))")




def test_snapshot_slider_follows_the_selector_and_changes_the_links_and_sizes(browser):
    dates = browser.evaluate("kg.data.snapshots.map(s => s.date)")
    # on the curated graph only partnerships carry dates, so nodes are sized by a measure that counts them
    browser.evaluate("{ const m = document.getElementById('size'); m.value = 'betweenness'; m.dispatchEvent(new Event('change')); }")
    index = browser.evaluate("kg.data.snapshots.findIndex((s, i) => i && s.links.length < kg.data.snapshots[0].links.length "
                             "&& JSON.stringify(s.values.betweenness) !== JSON.stringify(kg.data.snapshots[0].values.betweenness))")
    assert index > 0
    assert browser.evaluate("document.getElementById('snapshot-range').max") == str(len(dates) - 1)
    shown_edges = "kg.edges.get({filter: e => !e.hidden}).map(e => e.id).sort()"
    sizes = "JSON.stringify(kg.nodes.get().map(n => n.value))"
    before, sizes_before = browser.evaluate(shown_edges), browser.evaluate(sizes)
    browser.evaluate(f"const r = document.getElementById('snapshot-range'); r.value = '{index}'; "
                     "r.dispatchEvent(new Event('input'))")
    assert browser.evaluate("document.getElementById('snapshot').value") == str(index)
    assert browser.evaluate("document.getElementById('snapshot-value').textContent") == f"tại ngày {dates[index]}"
    after = browser.evaluate(shown_edges)
    assert after and set(after) < set(before), "the slider did not hide the links not yet in force"
    assert browser.evaluate(sizes) != sizes_before, "the node sizes did not follow the date"
    browser.evaluate("document.getElementById('snapshot').value = '0'; "
                     "document.getElementById('snapshot').dispatchEvent(new Event('change'))")
    assert browser.evaluate("document.getElementById('snapshot-range').value") == "0"
    assert browser.evaluate("document.getElementById('snapshot-value').textContent") == "mọi liên kết, không xét thời hạn"
    assert browser.evaluate(shown_edges) == before
    browser.evaluate("{ const m = document.getElementById('size'); m.value = kg.data.sizeBy; m.dispatchEvent(new Event('change')); }")


@pytest.fixture(scope="module")
def laptop(drawn):
    """The page in a 1280 x 800 window, as it first appears."""
    executable = _chromium()
    if not executable:
        pytest.skip("no Chromium found (Debian package 'chromium'); run 'make browser' to install it")
    chrome = Chromium(executable, 1280, 800)
    chrome.open(drawn["page"].as_uri(), "document.body.dataset.rendered !== undefined")
    yield chrome
    chrome.close()


INSIDE = """(() => {
  const frame = document.getElementById('network'), w = frame.clientWidth, h = frame.clientHeight;
  const out = [];
  for (const id of kg.nodes.getIds({filter: n => !n.hidden})) {
    const b = kg.network.getBoundingBox(id), c = kg.network.canvasToDOM(kg.network.getPositions([id])[id]);
    const a = kg.network.canvasToDOM({x: b.left, y: b.top}), z = kg.network.canvasToDOM({x: b.right, y: b.bottom});
    out.push([id, Math.min(a.x, a.y, w - z.x, h - z.y), c.x, c.y]);
  }
  return out;
})()"""


def test_default_view_has_legible_labels_and_every_node_inside_with_padding(laptop, curated):
    font = laptop.evaluate("Math.min(...kg.nodes.get().map(n => (n.font && n.font.size) || 14)) * kg.network.getScale()")
    assert font >= 12, f"labels are {font:.1f} px high on screen"
    assert laptop.evaluate("kg.labelPixels()") == pytest.approx(font)
    margins = laptop.evaluate(INSIDE)
    support = set(project_network(curated, project=Project(ROOT), include_planned=True).cooperation)
    referral = set(project_referrals(curated, project=Project(ROOT)).network)
    assert len(support) == 27 and referral - support  # the referral layer adds nodes of its own
    assert len(margins) == len(support | referral)
    worst = min(margins, key=lambda m: m[1])
    assert worst[1] >= 10, f"{worst[0]} (with its label) is {worst[1]:.0f} px from the edge of the canvas"


def test_view_is_fitted_again_after_a_resize_before_it_is_painted(laptop):
    """vis-network rescales the view itself after it tells of a resize; the page fits it again before the
    next paint (a headless screenshot of a fresh window is taken right after such a resize)."""
    try:
        laptop.evaluate("document.getElementById('network').style.height = '700px'; kg.network.redraw()")
        scale = laptop.evaluate("kg.network.getScale()")
        assert laptop.evaluate("kg.fitView(); kg.network.getScale()") == pytest.approx(scale, rel=1e-6)
        assert min(m[1] for m in laptop.evaluate(INSIDE)) >= 10
    finally:
        laptop.evaluate("document.getElementById('network').style.height = ''; kg.network.redraw()")
    assert min(m[1] for m in laptop.evaluate(INSIDE)) >= 10


def test_labels_keep_a_legible_size_when_the_canvas_is_small(laptop):
    laptop.send("Emulation.setDeviceMetricsOverride", {"width": 800, "height": 600, "deviceScaleFactor": 1, "mobile": False})
    time.sleep(0.3)
    try:
        assert laptop.evaluate("kg.network.getScale()") < 0.75  # 16-unit labels would be under 12 px
        assert laptop.evaluate("kg.labelPixels()") >= 11.9
        assert min(m[1] for m in laptop.evaluate(INSIDE)) >= 10
    finally:
        laptop.send("Emulation.setDeviceMetricsOverride",
                    {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False})
        time.sleep(0.2)


def test_static_page_links_nowhere(browser, drawn):
    assert "entityBase" not in _page_data(drawn["page"].read_text(encoding="utf-8"))
    browser.evaluate(f"kg.select({json.dumps(str(INST['bach-mai-hospital']))})")
    assert browser.evaluate("document.querySelector('#details h2').textContent") == "Bệnh viện Bạch Mai"
    assert browser.evaluate("document.querySelector('#details a') === null")


def test_entity_base_links_the_chosen_institution_to_its_page(tmp_path, curated):
    project = Project(ROOT)
    projection = project_network(curated, None, False, project)
    words = vocabulary_words(curated, "en")
    data = page_data(projection, "en", "out_degree", "level", None, False, words, entity_base="/")
    assert data["entityBase"] == "/" and data["entityNamespace"] == "https://w3id.org/vnhealth/"
    page = write_page(tmp_path / "network-en.html", projection, "en", words=words, entity_base="/")
    executable = _chromium()
    if not executable:
        pytest.skip("no Chromium found (Debian package 'chromium'); run 'make browser' to install it")
    chrome = Chromium(executable, 1280, 800)
    try:
        chrome.open(page.as_uri(), "document.body.dataset.rendered !== undefined")
        bach_mai = str(INST["bach-mai-hospital"])
        assert bach_mai == "https://w3id.org/vnhealth/id/org/bach-mai-hospital"
        chrome.evaluate(f"kg.select({json.dumps(bach_mai)})")
        link = chrome.evaluate("(() => { const a = document.getElementById('details-link'); "
                               "return [a.getAttribute('href'), a.textContent, a.title]; })()")
        assert link == ["/id/org/bach-mai-hospital", "Bach Mai Hospital", "Open the page of this institution"]
        assert chrome.evaluate("kg.entityHref('https://example.org/id/org/x')") is None
        assert chrome.evaluate("kg.entityHref('https://w3id.org/vnhealth/')") is None
        # written without referrals: no referral layer to switch, the support layer's switch still there
        assert chrome.evaluate("[document.getElementById('layer-referral-row').offsetParent === null, "
                               "document.getElementById('layer-support-row').offsetParent !== null]") == [True, True]
    finally:
        chrome.close()


# --- the referral layer -----------------------------------------------------------------------------

STROKE_CENTER = str(INST["bach-mai-stroke-center"])
STROKE_REFERRERS = str(GROUP["hospitals-referring-to-bach-mai-stroke-center"])
REFERRAL_RGB = (0xD5, 0x5E, 0x00)  # EDGE_COLOURS["referral"], vermillion


@pytest.fixture(scope="module")
def referrals(curated):
    """The referral network of the curated graph, every flow, with the levels the graph states."""
    return project_referrals(curated, project=Project(ROOT))


def _ordered(network: nx.DiGraph) -> list:
    return sorted(network.edges(data=True), key=lambda e: (str(e[0]), str(e[1])))


def test_referral_tiers_go_by_level_then_kind_then_what_a_node_is_connected_to():
    support = nx.Graph([("hospital", "station")])
    nx.set_node_attributes(support, {"hospital": {"level": "provincial", "label_en": "Hospital"},
                                     "station": {"level": "commune", "label_en": "Station"}})
    referral = nx.DiGraph([("patients", "receivers"), ("district-group", "hospital"), ("senders", "centre"),
                           ("station", "hospital")])
    nx.set_node_attributes(referral, {
        "patients": {"kind": "PatientGroup", "group": True, "label_en": "Hospital"},  # a group named like an institution
        "receivers": {"kind": "InstitutionGroup", "group": True},
        "district-group": {"kind": "InstitutionGroup", "group": True, "level": "district"},
        "senders": {"kind": "InstitutionGroup", "group": True},
        "centre": {"kind": "Institution", "group": False, "level": "central"},
        "hospital": {"kind": "Institution", "group": False}, "station": {"kind": "Institution", "group": False}})
    assert referral_tiers(referral, support) == {"centre": 0, "district-group": 2, "hospital": 1, "patients": 3,
                                                  "receivers": 2, "senders": 1, "station": 3}
    graph = combined_network(support, referral)
    assert sorted(graph) == ["centre", "district-group", "hospital", "patients", "receivers", "senders", "station"]
    assert graph.nodes["hospital"]["layers"] == ["support", "referral"]
    assert graph.nodes["patients"]["layers"] == ["referral"]
    assert graph.nodes["hospital"]["level"] == "provincial"  # the support network's node, drawn once
    assert [tier_of(graph.nodes[n]) for n in ("patients", "receivers", "centre")] == [3, 2, 0]


def test_referral_widths_follow_the_square_root_of_the_stated_volume():
    width = lambda n: referral_width({"weight": float(n), "volume_stated": True})  # noqa: E731
    assert width(100) < width(1000) < width(12500) == pytest.approx(2 + 12500 ** 0.5 / 16, abs=0.01)
    assert (width(256), width(25600)) == (3.0, 12.0)  # 2 + sqrt(n) / 16: a hundred times the patients, ten times wider
    assert referral_width({"weight": 0.0, "volume_stated": False}) == 1.5 < width(1)
    assert width(10 ** 9) == 14.0  # capped


def test_page_data_holds_the_referral_edges_with_their_widths_and_the_groups_as_nodes_of_their_own(curated, referrals):
    project = Project(ROOT)
    projection = project_network(curated, None, False, project)
    data = page_data(projection, "vi", "out_degree", "level", None, False, vocabulary_words(curated, "vi"),
                     referrals=referrals)
    network = referrals.network
    edges = {(e["from"], e["to"]): e for e in data["edges"] if e["layer"] == "referral"}
    assert set(edges) == set(network.edges()) and {e["layer"] for e in data["edges"]} == {"support", "referral"}
    stroke = edges[(STROKE_REFERRERS, STROKE_CENTER)]
    assert (stroke["weight"], stroke["min"], stroke["max"], stroke["stated"], stroke["dashed"]) == \
        (12500.0, 12000.0, 13000.0, True, False)
    assert stroke["width"] == 8.99
    assert stroke["volume"] == "khoảng 12.000–13.000 bệnh nhân mỗi năm (tỷ lệ được chuyển đến: phần lớn)"
    unstated = [edges[(u, v)] for u, v, a in network.edges(data=True) if not a["volume_stated"]]
    assert unstated and all(e["width"] == 1.5 and e["dashed"] and e["volume"] == "nguồn không nêu con số"
                            for e in unstated)
    nodes = {n["id"]: n for n in data["nodes"]}
    groups = {n: a["kind"] for n, a in network.nodes(data=True) if a["group"]}
    assert set(groups.values()) == {"InstitutionGroup", "PatientGroup"}
    for node, kind in groups.items():
        assert (nodes[node]["group"], nodes[node]["kind"], nodes[node]["layers"]) == (True, kind, ["referral"])
        assert nodes[node]["shape"] == {"InstitutionGroup": "diamond", "PatientGroup": "triangle"}[kind]
    assert (nodes[STROKE_CENTER]["shape"], nodes[STROKE_CENTER]["group"]) == ("dot", False)
    support = set(projection.cooperation) | set(cooperation_network(projection.links, projection.institutions, True))
    assert set(nodes) == support | set(network)  # every group a node of its own, merged into nothing
    # tiers: patients at the bottom, the stated levels kept, and every referral goes up the page (y grows down)
    graph = combined_network(cooperation_network(projection.links, projection.institutions, True), network)
    assert {tier_of(graph.nodes[n]) for n, k in groups.items() if k == "PatientGroup"} == {3}
    assert tier_of(graph.nodes[str(GROUP["central-level-hospitals"])]) == tier_of(graph.nodes[STROKE_CENTER]) == 0
    assert all(tier_of(graph.nodes[v]) < tier_of(graph.nodes[u]) for u, v in network.edges())
    assert all(nodes[v]["y"] < nodes[u]["y"] for u, v in network.edges())
    legend = data["referralLegend"]
    assert legend["note"] == "độ dày nét chuyển tuyến: số người bệnh mỗi năm theo nguồn"
    assert legend["rows"][1:] == [["1.000 người bệnh mỗi năm", 3.98, False], ["10.000 người bệnh mỗi năm", 8.25, False],
                                  ["nét đứt: nguồn không nêu con số", 1.5, True]]
    assert [shape for _, shape in legend["shapes"]] == ["diamond", "triangle"]
    assert (data["words"]["layer_support"], data["words"]["layer_referral"]) == ("Hỗ trợ", "Chuyển tuyến")
    assert data["title"] == "Mạng lưới hỗ trợ và chuyển tuyến giữa các cơ sở y tế Việt Nam"
    # each snapshot keeps the flows in force on its date, by the flows' own rule
    iris = [f["iri"] for f in data["flows"]]
    assert iris == sorted({f.iri for f in referrals.flows})
    for snap in data["snapshots"]:
        expected = project_referrals(None, snap["date"], flows=referrals.flows, nodes=referrals.nodes)
        assert [iris[i] for i in snap["flows"]] == sorted({f.iri for f in expected.flows}), snap["date"]
    assert any(len(s["flows"]) < len(iris) for s in data["snapshots"])  # some flow is not in force on some date


def test_page_without_referrals_has_no_referral_layer(curated):
    projection = project_network(curated, None, False, Project(ROOT))
    data = page_data(projection, "en", "out_degree", "level", None, False, vocabulary_words(curated, "en"))
    assert {e["layer"] for e in data["edges"]} == {"support"} and data["flows"] == []
    assert all(n["layers"] == ["support"] and n["shape"] == "dot" for n in data["nodes"])
    assert data["title"] == "Support network of Vietnamese health institutions"


def _referral_pixels(png: bytes) -> int:
    pixels = (_pixels(png)[:, :, :3] * 255).round().astype(int)
    return int(((pixels[:, :, 0] == REFERRAL_RGB[0]) & (pixels[:, :, 1] == REFERRAL_RGB[1])
                & (pixels[:, :, 2] == REFERRAL_RGB[2])).sum())


SHOWN = "kg.edges.get({filter: e => !e.hidden && e.layer === '%s'}).map(e => e.id).sort()"
HIDDEN_NODES = "kg.nodes.get({filter: n => n.hidden}).map(n => n.id).sort()"


def _page_errors(browser) -> list:
    return [e for e in browser.events
            if e.get("method") == "Runtime.exceptionThrown"
            or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
            or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]


def _shot(browser) -> bytes:
    browser.evaluate("kg.fitView(); kg.network.redraw(); true")
    return browser.screenshot()


def test_page_draws_both_layers_and_switches_the_referral_layer_off_and_on(browser, drawn):
    data = _page_data(drawn["page"].read_text(encoding="utf-8"))
    browser.evaluate("kg.setSnapshot(0); true")
    support = sorted(e["id"] for e in data["edges"] if e["layer"] == "support")
    referral = sorted(e["id"] for e in data["edges"] if e["layer"] == "referral")
    only_referral = sorted(n["id"] for n in data["nodes"] if n["layers"] == ["referral"])
    only_support = sorted(n["id"] for n in data["nodes"] if n["layers"] == ["support"])
    assert referral and only_referral and support
    assert browser.evaluate("[document.getElementById('layers-label').textContent, "
                            "document.getElementById('layer-support-label').textContent, "
                            "document.getElementById('layer-referral-label').textContent]") == \
        ["Lớp hiển thị", "Hỗ trợ", "Chuyển tuyến"]
    assert browser.evaluate("document.getElementById('layer-referral').checked && "
                            "!document.getElementById('layer-referral-row').hidden")
    assert browser.evaluate(SHOWN % "referral") == referral and browser.evaluate(SHOWN % "support") == support
    drawn_edges = browser.evaluate("Object.fromEntries(kg.edges.get({filter: e => e.layer === 'referral'})"
                                   ".map(e => [e.id, [e.width, e.dashes !== false, e.color.color, e.arrows]]))")
    assert drawn_edges == {e["id"]: [e["width"], e["dashed"], "#D55E00", "to"] for e in data["edges"]
                           if e["layer"] == "referral"}
    assert browser.evaluate("Object.fromEntries(kg.nodes.get({filter: n => n.kind === 'InstitutionGroup' "
                            "|| n.kind === 'PatientGroup'}).map(n => [n.kind, n.shape]))") == \
        {"InstitutionGroup": "diamond", "PatientGroup": "triangle"}
    legend = browser.evaluate("document.getElementById('legend').textContent")
    assert "độ dày nét chuyển tuyến: số người bệnh mỗi năm theo nguồn" in legend
    assert "nét đứt: nguồn không nêu con số" in legend and "10.000 người bệnh mỗi năm" in legend
    with_referrals = _referral_pixels(_shot(browser))

    browser.evaluate("document.getElementById('layer-referral').click()")
    assert browser.evaluate("document.getElementById('layer-referral').checked") is False
    assert browser.evaluate(SHOWN % "referral") == [] and browser.evaluate(SHOWN % "support") == support
    assert browser.evaluate(HIDDEN_NODES) == only_referral
    without = _referral_pixels(_shot(browser))
    assert with_referrals > without + 500, f"{with_referrals} vermillion pixels with the referral layer, {without} off"

    browser.evaluate("document.getElementById('layer-referral').click()")
    assert browser.evaluate(SHOWN % "referral") == referral and browser.evaluate(HIDDEN_NODES) == []
    assert _referral_pixels(_shot(browser)) == pytest.approx(with_referrals, rel=0.05)

    browser.evaluate("document.getElementById('layer-support').click()")
    try:
        assert browser.evaluate(SHOWN % "support") == [] and browser.evaluate(SHOWN % "referral") == referral
        assert browser.evaluate(HIDDEN_NODES) == only_support
    finally:
        browser.evaluate("document.getElementById('layer-support').click()")
    assert browser.evaluate(SHOWN % "support") == support
    browser.evaluate(f"kg.select({json.dumps(STROKE_CENTER)})")
    received = browser.evaluate("[...document.querySelectorAll('#details-referred-from li')].map(l => l.textContent)")
    referrers = next(n["label"] for n in data["nodes"] if n["id"] == STROKE_REFERRERS)
    assert received == [f"{referrers} — số lượng: khoảng 12.000–13.000 bệnh nhân mỗi năm "
                        "(tỷ lệ được chuyển đến: phần lớn) · nguồn: 003"]
    assert browser.evaluate("document.querySelector('#details-referred-from').previousSibling.textContent") == \
        "Nhận người bệnh từ (1)"
    browser.evaluate("kg.network.unselectAll(); kg.fitView(); true")
    assert _page_errors(browser) == []
    requests = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert requests == [drawn["page"].as_uri()], f"the page asked for more than itself: {requests}"


def test_snapshot_slider_filters_the_referral_edges_by_the_flows_dates(browser, referrals):
    dates = browser.evaluate("kg.data.snapshots.map(s => s.date)")
    seen = set()
    try:
        for i, day in enumerate(dates):
            browser.evaluate(f"{{ const r = document.getElementById('snapshot-range'); r.value = '{i}'; "
                             "r.dispatchEvent(new Event('input')); }")
            shown = browser.evaluate("kg.edges.get({filter: e => !e.hidden && e.layer === 'referral'})"
                                     ".map(e => [e.from, e.to])")
            expected = project_referrals(None, day, flows=referrals.flows, nodes=referrals.nodes).network
            assert sorted(map(tuple, shown)) == sorted(expected.edges()), day
            seen.add(len(shown))
    finally:
        browser.evaluate("kg.setSnapshot(0); true")
    assert len(seen) > 1, "no date on which the referral layer changes"
    assert _page_errors(browser) == []


def test_svg_draws_referral_edges_by_volume_with_their_legend(tmp_path, curated, referrals):
    path, _ = visualise(tmp_path / "n.svg", curated, lang="en", project=Project(ROOT))
    text = path.read_text(encoding="utf-8")
    svg = "{http://www.w3.org/2000/svg}"
    groups = {g.get("id"): g for g in ET.fromstring(text).iter(f"{svg}g")
              if (g.get("id") or "").startswith("referral-")}
    edges = _ordered(referrals.network)
    assert len(groups) == len(edges) >= 3
    for i, (u, v, attrs) in enumerate(edges):
        style = groups[f"referral-{i}"].find(f"{svg}path").get("style")
        assert "stroke: #d55e00" in style, (u, v, style)
        assert float(re.search(r"stroke-width: ([\d.]+)", style).group(1)) == pytest.approx(referral_width(attrs))
        assert ("stroke-dasharray" in style) == (not attrs["volume_stated"]), (u, v, style)
    widths = [referral_width(a) for _, _, a in edges]
    assert max(widths) == 8.99 and min(widths) == 1.5
    for words in ("referral (arrow: sender to receiver)", "line width of a referral: patients per year, as stated",
                  "1,000 patients a year", "10,000 patients a year", "dashed: no number given",
                  "unnamed group of institutions", "group of patients",
                  "Support and referral network of Vietnamese health institutions (all links, whatever their dates)"):
        assert f"<!-- {words} -->" in text, words
    assert 'id="group-InstitutionGroup"' in text and 'id="group-PatientGroup"' in text


def test_png_draws_the_referral_layer_given_and_nothing_of_it_when_there_is_none(tmp_path, curated, referrals):
    project = Project(ROOT)
    projection = project_network(curated, None, False, project)
    words = vocabulary_words(curated, "vi")
    with_layer, _ = visualise(tmp_path / "with.png", projection=projection, words=words, referrals=referrals)
    without, _ = visualise(tmp_path / "without.png", projection=projection, words=words,
                           referrals=ReferralProjection([], {}))
    assert _referral_pixels(with_layer.read_bytes()) > _referral_pixels(without.read_bytes()) + 1000


def test_visualise_reads_the_referrals_when_not_given(tmp_path, monkeypatch, curated, referrals):
    """As the build calls it (the projection and words, no referrals): the referrals come from the store."""
    import kg.network.draw as draw

    project = Project(ROOT)
    projection = project_network(curated, None, False, project)
    words = vocabulary_words(curated, "en")
    monkeypatch.setattr(draw, "open_store", lambda project=None: curated)
    page, _ = visualise(tmp_path / "network-en.html", lang="en", projection=projection, words=words)
    data = _page_data(page.read_text(encoding="utf-8"))
    assert sorted((e["from"], e["to"]) for e in data["edges"] if e["layer"] == "referral") == \
        sorted(referrals.network.edges())
    assert {n["id"]: n["level"] for n in data["nodes"]}[str(GROUP["central-level-hospitals"])] == "central"

    def no_store(project=None):
        raise AssertionError("the graph was read although everything was given")

    monkeypatch.setattr(draw, "open_store", no_store)
    page, _ = visualise(tmp_path / "given.html", lang="en", projection=projection, words=words, referrals=referrals)
    assert _page_data(page.read_text(encoding="utf-8"))["edges"] == data["edges"]
