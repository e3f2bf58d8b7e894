"""Benchmarks on generated national-scale graphs: the project's stack against the naive one, in the same run.

Usage: ``python -m benchmarks [--triples 10000 100000 1000000] [--repeat 5] [--cap 120]``
(``make bench`` runs the defaults). For each size a synthetic project folder is generated
(``kg generate --triples T --seed 1``, kept in ``build/bench/``) and timed:

- load: the store built cold, and refreshed after one source file changed; the naive
  stack parses every TriG file into rdflib's memory store;
- validate: the whole graph (checks on Oxigraph, SHACL by the fast engine) and again after
  one change; the naive stack runs the checks on rdflib's engine and pySHACL;
- every stored query, median of ``--repeat`` runs on the store and on rdflib's engine;
- the network: projection and the default measures; the naive stack projects with
  rdflib's engine and computes with networkx alone;
- every export, from the store and with rdflib's serialisers;
- the referral network beside the support network (``benchmarks/referral.py``), on the sizes
  up to 100,000 triples: projections and measures of both in one process, quoted as ratios
  referral / support.

Each operation of the naive stack runs in a process of its own that is stopped after
``--cap`` seconds; its figure is then "over the cap". Peak resident memory is measured per
process. The table prints medians and ratios (naive / project: above 1 means the project is
faster); ``build/bench.json`` has every figure.

``python -m benchmarks --serve [OPTIONS]`` runs only the benchmark of ``kg serve`` under load
(``benchmarks/serve.py``; its options: ``python -m benchmarks --serve --help``), and
``python -m benchmarks --referral [OPTIONS]`` only the referral network's, at any size
(``benchmarks/referral.py``; ``python -m benchmarks --referral --help``), and
``python -m benchmarks --gazetteer`` only the curated graph with and without the national gazetteer
(``benchmarks/gazetteer.py``).

A generated folder is reused while its size, the generator and the ontology, shapes and
queries it copies are unchanged, and generated again otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Parameters of the stored queries, chosen from the generated graph (a SPARQL query per kind).
PICK = {
    "province": "SELECT ?x WHERE { ?x a <https://w3id.org/vnhealth/def#Province> ; "
                "<https://w3id.org/vnhealth/def#validFrom> ?f } ORDER BY ?x LIMIT 1",
    "institution": "SELECT ?x WHERE { ?a <https://w3id.org/vnhealth/def#supporter> ?x } GROUP BY ?x "
                   "ORDER BY DESC(COUNT(?a)) ?x LIMIT 1",
    "subject": "SELECT ?x WHERE { ?f <https://w3id.org/vnhealth/def#subject> ?x } ORDER BY ?x LIMIT 1",
    "entity": "SELECT ?x WHERE { ?x a <https://w3id.org/vnhealth/def#Agreement> } ORDER BY ?x LIMIT 1",
    "source": "SELECT ?x WHERE { ?x a <https://w3id.org/vnhealth/def#SourceDocument> } ORDER BY ?x LIMIT 1",
    "specialty": "SELECT ?x WHERE { ?i <https://w3id.org/vnhealth/def#specialty> ?x } ORDER BY ?x LIMIT 1",
}


# --- what a child process runs ----------------------------------------------------------------

def _child(task: str, folder: str, extra: str) -> dict:
    """Run one timed task in this (fresh) process; returns seconds and what it produced."""
    os.environ["KG_HOME"] = folder
    from kg.graph.files import Project

    project = Project(Path(folder))
    out: dict = {}
    start = time.perf_counter()
    if task == "load":
        from kg.graph.store import open_store

        out["quads"] = len(open_store(project, rebuild=extra == "cold"))
    elif task == "naive-load":
        from kg.graph.files import load_dataset

        out["quads"] = len(load_dataset(project=project))
    elif task == "validate":
        from kg.validation.validator import validate

        report = validate(project=project)
        out["findings"] = len(report.findings)
    elif task == "naive-validate":
        from kg.graph.files import load_dataset, load_ontology, load_shapes, union_graph
        from kg.queries.stored import find_queries
        from kg.validation.validator import check_findings, shacl_findings

        dataset = load_dataset(project=project)
        findings = shacl_findings(union_graph(dataset), load_shapes(project), load_ontology(project), "pyshacl")
        findings += check_findings(dataset, find_queries(project.query_dir, checks=True, check_syntax=False))
        out["findings"] = len(findings)
    elif task in ("queries", "naive-queries"):
        out["queries"] = _time_queries(project, task == "naive-queries", json.loads(extra))
        out["queries_done"] = True
    elif task in ("network", "naive-network"):
        from kg.network.measures import MAIN_MEASURES, compute_measures
        from kg.network.projection import project_network

        if task == "network":
            from kg.graph.store import open_store

            target = open_store(project)
            start = time.perf_counter()
            results = compute_measures(project_network(target, project=project), MAIN_MEASURES)
        else:
            import kg.network.fast as fast
            from kg.graph.files import load_dataset

            fast.IGRAPH_FROM_NODES = 10 ** 12  # networkx alone
            target = load_dataset(project=project)
            start = time.perf_counter()
            results = compute_measures(project_network(target, project=project), MAIN_MEASURES)
        out["nodes"] = len(next(iter(results.values())).values)
    elif task == "referral":
        from benchmarks.referral import measure

        out.update(measure(project, int(extra)))
    elif task in ("export", "naive-export"):
        from kg.graph.export import serialise

        if task == "export":
            from kg.graph.store import open_store

            target = open_store(project)
        else:
            from kg.graph.files import load_data

            target = load_data(project=project)
        start = time.perf_counter()
        out["bytes"] = len(serialise(target, extra).encode("utf-8"))
    else:
        raise SystemExit(f"unknown task {task}")
    out["seconds"] = time.perf_counter() - start
    return out


def _time_queries(project, naive: bool, repeat_and_params: dict) -> dict:
    from kg.queries.run import run_query
    from kg.queries.stored import find_queries

    if naive:
        from kg.queries.run import load_graph

        target = load_graph(project)
    else:
        from kg.graph.store import open_store

        target = open_store(project)
    repeat, params = repeat_and_params["repeat"], repeat_and_params["params"]
    timings = {}
    for query in find_queries(project.query_dir, checks=False, check_syntax=False):
        given = {p.name: params[p.name] for p in query.parameters if p.name in params}
        if any(p.required and p.name not in params for p in query.parameters):
            continue
        runs = []
        print(json.dumps({"starting": query.name}), flush=True)  # the parent knows which query a cap stopped
        for _ in range(repeat if not naive else 1):
            start = time.perf_counter()
            try:
                rows = len(run_query(query, target, given))
            except Exception as exc:  # noqa: BLE001 - a benchmark reports a failing query and goes on
                timings[query.name] = {"error": str(exc)[:200]}
                break
            runs.append(time.perf_counter() - start)
        if runs:
            timings[query.name] = {"median": statistics.median(runs), "rows": rows}
            print(json.dumps({"query": query.name, **timings[query.name]}), flush=True)
    return timings


# --- the parent ------------------------------------------------------------------------------

def run(task: str, folder: Path, extra: str = "", cap: float | None = None) -> dict:
    """``task`` in a fresh process: its result, seconds and peak memory (MB), or ``{"over_cap": cap}``."""
    code = ("import json, resource, sys; from benchmarks.__main__ import _child; "
            "out = _child(sys.argv[1], sys.argv[2], sys.argv[3]); "
            "out['peak_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024; print(json.dumps(out))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        done = subprocess.run([sys.executable, "-c", code, task, str(folder), extra], capture_output=True, text=True,
                              timeout=cap, env=env, cwd=ROOT)
    except subprocess.TimeoutExpired as exc:
        partial = _partial_queries(exc.stdout)
        return {"over_cap": cap, **partial}
    if done.returncode != 0:
        raise SystemExit(f"benchmark task {task} on {folder} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _partial_queries(stdout) -> dict:
    """What a queries task had timed when the cap stopped it: the queries done, and the one it was in."""
    text = stdout.decode("utf-8", "replace") if isinstance(stdout, bytes) else (stdout or "")
    done, current = {}, None
    for line in text.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if "starting" in item:
            current = item["starting"]
        elif "query" in item:
            done[item["query"]] = {"median": item["median"], "rows": item["rows"]}
            current = None
    return {"queries": done, "stopped_in": current} if done or current else {}


def generator_digest() -> str:
    """A digest of what a generated folder is made from: the generator and the folders it copies."""
    digest = hashlib.sha256()
    files = [ROOT / "kg" / "graph" / "generate.py"]
    for sub in ("ontology", "shapes", "queries"):
        files += sorted(p for p in (ROOT / sub).rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def generate(folder: Path, triples: int) -> None:
    stamp = folder / ".bench-triples"
    wanted = f"{triples} {generator_digest()}"
    if stamp.is_file() and stamp.read_text().strip() == wanted:
        return
    done = subprocess.run([sys.executable, "-m", "kg", "generate", "--triples", str(triples), "--seed", "1",
                           "-o", str(folder), "--force"], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"kg generate failed:\n{done.stderr}")
    stamp.write_text(f"{wanted}\n")


def touch_one_source(folder: Path) -> Path:
    """Append one statement to one source file (a refresh then reloads that file alone); returns the file."""
    path = sorted((folder / "data" / "sources").glob("*.trig"))[0]
    text = path.read_text(encoding="utf-8")
    marker = "\n# benchmark change\n"
    path.write_text(text.replace(marker, "") + marker, encoding="utf-8")
    return path


def pick_params(folder: Path) -> dict:
    from kg.graph.files import Project
    from kg.graph.store import open_store

    store = open_store(Project(folder))
    params = {"date": "2026-01-01", "years": "5", "name": "synthetic general hospital 00", "status": "status:signed"}
    for name, text in PICK.items():
        rows = store.rows(text)[1]
        if rows:
            params[name] = str(rows[0][0])
    params["asof"] = params["date"]
    return params


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--serve" in argv:  # the server's benchmark alone, with options of its own
        from benchmarks import serve

        return serve.main([a for a in argv if a != "--serve"])
    if "--referral" in argv:  # the referral network's benchmark alone, with options of its own
        from benchmarks import referral

        return referral.main([a for a in argv if a != "--referral"])
    if "--gazetteer" in argv:  # the curated graph with and without the national gazetteer, with options of its own
        from benchmarks import gazetteer

        return gazetteer.main([a for a in argv if a != "--gazetteer"])
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=textwrap.dedent("\n".join(__doc__.splitlines()[2:])))
    parser.add_argument("--triples", type=int, nargs="+", default=[10_000, 100_000, 1_000_000],
                        help="sizes of the generated graphs (default: 10000 100000 1000000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per query; the median is kept (default: 5)")
    parser.add_argument("--cap", type=float, default=120, help="seconds after which a naive task is stopped (default: 120)")
    parser.add_argument("--table", type=Path, metavar="JSON", help="print the tables of an earlier run and stop")
    parser.add_argument("--serve", action="store_true",
                        help="run only the benchmark of kg serve under load, with its own options "
                             "(python -m benchmarks --serve --help); writes build/bench-serve.json")
    parser.add_argument("--gazetteer", action="store_true",
                        help="run only the benchmark of the curated graph with and without the national gazetteer "
                             "(python -m benchmarks --gazetteer --help); writes build/bench-gazetteer.json")
    parser.add_argument("--referral", action="store_true",
                        help="run only the benchmark of the referral network beside the support network, with its "
                             "own options (python -m benchmarks --referral --help); writes build/bench-referral.json")
    args = parser.parse_args(argv)
    if args.table:
        earlier = json.loads(args.table.read_text(encoding="utf-8"))
        print(summary_table(earlier) + "\n\n" + table(earlier))
        if earlier.get("referral"):
            from benchmarks import referral

            print("\n" + referral.table(earlier["referral"]))
        return 0
    results = {"machine": {"cores": os.cpu_count(), "python": platform.python_version()}, "cap": args.cap, "sizes": []}
    for triples in args.triples:
        folder = ROOT / "build" / "bench" / f"t{triples}"
        print(f"== about {triples:,} triples: generating {folder.relative_to(ROOT)}", flush=True)
        generate(folder, triples)
        size: dict = {"triples": triples, "rows": []}

        def row(name, ours, naive, note=""):
            size["rows"].append({"name": name, "ours": ours, "naive": naive, "note": note})
            print("  " + _line(size["rows"][-1]), flush=True)

        row("load, cold", run("load", folder, "cold"), run("naive-load", folder, cap=args.cap))
        changed = touch_one_source(folder)
        row("load, after one source changed", run("load", folder, "refresh"), None, changed.name)
        row("validate", run("validate", folder), run("naive-validate", folder, cap=args.cap))
        touch_one_source(folder)
        run("load", folder, "refresh")
        row("validate, after one source changed", run("validate", folder), None)
        params = pick_params(folder)
        budget = json.dumps({"repeat": args.repeat, "params": params, "cap": args.cap})
        ours = run("queries", folder, budget)
        naive = run("naive-queries", folder, budget, cap=args.cap * 3)  # loading, then one run of each query
        for name, timing in ours["queries"].items():
            if "error" in timing:
                print(f"  query {name}: {timing['error']}", flush=True)
                continue
            theirs = naive.get("queries", {}).get(name)
            if theirs and "error" not in theirs:
                naive_row = {"seconds": theirs["median"], "peak_mb": naive.get("peak_mb", 0)}
            elif naive.get("stopped_in") == name or (not naive.get("queries") and "over_cap" in naive):
                naive_row = {"over_cap": args.cap * 3, "note": "the naive process was stopped here"}
            else:
                naive_row = None  # not reached before the naive process was stopped
            row(f"query {name}", {"seconds": timing["median"], "rows": timing["rows"], "peak_mb": ours["peak_mb"]},
                naive_row)
        medians = sorted(t["median"] for t in ours["queries"].values() if "median" in t)
        size["query_median_of_medians"] = statistics.median(medians) if medians else None
        row("network: projection and default measures", run("network", folder),
            run("naive-network", folder, cap=args.cap))
        for fmt in ("turtle", "ntriples", "trig", "nquads", "jsonld"):
            row(f"export {fmt}", run("export", folder, fmt), run("naive-export", folder, fmt, cap=args.cap))
        results["sizes"].append(size)
    from benchmarks import referral

    sizes = [t for t in args.triples if t <= referral.DEFAULT_MAX_TRIPLES]
    if sizes:
        results["referral"] = referral.bench(sizes)
    out = ROOT / "build" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, out)
    print()
    print(summary_table(results))
    print()
    print(table(results))
    if results.get("referral"):
        print()
        print("Referral network beside the support network (referral / support: below 1, the referral network "
              "costs less):")
        print(referral.table(results["referral"]))
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


def _seconds(x) -> str:
    if x is None:
        return "-"
    if "over_cap" in x:
        return f"> {x['over_cap']:g} s"
    s = x["seconds"]
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.1f} s"


def _ratio(ours, naive) -> str:
    if not ours or not naive:
        return "-"
    if "over_cap" in naive:
        return f"> {naive['over_cap'] / max(ours['seconds'], 1e-9):.0f} x"
    return f"{naive['seconds'] / max(ours['seconds'], 1e-9):.1f} x"


def _line(r) -> str:
    mem = f"{r['ours'].get('peak_mb', 0):.0f} MB" if r["ours"] else ""
    return f"{r['name']:<52} {_seconds(r['ours']):>9} {mem:>8}   naive {_seconds(r['naive']):>9}   {_ratio(r['ours'], r['naive'])}"


def summary_table(results: dict) -> str:
    """One column per size: every operation but the queries, which are summarised by the median of their
    medians and the slowest; ratios (naive / ours) beside each figure."""
    sizes = results["sizes"]
    header = "| operation | " + " | ".join(f"{s['triples']:,} triples" for s in sizes) + " |"
    lines = [header, "|---|" + "---|" * len(sizes)]
    names = [r["name"] for r in sizes[0]["rows"] if not r["name"].startswith("query ")]
    for name in names:
        cells = []
        for s in sizes:
            r = next((x for x in s["rows"] if x["name"] == name), None)
            cells.append("-" if r is None else f"{_seconds(r['ours'])} ({_ratio(r['ours'], r['naive'])})"
                         if r["naive"] else _seconds(r["ours"]))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    for label, pick in (("stored queries: median of the medians", statistics.median), ("slowest stored query", max)):
        cells = []
        for s in sizes:
            times = [r["ours"]["seconds"] for r in s["rows"] if r["name"].startswith("query ")]
            cells.append(_seconds({"seconds": pick(times)}) if times else "-")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    peak = [max((r["ours"].get("peak_mb", 0) for r in s["rows"] if r["ours"]), default=0) for s in sizes]
    lines.append("| peak memory of any step | " + " | ".join(f"{m:.0f} MB" for m in peak) + " |")
    return "\n".join(lines)


def table(results: dict) -> str:
    """The figures as a Markdown table, one block of rows per size."""
    lines = ["| size | operation | ours | peak memory | naive stack | naive / ours |", "|---|---|---|---|---|---|"]
    for size in results["sizes"]:
        for r in size["rows"]:
            mem = f"{r['ours']['peak_mb']:.0f} MB" if r["ours"] and "peak_mb" in r["ours"] else "-"
            lines.append(f"| {size['triples']:,} | {r['name']} | {_seconds(r['ours'])} | {mem} | "
                         f"{_seconds(r['naive'])} | {_ratio(r['ours'], r['naive'])} |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
