"""``kg serve``: the web interface, the SPARQL endpoint and the API, from the project's store."""

from __future__ import annotations

import sys

from kg.errors import InputError

NAME = "serve"
HELP = "serve the graph in a browser: questions as forms, entity pages, a SPARQL editor and endpoint, downloads"
DESCRIPTION = """Start the web interface on the project's store (refreshed first when a file changed).

Pages, in Vietnamese (add ?lang=en for English, or use the switch on every page):
  /                 the users' questions, each opening its stored query as a form
  /search?q=NAME    find by name, with or without diacritics (suggestions as you type)
  /id/...           a page per entity, its statements with their sources; the same path
                    gives Turtle, JSON-LD or N-Triples by Accept or ?format=
  /editor           a SPARQL editor      /network   the support network
  /downloads        every export, and /.well-known/void (VoID and DCAT)
Machine interfaces:
  /sparql           SPARQL 1.1 Protocol, read-only (GET, POST form or direct)
  /api/NAME         each stored query as a REST path; /api/openapi.json describes them

Read-only, and it reaches nothing outside itself: updates, SERVICE, and FROM naming
anything but the store's own graphs are refused. Every query has a time limit
(--timeout) and a row cap (--max-rows); a request over 100 KB gets 413.
Everything a page loads is shipped with the package: it works with no network.
The server listens on 127.0.0.1 unless --host says otherwise; stop it with Ctrl-C."""
EXAMPLES = """examples:
  kg serve                          # then open http://127.0.0.1:8000/
  kg serve --port 8080 --timeout 30
  kg serve --host 0.0.0.0           # reachable from other machines: mind what you expose"""


def default_workers() -> int:
    """One worker per processor, and one more for a query that runs long (it is lowered in priority)."""
    import os

    return min(8, (os.cpu_count() or 1) + 1)


def add_arguments(parser):
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    from kg.commands import positive_seconds

    parser.add_argument("--timeout", type=positive_seconds, default=10.0, metavar="SECONDS",
                        help="time limit of one query (default: 10)")
    parser.add_argument("--max-rows", type=int, default=10_000, metavar="N",
                        help="rows sent at most per answer (default: 10000)")
    parser.add_argument("--workers", type=int, default=default_workers(), metavar="N",
                        help=f"processes that run users' queries (default: processors + 1, here {default_workers()}); "
                             "a query over its time limit ends its process, and the others go on serving")


def run(args) -> int:
    import socket

    from kg.graph.files import Project
    from kg.graph.store import open_store
    from kg.queries.run import say
    from kg.web.app import Settings, create_app

    if not 0 <= args.port <= 65535:
        raise InputError(f"--port {args.port}: give a port between 1 and 65535 (or 0 for a free one)")
    if args.timeout <= 0 or args.max_rows < 1 or args.workers < 1:
        raise InputError("--timeout, --max-rows and --workers must be positive")
    try:
        import uvicorn
    except ImportError:
        raise InputError("kg serve needs uvicorn and starlette; reinstall the project: pip install -e .") from None
    project = Project()
    store = open_store(project, progress=say)
    app = create_app(store, project, Settings(timeout=args.timeout, max_rows=args.max_rows, workers=args.workers))
    # IPPROTO_TCP named outright: asyncio turns Nagle's algorithm off only on sockets that say they are TCP,
    # and with it on, every answer on a kept-alive connection waited 40 ms for the client's delayed ACK
    sock = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as exc:
        raise InputError(f"cannot listen on {args.host}:{args.port} ({exc.strerror}); "
                         "choose another port with --port, or stop what uses it") from None
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(f"Serving the graph ({len(store):,} quads) at http://{shown}:{port}/  (SPARQL endpoint: "
          f"http://{shown}:{port}/sparql; Ctrl-C stops)", flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    print("Stopped.", file=sys.stderr)
    return 0
