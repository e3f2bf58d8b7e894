"""``kg generate``: write a synthetic national health-cooperation graph as a project folder."""

from __future__ import annotations

import sys
from pathlib import Path

NAME = "generate"
HELP = "write a deterministic synthetic health-cooperation graph as a project folder (scale tests, demos)"
DESCRIPTION = """Write a project folder holding a synthetic national health-cooperation graph in the
project's own ontology: 34 provinces from 1 July 2025 and the 63 former ones, N institutions
(central, provincial and regional hospitals, commune health stations, departments of
health, foreign partners), the agreements, technique transfers, trainings, posts, events
and reported figures between them, and the referral flows that send patients back up the
lines (commune -> regional -> provincial -> central, a few from unnamed groups), each fact
in the named graph of its synthetic source.
ontology/, shapes/ and queries/ are copied from this project, so the folder works with
'kg --root DIR validate|stats|query|network'. Every label and IRI says it is synthetic.

Size: about 41 triples per institution at scale, half of them referral flows, plus about
1,000 fixed (60 institutions ~ 6,500 triples, 1,848 ~ 100,000, 22,900 ~ 1,000,000);
--triples T picks the number of institutions for about T triples.
The same arguments give the same bytes. --violations K injects K known violations of K
different shapes and checks and lists the findings 'kg validate' must report in
DIR/expected-violations.json (focus, path, component).

The folder is written beside DIR and renamed into place: nothing is left half-written.
Exit codes: 0 written, 2 bad arguments (too few institutions, DIR not empty without
--force, DIR not writable)."""
EXAMPLES = """examples:
  kg generate --institutions 60 --seed 1 -o build/synthetic-60
  kg generate --triples 1000000 --seed 7 -o build/synthetic-1m
  kg generate --institutions 200 --seed 1 --violations 5 -o build/synthetic-bad --force
  kg --root build/synthetic-60 validate"""


def add_arguments(parser):
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--institutions", type=int, metavar="N", help="number of institutions (at least 20)")
    size.add_argument("--triples", type=int, metavar="T", help="aim at about T triples instead of giving N")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default: 0)")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="DIR",
                        help="project folder to write (new or empty, or any with --force)")
    parser.add_argument("--violations", type=int, default=0, metavar="K",
                        help="inject K known violations and list them in DIR/expected-violations.json (default: 0)")
    parser.add_argument("--force", action="store_true", help="replace DIR when it is not empty")


def run(args) -> int:
    from kg.graph.generate import generate

    size = f"--triples {args.triples}" if args.triples is not None else f"--institutions {args.institutions}"
    command = f"kg generate {size} --seed {args.seed} -o DIR"
    if args.violations:
        command += f" --violations {args.violations}"
    summary = generate(args.output, institutions=args.institutions, triples=args.triples, seed=args.seed,
                       violations=args.violations, force=args.force, template=args.root, command=command)
    print(summary.text(), file=sys.stderr)
    return 0
