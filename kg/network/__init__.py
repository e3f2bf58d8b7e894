"""The support and cooperation networks: projection from the graph, measures, reports, network files,
measures as RDF, the picture, the offline page and the map. Built on ``kg.graph`` and ``kg.queries``.
"""

from kg.network.files import NETWORK_FORMATS, annotated, write_network
from kg.network.measures import MAIN_MEASURES, MEASURES, MeasureResult, compute_measures
from kg.network.projection import Link, Projection, project_network, read_institutions, read_links, snapshot_diff
from kg.network.draw import visualise, visualise_map
from kg.network.map import Places, read_places

__all__ = ["Link", "Projection", "project_network", "read_links", "read_institutions", "snapshot_diff", "MEASURES",
           "MAIN_MEASURES", "MeasureResult", "compute_measures", "NETWORK_FORMATS", "annotated", "write_network",
           "visualise", "visualise_map", "Places", "read_places"]
