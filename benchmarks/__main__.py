"""Run the benchmarks and print each timing as a ratio to the reference measured in the same run.

Usage: ``python -m benchmarks [--scale N ...] [--repeat R]`` (``make bench`` runs the defaults).
The curated graph is replicated N times with renamed IRIs, so the data keeps its shape.
"""

from __future__ import annotations

import argparse
import json
import time

from rdflib import Graph, URIRef

from kg.graph.export import serialise, write_atomic
from kg.namespaces import BASE, HKG, SH
from kg.graph.files import Project, load_dataset, load_ontology, load_shapes, union_graph
from kg.validation.validator import shacl_findings

# The same rule as the Core sh:lessThanOrEquals constraint, written as SHACL-SPARQL.
SPARQL_SHAPE = f"""
@prefix sh: <{SH}> . @prefix hkg: <{HKG}> .
<urn:bench:StartBeforeEndSparql> a sh:NodeShape ; sh:targetClass hkg:Cooperation ;
  sh:sparql [ sh:message "start after end" ; sh:select \"\"\"
    SELECT $this ?value WHERE {{ $this <{HKG}startDate> ?value ; <{HKG}endDate> ?end . FILTER (?value > ?end) }}\"\"\" ] .
"""
CORE_SHAPE = f"""
@prefix sh: <{SH}> . @prefix hkg: <{HKG}> .
<urn:bench:StartBeforeEndCore> a sh:NodeShape ; sh:targetClass hkg:Cooperation ;
  sh:property [ sh:path hkg:startDate ; sh:lessThanOrEquals hkg:endDate ] .
"""


def replicate(graph: Graph, copies: int) -> Graph:
    """``copies`` disjoint copies of ``graph``: project IRIs (not classes or concepts) get a ``-cN`` suffix."""
    out = Graph()
    keep = lambda t: not isinstance(t, URIRef) or not str(t).startswith(BASE + "id/") or "/concept/" in str(t)
    for n in range(copies):
        rename = lambda t: t if keep(t) else URIRef(f"{t}-c{n}")
        for s, p, o in graph:
            out.add((rename(s), p, rename(o)))
    return out


def best_of(repeat: int, func) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 20], help="copies of the curated graph (default: 1 20)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing; the best is kept (default: 3)")
    args = parser.parse_args(argv)
    project = Project()
    dataset = load_dataset(project=project)
    data, ontology, shapes = union_graph(dataset), load_ontology(project), load_shapes(project)
    results = []

    def record(name, reference, seconds, ref_seconds, triples):
        results.append({"benchmark": name, "reference": reference, "triples": triples, "seconds": round(seconds, 4),
                        "reference_seconds": round(ref_seconds, 4), "ratio": round(seconds / ref_seconds, 2)})
        print(f"{name:<46} {triples:>8} triples  {seconds:8.3f} s = {seconds / ref_seconds:7.2f} x {reference}",
              flush=True)

    for copies in args.scale:
        big = replicate(data, copies)
        text = big.serialize(format="nt")
        parse = best_of(args.repeat, lambda: Graph().parse(data=text, format="nt"))
        shacl = best_of(args.repeat, lambda: shacl_findings(big, shapes, ontology))
        record(f"validate with shapes/ (x{copies})", "parsing the same N-Triples", shacl, parse, len(big))
        core_shape, sparql_shape = Graph().parse(data=CORE_SHAPE), Graph().parse(data=SPARQL_SHAPE)
        core = best_of(args.repeat, lambda: shacl_findings(big, core_shape, ontology))
        sparql = best_of(args.repeat, lambda: shacl_findings(big, sparql_shape, ontology))
        record(f"start<=end as SHACL-SPARQL (x{copies})", "the same rule in SHACL Core", sparql, core, len(big))
    nt = best_of(args.repeat, lambda: serialise(dataset, "ntriples"))
    for fmt in ("turtle", "trig", "nquads", "jsonld"):
        record(f"export {fmt} (x1)", "export ntriples", best_of(args.repeat, lambda: serialise(dataset, fmt)), nt, len(data))
    out = write_atomic(project.build_dir / "bench.json", json.dumps(results, indent=1) + "\n")
    print(f"wrote {out.relative_to(project.root)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
