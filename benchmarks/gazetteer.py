"""Benchmark of the national gazetteer: the curated graph with and without data/gazetteer/, in the same run.

Usage: ``python -m benchmarks --gazetteer [--repeat 5]`` (or ``python -m benchmarks.gazetteer``). On the
project itself (not a generated graph), each of the two variants builds a store from scratch in a
folder of its own under ``build/bench/``, then times, in one process:

- the store built cold;
- the first validation (every graph) and a second one, which reuses the findings of the graphs that did
  not change;
- every stored query that takes a province, median of ``--repeat`` runs, with its header's default
  (the present Lao Cai province) and, with the gazetteer, the former Lao Cai province.

The table gives both variants and the ratio with / without (above 1: slower with the gazetteer);
``build/bench-gazetteer.json`` has every figure.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The stored queries that take a province (or any administrative unit).
QUERIES = ("institutions-in-province", "techniques-transferred-to-province", "techniques-deployed-in-province",
           "central-hospitals-cooperating-with-province", "province-specialties", "province-specialty-coverage",
           "provinces-without-specialty-support")
OLD_PROVINCE = "https://w3id.org/vnhealth/id/area/lao-cai-province-old"


def measure(gazetteer: bool, repeat: int) -> dict:
    """The seconds of each step on the project, with or without the gazetteer."""
    from kg.graph.files import Project
    from kg.graph.store import open_store
    from kg.queries.run import run_query
    from kg.queries.stored import stored_query
    from kg.validation.validator import validate

    project = Project(ROOT, gazetteer=gazetteer)
    folder = ROOT / "build" / "bench" / ("gazetteer" if gazetteer else "curated")
    shutil.rmtree(folder, ignore_errors=True)
    out: dict = {"gazetteer": gazetteer}
    clock = time.perf_counter()
    store = open_store(project, location=folder / "store")
    out["store_cold"] = time.perf_counter() - clock
    out["quads"] = len(store)
    for step in ("validate_first", "validate_again"):
        clock = time.perf_counter()
        validate(project=project, store=store)
        out[step] = time.perf_counter() - clock
    out["queries"] = {}
    for name in QUERIES:
        query = stored_query(name, project.query_dir)
        cases = {"default": {}}
        if gazetteer and any(p.name == "province" for p in query.parameters):
            cases["former province"] = {"province": OLD_PROVINCE}
        for case, params in cases.items():
            runs = []
            for _ in range(repeat):
                clock = time.perf_counter()
                run_query(query, store, params)
                runs.append(time.perf_counter() - clock)
            out["queries"][f"{name} ({case})"] = statistics.median(runs)
    return out


def bench(repeat: int) -> dict:
    return {"machine": {"cores": os.cpu_count(), "python": platform.python_version()}, "repeat": repeat,
            "without": measure(False, repeat), "with": measure(True, repeat)}


def _seconds(s: float | None) -> str:
    if s is None:
        return "-"
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.1f} s"


def table(results: dict) -> str:
    a, b = results["without"], results["with"]
    lines = ["| step | curated graph | with the gazetteer | with / without |", "|---|---|---|---|",
             f"| quads in the store | {a['quads']:,} | {b['quads']:,} | |"]
    for key, name in (("store_cold", "store built cold"), ("validate_first", "validate, first"),
                      ("validate_again", "validate, again")):
        lines.append(f"| {name} | {_seconds(a[key])} | {_seconds(b[key])} | {b[key] / a[key]:.1f} x |")
    for name, seconds in b["queries"].items():
        before = a["queries"].get(name)
        ratio = f"{seconds / before:.1f} x" if before else ""
        lines.append(f"| {name} | {_seconds(before)} | {_seconds(seconds)} | {ratio} |")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks --gazetteer", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=textwrap.dedent("\n".join(__doc__.splitlines()[2:])))
    parser.add_argument("--repeat", type=int, default=5, help="runs per query; the median is kept (default: 5)")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "build" / "bench-gazetteer.json",
                        help="where the JSON goes (default: build/bench-gazetteer.json)")
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.repeat < 1:
        raise SystemExit("--repeat must be positive")
    results = bench(args.repeat)
    from benchmarks import write_results

    write_results(results, args.output, table(results), ROOT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
