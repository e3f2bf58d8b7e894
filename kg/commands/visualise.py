"""``kg visualise``: the support network as a self-contained interactive page or a static picture."""

from __future__ import annotations

from kg.commands import iso_day

import sys
from pathlib import Path

from kg.errors import InputError

NAME = "visualise"
HELP = "draw the support network: an offline interactive page (.html) or a tiered picture (.png, .svg)"
DESCRIPTION = """Draw the support and cooperation network.

FILE.html: one self-contained page that works with no network at all (vis-network is
inlined from the installed pyvis package): nodes sized by a measure and coloured by
level or kind, support links as arrows, partnerships without arrows, planned links
dashed, ended links dotted; hover for details, a search box that ignores diacritics,
a snapshot date selector and a legend.

FILE.png or FILE.svg: a tiered picture (central level on top, then provincial,
regional or district, commune; foreign partners in a column beside) with Vietnamese
labels in DejaVu Sans and a legend.

Exit codes: 0 ok, 2 bad input (unknown suffix, unknown measure, bad date)."""
EXAMPLES = """examples:
  kg visualise -o build/network.html
  kg visualise -o build/network.html --lang en --size-by betweenness --colour-by kind
  kg visualise -o build/network.png
  kg visualise -o build/network.svg --lang vi --as-of 2023-05-05"""

SUFFIXES = (".html", ".png", ".svg")


def add_arguments(parser):
    from kg.network.measures import MAIN_MEASURES, MEASURES

    scores = [m.name for m in MEASURES.values() if m.kind == "score"]
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE",
                        help="FILE.html (interactive page), FILE.png or FILE.svg (picture)")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="language of labels and page (default: vi)")
    parser.add_argument("--size-by", choices=scores, default=MAIN_MEASURES[0], metavar="MEASURE",
                        help=f"measure that sizes the nodes (default: {MAIN_MEASURES[0]}); one of: {', '.join(scores)}")
    parser.add_argument("--colour-by", "--color-by", dest="colour_by", choices=["level", "kind"], default="level",
                        help="node colour (default: level)")
    parser.add_argument("--as-of", type=iso_day, metavar="YYYY-MM-DD", help="picture: only links in force on this date; "
                        "page: the snapshot selected when it opens")
    parser.add_argument("--include-planned", action="store_true", help="count planned links in the measures")


def run(args) -> int:
    suffix = args.output.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"-o {args.output}: unknown picture type '{suffix or '(none)'}'; "
                         f"give a file name ending in {', '.join(SUFFIXES)}")
    from kg.dates import parse_date
    from kg.network.draw import visualise

    as_of = parse_date(args.as_of) if args.as_of else None
    written, seconds = visualise(args.output, lang=args.lang, size_by=args.size_by, colour_by=args.colour_by,
                                 as_of=as_of, include_planned=args.include_planned)
    print(f"wrote {written} in {seconds:.1f} s", file=sys.stderr)
    return 0
