"""The web application of ``kg serve``: a bilingual site over the store, a read-only SPARQL endpoint and
a REST path per stored query, as one Starlette application.

Pages are rendered on the server (they work without JavaScript; the search suggestions and the SPARQL
editor add to them), in Vietnamese by default and in English with ``?lang=en``. Every file a page
loads is shipped in the package (``static/``): nothing is fetched from elsewhere. Users' queries run
in worker processes with a time limit (:mod:`kg.web.workers`); the site's own bounded lookups
(entity pages, suggestions, labels) run on threads of the server.
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request as HttpRequest
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kg.errors import KGError, QueryError
from kg.namespaces import BASE, PREFIXES
from kg.web import i18n
from kg.web.protocol import GRAPH_TYPES, Answer, Request, check, choose_format, write_solutions
from kg.web.workers import QueryPool, QueryTimeout


#: Headers of every page of the site: it loads only from itself (a label cannot bring in a script or a
#: remote resource even if escaping failed), and browsers do not guess content types.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "script-src 'self'; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; "
                               "form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@dataclass
class Settings:
    """The limits of a server: seconds per query, rows per answer, bytes per request, worker processes."""

    timeout: float = 10.0
    max_rows: int = 10_000
    max_request: int = 100_000
    workers: int = 3


def create_app(store=None, project=None, settings: Settings | None = None) -> Starlette:
    """The application over ``store`` (default: the project's store, refreshed when a file changed)."""
    from kg.graph.files import Project
    from kg.graph.store import open_store

    project = project or Project()
    store = store if store is not None else open_store(project)
    settings = settings or Settings()
    site = Site(store, project, settings)
    routes = [
        Route("/", site.home), Route("/search", site.search_page), Route("/q/{name}", site.query_page),
        Route("/sparql", site.sparql, methods=["GET", "POST"]), Route("/editor", site.editor),
        Route("/id/{rest:path}", site.entity), Route("/graph/{rest:path}", site.entity), Route("/resource", site.resource),
        Route("/network", site.network), Route("/network/view", site.network_view), Route("/map/view", site.map_view),
        Route("/downloads", site.downloads), Route("/download/{name}", site.download),
        Route("/.well-known/void", site.void), Route("/api/openapi.json", site.openapi),
        Route("/api/suggest", site.suggest), Route("/favicon.ico", site.icon), Route("/api/{name}", site.api),
        Mount("/static", app=StaticFiles(packages=[("kg.web", "static")]), name="static"),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(app):
        await site.pool.start()
        try:
            yield
        finally:
            await site.pool.stop()

    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={404: site.not_found})
    return _limit_size(app, settings.max_request)


def _limit_size(app, limit: int):
    """Refuse a request whose body or query string is over ``limit`` bytes with 413.

    The body (at most ``limit`` bytes, declared or not) is read here before the application sees it,
    then handed on as it came; a body that grows past the limit is answered here, and the
    application never runs.
    """
    def refuse():
        return PlainTextResponse(f"The request is over {limit // 1000} KB, the limit of this server; "
                                 "send a shorter query.\n", status_code=413)

    async def limited(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        too_big = len(scope.get("query_string") or b"") > limit
        if declared is not None:
            try:
                too_big = too_big or int(declared) > limit
            except ValueError:
                too_big = True
        if too_big:
            return await refuse()(scope, receive, send)
        messages, seen = [], 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            seen += len(message.get("body", b""))
            if seen > limit:
                return await refuse()(scope, receive, send)
            if not message.get("more_body"):
                break

        async def replay():
            return messages.pop(0) if messages else await receive()

        return await app(scope, replay, send)

    return limited


def lang_of(request: HttpRequest) -> str:
    lang = request.query_params.get("lang", "vi")
    return lang if lang in i18n.LANGS else "vi"


@functools.lru_cache(maxsize=1)
def _templates():
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("kg.web", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    from rdflib.namespace import RDF, RDFS, SKOS

    from kg.namespaces import HKG
    from kg.queries.results import prefixed
    from kg.web.entity import href, source_title

    env.globals.update(href=lambda t: href(str(t)), prefixed=prefixed, source_title=source_title,
                       RDF=RDF, RDFS=RDFS, SKOS=SKOS, HKG=HKG)
    return env


class Site:
    """The handlers, with what they share: the store, the stored queries, the worker pool, the network."""

    def __init__(self, store, project, settings: Settings):
        from kg.queries.stored import find_queries

        self.store = store
        self.project = project
        self.settings = settings
        self._held = store.hold() if hasattr(store, "hold") else None  # refreshes beside the server keep its version
        self.pool = QueryPool(store, settings.workers, settings.timeout)
        self.queries = {q.name: q for q in find_queries(project.query_dir, check_syntax=False)}
        self._network = None
        self._referrals = None
        self._graphs = None

    # --- shared -------------------------------------------------------------------------------
    def graphs(self):
        """The store's graph names (a view of the counted graphs: nothing is built per request)."""
        return self.graph_sizes().keys()

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph (the search labels left out: they are the site's, not a source's)."""
        if self._graphs is None:
            from kg.graph.search_labels import SEARCH_GRAPH

            sizes = self.store.graph_sizes()
            self._graphs = {g: n for g, n in sizes.items() if g != str(SEARCH_GRAPH)}
        return self._graphs

    def render(self, request: HttpRequest, template: str, status: int = 200, **context) -> HTMLResponse:
        lang = lang_of(request)
        other = "en" if lang == "vi" else "vi"
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
        if other == "en":
            params.append(("lang", "en"))
        switch = request.url.path + ("?" + urlencode(params) if params else "")

        def url(path: str, **query) -> str:
            """A link to a page of the site, in the language of this page."""
            query = {k: v for k, v in query.items() if v not in (None, "")}
            if lang == "en" and "lang=" not in path:
                query["lang"] = "en"
            if not query:
                return path
            return path + ("&" if "?" in path else "?") + urlencode(query, doseq=True)

        html = _templates().get_template(template).render(
            w=i18n.words(lang), lang=lang, other_lang=other, switch=switch, url=url, path=request.url.path, **context)
        return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)

    def error_page(self, request: HttpRequest, status: int, message: str) -> Response:
        if _wants_html(request):
            return self.render(request, "error.html", status=status, status_code=status, message=message)
        return PlainTextResponse(message + "\n", status_code=status)

    async def not_found(self, request: HttpRequest, exc) -> Response:
        words = i18n.words(lang_of(request))
        return self.error_page(request, 404, f"{words['not_found']}: {request.url.path}")

    def network_data(self):
        """The support network's projection, read once (the store of a server does not change)."""
        if self._network is None:
            from kg.network.projection import project_network

            self._network = project_network(self.store, project=self.project)
        return self._network

    def referral_data(self):
        """The referral network's projection, read once."""
        if self._referrals is None:
            from kg.network.referral import project_referrals

            self._referrals = project_referrals(self.store, project=self.project)
        return self._referrals

    async def run_user_query(self, text: str, fmt: str, default_graphs=(), named_graphs=(), timeout=None, cap=None):
        request = Request(text, list(default_graphs), list(named_graphs))
        check(request, self.graphs())
        return await self.pool.run(request, fmt, self.settings.max_rows if cap is None else cap, timeout)

    # --- pages --------------------------------------------------------------------------------
    async def home(self, request: HttpRequest) -> Response:
        lang = lang_of(request)
        by_question: dict[int, list] = {}
        for q in self.queries.values():
            for tag in q.header.get("tags") or []:
                if str(tag).startswith("cq") and str(tag)[2:].isdigit():
                    by_question.setdefault(int(str(tag)[2:]), []).append(q)
        questions = [{"number": n, "text": vi if lang == "vi" else en, "queries": sorted(by_question.get(n, []), key=lambda q: q.name)}
                     for n, vi, en in i18n.QUESTIONS]
        answered = {q.name for qs in by_question.values() for q in qs}
        others = [q for q in sorted(self.queries.values(), key=lambda q: q.name) if q.name not in answered and not q.is_check]
        checks = [q for q in sorted(self.queries.values(), key=lambda q: q.name) if q.is_check]
        return self.render(request, "home.html", questions=questions, others=others, checks=checks)

    async def search_page(self, request: HttpRequest) -> Response:
        from kg.web.suggest import suggest

        text = request.query_params.get("q", "").strip()
        found = await run_in_threadpool(suggest, self.store, text, lang_of(request), None, 50) if text else []
        return self.render(request, "search.html", text=text, found=found)

    async def suggest(self, request: HttpRequest) -> Response:
        from kg.queries.binding import ENTITY_KINDS
        from kg.web.suggest import suggest

        text = request.query_params.get("q", "").strip()
        kind = request.query_params.get("kind")
        kinds = list(ENTITY_KINDS.get(kind, (kind,))) if kind else None
        try:
            limit = min(max(int(request.query_params.get("limit", "10")), 1), 50)
        except ValueError:
            return PlainTextResponse("limit must be a whole number\n", status_code=400)
        found = await run_in_threadpool(suggest, self.store, text, lang_of(request), kinds, limit) if text else []
        return JSONResponse(found)

    async def query_page(self, request: HttpRequest) -> Response:
        from kg.web.forms import form_fields, result_table, run_stored

        name = request.path_params["name"]
        query = self.queries.get(name)
        lang = lang_of(request)
        if query is None:
            return self.error_page(request, 404, self._unknown_query(name))
        given = _params(request, query)
        fields = await run_in_threadpool(form_fields, self, query, given, lang)
        run = bool(given) or not query.parameters or "run" in request.query_params
        result = error = None
        status = 200
        text = query.text
        if run:
            try:
                answer, text = await run_stored(self, query, given, lang)
                result = await run_in_threadpool(result_table, self.store, answer, lang)
            except QueryTimeout as exc:
                error, status = str(exc), 503
            except KGError as exc:
                error, status = str(exc), 400
        downloads = {fmt: f"/api/{name}?" + urlencode({**given, "format": fmt}, doseq=True)
                     for fmt in ("csv", "tsv", "json")}
        question = next((i18n.question_text(int(t[2:]), lang) for t in query.header.get("tags") or []
                         if str(t).startswith("cq") and str(t)[2:].isdigit()), "")
        return self.render(request, "query.html", status=status, query=query, question=question, fields=fields,
                           result=result, error=error, sparql=text, downloads=downloads,
                           editor_link="/editor?" + urlencode({"query": text, **({"lang": "en"} if lang == "en" else {})}))

    async def editor(self, request: HttpRequest) -> Response:
        examples = [(q.name, q.summary, q.text) for q in sorted(self.queries.values(), key=lambda q: q.name)
                    if not q.parameters and not q.is_check][:8]
        examples.insert(0, ("first-rows", "", "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20"))
        prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items()
                           if p in ("hkg", "inst", "area", "rdfs", "skos", "dcterms", "xsd", "org", "schema", "prov"))
        text = request.query_params.get("query") or (prefixes + "\nSELECT ?institution ?name WHERE {\n"
                                                       "  ?institution a/rdfs:subClassOf* hkg:Institution ; rdfs:label ?name .\n"
                                                       "  FILTER(LANG(?name) = \"vi\")\n} ORDER BY ?name LIMIT 50\n")
        return self.render(request, "editor.html", text=text, examples=examples, prefixes=prefixes)

    async def entity(self, request: HttpRequest) -> Response:
        return await self._entity(request, BASE + request.url.path.lstrip("/"))

    async def resource(self, request: HttpRequest) -> Response:
        iri = request.query_params.get("iri", "")
        if not iri:
            return self.error_page(request, 400, "give the IRI to show as ?iri=...")
        return await self._entity(request, iri)

    async def _entity(self, request: HttpRequest, iri: str) -> Response:
        from kg.queries.terms import check_iri
        from kg.web.entity import describe, description_query, href, neighbourhood_svg

        lang = lang_of(request)
        try:
            check_iri(iri, "the address names")
        except QueryError as exc:
            return self.error_page(request, 400, str(exc))
        asked = request.query_params.get("format")
        accept = request.headers.get("accept", "")
        if asked or (not _wants_html(request) and any(t in accept for t in GRAPH_TYPES.values())):
            try:
                fmt = choose_format("CONSTRUCT", accept, asked)
            except QueryError as exc:
                return PlainTextResponse(str(exc) + "\n", status_code=400)
            try:
                answer = await self.pool.run(Request(description_query(iri)), fmt, self.settings.max_rows)
            except QueryTimeout as exc:
                return PlainTextResponse(str(exc) + "\n", status_code=503)
            except QueryError as exc:
                return PlainTextResponse(str(exc) + "\n", status_code=400)
            if answer.rows == 0:
                return PlainTextResponse(f"the graph says nothing about <{iri}>\n", status_code=404)
            return Response(answer.body, media_type=answer.media_type, headers={"Vary": "Accept"})
        description = await run_in_threadpool(describe, self.store, iri, lang)
        graph_size = (await run_in_threadpool(self.graph_sizes)).get(iri)  # a named graph: what it holds
        if not description.exists and graph_size is None:
            words = i18n.words(lang)
            return self.error_page(request, 404, f"{words['not_found']}: <{iri}>. {words['not_found_text']}")
        network = await run_in_threadpool(self.network_data)
        def link(other: str) -> str:
            return href(other) + (("&" if "?" in href(other) else "?") + "lang=en" if lang == "en" else "")

        svg = neighbourhood_svg(iri, network.links, network.institutions, lang, i18n.words(lang), link)
        sources = description.sources.get(iri) or {}
        return self.render(request, "entity.html", d=description, svg=svg, iri=iri, graph_size=graph_size,
                           graph_source=sources.get("src"), support_link=self._support_link(iri, lang))

    def _support_link(self, iri: str, lang: str) -> str | None:
        from kg.queries.results import prefixed
        from rdflib import URIRef

        if "institution-support" in self.queries and iri.startswith(str(PREFIXES["inst"])):
            return "/q/institution-support?" + urlencode({"institution": prefixed(URIRef(iri)), **({"lang": "en"} if lang == "en" else {})})
        return None

    async def icon(self, request: HttpRequest) -> Response:
        from importlib import resources

        icon = (resources.files("kg.web") / "static" / "icon.svg").read_bytes()
        return Response(icon, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})

    async def network(self, request: HttpRequest) -> Response:
        return self.render(request, "network.html")

    async def network_view(self, request: HttpRequest) -> Response:
        html = await run_in_threadpool(self._network_page, lang_of(request))
        return HTMLResponse(html)

    @functools.lru_cache(maxsize=2)
    def _network_page(self, lang: str) -> str:
        from kg.network.draw import vocabulary_words
        from kg.network.page import page_data, render_page

        words = vocabulary_words(self.store, lang)  # the levels, kinds and measures named in the page's language
        data = page_data(self.network_data(), lang, "out_degree", "level", None, False, words, entity_base="/",
                         referrals=self.referral_data())
        return render_page(data)

    async def map_view(self, request: HttpRequest) -> Response:
        html = await run_in_threadpool(self._map_page, lang_of(request))
        return HTMLResponse(html)

    @functools.lru_cache(maxsize=2)
    def _map_page(self, lang: str) -> str:
        from kg.network.draw import vocabulary_words
        from kg.network.map import read_places
        from kg.network.map_page import map_data, render_map_page

        words = vocabulary_words(self.store, lang)
        data = map_data(self.network_data(), read_places(self.store, self.project), lang, words, entity_base="/")
        return render_map_page(data)

    async def downloads(self, request: HttpRequest) -> Response:
        from kg.web.void import downloadable

        files = downloadable(self.project)
        sizes = await run_in_threadpool(self.graph_sizes)
        return self.render(request, "downloads.html", files=files, sizes=sorted(sizes.items()))

    async def download(self, request: HttpRequest) -> Response:
        from kg.web.void import downloadable, ensure_download

        name = request.path_params["name"]
        files = {f["name"]: f for f in downloadable(self.project)}
        if name not in files:
            return self.error_page(request, 404, f"no download called {name}; the downloads are listed at /downloads")
        path = await run_in_threadpool(ensure_download, self.store, self.project, name)
        return FileResponse(path, media_type=files[name]["media"], filename=name)

    async def void(self, request: HttpRequest) -> Response:
        from kg.web.void import void_graph

        base = str(request.base_url).rstrip("/")
        graph = await run_in_threadpool(void_graph, self.store, self.project, base)
        try:
            fmt = choose_format("CONSTRUCT", request.headers.get("accept"), request.query_params.get("format"))
        except QueryError as exc:
            return PlainTextResponse(str(exc) + "\n", status_code=400)
        formats = {"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt"}
        return Response(graph.serialize(format=formats[fmt]), media_type=GRAPH_TYPES[fmt])

    async def openapi(self, request: HttpRequest) -> Response:
        from kg.web.openapi import openapi_document

        return JSONResponse(openapi_document(self.queries.values(), str(request.base_url).rstrip("/")))

    # --- the endpoint and the API --------------------------------------------------------------
    async def sparql(self, request: HttpRequest) -> Response:
        if request.method == "GET":
            params = request.query_params
            text = params.get("query")
            defaults, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
            if params.get("update") is not None:
                return PlainTextResponse("this endpoint is read-only: SPARQL Update is refused\n", status_code=400)
            if text is None:
                if _wants_html(request):
                    return RedirectResponse("/editor" + ("?lang=en" if lang_of(request) == "en" else ""), status_code=303)
                return PlainTextResponse("give the query as ?query=... (SPARQL 1.1 Protocol)\n", status_code=400)
        else:
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind == "application/sparql-update":
                return PlainTextResponse("this endpoint is read-only: SPARQL Update is refused\n", status_code=400)
            if kind == "application/sparql-query":
                try:
                    text = (await request.body()).decode("utf-8")
                except UnicodeDecodeError:
                    return PlainTextResponse("the query is not UTF-8 text\n", status_code=400)
                params = request.query_params
            elif kind == "application/x-www-form-urlencoded":
                params = await request.form()
                if params.get("update") is not None:
                    return PlainTextResponse("this endpoint is read-only: SPARQL Update is refused\n", status_code=400)
                text = params.get("query")
                if text is None:
                    return PlainTextResponse("give the query as the form field 'query'\n", status_code=400)
            else:
                return PlainTextResponse("POST the query as application/sparql-query or as a form "
                                         "(application/x-www-form-urlencoded) with a 'query' field\n", status_code=415)
            defaults, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
        from kg.queries.stored import query_form

        try:
            fmt = choose_format(query_form(text), request.headers.get("accept"), request.query_params.get("format"))
            answer = await self.run_user_query(text, fmt, defaults, named)
        except QueryTimeout as exc:
            return PlainTextResponse(str(exc) + "\n", status_code=503)
        except QueryError as exc:
            return PlainTextResponse(str(exc) + "\n", status_code=400)
        headers = {"Vary": "Accept"}
        if answer.capped:
            headers["X-Result-Capped"] = f"only the first {self.settings.max_rows} rows are sent"
        return Response(answer.body, media_type=answer.media_type, headers=headers)

    async def api(self, request: HttpRequest) -> Response:
        from kg.web.forms import run_stored

        name = request.path_params["name"]
        query = self.queries.get(name)
        if query is None:
            return PlainTextResponse(self._unknown_query(name) + "\n", status_code=404)
        known = {p.name for p in query.parameters}
        unknown = [k for k in request.query_params if k not in known | {"format", "lang"}]
        if unknown:
            return PlainTextResponse(f"query '{name}' has no parameter '{unknown[0]}'; its parameters: "
                                     f"{', '.join(sorted(known)) or 'none'}\n", status_code=400)
        given = _params(request, query)
        try:
            fmt = choose_format(query.query_type, request.headers.get("accept"), request.query_params.get("format"))
            if query.query_type in ("CONSTRUCT", "DESCRIBE"):
                raise QueryError(f"query '{name}' builds a graph; run it on /sparql")
            result, _ = await run_stored(self, query, given, lang_of(request), fmt)
        except QueryTimeout as exc:
            return PlainTextResponse(str(exc) + "\n", status_code=503)
        except KGError as exc:
            return PlainTextResponse(str(exc) + "\n", status_code=400)
        if isinstance(result, Answer):  # one run: the worker wrote the answer in the format asked for
            answer = result
        else:
            from kg.graph.store import from_rdflib

            rows = [[from_rdflib(t) if t is not None else None for t in row] for row in result.rows]
            answer = write_solutions(result.variables, rows, fmt, self.settings.max_rows)
        headers = {"Vary": "Accept"}
        if getattr(result, "capped", False) or answer.capped:
            headers["X-Result-Capped"] = f"only the first {self.settings.max_rows} rows are sent"
        if fmt in ("csv", "tsv"):
            headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return Response(answer.body, media_type=answer.media_type, headers=headers)

    def _unknown_query(self, name: str) -> str:
        import difflib

        close = difflib.get_close_matches(name, list(self.queries), n=3, cutoff=0.6)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        return f"no stored query '{name}'; {hint}the stored queries: {', '.join(sorted(self.queries))}"


def _params(request: HttpRequest, query) -> dict:
    """The stored query's parameters given in the query string (empty values left out; a list where repeated)."""
    given = {}
    for p in query.parameters:
        values = [v.strip() for v in request.query_params.getlist(p.name) if v.strip()]
        if values:
            given[p.name] = values if len(values) > 1 else values[0]
    return given


def _wants_html(request: HttpRequest) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not request.query_params.get("format")


__all__ = ["create_app", "Settings"]
