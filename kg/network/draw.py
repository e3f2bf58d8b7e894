"""Drawing the network into a file: the offline page (``.html``) or the tiered picture (``.png``, ``.svg``)."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from rdflib import Dataset

from kg.errors import InputError
from kg.graph.files import Project, load_dataset
from kg.network.measures import compute_measures
from kg.network.page import write_page
from kg.network.picture import draw_picture, vocabulary_labels
from kg.network.projection import cooperation_network, project_network
from kg.network.style import UI_WORDS


def visualise(path: Path, dataset: Dataset | None = None, lang: str = "vi", size_by: str = "out_degree",
              colour_by: str = "level", as_of: date | None = None, include_planned: bool = False,
              project: Project | None = None) -> tuple[Path, float]:
    """Draw the network into ``path`` (``.html``, ``.png`` or ``.svg``); returns the path and the seconds taken."""
    started = time.perf_counter()
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".html", ".png", ".svg"):
        raise InputError(f"{path}: unknown picture type '{suffix}'; give a file name ending in .html, .png or .svg")
    project = project or Project()
    dataset = dataset if dataset is not None else load_dataset(project=project)
    words = {**vocabulary_labels(dataset, lang), **UI_WORDS[lang]}
    if suffix == ".html":
        write_page(path, dataset, lang, size_by, colour_by, as_of, include_planned, project, words)
    else:
        projection = project_network(dataset, as_of, include_planned, project)
        results = compute_measures(projection, [size_by])
        drawing = cooperation_network(projection.links, projection.institutions, include_planned=True)
        draw_picture(projection, drawing, results, path, lang, size_by, colour_by, words)
    return path, time.perf_counter() - started
