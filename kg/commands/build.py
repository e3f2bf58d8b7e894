"""``kg build``: the main job: load, validate, summarise and export everything into build/."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from kg.graph.export import FORMATS, export, write_atomic
from kg.graph.stats import compute_stats
from kg.graph.files import Project
from kg.graph.store import open_store
from kg.validation.validator import validate

NAME = "build"
HELP = "the main job: load, validate, summarise and export into build/"
DESCRIPTION = """Load the ontology, schemes and curated data; validate them; export the graph in every
format into build/ (build/vnhealth.ttl, .nt, .trig, .nq, .jsonld; build/vnhealth-full.trig
adds the ontology, the schemes and the folded search labels, ready for a SPARQL store); write the validation report,
the network's pages and pictures and its map (build/map.html, build/map-en.html); print a summary.

Every command reads the graph from the store in build/store/, which is built on first use and
then refreshed: only files whose content changed are parsed again. --rebuild starts afresh.

Exit codes: 0 built and conforms, 1 built but the data does not conform, 2 bad input."""
EXAMPLES = """examples:
  kg build
  kg build --rebuild
  kg build -o /tmp/out"""


def add_arguments(parser):
    parser.add_argument("-o", "--out-dir", type=Path, metavar="DIR", help="where to write (default: build/)")
    parser.add_argument("--rebuild", action="store_true",
                        help="build the store (build/store/) from scratch instead of refreshing what changed; "
                             "the cure for a damaged store")


def _step(message: str) -> float:
    print(f"* {message}", file=sys.stderr, flush=True)
    return time.perf_counter()


def _shown(path: Path) -> str:
    """``path`` relative to the working folder when it lies below it, for short messages."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


#: The file that lists the outputs of the last complete ``kg build``; an interrupted build leaves none.
MANIFEST = "build-manifest.json"


def _write_manifest(out: Path, began: float, store) -> None:
    """List every file this run wrote in ``out`` (size and SHA-256) with the store version it came from, so that a
    reader can tell a complete build from the leftovers of an interrupted one."""
    import hashlib
    import json

    files = {}
    for path in sorted(out.iterdir()):
        if path.is_file() and not path.name.startswith(".") and path.name != MANIFEST and path.stat().st_mtime >= began - 1:
            files[path.name] = {"size": path.stat().st_size, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    version = store.location.name if getattr(store, "location", None) else None
    write_atomic(out / MANIFEST, json.dumps({"store_version": version, "files": files}, indent=1, sort_keys=True) + "\n")


def run(args) -> int:
    project = Project()
    out = args.out_dir or project.build_dir
    shown = _shown(out)
    began = time.time()
    manifest = out / MANIFEST
    manifest.unlink(missing_ok=True)  # until this run is complete, no manifest vouches for the outputs
    started = _step("loading ontology, schemes and curated data into the store" + (" (rebuilt)" if args.rebuild else ""))
    store = open_store(project, rebuild=args.rebuild, progress=lambda m: print(f"  {m}", file=sys.stderr, flush=True))
    if store.refresh_note is None:
        print("  store up to date: nothing to parse", file=sys.stderr, flush=True)
    stats = compute_stats(store)

    _step("validating against shapes/ and queries/*-violation.rq")
    report = validate(project=project, store=store)
    if report.note:
        print(f"  {report.note}", file=sys.stderr, flush=True)
    write_atomic(out / "validation.txt", report.to_text())
    write_atomic(out / "validation.json", report.to_json())

    _step(f"exporting into {shown}/")
    written = []
    for fmt, (suffix, _) in FORMATS.items():
        written.append(export(store, fmt, out / f"vnhealth{suffix}"))
    # the full export serves endpoints: `kg search --endpoint` needs the folded labels
    written.append(export(store, "trig", out / "vnhealth-full.trig", include_ontology=True, include_search=True))

    _step("analysing the support network; drawing the page, the picture and the map")
    from kg.network.outputs import write_outputs  # matplotlib and pyvis load only here

    network_text = write_outputs(store, out, project)

    classes = ", ".join(f"{k} {v}" for k, v in sorted(stats.classes.items(), key=lambda kv: (-kv[1], kv[0]))[:8])
    print(f"Graph: {stats.triples} triples in {len(stats.graphs)} named graphs; {stats.concepts} SKOS concepts")
    print(f"Entities: {classes}")
    print(f"Validation: {report.count('Violation')} violations, {report.count('Warning')} warnings -> "
          f"{'conforms' if report.conforms else 'DOES NOT CONFORM (see ' + shown + '/validation.txt' + ')'}")
    print(f"Exports: {', '.join(p.name for p in written)} in {shown}/")
    print(network_text, end="")
    _write_manifest(out, began, store)
    print(f"Done in {time.perf_counter() - started:.1f} s")
    return 0 if report.conforms else 1
