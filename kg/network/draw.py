"""Drawing the network into a file: the offline page (``.html``) or the tiered picture (``.png``, ``.svg``),
and the map of it (``visualise_map``), as a page or a picture too.

The network's page and picture show two layers: the support network (support flows down the tiers) and the
referral network (patients sent up them). The map's show two layers of provinces: before and after 1 July 2025.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path


from kg.errors import InputError
from kg.graph.files import Project
from kg.graph.store import open_store
from kg.network.measures import compute_measures
from kg.network.page import write_page
from kg.network.picture import draw_picture, vocabulary_labels
from kg.network.projection import Projection, cooperation_network, project_network, snapshot
from kg.network.referral import ReferralProjection, project_referrals
from kg.network.style import UI_WORDS


def visualise(path: Path, target=None, lang: str = "vi", size_by: str = "out_degree",
              colour_by: str = "level", as_of: date | None = None, include_planned: bool = False,
              project: Project | None = None, projection: Projection | None = None,
              words: dict | None = None, referrals: ReferralProjection | None = None) -> tuple[Path, float]:
    """Draw the network into ``path`` (``.html``, ``.png`` or ``.svg``); returns the path and the seconds taken.

    ``projection`` (of the whole graph, every link), ``words`` (``vocabulary_words``) and ``referrals``
    (``project_referrals`` of the whole graph, every flow), when given, are used as they are: the graph is
    not read again. What is not given comes from ``target`` (default: the project's store).
    """
    started = time.perf_counter()
    path, suffix = _picture_path(path)
    if projection is None or words is None or referrals is None:
        project = project or Project()
        target = target if target is not None else open_store(project)
        projection = projection or project_network(target, None, include_planned, project)
        words = words or vocabulary_words(target, lang)
        if referrals is None:
            referrals = project_referrals(target, project=project)
    if suffix == ".html":
        write_page(path, projection, lang, size_by, colour_by, as_of, include_planned, words, referrals=referrals)
    else:
        shown = snapshot(projection, as_of)
        shown.include_planned = include_planned
        results = compute_measures(shown, [size_by])
        drawing = cooperation_network(shown.links, shown.institutions, include_planned=True)
        flows = project_referrals(None, as_of, flows=referrals.flows, nodes=referrals.nodes) if as_of else referrals
        draw_picture(shown, drawing, results, path, lang, size_by, colour_by, words, referral=flows.network)
    return path, time.perf_counter() - started


def visualise_map(path: Path, target=None, lang: str = "vi", as_of: date | None = None, layer: str | None = None,
                  include_planned: bool = False, colour_by: str = "role", project: Project | None = None,
                  projection: Projection | None = None, places=None, words: dict | None = None) -> tuple[Path, float]:
    """Draw the map of the support network into ``path`` (``.html``, ``.png`` or ``.svg``); returns the path and
    the seconds taken.

    ``projection`` (every link), ``places`` (``kg.network.map.read_places``) and ``words``, when given, are used
    as they are; what is not given is read from ``target`` (default: the project's store). ``layer`` (``before``
    or ``after`` 1 July 2025) is the layer the page opens on, or the picture shows; by default the country of
    ``as_of``.
    """
    from kg.network.map import read_places
    from kg.network.map_page import write_map_page
    from kg.network.map_picture import draw_map

    started = time.perf_counter()
    path, suffix = _picture_path(path)
    if projection is None or places is None or words is None:
        project = project or Project()
        target = target if target is not None else open_store(project)
        projection = projection or project_network(target, None, include_planned, project)
        places = places or read_places(target, project)
        words = words or vocabulary_words(target, lang)
    if suffix == ".html":
        write_map_page(path, projection, places, lang, words, as_of, include_planned, colour_by, layer)
    else:
        draw_map(projection, places, path, lang, words, as_of, layer, include_planned, colour_by)
    return path, time.perf_counter() - started


def _picture_path(path) -> tuple[Path, str]:
    """``path`` and its type (``.html``, ``.png`` or ``.svg``); any other is an InputError."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".html", ".png", ".svg"):
        raise InputError(f"{path}: unknown picture type '{suffix}'; give a file name ending in .html, .png or .svg")
    return path, suffix


def vocabulary_words(target, lang: str) -> dict[str, str]:
    """The words of the page and the picture in ``lang``: the vocabulary's labels, then the interface's own."""
    return {**vocabulary_labels(target, lang), **UI_WORDS[lang]}
