"""Stored SPARQL queries: find them, parse their grlc-style headers and bodies (kg.queries.run runs them)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kg.errors import QueryError
from kg.namespaces import PREFIXES

#: Header keys grlc understands, plus ``severity`` for the ``-violation`` checks.
HEADER_KEYS = ("summary", "description", "tags", "defaults", "enumerate", "method", "endpoint",
               "pagination", "severity", "example")

_PARAM = re.compile(r"\?(__?)([A-Za-z][A-Za-z0-9]*)((?:_[A-Za-z0-9]+)*)\b")


@dataclass(frozen=True)
class Parameter:
    """A grlc/BASIL parameter: ``?_name`` (required) or ``?__name`` (optional), with an optional type suffix.

    >>> p = Parameter.from_variable("_institution_iri")
    >>> (p.name, p.kind, p.required)
    ('institution', 'iri', True)
    >>> Parameter.from_variable("__date_xsd_date").kind
    'xsd_date'
    """

    variable: str
    name: str
    kind: str
    required: bool

    @classmethod
    def from_variable(cls, variable: str) -> "Parameter":
        required = not variable.startswith("__")
        body = variable.lstrip("_")
        name, _, kind = body.partition("_")
        return cls(variable=variable, name=name, kind=kind or "literal", required=required)


@dataclass
class StoredQuery:
    """One ``.rq`` file: its header (decorators) and its SPARQL body."""

    name: str
    path: Path
    header: dict
    text: str
    parameters: list[Parameter] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return self.header.get("summary", "")

    @property
    def is_check(self) -> bool:
        """A ``-violation`` check: zero rows means the data passes."""
        return self.name.endswith("-violation")

    @property
    def query_type(self) -> str:
        """SELECT, CONSTRUCT, ASK or DESCRIBE."""
        return query_form(self.text)


def query_form(text: str) -> str:
    r"""SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside comments, strings and IRIs.

    >>> query_form('# loaded\nPREFIX a: <urn:ask#>\nSELECT ("ASK" AS ?x) {}')
    'SELECT'
    """
    clean = re.sub(r'#[^\n]*|<[^<>\s]*>|"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', " ", text)
    match = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", clean, flags=re.I)
    return match.group(1).upper() if match else "SELECT"


class _NoAliases(yaml.SafeLoader):
    """YAML without anchors and aliases: a header needs none, and aliases can expand without bound."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in a query header",
                                              event.start_mark)
        return super().compose_node(parent, index)


def parse_header(text: str, source: str = "<query>") -> dict:
    """Read the ``#+`` decorator lines at the top of a query as YAML.

    >>> parse_header("#+ summary: People by post\\n#+ tags: [people]\\nSELECT * {}")
    {'summary': 'People by post', 'tags': ['people']}
    """
    lines, first = [], None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#+"):
            first = first or number
            lines.append(line[2:].removeprefix(" "))
        elif line.strip() and not line.lstrip().startswith("#"):
            break
    if not lines:
        return {}
    try:
        header = yaml.load("\n".join(lines), Loader=_NoAliases) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first + mark.line if mark else first
        raise QueryError(f"{source} line {line}: the '#+' header is not valid YAML ({getattr(exc, 'problem', exc)}); "
                         "write one 'key: value' per '#+' line") from None
    if not isinstance(header, dict):
        raise QueryError(f"{source} line {first}: the '#+' header must be 'key: value' lines")
    for key in header:
        if key not in HEADER_KEYS:
            line = next((n for n, row in enumerate(text.splitlines(), start=1)
                         if re.match(rf"#\+\s*{re.escape(str(key))}\s*:", row)), first)
            raise QueryError(f"{source} line {line}: unknown header key '{key}'; known keys: {', '.join(HEADER_KEYS)}")
    return header


def query_parameters(text: str) -> list[Parameter]:
    """The parameters of a query body, in order of first use.

    >>> [p.name for p in query_parameters("SELECT ?x { ?x ?p ?_org_iri . ?x ?q ?__since_xsd_date }")]
    ['org', 'since']
    """
    seen, params = set(), []
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    for match in _PARAM.finditer(body):
        variable = match.group(0)[1:]
        if variable not in seen:
            seen.add(variable)
            params.append(Parameter.from_variable(variable))
    return params


def read_query(path: Path, check_syntax: bool = True) -> StoredQuery:
    """Parse one ``.rq`` file; a bad header, a missing summary or a body the parser rejects is a ``QueryError``.

    ``check_syntax`` parses the body with rdflib, the strictest of the engines the queries meet
    (it takes half a second); without it a syntax error surfaces when the query runs.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"{path}: cannot be read ({exc.strerror}); give the path of a .rq file") from None
    header = parse_header(text, str(path))
    if not header.get("summary"):
        raise QueryError(f"{path} line 1: no '#+ summary:' line; every stored query says in one line what it answers")
    if check_syntax:
        try:
            parsed(text)
        except Exception as exc:
            raise QueryError(f"{path}: the SPARQL body does not parse: {exc}") from None
    return StoredQuery(name=path.stem, path=path, header=header, text=text, parameters=query_parameters(text))


def find_queries(folder: Path, checks: bool | None = None, check_syntax: bool = True) -> list[StoredQuery]:
    """Every stored query in ``folder`` by glob; ``checks=True`` only ``-violation`` checks, ``False`` none of them.

    ``check_syntax=False`` reads only the headers (parsing every body takes a while).
    """
    paths = sorted(Path(folder).glob("*.rq"))
    if checks is not None:
        paths = [p for p in paths if p.stem.endswith("-violation") == checks]
    return [read_query(p, check_syntax) for p in paths]


def stored_query(name: str, folder: Path | None = None) -> StoredQuery:
    """The stored query called ``name`` (the file name without ``.rq``); an unknown name lists the known ones."""
    from kg.graph.files import Project

    folder = Path(folder) if folder else Project().query_dir
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name or "") or ".." in name or len(name) > 200:
        shown = name if len(name or "") <= 80 else name[:77] + "..."
        raise QueryError(f"{shown!r} is not the name of a stored query: a name is letters, digits and dashes, "
                         "such as institution-support (run 'kg queries' for the list); to run a file, use -f FILE")
    path = folder / f"{name.removesuffix('.rq')}.rq"
    if not path.is_file():
        import difflib

        names = [p.stem for p in sorted(folder.glob("*.rq"))]
        close = difflib.get_close_matches(name.removesuffix(".rq"), names, n=3, cutoff=0.6)
        known = f"did you mean {', '.join(close)}?" if close else f"known queries: {', '.join(names) or '(none)'}."
        raise QueryError(f"no stored query '{name}' in {folder.name}/; {known} "
                         "Run 'kg queries' to see what each answers")
    return read_query(path, check_syntax=False)


#: An IRI as SPARQL writes it (IRIREF): no space, quote, brace or one of <>|^`\ inside.
_IRI = r'<[^<>"{}|^`\\\x00-\x20]*>'
#: Comments (to the end of the line, LF or CR), IRIs and strings (long ones first), blanked out before looking for a keyword.
_WITHOUT_LITERALS = re.compile(r'#[^\r\n]*|' + _IRI + r'|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                               r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\'', re.S)


def _has_service(node) -> bool:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        return node.name == "ServiceGraphPattern" or any(_has_service(v) for v in node.values())
    if isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        return any(_has_service(v) for v in node)
    return False


def calls_service(text: str) -> bool | None:
    r"""True when ``text`` has a SERVICE clause, False when it has none, None when it cannot be told.

    The keyword outside comments, strings and IRIs decides at once. When the word appears only
    inside them, rdflib's parser decides (so that a line break by CR, or an IRI that is not one,
    cannot hide it); a text that parser cannot read is None.

    >>> calls_service('SELECT * { ?s ?p "SERVICE" }'), calls_service("SELECT * { SERVICE <urn:x> { ?s ?p ?o } }")
    (False, True)
    >>> calls_service("SELECT * { #x\rSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    True
    """
    if not re.search(r"service", text, flags=re.I):
        return False
    if re.search(r"\bSERVICE\b", _WITHOUT_LITERALS.sub(" ", text), flags=re.I):
        return True
    try:
        from rdflib.plugins.sparql.parser import parseQuery

        tree = parseQuery(text)
    except Exception:
        return None
    return _has_service(tree)


def refuse_service(text: str, where: str = "the query") -> None:
    """Refuse a query that calls another endpoint with SERVICE: the local graph answers only from itself.

    >>> refuse_service('SELECT * WHERE { ?s ?p "SERVICE" } # SERVICE')
    >>> refuse_service("SELECT * { BIND('''a'b''' AS ?x) SERVICE <http://x/> { ?s ?p ?o } BIND('c' AS ?y) }")
    Traceback (most recent call last):
    kg.errors.QueryError: the query calls another endpoint with SERVICE, which the local graph never does; run it on that endpoint with --endpoint URL instead
    """
    found = calls_service(text)
    if found:
        raise QueryError(f"{where} calls another endpoint with SERVICE, which the local graph never does; "
                         "run it on that endpoint with --endpoint URL instead")
    if found is None:
        raise QueryError(f"{where} has the word SERVICE in a form that cannot be checked here, and queries that "
                         "call another endpoint are refused; write it without SERVICE, or run it on that endpoint "
                         "with --endpoint URL")


_FROM = re.compile(r"(?<![?$\w])FROM\s+(NAMED\s+)?(<[^<>\s]*>|[A-Za-z_][\w.-]*:[\w.-]*)", re.I)


def dataset_clauses(text: str) -> list[str]:
    """The IRIs the query's FROM and FROM NAMED clauses name (prefixed names expanded with the project's prefixes).

    >>> dataset_clauses("SELECT ?from FROM <urn:a> FROM NAMED graph:reference WHERE { ?from ?p 'FROM <urn:b>' }")
    ['urn:a', 'https://w3id.org/vnhealth/graph/reference']
    """
    from kg.queries.terms import expand

    bare = _WITHOUT_LITERALS.sub(lambda m: m.group(0) if m.group(0).startswith("<") else " ", text)
    named = []
    for match in _FROM.finditer(bare):
        token = match.group(2)
        named.append(token[1:-1] if token.startswith("<") else str(expand(token) or token))
    return named


def refuse_outside_graphs(named, graphs, why: str = "; a query reads no file and fetches nothing") -> None:
    """Refuse a dataset (the IRIs of FROM and FROM NAMED, see ``dataset_clauses``) that names anything but one of
    ``graphs``, the target's own named graphs: a query reads the graph it is given, never a file or an address.

    >>> refuse_outside_graphs(["urn:g"], {"urn:g"})
    >>> refuse_outside_graphs(dataset_clauses("ASK FROM <file:///etc/hosts> { ?s ?p ?o }"), {"urn:g"})
    Traceback (most recent call last):
    kg.errors.QueryError: FROM <file:///etc/hosts> is not a graph of this store: FROM and FROM NAMED may name only the store's own graphs; a query reads no file and fetches nothing
    """
    for iri in named:
        if iri not in graphs:
            raise QueryError(f"FROM <{iri}> is not a graph of this store: FROM and FROM NAMED may name only the "
                             f"store's own graphs{why}")


def syntax_error(text: str) -> str | None:
    """The reason why ``text`` is not SPARQL 1.1, or None when it parses.

    Oxigraph checks it on an empty store (a millisecond); a query with SERVICE is only parsed,
    by rdflib, so that checking it never calls the endpoint it names.
    """
    import pyoxigraph

    try:
        refuse_service(text)
    except QueryError:
        try:
            parsed(text)
        except Exception as exc:
            return str(exc)
        return None
    try:
        pyoxigraph.Store().query(text)
    except SyntaxError as exc:
        return str(exc)
    except Exception:  # it parses; running it on nothing may still fail (a type error in a BIND, ...)
        return None
    return None


def adhoc_query(text: str, source: str = "<query>") -> StoredQuery:
    """An ad-hoc query (``-e`` text or a file without header); project prefixes it does not declare are added."""
    declared = {m.lower() for m in re.findall(r"(?im)^\s*PREFIX\s+([\w-]*):", text)}
    missing = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p.lower() not in declared)
    full = missing + text
    problem = syntax_error(full)
    if problem is not None:
        from rdflib.plugins.sparql import prepareQuery

        half = re.search(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}", text)
        if half:
            raise QueryError(f"{source}: the SPARQL does not parse: {half.group()} is half of a UTF-16 surrogate "
                             "pair, not a character; write the character itself, or its code point as \\UXXXXXXXX")
        try:  # parse the user's own text again, so that line and column point into it
            prepareQuery(text, initNs={p: str(ns) for p, ns in PREFIXES.items()})
            added = missing.count("\n")  # Oxigraph's position counts the prefixes added above
            reason = re.sub(r"\bat (\d+):(\d+)", lambda m: f"at line {int(m[1]) - added}, column {m[2]}", problem)
        except Exception as exc:
            reason = str(exc)
        raise QueryError(f"{source}: the SPARQL does not parse: {reason}")
    header = parse_header(text, source)
    return StoredQuery(name=Path(source).stem if source != "<query>" else "query", path=Path(source),
                       header=header, text=full, parameters=query_parameters(text))


@functools.lru_cache(maxsize=256)
def parsed(text: str):
    """The query parsed and translated by rdflib, kept: parsing takes longer than running most queries here.

    (rdflib's SPARQL parser is imported only here: loading it takes a tenth of a second.)
    """
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)
