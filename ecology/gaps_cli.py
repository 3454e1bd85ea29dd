"""``python -m ecology gaps --level lad|icb [--theme T] [--imd] [--activity A ...] [--include-sample]
[--no-venues] --format csv|json``: the Coverage gaps page's ranked table (real records unless
``--include-sample``; need by the theme's own measure unless ``--imd``)."""

from __future__ import annotations

import argparse
import json
import sys

from ecology import export, gaps, geography, register, taxonomy
from ecology.assets_cli import UsageError, resolve_terms


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--level", choices=("lad", "icb"), default="lad", help="local authorities or ICBs")
    parser.add_argument("--theme", default=None, help="a health focus (id, label or synonym), e.g. dementia")
    parser.add_argument("--activity", action="append", default=[], metavar="TERM", help="repeat for several")
    parser.add_argument("--include-sample", action="store_true",
                        help="count generated sample records too (default: real records only)")
    parser.add_argument("--no-venues", action="store_true", help="leave out museums, libraries and cinemas")
    parser.add_argument("--imd", action="store_true", help="rank need by the IMD 2025 instead of the theme's measure")
    parser.add_argument("--investment", action="store_true",
                        help="rank need against Arts Council England investment per head instead of assets")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--database", default=None, help="the register's URL (default: ECOLOGY_DATABASE_URL or SQLite)")


def run(args: argparse.Namespace) -> int:
    try:
        theme = resolve_terms("health_focus", [args.theme])[0] if args.theme else None
        activity = resolve_terms("activity", args.activity)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.investment:
        return _investment(args, theme)
    tree = geography.PlaceTree.from_table(geography.place_table())
    store = register.open_for_reading(args.database)
    assets = store.records("assets")
    provision = gaps.provision_assets(assets, tree, gaps.provision_filter(theme, activity, args.include_sample,
                                                                         not args.no_venues))
    ranked = gaps.gap_table(gaps.load_inputs(), provision, args.level, theme,
                            practitioners=gaps.counted_practitioners(store.records("practitioners"),
                                                                   include_sample=args.include_sample),
                            use_imd=args.imd)
    measure = gaps.measure_of(ranked)
    table = gaps.display(ranked)
    note = None
    if (ranked["assets"] == 0).all():  # every area ties on provision: say so, and what exists
        note = gaps.nothing_counts(assets, tree, "E92000001", taxonomy.label_of("health_focus", theme) if theme else "all themes", include_sample=args.include_sample)
        print(f"note: {note}", file=sys.stderr)
    if args.format == "csv":
        sys.stdout.write(export.table_to_csv(table))
    else:
        rows = json.loads(table.to_json(orient="records"))
        print(json.dumps({"definition": gaps.GAP_DEFINITION, "flag": gaps.FLAG_DEFINITION, "vintages": gaps.VINTAGES,
                          "need_measure": {"name": measure.name, "formula": measure.formula, "source": measure.source},
                          "include_sample": args.include_sample, "note": note,
                          "level": args.level, "theme": theme, "areas": rows}, indent=1, ensure_ascii=False))
    return 0


def _investment(args: argparse.Namespace, theme: str | None) -> int:
    """Write the "where the money lands" table of the Coverage gaps page."""
    from ecology import investment

    ranked = investment.investment_table(gaps.load_inputs(), investment.load(), args.level, theme, use_imd=args.imd)
    table = investment.display(ranked)
    if args.format == "csv":
        sys.stdout.write(export.table_to_csv(table))
    else:
        measure = gaps.measure_of(ranked)
        rows = json.loads(table.to_json(orient="records"))
        print(json.dumps({"definition": investment.DEFINITION, "source": investment.SOURCE, "level": args.level,
                          "theme": theme, "need_measure": {"name": measure.name, "formula": measure.formula,
                                                           "source": measure.source}, "areas": rows},
                         indent=1, ensure_ascii=False))
    return 0
