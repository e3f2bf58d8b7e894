"""Benchmark of kg serve under load: many clients of its SPARQL endpoint and API, and one endless query.

Many clients at once, and one client whose query never ends, which the server's time limit must stop
without holding up the others.

Usage: ``python -m benchmarks --serve [--duration 30] [--clients 50] [--workers N [N ...]] [--timeout S]``
(or ``python -m benchmarks.serve`` with the same options). For each ``--workers`` value (default: the
server's own default) it starts ``kg serve --port 0`` on 127.0.0.1, on the project's store, then:

1. warm-up: every request of the mix once, each of which must succeed;
2. reference: the same mix sent by ONE client, one request after the other, for ``--reference`` seconds;
3. load: ``--clients`` clients, each with its own connection, each sending the mix in turn (starting at a
   different request) for ``--duration`` seconds, and one more client that keeps sending a cartesian
   product (``?a ?b ?c . ?d ?e ?f . ?g ?h ?i``), which the server must answer with 503 after its time limit.

The mix: small SELECTs, an ASK and a CONSTRUCT on ``/sparql`` (GET and POST form), and stored queries with
parameters on ``/api/NAME``. An error is an answer other than 2xx to a normal client, any answer other than
503 to the forever client, or a failed connection or a client-side time-out. The server is stopped at the
end, also after Ctrl-C. The table gives requests per second, latencies (p50, p95, max, in ms) and the
ratios load / one client; ``build/bench-serve.json`` has every figure. The project's target on the
curated graph: no error, and p95 under load below 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import selectors
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HKG = "https://w3id.org/vnhealth/def#"
BACH_MAI = "https://w3id.org/vnhealth/id/org/bach-mai-hospital"
JSON_RESULTS = {"Accept": "application/sparql-results+json"}

#: The request mix of a normal client: (name, method, path, query-string parameters, form, headers).
MIX = [
    ("sparql select provinces", "GET", "/sparql",
     {"query": f"SELECT ?p WHERE {{ ?p a <{HKG}Province> }} ORDER BY ?p LIMIT 20"}, None, JSON_RESULTS),
    ("sparql select labels (POST)", "POST", "/sparql", None,
     {"query": "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
               f"SELECT ?i ?name WHERE {{ ?i a <{HKG}HealthInstitution> ; rdfs:label ?name . "
               'FILTER(LANG(?name) = "en") } ORDER BY ?name LIMIT 25'}, JSON_RESULTS),
    ("sparql select count by class", "GET", "/sparql",
     {"query": "SELECT ?class (COUNT(?x) AS ?n) WHERE { ?x a ?class } GROUP BY ?class ORDER BY DESC(?n) LIMIT 10"},
     None, JSON_RESULTS),
    ("sparql ask", "GET", "/sparql", {"query": f"ASK {{ ?a a <{HKG}Agreement> }}"}, None, JSON_RESULTS),
    ("sparql construct", "GET", "/sparql",
     {"query": f"CONSTRUCT {{ <{BACH_MAI}> ?p ?o }} WHERE {{ <{BACH_MAI}> ?p ?o }}"}, None,
     {"Accept": "text/turtle"}),
    ("api institution-support", "GET", "/api/institution-support", {"institution": "inst:bach-mai-hospital"}, None, {}),
    ("api agreements-in-force", "GET", "/api/agreements-in-force", {"date": "2025-12-31"}, None, {}),
    ("api support-hubs", "GET", "/api/support-hubs", {}, None, {}),
    ("api institutions-in-province", "GET", "/api/institutions-in-province",
     {"province": "area:lao-cai-province"}, None, {}),
    ("api find-by-name", "GET", "/api/find-by-name", {"name": "Bach Mai"}, None, {}),
    ("api agreements-ending", "GET", "/api/agreements-ending", {"date": "2025-12-31", "years": "5"}, None, {}),
    ("api province-specialties", "GET", "/api/province-specialties", {"province": "area:lao-cai-province"}, None, {}),
]

#: The query of the forever client: a cartesian product of the whole store with itself, twice.
FOREVER = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


#: The servers started and not yet stopped (stopped again on the way out, whatever happened).
STARTED: list = []


# --- the server ------------------------------------------------------------------------------

class Server:
    """``kg serve --port 0`` on 127.0.0.1 (in a session of its own, so that Ctrl-C reaches the benchmark,
    which then stops it); ``url`` once it answers."""

    def __init__(self, args: list[str], start_within: float = 120.0):
        self.log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        command = [sys.executable, "-m", "kg", "serve", "--host", "127.0.0.1", "--port", "0", *args]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.log, text=True, cwd=ROOT,
                                        start_new_session=True)
        self.url = self.banner = ""
        try:
            self._wait(start_within)
        except BaseException:
            self.stop()
            raise

    def _wait(self, within: float) -> None:
        import urllib.request

        deadline = time.monotonic() + within
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while not self.url:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    raise RuntimeError(f"kg serve printed no address within {within:g} s{self._stderr()}")
                line = self.process.stdout.readline()
                if not line:
                    raise RuntimeError(f"kg serve stopped before serving{self._stderr()}")
                match = re.search(r"at (http://127\.0\.0\.1:\d+)/", line)
                if match:
                    self.url, self.banner = match.group(1), line.strip()
        while time.monotonic() < deadline:  # the socket is bound before uvicorn accepts: wait for an answer
            try:
                with urllib.request.urlopen(self.url + "/api/openapi.json", timeout=5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"kg serve did not answer within {within:g} s{self._stderr()}")

    def cpu_seconds(self) -> float | None:
        """CPU time of the server and its workers so far (those it ended included), where ``/proc`` tells it."""
        def fields(pid) -> list[str]:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()

        try:
            tick = os.sysconf("SC_CLK_TCK")
            own = fields(self.process.pid)
            total = sum(int(x) for x in own[11:15])  # utime, stime, and those of its ended children
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
            for child in children:
                try:
                    total += sum(int(x) for x in fields(child)[11:13])
                except OSError:
                    pass  # ended meanwhile
            return total / tick
        except (OSError, ValueError, IndexError):
            return None

    def quads(self) -> int | None:
        match = re.search(r"\(([\d,]+) quads\)", self.banner)
        return int(match.group(1).replace(",", "")) if match else None

    def _stderr(self) -> str:
        self.log.seek(0)
        text = self.log.read()[-2000:]
        return f":\n{text}" if text.strip() else ""

    def stop(self) -> None:
        if self.log.closed:
            return  # stopped already
        if self.process.poll() is None:
            self.process.terminate()  # uvicorn shuts down, and the pool ends its workers
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        self.log.close()


# --- the clients -----------------------------------------------------------------------------

class Tally:
    """What one kind of client saw: the latency of every answer, its status, and the errors."""

    def __init__(self):
        self.latencies: list[float] = []  # seconds, of every answer (successful or not)
        self.by_kind: dict[str, list[float]] = {}
        self.statuses: dict[str, int] = {}
        self.errors = 0
        self.samples: list[str] = []  # the first few errors, to say what went wrong

    def answer(self, kind: str, seconds: float, status: int | None, ok: bool, message: str = "") -> None:
        key = str(status) if status is not None else "no answer"
        self.statuses[key] = self.statuses.get(key, 0) + 1
        if status is not None:
            self.latencies.append(seconds)
            self.by_kind.setdefault(kind, []).append(seconds)
        if not ok:
            self.errors += 1
            if len(self.samples) < 5:
                self.samples.append(f"{kind}: {status if status is not None else ''} {message}".strip()[:300])


async def send(client, request) -> tuple[int | None, str]:
    """Send one request of the mix; its status (None when no answer came) and, for an error, a message."""
    import httpx

    _, method, path, params, form, headers = request
    try:
        if method == "GET":
            response = await client.get(path, params=params, headers=headers)
        else:
            response = await client.post(path, params=params, data=form, headers=headers)
        body = response.content
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"
    return response.status_code, "" if response.is_success else body[:200].decode("utf-8", "replace").strip()


def new_client(url: str, timeout: float):
    import httpx

    return httpx.AsyncClient(base_url=url, timeout=timeout, limits=httpx.Limits(max_connections=1),
                             trust_env=False)  # loopback: no proxy from the environment


async def normal_client(url: str, start: int, until: float, tally: Tally, timeout: float) -> None:
    """Send the mix in turn, from request ``start``, until the clock passes ``until``."""
    async with new_client(url, timeout) as client:
        i = start
        while time.monotonic() < until:
            request = MIX[i % len(MIX)]
            began = time.perf_counter()
            status, message = await send(client, request)
            seconds = time.perf_counter() - began
            tally.answer(request[0], seconds, status, status is not None and 200 <= status < 300, message)
            i += 1


async def forever_client(url: str, until: float, tally: Tally, timeout: float) -> None:
    """Send the query that never ends, again and again, until the clock passes ``until``."""
    request = ("forever", "GET", "/sparql", {"query": FOREVER}, None, JSON_RESULTS)
    async with new_client(url, timeout) as client:
        while time.monotonic() < until:
            began = time.perf_counter()
            status, message = await send(client, request)
            tally.answer("forever", time.perf_counter() - began, status, status == 503, message)
            if status is None:
                await asyncio.sleep(0.5)  # no answer: do not spin on a server that went away


async def load_phase(server: Server, clients: int, duration: float, timeout: float, endless: bool = True) -> dict:
    url = server.url
    normal, forever = Tally(), Tally()
    cpu, server_cpu, began = time.process_time(), server.cpu_seconds(), time.monotonic()
    until = began + duration
    tasks = [asyncio.create_task(normal_client(url, i, until, normal, timeout)) for i in range(clients)]
    stopper = asyncio.create_task(forever_client(url, until, forever, timeout)) if endless else None
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - began
    cpu = time.process_time() - cpu
    server_after = server.cpu_seconds()
    server_cpu = server_after - server_cpu if server_cpu is not None and server_after is not None else None
    if stopper:
        await stopper  # its last query, sent before the end, is stopped by the server's limit (or by the client's)
    return {"normal": normal, "forever": forever, "elapsed": elapsed, "client_cpu": cpu, "server_cpu": server_cpu}


async def reference_phase(url: str, duration: float, timeout: float) -> dict:
    tally = Tally()
    began = time.monotonic()
    await normal_client(url, 0, began + duration, tally, timeout)
    return {"normal": tally, "elapsed": time.monotonic() - began}


async def warm_up(url: str, timeout: float) -> list[str]:
    """Every request of the mix once; the failures, which make the mix unfit for a benchmark."""
    failures = []
    async with new_client(url, timeout) as client:
        for request in MIX:
            status, message = await send(client, request)
            if status is None or not 200 <= status < 300:
                failures.append(f"{request[0]}: {status} {message}")
    return failures


# --- figures ---------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float | None:
    """The nearest-rank ``p``-th percentile of ``values`` (None when there are none)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n p / 100)
    return ordered[int(rank) - 1]


def latency(values: list[float]) -> dict:
    ms = [v * 1000 for v in values]
    return {"count": len(ms), "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95),
            "max_ms": max(ms, default=None)}


def figures(phase: dict) -> dict:
    tally = phase["normal"]
    done = sum(tally.statuses.values())
    out = {"requests": done, "seconds": phase["elapsed"], "requests_per_second": done / phase["elapsed"],
           **latency(tally.latencies), "errors": tally.errors, "statuses": tally.statuses,
           "error_samples": tally.samples,
           "by_request": {kind: latency(v) for kind, v in sorted(tally.by_kind.items())}}
    if "client_cpu" in phase:
        out["client_cpu_share"] = phase["client_cpu"] / phase["elapsed"]  # 1.0: the clients' process used a whole core
        # the server's process and its workers (the forever query's included), in cores
        out["server_cpu_share"] = phase["server_cpu"] / phase["elapsed"] if phase["server_cpu"] is not None else None
    return out


def ratio(a, b) -> float | None:
    return a / b if a is not None and b else None


async def one_run(server_args: list[str], args) -> dict:
    server = Server(server_args)
    STARTED.append(server)
    try:
        url = server.url
        failures = await warm_up(url, args.client_timeout)
        if failures:
            raise RuntimeError("the request mix does not suit this graph:\n  " + "\n  ".join(failures))
        print(f"   reference: one client for {args.reference:g} s", flush=True)
        reference = figures(await reference_phase(url, args.reference, args.client_timeout))
        print(f"   load: {args.clients} clients{'' if args.no_forever else ' and the forever client'} "
              f"for {args.duration:g} s", flush=True)
        loaded = await load_phase(server, args.clients, args.duration, args.client_timeout, not args.no_forever)
        load = figures(loaded)
        stopped = loaded["forever"]
        forever = {"sent": sum(stopped.statuses.values()), "answers_503": stopped.statuses.get("503", 0),
                   "statuses": stopped.statuses, "errors": stopped.errors, "error_samples": stopped.samples,
                   **latency(stopped.latencies),
                   "min_ms": min(stopped.latencies) * 1000 if stopped.latencies else None}
        # the server must still answer after the run: no worker was lost for good
        after = await warm_up(url, args.client_timeout)
    finally:
        server.stop()
    errors = load["errors"] + forever["errors"] + len(after)
    return {
        "server": {"arguments": server_args, "quads": server.quads()},
        "reference": reference, "load": load, "forever": forever, "failures_after_run": after,
        "errors": errors,
        "ratios": {"p50": ratio(load["p50_ms"], reference["p50_ms"]), "p95": ratio(load["p95_ms"], reference["p95_ms"]),
                   "max": ratio(load["max_ms"], reference["max_ms"]),
                   "requests_per_second": ratio(load["requests_per_second"], reference["requests_per_second"])},
        "target_met": errors == 0 and load["p95_ms"] is not None and load["p95_ms"] < args.target_p95,
    }


# --- the table -------------------------------------------------------------------------------

def _ms(x) -> str:
    return "-" if x is None else f"{x:.0f}" if x >= 10 else f"{x:.1f}"


def _x(x) -> str:
    return "-" if x is None else f"{x:.1f} x"


def table(results: dict) -> str:
    runs = results["runs"]
    head = "| | " + " | ".join(f"workers: {r['workers'] or 'default'}" for r in runs) + " |"
    rows = [
        ("requests per second, load / one client",
         lambda r: f"{r['load']['requests_per_second']:.0f} / {r['reference']['requests_per_second']:.0f}"),
        ("p50 ms, load / one client (ratio)",
         lambda r: f"{_ms(r['load']['p50_ms'])} / {_ms(r['reference']['p50_ms'])} ({_x(r['ratios']['p50'])})"),
        ("p95 ms, load / one client (ratio)",
         lambda r: f"{_ms(r['load']['p95_ms'])} / {_ms(r['reference']['p95_ms'])} ({_x(r['ratios']['p95'])})"),
        ("max ms, load / one client",
         lambda r: f"{_ms(r['load']['max_ms'])} / {_ms(r['reference']['max_ms'])}"),
        ("requests under load (one client)", lambda r: f"{r['load']['requests']} ({r['reference']['requests']})"),
        ("errors", lambda r: str(r["errors"])),
        ("forever client: 503 answers / sent", lambda r: f"{r['forever']['answers_503']} / {r['forever']['sent']}"),
        ("forever client: ms to its 503 (min-max)",
         lambda r: f"{_ms(r['forever']['min_ms'])}-{_ms(r['forever']['max_ms'])}" if r["forever"]["sent"] else "-"),
        ("CPU under load, cores: clients / server and workers",
         lambda r: f"{r['load']['client_cpu_share']:.2f} / " + (
             f"{r['load']['server_cpu_share']:.2f}" if r["load"].get("server_cpu_share") is not None else "-")),
        (f"target (0 errors, p95 < {results['target_p95_ms']:g} ms)",
         lambda r: "met" if r["target_met"] else "NOT met"),
    ]
    lines = [head, "|---|" + "---|" * len(runs)]
    lines += [f"| {name} | " + " | ".join(cell(r) for r in runs) + " |" for name, cell in rows]
    lines += ["", "| request (p95 ms under load / one client) | " + " | ".join(
        f"workers: {r['workers'] or 'default'}" for r in runs) + " |", "|---|" + "---|" * len(runs)]
    for kind in [m[0] for m in MIX]:
        cells = []
        for r in runs:
            a, b = r["load"]["by_request"].get(kind, {}), r["reference"]["by_request"].get(kind, {})
            cells.append(f"{_ms(a.get('p95_ms'))} / {_ms(b.get('p95_ms'))}")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --- the command -----------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks --serve", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=textwrap.dedent("\n".join(__doc__.splitlines()[2:])))
    parser.add_argument("--duration", type=float, default=30, help="seconds of load (default: 30)")
    parser.add_argument("--clients", type=int, default=50, help="normal clients at once (default: 50)")
    parser.add_argument("--reference", type=float, default=10, metavar="SECONDS",
                        help="seconds of the one-client reference (default: 10)")
    parser.add_argument("--workers", type=int, nargs="+", metavar="N",
                        help="kg serve --workers; several values give a run each (default: the server's default)")
    parser.add_argument("--timeout", type=float, metavar="SECONDS",
                        help="kg serve --timeout, the time limit of a query (default: the server's, 10 s)")
    parser.add_argument("--no-forever", action="store_true",
                        help="leave out the client whose query never ends (to see what it costs the others)")
    parser.add_argument("--target-p95", type=float, default=200, metavar="MS", help="the target p95 (default: 200)")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "build" / "bench-serve.json",
                        help="where the JSON goes (default: build/bench-serve.json)")
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if min(args.duration, args.reference, args.clients) <= 0 or (args.timeout is not None and args.timeout <= 0):
        raise SystemExit("--duration, --reference, --clients and --timeout must be positive")
    args.client_timeout = max(60.0, (args.timeout or 0) + 30)  # an answer later than this is an error
    # SIGTERM stops the benchmark as Ctrl-C does: the server is stopped on the way out
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    results = {"machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                           "load_average_before": list(os.getloadavg()) if hasattr(os, "getloadavg") else None},
               "duration_s": args.duration, "clients": args.clients, "reference_s": args.reference,
               "server_timeout_s": args.timeout, "target_p95_ms": args.target_p95,
               "mix": [m[0] for m in MIX], "forever_query": None if args.no_forever else FOREVER, "runs": []}
    try:
        for workers in args.workers or [None]:
            server_args = (["--workers", str(workers)] if workers else []) + \
                          (["--timeout", f"{args.timeout:g}"] if args.timeout else [])
            print(f"== kg serve {' '.join(server_args)}".rstrip(), flush=True)
            run = asyncio.run(one_run(server_args, args))
            run["workers"] = workers
            results["runs"].append(run)
            load = run["load"]
            print(f"   {load['requests_per_second']:.0f} requests/s, p95 {_ms(load['p95_ms'])} ms "
                  f"(one client: {_ms(run['reference']['p95_ms'])} ms), {run['errors']} errors, "
                  f"forever client: {run['forever']['answers_503']} answers 503", flush=True)
    except KeyboardInterrupt:
        print("\ninterrupted: the server was stopped; nothing written", file=sys.stderr)
        return 130
    except RuntimeError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    finally:
        for server in STARTED:
            server.stop()
    from benchmarks import write_results

    write_results(results, args.output, table(results), ROOT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
