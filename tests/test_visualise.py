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
from kg.namespaces import INST
from kg.network.projection import cooperation_network, project_network
from kg.graph.files import Project, load_dataset
from kg.network.picture import missing_glyphs
from kg.network.style import tier_of, tiered_layout
from kg.network.draw import visualise, vocabulary_words
from kg.network.page import page_data, write_page

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
    assert {s["date"] for s in data["snapshots"]} >= {None, "2021-01-01", "2023-01-01"}


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
    assert browser.evaluate("[...document.querySelectorAll('#results button')].map(b => b.textContent)") == \
        ["Bệnh viện Bạch Mai"]
    browser.evaluate("document.querySelector('#results button').click()")
    assert browser.evaluate("kg.network.getSelectedNodes()") == [str(INST["bach-mai-hospital"])]
    supports = browser.evaluate("[...document.querySelectorAll('#details-supports li')].map(l => l.textContent)")
    assert any(text.startswith("Ủy ban nhân dân tỉnh Lào Cai (cũ)") for text in supports)
    supported_by = browser.evaluate("document.getElementById('details-supported-by').textContent")
    assert "Viện an ninh sức khỏe Nhật Bản" in supported_by


def test_snapshot_selector_hides_links_not_in_force(browser, curated):
    data = browser.evaluate("kg.data.snapshots.map(s => s.date)")
    index = data.index("2023-01-01")
    browser.evaluate(f"document.getElementById('snapshot').value = '{index}'; "
                     "document.getElementById('snapshot').dispatchEvent(new Event('change'))")
    shown = set(browser.evaluate("kg.nodes.get({filter: n => !n.hidden}).map(n => n.id)"))
    expected = project_network(curated, "2023-01-01", include_planned=True, project=Project(ROOT)).cooperation
    assert shown == set(expected)
    bach_mai, lao_cai_old = str(INST["bach-mai-hospital"]), str(INST["lao-cai-peoples-committee-old"])
    assert lao_cai_old not in shown  # the 2021-2022 memorandum has ended
    assert bach_mai in shown
    browser.evaluate("document.getElementById('snapshot').value = '0'; "
                     "document.getElementById('snapshot').dispatchEvent(new Event('change'))")




def test_snapshot_slider_follows_the_selector_and_changes_the_links_and_sizes(browser):
    dates = browser.evaluate("kg.data.snapshots.map(s => s.date)")
    index = browser.evaluate("kg.data.snapshots.findIndex((s, i) => i && s.links.length < kg.data.snapshots[0].links.length "
                             "&& JSON.stringify(s.values[kg.data.sizeBy]) !== JSON.stringify(kg.data.snapshots[0].values[kg.data.sizeBy]))")
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


def test_default_view_has_legible_labels_and_every_node_inside_with_padding(laptop):
    font = laptop.evaluate("Math.min(...kg.nodes.get().map(n => (n.font && n.font.size) || 14)) * kg.network.getScale()")
    assert font >= 12, f"labels are {font:.1f} px high on screen"
    assert laptop.evaluate("kg.labelPixels()") == pytest.approx(font)
    margins = laptop.evaluate(INSIDE)
    assert len(margins) == 25
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
    finally:
        chrome.close()
