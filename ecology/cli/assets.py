"""``python -m ecology assets``: the Assets page's filters and exports for scripts."""

from __future__ import annotations

import argparse
import json

import pandas as pd

from ecology import schema, taxonomy
from ecology.cli.options import (UsageError, add_database, add_format, add_out, add_place, add_theme, emit,
                                 resolve_place, resolve_terms)
from ecology.analysis import filters, pcn
from ecology.places import geography
from ecology.register import export, startup


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the filter and output options (the same filters as the Assets page)."""
    add_place(parser, default=geography.ENGLAND_CODE,
              help="England, an NHS region, an ICB or a local authority: ONS code or name (default England)")
    add_theme(parser)
    for option, vocabulary in (("--health-focus", "health_focus"), ("--activity", "activity"),
                               ("--audience", "audience"), ("--setting", "setting"),
                               ("--referral-route", "referral_route"), ("--cost", "cost"), ("--kind", "kind")):
        ids = ", ".join(t.id for t in taxonomy.terms(vocabulary))
        parser.add_argument(option, action="append", default=[], metavar="TERM",
                            help=f"repeat for any of several; a term id, label or synonym ({ids})")
    parser.add_argument("--verified-within-months", type=int, metavar="N")
    parser.add_argument("--include-sample", action="store_true",
                        help="list generated sample records too (default: real records only)")
    parser.add_argument("--no-venues", action="store_true", help="leave out museums, libraries and cinemas")
    parser.add_argument("--search", default="", help="name or organisation contains this text")
    parser.add_argument("--near", metavar="POSTCODE")
    parser.add_argument("--within-km", type=float, metavar="N", default=5.0)
    parser.add_argument("--pcn", metavar="NAME_OR_CODE",
                        help="keep assets within --within-km of any practice of this Primary Care Network")
    parser.add_argument("--per-pcn", action="store_true",
                        help="instead of the assets, write per PCN how many of them lie within --within-km (csv)")
    add_format(parser, ("csv", "geojson", "oruk", "oruk-bundle"),
               help="csv (default), geojson, oruk: an Open Referral UK service list, services nested as its APIs "
                    "publish them; oruk-bundle: the same objects as flat lists linked by id")
    add_out(parser)
    add_database(parser)


def filter_from(args: argparse.Namespace, tree: geography.PlaceTree,
                postcodes: geography.PostcodeTable | None) -> filters.AssetFilter:
    """Return the AssetFilter the options describe (UsageError if a value is unknown)."""
    args.place = resolve_place(tree, args.place)
    near = None
    if args.near:
        found = (postcodes or geography.PostcodeTable.from_build()).geocode([args.near]).iloc[0]
        if found["status"] != "ok":
            raise UsageError(f"postcode {args.near!r}: {found['reason']}")
        near = (float(found["lat"]), float(found["lon"]))
    points, points_label = (), ""
    if getattr(args, "pcn", None):
        network = _one_pcn(args.pcn)
        points = pcn.practice_points(_pcn_tables()[1], network["pcn_code"])
        points_label = f"the practices of {network['pcn_name']} ({network['pcn_code']})"
    return filters.AssetFilter(
        place=args.place,
        health_focus=resolve_terms("health_focus", [*args.health_focus, *([args.theme] if args.theme else [])]),
        activity=resolve_terms("activity", args.activity),
        audience=resolve_terms("audience", args.audience), setting=resolve_terms("setting", args.setting),
        referral_route=resolve_terms("referral_route", args.referral_route),
        cost=resolve_terms("cost", args.cost),
        kind=resolve_terms("kind", args.kind), verified_within_months=args.verified_within_months,
        include_sample=args.include_sample, include_venues=not args.no_venues, search=args.search,
        near=near, within_km=args.within_km if near or points else None,
        near_points=points, near_points_label=points_label,
    )


def _pcn_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    from ecology import paths

    return (pd.read_parquet(paths.build_dir() / "pcns.parquet"), pd.read_parquet(paths.build_dir() / "pcn_practices.parquet"))


def _one_pcn(text: str) -> pd.Series:
    """Return the one PCN a name or code names (UsageError listing up to five if several or none match)."""
    found = pcn.find_pcns(_pcn_tables()[0], text)
    exact = found[found["pcn_code"].str.lower() == text.strip().lower()]
    if len(exact) == 1 or len(found) == 1:
        return (exact if len(exact) == 1 else found).iloc[0]
    if found.empty:
        raise UsageError(f"no Primary Care Network has {text!r} in its name or code")
    names = "; ".join(f"{r.pcn_name} ({r.pcn_code})" for r in found.head(5).itertuples())
    raise UsageError(f"{len(found)} Primary Care Networks match {text!r}: {names}. Give more of the name or the code.")


def render(found: pd.DataFrame, fmt: str) -> str:
    """Return the filtered assets in the chosen format, as text."""
    rows = schema.conform(found)
    if fmt == "csv":
        return export.to_csv(rows)
    from ecology.register.export import oruk_api

    makers = {"geojson": export.to_geojson, "oruk": oruk_api.service_list, "oruk-bundle": export.to_oruk}
    document = makers[fmt](rows)
    return json.dumps(document, ensure_ascii=False, indent=1)


def run(args: argparse.Namespace) -> int:
    """Filter the register's assets (as the app shows them) and write them; returns the exit code."""
    tree = geography.PlaceTree.from_table(geography.place_table())
    chosen = filter_from(args, tree, None)
    assets = startup.open_for_reading(args.database).records("assets")
    found = filters.apply(assets, tree, chosen)
    if args.per_pcn:
        networks, practices = _pcn_tables()
        text = export.table_to_csv(pcn.per_pcn_table(found, networks, practices, args.within_km))
    else:
        text = render(found, args.format)
    emit(text, args.out, what=f"{len(found):,} assets ({filters.describe(chosen, tree)})")
    return 0
