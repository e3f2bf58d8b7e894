"""A table of hostile and careless command lines, each run as a user would run it (a fresh ``kg`` process),
and what became of it: a clean error (exit 2, a message naming the input, no traceback), a traceback, a
success that should not have been, or a hang (no answer within ``HANG`` seconds).

``tests/test_hostile.py`` asserts every row; ``python tests/hostile_table.py`` prints the counts by category.
Every input lives in a scratch folder; a loopback listener records any request a case makes, and files
marked SECRET must never reach the output.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HANG = 60  # seconds: longer is a hang
SECRET = "SECRET-7f3a"  # the content of files no case may read


@dataclass(frozen=True)
class Case:
    category: str
    name: str
    argv: tuple[str, ...]  # {dir} is the scratch folder, {port} the listener's port, {case} this case's name
    says: str  # what the message must contain (it names the input)
    stdout: str | None = None  # "full" for /dev/full
    env: tuple[tuple[str, str], ...] = ()


@dataclass
class Outcome:
    case: Case
    code: int | None
    stderr: str
    stdout: str
    seconds: float
    requests: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if self.code is None:
            return "hang"
        if "Traceback" in self.stderr:
            return "traceback"
        if self.code in (0, 1):
            return "succeeded"
        leak = SECRET in self.stderr + self.stdout or self.requests
        if self.code == 2 and self.case.says in self.stderr and not leak:
            return "clean"
        return "unclear"


def write_inputs(folder: Path, port: int) -> None:
    """The files the cases name, in ``folder``."""
    files = {
        "empty.ttl": "",
        "comment-only.ttl": "# nothing here\n",
        "trunc.trig": '@prefix e: <urn:e#> .\n<urn:g> { e:a e:b "abc',
        "trunc.ttl": "@prefix e: <urn:e#> .\ne:a e:b e:c ;\n",
        "garbage.ttl": "\x00\x01\x02 binary \x7f",
        "space-iri.ttl": "<urn:a b> <urn:p> <urn:o> .\n",
        "brace-iri.ttl": "<urn:a{|^> <urn:p> <urn:o> .\n",
        "bad-escape.ttl": '<urn:a> <urn:p> "\\uZZZZ" .\n',
        "bad-escape.nt": '<urn:a> <urn:p> "x" .\n<urn:a> <urn:p> "\\x41" .\n',
        "bad.nq": '<urn:a> <urn:p> "x" <urn:g> .\n<urn:a> <urn:p> .\n',
        "blank-graph.trig": "_:g { <urn:a> <urn:p> <urn:o> }\n",
        "context-number.jsonld": '{"@context": 5, "@id": "urn:a"}',
        "value-object.jsonld": '[{"@id": "urn:a", "urn:p": [{"@value": {"x": 1}}]}]',
        "id-number.jsonld": '{"@id": 7, "urn:p": "x"}',
        "numbers.jsonld": "[1, 2, 3]",
        "no-iris.jsonld": '{"name": "x", "age": 3}',
        "trunc.jsonld": '{"@id": "urn:a", "urn:p": "x"',
        "remote-context.jsonld": f'{{"@context": "http://127.0.0.1:{port}/{{case}}/c.jsonld", "@id": "urn:a"}}',
        "context-array.jsonld": f'{{"@context": ["http://127.0.0.1:{port}/{{case}}/c.jsonld"], "@id": "urn:a"}}',
        "import.jsonld": f'{{"@context": {{"@import": "http://127.0.0.1:{port}/{{case}}/i.jsonld"}}, "@id": "urn:a"}}',
        "file-context.jsonld": f'{{"@context": "file://{folder}/secret.json", "@id": "urn:a"}}',
        "relative-context.jsonld": '{"@context": "secret.json", "@id": "urn:a"}',
        "zero-context.jsonld": '{"@context": "file:///dev/zero", "@id": "urn:a"}',
        "secret.json": f'{{"@context": {{"n": "urn:n"}}, "@id": "urn:{SECRET}", "n": "{SECRET}"}}',
        "secret.ttl": f'<urn:s> <urn:p> "{SECRET}" .\n',
        "laughs.rdf": ('<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY a "aaaaaaaaaa">\n'
                       '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n<r>&b;</r>\n'),
        "deep.rdf": ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                     'xmlns:e="urn:e#">\n' + '<rdf:Description><e:p>' * 50_000 + '</e:p></rdf:Description>' * 50_000
                     + "</rdf:RDF>\n"),
        "broken.rdf": '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<a></b>\n',
        "latin1.rq": None,
        "utf16.rq": None,
        "bad.rq": "SELECT ?x WHERE { ?x ?y }\n",
        "alias-bomb.rq": "#+ summary: x\n#+ defaults: &a [&b [1, 2], *b, *b]\n#+ tags: [*a, *a]\nSELECT * {}\n",
    }
    for name, text in files.items():
        if text is not None:
            (folder / name).write_text(text, encoding="utf-8")
    (folder / "latin1.ttl").write_bytes('<urn:a> <urn:p> "café" .\n'.encode("latin-1"))
    (folder / "latin1.rq").write_bytes('SELECT ("café" AS ?x) {}'.encode("latin-1"))
    (folder / "utf16.rq").write_bytes("SELECT * {}".encode("utf-16"))
    for name, target in (("loop-a.ttl", "loop-b.ttl"), ("loop-b.ttl", "loop-a.ttl"), ("dangling.ttl", "nowhere.ttl")):
        (folder / name).symlink_to(target)
    (folder / "folder.ttl").mkdir()
    (folder / "unrelated").mkdir()
    (folder / "unrelated" / "notes.txt").write_text("not a project\n", encoding="utf-8")
    (folder / "empty-ontology" / "ontology").mkdir(parents=True)
    # a project folder of someone else's, whose check queries reach out
    evil = folder / "evil"
    evil.mkdir()
    for part in ("ontology", "shapes"):
        (evil / part).symlink_to(ROOT / part)
    (evil / "data" / "sources").mkdir(parents=True)
    (evil / "data" / "sources" / "x.trig").write_text(
        "<urn:g> { <urn:a> <http://www.w3.org/2000/01/rdf-schema#label> \"a\" }\n", encoding="utf-8")
    (evil / "queries").mkdir()
    (evil / "queries" / "reach-violation.rq").write_text(
        f"#+ summary: reaches out\nSELECT ?focus WHERE {{ SERVICE <http://127.0.0.1:{port}/evil/> {{ ?focus ?p ?o }} }}\n",
        encoding="utf-8")
    (evil / "queries" / "read-violation.rq").write_text(
        f"#+ summary: reads a file\nSELECT ?focus FROM <file://{folder}/secret.ttl> WHERE {{ ?focus ?p ?o }}\n",
        encoding="utf-8")


def _cases() -> list[Case]:
    v = lambda name, file, says: Case("files", name, ("validate", "{dir}/" + file), says)  # noqa: E731
    q = lambda category, name, says, *argv: Case(category, name, ("query", *argv), says)  # noqa: E731
    listener = "http://127.0.0.1:{port}/{case}/"
    return [
        # malformed files in every format
        v("empty file", "empty.ttl", "empty.ttl: no triples to validate"),
        v("comments only", "comment-only.ttl", "comment-only.ttl: no triples to validate"),
        v("truncated TriG", "trunc.trig", "trunc.trig line 2:"),
        v("truncated Turtle", "trunc.ttl", "trunc.ttl line "),
        v("binary Turtle", "garbage.ttl", "garbage.ttl line 1:"),
        v("latin-1 Turtle", "latin1.ttl", "latin1.ttl"),
        v("IRI with a space", "space-iri.ttl", "space-iri.ttl line 1:"),
        v("IRI with {|^", "brace-iri.ttl", "brace-iri.ttl line 1:"),
        v("\\uZZZZ in Turtle", "bad-escape.ttl", "bad-escape.ttl line 1:"),
        v("\\x41 in N-Triples", "bad-escape.nt", "bad-escape.nt line 2:"),
        v("short N-Quads line", "bad.nq", "bad.nq line 2:"),
        v("graph named by a blank node", "blank-graph.trig", "blank-graph.trig: a graph is named by a blank node"),
        v("JSON-LD @context a number", "context-number.jsonld", "context-number.jsonld: is not valid JSON-LD: $.@context"),
        v("JSON-LD @value an object", "value-object.jsonld", "value-object.jsonld: is not valid JSON-LD: $[0].urn:p[0].@value"),
        v("JSON-LD @id a number", "id-number.jsonld", "id-number.jsonld: is not valid JSON-LD: $.@id"),
        v("JSON-LD [1,2,3]", "numbers.jsonld", "numbers.jsonld: no triples to validate"),
        v("JSON-LD without IRIs", "no-iris.jsonld", "no-iris.jsonld: no triples to validate"),
        v("truncated JSON-LD", "trunc.jsonld", "trunc.jsonld line 1: is not JSON"),
        v("RDF/XML entity bomb", "laughs.rdf", "laughs.rdf line 3: declares a DTD entity"),
        v("RDF/XML 50,000 deep", "deep.rdf", "deep.rdf line 3: nests elements more than 512 deep"),
        v("RDF/XML not well-formed", "broken.rdf", "broken.rdf line 3: is not well-formed XML"),
        v("symlink loop", "loop-a.ttl", "loop-a.ttl: is a symbolic link in a loop"),
        v("dangling symlink", "dangling.ttl", "dangling.ttl: is a symbolic link to a file that does not exist"),
        v("a folder", "folder.ttl", "folder.ttl: is a folder"),
        v("missing file", "missing.ttl", "missing.ttl: no such file"),
        Case("files", "100,000-character file name", ("validate", "f" * 100_000 + ".ttl"), "File name too long"),
        # requests and reads nobody asked for
        v("remote @context", "remote-context.jsonld", "remote-context.jsonld: its @context refers to"),
        v("@context array", "context-array.jsonld", "context-array.jsonld: its @context refers to"),
        v("@import", "import.jsonld", "import.jsonld: its @context refers to"),
        v("file: @context", "file-context.jsonld", "file-context.jsonld: its @context refers to"),
        v("relative @context", "relative-context.jsonld", "relative-context.jsonld: its @context refers to"),
        v("file:///dev/zero @context", "zero-context.jsonld", "zero-context.jsonld: its @context refers to"),
        q("requests", "SERVICE to a listener", "calls another endpoint with SERVICE",
          "-e", "SELECT * WHERE { SERVICE <" + listener + "> { ?x ?p ?o } }"),
        q("requests", "SERVICE SILENT", "calls another endpoint with SERVICE",
          "-e", "SELECT * WHERE { SERVICE SILENT <" + listener + "> { ?x ?p ?o } }"),
        q("requests", "SERVICE to file:", "calls another endpoint with SERVICE",
          "-e", "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?x ?p ?o } }"),
        q("requests", "FROM a file", "FROM <file://",
          "-e", "SELECT * FROM <file://{dir}/secret.ttl> WHERE { ?s ?p ?o }"),
        q("requests", "FROM a listener", "FROM <http://127.0.0.1",
          "-e", "SELECT * FROM <" + listener + "> WHERE { ?s ?p ?o }"),
        q("requests", "FROM NAMED a file", "FROM <file://",
          "-e", "SELECT * FROM NAMED <file://{dir}/secret.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }"),
        q("requests", "CONSTRUCT FROM a file", "FROM <file://",
          "-e", "CONSTRUCT { ?s ?p ?o } FROM <file://{dir}/secret.ttl> WHERE { ?s ?p ?o }"),
        q("requests", "ASK FROM a listener", "FROM <http://127.0.0.1",
          "-e", "ASK FROM <" + listener + "> { ?s ?p ?o }"),
        q("requests", "query name ../../", "is not the name of a stored query", "../../etc/passwd"),
        q("requests", "query name absolute", "is not the name of a stored query", "/etc/passwd"),
        Case("requests", "project whose checks use SERVICE and FROM", ("--root", "{dir}/evil", "validate"),
             "reach-violation.rq"),
        # updates are never run
        q("updates", "INSERT DATA", "INSERT", "-e", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
        q("updates", "LOAD", "LOAD", "-e", "LOAD <" + listener + ">"),
        q("updates", "DROP ALL", "DROP", "-e", "DROP ALL"),
        # queries that misbehave
        q("queries", "cartesian product", "stopped after 1.5 s, its time limit", "--timeout", "1.5",
          "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"),
        q("queries", "negated path star", "stopped after 1.5 s, its time limit", "--timeout", "1.5",
          "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?a (!<urn:x>|^!<urn:x>)* ?b . ?c ?d ?e }"),
        q("queries", "lone surrogate", "\\uD800 is half of a UTF-16 surrogate pair",
          "-e", 'SELECT ?x WHERE { BIND("\\uD800" AS ?x) }'),
        q("queries", "syntax error", "bad.rq: the SPARQL does not parse", "-f", "{dir}/bad.rq"),
        q("queries", "latin-1 query file", "latin1.rq: is not UTF-8 text", "-f", "{dir}/latin1.rq"),
        q("queries", "UTF-16 query file", "utf16.rq: is not UTF-8 text", "-f", "{dir}/utf16.rq"),
        q("queries", "query file a symlink loop", "loop-a.ttl: is a symbolic link in a loop", "-f", "{dir}/loop-a.ttl"),
        q("queries", "query file missing", "missing.rq: no such file", "-f", "{dir}/missing.rq"),
        q("queries", "YAML alias bomb header", "aliases (*name) are not allowed", "-f", "{dir}/alias-bomb.rq"),
        q("queries", "100,000-character query name", "is not the name of a stored query", "x" * 100_000),
        # parameters
        q("parameters", "value of 100,000 characters", "a value of 100,000 characters is no name",
          "institution-support", "-p", "institution=" + "i" * 100_000),
        q("parameters", "status that is an institution", 'no status is named "bach mai"',
          "cooperations-by-status", "-p", "status=bach mai"),
        q("parameters", "unknown parameter", "institution-support", "institution-support", "-p", "nobody=x"),
        q("parameters", "parameter without =", "-p", "institution-support", "-p", "institution"),
        q("parameters", "width -5", "is not a table width", "institution-support", "--width", "-5"),
        q("parameters", "width 0", "is not a table width", "institution-support", "--width", "0"),
        Case("parameters", "--as-of empty", ("network", "--as-of", ""), "not a date; write it as YYYY-MM-DD"),
        Case("parameters", "--as-of 2025-02-30", ("network", "--as-of", "2025-02-30"), "2025-02-30"),
        Case("parameters", "--limit -3", ("validate", "--limit", "-3"), "'-3' is not a whole number"),
        # endpoints given on the command line
        q("endpoints", "broken IPv6 URL", "Invalid IPv6 URL", "-e", "ASK {}", "--endpoint", "http://[::1/query"),
        q("endpoints", "port 99999", "Port out of range", "-e", "ASK {}", "--endpoint", "http://127.0.0.1:99999/q"),
        q("endpoints", "ftp: endpoint", "ftp://", "-e", "ASK {}", "--endpoint", "ftp://127.0.0.1/q"),
        q("endpoints", "password in the URL", "ann:***@", "-e", "ASK {}", "--timeout", "5",
          "--endpoint", "http://ann:s3cret@127.0.0.1:9/sparql"),
        q("endpoints", "timeout inf", "is not a number of seconds above 0", "-e", "ASK {}", "--timeout", "inf"),
        q("endpoints", "timeout nan", "is not a number of seconds above 0", "-e", "ASK {}", "--timeout", "nan"),
        q("endpoints", "timeout 1e300", "is not a number of seconds above 0", "-e", "ASK {}", "--timeout", "1e300"),
        q("endpoints", "timeout -1", "is not a number of seconds above 0", "-e", "ASK {}", "--timeout", "-1"),
        Case("endpoints", "push to a closed port", ("push", "--endpoint", "http://127.0.0.1:9/store", "--timeout", "5"),
             "127.0.0.1:9"),
        # output to odd places
        Case("output", "export to /dev/full", ("export",), "cannot write the output (No space left on device)",
             stdout="full"),
        Case("output", "query to /dev/full", ("query", "institution-support"),
             "cannot write the output (No space left on device)", stdout="full"),
        Case("output", "-o under a file", ("export", "-o", "{dir}/secret.ttl/x.ttl"), "secret.ttl"),
        Case("output", "-o a folder", ("export", "-o", "{dir}/folder.ttl"), "folder.ttl"),
        # project folders that are not projects
        Case("projects", "--root unrelated folder", ("--root", "{dir}/unrelated", "validate"), "not a project folder"),
        Case("projects", "--root empty ontology/", ("--root", "{dir}/empty-ontology", "validate"),
             "not a project folder"),
        Case("projects", "KG_HOME unrelated folder", ("validate",), "KG_HOME", env=(("KG_HOME", "{dir}/unrelated"),)),
        Case("projects", "--root of 100,000 characters", ("--root", "r" * 100_000, "validate"), "File name too long"),
        Case("projects", "--root a symlink loop", ("--root", "{dir}/loop-a.ttl", "validate"), "loop-a.ttl"),
    ]


CASES = _cases()


def run_case(case: Case, folder: Path, port: int, requests: list[str]) -> Outcome:
    """Run ``case`` as a fresh ``kg`` process from the project folder; ``requests`` is what the listener heard."""
    import time

    fill = lambda text: text.replace("{dir}", str(folder)).replace("{port}", str(port)).replace("{case}", _slug(case))  # noqa: E731
    argv = [fill(a) for a in case.argv]
    env = {k: v for k, v in os.environ.items() if k != "KG_HOME"} | {k: fill(v) for k, v in case.env}
    started = time.monotonic()
    out = open("/dev/full", "w") if case.stdout == "full" else subprocess.PIPE
    try:
        done = subprocess.run([sys.executable, "-m", "kg", *argv], stdout=out, stderr=subprocess.PIPE, text=True,
                              timeout=HANG, cwd=ROOT, env=env, errors="replace")
        code, stderr, stdout = done.returncode, done.stderr, done.stdout or ""
    except subprocess.TimeoutExpired as exc:
        code, stderr, stdout = None, (exc.stderr or b"").decode("utf-8", "replace"), ""
    finally:
        if out is not subprocess.PIPE:
            out.close()
    heard = [r for r in requests if r.startswith(f"/{_slug(case)}/") or r.startswith("/evil/")]
    return Outcome(case, code, stderr, stdout, time.monotonic() - started, heard)


def _slug(case: Case) -> str:
    return "".join(c if c.isalnum() else "-" for c in case.name.lower())[:60]


def run_all(folder: Path, workers: int = 4) -> list[Outcome]:
    """Every case, ``workers`` at a time, with the inputs in ``folder`` and a loopback listener."""
    sys.path.insert(0, str(Path(__file__).parent))
    from conftest import recording_listener

    server, port, requests = recording_listener()
    try:
        write_inputs(folder, port)
        with ThreadPoolExecutor(workers) as pool:
            return list(pool.map(lambda case: run_case(case, folder, port, requests), CASES))
    finally:
        server.shutdown()
        server.server_close()


def leftovers(folder: Path) -> list[str]:
    """Temporary files a case left behind in ``folder`` (and the project's build folder)."""
    return sorted(str(p) for base in (folder, ROOT / "build") if base.exists()
                  for p in base.rglob(".*.tmp"))


def table(outcomes: list[Outcome]) -> str:
    """The counts by category, as a Markdown table."""
    verdicts = ("clean", "traceback", "succeeded", "hang", "unclear")
    rows = {}
    for o in outcomes:
        rows.setdefault(o.case.category, dict.fromkeys(verdicts, 0))[o.verdict] += 1
    lines = ["| category | tried | clean error | traceback | succeeded | hang | unclear |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for category, counts in [*rows.items(), ("all", {v: sum(r[v] for r in rows.values()) for v in verdicts})]:
        lines.append(f"| {category} | {sum(counts.values())} | " + " | ".join(str(counts[v]) for v in verdicts) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        outcomes = run_all(Path(scratch))
        print(table(outcomes))
        for o in outcomes:
            if o.verdict != "clean":
                print(f"\n{o.verdict}: {o.case.category} / {o.case.name} (exit {o.code}, {o.seconds:.1f} s)\n"
                      f"{o.stderr[-600:]}")
        print(f"\nleft over: {leftovers(Path(scratch)) or 'nothing'}")
