"""``clusters --radius-km R --min-size K [--format csv|geojson] [--out FILE]``: practitioner clusters.

The same published view as the Practitioners page (``clusters.publish``, rules
in ``ecology.analysis.privacy``): clusters of at least the minimum size, counts under 5
as "fewer than 5" and the rest rounded to 5, shares in bands with 5 on each side.
"""

from __future__ import annotations

import argparse
import json

from ecology.analysis import clusters
from ecology.cli.options import UsageError, add_database, add_format, add_out, emit
from ecology.places import geography
from ecology.register import export, startup


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--radius-km", type=float, default=10.0, help="clustering radius in km (default 10)")
    parser.add_argument("--min-size", type=int, default=10,
                        help=f"practitioners within the radius that make a cluster (at least {clusters.MIN_SIZE_FLOOR})")
    parser.add_argument("--isolated", action="store_true",
                        help="instead of clusters, list local authorities by practitioners outside any cluster (csv)")
    add_format(parser, ("csv", "geojson"))
    add_out(parser)
    add_database(parser)


def run(args: argparse.Namespace) -> int:
    if args.radius_km <= 0:
        raise UsageError("--radius-km must be more than 0")
    people = startup.open_for_reading(args.database).records("practitioners")
    tree = geography.PlaceTree.from_table(geography.place_table())
    view = clusters.publish(people, args.radius_km, args.min_size, tree)
    if args.isolated:
        emit(export.table_to_csv(view.isolated.drop(columns=["lad_code"])), args.out,
             what=f"{len(view.isolated)} local authorities")
    elif args.format == "csv":
        emit(export.table_to_csv(view.table), args.out, what=f"{len(view.table)} clusters")
    else:
        emit(json.dumps(view.geojson(), ensure_ascii=False), args.out, what=f"{len(view.table)} clusters")
    return 0
