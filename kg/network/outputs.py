"""The network outputs of a build, from one projection: measures as RDF, GraphML, the pages and the pictures."""

from __future__ import annotations

import time
from pathlib import Path

from rdflib import Dataset

from kg.graph.export import trig, write_atomic
from kg.graph.files import Project
from kg.network.draw import visualise, vocabulary_words
from kg.network.files import annotated, write_network
from kg.network.measures import MAIN_MEASURES, compute_measures
from kg.network.metrics import add_metrics
from kg.network.projection import project_network
from kg.network.report import summary


def write_outputs(target, out: Path, project: Project | None = None) -> str:
    """Project the network of ``target`` once, compute the measures, and write into ``out``:
    ``network-metrics.trig``, ``network.graphml``, the pages and pictures in Vietnamese and English.

    Returns the text summary of the build. Every drawing receives the one projection and
    filters its snapshots in memory: the graph is read once for the network, once per language for words.
    """
    project = project or Project()
    clock = time.perf_counter()
    projection = project_network(target, project=project)
    results = compute_measures(projection)
    analysis = time.perf_counter() - clock
    metrics = Dataset()
    add_metrics(metrics, results, projection)
    write_atomic(out / "network-metrics.trig", trig(metrics))
    write_network(annotated(projection.cooperation, results), "graphml", out / "network.graphml")
    words = {lang: vocabulary_words(target, lang) for lang in ("vi", "en")}
    seconds = {}
    for name, lang in (("network.html", "vi"), ("network-en.html", "en"), ("network.png", "vi"),
                       ("network-en.png", "en")):
        _, seconds[name] = visualise(out / name, lang=lang, projection=projection, words=words[lang])
    text = summary(projection, results, MAIN_MEASURES, top=5, lang="en")
    return (text + f"Network files: network.html, network-en.html (offline page), network.png, network-en.png, "
            f"network.graphml, network-metrics.trig beside them\n"
            f"Network timing: projection and measures {analysis:.2f} s; page {seconds['network.html']:.1f} s (vi), "
            f"{seconds['network-en.html']:.1f} s (en); picture {seconds['network.png']:.1f} s (vi), "
            f"{seconds['network-en.png']:.1f} s (en)\n")
