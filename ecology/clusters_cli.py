"""``python -m ecology clusters --radius-km R --min-size K --format csv|geojson``: practitioner clusters.

The same published view as the Practitioners page (``clusters.publish``, rules
in ``ecology.privacy``): clusters of at least the minimum size, counts under 5
as "fewer than 5" and the rest rounded to 5, shares in bands with 5 on each side.
"""

from __future__ import annotations

import argparse
import json
import sys

from ecology import clusters, export, geography, register


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--radius-km", type=float, default=10.0, help="clustering radius in km (default 10)")
    parser.add_argument("--min-size", type=int, default=10,
                        help=f"practitioners within the radius that make a cluster (at least {clusters.MIN_SIZE_FLOOR})")
    parser.add_argument("--format", choices=("csv", "geojson"), default="csv")
    parser.add_argument("--isolated", action="store_true",
                        help="instead of clusters, list local authorities by practitioners outside any cluster (csv)")
    parser.add_argument("--database", default=None, help="the register's URL (default: ECOLOGY_DATABASE_URL or SQLite)")


def run(args: argparse.Namespace) -> int:
    if args.radius_km <= 0:
        print("error: --radius-km must be more than 0", file=sys.stderr)
        return 2
    people = register.open_for_reading(args.database).records("practitioners")
    tree = geography.PlaceTree.from_table(geography.place_table())
    view = clusters.publish(people, args.radius_km, args.min_size, tree)
    if args.isolated:
        sys.stdout.write(export.table_to_csv(view.isolated.drop(columns=["lad_code"])))
        return 0
    if args.format == "csv":
        sys.stdout.write(export.table_to_csv(view.table))
    else:
        print(json.dumps(view.geojson(), ensure_ascii=False))
    return 0
