"""The downloads of the site and the dataset's description in VoID and DCAT (``/.well-known/void``)."""

from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from kg.errors import InputError
from kg.graph.export import FORMATS, export, write_atomic
from kg.graph.search_labels import SEARCH_GRAPH
from kg.namespaces import BASE, bind_prefixes

VOID = Namespace("http://rdfs.org/ns/void#")
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")

_MEDIA = {"turtle": "text/turtle", "ntriples": "application/n-triples", "trig": "application/trig",
          "nquads": "application/n-quads", "jsonld": "application/ld+json"}
#: Files of ``kg build`` offered when they exist: name -> media type.
_BUILT = {"network.graphml": "application/graphml+xml", "network-metrics.trig": "application/trig",
          "network.png": "image/png", "network-en.png": "image/png", "validation.txt": "text/plain",
          "validation.json": "application/json"}


def downloadable(project) -> list[dict]:
    """The files of the downloads page: every export (made when first asked for), then the files of the
    last ``kg build`` that exist."""
    files = [{"name": f"vnhealth{suffix}", "media": _MEDIA[fmt], "format": fmt, "kind": "dump",
              "path": project.build_dir / f"vnhealth{suffix}"} for fmt, (suffix, _) in FORMATS.items()]
    files.append({"name": "vnhealth-full.trig", "media": "application/trig", "format": "trig", "kind": "dump",
                  "path": project.build_dir / "vnhealth-full.trig"})
    for name, media in _BUILT.items():
        path = project.build_dir / name
        if path.is_file():
            files.append({"name": name, "media": media, "format": None, "kind": "built", "path": path})
    for f in files:
        f["size"] = f["path"].stat().st_size if f["path"].is_file() else None
    return files


def ensure_download(store, project, name: str) -> Path:
    """The path of the download ``name``, exported from the store first when it is missing or older than the store."""
    entry = next(f for f in downloadable(project) if f["name"] == name)
    path = entry["path"]
    if entry["kind"] == "built":
        return path
    stamp = store.location.stat().st_mtime if getattr(store, "location", None) else 0
    if not path.is_file() or path.stat().st_mtime < stamp:
        full = name == "vnhealth-full.trig"
        try:
            export(store, entry["format"], path, include_ontology=full, include_search=full)
        except OSError as exc:
            raise InputError(f"cannot write {path.name} into {path.parent.name}/ ({exc.strerror}); "
                             "run kg build, or give the server a writable build folder") from None
    return path


def write_void(path: Path, store, project, base: str) -> Path:
    """The description of :func:`void_graph` written to ``path`` as Turtle (``kg docs``), for catalogues that
    harvest a file rather than the site's ``/.well-known/void``."""
    return write_atomic(path, void_graph(store, project, base).serialize(format="turtle"))


def void_graph(store, project, base: str) -> Graph:
    """The dataset described with VoID and DCAT: triples per source graph, classes, licence, dumps, endpoint."""
    g = bind_prefixes(Graph())
    g.bind("void", VOID)
    g.bind("dcat", DCAT)
    dataset = URIRef(BASE + "dataset")
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal("Vietnam Health Cooperation Knowledge Graph", lang="en")))
    g.add((dataset, DCTERMS.title, Literal("Đồ thị tri thức hợp tác y tế Việt Nam", lang="vi")))
    g.add((dataset, DCTERMS.description, Literal("Who supports whom in Vietnam's health system: institutions, agreements, "
                                                 "techniques, events and figures, one named graph per source.", lang="en")))
    g.add((dataset, DCTERMS.license, LICENCE))
    g.add((dataset, VOID.uriSpace, Literal(BASE + "id/")))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(base + "/sparql")))
    g.add((dataset, VOID.vocabulary, URIRef(BASE + "def#")))
    g.add((dataset, VOID.triples, Literal(store.data_triples(), datatype=XSD.integer)))
    service = URIRef(base + "/sparql")
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCAT.endpointURL, service))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((dataset, DCAT.distribution, URIRef(base + "/sparql#distribution")))
    for f in downloadable(project):
        if f["kind"] != "dump":
            continue
        url = URIRef(f"{base}/download/{f['name']}")
        g.add((dataset, VOID.dataDump, url))
        dist = URIRef(f"{base}/download/{f['name']}#distribution")
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{f['media']}")))
        g.add((dist, DCTERMS.license, LICENCE))
    sparql_dist = URIRef(base + "/sparql#distribution")
    g.add((sparql_dist, RDF.type, DCAT.Distribution))
    g.add((sparql_dist, DCAT.accessURL, service))
    g.add((sparql_dist, DCAT.accessService, service))
    for name, size in sorted(store.graph_sizes().items()):
        if name == str(SEARCH_GRAPH):
            continue
        subset = URIRef(name)
        g.add((dataset, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, VOID.triples, Literal(size, datatype=XSD.integer)))
        for src in store.objects(subset, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")):
            g.add((subset, DCTERMS.source, src))
    answer = store.query("SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g { ?e a ?c } "
                         f"FILTER(?g != <{SEARCH_GRAPH}>) }} GROUP BY ?c ORDER BY ?c")
    for solution in answer:
        part = BNode()
        g.add((dataset, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(solution["c"].value)))
        g.add((part, VOID.entities, Literal(int(solution["n"].value), datatype=XSD.integer)))
    return g
