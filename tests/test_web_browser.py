"""The site of ``kg serve`` in a real browser: a person's journeys through it, in headless Chromium.

Each journey types, clicks and presses keys as a person would (the page's own scripts fetch the
suggestions, follow the links and move the slider), then checks what the page shows against the
golden rows of the stored queries (tests/golden/). Every journey also checks that no request left
the server's own address, that the browser logged no error, and keeps a screenshot that is not blank.

Chromium is driven with ``test_visualise.Chromium`` (the DevTools protocol over a pipe); the module
is skipped, with the reason, only when no Chromium can be found.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from rdflib import URIRef

from kg.queries.results import prefixed
from test_visualise import Chromium, _chromium

GOLDEN = Path(__file__).resolve().parent / "golden"

#: URL schemes a page may load from without leaving the site.
LOCAL_SCHEMES = ("data:", "about:", "blob:")

#: The one error a browser logs on this site that no page causes: it asks for /favicon.ico by itself and
#: the site answers 404 (see test_the_site_has_an_icon below). Any other error fails a journey.
FAVICON = "/favicon.ico"

#: The keys a journey presses, with the Windows virtual key code Input.dispatchKeyEvent wants for each.
KEYS = {"ArrowDown": 40, "ArrowUp": 38, "ArrowLeft": 37, "ArrowRight": 39, "Home": 36, "End": 35, "Enter": 13}


class Browser(Chromium):
    """Chromium with what a journey needs: page loads started by the page itself, clicks and keys,
    promises, and the log of everything seen since the journey began."""

    def __init__(self, executable: str):
        super().__init__(executable, width=1280, height=800)
        self.seen: list[dict] = []

    # --- the log --------------------------------------------------------------------------
    def begin(self) -> None:
        """Forget what earlier journeys saw."""
        self.drain()
        self.seen, self.events = [], []

    def drain(self) -> None:
        """Read the events Chromium has sent so far without waiting for more."""
        while True:
            try:
                self.events.append(self._message(time.monotonic()))
            except TimeoutError:
                return

    def log(self) -> list[dict]:
        self.drain()
        return self.seen + self.events

    def _fresh(self) -> None:
        """Keep the events seen so far in the log, so that wait_for only sees what comes next."""
        self.seen += self.events
        self.events = []

    # --- loading pages --------------------------------------------------------------------
    def open(self, url: str, ready: str = "document.readyState === 'complete'", timeout: float = 20):
        self._fresh()
        super().open(url, ready, timeout)

    def leads_to(self, action, ready: str = "document.readyState === 'complete'", timeout: float = 20) -> str:
        """Do ``action`` (it makes the page load another one), wait for that page; its URL."""
        self._fresh()
        action()
        self.wait_for("Page.loadEventFired", timeout)
        deadline = time.monotonic() + timeout
        while not self.evaluate(ready):
            if time.monotonic() > deadline:
                raise TimeoutError(f"'{ready}' never became true")
            time.sleep(0.05)
        return self.evaluate("location.href")

    def until(self, expression: str, timeout: float = 10):
        """Wait until ``expression`` is truthy; its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"'{expression}' never became true")
            time.sleep(0.05)

    def evaluate_async(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    # --- a person's hands -----------------------------------------------------------------
    def click(self, selector: str) -> None:
        """A mouse click in the middle of the element ``selector`` (scrolled into view first)."""
        box = self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); "
                            "e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect(); "
                            "return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        x, y = box
        self.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})

    def focus(self, selector: str) -> None:
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")

    def type(self, text: str) -> None:
        self.send("Input.insertText", {"text": text})

    def press(self, key: str) -> None:
        code = KEYS[key]
        down = {"type": "keyDown", "key": key, "code": key, "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code}
        if key == "Enter":
            down["text"] = "\r"
        else:
            down["type"] = "rawKeyDown"
        self.send("Input.dispatchKeyEvent", down)
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": key, "code": key,
                                              "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code})


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    if not executable:
        pytest.skip("no Chromium found (Debian package 'chromium'); run 'make browser' to install it")
    chrome = Browser(executable)
    yield chrome
    chrome.close()


@pytest.fixture
def journey(browser, server):
    """The browser with a clean log, for one journey on the session's server."""
    browser.begin()
    return browser


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    return tmp_path_factory.mktemp("screenshots")


# --- what every journey checks -----------------------------------------------------------------

def stayed_home(browser: Browser, server) -> None:
    """No request left the server's address, and nothing went wrong in the page."""
    events = browser.log()
    urls = [e["params"]["request"]["url"] for e in events if e.get("method") == "Network.requestWillBeSent"]
    assert urls, "the journey made no request at all"
    away = [u for u in urls if not (u == server.url or u.startswith(server.url + "/") or u.startswith(LOCAL_SCHEMES))]
    assert away == [], f"requests left {server.url}: {away}"
    errors = [e["params"] for e in events
              if e.get("method") == "Runtime.exceptionThrown"
              or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
              or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]
    assert errors == [], f"the browser reported errors: {json.dumps(errors, ensure_ascii=False)[:2000]}"
    asked = {e["params"]["requestId"]: e["params"]["request"]["url"] for e in events
             if e.get("method") == "Network.requestWillBeSent"}
    failed = [dict(e["params"], url=asked.get(e["params"]["requestId"])) for e in events
              if e.get("method") == "Network.loadingFailed" and not e["params"].get("canceled")]
    assert failed == [], f"requests failed: {failed}"


def keep_screenshot(browser: Browser, folder: Path, name: str) -> Path:
    """Save a screenshot of the page as ``name``.png in ``folder``, and check that it shows something."""
    import matplotlib.image as mpimg

    shot = browser.screenshot()
    path = folder / f"{name}.png"
    path.write_bytes(shot)
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = mpimg.imread(io.BytesIO(shot), format="png")[:, :, :3]
    height, width = pixels.shape[:2]
    assert (width, height) == (1280, 800)
    colours = {tuple(p) for p in (pixels[::4, ::4] * 255).round().astype(int).reshape(-1, 3)}
    assert len(colours) > 10, f"{path.name} is blank: {len(colours)} colour(s)"
    ink = (pixels.min(axis=2) < 0.75).mean()
    assert ink > 0.005, f"{path.name} is nearly blank: {ink:.2%} of it drawn"
    return path


# --- golden rows -----------------------------------------------------------------------------

def golden(name: str) -> list[dict]:
    with open(GOLDEN / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def csv_as_golden(text: str) -> list[dict]:
    """Rows of a SPARQL CSV answer (full IRIs) as the golden files write them (prefixed names)."""
    return [{k: prefixed(URIRef(v)) if v.startswith(("http://", "https://", "urn:")) else v for k, v in row.items()}
            for row in csv.DictReader(io.StringIO(text))]


TABLE = """[...document.querySelectorAll('table.results tbody tr')].map(tr =>
  [...tr.cells].map(td => { const a = td.querySelector('a'); return a ? a.title : td.textContent; }))"""


def table_rows(browser: Browser) -> list[dict]:
    """The results table of a query page as golden rows: a name shown by its label counts by its
    prefixed name (the link's title), other cells by their text."""
    columns = browser.evaluate("[...document.querySelectorAll('table.results thead th')].map(th => th.textContent)")
    return [dict(zip(columns, row)) for row in browser.evaluate(TABLE)]


def api_rows(server, path: str) -> list[dict]:
    with urllib.request.urlopen(server.url + path, timeout=20) as answer:
        return csv_as_golden(answer.read().decode("utf-8"))


# --- the journeys ----------------------------------------------------------------------------------

def test_search_bach_mai_and_who_it_supports(journey, server, screenshots):
    journey.open(server.url + "/")
    journey.focus("#search")
    journey.type("bach mai")
    suggestions = journey.until("(() => { const ul = document.querySelector('ul.suggestions'); "
                                "return ul && !ul.hidden && ul.children.length ? "
                                "[...ul.children].map(li => li.firstChild.textContent) : null; })()")
    assert suggestions[0] == "Bệnh viện Bạch Mai"
    requested = [e["params"]["request"]["url"] for e in journey.log() if e.get("method") == "Network.requestWillBeSent"]
    assert any(urlsplit(u).path == "/api/suggest" and parse_qs(urlsplit(u).query)["q"] == ["bach mai"] for u in requested)
    keep_screenshot(journey, screenshots, "1-suggestions")

    journey.press("ArrowDown")
    assert journey.evaluate("document.querySelector('ul.suggestions li.active').firstChild.textContent") == \
        "Bệnh viện Bạch Mai"
    landed = journey.leads_to(lambda: journey.press("Enter"))
    assert urlsplit(landed).path == "/id/org/bach-mai-hospital"
    assert journey.evaluate("document.querySelector('h1').textContent") == "Bệnh viện Bạch Mai"

    landed = journey.leads_to(lambda: journey.click("#who-supports"))
    assert urlsplit(landed).path == "/q/institution-support"
    assert parse_qs(urlsplit(landed).query)["institution"] == ["inst:bach-mai-hospital"]
    expected = golden("institution-support")  # the golden rows are those of the default institution, Bach Mai
    shown = table_rows(journey)
    assert shown == expected
    assert journey.evaluate("document.querySelector('p.count').textContent") == f"{len(expected)} dòng"
    keep_screenshot(journey, screenshots, "1-institution-support")

    link = journey.evaluate("document.getElementById('download-csv').href")
    assert link.startswith(server.url + "/api/institution-support?")
    assert parse_qs(urlsplit(link).query) == {"institution": ["inst:bach-mai-hospital"], "format": ["csv"]}
    fetched = journey.evaluate_async(f"fetch({json.dumps(link)}).then(r => r.text().then(t => "
                                     "[r.status, r.headers.get('content-type'), t]))")
    status, media, text = fetched
    assert status == 200 and media.startswith("text/csv")
    rows = csv_as_golden(text)
    assert len(rows) == len(expected) == 50
    assert rows == expected
    assert {"role": "hkg:supported", "partner": "inst:jihs", "link": "agr:jihs-bach-mai-high-tech-support",
            "agreement": "agr:japan-bach-mai-cooperation", "status": "", "since": "", "until": "", "about": "",
            "topic": ""} in rows
    assert {r["partner"] for r in rows if r["role"] == "hkg:supporter"} >= {"inst:lao-cai-peoples-committee-old"}
    stayed_home(journey, server)


def test_agreements_in_force_on_a_date(journey, server, screenshots):
    journey.open(server.url + "/q/agreements-in-force")
    assert journey.evaluate("document.querySelector('table.results')") is None  # nothing runs before the form is sent
    assert journey.evaluate("document.getElementById('p-date').type") == "date"

    def ask(day: str) -> str:
        journey.evaluate(f"(() => {{ const d = document.getElementById('p-date'); d.focus(); d.value = '{day}'; "
                         "d.dispatchEvent(new Event('input', {bubbles: true})); "
                         "d.dispatchEvent(new Event('change', {bubbles: true})); })()")
        return journey.leads_to(lambda: journey.click("#run"))

    # an earlier day first: the form sends the date it was given, and the table is the API's answer for it
    landed = ask("2020-06-30")
    assert parse_qs(urlsplit(landed).query)["date"] == ["2020-06-30"]
    assert journey.evaluate("document.getElementById('p-date').value") == "2020-06-30"
    earlier = table_rows(journey)
    assert earlier == api_rows(server, "/api/agreements-in-force?" + urlencode({"date": "2020-06-30", "format": "csv"}))

    # the day of the golden rows (the query's default date)
    landed = ask("2025-12-31")
    assert parse_qs(urlsplit(landed).query)["date"] == ["2025-12-31"]
    expected = golden("agreements-in-force")
    shown = table_rows(journey)
    assert len(shown) == len(expected) == 70
    assert [r["agreement"] for r in shown] == [r["agreement"] for r in expected]
    assert shown == expected
    assert "agr:lao-cai-no2-lai-chau-cooperation-2025-2030" in {r["agreement"] for r in shown}
    assert "agr:lao-cai-no2-lai-chau-cooperation-2025-2030" not in {r["agreement"] for r in earlier}
    assert earlier != expected
    labels = journey.evaluate("[...document.querySelectorAll('table.results tbody tr td:first-child a')]"
                              ".map(a => a.textContent)")
    assert len(labels) == len(expected) and all(label and not label.startswith("agr:") for label in labels)
    keep_screenshot(journey, screenshots, "2-agreements-in-force")
    stayed_home(journey, server)


NETWORK_STATE = """(() => ({
  status: document.getElementById('status').textContent,
  links: kg.edges.get({filter: e => !e.hidden}).length,
  nodes: kg.nodes.get({filter: n => !n.hidden}).length,
  select: document.getElementById('snapshot').value,
  range: document.getElementById('snapshot-range') ? document.getElementById('snapshot-range').value : null,
}))()"""


def test_network_snapshot_moves_back_in_time(journey, server, screenshots):
    # the network page of the site holds the interactive page in a frame, from the same server
    journey.open(server.url + "/network")
    frame = journey.until("(() => { const f = document.querySelector('iframe.network'); const d = f && f.contentDocument; "
                          "return d && d.body && d.body.dataset.rendered !== undefined ? f.src : null; })()")
    assert frame == server.url + "/network/view"
    assert int(journey.evaluate("document.querySelector('iframe.network').contentDocument.body.dataset.rendered")) > 0

    journey.open(server.url + "/network/view", "document.body.dataset.rendered !== undefined")
    data = journey.evaluate("({snapshots: kg.data.snapshots.map(s => ({date: s.date, label: s.label, links: s.links, "
                            "flows: s.flows})), edges: kg.data.edges.map(e => ({layer: e.layer, links: e.links || [], "
                            "flows: e.flows || [], state: e.state})), initial: kg.data.initial, "
                            "planned: document.getElementById('planned').checked})")
    dates = [s["date"] for s in data["snapshots"]]
    assert dates[0] is None and "2014-01-01" in dates and dates[1:] == sorted(dates[1:])

    def expected_links(i: int) -> int:  # support links in force, and referral edges whose flows count, that day
        in_force, flowing = set(data["snapshots"][i]["links"]), set(data["snapshots"][i]["flows"])
        return sum(1 for e in data["edges"]
                   if (e["layer"] == "referral" and flowing & set(e["flows"]))
                   or (in_force & set(e["links"]) and (data["planned"] or e["state"] != "planned")))

    start = journey.evaluate(NETWORK_STATE)
    assert start["links"] == expected_links(data["initial"]) > 0

    slider = journey.evaluate("!!document.querySelector('input[type=range]')")
    latest, earliest = len(dates) - 1, dates.index("2014-01-01")

    def move_to(i: int) -> dict:
        if slider:  # the timeline slider, with the keys a person would use on it
            journey.focus("input[type=range]")
            journey.press("End")
            for _ in range(latest - i):
                journey.press("ArrowLeft")
        else:  # the snapshot list
            journey.evaluate(f"(() => {{ const s = document.getElementById('snapshot'); s.focus(); s.value = '{i}'; "
                             "s.dispatchEvent(new Event('change', {bubbles: true})); })()")
        return journey.until(f"(() => {{ const s = {NETWORK_STATE}; return s.select === '{i}' ? s : null; }})()")

    last = move_to(latest)
    assert last["links"] == expected_links(latest)
    assert last["status"].endswith(data["snapshots"][latest]["label"])
    assert last["status"].startswith(f"{last['nodes']} ")
    legend = journey.evaluate("document.getElementById('legend').textContent")
    assert "tuyến trung ương" in legend and "central" not in legend  # the page speaks the site's language
    keep_screenshot(journey, screenshots, "3-network-latest")

    first = move_to(earliest)
    assert first["links"] == expected_links(earliest)
    support = lambda i: sum(1 for e in data["edges"] if e["layer"] != "referral"  # noqa: E731
                            and set(data["snapshots"][i]["links"]) & set(e["links"]))
    assert support(earliest) < support(latest), "moving back to 2014 changed no support link"
    assert first["status"] != last["status"] and first["status"].endswith(data["snapshots"][earliest]["label"])
    if slider:
        assert first["range"] == str(earliest)
        assert journey.evaluate("document.getElementById('snapshot-value') && "
                                "document.getElementById('snapshot-value').textContent") in \
            (None, data["snapshots"][earliest]["label"])
    keep_screenshot(journey, screenshots, "3-network-2014")
    stayed_home(journey, server)


def test_switch_to_english(journey, server, screenshots):
    journey.open(server.url + "/")
    assert journey.evaluate("document.documentElement.lang") == "vi"
    assert "Câu hỏi" in journey.evaluate("document.querySelector('header nav').textContent")
    assert journey.evaluate("document.getElementById('lang-switch').textContent") == "English"

    landed = journey.leads_to(lambda: journey.click("#lang-switch"))
    assert parse_qs(urlsplit(landed).query) == {"lang": ["en"]}
    assert journey.evaluate("document.documentElement.lang") == "en"
    nav = journey.evaluate("[...document.querySelectorAll('header nav a')].map(a => a.textContent)")
    assert "Questions" in nav and "Network" in nav and "Tiếng Việt" in nav
    assert journey.evaluate("document.getElementById('search').placeholder").startswith("Find a hospital")
    assert journey.evaluate("[...document.querySelectorAll('a[href^=\"/q/\"]')].every(a => a.href.endsWith('lang=en'))")
    keep_screenshot(journey, screenshots, "4-home-en")

    journey.open(server.url + "/id/org/bach-mai-hospital?lang=en")
    assert journey.evaluate("document.documentElement.lang") == "en"
    assert journey.evaluate("document.querySelector('h1').textContent") == "Bach Mai Hospital"
    assert journey.evaluate("document.getElementById('who-supports').textContent") == \
        "Whom does it support, and who supports it?"
    assert journey.evaluate("document.title").startswith("Bach Mai Hospital · ")
    keep_screenshot(journey, screenshots, "4-entity-en")

    landed = journey.leads_to(lambda: journey.click("#lang-switch"))  # and back to Vietnamese
    assert urlsplit(landed).path == "/id/org/bach-mai-hospital" and not urlsplit(landed).query
    assert journey.evaluate("document.documentElement.lang") == "vi"
    assert journey.evaluate("document.querySelector('h1').textContent") == "Bệnh viện Bạch Mai"
    stayed_home(journey, server)


def test_the_site_has_an_icon(server):
    """Every browser asks for /favicon.ico: the server answers it (a 404 there is an error in every console)."""
    try:
        with urllib.request.urlopen(server.url + FAVICON, timeout=10) as answer:
            found = answer.status == 200
    except urllib.error.HTTPError:
        found = False
    with urllib.request.urlopen(server.url + "/", timeout=20) as answer:
        page = answer.read().decode("utf-8")
    assert found and re.search(r"""<link[^>]+rel=["']?icon""", page)


def test_the_sparql_editor_runs_a_query_and_shows_its_rows(journey, server, store, screenshots):
    journey.open(server.url + "/editor?lang=en", "!!document.querySelector('.CodeMirror')")
    assert journey.evaluate("!!document.querySelector('.CodeMirror .cm-keyword')")  # highlighted, not plain text
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    journey.evaluate(f"document.querySelector('.CodeMirror').CodeMirror.setValue({json.dumps(query)})")
    journey.click("#run-query")
    shown = journey.until("(() => { const rows = document.querySelectorAll('#editor-results tbody tr'); "
                          "return rows.length ? [...rows].map(r => [...r.cells].map(c => c.textContent)) : null; })()")
    expected = sorted(store.graph_sizes().items())
    assert shown == [[g, str(n)] for g, n in expected]
    assert journey.evaluate("document.getElementById('editor-status').textContent") == f"{len(expected)} rows"
    assert not journey.evaluate("document.getElementById('editor-downloads').hidden")
    keep_screenshot(journey, screenshots, "5-editor")
    stayed_home(journey, server)
