"""Benchmark of the referral network beside the support network, on generated graphs, in the same run.

Usage: ``python -m benchmarks --referral [--triples 100000 ...] [--repeat 3]`` (or
``python -m benchmarks.referral`` with the same options). For each size a synthetic project
folder is generated as for the main benchmarks (``kg generate --triples T --seed 1``, kept in
``build/bench/``); it holds referral flows from commune health stations, regional and
provincial hospitals up the line system, and a few from unnamed groups. One fresh process
opens the store, then runs ``--repeat`` rounds, each timing in turn:

- the support network (the reference): ``project_network`` (its two stored queries and both
  networks built) and ``compute_measures`` with the default measures;
- the referral network: ``project_referrals`` (``queries/network-referrals.rq`` and the
  network built) and ``referral_measures`` with the support network of the same round, for
  reciprocity.

The table gives the medians and the ratios referral / support for the projection, the
measures and both (below 1: the referral network costs less than the support network on the
same graph, the same machine and the same run), with the size of both networks;
``build/bench-referral.json`` has every figure. ``python -m benchmarks`` runs it too, on its
sizes up to 100,000 triples (under a minute on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The steps timed in each round, in the order they run.
STEPS = ("support_projection", "support_measures", "referral_projection", "referral_measures")
#: Rounds per size when the main benchmark runs this one.
DEFAULT_REPEAT = 3
#: The largest size the main benchmark runs this one on (``--referral --triples`` for more).
DEFAULT_MAX_TRIPLES = 100_000


# --- what the child process runs --------------------------------------------------------------

def measure(project, repeat: int) -> dict:
    """Time the steps ``repeat`` times on the project's store; the seconds of every round and the networks' sizes."""
    from kg.graph.store import open_store
    from kg.network.measures import MAIN_MEASURES, compute_measures
    from kg.network.projection import project_network
    from kg.network.referral import project_referrals, referral_measures

    store = open_store(project)
    runs: dict[str, list[float]] = {step: [] for step in STEPS}
    for _ in range(repeat):
        clock = time.perf_counter()
        support = project_network(store, project=project)
        support_graph, _ = support.support, support.cooperation  # both built here, not in the measures
        runs["support_projection"].append(time.perf_counter() - clock)
        clock = time.perf_counter()
        compute_measures(support, MAIN_MEASURES)
        runs["support_measures"].append(time.perf_counter() - clock)
        clock = time.perf_counter()
        referral = project_referrals(store, project=project)
        graph = referral.network
        runs["referral_projection"].append(time.perf_counter() - clock)
        clock = time.perf_counter()
        measures = referral_measures(referral, support_graph)
        runs["referral_measures"].append(time.perf_counter() - clock)
    return {
        "quads": len(store), "runs": runs, "flows": len(referral.flows),
        "support": {"nodes": support_graph.number_of_nodes(), "edges": support_graph.number_of_edges()},
        "referral": {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
                     "groups": len(measures.groups), "reciprocal_pairs": len(measures.reciprocity)},
    }


# --- the parent ------------------------------------------------------------------------------

def ratio(a: float | None, b: float | None) -> float | None:
    """``a / b``, None when either is missing or ``b`` is 0.

    >>> ratio(3.0, 2.0), ratio(1.0, 0.0)
    (1.5, None)
    """
    return a / b if a is not None and b else None


def bench_size(triples: int, repeat: int) -> dict:
    """Generate (or reuse) the folder of ``triples`` and time the steps in one fresh process."""
    from benchmarks.__main__ import generate, run

    folder = ROOT / "build" / "bench" / f"t{triples}"
    print(f"== about {triples:,} triples: referral and support networks, {repeat} rounds "
          f"({folder.relative_to(ROOT)})", flush=True)
    generate(folder, triples)
    out = run("referral", folder, str(repeat))
    stated = re.search(r"^- triples: ([\d,]+)", (folder / "README.md").read_text(encoding="utf-8"), re.M)
    seconds = {step: statistics.median(out["runs"][step]) for step in STEPS}
    support = seconds["support_projection"] + seconds["support_measures"]
    referral = seconds["referral_projection"] + seconds["referral_measures"]
    result = {
        "triples": triples, "generated_triples": int(stated[1].replace(",", "")) if stated else None,
        "store_quads": out["quads"], "flows": out["flows"], "repeat": repeat,
        "support": out["support"], "referral": out["referral"], "seconds": seconds, "runs": out["runs"],
        "ratios": {"projection": ratio(seconds["referral_projection"], seconds["support_projection"]),
                   "measures": ratio(seconds["referral_measures"], seconds["support_measures"]),
                   "both": ratio(referral, support)},
        "peak_mb": out.get("peak_mb"),
    }
    r = result["ratios"]
    print(f"   {out['flows']:,} flows; support {_seconds(support)}, referral {_seconds(referral)}: "
          f"projection {_x(r['projection'])}, measures {_x(r['measures'])}, both {_x(r['both'])} "
          "of the support network", flush=True)
    return result


def bench(sizes, repeat: int = DEFAULT_REPEAT) -> dict:
    return {"machine": {"cores": os.cpu_count(), "python": platform.python_version()}, "repeat": repeat,
            "sizes": [bench_size(t, repeat) for t in sizes]}


def _seconds(s: float | None) -> str:
    if s is None:
        return "-"
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.1f} s"


def _x(r: float | None) -> str:
    return "-" if r is None else f"{r:.2f} x"


def _size(size: dict) -> str:
    """The generated data's triples (the store also holds the ontology and the schemes)."""
    return f"{size.get('generated_triples') or size['triples']:,} triples"


def table(results: dict) -> str:
    """The medians and ratios as a Markdown table, three rows per size, then the sizes of the networks."""
    lines = ["| size | step | support network | referral network | referral / support |", "|---|---|---|---|---|"]
    for size in results["sizes"]:
        s = size["seconds"]
        label = f"{_size(size)}, {size['flows']:,} flows"
        for name, a, b, key in (
                ("projection", s["support_projection"], s["referral_projection"], "projection"),
                ("measures", s["support_measures"], s["referral_measures"], "measures"),
                ("both", s["support_projection"] + s["support_measures"],
                 s["referral_projection"] + s["referral_measures"], "both")):
            lines.append(f"| {label} | {name} | {_seconds(a)} | {_seconds(b)} | {_x(size['ratios'][key])} |")
            label = ""
    lines += ["", "| size | support: nodes, edges | referral: nodes, edges | unnamed groups | reciprocal pairs |",
              "|---|---|---|---|---|"]
    for size in results["sizes"]:
        sup, ref = size["support"], size["referral"]
        lines.append(f"| {_size(size)} | {sup['nodes']:,}, {sup['edges']:,} | {ref['nodes']:,}, "
                     f"{ref['edges']:,} | {ref['groups']:,} | {ref['reciprocal_pairs']:,} |")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks --referral", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=textwrap.dedent("\n".join(__doc__.splitlines()[2:])))
    parser.add_argument("--triples", type=int, nargs="+", default=[DEFAULT_MAX_TRIPLES],
                        help=f"sizes of the generated graphs (default: {DEFAULT_MAX_TRIPLES})")
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT,
                        help=f"rounds per size; the median is kept (default: {DEFAULT_REPEAT})")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "build" / "bench-referral.json",
                        help="where the JSON goes (default: build/bench-referral.json)")
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.repeat < 1 or min(args.triples) < 1:
        raise SystemExit("--repeat and --triples must be positive")
    results = bench(args.triples, args.repeat)
    from benchmarks import write_results

    write_results(results, args.output, table(results), ROOT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
