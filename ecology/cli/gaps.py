"""``gaps --level lad|icb [--place P] [--theme T] [--imd] [--activity A ...] [--include-sample] [--no-venues]
[--investment] [--format csv|json] [--out FILE]``: the Coverage gaps page's ranked table (real records
unless ``--include-sample``; need by the theme's own measure unless ``--imd``). Ranks are England's:
``--place`` keeps the rows of the areas within a place and leaves their ranks as they are."""

from __future__ import annotations

import argparse
import json
import sys

from ecology import taxonomy
from ecology.cli.options import (add_database, add_format, add_out, add_place, add_theme, emit, resolve_place,
                                 resolve_terms, resolve_theme)
from ecology.analysis import gaps
from ecology.places import geography
from ecology.register import export, startup


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--level", choices=("lad", "icb"), default="lad", help="local authorities or ICBs")
    add_place(parser, help="keep the areas within this place (ONS code or name; default England)")
    add_theme(parser)
    parser.add_argument("--activity", action="append", default=[], metavar="TERM", help="repeat for several")
    parser.add_argument("--include-sample", action="store_true",
                        help="count generated sample records too (default: real records only)")
    parser.add_argument("--no-venues", action="store_true", help="leave out museums, libraries and cinemas")
    parser.add_argument("--imd", action="store_true", help="rank need by the IMD 2025 instead of the theme's measure")
    parser.add_argument("--investment", action="store_true",
                        help="rank need against Arts Council England investment per head instead of assets")
    add_format(parser, ("csv", "json"))
    add_out(parser)
    add_database(parser)


def run(args: argparse.Namespace) -> int:
    theme = resolve_theme(args.theme)
    activity = resolve_terms("activity", args.activity)
    tree = geography.PlaceTree.from_table(geography.place_table())
    place = resolve_place(tree, args.place) if args.place else geography.ENGLAND_CODE
    if args.investment:
        return _investment(args, theme, tree, place)
    store = startup.open_for_reading(args.database)
    assets = store.records("assets")
    provision = gaps.provision_assets(assets, tree, gaps.provision_filter(theme, activity, args.include_sample,
                                                                         not args.no_venues))
    ranked = gaps.gap_table(gaps.load_inputs(), provision, args.level, theme,
                            practitioners=gaps.counted_practitioners(store.records("practitioners"),
                                                                   include_sample=args.include_sample),
                            use_imd=args.imd)
    measure = gaps.measure_of(ranked)
    ranked = ranked[ranked["area_code"].isin(areas_within(tree, place, args.level))]
    table = gaps.display(ranked)
    note = None
    if (ranked["assets"] == 0).all():  # every area ties on provision: say so, and what exists
        theme_label = taxonomy.label_of("health_focus", theme) if theme else "all themes"
        note = gaps.nothing_counts(assets, tree, place, theme_label, include_sample=args.include_sample)
        print(f"note: {note}", file=sys.stderr)
    if args.format == "csv":
        text = export.table_to_csv(table)
    else:
        rows = json.loads(table.to_json(orient="records"))
        text = json.dumps({"definition": gaps.GAP_DEFINITION, "flag": gaps.FLAG_DEFINITION, "vintages": gaps.VINTAGES,
                           "need_measure": {"name": measure.name, "formula": measure.formula, "source": measure.source},
                           "include_sample": args.include_sample, "note": note, "place": place,
                           "level": args.level, "theme": theme, "areas": rows}, indent=1, ensure_ascii=False)
    emit(text, args.out, what=f"{len(table)} areas within {tree.label(place)}")
    return 0


def areas_within(tree: geography.PlaceTree, place: str, level: str) -> set[str]:
    """Return the codes of the local authorities (``lad``) or ICBs (``icb``) within a place."""
    lads = set(tree.lads_within(place))
    if level == "lad":
        return lads
    return {code for lad in lads for code in [*tree.ancestors(lad), lad] if code.startswith("E54")}


def _investment(args: argparse.Namespace, theme: str | None, tree: geography.PlaceTree, place: str) -> int:
    """Write the "where the money lands" table of the Coverage gaps page."""
    from ecology.analysis import investment

    ranked = investment.investment_table(gaps.load_inputs(), investment.load(), args.level, theme, use_imd=args.imd)
    measure = gaps.measure_of(ranked)
    table = investment.display(ranked[ranked["area_code"].isin(areas_within(tree, place, args.level))])
    if args.format == "csv":
        text = export.table_to_csv(table)
    else:
        rows = json.loads(table.to_json(orient="records"))
        text = json.dumps({"definition": investment.DEFINITION, "source": investment.SOURCE, "level": args.level,
                           "place": place, "theme": theme,
                           "need_measure": {"name": measure.name, "formula": measure.formula,
                                            "source": measure.source}, "areas": rows}, indent=1, ensure_ascii=False)
    emit(text, args.out, what=f"{len(table)} areas within {tree.label(place)}")
    return 0
