"""The persistent store: one on-disk Oxigraph database under ``build/store/`` that every command reads.

The store is built from ``ontology/`` and ``data/`` on first use and then refreshed
incrementally. A file whose size or time changed is hashed; when its content changed, the
named graphs it writes are dropped and reloaded, together with the other files that write
into the same graphs (the files of ``data/reference/`` share ``graph:reference``). Unchanged
files are not parsed again, so a command on an up-to-date store parses no RDF at all.

Every refresh writes a new *version* of the database and publishes it only when it is
complete:

- ``build/store/vNNNNNN/`` is an Oxigraph database, and ``vNNNNNN.json`` its manifest
  (format, files with size, time, SHA-256 and graphs, triples per graph);
- ``build/store/current`` names the published version; it is replaced atomically
  (write and rename), after the database and its manifest are on disk;
- a refresh starts from a copy of the current version (Oxigraph's backup: hard links,
  no data copied), changes that copy, and publishes it. A refresh that fails half-way
  (a syntax error, a full disk, a killed process) leaves ``current`` as it was; the
  half-written version is removed by the next refresh.
- readers open the published version read-only and never see a half-loaded graph;
  writers take ``build/store/lock`` so that two refreshes never run at once.

The ontology and the SKOS schemes go into ``graph:ontology``; the folded search labels are
rebuilt into ``graph:search-labels`` after every refresh (see :mod:`kg.graph.search_labels`).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.errors import InputError, ParseError
from kg.graph.files import ONTOLOGY_GRAPH, Project, check_rdf_xml, parse_into, rdf_format, require_file
from kg.graph.search_labels import SEARCH_GRAPH, fold
from kg.namespaces import HKG, ID, LABEL_PROPERTIES, bind_prefixes

#: Bumped whenever what a version holds changes; an older store is rebuilt, not refreshed.
STORE_FORMAT = 1

_OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES,
               "nquads": ox.RdfFormat.N_QUADS, "xml": ox.RdfFormat.RDF_XML}
_XSD_STRING = str(XSD.string)
_LANG_STRING = str(RDF.langString)


# --- terms ------------------------------------------------------------------------------------

def to_rdflib(term):
    """An rdflib term for an Oxigraph term (None stays None); simple literals get no datatype, as rdflib parses them.

    >>> to_rdflib(ox.Literal("Bạch Mai", language="vi"))
    rdflib.term.Literal('Bạch Mai', lang='vi')
    >>> to_rdflib(ox.Literal("x")).datatype is None
    True
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == _XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.DefaultGraph):
        return None
    raise InputError(f"the store holds a term rdflib cannot represent: {term}")


def from_rdflib(term):
    """An Oxigraph term for an rdflib term.

    >>> from_rdflib(URIRef("urn:x"))
    <NamedNode value=urn:x>
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise InputError(f"cannot put {term!r} into the store: only IRIs, literals and blank nodes")


# --- files ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SourceFile:
    """One file the store is built from: where it is, how it is parsed, and into which graph."""

    path: Path
    key: str  # the path relative to the project, the manifest's key
    fmt: str
    to_graph: str | None  # the named graph of a file of triples; None for TriG and N-Quads

    def stat(self) -> tuple[int, int]:
        st = self.path.stat()
        return st.st_size, st.st_mtime_ns

    def digest(self) -> str:
        sha = hashlib.sha256()
        with open(self.path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                sha.update(block)
        return sha.hexdigest()


def _relative(path: Path, root: Path) -> str:
    """``path`` relative to the project (as it is reached from there: a linked folder keeps its name)."""
    for a, b in ((path.absolute(), root.absolute()), (path.resolve(), root.resolve())):
        try:
            return a.relative_to(b).as_posix()
        except ValueError:
            continue
    return path.resolve().as_posix()


def source_files(project: Project, files: Iterable[Path] | None = None, ontology: bool = True) -> list[SourceFile]:
    """The ontology modules and schemes (into ``graph:ontology``) and the data files (the curated ones, then the
    gazetteer when the project holds it), in load order."""
    out = []
    if ontology:
        out += [SourceFile(p, _relative(p, project.root), "turtle", str(ONTOLOGY_GRAPH)) for p in project.ontology_files]
    for path in (project.store_files if files is None else [Path(f) for f in files]):
        require_file(path)
        fmt = rdf_format(path)
        to_graph = None if fmt in ("trig", "nquads") else path.resolve().as_uri()
        out.append(SourceFile(path, _relative(path, project.root), fmt, to_graph))
    return out


def _quads(source: SourceFile, graphs: set[str]) -> Iterator[ox.Quad]:
    """The quads of one file, noting the named graphs they go into; a syntax error is a ``ParseError``."""
    base = source.path.resolve().as_uri()
    if source.fmt == "json-ld":  # parsed by rdflib, whose JSON-LD reader the project configures
        dataset = Dataset()
        parse_into(dataset.graph(URIRef(source.to_graph)), source.path, source.fmt)
        target = ox.NamedNode(source.to_graph)
        graphs.add(source.to_graph)
        for s, p, o in dataset.graph(URIRef(source.to_graph)):
            yield ox.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), target)
        return
    if source.fmt == "xml":
        check_rdf_xml(source.path)
    # triples of a Turtle file, and those outside any graph block of a TriG file, go into a graph of their own
    default = ox.NamedNode(source.to_graph or base)
    try:
        # blank node labels are the file's own: two files' _:b1 are two nodes (one file's are one)
        for quad in ox.parse(path=str(source.path), format=_OX_FORMATS[source.fmt], base_iri=base,
                             rename_blank_nodes=True):
            graph = quad.graph_name
            if isinstance(graph, ox.DefaultGraph):
                graph = default
                quad = ox.Quad(quad.subject, quad.predicate, quad.object, graph)
            elif isinstance(graph, ox.BlankNode):
                raise ParseError(source.key, None, "a graph is named by a blank node; name every graph by an IRI "
                                                   "(graph:source-NNN), as data/README.md says")
            graphs.add(graph.value)
            yield quad
    except SyntaxError as exc:
        _raise_parse_error(source, exc)


def _raise_parse_error(source: SourceFile, exc: SyntaxError):
    """The project's parse error for ``source``: for Turtle and TriG rdflib's message where it finds the fault,
    else Oxigraph's, which names the line and column (rdflib's N-Triples and N-Quads messages name neither)."""
    if source.fmt in ("turtle", "trig"):
        try:
            parse_into(Dataset() if source.fmt == "trig" else Graph(), source.path, source.fmt)
        except ParseError as found:
            if found.line:  # rdflib's message where it names the line; otherwise Oxigraph's, which always does
                raise
    line = getattr(exc, "lineno", None)
    raise ParseError(source.key, line, f"syntax error: {exc.msg if hasattr(exc, 'msg') else exc}; "
                                       f"fix the {source.fmt} syntax there") from None


# --- the handle that reads ----------------------------------------------------------------------

class GraphStore:
    """A read handle on one version of the store (or on an in-memory store of some files).

    Queries see the union of all named graphs as their default graph, as the curated
    data is queried everywhere in the project.
    """

    def __init__(self, store: ox.Store, manifest: dict | None = None, location: Path | None = None):
        self.store = store
        self.manifest = manifest or {}
        self.location = location
        #: what the last refresh did, for commands that say it (``None`` for an in-memory store)
        self.refresh_note: str | None = None

    def __repr__(self) -> str:
        where = self.location.name if self.location else "memory"
        return f"GraphStore({where}, {len(self)} quads)"

    def __len__(self) -> int:
        return len(self.store)

    def hold(self):
        """Keep this version of the store on disk while the returned file is open, though refreshes replace it
        (None for an in-memory store)."""
        if self.location is None:
            return None
        return StoreLocation(self.location.parent).hold(self.location.name)

    # SPARQL
    def query(self, text: str, bindings: dict | None = None, union: bool = True):
        """Run SPARQL ``text``; ``bindings`` maps variable names to rdflib terms (pre-bound, as rdflib's initBindings)."""
        subs = {ox.Variable(name.lstrip("?")): from_rdflib(value) for name, value in (bindings or {}).items()}
        return self.store.query(text, use_default_graph_as_union=union, substitutions=subs or None)

    def rows(self, text: str, bindings: dict | None = None) -> tuple[list[str], list[tuple]]:
        """A SELECT's variables and rows of rdflib terms (None when unbound)."""
        answer = self.query(text, bindings)
        variables = [v.value for v in answer.variables]
        return variables, [tuple(to_rdflib(solution[i]) for i in range(len(variables))) for solution in answer]

    # graphs
    def graph_names(self) -> list[str]:
        """The named graphs that hold triples, in IRI order."""
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph."""
        answer = self.store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {s["g"].value: int(s["n"].value) for s in answer}

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Every quad, or those of one named graph."""
        name = ox.NamedNode(graph) if graph else None
        return iter(self.store.quads_for_pattern(None, None, None, name))

    def _copy_into(self, target: Graph, graph: str) -> Graph:
        """Add the triples of the named graph ``graph`` to the rdflib graph ``target``; returns ``target``.

        Each term is converted once (a gazetteer repeats its predicates, kinds and sources on every unit).
        """
        add, terms = target.add, {}

        def term(t):
            found = terms.get(t)
            if found is None:
                found = terms[t] = to_rdflib(t)
            return found

        for q in self.quads(graph):
            add((term(q.subject), term(q.predicate), term(q.object)))
        return target

    def rdflib_graph(self, graph: str) -> Graph:
        """One named graph as an rdflib ``Graph`` (its blank nodes its own)."""
        return self._copy_into(bind_prefixes(Graph(identifier=URIRef(graph))), graph)

    def union_graph(self) -> Graph:
        """The curated data (every named graph but the ontology and the search labels) merged into one rdflib graph."""
        out = bind_prefixes(Graph())
        for name in self.graph_names():
            if name not in (str(ONTOLOGY_GRAPH), str(SEARCH_GRAPH)):
                self._copy_into(out, name)
        return out

    def data_triples(self) -> int:
        """The distinct triples of the curated data (the ontology and the search labels left out)."""
        answer = self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g "
                                  f"{{ ?s ?p ?o }} FILTER(?g NOT IN (<{ONTOLOGY_GRAPH}>, <{SEARCH_GRAPH}>)) }} }}")
        return int(next(iter(answer))["n"].value)

    def ntriples(self) -> bytes:
        """Every distinct triple of every graph (ontology and search labels included) as N-Triples, unsorted."""
        triples = self.store.query("CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""

    def dataset(self, include_ontology: bool = True, include_search: bool = True) -> Dataset:
        """The store as an rdflib ``Dataset`` with its named graphs, queryable as their union (for SHACL, the API)."""
        dataset = bind_prefixes(Dataset())
        dataset.default_union = True
        skip = set()
        if not include_ontology:
            skip.add(str(ONTOLOGY_GRAPH))
        if not include_search:
            skip.add(str(SEARCH_GRAPH))
        for name in self.graph_names():
            if name in skip:
                continue
            self._copy_into(dataset.graph(URIRef(name)), name)
        return dataset

    # the rdflib-like calls the library makes of a target
    def objects(self, subject, predicate):
        """Objects of ``(subject, predicate, ?)`` in any graph, each once, as rdflib terms."""
        seen = set()
        for q in self.store.quads_for_pattern(from_rdflib(subject), from_rdflib(predicate), None, None):
            term = to_rdflib(q.object)
            if term not in seen:
                seen.add(term)
                yield term

    def subjects(self, predicate, obj):
        """Subjects of ``(?, predicate, obj)`` in any graph, each once (``obj`` None: any object)."""
        seen = set()
        pattern_o = from_rdflib(obj) if obj is not None else None
        for q in self.store.quads_for_pattern(None, from_rdflib(predicate), pattern_o, None):
            term = to_rdflib(q.subject)
            if term not in seen:
                seen.add(term)
                yield term


# --- building and refreshing ----------------------------------------------------------------------

def _search_quads(store: ox.Store, subjects: list[str] | None = None) -> list[ox.Quad]:
    """The folded search labels of every project entity (or of ``subjects``), as quads of ``graph:search-labels``."""
    values = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    only = f"VALUES ?s {{ {' '.join(f'<{s}>' for s in subjects)} }}" if subjects is not None else ""
    answer = store.query(f"SELECT DISTINCT ?s ?l WHERE {{ {only} VALUES ?p {{ {values} }} ?s ?p ?l . "
                         f"FILTER(isIRI(?s) && isLITERAL(?l) && STRSTARTS(STR(?s), \"{ID}\")) }}",
                         use_default_graph_as_union=True)
    graph, prop = ox.NamedNode(str(SEARCH_GRAPH)), ox.NamedNode(str(HKG.searchLabel))
    out = set()
    for solution in answer:
        folded = fold(solution["l"].value)
        if folded:
            out.add((solution["s"].value, folded))
    return [ox.Quad(ox.NamedNode(s), prop, ox.Literal(f), graph) for s, f in sorted(out)]


def _load(store: ox.Store, sources: list[SourceFile], progress: Callable[[str], None] | None) -> dict[str, list[str]]:
    """Load ``sources`` into ``store`` in one bulk write; returns the graphs each file wrote, by manifest key.

    One bulk write for all files: each bulk write costs a fixed tenth of a second or so.
    """
    written: dict[str, set[str]] = {}

    def stream():
        for n, source in enumerate(sources, start=1):
            if progress and len(sources) >= 50 and (n % 50 == 0 or n == len(sources)):
                progress(f"loading {n}/{len(sources)} {source.key}")
            written[source.key] = set()
            yield from _quads(source, written[source.key])

    if sum(s.path.stat().st_size for s in sources) < (4 << 20):
        store.extend(list(stream()))  # small: one transaction in memory is faster still
    else:
        store.bulk_extend(stream())
    return {k: sorted(v) for k, v in written.items()}


def _rebuild_search(store: ox.Store, subjects: set[str] | None = None) -> None:
    """Rebuild the search labels: all of them, or those of ``subjects`` (whose labels a refresh may have changed)."""
    graph = ox.NamedNode(str(SEARCH_GRAPH))
    if subjects is None:
        store.remove_graph(graph)
        quads = _search_quads(store)
    else:
        prop = ox.NamedNode(str(HKG.searchLabel))
        chosen = sorted(subjects)
        for start in range(0, len(chosen), 500):
            some = " ".join(f"<{s}>" for s in chosen[start:start + 500])
            store.update(f"DELETE {{ GRAPH <{SEARCH_GRAPH}> {{ ?s <{prop.value}> ?l }} }} "
                         f"WHERE {{ VALUES ?s {{ {some} }} GRAPH <{SEARCH_GRAPH}> {{ ?s <{prop.value}> ?l }} }}")
        quads = [q for start in range(0, len(chosen), 500) for q in _search_quads(store, chosen[start:start + 500])]
    if len(quads) < 100_000:
        store.extend(quads)
    else:
        store.bulk_extend(quads)


def _labelled(store: ox.Store, graphs: set[str]) -> set[str]:
    """The entities that have a label in one of ``graphs``."""
    if not graphs:
        return set()
    values = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    names = " ".join(f"<{g}>" for g in sorted(graphs))
    answer = store.query(f"SELECT DISTINCT ?s WHERE {{ VALUES ?g {{ {names} }} VALUES ?p {{ {values} }} "
                         f"GRAPH ?g {{ ?s ?p ?l }} FILTER(isIRI(?s)) }}")
    return {solution["s"].value for solution in answer}


class StoreLocation:
    """The folder of the persistent store: its versions, its manifest, its lock."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    @property
    def pointer(self) -> Path:
        return self.folder / "current"

    def current(self) -> str | None:
        """The published version's name, or None when nothing is published yet."""
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise InputError(f"{self.pointer}: cannot be read ({exc.strerror}); run kg build --rebuild") from None
        return name or None

    def manifest(self, version: str) -> dict:
        path = self.folder / f"{version}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"the store in {self.folder} is damaged: {path.name} cannot be read ({exc}); "
                             "run kg build --rebuild") from None
        if not isinstance(data, dict) or "files" not in data:
            raise InputError(f"the store in {self.folder} is damaged: {path.name} is not a manifest; "
                             "run kg build --rebuild")
        return data

    def publish(self, version: str, manifest: dict) -> None:
        """Write the manifest, then point ``current`` at ``version``: both by write-and-rename."""
        for path, text in ((self.folder / f"{version}.json", json.dumps(manifest, indent=1, sort_keys=True)),
                           (self.pointer, version + "\n")):
            tmp = path.with_name(f".{path.name}.tmp")
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)

    def next_version(self) -> str:
        """A version name never used before in this folder (a counter kept under the lock survives failed refreshes)."""
        names = [p.name.removesuffix(".json") for p in self.folder.glob("v[0-9]*")] + [self.current() or ""]
        numbers = [int(n[1:]) for n in names if n[1:].isdigit()]
        counter = self.folder / "counter"
        try:
            numbers.append(int(counter.read_text(encoding="utf-8").strip()))
        except (OSError, ValueError):
            pass
        number = max(numbers, default=0) + 1
        tmp = counter.with_name(".counter.tmp")
        tmp.write_text(f"{number}\n", encoding="utf-8")
        os.replace(tmp, counter)
        return f"v{number:06d}"

    def hold(self, version: str):
        """Keep ``version`` from being collected while the returned file stays open (a server that reads it for
        hours, while ``kg build`` refreshes the store beside it)."""
        folder = self.folder / "readers"
        folder.mkdir(parents=True, exist_ok=True)
        import secrets

        handle = open(folder / f"{version}-{os.getpid()}-{secrets.token_hex(4)}", "a+")  # one mark per holder
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return handle

    def held(self) -> set[str]:
        """The versions a live reader holds; the marks of readers that have gone are removed."""
        names = set()
        for path in (self.folder / "readers").glob("v[0-9]*-*"):
            with open(path, "a+") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    names.add(path.name.split("-", 1)[0])
                    continue
            path.unlink(missing_ok=True)
        return names

    def collect(self, keep: set[str]) -> None:
        """Remove versions (and their manifests) other than ``keep`` and those a reader holds; half-written ones included."""
        keep = set(keep) | self.held()
        for path in self.folder.glob("v[0-9]*"):  # not the counter, the lock, the pointer or the readers
            name = path.name.removesuffix(".json")
            if name not in keep:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)

    def lock(self):
        """An exclusive lock for writers (released when the returned file is closed)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        handle = open(self.folder / "lock", "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another kg process that is refreshing the store in {self.folder.name}/",
                  file=sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        return handle


def _open_read_only(location: StoreLocation, version: str) -> ox.Store:
    path = location.folder / version
    if not path.is_dir():
        raise InputError(f"the store in {location.folder} is damaged: version {version} is missing; "
                         "run kg build --rebuild")
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise InputError(f"the store in {location.folder} is damaged and cannot be opened ({exc}); "
                         "run kg build --rebuild") from None


def _fingerprints(sources: list[SourceFile]) -> dict[str, tuple[int, int]]:
    return {s.key: s.stat() for s in sources}


def _up_to_date(manifest: dict, sources: list[SourceFile], stats: dict) -> bool:
    files = manifest.get("files", {})
    if manifest.get("format") != STORE_FORMAT or set(files) != {s.key for s in sources}:
        return False
    return all(files[k]["size"] == stats[k][0] and files[k]["mtime_ns"] == stats[k][1] for k in stats)


def open_store(project: Project | None = None, rebuild: bool = False,
               progress: Callable[[str], None] | None = None, location: Path | None = None) -> GraphStore:
    """The project's store, refreshed from its files first when any changed (built when absent).

    ``rebuild`` starts from an empty store. ``progress`` receives one line per step of a
    refresh. ``location`` overrides ``build/store/`` (``$KG_STORE`` does too).
    """
    project = project or Project()
    folder = location or (Path(os.environ["KG_STORE"]) if os.environ.get("KG_STORE") else project.build_dir / "store")
    place = StoreLocation(folder)
    sources = source_files(project)
    stats = _fingerprints(sources)
    version = None if rebuild else place.current()
    if version is not None:
        manifest = place.manifest(version)
        if _up_to_date(manifest, sources, stats):
            return GraphStore(_open_read_only(place, version), manifest, place.folder / version)
    with place.lock():
        version = None if rebuild else place.current()  # another process may have refreshed meanwhile
        return _refresh(place, version, sources, stats, project, progress)


def _refresh(place: StoreLocation, version: str | None, sources: list[SourceFile], stats: dict, project: Project,
             progress) -> GraphStore:
    started = time.perf_counter()
    old = place.manifest(version) if version else {"files": {}}
    if old.get("format") != STORE_FORMAT:
        version, old = None, {"files": {}}
    digests, changed = {}, []
    for source in sources:
        entry = old["files"].get(source.key)
        if entry and (entry["size"], entry["mtime_ns"]) == stats[source.key]:
            digests[source.key] = entry["sha256"]
            continue
        digests[source.key] = source.digest()
        if not entry or entry["sha256"] != digests[source.key]:
            changed.append(source.key)
    removed = sorted(set(old["files"]) - {s.key for s in sources})
    graphs_of = {k: set(v.get("graphs", [])) for k, v in old["files"].items()}
    if version and not changed and not removed:  # only times changed: same data, new manifest
        manifest = {**old, "files": {s.key: {**old["files"][s.key], "size": stats[s.key][0],
                                             "mtime_ns": stats[s.key][1]} for s in sources}}
        place.publish(version, manifest)
        store = GraphStore(_open_read_only(place, version), manifest, place.folder / version)
        store.refresh_note = "store up to date (file times changed, contents did not)"
        return store

    new = place.next_version()
    published = {v for v in (version, place.current()) if v}  # kept until the new version is published, rebuild or not
    place.collect(published)  # leftovers of refreshes that died
    target = place.folder / new
    store = None
    try:
        if version:
            current = _open_read_only(place, version)
            current.backup(str(target))
            del current
            store = ox.Store(str(target))
            # the graphs that change: those the changed or removed files wrote before, and will write now
            affected = set().union(*(graphs_of.get(k, set()) for k in changed + removed)) if changed + removed else set()
            by_key = {s.key: s for s in sources}
            fresh: dict[str, list[str]] = {}
            for key in changed:  # parse the changed files first: a syntax error stops before anything is dropped
                graphs: set[str] = set()
                for _ in _quads(by_key[key], graphs):
                    pass
                fresh[key] = sorted(graphs)
                affected |= graphs
            while True:  # a file reloaded for one shared graph reloads all its graphs, and so on
                reload = [s for s in sources if s.key in changed or graphs_of.get(s.key, set()) & affected]
                grown = affected.union(*(graphs_of.get(s.key, set()) for s in reload))
                if grown == affected:
                    break
                affected = grown
            relabel = _labelled(store, affected)
            for graph in sorted(affected):
                store.remove_graph(ox.NamedNode(graph))
            written = _load(store, reload, progress)
            relabel |= _labelled(store, affected)
            note = (f"store refreshed: {len(changed)} changed, {len(removed)} removed, {len(reload)} files reloaded "
                    f"into {len(affected)} graphs")
        else:
            if progress:
                progress(f"building the store in {place.folder.name}/{new} from {len(sources)} files")
            store = ox.Store(str(target))
            written = _load(store, sources, progress)
            reload, relabel = sources, None
            note = f"store built from {len(sources)} files"
        _rebuild_search(store, relabel)
        store.flush()
        if relabel is None:
            store.optimize()  # after a bulk load; a refresh changes too little to be worth it
        sizes = {s["g"].value: int(s["n"].value) for s in
                 store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
        del store
    except BaseException:
        store = None  # close the half-written database before removing it, or closing would write into it again
        import gc

        gc.collect()
        shutil.rmtree(target, ignore_errors=True)
        raise
    files = {}
    for source in sources:
        graphs = written.get(source.key, sorted(graphs_of.get(source.key, set())))
        files[source.key] = {"size": stats[source.key][0], "mtime_ns": stats[source.key][1],
                             "sha256": digests[source.key], "graphs": graphs}
    manifest = {"format": STORE_FORMAT, "files": files, "graphs": sizes, "built": new}
    place.publish(new, manifest)
    place.collect({new} | published)
    handle = GraphStore(_open_read_only(place, new), manifest, target)
    handle.refresh_note = f"{note} in {time.perf_counter() - started:.1f} s"
    if progress:
        progress(handle.refresh_note)
    return handle


def memory_store(files: Iterable[Path] | None = None, project: Project | None = None,
                 ontology: bool = True) -> GraphStore:
    """An in-memory store of ``files`` (default: the project's data) with the ontology and search labels.

    For files a user names (``kg validate FILE``): nothing is written to disk.
    """
    project = project or Project()
    sources = source_files(project, files, ontology)
    store = ox.Store()
    written = _load(store, sources, None)
    _rebuild_search(store)
    manifest = {"format": STORE_FORMAT, "files": {k: {"graphs": v} for k, v in written.items()}}
    return GraphStore(store, manifest, None)
