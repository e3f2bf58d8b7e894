"""The ontology's documentation as a small offline site: every class and property with its Vietnamese and
English label and comment, its place in the hierarchy and its alignments to W3C ORG, schema.org, PROV-O and
the others, its domain and range, the SHACL shapes that constrain it, and the SKOS schemes as trees; plus a
JSON-LD context that gives JSON users short keys.

Nothing is fetched: the pages carry their style inline, load no script, and link to external vocabularies
only as ordinary links.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.graph.export import write_atomic
from kg.graph.files import Project, load_ontology, load_shapes
from kg.namespaces import HKG, PREFIXES, SH, bind_prefixes

STYLE = """body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem 1.5rem;color:#222}
h1{font-size:1.6rem}h2{margin-top:2.5rem;border-bottom:1px solid #ccc}h3{margin:1.8rem 0 .3rem;font-size:1.1rem}
code{font-size:.9em;background:#f4f4f4;padding:0 .2em}.term{border-left:3px solid #0072B2;padding-left:.8rem}
.vi{color:#444}dl{display:grid;grid-template-columns:10rem 1fr;gap:.2rem .8rem}dt{font-weight:600}dd{margin:0}
nav ul{columns:3}ul.tree{list-style:disc}.shape{color:#6a3d9a}"""


def _short(graph: Graph, term) -> str:
    if isinstance(term, BNode):
        return "(anonymous)"
    try:
        return graph.namespace_manager.normalizeUri(term)
    except Exception:  # noqa: BLE001 - an IRI no prefix fits
        return str(term)


def _anchor(term) -> str:
    return str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _link(graph: Graph, term) -> str:
    shown = html.escape(_short(graph, term))
    if isinstance(term, URIRef) and str(term).startswith(str(HKG)):
        return f'<a href="#{html.escape(_anchor(term))}"><code>{shown}</code></a>'
    if isinstance(term, URIRef):
        return f'<a href="{html.escape(str(term))}"><code>{shown}</code></a>'
    return f"<code>{shown}</code>"


def _texts(graph: Graph, term, prop) -> dict[str, str]:
    return {lit.language or "": str(lit) for lit in graph.objects(term, prop)}


def terms(ontology: Graph) -> dict[str, list[URIRef]]:
    """The project's classes and properties by kind, each sorted by IRI."""
    kinds = {"Classes": OWL.Class, "Object properties": OWL.ObjectProperty, "Datatype properties": OWL.DatatypeProperty,
             "Annotation properties": OWL.AnnotationProperty}
    return {title: sorted(t for t in ontology.subjects(RDF.type, kind) if str(t).startswith(str(HKG)))
            for title, kind in kinds.items()}


def _shapes_for(shapes: Graph, term) -> list[tuple[str, str]]:
    found = []
    for shape in shapes.subjects(SH.targetClass, term):
        found.append((_short(shapes, shape), str(shapes.value(shape, SH.message) or "")))
    for shape in shapes.subjects(SH.path, term):
        owner = next(iter(shapes.subjects(SH.property, shape)), None)
        found.append((_short(shapes, shape) if not isinstance(shape, BNode) else f"{_short(shapes, owner)} (property)",
                      str(shapes.value(shape, SH.message) or "")))
    return sorted(set(found))


def _term_html(ontology: Graph, shapes: Graph, term) -> str:
    labels, comments = _texts(ontology, term, RDFS.label), _texts(ontology, term, RDFS.comment)
    rows = []
    for name, prop in (("subclass of", RDFS.subClassOf), ("subproperty of", RDFS.subPropertyOf),
                       ("domain", RDFS.domain), ("range", RDFS.range), ("see also", RDFS.seeAlso),
                       ("range includes", URIRef("https://schema.org/rangeIncludes"))):
        values = sorted(ontology.objects(term, prop), key=str)
        if values:
            rows.append(f"<dt>{name}</dt><dd>{', '.join(_link(ontology, v) for v in values)}</dd>")
    sub = sorted(ontology.subjects(RDFS.subClassOf, term), key=str) + sorted(ontology.subjects(RDFS.subPropertyOf, term), key=str)
    if sub:
        rows.append(f"<dt>narrower</dt><dd>{', '.join(_link(ontology, v) for v in sub)}</dd>")
    constrained = _shapes_for(shapes, term)
    if constrained:
        items = "".join(f'<li><code class="shape">{html.escape(name)}</code>' + (f": {html.escape(message)}" if message else "") + "</li>"
                        for name, message in constrained)
        rows.append(f"<dt>constrained by</dt><dd><ul>{items}</ul></dd>")
    return (f'<section class="term" id="{html.escape(_anchor(term))}"><h3>{html.escape(labels.get("en", _anchor(term)))} '
            f'<span class="vi" lang="vi">· {html.escape(labels.get("vi", ""))}</span></h3>'
            f"<p><code>{html.escape(_short(ontology, term))}</code> &lt;{html.escape(str(term))}&gt;</p>"
            f"<p>{html.escape(comments.get('en', ''))}</p><p class=\"vi\" lang=\"vi\">{html.escape(comments.get('vi', ''))}</p>"
            f"<dl>{''.join(rows)}</dl></section>")


def _tree(ontology: Graph, concept, seen: set) -> str:
    if concept in seen:
        return ""
    seen.add(concept)
    labels = _texts(ontology, concept, SKOS.prefLabel)
    children = sorted(ontology.subjects(SKOS.broader, concept), key=str)
    inner = "".join(_tree(ontology, c, seen) for c in children)
    return (f'<li id="{html.escape(_short(ontology, concept))}"><code>{html.escape(_short(ontology, concept))}</code> '
            f'{html.escape(labels.get("en", ""))} <span class="vi" lang="vi">· {html.escape(labels.get("vi", ""))}</span>'
            + (f'<ul class="tree">{inner}</ul>' if inner else "") + "</li>")


def schemes_html(ontology: Graph) -> str:
    parts = []
    for scheme in sorted(ontology.subjects(RDF.type, SKOS.ConceptScheme), key=str):
        labels = _texts(ontology, scheme, SKOS.prefLabel)
        members = set(ontology.subjects(SKOS.inScheme, scheme))
        tops = sorted(c for c in members if not any(b in members for b in ontology.objects(c, SKOS.broader)))
        seen: set = set()
        items = "".join(_tree(ontology, c, seen) for c in tops)
        parts.append(f'<section id="{html.escape(_short(ontology, scheme))}"><h3>{html.escape(labels.get("en", ""))} '
                     f'<span class="vi" lang="vi">· {html.escape(labels.get("vi", ""))}</span></h3>'
                     f'<p><code>{html.escape(_short(ontology, scheme))}</code>, {len(members)} concepts</p>'
                     f'<ul class="tree">{items}</ul></section>')
    return "".join(parts)


def jsonld_context(ontology: Graph) -> dict:
    """Short keys for JSON users: every project prefix, and each project property by its local name (object
    properties typed ``@id``)."""
    context: dict = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    for kind, typed in ((OWL.ObjectProperty, True), (OWL.DatatypeProperty, False)):
        for prop in sorted(ontology.subjects(RDF.type, kind)):
            if str(prop).startswith(str(HKG)):
                context[_anchor(prop)] = {"@id": str(prop), "@type": "@id"} if typed else str(prop)
    context.update({"label": {"@id": str(RDFS.label), "@container": "@language"},
                    "type": "@type", "id": "@id"})
    return {"@context": context}


def write_docs(out: Path, project: Project | None = None) -> list[Path]:
    """Write ``index.html`` (terms and schemes) and ``context.jsonld`` into ``out``; returns the paths."""
    project = project or Project()
    ontology, shapes = bind_prefixes(load_ontology(project)), bind_prefixes(load_shapes(project))
    header = next(iter(ontology.subjects(RDF.type, OWL.Ontology)), None)
    title = _texts(ontology, header, RDFS.label) if header is not None else {}
    groups = terms(ontology)
    nav = "".join(f"<h2>{html.escape(name)}</h2><nav><ul>"
                  + "".join(f'<li><a href="#{html.escape(_anchor(t))}">{html.escape(_short(ontology, t))}</a></li>'
                            for t in items) + "</ul></nav>" + "".join(_term_html(ontology, shapes, t) for t in items)
                  for name, items in groups.items() if items)
    page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title.get("en", "Ontology"))}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head><body>'
            f'<h1>{html.escape(title.get("en", "Ontology"))}</h1><p class="vi" lang="vi">{html.escape(title.get("vi", ""))}</p>'
            f"<p>Namespace <code>{html.escape(str(HKG))}</code> (prefix <code>hkg:</code>). "
            f"{sum(len(v) for v in groups.values())} terms; the SKOS schemes follow them. JSON users: "
            f'<a href="context.jsonld">context.jsonld</a> gives short keys.</p>'
            f"{nav}<h2>Concept schemes</h2>{schemes_html(ontology)}</body></html>\n")
    out = Path(out)
    index = write_atomic(out / "index.html", page)
    context = write_atomic(out / "context.jsonld", json.dumps(jsonld_context(ontology), ensure_ascii=False, indent=1) + "\n")
    return [index, context]
