"""``python -m ecology gaps --level lad|icb [--theme T] [--activity A ...] [--no-sample] [--no-venues]
--format csv|json``: the Coverage gaps page's ranked table."""

from __future__ import annotations

import argparse
import json
import sys

from ecology import export, gaps, geography, register
from ecology.assets_cli import UsageError, resolve_terms


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--level", choices=("lad", "icb"), default="lad", help="local authorities or ICBs")
    parser.add_argument("--theme", default=None, help="a health focus (id, label or synonym), e.g. dementia")
    parser.add_argument("--activity", action="append", default=[], metavar="TERM", help="repeat for several")
    parser.add_argument("--no-sample", action="store_true", help="leave out generated sample records")
    parser.add_argument("--no-venues", action="store_true", help="leave out museums and libraries")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--database", default=None, help="the register's URL (default: ECOLOGY_DATABASE_URL or SQLite)")


def run(args: argparse.Namespace) -> int:
    try:
        theme = resolve_terms("health_focus", [args.theme])[0] if args.theme else None
        activity = resolve_terms("activity", args.activity)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    tree = geography.PlaceTree.from_table(geography.place_table())
    store = register.open_register(args.database)
    assets = store.records("assets")
    provision = gaps.provision_assets(assets, tree, gaps.provision_filter(theme, activity, not args.no_sample,
                                                                         not args.no_venues))
    table = gaps.display(gaps.gap_table(gaps.load_inputs(), provision, args.level, theme,
                                        practitioners=store.records("practitioners")))
    if args.format == "csv":
        sys.stdout.write(export.table_to_csv(table))
    else:
        rows = json.loads(table.to_json(orient="records"))
        print(json.dumps({"definition": gaps.GAP_DEFINITION, "flag": gaps.FLAG_DEFINITION, "vintages": gaps.VINTAGES,
                          "level": args.level, "theme": theme, "areas": rows}, indent=1, ensure_ascii=False))
    return 0
