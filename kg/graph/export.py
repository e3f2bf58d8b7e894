"""Deterministic serialisations of the graph: the same bytes on every run, written atomically."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef  # noqa: F401 - URIRef: doctests
from rdflib.compare import to_canonical_graph

from kg.errors import InputError
from kg.namespaces import PREFIXES, bind_prefixes
from kg.graph.files import ONTOLOGY_GRAPH, union_graph

#: format name -> (file suffix, keeps named graphs)
FORMATS = {
    "turtle": (".ttl", False),
    "ntriples": (".nt", False),
    "trig": (".trig", True),
    "nquads": (".nq", True),
    "jsonld": (".jsonld", True),
}


def _canonical(graph: Graph, scope: str = "") -> Graph:
    """``graph`` with blank nodes relabelled canonically, so their labels are the same on every run.

    ``scope`` goes before every label: each named graph of a dataset export gets its own
    (:func:`scope_of`), so that blank nodes of two graphs never share a label, and a reader
    of N-Quads, TriG or JSON-LD never merges them into one node.
    """
    if not any(isinstance(t, BNode) for triple in graph for t in triple):
        return graph
    canonical = bind_prefixes(Graph())
    scoped = lambda t: BNode(scope + str(t)) if scope and isinstance(t, BNode) else t  # noqa: E731
    for s, p, o in to_canonical_graph(graph):
        canonical.add((scoped(s), p, scoped(o)))
    return canonical


def scope_of(name) -> str:
    """A blank node label prefix of its own for the named graph ``name``: its local name and a short hash.

    >>> scope_of(URIRef("https://w3id.org/vnhealth/graph/source-002"))
    'source002x1ae461'
    """
    local = re.sub(r"[^A-Za-z0-9]", "", str(name).rstrip("/").replace("#", "/").rsplit("/", 1)[-1])[:24]
    return f"{local or 'g'}x{hashlib.sha1(str(name).encode('utf-8')).hexdigest()[:6]}"


def _sorted_lines(lines) -> str:
    return "".join(sorted(set(lines)))


def ntriples(graph: Graph) -> str:
    """N-Triples, one triple a line, lines sorted.

    >>> from rdflib import Literal, URIRef
    >>> g = Graph(); _ = g.add((URIRef("urn:a"), URIRef("urn:p"), Literal("x")))
    >>> ntriples(g)
    '<urn:a> <urn:p> "x" .\\n'
    """
    graph = _canonical(graph)
    return _sorted_lines(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in graph)


def _graphs(dataset: Dataset, include_ontology: bool) -> list[Graph]:
    graphs = [g for g in dataset.graphs() if len(g) and (include_ontology or g.identifier != ONTOLOGY_GRAPH)]
    return sorted(graphs, key=lambda g: str(g.identifier))


def nquads(dataset: Dataset, include_ontology: bool = False) -> str:
    """N-Quads keeping every named graph, lines sorted."""
    lines = []
    for graph in _graphs(dataset, include_ontology):
        canon = _canonical(graph, scope_of(graph.identifier))
        name = graph.identifier.n3()
        lines += [f"{s.n3()} {p.n3()} {o.n3()} {name} .\n" for s, p, o in canon]
    return _sorted_lines(lines)


def turtle(graph: Graph, scope: str = "") -> str:
    """Turtle with the project prefixes; rdflib orders subjects and predicates, and blank nodes are inlined
    where they are used once (labelled with ``scope`` where not)."""
    return bind_prefixes(_canonical(graph, scope)).serialize(format="turtle")


def trig(dataset: Dataset, include_ontology: bool = False) -> str:
    """TriG: one block per named graph, graphs in IRI order, each block as deterministic as ``turtle``.

    Only the prefixes that some block uses are declared, in the project's prefix order.
    """
    names = bind_prefixes(Graph()).namespace_manager
    used, blocks = {"graph"}, []
    for graph in _graphs(dataset, include_ontology):
        lines = turtle(graph, scope_of(graph.identifier)).splitlines()
        used |= {line.split()[1].rstrip(":") for line in lines if line.startswith("@prefix")}
        body = "\n".join(line for line in lines if not line.startswith("@prefix")).strip()
        indented = "\n".join(("    " + line) if line else "" for line in body.splitlines())
        blocks.append(f"{names.normalizeUri(graph.identifier)} {{\n{indented}\n}}\n")
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items() if p in used)
    return header + "\n" + "\n".join(blocks)


def _ordered(node, key=None):
    """``node`` with every JSON array sorted, except ``@list`` arrays, whose order is meaningful.

    >>> _ordered({"b": [2, 1], "@list": [2, 1]})
    {'b': [1, 2], '@list': [2, 1]}
    """
    if isinstance(node, dict):
        return {k: _ordered(v, k) for k, v in node.items()}
    if isinstance(node, list):
        items = [_ordered(item) for item in node]
        if key == "@list":
            return items
        return sorted(items, key=lambda n: json.dumps(n, sort_keys=True, ensure_ascii=False))
    return node


def jsonld(dataset: Dataset, include_ontology: bool = False) -> str:
    """JSON-LD with an ``@context`` of the project prefixes and one ``@graph`` entry per named graph."""
    context = {p: str(ns) for p, ns in PREFIXES.items()}
    parts = []
    for graph in _graphs(dataset, include_ontology):
        data = json.loads(_canonical(graph, scope_of(graph.identifier)).serialize(format="json-ld", context=context,
                                                                                   auto_compact=False))
        nodes = data.get("@graph", [data] if isinstance(data, dict) and "@id" in data else data)
        if isinstance(nodes, dict):
            nodes = [nodes]
        parts.append({"@id": bind_prefixes(Graph()).namespace_manager.normalizeUri(graph.identifier),
                      "@graph": _ordered(nodes)})
    return json.dumps({"@context": context, "@graph": parts}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def serialise(dataset, fmt: str, include_ontology: bool = False, include_search: bool = False) -> str:
    """The dataset (an rdflib ``Dataset`` or the store) in ``fmt`` (one of ``FORMATS``): merged for Turtle and
    N-Triples, graph by graph otherwise. From the store, the search labels come only with ``include_search``."""
    from kg.graph.store import GraphStore

    if fmt not in FORMATS:
        raise InputError(f"unknown export format '{fmt}'; choose one of: {', '.join(FORMATS)}")
    if isinstance(dataset, GraphStore):
        if len(dataset) >= LARGE:
            return large_export(dataset, fmt, include_ontology, include_search)
        dataset = dataset.dataset(include_ontology=include_ontology, include_search=include_search)
    if fmt == "turtle":
        return turtle(union_graph(dataset, include_ontology))
    if fmt == "ntriples":
        return ntriples(union_graph(dataset, include_ontology))
    if fmt == "trig":
        return trig(dataset, include_ontology)
    if fmt == "nquads":
        return nquads(dataset, include_ontology)
    return jsonld(dataset, include_ontology)


#: From this many quads on, the store is written by Oxigraph's own writers (:func:`large_export`), not rdflib's.
LARGE = 20_000


def _quads_of(store, include_ontology: bool, include_search: bool) -> list:
    """The store's quads to export, blank nodes relabelled by RDFC-1.0 (the W3C canonical labelling).

    Only the quads that mention a blank node take part in the labelling: RDFC-1.0 labels a
    blank node from the quads around it, so the others need not be looked at.
    """
    import pyoxigraph as ox

    from kg.graph.search_labels import SEARCH_GRAPH

    key = (str(store.location), include_ontology, include_search)
    if store.location is not None and _LAST_QUADS.get("key") == key:  # a published version never changes
        return list(_LAST_QUADS["quads"])
    skip = set() if include_ontology else {str(ONTOLOGY_GRAPH)}
    if not include_search:
        skip.add(str(SEARCH_GRAPH))
    plain, blank = [], []
    for quad in store.quads():
        if not isinstance(quad.graph_name, ox.NamedNode) or quad.graph_name.value in skip:
            continue
        (blank if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode) else plain).append(quad)
    if blank:
        canonical = ox.Dataset(blank)
        canonical.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        plain += list(canonical)
    if store.location is not None:
        _LAST_QUADS.update(key=key, quads=tuple(plain))
    return plain


#: The quads of the last export from a published store version, for the next format of the same build
#: (``kg build`` writes six): reading and relabelling them is most of the time of an export.
_LAST_QUADS: dict = {}


def large_export(store, fmt: str, include_ontology: bool = False, include_search: bool = False) -> str:
    """``fmt`` written from the store by Oxigraph, for graphs too large for rdflib's writers to be quick.

    Deterministic: statements are sorted, blank nodes labelled by RDFC-1.0 (unique across named
    graphs). N-Triples and N-Quads are one sorted statement a line, as from rdflib; Turtle, TriG
    and JSON-LD group statements by subject with the project prefixes, in Oxigraph's layout.
    """
    import pyoxigraph as ox

    quads = _quads_of(store, include_ontology, include_search)
    if fmt == "nquads":
        return "".join(sorted({f"{q.subject} {q.predicate} {q.object} {q.graph_name} .\n" for q in quads}))
    if fmt == "ntriples":
        return "".join(sorted({f"{q.subject} {q.predicate} {q.object} .\n" for q in quads}))
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    if fmt == "turtle":
        triples = sorted({q.triple for q in quads}, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes).decode("utf-8")
    quads.sort(key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    target = ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.JSON_LD
    return ox.serialize(quads, format=target, prefixes=prefixes).decode("utf-8")


def _remove_stale(path: Path) -> None:
    """Remove the temporary files of earlier writes of ``path`` whose process has gone (killed mid-write)."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        parts = stale.name[len(path.name) + 2:].split(".")
        if not parts or not parts[0].isdigit():
            continue
        try:
            os.kill(int(parts[0]), 0)
        except ProcessLookupError:
            stale.unlink(missing_ok=True)
        except (PermissionError, OverflowError):
            pass  # alive (another user's), or not a process number


def write_atomic(path: Path, content: str | bytes) -> Path:
    """Write ``content`` (text as UTF-8, or bytes) to ``path`` through a temporary file in the same
    folder and a rename: never half-written. An unwritable path is an ``InputError``.

    The temporary file's name holds the writer's process number, so that one left by a killed
    process is removed by the next write of the same path.
    """
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    if path.is_symlink():  # write where the link points, and keep the link
        path = path.resolve()
    if path.exists() and not path.is_dir() and not path.is_file():  # a device or a pipe: write through it
        try:
            with open(path, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise InputError(f"{path}: cannot be written ({exc.strerror or exc})") from None
        return path
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputError(f"{path}: cannot be written: {parent} is a file, not a folder; give a path in a folder")
            break
    tmp = None
    try:
        if path.is_dir():
            raise IsADirectoryError(21, "is a folder")
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual permissions
        os.replace(tmp, path)
    except OSError as exc:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise InputError(f"{path}: cannot be written ({exc.strerror or exc}); give a file path in a folder "
                         "you can write to") from None
    except BaseException:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise
    return path


def export(dataset, fmt: str, output: Path, include_ontology: bool = False, include_search: bool = False) -> Path:
    """Serialise and write atomically; returns the path written."""
    return write_atomic(output, serialise(dataset, fmt, include_ontology, include_search))
