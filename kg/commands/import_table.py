"""``kg import table``: placeholder while it is being written."""

from __future__ import annotations

HELP = "(not written yet)"
DESCRIPTION = HELP


def add_arguments(parser):
    pass


def run(args) -> int:
    print("Error: kg import table is not written yet", flush=True)
    return 2
