"""``kg visualise``: the support network, or its map, as a self-contained interactive page or a static picture."""

from __future__ import annotations

from kg.commands import iso_day

import sys
from pathlib import Path

from kg.errors import InputError

NAME = "visualise"
HELP = "draw the support network or its map: an offline interactive page (.html) or a picture (.png, .svg)"
DESCRIPTION = """Draw the support and cooperation network.

FILE.html: one self-contained page that works with no network at all (vis-network is
inlined from the installed pyvis package): nodes sized by a measure and coloured by
level or kind, support links as arrows, partnerships without arrows, planned links
dashed, ended links dotted; hover for details, a search box that ignores diacritics,
a snapshot date selector and a legend.

FILE.png or FILE.svg: a tiered picture (central level on top, then provincial,
regional or district, commune; foreign partners in a column beside) with Vietnamese
labels in DejaVu Sans and a legend.

--picture map draws the map instead: provinces and institutions at their coordinates
(GeoSPARQL points, geo:hasGeometry/geo:asWKT) on a plain background, no tile server and
no network request. An institution sits at its own point, else at the point of the area
it lies in (up hkg:partOf to the first unit with one). Colours follow the support links
given and received on the date (--colour-by role, given or received), sizes their number.
The provinces come in two layers, before and after 1 July 2025: the page switches between
them and opens on the layer of its snapshot's date; the picture shows the layer of --as-of
(the present one without it), or the one --layer names. Institutions with no point, or
outside Vietnam, are listed beside the map.

Exit codes: 0 ok, 2 bad input (unknown suffix, unknown measure, bad date, a colour or
layer the picture has not, a point that is not "POINT(lon lat)")."""
EXAMPLES = """examples:
  kg visualise -o build/network.html
  kg visualise -o build/network.html --lang en --size-by betweenness --colour-by kind
  kg visualise -o build/network.png
  kg visualise -o build/network.svg --lang vi --as-of 2023-05-05
  kg visualise --picture map -o build/map.html
  kg visualise --picture map -o build/map.png --as-of 2023-05-05 --colour-by received
  kg visualise --picture map -o build/map.svg --lang en --layer before"""

SUFFIXES = (".html", ".png", ".svg")

#: What each picture can be coloured by, the default first.
COLOURS = {"network": ("level", "kind"), "map": ("role", "given", "received")}


def add_arguments(parser):
    from kg.network.measures import MAIN_MEASURES, MEASURES

    scores = [m.name for m in MEASURES.values() if m.kind == "score"]
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE",
                        help="FILE.html (interactive page), FILE.png or FILE.svg (picture)")
    parser.add_argument("--picture", choices=list(COLOURS), default="network",
                        help="network: the tiered support network (default); map: provinces and institutions at "
                             "their coordinates, coloured by support given and received")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="language of labels and page (default: vi)")
    parser.add_argument("--size-by", choices=scores, default=MAIN_MEASURES[0], metavar="MEASURE",
                        help=f"network: measure that sizes the nodes (default: {MAIN_MEASURES[0]}; the map sizes them by "
                             f"the support links given and received); one of: {', '.join(scores)}")
    parser.add_argument("--colour-by", "--color-by", dest="colour_by", metavar="WHAT",
                        choices=sorted({c for colours in COLOURS.values() for c in colours}),
                        help="node colour: level or kind for the network (default: level); role, given or received "
                             "for the map (default: role: gives, receives, both or neither)")
    parser.add_argument("--layer", choices=["before", "after"],
                        help="map: the provinces before or after 1 July 2025 (default: those of the --as-of date, "
                             "the present ones without it)")
    parser.add_argument("--as-of", type=iso_day, metavar="YYYY-MM-DD", help="picture: only links in force on this date; "
                        "page: the snapshot selected when it opens")
    parser.add_argument("--include-planned", action="store_true", help="count planned links in the measures")


def run(args) -> int:
    suffix = args.output.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"-o {args.output}: unknown picture type '{suffix or '(none)'}'; "
                         f"give a file name ending in {', '.join(SUFFIXES)}")
    colours = COLOURS[args.picture]
    if args.colour_by is not None and args.colour_by not in colours:
        raise InputError(f"--colour-by {args.colour_by}: the {args.picture} is coloured by {' or '.join(colours)}")
    if args.layer is not None and args.picture != "map":
        raise InputError(f"--layer {args.layer}: only the map has layers of provinces; add --picture map")
    from kg.dates import parse_date
    from kg.network.draw import visualise, visualise_map

    as_of = parse_date(args.as_of) if args.as_of else None
    colour_by = args.colour_by or colours[0]
    if args.picture == "map":
        written, seconds = visualise_map(args.output, lang=args.lang, as_of=as_of, layer=args.layer,
                                         include_planned=args.include_planned, colour_by=colour_by)
    else:
        written, seconds = visualise(args.output, lang=args.lang, size_by=args.size_by, colour_by=colour_by,
                                     as_of=as_of, include_planned=args.include_planned)
    print(f"wrote {written} in {seconds:.1f} s", file=sys.stderr)
    return 0
