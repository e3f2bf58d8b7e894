"""The ``kg`` command line: parse arguments, call one library function, print, return an exit code.

Exit codes: 0 success or data conforms; 1 data does not conform or a check returned rows;
2 bad input or usage (the message names the file, line or argument).
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys
from pathlib import Path

from kg.errors import KGError

#: The subcommands, each a module of ``kg.commands`` with NAME, HELP, add_arguments() and run().
COMMANDS = ["build", "validate", "export", "stats", "queries", "query", "search", "push", "network", "referrals", "visualise", "generate", "docs",
            "import", "serve"]

#: Commands whose module is not named as the command (``import`` is a Python keyword).
MODULES = {"import": "imports"}


def _modules(only: str | None = None):
    return [importlib.import_module(f"kg.commands.{MODULES.get(name, name)}") for name in COMMANDS if only in (None, name)]


def command_of(argv: list[str]) -> str | None:
    """The subcommand named in ``argv``, if any: the first word that is not an option or the value of ``--root``.

    >>> command_of(["--root", "query", "stats"]), command_of(["query", "x"]), command_of(["--help"])
    ('stats', 'query', None)
    """
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word == "--root":
            skip = True
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of ``kg`` and every subcommand (or only the subcommand ``only``: a command then
    imports its own module alone, and starts faster)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        ver = version("vnhealth-kg")
    except PackageNotFoundError:  # running from a checkout that was not installed
        ver = "unknown"
    parser = argparse.ArgumentParser(
        prog="kg",
        description="Vietnam Health Cooperation Knowledge Graph: validate, query, analyse and export "
                    "the graph of who supports whom in Vietnam's health system.",
        epilog="Run 'kg COMMAND --help' for the options and examples of one command. "
               "Exit codes: 0 ok, 1 data does not conform, 2 bad input or usage.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {ver}")
    parser.add_argument("--root", type=Path, metavar="DIR",
                        help="project folder holding ontology/, data/, shapes/, queries/ (default: this checkout)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _modules(only):
        cmd = sub.add_parser(module.NAME, help=module.HELP, description=module.DESCRIPTION,
                             epilog=getattr(module, "EXAMPLES", None),
                             formatter_class=argparse.RawDescriptionHelpFormatter)
        module.add_arguments(cmd)
        cmd.set_defaults(run=module.run)
    return parser


class Terminated(BaseException):
    """SIGTERM arrived: unwinding (as Ctrl-C does) lets every write remove its temporary file."""


def _terminate(signum, frame):
    raise Terminated()


def _on_terminate():
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _terminate)


def _restore_terminate(previous) -> None:
    import signal

    if previous is not None:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    """Run ``kg`` with ``argv`` (default: the process arguments) and return the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if sys.stdout is None:  # started with standard output closed (kg ... >&-)
        print("Error: standard output is closed; give the command somewhere to write, e.g. -o FILE or > FILE",
              file=sys.stderr)
        return 2
    parser = build_parser(command_of(argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    named = ("--root", args.root) if args.root else ("KG_HOME", Path(os.environ["KG_HOME"])) \
        if os.environ.get("KG_HOME") else None
    if named:
        option, root = named
        try:
            is_project = any((root / "ontology").glob("*.ttl"))
        except OSError as exc:  # a name too long, a loop of links
            print(f"Error: {option} {str(root)[:60]}...: {exc.strerror}; give the folder that holds ontology/, "
                  "data/, shapes/ and queries/", file=sys.stderr)
            return 2
        if not is_project:
            print(f"Error: {option} {str(root)[:200]}: not a project folder (it has no ontology/*.ttl); give the "
                  "folder that holds ontology/, data/, shapes/ and queries/", file=sys.stderr)
            return 2
    before = os.environ.get("KG_HOME")
    if args.root:
        os.environ["KG_HOME"] = str(args.root.resolve())
    previous = _on_terminate()
    try:
        code = args.run(args)
        sys.stdout.flush()  # a full disk or a closed output shows here, not at exit
        return code
    except KGError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except Terminated:
        print("Terminated.", file=sys.stderr)
        return 143
    except BrokenPipeError:  # the reader (head, less) went away: stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        if exc.filename is None and exc.errno in (errno.ENOSPC, errno.EBADF, errno.EIO, errno.EFBIG, errno.EDQUOT):
            # writing the answer failed: standard output is full, closed or broken
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except OSError:
                pass
            print(f"Error: cannot write the output ({exc.strerror}); write it to a file with room, e.g. -o FILE",
                  file=sys.stderr)
            return 2
        if exc.filename is not None:  # a path the user gave that the system refused (too long, a loop, ...)
            name = str(exc.filename)
            shown = name if len(name) <= 120 else name[:60] + f"...({len(name)} characters)"
            print(f"Error: {shown}: {exc.strerror}; give another path", file=sys.stderr)
            return 2
        raise
    finally:  # --root holds for this command only: a caller of main() keeps its own project
        _restore_terminate(previous)
        if args.root:
            if before is None:
                os.environ.pop("KG_HOME", None)
            else:
                os.environ["KG_HOME"] = before


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
