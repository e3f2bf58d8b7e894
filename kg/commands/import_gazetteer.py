"""``kg import gazetteer``: Vietnam's administrative units, before and after 1 July 2025, as committed TriG."""

from __future__ import annotations

import sys
from pathlib import Path

from kg.graph.files import Project

HELP = "write Vietnam's provinces, districts and communes (before and after 1 July 2025) from vietnamadminunits"
DESCRIPTION = """Read the dataset that the PyPI package vietnamadminunits ships (install it with
pip install -e '.[gazetteer]') and write it as TriG in the project's conventions: one named graph
graph:gazetteer, the dataset as a hkg:SourceDocument with its version and licence, and every unit with
its official code, Vietnamese name and an unaccented English one, its kind (scheme:area-kinds), the
unit it is part of, its validity (until 30 June 2025, from 1 July 2025, or unchanged), its successors
(hkg:mergedInto, several for a divided commune) and a GeoSPARQL point. The curated areas of
data/reference/areas.trig keep their IRIs, and what the curated files state of them is not stated
again. The same package and curated files give the same bytes.

Exit codes: 0 written (or, with --check, the file is up to date); 1 with --check, the file differs from
what the import writes; 2 the package is missing or its data cannot be read."""
EXAMPLES = """examples:
  kg import gazetteer                   # writes data/gazetteer/vietnam-admin-units.trig
  kg import gazetteer --check           # exit 1 when the committed file is not what the import writes
  kg import gazetteer -o build/gazetteer.trig"""

#: Where the gazetteer is written, relative to the project; Project.gazetteer_files finds it by glob.
DEFAULT_OUTPUT = Path("data") / "gazetteer" / "vietnam-admin-units.trig"


def add_arguments(parser):
    parser.add_argument("-o", "--output", type=Path, metavar="FILE",
                        help=f"the TriG file to write (default: {DEFAULT_OUTPUT} in the project)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when the file differs from what the import would write")
    parser.add_argument("--data", type=Path, metavar="DIR",
                        help="read the package's data files (dataset.db, converter_2025.json) from DIR instead of "
                             "the installed package")


def run(args) -> int:
    from kg.graph.export import write_atomic
    from kg.graph.gazetteer import read_gazetteer
    from kg.graph.gazetteer_trig import curated_statements, gazetteer_trig

    project = Project()
    output = args.output or project.root / DEFAULT_OUTPUT
    gazetteer = read_gazetteer(args.data)
    text = gazetteer_trig(gazetteer, curated_statements(project.data_files))
    counts = (f"{gazetteer.count('province', 'before')} provinces, {gazetteer.count('district', 'before')} districts "
              f"and {gazetteer.count('commune', 'before')} communes until 30 June 2025; "
              f"{gazetteer.count('province', 'after')} provinces and {gazetteer.count('commune', 'after')} communes "
              "from 1 July 2025")
    if args.check:
        try:
            same = output.read_bytes() == text.encode("utf-8")
        except OSError:
            same = False
        if not same:
            print(f"{output}: differs from what kg import gazetteer writes from vietnamadminunits {gazetteer.version}; "
                  "run kg import gazetteer and commit the file", file=sys.stderr)
            return 1
        print(f"{output}: up to date ({counts})")
        return 0
    write_atomic(output, text)
    print(f"wrote {output}: {counts}, from vietnamadminunits {gazetteer.version}")
    return 0
