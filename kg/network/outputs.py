"""The network outputs of a build, from one projection: measures as RDF, GraphML, the pages, the pictures and the map."""

from __future__ import annotations

import time
from pathlib import Path

from rdflib import Dataset

from kg.graph.export import trig, write_atomic
from kg.graph.files import Project
from kg.network.draw import visualise, visualise_map, vocabulary_words
from kg.network.files import annotated, write_network
from kg.network.map import read_places
from kg.network.measures import MAIN_MEASURES, compute_measures
from kg.network.metrics import add_metrics
from kg.network.projection import project_network
from kg.network.referral import add_referral_metrics, project_referrals, referral_measures
from kg.network.report import summary


def write_outputs(target, out: Path, project: Project | None = None) -> str:
    """Project the network of ``target`` once, compute the measures, and write into ``out``:
    ``network-metrics.trig``, ``network.graphml``, the pages and pictures in Vietnamese and English, and the
    map pages (``map.html``, ``map-en.html``).

    Returns the text summary of the build. Every drawing receives the one projection and
    filters its snapshots in memory: the graph is read once for the network, once per language for words.
    """
    project = project or Project()
    clock = time.perf_counter()
    projection = project_network(target, project=project)
    results = compute_measures(projection)
    analysis = time.perf_counter() - clock
    clock = time.perf_counter()
    referrals = project_referrals(target, project=project)
    referral = referral_measures(referrals, projection.support)
    referral_seconds = time.perf_counter() - clock
    metrics = Dataset()
    add_metrics(metrics, results, projection)
    add_referral_metrics(metrics, referral, referrals)
    write_atomic(out / "network-metrics.trig", trig(metrics))
    write_network(annotated(projection.cooperation, results), "graphml", out / "network.graphml")
    write_network(referrals.network, "graphml", out / "referral.graphml")
    words = {lang: vocabulary_words(target, lang) for lang in ("vi", "en")}
    seconds = {}
    for name, lang in (("network.html", "vi"), ("network-en.html", "en"), ("network.png", "vi"),
                       ("network-en.png", "en")):
        _, seconds[name] = visualise(out / name, lang=lang, projection=projection, words=words[lang],
                                     referrals=referrals)
    places = read_places(target, project)
    for name, lang in (("map.html", "vi"), ("map-en.html", "en")):
        _, seconds[name] = visualise_map(out / name, lang=lang, projection=projection, places=places, words=words[lang])
    text = summary(projection, results, MAIN_MEASURES, top=5, lang="en")
    graph = referrals.network
    load = max(referral.in_strength.items(), key=lambda kv: (kv[1], kv[0]), default=(None, 0.0))
    text += (f"Referral network: {len(referrals.flows)} flows, {graph.number_of_nodes()} nodes "
             f"({len(referral.groups)} unnamed groups), "
             f"{sum(1 for _, _, d in graph.edges(data=True) if d['volume_stated'])} with a stated volume"
             + (f"; heaviest load {graph.nodes[load[0]]['label_en']} ({load[1]:,.0f} patients as stated)" if load[1] else "")
             + f"; {len(referral.reciprocity)} support-and-referral pairs ('kg referrals' for the rest)\n")
    pointed = sum(1 for area in places.areas.values() if area.point is not None)
    text += (f"Map: {pointed} areas with a point, {sum(1 for s in places.sites if places.point_of(s, 'after'))} of "
             f"{len(places.sites)} institutions placed (after 1 July 2025); map.html, map-en.html\n")
    return (text + f"Network files: network.html, network-en.html (offline page), network.png, network-en.png, "
            f"network.graphml, referral.graphml, network-metrics.trig beside them\n"
            f"Network timing: projection and measures {analysis:.2f} s (referrals {referral_seconds:.2f} s); page {seconds['network.html']:.1f} s (vi), "
            f"{seconds['network-en.html']:.1f} s (en); picture {seconds['network.png']:.1f} s (vi), "
            f"{seconds['network-en.png']:.1f} s (en); map {seconds['map.html']:.1f} s (vi), {seconds['map-en.html']:.1f} s (en)\n")
