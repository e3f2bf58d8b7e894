"""Loading the ontology, vocabularies, shapes and curated data: the only code that reads RDF files."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable

from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from kg.errors import InputError, ParseError
from kg.namespaces import GRAPH, bind_prefixes

#: Named graph that holds the ontology and the SKOS schemes when they are loaded into a dataset.
ONTOLOGY_GRAPH = GRAPH["ontology"]

_FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".jsonld": "json-ld", ".rdf": "xml"}


def default_root() -> Path:
    """The project folder: ``$KG_HOME`` if set, else the checkout this package sits in."""
    env = os.environ.get("KG_HOME")
    return Path(env) if env else Path(__file__).resolve().parents[2]


def gazetteer_wanted() -> bool:
    """Whether the store holds the gazetteer (``data/gazetteer/``): yes, unless ``$KG_GAZETTEER`` is 0, no or off."""
    return os.environ.get("KG_GAZETTEER", "").strip().lower() not in ("0", "no", "off", "false")


@dataclass
class Project:
    """Where the project's files are; every list is found by glob, never by a hand-kept list.

    ``gazetteer`` says whether the store holds the national gazetteer besides the curated data (default:
    :func:`gazetteer_wanted`); the curated files (``data_files``) never include it.
    """

    root: Path = field(default_factory=default_root)
    gazetteer: bool = field(default_factory=gazetteer_wanted)

    def _glob(self, folder: str, pattern: str) -> list[Path]:
        return sorted((self.root / folder).glob(pattern))

    @property
    def ontology_files(self) -> list[Path]:
        """The OWL ontology modules and the SKOS concept schemes."""
        return self._glob("ontology", "*.ttl") + self._glob("ontology/vocab", "*.ttl")

    @property
    def data_files(self) -> list[Path]:
        """The curated TriG files: shared reference entities first, then one file per source."""
        return self._glob("data/reference", "*.trig") + self._glob("data/sources", "*.trig")

    @property
    def gazetteer_files(self) -> list[Path]:
        """The administrative units written by ``kg import gazetteer`` (``data/gazetteer/*.trig``), when the
        project holds them; empty when ``gazetteer`` is off."""
        return self._glob("data/gazetteer", "*.trig") if self.gazetteer else []

    @property
    def store_files(self) -> list[Path]:
        """Every data file the store is built from: the curated files, then the gazetteer."""
        return self.data_files + self.gazetteer_files

    @property
    def shape_files(self) -> list[Path]:
        return self._glob("shapes", "*.ttl")

    @property
    def query_dir(self) -> Path:
        return self.root / "queries"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"


def require_file(path: Path, what: str = "a Turtle or TriG file") -> None:
    """Raise an ``InputError`` that says why ``path`` is not a readable file: missing, a folder, a link to
    nothing or a loop of links, or unreadable."""
    import os

    try:
        if path.is_file() and os.access(path, os.R_OK):
            return
        is_dir = path.is_dir()
        link = path.is_symlink()
    except OSError as exc:  # a name too long, a loop of links
        raise InputError(f"{str(path)[:200]}: cannot be read ({exc.strerror}); give the path of {what}") from None
    if link:
        try:
            path.resolve(strict=True)
            why = "is a link to something that is not a file"
        except FileNotFoundError:
            why = "is a symbolic link to a file that does not exist"
        except (RuntimeError, OSError):
            why = "is a symbolic link in a loop"
    elif is_dir:
        why = "is a folder"
    elif path.exists():
        why = "cannot be read (permission denied)" if path.is_file() else "is not a regular file"
    else:
        why = "no such file"
    raise InputError(f"{str(path)[:200]}: {why}; give the path of {what}")


def rdf_format(path: Path) -> str:
    """The rdflib parser name for ``path``, from its suffix.

    >>> rdf_format(Path("data/sources/000.trig"))
    'trig'
    """
    try:
        return _FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(_FORMATS))
        raise InputError(f"{path}: unknown RDF file type '{path.suffix}'; known suffixes: {known}") from None


def _relative(path: Path, root: Path | None = None) -> str:
    root = root or default_root()
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


XML_DEPTH_LIMIT = 512  # elements inside elements; real RDF/XML stays far below, and parsers slow down past it


def check_rdf_xml(path: Path) -> None:
    """Refuse an RDF/XML file that declares DTD entities or nests elements deeper than ``XML_DEPTH_LIMIT``.

    Entities can expand without bound (a file of a few hundred bytes into gigabytes) and RDF never needs
    them; nesting 100,000 deep makes the RDF/XML parsers take minutes.

    >>> import tempfile
    >>> bomb = Path(tempfile.mkdtemp()) / "x.rdf"
    >>> _ = bomb.write_text('<?xml version="1.0"?>\\n<!DOCTYPE r [\\n<!ENTITY a "aaaa">\\n]>\\n<r>&a;</r>')
    >>> check_rdf_xml(bomb)
    Traceback (most recent call last):
    kg.errors.ParseError: ...x.rdf line 3: declares a DTD entity (<!ENTITY ...>), which RDF/XML never needs and which can expand without bound; write the value out in full instead
    """
    import re
    from xml.parsers import expat

    with open(path, "rb") as handle:
        head = handle.read(1 << 20)  # entities are declared in the prolog, before the first element
        match = re.search(rb"<!ENTITY\b", head)
        if match:
            line = head.count(b"\n", 0, match.start()) + 1
            raise ParseError(_relative(path), line, "declares a DTD entity (<!ENTITY ...>), which RDF/XML never "
                                                    "needs and which can expand without bound; write the value out "
                                                    "in full instead")
        handle.seek(0)
        parser = expat.ParserCreate()
        depth = 0

        def start(_name, _attrs):
            nonlocal depth
            depth += 1
            if depth > XML_DEPTH_LIMIT:
                raise ParseError(_relative(path), parser.CurrentLineNumber,
                                 f"nests elements more than {XML_DEPTH_LIMIT} deep, which no RDF/XML needs and "
                                 "which the parsers take minutes over; flatten the descriptions (give nested "
                                 "nodes an rdf:about or rdf:nodeID and describe them at the top level)")

        def end(_name):
            nonlocal depth
            depth -= 1

        parser.StartElementHandler, parser.EndElementHandler = start, end
        try:
            parser.ParseFile(handle)
        except expat.ExpatError as exc:
            raise ParseError(_relative(path), exc.lineno, f"is not well-formed XML: "
                                                          f"{expat.ErrorString(exc.code)} (column {exc.offset + 1}); "
                                                          "fix the RDF/XML there") from None


def _outside_context(node) -> str | None:
    """The first ``@context`` (or ``@import``) of a JSON-LD document that names a document to fetch or read, or None."""
    if isinstance(node, list):
        return next((found for item in node if (found := _outside_context(item))), None)
    if not isinstance(node, dict):
        return None
    for key, value in node.items():
        if key == "@import" and isinstance(value, str):
            return value
        if key == "@context":
            for context in value if isinstance(value, list) else [value]:
                if isinstance(context, str):
                    return context
                found = _outside_context(context)
                if found:
                    return found
        elif isinstance(value, (dict, list)):
            found = _outside_context(value)
            if found:
                return found
    return None


_JSONLD_KINDS = {  # keyword: (the JSON types its value may have, what to write instead)
    "@context": ((dict, list, type(None)), "an object written inline"),
    "@id": ((str,), "a string (an IRI or a blank node label)"),
    "@language": ((str,), "a language tag string such as \"vi\""),
    "@graph": ((dict, list), "an object or an array of objects"),
    "@reverse": ((dict,), "an object"),
    "@index": ((str,), "a string"),
}


def _jsonld_fault(node, where: str = "$") -> str | None:
    """Where a JSON-LD document gives a keyword a value of the wrong JSON type, and what to write, or None.

    rdflib's reader fails on such documents with messages about its own internals, or reads them silently
    (an ``@value`` that is an object); this check names the place instead.

    >>> _jsonld_fault({"@context": 5, "@id": "urn:a"})
    '$.@context is a number; write an object written inline'
    >>> _jsonld_fault([{"@id": "urn:a", "urn:p": [{"@value": {"x": 1}}]}])
    '$[0].urn:p[0].@value is an object; write a string, number, boolean or null (or give "@type": "@json")'
    """
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number",
             float: "a number", type(None): "null"}
    if isinstance(node, list):
        return next((found for i, item in enumerate(node) if (found := _jsonld_fault(item, f"{where}[{i}]"))), None)
    if not isinstance(node, dict):
        return None
    for key, value in node.items():
        here = f"{where}.{key}"
        if key in _JSONLD_KINDS and not isinstance(value, _JSONLD_KINDS[key][0]):
            return f"{here} is {names.get(type(value), 'a value')}; write {_JSONLD_KINDS[key][1]}"
        if key == "@type" and not (isinstance(value, str) or
                                   (isinstance(value, list) and all(isinstance(v, str) for v in value))):
            return f"{here} is {names.get(type(value), 'a value')}; write an IRI string or an array of them"
        if key == "@value" and isinstance(value, (dict, list)) and node.get("@type") != "@json":
            return (f"{here} is {names[type(value)]}; write a string, number, boolean or null "
                    '(or give "@type": "@json")')
        if key == "@context":
            continue  # term definitions have their own grammar, which the reader checks
        if isinstance(value, (dict, list)):
            found = _jsonld_fault(value, here)
            if found:
                return found
    return None


def read_jsonld(path: Path) -> str:
    """The text of a JSON-LD file whose contexts are all written inline; one that refers to another document
    (a URL, a file, ``@import``) is refused: reading data never fetches or reads what the user did not name.

    >>> import tempfile
    >>> doc = Path(tempfile.mkdtemp()) / "x.jsonld"
    >>> _ = doc.write_text('{"@context": "secret.json", "@id": "urn:x"}')
    >>> read_jsonld(doc)
    Traceback (most recent call last):
    kg.errors.ParseError: ...x.jsonld: its @context refers to 'secret.json', another document, which is never fetched or read; write the context inline (an object under "@context") instead
    """
    import json

    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except UnicodeDecodeError:
        raise ParseError(_relative(path), None, "is not UTF-8 text; JSON-LD is UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ParseError(_relative(path), exc.lineno, f"is not JSON: {exc.msg} (column {exc.colno})") from None
    except OSError as exc:
        raise InputError(f"{_relative(path)}: cannot be read ({exc.strerror})") from None
    outside = _outside_context(data)
    if outside is not None:
        raise ParseError(_relative(path), None, f"its @context refers to {outside[:200]!r}, another document, which is "
                                                "never fetched or read; write the context inline (an object under "
                                                "\"@context\") instead")
    fault = _jsonld_fault(data)
    if fault:
        raise ParseError(_relative(path), None, f"is not valid JSON-LD: {fault[:300]}")
    return text


def parse_into(target: Graph | Dataset, path: Path, fmt: str | None = None) -> None:
    """Parse ``path`` into ``target``; a syntax error becomes a ``ParseError`` with file and line."""
    path = Path(path)
    require_file(path)
    fmt = fmt or rdf_format(path)
    if fmt == "xml":
        check_rdf_xml(path)
    try:
        if fmt == "json-ld":
            target.parse(data=read_jsonld(path), format=fmt, publicID=path.resolve().as_uri())
        else:
            target.parse(path, format=fmt, publicID=path.resolve().as_uri())
    except (ParseError, InputError):
        raise
    except BadSyntax as exc:
        raise ParseError(_relative(path), exc.lines + 1, f"syntax error: {exc._why}; fix the {fmt} syntax there") from None
    except (AttributeError, TypeError, KeyError, IndexError, UnboundLocalError, ValueError) as exc:
        if fmt != "json-ld":
            line = getattr(exc, "lineno", None) or getattr(exc, "line", None)
            raise ParseError(_relative(path), line, f"cannot be parsed as {fmt}: {exc}") from None
        # the JSON-LD reader fails with messages about its own variables on documents it cannot follow
        raise ParseError(_relative(path), None, "is not JSON-LD that can be read: the reader could not follow its "
                                                f"structure ({type(exc).__name__}); check its keywords against the "
                                                "JSON-LD 1.1 syntax (https://www.w3.org/TR/json-ld11/)") from None
    except Exception as exc:  # other parsers (RDF/XML) raise their own types
        line = getattr(exc, "lineno", None) or getattr(exc, "line", None)
        raise ParseError(_relative(path), line, f"cannot be parsed as {fmt}: {exc}") from None


def _merged_turtle(paths: Iterable[Path]) -> Graph:
    graph = bind_prefixes(Graph())
    for path in paths:
        parse_into(graph, path, "turtle")
    return graph


def load_ontology(project: Project | None = None) -> Graph:
    """The ontology and every SKOS scheme, merged into one graph."""
    return _merged_turtle((project or Project()).ontology_files)


def load_shapes(project: Project | None = None) -> Graph:
    """Every SHACL shape file, merged."""
    return _merged_turtle((project or Project()).shape_files)


def load_data(files: Iterable[Path] | None = None, project: Project | None = None) -> Dataset:
    """The curated data as a dataset that keeps each file's named graphs.

    Triples of a Turtle file (no graphs) go into a graph named after the file.
    """
    project = project or Project()
    files = list(files) if files is not None else project.data_files
    dataset = bind_prefixes(Dataset())
    for path in files:
        path = Path(path)
        if rdf_format(path) in ("trig", "nquads"):
            parse_into(dataset, path)
        else:
            parse_into(dataset.graph(URIRef(path.resolve().as_uri())), path)
    return dataset


def load_dataset(files: Iterable[Path] | None = None, project: Project | None = None) -> Dataset:
    """Ontology, schemes and curated data in one dataset, queryable as their union.

    The ontology and schemes sit in the named graph ``graph:ontology``; data keeps its own graphs.
    """
    project = project or Project()
    dataset = load_data(files, project)
    dataset.default_union = True
    onto = dataset.graph(ONTOLOGY_GRAPH)
    for path in project.ontology_files:
        parse_into(onto, path, "turtle")
    return dataset


def union_graph(dataset: Dataset, include_ontology: bool = False) -> Graph:
    """Every triple of ``dataset``'s named graphs in one plain graph (the ontology graph only if asked)."""
    graph = bind_prefixes(Graph())
    for ctx in dataset.graphs():
        if ctx.identifier == ONTOLOGY_GRAPH and not include_ontology:
            continue
        for triple in ctx:
            graph.add(triple)
    return graph


#: A name as Turtle writes it: a full IRI, or a prefixed name (not inside a longer word).
_NAME = re.compile(r"(?<![\w:<-])(?:<[^<>\s]*>|[A-Za-z_][\w-]*:[\w.-]*|:[\w.-]+)(?![\w-])")


class SourceIndex:
    """Finds the file and line where an entity is defined, for messages that point at the data.

    An entity is defined on the first line that starts with its prefixed name or full IRI;
    failing that, on the first line that mentions it.
    """

    def __init__(self, files: Iterable[Path], root: Path | None = None):
        self.files = [Path(f) for f in files]
        self.root = root or default_root()

    @cached_property
    def _index(self) -> list[tuple[str, dict[str, str], dict[str, int], dict[str, int]]]:
        """Per file: its name, its prefixes, and the first line defining and mentioning each name (read once)."""
        out = []
        for path in self.files:
            try:
                text = path.read_text(encoding="utf-8")
            except OSError:
                continue
            prefixes = dict(re.findall(r"@prefix\s+([\w-]*):\s*<([^>]*)>", text, flags=re.I))
            defines: dict[str, int] = {}
            mentions: dict[str, int] = {}
            for number, line in enumerate(text.splitlines(), start=1):
                stripped = line.lstrip()
                for match in _NAME.finditer(line):
                    token = match.group(0)
                    for name in {token, token.rstrip(".")}:
                        mentions.setdefault(name, number)
                        if match.start() == len(line) - len(stripped):
                            defines.setdefault(name, number)
            out.append((_relative(path, self.root), prefixes, defines, mentions))
        return out

    def _forms(self, iri: str, prefixes: dict[str, str]) -> list[str]:
        forms = [f"<{iri}>"]
        for prefix, ns in prefixes.items():
            if ns and iri.startswith(ns) and re.fullmatch(r"[\w.-]+", iri[len(ns):] or "-"):
                forms.append(f"{prefix}:{iri[len(ns):]}")
        return forms

    def locate(self, iri: str) -> tuple[str, int] | None:
        """``(file, line)`` of the definition of ``iri``, the file relative to the project."""
        fallback = None
        for name, prefixes, defines, mentions in self._index:
            forms = self._forms(str(iri), prefixes)
            found = [defines[f] for f in forms if f in defines]
            if found:
                return name, min(found)
            seen = [mentions[f] for f in forms if f in mentions]
            if seen and fallback is None:
                fallback = (name, min(seen))
        return fallback
